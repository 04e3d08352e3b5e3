//! From scored reports to rendered documents: the data documents, the glyph check, PDF metadata
//! and the department bundle. The CLI and library users both come through here.

use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::Value;

use crate::decimal;
use crate::model::AmountUnit;
use crate::problem::Problem;
use crate::render::{BundleItem, Compiled, Engine, PdfMeta, RenderError, TypstProject};
use crate::report::Report;
use crate::template_data::{self, DataOptions};

/// Warnings for characters no font can print (they would come out as empty boxes).
pub fn glyph_problems(engine: &Engine, report: &Report) -> Vec<Problem> {
    let Some(project) = &report.project else {
        return Vec::new();
    };
    let mut fields: Vec<(String, &str, Option<crate::source::Loc>)> = vec![
        ("project.name".into(), project.info.name.as_str(), None),
        (
            "project.department".into(),
            project.info.department.as_str(),
            None,
        ),
        (
            "project.implementer".into(),
            project.info.implementer.as_str(),
            None,
        ),
        (
            "goals.planned".into(),
            report.planned.as_str(),
            project.planned.as_ref().map(|f| f.loc.clone()),
        ),
        (
            "goals.achieved".into(),
            report.achieved.as_str(),
            project.achieved.as_ref().map(|f| f.loc.clone()),
        ),
    ];
    for r in &report.indicators {
        let i = &r.indicator;
        fields.push((i.path("name"), i.name.as_str(), Some(i.loc.clone())));
        for (key, value) in [("target", &i.target), ("actual", &i.actual)] {
            if let Some(v) = value {
                fields.push((i.path(key), v.value.as_str(), Some(v.loc.clone())));
            }
        }
        if let Some(reason) = &r.reason {
            fields.push((
                i.path("reason"),
                reason.as_str(),
                i.reason.as_ref().map(|f| f.loc.clone()),
            ));
        }
    }
    fields
        .into_iter()
        .filter_map(|(field, text, loc)| {
            let missing = engine.missing_glyphs(text);
            if missing.is_empty() {
                return None;
            }
            let chars: String = missing.iter().map(|c| format!("“{c}”(U+{:04X}) ", *c as u32)).collect();
            Some(
                Problem::warning(
                    "missing-glyph",
                    field,
                    format!("所有字体都缺少字符 {}，打印时会显示为空框；可用 --font-path 加入含该字的字体", chars.trim_end()),
                )
                .at(loc),
            )
        })
        .collect()
}

/// The data document of one report, as JSON bytes.
pub fn data_bytes(report: &Report, draft: bool) -> Option<Vec<u8>> {
    let data = template_data::document(report, &DataOptions { draft })?;
    serde_json::to_vec(&data).ok()
}

/// Compile one report's form.
pub fn compile_form(
    engine: &Engine,
    report: &Report,
    draft: bool,
) -> Result<Compiled, RenderError> {
    let project = form_project(engine, report, draft)?;
    engine.compile_project(project)
}

/// The Typst project of one report's form (what `compile_form` compiles; `--emit-typst`).
pub fn form_project(
    engine: &Engine,
    report: &Report,
    draft: bool,
) -> Result<TypstProject, RenderError> {
    let data = data_bytes(report, draft).ok_or_else(|| {
        RenderError::Data(format!(
            "{} 无法排版：文件无法读取为项目，或表样未知（草稿也需要可识别的表样）",
            report.path.display()
        ))
    })?;
    let form = report.form.as_ref().map_or("mof-2020", |f| f.id.as_str());
    engine.form_project(form, &data)
}

/// PDF metadata for one project: title, author = 实施单位.
pub fn pdf_meta(report: &Report, date: Option<(i32, u8, u8)>, pdfa: bool) -> PdfMeta {
    let (name, implementer, title) =
        report
            .project
            .as_ref()
            .map_or((String::new(), String::new(), String::new()), |p| {
                let form_title = report
                    .form
                    .as_ref()
                    .map_or("项目支出绩效自评表", |f| f.title.as_str());
                (
                    p.info.name.clone(),
                    p.info.implementer.clone(),
                    form_title.to_string(),
                )
            });
    PdfMeta {
        title: format!("{name} {title}"),
        author: implementer,
        date,
        pdfa,
    }
}

/// Parse "2022-03-31" (also "2022年3月31日", "2022/3/31") into a date.
pub fn parse_date(text: &str) -> Option<(i32, u8, u8)> {
    let (y, m, d) = date_parts(text)?;
    (d <= days_in_month(y, m)).then_some((y, m, d))
}

/// Why a date that reads as a year, a month and a day does not exist: "2023 年 2 月没有 29 日".
pub fn impossible_date(text: &str) -> Option<String> {
    let (y, m, d) = date_parts(text)?;
    (d > days_in_month(y, m)).then(|| format!("{y} 年 {m} 月没有 {d} 日"))
}

/// Year, month (1–12) and day (1–31) of a date as written, not yet checked against the month.
fn date_parts(text: &str) -> Option<(i32, u8, u8)> {
    let parts: Vec<&str> = text
        .split(|c: char| !c.is_ascii_digit())
        .filter(|p| !p.is_empty())
        .collect();
    let [y, m, d] = parts[..] else { return None };
    let (y, m, d) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    ((1900..=2200).contains(&y) && (1..=12).contains(&m) && (1..=31).contains(&d))
        .then_some((y, m, d))
}

/// Days of month `m` of year `y` (Gregorian).
fn days_in_month(y: i32, m: u8) -> u8 {
    match m {
        2 if y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Projects of a bundle in their printed order: `serial` (numeric where it is a number), then
/// file name.
pub fn bundle_order(reports: &[Report]) -> Vec<&Report> {
    let mut ordered: Vec<&Report> = reports.iter().collect();
    let key = |r: &Report| {
        let serial = r.project.as_ref().and_then(|p| p.info.serial.clone());
        let number = serial.as_deref().and_then(decimal::parse);
        (
            number.is_none(),
            number.unwrap_or_default(),
            serial.unwrap_or_default(),
            r.path.clone(),
        )
    };
    ordered.sort_by_key(|r| key(r));
    ordered
}

/// The bundle document `/bundle.json` (cover and 汇总表, read by `common.typ`'s `bundle-front`;
/// `docs/forms.md` §3). Amounts, rates and scores are strings with two decimals, "" when absent.
#[derive(Debug, Clone, Serialize)]
pub struct BundleDocument {
    /// The cover title: `[bundle] title`, else "<year>年度项目支出绩效自评表汇编".
    pub title: String,
    /// `[bundle] department`, else the first project's 主管部门.
    pub department: String,
    /// The first project's year.
    pub year: String,
    /// `[bundle] date` as written ("" when not given).
    pub date: String,
    /// Print the 草稿 watermark on every page.
    pub draft: bool,
    /// 第 X 页 共 Y 页 footers (always true for a bundle).
    pub page_numbers: bool,
    /// The one 金额单位 of the 汇总表 and its 合计 (see [`bundle_unit`]); every project's
    /// amounts are converted into it exactly.
    pub unit: String,
    /// One 汇总表 row per project, in bundle order.
    pub projects: Vec<SummaryRow>,
    pub totals: SummaryTotals,
}

/// One 汇总表 row.
#[derive(Debug, Clone, Serialize)]
pub struct SummaryRow {
    /// 序号: the project's 项目序号 (`serial`) as written, else counted on (see [`summary_numbers`]).
    pub number: String,
    pub name: String,
    pub implementer: String,
    /// 全年预算数.
    pub budget: String,
    /// 全年执行数.
    pub executed: String,
    /// 执行率 in percent without "%".
    pub rate: String,
    /// 自评得分.
    pub score: String,
    /// 评价等级.
    pub grade: String,
}

/// The 合计 row: Σ预算数, Σ执行数 and the budget-weighted 执行率 (Σ执行数 / Σ预算数).
#[derive(Debug, Clone, Serialize)]
pub struct SummaryTotals {
    pub budget: String,
    pub executed: String,
    pub rate: String,
}

/// The 汇总表's 序号 of each project (in bundle order): its 项目序号 where it has one — the
/// bundle is ordered by it, so the 序号 is the number the project is known by — else one more
/// than the last whole-number 序号 above it (1 at the top), so projects without one keep
/// counting after those with one (3, 7, 12, 13, 14).
fn summary_numbers(reports: &[&Report]) -> Vec<String> {
    let mut last = Decimal::ZERO;
    reports
        .iter()
        .map(|r| {
            let serial = r
                .project
                .as_ref()
                .and_then(|p| p.info.serial.as_deref())
                .map(str::trim)
                .filter(|s| !s.is_empty());
            match serial {
                Some(serial) => {
                    if let Some(n) = decimal::parse(serial).filter(|n| n.fract().is_zero()) {
                        last = n;
                    }
                    serial.to_string()
                }
                None => {
                    last = last.checked_add(Decimal::ONE).unwrap_or(last);
                    last.normalize().to_string()
                }
            }
        })
        .collect()
}

/// The 汇总表's unit: the unit most projects use (so a folder's `unit` wins unless most
/// projects override it), 万元 on a tie.
pub fn bundle_unit(reports: &[&Report]) -> AmountUnit {
    let units = reports
        .iter()
        .filter_map(|r| r.project.as_ref().map(|p| p.unit));
    let yuan = units.clone().filter(|u| *u == AmountUnit::Yuan).count();
    if yuan * 2 > units.count() {
        AmountUnit::Yuan
    } else {
        AmountUnit::Wanyuan
    }
}

/// `amount` of a project in `from` expressed in `to`: 1 万元 = 10 000 元, an exact shift.
pub fn convert(amount: Decimal, from: AmountUnit, to: AmountUnit) -> Option<Decimal> {
    let wan = Decimal::from(10_000);
    match (from, to) {
        (AmountUnit::Wanyuan, AmountUnit::Yuan) => amount.checked_mul(wan),
        (AmountUnit::Yuan, AmountUnit::Wanyuan) => amount.checked_div(wan),
        _ => Some(amount),
    }
}

/// The cover and 汇总表 data of a bundle as JSON (the serialisation of [`bundle_document`]).
pub fn bundle_data(reports: &[&Report], draft: bool) -> Value {
    serde_json::to_value(bundle_document(reports, draft)).unwrap_or(Value::Null)
}

/// The cover and 汇总表 data of a bundle (see `templates/README.md`).
pub fn bundle_document(reports: &[&Report], draft: bool) -> BundleDocument {
    let first = reports.iter().find_map(|r| r.project.as_ref());
    let year = first.map(|p| p.year).unwrap_or_default();
    let bundle = first.map(|p| p.bundle.clone()).unwrap_or_default();
    let department = bundle
        .department
        .clone()
        .or_else(|| first.map(|p| p.info.department.clone()))
        .unwrap_or_default();
    let fmt = |d: Option<Decimal>| d.map(|d| decimal::fixed(d, 2)).unwrap_or_default();
    let unit = bundle_unit(reports);
    // A project's 年度资金总额 amount in the 汇总表's unit.
    let amount = |r: &Report, pick: fn(&crate::report::FundFigures) -> Option<Decimal>| {
        let from = r.project.as_ref().map_or(unit, |p| p.unit);
        convert(pick(&r.funds.as_ref()?.total)?, from, unit)
    };
    let projects: Vec<SummaryRow> = reports
        .iter()
        .zip(summary_numbers(reports))
        .map(|(r, number)| {
            let p = r.project.as_ref();
            let f = r.funds.as_ref();
            SummaryRow {
                number,
                name: p.map(|p| p.info.name.clone()).unwrap_or_default(),
                implementer: p.map(|p| p.info.implementer.clone()).unwrap_or_default(),
                budget: fmt(amount(r, |t| t.budget)),
                executed: fmt(amount(r, |t| t.executed)),
                rate: fmt(f.and_then(|f| f.total.rate)),
                score: fmt(r.total),
                grade: r
                    .rating
                    .map_or("", crate::grade::Rating::as_str)
                    .to_string(),
            }
        })
        .collect();
    let sum = |pick: fn(&crate::report::FundFigures) -> Option<Decimal>| -> Decimal {
        decimal::checked_sum(reports.iter().filter_map(|r| amount(r, pick))).unwrap_or(Decimal::MAX)
    };
    let budget = sum(|t| t.budget);
    let executed = sum(|t| t.executed);
    // Budget-weighted mean execution rate = Σ执行数 / Σ预算数.
    let rate = crate::scoring::execution_rate(budget, executed)
        .map(|r| decimal::round(r, 2, decimal::Rounding::HalfUp));
    BundleDocument {
        title: bundle
            .title
            .unwrap_or_else(|| format!("{year}年度项目支出绩效自评表汇编")),
        department,
        year: year.to_string(),
        date: bundle.date.unwrap_or_default(),
        draft,
        page_numbers: true,
        unit: unit.label().to_string(),
        projects,
        totals: SummaryTotals {
            budget: fmt(Some(budget)),
            executed: fmt(Some(executed)),
            rate: fmt(rate),
        },
    }
}

/// Compile a whole bundle as one Typst document.
pub fn compile_bundle(
    engine: &Engine,
    reports: &[&Report],
    draft: bool,
) -> Result<Compiled, RenderError> {
    let project = bundle_project(engine, reports, draft)?;
    engine.compile_project(project)
}

/// The Typst project of a bundle (what `compile_bundle` compiles; `--emit-typst`).
pub fn bundle_project(
    engine: &Engine,
    reports: &[&Report],
    draft: bool,
) -> Result<TypstProject, RenderError> {
    let front = serde_json::to_vec(&bundle_document(reports, draft))
        .map_err(|e| RenderError::Data(e.to_string()))?;
    let data: Vec<(String, Vec<u8>)> = reports
        .iter()
        .filter_map(|r| {
            let form = r.form.as_ref()?.id.clone();
            Some((form, data_bytes(r, draft)?))
        })
        .collect();
    let items: Vec<BundleItem> = data
        .iter()
        .map(|(form, bytes)| BundleItem {
            form_id: form,
            data_json: bytes,
        })
        .collect();
    engine.bundle_project(&front, &items)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(parse_date("2022-03-31"), Some((2022, 3, 31)));
        assert_eq!(parse_date("2022年3月31日"), Some((2022, 3, 31)));
        assert_eq!(parse_date("2022-13-01"), None);
        assert_eq!(parse_date("三月"), None);
    }

    #[test]
    fn only_days_the_month_has_are_dates() {
        assert_eq!(parse_date("2023-02-29"), None);
        assert_eq!(parse_date("2024-02-29"), Some((2024, 2, 29)));
        assert_eq!(parse_date("2000年2月29日"), Some((2000, 2, 29)));
        assert_eq!(parse_date("1900-02-29"), None);
        assert_eq!(parse_date("2025/4/31"), None);
        assert_eq!(parse_date("2025-12-31"), Some((2025, 12, 31)));
        assert_eq!(
            impossible_date("2023-02-29").as_deref(),
            Some("2023 年 2 月没有 29 日")
        );
        assert_eq!(
            impossible_date("2025年11月31日").as_deref(),
            Some("2025 年 11 月没有 31 日")
        );
        assert_eq!(impossible_date("2024-02-29"), None);
        assert_eq!(impossible_date("三月"), None);
    }
}
