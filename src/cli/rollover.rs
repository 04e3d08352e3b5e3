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
        // Whatever is there: a dangling link or a pipe is refused below, not left behind.
        if defaults.symlink_metadata().is_ok() {
            all.push(defaults);
        }
    }
    check_year(year)?;
    refuse_overlap(dir, output)?;
    let years = InheritedYears::of(dir, &all);
    // Every file is rolled over in memory first: nothing is written if any fails or any
    // target exists.
    let mut plan = Vec::new();
    for from in &all {
        let rel = from.strip_prefix(dir).unwrap_or(from);
        let to = output.join(rel);
        // No link inside NEWDIR is followed (a sub-folder linked elsewhere would receive the
        // files).
        jixiao::output::check_in_tree(output, rel)?;
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
        plan.push((rel.to_path_buf(), next));
    }
    std::fs::create_dir_all(output).map_err(|e| {
        CliError::usage(format!(
            "无法创建 {}：{}",
            output.display(),
            jixiao::output::describe_io(&e)
        ))
    })?;
    for (rel, next) in &plan {
        jixiao::output::write_in_tree(output, rel, next.as_bytes())?;
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
    // The blanks to fill are expected; a file written that cannot be read back is not.
    Ok(if checked.reports.iter().any(|r| r.is_unreadable()) {
        super::EXIT_USAGE
    } else {
        0
    })
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

/// NEWDIR and DIR must not hold one another: NEWDIR inside DIR, or DIR inside NEWDIR (its
/// parent, say), would put both years in one folder, and the next check or bundle of it would
/// mix them.
fn refuse_overlap(dir: &Path, output: &Path) -> Result<(), CliError> {
    let (from, to) = (
        jixiao::output::identity(dir),
        jixiao::output::identity(output),
    );
    let (inner, outer) = if to.starts_with(&from) {
        (output, dir)
    } else if from.starts_with(&to) {
        (dir, output)
    } else {
        return Ok(());
    };
    Err(CliError::usage(format!(
        "新文件夹 {} 与 {} 重叠（{} 在 {} 之内）；请写到一个与它互不包含的新文件夹（否则检查和汇编时两年的表会混在一起）",
        output.display(),
        dir.display(),
        inner.display(),
        outer.display()
    )))
}

/// The text of `from` rolled over to `year` (its texts' old year `from_year` when the file does
/// not state one), in memory; a year it kept in a text is printed for the user to look at. A
/// source `check` could not read (not a regular file, over the size limit) is refused before
/// anything is written; so is a result over the limit, which `check` would then refuse to read.
pub fn rolled_text(from: &Path, from_year: Option<i32>, year: i32) -> Result<String, CliError> {
    if let Some(message) = jixiao::load::not_readable(from) {
        return Err(CliError::usage(message));
    }
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
    let limit = jixiao::load::MAX_FILE_BYTES;
    if rolled.text.len() as u64 > limit {
        return Err(CliError::usage(format!(
            "{} 转写后有 {} 字节，超过项目文件的上限 {limit} 字节",
            from.display(),
            rolled.text.len()
        )));
    }
    Ok(rolled.text)
}
