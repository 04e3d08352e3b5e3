//! The report's texts: the figures a `{{ name }}` placeholder may name (the engine and its
//! closed grammar are in [`crate::placeholder`]), free text with them expanded, and the 偏差原因
//! cell composed by a form's `reason_format`. A view of a scored [`Report`](crate::report::Report),
//! like the JSON of [`crate::report_json`] and the template data of `template_data`.

use rust_decimal::Decimal;
use serde_json::{Value, json};

use crate::decimal;
use crate::forms::FormSpec;
use crate::grade::Rating;
use crate::model::{Field, Project};
use crate::policy::Policy;
use crate::problem::Problem;
use crate::report::{FundsResult, IndicatorResult};

/// Every figure of a scored project that free text may name ([`crate::placeholder::NAMES`]).
pub struct Figures<'a> {
    pub project: &'a Project,
    pub policy: &'a Policy,
    pub funds: Option<&'a FundsResult>,
    pub total: Option<Decimal>,
    pub grade: Option<Rating>,
}

impl Figures<'_> {
    /// The placeholder context: one entry per name of [`crate::placeholder::NAMES`].
    pub fn context(&self) -> Value {
        let (project, policy) = (self.project, self.policy);
        let s = |d: Option<Decimal>| d.map(decimal::plain).unwrap_or_default();
        let funds_value = self.funds.map_or(Value::Null, |f| {
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
            "total": s(self.total),
            "grade": self.grade.map_or("", Rating::as_str),
        })
    }

    /// Expand the placeholders of 年度目标 (returned as planned, achieved) and of every
    /// indicator's `reason` and `note`; a text that cannot be expanded is kept as written, with
    /// a problem.
    pub fn expand(
        &self,
        indicators: &mut [IndicatorResult],
        problems: &mut Vec<Problem>,
    ) -> (String, String) {
        let context = self.context();
        let mut expand = |field: &Option<Field<String>>, path: String| -> Option<String> {
            let f = field.as_ref()?;
            Some(
                crate::placeholder::expand(&f.value, &context).unwrap_or_else(|error| {
                    problems.push(
                        Problem::new(error.code(), path, error.to_string()).at(Some(f.loc.clone())),
                    );
                    f.value.clone()
                }),
            )
        };
        let planned = expand(&self.project.planned, "goals.planned".into()).unwrap_or_default();
        let achieved = expand(&self.project.achieved, "goals.achieved".into()).unwrap_or_default();
        for r in indicators {
            r.reason = expand(&r.indicator.reason, r.indicator.path("reason"));
            r.note = expand(&r.indicator.note, r.indicator.path("note"));
        }
        (planned, achieved)
    }
}

/// §6 with a `reason_format`: where points were lost, the printed 偏差原因 cell is composed from
/// the computed facts and the user's own cause (which stays required: without it the row keeps
/// its `missing-reason` error and prints nothing composed).
pub fn compose_reasons(
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
                    Problem::new(e.code(), "reason_format", format!("{e}{origin}")).at(loc.clone()),
                );
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every name a placeholder may use has a value in the context (NAMES and `context` agree).
    #[test]
    fn every_placeholder_name_is_in_the_context() {
        let checked = crate::check(
            &["examples/mof-2020".into()],
            &crate::forms::Forms::builtin(),
        )
        .unwrap();
        let report = &checked.reports[0];
        let figures = Figures {
            project: report.project.as_ref().unwrap(),
            policy: &report.policy,
            funds: report.funds.as_ref(),
            total: report.total,
            grade: report.rating,
        };
        let context = figures.context();
        for name in crate::placeholder::NAMES {
            let text = format!("{{{{ {name} }}}}");
            let value = crate::placeholder::expand(&text, &context).unwrap();
            assert!(!value.is_empty(), "{name} has no value");
        }
        assert_eq!(
            crate::placeholder::expand("{{ grade }}", &context).unwrap(),
            report.rating.unwrap().as_str()
        );
    }
}
