//! Numbers as clerks type them beyond the decimal syntax of [`crate::decimal`]: a unit after an
//! amount (`"6.52万元"`), 分 after points (`"10分"`), and full-width punctuation (`6，52`),
//! each either read exactly or refused with a message that names the fix.

use rust_decimal::Decimal;
use rust_decimal_macros::dec;

use crate::decimal::{self, NumberError};
use crate::model::AmountUnit;

/// What may follow the digits of a number field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Suffix {
    /// An amount of a file in this unit: `元` or `万元` may follow.
    Amount(AmountUnit),
    /// 分值 / 得分: `分` may follow.
    Points,
}

/// An amount or points read from text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reading {
    /// In the file's unit (an amount in 万元 written in a 元 file is converted exactly).
    pub value: Decimal,
    /// The unit written after an amount, where it differs from the file's.
    pub converted_from: Option<AmountUnit>,
}

/// `text` without its unit (`"6.52万元"` → `("6.52", Some(万元))`).
fn split_amount(text: &str) -> (&str, Option<AmountUnit>) {
    let t = text.trim();
    if let Some(n) = t.strip_suffix("万元") {
        (n, Some(AmountUnit::Wanyuan))
    } else if let Some(n) = t.strip_suffix('元') {
        (n, Some(AmountUnit::Yuan))
    } else {
        (t, None)
    }
}

/// Read `text` as the number of a field with `suffix`, exactly.
///
/// ```
/// use jixiao::model::AmountUnit;
/// use jixiao::spelling::{read, Suffix};
/// use rust_decimal_macros::dec;
/// let r = read("6.52万元", Suffix::Amount(AmountUnit::Yuan)).unwrap();
/// assert_eq!((r.value, r.converted_from), (dec!(65200), Some(AmountUnit::Wanyuan)));
/// assert_eq!(read("10分", Suffix::Points).unwrap().value, dec!(10));
/// ```
pub fn read(text: &str, suffix: Suffix) -> Result<Reading, NumberError> {
    match suffix {
        Suffix::Points => {
            let t = text.trim();
            let number = t.strip_suffix('分').unwrap_or(t);
            Ok(Reading {
                value: decimal::parse_exact(number)?,
                converted_from: None,
            })
        }
        Suffix::Amount(unit) => {
            let (number, written) = split_amount(text);
            let value = decimal::parse_exact(number)?;
            let value = match (written, unit) {
                (Some(AmountUnit::Wanyuan), AmountUnit::Yuan) => value
                    .checked_mul(dec!(10000))
                    .ok_or(NumberError::OutOfRange)?,
                (Some(AmountUnit::Yuan), AmountUnit::Wanyuan) => value
                    .checked_div(dec!(10000))
                    .filter(|v| v * dec!(10000) == value)
                    .ok_or(NumberError::OutOfRange)?,
                _ => value,
            };
            Ok(Reading {
                value: value.normalize(),
                converted_from: written.filter(|w| *w != unit),
            })
        }
    }
}

/// The `amount-converted` message for an amount `shown` in the other unit, read as `reading`.
pub fn converted(what: &str, shown: &str, reading: &Reading, suffix: Suffix) -> Option<String> {
    let (Some(from), Suffix::Amount(unit)) = (reading.converted_from, suffix) else {
        return None;
    };
    let value = decimal::plain(reading.value);
    Some(format!(
        "{what}“{}”写的是{}，本文件金额单位为“{}”（unit），已精确换算为 {value} {}；请直接写 {value}",
        shown.trim(),
        from.label(),
        unit.label(),
        unit.label(),
    ))
}

/// The fix for a number field `key` whose text `shown` is [`NumberError::Invalid`], as the
/// tail of a message ("；…"). A number is suggested only when it is exactly the clerk's figure
/// in the file's own unit; otherwise the hint names the fix without one.
pub fn invalid_hint(shown: &str, key: &str, suffix: Suffix) -> String {
    if let Some(sign) = shown.chars().find(|c| matches!(c, '¥' | '￥')) {
        let bare = shown.replace(['¥', '￥'], "");
        let fix = if read(&bare, suffix).is_ok() {
            format!("，写作 {key} = \"{}\"", bare.trim())
        } else {
            String::new()
        };
        return format!("；请去掉货币符号“{sign}”{fix}");
    }
    if let Some(fixed) = comma_as_point(shown) {
        let comma = if shown.contains('，') {
            "全角逗号“，”"
        } else {
            "逗号“,”"
        };
        return format!(
            "；{comma}不能作小数点，请写作 {key} = {fixed}（千分位逗号须三位一组，如 2,243,764）"
        );
    }
    if shown.contains([',', '，']) {
        return "；千分位逗号须三位一组，如 2,243,764".to_string();
    }
    let digits = leading_number(shown);
    let rest = shown.trim()[digits.len()..].trim();
    let Ok(number) = decimal::parse_exact(digits) else {
        return String::new();
    };
    if digits.is_empty() || rest.is_empty() {
        return String::new();
    }
    match suffix {
        Suffix::Amount(unit) => amount_hint(number, rest, key, unit),
        Suffix::Points => format!(
            "；分值、得分只写数字（可带“分”），如 {key} = {}",
            decimal::plain(number)
        ),
    }
}

/// `6.52万` in a 元 file: the hint gives 65200, the figure in the file's unit, or no number
/// when the written unit is not one whose factor is known.
fn amount_hint(number: Decimal, rest: &str, key: &str, unit: AmountUnit) -> String {
    let head = format!(
        "；金额只写数字或“万元”“元”，单位由 unit 决定（本文件为 unit = \"{}\"）",
        unit.label()
    );
    let written = rest
        .trim_matches(|c: char| c.is_whitespace() || matches!(c, '(' | ')' | '（' | '）'))
        .trim();
    let in_yuan = match written {
        "元" => dec!(1),
        "千元" => dec!(1000),
        "万" | "万元" => dec!(10000),
        "亿" | "亿元" => dec!(100000000),
        _ => return format!("{head}，请按本文件单位换算后只写数字"),
    };
    let per_unit = match unit {
        AmountUnit::Yuan => dec!(1),
        AmountUnit::Wanyuan => dec!(10000),
    };
    let value = number
        .checked_mul(in_yuan)
        .and_then(|v| v.checked_div(per_unit))
        .filter(|v| v.checked_mul(per_unit) == number.checked_mul(in_yuan));
    match value {
        Some(v) => {
            let v = decimal::plain(v.normalize());
            format!(
                "{head}；{}{written}即 {v} {}，如 {key} = {v}",
                decimal::plain(number),
                unit.label()
            )
        }
        None => format!("{head}，请按本文件单位换算后只写数字"),
    }
}

/// The number at the start of `text` (digits, signs, points and commas, half or full width).
fn leading_number(text: &str) -> &str {
    let t = text.trim();
    let end = t
        .char_indices()
        .find(|&(_, c)| {
            !(c.is_ascii_digit()
                || matches!(
                    c,
                    '.' | ',' | '，' | '０'..='９' | '．' | '-' | '－' | '+' | '_'
                ))
        })
        .map_or(t.len(), |(i, _)| i);
    &t[..end]
}

/// `"6，52"` → `"6.52"`: one comma between digits that makes no thousands group, read as the
/// decimal point it was meant to be (full-width digits and points made half-width).
fn comma_as_point(text: &str) -> Option<String> {
    let number = leading_number(text);
    if number.matches([',', '，']).count() != 1 || decimal::parse_exact(number).is_ok() {
        return None;
    }
    let fixed: String = number
        .chars()
        .map(|c| match c {
            ',' | '，' | '．' => '.',
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            '－' => '-',
            c => c,
        })
        .collect();
    decimal::parse_exact(&fixed).ok().map(|_| fixed)
}

/// For a TOML syntax error on `line`: the fix when an unquoted number there has full-width
/// punctuation or digits (`budget = 6，52`, `weight = １０`) or a unit (`budget = 6.52万元`),
/// as a sentence.
pub fn toml_number_hint(line: &str) -> Option<String> {
    fullwidth_hint(line)
        .or_else(|| unit_hint(line))
        .or_else(|| comma_hint(line))
}

/// `budget = 6.52万元`, `weight = 10分`: a number with its unit, unquoted.
fn unit_hint(line: &str) -> Option<String> {
    let (key, value) = line.split_once('=')?;
    let value = value.split('#').next().unwrap_or(value).trim();
    let number = value.trim_end_matches(['元', '万', '分']).trim_end();
    if number.len() == value.len() || decimal::parse_exact(number).is_err() {
        return None;
    }
    let key = key.trim();
    let fits = if value.ends_with('分') {
        matches!(key, "weight" | "score" | "total")
    } else {
        matches!(key, "initial" | "budget" | "executed")
    };
    if !fits {
        return None;
    }
    if value.ends_with('分') {
        return Some(format!(
            "数字后带单位时须加引号，请写作 {key} = \"{value}\"，或只写数字 {key} = {number}"
        ));
    }
    // The file's unit is not known here, so no bare number: it may be in the other unit.
    Some(format!(
        "数字后带单位时须加引号，请写作 {key} = \"{value}\"（按本文件 unit 精确换算）"
    ))
}

/// `budget = 2,243,764`, `budget = 6,52`: commas in an unquoted number (pasted from Excel).
fn comma_hint(line: &str) -> Option<String> {
    let (key, value) = line.split_once('=')?;
    let value = value.split('#').next().unwrap_or(value).trim();
    if !value.contains(',')
        || !value
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | ',' | '-' | '+'))
    {
        return None;
    }
    let key = key.trim();
    if decimal::parse_exact(value).is_ok() {
        let bare = value.replace(',', "");
        return Some(format!(
            "TOML 数字不能带千分位逗号，请去掉逗号写作 {key} = {bare}，或加引号 {key} = \"{value}\""
        ));
    }
    let fixed = comma_as_point(value)?;
    Some(format!("逗号“,”不能作小数点，请写作 {key} = {fixed}"))
}

fn fullwidth_hint(line: &str) -> Option<String> {
    let value = line.split_once('=')?.1;
    let value = value.split('#').next().unwrap_or(value).trim();
    let fullwidth = |c: char| matches!(c, '，' | '．' | '。' | '０'..='９' | '－' | '＋');
    let first = value.chars().find(|&c| fullwidth(c))?;
    // Only a value that is a number but for its full width.
    if !value
        .chars()
        .all(|c| fullwidth(c) || c.is_ascii_digit() || matches!(c, '.' | ',' | '-' | '+' | '_'))
    {
        return None;
    }
    let half: String = value
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            '．' | '。' => '.',
            '－' => '-',
            '＋' => '+',
            '，' => ',',
            c => c,
        })
        .collect();
    // Commas in real thousands groups are dropped; a single other comma is the decimal point.
    let fixed = if decimal::parse_exact(&half).is_ok() {
        half.replace(',', "")
    } else if half.matches(',').count() == 1 {
        half.replace(',', ".")
    } else {
        return None;
    };
    decimal::parse_exact(&fixed).ok()?;
    let what = match first {
        '，' => "全角逗号“，”不能作小数点或千分位",
        '．' | '。' => "全角句点不能作小数点",
        _ => "数字须用半角字符（全角数字、符号不是 TOML 数字）",
    };
    Some(format!("{what}，请写作 {fixed}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_take_their_own_unit_or_convert_exactly() {
        let wan = Suffix::Amount(AmountUnit::Wanyuan);
        let yuan = Suffix::Amount(AmountUnit::Yuan);
        let r = |t, s| read(t, s).map(|r| (r.value, r.converted_from));
        assert_eq!(r("6.52万元", wan), Ok((dec!(6.52), None)));
        assert_eq!(r(" 6.52 万元 ", wan), Ok((dec!(6.52), None)));
        assert_eq!(r("65200元", yuan), Ok((dec!(65200), None)));
        assert_eq!(
            r("6.52万元", yuan),
            Ok((dec!(65200), Some(AmountUnit::Wanyuan)))
        );
        assert_eq!(r("65200元", wan), Ok((dec!(6.52), Some(AmountUnit::Yuan))));
        assert_eq!(
            r("0.01元", wan),
            Ok((dec!(0.000001), Some(AmountUnit::Yuan)))
        );
        assert_eq!(r("2，243，764元", yuan), Ok((dec!(2243764), None)));
        assert_eq!(r("6.52亿元", wan), Err(NumberError::Invalid));
        assert_eq!(r("元", wan), Err(NumberError::Invalid));
        assert_eq!(r("6.52万", wan), Err(NumberError::Invalid));
        assert_eq!(r("10分", wan), Err(NumberError::Invalid));
    }

    #[test]
    fn points_may_end_in_fen() {
        let r = |t| read(t, Suffix::Points).map(|r| r.value);
        assert_eq!(r("10分"), Ok(dec!(10)));
        assert_eq!(r("7.5 分"), Ok(dec!(7.5)));
        assert_eq!(r("10.00分"), Ok(dec!(10)));
        assert_eq!(r("分"), Err(NumberError::Invalid));
        assert_eq!(r("10元"), Err(NumberError::Invalid));
    }

    #[test]
    fn hints_name_the_fix() {
        let wan = Suffix::Amount(AmountUnit::Wanyuan);
        assert_eq!(
            invalid_hint("6，52", "budget", wan),
            "；全角逗号“，”不能作小数点，请写作 budget = 6.52（千分位逗号须三位一组，如 2,243,764）"
        );
        assert_eq!(
            invalid_hint("1,2,3", "budget", wan),
            "；千分位逗号须三位一组，如 2,243,764"
        );
        let yuan = Suffix::Amount(AmountUnit::Yuan);
        let head =
            |u| format!("；金额只写数字或“万元”“元”，单位由 unit 决定（本文件为 unit = \"{u}\"）");
        // The suggested number is the clerk's figure in the file's unit, exactly.
        assert_eq!(
            invalid_hint("6.52亿元", "budget", wan),
            head("万元") + "；6.52亿元即 65200 万元，如 budget = 65200"
        );
        assert_eq!(
            invalid_hint("6.52亿元", "budget", yuan),
            head("元") + "；6.52亿元即 652000000 元，如 budget = 652000000"
        );
        assert_eq!(
            invalid_hint("6.52万", "budget", yuan),
            head("元") + "；6.52万即 65200 元，如 budget = 65200"
        );
        assert_eq!(
            invalid_hint("6.52（万元）", "budget", yuan),
            head("元") + "；6.52万元即 65200 元，如 budget = 65200"
        );
        assert_eq!(
            invalid_hint("6.52万", "budget", wan),
            head("万元") + "；6.52万即 6.52 万元，如 budget = 6.52"
        );
        assert_eq!(
            invalid_hint("65 千元", "budget", wan),
            head("万元") + "；65千元即 6.5 万元，如 budget = 6.5"
        );
        // An unknown unit: no number, for any number would be a guess.
        assert_eq!(
            invalid_hint("6.52美元", "budget", wan),
            head("万元") + "，请按本文件单位换算后只写数字"
        );
        // A currency sign is named, the clerk's figure kept.
        assert_eq!(
            invalid_hint("¥65,200.00", "budget", yuan),
            "；请去掉货币符号“¥”，写作 budget = \"65,200.00\""
        );
        assert_eq!(
            invalid_hint("￥ 6.52万元", "budget", yuan),
            "；请去掉货币符号“￥”，写作 budget = \"6.52万元\""
        );
        assert_eq!(invalid_hint("¥六万", "budget", yuan), "；请去掉货币符号“¥”");
        assert_eq!(
            invalid_hint("10 points", "weight", Suffix::Points),
            "；分值、得分只写数字（可带“分”），如 weight = 10"
        );
        assert_eq!(invalid_hint("一百", "budget", wan), "");
    }

    #[test]
    fn full_width_numbers_in_a_toml_line() {
        assert_eq!(
            toml_number_hint("budget = 6，52").as_deref(),
            Some("全角逗号“，”不能作小数点或千分位，请写作 6.52")
        );
        assert_eq!(
            toml_number_hint("budget = 2，243，764  # 元").as_deref(),
            Some("全角逗号“，”不能作小数点或千分位，请写作 2243764")
        );
        assert_eq!(
            toml_number_hint("budget = ６．５２").as_deref(),
            Some("数字须用半角字符（全角数字、符号不是 TOML 数字），请写作 6.52")
        );
        assert_eq!(
            toml_number_hint("budget = 6．52").as_deref(),
            Some("全角句点不能作小数点，请写作 6.52")
        );
        assert_eq!(toml_number_hint("name = 培训，人数"), None);
        assert_eq!(toml_number_hint("budget = = 100"), None);
        assert_eq!(
            toml_number_hint("budget = 6.52万元  # 调整后").as_deref(),
            Some("数字后带单位时须加引号，请写作 budget = \"6.52万元\"（按本文件 unit 精确换算）")
        );
        assert_eq!(
            toml_number_hint("budget = 65200元").as_deref(),
            Some("数字后带单位时须加引号，请写作 budget = \"65200元\"（按本文件 unit 精确换算）")
        );
        // Commas pasted from Excel.
        assert_eq!(
            toml_number_hint("budget = 2,243,764").as_deref(),
            Some(
                "TOML 数字不能带千分位逗号，请去掉逗号写作 budget = 2243764，或加引号 budget = \"2,243,764\""
            )
        );
        assert_eq!(
            toml_number_hint("budget = 2,243,764.00 # 元").as_deref(),
            Some(
                "TOML 数字不能带千分位逗号，请去掉逗号写作 budget = 2243764.00，或加引号 budget = \"2,243,764.00\""
            )
        );
        assert_eq!(
            toml_number_hint("budget = 6,52").as_deref(),
            Some("逗号“,”不能作小数点，请写作 budget = 6.52")
        );
        assert_eq!(toml_number_hint("budget = 1,2,3"), None);
        assert_eq!(toml_number_hint("levels = [1,2]"), None);
        assert_eq!(
            toml_number_hint("weight = 10分").as_deref(),
            Some("数字后带单位时须加引号，请写作 weight = \"10分\"，或只写数字 weight = 10")
        );
        assert_eq!(toml_number_hint("name = 培训元"), None);
        assert_eq!(toml_number_hint("budget = 10分"), None);
    }
}
