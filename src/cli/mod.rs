//! The commands of the `jixiao` binary, one module each (like typst-cli), and what they share:
//! loading forms and the layout engine, printing problems, writing to stdout, exit codes.

pub mod args;
mod bundle;
mod check;
mod completions;
mod date;
mod diff;
mod error;
mod export;
mod forms;
mod import;
mod new;
mod output;
mod render;
mod rollover;
mod schema;
pub mod usage;
mod watch;

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use jixiao::render::{Engine, EngineOptions};
use jixiao::{Checked, Forms};

use args::{Assets, Cli, Command};
pub use error::CliError;

/// Exit codes of docs/cli.md: data errors.
pub const EXIT_DATA: u8 = 1;
/// Exit codes of docs/cli.md: usage, unreadable input, refused output.
pub const EXIT_USAGE: u8 = 2;

/// What a command ends with: its exit code, or the error to print.
pub type CliResult = Result<u8, CliError>;

/// Run one command.
pub fn run(cli: Cli) -> CliResult {
    match cli.command {
        Command::Check(args) => check::run(&args),
        Command::Render(args) => render::run(&args),
        Command::Bundle(args) => bundle::run(&args),
        Command::New(args) => new::run(&args),
        Command::Diff(args) => diff::run(&args),
        Command::Rollover(args) => rollover::run(&args),
        Command::Forms(args) => forms::run(&args),
        Command::Schema => schema::run(),
        Command::Watch(args) => watch::run(&args),
        Command::Completions(args) => completions::run(&args),
        Command::Export(args) => export::run(&args),
        Command::Import(args) => import::run(&args),
    }
}

/// The names of the commands, for the usage error of an unknown one.
pub fn command_names() -> Vec<String> {
    <Cli as clap::CommandFactory>::command()
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .collect()
}

/// The forms of this run; why a `--templates` folder was skipped is said on stderr.
fn load_forms(dirs: &[PathBuf]) -> Result<Forms, CliError> {
    let forms = Forms::with_user_dirs(dirs)?;
    for note in forms.notes() {
        eprintln!("提示：{note}");
    }
    Ok(forms)
}

/// The layout engine: fonts and templates load once per engine.
fn engine(assets: &Assets) -> Result<Engine, CliError> {
    Ok(Engine::new(EngineOptions {
        font_paths: assets.font_path.clone(),
        template_dirs: assets.templates.templates.clone(),
        today: None,
    })?)
}

/// The layout engine kept in `cell`, loaded there on first use: fonts and templates load only
/// when something is to be laid out, and once.
fn engine_in<'e>(cell: &'e mut Option<Engine>, assets: &Assets) -> Result<&'e Engine, CliError> {
    let engine = match cell.take() {
        Some(engine) => engine,
        None => engine(assets)?,
    };
    Ok(cell.insert(engine))
}

fn print_problems(checked: &Checked, report: &jixiao::Report, extra: &[jixiao::problem::Problem]) {
    let all: Vec<_> = report.problems.iter().chain(extra).cloned().collect();
    if !all.is_empty() {
        eprint!(
            "{}",
            jixiao::diagnostics::render_problems(
                &all,
                &checked.sources,
                &report.path.display().to_string()
            )
        );
    }
}

/// Every file a run read: project files and folder defaults, which no output may replace.
fn inputs(checked: &Checked) -> Vec<PathBuf> {
    checked
        .sources
        .files()
        .iter()
        .map(|f| f.path.clone())
        .collect()
}

/// The exit code of a checked run: 2 for unreadable files, 1 for errors (or warnings when
/// `strict`), else 0.
fn check_exit_code(checked: &Checked, strict: bool) -> u8 {
    if checked.reports.iter().any(|r| r.is_unreadable()) {
        EXIT_USAGE
    } else if checked
        .reports
        .iter()
        .any(|r| r.has_errors() || strict && r.has_warnings())
    {
        EXIT_DATA
    } else {
        0
    }
}

/// A year given on the command line, within [`jixiao::model::YEARS`] like a file's `year`.
fn check_year(year: i32) -> Result<(), CliError> {
    let years = jixiao::model::YEARS;
    if years.contains(&year) {
        Ok(())
    } else {
        Err(CliError::usage(format!(
            "评价年度 {year} 不在 {}～{} 之间",
            years.start(),
            years.end()
        )))
    }
}

/// Write to standard output. A closed pipe (`jixiao schema | head`) ends the program quietly
/// with exit 0, as the reader asked for no more; any other failure is an error.
fn write_stdout(bytes: &[u8]) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    // On a terminal, control characters from data are shown escaped; into a pipe or file the
    // bytes go unchanged.
    let shown;
    let bytes = if out.is_terminal() {
        shown = jixiao::diagnostics::terminal_safe(&String::from_utf8_lossy(bytes)).into_owned();
        shown.as_bytes()
    } else {
        bytes
    };
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => std::process::exit(0),
        Err(e) => Err(CliError::usage(format!(
            "无法写入标准输出：{}",
            jixiao::output::describe_io(&e)
        ))),
    }
}
