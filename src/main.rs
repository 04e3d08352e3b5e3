//! The `jixiao` command line: argument parsing and output; the work is done by the library.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use jixiao::{Checked, Forms};

/// 项目支出绩效自评表：从 TOML 计算执行率与得分，排版为 PDF。
#[derive(Parser)]
#[command(name = "jixiao", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum CheckFormat {
    Table,
    Json,
}

#[derive(Subcommand)]
enum Command {
    /// 检查并计分：打印执行率、各项得分、总分、等级和所有问题 (check and score)
    Check {
        /// 项目文件或项目文件夹 (project files or folders)
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// 输出格式 (output format)
        #[arg(long, value_enum, default_value = "table")]
        format: CheckFormat,
        /// 有警告也按失败处理 (fail on warnings too)
        #[arg(long)]
        strict: bool,
        /// 用户表样文件夹 (user forms)
        #[arg(long = "templates", value_name = "DIR")]
        templates: Vec<PathBuf>,
    },
    /// 列出可用表样 (list forms)
    Forms {
        #[arg(long = "templates", value_name = "DIR")]
        templates: Vec<PathBuf>,
    },
}

/// Exit codes of cli.md.
const EXIT_DATA: u8 = 1;
const EXIT_USAGE: u8 = 2;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(message) => {
            eprintln!("错误：{message}");
            ExitCode::from(EXIT_USAGE)
        }
    }
}

fn forms(dirs: &[PathBuf]) -> Result<Forms, String> {
    Forms::with_user_dirs(dirs).map_err(|e| e.to_string())
}

fn run(cli: Cli) -> Result<u8, String> {
    match cli.command {
        Command::Check {
            paths,
            format,
            strict,
            templates,
        } => {
            let forms = forms(&templates)?;
            let checked = jixiao::check(&paths, &forms).map_err(|e| e.to_string())?;
            print_check(&checked, format)?;
            Ok(check_exit_code(&checked, strict))
        }
        Command::Forms { templates } => {
            let forms = forms(&templates)?;
            for f in forms.iter() {
                let origin = f
                    .dir()
                    .map_or("内置".to_string(), |d| d.display().to_string());
                println!("{:<16} {}  {}（{}）", f.id, f.title, f.name, origin);
            }
            Ok(0)
        }
    }
}

fn print_check(checked: &Checked, format: CheckFormat) -> Result<(), String> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match format {
        CheckFormat::Json => {
            let reports: Vec<_> = checked
                .reports
                .iter()
                .map(|r| jixiao::report::to_json(r, &checked.sources))
                .collect();
            let text = serde_json::to_string_pretty(&reports).map_err(|e| e.to_string())?;
            writeln!(out, "{text}").map_err(|e| e.to_string())?;
        }
        CheckFormat::Table => {
            for r in &checked.reports {
                writeln!(out, "{}", jixiao::diagnostics::render_table(r))
                    .map_err(|e| e.to_string())?;
            }
        }
    }
    for r in &checked.reports {
        if !r.problems.is_empty() {
            eprint!(
                "{}",
                jixiao::diagnostics::render_problems(
                    &r.problems,
                    &checked.sources,
                    &r.path.display().to_string()
                )
            );
        }
    }
    Ok(())
}

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
