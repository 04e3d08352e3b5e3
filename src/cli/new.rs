//! `jixiao new`: a commented scaffold, or next year's file from last year's (`--from`).

use std::path::Path;

use jixiao::Forms;

use super::args::NewArgs;
use super::rollover::rolled_text;
use super::{CliError, CliResult, check_year, load_forms};

pub fn run(args: &NewArgs) -> CliResult {
    let file = &args.file;
    // The form comes from the old file; `--form` is for a fresh scaffold.
    if let Some(old) = &args.from {
        refuse_existing(file)?;
        let old_year = year_of(old)?;
        let year = match (args.year, old_year) {
            (Some(y), _) => y,
            (None, Some(y)) => y + 1,
            (None, None) => {
                return Err(CliError::usage(format!(
                    "{} 无法读出 year（文件有误时请先运行 jixiao check {} 修正），或用 --year 指定新年度",
                    old.display(),
                    old.display()
                )));
            }
        };
        check_year(year)?;
        let mut next = rolled_text(old, old_year, year)?;
        // A year the old file inherited from its folder's jixiao.toml is written into the new
        // file: the folder the new file lands in may say another year, or none.
        let states_year = next
            .parse::<toml::Table>()
            .is_ok_and(|t| t.contains_key("year"));
        if !states_year {
            // After the file's opening comments, before its first key.
            let at: usize = next
                .split_inclusive('\n')
                .take_while(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
                .map(str::len)
                .sum();
            next.insert_str(
                at,
                &format!("year = {year}                     # 评价年度\n"),
            );
        }
        jixiao::output::write_atomic(file, next.as_bytes())?;
        eprintln!(
            "已写入 {}（{year}年度，由 {} 转入）；填写 \"\" 处后运行 jixiao check {}",
            file.display(),
            old.display(),
            file.display()
        );
        return Ok(0);
    }
    let year = args.year.unwrap_or(2025);
    let forms = load_forms(&args.templates.templates)?;
    let Some(spec) = forms.get(&args.form) else {
        let ids: Vec<&str> = forms.ids().collect();
        return Err(CliError::usage(format!(
            "未知的表样“{}”；可用：{}",
            args.form,
            ids.join("、")
        )));
    };
    refuse_existing(file)?;
    check_year(year)?;
    let text = jixiao::scaffold::scaffold(spec, year);
    jixiao::output::write_atomic(file, text.as_bytes())?;
    // The scaffold's `#:schema` line names this file; an existing one is left alone.
    let schema_path = file
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .join(jixiao::scaffold::SCHEMA_FILE);
    if !schema_path.exists() {
        let schema = serde_json::to_string_pretty(&jixiao::schema::schema())?;
        jixiao::output::write_atomic(&schema_path, format!("{schema}\n").as_bytes())?;
    }
    eprintln!(
        "已写入 {}；填写 \"\" 处后运行 jixiao check {}",
        file.display(),
        file.display()
    );
    Ok(0)
}

/// `new` never replaces a file; `symlink_metadata`: a dangling link "exists" too.
fn refuse_existing(file: &Path) -> Result<(), CliError> {
    if file.symlink_metadata().is_ok() {
        return Err(CliError::usage(format!(
            "{} 已存在，不覆盖 (refusing to overwrite)",
            file.display()
        )));
    }
    Ok(())
}

/// The year a project file states, itself or through its folder's `jixiao.toml`.
fn year_of(old: &Path) -> Result<Option<i32>, CliError> {
    let checked = jixiao::check(&[old.to_path_buf()], &Forms::builtin())?;
    Ok(checked
        .reports
        .first()
        .and_then(|r| r.project.as_ref())
        .map(|p| p.year)
        .filter(|y| *y > 0))
}
