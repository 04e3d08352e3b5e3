//! A scored report: the project, its policy, every computed figure and every problem.
//! Scoring only; its views are beside it: the JSON of `check` ([`crate::report_json`]), the
//! placeholder texts ([`crate::report_text`]), the export table ([`crate::export`]) and the
//! templates' data (`template_data`).

use std::path::PathBuf;

use rust_decimal::Decimal;

use crate::decimal;
use crate::forms::{FormSpec, Forms, PrintOptions};
use crate::grade::Rating;
use crate::load::LoadedProject;
use crate::model::{Builder, Field, Indicator, Project};
use crate::policy::Policy;
use crate::problem::{Code, Problem, Severity};
pub use crate::report_json::to_json;
use crate::scoring::{self, Scored};
use crate::source::{Loc, Sources};

/// One 项目资金 row with its computed rate.
#[derive(Debug, Clone)]
pub struct FundFigures {
    pub key: &'static str,
    pub initial: Option<Decimal>,
    pub budget: Option<Decimal>,
    pub executed: Option<Decimal>,
    /// 执行率 in percent, rounded to the policy's `rate_decimals`.
    pub rate: Option<Decimal>,
}

#[derive(Debug, Clone)]
pub struct FundsResult {
    /// Σ over the sources (the 年度资金总额 row).
    pub total: FundFigures,
    pub sources: Vec<FundFigures>,
    pub weight: Decimal,
    pub score: Option<Decimal>,
}

#[derive(Debug, Clone)]
pub struct IndicatorResult {
    pub indicator: Indicator,
    pub scored: Scored,
    /// `reason` after placeholders.
    pub reason: Option<String>,
    pub note: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Report {
    pub path: PathBuf,
    pub project: Option<Project>,
    pub form: Option<FormSpec>,
    pub policy: Policy,
    /// The form's `[print]` options with the folder's and the project's over them.
    pub print: PrintOptions,
    pub funds: Option<FundsResult>,
    pub indicators: Vec<IndicatorResult>,
    pub planned: String,
    pub achieved: String,
    pub total: Option<Decimal>,
    /// 评价等级 of the total.
    pub rating: Option<Rating>,
    pub problems: Vec<Problem>,
}

impl Report {
    pub fn has_errors(&self) -> bool {
        self.problems.iter().any(|p| p.severity == Severity::Error)
    }

    pub fn has_warnings(&self) -> bool {
        self.problems
            .iter()
            .any(|p| p.severity == Severity::Warning)
    }

    /// The file could not be read as TOML at all (exit 2 rather than 1).
    pub fn is_unreadable(&self) -> bool {
        self.problems.iter().any(|p| p.kind.is_fatal())
    }

    pub fn name(&self) -> &str {
        self.project.as_ref().map_or("", |p| p.info.name.as_str())
    }

    /// Σ分值 of the indicators (each bounded to 0…100 by the model, so the sum cannot overflow
    /// for any realistic count; saturates rather than panics).
    pub fn indicator_weight(&self) -> Decimal {
        decimal::checked_sum(self.indicators.iter().map(|r| r.indicator.weight_value()))
            .unwrap_or(Decimal::MAX)
    }
}

/// Validate and score one loaded project file.
pub fn build(
    sources: &Sources,
    forms: &Forms,
    loaded: &LoadedProject,
    folder_raw: Option<&crate::raw::RawFile>,
) -> Report {
    let path = sources.path(loaded.project.file).to_path_buf();
    let mut problems = loaded.folder_problems.clone();
    problems.extend(loaded.project.problems.iter().cloned());
    let empty = Report {
        path,
        project: None,
        form: None,
        policy: Policy::default(),
        print: PrintOptions::default(),
        funds: None,
        indicators: Vec::new(),
        planned: String::new(),
        achieved: String::new(),
        total: None,
        rating: None,
        problems: Vec::new(),
    };
    // An unknown key is left out and reported; only a file that could not be read at all
    // (or whose folder defaults could not) stops the scoring.
    let (Some(raw), true) = (
        &loaded.project.raw,
        loaded.folder.is_none() || folder_raw.is_some(),
    ) else {
        return Report { problems, ..empty };
    };
    let mut builder = Builder::new(sources).with_forms(forms);
    let folder = loaded.folder.zip(folder_raw);
    let project = builder.build(loaded.project.file, raw, folder);
    let meant: Vec<&String> = loaded
        .project
        .meant
        .iter()
        .chain(&loaded.folder_meant)
        .collect();
    problems.extend(
        builder
            .problems
            .into_iter()
            .filter(|p| !follows_from_unknown_key(p, &meant)),
    );

    let Some(form) = forms.get(&project.form).cloned() else {
        let ids: Vec<&str> = forms.ids().collect();
        problems.push(
            Problem::new(
                Code::UnknownForm,
                "form",
                format!("未知的表样“{}”；可用：{}", project.form, ids.join("、")),
            )
            .at(project.form_loc.clone()),
        );
        return Report {
            problems,
            project: Some(project),
            ..empty
        };
    };

    // Policy layers: national defaults → form → folder → project.
    let mut policy = Policy::default();
    let mut form_problems = Vec::new();
    let form_source = crate::source::SourceFile::new(
        format!("{}/form.toml", form.id).into(),
        form.source.clone(),
    );
    policy.apply(
        &form.scoring,
        &form_source,
        loaded.project.file,
        &mut form_problems,
    );
    for p in form_problems {
        // A form's own defaults are not the user's data: say which form.toml is at fault, and
        // do not point into the project file.
        let origin = form.dir().map_or_else(
            || format!("内置表样 {}", form.id),
            |d| d.join("form.toml").display().to_string(),
        );
        problems.push(Problem {
            loc: None,
            message: format!(
                "表样文件 {origin} 有误：{}（不是项目文件的问题）",
                p.message
            ),
            ..p
        });
    }
    for (layer, file) in &project.scoring {
        policy.apply(layer, sources.get(*file), *file, &mut problems);
    }

    let print = form.print.with(&project.print);
    check_form_fit(&project, &form, &mut problems);
    let funds = score_funds(&project, &policy, &form, &mut problems);
    point_at_funds_table(sources, &project, &mut problems);

    let mut indicators: Vec<IndicatorResult> = project
        .indicators
        .iter()
        .map(|ind| {
            let scored = scoring::score_indicator(ind, &policy);
            problems.extend(scored.problems.iter().cloned());
            IndicatorResult {
                indicator: ind.clone(),
                scored,
                reason: None,
                note: None,
            }
        })
        .collect();

    // §2 Σ分值 + 预算执行率分值 = 100.
    let weight_sum = decimal::checked_sum(
        indicators
            .iter()
            .map(|r| r.indicator.weight_value())
            .chain([policy.budget_weight]),
    );
    let Some(weight_sum) = weight_sum else {
        problems.push(
            Problem::new(
                Code::NumberOutOfRange,
                "indicators",
                "指标分值之和过大，无法计算 (sum out of range)",
            )
            .at(indicators.first().map(|r| r.indicator.loc.clone())),
        );
        return Report {
            problems,
            project: Some(project),
            form: Some(form),
            policy,
            print,
            funds,
            indicators,
            ..empty
        };
    };
    // A weight still to fill (unreadable, or negative) is already an error at its cell; a sum
    // of it would blame the other rows.
    let weight_unknown = indicators.iter().any(|r| {
        r.indicator.applicable
            && r.indicator
                .weight
                .as_ref()
                .is_none_or(|w| w.value < Decimal::ZERO)
    });
    if weight_sum != Decimal::from(100) && !indicators.is_empty() && !weight_unknown {
        problems.push(
            Problem::new(
                Code::WeightsSum,
                "indicators",
                format!(
                    "指标分值之和 {} 加预算执行率分值 {} 为 {}，应为 100",
                    (weight_sum - policy.budget_weight).normalize(),
                    policy.budget_weight.normalize(),
                    weight_sum.normalize()
                ),
            )
            .at(indicators.first().map(|r| r.indicator.loc.clone())),
        );
    }

    // §7 总分 = 执行率得分 + Σ得分, rescaled when some indicators do not apply.
    let funds_score = funds.as_ref().and_then(|f| f.score);
    let scores: Option<Vec<Decimal>> = indicators
        .iter()
        .filter(|r| r.indicator.applicable)
        .map(|r| r.scored.score)
        .collect();
    let applicable = decimal::checked_sum(
        indicators
            .iter()
            .filter(|r| r.indicator.applicable)
            .map(|r| r.indicator.weight_value())
            .chain([policy.budget_weight]),
    );
    // No total while a weight is unknown: the sum would look like a result.
    let total = match (funds_score, scores, applicable) {
        (Some(fs), Some(scores), Some(applicable)) if !indicators.is_empty() && !weight_unknown => {
            let all_apply = indicators.iter().all(|r| r.indicator.applicable);
            decimal::checked_sum(scores.iter().copied().chain([fs])).and_then(|sum| {
                if all_apply || applicable.is_zero() || applicable == Decimal::from(100) {
                    Some(sum.normalize())
                } else {
                    // 10号: 用适用指标得分汇总后按百分制折算.
                    let scaled = sum
                        .checked_mul(Decimal::from(100))?
                        .checked_div(applicable)?;
                    Some(policy.round(scaled).min(Decimal::from(100)))
                }
            })
        }
        _ => None,
    };
    // A total above what the weights allow means a stated score broke its bounds; that is
    // reported per row, and the total says so too rather than print more than 100.
    if let Some(t) = total
        && t > weight_sum.max(Decimal::from(100))
    {
        problems.push(Problem::new(
            Code::TotalExceedsWeights,
            "total",
            format!(
                "总分 {} 超过分值合计 {}，请核对各项得分",
                t.normalize(),
                weight_sum.normalize()
            ),
        ));
    }
    let rating = total.map(|t| policy.grade(t));
    audit_stated(
        &project,
        &policy,
        funds.as_ref(),
        total,
        rating,
        &mut problems,
    );

    // Placeholders in free text, now that every figure is known.
    let texts = crate::report_text::Figures {
        project: &project,
        policy: &policy,
        funds: funds.as_ref(),
        total,
        grade: rating,
    };
    let (planned, achieved) = texts.expand(&mut indicators, &mut problems);
    crate::report_text::compose_reasons(&project, &form, &mut indicators, &mut problems);

    problems.retain(|p| !follows_from_unknown_key(p, &meant));
    problems.sort_by_key(|p| p.loc.as_ref().map(|l| (l.file.0, l.span.start)));
    Report {
        path: empty.path,
        project: Some(project),
        form: Some(form),
        policy,
        print,
        funds,
        indicators,
        planned,
        achieved,
        total,
        rating,
        problems,
    }
}

/// `low-execution` points where `reason` is to be written: the `[funds]` header of the project
/// file, or else its first fund row (before which `[funds]` goes).
fn point_at_funds_table(sources: &Sources, project: &Project, problems: &mut [Problem]) {
    let file = project.file;
    let header = crate::keys::header_span(&sources.get(file).text, "funds");
    let first_row = project
        .funds
        .sources
        .iter()
        .chain(&project.funds.total)
        .map(|r| &r.loc)
        .filter(|l| l.file == file)
        .min_by_key(|l| l.span.start);
    let at = header
        .map(|span| Loc { file, span })
        .or_else(|| first_row.cloned());
    for p in problems.iter_mut().filter(|p| p.kind == Code::LowExecution) {
        if at.is_some() {
            p.loc = at.clone();
        }
    }
}

/// A problem that only says a field is missing whose key an `unknown-key` problem already told
/// the user to write (`levl1` → `level1`, `偏差原因` → `reason`).
/// An amount meant but left out (`"全年预算数" = 100` → `budget`) also explains what the funds'
/// totals say (`zero-budget`).
fn follows_from_unknown_key(p: &Problem, meant: &[&String]) -> bool {
    let missing = matches!(
        p.kind,
        Code::MissingField | Code::MissingReason | Code::LowExecution
    ) && meant.iter().any(|m| **m == p.field);
    let amount_meant = meant.iter().any(|m| {
        m.starts_with("funds.")
            && [".initial", ".budget", ".executed"]
                .iter()
                .any(|a| m.ends_with(a))
    });
    let of_funds = matches!(
        p.kind,
        Code::ZeroBudget
            | Code::ExecutedExceedsBudget
            | Code::LowExecution
            | Code::NumberOutOfRange
            | Code::FundsTotalMismatch
    ) && (p.field == "funds"
        || p.field == "funds.reason"
        || p.field.starts_with("funds.total"));
    missing || (amount_meant && of_funds)
}

/// Levels and fund sources the form cannot print would silently vanish from the PDF.
fn check_form_fit(project: &Project, form: &FormSpec, problems: &mut Vec<Problem>) {
    for ind in &project.indicators {
        let canonical = crate::model::LEVELS
            .iter()
            .any(|(l1, l2s)| *l1 == ind.level1 && l2s.contains(&ind.level2.as_str()));
        if canonical && !form.has_level(&ind.level1, &ind.level2) {
            problems.push(
                Problem::new(
                    Code::LevelNotOnForm,
                    ind.path("level2"),
                    format!(
                        "表样“{}”没有“{} / {}”这一栏",
                        form.id, ind.level1, ind.level2
                    ),
                )
                .at(Some(ind.loc.clone())),
            );
        }
    }
    for row in &project.funds.sources {
        if !form.fund_rows.iter().any(|r| r.key == row.key) {
            let printed: Vec<&str> = form
                .fund_rows
                .iter()
                .filter(|r| r.key != "total")
                .map(|r| r.key.as_str())
                .collect();
            problems.push(
                Problem::new(
                    Code::FundSourceNotOnForm,
                    format!("funds.{}", row.key),
                    format!(
                        "表样“{}”没有此资金来源的行；可用：{}",
                        form.id,
                        printed.join("、")
                    ),
                )
                .at(Some(row.loc.clone())),
            );
        }
    }
}

/// Compare every figure the published form printed (执行率, 得分, 总分, 等级) with what the rules
/// give, at the printed figure's own precision. A difference is an error: the PDF would
/// contradict the source it was made from.
fn audit_stated(
    project: &Project,
    policy: &Policy,
    funds: Option<&FundsResult>,
    total: Option<Decimal>,
    rating: Option<Rating>,
    problems: &mut Vec<Problem>,
) {
    let at = |value: Decimal, places: u32| {
        decimal::round(value, places, crate::decimal::Rounding::HalfUp)
    };
    let rows = project
        .funds
        .sources
        .iter()
        .chain(project.funds.total.as_ref());
    for row in rows {
        let Some(stated) = &row.stated_rate else {
            continue;
        };
        // An amount still to fill (or unreadable) is its own error; the printed rate is
        // compared once both amounts are there. A budget of 0 is compared: a rate printed
        // over no budget is a slip on the form.
        let (budget_known, executed_known) = match (row.key, funds) {
            ("total", Some(f)) => (f.total.budget.is_some(), f.total.executed.is_some()),
            _ => (row.budget.is_some(), row.executed.is_some()),
        };
        if !(budget_known && executed_known) {
            continue;
        }
        let computed = match (row.key, funds) {
            ("total", Some(f)) => f
                .total
                .budget
                .and_then(|b| scoring::execution_rate(b, f.total.executed.unwrap_or_default())),
            _ => row.budget.as_ref().and_then(|b| {
                scoring::execution_rate(
                    b.value,
                    row.executed.as_ref().map(|e| e.value).unwrap_or_default(),
                )
            }),
        };
        let agrees = computed.is_some_and(|c| at(c, stated.places) == stated.value.normalize());
        if !agrees {
            let field = format!("funds.{}.rate", row.key);
            let computed_text = computed.map_or_else(
                || "无法计算（全年预算数为空或为 0）".to_string(),
                |c| {
                    format!(
                        "{}%",
                        decimal::fixed(c, policy.rate_decimals.max(stated.places))
                    )
                },
            );
            problems.push(
                Problem::new(
                    Code::StatedRateDiffers,
                    field,
                    format!(
                        "原表所印执行率 {} 与按金额计算的 {computed_text} 不符（按原表的 {} 位小数比较）",
                        stated.text, stated.places
                    ),
                )
                .at(Some(stated.loc.clone())),
            );
        }
    }
    if let Some(stated) = project
        .funds
        .total
        .as_ref()
        .and_then(|t| t.stated_score.as_ref())
    {
        // Without a computed score its cause is reported where it lies (an amount to fill, a
        // budget of 0); a second error here would only repeat it.
        let computed = funds.and_then(|f| f.score);
        let agrees = computed.is_none_or(|c| at(c, stated.places) == stated.value.normalize());
        if !agrees {
            problems.push(
                Problem::new(
                    Code::StatedFundsScoreDiffers,
                    "funds.total.score",
                    format!(
                        "原表所印预算执行率得分 {} 与按规则计算的 {} 不符",
                        stated.text,
                        computed.map_or_else(|| "（无法计算）".to_string(), decimal::plain)
                    ),
                )
                .at(Some(stated.loc.clone())),
            );
        }
    }
    if let Some(stated) = &project.stated_total
        && total.is_some_and(|c| at(c, stated.places) != stated.value.normalize())
    {
        problems.push(
            Problem::new(
                Code::StatedTotalDiffers,
                "total",
                format!(
                    "原表所印总分 {} 与按规则计算的总分 {} 不符（预算执行率得分 {} 加各项指标得分）",
                    stated.text,
                    total.map_or_else(|| "（无法计算）".to_string(), decimal::plain),
                    funds
                        .and_then(|f| f.score)
                        .map_or_else(|| "（无法计算）".to_string(), decimal::plain)
                ),
            )
            .at(Some(stated.loc.clone())),
        );
    }
    if let Some(stated) = &project.stated_grade {
        let printed = stated.value.trim();
        if rating.is_some() && Rating::parse(printed) != rating {
            problems.push(
                Problem::new(
                    Code::StatedGradeDiffers,
                    "grade",
                    format!(
                        "原表所印等级“{printed}”与按总分计算的“{}”不符（分数线 {}）",
                        rating.map_or("（无法计算）", Rating::as_str),
                        policy
                            .grades
                            .iter()
                            .map(|g| g.normalize().to_string())
                            .collect::<Vec<_>>()
                            .join("/")
                    ),
                )
                .at(Some(stated.loc.clone())),
            );
        }
    }
}

fn rate_of(policy: &Policy, budget: Option<Decimal>, executed: Option<Decimal>) -> Option<Decimal> {
    let rate = scoring::execution_rate(budget?, executed.unwrap_or_default())?;
    Some(decimal::round(rate, policy.rate_decimals, policy.rounding))
}

/// §1 预算执行率 and the funds checks.
fn score_funds(
    project: &Project,
    policy: &Policy,
    _form: &FormSpec,
    problems: &mut Vec<Problem>,
) -> Option<FundsResult> {
    let funds = &project.funds;
    if funds.sources.is_empty() {
        return None;
    }
    let value = |f: &Option<Field<Decimal>>| f.as_ref().map(|f| f.value);
    // Amounts are bounded by the model (≤ 10^18 each), so these sums cannot overflow; a
    // saturated sum would still be reported, never a panic.
    let sum = |pick: fn(&crate::model::FundRow) -> &Option<Field<Decimal>>| -> Option<Decimal> {
        let values: Vec<Decimal> = funds
            .sources
            .iter()
            .filter_map(|r| value(pick(r)))
            .collect();
        (!values.is_empty()).then(|| decimal::checked_sum(values).unwrap_or(Decimal::MAX))
    };
    let initial = sum(|r| &r.initial);
    let budget = sum(|r| &r.budget);
    let executed = sum(|r| &r.executed);

    if let Some(total) = &funds.total {
        for (name, stated, computed) in [
            ("initial", &total.initial, initial),
            ("budget", &total.budget, budget),
            ("executed", &total.executed, executed),
        ] {
            if let Some(s) = stated
                && Some(s.value) != computed.map(|c| c.normalize())
                && !(s.value.is_zero() && computed.is_none())
            {
                problems.push(
                    Problem::new(
                        Code::FundsTotalMismatch,
                        format!("funds.total.{name}"),
                        format!(
                            "年度资金总额 {} 与各资金来源之和 {} 不符",
                            s.value.normalize(),
                            computed.unwrap_or_default().normalize()
                        ),
                    )
                    .at(Some(s.loc.clone())),
                );
            }
        }
    }

    // An amount that could not be read (or is negative) is already an error at its cell; a
    // rate or score from the rest would be wrong (and "全年预算数为 0" would blame the wrong thing).
    let unreadable = problems.iter().any(|p| {
        matches!(
            p.kind,
            Code::InvalidNumber | Code::NumberOutOfRange | Code::MissingField | Code::NegativeValue
        ) && p.field.starts_with("funds.")
            && !p.field.ends_with(".rate")
            && !p.field.ends_with(".score")
    });
    if unreadable {
        return Some(FundsResult {
            total: FundFigures {
                key: "total",
                initial,
                budget,
                executed,
                rate: None,
            },
            sources: funds
                .sources
                .iter()
                .map(|r| FundFigures {
                    key: r.key,
                    initial: value(&r.initial),
                    budget: value(&r.budget),
                    executed: value(&r.executed),
                    rate: None,
                })
                .collect(),
            weight: policy.budget_weight,
            score: None,
        });
    }
    let first_loc: Option<Loc> = funds.sources.first().map(|r| r.loc.clone());
    let budget_total = budget.unwrap_or_default();
    let executed_total = executed.unwrap_or_default();
    let full_rate = scoring::execution_rate(budget_total, executed_total);
    let score = match full_rate {
        None if !budget_total.is_zero() => {
            problems.push(
                Problem::new(
                    Code::NumberOutOfRange,
                    "funds",
                    format!(
                        "全年执行数 {} 与全年预算数 {} 相差悬殊，执行率超出可计算范围，请核对金额",
                        executed_total.normalize(),
                        budget_total.normalize()
                    ),
                )
                .at(first_loc.clone()),
            );
            None
        }
        None => {
            problems.push(
                Problem::new(
                    Code::ZeroBudget,
                    "funds",
                    "全年预算数合计为 0，无法计算执行率",
                )
                .at(first_loc.clone()),
            );
            None
        }
        Some(rate) => {
            if executed_total > budget_total {
                problems.push(
                    Problem::new(
                        Code::ExecutedExceedsBudget,
                        "funds",
                        format!(
                            "全年执行数 {} 大于全年预算数 {}，执行率得分按 100% 计",
                            executed_total.normalize(),
                            budget_total.normalize()
                        ),
                    )
                    .at(first_loc.clone()),
                );
            }
            if rate < policy.low_rate_warning && funds.reason.is_none() {
                problems.push(
                    Problem::new(
                        Code::LowExecution,
                        "funds.reason",
                        format!(
                            "执行率 {}% 低于 {}%，请说明原因：在 [funds] 表中写 reason = \"……\"\
                             （reason 属于 [funds]，不能写在 [funds.fiscal] 等资金行下；文件中没有 \
                             [funds] 这一行就在第一个资金行之前加上）",
                            decimal::fixed(rate, policy.rate_decimals),
                            policy.low_rate_warning.normalize()
                        ),
                    )
                    .at(first_loc.clone()),
                );
            }
            scoring::execution_score(rate, policy.budget_weight)
                .map(|s| policy.round(s).min(policy.budget_weight))
        }
    };
    let sources = funds
        .sources
        .iter()
        .map(|r| FundFigures {
            key: r.key,
            initial: value(&r.initial),
            budget: value(&r.budget),
            executed: value(&r.executed),
            rate: rate_of(policy, value(&r.budget), value(&r.executed)),
        })
        .collect();
    Some(FundsResult {
        total: FundFigures {
            key: "total",
            initial,
            budget,
            executed,
            rate: full_rate.map(|r| decimal::round(r, policy.rate_decimals, policy.rounding)),
        },
        sources,
        weight: policy.budget_weight,
        score,
    })
}
