//! What a spreadsheet number format does to the number it shows: a percentage, decimals, a
//! date, and the formats that show another number than the stored one (`#,##0.00,` shows
//! 400000 as 400.00; the Chinese 万元 trick `0!.0000` shows 4500000 as 450.0000). A figure is
//! taken as the cell shows it when that is an exact move of the decimal point, and left to fill
//! when the display cannot be computed exactly: never a different number silently.

/// How a cell's number format shows its value.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Shown {
    /// A real percentage (`0.00%`): the stored value ×100, with a % sign.
    pub percent: bool,
    /// A % sign written as text (`0.00!%`, `0.00"%"`): the stored value itself, with a % sign.
    pub literal_percent: bool,
    /// Decimal places shown, when the format says.
    pub decimals: Option<u32>,
    /// A date format.
    pub date: bool,
    /// The shown value is the stored one × 10^shift (−3 per trailing comma, −4 for `0!.0000`).
    pub shift: i32,
    /// The format shows a number that cannot be computed exactly from the stored one (digits
    /// interleaved with text, conditions, sections that scale differently).
    pub unreadable: bool,
    /// The format code, for messages.
    pub code: String,
}

impl Shown {
    /// Read a format code (the built-in code for a built-in format id).
    pub fn of(code: &str, date: bool) -> Shown {
        let sections: Vec<String> = split_sections(code);
        let first = analyse(sections.first().map_or("", String::as_str));
        // Sections for negatives and zero that scale unlike the first: the display of one sign
        // would need its own rule; such a format is read as not computable.
        let differs = sections.iter().take(3).skip(1).any(|s| {
            let a = analyse(s);
            a.digits && (a.shift != first.shift || a.percent != first.percent)
        });
        Shown {
            percent: first.percent,
            literal_percent: first.literal_percent,
            decimals: if first.digits { first.decimals } else { None },
            date,
            shift: first.shift,
            unreadable: first.unreadable || differs,
            code: code.to_string(),
        }
    }

    /// The format of a cell style: its code when the file gives one, else the built-in one.
    pub fn by_id(id: u32, code: Option<&str>) -> Shown {
        match code.map(str::to_string).or_else(|| builtin_format(id)) {
            Some(code) => Shown::of(&code, is_date_format(&code)),
            None => Shown {
                date: is_builtin_date(id),
                ..Shown::default()
            },
        }
    }

    /// Whether the format changes the number shown (beyond percentages and rounding).
    pub fn scales(&self) -> bool {
        self.shift != 0 || self.unreadable || self.literal_percent
    }
}

/// The built-in number formats that matter here (ECMA-376 §18.8.30).
fn builtin_format(id: u32) -> Option<String> {
    let code = match id {
        1 => "0",
        2 => "0.00",
        3 => "#,##0",
        4 => "#,##0.00",
        9 => "0%",
        10 => "0.00%",
        37 | 38 => "#,##0 ;(#,##0)",
        39 | 40 => "#,##0.00;(#,##0.00)",
        14 => "yyyy-mm-dd",
        _ => return None,
    };
    Some(code.to_string())
}

/// A date format: y, m, d letters outside quotes and brackets (and not only `[h]` times).
fn is_date_format(code: &str) -> bool {
    let mut visible = String::new();
    let mut quoted = false;
    let mut bracket = false;
    for c in code.chars() {
        match c {
            '"' => quoted = !quoted,
            '[' if !quoted => bracket = true,
            ']' if !quoted => bracket = false,
            _ if !quoted && !bracket => visible.push(c.to_ascii_lowercase()),
            _ => {}
        }
    }
    visible.contains('y') || visible.contains('d')
}

/// The built-in ids that are dates in every locale (14–22) and in the Chinese, Japanese and
/// Korean ones (27–36, 50–58: `yyyy"年"m"月"d"日"` and the like), with the times 45–47.
fn is_builtin_date(id: u32) -> bool {
    matches!(id, 14..=22 | 27..=36 | 45..=47 | 50..=58)
}

/// One section's analysis.
#[derive(Default)]
struct Section {
    digits: bool,
    percent: bool,
    literal_percent: bool,
    decimals: Option<u32>,
    shift: i32,
    unreadable: bool,
}

/// A token of a format section.
#[derive(Debug, PartialEq)]
enum Token {
    Digit,
    Point,
    Comma,
    Percent,
    /// Text shown as written (quoted, escaped with `\` or `!`, or a plain character).
    Literal(char),
    /// `[…]`: a colour or locale (ignored), or a condition (`[>100]`).
    Bracket(bool),
    Exponent,
}

/// The sections of a code (`;` outside quotes and escapes).
fn split_sections(code: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut chars = code.chars();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        let last = out.last_mut().expect("never empty");
        match c {
            '"' => {
                quoted = !quoted;
                last.push(c);
            }
            '\\' | '!' | '_' | '*' if !quoted => {
                last.push(c);
                if let Some(n) = chars.next() {
                    last.push(n);
                }
            }
            ';' if !quoted => out.push(String::new()),
            _ => last.push(c),
        }
    }
    out
}

fn tokens(section: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut chars = section.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                for q in chars.by_ref() {
                    if q == '"' {
                        break;
                    }
                    out.push(Token::Literal(q));
                }
            }
            '\\' | '!' => {
                if let Some(n) = chars.next() {
                    out.push(Token::Literal(n));
                }
            }
            // Spacing and fill characters show no text of their own.
            '_' | '*' => {
                chars.next();
            }
            '[' => {
                let mut inner = String::new();
                for q in chars.by_ref() {
                    if q == ']' {
                        break;
                    }
                    inner.push(q);
                }
                out.push(Token::Bracket(inner.starts_with(['<', '>', '='])));
            }
            '0' | '#' | '?' => out.push(Token::Digit),
            '.' => out.push(Token::Point),
            ',' => out.push(Token::Comma),
            '%' => out.push(Token::Percent),
            'E' | 'e' if matches!(chars.peek(), Some('+' | '-')) => {
                chars.next();
                out.push(Token::Exponent);
            }
            _ => out.push(Token::Literal(c)),
        }
    }
    out
}

fn analyse(section: &str) -> Section {
    let tokens = tokens(section);
    let mut s = Section::default();
    let first = tokens.iter().position(|t| *t == Token::Digit);
    let last = tokens.iter().rposition(|t| *t == Token::Digit);
    let (Some(first), Some(last)) = (first, last) else {
        // No digits: General, text or a date (their own rules).
        s.percent = tokens.contains(&Token::Percent);
        return s;
    };
    s.digits = true;
    let mut point: Option<usize> = None;
    let mut literal_point: Option<usize> = None;
    let percents = tokens.iter().filter(|t| **t == Token::Percent).count();
    for (i, t) in tokens.iter().enumerate() {
        match t {
            Token::Point if point.is_none() && i < last => point = Some(i),
            Token::Point if i > first && i < last => s.unreadable = true,
            Token::Literal('.') if i > first && i < last => {
                if literal_point.is_some() {
                    s.unreadable = true;
                }
                literal_point = Some(i);
            }
            // Any other text between the digits (`0"-"00`) interleaves them with text.
            Token::Literal(c) if i > first && i < last && !c.is_whitespace() => {
                s.unreadable = true;
            }
            Token::Literal('%') => s.literal_percent = true,
            Token::Bracket(true) | Token::Exponent => s.unreadable = true,
            // A comma not followed by a digit placeholder divides by 1000 (`#,##0,` → thousands).
            Token::Comma
                if !tokens[i + 1..]
                    .iter()
                    .take_while(|t| matches!(t, Token::Digit | Token::Comma))
                    .any(|t| *t == Token::Digit)
                    && i > first =>
            {
                s.shift -= 3;
            }
            _ => {}
        }
    }
    // 0!.0000: no decimal point; the shown text is the rounded integer with a "." inserted.
    if let Some(p) = literal_point {
        if point.is_some() {
            s.unreadable = true;
        }
        let after = tokens[p..].iter().filter(|t| **t == Token::Digit).count() as i32;
        s.shift -= after;
        point = Some(p);
    }
    s.decimals = Some(point.map_or(0, |p| {
        tokens[p..].iter().filter(|t| **t == Token::Digit).count() as u32
    }));
    if percents > 1 || (percents == 1 && s.literal_percent) {
        s.unreadable = true;
    }
    s.percent = percents == 1;
    s
}

/// A plain decimal text × 10^shift, exact (the decimal point moved): `4500000`, −4 → `450`.
pub fn shift_point(text: &str, shift: i32) -> Option<String> {
    let (negative, body) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    if (int.is_empty() && frac.is_empty())
        || !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit())
        || shift.unsigned_abs() > 400
    {
        return None;
    }
    let digits = format!("{int}{frac}");
    let point = int.len() as i64 + i64::from(shift);
    let (whole, fraction) = if point <= 0 {
        (
            String::new(),
            format!("{}{digits}", "0".repeat(point.unsigned_abs() as usize)),
        )
    } else if point as usize >= digits.len() {
        (
            format!("{digits}{}", "0".repeat(point as usize - digits.len())),
            String::new(),
        )
    } else {
        let (w, f) = digits.split_at(point as usize);
        (w.to_string(), f.to_string())
    };
    let whole = match whole.trim_start_matches('0') {
        "" => "0",
        w => w,
    };
    let fraction = fraction.trim_end_matches('0');
    let sign = if negative && (whole != "0" || !fraction.is_empty()) {
        "-"
    } else {
        ""
    };
    Some(if fraction.is_empty() {
        format!("{sign}{whole}")
    } else {
        format!("{sign}{whole}.{fraction}")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(code: &str) -> (bool, bool, Option<u32>, i32, bool) {
        let s = Shown::of(code, false);
        (
            s.percent,
            s.literal_percent,
            s.decimals,
            s.shift,
            s.unreadable,
        )
    }

    #[test]
    fn formats_that_scale() {
        assert_eq!(of("0.00%"), (true, false, Some(2), 0, false));
        assert_eq!(of("#,##0.00"), (false, false, Some(2), 0, false));
        assert_eq!(of("#,##0.00,"), (false, false, Some(2), -3, false));
        assert_eq!(of("#,##0,,"), (false, false, Some(0), -6, false));
        assert_eq!(of("0,,%"), (true, false, Some(0), -6, false));
        assert_eq!(of("0!.0000"), (false, false, Some(4), -4, false));
        assert_eq!(of("0\".\"0000"), (false, false, Some(4), -4, false));
        assert_eq!(of("0\\.0000"), (false, false, Some(4), -4, false));
        assert_eq!(of("0.00!%"), (false, true, Some(2), 0, false));
        assert_eq!(of("0.00\"%\""), (false, true, Some(2), 0, false));
        assert_eq!(of("0.00\"万元\""), (false, false, Some(2), 0, false));
        assert_eq!(
            of("\"¥\"#,##0.00;[Red]\"¥\"-#,##0.00"),
            (false, false, Some(2), 0, false)
        );
        assert!(of("0\"-\"00").4);
        assert!(of("[>100]0.00,;0.00").4);
        assert!(of("0.00;0.00,").4);
        assert!(of("0.00E+00").4);
        assert_eq!(of("General"), (false, false, None, 0, false));
        assert_eq!(of("0.0\"分\""), (false, false, Some(1), 0, false));
        assert!(!of("[Red]0.00").0);
        assert!(Shown::by_id(31, None).date && Shown::by_id(57, None).date);
        assert!(Shown::by_id(14, None).date && !Shown::by_id(37, None).date);
        assert!(Shown::by_id(10, None).percent);
    }

    #[test]
    fn decimal_point_moves_exactly() {
        assert_eq!(shift_point("4500000", -4).as_deref(), Some("450"));
        assert_eq!(shift_point("4500001", -4).as_deref(), Some("450.0001"));
        assert_eq!(shift_point("400000", -3).as_deref(), Some("400"));
        assert_eq!(shift_point("-12.5", -3).as_deref(), Some("-0.0125"));
        assert_eq!(shift_point("0.5", 2).as_deref(), Some("50"));
        assert_eq!(shift_point("-0", -3).as_deref(), Some("0"));
        assert_eq!(shift_point("1e5", -3), None);
    }
}
