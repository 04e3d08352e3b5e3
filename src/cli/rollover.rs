//! `jixiao rollover DIR --year Y -o NEWDIR`: next year's files from this year's.

use std::path::{Path, PathBuf};

use jixiao::Forms;

use super::args::RolloverArgs;
use super::{CliError, CliResult, check_year, print_problems};

/// Every project file and `jixiao.toml` of DIR (and its subfolders) rolled over into the same
/// place under NEWDIR, then checked.
pub fn run(args: &RolloverArgs) -> CliResult {
    let (dir, year, output) = (&args.dir, args.year, &args.output);
    if !dir.is_dir() {
        return Err(CliError::usage(format!("{} 不是文件夹", dir.display())));
    }
    let mut all: Vec<PathBuf> = jixiao::load::discover(std::slice::from_ref(dir))?;
    // The folder defaults files come along (discover leaves them out).
    let mut folders: Vec<PathBuf> = all
        .iter()
        .filter_map(|f| f.parent().map(Path::to_path_buf))
        .collect();
    folders.push(dir.clone());
    folders.sort();
    folders.dedup();
    for folder in folders {
        let defaults = folder.join(jixiao::load::FOLDER_FILE);
        if defaults.is_file() {
            all.push(defaults);
        }
    }
    check_year(year)?;
    // NEWDIR inside DIR would make next check/bundle of DIR see both years.
    if jixiao::output::identity(output).starts_with(jixiao::output::identity(dir)) {
        return Err(CliError::usage(format!(
            "新文件夹 {} 在 {} 之内；请写到它外面（否则检查和汇编 {} 时两年的表会混在一起）",
            output.display(),
            dir.display(),
            dir.display()
        )));
    }
    // Every file is rolled over in memory first: nothing is written if any fails or any
    // target exists.
    let mut plan = Vec::new();
    for from in &all {
        let rel = from.strip_prefix(dir).unwrap_or(from);
        let to = output.join(rel);
        if to.symlink_metadata().is_ok() {
            return Err(CliError::usage(format!(
                "{} 已存在；rollover 不覆盖任何文件，请换一个新文件夹",
                to.display()
            )));
        }
        let next = rolled_text(from, year).map_err(|mut e| {
            e.message.push_str("；未写入任何文件");
            e
        })?;
        plan.push((to, next));
    }
    for (to, next) in &plan {
        if let Some(parent) = to.parent() {
            std::fs::create_dir_all(parent).map_err(|e| {
                CliError::usage(format!(
                    "无法创建 {}：{}",
                    parent.display(),
                    jixiao::output::describe_io(&e)
                ))
            })?;
        }
        jixiao::output::write_atomic(to, next.as_bytes())?;
    }
    eprintln!(
        "已写入 {}（{} 个文件，{year}年度）；以下是还需填写的空白：",
        output.display(),
        plan.len()
    );
    let checked = jixiao::check(std::slice::from_ref(output), &Forms::builtin())?;
    for r in &checked.reports {
        print_problems(&checked, r, &[]);
    }
    Ok(0)
}

/// The text of `from` rolled over to `year`, in memory.
pub fn rolled_text(from: &Path, year: i32) -> Result<String, CliError> {
    let text = std::fs::read_to_string(from).map_err(|e| {
        CliError::usage(format!(
            "无法读取 {}：{}",
            from.display(),
            jixiao::output::describe_io(&e)
        ))
    })?;
    jixiao::rollover::rollover(&text, year)
        .map_err(|e| CliError::usage(format!("{}：{e}", from.display())))
}
