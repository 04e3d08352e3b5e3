//! The data document templates read (`templates/README.md`): every number preformatted as a
//! string for the form, every cell present (`""` when empty), user text passed as plain strings
//! that Typst never evaluates.

use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::Value;

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

/// The data document one form reads (`json("/data.json")`, in a bundle `/data/<n>.json`): the
/// contract between Rust and the templates, described with an example in `docs/forms.md` §3.
/// Every number is a string already rounded and formatted for the form (`[format]`, `[print]`);
/// a cell with nothing to print is `""`, never `null`. Serialised field by field in this order.
#[derive(Debug, Clone, Serialize)]
pub struct DataDocument<'a> {
    /// The form id (`inner-mongolia`).
    pub form: &'a str,
    /// form.toml's `title` (项目支出绩效自评表).
    pub title: &'a str,
    /// form.toml's `[labels]`, as written (the wording `standard-form` prints).
    pub labels: &'a toml::Table,
    /// Print the 草稿 watermark (`setup` reads it).
    pub draft: bool,
    /// The evaluation year ("2021").
    pub year: String,
    /// The amount unit: "万元" or "元".
    pub unit: &'static str,
    pub project: ProjectInfo<'a>,
    pub funds: Funds<'a>,
    pub goals: Goals<'a>,
    /// Every 一级指标 of the form in form.toml's order, with the 二级 to print.
    pub groups: Vec<Group<'a>>,
    /// Σ indicator 分值.
    pub indicator_weight: String,
    pub total: Total,
    /// 评价等级 (优/良/中/差), "" when there is no 总分.
    pub grade: &'a str,
    pub signature: SignatureCells<'a>,
}

/// The project's name, units and codes; codes and serial not given are "".
#[derive(Debug, Clone, Serialize)]
pub struct ProjectInfo<'a> {
    pub name: &'a str,
    pub department: &'a str,
    pub department_code: &'a str,
    pub implementer: &'a str,
    pub implementer_code: &'a str,
    /// 项目序号 (重庆 prints it above the table).
    pub serial: &'a str,
}

/// The 项目资金 block.
#[derive(Debug, Clone, Serialize)]
pub struct Funds<'a> {
    /// 预算执行率's 分值.
    pub weight: String,
    /// 执行率 in percent without "%" (`[print] rate`).
    pub rate: String,
    /// 预算执行率's 得分.
    pub score: String,
    /// One row per form.toml `fund_rows` entry, in that order (the first is the total).
    pub rows: Vec<FundRow<'a>>,
}

/// One 项目资金 row: amounts per `[print] zero_amount` / `absent_amount`.
#[derive(Debug, Clone, Serialize)]
pub struct FundRow<'a> {
    /// `total`, `fiscal`, `carryover`, … (form.toml `fund_rows`).
    pub key: &'a str,
    /// The row's printed label (其中：当年财政拨款).
    pub label: &'a str,
    /// 年初预算数.
    pub initial: String,
    /// 全年预算数.
    pub budget: String,
    /// 全年执行数.
    pub executed: String,
    /// This row's 执行率 in percent without "%".
    pub rate: String,
    /// What the row's 分值 / 执行率 / 得分 cells print.
    pub cells: FundCells,
}

/// The 分值 / 执行率 / 得分 cells of a 项目资金 row as printed (`[print] source_*`); the total
/// row's `weight` and `score` still go through `funds_weight_format` / `funds_score_format`.
#[derive(Debug, Clone, Serialize)]
pub struct FundCells {
    pub weight: String,
    /// With "%" ("78.44%"), or "—" / "" as `[print]` says.
    pub rate: String,
    pub score: String,
}

/// 年度总体目标, placeholders filled in.
#[derive(Debug, Clone, Serialize)]
pub struct Goals<'a> {
    /// 预期目标.
    pub planned: &'a str,
    /// 实际完成情况.
    pub achieved: &'a str,
}

/// One 一级指标 with the 二级 rows to print.
#[derive(Debug, Clone, Serialize)]
pub struct Group<'a> {
    /// The 一级 name (产出指标).
    pub level1: &'a str,
    /// Σ 分值 of its indicators.
    pub weight: String,
    /// Number of indicators under it.
    pub count: usize,
    /// The 二级 to print: those with indicators, and the unused ones `[print] unused_level2`
    /// keeps.
    pub level2: Vec<Level2<'a>>,
}

/// One 二级指标 to print.
#[derive(Debug, Clone, Serialize)]
pub struct Level2<'a> {
    /// The printed name (form.toml `labels.level2_names` applied).
    pub name: &'a str,
    pub indicators: Vec<IndicatorRow<'a>>,
    /// What the cells of an unused 二级 row print ("" or "/", `[print] unused_cells`).
    pub fill: &'static str,
}

/// One 三级指标 row.
#[derive(Debug, Clone, Serialize)]
pub struct IndicatorRow<'a> {
    pub name: &'a str,
    /// 年度指标值, as written in the project file.
    pub target: &'a str,
    /// 实际完成值, as written.
    pub actual: &'a str,
    /// 分值; "" when not applicable (the template prints "/").
    pub weight: String,
    /// 得分; "" when not scored.
    pub score: String,
    /// 偏差原因分析及改进措施, placeholders filled in.
    pub reason: &'a str,
    /// The tiers text (`tiers_text`).
    pub rule: &'a str,
    /// 备注.
    pub note: &'a str,
    /// false: a 不适用 row, printed with "/".
    pub applicable: bool,
}

/// 总分 row.
#[derive(Debug, Clone, Serialize)]
pub struct Total {
    /// Σ indicator 分值 + 预算执行率 分值.
    pub weight: String,
    pub score: String,
}

/// The signature line (printed only when something is filled in).
#[derive(Debug, Clone, Serialize)]
pub struct SignatureCells<'a> {
    pub filler: &'a str,
    pub phone: &'a str,
    pub date: &'a str,
    pub leader: &'a str,
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

/// A 分值 or an indicator's 得分 as `[print] weights` / `scores` say: `score_decimals` places
/// ("10.00"), or with trailing zeros removed ("10", "0.15"; 新疆).
fn figure(value: Option<Decimal>, style: RateStyle, form: &FormSpec) -> String {
    match (style, form.format.score_decimals) {
        (RateStyle::Trimmed, Some(d)) => value.map(|v| decimal::trimmed(v, d)).unwrap_or_default(),
        _ => score(value, form),
    }
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

fn fund_row<'a>(
    key: &'a str,
    label: &'a str,
    figures: Option<&FundFigures>,
    report: &Report,
    form: &FormSpec,
) -> FundRow<'a> {
    let funds = report.funds.as_ref();
    let row_rate = rate(figures.and_then(|f| f.rate), report, form);
    // The 分值 / 执行率 / 得分 cells as printed (the total row's 分值 and 得分 go through the
    // labels funds_weight_format / funds_score_format in the template).
    let print = &report.print;
    let cells = if key == "total" {
        FundCells {
            weight: figure(funds.map(|f| f.weight), print.weights, form),
            rate: percent(row_rate.clone()),
            score: score(funds.and_then(|f| f.score), form),
        }
    } else {
        FundCells {
            weight: source_cell(print.source_weight, || {
                figure(funds.map(|f| f.weight), print.weights, form)
            }),
            rate: source_cell(print.source_rate, || percent(row_rate.clone())),
            score: source_cell(print.source_score, || {
                score(figures.and_then(|f| source_score(f, report)), form)
            }),
        }
    };
    FundRow {
        key,
        label,
        initial: amount(figures.and_then(|f| f.initial), report, form),
        budget: amount(figures.and_then(|f| f.budget), report, form),
        executed: amount(figures.and_then(|f| f.executed), report, form),
        rate: row_rate,
        cells,
    }
}

/// 总分 row's 分值: Σ indicator 分值 + 预算执行率 分值 (100 only when the weights say so).
pub fn total_weight(report: &Report) -> Decimal {
    report
        .indicator_weight()
        .checked_add(report.policy.budget_weight)
        .unwrap_or(Decimal::MAX)
}

/// Build the data document for one scored report as JSON (the serialisation of [`document`]).
/// `None` when the report has no project or form (it could not be read at all), which the caller
/// reports as errors before getting here.
pub fn build(report: &Report, options: &DataOptions) -> Option<Value> {
    serde_json::to_value(document(report, options)?).ok()
}

/// The data document of one scored report, borrowing from it. `None` when the report has no
/// project or form.
pub fn document<'a>(report: &'a Report, options: &DataOptions) -> Option<DataDocument<'a>> {
    let project = report.project.as_ref()?;
    let form = report.form.as_ref()?;
    let funds = report.funds.as_ref();

    let rows: Vec<FundRow> = form
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

    let groups: Vec<Group> = form
        .level1
        .iter()
        .map(|l1| {
            let in_level1 = || {
                report
                    .indicators
                    .iter()
                    .filter(|r| r.indicator.level1 == l1.name)
            };
            let weight: Decimal =
                crate::decimal::checked_sum(in_level1().map(|r| r.indicator.weight_value()))
                    .unwrap_or(Decimal::MAX);
            // Unused 二级 rows are left out here when `[print] unused_level2` says so; the
            // ones kept carry what their empty cells print (`fill`).
            let fill = report.print.unused_fill();
            let level2: Vec<Level2> = l1
                .level2
                .iter()
                .filter(|l2| {
                    report.print.prints_unused(l2)
                        || in_level1().any(|r| &r.indicator.level2 == *l2)
                })
                .map(|l2| {
                    let indicators: Vec<IndicatorRow> = in_level1()
                        .filter(|r| &r.indicator.level2 == l2)
                        .map(|r| {
                            let i = &r.indicator;
                            let text = |f: &'a Option<crate::model::Field<String>>| {
                                f.as_ref().map_or("", |t| t.value.as_str())
                            };
                            IndicatorRow {
                                name: &i.name,
                                target: text(&i.target),
                                actual: text(&i.actual),
                                weight: if i.applicable {
                                    i.weight
                                        .as_ref()
                                        .map(|w| figure(Some(w.value), report.print.weights, form))
                                        .unwrap_or_default()
                                } else {
                                    String::new()
                                },
                                score: figure(r.scored.score, report.print.scores, form),
                                reason: r.reason.as_deref().unwrap_or_default(),
                                rule: text(&i.tiers_text),
                                note: r.note.as_deref().unwrap_or_default(),
                                applicable: i.applicable,
                            }
                        })
                        .collect();
                    // A form may print a 二级 name other than the canonical one (xinjiang: 满意度指标).
                    let printed = form.printed_level2(l2);
                    Level2 {
                        name: printed,
                        indicators,
                        fill,
                    }
                })
                .collect();
            Group {
                level1: &l1.name,
                weight: figure(Some(weight), report.print.weights, form),
                count: in_level1().count(),
                level2,
            }
        })
        .collect();

    let info = &project.info;
    Some(DataDocument {
        form: &form.id,
        title: &form.title,
        labels: &form.labels,
        draft: options.draft,
        year: project.year.to_string(),
        unit: project.unit.label(),
        project: ProjectInfo {
            name: &info.name,
            department: &info.department,
            department_code: info.department_code.as_deref().unwrap_or_default(),
            implementer: &info.implementer,
            implementer_code: info.implementer_code.as_deref().unwrap_or_default(),
            serial: info.serial.as_deref().unwrap_or_default(),
        },
        funds: Funds {
            weight: figure(funds.map(|f| f.weight), report.print.weights, form),
            rate: rate(funds.and_then(|f| f.total.rate), report, form),
            score: score(funds.and_then(|f| f.score), form),
            rows,
        },
        goals: Goals {
            planned: &report.planned,
            achieved: &report.achieved,
        },
        groups,
        indicator_weight: figure(Some(report.indicator_weight()), report.print.weights, form),
        total: Total {
            weight: figure(Some(total_weight(report)), report.print.weights, form),
            score: score(report.total, form),
        },
        grade: report.rating.map_or("", crate::grade::Rating::as_str),
        signature: SignatureCells {
            filler: &project.signature.filler,
            phone: &project.signature.phone,
            date: &project.signature.date,
            leader: &project.signature.leader,
        },
    })
}
