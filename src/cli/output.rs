//! What the commands that write share: the output format, where each output goes, writing a
//! form's pages (PDF, or PNG/SVG one per page) or workbook, `--emit-typst`, and progress.

use std::io::Write;
use std::path::{Path, PathBuf};

use jixiao::Checked;
use jixiao::render::{Compiled, Engine};

use super::args::{LayoutArgs, OutputFormat, PdfStandard};
use super::{CliError, inputs};

/// How to lay out and write a form: `render` and `watch` read this from [`LayoutArgs`].
pub struct RenderOptions {
    pub draft: bool,
    pub format: OutputFormat,
    pub pdfa: bool,
    pub ppi: f32,
}

impl RenderOptions {
    /// The options of `layout`, with the format resolved against `-o`.
    pub fn new(layout: &LayoutArgs, output: Option<&Path>) -> Result<RenderOptions, CliError> {
        Ok(RenderOptions {
            draft: layout.draft.on,
            format: output_format(layout.format, output)?,
            pdfa: layout.pdf_standard == Some(PdfStandard::A2b),
            ppi: layout.ppi,
        })
    }
}

/// The output format: `--format`, else what the `-o` extension names, else PDF. A `--format`
/// that contradicts the extension (`--format png -o 表.pdf`) is an error.
pub fn output_format(
    explicit: Option<OutputFormat>,
    output: Option<&Path>,
) -> Result<OutputFormat, CliError> {
    // A folder's name says nothing about the format of the files written into it.
    let implied = output
        .filter(|o| !o.is_dir())
        .and_then(OutputFormat::of_path);
    match (explicit, implied) {
        (Some(f), Some(g)) if f != g => Err(CliError::usage(format!(
            "--format {} 与输出文件 {} 的扩展名 .{} 不符 (--format contradicts the extension of -o)",
            f.extension(),
            output.map(|o| o.display().to_string()).unwrap_or_default(),
            g.extension()
        ))
        .hint(format!(
            "去掉 --format 即按扩展名输出 {}，或把 -o 的扩展名改为 .{}",
            g.extension(),
            f.extension()
        ))),
        (Some(f), _) | (None, Some(f)) => Ok(f),
        (None, None) => Ok(OutputFormat::Pdf),
    }
}

/// A bundle's format: PDF or xlsx, from `--format` or the `-o` extension.
pub fn bundle_format(
    explicit: Option<OutputFormat>,
    output: Option<&Path>,
) -> Result<OutputFormat, CliError> {
    match output_format(explicit, output)? {
        f @ (OutputFormat::Pdf | OutputFormat::Xlsx) => Ok(f),
        other => Err(CliError::usage(format!(
            "部门汇编只能输出 pdf 或 xlsx，不能输出 {} (a bundle is a PDF or a workbook)",
            other.extension()
        ))
        .hint("用 -o 汇编.pdf 或 -o 汇编.xlsx；单个项目的图片请用 jixiao render --format png")),
    }
}

/// One report's form as a workbook.
pub fn workbook(report: &jixiao::Report, draft: bool) -> Result<Vec<u8>, CliError> {
    let options = jixiao::workbook::WorkbookOptions { draft };
    Ok(jixiao::workbook::form_workbook_with(report, options)?)
}

/// A laid-out form in `options.format`: one PDF, or one PNG/SVG per page.
pub fn export_pages(
    compiled: &Compiled,
    report: &jixiao::Report,
    options: &RenderOptions,
) -> Result<Vec<Vec<u8>>, CliError> {
    Ok(match options.format {
        OutputFormat::Pdf => {
            let date = options.pdfa.then(|| super::date::pdfa_date(report));
            let meta = jixiao::document::pdf_meta(report, date, options.pdfa);
            vec![jixiao::render::to_pdf(compiled, &meta)?]
        }
        OutputFormat::Png => jixiao::render::to_png(compiled, options.ppi)?,
        OutputFormat::Svg => jixiao::render::to_svg(compiled)
            .into_iter()
            .map(String::into_bytes)
            .collect(),
        OutputFormat::Xlsx => {
            return Err(CliError::usage(
                "xlsx 工作簿不经排版，请直接写出 (a workbook is not laid out)",
            ));
        }
    })
}

/// Write the pages of one output as a set (`表.png`, or `表-1.png`, `表-2.png`…), then remove
/// pages left from a longer earlier render. `read` are the run's inputs, which no page may
/// replace. Returns the files written.
pub fn write_pages(
    path: &Path,
    pages: Vec<Vec<u8>>,
    read: &[PathBuf],
    input: &Path,
) -> Result<Vec<PathBuf>, CliError> {
    let count = pages.len();
    let files: Vec<(PathBuf, Vec<u8>)> = pages
        .into_iter()
        .enumerate()
        .map(|(i, bytes)| (page_path(path, i + 1, count), bytes))
        .collect();
    // One page is written to `path`, guarded with every output before; only the names of a
    // multi-page set (x-1.png, …) are new here.
    if count > 1 {
        let page_outputs: Vec<(PathBuf, PathBuf)> = files
            .iter()
            .map(|(p, _)| (p.clone(), input.to_path_buf()))
            .collect();
        jixiao::output::guard_rendered(read, &page_outputs)?;
    }
    let stale = jixiao::output::write_pages(path, &files)?;
    for removed in stale {
        eprintln!("已删除上次排版留下的 {}", removed.display());
    }
    Ok(files.into_iter().map(|(p, _)| p).collect())
}

/// Where one project's output goes: `-o` as a file (one project) or a folder (several).
pub fn output_path(input: &Path, output: Option<&Path>, several: bool, ext: &str) -> PathBuf {
    match output {
        Some(out) if several || out.is_dir() => out
            .join(input.file_stem().unwrap_or_default())
            .with_extension(ext),
        Some(out) => out.to_path_buf(),
        None => input.with_extension(ext),
    }
}

/// "表.png" → "表-2.png" for page 2 of a multi-page PNG/SVG.
fn page_path(path: &Path, page: usize, pages: usize) -> PathBuf {
    if pages == 1 {
        return path.to_path_buf();
    }
    let stem = path.file_stem().unwrap_or_default().to_string_lossy();
    let ext = path.extension().unwrap_or_default().to_string_lossy();
    path.with_file_name(format!("{stem}-{page}.{ext}"))
}

/// `--emit-typst DIR`: the Typst project beside the output, never over an input.
pub fn emit_typst(
    engine: &Engine,
    project: &jixiao::render::TypstProject,
    dir: &Path,
    checked: &Checked,
) -> Result<(), CliError> {
    // Only into a new or empty folder, or one jixiao emitted before: never over the user's files,
    // and never where its form.toml would be taken for a project (a project folder).
    // Looked at without following a link or opening a pipe.
    let main = dir.join("main.typ");
    let previous = main.symlink_metadata().is_ok_and(|m| m.is_file())
        && std::fs::read_to_string(&main).is_ok_and(|t| t.starts_with("// generated by jixiao"));
    let empty = std::fs::read_dir(dir).map_or(true, |mut d| d.next().is_none());
    if dir.exists() && !empty && !previous {
        return Err(CliError::usage(format!(
            "--emit-typst 的文件夹 {} 已有其他文件；请指定一个新的或空的文件夹",
            dir.display()
        )));
    }
    let dir_id = jixiao::output::identity(dir);
    let read = inputs(checked);
    if let Some(input) = read
        .iter()
        .find(|i| jixiao::output::identity(i).starts_with(&dir_id))
    {
        return Err(CliError::usage(format!(
            "--emit-typst 的文件夹 {} 含有输入文件 {}；请写到项目文件夹以外",
            dir.display(),
            input.display()
        )));
    }
    std::fs::create_dir_all(dir).map_err(|e| {
        CliError::usage(format!(
            "无法创建文件夹 {}：{}",
            dir.display(),
            jixiao::output::describe_io(&e)
        ))
    })?;
    let planned = [(dir.join("main.typ"), dir.to_path_buf())];
    jixiao::output::guard_rendered(&read, &planned)?;
    let written = engine.emit_project(project, dir)?;
    eprintln!(
        "已写入 Typst 工程 {}（{} 个文件）；复现：typst compile --font-path fonts --ignore-system-fonts {}",
        dir.display(),
        written.len(),
        dir.join("main.typ").display()
    );
    Ok(())
}

/// Say on a terminal that a long layout is under way; `\r` rewrites the status line in place.
pub fn progress(projects: usize) {
    use std::io::IsTerminal;
    if std::io::stderr().is_terminal() {
        // The count is ours, not data: no need for the terminal-safe macros.
        let _ = write!(std::io::stderr(), "\r排版 {projects} 个项目…");
    }
}
