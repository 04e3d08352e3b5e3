//! What one import may read, per file and across the whole run: cells, their text, sheets, and
//! the XML behind them (bytes, elements, attributes, nesting depth). A form is a few hundred
//! cells; these bounds are thousands of times that, yet a small hostile file (a repeat bomb, one
//! huge string referenced from every cell, a million nested elements) stops at them in bounded
//! time and memory, with a Chinese message that names the limit and what to do.

/// Characters one cell may hold: Excel's own limit.
pub const CELL_CHARS: usize = 32_767;
/// Deepest XML nesting read; Office files nest a few dozen levels.
pub const XML_DEPTH: usize = 1_000;

/// What is counted, in this order: cells, their text bytes, sheets, XML bytes (unzipped), XML
/// elements, XML attributes, shared strings, `.xls` records.
type Used = [usize; 8];
const CELLS: usize = 0;
const TEXT: usize = 1;
const SHEETS: usize = 2;
const XML: usize = 3;
const ELEMENTS: usize = 4;
const ATTRIBUTES: usize = 5;
const STRINGS: usize = 6;
const RECORDS: usize = 7;

/// Per file: far beyond any form (a form is a few hundred cells).
const FILE: Used = [
    500_000,
    64 << 20,
    4_096,
    256 << 20,
    3_000_000,
    6_000_000,
    1_000_000,
    4_000_000,
];
/// Per run: a department's folder of forms fits many times over.
const RUN: Used = [
    2_000_000,
    256 << 20,
    20_000,
    2 << 30,
    30_000_000,
    60_000_000,
    10_000_000,
    40_000_000,
];

/// How a limit is named in a message: "500 000 个单元格", "64 MB 的单元格文字".
fn limit_text(what: usize, n: usize) -> String {
    match what {
        CELLS => format!("{} 个单元格", grouped(n)),
        TEXT => format!("{} MB 的单元格文字", n >> 20),
        SHEETS => format!("{} 张工作表", grouped(n)),
        XML => format!("{} MB 的 XML（解压后）", n >> 20),
        ELEMENTS => format!("{} 个 XML 元素", grouped(n)),
        ATTRIBUTES => format!("{} 个 XML 属性", grouped(n)),
        STRINGS => format!("{} 个共享字符串", grouped(n)),
        _ => format!("{} 条 .xls 数据记录", grouped(n)),
    }
}

/// The budget of one import run; [`Budget::start_file`] before each input.
#[derive(Debug, Default)]
pub struct Budget {
    file: Used,
    run: Used,
}

/// `500000` → `500 000`.
fn grouped(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

impl Budget {
    /// Begin the next input file.
    pub fn start_file(&mut self) {
        self.file = Used::default();
    }

    /// A file that could not be read frees what its cells held; the work its XML cost stays
    /// counted, so many hostile files still end in bounded time.
    pub fn refund_file(&mut self) {
        for what in [CELLS, TEXT, SHEETS, STRINGS] {
            self.run[what] = self.run[what].saturating_sub(self.file[what]);
        }
        self.file = Used::default();
    }

    /// One more cell (blank or not) at `addr` holding `text`.
    pub fn cell(&mut self, addr: &str, text: &str) -> Result<(), String> {
        if text.len() > CELL_CHARS {
            let chars = text.chars().count();
            if chars > CELL_CHARS {
                return Err(format!(
                    "单元格 {addr} 有 {} 个字符，超过一个单元格的上限 {} 个字符（Excel 的上限），不像自评表的内容：请删去或拆分该单元格后再导入 (cell text too long)",
                    grouped(chars),
                    grouped(CELL_CHARS)
                ));
            }
        }
        self.charge(CELLS, 1)?;
        self.charge(TEXT, text.len())
    }

    /// One more shared string (a workbook's table of the texts its cells point at).
    pub fn string(&mut self) -> Result<(), String> {
        self.charge(STRINGS, 1)
    }

    /// One more record of an `.xls` stream, cell or not: reading them is the work.
    pub fn record(&mut self) -> Result<(), String> {
        self.charge(RECORDS, 1)
    }

    /// XML bytes that may still be unpacked: what the file's and the run's budgets have left.
    pub fn xml_room(&self) -> usize {
        (FILE[XML].saturating_sub(self.file[XML])).min(RUN[XML].saturating_sub(self.run[XML]))
    }

    /// A part refused after `bytes` were unpacked: the work is charged (and told when it is
    /// what the budget refuses).
    pub fn xml_refused(&mut self, bytes: usize) -> Result<(), String> {
        self.charge(XML, bytes)
    }

    /// One more worksheet (or document).
    pub fn sheet(&mut self) -> Result<(), String> {
        self.charge(SHEETS, 1)
    }

    /// One XML part about to be parsed: its size, elements, attributes and nesting are
    /// counted without parsing (a linear pass over the bytes), so that neither the parser nor
    /// the readers walking its tree meet more than the budget allows.
    pub fn xml(&mut self, what: &str, text: &str) -> Result<(), String> {
        let shape = shape(text.as_bytes());
        if shape.depth > XML_DEPTH {
            return Err(format!(
                "{what} 的 XML 嵌套超过 {} 层（第 {} 行），Excel、WPS、Word 不会写出这样的文件，文件可能已损坏或被改动：请在 Excel/WPS/Word 中打开后另存，再导入 (XML nested too deeply)",
                grouped(XML_DEPTH),
                shape.deep_line
            ));
        }
        self.charge(XML, text.len())?;
        self.charge(ELEMENTS, shape.elements)?;
        self.charge(ATTRIBUTES, shape.attributes)
    }

    fn charge(&mut self, what: usize, amount: usize) -> Result<(), String> {
        self.file[what] = self.file[what].saturating_add(amount);
        self.run[what] = self.run[what].saturating_add(amount);
        if self.file[what] > FILE[what] {
            return Err(format!(
                "文件中超过 {}（每个文件的上限），不像一份自评表：请把自评表复制到一个新文件（只留自评表所在的工作表或表格）后再导入 (file too large to import)",
                limit_text(what, FILE[what])
            ));
        }
        if self.run[what] > RUN[what] {
            return Err(format!(
                "本次导入的文件合计超过 {}（一次导入的上限）：请分几次导入，每次少一些文件 (import run too large)",
                limit_text(what, RUN[what])
            ));
        }
        Ok(())
    }
}

/// Nodes the XML parser may create for one part (elements, and the text between them): a
/// second guard behind [`Budget::xml`]'s count.
pub const NODES_LIMIT: u32 = 3 * FILE[ELEMENTS] as u32 + 16;

/// What a pass over XML bytes counts.
#[derive(Debug, Default, PartialEq)]
struct Shape {
    elements: usize,
    attributes: usize,
    depth: usize,
    /// The line where the nesting first went past [`XML_DEPTH`].
    deep_line: usize,
}

/// Count the elements, attributes and nesting of XML bytes in one linear pass, skipping
/// comments, CDATA, processing instructions and the DOCTYPE. Malformed XML is counted as far
/// as it goes (the parser reports it afterwards).
fn shape(bytes: &[u8]) -> Shape {
    let mut shape = Shape::default();
    let mut depth = 0usize;
    let mut i = 0;
    let find = |from: usize, pat: &[u8]| -> usize {
        bytes[from.min(bytes.len())..]
            .windows(pat.len())
            .position(|w| w == pat)
            .map_or(bytes.len(), |p| from + p + pat.len())
    };
    while let Some(p) = bytes[i..].iter().position(|&b| b == b'<') {
        let start = i + p;
        let rest = &bytes[start..];
        i = if rest.starts_with(b"<!--") {
            find(start + 4, b"-->")
        } else if rest.starts_with(b"<![CDATA[") {
            find(start + 9, b"]]>")
        } else if rest.starts_with(b"<?") {
            find(start + 2, b"?>")
        } else if rest.starts_with(b"<!") {
            doctype_end(bytes, start)
        } else if rest.starts_with(b"</") {
            depth = depth.saturating_sub(1);
            find(start + 2, b">")
        } else {
            let (end, attributes, closed) = start_tag(bytes, start + 1);
            shape.elements += 1;
            shape.attributes += attributes;
            if !closed {
                depth += 1;
                if depth > shape.depth {
                    shape.depth = depth;
                    if depth == XML_DEPTH + 1 {
                        shape.deep_line =
                            1 + bytes[..start].iter().filter(|&&b| b == b'\n').count();
                    }
                }
            }
            end
        };
        if i >= bytes.len() {
            break;
        }
    }
    shape
}

/// The end of a start tag from just after its `<`: (index after `>`, attributes, self-closed).
fn start_tag(bytes: &[u8], mut i: usize) -> (usize, usize, bool) {
    let mut attributes = 0;
    let mut quote: Option<u8> = None;
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None => match b {
                b'"' | b'\'' => quote = Some(b),
                b'=' => attributes += 1,
                b'>' => return (i + 1, attributes, i > 0 && bytes[i - 1] == b'/'),
                _ => {}
            },
        }
        i += 1;
    }
    (bytes.len(), attributes, true)
}

/// The end of `<!DOCTYPE …>`, with its internal subset in `[…]`.
fn doctype_end(bytes: &[u8], start: usize) -> usize {
    let mut bracket = false;
    let mut quote: Option<u8> = None;
    for (i, &b) in bytes.iter().enumerate().skip(start + 2) {
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None => match b {
                b'"' | b'\'' => quote = Some(b),
                b'[' => bracket = true,
                b']' => bracket = false,
                b'>' if !bracket => return i + 1,
                _ => {}
            },
        }
    }
    bytes.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_is_counted_without_parsing() {
        let xml = br#"<?xml version="1.0"?><!DOCTYPE a [<!ENTITY e "<x>">]><a k="1" j='>'><!-- <b> --><b/><c><![CDATA[<d>]]></c></a>"#;
        assert_eq!(
            shape(xml),
            Shape {
                elements: 3,
                attributes: 2,
                depth: 2,
                deep_line: 0
            }
        );
        let deep = format!(
            "<a>\n{}{}",
            "<b>".repeat(XML_DEPTH),
            "</b>".repeat(XML_DEPTH)
        );
        let s = shape(deep.as_bytes());
        assert_eq!((s.depth, s.deep_line), (XML_DEPTH + 1, 2));
        assert_eq!(grouped(32_767), "32 767");
        assert_eq!(grouped(500), "500");
        assert_eq!(grouped(1_000_000), "1 000 000");
    }

    #[test]
    fn limits_per_file_and_per_run() {
        let mut b = Budget::default();
        let long = "长".repeat(CELL_CHARS + 1);
        let err = b.cell("S!A1", &long).unwrap_err();
        assert!(err.contains("S!A1") && err.contains("32 767"), "{err}");
        assert!(b.cell("S!A1", &"长".repeat(CELL_CHARS)).is_ok());
        for _ in 0..FILE[CELLS] - 1 {
            b.cell("S!A1", "").unwrap();
        }
        let err = b.cell("S!A1", "x").unwrap_err();
        assert!(err.contains("500 000 个单元格（每个文件的上限）"), "{err}");
        // A refused file frees its cells for the next one.
        b.refund_file();
        b.start_file();
        assert!(b.cell("S!A1", "x").is_ok());
        let mut b = Budget::default();
        for _ in 0..4 {
            b.start_file();
            for _ in 0..FILE[CELLS] {
                b.cell("S!A1", "").unwrap();
            }
        }
        b.start_file();
        let err = b.cell("S!A1", "").unwrap_err();
        assert!(
            err.contains("本次导入的文件合计超过 2 000 000 个单元格"),
            "{err}"
        );
    }
}
