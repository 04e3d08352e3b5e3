//! `jixiao bundle`: the department bundle (cover, 汇总表, every form) as one PDF or workbook.
//! Its [`write_bundle`] is also what `watch DIR` writes on every save.

use std::path::{Path, PathBuf};

use jixiao::Checked;
use jixiao::render::Engine;

use super::args::{BundleArgs, BundleFormat, OutputFormat};
use super::output::{bundle_format, emit_typst, progress};
use super::{
    CliError, CliResult, EXIT_DATA, EXIT_USAGE, engine_in, inputs, load_forms, print_problems,
};

pub fn run(args: &BundleArgs) -> CliResult {
    let dir = &args.dir;
    if !dir.is_dir() {
        return Err(CliError::usage(format!(
            "bundle 需要项目文件夹，{} 不是文件夹；单个项目请用 jixiao render",
            dir.display()
        )));
    }
    let explicit = args.format.map(|f| match f {
        BundleFormat::Pdf => OutputFormat::Pdf,
        BundleFormat::Xlsx => OutputFormat::Xlsx,
    });
    let xlsx = bundle_format(explicit, args.output.as_deref())? == OutputFormat::Xlsx;
    let forms = load_forms(&args.assets.templates.templates)?;
    let checked = jixiao::check(std::slice::from_ref(dir), &forms)?;
    let draft = args.draft.on;
    if let Some(code) = refuse(&checked, draft) {
        return Ok(code);
    }
    let path = args
        .output
        .clone()
        .unwrap_or_else(|| default_output(dir, xlsx));
    let mut engine_cell = None;
    let projects = checked.reports.len();
    let bundled = write_bundle(
        || {
            progress(projects);
            engine_in(&mut engine_cell, &args.assets)
        },
        &checked,
        dir,
        &path,
        draft,
        xlsx,
        args.emit_typst.dir.as_deref(),
    )?;
    note_mixed_units(&checked.reports);
    match bundled.pages {
        None => eprintln!(
            "已写入 {}（汇总表和 {} 个项目的表）",
            path.display(),
            bundled.projects
        ),
        Some(pages) => eprintln!(
            "已写入 {}（{} 个项目，{pages} 页）",
            path.display(),
            bundled.projects
        ),
    }
    Ok(0)
}

/// The 汇总表 converts every project into one unit; say so when the folder mixes them.
fn note_mixed_units(reports: &[jixiao::Report]) {
    let all: Vec<&jixiao::Report> = reports.iter().collect();
    let unit = jixiao::document::bundle_unit(&all);
    let other: Vec<String> = reports
        .iter()
        .filter(|r| r.project.as_ref().is_some_and(|p| p.unit != unit))
        .map(|r| r.path.display().to_string())
        .collect();
    if !other.is_empty() {
        eprintln!(
            "注意：本文件夹的项目金额单位不一，汇总表按{}列出（1 万元 = 10000 元，已精确换算）；以下项目的单位不同：{}",
            unit.label(),
            other.join("、")
        );
    }
}

/// Print every problem; the exit code when the bundle is refused (unreadable files, or errors
/// without `--draft`).
pub fn refuse(checked: &Checked, draft: bool) -> Option<u8> {
    for r in &checked.reports {
        print_problems(checked, r, &[]);
    }
    if checked.reports.iter().any(|r| r.is_unreadable()) {
        return Some(EXIT_USAGE);
    }
    let failing: Vec<&jixiao::Report> = checked.reports.iter().filter(|r| r.has_errors()).collect();
    if !failing.is_empty() && !draft {
        eprintln!(
            "错误：以下 {} 个项目有错误，汇编未输出（可用 --draft 输出草稿）：",
            failing.len()
        );
        for r in failing {
            eprintln!("  {}", r.path.display());
        }
        return Some(EXIT_DATA);
    }
    None
}

/// `DIR/<folder name>.pdf` (or `.xlsx`).
pub fn default_output(dir: &Path, xlsx: bool) -> PathBuf {
    let name = dir
        .canonicalize()
        .ok()
        .and_then(|d| d.file_name().map(|n| n.to_os_string()))
        .unwrap_or_else(|| "汇编".into());
    dir.join(Path::new(&name).with_extension(if xlsx { "xlsx" } else { "pdf" }))
}

/// Lay out the bundle of `checked` with `engine` and write it to `path` as PDF. Returns the
/// number of projects and pages.
fn write_pdf(
    engine: &Engine,
    checked: &Checked,
    path: &Path,
    draft: bool,
    emit: Option<&Path>,
) -> Result<(usize, usize), CliError> {
    let ordered = jixiao::document::bundle_order(&checked.reports);
    let project = jixiao::document::bundle_project(engine, &ordered, draft)?;
    if let Some(dir) = emit {
        emit_typst(engine, &project, dir, checked)?;
    }
    let compiled = engine.compile_project(project)?;
    let title = jixiao::document::bundle_data(&ordered, draft)["title"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let meta = jixiao::render::PdfMeta {
        title,
        author: String::new(),
        date: None,
        pdfa: false,
    };
    let pdf = jixiao::render::to_pdf(&compiled, &meta)?;
    jixiao::output::write_atomic(path, &pdf)?;
    Ok((ordered.len(), compiled.page_count()))
}

/// Most projects one PDF bundle lays out. The whole bundle is laid out in memory at once: peak
/// memory grows by about 2 MB a project (dev build: 1.0 GB for 500 projects, 2.0 GB for 1000,
/// 3.8 GB for 2000), so a few thousand would exhaust a clerk's machine and abort. Refused
/// clearly instead, until the bundle is laid out in parts.
pub const MAX_BUNDLE_PROJECTS: usize = 1000;

/// The bundle of `projects` projects as one PDF, refused before any layout when it is over
/// [`MAX_BUNDLE_PROJECTS`].
fn within_limit(projects: usize, dir: &Path) -> Result<(), CliError> {
    if projects <= MAX_BUNDLE_PROJECTS {
        return Ok(());
    }
    Err(CliError::usage(format!(
        "{} 有 {projects} 个项目，超过一份 PDF 汇编的上限 {MAX_BUNDLE_PROJECTS} 个（汇编一次排完，约每个项目需 2 MB 内存，\
         再多会耗尽内存）；请按子文件夹分开汇编，如 jixiao bundle {}/子单位 -o 子单位汇编.pdf，\
         或用 --format xlsx 汇编为工作簿 (bundle over {MAX_BUNDLE_PROJECTS} projects)",
        dir.display(),
        dir.display()
    )))
}

/// What [`write_bundle`] wrote: the number of projects, and of pages for a PDF.
pub struct Bundled {
    pub projects: usize,
    pub pages: Option<usize>,
}

/// Write the bundle of `checked` (the projects of `dir`) to `path`, as `bundle` does and
/// `watch DIR` on every save: refused if it would replace an input, then a workbook, or a PDF
/// laid out with `engine` (asked for only then; with `emit`, the Typst project too).
pub fn write_bundle<'e>(
    engine: impl FnOnce() -> Result<&'e Engine, CliError>,
    checked: &Checked,
    dir: &Path,
    path: &Path,
    draft: bool,
    xlsx: bool,
    emit: Option<&Path>,
) -> Result<Bundled, CliError> {
    // Refused before the (long) layout, not after it.
    jixiao::output::guard_rendered(&inputs(checked), &[(path.to_path_buf(), dir.to_path_buf())])?;
    if xlsx {
        let ordered = jixiao::document::bundle_order(&checked.reports);
        let options = jixiao::workbook::WorkbookOptions { draft };
        let bytes = jixiao::workbook::bundle_workbook_with(&ordered, options)?;
        jixiao::output::write_atomic(path, &bytes)?;
        return Ok(Bundled {
            projects: ordered.len(),
            pages: None,
        });
    }
    within_limit(checked.reports.len(), dir)?;
    let (projects, pages) = write_pdf(engine()?, checked, path, draft, emit)?;
    Ok(Bundled {
        projects,
        pages: Some(pages),
    })
}
