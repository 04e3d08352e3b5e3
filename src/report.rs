//! A scored report: the project, its policy, every computed figure and every problem.
//! This is what `check` prints and what the templates receive (through `template_data`).

use std::path::PathBuf;

use rust_decimal::Decimal;
use serde_json::{Value, json};

use crate::decimal;
use crate::forms::{FormSpec, Forms, PrintOptions};
use crate::load::LoadedProject;
use crate::model::{Builder, Field, Indicator, Project};
use crate::policy::Policy;
use crate::problem::{Problem, Severity};
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
    pub grade: Option<&'static str>,
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
        self.problems
            .iter()
            .any(|p| matches!(p.code, "toml-syntax" | "unreadable-file" | "not-utf8"))
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
        grade: None,
        problems: Vec::new(),
    };
    let (Some(raw), true) = (&loaded.project.raw, loaded.folder_problems.is_empty()) else {
        return Report { problems, ..empty };
    };
    let mut builder = Builder::new(sources);
    let folder = loaded.folder.zip(folder_raw);
    let project = builder.build(loaded.project.file, raw, folder);
    problems.extend(builder.problems);

    let Some(form) = forms.get(&project.form).cloned() else {
        let ids: Vec<&str> = forms.ids().collect();
        problems.push(
            Problem::error(
                "unknown-form",
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
            Problem::error(
                "number-out-of-range",
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
    if weight_sum != Decimal::from(100) && !indicators.is_empty() {
        problems.push(
            Problem::error(
                "weights-sum",
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
    let total = match (funds_score, scores, applicable) {
        (Some(fs), Some(scores), Some(applicable)) if !indicators.is_empty() => {
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
        problems.push(Problem::error(
            "total-exceeds-weights",
            "total",
            format!(
                "总分 {} 超过分值合计 {}，请核对各项得分",
                t.normalize(),
                weight_sum.normalize()
            ),
        ));
    }
    let grade = total.map(|t| policy.grade(t));
    audit_stated(
        &project,
        &policy,
        funds.as_ref(),
        total,
        grade,
        &mut problems,
    );

    // Placeholders in free text, now that every figure is known.
    let context = placeholder_context(&project, &policy, funds.as_ref(), total, grade);
    let mut expand = |field: &Option<Field<String>>, path: String| -> Option<String> {
        let f = field.as_ref()?;
        Some(
            crate::placeholder::expand(&f.value, &context).unwrap_or_else(|error| {
                problems.push(
                    Problem::error(error.code(), path, error.to_string()).at(Some(f.loc.clone())),
                );
                f.value.clone()
            }),
        )
    };
    let planned = expand(&project.planned, "goals.planned".into()).unwrap_or_default();
    let achieved = expand(&project.achieved, "goals.achieved".into()).unwrap_or_default();
    for r in &mut indicators {
        r.reason = expand(&r.indicator.reason, r.indicator.path("reason"));
        r.note = expand(&r.indicator.note, r.indicator.path("note"));
    }
    compose_reasons(&project, &form, &mut indicators, &mut problems);

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
        grade,
        problems,
    }
}

/// Levels and fund sources the form cannot print would silently vanish from the PDF.
fn check_form_fit(project: &Project, form: &FormSpec, problems: &mut Vec<Problem>) {
    for ind in &project.indicators {
        let canonical = crate::model::LEVELS
            .iter()
            .any(|(l1, l2s)| *l1 == ind.level1 && l2s.contains(&ind.level2.as_str()));
        if canonical && !form.has_level(&ind.level1, &ind.level2) {
            problems.push(
                Problem::error(
                    "level-not-on-form",
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
                Problem::error(
                    "fund-source-not-on-form",
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

/// §6 with a `reason_format`: where points were lost, the printed 偏差原因 cell is composed from
/// the computed facts and the user's own cause (which stays required: without it the row keeps
/// its `missing-reason` error and prints nothing composed).
fn compose_reasons(
    project: &Project,
    form: &FormSpec,
    indicators: &mut [IndicatorResult],
    problems: &mut Vec<Problem>,
) {
    let (format, loc) = match &project.reason_format {
        Some(f) => (f.value.as_str(), Some(f.loc.clone())),
        None => match &form.format.reason_format {
            Some(f) => (f.as_str(), None),
            None => return,
        },
    };
    if format.trim().is_empty() {
        return;
    }
    for r in indicators.iter_mut() {
        let i = &r.indicator;
        let (Some(score), Some(weight), Some(reason)) = (r.scored.score, &i.weight, &r.reason)
        else {
            continue;
        };
        if score >= weight.value {
            continue;
        }
        let text = |f: &Option<Field<String>>| f.as_ref().map(|t| t.value.trim().to_string());
        let ratio = match (
            i.target.as_ref().map(|t| crate::target::parse(&t.value)),
            i.actual.as_ref().map(|t| crate::target::parse(&t.value)),
        ) {
            (
                Some(crate::target::Parsed::Quantity(a)),
                Some(crate::target::Parsed::Quantity(b)),
            ) => crate::target::aligned(&a, &b)
                .filter(|(a, _)| !a.is_zero())
                .and_then(|(a, b)| b.checked_mul(Decimal::from(100))?.checked_div(a))
                .map(|p| decimal::fixed(p, 2)),
            _ => None,
        };
        let context = json!({
            "name": i.name,
            "level1": i.level1,
            "level2": i.level2,
            "target": text(&i.target).unwrap_or_default(),
            "actual": text(&i.actual).unwrap_or_default(),
            "weight": decimal::plain(weight.value),
            "score": decimal::plain(score),
            "lost": decimal::plain(weight.value - score),
            "ratio": ratio.unwrap_or_default(),
            "reason": reason,
        });
        match crate::placeholder::expand_names(format, &context, crate::placeholder::REASON_NAMES) {
            Ok(composed) => r.reason = Some(composed),
            Err(e) => {
                let origin = if loc.is_some() {
                    String::new()
                } else {
                    format!("（表样 {} 的 [format] reason_format）", form.id)
                };
                problems.push(
                    Problem::error(e.code(), "reason_format", format!("{e}{origin}"))
                        .at(loc.clone()),
                );
                return;
            }
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
    grade: Option<&'static str>,
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
                Problem::error(
                    "stated-rate-differs",
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
        let computed = funds.and_then(|f| f.score);
        let agrees = computed.is_some_and(|c| at(c, stated.places) == stated.value.normalize());
        if !agrees {
            problems.push(
                Problem::error(
                    "stated-funds-score-differs",
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
        && total.is_none_or(|c| at(c, stated.places) != stated.value.normalize())
    {
        problems.push(
            Problem::error(
                "stated-total-differs",
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
        let normalized = match printed {
            "优秀" => "优",
            "良好" => "良",
            "合格" | "中等" => "中",
            "不合格" | "较差" => "差",
            other => other,
        };
        if grade != Some(normalized) {
            problems.push(
                Problem::error(
                    "stated-grade-differs",
                    "grade",
                    format!(
                        "原表所印等级“{printed}”与按总分计算的“{}”不符（分数线 {}）",
                        grade.unwrap_or("（无法计算）"),
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
                    Problem::error(
                        "funds-total-mismatch",
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

    // An amount that could not be read is already an error at its cell; a rate or score from
    // the rest would be wrong (and "全年预算数为 0" would blame the wrong thing).
    let unreadable = problems.iter().any(|p| {
        matches!(
            p.code,
            "invalid-number" | "number-out-of-range" | "missing-field"
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
                Problem::error(
                    "number-out-of-range",
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
                Problem::error("zero-budget", "funds", "全年预算数合计为 0，无法计算执行率")
                    .at(first_loc.clone()),
            );
            None
        }
        Some(rate) => {
            if executed_total > budget_total {
                problems.push(
                    Problem::warning(
                        "executed-exceeds-budget",
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
                    Problem::warning(
                        "low-execution",
                        "funds.reason",
                        format!(
                            "执行率 {}% 低于 {}%，请在 funds.reason 中说明原因",
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

fn opt(d: Option<Decimal>) -> Value {
    d.map_or(Value::Null, |d| Value::String(decimal::plain(d)))
}

fn placeholder_context(
    project: &Project,
    policy: &Policy,
    funds: Option<&FundsResult>,
    total: Option<Decimal>,
    grade: Option<&str>,
) -> Value {
    let s = |d: Option<Decimal>| d.map(decimal::plain).unwrap_or_default();
    let funds_value = funds.map_or(Value::Null, |f| {
        json!({
            "initial": s(f.total.initial),
            "budget": s(f.total.budget),
            "executed": s(f.total.executed),
            "rate": f.total.rate.map(|r| decimal::fixed(r, policy.rate_decimals)).unwrap_or_default(),
            "weight": decimal::plain(f.weight),
            "score": s(f.score),
        })
    });
    json!({
        "year": project.year,
        "unit": project.unit.label(),
        "project": {
            "name": project.info.name,
            "department": project.info.department,
            "implementer": project.info.implementer,
        },
        "funds": funds_value,
        "total": s(total),
        "grade": grade.unwrap_or(""),
    })
}

/// The `check --format json` object for one report (cli.md).
pub fn to_json(report: &Report, sources: &Sources) -> Value {
    let project = report.project.as_ref();
    let funds = report.funds.as_ref().map_or(Value::Null, |f| {
        json!({
            "initial": opt(f.total.initial),
            "budget": opt(f.total.budget),
            "executed": opt(f.total.executed),
            "rate": f.total.rate.map_or(Value::Null, |r| Value::String(decimal::fixed(r, report.policy.rate_decimals))),
            "weight": decimal::plain(f.weight),
            "score": opt(f.score),
        })
    });
    let indicators: Vec<Value> = report
        .indicators
        .iter()
        .map(|r| {
            let i = &r.indicator;
            json!({
                "level1": i.level1,
                "level2": i.level2,
                "name": i.name,
                "target": i.target.as_ref().map(|t| t.value.clone()),
                "actual": i.actual.as_ref().map(|t| t.value.clone()),
                "weight": i.weight.as_ref().map(|w| decimal::plain(w.value)),
                "score": opt(r.scored.score),
                "computed": opt(r.scored.computed),
                "method": r.scored.method.id(),
                "reason": r.reason,
            })
        })
        .collect();
    let problems: Vec<Value> = report
        .problems
        .iter()
        .map(|p| {
            let (file, line, column) = match &p.loc {
                Some(loc) => {
                    let (l, c) = sources.line_col(loc);
                    (
                        sources.path(loc.file).display().to_string(),
                        Some(l),
                        Some(c),
                    )
                }
                None => (report.path.display().to_string(), None, None),
            };
            json!({
                "severity": p.severity,
                "code": p.code,
                "file": file,
                "line": line,
                "column": column,
                "field": p.field,
                "message": p.message,
            })
        })
        .collect();
    json!({
        "file": report.path.display().to_string(),
        "project": project.map(|p| p.info.name.clone()),
        "year": project.map(|p| p.year),
        "form": project.map(|p| p.form.clone()),
        "funds": funds,
        "indicators": indicators,
        "total": opt(report.total),
        "grade": report.grade,
        "problems": problems,
    })
}
