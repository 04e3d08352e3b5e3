//! The filled form as a workbook (`jixiao render --format xlsx`, `jixiao bundle --format xlsx`):
//! one sheet laid out like the printed form — the same rows, merged cells, thin borders, 宋体,
//! A4 portrait fitted to one page wide — with amounts, 分值, 得分 and 执行率 stored as numbers in
//! the form's number formats, so the sheet can be checked and summed.
//!
//! Wording comes from the form (`templates/<id>/form.toml`: `[labels]`, `fund_rows`, `level1`),
//! what the 其中 rows, zero and absent amounts and unused 二级 rows print from its `[print]`
//! options (as the project overrides them); the structural choices a form makes in its
//! `form.typ` (`first-row`, `merge-level2`, and the older `source-rate`, `source-score` of
//! `standard-form`) are read from that file too, so user forms written the same way come out
//! like their PDF.
//!
//! rust_xlsxwriter 0.9 cannot merge cells nor set the document date, so the saved package is
//! opened again ([`package`]) to add `<mergeCells>` and a fixed `docProps/core.xml`: the same
//! input gives byte-identical output.

mod package;

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxAlign, XlsxBorder, XlsxError};
use unicode_width::UnicodeWidthChar;

use crate::decimal;
use crate::forms::{AbsentAmount, FormSpec, RateStyle, SourceCell, ZeroAmount};
use crate::report::{FundFigures, Report};

/// Why a workbook could not be made.
#[derive(Debug, thiserror::Error)]
pub enum WorkbookError {
    #[error("{0} 没有可填表的项目（文件无法读取或表样未知）(nothing to lay out)")]
    NoProject(String),
    #[error("无法生成 xlsx：{0}")]
    Xlsx(#[from] XlsxError),
    #[error("无法生成 xlsx：{0}")]
    Package(String),
}

/// Options that are not part of the report.
#[derive(Debug, Clone, Copy, Default)]
pub struct WorkbookOptions {
    /// Mark every sheet's title 草稿 (as `--draft` watermarks the PDF).
    pub draft: bool,
}

/// The form of one report as a one-sheet workbook; marked 草稿 when the report has errors.
pub fn form_workbook(report: &Report) -> Result<Vec<u8>, WorkbookError> {
    form_workbook_with(
        report,
        WorkbookOptions {
            draft: report.has_errors(),
        },
    )
}

/// The form of one report as a one-sheet workbook.
pub fn form_workbook_with(
    report: &Report,
    options: WorkbookOptions,
) -> Result<Vec<u8>, WorkbookError> {
    let grid = form_grid(report, options.draft)?;
    let mut names = SheetNames::default();
    let name = names.take(report.name(), "自评表");
    let date = report_date(report);
    let project = report.project.as_ref();
    let title = format!(
        "{} {}",
        report.name(),
        report.form.as_ref().map_or("", |f| f.title.as_str())
    );
    let author = project.map_or("", |p| p.info.implementer.as_str());
    save(vec![(name, grid)], &title, author, date)
}

/// A department bundle as one workbook: the 汇总表 sheet first (the columns of the PDF bundle's
/// summary), then one sheet per project in the given order; marked 草稿 when any report has
/// errors.
pub fn bundle_workbook(reports: &[&Report]) -> Result<Vec<u8>, WorkbookError> {
    bundle_workbook_with(
        reports,
        WorkbookOptions {
            draft: reports.iter().any(|r| r.has_errors()),
        },
    )
}

/// A department bundle as one workbook (see [`bundle_workbook`]).
pub fn bundle_workbook_with(
    reports: &[&Report],
    options: WorkbookOptions,
) -> Result<Vec<u8>, WorkbookError> {
    let data = crate::document::bundle_data(reports, options.draft);
    let mut names = SheetNames::default();
    let mut sheets = vec![(
        names.take(SUMMARY_SHEET, SUMMARY_SHEET),
        summary_grid(&data, options.draft),
    )];
    for (i, report) in reports.iter().enumerate() {
        // A file that could not be read, or names an unknown form, has no form to fill (the
        // PDF bundle leaves it out too); its row in the 汇总表 stays.
        if report.project.is_none() || report.form.is_none() {
            continue;
        }
        let fallback = format!("项目{}", i + 1);
        sheets.push((
            names.take(report.name(), &fallback),
            form_grid(report, options.draft)?,
        ));
    }
    let first = reports.iter().find_map(|r| r.project.as_ref());
    let date = first
        .and_then(|p| p.bundle.date.as_deref())
        .and_then(crate::document::parse_date)
        .or_else(|| reports.first().and_then(|r| report_date(r)));
    let title = data["title"].as_str().unwrap_or_default().to_string();
    let author = data["department"].as_str().unwrap_or_default().to_string();
    save(sheets, &title, &author, date)
}

/// The name of a bundle's summary sheet.
pub const SUMMARY_SHEET: &str = "汇总表";

/// The document date: the form's filing date, else its bundle date.
fn report_date(report: &Report) -> Option<(i32, u8, u8)> {
    let project = report.project.as_ref()?;
    crate::document::parse_date(&project.signature.date).or_else(|| {
        project
            .bundle
            .date
            .as_deref()
            .and_then(crate::document::parse_date)
    })
}

// ---------------------------------------------------------------- sheet names

/// Sheet names as Excel requires them: 1–31 characters, none of `[]:*?/\`, no apostrophe at
/// either end, unique regardless of case (and never Excel's reserved `History`).
#[derive(Default)]
struct SheetNames {
    taken: Vec<String>,
}

/// Excel counts a name's length in UTF-16 units.
fn utf16_len(s: &str) -> usize {
    s.chars().map(char::len_utf16).sum()
}

fn cut_utf16(s: &str, max: usize) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if utf16_len(&out) + c.len_utf16() > max {
            break;
        }
        out.push(c);
    }
    out
}

impl SheetNames {
    fn take(&mut self, wanted: &str, fallback: &str) -> String {
        let clean = |s: &str| -> String {
            let s: String = s
                .chars()
                .filter(|c| !"[]:*?/\\".contains(*c) && !c.is_control())
                .collect();
            s.trim().trim_matches('\'').trim().to_string()
        };
        let mut base = cut_utf16(&clean(wanted), 31);
        if base.trim_matches('\'').is_empty() {
            base = cut_utf16(&clean(fallback), 31);
        }
        let base = base.trim_end_matches('\'').to_string();
        let free = |name: &str, taken: &[String]| {
            let lower = name.to_lowercase();
            lower != "history" && !taken.iter().any(|t| t.to_lowercase() == lower)
        };
        let mut name = base.clone();
        let mut n = 2;
        while !free(&name, &self.taken) {
            let suffix = format!("({n})");
            let head = cut_utf16(&base, 31 - suffix.len());
            name = format!("{}{suffix}", head.trim_end_matches('\''));
            n += 1;
        }
        self.taken.push(name.clone());
        name
    }
}

// ---------------------------------------------------------------- the grid

#[derive(Clone, Copy, PartialEq, Eq)]
enum H {
    Left,
    Center,
    Right,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum V {
    Top,
    Center,
}

/// Which sides of a cell are ruled.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Edges {
    All,
    None,
    /// The empty corner above the 绩效指标 label (one cell with it, as printed).
    NoBottom,
    NoTop,
}

/// How a cell looks; turned into a rust_xlsxwriter [`Format`].
#[derive(Clone)]
struct Look {
    bold: bool,
    size: f64,
    h: H,
    v: V,
    edges: Edges,
    num: Option<String>,
}

/// Font of every cell: 宋体 (SimSun), GB2312 character set.
const FONT: &str = "宋体";
const BODY: f64 = 10.0;

impl Look {
    fn text() -> Self {
        Look {
            bold: false,
            size: BODY,
            h: H::Left,
            v: V::Center,
            edges: Edges::All,
            num: None,
        }
    }
    fn center() -> Self {
        Look {
            h: H::Center,
            ..Self::text()
        }
    }
    fn bold() -> Self {
        Look {
            bold: true,
            ..Self::center()
        }
    }
    fn number(format: String) -> Self {
        Look {
            num: Some(format),
            ..Self::center()
        }
    }
    fn top() -> Self {
        Look {
            v: V::Top,
            ..Self::text()
        }
    }
    fn plain(h: H) -> Self {
        Look {
            h,
            edges: Edges::None,
            ..Self::text()
        }
    }
    fn heading(size: f64, bold: bool) -> Self {
        Look {
            bold,
            size,
            h: H::Center,
            edges: Edges::None,
            ..Self::text()
        }
    }
    fn edges(self, edges: Edges) -> Self {
        Look { edges, ..self }
    }

    fn format(&self) -> Format {
        let mut f = Format::new()
            .set_font_name(FONT)
            .set_font_charset(134)
            .set_font_size(self.size)
            .set_text_wrap()
            .set_align(match self.h {
                H::Left => XlsxAlign::Left,
                H::Center => XlsxAlign::Center,
                H::Right => XlsxAlign::Right,
            })
            .set_align(match self.v {
                V::Top => XlsxAlign::Top,
                V::Center => XlsxAlign::VerticalCenter,
            });
        if self.bold {
            f = f.set_bold();
        }
        if let Some(num) = &self.num {
            f = f.set_num_format(num);
        }
        let thin = XlsxBorder::Thin;
        match self.edges {
            Edges::All => f.set_border(thin),
            Edges::None => f,
            Edges::NoBottom => f
                .set_border_top(thin)
                .set_border_left(thin)
                .set_border_right(thin),
            Edges::NoTop => f
                .set_border_bottom(thin)
                .set_border_left(thin)
                .set_border_right(thin),
        }
    }
}

enum Value {
    Text(String),
    Number(f64),
    Blank,
}

struct Cell {
    row: u32,
    col: u16,
    value: Value,
    look: Look,
}

/// Cells, merges and row heights of one sheet, before they are written.
struct Grid {
    /// Column widths in points.
    widths: Vec<f64>,
    cells: Vec<Cell>,
    merges: Vec<(u32, u16, u32, u16)>,
    /// Heights (points) that rows `first..=last` need together.
    needs: Vec<(u32, u32, f64)>,
    /// The next free row.
    row: u32,
    /// A row repeated at the top of every printed page (the indicator header).
    repeat: Option<u32>,
}

/// Excel's most characters in one cell.
const MAX_CELL_CHARS: usize = 32_767;

/// Can XML 1.0 carry this character? Not the C0 controls other than tab and line breaks, nor
/// U+FFFE/U+FFFF: one of those in a sheet makes the whole workbook unreadable. Shared with
/// `jixiao export --format xlsx`.
pub(crate) fn xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r')
        || !(c.is_control() && (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}')
}

/// Text a cell can hold: characters XML 1.0 cannot carry are dropped, and very long text is cut
/// at Excel's limit (with …).
fn cell_text(text: &str) -> String {
    let kept: String = text
        .replace("\r\n", "\n")
        .chars()
        .filter(|&c| xml_char(c))
        .map(|c| if c == '\r' { '\n' } else { c })
        .collect();
    if kept.chars().count() > MAX_CELL_CHARS {
        let mut cut: String = kept.chars().take(MAX_CELL_CHARS - 1).collect();
        cut.push('…');
        cut
    } else {
        kept
    }
}

/// Estimated height (points) of `text` wrapped in a cell `width` points wide: 宋体 sets CJK
/// characters one em wide and Latin letters and digits half an em.
fn text_height(text: &str, width: f64, size: f64) -> f64 {
    let avail = (width - 7.0).max(size);
    let lines: f64 = text
        .split('\n')
        .map(|line| {
            let ems: f64 = line
                .chars()
                .map(|c| match c.width() {
                    Some(2) => 1.0,
                    Some(0) | None => 0.0,
                    _ => 0.55,
                })
                .sum();
            (ems * size / avail).ceil().max(1.0)
        })
        .sum();
    lines * size * 1.32 + 6.0
}

impl Grid {
    fn new(widths: &[f64]) -> Self {
        Grid {
            widths: widths.to_vec(),
            cells: Vec::new(),
            merges: Vec::new(),
            needs: Vec::new(),
            row: 0,
            repeat: None,
        }
    }

    fn last_col(&self) -> u16 {
        self.widths.len() as u16 - 1
    }

    /// Put `value` into the range rows `r0..=r1` × columns `c0..=c1` (merged when more than one
    /// cell; every cell of the range carries the look, so the borders are drawn all round).
    fn put(&mut self, (r0, c0): (u32, u16), (r1, c1): (u32, u16), value: Value, look: Look) {
        if let Value::Text(text) = &value {
            let width: f64 = self.widths[c0 as usize..=c1 as usize].iter().sum();
            self.needs
                .push((r0, r1, text_height(text, width, look.size)));
        }
        for r in r0..=r1 {
            for c in c0..=c1 {
                if (r, c) != (r0, c0) {
                    self.cells.push(Cell {
                        row: r,
                        col: c,
                        value: Value::Blank,
                        look: look.clone(),
                    });
                }
            }
        }
        if (r0, c0) != (r1, c1) {
            self.merges.push((r0, c0, r1, c1));
        }
        self.cells.push(Cell {
            row: r0,
            col: c0,
            value,
            look,
        });
    }

    /// One cell of the current row.
    fn at(&mut self, col: u16, value: Value, look: Look) {
        let r = self.row;
        self.put((r, col), (r, col), value, look);
    }

    /// Columns `c0..=c1` of the current row, merged.
    fn span(&mut self, c0: u16, c1: u16, value: Value, look: Look) {
        let r = self.row;
        self.put((r, c0), (r, c1), value, look);
    }

    /// A row at least `height` points high.
    fn min_height(&mut self, height: f64) {
        self.needs.push((self.row, self.row, height));
    }

    /// Row heights: each row as high as its own cells need, then rows under a taller merged
    /// cell (a 一级 or 二级 label) grown evenly until the label fits.
    fn heights(&self) -> BTreeMap<u32, f64> {
        let mut h: BTreeMap<u32, f64> = (0..self.row).map(|r| (r, 0.0)).collect();
        for &(r0, r1, need) in &self.needs {
            if r0 == r1 {
                let e = h.entry(r0).or_default();
                *e = e.max(need);
            }
        }
        for &(r0, r1, need) in &self.needs {
            if r0 != r1 {
                let have: f64 = (r0..=r1).map(|r| h[&r]).sum();
                if have < need {
                    let add = (need - have) / f64::from(r1 - r0 + 1);
                    for r in r0..=r1 {
                        *h.entry(r).or_default() += add;
                    }
                }
            }
        }
        for v in h.values_mut() {
            *v = (v.max(15.0) * 4.0).ceil() / 4.0;
            *v = v.min(409.0);
        }
        h
    }

    fn write(&self, sheet: &mut Worksheet) -> Result<(), XlsxError> {
        for (c, w) in self.widths.iter().enumerate() {
            sheet.set_column_width_pixels(c as u16, (w * 4.0 / 3.0).round() as u16)?;
        }
        for (r, h) in self.heights() {
            sheet.set_row_height(r, h)?;
        }
        for cell in &self.cells {
            let format = cell.look.format();
            match &cell.value {
                Value::Text(t) if !t.is_empty() => {
                    sheet.write_string(cell.row, cell.col, t, &format)?;
                }
                Value::Number(n) => {
                    sheet.write_number(cell.row, cell.col, *n, &format)?;
                }
                _ => {
                    sheet.write_blank(cell.row, cell.col, &format)?;
                }
            }
        }
        // A4 portrait, one page wide, margins of the PDF (1.8 cm).
        sheet.set_paper_size(9);
        sheet.set_portrait();
        sheet.set_print_fit_to_pages(1, 0);
        sheet.set_margins(0.71, 0.71, 0.71, 0.71, 0.3, 0.3);
        sheet.set_print_center_horizontally(true);
        if let Some(r) = self.repeat {
            sheet.set_repeat_rows(r, r)?;
        }
        Ok(())
    }
}

fn text(s: impl AsRef<str>) -> Value {
    Value::Text(cell_text(s.as_ref()))
}

fn number(value: Option<Decimal>) -> Value {
    value
        .and_then(|v| v.to_f64())
        .map_or(Value::Blank, Value::Number)
}

// ---------------------------------------------------------------- number formats

/// `0`, `0.0`, `0.00`, …
fn places_format(places: u32) -> String {
    if places == 0 {
        "0".into()
    } else {
        format!("0.{}", "0".repeat(places as usize))
    }
}

/// The form's fixed places, else as many as the value has ("as written / as computed").
fn value_format(value: Option<Decimal>, places: Option<u32>) -> String {
    let places = places
        .or_else(|| value.map(|v| v.normalize().scale()))
        .unwrap_or(0)
        .min(15);
    places_format(places)
}

/// A label pattern with `{}` for the value ("({}分)", "{}分") as an Excel number format around
/// `base`: the literal parts quoted.
fn pattern_format(pattern: &str, base: &str) -> String {
    let quote = |s: &str| {
        if s.is_empty() {
            String::new()
        } else {
            format!("\"{}\"", s.replace('"', "\"\\\"\""))
        }
    };
    let parts: Vec<&str> = pattern.split("{}").collect();
    let mut out = String::new();
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            out.push_str(base);
        }
        out.push_str(&quote(part));
    }
    out
}

// ---------------------------------------------------------------- the form

/// Label from the form's `[labels]`, else the national wording.
fn label(form: &FormSpec, key: &str, default: &str) -> String {
    form.labels
        .get(key)
        .and_then(|v| v.as_str())
        .unwrap_or(default)
        .to_string()
}

/// Fill a pattern as the templates do: `{}` ← value, `{key}` ← field.
fn subst(pattern: &str, value: &str, fields: &[(&str, &str)]) -> String {
    let mut out = pattern.replace("{}", value);
    for (k, v) in fields {
        out = out.replace(&format!("{{{k}}}"), v);
    }
    out
}

/// The structural arguments a form passes to `standard-form` in its `form.typ`.
struct Layout {
    department_first: bool,
    /// Given explicitly in form.typ (older forms): overrides `[print]`.
    source_rate: Option<String>,
    source_score: Option<String>,
    merge_level2: bool,
}

/// `name: "value"` or `name: word` in Typst source, outside `//` comments.
fn typst_arg(source: &str, name: &str) -> Option<String> {
    for line in source.lines() {
        let code = match line.find("//") {
            Some(i) => &line[..i],
            None => line,
        };
        let mut rest = code;
        while let Some(i) = rest.find(name) {
            let before = rest[..i].chars().next_back();
            let after = rest[i + name.len()..].trim_start();
            rest = &rest[i + name.len()..];
            if before.is_some_and(|c| c.is_alphanumeric() || c == '-' || c == '_') {
                continue;
            }
            let Some(value) = after.strip_prefix(':') else {
                continue;
            };
            let value = value.trim_start();
            if let Some(quoted) = value.strip_prefix('"') {
                return quoted.split('"').next().map(str::to_string);
            }
            let word: String = value
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '-')
                .collect();
            if !word.is_empty() {
                return Some(word);
            }
        }
    }
    None
}

fn layout(form: &FormSpec) -> Layout {
    let source = match form.dir() {
        Some(dir) => std::fs::read_to_string(dir.join("form.typ")).unwrap_or_default(),
        None => crate::assets::TEMPLATES
            .get_file(format!("{}/form.typ", form.id))
            .and_then(|f| f.contents_utf8())
            .unwrap_or_default()
            .to_string(),
    };
    let arg = |name: &str, default: &str| typst_arg(&source, name).unwrap_or(default.into());
    Layout {
        department_first: arg("first-row", "name") == "department",
        source_rate: typst_arg(&source, "source-rate").filter(|v| v != "auto"),
        source_score: typst_arg(&source, "source-score").filter(|v| v != "auto"),
        merge_level2: arg("merge-level2", "true") != "false",
    }
}

/// Column widths (points) of a form sheet: 栏目 | 一级 | 二级 | 三级 | 年度指标值 | 实际完成值 |
/// 分值 | 得分 | 偏差原因. The 项目资金 block uses 一级+二级 for its row labels and 三级…偏差原因
/// for 年初预算数 … 得分.
const FORM_WIDTHS: [f64; 9] = [48.0, 54.0, 54.0, 90.0, 64.0, 64.0, 44.0, 50.0, 104.0];

const DASH: &str = "—";

fn form_grid(report: &Report, draft: bool) -> Result<Grid, WorkbookError> {
    let (Some(project), Some(form)) = (&report.project, &report.form) else {
        return Err(WorkbookError::NoProject(report.path.display().to_string()));
    };
    let layout = layout(form);
    let l = |key: &str, default: &str| label(form, key, default);
    let info = &project.info;
    let year = project.year.to_string();
    let unit = project.unit.label();
    let fmt = &form.format;
    let score_format = |v: Option<Decimal>| value_format(v, fmt.score_decimals);
    let amount_format = |v: Option<Decimal>| value_format(v, fmt.amount_decimals);
    let rate_places = fmt.rate_decimals.unwrap_or(report.policy.rate_decimals);
    // [print] rate = "trimmed": as many places as the rounded rate has ("100%", "78.44%")
    let rate_format = |rate: Option<Decimal>| match report.print.rate {
        RateStyle::Fixed => format!("{}%", places_format(rate_places)),
        RateStyle::Trimmed => {
            let rounded = rate.map(|r| {
                r.round_dp_with_strategy(
                    rate_places,
                    rust_decimal::RoundingStrategy::MidpointAwayFromZero,
                )
            });
            format!("{}%", value_format(rounded, None))
        }
    };
    let score_text = |v: Decimal| decimal::for_form(v, fmt.score_decimals);

    let mut g = Grid::new(&FORM_WIDTHS);
    let last = g.last_col();

    // ---------------- title block
    let mut title = subst(
        &l("title_format", "{title}"),
        "",
        &[
            ("title", &form.title),
            ("name", &info.name),
            ("year", &year),
        ],
    );
    if draft {
        title.push_str("（草稿）");
    }
    g.span(0, last, text(&title), Look::heading(16.0, true));
    g.min_height(30.0);
    g.row += 1;
    let sub = subst(&l("year_format", "（{year}年度）"), "", &[("year", &year)]);
    if !sub.is_empty() {
        g.span(0, last, text(&sub), Look::heading(12.0, false));
        g.min_height(20.0);
        g.row += 1;
    }
    let serial = info.serial.clone().unwrap_or_default();
    let serial_line = match form.labels.get("serial_format").and_then(|v| v.as_str()) {
        Some(p) if !serial.is_empty() => subst(p, "", &[("serial", &serial)]),
        _ => String::new(),
    };
    let unit_note = form
        .labels
        .get("unit_note")
        .and_then(|v| v.as_str())
        .map(|p| subst(p, "", &[("unit", unit)]))
        .unwrap_or_default();
    if !serial_line.is_empty() || !unit_note.is_empty() {
        g.span(0, 4, text(&serial_line), Look::plain(H::Left));
        g.span(5, last, text(&unit_note), Look::plain(H::Right));
        g.row += 1;
    }

    // ---------------- 项目名称, 主管部门 / 实施单位
    let with_code = |name: &str, code: &Option<String>| match code.as_deref() {
        Some(code) if !code.is_empty() => subst(
            &l("code_format", "（{code}）{name}"),
            "",
            &[("code", code), ("name", name)],
        ),
        _ => name.to_string(),
    };
    let name_row = |g: &mut Grid| {
        g.at(0, text(l("project_name", "项目名称")), Look::bold());
        g.span(1, last, text(&info.name), Look::text());
        g.min_height(22.0);
        g.row += 1;
    };
    let dept_row = |g: &mut Grid| {
        g.at(0, text(l("department", "主管部门")), Look::bold());
        g.span(
            1,
            3,
            text(with_code(&info.department, &info.department_code)),
            Look::text(),
        );
        g.at(4, text(l("implementer", "实施单位")), Look::bold());
        g.span(
            5,
            last,
            text(with_code(&info.implementer, &info.implementer_code)),
            Look::text(),
        );
        g.min_height(22.0);
        g.row += 1;
    };
    if layout.department_first {
        dept_row(&mut g);
        name_row(&mut g);
    } else {
        name_row(&mut g);
        dept_row(&mut g);
    }

    // ---------------- 项目资金
    let funds = report.funds.as_ref();
    let rows = &form.fund_rows;
    let funds_label = format!(
        "{}{}",
        l("funds", "项目资金"),
        subst(&l("funds_unit_format", "（{unit}）"), "", &[("unit", unit)])
    );
    let top = g.row;
    g.put(
        (top, 0),
        (top + rows.len() as u32, 0),
        text(&funds_label),
        Look::bold(),
    );
    g.span(1, 2, Value::Blank, Look::center());
    for (c, h) in [
        "年初预算数",
        "全年预算数",
        "全年执行数",
        "分值",
        "执行率",
        "得分",
    ]
    .iter()
    .enumerate()
    {
        g.at(3 + c as u16, text(h), Look::bold());
    }
    g.min_height(22.0);
    g.row += 1;
    let rate_cell = |g: &mut Grid, col: u16, rate: Option<Decimal>| {
        let value = rate.map(|r| r / Decimal::from(100));
        g.at(col, number(value), Look::number(rate_format(rate)));
    };
    let print = &report.print;
    let amount_cell = |g: &mut Grid, col: u16, v: Option<Decimal>| match v {
        None => match print.absent_amount {
            AbsentAmount::Blank => g.at(col, Value::Blank, Look::center()),
            AbsentAmount::Dash => g.at(col, text(DASH), Look::center()),
        },
        Some(z) if z.is_zero() => match print.zero_amount {
            ZeroAmount::Number => g.at(col, number(v), Look::number(amount_format(v))),
            ZeroAmount::Zero => g.at(col, number(v), Look::number("0".into())),
            ZeroAmount::Blank => g.at(col, Value::Blank, Look::center()),
            ZeroAmount::Dash => g.at(col, text(DASH), Look::center()),
        },
        Some(_) => g.at(col, number(v), Look::number(amount_format(v))),
    };
    // A 其中 row's 执行率 / 得分 as [print] says, unless form.typ names them (older forms).
    let legacy = |arg: &Option<String>| {
        arg.as_deref().map(|a| match a {
            "value" => SourceCell::Value,
            "dash" => SourceCell::Dash,
            _ => SourceCell::Blank,
        })
    };
    let source_rate = legacy(&layout.source_rate).unwrap_or(print.source_rate);
    let source_score = legacy(&layout.source_score).unwrap_or(print.source_score);
    for (i, spec) in rows.iter().enumerate() {
        let figures: Option<&FundFigures> = if spec.key == "total" {
            funds.map(|f| &f.total)
        } else {
            funds.and_then(|f| f.sources.iter().find(|s| s.key == spec.key))
        };
        g.span(1, 2, text(&spec.label), Look::text());
        for (c, v) in [
            figures.and_then(|f| f.initial),
            figures.and_then(|f| f.budget),
            figures.and_then(|f| f.executed),
        ]
        .into_iter()
        .enumerate()
        {
            amount_cell(&mut g, 3 + c as u16, v);
        }
        if i == 0 {
            let weight = funds.map(|f| f.weight);
            let weight_format =
                pattern_format(&l("funds_weight_format", "{}"), &score_format(weight));
            g.at(6, number(weight), Look::number(weight_format));
            rate_cell(&mut g, 7, funds.and_then(|f| f.total.rate));
            let score = funds.and_then(|f| f.score);
            let score_fmt = pattern_format(&l("funds_score_format", "{}"), &score_format(score));
            g.at(8, number(score), Look::number(score_fmt));
        } else {
            match print.source_weight {
                SourceCell::Value => {
                    let weight = funds.map(|f| f.weight);
                    g.at(6, number(weight), Look::number(score_format(weight)));
                }
                SourceCell::Dash => g.at(6, text(DASH), Look::center()),
                SourceCell::Blank => g.at(6, Value::Blank, Look::center()),
            }
            match source_rate {
                SourceCell::Value => rate_cell(&mut g, 7, figures.and_then(|f| f.rate)),
                SourceCell::Dash => g.at(7, text(DASH), Look::center()),
                SourceCell::Blank => g.at(7, Value::Blank, Look::center()),
            }
            match source_score {
                SourceCell::Value => {
                    let score = figures.and_then(|f| crate::template_data::source_score(f, report));
                    g.at(8, number(score), Look::number(score_format(score)));
                }
                SourceCell::Dash => g.at(8, text(DASH), Look::center()),
                SourceCell::Blank => g.at(8, Value::Blank, Look::center()),
            }
        }
        g.min_height(20.0);
        g.row += 1;
    }

    // ---------------- 年度总体目标
    let r = g.row;
    g.put(
        (r, 0),
        (r + 1, 0),
        text(l("goals", "年度总体目标")),
        Look::bold(),
    );
    g.span(1, 4, text(l("goals_planned", "预期目标")), Look::bold());
    g.span(
        5,
        last,
        text(l("goals_achieved", "实际完成情况")),
        Look::bold(),
    );
    g.min_height(20.0);
    g.row += 1;
    g.span(1, 4, text(&report.planned), Look::top());
    g.span(5, last, text(&report.achieved), Look::top());
    g.min_height(40.0);
    g.row += 1;

    // ---------------- 绩效指标
    let header = g.row;
    g.repeat = Some(header);
    g.at(0, Value::Blank, Look::center().edges(Edges::NoBottom));
    for (c, h) in [
        "一级指标".to_string(),
        "二级指标".into(),
        "三级指标".into(),
        "年度指标值".into(),
        "实际完成值".into(),
        "分值".into(),
        "得分".into(),
        l("reason_header", "偏差原因分析及改进措施"),
    ]
    .iter()
    .enumerate()
    {
        g.at(1 + c as u16, text(h), Look::bold());
    }
    g.min_height(22.0);
    g.row += 1;

    let level1_format = l("level1_format", "{name}");
    let first_indicator = g.row;
    for l1 in &form.level1 {
        let in_level1: Vec<_> = report
            .indicators
            .iter()
            .filter(|r| r.indicator.level1 == l1.name)
            .collect();
        // (printed 二级 name, its rows: an indicator, or None for an empty 二级 row)
        let mut groups = Vec::new();
        for l2 in &l1.level2 {
            let rows: Vec<_> = in_level1
                .iter()
                .filter(|r| &r.indicator.level2 == l2)
                .map(|r| Some(*r))
                .collect();
            let printed = form
                .labels
                .get("level2_names")
                .and_then(|names| names.get(l2.as_str()))
                .and_then(|v| v.as_str())
                .unwrap_or(l2)
                .to_string();
            if !rows.is_empty() {
                groups.push((printed, rows));
            } else if print.prints_unused(l2) {
                groups.push((printed, vec![None]));
            }
        }
        let n: usize = groups.iter().map(|(_, rows)| rows.len()).sum();
        if n == 0 {
            continue;
        }
        let weight = decimal::checked_sum(in_level1.iter().map(|r| r.indicator.weight_value()))
            .unwrap_or(Decimal::MAX);
        let l1_label = subst(
            &level1_format,
            "",
            &[("name", &l1.name), ("weight", &score_text(weight))],
        );
        let r = g.row;
        g.put(
            (r, 1),
            (r + n as u32 - 1, 1),
            text(&l1_label),
            Look::center(),
        );
        for (l2_name, rows) in groups {
            let r = g.row;
            if layout.merge_level2 {
                g.put(
                    (r, 2),
                    (r + rows.len() as u32 - 1, 2),
                    text(&l2_name),
                    Look::center(),
                );
            }
            for row in rows {
                if !layout.merge_level2 {
                    g.at(2, text(&l2_name), Look::center());
                }
                match row {
                    None => {
                        let fill = print.unused_fill();
                        for c in 3..=7 {
                            g.at(c, text(fill), Look::center());
                        }
                        g.at(8, Value::Blank, Look::text());
                    }
                    Some(ind) => {
                        let i = &ind.indicator;
                        let target = i.target.as_ref().map_or("", |t| t.value.as_str());
                        let actual = i.actual.as_ref().map_or("", |t| t.value.as_str());
                        g.at(3, text(&i.name), Look::text());
                        g.at(4, text(target), Look::center());
                        if i.applicable {
                            g.at(5, text(actual), Look::center());
                            let weight = i.weight.as_ref().map(|w| w.value);
                            g.at(6, number(weight), Look::number(score_format(weight)));
                            let score = ind.scored.score;
                            g.at(7, number(score), Look::number(score_format(score)));
                        } else {
                            let actual = if actual.is_empty() { "/" } else { actual };
                            g.at(5, text(actual), Look::center());
                            g.at(6, text("/"), Look::center());
                            g.at(7, text("/"), Look::center());
                        }
                        let reason = ind.reason.clone().unwrap_or_default();
                        let rule = i
                            .tiers_text
                            .as_ref()
                            .map(|t| t.value.clone())
                            .unwrap_or_default();
                        let note = match (reason.is_empty(), rule.is_empty()) {
                            (_, true) => reason,
                            (true, false) => rule,
                            (false, false) => format!("{reason}\n{rule}"),
                        };
                        g.at(8, text(note), Look::text());
                    }
                }
                g.min_height(20.0);
                g.row += 1;
            }
        }
    }
    if g.row > first_indicator {
        let block = subst(
            &l("indicator_block", "绩效指标"),
            "",
            &[("weight", &score_text(report.indicator_weight()))],
        );
        g.put(
            (first_indicator, 0),
            (g.row - 1, 0),
            text(block),
            Look::bold().edges(Edges::NoTop),
        );
    }

    // ---------------- 总分
    g.span(0, 5, text(l("total", "总分")), Look::bold());
    let weights = Some(crate::template_data::total_weight(report));
    let total_weight = pattern_format(&l("total_weight_format", "{}"), &score_format(weights));
    g.at(6, number(weights), Look::number(total_weight));
    let total_score = pattern_format(&l("total_score_format", "{}"), &score_format(report.total));
    g.at(7, number(report.total), Look::number(total_score));
    g.at(8, Value::Blank, Look::text());
    g.min_height(22.0);
    g.row += 1;

    // ---------------- signature line, only when something is filled in
    let sig = &project.signature;
    if [&sig.filler, &sig.phone, &sig.date, &sig.leader]
        .iter()
        .any(|s| !s.is_empty())
    {
        let part = |key: &str, default: &str, value: &str| format!("{}：{value}", l(key, default));
        g.span(
            0,
            2,
            text(part("filler", "填表人", &sig.filler)),
            Look::plain(H::Left),
        );
        g.span(
            3,
            4,
            text(part("phone", "联系电话", &sig.phone)),
            Look::plain(H::Left),
        );
        g.span(
            5,
            6,
            text(part("date", "填报日期", &sig.date)),
            Look::plain(H::Left),
        );
        g.span(
            7,
            last,
            text(part("leader", "单位负责人", &sig.leader)),
            Look::plain(H::Left),
        );
        g.min_height(24.0);
        g.row += 1;
    }
    Ok(g)
}

// ---------------------------------------------------------------- the 汇总表

/// 序号 | 项目名称 | 实施单位 | 全年预算数 | 全年执行数 | 执行率 | 自评得分 | 评价等级
const SUMMARY_WIDTHS: [f64; 8] = [30.0, 160.0, 140.0, 72.0, 72.0, 60.0, 56.0, 48.0];

fn summary_grid(data: &serde_json::Value, draft: bool) -> Grid {
    let s = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_string();
    let amount = |v: &serde_json::Value| decimal::parse(v.as_str().unwrap_or_default());
    let percent = |v: &serde_json::Value| amount(v).map(|r| r / Decimal::from(100));
    let two = || Look::number(places_format(2));
    let pct = || Look::number(format!("{}%", places_format(2)));

    let mut g = Grid::new(&SUMMARY_WIDTHS);
    let last = g.last_col();
    let mut title = s(&data["title"]);
    if draft {
        title.push_str("（草稿）");
    }
    g.span(0, last, text(&title), Look::heading(16.0, true));
    g.min_height(30.0);
    g.row += 1;
    g.span(
        0,
        last,
        text("项目支出绩效自评汇总表"),
        Look::heading(12.0, false),
    );
    g.min_height(22.0);
    g.row += 1;
    let (department, date) = (s(&data["department"]), s(&data["date"]));
    if !department.is_empty() || !date.is_empty() {
        g.span(0, 4, text(&department), Look::plain(H::Left));
        g.span(5, last, text(&date), Look::plain(H::Right));
        g.row += 1;
    }
    g.repeat = Some(g.row);
    for (c, h) in [
        "序号",
        "项目名称",
        "实施单位",
        "全年预算数",
        "全年执行数",
        "执行率",
        "自评得分",
        "评价等级",
    ]
    .iter()
    .enumerate()
    {
        g.at(c as u16, text(h), Look::bold());
    }
    g.min_height(22.0);
    g.row += 1;
    let empty = Vec::new();
    let projects = data["projects"].as_array().unwrap_or(&empty);
    for (i, p) in projects.iter().enumerate() {
        // 序号 as the PDF prints it (the 项目序号): a whole number as a number, other text as text
        match decimal::parse(&s(&p["number"])).filter(|n| n.fract().is_zero()) {
            Some(n) => g.at(0, number(Some(n)), Look::number("0".into())),
            None if s(&p["number"]).is_empty() => {
                g.at(0, Value::Number(i as f64 + 1.0), Look::number("0".into()))
            }
            None => g.at(0, text(s(&p["number"])), Look::center()),
        }
        g.at(1, text(s(&p["name"])), Look::text());
        g.at(2, text(s(&p["implementer"])), Look::text());
        g.at(3, number(amount(&p["budget"])), two());
        g.at(4, number(amount(&p["executed"])), two());
        g.at(5, number(percent(&p["rate"])), pct());
        g.at(6, number(amount(&p["score"])), two());
        g.at(7, text(s(&p["grade"])), Look::center());
        g.min_height(20.0);
        g.row += 1;
    }
    let totals = &data["totals"];
    g.span(0, 2, text("合计"), Look::bold());
    g.at(3, number(amount(&totals["budget"])), two());
    g.at(4, number(amount(&totals["executed"])), two());
    g.at(5, number(percent(&totals["rate"])), pct());
    g.at(6, Value::Blank, Look::center());
    g.at(7, Value::Blank, Look::center());
    g.min_height(22.0);
    g.row += 1;
    g
}

// ---------------------------------------------------------------- saving

fn xml_escape(s: &str) -> String {
    cell_text(s)
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// `docProps/core.xml` with a fixed date (the form's, else 2000-01-01), title and author.
fn core_xml(title: &str, author: &str, date: Option<(i32, u8, u8)>) -> String {
    let (y, m, d) = date.unwrap_or((2000, 1, 1));
    let stamp = format!("{y:04}-{m:02}-{d:02}T00:00:00Z");
    let (title, author) = (xml_escape(title), xml_escape(author));
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
         <cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" \
         xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" \
         xmlns:dcmitype=\"http://purl.org/dc/dcmitype/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\
         <dc:title>{title}</dc:title><dc:creator>{author}</dc:creator>\
         <cp:lastModifiedBy>{author}</cp:lastModifiedBy>\
         <dcterms:created xsi:type=\"dcterms:W3CDTF\">{stamp}</dcterms:created>\
         <dcterms:modified xsi:type=\"dcterms:W3CDTF\">{stamp}</dcterms:modified>\
         </cp:coreProperties>"
    )
}

/// "A1"-style reference of a zero-based cell.
fn cell_ref(row: u32, col: u16) -> String {
    let mut letters = String::new();
    let mut c = u32::from(col) + 1;
    while c > 0 {
        let rem = (c - 1) % 26;
        letters.insert(0, char::from(b'A' + rem as u8));
        c = (c - 1) / 26;
    }
    format!("{letters}{}", row + 1)
}

/// `<mergeCells>` for a sheet part, placed right after `</sheetData>` as the schema orders it.
fn add_merges(xml: &str, merges: &[(u32, u16, u32, u16)]) -> Result<String, String> {
    if merges.is_empty() {
        return Ok(xml.to_string());
    }
    let mut element = format!("<mergeCells count=\"{}\">", merges.len());
    for &(r0, c0, r1, c1) in merges {
        element.push_str(&format!(
            "<mergeCell ref=\"{}:{}\"/>",
            cell_ref(r0, c0),
            cell_ref(r1, c1)
        ));
    }
    element.push_str("</mergeCells>");
    let at = ["</sheetData>", "<sheetData/>"]
        .iter()
        .find_map(|tag| xml.find(tag).map(|i| i + tag.len()))
        .ok_or("工作表缺少 sheetData")?;
    Ok(format!("{}{element}{}", &xml[..at], &xml[at..]))
}

fn save(
    sheets: Vec<(String, Grid)>,
    title: &str,
    author: &str,
    date: Option<(i32, u8, u8)>,
) -> Result<Vec<u8>, WorkbookError> {
    let mut workbook = Workbook::new();
    for (name, grid) in &sheets {
        let sheet = workbook.add_worksheet();
        sheet.set_name(name)?;
        grid.write(sheet)?;
    }
    let bytes = workbook.save_to_buffer()?;
    let merges: Vec<&[(u32, u16, u32, u16)]> = sheets.iter().map(|(_, g)| &g.merges[..]).collect();
    patch(&bytes, &merges, &core_xml(title, author, date))
}

/// Give an xlsx that rust_xlsxwriter 0.9 wrote a fixed `docProps/core.xml` — title, author and
/// the given date (else 2000-01-01) in place of the clock — so that equal input gives
/// byte-identical files (0.9 has no `DocProperties`). Used for the form workbooks; usable for
/// any other workbook of the crate.
pub fn fix_properties(
    xlsx: &[u8],
    title: &str,
    author: &str,
    date: Option<(i32, u8, u8)>,
) -> Result<Vec<u8>, WorkbookError> {
    patch(xlsx, &[], &core_xml(title, author, date))
}

/// Replace `docProps/core.xml` and add each sheet's merged ranges (`merges[i]` for sheet i + 1).
fn patch(
    xlsx: &[u8],
    merges: &[&[(u32, u16, u32, u16)]],
    core: &str,
) -> Result<Vec<u8>, WorkbookError> {
    let mut members = package::read(xlsx).map_err(WorkbookError::Package)?;
    for m in &mut members {
        if m.name == "docProps/core.xml" {
            m.set_data(core.as_bytes().to_vec());
            continue;
        }
        let Some(index) = m
            .name
            .strip_prefix("xl/worksheets/sheet")
            .and_then(|s| s.strip_suffix(".xml"))
            .and_then(|s| s.parse::<usize>().ok())
        else {
            continue;
        };
        let Some(ranges) = merges.get(index.wrapping_sub(1)).filter(|r| !r.is_empty()) else {
            continue;
        };
        let xml = String::from_utf8(m.data().map_err(WorkbookError::Package)?)
            .map_err(|e| WorkbookError::Package(e.to_string()))?;
        let xml = add_merges(&xml, ranges).map_err(WorkbookError::Package)?;
        m.set_data(xml.into_bytes());
    }
    Ok(package::write(&members))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_are_valid_and_unique() {
        let mut names = SheetNames::default();
        assert_eq!(names.take("汇总表", "x"), "汇总表");
        assert_eq!(names.take("汇总表", "x"), "汇总表(2)");
        assert_eq!(names.take("a[b]:c*d?e/f\\g", "x"), "abcdefg");
        assert_eq!(names.take("'''", "项目3"), "项目3");
        assert_eq!(names.take("history", "项目4"), "history(2)");
        let long = "很长的项目名称".repeat(10);
        let a = names.take(&long, "x");
        let b = names.take(&long, "x");
        assert_eq!(utf16_len(&a), 31);
        assert!(utf16_len(&b) <= 31 && a != b, "{a} {b}");
        assert_eq!(names.take("ABC", "x"), "ABC");
        assert_eq!(names.take("abc", "x"), "abc(2)");
    }

    #[test]
    fn number_formats() {
        assert_eq!(places_format(0), "0");
        assert_eq!(places_format(2), "0.00");
        assert_eq!(value_format(Some(Decimal::new(948, 2)), None), "0.00");
        assert_eq!(value_format(Some(Decimal::new(1000, 2)), None), "0");
        assert_eq!(value_format(Some(Decimal::new(10, 0)), Some(2)), "0.00");
        assert_eq!(pattern_format("{}", "0.00"), "0.00");
        assert_eq!(pattern_format("({}分)", "0"), "\"(\"0\"分)\"");
        assert_eq!(pattern_format("{}分", "0.00"), "0.00\"分\"");
        assert_eq!(pattern_format("a\"{}", "0"), "\"a\"\\\"\"\"0");
    }

    #[test]
    fn typst_arguments() {
        let src = "// source-rate: \"blank\" in a comment\n#let form(data) = standard-form(data, first-row: \"department\", merge-level2: false)";
        assert_eq!(typst_arg(src, "first-row").as_deref(), Some("department"));
        assert_eq!(typst_arg(src, "merge-level2").as_deref(), Some("false"));
        assert_eq!(typst_arg(src, "source-rate"), None);
        assert_eq!(typst_arg(src, "row"), None);
    }

    #[test]
    fn sheets_follow_the_print_options() {
        let text = |form: &str, extra: &str| {
            format!(
                "year = 2024\nform = \"{form}\"\n[project]\nname = \"p\"\ndepartment = \"d\"\nimplementer = \"i\"\n[funds.fiscal]\nbudget = 100\nexecuted = 100\n[funds.carryover]\ninitial = 0\n[[indicators]]\nlevel1 = \"产出指标\"\nlevel2 = \"数量指标\"\nname = \"a\"\ntarget = \"≥1\"\nactual = \"1\"\nweight = 80\n{extra}"
            )
        };
        let grid = |form: &str, extra: &str| {
            let checked =
                crate::check_source("p.toml", &text(form, extra), &crate::Forms::builtin());
            form_grid(&checked.reports[0], false).unwrap()
        };
        // (row of the label in column B, column) → the cell
        let cell = |g: &Grid, label: &str, col: u16| {
            let row = g
                .cells
                .iter()
                .find(|c| c.col == 1 && matches!(&c.value, Value::Text(t) if t == label))
                .map(|c| c.row)
                .unwrap();
            g.cells
                .iter()
                .find(|c| c.row == row && c.col == col)
                .map(|c| {
                    (
                        match &c.value {
                            Value::Text(t) => t.clone(),
                            Value::Number(n) => n.to_string(),
                            Value::Blank => String::new(),
                        },
                        c.look.num.clone().unwrap_or_default(),
                    )
                })
                .unwrap()
        };
        let beijing = grid("beijing", "");
        assert_eq!(cell(&beijing, "年度资金总额", 7), ("1".into(), "0%".into()));
        assert_eq!(cell(&beijing, "其中：当年财政拨款", 7).0, "");
        assert_eq!(cell(&beijing, "其中：当年财政拨款", 6).0, DASH);
        let shanghai = grid("shanghai", "");
        assert_eq!(cell(&shanghai, "上年结转资金", 3), ("0".into(), "0".into()));
        assert_eq!(cell(&shanghai, "年度资金总额", 7).1, "0.00%");
        // 总分's 分值 is Σ weights (80 + 10); every 二级 of 产出指标 when told to print them.
        let g = grid(
            "mof-2020",
            "[print]\nunused_level2 = \"print\"\nunused_cells = \"slash\"\nsource_weight = \"weight\"",
        );
        let total = g
            .cells
            .iter()
            .find(|c| matches!(&c.value, Value::Text(t) if t == "总分"))
            .map(|c| c.row)
            .unwrap();
        let weight = g
            .cells
            .iter()
            .find(|c| c.row == total && c.col == 6)
            .unwrap();
        assert!(matches!(weight.value, Value::Number(n) if n == 90.0));
        assert_eq!(cell(&g, "其中：当年财政拨款", 6).0, "10");
        for l2 in ["质量指标", "时效指标", "成本指标"] {
            let row = g
                .cells
                .iter()
                .find(|c| c.col == 2 && matches!(&c.value, Value::Text(t) if t == l2))
                .map(|c| c.row)
                .unwrap_or_else(|| panic!("{l2} row missing"));
            let third = g.cells.iter().find(|c| c.row == row && c.col == 3).unwrap();
            assert!(matches!(&third.value, Value::Text(t) if t == "/"));
        }
    }

    #[test]
    fn cell_references_and_merges() {
        assert_eq!(cell_ref(0, 0), "A1");
        assert_eq!(cell_ref(9, 25), "Z10");
        assert_eq!(cell_ref(0, 26), "AA1");
        let xml = "<worksheet><sheetData><row/></sheetData><pageMargins/></worksheet>";
        assert_eq!(
            add_merges(xml, &[(0, 0, 0, 8)]).unwrap(),
            "<worksheet><sheetData><row/></sheetData><mergeCells count=\"1\"><mergeCell ref=\"A1:I1\"/></mergeCells><pageMargins/></worksheet>"
        );
    }

    #[test]
    fn hostile_text_stays_text() {
        let text = r#"year = 2024
[project]
name = "=HYPERLINK(\"http://x\")\u0001<&>"
department = "d"
implementer = "i"
[funds.fiscal]
budget = 100
executed = 100
[[indicators]]
level1 = "产出指标"
level2 = "数量指标"
name = "a"
target = "≥1"
actual = "1"
weight = 90
"#;
        let checked = crate::check_source("p.toml", text, &crate::Forms::builtin());
        let report = &checked.reports[0];
        assert!(!report.has_errors(), "{:?}", report.problems);
        let bytes = form_workbook(report).unwrap();
        assert_eq!(bytes, form_workbook(report).unwrap());
        let members = package::read(&bytes).unwrap();
        let part = |name: &str| {
            let m = members.iter().find(|m| m.name == name).unwrap();
            String::from_utf8(m.data().unwrap()).unwrap()
        };
        let strings = part("xl/sharedStrings.xml");
        assert!(
            strings.contains("=HYPERLINK(\"http://x\")&lt;&amp;&gt;"),
            "{strings}"
        );
        let sheet = part("xl/worksheets/sheet1.xml");
        assert!(!sheet.contains("<f>") && sheet.contains("<mergeCells count="));
        for m in &members {
            assert!(!m.data().unwrap().contains(&1u8), "{}", m.name);
        }
        assert!(part("docProps/core.xml").contains("2000-01-01T00:00:00Z"));
    }

    #[test]
    fn any_workbook_gets_a_fixed_date() {
        let make = || {
            let mut workbook = Workbook::new();
            workbook
                .add_worksheet()
                .write_number(0, 0, 1.5, &Format::new())
                .unwrap();
            let bytes = workbook.save_to_buffer().unwrap();
            fix_properties(&bytes, "表", "单位", Some((2024, 3, 31))).unwrap()
        };
        let first = make();
        std::thread::sleep(std::time::Duration::from_millis(1100));
        assert_eq!(first, make());
        let members = package::read(&first).unwrap();
        let core = members
            .iter()
            .find(|m| m.name == "docProps/core.xml")
            .unwrap();
        let core = String::from_utf8(core.data().unwrap()).unwrap();
        assert!(core.contains("<dc:title>表</dc:title>") && core.contains("2024-03-31T00:00:00Z"));
    }

    #[test]
    fn text_is_made_safe_for_xml() {
        assert_eq!(cell_text("a\u{1}b\r\nc\rd\u{FFFF}"), "ab\nc\nd");
        assert_eq!(
            cell_text(&"x".repeat(40_000)).chars().count(),
            MAX_CELL_CHARS
        );
    }
}
