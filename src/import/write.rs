//! The TOML text of imported forms: one project file per form, commented in Chinese like the
//! examples, and the folder's `jixiao.toml` with what all forms share.

use std::fmt::Write;

use unicode_width::UnicodeWidthStr;

use rust_decimal::Decimal;

use super::mapper::{FoundForm, IndicatorLine, Unmapped, Val};

/// A TOML string: a basic string, or a multi-line one when the text has line breaks.
pub fn toml_string(text: &str) -> String {
    let multiline = text.contains('\n');
    let mut out = String::with_capacity(text.len() + 8);
    out.push_str(if multiline { "\"\"\"\n" } else { "\"" });
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' if multiline => out.push('\n'),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push_str(if multiline { "\"\"\"" } else { "\"" });
    out
}

/// Text for a comment: one line, control characters escaped.
fn comment_text(text: &str) -> String {
    let quoted = toml_string(&text.replace("\r\n", "\n").replace('\n', "\u{0}"));
    quoted.replace("\\u0000", "\\n")
}

/// What the forms of one run share, written once in `jixiao.toml`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Shared {
    pub year: Option<i32>,
    pub form: Option<String>,
    pub unit: Option<&'static str>,
    /// (name, code)
    pub department: Option<(String, Option<String>)>,
}

/// One form to write, with the choices made for it.
pub struct Planned<'a> {
    pub form: &'a FoundForm,
    pub form_id: String,
    /// Why this form id (guessed from labels, or given with --form).
    pub form_reason: String,
    pub year: Option<i32>,
    /// "表.xlsx 工作表“Sheet1”第 3–40 行"
    pub origin: String,
    /// Lower bounds (percent of 分值) of 达成 and 部分达成 under the chosen form's scoring.
    pub bands: [Decimal; 2],
}

impl Planned<'_> {
    pub fn department(&self) -> Option<(String, Option<String>)> {
        self.form.department.as_ref().map(|d| {
            (
                d.text.clone(),
                self.form.department_code.as_ref().map(|c| c.text.clone()),
            )
        })
    }
}

/// The values every form agrees on.
pub fn shared(plans: &[Planned]) -> Shared {
    fn common<T: PartialEq + Clone>(mut values: impl Iterator<Item = Option<T>>) -> Option<T> {
        let first = values.next()??;
        values.all(|v| v.as_ref() == Some(&first)).then_some(first)
    }
    Shared {
        year: common(plans.iter().map(|p| p.year)),
        form: common(plans.iter().map(|p| Some(p.form_id.clone()))),
        unit: common(plans.iter().map(|p| p.form.unit)),
        department: common(plans.iter().map(Planned::department)),
    }
}

/// `key = value` with a comment aligned at column 32.
fn line(out: &mut String, key: &str, value: &str, comment: &str) {
    let text = format!("{key} = {value}");
    if comment.is_empty() {
        let _ = writeln!(out, "{text}");
        return;
    }
    // Multi-line strings end on their own line; the comment goes after the closing quotes.
    let last = text.rsplit('\n').next().unwrap_or(&text);
    let pad = 32usize.saturating_sub(last.width()).max(1);
    let _ = writeln!(out, "{text}{}# {}", " ".repeat(pad), clean_comment(comment));
}

/// A comment may not hold control characters (TOML): they are written escaped.
fn clean_comment(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() && c != '\t' {
                format!("\\u{{{:x}}}", c as u32)
            } else {
                c.to_string()
            }
        })
        .collect()
}

fn val_line(out: &mut String, key: &str, v: &Option<Val>, what: &str) {
    if let Some(v) = v {
        let comment = match (&v.note, what.strip_suffix('）')) {
            (Some(n), Some(open)) => format!("{open}；{n}）"),
            (Some(n), None) => format!("{what}（{n}）"),
            (None, _) => what.to_string(),
        };
        line(out, key, &toml_string(&v.text), &comment);
    }
}

/// The folder file: what all imported forms share.
pub fn folder_file(shared: &Shared, count: usize, form_reason: Option<&str>) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "# 部门汇编共用信息：由 jixiao import 导入的 {count} 个项目共用的年度、表样、金额单位和主管部门。"
    );
    let _ = writeln!(
        s,
        "# 本文件存放本目录各项目共用的信息；项目文件可覆盖其中任一键。\n"
    );
    match shared.year {
        Some(y) => line(&mut s, "year", &y.to_string(), "评价年度"),
        None => {
            let _ = writeln!(
                s,
                "# year = 2025                  # 评价年度：表中未找到（或各表不同，见各项目文件）"
            );
        }
    }
    if let Some(f) = &shared.form {
        let comment = match form_reason {
            Some(r) => format!("表样（{r}）"),
            None => "表样".to_string(),
        };
        line(&mut s, "form", &toml_string(f), &comment);
    }
    if let Some(u) = shared.unit {
        line(&mut s, "unit", &toml_string(u), "金额单位");
    }
    if let Some((name, code)) = &shared.department {
        let _ = writeln!(s, "\n[project]");
        line(&mut s, "department", &toml_string(name), "主管部门");
        if let Some(c) = code {
            line(&mut s, "department_code", &toml_string(c), "主管部门代码");
        }
    }
    s
}

const FUND_NAMES: &[(&str, &str)] = &[
    ("total", "年度资金总额"),
    ("fiscal", "当年财政拨款"),
    ("central", "中央资金"),
    ("city", "市级资金"),
    ("district", "区级资金"),
    ("carryover", "上年结转资金"),
    ("other", "其他资金"),
];

/// One project file.
pub fn project_file(plan: &Planned, shared: &Shared) -> String {
    let form = plan.form;
    let mut s = String::new();
    let _ = writeln!(s, "# 由 jixiao import 导入：{}", plan.origin);
    let _ = writeln!(
        s,
        "# 数字照单元格所存的值写成字符串，百分比格式的单元格写作 \"86.18%\"；原表所印执行率、得分、总分照录为 rate、score、total，jixiao check 按所印小数位核对。"
    );
    let _ = writeln!(
        s,
        "# 年度、表样、金额单位、主管部门凡各表相同的，写在同目录的 jixiao.toml。\n"
    );
    if shared.year.is_none() {
        match plan.year {
            Some(y) => line(&mut s, "year", &y.to_string(), "评价年度"),
            None => {
                let _ = writeln!(
                    s,
                    "# year = 2025                  # 评价年度：表中未找到，请填写（或导入时加 --year）"
                );
            }
        }
    }
    if shared.form.is_none() {
        line(
            &mut s,
            "form",
            &toml_string(&plan.form_id),
            &format!("表样（{}）", plan.form_reason),
        );
    }
    if shared.unit.is_none()
        && let Some(u) = form.unit
    {
        line(&mut s, "unit", &toml_string(u), "金额单位");
    }
    val_line(&mut s, "total", &form.total, "总分（原表所印）");

    let _ = writeln!(s, "\n[project]");
    val_line(&mut s, "name", &form.name, "项目名称");
    if shared.department.is_none() {
        val_line(&mut s, "department", &form.department, "主管部门");
        val_line(
            &mut s,
            "department_code",
            &form.department_code,
            "主管部门代码",
        );
    }
    val_line(&mut s, "implementer", &form.implementer, "实施单位");
    val_line(
        &mut s,
        "implementer_code",
        &form.implementer_code,
        "实施单位代码",
    );
    val_line(&mut s, "serial", &form.serial, "项目序号");

    if !form.funds.is_empty() {
        let _ = writeln!(
            s,
            "\n# 项目资金：年初预算数 / 全年预算数 / 全年执行数；年度资金总额一行照录原表，jixiao 核对其与各来源之和。"
        );
    }
    // Sources in the canonical order; total first.
    for (key, name) in FUND_NAMES {
        let Some(f) = form.funds.iter().find(|f| f.key == *key) else {
            continue;
        };
        let header = format!("[funds.{key}]");
        let pad = 32usize.saturating_sub(header.width()).max(1);
        // The printed 分值 of the total row, when it is the default 10 (else [scoring] below).
        let weight = match &form.funds_weight {
            Some(w) if *key == "total" && !weight_differs(w) => format!("，分值印 {}", w.text),
            _ => String::new(),
        };
        let _ = writeln!(
            s,
            "\n{header}{}# {name}（原表“{}”{}）",
            " ".repeat(pad),
            clean_comment(&f.label),
            clean_comment(&weight)
        );
        val_line(&mut s, "initial", &f.initial, "年初预算数");
        val_line(&mut s, "budget", &f.budget, "全年预算数");
        val_line(&mut s, "executed", &f.executed, "全年执行数");
        val_line(&mut s, "rate", &f.rate, "执行率（原表所印）");
        val_line(&mut s, "score", &f.score, "得分（原表所印）");
    }
    if let Some(w) = &form.funds_weight
        && weight_differs(w)
    {
        let _ = writeln!(s, "\n[scoring]");
        val_line(
            &mut s,
            "budget_weight",
            &Some(w.clone()),
            "预算执行率分值（原表所印）",
        );
    }

    if form.planned.is_some() || form.achieved.is_some() {
        let _ = writeln!(s, "\n[goals]");
        val_line(&mut s, "planned", &form.planned, "年度总体目标：预期目标");
        val_line(
            &mut s,
            "achieved",
            &form.achieved,
            "年度总体目标：实际完成情况",
        );
    }

    if !form.indicators.is_empty() {
        let _ = writeln!(
            s,
            "\n# 绩效指标：一级指标 / 二级指标 / 三级指标 / 年度指标值 / 实际完成值 / 分值 / 得分 / 偏差原因分析及改进措施"
        );
    }
    for ind in &form.indicators {
        let _ = writeln!(s, "\n[[indicators]]");
        let l1_comment = match &ind.printed_levels {
            Some(p) => format!("一级指标（原表“{p}”）"),
            None => "一级指标".to_string(),
        };
        line(&mut s, "level1", &toml_string(&ind.level1), &l1_comment);
        line(&mut s, "level2", &toml_string(&ind.level2), "二级指标");
        val_line(&mut s, "name", &ind.name, "三级指标");
        if ind.not_applicable {
            line(&mut s, "applicable", "false", "原表各栏印“/”：不适用");
        }
        val_line(&mut s, "target", &ind.target, "年度指标值");
        val_line(&mut s, "actual", &ind.actual, "实际完成值");
        if ind.actual.is_none() && ind.actual_blank {
            line(&mut s, "actual", "\"\"", "实际完成值（原表空白）");
        }
        val_line(&mut s, "weight", &ind.weight, "分值");
        if let Some(grade) = inferred_grade(ind, plan.bands) {
            let [high, low] = plan.bands.map(|b| b.normalize());
            line(
                &mut s,
                "grade",
                &toml_string(grade),
                &format!(
                    "等级：原表未印，按所印得分占分值的比例推断（≥{high}% 达成，≥{low}% 部分达成）"
                ),
            );
        }
        val_line(&mut s, "score", &ind.score, "得分（原表所印）");
        val_line(&mut s, "reason", &ind.reason, "偏差原因分析及改进措施");
        val_line(&mut s, "note", &ind.note, "备注");
    }

    if form.filler.is_some() || form.phone.is_some() || form.date.is_some() || form.leader.is_some()
    {
        let _ = writeln!(s, "\n[signature]");
        val_line(&mut s, "filler", &form.filler, "填表人");
        val_line(&mut s, "phone", &form.phone, "联系电话");
        val_line(&mut s, "date", &form.date, "填报日期");
        val_line(&mut s, "leader", &form.leader, "单位负责人");
    }

    if !form.unmapped.is_empty() {
        let _ = writeln!(
            s,
            "\n# 以下 {} 个单元格未能对应到字段，照录备查（请核对后手工填写到上面的字段中）：",
            form.unmapped.len()
        );
        for (i, u) in form.unmapped.iter().enumerate() {
            // Project files are read up to 16 MB: a sheet of junk must not make this one unreadable.
            if s.len() > COMMENT_LIMIT {
                let _ = writeln!(
                    s,
                    "# ……另有 {} 个单元格未列出（数量过多），请直接查看原表",
                    form.unmapped.len() - i
                );
                break;
            }
            let _ = writeln!(s, "# {}", unmapped_line(u));
        }
    }
    s
}

/// The grade of a row whose actual cannot be compared with its target as quantities (text
/// targets or actuals, a blank actual), inferred from the printed 得分: the form prints no
/// grade, and `check` needs one there (`grade-required`). `None` where the rules decide alone:
/// two quantities, or an actual that reads as the target ("长期" against "长期").
fn inferred_grade(ind: &IndicatorLine, bands: [Decimal; 2]) -> Option<&'static str> {
    use crate::target::{Parsed, best_level, parse};
    if ind.not_applicable {
        return None;
    }
    let score = crate::decimal::parse(&ind.score.as_ref()?.text)?;
    let weight = crate::decimal::parse(&ind.weight.as_ref()?.text)?;
    if weight <= Decimal::ZERO || score < Decimal::ZERO {
        return None;
    }
    let text = |v: &Option<Val>| v.as_ref().map_or(String::new(), |v| v.text.clone());
    let (target, actual) = (text(&ind.target), text(&ind.actual));
    match (parse(&target), parse(&actual)) {
        (Parsed::Quantity(_), Parsed::Quantity(_)) => return None,
        (Parsed::OutOfRange(_), _) | (_, Parsed::OutOfRange(_)) => return None,
        _ => {}
    }
    // As scoring.rs: a qualitative actual equal to its target (or the best of a level list)
    // is met without a grade.
    let (t, a) = (target.trim(), actual.trim());
    let met_by_text = !t.is_empty() && t == a
        || best_level(t).is_some_and(|best| a.chars().eq(std::iter::once(best)));
    if met_by_text {
        return None;
    }
    let percent = score
        .checked_mul(Decimal::ONE_HUNDRED)?
        .checked_div(weight)?;
    let [high, low] = bands;
    Some(if score >= weight || percent >= high {
        "达成"
    } else if percent >= low {
        "部分达成"
    } else {
        "未达成"
    })
}

/// Bytes of a project file after which unmapped cells are counted, not listed.
const COMMENT_LIMIT: usize = 8 * 1024 * 1024;

/// Whether a printed 预算执行率分值 is not the default 10 (and so goes to `[scoring]`).
fn weight_differs(w: &Val) -> bool {
    crate::decimal::parse(&w.text) != Some(rust_decimal::Decimal::TEN)
}

/// `Sheet1!B7: "…"（why）`
pub fn unmapped_line(u: &Unmapped) -> String {
    let mut text = format!("{}: {}", u.addr, comment_text(u.text.trim()));
    if let Some(why) = u.why {
        let _ = write!(text, "（{why}）");
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_round_trip_through_toml() {
        for text in [
            "plain",
            "引号\"和\\反斜杠",
            "两行\n第二行",
            "三个引号\"\"\"在中间\n第二行\"",
            "tab\t和\u{1b}控制符",
            "结尾反斜杠\\",
        ] {
            let doc = format!("v = {}\n", toml_string(text));
            let parsed: toml::Table = toml::from_str(&doc).unwrap_or_else(|e| panic!("{doc}: {e}"));
            assert_eq!(parsed["v"].as_str(), Some(text), "{doc}");
        }
        assert_eq!(comment_text("a\nb"), "\"a\\nb\"");
    }

    #[test]
    fn grades_are_inferred_from_printed_scores_where_check_needs_one() {
        let v = |t: &str| {
            Some(Val {
                text: t.to_string(),
                ..Val::default()
            })
        };
        let row = |target: &str, actual: Option<&str>, score: &str| IndicatorLine {
            target: v(target),
            actual: actual.and_then(v),
            weight: v("10"),
            score: v(score),
            actual_blank: actual.is_none(),
            ..IndicatorLine::default()
        };
        let national = [Decimal::from(80), Decimal::from(60)];
        let grade = |r: IndicatorLine| inferred_grade(&r, national);
        assert_eq!(
            grade(row("有效提升", Some("部分提升"), "7")),
            Some("部分达成")
        );
        assert_eq!(grade(row("≤11月", Some("12月9日"), "8")), Some("达成"));
        assert_eq!(grade(row("≥90%", None, "10")), Some("达成"));
        assert_eq!(
            grade(row("按期完成", Some("未完成"), "5.9")),
            Some("未达成")
        );
        // Two quantities, or text equal to the target: scored without a grade.
        assert_eq!(grade(row("≥95%", Some("90%"), "9")), None);
        assert_eq!(grade(row("长期", Some("长期"), "10")), None);
        assert_eq!(grade(row("优良中低差", Some("优"), "10")), None);
        // A form's own bands.
        let strict = [Decimal::from(90), Decimal::from(70)];
        assert_eq!(
            inferred_grade(&row("显著", Some("较好"), "8"), strict),
            Some("部分达成")
        );
    }
}
