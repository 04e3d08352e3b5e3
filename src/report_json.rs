//! The `check --format json` view of a scored report (docs/cli.md), beside the other views
//! ([`crate::export`], [`crate::report_text`], `template_data`).

use rust_decimal::Decimal;
use serde_json::{Value, json};

use crate::decimal;
use crate::grade::Rating;
use crate::report::Report;
use crate::source::Sources;

fn opt(d: Option<Decimal>) -> Value {
    d.map_or(Value::Null, |d| Value::String(decimal::plain(d)))
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
                "code": p.code(),
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
        "grade": report.rating.map(Rating::as_str),
        "problems": problems,
    })
}
