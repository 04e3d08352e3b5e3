//! The data document templates read (`templates/README.md`): every number preformatted as a
//! string for the form, every cell present (`""` when empty), user text passed as plain strings
//! that Typst never evaluates.

use rust_decimal::Decimal;
use serde_json::{Value, json};

use crate::decimal;
use crate::forms::{AbsentAmount, FormSpec, RateStyle, SourceCell, ZeroAmount};
use crate::report::{FundFigures, Report};
use crate::scoring;

/// Options that are not part of the report.
#[derive(Debug, Clone, Default)]
pub struct DataOptions {
    /// Print a 草稿 watermark.
    pub draft: bool,
}

/// What the forms print for "not applicable here": an em dash, as in `common.typ`.
pub const DASH: &str = "—";

/// An amount cell: `[format] amount_decimals`, zero and absent amounts as `[print]` says.
fn amount(value: Option<Decimal>, report: &Report, form: &FormSpec) -> String {
    match value {
        None => match report.print.absent_amount {
            AbsentAmount::Blank => String::new(),
            AbsentAmount::Dash => DASH.into(),
        },
        Some(v) if v.is_zero() => match report.print.zero_amount {
            ZeroAmount::Number => decimal::for_form(v, form.format.amount_decimals),
            ZeroAmount::Zero => "0".into(),
            ZeroAmount::Blank => String::new(),
            ZeroAmount::Dash => DASH.into(),
        },
        Some(v) => decimal::for_form(v, form.format.amount_decimals),
    }
}

fn score(value: Option<Decimal>, form: &FormSpec) -> String {
    value
        .map(|v| decimal::for_form(v, form.format.score_decimals))
        .unwrap_or_default()
}

/// 执行率 as a number without "%": `rate_decimals` places, trailing zeros removed when
/// `[print] rate = "trimmed"`.
pub fn rate(value: Option<Decimal>, report: &Report, form: &FormSpec) -> String {
    let places = form
        .format
        .rate_decimals
        .unwrap_or(report.policy.rate_decimals);
    value
        .map(|v| match report.print.rate {
            RateStyle::Fixed => decimal::fixed(v, places),
            RateStyle::Trimmed => decimal::trimmed(v, places),
        })
        .unwrap_or_default()
}

fn percent(rate: String) -> String {
    if rate.is_empty() { rate } else { rate + "%" }
}

/// A 其中 row's 执行率 得分 by the rule of its total (docs/scoring.md §1), for
/// `source_score = "score"`.
pub fn source_score(figures: &FundFigures, report: &Report) -> Option<Decimal> {
    let weight = report.funds.as_ref()?.weight;
    let rate = scoring::execution_rate(figures.budget?, figures.executed.unwrap_or_default())?;
    let score = scoring::execution_score(rate, weight)?;
    Some(report.policy.round(score).min(weight))
}

fn source_cell(option: SourceCell, value: impl FnOnce() -> String) -> String {
    match option {
        SourceCell::Value => value(),
        SourceCell::Blank => String::new(),
        SourceCell::Dash => DASH.into(),
    }
}

fn fund_row(
    key: &str,
    label: &str,
    figures: Option<&FundFigures>,
    report: &Report,
    form: &FormSpec,
) -> Value {
    let funds = report.funds.as_ref();
    let row_rate = rate(figures.and_then(|f| f.rate), report, form);
    // The 分值 / 执行率 / 得分 cells as printed (the total row's 分值 and 得分 go through the
    // labels funds_weight_format / funds_score_format in the template).
    let print = &report.print;
    let cells = if key == "total" {
        json!({
            "weight": score(funds.map(|f| f.weight), form),
            "rate": percent(row_rate.clone()),
            "score": score(funds.and_then(|f| f.score), form),
        })
    } else {
        json!({
            "weight": source_cell(print.source_weight, || score(funds.map(|f| f.weight), form)),
            "rate": source_cell(print.source_rate, || percent(row_rate.clone())),
            "score": source_cell(print.source_score, || {
                score(figures.and_then(|f| source_score(f, report)), form)
            }),
        })
    };
    json!({
        "key": key,
        "label": label,
        "initial": amount(figures.and_then(|f| f.initial), report, form),
        "budget": amount(figures.and_then(|f| f.budget), report, form),
        "executed": amount(figures.and_then(|f| f.executed), report, form),
        "rate": row_rate,
        "cells": cells,
    })
}

/// 总分 row's 分值: Σ indicator 分值 + 预算执行率 分值 (100 only when the weights say so).
pub fn total_weight(report: &Report) -> Decimal {
    report
        .indicator_weight()
        .checked_add(report.policy.budget_weight)
        .unwrap_or(Decimal::MAX)
}

/// Build the data document for one scored report. `None` when the report has no project or form
/// (it could not be read at all), which the caller reports as errors before getting here.
pub fn build(report: &Report, options: &DataOptions) -> Option<Value> {
    let project = report.project.as_ref()?;
    let form = report.form.as_ref()?;
    let funds = report.funds.as_ref();

    let rows: Vec<Value> = form
        .fund_rows
        .iter()
        .map(|spec| {
            let figures = if spec.key == "total" {
                funds.map(|f| &f.total)
            } else {
                funds.and_then(|f| f.sources.iter().find(|s| s.key == spec.key))
            };
            fund_row(&spec.key, &spec.label, figures, report, form)
        })
        .collect();

    let groups: Vec<Value> = form
        .level1
        .iter()
        .map(|l1| {
            let in_level1 = || report.indicators.iter().filter(|r| r.indicator.level1 == l1.name);
            let weight: Decimal =
                crate::decimal::checked_sum(in_level1().map(|r| r.indicator.weight_value()))
                    .unwrap_or(Decimal::MAX);
            // Unused 二级 rows are left out here when `[print] unused_level2` says so; the
            // ones kept carry what their empty cells print (`fill`).
            let fill = report.print.unused_fill();
            let level2: Vec<Value> = l1
                .level2
                .iter()
                .filter(|l2| {
                    report.print.prints_unused(l2)
                        || in_level1().any(|r| &r.indicator.level2 == *l2)
                })
                .map(|l2| {
                    let indicators: Vec<Value> = in_level1()
                        .filter(|r| &r.indicator.level2 == l2)
                        .map(|r| {
                            let i = &r.indicator;
                            let reason = r.reason.clone().unwrap_or_default();
                            let rule = i.tiers_text.as_ref().map(|t| t.value.clone()).unwrap_or_default();
                            json!({
                                "name": i.name,
                                "target": i.target.as_ref().map(|t| t.value.clone()).unwrap_or_default(),
                                "actual": i.actual.as_ref().map(|t| t.value.clone()).unwrap_or_default(),
                                "weight": if i.applicable { i.weight.as_ref().map(|w| score(Some(w.value), form)).unwrap_or_default() } else { String::new() },
                                "score": score(r.scored.score, form),
                                "reason": reason,
                                "rule": rule,
                                "note": r.note.clone().unwrap_or_default(),
                                "applicable": i.applicable,
                            })
                        })
                        .collect();
                    // A form may print a 二级 name other than the canonical one (xinjiang: 满意度指标).
                    let printed = form
                        .labels
                        .get("level2_names")
                        .and_then(|names| names.get(l2.as_str()))
                        .and_then(|v| v.as_str())
                        .unwrap_or(l2);
                    json!({ "name": printed, "indicators": indicators, "fill": fill })
                })
                .collect();
            json!({
                "level1": l1.name,
                "weight": score(Some(weight), form),
                "count": in_level1().count(),
                "level2": level2,
            })
        })
        .collect();

    let labels = serde_json::to_value(&form.labels).unwrap_or(Value::Null);
    let info = &project.info;
    Some(json!({
        "form": form.id,
        "title": form.title,
        "labels": labels,
        "draft": options.draft,
        "year": project.year.to_string(),
        "unit": project.unit.label(),
        "project": {
            "name": info.name,
            "department": info.department,
            "department_code": info.department_code.clone().unwrap_or_default(),
            "implementer": info.implementer,
            "implementer_code": info.implementer_code.clone().unwrap_or_default(),
            "serial": info.serial.clone().unwrap_or_default(),
        },
        "funds": {
            "weight": score(funds.map(|f| f.weight), form),
            "rate": rate(funds.and_then(|f| f.total.rate), report, form),
            "score": score(funds.and_then(|f| f.score), form),
            "rows": rows,
        },
        "goals": { "planned": report.planned, "achieved": report.achieved },
        "groups": groups,
        "indicator_weight": score(Some(report.indicator_weight()), form),
        "total": {
            "weight": score(Some(total_weight(report)), form),
            "score": score(report.total, form),
        },
        "grade": report.grade.unwrap_or(""),
        "signature": {
            "filler": project.signature.filler,
            "phone": project.signature.phone,
            "date": project.signature.date,
            "leader": project.signature.leader,
        },
    }))
}
