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

/// Parse a decimal as people write it on the forms: optional sign, thousands separators
/// (`2,243,764`, also full-width `，`), underscores (TOML style), an exponent (`1e3`), full-width
/// digits. Returns `None` for anything else, including values beyond `Decimal`'s range.
pub fn parse(text: &str) -> Option<Decimal> {
    let cleaned: String = text
        .trim()
        .chars()
        .filter(|c| !matches!(c, ',' | '，' | '_'))
        .map(fullwidth_to_ascii)
        .collect();
    if cleaned.is_empty() || cleaned.starts_with('+') && cleaned.len() == 1 {
        return None;
    }
    let cleaned = cleaned.strip_prefix('+').unwrap_or(&cleaned);
    let valid = cleaned
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | 'e' | 'E' | '+'));
    if !valid || !cleaned.chars().any(|c| c.is_ascii_digit()) {
        return None;
    }
    let parsed = if cleaned.contains(['e', 'E']) {
        Decimal::from_scientific(cleaned).ok()
    } else {
        cleaned.parse::<Decimal>().ok()
    };
    parsed.map(|d| d.normalize())
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
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

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
    }
}
