//! Word documents (`.docx`): the paragraphs and tables of `word/document.xml`, stacked into one
//! grid in reading order so that forms spread over several tables (a page break splits a table)
//! or preceded by a title paragraph read like forms stacked down a sheet.
//!
//! Tables: `w:tbl/w:tr/w:tc`, `w:gridSpan` (columns covered), `w:vMerge` (`restart` begins a
//! vertical merge, a bare or `continue` one extends it), `w:gridBefore` (skipped columns);
//! text from `w:t`, with `w:br`/`w:cr` and paragraph ends as line breaks. Deleted revisions
//! (`w:delText`) and field codes (`w:instrText`) are not text.

use std::collections::HashMap;
use std::io::{Read, Seek};

use roxmltree::Node;

use super::budget::Budget;
use super::grid::{Cell, Grid};
use super::xlsx::{LocalName, decode_escapes, main_part, parse_xml, part};

/// Read a document within `budget`. `name` names the grid (the file name); the error is a
/// Chinese reason.
pub fn read<R: Read + Seek>(
    reader: R,
    name: &str,
    budget: &mut Budget,
) -> Result<(Grid, usize), String> {
    let mut zip = zip::ZipArchive::new(reader).map_err(|_| {
        "不是有效的 .docx 文件（文件已损坏，或不是 Word 2007 及以后的格式）".to_string()
    })?;
    let path = main_part(&mut zip, "word/document.xml", budget)?;
    let text = part(&mut zip, &path, budget)?
        .ok_or("缺少正文 word/document.xml，不是有效的 .docx 文件")?;
    let doc = parse_xml(&text, &path, budget)?;
    budget.sheet()?;
    let body = doc
        .root_element()
        .children()
        .find(|n| n.has_tag_name_local("body"))
        .ok_or("word/document.xml 中没有正文（w:body）")?;
    let mut builder = Builder {
        grid: Grid {
            name: name.to_string(),
            document: true,
            cells: Vec::new(),
            notes: Vec::new(),
            jixiao: None,
        },
        next_row: 0,
        paragraphs: 0,
        tables: 0,
        budget,
    };
    builder.block(body)?;
    let tables = builder.tables;
    Ok((builder.grid, tables))
}

struct Builder<'b> {
    grid: Grid,
    next_row: u32,
    paragraphs: usize,
    tables: usize,
    budget: &'b mut Budget,
}

impl Builder<'_> {
    /// A cell, charged to the budget.
    fn push(&mut self, cell: Cell) -> Result<(), String> {
        self.budget.cell(&cell.addr, &cell.text)?;
        self.grid.cells.push(cell);
        Ok(())
    }

    /// Paragraphs and tables of a body (or of a content control inside it), in order
    /// (nesting is bounded when the XML is parsed, see [`super::budget`]).
    fn block(&mut self, node: Node) -> Result<(), String> {
        for child in node.children().filter(Node::is_element) {
            match child.tag_name().name() {
                "p" => {
                    self.paragraphs += 1;
                    let mut text = String::new();
                    collect_text(child, &mut text);
                    let text = text.trim().to_string();
                    if !text.is_empty() {
                        let addr = format!("正文第{}段", self.paragraphs);
                        self.push(Cell::text(self.next_row, 0, text, addr))?;
                        self.next_row += 1;
                    }
                }
                "tbl" => self.table(child)?,
                "sdt" | "sdtContent" | "customXml" | "smartTag" => self.block(child)?,
                _ => {}
            }
        }
        Ok(())
    }

    fn table(&mut self, table: Node) -> Result<(), String> {
        self.tables += 1;
        let number = self.tables;
        // Column → the cell a vertical merge started there.
        let mut open: HashMap<u32, usize> = HashMap::new();
        let mut row_in_table = 0;
        for tr in rows(table) {
            row_in_table += 1;
            let row = self.next_row;
            self.next_row += 1;
            let mut col = tr
                .children()
                .find(|n| n.has_tag_name_local("trPr"))
                .and_then(|p| p.children().find(|n| n.has_tag_name_local("gridBefore")))
                .and_then(|g| val(g).and_then(|v| v.parse::<u32>().ok()))
                .unwrap_or(0);
            for (visual, tc) in cells(tr).into_iter().enumerate() {
                let props = tc.children().find(|n| n.has_tag_name_local("tcPr"));
                let prop = |name: &str| {
                    props.and_then(|p| p.children().find(|n| n.has_tag_name_local(name)))
                };
                let span = prop("gridSpan")
                    .and_then(|g| val(g).and_then(|v| v.parse::<u32>().ok()))
                    .filter(|&s| s > 0)
                    .unwrap_or(1)
                    .min(1000);
                let merge = prop("vMerge").map(|m| val(m).unwrap_or("continue"));
                let mut text = String::new();
                collect_text(tc, &mut text);
                let text = text.trim().to_string();
                match merge {
                    Some(v) if v != "restart" && open.contains_key(&col) => {
                        let start = open[&col];
                        let cell = &mut self.grid.cells[start];
                        cell.rows = row - cell.row + 1;
                        // Word shows only the first cell's text; anything typed in a continued
                        // cell is kept rather than lost.
                        if !text.is_empty() {
                            let addr = format!("表{number} 第{row_in_table}行第{}格", visual + 1);
                            let mut extra = Cell::text(row, col, text, addr);
                            extra.cols = span;
                            self.push(extra)?;
                        }
                    }
                    _ => {
                        let addr = format!("表{number} 第{row_in_table}行第{}格", visual + 1);
                        let mut cell = Cell::text(row, col, text, addr);
                        cell.cols = span;
                        self.push(cell)?;
                        let index = self.grid.cells.len() - 1;
                        if merge.is_some() {
                            open.insert(col, index);
                        } else {
                            open.remove(&col);
                        }
                    }
                }
                col = col.saturating_add(span);
            }
        }
        Ok(())
    }
}

/// `w:val` of a property element.
fn val<'a>(node: Node<'a, '_>) -> Option<&'a str> {
    node.attributes()
        .find(|a| a.name() == "val")
        .map(|a| a.value())
}

/// The rows of a table, also those wrapped in content controls.
fn rows<'a, 'i>(table: Node<'a, 'i>) -> Vec<Node<'a, 'i>> {
    let mut out = Vec::new();
    fn walk<'a, 'i>(node: Node<'a, 'i>, out: &mut Vec<Node<'a, 'i>>) {
        for child in node.children().filter(Node::is_element) {
            match child.tag_name().name() {
                "tr" => out.push(child),
                "sdt" | "sdtContent" | "customXml" => walk(child, out),
                _ => {}
            }
        }
    }
    walk(table, &mut out);
    out
}

/// The cells of a row, also those wrapped in content controls.
fn cells<'a, 'i>(row: Node<'a, 'i>) -> Vec<Node<'a, 'i>> {
    let mut out = Vec::new();
    fn walk<'a, 'i>(node: Node<'a, 'i>, out: &mut Vec<Node<'a, 'i>>) {
        for child in node.children().filter(Node::is_element) {
            match child.tag_name().name() {
                "tc" => out.push(child),
                "sdt" | "sdtContent" | "customXml" => walk(child, out),
                _ => {}
            }
        }
    }
    walk(row, &mut out);
    out
}

/// A run formatted as hidden; `<w:vanish w:val="0"/>` (or `false`) switches it off again.
fn is_hidden(run: Node) -> bool {
    run.children()
        .filter(|n| n.has_tag_name_local("rPr"))
        .flat_map(|p| p.children())
        .filter(|n| n.has_tag_name_local("vanish") || n.has_tag_name_local("webHidden"))
        .any(|n| {
            !matches!(
                super::xlsx::local_attribute(n, "val"),
                Some("0" | "false" | "off")
            )
        })
}

/// The visible text under `node`: `w:t`, tabs, breaks; a line break after each paragraph.
fn collect_text(node: Node, out: &mut String) {
    for child in node.children().filter(Node::is_element) {
        match child.tag_name().name() {
            "t" => out.push_str(&decode_escapes(child.text().unwrap_or(""))),
            "tab" if child.parent().is_some_and(|p| p.has_tag_name_local("r")) => out.push('\t'),
            "br" | "cr" => out.push('\n'),
            "noBreakHyphen" => out.push('-'),
            "delText" | "instrText" | "del" | "rPr" | "pPr" | "tcPr" | "trPr" | "tblPr" => {}
            // Text moved away (shown at its new place, `w:moveTo`) and the fallback copy of
            // alternate content (`mc:Choice` is read) are not shown here.
            "moveFrom" | "Fallback" => {}
            "p" => {
                collect_text(child, out);
                out.push('\n');
            }
            // Hidden text (`w:vanish`, `w:webHidden`) is neither shown nor printed.
            "r" if is_hidden(child) => {}
            _ => collect_text(child, out),
        }
    }
}
