//! The TOML text of imported forms: one project file per form, commented in Chinese like the
//! examples, and the folder's `jixiao.toml` with what all forms share.

use std::fmt::Write;

use unicode_width::UnicodeWidthStr;

use rust_decimal::Decimal;

use super::mapper::{FoundForm, IndicatorLine, Unmapped, Val};

/// Characters never written raw into TOML jixiao generates, in values or comments: control
/// characters (C0, DEL, C1), the line and paragraph separators editors show as line breaks,
/// and the invisible format characters (bidirectional controls, zero-width characters, the
/// BOM) that make a line look like another. User text is data, never code.
pub fn is_hidden_char(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{2028}' | '\u{2029}' | '\u{00AD}' | '\u{061C}' | '\u{180E}' | '\u{FEFF}'
            | '\u{0600}'..='\u{0605}' | '\u{06DD}' | '\u{070F}' | '\u{08E2}'
            | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206F}' | '\u{FFF9}'..='\u{FFFB}' | '\u{110BD}' | '\u{110CD}'
            | '\u{13430}'..='\u{1343F}' | '\u{1BCA0}'..='\u{1BCA3}' | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0001}' | '\u{E0020}'..='\u{E007F}')
}

/// A TOML string: a basic string, or a multi-line one when the text has line breaks. Quotes,
/// backslashes and every [`is_hidden_char`] are escaped, so the string reads back as exactly
/// `text` and can never end early or start a key.
pub fn toml_string(text: &str) -> String {
    let multiline = text.contains('\n');
    let mut out = String::with_capacity(text.len() + 8);
    out.push_str(if multiline { "\"\"\"\n" } else { "\"" });
    escape_into(&mut out, text, multiline);
    out.push_str(if multiline { "\"\"\"" } else { "\"" });
    out
}

/// The body of a TOML basic string; line breaks kept only in a multi-line one.
fn escape_into(out: &mut String, text: &str, multiline: bool) {
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' if multiline => out.push('\n'),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if is_hidden_char(c) && (c as u32) <= 0xFFFF => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c if is_hidden_char(c) => {
                let _ = write!(out, "\\U{:08X}", c as u32);
            }
            c => out.push(c),
        }
    }
}

/// Text for a comment: one line, quoted, escaped as a TOML string.
fn comment_text(text: &str) -> String {
    let mut out = String::from("\"");
    escape_into(&mut out, &text.replace("\r\n", "\n"), false);
    out.push('"');
    out
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
    let _ = writeln!(out, "{text}{}# {}", " ".repeat(pad), comment_safe(comment));
}

/// Text for a comment line: every [`is_hidden_char`] written escaped (`\n`, `\u{202e}`), so
/// that a sheet name, a file name or a cell can never end the comment and start a key.
pub fn comment_safe(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if is_hidden_char(c) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
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
    let _ = writeln!(s, "# 由 jixiao import 导入：{}", comment_safe(&plan.origin));
    match &form.jixiao {
        Some(version) => {
            let _ = writeln!(
                s,
                "# 该工作簿由 jixiao {} 生成：其中的执行率、得分、总分和年度资金总额是 jixiao 的计算结果，不作原表所印录入，jixiao check 按导入的金额和实际完成值重新计算；项目文件原先填写的得分照录为 score。",
                comment_safe(version)
            );
        }
        None => {
            let _ = writeln!(
                s,
                "# 数字照单元格所存的值写成字符串，百分比格式的单元格写作 \"86.18%\"；原表所印执行率、得分、总分按单元格显示的小数位照录为 rate、score、total，jixiao check 按所印小数位核对。"
            );
        }
    }
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
            comment_safe(&f.label),
            comment_safe(&weight)
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
        let stated = if form.jixiao.is_some() {
            "得分（项目文件所填）"
        } else {
            "得分（原表所印）"
        };
        val_line(&mut s, "score", &ind.score, stated);
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
            // The address carries the sheet's name.
            let _ = writeln!(s, "# {}", comment_safe(&unmapped_line(u)));
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
    // In a workbook jixiao wrote, its computed 得分 is the clue (it came from the grade).
    let printed = ind.score.as_ref().or(ind.computed_score.as_ref())?;
    let score = crate::decimal::parse(&printed.text)?;
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

    /// Hostile round 3: any text as sheet or file name (the origin), label, comment or cell
    /// reads back as exactly the values written, with no key more or less, and no line
    /// carries a raw control, separator or bidi character.
    #[test]
    fn any_text_reads_back_as_written_and_never_as_keys() {
        use super::super::mapper::FundLine;
        let alphabet: Vec<char> = "a =\"'\\#[]{}.\n\r\t\u{0}\u{1b}\u{7f}\u{85}\u{9b}\u{2028}\u{2029}\u{202e}\u{2066}\u{200b}\u{feff}\u{e0041}长😀"
            .chars()
            .collect();
        let mut seed: u64 = 0x1a2b_3c4d;
        let mut text = || {
            let mut next = || {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                seed
            };
            let len = (next() % 24) as usize;
            (0..len)
                .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
                .collect::<String>()
        };
        for _ in 0..1_500 {
            let mut val = || {
                Some(Val {
                    text: text(),
                    note: Some(text()),
                    addr: text(),
                })
            };
            let (name, budget, planned, target, reason, filler) =
                (val(), val(), val(), val(), val(), val());
            let form = FoundForm {
                grid: String::new(),
                name: name.clone(),
                funds: vec![FundLine {
                    key: "total",
                    label: text(),
                    budget: budget.clone(),
                    ..FundLine::default()
                }],
                planned: planned.clone(),
                indicators: vec![IndicatorLine {
                    level1: text(),
                    level2: text(),
                    printed_levels: Some(text()),
                    target: target.clone(),
                    reason: reason.clone(),
                    ..IndicatorLine::default()
                }],
                filler: filler.clone(),
                unmapped: vec![Unmapped {
                    addr: text(),
                    text: text(),
                    why: None,
                }],
                ..FoundForm::default()
            };
            let plan = Planned {
                form: &form,
                form_id: text(),
                form_reason: text(),
                year: Some(2024),
                origin: text(),
                bands: [Decimal::from(80), Decimal::from(60)],
            };
            let written = project_file(&plan, &Shared::default());
            for line in written.lines() {
                assert!(!line.chars().any(is_hidden_char), "{line:?}");
            }
            let table: toml::Table =
                toml::from_str(&written).unwrap_or_else(|e| panic!("{e}\n{written}"));
            let keys = |t: &toml::Value| {
                let mut k: Vec<String> = t.as_table().unwrap().keys().cloned().collect();
                k.sort();
                k.join(",")
            };
            assert_eq!(
                keys(&toml::Value::Table(table.clone())),
                "form,funds,goals,indicators,project,signature,year",
                "{written}"
            );
            let at = |path: &[&str]| {
                let mut v = &table[path[0]];
                for p in &path[1..] {
                    v = match p.parse::<usize>() {
                        Ok(i) => &v[i],
                        Err(_) => &v[*p],
                    };
                }
                v.as_str().unwrap_or_else(|| panic!("{path:?}: {written}"))
            };
            let text_of = |v: &Option<Val>| v.as_ref().unwrap().text.clone();
            assert_eq!(at(&["form"]), plan.form_id);
            assert_eq!(at(&["project", "name"]), text_of(&name));
            assert_eq!(at(&["funds", "total", "budget"]), text_of(&budget));
            assert_eq!(at(&["goals", "planned"]), text_of(&planned));
            let ind = &form.indicators[0];
            assert_eq!(at(&["indicators", "0", "level1"]), ind.level1);
            assert_eq!(at(&["indicators", "0", "level2"]), ind.level2);
            assert_eq!(at(&["indicators", "0", "target"]), text_of(&target));
            assert_eq!(at(&["indicators", "0", "reason"]), text_of(&reason));
            assert_eq!(at(&["signature", "filler"]), text_of(&filler));
            assert_eq!(keys(&table["project"]), "name");
            assert_eq!(keys(&table["funds"]["total"]), "budget");
            assert_eq!(keys(&table["signature"]), "filler");
            assert_eq!(keys(&table["indicators"][0]), "level1,level2,reason,target");

            let shared = Shared {
                year: Some(2024),
                form: Some(text()),
                unit: Some("万元"),
                department: Some((text(), Some(text()))),
            };
            let reason = text();
            let folder = folder_file(&shared, 2, Some(&reason));
            let table: toml::Table =
                toml::from_str(&folder).unwrap_or_else(|e| panic!("{e}\n{folder}"));
            assert_eq!(table["form"].as_str(), shared.form.as_deref());
            assert_eq!(table["unit"].as_str(), Some("万元"));
            let (dept, code) = shared.department.clone().unwrap();
            assert_eq!(table["project"]["department"].as_str(), Some(dept.as_str()));
            assert_eq!(
                table["project"]["department_code"].as_str(),
                code.as_deref()
            );
            assert_eq!(keys(&toml::Value::Table(table)), "form,project,unit,year");
        }
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
