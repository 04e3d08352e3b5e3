//! One table model for every input format: the cells of a worksheet or of a Word document's
//! tables, with what each cell holds and which rows and columns it covers, so that one mapper
//! recognises a form whichever program wrote it.

/// What a numeric cell holds: the stored number and how it is shown.
#[derive(Debug, Clone, PartialEq)]
pub struct Number {
    /// The stored value written as the shortest decimal that reads back as the same binary
    /// number (`0.1` stays `0.1`), never rounded to the display.
    pub text: String,
    /// The cell's number format shows a percentage (`0.00%`): the stored value is a fraction.
    pub percent: bool,
    /// Decimal places the number format shows (`0.00` → 2), when it says so.
    pub shown_decimals: Option<u32>,
    /// The stored value when it has more than the 15 significant digits Excel keeps and shows
    /// (`94.60000000000001`, left by a formula): `text` is then the value as Excel shows it.
    pub stored: Option<String>,
    /// A % sign the format writes as text (`0.00!%`): the value itself is the percentage.
    pub literal_percent: bool,
    /// The number format moved the decimal point (`#,##0.00,`, `0!.0000`): `text` is the
    /// value shown; this is the stored value and the format code.
    pub scaled_from: Option<(String, String)>,
    /// The cell shows a number that cannot be computed exactly from the stored one: what shows
    /// it (`数字格式“0"-"00”`), for the message.
    pub unreadable: Option<String>,
}

/// Excel computes with doubles but shows and keeps at most 15 significant digits.
const EXCEL_DIGITS: usize = 15;

impl Number {
    /// A stored binary number (`.xls`, and `.xlsx` values not written as plain decimals):
    /// the shortest decimal that reads back as it, or, past 15 significant digits, the value
    /// as Excel shows it.
    pub fn from_f64(value: f64, percent: bool, shown_decimals: Option<u32>) -> Number {
        let exact = shortest(value);
        let (text, stored) = if significant_digits(&exact) <= EXCEL_DIGITS {
            (exact, None)
        } else {
            // Rounded in decimal text, never through another double: 1.797e308 rounded to 15
            // digits is no double at all (it would read back as infinity).
            let shown = plain(&format!("{:.*e}", EXCEL_DIGITS - 1, value));
            (shown, Some(exact))
        };
        Number {
            text,
            percent,
            shown_decimals,
            stored,
            literal_percent: false,
            scaled_from: None,
            unreadable: None,
        }
    }

    /// A number the file writes as decimal text (`<v>` of an `.xlsx`, `office:value` of an
    /// `.ods`): that text itself when it is a plain decimal Excel would show as written, else
    /// as [`Number::from_f64`]. `None` when it is not a finite number.
    pub fn from_text(text: &str, percent: bool, shown_decimals: Option<u32>) -> Option<Number> {
        let t = text.trim();
        let plain = !t.is_empty()
            && t.strip_prefix('-')
                .unwrap_or(t)
                .bytes()
                .all(|b| b.is_ascii_digit() || b == b'.')
            && t.matches('.').count() <= 1;
        if plain
            && significant_digits(t) <= EXCEL_DIGITS
            && let Ok(d) = rust_decimal::Decimal::from_str_exact(t)
        {
            let d = d.normalize();
            let text = if d.is_zero() {
                "0".to_string()
            } else {
                d.to_string()
            };
            return Some(Number {
                text,
                percent,
                shown_decimals,
                stored: None,
                literal_percent: false,
                scaled_from: None,
                unreadable: None,
            });
        }
        let v = t.parse::<f64>().ok().filter(|v| v.is_finite())?;
        // Below the double range (`1E-400` reads as 0): the value the file writes, exactly, so
        // that it is left to fill as out of range rather than read as 0.
        let mantissa = t.split(['e', 'E']).next().unwrap_or("");
        if v == 0.0 && mantissa.bytes().any(|b| matches!(b, b'1'..=b'9')) {
            let mut n = Number::from_f64(0.0, percent, shown_decimals);
            n.text = self::plain(&t.to_ascii_lowercase());
            return Some(n);
        }
        Some(Number::from_f64(v, percent, shown_decimals))
    }

    /// A number of a cell whose format is `shown`: the value as the cell shows it when the
    /// format moves the decimal point, marked unreadable when the shown number cannot be
    /// computed exactly.
    pub fn shown_by(mut self, shown: &super::numfmt::Shown) -> Number {
        self.literal_percent = shown.literal_percent;
        let by = || format!("其数字格式“{}”", shown.code);
        if shown.unreadable {
            self.unreadable = Some(by());
        } else if shown.shift != 0 {
            match super::numfmt::shift_point(&self.text, shown.shift) {
                Some(moved) => {
                    let stored = std::mem::replace(&mut self.text, moved);
                    self.scaled_from = Some((stored, shown.code.clone()));
                }
                None => self.unreadable = Some(by()),
            }
        }
        self
    }
}

/// `1.23e-5` (Rust's `{:e}`) as a plain decimal, trailing zeros dropped: `0.0000123`. The
/// decimal point is moved by `numfmt::shift_point`, which also bounds the exponent, so a
/// file's `1E-99999` cannot make a string of 99 999 zeros; such a text is kept as written.
fn plain(scientific: &str) -> String {
    let (mantissa, exponent) = scientific.split_once('e').unwrap_or((scientific, "0"));
    exponent
        .parse()
        .ok()
        .and_then(|shift| super::numfmt::shift_point(mantissa, shift))
        .unwrap_or_else(|| scientific.to_string())
}

/// Significant digits of a plain decimal text: `0.0120` → 2, `123000` → 3.
fn significant_digits(text: &str) -> usize {
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    digits.trim_start_matches('0').trim_end_matches('0').len()
}

/// One cell; a merged range is one cell covering `rows × cols`.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    /// 0-based position of the top-left corner.
    pub row: u32,
    pub col: u32,
    pub rows: u32,
    pub cols: u32,
    /// The text as shown (for a number: its stored value, see [`Number`]); line breaks as `\n`.
    pub text: String,
    pub number: Option<Number>,
    /// Where the cell is, for messages: `Sheet1!B7`, `表2!C3`.
    pub addr: String,
    /// A figure the program that wrote the workbook computed (jixiao marks its 执行率, 得分,
    /// 总分 and summed cells): never read back as a figure the form states.
    pub computed: bool,
}

impl Cell {
    /// A text cell.
    pub fn text(row: u32, col: u32, text: impl Into<String>, addr: String) -> Self {
        Cell {
            row,
            col,
            rows: 1,
            cols: 1,
            text: text.into(),
            number: None,
            addr,
            computed: false,
        }
    }

    /// Last column covered (inclusive).
    pub fn last_col(&self) -> u32 {
        self.col.saturating_add(self.cols.max(1) - 1)
    }

    /// Whether the cell shares a column with `other`.
    pub fn overlaps(&self, other: &Cell) -> bool {
        self.col <= other.last_col() && other.col <= self.last_col()
    }

    pub fn is_blank(&self) -> bool {
        self.text.trim().is_empty()
    }
}

/// Notes kept per sheet: a damaged file may have a problem in every one of a million cells.
const NOTES_KEPT: usize = 50;

/// A reader's notes on one sheet: the first [`NOTES_KEPT`] kept, the rest counted.
#[derive(Debug, Default)]
pub struct Notes {
    list: Vec<String>,
    more: usize,
}

impl Notes {
    pub fn push(&mut self, note: String) {
        if self.list.len() < NOTES_KEPT {
            self.list.push(note);
        } else {
            self.more += 1;
        }
    }

    /// The notes, with one more saying how many were left out.
    pub fn finish(mut self) -> Vec<String> {
        if self.more > 0 {
            self.list
                .push(format!("……另有 {} 处类似的问题未逐一列出", self.more));
        }
        self.list
    }
}

/// A worksheet, or a Word document's tables stacked one below the other.
#[derive(Debug, Clone, Default)]
pub struct Grid {
    /// The sheet's name, or the document's file name.
    pub name: String,
    /// A Word document (paragraphs and tables) rather than a worksheet.
    pub document: bool,
    /// Cells in reading order (by row, then column); blank cells may be left out.
    pub cells: Vec<Cell>,
    /// What the reader could not take as it stood (a cell pointing at a missing string, an
    /// address that is not one), in Chinese, for the user: nothing is dropped silently.
    pub notes: Vec<String>,
    /// The workbook was written by jixiao (`render --format xlsx`): its version.
    pub jixiao: Option<String>,
}

impl Grid {
    /// Cells grouped by row, in reading order, blank cells left out.
    pub fn rows(&self) -> Vec<Vec<&Cell>> {
        let mut cells: Vec<&Cell> = self.cells.iter().filter(|c| !c.is_blank()).collect();
        cells.sort_by_key(|c| (c.row, c.col));
        let mut rows: Vec<Vec<&Cell>> = Vec::new();
        for cell in cells {
            match rows.last_mut() {
                Some(row) if row[0].row == cell.row => row.push(cell),
                _ => rows.push(vec![cell]),
            }
        }
        rows
    }
}

/// Give each merged range (top, left, bottom, right; either corner first) its top-left cell's
/// size; a range whose value is empty gets an empty cell so the layout keeps its extent.
/// Blank cells inside a range are dropped by the readers (Excel shows only the top-left value);
/// non-blank ones are kept so nothing is lost.
pub fn apply_merges(
    cells: &mut Vec<Cell>,
    ranges: impl IntoIterator<Item = (u32, u32, u32, u32)>,
    sheet: &str,
    budget: &mut super::budget::Budget,
) -> Result<(), String> {
    let mut at: std::collections::HashMap<(u32, u32), usize> = cells
        .iter()
        .enumerate()
        .map(|(i, c)| ((c.row, c.col), i))
        .collect();
    for (r1, c1, r2, c2) in ranges {
        let (top, bottom) = (r1.min(r2), r1.max(r2));
        let (left, right) = (c1.min(c2), c1.max(c2));
        let index = match at.get(&(top, left)) {
            Some(&i) => i,
            None => {
                let addr = format!("{sheet}!{}{}", column_name(left), u64::from(top) + 1);
                budget.cell(&addr, "")?;
                cells.push(Cell::text(top, left, "", addr));
                at.insert((top, left), cells.len() - 1);
                cells.len() - 1
            }
        };
        cells[index].rows = bottom - top + 1;
        cells[index].cols = right - left + 1;
    }
    Ok(())
}

/// Spreadsheet column letters: 0 → A, 25 → Z, 26 → AA.
pub fn column_name(mut col: u32) -> String {
    let mut name = Vec::new();
    loop {
        name.push(b'A' + (col % 26) as u8);
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    name.reverse();
    String::from_utf8(name).unwrap_or_default()
}

/// `B7` → (row 6, col 1).
pub fn parse_ref(text: &str) -> Option<(u32, u32)> {
    let text = text.trim().trim_start_matches('$');
    let split = text.find(|c: char| c.is_ascii_digit())?;
    let (letters, digits) = text.split_at(split);
    let letters = letters.trim_end_matches('$');
    if letters.is_empty() || letters.len() > 3 || !letters.bytes().all(|b| b.is_ascii_alphabetic())
    {
        return None;
    }
    let mut col: u32 = 0;
    for b in letters.bytes() {
        col = col * 26 + u32::from(b.to_ascii_uppercase() - b'A') + 1;
    }
    let row: u32 = digits.parse().ok()?;
    if row == 0 {
        return None;
    }
    Some((row - 1, col - 1))
}

/// The shortest decimal text that reads back as `value` (Rust's `Display` of `f64` is
/// shortest-round-trip and never uses an exponent): `0.1` → `0.1`, `70.0` → `70`.
pub fn shortest(value: f64) -> String {
    if value == 0.0 {
        return "0".to_string();
    }
    format!("{value}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_and_columns() {
        assert_eq!(parse_ref("B7"), Some((6, 1)));
        assert_eq!(parse_ref("$AA$10"), Some((9, 26)));
        assert_eq!(parse_ref("A0"), None);
        assert_eq!(column_name(0), "A");
        assert_eq!(column_name(25), "Z");
        assert_eq!(column_name(26), "AA");
        assert_eq!(column_name(27), "AB");
        assert_eq!(column_name(701), "ZZ");
        assert_eq!(column_name(702), "AAA");
    }

    #[test]
    fn numbers_as_excel_keeps_them() {
        let n = Number::from_f64(94.600_000_000_000_01, false, Some(1));
        assert_eq!(
            (n.text.as_str(), n.stored.as_deref()),
            ("94.6", Some("94.60000000000001"))
        );
        let n = Number::from_f64(0.1 + 0.2, false, None);
        assert_eq!(n.text, "0.3");
        // Hostile round 3: the largest double was "inf" after rounding through a double.
        let n = Number::from_f64(f64::MAX, false, None);
        assert_eq!(n.text, format!("179769313486232{}", "0".repeat(294)));
        let n = Number::from_f64(-1.234_567_890_123_456_7e-30, true, None);
        assert_eq!(n.text, format!("-0.{}123456789012346", "0".repeat(29)));
        assert_eq!(plain("1.5e0"), "1.5");
        assert_eq!(plain("1.00000000000000e2"), "100");
        assert_eq!(plain("9.99e-1"), "0.999");
        // An exponent past what shift_point moves is kept as written, not expanded.
        assert_eq!(plain("1e-99999"), "1e-99999");
        assert_eq!(plain("1e-400"), format!("0.{}1", "0".repeat(399)));
        assert_eq!(Number::from_f64(54.91, false, None).stored, None);
        let text = |t: &str| Number::from_text(t, false, None).map(|n| (n.text, n.stored));
        assert_eq!(text("70.0"), Some(("70".into(), None)));
        assert_eq!(text("0.1"), Some(("0.1".into(), None)));
        assert_eq!(text("-0"), Some(("0".into(), None)));
        assert_eq!(text("1e-7"), Some(("0.0000001".into(), None)));
        assert_eq!(
            text("123456789012345678"),
            Some((
                "123456789012346000".into(),
                Some("123456789012345680".into())
            ))
        );
        assert_eq!(text("NaN"), None);
        // Hostile round 4: below the double range, never "0".
        let tiny = text("1E-400").unwrap().0;
        assert_eq!(tiny, format!("0.{}1", "0".repeat(399)));
        assert_eq!(
            text("-2.5e-400").unwrap().0,
            format!("-0.{}25", "0".repeat(399))
        );
        assert_eq!(text("abc"), None);
    }

    #[test]
    fn notes_are_bounded() {
        let mut notes = Notes::default();
        for i in 0..1_000 {
            notes.push(format!("第 {i} 处"));
        }
        let list = notes.finish();
        assert_eq!(list.len(), NOTES_KEPT + 1);
        assert_eq!(list[NOTES_KEPT], "……另有 950 处类似的问题未逐一列出");
    }

    #[test]
    fn shortest_round_trip() {
        assert_eq!(shortest(0.1), "0.1");
        assert_eq!(shortest(70.0), "70");
        assert_eq!(shortest(54.91), "54.91");
        assert_eq!(shortest(0.1 + 0.2), "0.30000000000000004");
        assert_eq!(shortest(-0.0), "0");
        assert_eq!(shortest(1e-7), "0.0000001");
    }
}
