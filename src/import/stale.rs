//! After importing a workbook jixiao wrote: each of its computed cells (执行率, 得分, 总分, the
//! 年度资金总额 sums) against what jixiao now computes from the imported inputs. A cell that no
//! longer agrees — an input was edited in Excel/WPS and the sheet not recalculated, or the cell
//! holds a plain number — is told to the user; the project file never holds the old figure.

use std::path::{Path, PathBuf};

use rust_decimal::Decimal;

use super::mapper::{Computed, ComputedCell, FoundForm};
use crate::report::Report;
use crate::{Forms, decimal};

/// `警告：…：单元格已过期：…` for every computed cell of the written forms that disagrees with
/// the check of its project file. Forms without computed cells are not checked here.
pub fn notes(written: &[(PathBuf, &FoundForm)], forms: &Forms) -> Vec<String> {
    let items: Vec<&(PathBuf, &FoundForm)> = written
        .iter()
        .filter(|(_, f)| !f.computed.is_empty())
        .collect();
    if items.is_empty() {
        return Vec::new();
    }
    let paths: Vec<PathBuf> = items.iter().map(|(p, _)| p.clone()).collect();
    // A project that cannot be checked is reported by the check that follows the import.
    let Ok(checked) = crate::check(&paths, forms) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (path, form) in items {
        let Some(report) = checked.reports.iter().find(|r| r.path == *path) else {
            continue;
        };
        for cell in &form.computed {
            if let Some(note) = stale(path, form, report, cell) {
                out.push(note);
            }
        }
    }
    out
}

/// The note for one computed cell, when its value differs from jixiao's figure now.
fn stale(path: &Path, form: &FoundForm, report: &Report, cell: &ComputedCell) -> Option<String> {
    let (label, now, basis, percent) = figure(form, report, cell.what)?;
    let held = decimal::parse(cell.value.text.trim().trim_end_matches('%'));
    if held.is_some_and(|h| h.normalize() == now.normalize()) {
        return None;
    }
    let now_text = format!("{}{}", decimal::plain(now), if percent { "%" } else { "" });
    Some(format!(
        "警告：{}：单元格已过期：{} {label}为 {}，jixiao 按{basis}重新计算为 {now_text}（导入的项目文件中没有这个旧值，PDF 印 {now_text}）",
        path.display(),
        cell.value.addr,
        cell.value.text
    ))
}

/// What the cell holds (label), jixiao's figure, what it follows from, whether a percentage.
fn figure(
    form: &FoundForm,
    report: &Report,
    what: Computed,
) -> Option<(String, Decimal, &'static str, bool)> {
    let funds = report.funds.as_ref();
    Some(match what {
        Computed::FundsTotal(field) => {
            let total = &funds?.total;
            let (label, value) = match field {
                "initial" => ("年初预算数", total.initial),
                "budget" => ("全年预算数", total.budget),
                _ => ("全年执行数", total.executed),
            };
            (
                format!("年度资金总额的{label}"),
                value?,
                "各资金来源之和",
                false,
            )
        }
        Computed::Rate(key) => {
            let f = funds?;
            let rate = if key == "total" {
                f.total.rate
            } else {
                f.sources.iter().find(|s| s.key == key)?.rate
            };
            ("执行率".to_string(), rate?, "全年执行数/全年预算数", true)
        }
        Computed::FundsScore => ("预算执行率得分".to_string(), funds?.score?, "执行率", false),
        Computed::Score(i) => {
            let line = form.indicators.get(i)?;
            let result = report.indicators.get(i)?;
            // The same indicator, or nothing is said.
            if line.name.as_ref().map(|n| n.text.as_str()) != Some(result.indicator.name.as_str()) {
                return None;
            }
            (
                format!("“{}”的得分", result.indicator.name),
                result.scored.score?,
                "实际完成值",
                false,
            )
        }
        Computed::Total => ("总分".to_string(), report.total?, "各项得分之和", false),
        Computed::TotalWeight => (
            "分值合计".to_string(),
            crate::template_data::total_weight(report),
            "各项分值",
            false,
        ),
    })
}
