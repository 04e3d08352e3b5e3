//! `jixiao import`: published 自评表 in spreadsheets (`.xlsx`, `.xls`, `.ods`) or Word (`.docx`) files
//! into project TOML files. The format is told by the content, not by the name.
//!
//! Each input is read into [`grid::Grid`]s (one per worksheet; a document's tables stacked into
//! one), [`mapper::scan`] finds the forms in each grid by their labels, and [`write`] writes one
//! `<项目名称>.toml` per form plus a `jixiao.toml` with what all forms share. Numbers are written
//! as the cell holds them; every non-empty cell that maps to no field is listed and kept as a
//! comment. Outputs are written atomically, all or nothing, and never over an input; an existing
//! output is replaced only with `force`.

pub mod budget;
mod cfb;
pub mod docx;
pub mod grid;
pub mod mapper;
pub mod numfmt;
pub mod ods;
mod stale;
pub mod write;
pub mod xls;
pub mod xlsx;

use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use crate::Forms;
use crate::output::OutputError;

pub use budget::Budget;
pub use grid::Grid;
pub use mapper::{FoundForm, Scan};

/// Options of one import run.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Output folder; default: a folder beside the first input, named after it.
    pub output: Option<PathBuf>,
    /// Form id for every imported form, instead of the guess.
    pub form: Option<String>,
    /// Evaluation year for every imported form, instead of the one printed.
    pub year: Option<i32>,
    /// Replace existing output files (never an input).
    pub force: bool,
}

/// What a run did.
#[derive(Debug, Default)]
pub struct Outcome {
    /// The output folder.
    pub dir: PathBuf,
    /// Project files written, in input order.
    pub projects: Vec<PathBuf>,
    /// The folder's `jixiao.toml`.
    pub folder_file: PathBuf,
    /// Messages for the user (Chinese), in order: what was found, cells not imported.
    pub notes: Vec<String>,
    /// Inputs that could not be read, with the reason (exit code 2).
    pub failed: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("未知的表样“{form}”；可用：{available} (unknown form)")]
    UnknownForm { form: String, available: String },
    #[error("没有找到可识别的自评表，未写入任何文件 (no form found)：\n{0}")]
    NothingFound(String),
    #[error(
        "找到的自评表超过 {MAX_FORMS} 张（一次导入的上限），未写入任何文件：请分几次导入，每次少一些文件或工作表 (too many forms)"
    )]
    TooManyForms,
    #[error("以下文件已存在，未写入任何文件；确需覆盖请加 --force (refusing to overwrite)：\n{0}")]
    Exists(String),
    #[error("输出路径 {0} 已存在且不是文件夹；请用 -o 指定输出文件夹 (output is not a folder)")]
    NotAFolder(PathBuf),
    #[error("无法创建输出文件夹 {}：{} (cannot create folder)", path.display(), reason)]
    Folder { path: PathBuf, reason: String },
    #[error(transparent)]
    Output(#[from] OutputError),
}

/// Most forms one run writes (each is a file, checked at once).
pub const MAX_FORMS: usize = 20_000;

/// Old Word documents are not read: their text is not a table model the mapper could use.
const DOC_MESSAGE: &str =
    "是 Word 97–2003 旧格式（.doc），无法直接读取：请在 Word/WPS 中另存为 .docx 后再导入";

/// Largest compound file (`.xls`) read into memory.
const COMPOUND_LIMIT: u64 = 256 * 1024 * 1024;

/// Read one input file into grids. The error is a Chinese reason (without the file name).
pub fn read(path: &Path) -> Result<Vec<Grid>, String> {
    read_within(path, &mut Budget::default())
}

/// Why `path` is not read as an input, told by its type before it is opened: opening a named
/// pipe waits for a writer that may never come, and a device never ends.
fn not_a_file(path: &Path) -> Option<String> {
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) => return Some(format!("无法打开：{}", crate::output::describe_io(&e))),
    };
    if meta.is_dir() {
        return Some("这是一个文件夹，不是文件".to_string());
    }
    // Files of the kernel's pseudo file systems (`/proc/kmsg`) look regular yet block or never
    // end.
    let pseudo = cfg!(unix)
        && std::fs::canonicalize(path).is_ok_and(|p| {
            ["/proc", "/sys", "/dev"]
                .iter()
                .any(|root| p.starts_with(root))
        });
    if !meta.is_file() || pseudo {
        return Some(
            "不是普通文件（是管道、设备、套接字或系统的虚拟文件），不予读取：请导入保存在磁盘上的 .xlsx、.xls、.docx 或 .ods 文件 (not a regular file)"
                .to_string(),
        );
    }
    None
}

/// [`read`] within the budget of an import run.
pub fn read_within(path: &Path, budget: &mut Budget) -> Result<Vec<Grid>, String> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    if let Some(reason) = not_a_file(path) {
        return Err(reason);
    }
    let mut file = std::fs::File::open(path)
        .map_err(|e| format!("无法打开：{}", crate::output::describe_io(&e)))?;
    // The path may have been replaced since it was looked at.
    if !file.metadata().is_ok_and(|m| m.is_file()) {
        return Err("不是普通文件，不予读取 (not a regular file)".to_string());
    }
    let mut magic = [0u8; 8];
    let n = file
        .read(&mut magic)
        .map_err(|e| format!("无法读取：{}", crate::output::describe_io(&e)))?;
    if n == 0 {
        return Err("文件是空的".to_string());
    }
    // OLE2 compound file: .xls / .doc, or any Office file saved with an opening password.
    if magic[..n].starts_with(&cfb::MAGIC[..4]) {
        file.seek(SeekFrom::Start(0))
            .map_err(|e| format!("无法读取：{}", crate::output::describe_io(&e)))?;
        let mut bytes = Vec::new();
        file.take(COMPOUND_LIMIT + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| format!("无法读取：{}", crate::output::describe_io(&e)))?;
        if bytes.len() as u64 > COMPOUND_LIMIT {
            return Err("文件超过 256 MB，不予读取".to_string());
        }
        return compound_grids(&bytes, budget);
    }
    // Web pages saved with an .xls name (common for exported reports).
    let head = String::from_utf8_lossy(&magic[..n])
        .trim_start()
        .to_ascii_lowercase();
    if head.starts_with('<') && !head.starts_with("<?xml") {
        return Err(
            "是网页（HTML）格式的表格，不是真正的 Excel/Word 文件：请在 Excel/WPS 中打开后另存为 .xlsx 再导入"
                .to_string(),
        );
    }
    file.seek(SeekFrom::Start(0))
        .map_err(|e| format!("无法读取：{}", crate::output::describe_io(&e)))?;
    let reader = std::io::BufReader::new(file);
    let name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into(),
    );
    match ext.as_str() {
        "xlsx" | "xlsm" => xlsx::read(reader, budget),
        "docx" | "docm" => docx_grids(reader, &name, budget),
        "ods" => ods::read(reader, budget),
        _ => {
            if !magic[..n].starts_with(b"PK") {
                return Err("不支持的文件类型：请导入 .xlsx、.xls、.docx 或 .ods 文件".to_string());
            }
            // A zip without a telling extension: look inside.
            let mut zip = zip::ZipArchive::new(reader)
                .map_err(|_| "不是有效的 .xlsx、.docx 或 .ods 文件（文件已损坏）".to_string())?;
            let has = |zip: &mut zip::ZipArchive<_>, p: &str| zip.by_name(p).is_ok();
            let kind = if has(&mut zip, "xl/workbook.xml") {
                "xlsx"
            } else if has(&mut zip, "word/document.xml") {
                "docx"
            } else if has(&mut zip, "content.xml") {
                "ods"
            } else {
                return Err("不支持的文件类型：请导入 .xlsx、.xls、.docx 或 .ods 文件".to_string());
            };
            let reader = zip.into_inner();
            match kind {
                "xlsx" => xlsx::read(reader, budget),
                "docx" => docx_grids(reader, &name, budget),
                _ => ods::read(reader, budget),
            }
        }
    }
}

/// An OLE2 compound file: an `.xls` workbook, an old `.doc`, or an encrypted Office file.
fn compound_grids(bytes: &[u8], budget: &mut Budget) -> Result<Vec<Grid>, String> {
    let file = cfb::Compound::open(bytes).map_err(|e| format!("不是有效的 .xls 文件：{e}"))?;
    if file.has("EncryptionInfo") || file.has("EncryptedPackage") {
        return Err(format!("文件{}", xls::PASSWORD_MESSAGE));
    }
    if file.has("Workbook") || file.has("Book") {
        return xls::read(&file, budget);
    }
    if file.has("WordDocument") {
        return Err(format!("文件{DOC_MESSAGE}"));
    }
    Err("不是 Excel 或 Word 文件（复合文档中没有工作簿或文档数据）".to_string())
}

fn docx_grids<R: Read + Seek>(
    reader: R,
    name: &str,
    budget: &mut Budget,
) -> Result<Vec<Grid>, String> {
    let (grid, tables) = docx::read(reader, name, budget)?;
    if tables == 0 {
        return Err(
            "文档中没有表格：自评表须是 Word 表格（不是图片、文本框或用空格排出的文字）"
                .to_string(),
        );
    }
    Ok(vec![grid])
}

/// Bytes of a project file's name before `-<n>.toml`: file systems allow 255 bytes a name (ext4,
/// APFS; NTFS 255 UTF-16 units, never fewer), and room is left for the suffix that tells two
/// forms of one name apart and for the extension.
const NAME_BYTES: usize = 255 - ".toml".len() - "-1000000".len();

/// The longest start of `text` of at most `bytes` bytes, cut on a character boundary.
pub fn cut_to_bytes(text: &str, bytes: usize) -> &str {
    let mut end = bytes.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// A file name for a project: the name without characters file systems refuse, at most 80
/// characters and [`NAME_BYTES`] bytes, never hidden, never `jixiao.toml`.
pub fn safe_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| match c {
            '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|' => '_',
            c if c.is_whitespace() => ' ',
            c if c.is_control() => '_',
            c => c,
        })
        // Bidirectional and invisible format characters would let a name show as another
        // (`…fdp.exe` turned around) in file managers.
        .filter(|c| !is_format_char(*c))
        .collect();
    let mut cleaned: String = cleaned
        .trim()
        .trim_matches('.')
        .trim()
        .chars()
        .take(80)
        .collect();
    cleaned = cut_to_bytes(&cleaned, NAME_BYTES)
        .trim()
        .trim_end_matches('.')
        .trim_end()
        .to_string();
    // Windows reserves these device names whatever the extension (`aux.txt` is AUX).
    let upper = cleaned
        .split('.')
        .next()
        .unwrap_or("")
        .trim_end()
        .to_ascii_uppercase();
    // COM1–COM9 and LPT1–LPT9, also with the superscript digits Windows treats alike.
    let device = |prefix: &str| {
        upper.strip_prefix(prefix).is_some_and(|rest| {
            let mut chars = rest.chars();
            matches!(chars.next(), Some('0'..='9' | '¹' | '²' | '³')) && chars.next().is_none()
        })
    };
    let reserved =
        matches!(upper.as_str(), "CON" | "PRN" | "AUX" | "NUL") || device("COM") || device("LPT");
    if reserved || cleaned.eq_ignore_ascii_case("jixiao") {
        cleaned = format!(
            "{}_项目",
            cut_to_bytes(&cleaned, NAME_BYTES - "_项目".len())
        );
    }
    cleaned
}

/// Unicode format characters (category Cf) that change how a name is shown: bidirectional
/// marks, embeddings, overrides and isolates, zero-width characters, the BOM.
fn is_format_char(c: char) -> bool {
    matches!(c,
        '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{2069}' | '\u{061C}' | '\u{FEFF}' | '\u{00AD}')
}

/// Where a form came from, for messages and the file's first comment.
fn origin(file: &Path, form: &FoundForm, document: bool) -> String {
    let name = file.file_name().map_or_else(
        || file.display().to_string(),
        |n| n.to_string_lossy().into(),
    );
    if document {
        format!("{name} {} 至 {}", form.first_addr, form.last_addr)
    } else {
        format!(
            "{name} 工作表“{}”第 {}–{} 行",
            form.grid, form.first_row, form.last_row
        )
    }
}

/// Whether a form has every fund row and every 一级/二级 pair the imported form uses, so that
/// nothing imported is refused as `fund-source-not-on-form` or `level-not-on-form`.
fn fits(spec: &crate::forms::FormSpec, form: &FoundForm) -> bool {
    form.funds
        .iter()
        .filter(|f| f.key != "total")
        .all(|f| spec.fund_rows.iter().any(|r| r.key == f.key))
        && form
            .indicators
            .iter()
            .all(|i| !is_known_level(&i.level1, &i.level2) || spec.has_level(&i.level1, &i.level2))
}

fn is_known_level(level1: &str, level2: &str) -> bool {
    crate::model::LEVELS
        .iter()
        .any(|(l1, l2s)| *l1 == level1 && l2s.contains(&level2))
}

/// The form for an imported form: the best-voted built-in that fits it, else the best-voted.
/// Returns the id and whether it differs from the best-voted.
fn choose_form(form: &FoundForm, forms: &Forms) -> (String, bool) {
    let ranked = form.ranked_forms();
    let fitting = ranked
        .iter()
        .chain(["beijing", "chongqing"].iter())
        .find(|id| forms.get(id).is_some_and(|spec| fits(spec, form)));
    match fitting {
        Some(id) => (id.to_string(), *id != ranked[0]),
        None => (ranked[0].to_string(), false),
    }
}

/// The 达成/部分达成 bands of a form: the national ones, or the form's `[scoring] bands`.
fn form_bands(spec: Option<&crate::forms::FormSpec>) -> [rust_decimal::Decimal; 2] {
    let mut policy = crate::policy::Policy::default();
    if let Some(spec) = spec {
        let source = crate::source::SourceFile::new(
            format!("{}/form.toml", spec.id).into(),
            spec.source.clone(),
        );
        // A bad form.toml is reported when the imported files are checked.
        policy.apply(
            &spec.scoring,
            &source,
            crate::source::FileId(0),
            &mut Vec::new(),
        );
    }
    policy.bands
}

/// The reason a form id was chosen, from the labels that voted for it.
fn form_reason(id: &str, given: bool) -> String {
    if given {
        return "导入时用 --form 指定".to_string();
    }
    let clue = match id {
        "chongqing" => "按表中栏目推断：预算单位、中央/市级/区级资金、年初设定目标、项目序号等",
        "inner-mongolia" => "按表中栏目推断：项目主管部门及代码、年度总金额、未完成原因分析等",
        "beijing" => "按表中栏目推断：成本指标为一级指标",
        "xinjiang" => "按表中栏目推断：年度绩效指标完成情况、印“/”的二级指标行、得分带“分”等",
        "shanghai" => "按表中栏目推断：财政项目支出绩效自评表",
        _ => "未见地区表样特有的栏目，按财政部通用表样",
    };
    clue.to_string()
}

/// A form of a workbook jixiao wrote whose computed cells are no longer named (a program
/// dropped the `jixiao_computed` names): its 执行率, 得分 and 总分 are read as stated, which the
/// user must know.
fn lost_marks(form: &FoundForm) -> Option<String> {
    let version = form.jixiao.as_deref()?;
    let has_figures = !form.funds.is_empty() || !form.indicators.is_empty();
    (form.computed.is_empty() && has_figures).then(|| {
        format!(
            "工作簿由 jixiao {} 生成，但标出计算单元格的名称 jixiao_computed 已不在（另存时被删去）：执行率、得分、总分只能当作原表所印读入，若改过金额或实际完成值，请删去导入文件中的 rate、score、total 再检查",
            write::comment_safe(version)
        )
    })
}

/// Import `files` into one folder. Inputs that cannot be read are reported in
/// [`Outcome::failed`] while the others are imported; nothing is written when no form is found
/// or an output exists (without `force`).
pub fn import(files: &[PathBuf], options: &Options, forms: &Forms) -> Result<Outcome, ImportError> {
    if let Some(f) = &options.form
        && forms.get(f).is_none()
    {
        let available: Vec<&str> = forms.ids().collect();
        return Err(ImportError::UnknownForm {
            form: f.clone(),
            available: available.join("、"),
        });
    }
    let dir = match &options.output {
        Some(d) => d.clone(),
        None => {
            let first = files.first().cloned().unwrap_or_default();
            let stem = first
                .file_stem()
                .map_or_else(|| "导入".into(), |s| s.to_os_string());
            let beside = first.with_file_name(&stem);
            // An input without an extension would be its own output folder.
            if beside == first {
                let stem = stem.to_string_lossy();
                let name = format!("{}-导入", cut_to_bytes(&stem, 255 - "-导入".len()));
                first.with_file_name(name)
            } else {
                beside
            }
        }
    };
    if dir.exists() && !dir.is_dir() {
        return Err(ImportError::NotAFolder(dir));
    }
    let mut outcome = Outcome {
        dir: dir.clone(),
        folder_file: dir.join(crate::load::FOLDER_FILE),
        ..Outcome::default()
    };

    // Read and scan every input.
    let mut found: Vec<(usize, FoundForm, bool)> = Vec::new();
    let mut nothing: Vec<String> = Vec::new();
    let mut budget = Budget::default();
    for (index, path) in files.iter().enumerate() {
        budget.start_file();
        let grids = match read_within(path, &mut budget) {
            Ok(g) => g,
            Err(reason) => {
                budget.refund_file();
                outcome
                    .failed
                    .push(format!("无法导入 {}：{reason}", path.display()));
                continue;
            }
        };
        let mut count = 0;
        for grid in &grids {
            let scan = mapper::scan(grid);
            // A sheet with nothing read says why in its own message below.
            if !(scan.orphans.is_empty() && scan.forms.is_empty()) {
                for note in &grid.notes {
                    outcome
                        .notes
                        .push(format!("警告：{}：{note}", path.display()));
                }
            }
            let where_ = if grid.document {
                format!("{} ", path.display())
            } else {
                format!("{} 工作表“{}”", path.display(), grid.name)
            };
            if scan.forms.is_empty() {
                let cells = scan.orphans.len();
                let message = if cells == 0 && !grid.notes.is_empty() {
                    format!("{where_}没有读到内容：{}", grid.notes.join("；"))
                } else if cells == 0 {
                    format!("{where_}是空的")
                } else {
                    let mut m = format!(
                        "{where_}中没有找到可识别的自评表（没有“项目名称”“年初预算数”“三级指标”等栏目），{cells} 个非空单元格未导入"
                    );
                    for u in scan.orphans.iter().take(5) {
                        m.push_str(&format!("\n    {}", write::unmapped_line(u)));
                    }
                    if cells > 5 {
                        m.push_str(&format!("\n    ……另有 {} 个", cells - 5));
                    }
                    m
                };
                nothing.push(message.clone());
                outcome.notes.push(format!("警告：{message}"));
                continue;
            }
            for form in scan.forms {
                // Column headings alone (a department's 汇总表 has 项目名称, 全年预算数, 执行率 …)
                // without a project name or any indicator is a list of projects, not a form.
                if form.name.is_none() && form.indicators.is_empty() {
                    outcome.notes.push(format!(
                        "警告：{where_}第 {}–{} 行有自评表的栏目，但没有项目名称和绩效指标（像是汇总表），未导入",
                        form.first_row, form.last_row
                    ));
                    continue;
                }
                count += 1;
                if let Some(note) = lost_marks(&form) {
                    outcome.notes.push(format!(
                        "警告：{where_}第 {}–{} 行：{note}",
                        form.first_row, form.last_row
                    ));
                }
                found.push((index, form, grid.document));
            }
        }
        outcome
            .notes
            .push(format!("读取 {}：找到 {count} 张自评表", path.display()));
    }
    if found.len() > MAX_FORMS {
        return Err(ImportError::TooManyForms);
    }
    if found.is_empty() {
        let mut reasons = outcome.failed.clone();
        reasons.extend(nothing);
        return Err(ImportError::NothingFound(
            reasons
                .iter()
                .map(|r| format!("  {r}"))
                .collect::<Vec<_>>()
                .join("\n"),
        ));
    }

    // Choose form ids, years and file names.
    let plans: Vec<write::Planned> = found
        .iter()
        .map(|(index, form, document)| {
            let given = options.form.is_some();
            let (form_id, moved) = match &options.form {
                Some(f) => (f.clone(), false),
                None => choose_form(form, forms),
            };
            let mut reason = form_reason(&form_id, given);
            if moved {
                reason = format!(
                    "表中有表样 {} 没有的资金行或指标栏，改用 {form_id}",
                    form.guess_form()
                );
            }
            write::Planned {
                form,
                form_reason: reason,
                bands: form_bands(forms.get(&form_id)),
                form_id,
                year: options.year.or(form.year),
                origin: origin(&files[*index], form, *document),
            }
        })
        .collect();
    let shared = write::shared(&plans);
    // Names taken so far (folded: one file on case-insensitive systems) and, per base
    // name, the last suffix tried, so that many forms of one name stay linear.
    let mut taken: std::collections::HashSet<String> = std::collections::HashSet::new();
    let mut suffix: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut outputs: Vec<(PathBuf, Vec<u8>)> = Vec::new();
    for (n, plan) in plans.iter().enumerate() {
        let base = plan
            .form
            .name
            .as_ref()
            .map(|v| safe_name(&v.text))
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| safe_name(&format!("{}-{}", plan.form.grid, n + 1)));
        let mut name = base.clone();
        let k = suffix.entry(crate::output::fold_name(&base)).or_insert(1);
        while taken.contains(&crate::output::fold_name(&name)) {
            *k += 1;
            name = format!("{base}-{k}");
        }
        taken.insert(crate::output::fold_name(&name));
        let path = dir.join(format!("{name}.toml"));
        outputs.push((path, write::project_file(plan, &shared).into_bytes()));
    }
    let common_reason = shared
        .form
        .as_ref()
        .map(|f| form_reason(f, options.form.is_some()));
    outputs.insert(
        0,
        (
            outcome.folder_file.clone(),
            write::folder_file(&shared, plans.len(), common_reason.as_deref()).into_bytes(),
        ),
    );

    // Refuse before writing anything: an input as output, or an existing file without force.
    let pairs: Vec<(PathBuf, PathBuf)> = outputs
        .iter()
        .map(|(p, _)| (p.clone(), p.clone()))
        .collect();
    crate::output::guard(files, &pairs)?;
    if !options.force {
        let existing: Vec<String> = outputs
            .iter()
            .filter(|(p, _)| p.exists())
            .map(|(p, _)| format!("  {}", p.display()))
            .collect();
        if !existing.is_empty() {
            return Err(ImportError::Exists(existing.join("\n")));
        }
    }
    // The folders this run creates (`-o new1/new2/out`), deepest first: a failed import
    // removes every one of them (when nothing else has been put there meanwhile).
    let created: Vec<PathBuf> = dir
        .ancestors()
        .take_while(|a| !a.as_os_str().is_empty() && a.symlink_metadata().is_err())
        .map(Path::to_path_buf)
        .collect();
    let remove_created = || {
        for folder in &created {
            let _ = std::fs::remove_dir(folder);
        }
    };
    if !created.is_empty() {
        std::fs::create_dir_all(&dir).map_err(|e| {
            remove_created();
            ImportError::Folder {
                path: dir.clone(),
                reason: crate::output::describe_io(&e),
            }
        })?;
        outcome
            .notes
            .push(format!("已创建文件夹 {}", dir.display()));
    }
    // All or nothing: a file that cannot be written takes back those written before it, and
    // the folder made for them (when nothing else has been put there meanwhile).
    let written = if options.force {
        crate::output::write_set_atomic(&outputs)
    } else {
        crate::output::write_new_set_atomic(&outputs)
    };
    if let Err(e) = written {
        remove_created();
        return Err(e.into());
    }

    // Report what was written and what was left out.
    if shared.year.is_none() && plans.iter().any(|p| p.year.is_none()) {
        outcome.notes.push(
            "警告：表中未找到评价年度（“（2021年度）”之类），请在 jixiao.toml 中填写 year，或重新导入时加 --year"
                .to_string(),
        );
    }
    for (plan, (path, _)) in plans.iter().zip(outputs.iter().skip(1)) {
        outcome.notes.push(format!(
            "已写入 {}（{}，表样 {}）",
            path.display(),
            plan.origin,
            plan.form_id
        ));
        let unmapped = &plan.form.unmapped;
        if !unmapped.is_empty() {
            outcome.notes.push(format!(
                "警告：{} 个单元格未能对应到字段，已作为注释保留在该文件末尾，请核对：",
                unmapped.len()
            ));
            for u in unmapped.iter().take(20) {
                outcome
                    .notes
                    .push(format!("    {}", write::unmapped_line(u)));
            }
            if unmapped.len() > 20 {
                outcome.notes.push(format!(
                    "    ……另有 {} 个，见文件末尾的注释",
                    unmapped.len() - 20
                ));
            }
        }
        outcome.projects.push(path.clone());
    }
    outcome.notes.push(format!(
        "已写入 {}（{} 个项目共用的信息）",
        outcome.folder_file.display(),
        plans.len()
    ));
    // A workbook jixiao wrote: its computed cells against what the imported inputs now give.
    let written: Vec<(PathBuf, &FoundForm)> = outputs
        .iter()
        .skip(1)
        .map(|(p, _)| p.clone())
        .zip(plans.iter().map(|p| p.form))
        .collect();
    outcome.notes.extend(stale::notes(&written, forms));
    Ok(outcome)
}

#[cfg(test)]
mod tests {
    use super::*;
    use grid::Cell;

    /// Files are told apart by their content: an encrypted workbook (tests/fixtures, made by
    /// msoffcrypto-tool) is refused as one whatever its name says.
    #[test]
    fn password_protected_workbooks_are_named() {
        let err = read(Path::new("tests/fixtures/password.xlsx")).unwrap_err();
        assert!(err.contains("设置了打开密码"), "{err}");
        let dir = tempfile::tempdir().unwrap();
        let renamed = dir.path().join("表.xls");
        std::fs::copy("tests/fixtures/password.xlsx", &renamed).unwrap();
        let err = read(&renamed).unwrap_err();
        assert!(err.contains("设置了打开密码"), "{err}");
        // An .xls that is really an .xlsx (a zip) is read as one.
        let disguised = dir.path().join("旧.xls");
        std::fs::copy("tests/fixtures/baotou.xls", dir.path().join("x.xls")).unwrap();
        let grids = read(&dir.path().join("x.xls")).unwrap();
        let mut book = rust_xlsxwriter::Workbook::new();
        book.add_worksheet().write_string(0, 0, "项目名称").unwrap();
        std::fs::write(&disguised, book.save_to_buffer().unwrap()).unwrap();
        let inner = read(&disguised).unwrap();
        assert_eq!(inner[0].cells[0].text, "项目名称");
        assert_eq!(grids.len(), 2);
    }

    /// A grid from tab-separated lines (empty fields are empty cells, ¶ a line break in a cell).
    fn grid(text: &str) -> Grid {
        let mut cells = Vec::new();
        for (r, line) in text.lines().enumerate() {
            for (c, t) in line.split('\t').enumerate() {
                if !t.trim().is_empty() {
                    let addr = format!("S!{}{}", grid::column_name(c as u32), r + 1);
                    cells.push(Cell::text(r as u32, c as u32, t.replace('¶', "\n"), addr));
                }
            }
        }
        Grid {
            name: "S".into(),
            document: false,
            cells,
            notes: Vec::new(),
            jixiao: None,
        }
    }

    fn one(text: &str) -> FoundForm {
        let mut scan = mapper::scan(&grid(text));
        assert_eq!(scan.forms.len(), 1, "{scan:?}");
        scan.forms.remove(0)
    }

    #[test]
    fn chongqing_layout() {
        let f = one("2020年度预算资金项目支出绩效自评表\n\
            项目序号：5\n\
            金额单位：万元（保留两位小数）\n\
            预算单位（盖章）\t\t荣昌区人社局\t\t实施单位\t荣昌区人社局\n\
            项目名称\t\t事业单位培训费\n\
            项目资金\t\t年初预算数\t全年预算数\t全年执行数\t分值\t执行率\t得分\n\
            \t年度资金总额：\t5.00\t5.00\t3.49\t10.00\t70.00%\t7.00\n\
            \t其中：中央资金\t\t\t\t—\t\t—\n\
            \t区级资金\t5.00\t5.00\t3.49\t10.00\t70.00%\t10.00\n\
            年度总体目标\t\t年初设定目标\t\t实际完成情况\n\
            \t\t开展培训2批\t\t培训70人\n\
            绩效指标\t一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分\t偏差原因分析及改进措施\n\
            \t产出指标\t数量指标\t培训人数\t≥60人\t70人\t40.00\t40.00\n\
            \t\t质量指标\n\
            \t\t成本指标\t人均培训费用\t≤500元/人\t498元/人\t30.00\t30.00\n\
            \t效益指标\t经济效益指标\n\
            \t满意度指标\t服务对象满意度指标\t培训人员满意度\t≥95%\t90.00%\t20.00\t18.00\n\
            总分\t\t\t\t\t\t100.00\t95.00\n\
            填表人：张三\t\t联系电话\t12345");
        assert_eq!(f.year, Some(2020));
        assert_eq!(f.unit, Some("万元"));
        assert_eq!(f.serial.as_ref().unwrap().text, "5");
        assert_eq!(f.department.as_ref().unwrap().text, "荣昌区人社局");
        assert_eq!(f.guess_form(), "chongqing");
        let keys: Vec<&str> = f.funds.iter().map(|l| l.key).collect();
        assert_eq!(
            keys,
            ["total", "district"],
            "the empty 中央资金 row is left out"
        );
        assert_eq!(f.funds[0].score.as_ref().unwrap().text, "7.00");
        assert_eq!(f.funds[1].rate.as_ref().unwrap().text, "70.00%");
        assert_eq!(f.planned.as_ref().unwrap().text, "开展培训2批");
        assert_eq!(f.indicators.len(), 3, "empty 二级 rows skipped");
        assert_eq!(f.indicators[1].level2, "成本指标");
        assert_eq!(f.indicators[2].level1, "满意度指标");
        assert_eq!(f.total.as_ref().unwrap().text, "95.00");
        assert_eq!(f.filler.as_ref().unwrap().text, "张三");
        assert_eq!(f.phone.as_ref().unwrap().text, "12345");
        // The 区级资金 row's 分值 and 得分 are listed, not dropped.
        let listed: Vec<&str> = f.unmapped.iter().map(|u| u.addr.as_str()).collect();
        assert_eq!(listed, ["S!F9", "S!H9"]);
    }

    #[test]
    fn xinjiang_layout_and_form_choice() {
        let f = one("2020年事业单位公开招聘工作相关经费项目支出绩效自评表\n\
            (2021年度)\n\
            项目名称\t2020年事业单位公开招聘工作相关经费\n\
            主管部门\t昌吉州人社中心\t实施单位\t昌吉州人社中心\n\
            项目资金¶（万元）\t\t年初预算数\t全年预算数\t全年执行数\t分值\t执行率\t得分\n\
            \t年度资金总额\t0.00\t33.10\t33.10\t10\t100.00%\t10.00分\n\
            \t其中：当年财政拨款\t0\t33.1\t33.10\t—\t—\t—\n\
            \t      上年结转资金\t0\t0\t0\t—\t—\t—\n\
            一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分\t偏差原因分析及改进措施\n\
            产出指标\t数量指标\t笔试人数（人）\t>=8000人\t600\t2\t0.15\t受疫情影响\n\
            效益指标\t经济效益指标\t/\t/\t/\t/\t/\n\
            \t社会效益指标\t解决需求率\t>=95%\t100%\t88\t88\n\
            满意度指标\t满意度指标\t相关单位满意度\t>=95%\t98%\t10\t10\n\
            总分\t\t\t\t\t100\t98.15分");
        assert_eq!(f.year, Some(2021));
        assert_eq!(f.guess_form(), "xinjiang");
        assert_eq!(f.funds[0].score.as_ref().unwrap().text, "10.00");
        assert_eq!(f.funds.len(), 3);
        assert_eq!(f.indicators.len(), 3, "the / row is left out");
        assert_eq!(f.indicators[2].level2, "服务对象满意度指标");
        assert_eq!(f.total.as_ref().unwrap().text, "98.15");
        assert!(f.unmapped.is_empty(), "{:?}", f.unmapped);
        let forms = Forms::builtin();
        assert_eq!(choose_form(&f, &forms), ("xinjiang".to_string(), false));

        // 年度总金额 says inner-mongolia, but that form has no 上年结转资金 row.
        let f = one("项目名称\tX\n\
            项目资金\t\t年初预算数\t全年预算数\t全年执行数\n\
            \t年度总金额\t10\t10\t10\n\
            \t上年结转资金\t10\t10\t10\n");
        assert_eq!(f.guess_form(), "inner-mongolia");
        assert_eq!(choose_form(&f, &forms), ("mof-2020".to_string(), true));

        // 成本指标 as a 一级指标 fits only the Beijing form.
        let f = one("项目名称\tX\n\
            一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分\n\
            成本指标\t经济成本指标\t成本\t≤10万元\t10万元\t10\t10\n\
            总分\t\t\t\t\t10\t10");
        assert_eq!(choose_form(&f, &forms).0, "beijing");
    }

    #[test]
    fn a_jixiao_workbook_that_lost_its_names_is_told() {
        let mut g = grid(
            "项目名称\tX\n\
            一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分\n\
            产出指标\t数量指标\t人数\t≥10人\t9人\t10\t9\n\
            总分\t\t\t\t\t10\t9",
        );
        assert_eq!(
            lost_marks(&mapper::scan(&g).forms[0]),
            None,
            "a published form"
        );
        g.jixiao = Some("0.1.0".into());
        let note = lost_marks(&mapper::scan(&g).forms[0]).unwrap();
        assert!(note.contains("jixiao_computed 已不在"), "{note}");
        // Marked: the score is computed, nothing to tell.
        g.cells
            .iter_mut()
            .find(|c| c.text == "9" && c.col == 6)
            .unwrap()
            .computed = true;
        let form = &mapper::scan(&g).forms[0];
        assert_eq!(lost_marks(form), None);
        assert_eq!(form.indicators[0].score, None);
        assert_eq!(
            form.indicators[0].computed_score.as_ref().unwrap().text,
            "9"
        );
    }

    #[test]
    fn safe_file_names() {
        assert_eq!(safe_name("a/b:c*?"), "a_b_c__");
        assert_eq!(safe_name("..隐藏"), "隐藏");
        assert_eq!(safe_name("jixiao"), "jixiao_项目");
        // Hostile round 4: Windows treats COM¹–COM³ and LPT¹–LPT³ as devices too.
        assert_eq!(safe_name("COM¹"), "COM¹_项目");
        assert_eq!(safe_name("lpt³.表"), "lpt³.表_项目");
        assert_eq!(safe_name("COM10"), "COM10");
        assert_eq!(safe_name("CON"), "CON_项目");
        assert_eq!(safe_name(&"长".repeat(200)).chars().count(), 80);
        // Hostile round 3: cut by bytes too (80 four-byte characters are 320 bytes).
        assert_eq!(safe_name(&"𪚖".repeat(80)), "𪚖".repeat(60));
        assert_eq!(cut_to_bytes("a长", 3), "a");
        let aux = safe_name(&format!("aux.{}", "x".repeat(300)));
        assert!(aux.len() <= NAME_BYTES && aux.ends_with("_项目"), "{aux}");
        assert_eq!(safe_name("  两行\n名称 "), "两行 名称");
        assert_eq!(safe_name("aux.txt"), "aux.txt_项目");
        assert_eq!(safe_name("Com1.报告"), "Com1.报告_项目");
        assert_eq!(safe_name("auxiliary"), "auxiliary");
        assert_eq!(safe_name("\u{202e}经费fdp.exe"), "经费fdp.exe");
        assert_eq!(safe_name("零\u{200b}宽"), "零宽");
    }
}
