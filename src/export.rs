//! `jixiao export`: the computed table for upload to other systems (xlsx, csv, json).
//! One row per indicator plus the funds row; amounts and scores are exact decimals, written as
//! numbers in xlsx (with a number format) and as plain decimal text in csv.

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{Format, Workbook, XlsxError};

use crate::decimal;
use crate::grade::Rating;
use crate::report::Report;

pub const HEADER: [&str; 13] = [
    "文件",
    "项目名称",
    "实施单位",
    "一级指标",
    "二级指标",
    "三级指标",
    "年度指标值",
    "实际完成值",
    "分值",
    "得分",
    "计算得分",
    "计分规则",
    "偏差原因分析及改进措施",
];

/// One exported row: text cells and decimal cells (None = empty).
pub struct Row {
    pub text: Vec<String>,
    pub weight: Option<Decimal>,
    pub score: Option<Decimal>,
    pub computed: Option<Decimal>,
    pub method: String,
    pub reason: String,
}

/// The rows of one report: 预算执行率 first, then every indicator, then 总分.
pub fn rows(report: &Report) -> Vec<Row> {
    let file = report.path.display().to_string();
    let (name, implementer) = report
        .project
        .as_ref()
        .map_or((String::new(), String::new()), |p| {
            (p.info.name.clone(), p.info.implementer.clone())
        });
    let base = |cells: [&str; 5]| {
        let mut v = vec![file.clone(), name.clone(), implementer.clone()];
        v.extend(cells.iter().map(|s| s.to_string()));
        v
    };
    let mut out = Vec::new();
    if let Some(f) = &report.funds {
        let unit = report.project.as_ref().map_or("", |p| p.unit.label());
        let budget = f.total.budget.map(decimal::plain).unwrap_or_default();
        let executed = f.total.executed.map(decimal::plain).unwrap_or_default();
        let rate = f
            .total
            .rate
            .map(|r| format!("{}%", decimal::fixed(r, report.policy.rate_decimals)))
            .unwrap_or_default();
        out.push(Row {
            text: base([
                "预算执行率",
                "",
                "全年执行数/全年预算数",
                &format!("{budget}{unit}"),
                &format!("{executed}{unit}（{rate}）"),
            ]),
            weight: Some(f.weight),
            score: f.score,
            computed: f.score,
            method: "rate".into(),
            reason: String::new(),
        });
    }
    for r in &report.indicators {
        let i = &r.indicator;
        let target = i.target.as_ref().map_or("", |t| t.value.as_str());
        let actual = i.actual.as_ref().map_or("", |t| t.value.as_str());
        out.push(Row {
            text: base([&i.level1, &i.level2, &i.name, target, actual]),
            weight: i.weight.as_ref().map(|w| w.value),
            score: r.scored.score,
            computed: r.scored.computed,
            method: r.scored.method.id().into(),
            reason: r.reason.clone().unwrap_or_default(),
        });
    }
    out.push(Row {
        text: base(["总分", "", "", "", report.rating.map_or("", Rating::as_str)]),
        weight: Some(Decimal::from(100)),
        score: report.total,
        computed: report.total,
        method: "total".into(),
        reason: String::new(),
    });
    out
}

/// One CSV text cell. A cell that a spreadsheet would run as a formula (`=HYPERLINK(…)`,
/// `+`, `-`, `@`, or a leading tab or CR) gets a leading `'`, as OWASP advises, so a project
/// name is shown, never executed.
fn csv_cell(s: &str) -> String {
    let neutral = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if neutral.contains([',', '"', '\n', '\r', '\t']) {
        format!("\"{}\"", neutral.replace('"', "\"\""))
    } else {
        neutral
    }
}

/// CSV, UTF-8 with a BOM so Excel opens Chinese text correctly.
pub fn csv(reports: &[Report]) -> Vec<u8> {
    let mut out = String::from("\u{feff}");
    out.push_str(&HEADER.join(","));
    out.push_str("\r\n");
    for report in reports {
        for row in rows(report) {
            let mut cells: Vec<String> = row.text.iter().map(|s| csv_cell(s)).collect();
            for d in [row.weight, row.score, row.computed] {
                cells.push(d.map(decimal::plain).unwrap_or_default());
            }
            cells.push(csv_cell(&row.method));
            cells.push(csv_cell(&row.reason));
            out.push_str(&cells.join(","));
            out.push_str("\r\n");
        }
    }
    out.into_bytes()
}

/// Text XML 1.0 can hold (the same rule as the form workbook's cells).
fn xml_safe(text: &str) -> String {
    text.chars()
        .filter(|&c| crate::workbook::xml_char(c))
        .collect()
}

/// A worksheet name Excel accepts: ≤ 31 characters, none of `[]:*?/\`, no apostrophe at
/// either end, not the reserved "History", unique (case-insensitively) among `used`.
pub fn sheet_name(name: &str, index: usize, used: &[String]) -> String {
    let cleaned: String = name
        .chars()
        .filter(|c| !"[]:*?/\\".contains(*c) && !c.is_control())
        .collect();
    let mut title: String = cleaned.trim_matches('\'').chars().take(24).collect();
    let taken = |t: &str| used.iter().any(|u| u.to_lowercase() == t.to_lowercase());
    if title.is_empty() || title.eq_ignore_ascii_case("history") || taken(&title) {
        title = format!("{}-{}", title, index + 1)
            .trim_start_matches('-')
            .to_string();
        if title.chars().all(|c| c.is_ascii_digit()) {
            title = format!("项目{title}");
        }
    }
    title
}

/// Excel workbook, one sheet per project; numbers as numbers with two-decimal formats; a fixed
/// document date, so the same reports give byte-identical files.
pub fn xlsx(reports: &[Report]) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let properties = crate::workbook::fixed_properties("绩效自评计算结果", "", None)
        .map_err(|e| XlsxError::ParameterError(e.to_string()))?;
    workbook.set_properties(&properties);
    let bold = Format::new().set_bold();
    let number = Format::new().set_num_format("0.00");
    let plain = Format::new();
    let mut used: Vec<String> = Vec::new();
    for (index, report) in reports.iter().enumerate() {
        let sheet = workbook.add_worksheet();
        let title = sheet_name(report.name(), index, &used);
        used.push(title.clone());
        sheet.set_name(&title)?;
        for (col, h) in HEADER.iter().enumerate() {
            sheet.write_string_with_format(0, col as u16, *h, &bold)?;
        }
        for (r, row) in rows(report).iter().enumerate() {
            let r = r as u32 + 1;
            for (c, text) in row.text.iter().enumerate() {
                sheet.write_string_with_format(r, c as u16, xml_safe(text), &plain)?;
            }
            for (c, d) in [(8u16, row.weight), (9, row.score), (10, row.computed)] {
                if let Some(v) = d.and_then(|d| d.to_f64()) {
                    sheet.write_number_with_format(r, c, v, &number)?;
                }
            }
            sheet.write_string_with_format(r, 11, xml_safe(&row.method), &plain)?;
            sheet.write_string_with_format(r, 12, xml_safe(&row.reason), &plain)?;
        }
        sheet.set_column_width(5, 28)?;
        sheet.set_column_width(12, 40)?;
    }
    workbook.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::csv_cell;

    #[test]
    fn sheet_names_excel_accepts() {
        use super::sheet_name;
        assert_eq!(sheet_name("'quoted'", 0, &[]), "quoted");
        assert_eq!(super::xml_safe("培训\u{7}补贴\u{fffe}\t"), "培训补贴\t");
        assert_eq!(sheet_name("History", 2, &[]), "History-3");
        assert_eq!(sheet_name("a[1]:b", 0, &[]), "a1b");
        assert_eq!(sheet_name("同名", 1, &["同名".into()]), "同名-2");
        assert_eq!(sheet_name("", 4, &[]), "项目5");
        assert!(sheet_name(&"长".repeat(40), 0, &[]).chars().count() <= 31);
    }

    #[test]
    fn csv_cells_never_become_formulas() {
        assert_eq!(
            csv_cell("=HYPERLINK(\"http://x\",\"y\")"),
            "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""
        );
        assert_eq!(csv_cell("+1"), "'+1");
        assert_eq!(csv_cell("-2+3"), "'-2+3");
        assert_eq!(csv_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_cell("\tx"), "\"'\tx\"");
        assert_eq!(csv_cell("普通文字"), "普通文字");
        assert_eq!(csv_cell("a,b"), "\"a,b\"");
    }
}
