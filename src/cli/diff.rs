//! `jixiao diff OLD [NEW] [-- PATH…]`: what a change did to the computed figures.

use std::path::{Path, PathBuf};

use jixiao::{Checked, Forms};

use super::args::{DiffArgs, DiffFormat};
use super::{CliError, CliResult, EXIT_DATA, load_forms, write_stdout};

pub fn run(args: &DiffArgs) -> CliResult {
    let forms = load_forms(&args.templates.templates)?;
    let (old, new, paths) = (args.old.as_str(), args.new.as_deref(), &args.paths);
    if Path::new(old).exists() && new.is_none() {
        return Err(CliError::usage(format!(
            "比较两个文件或文件夹时需要给出新的一个：jixiao diff {old} 新路径"
        )));
    }
    // Two files named: compared with each other, whatever their names (a renamed project).
    if let Some(new) = new
        && Path::new(old).is_file()
        && Path::new(new).is_file()
    {
        let old_checked = jixiao::check(&[PathBuf::from(old)], &forms)?;
        let new_checked = jixiao::check(&[PathBuf::from(new)], &forms)?;
        let result =
            jixiao::diff::compare_files(&old_checked.reports[0], old, &new_checked.reports[0], new);
        return print_diff(&result, args.format);
    }
    let scratch = tempfile::tempdir().map_err(|e| jixiao::output::describe_io(&e))?;
    let (old_checked, old_root) = side(Some(old), paths, &scratch.path().join("old"), &forms)?;
    let (new_checked, new_root) = side(new, paths, &scratch.path().join("new"), &forms)?;
    if !paths.is_empty() && old_checked.reports.is_empty() && new_checked.reports.is_empty() {
        return Err(CliError::usage(format!(
            "两边都没有找到项目文件：{}；请检查 -- 之后的路径",
            paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join("、")
        )));
    }
    let result = jixiao::diff::compare(&old_checked, &old_root, &new_checked, &new_root);
    print_diff(&result, args.format)
}

/// The diff on stdout in `format`; exit 1 when it brings a new error.
fn print_diff(result: &jixiao::diff::Diff, format: DiffFormat) -> CliResult {
    let text = match format {
        DiffFormat::Table => jixiao::diff::to_table(result),
        DiffFormat::Markdown => jixiao::diff::to_markdown(result),
        DiffFormat::Json => serde_json::to_string_pretty(result)? + "\n",
    };
    write_stdout(text.as_bytes())?;
    Ok(if result.introduces_error() {
        EXIT_DATA
    } else {
        0
    })
}

/// Check one side of a diff: a path as it is, or a git revision copied into `scratch`.
/// Returns the checked projects and the root their paths are relative to.
fn side(
    side: Option<&str>,
    paths: &[PathBuf],
    scratch: &Path,
    forms: &Forms,
) -> Result<(Checked, PathBuf), CliError> {
    // The paths select projects; the folder defaults above them, up to the compared root,
    // still count (a changed jixiao.toml changes every score under it).
    let check =
        |targets: &[PathBuf], root: &Path| match jixiao::check_within(targets, Some(root), forms) {
            Ok(c) => Ok(c),
            Err(jixiao::LoadError::NoProjects(_)) => Ok(Checked {
                sources: Default::default(),
                reports: Vec::new(),
            }),
            Err(e) => Err(CliError::from(e)),
        };
    let scope = || {
        if paths.is_empty() {
            vec![PathBuf::from(".")]
        } else {
            paths.to_vec()
        }
    };
    match side {
        Some(p) if Path::new(p).exists() => {
            let path = PathBuf::from(p);
            let root = if path.is_dir() {
                path.clone()
            } else {
                path.parent().map(Path::to_path_buf).unwrap_or_default()
            };
            Ok((check(&[path], &root)?, root))
        }
        Some(rev) => {
            let scope = scope();
            jixiao::diff::checkout_revision(rev, &scope, scratch)?;
            let targets: Vec<PathBuf> = scope
                .iter()
                .map(|p| scratch.join(p))
                .filter(|p| p.exists())
                .collect();
            Ok((check(&targets, scratch)?, scratch.to_path_buf()))
        }
        // "" (not "."): the prefix every relative path has, however it is spelled.
        None => Ok((check(&scope(), Path::new(""))?, PathBuf::from("."))),
    }
}
