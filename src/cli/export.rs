//! `jixiao export`: the computed table as xlsx, CSV or JSON.

use super::args::{ExportArgs, ExportFormat};
use super::{
    CliError, CliResult, check_exit_code, inputs, load_forms, print_problems, write_stdout,
};

pub fn run(args: &ExportArgs) -> CliResult {
    let forms = load_forms(&args.templates.templates)?;
    let checked = jixiao::check(&args.paths, &forms)?;
    let bytes = match args.format {
        ExportFormat::Csv => jixiao::export::csv(&checked.reports),
        ExportFormat::Json => {
            let reports: Vec<_> = checked
                .reports
                .iter()
                .map(|r| jixiao::report::to_json(r, &checked.sources))
                .collect();
            (serde_json::to_string_pretty(&reports)? + "\n").into_bytes()
        }
        ExportFormat::Xlsx => {
            jixiao::export::xlsx(&checked.reports).map_err(|e| format!("无法生成 xlsx：{e}"))?
        }
    };
    match &args.output {
        Some(path) => {
            jixiao::output::guard_rendered(&inputs(&checked), &[(path.clone(), path.clone())])?;
            jixiao::output::write_atomic(path, &bytes)?;
        }
        None if args.format == ExportFormat::Xlsx => {
            return Err(CliError::usage("xlsx 需要用 -o 指定输出文件"));
        }
        None => write_stdout(&bytes)?,
    }
    for r in &checked.reports {
        print_problems(&checked, r, &[]);
    }
    Ok(check_exit_code(&checked, false))
}
