//! Parsing of 年度指标值 / 实际完成值 text (`≥800`, `2.52万元`, `>90%`, `优良中低差`, `显著`).
//!
//! The text is printed as written; this module only extracts what the scoring rules need:
//! `comparator? number multiplier? unit?`, or qualitative text.

use rust_decimal::Decimal;
use rust_decimal_macros::dec;

use crate::decimal;

/// A comparison written before a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparator {
    Ge,
    Gt,
    Eq,
    Le,
    Lt,
}

impl Comparator {
    /// The symbol as accepted in `direction = "…"`.
    pub fn parse_direction(text: &str) -> Option<Self> {
        match text.trim() {
            "≥" | ">=" | "≧" => Some(Comparator::Ge),
            ">" | "＞" => Some(Comparator::Gt),
            "=" | "＝" | "==" => Some(Comparator::Eq),
            "≤" | "<=" | "≦" => Some(Comparator::Le),
            "<" | "＜" => Some(Comparator::Lt),
            _ => None,
        }
    }

    pub fn symbol(self) -> &'static str {
        match self {
            Comparator::Ge => "≥",
            Comparator::Gt => ">",
            Comparator::Eq => "=",
            Comparator::Le => "≤",
            Comparator::Lt => "<",
        }
    }
}

/// The unit after the number, normalised so that values in one family compare directly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unit {
    /// No unit written: takes the other side's unit.
    None,
    /// 元 / 万元 / 亿元, value held in 元.
    Yuan,
    /// `%`, value held in percent.
    Percent,
    /// Any other unit (人, 次, 小时, 万/人 …), compared only with itself.
    Other(String),
}

impl Unit {
    pub fn describe(&self) -> String {
        match self {
            Unit::None => "（无单位）".to_string(),
            Unit::Yuan => "元".to_string(),
            Unit::Percent => "%".to_string(),
            Unit::Other(u) => u.clone(),
        }
    }
}

/// A parsed quantity: `value` already multiplied by 万/亿.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quantity {
    pub comparator: Option<Comparator>,
    pub value: Decimal,
    pub unit: Unit,
    /// The 万/亿 multiplier as written (1 when none), so that a bare number against
    /// "≤8.71万元" is read in 万元 too.
    pub scale: Decimal,
}

/// The values of two quantities in a common unit: a side written as a bare number (no unit, no
/// 万/亿) takes the other side's unit *and* multiplier ("8.71" against "=8.71万元" is 8.71万元).
/// `None` when the scaled value leaves the decimal range.
pub fn aligned(a: &Quantity, b: &Quantity) -> Option<(Decimal, Decimal)> {
    let bare = |q: &Quantity| q.unit == Unit::None && q.scale == Decimal::ONE;
    if bare(b) && !bare(a) {
        Some((a.value, b.value.checked_mul(a.scale)?))
    } else if bare(a) && !bare(b) {
        Some((a.value.checked_mul(b.scale)?, b.value))
    } else {
        Some((a.value, b.value))
    }
}

/// What a target or actual cell means for scoring.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Parsed {
    Quantity(Quantity),
    /// Text such as 显著, 全年, 建立健全, or a level list (优良中低差).
    Qualitative(String),
    /// A number with more digits, or larger, than can be computed with exactly.
    OutOfRange(String),
}

/// Level lists, best level first: a target written like this is met by its first level.
const LEVEL_LISTS: &[&str] = &[
    "优良中低差",
    "优良中差",
    "高中低",
    "好坏",
    "优良中低",
    "好中差",
];

/// If `text` is a level list (`优良中低差`), the best level (`优`).
pub fn best_level(text: &str) -> Option<char> {
    let t = text.trim();
    LEVEL_LISTS
        .iter()
        .find(|l| **l == t)
        .and_then(|l| l.chars().next())
}

pub fn parse(text: &str) -> Parsed {
    let trimmed = text.trim();
    let (comparator, rest) = split_comparator(trimmed);
    let (rest, suffix_comparator) = split_suffix_comparator(rest);
    let comparator = comparator.or(suffix_comparator);

    let number_end = rest
        .char_indices()
        .find(|&(i, c)| {
            let sign = i == 0 && matches!(c, '-' | '－');
            !(sign || c.is_ascii_digit() || matches!(c, '.' | ',' | '，' | '０'..='９' | '．'))
        })
        .map(|(i, _)| i)
        .unwrap_or(rest.len());
    let (number, tail) = rest.split_at(number_end);
    let mut value = match decimal::parse_exact(number) {
        Ok(v) => v,
        Err(decimal::NumberError::OutOfRange) => return Parsed::OutOfRange(trimmed.to_string()),
        Err(decimal::NumberError::Invalid) => return Parsed::Qualitative(trimmed.to_string()),
    };
    // "700余人次", "2万余元": 余/多 (more than) is taken at the number, like an actual's comparator.
    let tail = tail.trim().trim_start_matches(['余', '多']);
    let (multiplier, unit_text) = if let Some(u) = tail.strip_prefix('万') {
        (dec!(10000), u)
    } else if let Some(u) = tail.strip_prefix('亿') {
        (dec!(100000000), u)
    } else {
        (Decimal::ONE, tail)
    };
    let unit_text = strip_note(unit_text.trim_start_matches(['余', '多']));
    // A unit never contains digits: "2021年12月底前" is a date phrase, not 2021 of a unit.
    if unit_text
        .chars()
        .any(|c| c.is_ascii_digit() || c.is_numeric() && c != '万')
    {
        return Parsed::Qualitative(trimmed.to_string());
    }
    value = match value.checked_mul(multiplier) {
        Some(v) => v,
        None => return Parsed::OutOfRange(trimmed.to_string()),
    };
    let unit = match unit_text.trim() {
        // "2.3万" alone: the 万 is a count multiplier with no unit.
        "" => Unit::None,
        "%" | "％" => Unit::Percent,
        "元" => Unit::Yuan,
        other => Unit::Other(other.to_string()),
    };
    Parsed::Quantity(Quantity {
        comparator,
        value: value.normalize(),
        unit,
        scale: multiplier,
    })
}

/// `"4，4万/人"` → `("4.4万/人", '，')`: a text that is no quantity only because its one comma
/// (between digits) was typed as the decimal point, with that comma.
pub fn comma_as_point(text: &str) -> Option<(String, char)> {
    let commas: Vec<(usize, char)> = text
        .char_indices()
        .filter(|(_, c)| matches!(c, ',' | '，' | '。'))
        .collect();
    let &[(i, comma)] = commas.as_slice() else {
        return None;
    };
    let digit =
        |c: Option<char>| c.is_some_and(|c| c.is_ascii_digit() || ('０'..='９').contains(&c));
    let (before, after) = (&text[..i], &text[i + comma.len_utf8()..]);
    if !digit(before.chars().next_back()) || !digit(after.chars().next()) {
        return None;
    }
    if matches!(parse(text), Parsed::Quantity(_)) {
        return None;
    }
    let fixed = format!("{before}.{after}");
    matches!(parse(&fixed), Parsed::Quantity(_)).then_some((fixed.trim().to_string(), comma))
}

/// "% (按实际要求完成)" → "%": a parenthetical note after the unit is for people, not for scoring.
fn strip_note(unit: &str) -> &str {
    match unit.find(['(', '（']) {
        Some(i) if unit.trim_end().ends_with([')', '）']) => unit[..i].trim_end(),
        _ => unit,
    }
}

fn split_comparator(text: &str) -> (Option<Comparator>, &str) {
    // Longest first, so "不低于" is not read as "低于" and ">=" not as ">".
    const PREFIXES: &[(&str, Comparator)] = &[
        ("不低于", Comparator::Ge),
        ("不少于", Comparator::Ge),
        ("不小于", Comparator::Ge),
        ("不超过", Comparator::Le),
        ("不高于", Comparator::Le),
        ("不多于", Comparator::Le),
        ("不大于", Comparator::Le),
        ("＞＝", Comparator::Ge),
        ("＜＝", Comparator::Le),
        ("超过", Comparator::Gt),
        ("高于", Comparator::Gt),
        ("大于", Comparator::Gt),
        ("多于", Comparator::Gt),
        ("低于", Comparator::Lt),
        ("少于", Comparator::Lt),
        ("小于", Comparator::Lt),
        ("不足", Comparator::Lt),
        ("达到", Comparator::Ge),
        (">=", Comparator::Ge),
        ("<=", Comparator::Le),
        ("≥", Comparator::Ge),
        ("≧", Comparator::Ge),
        ("⩾", Comparator::Ge),
        ("≤", Comparator::Le),
        ("≦", Comparator::Le),
        ("⩽", Comparator::Le),
        (">", Comparator::Gt),
        ("＞", Comparator::Gt),
        ("<", Comparator::Lt),
        ("＜", Comparator::Lt),
        ("=", Comparator::Eq),
        ("＝", Comparator::Eq),
    ];
    for (prefix, comparator) in PREFIXES {
        if let Some(rest) = text.strip_prefix(prefix) {
            return (Some(*comparator), rest.trim_start());
        }
    }
    (None, text)
}

/// "95%以上" → ("95%", ≥); "2小时以内" / "2小时内" → ("2小时", ≤).
fn split_suffix_comparator(text: &str) -> (&str, Option<Comparator>) {
    for (suffix, comparator) in [
        ("以上", Comparator::Ge),
        ("以下", Comparator::Le),
        ("以内", Comparator::Le),
        ("之内", Comparator::Le),
        ("内", Comparator::Le),
    ] {
        if let Some(rest) = text.strip_suffix(suffix) {
            let rest = rest.strip_suffix('及').unwrap_or(rest);
            return (rest.trim_end(), Some(comparator));
        }
    }
    (text, None)
}

/// The unit two quantities are compared in, or `None` when they cannot be compared.
pub fn common_unit(a: &Unit, b: &Unit) -> Option<Unit> {
    match (a, b) {
        (Unit::None, u) | (u, Unit::None) => Some(u.clone()),
        (x, y) if x == y => Some(x.clone()),
        // "元／人" is "元/人", "人 次" is "人次": width and spaces do not make another unit.
        (Unit::Other(x), Unit::Other(y)) if same_text(x, y) => Some(a.clone()),
        _ => None,
    }
}

/// `x` and `y` alike once full-width forms are made half-width and spaces dropped.
fn same_text(x: &str, y: &str) -> bool {
    let norm = |t: &str| -> String {
        t.chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| match c {
                '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
                c => c,
            })
            .collect()
    };
    norm(x) == norm(y)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(text: &str) -> Quantity {
        match parse(text) {
            Parsed::Quantity(q) => q,
            other => panic!("{text}: expected a quantity, got {other:?}"),
        }
    }

    #[test]
    fn comparators_and_numbers() {
        let t = q("≥800");
        assert_eq!(
            (t.comparator, t.value, t.unit),
            (Some(Comparator::Ge), dec!(800), Unit::None)
        );
        let t = q(">=8000人");
        assert_eq!((t.comparator, t.value), (Some(Comparator::Ge), dec!(8000)));
        assert_eq!(t.unit, Unit::Other("人".into()));
        let t = q("≤4万元");
        assert_eq!(
            (t.comparator, t.value, t.unit),
            (Some(Comparator::Le), dec!(40000), Unit::Yuan)
        );
        assert_eq!(q("=1次").comparator, Some(Comparator::Eq));
        assert_eq!(q("2.3万份").value, dec!(23000));
        assert_eq!(q("18.49亿元").value, dec!(1849000000));
        let t = q(">90%");
        assert_eq!(
            (t.comparator, t.value, t.unit),
            (Some(Comparator::Gt), dec!(90), Unit::Percent)
        );
        assert_eq!(q("<24小时").unit, Unit::Other("小时".into()));
        assert_eq!(q("≤10月").value, dec!(10));
        assert_eq!(q("2.52万元").value, dec!(25200));
        assert_eq!(q("100.00%").value, dec!(100));
        assert_eq!(q("≧95％").unit, Unit::Percent);
        assert_eq!(q("4.4万/人").unit, Unit::Other("/人".into()));
        assert_eq!(q("2,243,764元").value, dec!(2243764));
        assert_eq!(q("100% (按实际要求完成)").unit, Unit::Percent);
        assert_eq!(q("100%（按需）").value, dec!(100));
        assert_eq!(q("-3人").value, dec!(-3));
        assert_eq!(q("700余人次").unit, Unit::Other("人次".into()));
        assert_eq!(q("2万余元").value, dec!(20000));
        let t = q("95%以上");
        assert_eq!((t.comparator, t.value), (Some(Comparator::Ge), dec!(95)));
    }

    #[test]
    fn chinese_comparators_from_real_targets() {
        let cmp = |text: &str| (q(text).comparator, q(text).value);
        // 上海 "超过95%得8分": strictly more than.
        assert_eq!(cmp("超过95%"), (Some(Comparator::Gt), dec!(95)));
        assert_eq!(cmp("高于90%"), (Some(Comparator::Gt), dec!(90)));
        assert_eq!(cmp("不低于100人"), (Some(Comparator::Ge), dec!(100)));
        assert_eq!(cmp("不少于3次"), (Some(Comparator::Ge), dec!(3)));
        assert_eq!(cmp("不超过4万元"), (Some(Comparator::Le), dec!(40000)));
        assert_eq!(cmp("不高于5%"), (Some(Comparator::Le), dec!(5)));
        assert_eq!(cmp("低于3%"), (Some(Comparator::Lt), dec!(3)));
        assert_eq!(cmp("少于10天"), (Some(Comparator::Lt), dec!(10)));
        assert_eq!(cmp("不足5人"), (Some(Comparator::Lt), dec!(5)));
        // "within": 2小时内响应 is written as "2小时内" in the cell's number part.
        assert_eq!(cmp("2小时内"), (Some(Comparator::Le), dec!(2)));
        assert_eq!(cmp("10日以内"), (Some(Comparator::Le), dec!(10)));
        assert_eq!(cmp("90%及以上"), (Some(Comparator::Ge), dec!(90)));
        assert_eq!(cmp("5%及以下"), (Some(Comparator::Le), dec!(5)));
        assert_eq!(cmp("＞＝80％"), (Some(Comparator::Ge), dec!(80)));
        assert_eq!(cmp("⩾９５％"), (Some(Comparator::Ge), dec!(95)));
        assert_eq!(q("不低于100人").unit, Unit::Other("人".into()));
    }

    #[test]
    fn qualitative() {
        assert_eq!(parse("显著"), Parsed::Qualitative("显著".into()));
        assert_eq!(parse(" 全年 "), Parsed::Qualitative("全年".into()));
        assert!(matches!(parse("2021年12月底前"), Parsed::Qualitative(_)));
        assert!(matches!(parse("≥"), Parsed::Qualitative(_)));
        assert_eq!(best_level("优良中低差"), Some('优'));
        assert_eq!(best_level("高中低"), Some('高'));
        assert_eq!(best_level("显著"), None);
    }

    #[test]
    fn bare_numbers_take_the_other_sides_multiplier() {
        assert_eq!(
            aligned(&q("=8.71万元"), &q("8.71")),
            Some((dec!(87100), dec!(87100)))
        );
        assert_eq!(aligned(&q("≥800"), &q("832")), Some((dec!(800), dec!(832))));
        assert_eq!(
            aligned(&q("≥2.3万份"), &q("25000份")),
            Some((dec!(23000), dec!(25000)))
        );
        // 7.9e24 亿 cannot be held: refused, never silently left unscaled.
        assert!(matches!(
            parse("≥79000000000000000000000亿元"),
            Parsed::OutOfRange(_)
        ));
        assert_eq!(
            aligned(&q("≥1亿元"), &q("7900000000000000000000000000")),
            None
        );
    }

    #[test]
    fn a_comma_typed_as_the_decimal_point_is_found() {
        assert_eq!(
            comma_as_point("4，4万/人"),
            Some(("4.4万/人".to_string(), '，'))
        );
        assert_eq!(comma_as_point("≥0,95"), Some(("≥0.95".to_string(), ',')));
        // Real thousands groups are a quantity already; text commas are no decimal point.
        assert_eq!(comma_as_point("2，243，764元"), None);
        assert_eq!(comma_as_point("2，243元"), None);
        assert_eq!(comma_as_point("显著，完成"), None);
        assert_eq!(comma_as_point("1，2，3"), None);
    }

    #[test]
    fn units() {
        assert_eq!(
            common_unit(&Unit::None, &Unit::Percent),
            Some(Unit::Percent)
        );
        assert_eq!(common_unit(&Unit::Yuan, &Unit::Yuan), Some(Unit::Yuan));
        assert!(common_unit(&Unit::Percent, &Unit::Yuan).is_none());
        assert!(common_unit(&Unit::Other("人".into()), &Unit::Other("次".into())).is_none());
        let other = |u: &str| Unit::Other(u.into());
        assert_eq!(
            common_unit(&other("元/人"), &other("元／人")),
            Some(other("元/人"))
        );
        assert_eq!(
            common_unit(&other("人次"), &other("人 次")),
            Some(other("人次"))
        );
        assert_eq!(common_unit(&other("ｍ"), &other("m")), Some(other("ｍ")));
        assert!(common_unit(&other("m"), &other("km")).is_none());
    }
}
