//! The 汇总表 sheet of a bundle workbook: the columns of the PDF bundle's summary, numbers as
//! numbers (执行率 as a percent format), and the 合计 row.

use rust_decimal::Decimal;

use super::{Grid, H, Look, Value, number, places_format, text};
use crate::decimal;

/// 序号 | 项目名称 | 实施单位 | 全年预算数 | 全年执行数 | 执行率 | 自评得分 | 评价等级
const SUMMARY_WIDTHS: [f64; 8] = [30.0, 160.0, 140.0, 72.0, 72.0, 60.0, 56.0, 48.0];

pub(super) fn summary_grid(data: &serde_json::Value, draft: bool) -> Grid {
    let s = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_string();
    let amount = |v: &serde_json::Value| decimal::parse(v.as_str().unwrap_or_default());
    let percent = |v: &serde_json::Value| amount(v).map(|r| r / Decimal::from(100));
    let two = || Look::number(places_format(2));
    let pct = || Look::number(format!("{}%", places_format(2)));

    let mut g = Grid::new(&SUMMARY_WIDTHS);
    let last = g.last_col();
    let mut title = s(&data["title"]);
    if draft {
        title.push_str("（草稿）");
    }
    g.span(0, last, text(&title), Look::heading(16.0, true));
    g.min_height(30.0);
    g.row += 1;
    g.span(
        0,
        last,
        text("项目支出绩效自评汇总表"),
        Look::heading(12.0, false),
    );
    g.min_height(22.0);
    g.row += 1;
    let (department, date) = (s(&data["department"]), s(&data["date"]));
    if !department.is_empty() || !date.is_empty() {
        g.span(0, 4, text(&department), Look::plain(H::Left));
        g.span(5, last, text(&date), Look::plain(H::Right));
        g.row += 1;
    }
    g.repeat = Some(g.row);
    let unit = s(&data["unit"]);
    let (budget, executed) = (
        format!("全年预算数（{unit}）"),
        format!("全年执行数（{unit}）"),
    );
    for (c, h) in [
        "序号",
        "项目名称",
        "实施单位",
        budget.as_str(),
        executed.as_str(),
        "执行率",
        "自评得分",
        "评价等级",
    ]
    .iter()
    .enumerate()
    {
        g.at(c as u16, text(h), Look::bold());
    }
    g.min_height(22.0);
    g.row += 1;
    let empty = Vec::new();
    let projects = data["projects"].as_array().unwrap_or(&empty);
    for (i, p) in projects.iter().enumerate() {
        // 序号 as the PDF prints it (the 项目序号): a whole number as a number, other text as text
        match decimal::parse(&s(&p["number"])).filter(|n| n.fract().is_zero()) {
            Some(n) => g.at(0, number(Some(n)), Look::number("0".into())),
            None if s(&p["number"]).is_empty() => g.at(
                0,
                Value::Number(Decimal::from(i + 1)),
                Look::number("0".into()),
            ),
            None => g.at(0, text(s(&p["number"])), Look::center()),
        }
        g.at(1, text(s(&p["name"])), Look::text());
        g.at(2, text(s(&p["implementer"])), Look::text());
        g.at(3, number(amount(&p["budget"])), two());
        g.at(4, number(amount(&p["executed"])), two());
        g.at(5, number(percent(&p["rate"])), pct());
        g.at(6, number(amount(&p["score"])), two());
        g.at(7, text(s(&p["grade"])), Look::center());
        g.min_height(20.0);
        g.row += 1;
    }
    let totals = &data["totals"];
    g.span(0, 2, text("合计"), Look::bold());
    g.at(3, number(amount(&totals["budget"])), two());
    g.at(4, number(amount(&totals["executed"])), two());
    g.at(5, number(percent(&totals["rate"])), pct());
    g.at(6, Value::Blank, Look::center());
    g.at(7, Value::Blank, Look::center());
    g.min_height(22.0);
    g.row += 1;
    g
}
