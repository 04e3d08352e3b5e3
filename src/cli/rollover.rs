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
    let years = InheritedYears::of(dir, &all);
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
        let next = rolled_text(from, years.of_file(from), year).map_err(|mut e| {
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

/// The years project files take from their folder's `jixiao.toml` (checked only when some file
/// does not state its own), so their texts' old year is known.
struct InheritedYears(Option<jixiao::Checked>);

impl InheritedYears {
    fn of(dir: &Path, files: &[PathBuf]) -> Self {
        let states_year = |f: &PathBuf| {
            std::fs::read_to_string(f)
                .ok()
                .and_then(|t| t.parse::<toml::Table>().ok())
                .is_none_or(|t| t.contains_key("year"))
        };
        let needed = files.iter().any(|f| {
            f.file_name()
                .is_some_and(|n| n != jixiao::load::FOLDER_FILE)
                && !states_year(f)
        });
        InheritedYears(
            needed
                .then(|| jixiao::check(&[dir.to_path_buf()], &Forms::builtin()).ok())
                .flatten(),
        )
    }

    fn of_file(&self, file: &Path) -> Option<i32> {
        let checked = self.0.as_ref()?;
        checked
            .reports
            .iter()
            .find(|r| r.path == file)
            .and_then(|r| r.project.as_ref())
            .map(|p| p.year)
            .filter(|y| *y > 0)
    }
}

/// The text of `from` rolled over to `year` (its texts' old year `from_year` when the file does
/// not state one), in memory; a year it kept in a text is printed for the user to look at.
pub fn rolled_text(from: &Path, from_year: Option<i32>, year: i32) -> Result<String, CliError> {
    let text = std::fs::read_to_string(from).map_err(|e| {
        CliError::usage(format!(
            "无法读取 {}：{}",
            from.display(),
            jixiao::output::describe_io(&e)
        ))
    })?;
    let rolled = jixiao::rollover::roll(&text, from_year, year)
        .map_err(|e| CliError::usage(format!("{}：{e}", from.display())))?;
    for note in &rolled.notes {
        eprintln!("注意：{}：{note}", from.display());
    }
    Ok(rolled.text)
}
