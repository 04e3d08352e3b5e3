//! The 自评表 sheet: the printed form's rows and cells as a [`Grid`], wording and print choices
//! from the form (see the module above), the simple computed cells linked as formulas
//! ([`super::formulas`]).

use rust_decimal::Decimal;

use super::formulas::{self, Places};
use super::{
    Edges, Grid, H, Look, Value, WorkbookError, number, pattern_format, places_format, text,
    value_format,
};
use crate::decimal;
use crate::forms::{AbsentAmount, FormSpec, RateStyle, SourceCell, ZeroAmount};
use crate::report::{FundFigures, Report};

/// Label from the form's `[labels]`, else the national wording.
fn label(form: &FormSpec, key: &str, default: &str) -> String {
    form.labels
        .get(key)
        .and_then(|v| v.as_str())
        .unwrap_or(default)
        .to_string()
}

/// Fill a pattern as the templates do: `{}` ← value, `{key}` ← field.
fn subst(pattern: &str, value: &str, fields: &[(&str, &str)]) -> String {
    let mut out = pattern.replace("{}", value);
    for (k, v) in fields {
        out = out.replace(&format!("{{{k}}}"), v);
    }
    out
}

/// The structural arguments a form passes to `standard-form` in its `form.typ`.
struct Layout {
    department_first: bool,
    /// Given explicitly in form.typ (older forms): overrides `[print]`.
    source_rate: Option<String>,
    source_score: Option<String>,
    merge_level2: bool,
}

/// `name: "value"` or `name: word` in Typst source, outside `//` comments.
fn typst_arg(source: &str, name: &str) -> Option<String> {
    for line in source.lines() {
        let code = match line.find("//") {
            Some(i) => &line[..i],
            None => line,
        };
        let mut rest = code;
        while let Some(i) = rest.find(name) {
            let before = rest[..i].chars().next_back();
            let after = rest[i + name.len()..].trim_start();
            rest = &rest[i + name.len()..];
            if before.is_some_and(|c| c.is_alphanumeric() || c == '-' || c == '_') {
                continue;
            }
            let Some(value) = after.strip_prefix(':') else {
                continue;
            };
            let value = value.trim_start();
            if let Some(quoted) = value.strip_prefix('"') {
                return quoted.split('"').next().map(str::to_string);
            }
            let word: String = value
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '-')
                .collect();
            if !word.is_empty() {
                return Some(word);
            }
        }
    }
    None
}

fn layout(form: &FormSpec) -> Layout {
    let source = match form.dir() {
        Some(dir) => std::fs::read_to_string(dir.join("form.typ")).unwrap_or_default(),
        None => crate::assets::TEMPLATES
            .get_file(format!("{}/form.typ", form.id))
            .and_then(|f| f.contents_utf8())
            .unwrap_or_default()
            .to_string(),
    };
    let arg = |name: &str, default: &str| typst_arg(&source, name).unwrap_or(default.into());
    Layout {
        department_first: arg("first-row", "name") == "department",
        source_rate: typst_arg(&source, "source-rate").filter(|v| v != "auto"),
        source_score: typst_arg(&source, "source-score").filter(|v| v != "auto"),
        merge_level2: arg("merge-level2", "true") != "false",
    }
}

/// Column widths (points) of a form sheet: 栏目 | 一级 | 二级 | 三级 | 年度指标值 | 实际完成值 |
/// 分值 | 得分 | 偏差原因. The 项目资金 block uses 一级+二级 for its row labels and 三级…偏差原因
/// for 年初预算数 … 得分.
const FORM_WIDTHS: [f64; 9] = [48.0, 54.0, 54.0, 90.0, 64.0, 64.0, 44.0, 50.0, 104.0];

const DASH: &str = "—";

pub(super) fn form_grid(report: &Report, draft: bool) -> Result<Grid, WorkbookError> {
    let (Some(project), Some(form)) = (&report.project, &report.form) else {
        return Err(WorkbookError::NoProject(report.path.display().to_string()));
    };
    let layout = layout(form);
    let l = |key: &str, default: &str| label(form, key, default);
    let info = &project.info;
    let year = project.year.to_string();
    let unit = project.unit.label();
    let fmt = &form.format;
    let score_format = |v: Option<Decimal>| value_format(v, fmt.score_decimals);
    let amount_format = |v: Option<Decimal>| value_format(v, fmt.amount_decimals);
    let rate_places = fmt.rate_decimals.unwrap_or(report.policy.rate_decimals);
    // [print] rate = "trimmed": as many places as the rounded rate has ("100%", "78.44%")
    let rate_format = |rate: Option<Decimal>| match report.print.rate {
        RateStyle::Fixed => format!("{}%", places_format(rate_places)),
        RateStyle::Trimmed => {
            let rounded = rate.map(|r| {
                r.round_dp_with_strategy(
                    rate_places,
                    rust_decimal::RoundingStrategy::MidpointAwayFromZero,
                )
            });
            format!("{}%", value_format(rounded, None))
        }
    };
    let score_text = |v: Decimal| decimal::for_form(v, fmt.score_decimals);

    let mut g = Grid::new(&FORM_WIDTHS);
    let last = g.last_col();
    let mut places = Places::default();

    // ---------------- title block
    let mut title = subst(
        &l("title_format", "{title}"),
        "",
        &[
            ("title", &form.title),
            ("name", &info.name),
            ("year", &year),
        ],
    );
    if draft {
        title.push_str("（草稿）");
    }
    g.span(0, last, text(&title), Look::heading(16.0, true));
    g.min_height(30.0);
    g.row += 1;
    let sub = subst(&l("year_format", "（{year}年度）"), "", &[("year", &year)]);
    if !sub.is_empty() {
        g.span(0, last, text(&sub), Look::heading(12.0, false));
        g.min_height(20.0);
        g.row += 1;
    }
    let serial = info.serial.clone().unwrap_or_default();
    let serial_line = match form.labels.get("serial_format").and_then(|v| v.as_str()) {
        Some(p) if !serial.is_empty() => subst(p, "", &[("serial", &serial)]),
        _ => String::new(),
    };
    let unit_note = form
        .labels
        .get("unit_note")
        .and_then(|v| v.as_str())
        .map(|p| subst(p, "", &[("unit", unit)]))
        .unwrap_or_default();
    if !serial_line.is_empty() || !unit_note.is_empty() {
        g.span(0, 4, text(&serial_line), Look::plain(H::Left));
        g.span(5, last, text(&unit_note), Look::plain(H::Right));
        g.row += 1;
    }

    // ---------------- 项目名称, 主管部门 / 实施单位
    let with_code = |name: &str, code: &Option<String>| match code.as_deref() {
        Some(code) if !code.is_empty() => subst(
            &l("code_format", "（{code}）{name}"),
            "",
            &[("code", code), ("name", name)],
        ),
        _ => name.to_string(),
    };
    let name_row = |g: &mut Grid| {
        g.at(0, text(l("project_name", "项目名称")), Look::bold());
        g.span(1, last, text(&info.name), Look::text());
        g.min_height(22.0);
        g.row += 1;
    };
    let dept_row = |g: &mut Grid| {
        g.at(0, text(l("department", "主管部门")), Look::bold());
        g.span(
            1,
            3,
            text(with_code(&info.department, &info.department_code)),
            Look::text(),
        );
        g.at(4, text(l("implementer", "实施单位")), Look::bold());
        g.span(
            5,
            last,
            text(with_code(&info.implementer, &info.implementer_code)),
            Look::text(),
        );
        g.min_height(22.0);
        g.row += 1;
    };
    if layout.department_first {
        dept_row(&mut g);
        name_row(&mut g);
    } else {
        name_row(&mut g);
        dept_row(&mut g);
    }

    // ---------------- 项目资金
    let funds = report.funds.as_ref();
    let rows = &form.fund_rows;
    let funds_label = format!(
        "{}{}",
        l("funds", "项目资金"),
        subst(&l("funds_unit_format", "（{unit}）"), "", &[("unit", unit)])
    );
    let top = g.row;
    g.put(
        (top, 0),
        (top + rows.len() as u32, 0),
        text(&funds_label),
        Look::bold(),
    );
    g.span(1, 2, Value::Blank, Look::center());
    for (c, h) in [
        "年初预算数",
        "全年预算数",
        "全年执行数",
        "分值",
        "执行率",
        "得分",
    ]
    .iter()
    .enumerate()
    {
        g.at(3 + c as u16, text(h), Look::bold());
    }
    g.min_height(22.0);
    g.row += 1;
    let rate_cell = |g: &mut Grid, col: u16, rate: Option<Decimal>| {
        let value = rate.map(|r| r / Decimal::from(100));
        g.at(col, number(value), Look::number(rate_format(rate)));
    };
    let print = &report.print;
    let amount_cell = |g: &mut Grid, col: u16, v: Option<Decimal>| match v {
        None => match print.absent_amount {
            AbsentAmount::Blank => g.at(col, Value::Blank, Look::center()),
            AbsentAmount::Dash => g.at(col, text(DASH), Look::center()),
        },
        Some(z) if z.is_zero() => match print.zero_amount {
            ZeroAmount::Number => g.at(col, number(v), Look::number(amount_format(v))),
            ZeroAmount::Zero => g.at(col, number(v), Look::number("0".into())),
            ZeroAmount::Blank => g.at(col, Value::Blank, Look::center()),
            ZeroAmount::Dash => g.at(col, text(DASH), Look::center()),
        },
        Some(_) => g.at(col, number(v), Look::number(amount_format(v))),
    };
    // A 其中 row's 执行率 / 得分 as [print] says, unless form.typ names them (older forms).
    let legacy = |arg: &Option<String>| {
        arg.as_deref().map(|a| match a {
            "value" => SourceCell::Value,
            "dash" => SourceCell::Dash,
            _ => SourceCell::Blank,
        })
    };
    let source_rate = legacy(&layout.source_rate).unwrap_or(print.source_rate);
    let source_score = legacy(&layout.source_score).unwrap_or(print.source_score);
    for (i, spec) in rows.iter().enumerate() {
        places.funds.push((spec.key.clone(), g.row));
        let figures: Option<&FundFigures> = if spec.key == "total" {
            funds.map(|f| &f.total)
        } else {
            funds.and_then(|f| f.sources.iter().find(|s| s.key == spec.key))
        };
        g.span(1, 2, text(&spec.label), Look::text());
        for (c, v) in [
            figures.and_then(|f| f.initial),
            figures.and_then(|f| f.budget),
            figures.and_then(|f| f.executed),
        ]
        .into_iter()
        .enumerate()
        {
            amount_cell(&mut g, 3 + c as u16, v);
        }
        if i == 0 {
            let weight = funds.map(|f| f.weight);
            let weight_format =
                pattern_format(&l("funds_weight_format", "{}"), &score_format(weight));
            g.at(6, number(weight), Look::number(weight_format));
            rate_cell(&mut g, 7, funds.and_then(|f| f.total.rate));
            let score = funds.and_then(|f| f.score);
            let score_fmt = pattern_format(&l("funds_score_format", "{}"), &score_format(score));
            g.at(8, number(score), Look::number(score_fmt));
        } else {
            match print.source_weight {
                SourceCell::Value => {
                    let weight = funds.map(|f| f.weight);
                    g.at(6, number(weight), Look::number(score_format(weight)));
                }
                SourceCell::Dash => g.at(6, text(DASH), Look::center()),
                SourceCell::Blank => g.at(6, Value::Blank, Look::center()),
            }
            match source_rate {
                SourceCell::Value => rate_cell(&mut g, 7, figures.and_then(|f| f.rate)),
                SourceCell::Dash => g.at(7, text(DASH), Look::center()),
                SourceCell::Blank => g.at(7, Value::Blank, Look::center()),
            }
            match source_score {
                SourceCell::Value => {
                    let score = figures.and_then(|f| crate::template_data::source_score(f, report));
                    g.at(8, number(score), Look::number(score_format(score)));
                }
                SourceCell::Dash => g.at(8, text(DASH), Look::center()),
                SourceCell::Blank => g.at(8, Value::Blank, Look::center()),
            }
        }
        g.min_height(20.0);
        g.row += 1;
    }

    // ---------------- 年度总体目标
    let r = g.row;
    g.put(
        (r, 0),
        (r + 1, 0),
        text(l("goals", "年度总体目标")),
        Look::bold(),
    );
    g.span(1, 4, text(l("goals_planned", "预期目标")), Look::bold());
    g.span(
        5,
        last,
        text(l("goals_achieved", "实际完成情况")),
        Look::bold(),
    );
    g.min_height(20.0);
    g.row += 1;
    g.span(1, 4, text(&report.planned), Look::top());
    g.span(5, last, text(&report.achieved), Look::top());
    g.min_height(40.0);
    g.row += 1;

    // ---------------- 绩效指标
    let header = g.row;
    g.repeat = Some(header);
    g.at(0, Value::Blank, Look::center().edges(Edges::NoBottom));
    for (c, h) in [
        "一级指标".to_string(),
        "二级指标".into(),
        "三级指标".into(),
        "年度指标值".into(),
        "实际完成值".into(),
        "分值".into(),
        "得分".into(),
        l("reason_header", "偏差原因分析及改进措施"),
    ]
    .iter()
    .enumerate()
    {
        g.at(1 + c as u16, text(h), Look::bold());
    }
    g.min_height(22.0);
    g.row += 1;

    let level1_format = l("level1_format", "{name}");
    let first_indicator = g.row;
    for l1 in &form.level1 {
        let in_level1: Vec<_> = report
            .indicators
            .iter()
            .filter(|r| r.indicator.level1 == l1.name)
            .collect();
        // (printed 二级 name, its rows: an indicator, or None for an empty 二级 row)
        let mut groups = Vec::new();
        for l2 in &l1.level2 {
            let rows: Vec<_> = in_level1
                .iter()
                .filter(|r| &r.indicator.level2 == l2)
                .map(|r| Some(*r))
                .collect();
            let printed = form.printed_level2(l2).to_string();
            if !rows.is_empty() {
                groups.push((printed, rows));
            } else if print.prints_unused(l2) {
                groups.push((printed, vec![None]));
            }
        }
        let n: usize = groups.iter().map(|(_, rows)| rows.len()).sum();
        if n == 0 {
            continue;
        }
        let weight = decimal::checked_sum(in_level1.iter().map(|r| r.indicator.weight_value()))
            .unwrap_or(Decimal::MAX);
        let l1_label = subst(
            &level1_format,
            "",
            &[("name", &l1.name), ("weight", &score_text(weight))],
        );
        let r = g.row;
        g.put(
            (r, 1),
            (r + n as u32 - 1, 1),
            text(&l1_label),
            Look::center(),
        );
        for (l2_name, rows) in groups {
            let r = g.row;
            if layout.merge_level2 {
                g.put(
                    (r, 2),
                    (r + rows.len() as u32 - 1, 2),
                    text(&l2_name),
                    Look::center(),
                );
            }
            for row in rows {
                if !layout.merge_level2 {
                    g.at(2, text(&l2_name), Look::center());
                }
                match row {
                    None => {
                        let fill = print.unused_fill();
                        for c in 3..=7 {
                            g.at(c, text(fill), Look::center());
                        }
                        g.at(8, Value::Blank, Look::text());
                    }
                    Some(ind) => {
                        let i = &ind.indicator;
                        let target = i.target.as_ref().map_or("", |t| t.value.as_str());
                        let actual = i.actual.as_ref().map_or("", |t| t.value.as_str());
                        g.at(3, text(&i.name), Look::text());
                        g.at(4, text(target), Look::center());
                        if i.applicable {
                            g.at(5, text(actual), Look::center());
                            let weight = i.weight.as_ref().map(|w| w.value);
                            g.at(6, number(weight), Look::number(score_format(weight)));
                            let score = ind.scored.score;
                            g.at(7, number(score), Look::number(score_format(score)));
                            places.scores.push((g.row, i.score.is_some()));
                        } else {
                            let actual = if actual.is_empty() { "/" } else { actual };
                            g.at(5, text(actual), Look::center());
                            g.at(6, text("/"), Look::center());
                            g.at(7, text("/"), Look::center());
                        }
                        let reason = ind.reason.clone().unwrap_or_default();
                        let rule = i
                            .tiers_text
                            .as_ref()
                            .map(|t| t.value.clone())
                            .unwrap_or_default();
                        let note = match (reason.is_empty(), rule.is_empty()) {
                            (_, true) => reason,
                            (true, false) => rule,
                            (false, false) => format!("{reason}\n{rule}"),
                        };
                        g.at(8, text(note), Look::text());
                    }
                }
                g.min_height(20.0);
                g.row += 1;
            }
        }
    }
    if g.row > first_indicator {
        let block = subst(
            &l("indicator_block", "绩效指标"),
            "",
            &[("weight", &score_text(report.indicator_weight()))],
        );
        g.put(
            (first_indicator, 0),
            (g.row - 1, 0),
            text(block),
            Look::bold().edges(Edges::NoTop),
        );
    }

    if g.row > first_indicator {
        places.indicators = Some((first_indicator, g.row - 1));
    }

    // ---------------- 总分
    places.total = Some(g.row);
    g.span(0, 5, text(l("total", "总分")), Look::bold());
    let weights = Some(crate::template_data::total_weight(report));
    let total_weight = pattern_format(&l("total_weight_format", "{}"), &score_format(weights));
    g.at(6, number(weights), Look::number(total_weight));
    let total_score = pattern_format(&l("total_score_format", "{}"), &score_format(report.total));
    g.at(7, number(report.total), Look::number(total_score));
    g.at(8, Value::Blank, Look::text());
    g.min_height(22.0);
    g.row += 1;

    // ---------------- signature line, only when something is filled in
    let sig = &project.signature;
    if [&sig.filler, &sig.phone, &sig.date, &sig.leader]
        .iter()
        .any(|s| !s.is_empty())
    {
        let part = |key: &str, default: &str, value: &str| format!("{}：{value}", l(key, default));
        g.span(
            0,
            2,
            text(part("filler", "填表人", &sig.filler)),
            Look::plain(H::Left),
        );
        g.span(
            3,
            4,
            text(part("phone", "联系电话", &sig.phone)),
            Look::plain(H::Left),
        );
        g.span(
            5,
            6,
            text(part("date", "填报日期", &sig.date)),
            Look::plain(H::Left),
        );
        g.span(
            7,
            last,
            text(part("leader", "单位负责人", &sig.leader)),
            Look::plain(H::Left),
        );
        g.min_height(24.0);
        g.row += 1;
    }
    formulas::link(&mut g, report, &places);
    Ok(g)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typst_arguments() {
        let src = "// source-rate: \"blank\" in a comment\n#let form(data) = standard-form(data, first-row: \"department\", merge-level2: false)";
        assert_eq!(typst_arg(src, "first-row").as_deref(), Some("department"));
        assert_eq!(typst_arg(src, "merge-level2").as_deref(), Some("false"));
        assert_eq!(typst_arg(src, "source-rate"), None);
        assert_eq!(typst_arg(src, "row"), None);
    }

    #[test]
    fn sheets_follow_the_print_options() {
        let text = |form: &str, extra: &str| {
            format!(
                "year = 2024\nform = \"{form}\"\n[project]\nname = \"p\"\ndepartment = \"d\"\nimplementer = \"i\"\n[funds.fiscal]\nbudget = 100\nexecuted = 100\n[funds.carryover]\ninitial = 0\n[[indicators]]\nlevel1 = \"产出指标\"\nlevel2 = \"数量指标\"\nname = \"a\"\ntarget = \"≥1\"\nactual = \"1\"\nweight = 80\n{extra}"
            )
        };
        let grid = |form: &str, extra: &str| {
            let checked =
                crate::check_source("p.toml", &text(form, extra), &crate::Forms::builtin());
            form_grid(&checked.reports[0], false).unwrap()
        };
        // (row of the label in column B, column) → the cell
        let cell = |g: &Grid, label: &str, col: u16| {
            let row = g
                .cells
                .iter()
                .find(|c| c.col == 1 && matches!(&c.value, Value::Text(t) if t == label))
                .map(|c| c.row)
                .unwrap();
            g.cells
                .iter()
                .find(|c| c.row == row && c.col == col)
                .map(|c| {
                    (
                        match &c.value {
                            Value::Text(t) => t.clone(),
                            Value::Number(n) | Value::Formula(_, n) => n.to_string(),
                            Value::Blank => String::new(),
                        },
                        c.look.num.clone().unwrap_or_default(),
                    )
                })
                .unwrap()
        };
        let beijing = grid("beijing", "");
        assert_eq!(cell(&beijing, "年度资金总额", 7), ("1".into(), "0%".into()));
        assert_eq!(cell(&beijing, "其中：当年财政拨款", 7).0, "");
        assert_eq!(cell(&beijing, "其中：当年财政拨款", 6).0, DASH);
        let shanghai = grid("shanghai", "");
        assert_eq!(cell(&shanghai, "上年结转资金", 3), ("0".into(), "0".into()));
        assert_eq!(cell(&shanghai, "年度资金总额", 7).1, "0.00%");
        // 总分's 分值 is Σ weights (80 + 10); every 二级 of 产出指标 when told to print them.
        let g = grid(
            "mof-2020",
            "[print]\nunused_level2 = \"print\"\nunused_cells = \"slash\"\nsource_weight = \"weight\"",
        );
        let total = g
            .cells
            .iter()
            .find(|c| matches!(&c.value, Value::Text(t) if t == "总分"))
            .map(|c| c.row)
            .unwrap();
        let weight = g
            .cells
            .iter()
            .find(|c| c.row == total && c.col == 6)
            .unwrap();
        assert!(
            matches!(weight.value, Value::Number(n) | Value::Formula(_, n) if n == Decimal::from(90))
        );
        assert_eq!(cell(&g, "其中：当年财政拨款", 6).0, "10");
        for l2 in ["质量指标", "时效指标", "成本指标"] {
            let row = g
                .cells
                .iter()
                .find(|c| c.col == 2 && matches!(&c.value, Value::Text(t) if t == l2))
                .map(|c| c.row)
                .unwrap_or_else(|| panic!("{l2} row missing"));
            let third = g.cells.iter().find(|c| c.row == row && c.col == 3).unwrap();
            assert!(matches!(&third.value, Value::Text(t) if t == "/"));
        }
    }
}
