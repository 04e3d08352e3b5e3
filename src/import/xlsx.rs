//! Excel 2007+ workbooks (`.xlsx`, `.xlsm`): a zip of XML parts. Reads the sheet names
//! (`xl/workbook.xml` and its relationships), shared strings (rich text runs joined, phonetic
//! guides left out), number formats (`xl/styles.xml`, to know percentages and shown decimals),
//! every cell (`t="s" | "str" | "inlineStr" | "n" | "b" | "e" | "d"`) and `<mergeCells>`.

use std::collections::HashMap;
use std::io::{Read, Seek};

use roxmltree::{Document, Node};

use super::budget::Budget;
use super::grid::{self, Cell, Grid, Number};
use super::numfmt::Shown;
use crate::workbook::{COMPUTED_NAME, MARKER_PROPERTY};

/// Largest XML part read (a sheet of 10 000 rows is a few MB; this stops zip bombs).
const PART_LIMIT: u64 = 256 * 1024 * 1024;

/// Read every worksheet of a workbook within `budget`. The error is a Chinese reason.
pub fn read<R: Read + Seek>(reader: R, budget: &mut Budget) -> Result<Vec<Grid>, String> {
    let mut zip = zip::ZipArchive::new(reader).map_err(|_| {
        "不是有效的 .xlsx 文件（文件已损坏，或不是 Excel 2007 及以后的格式）".to_string()
    })?;
    let workbook_path = main_part(&mut zip, "xl/workbook.xml", budget)?;
    let workbook_text = part(&mut zip, &workbook_path, budget)?
        .ok_or("缺少工作簿目录 xl/workbook.xml，不是有效的 .xlsx 文件")?;
    let workbook = parse_xml(&workbook_text, &workbook_path, budget)?;
    let base = workbook_path
        .rsplit_once('/')
        .map_or(String::new(), |(d, _)| format!("{d}/"));
    let rels_path = format!("{base}_rels/{}.rels", &workbook_path[base.len()..]);
    let targets = match part(&mut zip, &rels_path, budget)? {
        Some(text) => relationships(&parse_xml(&text, &rels_path, budget)?, &base),
        None => HashMap::new(),
    };
    let date1904 = workbook
        .descendants()
        .find(|n| n.has_tag_name_local("workbookPr"))
        .and_then(|n| n.attribute("date1904"))
        .is_some_and(|v| v == "1" || v == "true");
    let shared = match part(&mut zip, &format!("{base}sharedStrings.xml"), budget)? {
        Some(text) => shared_strings(&parse_xml(&text, "sharedStrings.xml", budget)?, budget)?,
        None => Vec::new(),
    };
    let styles = match part(&mut zip, &format!("{base}styles.xml"), budget)? {
        Some(text) => Styles::read(&parse_xml(&text, "styles.xml", budget)?),
        None => Styles::default(),
    };
    let jixiao = marker(&mut zip, budget)?;
    let sheets: Vec<Node> = workbook
        .descendants()
        .filter(|n| n.has_tag_name_local("sheet"))
        .collect();
    let computed = computed_names(&workbook, &sheets);
    let mut grids = Vec::new();
    // Each part is read once: sheets pointing at one part (a workbook edited by hand) would
    // otherwise multiply the work. Part → (first sheet, the other sheets).
    let mut read_parts: HashMap<String, (String, Vec<String>)> = HashMap::new();
    for (index, sheet) in sheets.iter().copied().enumerate() {
        let name = sheet
            .attribute("name")
            .map_or_else(|| format!("Sheet{}", index + 1), str::to_string);
        let target = local_attribute(sheet, "id")
            .and_then(|id| targets.get(id).cloned())
            .unwrap_or_else(|| format!("{base}worksheets/sheet{}.xml", index + 1));
        // Chart sheets and dialog sheets hold no cells.
        if !target.contains("worksheets/") {
            continue;
        }
        budget.sheet()?;
        if let Some((_, others)) = read_parts.get_mut(&target) {
            others.push(name);
            continue;
        }
        read_parts.insert(target.clone(), (name.clone(), Vec::new()));
        let Some(text) = part(&mut zip, &target, budget)? else {
            continue;
        };
        let doc = parse_xml(&text, &target, budget)?;
        let marked = computed.get(&index).map_or(&[][..], Vec::as_slice);
        let mut grid = sheet_grid(&doc, name, &shared, &styles, date1904, marked, budget)?;
        grid.jixiao.clone_from(&jixiao);
        grids.push(grid);
    }
    let mut shared_parts: Vec<_> = read_parts
        .into_iter()
        .filter(|(_, (_, o))| !o.is_empty())
        .collect();
    shared_parts.sort();
    for (target, (first, others)) in shared_parts {
        if let Some(grid) = grids.first_mut() {
            grid.notes.push(shared_note(&first, &others, &target));
        }
    }
    if grids.is_empty() {
        return Err("工作簿中没有工作表".to_string());
    }
    Ok(grids)
}

/// The note on sheets that point at the data of sheet `first` (at `place`), read once.
pub(super) fn shared_note(first: &str, others: &[String], place: &str) -> String {
    let shown: Vec<String> = others.iter().take(3).map(|n| format!("“{n}”")).collect();
    let more = if others.len() > 3 { "……" } else { "" };
    format!(
        "{} 张工作表（{}{more}）与工作表“{first}”指向同一份数据（{place}），文件可能被改动过：只读取一次",
        others.len(),
        shown.join("、")
    )
}

/// The version in the `jixiao` custom document property (`docProps/custom.xml`), if any.
fn marker<R: Read + Seek>(
    zip: &mut zip::ZipArchive<R>,
    budget: &mut Budget,
) -> Result<Option<String>, String> {
    let Some(text) = part(zip, "docProps/custom.xml", budget)? else {
        return Ok(None);
    };
    // A few properties; a huge part is not a marker jixiao wrote.
    if text.len() > 64 * 1024 {
        return Ok(None);
    }
    // A damaged property part does not stop the import: the workbook is read as any other.
    let Ok(doc) = Document::parse(&text) else {
        return Ok(None);
    };
    Ok(doc
        .descendants()
        .filter(|n| n.has_tag_name_local("property"))
        .find(|n| n.attribute("name") == Some(MARKER_PROPERTY))
        .map(|n| {
            n.descendants()
                .filter(|c| c.is_text())
                .filter_map(|c| c.text())
                .collect::<String>()
                .trim()
                .chars()
                .take(40)
                .collect()
        }))
}

/// A rectangle of cells: top, left, bottom, right (0-based, inclusive).
type Area = (u32, u32, u32, u32);

/// Per sheet (index in the workbook), the ranges named `jixiao_computed`: local to the sheet
/// (`localSheetId`), or global with the sheet's name in each reference.
fn computed_names(
    workbook: &Document,
    sheets: &[Node],
) -> HashMap<usize, Vec<(u32, u32, u32, u32)>> {
    let mut out: HashMap<usize, Vec<(u32, u32, u32, u32)>> = HashMap::new();
    for n in workbook
        .descendants()
        .filter(|n| n.has_tag_name_local("definedName"))
        .filter(|n| {
            n.attribute("name").is_some_and(|name| {
                name.strip_prefix(COMPUTED_NAME)
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with('_'))
            })
        })
    {
        let local = n
            .attribute("localSheetId")
            .and_then(|v| v.parse::<usize>().ok());
        let text = n.text().unwrap_or("");
        for (sheet, range) in references(text) {
            let index = local.or_else(|| {
                sheets
                    .iter()
                    .position(|s| sheet.as_deref() == s.attribute("name"))
            });
            if let Some(i) = index {
                out.entry(i).or_default().push(range);
            }
        }
    }
    out
}

/// The areas of a reference list (`'表 1'!$H$8,'表 1'!$H$20:$H$31`): the sheet named in each
/// (quotes undone) and its corners.
fn references(text: &str) -> Vec<(Option<String>, Area)> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for c in text.trim().trim_start_matches('=').chars() {
        match c {
            '\'' => {
                quoted = !quoted;
                current.push(c);
            }
            ',' if !quoted => parts.push(std::mem::take(&mut current)),
            _ => current.push(c),
        }
    }
    parts.push(current);
    parts
        .iter()
        .filter_map(|part| {
            let (sheet, area) = match part.rfind('!') {
                Some(i) => (Some(&part[..i]), &part[i + 1..]),
                None => (None, part.as_str()),
            };
            let sheet = sheet.map(|s| {
                let s = s.trim();
                s.strip_prefix('\'')
                    .and_then(|s| s.strip_suffix('\''))
                    .map_or_else(|| s.to_string(), |s| s.replace("''", "'"))
            });
            let (a, b) = area.split_once(':').unwrap_or((area, area));
            let (r1, c1) = grid::parse_ref(a)?;
            let (r2, c2) = grid::parse_ref(b)?;
            Some((sheet, (r1.min(r2), c1.min(c2), r1.max(r2), c1.max(c2))))
        })
        .collect()
}

pub(super) trait LocalName {
    fn has_tag_name_local(&self, name: &str) -> bool;
}

impl LocalName for Node<'_, '_> {
    fn has_tag_name_local(&self, name: &str) -> bool {
        self.is_element() && self.tag_name().name() == name
    }
}

/// An attribute by local name, whatever its namespace prefix (`r:id`).
pub(super) fn local_attribute<'a>(node: Node<'a, '_>, name: &str) -> Option<&'a str> {
    node.attributes()
        .find(|a| a.name() == name && a.namespace().is_some())
        .map(|a| a.value())
        .or_else(|| node.attribute(name))
}

/// Parse one XML part within `budget`; the error names the part and the place in Chinese, the
/// XML library's own words kept in parentheses for whoever repairs the file.
pub(super) fn parse_xml<'a>(
    text: &'a str,
    what: &str,
    budget: &mut Budget,
) -> Result<Document<'a>, String> {
    budget.xml(what, text)?;
    let options = roxmltree::ParsingOptions {
        nodes_limit: super::budget::NODES_LIMIT,
        ..roxmltree::ParsingOptions::default()
    };
    Document::parse_with_options(text, options).map_err(|e| {
        let pos = e.pos();
        let kind = match e {
            roxmltree::Error::UnexpectedEndOfStream => "内容在中途截断",
            roxmltree::Error::UnexpectedCloseTag(..) => "标签没有正确闭合",
            roxmltree::Error::UnknownEntityReference(..) => "有未定义的实体引用",
            roxmltree::Error::NodesLimitReached
            | roxmltree::Error::AttributesLimitReached
            | roxmltree::Error::NamespacesLimitReached => "节点过多",
            roxmltree::Error::EntityReferenceLoop(..) => "实体引用循环",
            _ => "格式错误",
        };
        format!(
            "{what} 不是有效的 XML：第 {} 行第 {} 列{kind}，文件可能已损坏（{e}）",
            pos.row, pos.col
        )
    })
}

/// One part of the zip as text, `None` when absent. It is unpacked with a bound of what the
/// file's and the run's XML budgets have left (never unpacked whole, then checked), and what a
/// refused part unpacked is charged, so many small bombs still end in bounded time.
pub(super) fn part<R: Read + Seek>(
    zip: &mut zip::ZipArchive<R>,
    name: &str,
    budget: &mut Budget,
) -> Result<Option<String>, String> {
    let file = match zip.by_name(name) {
        Ok(f) => f,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(zip::result::ZipError::UnsupportedArchive(_)) => return Err(unsupported(name)),
        Err(_) => return Err(format!("无法解压 {name}，文件可能已损坏")),
    };
    // Office, WPS and LibreOffice write parts stored or deflated, nothing else.
    if !matches!(
        file.compression(),
        zip::CompressionMethod::Stored | zip::CompressionMethod::Deflated
    ) {
        return Err(unsupported(name));
    }
    let room = budget.xml_room().min(PART_LIMIT as usize) as u64;
    let mut bytes = Vec::new();
    let read = file.take(room + 1).read_to_end(&mut bytes);
    if read.is_err() || bytes.len() as u64 > room {
        budget.xml_refused(bytes.len())?;
    }
    read.map_err(|_| format!("无法解压 {name}，文件可能已损坏"))?;
    if bytes.len() as u64 > PART_LIMIT {
        return Err(format!("{name} 解压后超过 256 MB，不予读取"));
    }
    let mut text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            budget.xml_refused(e.as_bytes().len())?;
            return Err(format!("{name} 不是 UTF-8 编码的 XML"));
        }
    };
    // In place: a part may be hundreds of megabytes.
    if text.starts_with('\u{feff}') {
        text.drain(..'\u{feff}'.len_utf8());
    }
    Ok(Some(text))
}

fn unsupported(name: &str) -> String {
    format!(
        "{name} 使用了 Excel、WPS、Word 都不会使用的压缩方式，文件可能被改动过：请在 Excel/WPS/Word 中打开后另存，再导入 (unsupported zip compression)"
    )
}

/// The package's main part from `_rels/.rels` (the officeDocument relationship).
pub(super) fn main_part<R: Read + Seek>(
    zip: &mut zip::ZipArchive<R>,
    default: &str,
    budget: &mut Budget,
) -> Result<String, String> {
    let Some(text) = part(zip, "_rels/.rels", budget)? else {
        return Ok(default.to_string());
    };
    let doc = parse_xml(&text, "_rels/.rels", budget)?;
    let found = doc
        .descendants()
        .filter(|n| n.has_tag_name_local("Relationship"))
        .find(|n| {
            n.attribute("Type")
                .is_some_and(|t| t.ends_with("/officeDocument"))
        })
        .and_then(|n| n.attribute("Target"))
        .map(|t| resolve("", t));
    Ok(found
        .filter(|p| zip.by_name(p).is_ok())
        .unwrap_or_else(|| default.to_string()))
}

/// Relationship id → part path, targets resolved against `base` (`xl/`).
fn relationships(doc: &Document, base: &str) -> HashMap<String, String> {
    doc.descendants()
        .filter(|n| n.has_tag_name_local("Relationship"))
        .filter_map(|n| {
            let id = n.attribute("Id")?;
            let target = n.attribute("Target")?;
            Some((id.to_string(), resolve(base, target)))
        })
        .collect()
}

/// A relationship target as a zip path: absolute (`/xl/…`) or relative to `base`, with `..`.
pub(super) fn resolve(base: &str, target: &str) -> String {
    let joined = match target.strip_prefix('/') {
        Some(abs) => abs.to_string(),
        None => format!("{base}{target}"),
    };
    let mut parts: Vec<&str> = Vec::new();
    for p in joined.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            _ => parts.push(p),
        }
    }
    parts.join("/")
}

/// The text of `t` elements under `node`, leaving out phonetic guides (`rPh`): one pass,
/// each phonetic guide's subtree skipped whole (linear however deep the runs nest).
fn run_text(node: Node) -> String {
    let mut out = String::new();
    let mut stack = vec![node.children()];
    while let Some(children) = stack.last_mut() {
        match children.next() {
            Some(n) if n.has_tag_name_local("rPh") => {}
            Some(n) => {
                if n.has_tag_name_local("t") {
                    out.push_str(n.text().unwrap_or(""));
                }
                stack.push(n.children());
            }
            None => {
                stack.pop();
            }
        }
    }
    decode_escapes(&out)
}

fn shared_strings(doc: &Document, budget: &mut Budget) -> Result<Vec<String>, String> {
    doc.root_element()
        .children()
        .filter(|n| n.has_tag_name_local("si"))
        .map(|si| {
            budget.string()?;
            Ok(run_text(si))
        })
        .collect()
}

/// OOXML writes characters XML cannot hold as `_xHHHH_` (`_x000D_` for a carriage return,
/// `_x005F_` for a literal underscore).
pub(super) fn decode_escapes(text: &str) -> String {
    if !text.contains("_x") {
        return text.replace("\r\n", "\n").replace('\r', "\n");
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("_x") {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let hex = tail.get(2..6);
        let decoded = hex
            .filter(|h| h.bytes().all(|b| b.is_ascii_hexdigit()))
            .filter(|_| tail.as_bytes().get(6) == Some(&b'_'))
            .and_then(|h| u32::from_str_radix(h, 16).ok())
            .and_then(char::from_u32);
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &tail[7..];
            }
            None => {
                out.push_str("_x");
                rest = &tail[2..];
            }
        }
    }
    out.push_str(rest);
    out.replace("\r\n", "\n").replace('\r', "\n")
}

#[derive(Default)]
struct Styles {
    /// Per cell style (`s`): how its number format shows a number.
    xfs: Vec<Shown>,
}

impl Styles {
    fn read(doc: &Document) -> Self {
        let mut custom: HashMap<u32, String> = HashMap::new();
        for n in doc.descendants().filter(|n| n.has_tag_name_local("numFmt")) {
            if let (Some(id), Some(code)) = (
                n.attribute("numFmtId").and_then(|v| v.parse().ok()),
                n.attribute("formatCode"),
            ) {
                custom.insert(id, code.to_string());
            }
        }
        let xfs = doc
            .descendants()
            .find(|n| n.has_tag_name_local("cellXfs"))
            .map(|list| {
                list.children()
                    .filter(|n| n.has_tag_name_local("xf"))
                    .map(|xf| {
                        let id: u32 = xf
                            .attribute("numFmtId")
                            .and_then(|v| v.parse().ok())
                            .unwrap_or(0);
                        Shown::by_id(id, custom.get(&id).map(String::as_str))
                    })
                    .collect()
            })
            .unwrap_or_default();
        Styles { xfs }
    }

    fn get(&self, style: Option<usize>) -> Shown {
        style
            .and_then(|s| self.xfs.get(s).cloned())
            .unwrap_or_default()
    }
}

/// A spreadsheet date serial as `YYYY-MM-DD` (1900 system with its phantom 29 Feb, or 1904).
pub(super) fn serial_date(serial: f64, date1904: bool) -> Option<String> {
    if !serial.is_finite() || !(1.0..2_958_466.0).contains(&serial) {
        return None;
    }
    let whole = serial.floor() as i64;
    // Days since 1970-01-01: serial 0 of the 1904 system is 1904-01-01; serial 1 of the 1900
    // system is 1900-01-01, and serial 60 is Lotus's phantom 1900-02-29.
    let unix = if date1904 {
        whole - 24_107
    } else if whole < 60 {
        whole - 25_568
    } else if whole == 60 {
        return None;
    } else {
        whole - 25_569
    };
    let z = unix + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    Some(format!("{y:04}-{m:02}-{d:02}"))
}

fn sheet_grid(
    doc: &Document,
    name: String,
    shared: &[String],
    styles: &Styles,
    date1904: bool,
    computed: &[Area],
    budget: &mut Budget,
) -> Result<Grid, String> {
    let is_computed = |row: u32, col: u32| {
        computed
            .iter()
            .any(|&(r1, c1, r2, c2)| (r1..=r2).contains(&row) && (c1..=c2).contains(&col))
    };
    let mut cells: Vec<Cell> = Vec::new();
    let root = doc.root_element();
    let Some(data) = root.children().find(|n| n.has_tag_name_local("sheetData")) else {
        return Ok(Grid {
            name,
            document: false,
            cells,
            notes: Vec::new(),
            jixiao: None,
        });
    };
    let mut notes = grid::Notes::default();
    let mut without_result: Vec<String> = Vec::new();
    let mut next_row: u32 = 0;
    for row in data.children().filter(|n| n.has_tag_name_local("row")) {
        let given = row.attribute("r");
        let r = given
            .and_then(|v| v.trim().parse::<u32>().ok())
            .filter(|&r| r > 0)
            .map_or(next_row, |r| r - 1);
        if let Some(v) = given.filter(|v| v.trim().parse::<u32>().ok().filter(|&r| r > 0).is_none())
        {
            notes.push(format!(
                "工作表“{name}”中的行号“{v}”无效，按其位置当作第 {} 行读取",
                u64::from(r) + 1
            ));
        }
        next_row = r.saturating_add(1);
        let mut next_col: u32 = 0;
        for c in row.children().filter(|n| n.has_tag_name_local("c")) {
            let given = c.attribute("r");
            let (row_index, col) = given.and_then(grid::parse_ref).unwrap_or((r, next_col));
            if let Some(v) = given.filter(|v| grid::parse_ref(v).is_none()) {
                notes.push(format!(
                    "工作表“{name}”中的单元格地址“{v}”无效，按其位置当作 {}{} 读取",
                    grid::column_name(col),
                    u64::from(row_index) + 1
                ));
            }
            next_col = col.saturating_add(1);
            let style = c.attribute("s").and_then(|v| v.parse::<usize>().ok());
            let value = c
                .children()
                .find(|n| n.has_tag_name_local("v"))
                .and_then(|v| v.text())
                .unwrap_or("");
            // A formula saved without its result (written by a program, never opened in Excel):
            // kept as the formula so that it shows, rather than read as an empty cell.
            let formula = c
                .children()
                .find(|n| n.has_tag_name_local("f"))
                .and_then(|f| f.text())
                .filter(|f| !f.trim().is_empty());
            let computed = is_computed(row_index, col);
            // A computed cell saved without its result (by a program that does not calculate):
            // it is left out anyway, nothing to fill.
            if computed && value.is_empty() && formula.is_some() {
                continue;
            }
            if value.is_empty()
                && let Some(f) = formula
                && c.attribute("t") != Some("inlineStr")
            {
                let addr = format!(
                    "{name}!{}{}",
                    grid::column_name(col),
                    u64::from(row_index) + 1
                );
                without_result.push(addr.clone());
                let text = format!("={f}");
                budget.cell(&addr, &text)?;
                cells.push(Cell::text(row_index, col, text, addr));
                continue;
            }
            let shown = styles.get(style);
            let (text, number) = match c.attribute("t").unwrap_or("n") {
                "s" => match value
                    .trim()
                    .parse::<usize>()
                    .ok()
                    .and_then(|i| shared.get(i))
                {
                    Some(text) => (text.clone(), None),
                    None => {
                        notes.push(format!(
                            "{name}!{}{} 引用的共享字符串“{}”不存在（文件可能已损坏），该单元格按空白处理",
                            grid::column_name(col),
                            u64::from(row_index) + 1,
                            value.trim()
                        ));
                        continue;
                    }
                },
                "inlineStr" => (
                    c.children()
                        .find(|n| n.has_tag_name_local("is"))
                        .map(run_text)
                        .unwrap_or_default(),
                    None,
                ),
                // An ISO date cell: the date alone when it has no time of day.
                "d" => {
                    let v = value.trim();
                    let text = match v.split_once('T') {
                        Some((date, time))
                            if time.bytes().all(|b| matches!(b, b'0' | b':' | b'.' | b'Z')) =>
                        {
                            date.to_string()
                        }
                        _ => v.to_string(),
                    };
                    (text, None)
                }
                "str" | "e" => (decode_escapes(value), None),
                "b" => (
                    if value.trim() == "1" { "TRUE" } else { "FALSE" }.to_string(),
                    None,
                ),
                _ => match value.trim().parse::<f64>() {
                    Ok(v) if shown.date => match serial_date(v, date1904) {
                        Some(d) => (d, None),
                        None => (grid::shortest(v), None),
                    },
                    // `from_text` refuses what is not a finite number: kept as text.
                    _ => match Number::from_text(value, shown.percent, shown.decimals) {
                        Some(n) => {
                            let n = n.shown_by(&shown);
                            (n.text.clone(), Some(n))
                        }
                        None => (value.to_string(), None),
                    },
                },
            };
            if text.trim().is_empty() {
                continue;
            }
            let addr = format!(
                "{name}!{}{}",
                grid::column_name(col),
                u64::from(row_index) + 1
            );
            budget.cell(&addr, &text)?;
            let mut cell = Cell::text(row_index, col, text, addr);
            cell.number = number;
            cell.computed = computed;
            cells.push(cell);
        }
    }
    if !without_result.is_empty() {
        let mut shown = without_result
            .iter()
            .take(5)
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join("、");
        if without_result.len() > 5 {
            shown.push_str("……");
        }
        notes.push(format!(
            "{} 个公式单元格没有保存计算结果（{shown}）：文件多半由程序生成，请在 Excel/WPS 中打开并保存后再导入；这些格中的数字留空待填",
            without_result.len()
        ));
    }
    drop_duplicates(&mut cells, &name, &mut notes);
    grid::apply_merges(&mut cells, merge_ranges(root), &name, budget)?;
    cells.sort_by_key(|c| (c.row, c.col));
    Ok(Grid {
        name,
        document: false,
        cells,
        notes: notes.finish(),
        jixiao: None,
    })
}

/// Two cells at one address (a file edited by hand): neither is taken, the cell is left to
/// fill and the note names it, rather than one value picked silently.
fn drop_duplicates(cells: &mut Vec<Cell>, sheet: &str, notes: &mut grid::Notes) {
    let mut count: HashMap<(u32, u32), usize> = HashMap::new();
    for c in cells.iter() {
        *count.entry((c.row, c.col)).or_default() += 1;
    }
    let mut twice: Vec<(u32, u32)> = count
        .into_iter()
        .filter(|&(_, n)| n > 1)
        .map(|(at, _)| at)
        .collect();
    twice.sort();
    for &(row, col) in &twice {
        let values: Vec<String> = cells
            .iter()
            .filter(|c| (c.row, c.col) == (row, col))
            .take(3)
            .map(|c| format!("“{}”", crate::diagnostics::terminal_safe(&c.text)))
            .collect();
        notes.push(format!(
            "工作表“{sheet}”中单元格 {}{} 出现了不止一次（{}），文件可能被改动过：该格不取任何一个值，留空待填",
            grid::column_name(col),
            u64::from(row) + 1,
            values.join("、")
        ));
    }
    cells.retain(|c| twice.binary_search(&(c.row, c.col)).is_err());
}

/// The sheet's `<mergeCells>` as (top, left, bottom, right) ranges.
fn merge_ranges(root: Node) -> Vec<(u32, u32, u32, u32)> {
    let Some(merges) = root.children().find(|n| n.has_tag_name_local("mergeCells")) else {
        return Vec::new();
    };
    merges
        .children()
        .filter(|n| n.has_tag_name_local("mergeCell"))
        .filter_map(|m| {
            let (a, b) = m.attribute("ref")?.split_once(':')?;
            let (r1, c1) = grid::parse_ref(a)?;
            let (r2, c2) = grid::parse_ref(b)?;
            Some((r1, c1, r2, c2))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_paths() {
        assert_eq!(decode_escapes("a_x000D_\nb"), "a\nb");
        assert_eq!(decode_escapes("x_x005F_y"), "x_y");
        assert_eq!(decode_escapes("_x12"), "_x12");
        assert_eq!(
            resolve("xl/", "worksheets/sheet1.xml"),
            "xl/worksheets/sheet1.xml"
        );
        assert_eq!(
            resolve("xl/", "/xl/worksheets/s.xml"),
            "xl/worksheets/s.xml"
        );
        assert_eq!(resolve("xl/", "../x.xml"), "x.xml");
    }

    /// Hostile round 4: a part is unpacked no further than the run's budget has room for.
    #[test]
    fn parts_are_unpacked_within_the_run_budget() {
        use std::io::Write;
        let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        writer
            .start_file("a.xml", zip::write::SimpleFileOptions::default())
            .unwrap();
        writer.write_all(&[b' '; 1 << 20]).unwrap();
        let bytes = writer.finish().unwrap().into_inner();
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut budget = Budget::default();
        assert_eq!(
            part(&mut zip, "a.xml", &mut budget)
                .unwrap()
                .map(|t| t.len()),
            Some(1 << 20)
        );
        for _ in 0..8 {
            budget.start_file();
            budget.xml_refused(256 << 20).unwrap();
        }
        assert_eq!(budget.xml_room(), 0);
        budget.start_file();
        let err = part(&mut zip, "a.xml", &mut budget).unwrap_err();
        assert!(
            err.contains("本次导入的文件合计超过 2048 MB 的 XML"),
            "{err}"
        );
    }

    #[test]
    fn computed_cell_references() {
        assert_eq!(
            references("='表''1'!$H$8,'表''1'!$H$20:$H$22,Sheet1!B2"),
            [
                (Some("表'1".to_string()), (7, 7, 7, 7)),
                (Some("表'1".to_string()), (19, 7, 21, 7)),
                (Some("Sheet1".to_string()), (1, 1, 1, 1)),
            ]
        );
        assert!(references("#REF!").is_empty());
    }

    #[test]
    fn dates() {
        assert_eq!(serial_date(1.0, false).as_deref(), Some("1900-01-01"));
        assert_eq!(serial_date(59.0, false).as_deref(), Some("1900-02-28"));
        assert_eq!(serial_date(61.0, false).as_deref(), Some("1900-03-01"));
        assert_eq!(serial_date(45382.0, false).as_deref(), Some("2024-03-31"));
        assert_eq!(serial_date(0.0, true), None);
        assert_eq!(serial_date(1.0, true).as_deref(), Some("1904-01-02"));
    }
}
