//! Rendering of 项目支出绩效自评表 through Typst (embedded as a library).
//!
//! This module depends on nothing else in the crate: it takes the form id and
//! the JSON data document described in `templates/README.md`, and gives back a
//! laid-out document that can be written as PDF, PNG or SVG.
//!
//! ```text
//! let engine = Engine::new(EngineOptions::default())?;
//! let compiled = engine.compile_form("inner-mongolia", json_bytes)?;
//! for w in compiled.warnings() { eprintln!("{w}"); }
//! let pdf = to_pdf(&compiled, &PdfMeta { title: "…".into(), ..Default::default() })?;
//! ```
//!
//! Safety of user text: data strings reach Typst only through `json()` and are
//! placed as content (`[#x]`, `text(x)`), never evaluated, so `#panic()`, `$`,
//! `*`, `\` … print literally. The generated `/main.typ` contains only the
//! validated form id (`[a-z0-9-]+`). See `world.rs` for the virtual file system.

mod catalog;
mod diag;
mod fonts;
mod world;

#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use typst::diag::Warned;
use typst::foundations::{Datetime, Smart};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt};
use typst_layout::PagedDocument;

pub use catalog::{FormInfo, FormOrigin, is_valid_form_id, user_form_folders};
pub use diag::{Diagnostic, Level, Location};
pub use fonts::FontEntry;

use catalog::Catalog;
use diag::SpanResolver;
use fonts::FontStore;
use world::FormWorld;

// Built-in templates and fonts are embedded once, in `crate::assets`.
use crate::assets::{FONTS, TEMPLATES};

/// Errors of the render module. `Display` is one line per problem, Chinese first.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("表样标识无效 (invalid form id) {0:?}: 只能包含小写字母、数字和 - ([a-z0-9-]+)")]
    InvalidFormId(String),
    #[error("未知表样 (unknown form) {id:?}; 可用 (available): {}", available.join(", "))]
    UnknownForm { id: String, available: Vec<String> },
    #[error("{0}")]
    Data(String),
    #[error("{}：{message}", path.display())]
    Io { path: PathBuf, message: String },
    #[error("PNG 太大：{width}×{height} 像素超过上限 {max} 像素，请降低 --ppi (image too large)")]
    ImageTooLarge { width: u64, height: u64, max: u64 },
    /// Typst reported errors while compiling the template.
    #[error("{}", fmt_diags(errors))]
    Typst {
        errors: Vec<Diagnostic>,
        warnings: Vec<Diagnostic>,
    },
    /// PDF/PNG/SVG export failed (e.g. PDF/A conformance).
    #[error("导出失败 (export failed): {}", fmt_diags(errors))]
    Export { errors: Vec<Diagnostic> },
    #[error(
        "PDF/A 需要文档日期 (PDF/A needs a document date): set PdfMeta.date or EngineOptions.today"
    )]
    PdfaNeedsDate,
}

fn fmt_diags(d: &[Diagnostic]) -> String {
    d.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

/// Options for [`Engine::new`].
#[derive(Debug, Clone, Default)]
pub struct EngineOptions {
    /// Extra font files or directories (searched recursively). They are
    /// registered *before* the embedded fonts, so a face with the same family
    /// and variant as an embedded one replaces it (e.g. a full
    /// "Noto Serif CJK SC" instead of the embedded subset).
    pub font_paths: Vec<PathBuf>,
    /// User template directories: each sub-folder with `form.toml` + `form.typ`
    /// is a form (or the directory itself is one form). Later directories
    /// override earlier ones; all override built-in forms with the same id.
    pub template_dirs: Vec<PathBuf>,
    /// The date Typst's `datetime.today()` returns. `None`: `today()` is an
    /// error in templates. Never taken from the wall clock.
    pub today: Option<(i32, u8, u8)>,
}

/// Built once per process; cheap to share (`&Engine` is `Send + Sync`).
///
/// Keep one engine for repeated compiles (`jixiao watch`): Typst memoises layout process-wide
/// (comemo), and a bundle reads every project from its own `/data/<n>.json`, so after one
/// project changed a re-compile lays out that form (and the 汇总表 if its row changed) and
/// reuses the others (`bench/rebundle.rs`: about 0.1 s of layout of 500 forms when nothing
/// changed, 0.3–0.5 s after one edit, against 4–5 s cold; the PDF is written anew).
pub struct Engine {
    library: LazyHash<Library>,
    fonts: FontStore,
    catalog: Catalog,
    today: Option<(i32, u8, u8)>,
}

/// What one compile reads: the generated `main.typ`, the generated data documents (virtual
/// paths such as `/data.json`), and the forms it imports.
#[derive(Debug, Clone)]
pub struct TypstProject {
    pub main: String,
    pub files: Vec<(String, Vec<u8>)>,
    pub forms: Vec<String>,
}

/// A laid-out document plus the warnings of its compilation.
#[derive(Clone)]
pub struct Compiled {
    document: PagedDocument,
    warnings: Vec<Diagnostic>,
    resolver: SpanResolver,
    today: Option<(i32, u8, u8)>,
}

impl Compiled {
    pub fn document(&self) -> &PagedDocument {
        &self.document
    }
    pub fn warnings(&self) -> &[Diagnostic] {
        &self.warnings
    }
    pub fn page_count(&self) -> usize {
        self.document.pages().len()
    }
    /// All text of a page, in layout order (for tests and previews).
    pub fn page_text(&self, page: usize) -> String {
        let mut out = String::new();
        if let Some(p) = self.document.pages().get(page) {
            collect_text(&p.frame, &mut out);
        }
        out
    }
}

fn collect_text(frame: &typst::layout::Frame, out: &mut String) {
    use typst::layout::FrameItem;
    for (_, item) in frame.items() {
        match item {
            FrameItem::Group(g) => collect_text(&g.frame, out),
            FrameItem::Text(t) => {
                out.push_str(&t.text);
                out.push('\u{1f}'); // unit separator between runs
            }
            _ => {}
        }
    }
}

/// One project of a bundle: its form and its data document.
#[derive(Debug, Clone)]
pub struct BundleItem<'a> {
    pub form_id: &'a str,
    pub data_json: &'a [u8],
}

/// PDF metadata. The PDF is deterministic: no wall-clock timestamp; the
/// document id is derived from the title.
#[derive(Debug, Clone, Default)]
pub struct PdfMeta {
    pub title: String,
    pub author: String,
    /// Creation date written to the PDF; `None`: the engine's `today`, if any.
    pub date: Option<(i32, u8, u8)>,
    /// Produce PDF/A-2b (needs a date).
    pub pdfa: bool,
}

impl Engine {
    pub fn new(options: EngineOptions) -> Result<Engine, RenderError> {
        let library = Library::builder().build();
        let fonts = FontStore::new(&options.font_paths, &FONTS)?;
        let catalog = Catalog::new(&TEMPLATES, &options.template_dirs)?;
        Ok(Engine {
            library: LazyHash::new(library),
            fonts,
            catalog,
            today: options.today,
        })
    }

    /// Available forms, sorted by id; user forms replace built-ins of the same id.
    pub fn forms(&self) -> Vec<FormInfo> {
        self.catalog
            .forms
            .values()
            .map(|f| f.info.clone())
            .collect()
    }

    /// Problems found while scanning `template_dirs` (skipped folders).
    pub fn template_notes(&self) -> &[String] {
        &self.catalog.notes
    }

    /// Registered font faces in priority order (user fonts first).
    pub fn fonts(&self) -> &[FontEntry] {
        self.fonts.entries()
    }

    /// Characters of `text` (ignoring whitespace and control characters) that no
    /// registered font covers, in order of first appearance, without repeats.
    pub fn missing_glyphs(&self, text: &str) -> Vec<char> {
        let mut out: Vec<char> = vec![];
        for c in text.chars() {
            if c.is_whitespace() || c.is_control() || is_default_ignorable(c) || out.contains(&c) {
                continue;
            }
            if !self.fonts.covers(c) {
                out.push(c);
            }
        }
        out
    }

    fn builtin_common(&self) -> Option<&'static [u8]> {
        TEMPLATES.get_file("common.typ").map(|f| f.contents())
    }

    fn check_form(&self, form_id: &str) -> Result<(), RenderError> {
        if !is_valid_form_id(form_id) {
            return Err(RenderError::InvalidFormId(form_id.to_string()));
        }
        if !self.catalog.forms.contains_key(form_id) {
            return Err(RenderError::UnknownForm {
                id: form_id.to_string(),
                available: self.catalog.forms.keys().cloned().collect(),
            });
        }
        Ok(())
    }

    /// Render one form from its data document (see `docs/forms.md`).
    pub fn compile_form(&self, form_id: &str, data_json: &[u8]) -> Result<Compiled, RenderError> {
        let project = self.form_project(form_id, data_json)?;
        self.compile_main(project.main, project.files)
    }

    /// The Typst project of one form: `main.typ` and the data document it reads.
    pub fn form_project(
        &self,
        form_id: &str,
        data_json: &[u8],
    ) -> Result<TypstProject, RenderError> {
        self.check_form(form_id)?;
        check_json(data_json)?;
        let main = format!(
            "// generated by jixiao\n\
             #import \"/common.typ\": *\n\
             #import \"/forms/{form_id}/form.typ\": form\n\
             #let data = json(\"/data.json\")\n\
             #show: setup.with(data)\n\
             #form(data)\n"
        );
        Ok(TypstProject {
            main,
            files: vec![("/data.json".into(), data_json.to_vec())],
            forms: vec![form_id.to_string()],
        })
    }

    /// Render a department bundle in one document: `bundle_json` (cover and
    /// 汇总表 data, read by `common.typ`'s `bundle-front`) then every item's
    /// form on new pages, each with a PDF outline entry. Page numbers
    /// 第 X 页 共 Y 页 come from `setup` when `bundle_json` has `"page_numbers": true`.
    pub fn compile_bundle(
        &self,
        bundle_json: &[u8],
        items: &[BundleItem<'_>],
    ) -> Result<Compiled, RenderError> {
        let project = self.bundle_project(bundle_json, items)?;
        self.compile_main(project.main, project.files)
    }

    /// The Typst project of a bundle (see [`Engine::compile_bundle`]).
    pub fn bundle_project(
        &self,
        bundle_json: &[u8],
        items: &[BundleItem<'_>],
    ) -> Result<TypstProject, RenderError> {
        check_json(bundle_json)?;
        let mut imports = String::new();
        let mut body = String::new();
        let mut seen: Vec<&str> = vec![];
        let mut files = vec![("/bundle.json".to_string(), bundle_json.to_vec())];
        for (n, item) in items.iter().enumerate() {
            self.check_form(item.form_id)?;
            check_json(item.data_json)?;
            let idx = match seen.iter().position(|f| *f == item.form_id) {
                Some(i) => i,
                None => {
                    seen.push(item.form_id);
                    let i = seen.len() - 1;
                    imports.push_str(&format!(
                        "#import \"/forms/{}/form.typ\": form as form-{i}\n",
                        item.form_id
                    ));
                    i
                }
            };
            files.push((format!("/data/{n}.json"), item.data_json.to_vec()));
            body.push_str(&format!(
                "#{{ let d = json(\"/data/{n}.json\"); bundle-item(d, form-{idx}) }}\n"
            ));
        }
        let main = format!(
            "// generated by jixiao\n\
             #import \"/common.typ\": *\n\
             {imports}\
             #let bundle = json(\"/bundle.json\")\n\
             #show: setup.with(bundle)\n\
             #bundle-front(bundle)\n\
             {body}"
        );
        Ok(TypstProject {
            main,
            files,
            forms: seen.iter().map(|f| f.to_string()).collect(),
        })
    }

    /// Compile a project made by [`Engine::form_project`] or [`Engine::bundle_project`].
    pub fn compile_project(&self, project: TypstProject) -> Result<Compiled, RenderError> {
        self.compile_main(project.main, project.files)
    }

    /// Write a Typst project as the self-contained folder jixiao compiles: `main.typ`, the data
    /// documents, `common.typ` and every file of the forms it uses, so that
    /// `typst compile --font-path fonts DIR/main.typ` lays out the same pages (`--emit-typst`).
    /// Returns the files written, relative to `dir`.
    pub fn emit_project(
        &self,
        project: &TypstProject,
        dir: &Path,
    ) -> Result<Vec<PathBuf>, RenderError> {
        let mut files: Vec<(String, Vec<u8>)> =
            vec![("/main.typ".into(), project.main.clone().into_bytes())];
        files.extend(project.files.iter().cloned());
        if let Some(common) = self.builtin_common() {
            files.push(("/common.typ".into(), common.to_vec()));
        }
        for id in &project.forms {
            if let Some(form) = self.catalog.forms.get(id) {
                for (rel, bytes) in form.all_files().map_err(|e| RenderError::Io {
                    path: dir.to_path_buf(),
                    message: crate::output::describe_io(&e),
                })? {
                    files.push((format!("/forms/{id}/{rel}"), bytes));
                }
            }
        }
        // Everything refused is found before the first file is written.
        for (virtual_path, _) in &files {
            let rel = PathBuf::from(virtual_path.trim_start_matches('/'));
            crate::output::check_in_tree(dir, &rel).map_err(|e| RenderError::Io {
                path: dir.join(&rel),
                message: e.to_string(),
            })?;
        }
        let mut written = Vec::new();
        for (virtual_path, bytes) in files {
            let rel = PathBuf::from(virtual_path.trim_start_matches('/'));
            // No symlink below `dir` is followed: a re-run never writes through a link planted
            // in (or left in) the emitted tree into files elsewhere.
            crate::output::write_in_tree(dir, &rel, &bytes).map_err(|e| RenderError::Io {
                path: dir.join(&rel),
                message: e.to_string(),
            })?;
            written.push(rel);
        }
        Ok(written)
    }

    fn compile_main(
        &self,
        main: String,
        files: Vec<(String, Vec<u8>)>,
    ) -> Result<Compiled, RenderError> {
        let world = FormWorld::new(self, main, files);
        let Warned { output, warnings } = typst::compile::<PagedDocument>(&world);
        let resolver = SpanResolver {
            sources: world
                .loaded_sources()
                .into_iter()
                .map(|(id, src)| (id, (world.display_name(id), src)))
                .collect::<HashMap<_, _>>(),
        };
        let warnings = resolver.convert_all(&warnings);
        // Keep the memoization cache from growing without bound in long runs: entries unused in
        // the last 30 compiles go; those of a bundle's unchanged forms are used by every
        // re-compile and stay (the re-bundle reuses them).
        typst::comemo::evict(30);
        match output {
            Ok(document) => Ok(Compiled {
                document,
                warnings,
                resolver,
                today: self.today,
            }),
            Err(errors) => Err(RenderError::Typst {
                errors: resolver.convert_all(&errors),
                warnings,
            }),
        }
    }
}

fn check_json(bytes: &[u8]) -> Result<(), RenderError> {
    serde_json::from_slice::<serde_json::Value>(bytes)
        .map(|_| ())
        .map_err(|e| RenderError::Data(e.to_string()))
}

fn is_default_ignorable(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}'
        | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}' | '\u{00AD}' | '\u{034F}')
}

fn datetime(d: (i32, u8, u8)) -> Option<Datetime> {
    Datetime::from_ymd(d.0, d.1, d.2)
}

/// Write the document as PDF. Deterministic for the same input: no wall-clock
/// time, a fixed document id derived from the title, the given (or engine) date.
pub fn to_pdf(compiled: &Compiled, meta: &PdfMeta) -> Result<Vec<u8>, RenderError> {
    use typst_pdf::{PdfOptions, PdfStandard, PdfStandards};
    let mut doc = compiled.document.clone();
    let date = meta.date.or(compiled.today).and_then(datetime);
    if meta.pdfa && date.is_none() {
        return Err(RenderError::PdfaNeedsDate);
    }
    {
        let info = doc.info_mut();
        if !meta.title.is_empty() {
            info.title = Some(meta.title.as_str().into());
        }
        if !meta.author.is_empty() {
            info.author = vec![meta.author.as_str().into()];
        }
        info.date = Smart::Custom(date);
    }
    let standards = if meta.pdfa {
        PdfStandards::new(&[PdfStandard::A_2b]).map_err(|e| RenderError::Export {
            errors: vec![Diagnostic {
                level: Level::Error,
                message: e.message().to_string(),
                hints: e.hints().iter().map(ToString::to_string).collect(),
                location: None,
                trace: vec![],
            }],
        })?
    } else {
        PdfStandards::default()
    };
    let options = PdfOptions {
        ident: Smart::Custom(format!("jixiao/{}", meta.title)),
        creator: Smart::Custom(Some("jixiao (Typst 0.15)".into())),
        timestamp: None,
        page_ranges: None,
        standards,
        tagged: true,
        pretty: false,
    };
    typst_pdf::pdf(&doc, &options).map_err(|errs| RenderError::Export {
        errors: compiled.resolver.convert_all(&errs),
    })
}

/// One PNG per page at `ppi` pixels per inch.
/// `--ppi` bounds: below 36 a form is unreadable, above 1200 nothing prints better.
pub const PPI_RANGE: std::ops::RangeInclusive<f32> = 36.0..=1200.0;

/// Most pixels one PNG page may have (an A4 page at 1200 ppi is 139 million).
pub const MAX_PIXELS: u64 = 160_000_000;

pub fn to_png(compiled: &Compiled, ppi: f32) -> Result<Vec<Vec<u8>>, RenderError> {
    let scale = f64::from(ppi.clamp(*PPI_RANGE.start(), *PPI_RANGE.end())) / 72.0;
    let opts = typst_render::RenderOptions {
        pixel_per_pt: typst::utils::Scalar::new(scale),
        render_bleed: false,
    };
    // Check every page's size before allocating any pixmap.
    for page in compiled.document.pages() {
        let size = page.frame.size();
        let (width, height) = (
            (size.x.to_pt() * scale).ceil().max(0.0) as u64,
            (size.y.to_pt() * scale).ceil().max(0.0) as u64,
        );
        if width.saturating_mul(height) > MAX_PIXELS {
            return Err(RenderError::ImageTooLarge {
                width,
                height,
                max: MAX_PIXELS,
            });
        }
    }
    compiled
        .document
        .pages()
        .iter()
        .map(|page| {
            typst_render::render(page, &opts)
                .encode_png()
                .map_err(|e| RenderError::Export {
                    errors: vec![Diagnostic {
                        level: Level::Error,
                        message: format!("PNG: {e}"),
                        hints: vec![],
                        location: None,
                        trace: vec![],
                    }],
                })
        })
        .collect()
}

/// One SVG document per page.
pub fn to_svg(compiled: &Compiled) -> Vec<String> {
    let opts = typst_svg::SvgOptions::default();
    compiled
        .document
        .pages()
        .iter()
        .map(|p| typst_svg::svg(p, &opts))
        .collect()
}
