//! OpenDocument spreadsheets (`.ods`, LibreOffice and WPS): `content.xml` holds every sheet
//! (`table:table`), its rows and cells with `office:value-type` (`float`, `percentage`,
//! `currency`, `date`, `boolean`, `string`), spans (`table:number-columns-spanned`,
//! `table:number-rows-spanned`) and repeats (`table:number-rows-repeated`,
//! `table:number-columns-repeated`). The number format's shown decimals are not read.

use std::io::{Read, Seek};

use roxmltree::Node;

use super::grid::{self, Cell, Grid, Number};
use super::xlsx::{LocalName, parse_xml, part};

/// Most copies of a repeated non-empty row or cell materialised (a row repeated a million
/// times is a formatting artefact, not data).
const REPEAT_LIMIT: u32 = 10_000;

/// Most non-empty cells one sheet may expand to (repeats included): far beyond any form, and
/// small enough that a 1 KB file cannot ask for billions.
const MAX_CELLS: usize = 200_000;

pub fn read<R: Read + Seek>(reader: R) -> Result<Vec<Grid>, String> {
    let mut zip = zip::ZipArchive::new(reader)
        .map_err(|_| "不是有效的 .ods 文件（文件已损坏，或不是 OpenDocument 表格）".to_string())?;
    let text = part(&mut zip, "content.xml")?.ok_or("缺少 content.xml，不是有效的 .ods 文件")?;
    let doc = parse_xml(&text, "content.xml")?;
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
        let mut cells = Vec::new();
        let mut row_index: u32 = 0;
        for row in rows(table) {
            let repeat = attr(row, "number-rows-repeated")
                .and_then(|v| v.parse::<u32>().ok())
                .unwrap_or(1)
                .max(1);
            let row_cells = row_cells(row, &name);
            if row_cells.is_empty() {
                row_index = row_index.saturating_add(repeat);
                continue;
            }
            for copy in 0..repeat.min(REPEAT_LIMIT) {
                if cells.len() + row_cells.len() > MAX_CELLS {
                    return Err(format!(
                        "工作表“{name}”展开后超过 {MAX_CELLS} 个非空单元格（重复的行或列过多），不像一张自评表"
                    ));
                }
                for (col, mut cell) in row_cells.iter().cloned() {
                    cell.row = row_index.saturating_add(copy);
                    cell.col = col;
                    cell.addr = format!(
                        "{name}!{}{}",
                        grid::column_name(col),
                        u64::from(cell.row) + 1
                    );
                    cells.push(cell);
                }
            }
            row_index = row_index.saturating_add(repeat);
        }
        grids.push(Grid {
            name,
            document: false,
            cells,
            notes: Vec::new(),
        });
    }
    if grids.is_empty() {
        return Err("表格文件中没有工作表".to_string());
    }
    Ok(grids)
}

/// An attribute by local name (`table:name`, `office:value`).
fn attr<'a>(node: Node<'a, '_>, name: &str) -> Option<&'a str> {
    node.attributes()
        .find(|a| a.name() == name)
        .map(|a| a.value())
}

/// Rows of a table, also inside header-row and row groups.
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

/// The non-empty cells of a row with their columns (row and address set by the caller).
fn row_cells(row: Node, sheet: &str) -> Vec<(u32, Cell)> {
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
        let cols = spans("number-columns-spanned", 16_384);
        let rows = spans("number-rows-spanned", 1_048_576);
        for copy in 0..repeat.min(REPEAT_LIMIT) {
            if out.len() >= MAX_CELLS {
                break;
            }
            let mut c = Cell::text(0, 0, text.clone(), format!("{sheet}!"));
            c.cols = cols;
            c.rows = rows;
            c.number = number.clone();
            out.push((col.saturating_add(copy), c));
        }
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
                Some(n) => (n.text.clone(), Some(n)),
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

/// The text of a cell's paragraphs, one line each.
fn paragraphs(cell: Node) -> String {
    let lines: Vec<String> = cell
        .children()
        .filter(|n| n.has_tag_name_local("p") || n.has_tag_name_local("h"))
        .map(|p| {
            let mut s = String::new();
            inline(p, &mut s);
            s
        })
        .collect();
    lines.join("\n")
}

fn inline(node: Node, out: &mut String) {
    for child in node.children() {
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
