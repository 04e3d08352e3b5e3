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
//! The workbook is jixiao's own output, not a published form: the custom document property
//! `jixiao` (its version) marks it, each sheet names the cells jixiao computed
//! (`jixiao_computed`: 执行率, 得分, 总分, the 年度资金总额 sums) so that `jixiao import` never
//! reads them back as stated figures, and the simple ones are formulas with jixiao's figure as
//! their cached result ([`formulas`]). The document date is fixed (the form's, else 2000-01-01):
//! the same input gives byte-identical output.

mod form;
mod formulas;
mod summary;

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Formula, Workbook, Worksheet,
    XlsxError,
};
use unicode_width::UnicodeWidthChar;

use crate::decimal;
use crate::report::Report;
use form::form_grid;
use summary::summary_grid;

/// The custom document property that marks a workbook jixiao wrote; its value is the version.
pub const MARKER_PROPERTY: &str = "jixiao";

/// The name, on each form sheet, of the cells jixiao computed (further names, when the list is
/// long, add `_2`, `_3` …).
pub const COMPUTED_NAME: &str = "jixiao_computed";

/// Why a workbook could not be made.
#[derive(Debug, thiserror::Error)]
pub enum WorkbookError {
    #[error("{0} 没有可填表的项目（文件无法读取或表样未知）(nothing to lay out)")]
    NoProject(String),
    #[error("无法生成 xlsx：{0}")]
    Xlsx(#[from] XlsxError),
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
    save(vec![(name, grid)], &title, author, date, true)
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
    save(sheets, &title, &author, date, true)
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
                H::Left => FormatAlign::Left,
                H::Center => FormatAlign::Center,
                H::Right => FormatAlign::Right,
            })
            .set_align(match self.v {
                V::Top => FormatAlign::Top,
                V::Center => FormatAlign::VerticalCenter,
            });
        if self.bold {
            f = f.set_bold();
        }
        if let Some(num) = &self.num {
            f = f.set_num_format(num);
        }
        let thin = FormatBorder::Thin;
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
    Number(Decimal),
    /// A formula (without `=`) and the value jixiao computes for it, saved as its result.
    Formula(String, Decimal),
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
    /// Cells jixiao computed (named `jixiao_computed` in the sheet).
    computed: Vec<(u32, u16)>,
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
            computed: Vec::new(),
        }
    }

    /// The cell at a place (the last one put there).
    fn cell(&self, row: u32, col: u16) -> Option<&Cell> {
        self.cells
            .iter()
            .rev()
            .find(|c| (c.row, c.col) == (row, col))
    }

    /// The number a cell holds (a formula's value counts).
    fn number(&self, row: u32, col: u16) -> Option<Decimal> {
        match self.cell(row, col)?.value {
            Value::Number(n) | Value::Formula(_, n) => Some(n),
            _ => None,
        }
    }

    fn is_blank(&self, row: u32, col: u16) -> bool {
        self.cell(row, col).is_none_or(|c| match &c.value {
            Value::Blank => true,
            Value::Text(t) => t.is_empty(),
            _ => false,
        })
    }

    /// Mark a cell as computed by jixiao.
    fn mark(&mut self, row: u32, col: u16) {
        if !self.computed.contains(&(row, col)) {
            self.computed.push((row, col));
        }
    }

    /// Turn a number cell into a formula whose result is `value`.
    fn formula(&mut self, row: u32, col: u16, formula: String, value: Decimal) {
        if let Some(cell) = self
            .cells
            .iter_mut()
            .rev()
            .find(|c| (c.row, c.col) == (row, col))
        {
            cell.value = Value::Formula(formula, value);
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
        // Merged first: the cells written below then fill every cell of a range.
        for &(r0, c0, r1, c1) in &self.merges {
            sheet.merge_range(r0, c0, r1, c1, "", &Format::new())?;
        }
        for (c, w) in self.widths.iter().enumerate() {
            sheet.set_column_width_pixels(c as u16, (w * 4.0 / 3.0).round() as u32)?;
        }
        for (r, h) in self.heights() {
            sheet.set_row_height(r, h)?;
        }
        for cell in &self.cells {
            let format = cell.look.format();
            match &cell.value {
                Value::Text(t) if !t.is_empty() => {
                    sheet.write_string_with_format(cell.row, cell.col, t, &format)?;
                }
                Value::Number(n) => {
                    let n = n.to_f64().unwrap_or_default();
                    sheet.write_number_with_format(cell.row, cell.col, n, &format)?;
                }
                Value::Formula(f, n) => {
                    // The exact decimal as the cached result (what a viewer shows unrecalculated).
                    let formula = Formula::new(format!("={f}")).set_result(decimal::plain(*n));
                    sheet.write_formula_with_format(cell.row, cell.col, formula, &format)?;
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
    value.map_or(Value::Blank, Value::Number)
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

// ---------------------------------------------------------------- saving

/// Title, author and a fixed date (the form's, else 2000-01-01) in place of the clock, so that
/// equal input gives byte-identical files. Used for the form workbooks and `jixiao export`.
pub fn fixed_properties(
    title: &str,
    author: &str,
    date: Option<(i32, u8, u8)>,
) -> Result<DocProperties, WorkbookError> {
    let (y, m, d) = date.unwrap_or((2000, 1, 1));
    let year = u16::try_from(y).unwrap_or(2000);
    let stamp =
        ExcelDateTime::from_ymd(year, m, d).or_else(|_| ExcelDateTime::from_ymd(2000, 1, 1))?;
    Ok(DocProperties::new()
        .set_title(cell_text(title))
        .set_author(cell_text(author))
        .set_creation_datetime(&stamp))
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

/// A sheet name as a formula writes it: quoted, apostrophes doubled.
fn quoted_sheet(name: &str) -> String {
    format!("'{}'", name.replace('\'', "''"))
}

/// The computed cells of a sheet as reference lists (`'表'!$H$8,'表'!$H$20:$H$31`), runs of
/// rows in one column joined, each list short enough for Excel's name manager.
fn computed_references(sheet: &str, cells: &[(u32, u16)]) -> Vec<String> {
    let mut sorted = cells.to_vec();
    sorted.sort_by_key(|&(r, c)| (c, r));
    let mut areas: Vec<(u32, u16, u32)> = Vec::new();
    for (r, c) in sorted {
        match areas.last_mut() {
            Some((_, col, last)) if *col == c && *last + 1 == r => *last = r,
            _ => areas.push((r, c, r)),
        }
    }
    let sheet = quoted_sheet(sheet);
    let absolute = |r: u32, c: u16| {
        let a = cell_ref(r, c);
        let split = a.find(|ch: char| ch.is_ascii_digit()).unwrap_or(a.len());
        format!("${}${}", &a[..split], &a[split..])
    };
    let mut lists: Vec<String> = Vec::new();
    let mut current = String::new();
    for (r0, c, r1) in areas {
        let area = if r0 == r1 {
            format!("{sheet}!{}", absolute(r0, c))
        } else {
            format!("{sheet}!{}:{}", absolute(r0, c), absolute(r1, c))
        };
        if !current.is_empty() && current.len() + area.len() > 1000 {
            lists.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push(',');
        }
        current.push_str(&area);
    }
    if !current.is_empty() {
        lists.push(current);
    }
    lists
}

fn save(
    sheets: Vec<(String, Grid)>,
    title: &str,
    author: &str,
    date: Option<(i32, u8, u8)>,
    marked: bool,
) -> Result<Vec<u8>, WorkbookError> {
    let mut workbook = Workbook::new();
    let mut properties = fixed_properties(title, author, date)?;
    if marked {
        properties = properties.set_custom_property(MARKER_PROPERTY, env!("CARGO_PKG_VERSION"));
    }
    workbook.set_properties(&properties);
    for (name, grid) in &sheets {
        let sheet = workbook.add_worksheet();
        sheet.set_name(name)?;
        grid.write(sheet)?;
    }
    for (name, grid) in &sheets {
        for (i, list) in computed_references(name, &grid.computed).iter().enumerate() {
            let local = match i {
                0 => COMPUTED_NAME.to_string(),
                n => format!("{COMPUTED_NAME}_{}", n + 1),
            };
            workbook.define_name(
                format!("{}!{local}", quoted_sheet(name)),
                &format!("={list}"),
            )?;
        }
    }
    Ok(workbook.save_to_buffer()?)
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

    /// The parts of a saved workbook, as text.
    fn parts(bytes: &[u8]) -> Vec<(String, String)> {
        use std::io::Read;
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        (0..zip.len())
            .map(|i| {
                let mut f = zip.by_index(i).unwrap();
                let mut data = Vec::new();
                f.read_to_end(&mut data).unwrap();
                (
                    f.name().unwrap().to_string(),
                    String::from_utf8_lossy(&data).into_owned(),
                )
            })
            .collect()
    }

    #[test]
    fn cell_references_and_computed_names() {
        assert_eq!(cell_ref(0, 0), "A1");
        assert_eq!(cell_ref(9, 25), "Z10");
        assert_eq!(cell_ref(0, 26), "AA1");
        let cells = [(7, 7), (19, 7), (20, 7), (21, 7), (7, 8), (30, 7)];
        assert_eq!(
            computed_references("表'1", &cells),
            ["'表''1'!$H$8,'表''1'!$H$20:$H$22,'表''1'!$H$31,'表''1'!$I$8"]
        );
        // A long list is cut into several names, none over Excel's limits.
        let many: Vec<(u32, u16)> = (0..400).map(|r| (r * 2, 7)).collect();
        let lists = computed_references("汇总", &many);
        assert!(lists.len() > 1 && lists.iter().all(|l| l.len() <= 1100));
        assert_eq!(
            lists.iter().map(|l| l.split(',').count()).sum::<usize>(),
            400
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
        let members = parts(&bytes);
        let part = |name: &str| {
            members
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, text)| text.clone())
                .unwrap()
        };
        let strings = part("xl/sharedStrings.xml");
        assert!(
            strings.contains("=HYPERLINK(\"http://x\")&lt;&amp;&gt;"),
            "{strings}"
        );
        let sheet = part("xl/worksheets/sheet1.xml");
        assert!(sheet.contains("<mergeCells count="), "{sheet}");
        // The only formulas are jixiao's own (SUM, ROUND), never the project's text.
        assert!(!sheet.contains("HYPERLINK"), "{sheet}");
        for (name, text) in &members {
            assert!(!text.contains('\u{1}'), "{name}");
        }
        assert!(part("docProps/core.xml").contains("2000-01-01T00:00:00Z"));
        let custom = part("docProps/custom.xml");
        assert!(
            custom.contains("name=\"jixiao\"") && custom.contains(env!("CARGO_PKG_VERSION")),
            "{custom}"
        );
    }

    #[test]
    fn any_workbook_gets_a_fixed_date() {
        let make = || {
            let mut workbook = Workbook::new();
            workbook.set_properties(&fixed_properties("表", "单位", Some((2024, 3, 31))).unwrap());
            workbook.add_worksheet().write_number(0, 0, 1.5).unwrap();
            workbook.save_to_buffer().unwrap()
        };
        let first = make();
        std::thread::sleep(std::time::Duration::from_millis(1100));
        assert_eq!(first, make());
        let core = parts(&first)
            .into_iter()
            .find(|(n, _)| n == "docProps/core.xml")
            .unwrap()
            .1;
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
