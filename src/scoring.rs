//! The scoring rules of scoring.md, one function per section. Each rule cites its source.
//! Everything is exact decimal arithmetic; a score is rounded once, by the policy, at the end.

use rust_decimal::Decimal;
use rust_decimal_macros::dec;

use crate::grade::Attainment;
use crate::model::Indicator;
use crate::policy::{CostRule, Policy, ReverseRule};
use crate::problem::{Code, Problem};
use crate::scale::Against;
use crate::target::{self, Comparator, Parsed, Quantity};

/// The rule that produced a computed score (`method` in the JSON report).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Ge,
    Le,
    Eq,
    Qualitative,
    Tiers,
    /// No rule applies; the stated score is taken as given.
    Stated,
    NotApplicable,
}

impl Method {
    pub fn id(self) -> &'static str {
        match self {
            Method::Ge => "ge",
            Method::Le => "le",
            Method::Eq => "eq",
            Method::Qualitative => "qualitative",
            Method::Tiers => "tiers",
            Method::Stated => "stated",
            Method::NotApplicable => "not-applicable",
        }
    }
}

/// §1 预算执行率: 执行数 / 预算数 in percent, full precision. `None` when the budget is 0.
pub fn execution_rate(budget: Decimal, executed: Decimal) -> Option<Decimal> {
    if budget.is_zero() {
        return None;
    }
    executed.checked_mul(dec!(100))?.checked_div(budget)
}

/// §1 得分 = min(执行率, 100%) × 分值 (财预〔2020〕10号 附件: 预算执行率得分), unrounded.
/// `None` only if the product leaves the decimal range (the model bounds 分值 to 0…100).
pub fn execution_score(rate_percent: Decimal, weight: Decimal) -> Option<Decimal> {
    rate_percent
        .max(Decimal::ZERO)
        .min(dec!(100))
        .checked_mul(weight)?
        .checked_div(dec!(100))
}

/// `part / whole × full`, the proportional score of §3, or `None` on overflow.
fn proportion(part: Decimal, whole: Decimal, full: Decimal) -> Option<Decimal> {
    part.checked_div(whole)?.checked_mul(full)
}

/// The problem for a figure too large to compute with exactly.
fn out_of_range(ind: &Indicator, field: &str, loc: Option<crate::source::Loc>) -> Problem {
    Problem::new(
        Code::NumberOutOfRange,
        ind.path(field),
        "数值过大或过小，无法精确计算得分；请核对年度指标值与实际完成值 (number out of range)",
    )
    .at(loc)
}

/// The result of scoring one indicator.
#[derive(Debug, Clone)]
pub struct Scored {
    /// What the rules give, rounded by the policy; `None` when the rules cannot decide.
    pub computed: Option<Decimal>,
    /// What goes on the form: the stated score where one is given, else `computed`.
    pub score: Option<Decimal>,
    pub method: Method,
    pub problems: Vec<Problem>,
}

/// Is this a cost indicator (成本指标 as 二级 under 产出, or as a 一级 of its own)?
fn is_cost(ind: &Indicator) -> bool {
    ind.level2 == "成本指标" || ind.level1 == "成本指标"
}

/// Score one indicator under `policy` (§3–§6).
pub fn score_indicator(ind: &Indicator, policy: &Policy) -> Scored {
    let mut problems = Vec::new();
    if !ind.applicable {
        // §2: 不适用 rows print "/" and are left out of the total, which is rescaled.
        return Scored {
            computed: None,
            score: None,
            method: Method::NotApplicable,
            problems,
        };
    }
    // A weight still to fill (or unreadable) is an error at its own cell; with no weight there
    // is nothing to score against, so nothing is computed or compared (no follow-on errors).
    if ind.weight.is_none() {
        return Scored {
            computed: None,
            score: ind.score.as_ref().map(|s| s.value.normalize()),
            method: Method::Stated,
            problems,
        };
    }
    let weight = ind.weight_value();
    let (raw, method) = computed_score(ind, policy, weight, &mut problems);
    // Never above the weight, whatever the rounding: a met indicator prints its weight as
    // written (11.25 on a 1-decimal form stays 11.25, not 11.3), so Σ得分 ≤ Σ分值.
    // Full marks are the weight itself, never rounded away (11.24 on a 1-decimal form, or
    // rounding "down", must not lose points on a met target).
    let computed = raw.map(|v| {
        if v >= weight {
            weight
        } else {
            policy.round(v.max(Decimal::ZERO)).min(weight)
        }
    });

    // §5 A stated score is printed as given, within 0…分值.
    let mut score = computed;
    let mut method = method;
    if let Some(stated) = &ind.score {
        if stated.value < Decimal::ZERO || stated.value > weight {
            problems.push(
                Problem::new(
                    Code::ScoreExceedsWeight,
                    ind.path("score"),
                    format!(
                        "得分 {} 超出分值范围 0～{}",
                        stated.value,
                        weight.normalize()
                    ),
                )
                .at(Some(stated.loc.clone())),
            );
        }
        match computed {
            // A reason explains a deviation, it does not make a figure that no longer follows
            // from the actual right: always a warning (so `--strict` fails), naming the figure
            // the PDF prints.
            Some(c) if c != stated.value.normalize() => {
                let stated_text = stated.value.normalize();
                let why = if ind.reason.is_none() {
                    "，且未说明原因（reason）"
                } else {
                    ""
                };
                problems.push(
                    Problem::new(
                        Code::StatedScoreDiffers,
                        ind.path("score"),
                        format!(
                            "填写的得分 {stated_text} 与按规则计算的 {c} 不同{why}；PDF 印所填的 {stated_text}。若实际完成值已更新，请删去 score（按规则计为 {c}）或改正它"
                        ),
                    )
                    .at(Some(stated.loc.clone())),
                );
            }
            None if method != Method::Qualitative => method = Method::Stated,
            _ => {}
        }
        score = Some(stated.value.normalize());
    }

    // §6 偏差原因分析: required wherever points were lost.
    if let Some(s) = score
        && s < weight
        && ind.reason.is_none()
        && ind.tiers_text.is_none()
    {
        problems.push(
            Problem::new(
                Code::MissingReason,
                ind.path("reason"),
                format!(
                    "得分 {s} 低于分值 {}，须填写偏差原因分析及改进措施（reason）",
                    weight.normalize()
                ),
            )
            .at(Some(ind.loc.clone())),
        );
    }
    Scored {
        computed,
        score,
        method,
        problems,
    }
}

/// Each `[[indicators.tiers]]` whose score is above the indicator's weight, as an error there.
fn tiers_over_weight(ind: &Indicator, weight: Decimal) -> Vec<Problem> {
    ind.tiers
        .iter()
        .enumerate()
        .filter(|(_, t)| t.score.value > weight)
        .map(|(i, t)| {
            Problem::new(
                Code::ScoreExceedsWeight,
                ind.path(&format!("tiers[{i}].score")),
                format!(
                    "分档得分 {} 超过该指标的分值 {}；请改正分档得分或分值",
                    t.score.value.normalize(),
                    weight.normalize()
                ),
            )
            .at(Some(t.score.loc.clone()))
        })
        .collect()
}

/// The unrounded score the rules give, or `None` (with a problem) when they cannot decide.
fn computed_score(
    ind: &Indicator,
    policy: &Policy,
    weight: Decimal,
    problems: &mut Vec<Problem>,
) -> (Option<Decimal>, Method) {
    // A tier worth more than the indicator would be capped without a word: an error in the
    // file, whatever the actual.
    let over = tiers_over_weight(ind, weight);
    if !over.is_empty() {
        problems.extend(over);
        return (None, Method::Tiers);
    }
    let target_text = ind.target.as_ref().map_or("", |t| t.value.as_str());
    let actual_text = ind.actual.as_ref().map_or("", |t| t.value.as_str());
    let actual = target::parse(actual_text);
    // A blank actual is a cell still to fill, whatever the target.
    if actual_text.trim().is_empty() && ind.score.is_none() {
        problems.push(
            Problem::new(Code::MissingField, ind.path("actual"), "实际完成值未填写")
                .at(ind.actual.as_ref().map(|a| a.loc.clone())),
        );
        return (None, Method::Stated);
    }

    // §5 Tiers: the first tier B reaches gives the score, none gives 0 (上海满意度).
    if !ind.tiers.is_empty() {
        let Parsed::Quantity(b) = &actual else {
            problems.push(
                comma_as_point(ind, "actual").unwrap_or_else(|| unparsed_actual(ind, actual_text)),
            );
            return (None, Method::Tiers);
        };
        for (i, tier) in ind.tiers.iter().enumerate() {
            let Parsed::Quantity(bound) = target::parse(&tier.at_least.value) else {
                problems.push(
                    Problem::new(
                        Code::InvalidNumber,
                        ind.path("tiers"),
                        format!("分档下限“{}”不是数量", tier.at_least.value),
                    )
                    .at(Some(tier.at_least.loc.clone())),
                );
                return (None, Method::Tiers);
            };
            if target::common_unit(&bound.unit, &b.unit).is_none() {
                problems.push(unit_mismatch(ind, &bound, b));
                return (None, Method::Tiers);
            }
            if i == 0 {
                let against = Against {
                    quantity: &bound,
                    cell: &tier.at_least,
                    field: "tiers",
                    what: "分档下限",
                };
                problems.extend(crate::scale::indicator(ind, &against, b, Comparator::Ge));
            }
            let Some((bound_value, b_value)) = target::aligned(&bound, b) else {
                problems.push(out_of_range(ind, "tiers", Some(tier.at_least.loc.clone())));
                return (None, Method::Tiers);
            };
            // "超过95%得8分" is strict (> 95); a bare or ≥ bound is reached at the bound.
            let reached = if bound.comparator == Some(Comparator::Gt) {
                b_value > bound_value
            } else {
                b_value >= bound_value
            };
            if reached {
                return (Some(tier.score.value), Method::Tiers);
            }
        }
        return (Some(Decimal::ZERO), Method::Tiers);
    }

    let target = target::parse(target_text);
    // "4，4万/人": a comma typed as the decimal point makes a number read as text.
    let slip = match (&target, &actual) {
        (Parsed::Quantity(_), Parsed::Qualitative(_)) => comma_as_point(ind, "actual"),
        (Parsed::Qualitative(_), Parsed::Quantity(_)) => comma_as_point(ind, "target"),
        _ => None,
    };
    if let Some(p) = slip {
        problems.push(p);
        return (None, Method::Ge);
    }
    match (target, actual) {
        (Parsed::OutOfRange(_), _) => {
            let loc = ind.target.as_ref().map(|t| t.loc.clone());
            problems.push(out_of_range(ind, "target", loc));
            (None, Method::Ge)
        }
        (_, Parsed::OutOfRange(_)) => {
            let loc = ind.actual.as_ref().map(|t| t.loc.clone());
            problems.push(out_of_range(ind, "actual", loc));
            (None, Method::Ge)
        }
        (Parsed::Quantity(a), Parsed::Quantity(b)) => {
            quantitative(ind, policy, weight, &a, &b, problems)
        }
        // The actual cannot be compared with a numeric target ("≤11月" against "按期完成"):
        // as for a text target, the row needs a grade, and a stated score alone is not enough.
        (Parsed::Quantity(_), Parsed::Qualitative(_)) if ind.grade.is_none() => {
            problems.push(
                Problem::new(
                    Code::GradeRequired,
                    ind.path("grade"),
                    format!(
                        "实际完成值“{}”无法与年度指标值“{}”按数量比较，须填写 grade（达成 / 部分达成 / 未达成）{}",
                        actual_text.trim(),
                        target_text.trim(),
                        if ind.score.is_some() { "；仅填写得分不够" } else { "，或把实际完成值写成数量" }
                    ),
                )
                .at(ind.actual.as_ref().map(|a| a.loc.clone())),
            );
            (None, Method::Qualitative)
        }
        _ => qualitative(ind, policy, weight, target_text, actual_text, problems),
    }
}

/// `invalid-number` for a target or actual whose comma (or IME full stop, "96。5%") is a decimal
/// point ("4，4万/人"), when reading it as a point gives a quantity.
fn comma_as_point(ind: &Indicator, field: &str) -> Option<Problem> {
    let cell = if field == "actual" {
        ind.actual.as_ref()?
    } else {
        ind.target.as_ref()?
    };
    let (fixed, comma) = target::comma_as_point(&cell.value)?;
    // Units need not agree: "4，4万/人" against ≤5万元/人 is still the comma first.
    let what = if field == "actual" {
        "实际完成值"
    } else {
        "年度指标值"
    };
    let kind = match comma {
        '，' => "全角逗号",
        '。' => "句号",
        _ => "逗号",
    };
    Some(
        Problem::new(
            Code::InvalidNumber,
            ind.path(field),
            format!(
                "{what}“{}”中的{kind}“{comma}”不能作小数点，请写作 \"{fixed}\"（千分位逗号须三位一组，如 2,243,764）",
                cell.value.trim()
            ),
        )
        .at(Some(cell.loc.clone())),
    )
}

fn unparsed_actual(ind: &Indicator, text: &str) -> Problem {
    Problem::new(
        Code::UnparsedActual,
        ind.path("actual"),
        format!("年度指标值是数量，但实际完成值“{text}”无法读作数量；请写数值，或填写 grade/score"),
    )
    .at(ind.actual.as_ref().map(|a| a.loc.clone()))
}

fn unit_mismatch(ind: &Indicator, a: &Quantity, b: &Quantity) -> Problem {
    Problem::new(
        Code::UnitMismatch,
        ind.path("actual"),
        format!(
            "单位不一致：年度指标值用“{}”，实际完成值用“{}”，无法比较",
            a.unit.describe(),
            b.unit.describe()
        ),
    )
    .at(ind.actual.as_ref().map(|a| a.loc.clone()))
}

/// §3 定量指标, A = 年度指标值, B = 实际完成值.
fn quantitative(
    ind: &Indicator,
    policy: &Policy,
    weight: Decimal,
    a: &Quantity,
    b: &Quantity,
    problems: &mut Vec<Problem>,
) -> (Option<Decimal>, Method) {
    if target::common_unit(&a.unit, &b.unit).is_none() {
        problems.push(unit_mismatch(ind, a, b));
        return (None, Method::Ge);
    }
    let direction = match (&ind.direction, a.comparator) {
        (Some(d), _) => d.value,
        (None, Some(c)) => c,
        (None, None) => {
            // format.md: no comparator → cost indicators ≤, all others ≥; say so.
            let assumed = if is_cost(ind) {
                Comparator::Le
            } else {
                Comparator::Ge
            };
            problems.push(
                Problem::new(
                    Code::AssumedDirection,
                    ind.path("target"),
                    format!(
                        "年度指标值未写比较符，按“{}”计算；可写明比较符或 direction",
                        assumed.symbol()
                    ),
                )
                .at(ind.target.as_ref().map(|t| t.loc.clone())),
            );
            assumed
        }
    };
    if let Some(cell) = &ind.target {
        let against = Against {
            quantity: a,
            cell,
            field: "target",
            what: "年度指标值",
        };
        problems.extend(crate::scale::indicator(ind, &against, b, direction));
    }
    let overflow = || out_of_range(ind, "target", ind.target.as_ref().map(|t| t.loc.clone()));
    let Some((a, b)) = target::aligned(a, b) else {
        problems.push(overflow());
        return (None, Method::Ge);
    };
    if b < Decimal::ZERO {
        problems.push(
            Problem::new(
                Code::NegativeValue,
                ind.path("actual"),
                "实际完成值不能为负数",
            )
            .at(ind.actual.as_ref().map(|t| t.loc.clone())),
        );
        return (None, Method::Ge);
    }
    let full = weight;
    let (score, method) = match direction {
        // 正向指标: 达到目标得满分，未达到按 B/A × 分值 (财预〔2020〕10号 附件2).
        Comparator::Ge | Comparator::Gt => {
            let met = if direction == Comparator::Ge {
                b >= a
            } else {
                b > a
            };
            let s = if met {
                Some(full)
            } else if a.is_zero() {
                Some(Decimal::ZERO)
            } else {
                proportion(b, a, full)
            };
            (s, Method::Ge)
        }
        // 等于: B > A counts as met (over-achievement is warned about below).
        Comparator::Eq => {
            let s = if b >= a {
                Some(full)
            } else if a.is_zero() {
                Some(Decimal::ZERO)
            } else {
                proportion(b, a, full)
            };
            (s, Method::Eq)
        }
        // 反向指标: within the target full marks; beyond it A/B × 分值 (ratio) or linear.
        Comparator::Le | Comparator::Lt => {
            let met = if direction == Comparator::Le {
                b <= a
            } else {
                b < a
            };
            let s = if is_cost(ind) && policy.cost == CostRule::Progress && b <= a {
                // 按支出进度: B/A × 分值 even when within the target (内蒙古、新疆 seeds).
                if a.is_zero() {
                    Some(full)
                } else {
                    proportion(b, a, full)
                }
            } else if met {
                Some(full)
            } else if a.is_zero() || b.is_zero() {
                Some(Decimal::ZERO)
            } else {
                match policy.reverse {
                    ReverseRule::Ratio => proportion(a, b, full),
                    // 0 from B ≥ 2A; computed as (2A − B) / A × 分值 so no step can overflow
                    // before the clamp.
                    ReverseRule::Linear => {
                        if b >= a.checked_mul(dec!(2)).unwrap_or(Decimal::MAX) {
                            Some(Decimal::ZERO)
                        } else {
                            a.checked_mul(dec!(2))
                                .and_then(|two_a| two_a.checked_sub(b))
                                .and_then(|gap| proportion(gap, a, full))
                        }
                    }
                }
            };
            (s, Method::Le)
        }
    };
    let Some(score) = score else {
        problems.push(overflow());
        return (None, method);
    };
    // §3 超额完成 (广西规则, 10号: 分析偏差原因).
    if matches!(direction, Comparator::Ge | Comparator::Gt | Comparator::Eq)
        && a > Decimal::ZERO
        && a.checked_mul(policy.overachieve_ratio)
            .is_some_and(|limit| b >= limit)
        && ind.reason.is_none()
    {
        problems.push(
            Problem::new(
                Code::Overachieved,
                ind.path("reason"),
                format!(
                    "实际完成值达到或超过年度指标值的 {}%，请分析原因（目标是否偏低）并填写 reason",
                    (policy.overachieve_ratio * dec!(100)).normalize()
                ),
            )
            .at(ind.actual.as_ref().map(|t| t.loc.clone())),
        );
    }
    (Some(score), method)
}

/// §4 定性指标.
fn qualitative(
    ind: &Indicator,
    policy: &Policy,
    weight: Decimal,
    target_text: &str,
    actual_text: &str,
    problems: &mut Vec<Problem>,
) -> (Option<Decimal>, Method) {
    let method = Method::Qualitative;
    let (t, a) = (target_text.trim(), actual_text.trim());
    let met_by_text = !t.is_empty() && t == a
        || target::best_level(t).is_some_and(|best| a.chars().eq(std::iter::once(best)));
    let grade = ind.grade.as_ref().map(|g| g.value);
    if met_by_text && grade.is_none() {
        return (Some(weight), method);
    }
    let Some(grade) = grade.or(met_by_text.then_some(Attainment::Achieved)) else {
        problems.push(
            Problem::new(
                Code::GradeRequired,
                ind.path("grade"),
                if a.is_empty() {
                    "实际完成值未填写；请填写实际完成值，未完成时另填 grade（达成 / 部分达成 / 未达成）".to_string()
                } else {
                    format!("定性指标实际完成值“{a}”与年度指标值“{t}”不同，须填写 grade（达成 / 部分达成 / 未达成）")
                },
            )
            .at(ind.actual.as_ref().map(|x| x.loc.clone())),
        );
        return (None, method);
    };
    let [high, low] = policy.bands;
    let hundred = dec!(100);
    let (lo, hi) = match grade {
        Attainment::Achieved => (high, hundred),
        Attainment::Partial => (low, high),
        Attainment::NotAchieved => (Decimal::ZERO, low),
    };
    let Some(stated) = &ind.score else {
        if grade == Attainment::Achieved {
            return (Some(weight), method);
        }
        problems.push(
            Problem::new(
                Code::ScoreRequired,
                ind.path("score"),
                format!(
                    "等级“{grade}”须填写得分（分值的 {}%～{}%）",
                    lo.normalize(),
                    hi.normalize()
                ),
            )
            .at(ind.grade.as_ref().map(|g| g.loc.clone())),
        );
        return (None, method);
    };
    let (min, max) = (weight * lo / hundred, weight * hi / hundred);
    if stated.value < min || stated.value > max {
        problems.push(
            Problem::new(
                Code::ScoreOutsideBand,
                ind.path("score"),
                format!(
                    "等级“{grade}”的得分应在 {}～{} 之间（分值的 {}%～{}%），填写的是 {}",
                    min.normalize(),
                    max.normalize(),
                    lo.normalize(),
                    hi.normalize(),
                    stated.value.normalize()
                ),
            )
            .at(Some(stated.loc.clone())),
        );
        return (None, method);
    }
    (Some(stated.value), method)
}
