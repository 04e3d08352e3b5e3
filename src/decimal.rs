//! Exact decimal parsing, rounding and formatting.
//!
//! Every amount, weight and score goes through here so that the form prints exactly what was
//! written and what the rules give. `rust_decimal`'s `round_dp` is banker's rounding, which is not
//! 四舍五入; rounding therefore always names its strategy.

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

/// How a score is cut to the policy's number of decimals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Rounding {
    /// 四舍五入: ties away from zero.
    HalfUp,
    /// 截尾: truncate towards zero.
    Down,
}

impl Rounding {
    fn strategy(self) -> RoundingStrategy {
        match self {
            Rounding::HalfUp => RoundingStrategy::MidpointAwayFromZero,
            Rounding::Down => RoundingStrategy::ToZero,
        }
    }
}

/// Round `value` to `decimals` places with `rounding`, dropping trailing zeros
/// (`7.80` → `7.8`), so the JSON report shows the value, not a print format.
///
/// ```
/// use jixiao::decimal::{round, Rounding};
/// use rust_decimal_macros::dec;
/// // 四舍五入: 5.625 → 5.63 (banker's rounding would give 5.62).
/// assert_eq!(round(dec!(5.625), 2, Rounding::HalfUp), dec!(5.63));
/// assert_eq!(round(dec!(5.625), 2, Rounding::Down), dec!(5.62));
/// ```
pub fn round(value: Decimal, decimals: u32, rounding: Rounding) -> Decimal {
    value
        .round_dp_with_strategy(decimals, rounding.strategy())
        .normalize()
}

/// Why a text is not an exact decimal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberError {
    /// Not a number at all (`abc`, `1.2.3`, `1,2,3`).
    Invalid,
    /// A number, but more digits than can be held exactly (28 significant digits), or beyond
    /// the range of an exact decimal: it would be silently rounded, so it is refused.
    OutOfRange,
}

/// Most significant digits an exact decimal holds (`rust_decimal` holds 28 always, 29 sometimes).
pub const MAX_DIGITS: usize = 28;

/// Parse a decimal as people write it on the forms: optional sign, thousands separators
/// (`2,243,764`, also full-width `，`, in groups of three), underscores (TOML style), an exponent
/// (`1e3`), full-width digits. Returns `None` for anything else, including values that cannot be
/// held exactly; [`parse_exact`] says which.
pub fn parse(text: &str) -> Option<Decimal> {
    parse_exact(text).ok()
}

/// Like [`parse`], telling a non-number from a number too long or too large to hold exactly.
///
/// ```
/// use jixiao::decimal::{parse_exact, NumberError};
/// assert_eq!(parse_exact("1,2,3"), Err(NumberError::Invalid));
/// assert_eq!(parse_exact("1e-31"), Err(NumberError::OutOfRange));
/// assert_eq!(parse_exact("49.999999999999999999999999999999"), Err(NumberError::OutOfRange));
/// ```
pub fn parse_exact(text: &str) -> Result<Decimal, NumberError> {
    let ascii: String = text.trim().chars().map(fullwidth_to_ascii).collect();
    let (negative, body) = match ascii.as_bytes().first() {
        Some(b'-') => (true, &ascii[1..]),
        Some(b'+') => (false, &ascii[1..]),
        _ => (false, ascii.as_str()),
    };
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(i) => {
            let exp = &body[i + 1..];
            let digits = exp.strip_prefix(['+', '-']).unwrap_or(exp);
            if digits.is_empty() || digits.len() > 4 || !digits.bytes().all(|b| b.is_ascii_digit())
            {
                return Err(NumberError::Invalid);
            }
            let value: i64 = exp.parse().map_err(|_| NumberError::Invalid)?;
            (&body[..i], value)
        }
        None => (body, 0),
    };
    let (int_part, frac_part) = match mantissa.split_once('.') {
        Some((i, f)) => (i, f),
        None => (mantissa, ""),
    };
    let int_digits = integer_digits(int_part).ok_or(NumberError::Invalid)?;
    let frac_digits: String = frac_part.chars().filter(|c| *c != '_').collect();
    if !frac_digits.bytes().all(|b| b.is_ascii_digit())
        || frac_part.starts_with('_')
        || frac_part.ends_with('_')
        || int_digits.is_empty() && frac_digits.is_empty()
    {
        return Err(NumberError::Invalid);
    }
    // All digits with the decimal point moved by the exponent: value = digits × 10^-scale.
    let digits = format!("{int_digits}{frac_digits}");
    let mut scale =
        i64::try_from(frac_digits.len()).map_err(|_| NumberError::OutOfRange)? - exponent;
    let significant = digits.trim_start_matches('0');
    if significant.is_empty() {
        return Ok(Decimal::ZERO);
    }
    // Trailing zeros carry no precision: "1500" is 15 × 10^2.
    let trimmed = significant.trim_end_matches('0');
    scale -= (significant.len() - trimmed.len()) as i64;
    let whole_digits = trimmed.len() as i64 - scale;
    if trimmed.len() > MAX_DIGITS || scale > MAX_DIGITS as i64 || whole_digits > MAX_DIGITS as i64 {
        return Err(NumberError::OutOfRange);
    }
    let mut value: Decimal = trimmed.parse().map_err(|_| NumberError::OutOfRange)?;
    if scale >= 0 {
        value
            .set_scale(scale as u32)
            .map_err(|_| NumberError::OutOfRange)?;
    } else {
        let factor = Decimal::from_i128_with_scale(10i128.pow((-scale) as u32), 0);
        value = value.checked_mul(factor).ok_or(NumberError::OutOfRange)?;
    }
    if negative {
        value.set_sign_negative(true);
    }
    Ok(value.normalize())
}

/// The digits of an integer part, with `,`/`，` thousands separators checked (`2,243,764`;
/// groups of three after the first) and `_` allowed between digits. `None` if malformed.
fn integer_digits(text: &str) -> Option<String> {
    let groups: Vec<&str> = text.split([',', '，']).collect();
    let mut out = String::new();
    for (i, group) in groups.iter().enumerate() {
        if group.starts_with('_') || group.ends_with('_') || group.contains("__") {
            return None;
        }
        let digits: String = group.chars().filter(|c| *c != '_').collect();
        if !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        if groups.len() > 1 {
            let ok = if i == 0 {
                (1..=3).contains(&digits.len())
            } else {
                digits.len() == 3
            };
            if !ok {
                return None;
            }
        }
        out.push_str(&digits);
    }
    Some(out)
}

/// Decimal places as written: `"94.00"` → 2, `"78"` → 0, `"1,234.5"` → 1 (an exponent form
/// counts the places of its value).
pub fn written_places(text: &str) -> u32 {
    let t = text.trim();
    if t.contains(['e', 'E']) {
        return parse(t).map_or(0, |d| d.scale());
    }
    t.split_once(['.', '．']).map_or(0, |(_, frac)| {
        frac.chars()
            .filter(|c| c.is_ascii_digit() || ('０'..='９').contains(c))
            .count() as u32
    })
}

/// Σ of exact decimals, or `None` when the sum leaves the decimal range (never a panic).
pub fn checked_sum(values: impl IntoIterator<Item = Decimal>) -> Option<Decimal> {
    values
        .into_iter()
        .try_fold(Decimal::ZERO, |acc, v| acc.checked_add(v))
}

fn fullwidth_to_ascii(c: char) -> char {
    match c {
        '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
        '．' => '.',
        '－' => '-',
        _ => c,
    }
}

/// Format with exactly `decimals` places (half-up), e.g. `fixed(40, 2)` → `"40.00"`.
pub fn fixed(value: Decimal, decimals: u32) -> String {
    let mut v = value.round_dp_with_strategy(decimals, RoundingStrategy::MidpointAwayFromZero);
    v.rescale(decimals);
    v.to_string()
}

/// Round to `decimals` places (half-up) and drop trailing zeros: `trimmed(100, 2)` → `"100"`,
/// `trimmed(78.435, 2)` → `"78.44"`, `trimmed(78.4, 2)` → `"78.4"`.
pub fn trimmed(value: Decimal, decimals: u32) -> String {
    plain(value.round_dp_with_strategy(decimals, RoundingStrategy::MidpointAwayFromZero))
}

/// Format as the shortest exact representation (`7.80` → `"7.8"`, `10.0` → `"10"`).
pub fn plain(value: Decimal) -> String {
    value.normalize().to_string()
}

/// Format for a form: fixed places when the form asks for them, else the plain value.
pub fn for_form(value: Decimal, decimals: Option<u32>) -> String {
    match decimals {
        Some(d) => fixed(value, d),
        None => plain(value),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    /// Every spelling the tests below read or refuse, and more of each kind: `jixiao schema`'s
    /// pattern must accept exactly those [`parse_exact`] does not call invalid.
    pub(crate) const SPELLINGS: &[&str] = &[
        "507277.51",
        "2,243,764",
        " 33.10 ",
        "1_000.5",
        "1e3",
        "-4",
        "１２．５",
        "",
        "abc",
        "1.2.3",
        "99999999999999999999999999999999999",
        "+5",
        "-",
        ".",
        "1.",
        ".5",
        "1.5e3",
        "25e-2",
        "0e400",
        "1,2,3",
        "12,34",
        "1,234,5678",
        "1__0",
        "1e-31",
        "1e400",
        "1e99999",
        "1e40",
        "0.0000000000000000000000000001",
        "50000000000000000000000000000",
        "94.00",
        "78",
        "1,234.5",
        "１２．５０",
        "６．５２",
        "1e1",
        "2，243，764",
        "2，243,764",
        "6，52",
        "6,52",
        "－3",
        "＋3",
        "1E+3",
        "1e－3",
        "1e",
        "e3",
        "1e+",
        "1_0,000",
        "1,0_00",
        "1,000_",
        "_1",
        "1_",
        "1._5",
        "1.5_",
        "1.0__5",
        "1 000",
        "1\u{3000}",
        "\u{3000}1",
        "1.5.",
        ",5",
        "1,",
        "+.5",
        "-.5e2",
        "1.e3",
        "١٢",
        "1e12345",
        "0x10",
        "1/2",
        "1%",
        "10分",
        "6.52万元",
        "--1",
        "+-1",
        "1-",
        "12_345,678",
    ];

    #[test]
    fn parses_as_written() {
        assert_eq!(parse("507277.51"), Some(dec!(507277.51)));
        assert_eq!(parse("2,243,764"), Some(dec!(2243764)));
        assert_eq!(parse(" 33.10 "), Some(dec!(33.1)));
        assert_eq!(parse("1_000.5"), Some(dec!(1000.5)));
        assert_eq!(parse("1e3"), Some(dec!(1000)));
        assert_eq!(parse("-4"), Some(dec!(-4)));
        assert_eq!(parse("１２．５"), Some(dec!(12.5)));
        assert_eq!(parse(""), None);
        assert_eq!(parse("abc"), None);
        assert_eq!(parse("1.2.3"), None);
        assert_eq!(parse("99999999999999999999999999999999999"), None);
        assert_eq!(parse("+5"), Some(dec!(5)));
        assert_eq!(parse("-"), None);
        assert_eq!(parse("."), None);
        assert_eq!(parse("1."), Some(dec!(1)));
        assert_eq!(parse(".5"), Some(dec!(0.5)));
        assert_eq!(parse("1.5e3"), Some(dec!(1500)));
        assert_eq!(parse("25e-2"), Some(dec!(0.25)));
        assert_eq!(parse("0e400"), Some(dec!(0)));
    }

    #[test]
    fn refuses_what_it_cannot_hold_exactly() {
        // Separators must be real thousands groups: "1,2,3" is not 123.
        assert_eq!(parse_exact("1,2,3"), Err(NumberError::Invalid));
        assert_eq!(parse_exact("12,34"), Err(NumberError::Invalid));
        assert_eq!(parse_exact("1,234,5678"), Err(NumberError::Invalid));
        assert_eq!(parse_exact("1__0"), Err(NumberError::Invalid));
        // 33 significant digits would be rounded: refused, not rounded.
        assert_eq!(
            parse_exact("123456789012345678901234567890123"),
            Err(NumberError::OutOfRange)
        );
        assert_eq!(
            parse_exact("49.999999999999999999999999999999"),
            Err(NumberError::OutOfRange)
        );
        assert_eq!(parse_exact("1e-31"), Err(NumberError::OutOfRange));
        assert_eq!(parse_exact("1e400"), Err(NumberError::OutOfRange));
        assert_eq!(parse_exact("1e99999"), Err(NumberError::Invalid));
        assert_eq!(parse_exact("1e40"), Err(NumberError::OutOfRange));
        // 28 digits still fit exactly.
        assert_eq!(
            parse_exact("0.0000000000000000000000000001"),
            Ok(dec!(0.0000000000000000000000000001))
        );
        // 29 integer digits: beyond what is always exact.
        assert_eq!(
            parse_exact("50000000000000000000000000000"),
            Err(NumberError::OutOfRange)
        );
        assert_eq!(
            parse_exact("1234567890123456789012345678"),
            Ok(dec!(1234567890123456789012345678))
        );
    }

    #[test]
    fn places_as_written() {
        assert_eq!(written_places("94.00"), 2);
        assert_eq!(written_places("78"), 0);
        assert_eq!(written_places("1,234.5"), 1);
        assert_eq!(written_places("１２．５０"), 2);
    }

    #[test]
    fn sums_without_panicking() {
        let big = Decimal::MAX;
        assert_eq!(checked_sum([big, big]), None);
        assert_eq!(checked_sum([dec!(1.5), dec!(2.25)]), Some(dec!(3.75)));
    }

    #[test]
    fn half_up_is_not_bankers() {
        // round_dp would give 2.34 and 2.36 (to even); 四舍五入 gives 2.35 and 2.37... away from zero.
        assert_eq!(round(dec!(2.345), 2, Rounding::HalfUp), dec!(2.35));
        assert_eq!(round(dec!(2.355), 2, Rounding::HalfUp), dec!(2.36));
        assert_eq!(round(dec!(2.345), 2, Rounding::Down), dec!(2.34));
        assert_eq!(round(dec!(2.349), 2, Rounding::Down), dec!(2.34));
        assert_eq!(round(dec!(7.85), 1, Rounding::HalfUp), dec!(7.9));
        assert_eq!(round(dec!(7.85), 1, Rounding::Down), dec!(7.8));
        assert_eq!(round(dec!(0.5), 0, Rounding::HalfUp), dec!(1));
        assert_eq!(round(dec!(1.5), 0, Rounding::HalfUp), dec!(2));
        assert_eq!(round(dec!(2.5), 0, Rounding::HalfUp), dec!(3));
        assert_eq!(round(dec!(9.99), 0, Rounding::Down), dec!(9));
    }

    #[test]
    fn formats() {
        assert_eq!(fixed(dec!(40), 2), "40.00");
        assert_eq!(fixed(dec!(78.435), 2), "78.44");
        assert_eq!(plain(dec!(7.80)), "7.8");
        assert_eq!(plain(dec!(10.00)), "10");
        assert_eq!(for_form(dec!(3.1), Some(2)), "3.10");
        assert_eq!(for_form(dec!(3.10), None), "3.1");
        assert_eq!(trimmed(dec!(100.00), 2), "100");
        assert_eq!(trimmed(dec!(78.435), 2), "78.44");
        assert_eq!(trimmed(dec!(78.40), 2), "78.4");
        assert_eq!(trimmed(dec!(0), 2), "0");
    }
}
