//! `jixiao check`: parse, validate and score; a table (or JSON, CI annotations) on stdout,
//! problems on stderr.

use jixiao::Checked;

use super::args::{CheckArgs, CheckFormat};
use super::{CliError, CliResult, check_exit_code, load_forms, print_problems, write_stdout};

pub fn run(args: &CheckArgs) -> CliResult {
    let forms = load_forms(&args.templates.templates)?;
    let checked = jixiao::check(&args.paths, &forms)?;
    print_check(&checked, args.format)?;
    Ok(check_exit_code(&checked, args.strict))
}

/// The reports in `format` on stdout; for table and JSON also the problems on stderr.
pub fn print_check(checked: &Checked, format: CheckFormat) -> Result<(), CliError> {
    let mut out = String::new();
    match format {
        CheckFormat::Json => {
            let reports: Vec<_> = checked
                .reports
                .iter()
                .map(|r| jixiao::report::to_json(r, &checked.sources))
                .collect();
            out.push_str(&serde_json::to_string_pretty(&reports)?);
            out.push('\n');
        }
        CheckFormat::Table => {
            for r in &checked.reports {
                out.push_str(&jixiao::diagnostics::render_table(r));
                out.push('\n');
            }
        }
        // CI formats: the annotations are the whole output; the human summary is not repeated.
        CheckFormat::Github => {
            let text = jixiao::annotations::github(checked);
            return write_stdout(jixiao::diagnostics::terminal_safe(&text).as_bytes());
        }
        CheckFormat::Gitlab => {
            let mut text = serde_json::to_string_pretty(&jixiao::annotations::gitlab(checked))?;
            text.push('\n');
            return write_stdout(text.as_bytes());
        }
    }
    write_stdout(out.as_bytes())?;
    for r in &checked.reports {
        print_problems(checked, r, &[]);
    }
    Ok(())
}
