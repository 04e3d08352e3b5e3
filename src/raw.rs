//! The input files as written: every field optional and spanned, so that a project file and its
//! folder's `jixiao.toml` can be merged field by field and every problem can point at a line.
//!
//! Required fields are checked after merging (in `model`), which reports all of them at once
//! instead of stopping at the first one as serde would.

use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};
use toml::Spanned;

/// A number or a string, kept as the literal text so decimals are read exactly as written
/// (TOML floats are binary; the literal `507277.51` is re-read from the source).
#[derive(Debug, Clone, PartialEq)]
pub enum NumText {
    Number,
    Text(String),
}

impl<'de> Deserialize<'de> for NumText {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = NumText;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number or a string (数字或字符串)")
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<NumText, E> {
                Ok(NumText::Number)
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<NumText, E> {
                Ok(NumText::Number)
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<NumText, E> {
                Ok(NumText::Number)
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<NumText, E> {
                Ok(NumText::Text(v.to_string()))
            }
        }
        deserializer.deserialize_any(V)
    }
}

pub type S<T> = Option<Spanned<T>>;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFile {
    /// 总分 and 评价等级 as the published form printed them (audited).
    pub total: S<NumText>,
    pub grade: S<String>,
    /// Overrides the form's `[format] reason_format` ("" turns it off).
    pub reason_format: S<String>,
    pub year: S<i64>,
    pub form: S<String>,
    pub unit: S<String>,
    pub project: Option<RawProjectInfo>,
    pub funds: Option<RawFunds>,
    pub goals: Option<RawGoals>,
    pub indicators: Option<Spanned<Vec<Spanned<RawIndicator>>>>,
    pub scoring: Option<RawScoring>,
    pub signature: Option<RawSignature>,
    pub bundle: Option<RawBundle>,
    /// How the form prints rates, the 其中 rows, zero and absent amounts and unused 二级 rows
    /// (overrides the form's `[print]`, key by key).
    pub print: Option<RawPrint>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawProjectInfo {
    pub name: S<String>,
    pub department: S<String>,
    pub department_code: S<NumText>,
    pub implementer: S<String>,
    pub implementer_code: S<NumText>,
    pub serial: S<NumText>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFunds {
    pub total: Option<Spanned<RawFundRow>>,
    pub fiscal: Option<Spanned<RawFundRow>>,
    pub central: Option<Spanned<RawFundRow>>,
    pub city: Option<Spanned<RawFundRow>>,
    pub district: Option<Spanned<RawFundRow>>,
    pub carryover: Option<Spanned<RawFundRow>>,
    pub other: Option<Spanned<RawFundRow>>,
    /// 执行率偏低的原因 (explains low execution).
    pub reason: S<String>,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFundRow {
    pub initial: S<NumText>,
    pub budget: S<NumText>,
    pub executed: S<NumText>,
    /// 执行率 as the published form printed it (audited, never printed by us).
    pub rate: S<NumText>,
    /// 得分 as printed (年度资金总额 row only).
    pub score: S<NumText>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawGoals {
    pub planned: S<String>,
    pub achieved: S<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawIndicator {
    pub level1: S<String>,
    pub level2: S<String>,
    pub name: S<String>,
    pub target: S<NumText>,
    pub actual: S<NumText>,
    pub weight: S<NumText>,
    pub score: S<NumText>,
    pub grade: S<String>,
    pub reason: S<String>,
    pub direction: S<String>,
    pub note: S<String>,
    pub applicable: S<bool>,
    pub tiers: Option<Spanned<Vec<Spanned<RawTier>>>>,
    /// Rule text printed in the reason cell for tiered scoring (Shanghai).
    pub tiers_text: S<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTier {
    pub at_least: S<NumText>,
    pub score: S<NumText>,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawScoring {
    pub decimals: S<i64>,
    pub rounding: S<String>,
    pub cost: S<String>,
    pub reverse: S<String>,
    pub budget_weight: S<NumText>,
    pub bands: Option<Spanned<Vec<Spanned<NumText>>>>,
    pub grades: Option<Spanned<Vec<Spanned<NumText>>>>,
    pub overachieve_ratio: S<NumText>,
    pub low_rate_warning: S<NumText>,
    pub rate_decimals: S<i64>,
}

/// `[print]`: the same table in a project file, `jixiao.toml` and a form's `form.toml`; every
/// value is checked by [`crate::forms::PrintOverrides::read`].
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPrint {
    pub rate: S<String>,
    pub source_rate: S<String>,
    pub source_weight: S<String>,
    pub source_score: S<String>,
    pub zero_amount: S<String>,
    pub absent_amount: S<String>,
    /// `"print"`, `"omit"`, or an array of 二级 names left out when unused.
    pub unused_level2: Option<Spanned<toml::Value>>,
    pub unused_cells: S<String>,
    pub weights: S<String>,
    pub scores: S<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSignature {
    pub filler: S<String>,
    pub phone: S<NumText>,
    pub date: S<NumText>,
    pub leader: S<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBundle {
    pub title: S<String>,
    pub department: S<String>,
    pub date: S<NumText>,
}

/// Every key the input accepts, for "did you mean" suggestions on unknown keys.
pub const KNOWN_KEYS: &[&str] = &[
    "year",
    "form",
    "unit",
    "project",
    "funds",
    "goals",
    "indicators",
    "scoring",
    "signature",
    "bundle",
    "name",
    "department",
    "department_code",
    "implementer",
    "implementer_code",
    "serial",
    "total",
    "fiscal",
    "central",
    "city",
    "district",
    "carryover",
    "other",
    "reason",
    "initial",
    "budget",
    "executed",
    "rate",
    "reason_format",
    "planned",
    "achieved",
    "level1",
    "level2",
    "target",
    "actual",
    "weight",
    "score",
    "grade",
    "direction",
    "note",
    "applicable",
    "tiers",
    "tiers_text",
    "at_least",
    "decimals",
    "rounding",
    "cost",
    "reverse",
    "budget_weight",
    "bands",
    "grades",
    "overachieve_ratio",
    "low_rate_warning",
    "rate_decimals",
    "filler",
    "phone",
    "date",
    "leader",
    "title",
    "print",
    "source_rate",
    "source_weight",
    "source_score",
    "zero_amount",
    "absent_amount",
    "unused_level2",
    "unused_cells",
    "weights",
    "scores",
];
