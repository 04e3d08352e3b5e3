//! Recognise 项目支出绩效自评表 in a grid by their labels, not by fixed addresses.
//!
//! A grid is read row by row. Each row is classified by the labels it holds (项目名称,
//! 年初预算数…, 年度资金总额…, 预期目标/实际完成情况, 三级指标/年度指标值…, 总分); the
//! columns of a header row say where the values of the rows below it are, by column overlap, so
//! merged cells and shifted layouts read alike. Labels are compared after removing every space and
//! line break and folding full-width punctuation ("年初预 算数", "其中：财政拨款",
//! "项目资金\n（万元）"). A form ends at its 总分 row; title, year, 项目序号 or header rows after
//! it start the next form, so a sheet may hold several forms stacked down it.

use super::grid::{Cell, Grid};
use crate::model::LEVELS;

/// A value as it will be written, with a remark for the comment beside it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Val {
    pub text: String,
    pub note: Option<String>,
    /// Where it was read.
    pub addr: String,
}

/// One 项目资金 row.
#[derive(Debug, Clone, Default)]
pub struct FundLine {
    /// `total`, `fiscal`, `central`, `city`, `district`, `carryover`, `other`.
    pub key: &'static str,
    /// The label as printed.
    pub label: String,
    pub initial: Option<Val>,
    pub budget: Option<Val>,
    pub executed: Option<Val>,
    pub rate: Option<Val>,
    /// 得分 (年度资金总额 row only).
    pub score: Option<Val>,
}

/// One 三级指标 row.
#[derive(Debug, Clone, Default)]
pub struct IndicatorLine {
    pub level1: String,
    pub level2: String,
    /// The 一级/二级 names as printed, when they differ from the canonical ones.
    pub printed_levels: Option<String>,
    pub name: Option<Val>,
    pub target: Option<Val>,
    pub actual: Option<Val>,
    pub weight: Option<Val>,
    pub score: Option<Val>,
    pub reason: Option<Val>,
    pub note: Option<Val>,
    /// Every cell of the row printed "/": not applicable.
    pub not_applicable: bool,
    /// The form has a 实际完成值 column and this row's cell is blank (or a dash): written as
    /// `actual = ""`, a cell left empty, rather than left out (a missing field).
    pub actual_blank: bool,
    /// 得分 as the workbook's writer (jixiao) computed it: not stated, only the clue to a
    /// grade where `check` needs one.
    pub computed_score: Option<Val>,
}

/// A figure the workbook's writer (jixiao) computed: read, never written as stated, and
/// compared after the import with what jixiao computes from the imported inputs.
#[derive(Debug, Clone, PartialEq)]
pub struct ComputedCell {
    pub what: Computed,
    /// The value the cell holds.
    pub value: Val,
}

/// Which computed figure a cell holds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Computed {
    /// An amount of the 年度资金总额 row (`initial`, `budget`, `executed`): a sum.
    FundsTotal(&'static str),
    /// 执行率 of a fund row (its key).
    Rate(&'static str),
    /// 预算执行率得分.
    FundsScore,
    /// 得分 of the form's n-th indicator.
    Score(usize),
    /// 总分.
    Total,
    /// Σ分值 on the 总分 row.
    TotalWeight,
}

/// A cell not mapped to any field, kept for the user.
#[derive(Debug, Clone, PartialEq)]
pub struct Unmapped {
    pub addr: String,
    pub text: String,
    /// Why it was left out, when known.
    pub why: Option<&'static str>,
}

/// One form found in a grid.
#[derive(Debug, Clone, Default)]
pub struct FoundForm {
    /// The grid (sheet or document) and the rows the form covers (1-based, inclusive).
    pub grid: String,
    pub first_row: u32,
    pub last_row: u32,
    /// First and last cell of the form, for documents.
    pub first_addr: String,
    pub last_addr: String,
    pub year: Option<i32>,
    pub unit: Option<&'static str>,
    pub name: Option<Val>,
    pub department: Option<Val>,
    pub department_code: Option<Val>,
    pub implementer: Option<Val>,
    pub implementer_code: Option<Val>,
    pub serial: Option<Val>,
    pub funds: Vec<FundLine>,
    /// 预算执行率分值 as printed on the 年度资金总额 row.
    pub funds_weight: Option<Val>,
    pub planned: Option<Val>,
    pub achieved: Option<Val>,
    pub indicators: Vec<IndicatorLine>,
    pub total: Option<Val>,
    pub filler: Option<Val>,
    pub phone: Option<Val>,
    pub date: Option<Val>,
    pub leader: Option<Val>,
    pub unmapped: Vec<Unmapped>,
    /// Votes for the form ids whose labels were seen.
    pub votes: Vec<&'static str>,
    /// The grid was written by jixiao (its version): see [`Computed`].
    pub jixiao: Option<String>,
    /// The figures jixiao computed, left out of the stated ones.
    pub computed: Vec<ComputedCell>,
}

impl FoundForm {
    /// The built-in form whose labels this form shows most (`mof-2020` when none stands out).
    pub fn guess_form(&self) -> &'static str {
        self.ranked_forms()[0]
    }

    /// Built-in form ids by how many of their labels this form shows, then `mof-2020`.
    pub fn ranked_forms(&self) -> Vec<&'static str> {
        const ORDER: [&str; 5] = [
            "chongqing",
            "inner-mongolia",
            "beijing",
            "xinjiang",
            "shanghai",
        ];
        let count = |id: &str| self.votes.iter().filter(|v| **v == id).count();
        let mut ids: Vec<&'static str> = ORDER.iter().copied().filter(|id| count(id) > 0).collect();
        // Stable: ties keep ORDER.
        ids.sort_by_key(|id| std::cmp::Reverse(count(id)));
        ids.push("mof-2020");
        ids
    }

    fn recognised(&self) -> bool {
        self.name.is_some() || !self.funds.is_empty() || !self.indicators.is_empty()
    }
}

/// What a grid gave: its forms, and the cells of a grid (or its tail) that belong to none.
#[derive(Debug, Default)]
pub struct Scan {
    pub forms: Vec<FoundForm>,
    pub orphans: Vec<Unmapped>,
}

pub use crate::labels::key;
use crate::labels::{Block, heading as column_key, lookup, lookup_prefix};

/// A placeholder printed in an empty cell: dashes, a slash.
fn is_dash(k: &str) -> bool {
    !k.is_empty()
        && k.chars()
            .all(|c| matches!(c, '-' | '—' | '–' | '―' | '─' | '－' | '/' | '／' | '\\'))
}

/// Text on one line: line breaks inside a cell are wrapping, so lines are joined (with a space
/// only between two ASCII letters or digits).
fn one_line(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let join = out
            .chars()
            .last()
            .is_some_and(|c| c.is_ascii_alphanumeric())
            && line
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphanumeric());
        if join {
            out.push(' ');
        }
        out.push_str(line);
    }
    out
}

/// Exact ×100 of a plain decimal text (`0.8618` → `86.18`, `1e-30`'s digits → `1e-28`'s): the
/// decimal point moved two places in the text, so no value is ever too small or too large.
fn percent_text(number: &str) -> Option<String> {
    let (negative, body) = match number.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, number),
    };
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    if int.is_empty() && frac.is_empty()
        || !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let padded = format!("{frac:0<2}");
    let (moved, rest) = padded.split_at(2);
    let int = format!("{int}{moved}");
    let int = match int.trim_start_matches('0') {
        "" => "0",
        t => t,
    };
    let rest = rest.trim_end_matches('0');
    let mut out = String::new();
    if negative && (int != "0" || !rest.is_empty()) {
        out.push('-');
    }
    out.push_str(int);
    if !rest.is_empty() {
        out.push('.');
        out.push_str(rest);
    }
    Some(out)
}

/// A long plain number as a spreadsheet shows it: `1.79769313486232E+308`.
fn scientific(text: &str) -> String {
    let (sign, body) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text),
    };
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    let digits = format!("{int}{frac}");
    let lead = digits.len() - digits.trim_start_matches('0').len();
    let significant = digits[lead..].trim_end_matches('0');
    if significant.is_empty() {
        return "0".to_string();
    }
    let exponent = int.len() as i64 - lead as i64 - 1;
    let (first, more) = significant.split_at(1);
    let point = if more.is_empty() { "" } else { "." };
    format!("{sign}{first}{point}{more}E{exponent:+}")
}

/// Decimal places of a plain decimal text.
fn places(text: &str) -> u32 {
    text.split_once('.').map_or(0, |(_, f)| f.len() as u32)
}

/// How a cell's value is written.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    /// Multi-line text kept as it is (goals, reasons).
    Text,
    /// Short text on one line (names, targets).
    Line,
    /// A figure: a trailing 分 is dropped ("10.00分" → "10.00").
    Figure,
    /// A figure the form states (执行率, 得分, 总分), compared by `check` at its decimals: a
    /// number is taken as the cell shows it (99.6296 shown `0.00%` states 99.63%).
    Stated,
}

/// The value of a cell: a number as stored (a percentage as `86.18%`), text as written.
fn value(cell: &Cell, kind: Kind) -> Option<Val> {
    let mut note = None;
    let text = match &cell.number {
        Some(n) => {
            // A number the cell shows as another one that cannot be computed exactly: asked
            // for, never written as the stored number.
            if let Some(shown_by) = &n.unreadable {
                return Some(Val {
                    text: String::new(),
                    note: Some(format!(
                        "原表 {} 所存的数为 {}，{shown_by}显示的是另一个数，无法精确换算，已留空待填",
                        cell.addr, n.text
                    )),
                    addr: cell.addr.clone(),
                });
            }
            let (mut text, shown) = if n.percent {
                match percent_text(&n.text) {
                    Some(p) => (format!("{p}%"), places(&p)),
                    None => (n.text.clone(), places(&n.text)),
                }
            } else if n.literal_percent {
                (format!("{}%", n.text), places(&n.text))
            } else {
                (n.text.clone(), places(&n.text))
            };
            // A number jixiao cannot hold exactly is never written as another number.
            let digits = text.trim_end_matches('%');
            if crate::decimal::parse_exact(digits) == Err(crate::decimal::NumberError::OutOfRange) {
                let percent = if n.percent { "%" } else { "" };
                return Some(Val {
                    text: String::new(),
                    note: Some(format!(
                        "原表 {} 所存的数为 {}{percent}，超出可精确计算的范围（至多 28 位数字），已留空待填",
                        cell.addr,
                        scientific(digits)
                    )),
                    addr: cell.addr.clone(),
                });
            }
            let mut notes = Vec::new();
            if let Some((stored, code)) = &n.scaled_from {
                notes.push(format!(
                    "单元格所存 {stored}，数字格式“{code}”显示为 {text}，按显示的数录入"
                ));
            }
            // A non-zero figure the format would show as 0 is kept as stored: the display hides
            // it rather than states it.
            let number = |t: &str| crate::decimal::parse(t.trim_end_matches('%'));
            let displayed = n
                .shown_decimals
                .filter(|_| kind == Kind::Stated)
                .and_then(|d| Some((d, as_displayed(&text, d)?)))
                .filter(|(_, shown)| {
                    number(shown).is_none_or(|v| !v.is_zero())
                        || number(&text).is_some_and(|v| v.is_zero())
                });
            if let Some((d, shown_text)) = &displayed {
                // Zeros added say nothing; a value rounded to the display is told.
                if number(shown_text) != number(&text) {
                    notes.push(format!(
                        "单元格所存 {text}，按其显示的 {d} 位小数录作 {shown_text}"
                    ));
                }
                text = shown_text.clone();
            }
            if let Some(stored) = &n.stored {
                notes.push(format!(
                    "单元格所存 {stored}，按 Excel 显示的 15 位有效数字读作 {}",
                    n.text
                ));
            }
            if let Some(d) = n.shown_decimals
                && shown > d
                && displayed.is_none()
            {
                notes.push(format!("单元格显示 {d} 位小数，照所存的值录入"));
            }
            if !notes.is_empty() {
                note = Some(notes.join("；"));
            }
            text
        }
        None => {
            let t = match kind {
                Kind::Text => cell.text.trim().to_string(),
                Kind::Line | Kind::Figure | Kind::Stated => one_line(&cell.text),
            };
            if is_dash(&key(&t)) {
                return None;
            }
            // A formula error or a non-number where a figure belongs: left blank to fill, so
            // `check` asks for it once instead of reporting what follows from a bad number.
            let figure = matches!(kind, Kind::Figure | Kind::Stated);
            if figure && (is_error_value(&t) || t.starts_with('=')) {
                let why = if t.starts_with('=') {
                    format!("原表为公式“{t}”，文件中没有它的计算结果，已留空待填")
                } else {
                    format!("原表为“{t}”（公式出错或不是数），已留空待填")
                };
                return Some(Val {
                    text: String::new(),
                    note: Some(why),
                    addr: cell.addr.clone(),
                });
            }
            if figure { strip_points(&t) } else { t }
        }
    };
    if text.is_empty() {
        return None;
    }
    Some(Val {
        text,
        note,
        addr: cell.addr.clone(),
    })
}

/// A number (`99.6296`, `99.6296%`) as a cell with `decimals` places shows it: rounded half away
/// from zero, zeros added (`100` → `100.00`).
fn as_displayed(text: &str, decimals: u32) -> Option<String> {
    let (number, percent) = match text.strip_suffix('%') {
        Some(n) => (n, "%"),
        None => (text, ""),
    };
    let value = crate::decimal::parse(number)?;
    Some(format!(
        "{}{percent}",
        crate::decimal::fixed(value, decimals)
    ))
}

/// A spreadsheet error value (`#DIV/0!`, `#VALUE!`, `#REF!`, `#N/A`, …) or a number that is
/// none (`NaN`, `inf`).
fn is_error_value(text: &str) -> bool {
    let t = text.trim();
    let upper = t.to_ascii_uppercase();
    (t.starts_with('#') && (t.ends_with('!') || t.ends_with('?') || upper == "#N/A"))
        || matches!(
            upper.as_str(),
            "NAN" | "INF" | "-INF" | "+INF" | "INFINITY" | "-INFINITY"
        )
}

/// "10.00分" → "10.00", "(10分)" → "10"; other text unchanged.
fn strip_points(text: &str) -> String {
    let t = text.trim();
    let inner = t
        .strip_prefix(['(', '（'])
        .and_then(|s| s.strip_suffix([')', '）']))
        .unwrap_or(t)
        .trim();
    match inner.strip_suffix('分') {
        Some(n) if crate::decimal::parse(n.trim()).is_some() => n.trim().to_string(),
        _ if inner != t && crate::decimal::parse(inner).is_some() => inner.to_string(),
        _ => t.to_string(),
    }
}

/// A label key without a trailing colon and a `(盖章)` remark.
fn bare(k: &str) -> &str {
    let k = k.trim_end_matches(':');
    k.strip_suffix("(盖章)").unwrap_or(k).trim_end_matches(':')
}

#[derive(Clone, Copy, PartialEq, Debug)]
enum HeaderField {
    Name,
    Department,
    Implementer,
}

/// A header label, and its value when written in the same cell ("项目名称：X").
fn header_label(text: &str) -> Option<(HeaderField, Option<String>)> {
    let k = key(text);
    let field = |b: &str| match lookup(Block::Project, b)? {
        "name" => Some(HeaderField::Name),
        "department" => Some(HeaderField::Department),
        "implementer" => Some(HeaderField::Implementer),
        _ => None,
    };
    if let Some(f) = field(bare(&k)) {
        return Some((f, None));
    }
    // "项目名称：X" in one cell: the value keeps its own spacing.
    let (label, rest) = text.split_once([':', '：'])?;
    let f = field(bare(&key(label)))?;
    let rest = one_line(rest);
    Some((f, (!rest.is_empty()).then_some(rest)))
}

/// The fund source a 项目资金 row label names.
fn fund_key(text: &str) -> Option<&'static str> {
    let k = key(text);
    let k = k.strip_prefix("其中").unwrap_or(&k);
    let k = k.trim_start_matches(':').trim_end_matches(':');
    lookup(Block::FundSource, k)
}

#[derive(Clone, Copy, PartialEq, Debug)]
enum FundCol {
    Initial,
    Budget,
    Executed,
    Weight,
    Rate,
    Score,
}

fn fund_col(text: &str) -> Option<FundCol> {
    Some(match lookup(Block::FundColumn, &column_key(text))? {
        "initial" => FundCol::Initial,
        "budget" => FundCol::Budget,
        "executed" => FundCol::Executed,
        "budget_weight" => FundCol::Weight,
        "rate" => FundCol::Rate,
        "score" => FundCol::Score,
        _ => return None,
    })
}

#[derive(Clone, Copy, PartialEq, Debug)]
enum IndCol {
    Level1,
    Level2,
    Name,
    Target,
    Actual,
    Weight,
    Score,
    Reason,
    Note,
}

fn indicator_col(text: &str) -> Option<IndCol> {
    Some(match lookup(Block::Indicator, &column_key(text))? {
        "level1" => IndCol::Level1,
        "level2" => IndCol::Level2,
        "name" => IndCol::Name,
        "target" => IndCol::Target,
        "actual" => IndCol::Actual,
        "weight" => IndCol::Weight,
        "score" => IndCol::Score,
        "reason" => IndCol::Reason,
        "note" => IndCol::Note,
        _ => return None,
    })
}

/// "绩效指标", "绩效指标(90)", "年度绩效指标完成情况": the label of the indicator block.
fn is_block_label(k: &str) -> bool {
    k.starts_with("绩效指标") || k.starts_with("年度绩效指标")
}

fn is_goals_label(k: &str) -> bool {
    k.starts_with("年度总体目标") || k == "总体目标"
}

fn planned_label(k: &str) -> bool {
    lookup(Block::Goals, k) == Some("planned")
}

fn achieved_label(k: &str) -> bool {
    lookup(Block::Goals, k) == Some("achieved")
}

fn is_total_label(k: &str) -> bool {
    matches!(
        k.trim_end_matches(':'),
        "总分" | "自评总分" | "合计得分" | "总计"
    )
}

/// `(2021 年度)`, `2021年度`: a year on its own.
fn year_only(k: &str) -> Option<i32> {
    let inner = k.trim_start_matches('(').trim_end_matches(')');
    let digits = inner
        .strip_suffix("年度")
        .or_else(|| inner.strip_suffix('年'))?;
    year_digits(digits)
}

fn year_digits(d: &str) -> Option<i32> {
    (d.len() == 4 && d.bytes().all(|b| b.is_ascii_digit()))
        .then(|| d.parse().ok())
        .flatten()
        .filter(|y| crate::model::YEARS.contains(y))
}

/// The year of "2020年度预算资金项目支出绩效自评表" and the like: 4 digits before 年度.
fn year_in(k: &str) -> Option<i32> {
    let i = k.find("年度")?;
    k[..i].get(i.checked_sub(4)?..).and_then(year_digits)
}

/// `金额单位：万元（保留两位小数）`, `单位：元`, `项目资金（万元）` → the unit.
fn unit_in(k: &str) -> Option<&'static str> {
    let after = if let Some(i) = k.find("单位:") {
        &k[i + "单位:".len()..]
    } else if let Some(i) = k.find('(') {
        &k[i + 1..]
    } else {
        return None;
    };
    if after.starts_with("万元") {
        Some("万元")
    } else if after.starts_with('元') {
        Some("元")
    } else {
        None
    }
}

#[derive(Clone, Copy, PartialEq, Debug)]
enum Signature {
    Filler,
    Phone,
    Date,
    Leader,
}

fn signature_label(k: &str) -> Option<(Signature, usize)> {
    let (key, len) = lookup_prefix(Block::Signature, k)?;
    let what = match key {
        "filler" => Signature::Filler,
        "phone" => Signature::Phone,
        "date" => Signature::Date,
        _ => Signature::Leader,
    };
    Some((what, len))
}

/// Split a '1', '(406)名称' code from a name: `(406)中国包头…` → ("406", "中国包头…").
fn split_code(text: &str) -> Option<(String, String)> {
    let t = text.trim();
    let rest = t.strip_prefix(['(', '（'])?;
    let end = rest.find([')', '）'])?;
    let code = rest[..end].trim();
    let name = rest[end..]
        .trim_start_matches([')', '）'])
        .trim()
        .to_string();
    (!code.is_empty() && code.bytes().all(|b| b.is_ascii_alphanumeric()) && !name.is_empty())
        .then(|| (code.to_string(), name))
}

/// Canonical 一级/二级 names for the names as printed ("产出指标 (50分)", "满意度指标",
/// "服务对象满意度标", "社会效益指 标"); unknown names are kept for `check` to report.
pub fn canonical_levels(level1: &str, level2: &str) -> (String, String) {
    let strip = |s: &str| {
        let k = key(s);
        // "产出指标(50分)", "产出指标(50)"
        let k = match k.find('(') {
            Some(i) if i > 0 => k[..i].to_string(),
            _ => k,
        };
        k.trim_end_matches(':').to_string()
    };
    let base = |s: &str| -> String {
        let s = s.strip_suffix("指标").unwrap_or(s);
        let s = s.strip_suffix('指').unwrap_or(s);
        let s = s.strip_suffix('标').unwrap_or(s);
        s.to_string()
    };
    let l1 = strip(level1);
    let l2 = strip(level2);
    let canon1 = LEVELS
        .iter()
        .find(|(n, _)| base(n) == base(&l1))
        .map(|(n, _)| n.to_string());
    let canon2 = |parent: Option<&str>| -> Option<String> {
        if l2.contains("满意度") && parent.is_none_or(|p| p == "满意度指标") {
            return Some("服务对象满意度指标".to_string());
        }
        let candidates = LEVELS
            .iter()
            .filter(|(n, _)| parent.is_none_or(|p| p == *n))
            .flat_map(|(_, l2s)| l2s.iter());
        candidates
            .into_iter()
            .find(|n| base(n) == base(&l2))
            .map(|n| n.to_string())
    };
    let l2c = canon2(canon1.as_deref()).or_else(|| canon2(None));
    (canon1.unwrap_or(l1), l2c.unwrap_or(l2))
}

#[derive(Clone, Copy, PartialEq, PartialOrd, Debug)]
enum Stage {
    Preamble,
    Header,
    Funds,
    Goals,
    Indicators,
    Done,
}

/// A row's cells, each with its label key.
struct Row<'a> {
    cells: Vec<(&'a Cell, String)>,
    used: Vec<bool>,
}

impl<'a> Row<'a> {
    fn new(cells: Vec<&'a Cell>) -> Self {
        let cells: Vec<(&Cell, String)> = cells.into_iter().map(|c| (c, key_of(c))).collect();
        let used = vec![false; cells.len()];
        Row { cells, used }
    }

    fn any(&self, f: impl Fn(&str) -> bool) -> bool {
        self.cells.iter().any(|(_, k)| f(k))
    }

    fn row(&self) -> u32 {
        self.cells.first().map_or(0, |(c, _)| c.row)
    }
}

/// A column of a header row: what it holds and where it is.
#[derive(Clone)]
struct Column<T> {
    what: T,
    cell: Cell,
}

/// Most columns a header row gives (a form has about ten): each cell below is matched against
/// them, so a hostile row of a hundred thousand headings must not make that quadratic. Labels
/// past it are listed as not imported.
const MAX_COLUMNS: usize = 64;

/// The first column whose span overlaps `cell`.
fn column_of<T: Copy>(columns: &[Column<T>], cell: &Cell) -> Option<T> {
    columns
        .iter()
        .find(|c| c.cell.overlaps(cell))
        .map(|c| c.what)
}

struct Builder {
    form: FoundForm,
    stage: Stage,
    fund_cols: Vec<Column<FundCol>>,
    goal_cols: Vec<Column<bool>>,
    ind_cols: Vec<Column<IndCol>>,
    level1: String,
    level2: String,
}

impl Builder {
    fn new(grid: &str, row: u32) -> Self {
        Builder {
            form: FoundForm {
                grid: grid.to_string(),
                first_row: row.saturating_add(1),
                last_row: row.saturating_add(1),
                ..FoundForm::default()
            },
            stage: Stage::Preamble,
            fund_cols: Vec::new(),
            goal_cols: Vec::new(),
            ind_cols: Vec::new(),
            level1: String::new(),
            level2: String::new(),
        }
    }
}

/// Find every form of a grid.
pub fn scan(grid: &Grid) -> Scan {
    let mut done: Vec<FoundForm> = Vec::new();
    let mut current: Option<Builder> = None;
    for cells in grid.rows() {
        let mut row = Row::new(cells);
        let kind = classify(&row, current.as_ref().map_or(Stage::Preamble, |b| b.stage));
        let starts_form = match current.as_ref() {
            None => true,
            Some(b) => match kind {
                RowKind::Signature | RowKind::Total => false,
                _ if b.stage == Stage::Done => true,
                RowKind::Title | RowKind::Header | RowKind::FundsHeader => b.stage >= Stage::Funds,
                RowKind::Preamble => b.stage >= Stage::Funds,
                RowKind::IndicatorHeader => b.stage > Stage::Indicators,
                _ => false,
            },
        };
        if starts_form {
            if let Some(b) = current.take() {
                done.push(b.form);
            }
            let mut b = Builder::new(&grid.name, row.row());
            b.form.jixiao.clone_from(&grid.jixiao);
            current = Some(b);
        }
        let Some(b) = current.as_mut() else { continue };
        b.form.last_row = row.row().saturating_add(1);
        if b.form.first_addr.is_empty() {
            b.form.first_addr = row.cells[0].0.addr.clone();
        }
        if let Some((c, _)) = row.cells.last() {
            b.form.last_addr = c.addr.clone();
        }
        apply(b, &mut row, kind);
        for (i, (cell, k)) in row.cells.iter().enumerate() {
            if !row.used[i] && !is_dash(k) {
                b.form.unmapped.push(Unmapped {
                    addr: cell.addr.clone(),
                    text: cell.text.clone(),
                    why: None,
                });
            }
        }
    }
    if let Some(b) = current {
        done.push(b.form);
    }
    // Unrecognised stretches (notes after a form, a sheet without a form) go to the form
    // before them, or are orphans.
    let mut scan = Scan::default();
    for form in done {
        if form.recognised() {
            scan.forms.push(form);
        } else if let Some(previous) = scan.forms.last_mut() {
            previous.unmapped.extend(form.unmapped);
            previous.last_row = form.last_row;
            previous.last_addr = form.last_addr;
        } else {
            scan.orphans.extend(form.unmapped);
        }
    }
    // Forms stacked under one heading: a form without its own year or unit line takes those of
    // the form above it.
    for i in 1..scan.forms.len() {
        let (above, below) = scan.forms.split_at_mut(i);
        let (above, form) = (&above[i - 1], &mut below[0]);
        if form.year.is_none() {
            form.year = above.year;
        }
        if form.unit.is_none() {
            form.unit = above.unit;
        }
    }
    // Orphans before the first form belong to it (a heading above the title).
    if let Some(first) = scan.forms.first_mut()
        && !scan.orphans.is_empty()
    {
        let mut cells = std::mem::take(&mut scan.orphans);
        cells.append(&mut first.unmapped);
        first.unmapped = cells;
    }
    scan
}

#[derive(Clone, Copy, PartialEq, Debug)]
enum RowKind {
    Title,
    Preamble,
    Header,
    FundsHeader,
    FundRow,
    GoalsHeader,
    IndicatorHeader,
    Total,
    Signature,
    Other,
}

fn classify(row: &Row, stage: Stage) -> RowKind {
    let few = row.cells.len() <= 3;
    if stage >= Stage::Funds && row.cells.iter().any(|(_, k)| is_total_label(k)) {
        return RowKind::Total;
    }
    if row.any(|k| k == "三级指标") && row.any(|k| k.contains("指标值") || k.contains("目标值"))
    {
        return RowKind::IndicatorHeader;
    }
    // A heading row in other words (most indicator columns named): never taken as text.
    if row
        .cells
        .iter()
        .filter(|(c, _)| indicator_col(&c.text).is_some())
        .count()
        >= 5
    {
        return RowKind::IndicatorHeader;
    }
    let fund_headers = row
        .cells
        .iter()
        .filter(|(c, _)| {
            matches!(
                fund_col(&c.text),
                Some(FundCol::Initial | FundCol::Budget | FundCol::Executed)
            )
        })
        .count();
    if fund_headers >= 2 {
        return RowKind::FundsHeader;
    }
    if stage == Stage::Funds && row.cells.iter().any(|(c, _)| fund_key(&c.text).is_some()) {
        return RowKind::FundRow;
    }
    if row.any(planned_label) && row.any(achieved_label)
        || row.any(is_goals_label) && stage < Stage::Goals
    {
        return RowKind::GoalsHeader;
    }
    if row
        .cells
        .iter()
        .any(|(c, _)| header_label(&c.text).is_some())
    {
        return RowKind::Header;
    }
    if row.any(|k| signature_label(k).is_some()) {
        return RowKind::Signature;
    }
    if few && row.any(|k| k.contains("自评表")) {
        return RowKind::Title;
    }
    if few
        && row.any(|k| {
            year_only(k).is_some() || k.starts_with("项目序号") || k.starts_with("金额单位")
        })
    {
        return RowKind::Preamble;
    }
    RowKind::Other
}

fn apply(b: &mut Builder, row: &mut Row, kind: RowKind) {
    match kind {
        RowKind::Title | RowKind::Preamble => preamble(b, row),
        RowKind::Header => {
            header(b, row);
            if b.stage < Stage::Header {
                b.stage = Stage::Header;
            }
        }
        RowKind::FundsHeader => {
            b.fund_cols.clear();
            for i in 0..row.cells.len() {
                let (cell, k) = &row.cells[i];
                if let Some(what) = fund_col(&cell.text)
                    && b.fund_cols.len() < MAX_COLUMNS
                {
                    b.fund_cols.push(Column {
                        what,
                        cell: (*cell).clone(),
                    });
                    row.used[i] = true;
                } else if k.starts_with("项目资金") || k.starts_with("资金") {
                    if let Some(u) = unit_in(k) {
                        b.form.unit = Some(u);
                    }
                    row.used[i] = true;
                }
            }
            b.stage = Stage::Funds;
        }
        RowKind::FundRow => fund_row(b, row),
        RowKind::GoalsHeader => {
            b.goal_cols.clear();
            let mut goals_label = None;
            for i in 0..row.cells.len() {
                let (cell, k) = &row.cells[i];
                if (planned_label(k) || achieved_label(k)) && b.goal_cols.len() < MAX_COLUMNS {
                    if k == "年初设定目标" {
                        b.form.votes.push("chongqing");
                    }
                    b.goal_cols.push(Column {
                        what: planned_label(k),
                        cell: (*cell).clone(),
                    });
                    row.used[i] = true;
                } else if is_goals_label(k) {
                    goals_label = Some(i);
                    row.used[i] = true;
                }
            }
            // "年度总体目标" with the text beside it and no column labels.
            if b.goal_cols.is_empty() && goals_label.is_some() {
                let texts: Vec<usize> = (0..row.cells.len()).filter(|&i| !row.used[i]).collect();
                if let Some(&first) = texts.first() {
                    b.form.planned = value(row.cells[first].0, Kind::Text);
                    row.used[first] = true;
                }
            }
            b.stage = Stage::Goals;
        }
        RowKind::IndicatorHeader => {
            b.ind_cols.clear();
            for i in 0..row.cells.len() {
                let (cell, k) = &row.cells[i];
                if let Some(what) = indicator_col(&cell.text)
                    && b.ind_cols.len() < MAX_COLUMNS
                {
                    if k == "未完成原因分析" {
                        b.form.votes.push("inner-mongolia");
                    }
                    b.ind_cols.push(Column {
                        what,
                        cell: (*cell).clone(),
                    });
                    row.used[i] = true;
                } else if is_block_label(k) {
                    block_label(b, k);
                    row.used[i] = true;
                }
            }
            // A heading repeated where the table goes on (a page break in Word) keeps the
            // 一级/二级 names carried down; a first heading starts afresh.
            if b.stage != Stage::Indicators {
                b.level1.clear();
                b.level2.clear();
            }
            b.stage = Stage::Indicators;
        }
        RowKind::Total => total_row(b, row),
        RowKind::Signature => signature(b, row),
        RowKind::Other => match b.stage {
            Stage::Goals => goal_row(b, row),
            Stage::Indicators => indicator_row(b, row),
            _ => {}
        },
    }
}

fn block_label(b: &mut Builder, k: &str) {
    if k.starts_with("年度绩效指标") {
        b.form.votes.push("xinjiang");
    } else if k.contains('(') {
        b.form.votes.push("inner-mongolia");
    }
}

fn preamble(b: &mut Builder, row: &mut Row) {
    for i in 0..row.cells.len() {
        let (cell, k) = &row.cells[i];
        if let Some(y) = year_only(k) {
            b.form.year = Some(y);
        } else if k.contains("自评表") {
            if b.form.year.is_none() {
                b.form.year = year_in(k);
            }
            if k.contains("预算资金项目支出绩效自评表") {
                b.form.votes.push("chongqing");
            } else if k.contains("财政项目支出绩效自评表") {
                b.form.votes.push("shanghai");
            } else if let Some(prefix) = k.split("项目支出绩效自评表").next()
                && !prefix.is_empty()
                && year_only(prefix).is_none()
                && !prefix.contains("年度")
            {
                // "<项目名称>项目支出绩效自评表"
                b.form.votes.push("xinjiang");
            }
        } else if let Some(rest) = k.strip_prefix("项目序号") {
            b.form.votes.push("chongqing");
            let rest = rest.trim_start_matches(':');
            if !rest.is_empty() {
                b.form.serial = Some(Val {
                    text: rest.to_string(),
                    note: None,
                    addr: cell.addr.clone(),
                });
            } else if let Some(next) = row.cells.get(i + 1) {
                b.form.serial = value(next.0, Kind::Line);
                row.used[i + 1] = true;
            }
        } else if k.starts_with("金额单位") || k.starts_with("单位:") {
            if let Some(u) = unit_in(k) {
                b.form.unit = Some(u);
            }
        } else {
            continue;
        }
        row.used[i] = true;
    }
}

fn header(b: &mut Builder, row: &mut Row) {
    let mut current: Option<HeaderField> = None;
    for i in 0..row.cells.len() {
        let cell = row.cells[i].0;
        if let Some((field, inline)) = header_label(&cell.text) {
            row.used[i] = true;
            let k = key(&cell.text);
            if bare(&k).starts_with("预算单位") {
                b.form.votes.push("chongqing");
            }
            if bare(&k).ends_with("及代码") {
                b.form.votes.push("inner-mongolia");
            }
            current = Some(field);
            if let Some(text) = inline {
                set_header(
                    b,
                    field,
                    Val {
                        text,
                        note: None,
                        addr: cell.addr.clone(),
                    },
                );
                current = None;
            }
            continue;
        }
        let Some(field) = current else { continue };
        let Some(v) = value(cell, Kind::Line) else {
            row.used[i] = true;
            continue;
        };
        if header_value(b, field).is_some() {
            continue; // a second value for one label: left for the unmapped list
        }
        set_header(b, field, v);
        row.used[i] = true;
    }
}

fn header_value(b: &Builder, field: HeaderField) -> Option<&Val> {
    match field {
        HeaderField::Name => b.form.name.as_ref(),
        HeaderField::Department => b.form.department.as_ref(),
        HeaderField::Implementer => b.form.implementer.as_ref(),
    }
}

fn set_header(b: &mut Builder, field: HeaderField, v: Val) {
    let with_code = |v: Val| match split_code(&v.text) {
        Some((code, name)) => (
            Val {
                text: name,
                ..v.clone()
            },
            Some(Val {
                text: code,
                ..v.clone()
            }),
        ),
        None => (v, None),
    };
    match field {
        HeaderField::Name => b.form.name = Some(v),
        HeaderField::Department => {
            let (name, code) = with_code(v);
            if code.is_some() {
                b.form.votes.push("inner-mongolia");
            }
            b.form.department = Some(name);
            b.form.department_code = code;
        }
        HeaderField::Implementer => {
            let (name, code) = with_code(v);
            b.form.implementer = Some(name);
            b.form.implementer_code = code;
        }
    }
}

fn fund_row(b: &mut Builder, row: &mut Row) {
    let Some(label_index) = row
        .cells
        .iter()
        .position(|(c, _)| fund_key(&c.text).is_some())
    else {
        return;
    };
    let label_cell = row.cells[label_index].0;
    let key = fund_key(&label_cell.text).unwrap_or("other");
    row.used[label_index] = true;
    match key {
        "central" | "city" | "district" => {
            b.form.votes.extend(["chongqing"; 3]);
        }
        "total" if key_of(label_cell) == "年度总金额" => b.form.votes.push("inner-mongolia"),
        _ => {}
    }
    let mut line = FundLine {
        key,
        label: one_line(&label_cell.text),
        ..FundLine::default()
    };
    for i in 0..row.cells.len() {
        if i == label_index {
            continue;
        }
        let cell = row.cells[i].0;
        if cell.overlaps(label_cell) {
            continue;
        }
        let Some(col) = column_of(&b.fund_cols, cell) else {
            continue;
        };
        if cell.computed {
            row.used[i] = true;
            let what = match col {
                FundCol::Initial if key == "total" => Some(Computed::FundsTotal("initial")),
                FundCol::Budget if key == "total" => Some(Computed::FundsTotal("budget")),
                FundCol::Executed if key == "total" => Some(Computed::FundsTotal("executed")),
                FundCol::Rate => Some(Computed::Rate(key)),
                FundCol::Score if key == "total" => Some(Computed::FundsScore),
                _ => None,
            };
            if let (Some(what), Some(value)) = (what, value(cell, Kind::Figure)) {
                b.form.computed.push(ComputedCell { what, value });
            }
            continue;
        }
        let stated = matches!(col, FundCol::Rate | FundCol::Score);
        let v = value(cell, if stated { Kind::Stated } else { Kind::Figure });
        row.used[i] = true;
        let Some(v) = v else { continue };
        match col {
            FundCol::Initial => line.initial = Some(v),
            FundCol::Budget => line.budget = Some(v),
            FundCol::Executed => line.executed = Some(v),
            FundCol::Rate => line.rate = Some(v),
            FundCol::Score if key == "total" => line.score = Some(v),
            FundCol::Weight if key == "total" => {
                if cell.text.contains('(') || cell.text.contains('（') {
                    b.form.votes.push("inner-mongolia");
                }
                b.form.funds_weight = Some(v);
            }
            FundCol::Score | FundCol::Weight => {
                // Only the 年度资金总额 row carries 分值 and 得分.
                b.form.unmapped.push(Unmapped {
                    addr: cell.addr.clone(),
                    text: cell.text.clone(),
                    why: Some("资金来源行的分值、得分不录（只有年度资金总额一行计分）"),
                });
            }
        }
    }
    if line.initial.is_some()
        || line.budget.is_some()
        || line.executed.is_some()
        || line.rate.is_some()
        || line.score.is_some()
    {
        // A second row with the same source: keep the first, list this one.
        if b.form.funds.iter().any(|f| f.key == key) {
            for (i, (c, k)) in row.cells.iter().enumerate() {
                if row.used[i] && !is_dash(k) {
                    b.form.unmapped.push(Unmapped {
                        addr: c.addr.clone(),
                        text: c.text.clone(),
                        why: Some("同一资金来源出现两次，只录第一行"),
                    });
                }
            }
        } else {
            b.form.funds.push(line);
        }
    }
}

fn key_of(cell: &Cell) -> String {
    label_key(&cell.text)
}

/// A label's key without a trailing colon: `三级指标：` is `三级指标`.
fn label_key(text: &str) -> String {
    key(text).trim_end_matches(':').to_string()
}

fn goal_row(b: &mut Builder, row: &mut Row) {
    for i in 0..row.cells.len() {
        let (cell, k) = &row.cells[i];
        if is_goals_label(k) {
            row.used[i] = true;
            continue;
        }
        let Some(planned) = column_of(&b.goal_cols, cell) else {
            continue;
        };
        let Some(v) = value(cell, Kind::Text) else {
            row.used[i] = true;
            continue;
        };
        let slot = if planned {
            &mut b.form.planned
        } else {
            &mut b.form.achieved
        };
        match slot {
            // Text continued on a second row.
            Some(existing) => {
                existing.text.push('\n');
                existing.text.push_str(&v.text);
            }
            None => *slot = Some(v),
        }
        row.used[i] = true;
    }
}

fn indicator_row(b: &mut Builder, row: &mut Row) {
    let mut got: Vec<(IndCol, usize)> = Vec::new();
    for i in 0..row.cells.len() {
        let (cell, k) = &row.cells[i];
        if is_block_label(k) {
            block_label(b, k);
            row.used[i] = true;
            continue;
        }
        let Some(col) = column_of(&b.ind_cols, cell) else {
            continue;
        };
        if got.iter().any(|(c, _)| *c == col) {
            continue; // two cells under one column: the second is listed as unmapped
        }
        got.push((col, i));
    }
    let keys: Vec<(IndCol, usize, String)> = got
        .iter()
        .map(|(c, i)| (*c, *i, row.cells[*i].1.clone()))
        .collect();
    let cell_of = |col: IndCol| keys.iter().find(|(c, _, _)| *c == col).map(|(_, i, _)| *i);
    let text_of = |col: IndCol| {
        keys.iter()
            .find(|(c, _, _)| *c == col)
            .map(|(_, _, k)| k.clone())
    };
    if let Some(l1) = cell_of(IndCol::Level1).map(|i| one_line(&row.cells[i].0.text))
        && !is_dash(&key(&l1))
    {
        if key(&l1).contains('(') {
            b.form.votes.push("inner-mongolia");
        }
        b.level1 = l1;
        b.level2.clear();
    }
    if let Some(l2) = cell_of(IndCol::Level2).map(|i| one_line(&row.cells[i].0.text))
        && !is_dash(&key(&l2))
    {
        b.level2 = l2;
    }
    for (col, i) in &got {
        if matches!(col, IndCol::Level1 | IndCol::Level2) {
            row.used[*i] = true;
        }
    }
    let content = [
        IndCol::Name,
        IndCol::Target,
        IndCol::Actual,
        IndCol::Weight,
        IndCol::Score,
        IndCol::Reason,
        IndCol::Note,
    ];
    let filled: Vec<IndCol> = content
        .iter()
        .copied()
        .filter(|c| text_of(*c).is_some_and(|k| !k.is_empty()))
        .collect();
    if filled.is_empty() {
        return; // an empty 二级 row, printed by the form itself
    }
    let all_slash = filled
        .iter()
        .all(|c| text_of(*c).is_some_and(|k| is_dash(&k)));
    if all_slash {
        b.form.votes.push("xinjiang");
        for c in filled {
            if let Some(i) = cell_of(c) {
                row.used[i] = true;
            }
        }
        return; // a "/" row: a 二级 without indicators
    }
    let name_missing = text_of(IndCol::Name).is_none_or(|k| is_dash(&k));
    if name_missing {
        return; // values without a 三级指标 name: listed as unmapped
    }
    let take = |col: IndCol, kind: Kind, row: &mut Row| -> Option<Val> {
        let i = cell_of(col)?;
        row.used[i] = true;
        value(row.cells[i].0, kind)
    };
    let name = take(IndCol::Name, Kind::Line, row);
    let target = take(IndCol::Target, Kind::Line, row);
    let actual = take(IndCol::Actual, Kind::Line, row);
    let weight = take(IndCol::Weight, Kind::Figure, row);
    let score_computed = cell_of(IndCol::Score).is_some_and(|i| row.cells[i].0.computed);
    let score = take(IndCol::Score, Kind::Stated, row);
    let (score, computed_score) = if score_computed {
        (None, score)
    } else {
        (score, None)
    };
    if let Some(value) = &computed_score {
        b.form.computed.push(ComputedCell {
            what: Computed::Score(b.form.indicators.len()),
            value: value.clone(),
        });
    }
    let reason = take(IndCol::Reason, Kind::Text, row);
    let note = take(IndCol::Note, Kind::Text, row);
    let not_applicable = [IndCol::Target, IndCol::Actual, IndCol::Weight]
        .iter()
        .all(|c| text_of(*c).is_some_and(|k| is_dash(&k)));
    if let Some(w) = &weight
        && w.text.ends_with('分')
    {
        b.form.votes.push("xinjiang");
    }
    if score.as_ref().is_some_and(|s| {
        row.cells
            .iter()
            .any(|(c, _)| c.addr == s.addr && c.text.trim_end().ends_with('分'))
    }) {
        b.form.votes.push("xinjiang");
    }
    let actual_blank =
        actual.is_none() && !not_applicable && b.ind_cols.iter().any(|c| c.what == IndCol::Actual);
    let (level1, level2) = canonical_levels(&b.level1, &b.level2);
    if level1 == "成本指标" {
        b.form.votes.extend(["beijing"; 3]);
    }
    let printed = format!("{} / {}", b.level1, b.level2);
    let printed_levels = (key(&b.level1) != level1 || key(&b.level2) != level2).then_some(printed);
    b.form.indicators.push(IndicatorLine {
        level1,
        level2,
        printed_levels,
        name,
        target,
        actual,
        weight,
        score,
        reason,
        note,
        not_applicable,
        actual_blank,
        computed_score,
    });
}

fn total_row(b: &mut Builder, row: &mut Row) {
    let mut candidates: Vec<usize> = Vec::new();
    let mut weights: Option<String> = None;
    let mut weights_cell: Option<usize> = None;
    for i in 0..row.cells.len() {
        let (cell, k) = &row.cells[i];
        if is_total_label(k) {
            row.used[i] = true;
            continue;
        }
        if cell.computed {
            row.used[i] = true;
            let what = match column_of(&b.ind_cols, cell) {
                Some(IndCol::Score) => Some(Computed::Total),
                Some(IndCol::Weight) => Some(Computed::TotalWeight),
                _ => None,
            };
            if let (Some(what), Some(value)) = (what, value(cell, Kind::Figure)) {
                b.form.computed.push(ComputedCell { what, value });
            }
            continue;
        }
        match column_of(&b.ind_cols, cell) {
            Some(IndCol::Score) if b.form.total.is_none() => {
                if cell.text.trim_end().ends_with('分') {
                    b.form.votes.push("xinjiang");
                }
                b.form.total = value(cell, Kind::Stated);
                row.used[i] = true;
            }
            Some(IndCol::Weight) => {
                weights = value(cell, Kind::Figure).map(|v| v.text);
                weights_cell = Some(i);
                row.used[i] = true;
            }
            _ => {
                if value(cell, Kind::Figure)
                    .is_some_and(|v| crate::decimal::parse(&v.text).is_some())
                {
                    candidates.push(i);
                }
            }
        }
    }
    // No 得分 column to go by: the last number of the row is the total.
    let computed_total = b.form.computed.iter().any(|c| c.what == Computed::Total);
    if b.form.total.is_none()
        && !computed_total
        && let Some(&i) = candidates.last()
    {
        b.form.total = value(row.cells[i].0, Kind::Stated);
        row.used[i] = true;
        if candidates.len() == 2 && weights.is_none() {
            weights = value(row.cells[candidates[0]].0, Kind::Figure).map(|v| v.text);
            row.used[candidates[0]] = true;
        }
    }
    // Without a total the 分值 figure has nowhere to go: listed rather than dropped.
    if b.form.total.is_none()
        && let Some(i) = weights_cell
    {
        row.used[i] = false;
    }
    if let (Some(total), Some(w)) = (b.form.total.as_mut(), weights) {
        let note = format!("分值合计印 {w}");
        total.note = Some(match total.note.take() {
            Some(n) => format!("{n}；{note}"),
            None => note,
        });
    }
    b.stage = Stage::Done;
}

fn signature(b: &mut Builder, row: &mut Row) {
    let mut current: Option<Signature> = None;
    for i in 0..row.cells.len() {
        let (cell, k) = &row.cells[i];
        if let Some((what, len)) = signature_label(k) {
            row.used[i] = true;
            let rest = k[len..].trim_start_matches(':');
            if rest.is_empty() {
                current = Some(what);
            } else {
                // "填表人：张三" in one cell, value as written after the colon.
                let text = cell
                    .text
                    .split_once([':', '：'])
                    .map_or(rest.to_string(), |(_, r)| one_line(r));
                set_signature(
                    b,
                    what,
                    Val {
                        text,
                        note: None,
                        addr: cell.addr.clone(),
                    },
                );
                current = None;
            }
            continue;
        }
        if let Some(what) = current.take()
            && let Some(v) = value(cell, Kind::Line)
        {
            set_signature(b, what, v);
            row.used[i] = true;
        }
    }
}

fn set_signature(b: &mut Builder, what: Signature, v: Val) {
    let slot = match what {
        Signature::Filler => &mut b.form.filler,
        Signature::Phone => &mut b.form.phone,
        Signature::Date => &mut b.form.date,
        Signature::Leader => &mut b.form.leader,
    };
    *slot = Some(v);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_tolerant() {
        assert_eq!(key("年初预 算数"), "年初预算数");
        assert_eq!(key("项目资金\n（万元）"), "项目资金(万元)");
        assert_eq!(fund_col("全年执行 数"), Some(FundCol::Executed));
        assert_eq!(fund_key("其中：当年财政 拨款"), Some("fiscal"));
        assert_eq!(fund_key("年度资金总额："), Some("total"));
        assert_eq!(fund_key("  上年结转资金"), Some("carryover"));
        assert_eq!(
            indicator_col("偏差原 因分析 及改进 措施"),
            Some(IndCol::Reason)
        );
        assert_eq!(indicator_col("未完成原因分析"), Some(IndCol::Reason));
        assert_eq!(indicator_col("三级指标："), Some(IndCol::Name));
        assert_eq!(indicator_col("得分（10分）"), Some(IndCol::Score));
        assert_eq!(fund_col("执行率(%)"), Some(FundCol::Rate));
        assert_eq!(fund_col("全年预算数（万元）"), Some(FundCol::Budget));
        assert_eq!(indicator_col("分值(权重)"), None);
        assert!(header_label("项目主管部门及代码").is_some());
        assert!(header_label("预算单位（盖章）").is_some());
        assert_eq!(
            header_label("项目名称：档案 管理费").map(|(_, v)| v),
            Some(Some("档案 管理费".to_string()))
        );
        assert_eq!(
            unit_in(&key("金额单位：万元（保留两位小数）")),
            Some("万元")
        );
        assert_eq!(unit_in(&key("项目资金 (元)")), Some("元"));
        assert_eq!(year_only(&key("(2021 年度)")), Some(2021));
        assert_eq!(
            year_in(&key("2020年度预算资金项目支出绩效自评表")),
            Some(2020)
        );
    }

    #[test]
    fn levels() {
        let c = |a: &str, b: &str| canonical_levels(a, b);
        assert_eq!(c("产出指标 (50分)", "数量指标").0, "产出指标");
        assert_eq!(c("产出指 标(50)", "数量指 标").1, "数量指标");
        assert_eq!(c("满意度指标", "满意度指标").1, "服务对象满意度指标");
        assert_eq!(
            c("满意度 指 标", "服务对象 满意度指").1,
            "服务对象满意度指标"
        );
        assert_eq!(c("成本指标", "经济成本指标").0, "成本指标");
        assert_eq!(c("效益指标", "可持续影响 指 标").1, "可持续影响指标");
        assert_eq!(c("产出指标", "成本指标").1, "成本指标");
        assert_eq!(c("奇怪指标", "未知").0, "奇怪指标");
    }

    #[test]
    fn codes_and_figures() {
        assert_eq!(
            split_code("(406)中国包头高新技术人才服务中心部门"),
            Some(("406".into(), "中国包头高新技术人才服务中心部门".into()))
        );
        assert_eq!(
            split_code("（406001） 中心"),
            Some(("406001".into(), "中心".into()))
        );
        assert_eq!(split_code("中心(二期)"), None);
        assert_eq!(strip_points("10.00分"), "10.00");
        assert_eq!(strip_points("(10分)"), "10");
        assert_eq!(strip_points("≥95%"), "≥95%");
        assert_eq!(percent_text("0.8618").as_deref(), Some("86.18"));
        assert_eq!(percent_text("1").as_deref(), Some("100"));
        // Hostile round 3: exact at any size (was "0" and a number without %).
        let tiny = format!("0.{}1", "0".repeat(29));
        assert_eq!(
            percent_text(&tiny).as_deref(),
            Some(format!("0.{}1", "0".repeat(27)).as_str())
        );
        let huge = format!("1{}", "0".repeat(30));
        assert_eq!(
            percent_text(&huge).as_deref(),
            Some(format!("1{}", "0".repeat(32)).as_str())
        );
        assert_eq!(percent_text("-0.005").as_deref(), Some("-0.5"));
        assert_eq!(percent_text("0").as_deref(), Some("0"));
        assert_eq!(percent_text("12.3e4"), None);
        assert_eq!(scientific(&huge), "1E+30");
        assert_eq!(scientific("179769313486232000"), "1.79769313486232E+17");
        assert_eq!(scientific(&tiny), "1E-30");
        assert_eq!(scientific("-0.00125"), "-1.25E-3");
        assert_eq!(one_line("≥4000 家\n(次)"), "≥4000 家(次)");
        assert_eq!(one_line("Line\nTwo"), "Line Two");
    }

    /// A stated figure is what the cell shows (its number format), an input what it stores.
    #[test]
    fn stated_figures_as_displayed() {
        use super::super::grid::Number;
        let cell = |stored: &str, percent: bool, shown: Option<u32>| {
            let mut c = Cell::text(0, 0, stored, "S!H8".into());
            c.number = Number::from_text(stored, percent, shown);
            c
        };
        let rate = value(&cell("0.996296", true, Some(2)), Kind::Stated).unwrap();
        assert_eq!(rate.text, "99.63%");
        assert!(rate.note.unwrap().contains("单元格所存 99.6296%"));
        // Zeros the format adds count (compared at 2 places), without a remark.
        let score = value(&cell("10", false, Some(2)), Kind::Stated).unwrap();
        assert_eq!((score.text.as_str(), score.note), ("10.00", None));
        assert_eq!(
            value(&cell("9.955", false, Some(2)), Kind::Stated)
                .unwrap()
                .text,
            "9.96"
        );
        // General: as stored. An input keeps the stored digits, with a remark.
        assert_eq!(
            value(&cell("9.955", false, None), Kind::Stated)
                .unwrap()
                .text,
            "9.955"
        );
        let amount = value(&cell("106.456", false, Some(2)), Kind::Figure).unwrap();
        assert_eq!(amount.text, "106.456");
        assert!(amount.note.unwrap().contains("照所存的值录入"));
        assert_eq!(as_displayed("99.6296%", 0).as_deref(), Some("100%"));
        // Never a non-zero figure made 0 by its display.
        let tiny = value(&cell("0.0000001", true, Some(2)), Kind::Stated).unwrap();
        assert_eq!(tiny.text, "0.00001%");
    }
}
