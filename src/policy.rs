//! The scoring policy: every rule of scoring.md that regions set differently is a parameter here.
//! Layers apply in order: national defaults → the form's `form.toml` → the folder's `jixiao.toml`
//! → the project's own `[scoring]` table.

use rust_decimal::Decimal;
use rust_decimal_macros::dec;

use crate::decimal::Rounding;
use crate::grade::Rating;
use crate::problem::{Code, Problem};
use crate::raw::{NumText, RawScoring};
use crate::source::{FileId, Loc, SourceFile};

/// How cost indicators (成本指标) are scored when B ≤ A.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CostRule {
    /// Full marks when spending stays within the target (national rule).
    Cap,
    /// B / A × 分值, by spending progress (Inner Mongolia and Xinjiang seeds).
    Progress,
}

/// How a reverse (`≤`, `<`) indicator that missed its target is scored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReverseRule {
    /// A / B × 分值.
    Ratio,
    /// (1 − (B − A) / A) × 分值, 0 from B ≥ 2A.
    Linear,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    pub decimals: u32,
    pub rounding: Rounding,
    pub cost: CostRule,
    pub reverse: ReverseRule,
    /// 预算执行率的分值 (10 nationally, 20 on 湖北-style forms).
    pub budget_weight: Decimal,
    /// Lower bounds (percent of 分值) of 达成 and 部分达成.
    pub bands: [Decimal; 2],
    /// Lower bounds of 优, 良, 中.
    pub grades: [Decimal; 3],
    pub overachieve_ratio: Decimal,
    /// 执行率 (percent) below which a reason is expected.
    pub low_rate_warning: Decimal,
    pub rate_decimals: u32,
}

impl Default for Policy {
    /// The national defaults (财预〔2020〕10号 and scoring.md).
    fn default() -> Self {
        Policy {
            decimals: 2,
            rounding: Rounding::HalfUp,
            cost: CostRule::Cap,
            reverse: ReverseRule::Ratio,
            budget_weight: dec!(10),
            bands: [dec!(80), dec!(60)],
            grades: [dec!(90), dec!(80), dec!(60)],
            overachieve_ratio: dec!(1.3),
            low_rate_warning: dec!(90),
            rate_decimals: 2,
        }
    }
}

/// Reads a spanned number-or-text field exactly as written.
pub fn read_decimal(
    value: &NumText,
    span: &std::ops::Range<usize>,
    src: &SourceFile,
) -> Option<Decimal> {
    read_decimal_exact(value, span, src).ok()
}

/// Like [`read_decimal`], saying why a value is not an exact decimal.
pub fn read_decimal_exact(
    value: &NumText,
    span: &std::ops::Range<usize>,
    src: &SourceFile,
) -> Result<Decimal, crate::decimal::NumberError> {
    match value {
        NumText::Number => crate::decimal::parse_exact(src.slice(span)),
        NumText::Text(text) => crate::decimal::parse_exact(text),
    }
}

impl Policy {
    /// Apply one layer; bad values become problems and leave the previous value in place.
    pub fn apply(
        &mut self,
        raw: &RawScoring,
        src: &SourceFile,
        file: FileId,
        problems: &mut Vec<Problem>,
    ) {
        let loc = |span: std::ops::Range<usize>| Some(Loc { file, span });
        let invalid = |field: &str, msg: String, span| {
            Problem::new(Code::InvalidValue, format!("scoring.{field}"), msg).at(loc(span))
        };
        let number = |field: &str, v: &toml::Spanned<NumText>, problems: &mut Vec<Problem>| {
            let d = read_decimal(v.get_ref(), &v.span(), src);
            if d.is_none() {
                problems.push(
                    Problem::new(Code::InvalidNumber, format!("scoring.{field}"), "应为数字")
                        .at(loc(v.span())),
                );
            }
            d
        };
        if let Some(v) = &raw.decimals {
            match u32::try_from(*v.get_ref()) {
                Ok(d) if d <= 6 => self.decimals = d,
                _ => problems.push(invalid("decimals", "小数位数应为 0 到 6".into(), v.span())),
            }
        }
        if let Some(v) = &raw.rate_decimals {
            match u32::try_from(*v.get_ref()) {
                Ok(d) if d <= 6 => self.rate_decimals = d,
                _ => problems.push(invalid(
                    "rate_decimals",
                    "小数位数应为 0 到 6".into(),
                    v.span(),
                )),
            }
        }
        if let Some(v) = &raw.rounding {
            match v.get_ref().as_str() {
                "half-up" => self.rounding = Rounding::HalfUp,
                "down" => self.rounding = Rounding::Down,
                other => problems.push(invalid(
                    "rounding",
                    format!(
                        "舍入方式“{other}”无效，应为 \"half-up\"（四舍五入）或 \"down\"（截尾）"
                    ),
                    v.span(),
                )),
            }
        }
        if let Some(v) = &raw.cost {
            match v.get_ref().as_str() {
                "cap" => self.cost = CostRule::Cap,
                "progress" => self.cost = CostRule::Progress,
                other => problems.push(invalid(
                    "cost",
                    format!("成本指标计分方式“{other}”无效，应为 \"cap\" 或 \"progress\""),
                    v.span(),
                )),
            }
        }
        if let Some(v) = &raw.reverse {
            match v.get_ref().as_str() {
                "ratio" => self.reverse = ReverseRule::Ratio,
                "linear" => self.reverse = ReverseRule::Linear,
                other => problems.push(invalid(
                    "reverse",
                    format!("反向指标计分方式“{other}”无效，应为 \"ratio\" 或 \"linear\""),
                    v.span(),
                )),
            }
        }
        if let Some(v) = &raw.budget_weight
            && let Some(d) = number("budget_weight", v, problems)
        {
            if d < Decimal::ZERO || d > dec!(100) {
                problems.push(invalid(
                    "budget_weight",
                    "分值应在 0 到 100 之间".into(),
                    v.span(),
                ));
            } else {
                self.budget_weight = d;
            }
        }
        if let Some(v) = &raw.overachieve_ratio
            && let Some(d) = number("overachieve_ratio", v, problems)
        {
            if d <= Decimal::ONE {
                problems.push(invalid(
                    "overachieve_ratio",
                    "超额比例应大于 1（如 1.3）".into(),
                    v.span(),
                ));
            } else {
                self.overachieve_ratio = d;
            }
        }
        if let Some(v) = &raw.low_rate_warning
            && let Some(d) = number("low_rate_warning", v, problems)
        {
            self.low_rate_warning = d;
        }
        if let Some(list) = &raw.bands {
            let values: Vec<Decimal> = list
                .get_ref()
                .iter()
                .filter_map(|v| number("bands", v, problems))
                .collect();
            match values[..] {
                [a, b] if a > b && b >= Decimal::ZERO && a <= dec!(100) => self.bands = [a, b],
                _ => problems.push(invalid(
                    "bands",
                    "等级区间应为两个递减的百分数，如 [80, 60]".into(),
                    list.span(),
                )),
            }
        }
        if let Some(list) = &raw.grades {
            let values: Vec<Decimal> = list
                .get_ref()
                .iter()
                .filter_map(|v| number("grades", v, problems))
                .collect();
            match values[..] {
                [a, b, c] if a > b && b > c && c >= Decimal::ZERO => self.grades = [a, b, c],
                _ => problems.push(invalid(
                    "grades",
                    "评价等级分数线应为三个递减的分数，如 [90, 80, 60]".into(),
                    list.span(),
                )),
            }
        }
    }

    pub fn round(&self, value: Decimal) -> Decimal {
        crate::decimal::round(value, self.decimals, self.rounding)
    }

    /// 优 / 良 / 中 / 差 for a total (§7).
    pub fn grade(&self, total: Decimal) -> Rating {
        Rating::of(total, self.grades)
    }
}
