//! OpenDocument spreadsheets (`.ods`, LibreOffice and WPS): `content.xml` holds every sheet
//! (`table:table`), its rows and cells with `office:value-type` (`float`, `percentage`,
//! `currency`, `date`, `boolean`, `string`), spans (`table:number-columns-spanned`,
//! `table:number-rows-spanned`) and repeats (`table:number-rows-repeated`,
//! `table:number-columns-repeated`). The number format's shown decimals are not read.

use std::io::{Read, Seek};

use roxmltree::Node;

use super::budget::{Budget, CELL_CHARS};
use super::grid::{self, Cell, Grid, Number};
use super::xlsx::{LocalName, parse_xml, part};

/// Most copies of a repeated non-empty row or cell materialised (a row repeated a million
/// times is a formatting artefact, not data); the copies left out are named in a note.
const REPEAT_LIMIT: u32 = 10_000;

pub fn read<R: Read + Seek>(reader: R, budget: &mut Budget) -> Result<Vec<Grid>, String> {
    let mut zip = zip::ZipArchive::new(reader)
        .map_err(|_| "不是有效的 .ods 文件（文件已损坏，或不是 OpenDocument 表格）".to_string())?;
    let text =
        part(&mut zip, "content.xml", budget)?.ok_or("缺少 content.xml，不是有效的 .ods 文件")?;
    let doc = parse_xml(&text, "content.xml", budget)?;
    let mut grids = Vec::new();
    for (index, table) in doc
        .descendants()
        .filter(|n| {
            n.has_tag_name_local("table")
                && n.tag_name()
                    .namespace()
                    .is_some_and(|ns| ns.contains("table"))
        })
        .enumerate()
    {
        let name =
            attr(table, "name").map_or_else(|| format!("Sheet{}", index + 1), str::to_string);
        budget.sheet()?;
        grids.push(sheet(table, name, budget)?);
    }
    if grids.is_empty() {
        return Err("表格文件中没有工作表".to_string());
    }
    Ok(grids)
}

/// One `table:table`: every copy of a repeated row or cell is a cell of its own, each charged
/// to the budget, so a repeat counts in cells however few bytes it takes.
fn sheet(table: Node, name: String, budget: &mut Budget) -> Result<Grid, String> {
    let mut cells = Vec::new();
    let mut notes = Vec::new();
    let mut row_index: u32 = 0;
    for row in rows(table) {
        let repeat = attr(row, "number-rows-repeated")
            .and_then(|v| v.parse::<u32>().ok())
            .unwrap_or(1)
            .max(1);
        let row_cells = row_cells(row);
        if row_cells.is_empty() {
            row_index = row_index.saturating_add(repeat);
            continue;
        }
        for copy in 0..repeat.min(REPEAT_LIMIT) {
            let r = row_index.saturating_add(copy);
            for (col, times, cell) in &row_cells {
                for c in 0..(*times).min(REPEAT_LIMIT) {
                    let mut cell = cell.clone();
                    cell.row = r;
                    cell.col = col.saturating_add(c);
                    cell.addr = format!(
                        "{name}!{}{}",
                        grid::column_name(cell.col),
                        u64::from(cell.row) + 1
                    );
                    budget.cell(&cell.addr, &cell.text)?;
                    cells.push(cell);
                }
                if *times > REPEAT_LIMIT && copy == 0 {
                    notes.push(format!(
                        "{name}!{}{} 起的单元格横向重复 {times} 次，只读取前 {REPEAT_LIMIT} 个",
                        grid::column_name(*col),
                        u64::from(r) + 1
                    ));
                }
            }
        }
        if repeat > REPEAT_LIMIT {
            notes.push(format!(
                "工作表“{name}”第 {} 行（有内容）重复 {repeat} 次，只读取前 {REPEAT_LIMIT} 行",
                u64::from(row_index) + 1
            ));
        }
        row_index = row_index.saturating_add(repeat);
    }
    Ok(Grid {
        name,
        document: false,
        cells,
        notes,
        jixiao: None,
    })
}

/// An attribute by local name (`table:name`, `office:value`).
fn attr<'a>(node: Node<'a, '_>, name: &str) -> Option<&'a str> {
    node.attributes()
        .find(|a| a.name() == name)
        .map(|a| a.value())
}

/// Rows of a table, also inside header-row and row groups (nesting is bounded when the XML
/// is parsed, see [`super::budget`]).
fn rows<'a, 'i>(table: Node<'a, 'i>) -> Vec<Node<'a, 'i>> {
    fn walk<'a, 'i>(node: Node<'a, 'i>, out: &mut Vec<Node<'a, 'i>>) {
        for child in node.children().filter(Node::is_element) {
            match child.tag_name().name() {
                "table-row" => out.push(child),
                "table-header-rows" | "table-row-group" | "table-rows" => walk(child, out),
                _ => {}
            }
        }
    }
    let mut out = Vec::new();
    walk(table, &mut out);
    out
}

/// The non-empty cells of a row: (first column, columns repeated, the cell; its row and
/// address are set by the caller).
fn row_cells(row: Node) -> Vec<(u32, u32, Cell)> {
    let mut out = Vec::new();
    let mut col: u32 = 0;
    for cell in row.children().filter(Node::is_element) {
        let tag = cell.tag_name().name();
        if tag != "table-cell" && tag != "covered-table-cell" {
            continue;
        }
        let repeat = attr(cell, "number-columns-repeated")
            .and_then(|v| v.parse::<u32>().ok())
            .unwrap_or(1)
            .max(1);
        let covered = tag == "covered-table-cell";
        let (text, number) = cell_value(cell);
        if text.trim().is_empty() {
            col = col.saturating_add(repeat);
            continue;
        }
        // Text hidden under a merged range is kept as a cell of its own (listed if unmapped),
        // as the other readers keep it.
        let spans = |name: &str, max: u32| {
            if covered {
                return 1;
            }
            attr(cell, name)
                .and_then(|v| v.parse::<u32>().ok())
                .unwrap_or(1)
                .clamp(1, max)
        };
        let mut c = Cell::text(0, 0, text, String::new());
        c.cols = spans("number-columns-spanned", 16_384);
        c.rows = spans("number-rows-spanned", 1_048_576);
        c.number = number;
        out.push((col, repeat, c));
        col = col.saturating_add(repeat);
    }
    out
}

/// A cell's text and number.
fn cell_value(cell: Node) -> (String, Option<Number>) {
    let kind = attr(cell, "value-type").unwrap_or("string");
    match kind {
        "float" | "percentage" | "currency" => {
            let value =
                attr(cell, "value").and_then(|v| Number::from_text(v, kind == "percentage", None));
            match value {
                Some(mut n) => {
                    // The number styles (`number:display-factor`, text between the digits) are
                    // not read: the text the cell shows must agree with the stored value.
                    let shown = paragraphs(cell);
                    if !agrees(&n, &shown) {
                        n.unreadable = Some(format!("所显示的“{}”", shown.trim()));
                    }
                    (n.text.clone(), Some(n))
                }
                None => (paragraphs(cell), None),
            }
        }
        "date" => {
            let value = attr(cell, "date-value").unwrap_or("");
            let date = value.split('T').next().unwrap_or(value);
            if date.is_empty() {
                (paragraphs(cell), None)
            } else {
                (date.to_string(), None)
            }
        }
        "boolean" => {
            let v = attr(cell, "boolean-value").unwrap_or("false");
            (if v == "true" { "TRUE" } else { "FALSE" }.to_string(), None)
        }
        _ => (paragraphs(cell), None),
    }
}

/// Whether the text a cell shows is its stored number (×100 for a percentage), at the shown
/// decimals. A shown text that is no plain number (a date style, words) is not compared.
fn agrees(n: &Number, shown: &str) -> bool {
    let cleaned: String = shown
        .trim()
        .chars()
        .filter(|c| !matches!(c, ',' | ' ' | '\u{a0}' | '¥' | '￥' | '$'))
        .collect();
    let (digits, percent) = match cleaned.strip_suffix('%') {
        Some(d) => (d, true),
        None => (cleaned.as_str(), false),
    };
    let Some(shown_value) = crate::decimal::parse(digits) else {
        return true;
    };
    let stored = if n.percent && percent {
        super::numfmt::shift_point(&n.text, 2)
    } else {
        Some(n.text.clone())
    };
    let Some(stored) = stored.as_deref().and_then(crate::decimal::parse) else {
        return true;
    };
    let places = digits.split_once('.').map_or(0, |(_, f)| f.len() as u32);
    crate::decimal::fixed(stored, places) == crate::decimal::fixed(shown_value, places)
}

/// The text of a cell's paragraphs, one line each. It stops growing past [`CELL_CHARS`] (a
/// `<text:s text:c="1000"/>` is a thousand spaces from twenty bytes); the budget then refuses
/// the cell by its address.
fn paragraphs(cell: Node) -> String {
    let mut out = String::new();
    let paragraphs = cell
        .children()
        .filter(|n| n.has_tag_name_local("p") || n.has_tag_name_local("h"));
    for (i, p) in paragraphs.enumerate() {
        if i > 0 {
            out.push('\n');
        }
        inline(p, &mut out);
        if out.len() > TEXT_CAP {
            break;
        }
    }
    out
}

/// Bytes a cell's text may grow to: more characters than [`CELL_CHARS`] whatever their width.
const TEXT_CAP: usize = 4 * CELL_CHARS;

fn inline(node: Node, out: &mut String) {
    for child in node.children() {
        if out.len() > TEXT_CAP {
            return;
        }
        if child.is_text() {
            out.push_str(child.text().unwrap_or(""));
            continue;
        }
        if !child.is_element() {
            continue;
        }
        match child.tag_name().name() {
            "s" => {
                let n = attr(child, "c")
                    .and_then(|v| v.parse::<usize>().ok())
                    .unwrap_or(1)
                    .min(1000);
                out.push_str(&" ".repeat(n));
            }
            "tab" => out.push('\t'),
            "line-break" => out.push('\n'),
            "annotation" | "note" => {}
            _ => inline(child, out),
        }
    }
}
