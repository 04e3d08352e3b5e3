//! Excel 97–2003 workbooks (`.xls`, and WPS `.et` saved in that format): the BIFF8 record
//! stream "Workbook" inside an OLE2 compound file (MS-XLS). Reads what the other readers read:
//! sheet names (BOUNDSHEET8), the shared strings (SST, across CONTINUE records), number formats
//! (FORMAT, XF: percentages, shown decimals, dates), every cell record (LABELSST, LABEL, NUMBER,
//! RK, MULRK, FORMULA with its cached result, BOOLERR) and merged ranges (MERGEDCELLS).
//! A workbook with an opening password (FILEPASS) is refused with its own message.

use std::collections::HashMap;

use super::budget::Budget;
use super::cfb::{Compound, u16_at, u32_at};
use super::grid::{self, Cell, Grid, Number};
use super::numfmt::Shown;
use super::xlsx::serial_date;

pub const PASSWORD_MESSAGE: &str = "设置了打开密码（已加密），无法读取：请在 Excel/WPS 中打开，取消密码（文件 → 信息 → 保护工作簿 → 用密码进行加密，清空）后另存为 .xlsx 再导入 (password-protected)";

const BOF: u16 = 0x0809;
const EOF: u16 = 0x000A;
const FILEPASS: u16 = 0x002F;
const BOUNDSHEET: u16 = 0x0085;
const FORMAT: u16 = 0x041E;
const XF: u16 = 0x00E0;
const SST: u16 = 0x00FC;
const CONTINUE: u16 = 0x003C;
const DATEMODE: u16 = 0x0022;
const LABELSST: u16 = 0x00FD;
const LABEL: u16 = 0x0204;
const RSTRING: u16 = 0x00D6;
const NUMBER: u16 = 0x0203;
const RK: u16 = 0x027E;
const MULRK: u16 = 0x00BD;
const FORMULA: u16 = 0x0006;
const STRING: u16 = 0x0207;
const BOOLERR: u16 = 0x0205;
const MERGEDCELLS: u16 = 0x00E5;
const SHRFMLA: u16 = 0x04BC;
const ARRAY: u16 = 0x0221;
const TABLE: u16 = 0x0236;

const DAMAGED: &str = "工作簿数据已损坏（BIFF records damaged）";

/// Read every worksheet of an `.xls` held in a compound file, within `budget`. The error is a
/// Chinese reason.
pub fn read(file: &Compound, budget: &mut Budget) -> Result<Vec<Grid>, String> {
    let stream = match file.stream("Workbook")? {
        Some(s) => s,
        None => match file.stream("Book")? {
            Some(_) => {
                return Err(
                    "是 Excel 5.0/95 旧格式，无法读取：请在 Excel/WPS 中另存为 .xlsx 后再导入"
                        .to_string(),
                );
            }
            None => return Err("不是 Excel 工作簿（复合文档中没有 Workbook 数据流）".to_string()),
        },
    };
    sheets(&stream, budget)
}

/// Every worksheet of a Workbook stream.
fn sheets(stream: &[u8], budget: &mut Budget) -> Result<Vec<Grid>, String> {
    let globals = Globals::read(stream, budget)?;
    let mut grids = Vec::new();
    // Each sheet offset is read once: several directory entries pointing at one sheet (a file
    // edited by hand) would otherwise multiply the work. Offset → (first sheet, the others).
    let mut read_at: HashMap<usize, (String, Vec<String>)> = HashMap::new();
    for sheet in &globals.sheets {
        // Chart, macro and VBA sheets hold no cells.
        if sheet.kind != 0 {
            continue;
        }
        if let Some((_, others)) = read_at.get_mut(&sheet.pos) {
            others.push(sheet.name.clone());
            continue;
        }
        read_at.insert(sheet.pos, (sheet.name.clone(), Vec::new()));
        grids.push(sheet_grid(stream, sheet, &globals, budget)?);
    }
    let mut shared: Vec<_> = read_at
        .into_iter()
        .filter(|(_, (_, o))| !o.is_empty())
        .collect();
    shared.sort();
    for (pos, (first, others)) in shared {
        let place = format!("Workbook 数据流第 {pos} 字节处");
        if let Some(grid) = grids.first_mut() {
            grid.notes
                .push(super::xlsx::shared_note(&first, &others, &place));
        }
    }
    if grids.is_empty() {
        return Err("工作簿中没有工作表".to_string());
    }
    Ok(grids)
}

/// The record stream: (type, body) pairs.
struct Records<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Iterator for Records<'a> {
    type Item = (u16, &'a [u8]);

    fn next(&mut self) -> Option<Self::Item> {
        let head = self.data.get(self.pos..self.pos + 4)?;
        let kind = u16::from_le_bytes([head[0], head[1]]);
        let len = usize::from(u16::from_le_bytes([head[2], head[3]]));
        let body = self.data.get(self.pos + 4..self.pos + 4 + len)?;
        self.pos += 4 + len;
        Some((kind, body))
    }
}

fn records(data: &[u8], pos: usize) -> Records<'_> {
    Records { data, pos }
}

struct SheetEntry {
    name: String,
    /// Stream offset of the sheet's BOF record.
    pos: usize,
    kind: u8,
}

struct Globals {
    sheets: Vec<SheetEntry>,
    sst: Vec<String>,
    /// Per XF index: percent, shown decimals, date.
    xfs: Vec<Shown>,
    date1904: bool,
}

impl Globals {
    /// The workbook globals; each sheet and shared string is charged to `budget`.
    fn read(stream: &[u8], budget: &mut Budget) -> Result<Self, String> {
        let mut it = records(stream, 0);
        match it.next() {
            Some((BOF, body)) if u16_at(body, 0) == Some(0x0600) => {}
            Some((BOF, _)) | Some((0x0209 | 0x0409 | 0x0009, _)) => {
                return Err(
                    "是 Excel 5.0/95 或更早的格式，无法读取：请在 Excel/WPS 中另存为 .xlsx 后再导入"
                        .to_string(),
                );
            }
            _ => return Err(DAMAGED.to_string()),
        }
        let mut sheets = Vec::new();
        let mut formats: HashMap<u16, String> = HashMap::new();
        let mut xf_formats: Vec<u16> = Vec::new();
        let mut sst_parts: Vec<&[u8]> = Vec::new();
        let mut in_sst = false;
        let mut date1904 = false;
        for (kind, body) in it.by_ref() {
            if in_sst && kind == CONTINUE {
                sst_parts.push(body);
                continue;
            }
            in_sst = false;
            match kind {
                FILEPASS => return Err(PASSWORD_MESSAGE.to_string()),
                BOUNDSHEET => {
                    budget.sheet()?;
                    let pos = u32_at(body, 0).ok_or(DAMAGED)? as usize;
                    let kind = *body.get(5).ok_or(DAMAGED)?;
                    let mut cursor = Cursor::new(vec![body.get(6..).unwrap_or(&[])]);
                    let name = cursor
                        .short_string()
                        .unwrap_or_else(|| format!("Sheet{}", sheets.len() + 1));
                    sheets.push(SheetEntry { name, pos, kind });
                }
                FORMAT => {
                    let id = u16_at(body, 0).ok_or(DAMAGED)?;
                    let mut cursor = Cursor::new(vec![body.get(2..).unwrap_or(&[])]);
                    if let Some(code) = cursor.long_string() {
                        formats.insert(id, code);
                    }
                }
                XF => xf_formats.push(u16_at(body, 2).unwrap_or(0)),
                SST => {
                    sst_parts.push(body.get(8..).unwrap_or(&[]));
                    in_sst = true;
                }
                DATEMODE => date1904 = u16_at(body, 0) == Some(1),
                EOF => break,
                _ => {}
            }
        }
        let sst = read_sst(sst_parts, budget)?;
        let xfs = xf_formats
            .iter()
            .map(|&id| Shown::by_id(u32::from(id), formats.get(&id).map(String::as_str)))
            .collect();
        Ok(Globals {
            sheets,
            sst,
            xfs,
            date1904,
        })
    }

    fn style(&self, xf: u16) -> Shown {
        self.xfs.get(usize::from(xf)).cloned().unwrap_or_default()
    }
}

/// A reader over a record's body and its CONTINUE records, for strings that may be split.
struct Cursor<'a> {
    parts: Vec<&'a [u8]>,
    part: usize,
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn new(parts: Vec<&'a [u8]>) -> Self {
        Cursor {
            parts,
            part: 0,
            pos: 0,
        }
    }

    /// Move past exhausted parts; false at the very end.
    fn settle(&mut self) -> bool {
        while self.part < self.parts.len() && self.pos >= self.parts[self.part].len() {
            self.part += 1;
            self.pos = 0;
        }
        self.part < self.parts.len()
    }

    fn byte(&mut self) -> Option<u8> {
        if !self.settle() {
            return None;
        }
        let b = self.parts[self.part][self.pos];
        self.pos += 1;
        Some(b)
    }

    fn u16(&mut self) -> Option<u16> {
        Some(u16::from_le_bytes([self.byte()?, self.byte()?]))
    }

    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes([
            self.byte()?,
            self.byte()?,
            self.byte()?,
            self.byte()?,
        ]))
    }

    fn skip(&mut self, mut n: usize) -> Option<()> {
        while n > 0 {
            if !self.settle() {
                return None;
            }
            let here = (self.parts[self.part].len() - self.pos).min(n);
            self.pos += here;
            n -= here;
        }
        Some(())
    }

    /// `cch` characters, compressed (one byte, Latin-1) or UTF-16; a string split by a
    /// CONTINUE record restarts there with its own flags byte.
    fn chars(&mut self, cch: usize, mut high: bool) -> Option<String> {
        let mut units: Vec<u16> = Vec::with_capacity(cch);
        while units.len() < cch {
            if self.pos >= self.parts.get(self.part)?.len() {
                self.part += 1;
                self.pos = 0;
                high = self.byte()? & 1 == 1;
                continue;
            }
            let here = &self.parts[self.part][self.pos..];
            let want = cch - units.len();
            if high {
                let n = (here.len() / 2).min(want);
                if n == 0 {
                    // A lone byte before the boundary: damaged.
                    return None;
                }
                units.extend(
                    here[..2 * n]
                        .chunks_exact(2)
                        .map(|c| u16::from_le_bytes([c[0], c[1]])),
                );
                self.pos += 2 * n;
            } else {
                let n = here.len().min(want);
                units.extend(here[..n].iter().map(|&b| u16::from(b)));
                self.pos += n;
            }
        }
        Some(String::from_utf16_lossy(&units))
    }

    /// XLUnicodeRichExtendedString (SST entries) or XLUnicodeString (FORMAT, LABEL, STRING):
    /// a 16-bit length, flags, then optional rich-text runs and phonetic data, skipped.
    fn long_string(&mut self) -> Option<String> {
        let cch = usize::from(self.u16()?);
        self.string_body(cch)
    }

    /// ShortXLUnicodeString (sheet names): an 8-bit length.
    fn short_string(&mut self) -> Option<String> {
        let cch = usize::from(self.byte()?);
        self.string_body(cch)
    }

    fn string_body(&mut self, cch: usize) -> Option<String> {
        let flags = self.byte()?;
        let runs = if flags & 0x08 != 0 { self.u16()? } else { 0 };
        let ext = if flags & 0x04 != 0 { self.u32()? } else { 0 };
        let text = self.chars(cch, flags & 1 == 1)?;
        self.skip(4 * usize::from(runs))?;
        self.skip(ext as usize)?;
        Some(text)
    }
}

/// The shared strings; a damaged tail leaves the strings read so far (cells pointing past
/// them are reported).
fn read_sst(parts: Vec<&[u8]>, budget: &mut Budget) -> Result<Vec<String>, String> {
    let mut cursor = Cursor::new(parts);
    let mut out = Vec::new();
    while cursor.settle() {
        match cursor.long_string() {
            Some(s) => {
                budget.string()?;
                out.push(s.replace("\r\n", "\n").replace('\r', "\n"));
            }
            None => break,
        }
    }
    Ok(out)
}

/// An RK number: a 30-bit integer or the top 30 bits of a double, optionally ÷ 100.
fn rk_value(rk: u32) -> f64 {
    let value = if rk & 2 != 0 {
        f64::from((rk as i32) >> 2)
    } else {
        f64::from_bits(u64::from(rk & 0xFFFF_FFFC) << 32)
    };
    if rk & 1 != 0 { value / 100.0 } else { value }
}

fn error_text(code: u8) -> &'static str {
    match code {
        0x00 => "#NULL!",
        0x07 => "#DIV/0!",
        0x0F => "#VALUE!",
        0x17 => "#REF!",
        0x1D => "#NAME?",
        0x24 => "#NUM!",
        _ => "#N/A",
    }
}

fn sheet_grid(
    stream: &[u8],
    sheet: &SheetEntry,
    globals: &Globals,
    budget: &mut Budget,
) -> Result<Grid, String> {
    let name = sheet.name.clone();
    let mut out = Grid {
        name: name.clone(),
        ..Grid::default()
    };
    let addr =
        |r: u16, c: u16| format!("{name}!{}{}", grid::column_name(u32::from(c)), r as u32 + 1);
    let mut cells: Vec<Cell> = Vec::new();
    let mut merges: Vec<(u32, u32, u32, u32)> = Vec::new();
    let mut notes = grid::Notes::default();
    let number = |r: u16, c: u16, xf: u16, v: f64| -> Option<Cell> {
        // Not a number: kept as its text, so that the mapper leaves the figure to fill and
        // says what the file held.
        if !v.is_finite() {
            let text = if v.is_nan() {
                "NaN"
            } else if v > 0.0 {
                "inf"
            } else {
                "-inf"
            };
            return Some(Cell::text(r.into(), c.into(), text, addr(r, c)));
        }
        let shown = globals.style(xf);
        if shown.date
            && let Some(d) = serial_date(v, globals.date1904)
        {
            return Some(Cell::text(r.into(), c.into(), d, addr(r, c)));
        }
        let number = Number::from_f64(v, shown.percent, shown.decimals).shown_by(&shown);
        let mut cell = Cell::text(r.into(), c.into(), number.text.clone(), addr(r, c));
        cell.number = Some(number);
        Some(cell)
    };
    let mut it = records(stream, sheet.pos);
    // A worksheet's own BOF (substream type 0x0010); anything else means the sheet's offset
    // in the workbook's directory is damaged.
    if !matches!(it.next(), Some((BOF, body)) if u16_at(body, 2) == Some(0x0010)) {
        notes.push(format!(
            "工作表“{name}”的数据位置已损坏，无法读取该表（sheet offset damaged）"
        ));
        out.notes = notes.finish();
        return Ok(out);
    }
    // The sheet's records up to its own EOF (an embedded chart's BOF…EOF nests inside),
    // each charged to the budget: the rest of the stream belongs to other sheets.
    let mut list: Vec<(u16, &[u8])> = Vec::new();
    let mut depth = 1usize;
    for (kind, body) in it {
        budget.record()?;
        match kind {
            BOF => depth += 1,
            EOF => depth -= 1,
            _ => {}
        }
        if depth == 0 {
            break;
        }
        // An embedded chart's records are not the sheet's cells.
        if depth == 1 && kind != EOF {
            list.push((kind, body));
        }
    }
    // A formula whose result is text: the text follows in a STRING record, after any
    // shared-formula, array or table record (and may go on in CONTINUE records).
    let mut pending_string: Option<(u16, u16)> = None;
    // Cells are charged to the budget record by record (a record adds at most a few hundred).
    let mut charged = 0;
    for (index, &(kind, body)) in list.iter().enumerate() {
        for cell in &cells[charged..] {
            budget.cell(&cell.addr, &cell.text)?;
        }
        charged = cells.len();
        if let Some((pr, pc)) = pending_string
            && !matches!(kind, STRING | SHRFMLA | ARRAY | TABLE | CONTINUE)
        {
            notes.push(format!(
                "{} 是公式，文件中缺少它的文字结果，该单元格按空白处理",
                addr(pr, pc)
            ));
            pending_string = None;
        }
        let r = u16_at(body, 0).unwrap_or(0);
        let c = u16_at(body, 2).unwrap_or(0);
        let xf = u16_at(body, 4).unwrap_or(0);
        match kind {
            LABELSST => {
                let index = u32_at(body, 6).unwrap_or(u32::MAX) as usize;
                match globals.sst.get(index) {
                    Some(text) => {
                        cells.push(Cell::text(r.into(), c.into(), text.clone(), addr(r, c)))
                    }
                    None => notes.push(format!(
                        "{} 引用的共享字符串 #{index} 不存在（文件可能已损坏），该单元格按空白处理",
                        addr(r, c)
                    )),
                }
            }
            LABEL | RSTRING => {
                let mut cursor = Cursor::new(vec![body.get(6..).unwrap_or(&[])]);
                match cursor.long_string() {
                    Some(text) => cells.push(Cell::text(r.into(), c.into(), text, addr(r, c))),
                    None => notes.push(format!("{} 的文字无法读取（文件可能已损坏）", addr(r, c))),
                }
            }
            NUMBER => {
                if let Some(bytes) = body.get(6..14) {
                    let v = f64::from_le_bytes(bytes.try_into().unwrap_or([0; 8]));
                    cells.extend(number(r, c, xf, v));
                }
            }
            RK => {
                if let Some(rk) = u32_at(body, 6) {
                    cells.extend(number(r, c, xf, rk_value(rk)));
                }
            }
            MULRK => {
                // row, first column, (xf, rk) × n, last column.
                let pairs = body.len().saturating_sub(6) / 6;
                for i in 0..pairs {
                    let at = 4 + 6 * i;
                    if let (Some(xf), Some(rk)) = (u16_at(body, at), u32_at(body, at + 2)) {
                        let col = c.saturating_add(i as u16);
                        cells.extend(number(r, col, xf, rk_value(rk)));
                    }
                }
            }
            FORMULA => {
                let Some(value) = body.get(6..14) else {
                    continue;
                };
                if value[6] == 0xFF && value[7] == 0xFF {
                    match value[0] {
                        0 => pending_string = Some((r, c)),
                        1 => cells.push(Cell::text(
                            r.into(),
                            c.into(),
                            if value[2] != 0 { "TRUE" } else { "FALSE" },
                            addr(r, c),
                        )),
                        2 => cells.push(Cell::text(
                            r.into(),
                            c.into(),
                            error_text(value[2]),
                            addr(r, c),
                        )),
                        _ => {}
                    }
                } else {
                    let v = f64::from_le_bytes(value.try_into().unwrap_or([0; 8]));
                    cells.extend(number(r, c, xf, v));
                }
            }
            STRING => {
                if let Some((r, c)) = pending_string.take() {
                    let mut parts = vec![body];
                    parts.extend(
                        list[index + 1..]
                            .iter()
                            .take_while(|(k, _)| *k == CONTINUE)
                            .map(|(_, b)| *b),
                    );
                    match Cursor::new(parts).long_string() {
                        Some(text) => cells.push(Cell::text(r.into(), c.into(), text, addr(r, c))),
                        None => notes.push(format!(
                            "{} 的公式文字结果无法读取（文件可能已损坏），该单元格按空白处理",
                            addr(r, c)
                        )),
                    }
                }
            }
            BOOLERR => {
                if let (Some(&v), Some(&is_error)) = (body.get(6), body.get(7)) {
                    let text = if is_error != 0 {
                        error_text(v)
                    } else if v != 0 {
                        "TRUE"
                    } else {
                        "FALSE"
                    };
                    cells.push(Cell::text(r.into(), c.into(), text, addr(r, c)));
                }
            }
            MERGEDCELLS => {
                let count = usize::from(u16_at(body, 0).unwrap_or(0));
                for i in 0..count {
                    let at = 2 + 8 * i;
                    if let (Some(r1), Some(r2), Some(c1), Some(c2)) = (
                        u16_at(body, at),
                        u16_at(body, at + 2),
                        u16_at(body, at + 4),
                        u16_at(body, at + 6),
                    ) {
                        merges.push((r1.into(), c1.into(), r2.into(), c2.into()));
                    }
                }
            }
            EOF => break,
            _ => {}
        }
    }
    if let Some((r, c)) = pending_string {
        notes.push(format!(
            "{} 是公式，文件中缺少它的文字结果，该单元格按空白处理",
            addr(r, c)
        ));
    }
    for cell in &cells[charged..] {
        budget.cell(&cell.addr, &cell.text)?;
    }
    for cell in &mut cells {
        cell.text = cell.text.replace("\r\n", "\n").replace('\r', "\n");
    }
    cells.retain(|c| !c.text.trim().is_empty());
    grid::apply_merges(&mut cells, merges, &name, budget)?;
    cells.sort_by_key(|c| (c.row, c.col));
    out.cells = cells;
    out.notes = notes.finish();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// tests/fixtures/baotou.xls, written by xlwt: cells, merges, formats and strings that
    /// come from the SST's continuation records.
    #[test]
    fn reads_a_workbook_written_by_another_program() {
        let grids =
            crate::import::read(std::path::Path::new("tests/fixtures/baotou.xls")).expect("reads");
        assert_eq!(grids.len(), 2);
        assert_eq!(grids[0].name, "说明");
        assert_eq!(grids[0].cells.len(), 400);
        assert!(grids[0].cells[399].text.starts_with("第400条说明："));
        let form = &grids[1];
        assert_eq!(form.name, "2021自评表");
        assert!(form.notes.is_empty(), "{:?}", form.notes);
        let at = |r: u32, c: u32| form.cells.iter().find(|x| x.row == r && x.col == c);
        let title = at(0, 0).expect("title");
        assert_eq!(
            (title.text.as_str(), title.rows, title.cols),
            ("项目支出绩效自评表", 1, 9)
        );
        let funds = at(4, 0).expect("项目资金");
        assert_eq!((funds.text.as_str(), funds.rows), ("项目资金\n(万元)", 4));
        let rate = at(5, 6).and_then(|c| c.number.clone()).expect("rate");
        assert_eq!(
            (rate.text.as_str(), rate.percent, rate.shown_decimals),
            ("0.78", true, Some(0))
        );
        let executed = at(5, 4).and_then(|c| c.number.clone()).expect("executed");
        assert_eq!((executed.text.as_str(), executed.percent), ("54.91", false));
        assert_eq!(at(5, 2).map(|c| c.text.as_str()), Some("70"));
        let total = at(24, 7).expect("总分");
        assert_eq!(total.text, "94.6");
        assert_eq!(at(24, 0).map(|c| (c.rows, c.cols)), Some((1, 6)));
    }

    /// Damaged copies of the fixture (bytes changed, the file cut short) give an error or
    /// fewer cells, never a panic or a hang.
    #[test]
    fn damaged_workbooks_never_panic() {
        let original = std::fs::read("tests/fixtures/baotou.xls").expect("fixture");
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for round in 0..300 {
            let mut bytes = original.clone();
            // Half of the rounds hit the header, the FAT and the start of the records.
            let span = if round % 2 == 0 {
                4096
            } else {
                bytes.len() as u64
            };
            for _ in 0..1 + round % 8 {
                let at = (next() % span) as usize;
                bytes[at] = next() as u8;
            }
            if round % 5 == 0 {
                bytes.truncate((next() % bytes.len() as u64) as usize);
            }
            if let Ok(file) = Compound::open(&bytes) {
                let _ = read(&file, &mut Budget::default());
            }
        }
    }

    fn record(kind: u16, body: &[u8]) -> Vec<u8> {
        let mut out = kind.to_le_bytes().to_vec();
        out.extend((body.len() as u16).to_le_bytes());
        out.extend(body);
        out
    }

    fn cell_head(row: u16, col: u16) -> Vec<u8> {
        let mut b = row.to_le_bytes().to_vec();
        b.extend(col.to_le_bytes());
        b.extend(0u16.to_le_bytes());
        b
    }

    /// Formula text results after a shared-formula record and across a CONTINUE record, a
    /// text result that never comes, and numbers that are none.
    #[test]
    fn formula_results_and_odd_numbers() {
        let string_result = |row: u16| {
            let mut b = cell_head(row, 0);
            b.extend([0, 0, 0, 0, 0, 0, 0xFF, 0xFF]);
            b.extend([0; 6]);
            b
        };
        let mut stream = record(BOF, &[0x00, 0x06, 0x10, 0x00]);
        stream.extend(record(FORMULA, &string_result(0)));
        stream.extend(record(SHRFMLA, &[0; 10]));
        stream.extend(record(STRING, &[1, 0, 0, b'7']));
        stream.extend(record(FORMULA, &string_result(1)));
        stream.extend(record(STRING, &[3, 0, 0, b'a', b'b']));
        stream.extend(record(CONTINUE, &[0, b'c']));
        stream.extend(record(FORMULA, &string_result(2)));
        let mut nan = cell_head(3, 0);
        nan.extend(f64::NAN.to_le_bytes());
        stream.extend(record(NUMBER, &nan));
        stream.extend(record(EOF, &[]));
        let globals = Globals {
            sheets: Vec::new(),
            sst: Vec::new(),
            xfs: Vec::new(),
            date1904: false,
        };
        let sheet = SheetEntry {
            name: "S".into(),
            pos: 0,
            kind: 0,
        };
        let grid = sheet_grid(&stream, &sheet, &globals, &mut Budget::default()).unwrap();
        let texts: Vec<(u32, &str)> = grid
            .cells
            .iter()
            .map(|c| (c.row, c.text.as_str()))
            .collect();
        assert_eq!(texts, [(0, "7"), (1, "abc"), (3, "NaN")]);
        assert_eq!(grid.notes.len(), 1, "{:?}", grid.notes);
        assert!(grid.notes[0].contains("S!A3 是公式"), "{:?}", grid.notes);
    }

    /// Hostile round 4: three directory entries at one sheet are read once, with a note; a
    /// sheet's records stop at its own EOF (past an embedded chart's), so the records after it
    /// are neither cells of the sheet nor work; non-cell records are charged to the budget.
    #[test]
    fn sheets_stop_at_their_eof_and_shared_offsets_are_read_once() {
        let mut sheet = record(BOF, &[0x00, 0x06, 0x10, 0x00]);
        let mut one = cell_head(0, 0);
        one.extend(1.5f64.to_le_bytes());
        sheet.extend(record(NUMBER, &one));
        sheet.extend(record(BOF, &[0x00, 0x06, 0x20, 0x00]));
        sheet.extend(record(EOF, &[]));
        let mut two = cell_head(1, 0);
        two.extend(2.5f64.to_le_bytes());
        sheet.extend(record(NUMBER, &two));
        sheet.extend(record(EOF, &[]));
        let mut after = cell_head(2, 0);
        after.extend(9.0f64.to_le_bytes());
        sheet.extend(record(NUMBER, &after));
        let entry = |pos: u32, name: &str| {
            let mut b = pos.to_le_bytes().to_vec();
            b.extend([0, 0, name.len() as u8, 0]);
            b.extend(name.as_bytes());
            record(BOUNDSHEET, &b)
        };
        let globals_len =
            |names: &[&str]| 8 + names.iter().map(|n| 4 + 8 + n.len()).sum::<usize>() + 4;
        let names = ["A", "B", "C"];
        let pos = globals_len(&names) as u32;
        let mut stream = record(BOF, &[0x00, 0x06, 0x05, 0x00]);
        for n in names {
            stream.extend(entry(pos, n));
        }
        stream.extend(record(EOF, &[]));
        assert_eq!(stream.len(), pos as usize);
        stream.extend(&sheet);
        let grids = sheets(&stream, &mut Budget::default()).unwrap();
        assert_eq!(grids.len(), 1);
        let texts: Vec<&str> = grids[0].cells.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(texts, ["1.5", "2.5"]);
        assert!(
            grids[0]
                .notes
                .iter()
                .any(|n| n.starts_with("2 张工作表（“B”、“C”）与工作表“A”指向同一份数据")),
            "{:?}",
            grids[0].notes
        );
        // Five million records that are no cells stop at the per-file record limit.
        let mut long = record(BOF, &[0x00, 0x06, 0x10, 0x00]);
        long.extend(record(0x0022, &[]).repeat(5_000_000));
        let sheet = SheetEntry {
            name: "S".into(),
            pos: 0,
            kind: 0,
        };
        let globals = Globals {
            sheets: Vec::new(),
            sst: Vec::new(),
            xfs: Vec::new(),
            date1904: false,
        };
        let err = sheet_grid(&long, &sheet, &globals, &mut Budget::default()).unwrap_err();
        assert!(err.contains("4 000 000 条 .xls 数据记录"), "{err}");
    }

    /// Hostile round 3: one 32 000-character shared string in 60 000 cells (5.7 GB of text
    /// once materialised) stops at the file's text limit.
    #[test]
    fn one_long_string_in_many_cells_is_bounded() {
        let mut stream = record(BOF, &[0x00, 0x06, 0x10, 0x00]);
        for row in 0..60_000u16 {
            let mut body = cell_head(row, 0);
            body.extend(0u32.to_le_bytes());
            stream.extend(record(LABELSST, &body));
        }
        stream.extend(record(EOF, &[]));
        let globals = Globals {
            sheets: Vec::new(),
            sst: vec!["长".repeat(32_000)],
            xfs: Vec::new(),
            date1904: false,
        };
        let sheet = SheetEntry {
            name: "S".into(),
            pos: 0,
            kind: 0,
        };
        let err = sheet_grid(&stream, &sheet, &globals, &mut Budget::default()).unwrap_err();
        assert!(
            err.contains("64 MB 的单元格文字（每个文件的上限）"),
            "{err}"
        );
    }

    #[test]
    fn rk_numbers() {
        // 1 as an integer RK, 1.23 as an integer ÷ 100, 0.5 as a truncated double.
        assert_eq!(rk_value((1 << 2) | 2), 1.0);
        assert_eq!(rk_value((123 << 2) | 3), 1.23);
        assert_eq!(rk_value(((-7i32) << 2) as u32 | 2), -7.0);
        let half = (0.5f64.to_bits() >> 32) as u32;
        assert_eq!(rk_value(half), 0.5);
    }

    #[test]
    fn strings_split_across_continue_records() {
        // "年初预算数" as UTF-16, split after two characters; the CONTINUE part restarts with
        // a flags byte. Then "ab" compressed.
        let text: Vec<u16> = "年初预算数".encode_utf16().collect();
        let mut first = vec![5, 0, 1];
        for u in &text[..2] {
            first.extend(u.to_le_bytes());
        }
        let mut second = vec![1];
        for u in &text[2..] {
            second.extend(u.to_le_bytes());
        }
        second.extend([2, 0, 0, b'a', b'b']);
        let mut budget = Budget::default();
        let sst = read_sst(vec![&first, &second], &mut budget).unwrap();
        assert_eq!(sst, vec!["年初预算数".to_string(), "ab".to_string()]);
        // A rich string: runs skipped. A string whose tail is missing ends the table.
        let rich = [1, 0, 0x08, 1, 0, b'x', 0, 0, 0, 0, 3, 0, 0, b'y'];
        assert_eq!(
            read_sst(vec![&rich], &mut budget).unwrap(),
            vec!["x".to_string()]
        );
        // Hostile round 3: a table of a million and more empty strings (3 bytes each).
        let empty = [0u8, 0, 0].repeat(1_000_001);
        let err = read_sst(vec![&empty], &mut Budget::default()).unwrap_err();
        assert!(
            err.contains("1 000 000 个共享字符串（每个文件的上限）"),
            "{err}"
        );
    }

    #[test]
    fn password_and_old_formats_are_named() {
        // BOF (BIFF8) then FILEPASS.
        let mut stream = vec![0x09, 0x08, 4, 0, 0x00, 0x06, 0x05, 0x00];
        stream.extend([0x2F, 0x00, 2, 0, 1, 0]);
        let err = Globals::read(&stream, &mut Budget::default())
            .err()
            .unwrap_or_default();
        assert!(err.contains("打开密码"), "{err}");
        let biff5 = [0x09, 0x08, 4, 0, 0x00, 0x05, 0x05, 0x00];
        let err = Globals::read(&biff5, &mut Budget::default())
            .err()
            .unwrap_or_default();
        assert!(err.contains("Excel 5.0/95"), "{err}");
        assert!(Globals::read(b"garbage", &mut Budget::default()).is_err());
    }
}
