//! `jixiao render`: one output per project (PDF, PNG/SVG pages, or an xlsx workbook). Its
//! [`write_form`] is also what `watch FILE` writes on every save.

use std::path::{Path, PathBuf};

use jixiao::Checked;
use jixiao::render::Engine;

use super::args::{OutputFormat, RenderArgs};
use super::output::{RenderOptions, emit_typst, export_pages, output_path, workbook, write_pages};
use super::{
    CliError, CliResult, EXIT_DATA, EXIT_USAGE, engine_in, inputs, load_forms, print_problems,
};

pub fn run(args: &RenderArgs) -> CliResult {
    let options = RenderOptions::new(&args.layout, args.output.as_deref())?;
    let assets = &args.layout.assets;
    let forms = load_forms(&assets.templates.templates)?;
    let checked = jixiao::check(&args.files, &forms)?;
    if checked.reports.iter().any(|r| r.is_unreadable()) {
        for r in &checked.reports {
            print_problems(&checked, r, &[]);
        }
        return Ok(EXIT_USAGE);
    }
    let output = args.output.as_deref();
    let several = checked.reports.len() > 1;
    if let Some(out) = output
        && several
        && !out.is_dir()
    {
        return Err(CliError::usage(format!(
            "渲染多个项目时 -o 须为已存在的文件夹：{}",
            out.display()
        )));
    }
    let ext = options.format.extension();
    // Before anything is written: no output may replace an input (`-o q.toml`), nor two
    // projects share one output (a/x.toml and b/x.toml into one folder).
    let planned: Vec<(PathBuf, PathBuf)> = checked
        .reports
        .iter()
        .map(|r| (output_path(&r.path, output, several, ext), r.path.clone()))
        .collect();
    let read = inputs(&checked);
    jixiao::output::guard_rendered(&read, &planned)?;
    // Fonts and templates load once, and only when something is to be laid out.
    let mut engine_cell: Option<Engine> = None;
    let mut code = 0;
    for report in &checked.reports {
        if report.has_errors() && !options.draft {
            print_problems(&checked, report, &[]);
            eprintln!(
                "错误：{} 有错误，未输出（可用 --draft 输出草稿）(refused: the project has errors)",
                report.path.display()
            );
            code = EXIT_DATA;
            continue;
        }
        let path = output_path(&report.path, output, several, ext);
        // One project: DIR itself; several: DIR/<file stem>/.
        let emit = args.emit_typst.dir.as_ref().map(|dir| {
            if several {
                dir.join(report.path.file_stem().unwrap_or_default())
            } else {
                dir.clone()
            }
        });
        // DIR/<file name>/ is jixiao's own: a link there is not followed.
        if several
            && let Some(sub) = &emit
            && sub
                .symlink_metadata()
                .is_ok_and(|m| m.file_type().is_symlink())
        {
            return Err(jixiao::output::OutputError::SymlinkInOutput(sub.clone()).into());
        }
        let written = write_form(
            || engine_in(&mut engine_cell, assets),
            &checked,
            report,
            &path,
            &read,
            &options,
            emit.as_deref(),
        )?;
        for written in written {
            eprintln!("已写入 {}", written.display());
        }
    }
    Ok(code)
}

/// Write one project's output, as `render` does and `watch FILE` on every save: print its
/// problems (with the characters the fonts lack), then write the workbook, or lay the form out
/// (printing the template's warnings) and write it as one PDF or as PNG/SVG pages; with `emit`,
/// the Typst project is written to that folder too. `engine` is asked for only when something
/// is to be laid out; `read` are the run's inputs, which no page may replace. Returns the files
/// written.
pub fn write_form<'e>(
    engine: impl FnOnce() -> Result<&'e Engine, CliError>,
    checked: &Checked,
    report: &jixiao::Report,
    path: &Path,
    read: &[PathBuf],
    options: &RenderOptions,
    emit: Option<&Path>,
) -> Result<Vec<PathBuf>, CliError> {
    if options.format == OutputFormat::Xlsx {
        // A workbook needs no fonts nor layout engine.
        print_problems(checked, report, &[]);
        jixiao::output::write_atomic(path, &workbook(report, options.draft)?)?;
        return Ok(vec![path.to_path_buf()]);
    }
    let engine = engine()?;
    let glyphs = jixiao::document::glyph_problems(engine, report);
    print_problems(checked, report, &glyphs);
    let project = jixiao::document::form_project(engine, report, options.draft)?;
    if let Some(dir) = emit {
        emit_typst(engine, &project, dir, checked)?;
    }
    let compiled = engine.compile_project(project)?;
    for w in compiled.warnings() {
        eprintln!("模板警告：{w}");
    }
    let pages = export_pages(&compiled, report, options)?;
    write_pages(path, pages, read, &report.path)
}
