//! `jixiao import`: Excel/Word forms to TOML project files, then checked as `check` does.

use super::args::{CheckFormat, ImportArgs};
use super::check::print_check;
use super::{CliResult, EXIT_USAGE, check_exit_code, check_year, load_forms};

pub fn run(args: &ImportArgs) -> CliResult {
    if let Some(y) = args.year {
        check_year(y)?;
    }
    let forms = load_forms(&args.templates.templates)?;
    let options = jixiao::import::Options {
        output: args.output.clone(),
        form: args.form.clone(),
        year: args.year,
        force: args.force,
    };
    let outcome = jixiao::import::import(&args.files, &options, &forms)?;
    // Notes carry sheet and file names: never raw control characters to the terminal.
    for note in &outcome.notes {
        eprintln!("{}", jixiao::diagnostics::terminal_safe(note));
    }
    for failed in &outcome.failed {
        eprintln!("错误：{}", jixiao::diagnostics::terminal_safe(failed));
    }
    let checked = jixiao::check(&outcome.projects, &forms)?;
    eprintln!(
        "检查导入的 {} 个项目（原表印错的数字会在下面列出）：",
        outcome.projects.len()
    );
    print_check(&checked, CheckFormat::Table)?;
    let code = check_exit_code(&checked, false);
    Ok(if outcome.failed.is_empty() {
        code
    } else {
        EXIT_USAGE
    })
}
