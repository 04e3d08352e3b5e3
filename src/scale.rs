//! Scale slips (`suspect-scale`): a figure that is right in digits but wrong by 100 or 10 000
//! because it took the wrong unit — `0.9` pasted from Excel against `≥95%` (read as 0.9%),
//! `44000` (元) against `≤5万元/人` (read as 44000万元), 元 amounts typed into a 万元 file.
//!
//! The figures are scored as written; the warning only names the likely reading, so the clerk
//! decides. Each check needs both an implausible reading and a ×100 / ×10 000 reading that
//! would be plausible, so honest small or large figures are not flagged.

use rust_decimal::Decimal;
use rust_decimal_macros::dec;

use crate::decimal;
use crate::model::{AmountUnit, Field, FundRow, Indicator};
use crate::problem::{Code, Problem};
use crate::source::Loc;
use crate::target::{Comparator, Quantity, Unit};

/// Beyond this ratio to the target, a reading is implausible (and within it, plausible).
const PLAUSIBLE: Decimal = dec!(100);

/// A quantity written back the way the forms spell it: `44000万元/人`, `0.9%`.
fn spelled(value: Decimal, scale: Decimal, unit: &Unit) -> String {
    let multiplier = if scale == dec!(10000) {
        "万"
    } else if scale == dec!(100000000) {
        "亿"
    } else {
        ""
    };
    let unit = match unit {
        Unit::None => "",
        Unit::Yuan => "元",
        Unit::Percent => "%",
        Unit::Other(u) => u.as_str(),
    };
    format!("{}{multiplier}{unit}", decimal::plain(value))
}

fn plausible(ratio: Decimal) -> bool {
    ratio <= PLAUSIBLE
        && ratio
            .checked_mul(PLAUSIBLE)
            .is_some_and(|r| r >= Decimal::ONE)
}

/// `x / y`, or `None` where it leaves the decimal range (tiny divisors).
fn ratio_of(x: Decimal, y: Decimal) -> Option<Decimal> {
    x.checked_div(y)
}

/// What an actual is compared with: the target, or a tier's lower bound.
pub struct Against<'a> {
    pub quantity: &'a Quantity,
    pub cell: &'a Field<String>,
    /// The field path under the indicator (`target`, `tiers`) and its Chinese name.
    pub field: &'a str,
    pub what: &'a str,
}

/// `suspect-scale` for one indicator whose actual `b` has a unit in common with `against`,
/// scored in `direction`; `None` unless exactly one side is a bare number and its reading is
/// implausible.
pub fn indicator(
    ind: &Indicator,
    against: &Against,
    b: &Quantity,
    direction: Comparator,
) -> Option<Problem> {
    let bare = |q: &Quantity| q.unit == Unit::None && q.scale == Decimal::ONE;
    let actual = ind.actual.as_ref()?;
    let a = against.quantity;
    let (number, other, field, text, what, other_text, other_what) = if bare(b) && !bare(a) {
        (
            b,
            a,
            "actual",
            actual,
            "实际完成值",
            against.cell,
            against.what,
        )
    } else if bare(a) && !bare(b) {
        let (field, what) = (against.field, against.what);
        (a, b, field, against.cell, what, actual, "实际完成值")
    } else {
        return None;
    };
    let (v, o) = (number.value, other.value);
    if v <= Decimal::ZERO || o <= Decimal::ZERO {
        return None;
    }
    let read = v.checked_mul(other.scale)?;
    let ratio = ratio_of(read, o)?;
    let upward = matches!(direction, Comparator::Ge | Comparator::Gt | Comparator::Eq);
    let likely = if other.unit == Unit::Percent && upward && v <= Decimal::ONE && o > Decimal::ONE {
        // 90% pasted from Excel arrives as 0.9.
        let alt = v * dec!(100);
        plausible(ratio_of(alt, o)?).then(|| spelled(alt, Decimal::ONE, &Unit::Percent))
    } else if plausible(ratio) {
        None
    } else if other.scale > Decimal::ONE && ratio > PLAUSIBLE {
        // 44000 meant in 元 against 5万元: read in 万 it is 10 000 times too large.
        plausible(ratio_of(v, o)?).then(|| spelled(v / other.scale, other.scale, &other.unit))
    } else if other.scale == Decimal::ONE && ratio < Decimal::ONE && mentions_yuan(&other.unit) {
        // 4.4 meant in 万元 against 50000元.
        let alt = v.checked_mul(dec!(10000))?;
        plausible(ratio_of(alt, o)?).then(|| spelled(v, dec!(10000), &other.unit))
    } else {
        None
    }?;
    let times = if ratio >= Decimal::ONE {
        format!("是{other_what}的 {} 倍", decimal::trimmed(ratio, 0))
    } else {
        format!(
            "只有{other_what}的 {}%",
            decimal::trimmed(ratio * dec!(100), 2)
        )
    };
    Some(
        Problem::new(
            Code::SuspectScale,
            ind.path(field),
            format!(
                "{what}“{}”未写单位，按{other_what}“{}”读作 {}，{times}；是否应为 {likely}？若是，请写作 \"{likely}\"（得分仍按所写计算）",
                text.value.trim(),
                other_text.value.trim(),
                spelled(v, other.scale, &other.unit),
            ),
        )
        .at(Some(text.loc.clone())),
    )
}

fn mentions_yuan(unit: &Unit) -> bool {
    match unit {
        Unit::Yuan => true,
        Unit::Other(u) => u.contains('元'),
        Unit::None | Unit::Percent => false,
    }
}

/// Two amounts of one row whose ratio lies in this window (about 10 000-fold) were written in
/// different units; between rows the window is narrower, as sources differ more honestly.
const WITHIN_ROW: (Decimal, Decimal) = (dec!(2000), dec!(50000));
const ACROSS_ROWS: (Decimal, Decimal) = (dec!(5000), dec!(20000));

/// `suspect-scale` for fund rows: an amount about 10 000 times another — in a 万元 file the
/// larger was likely typed in 元, in a 元 file the smaller in 万元. One warning per row.
pub fn funds(sources: &[FundRow], unit: AmountUnit) -> Vec<Problem> {
    let amounts: Vec<(usize, &'static str, Decimal, &Loc)> = sources
        .iter()
        .enumerate()
        .flat_map(|(i, row)| {
            [
                ("initial", &row.initial),
                ("budget", &row.budget),
                ("executed", &row.executed),
            ]
            .into_iter()
            .filter_map(move |(field, f)| {
                let f = f.as_ref()?;
                (f.value > Decimal::ZERO).then_some((i, field, f.value, &f.loc))
            })
        })
        .collect();
    let suspicious = |&(row, _, x, _): &(usize, &str, Decimal, &Loc)| {
        amounts.iter().any(|&(other_row, _, y, _)| {
            let (lo, hi) = if other_row == row {
                WITHIN_ROW
            } else {
                ACROSS_ROWS
            };
            let ratio = match unit {
                AmountUnit::Wanyuan => ratio_of(x, y),
                AmountUnit::Yuan => ratio_of(y, x),
            };
            ratio.is_some_and(|r| r >= lo && r <= hi)
        })
    };
    let mut problems = Vec::new();
    for (i, row) in sources.iter().enumerate() {
        let found: Vec<_> = amounts
            .iter()
            .filter(|a| a.0 == i && suspicious(a))
            .collect();
        let Some(first) = found.first() else { continue };
        let likely: Vec<String> = found
            .iter()
            .map(|&&(_, field, x, _)| {
                let alt = match unit {
                    AmountUnit::Wanyuan => x / dec!(10000),
                    AmountUnit::Yuan => x.saturating_mul(dec!(10000)),
                };
                format!("{field} {} 应为 {}", decimal::plain(x), decimal::plain(alt))
            })
            .collect();
        let (written, file) = match unit {
            AmountUnit::Wanyuan => ("元", "万元"),
            AmountUnit::Yuan => ("万元", "元"),
        };
        problems.push(
            Problem::new(
                Code::SuspectScale,
                format!("funds.{}.{}", row.key, first.1),
                format!(
                    "[funds.{}] 的金额与其他金额相差约一万倍：本文件金额单位为“{file}”（unit），是否按{written}填写了？若是，{}",
                    row.key,
                    likely.join("，")
                ),
            )
            .at(Some(first.3.clone())),
        );
    }
    problems
}
