//! `jixiao rollover` and `jixiao new --from`: next year's project files from this year's.
//!
//! Targets, weights, names and the file's structure are kept; what belongs to the year that
//! ended (actuals, executed amounts, printed and stated scores, grades, reasons, 实际完成情况,
//! the filing and bundle dates) is cleared to `""` so `check` lists exactly the blanks still to
//! fill. A text that names the old year as a year (`2020年度…汇编`) names the new one; a year it
//! cannot be sure of (`2020-2022`, `2019年`) is kept and noted. The file is edited in place with
//! `toml_edit`, so comments and layout stay as the user wrote them.

use toml_edit::{DocumentMut, Item, value};

/// Why a file could not be rolled over.
#[derive(Debug, thiserror::Error)]
pub enum RolloverError {
    #[error("无法转入下一年：{0}")]
    Syntax(String),
}

/// Keys cleared in every `[[indicators]]` entry besides `actual`: the year's results.
const INDICATOR_RESULTS: &[&str] = &["score", "grade", "reason"];
/// Keys cleared in every fund row besides `executed`: the printed figures of the year.
const FUND_RESULTS: &[&str] = &["rate", "score"];

/// A file rolled over, with what the user should look at.
#[derive(Debug, Clone, PartialEq)]
pub struct Rolled {
    pub text: String,
    /// Texts that hold a year not rewritten, one Chinese note each (`bundle.title：…`).
    pub notes: Vec<String>,
}

/// Roll one file over to `year`, the year its texts name as the old one being `from`
/// (the file's own `year`, else `from`, else the year before `year`).
pub fn roll(text: &str, from: Option<i32>, year: i32) -> Result<Rolled, RolloverError> {
    let stated = text
        .parse::<toml::Table>()
        .ok()
        .and_then(|t| t.get("year")?.as_integer())
        .and_then(|y| i32::try_from(y).ok());
    let old = stated.or(from).unwrap_or(year - 1);
    let cleared = rollover(text, year)?;
    let mut doc: DocumentMut = cleared
        .parse()
        .map_err(|e: toml_edit::TomlError| RolloverError::Syntax(e.message().to_string()))?;
    let mut notes = Vec::new();
    crate::rollover_years::carry(doc.as_table_mut(), old, year, &mut notes);
    let out = doc.to_string();
    let text = if cleared.contains("\r\n") {
        out.replace("\r\n", "\n").replace('\n', "\r\n")
    } else {
        out
    };
    Ok(Rolled { text, notes })
}

/// Roll one file (a project file or a folder's `jixiao.toml`) over to `year`: the year and the
/// year's results only (texts are carried forward by [`roll`]).
pub fn rollover(text: &str, year: i32) -> Result<String, RolloverError> {
    // Syntax errors are reported as `check` reports them (Chinese, with line and column).
    if let Err(e) = toml::from_str::<toml::Table>(text) {
        return Err(RolloverError::Syntax(crate::load::describe_toml_error(
            &e, text,
        )));
    }
    let mut doc: DocumentMut = text
        .parse()
        .map_err(|e: toml_edit::TomlError| RolloverError::Syntax(e.message().to_string()))?;
    if let Some(item) = doc.get_mut("year") {
        let decor = item.as_value().map(|v| v.decor().clone());
        *item = value(i64::from(year));
        if let (Some(decor), Some(v)) = (decor, item.as_value_mut()) {
            *v.decor_mut() = decor;
        }
    }
    // Printed figures of the form that was published. Every cleared field is kept as `""`
    // (an optional field written `""` counts as absent), so each comment stays where it was.
    for key in ["total", "grade"] {
        if doc.contains_key(key) {
            blank(doc.as_table_mut(), key);
        }
    }
    if let Some(funds) = doc.get_mut("funds").and_then(Item::as_table_like_mut) {
        if funds.contains_key("reason") {
            blank(funds, "reason");
        }
        for (_, row) in funds.iter_mut() {
            if let Some(row) = row.as_table_like_mut() {
                for key in FUND_RESULTS.iter().chain(&["executed"]) {
                    if row.contains_key(key) {
                        blank(row, key);
                    }
                }
            }
        }
    }
    if let Some(goals) = doc.get_mut("goals").and_then(Item::as_table_like_mut)
        && goals.contains_key("achieved")
    {
        blank(goals, "achieved");
    }
    // The filing and bundle dates were last year's.
    for table in ["signature", "bundle"] {
        if let Some(t) = doc.get_mut(table).and_then(Item::as_table_like_mut)
            && t.contains_key("date")
        {
            blank(t, "date");
        }
    }
    match doc.get_mut("indicators") {
        Some(Item::ArrayOfTables(list)) => {
            for indicator in list.iter_mut() {
                clear_indicator(indicator);
            }
        }
        // `indicators = [{ … }, { … }]`: the same, inline.
        Some(Item::Value(toml_edit::Value::Array(list))) => {
            for value in list.iter_mut() {
                if let Some(indicator) = value.as_inline_table_mut() {
                    clear_indicator(indicator);
                }
            }
        }
        _ => {}
    }
    let out = doc.to_string();
    // Keep the source's line endings (toml_edit writes `\n`).
    if text.contains("\r\n") {
        return Ok(out.replace("\r\n", "\n").replace('\n', "\r\n"));
    }
    Ok(out)
}

fn clear_indicator(indicator: &mut dyn toml_edit::TableLike) {
    for key in INDICATOR_RESULTS.iter().chain(&["actual"]) {
        if indicator.contains_key(key) {
            blank(indicator, key);
        }
    }
}

/// Set `key` to `""` in place: the key (with the comment lines above it) and the comment after
/// the value stay as written.
fn blank(table: &mut dyn toml_edit::TableLike, key: &str) {
    let Some(item) = table.get_mut(key) else {
        return;
    };
    let decor = item.as_value().map(|v| v.decor().clone());
    *item = value("");
    if let (Some(decor), Some(v)) = (decor, item.as_value_mut()) {
        *v.decor_mut() = decor;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clears_the_year_and_keeps_the_plan_and_comments() {
        let text = r#"# 2024 年的表
# 第二行说明

total = "94.00"
year = 2024      # 评价年度

[funds.fiscal]   # 财政拨款
budget = 70      # 全年预算数
executed = 54.91 # 全年执行数
rate = "78%"

[goals]
planned = "计划"
achieved = "完成了"

[[indicators]]
level1 = "产出指标"
name = "人数"     # 三级指标
target = "≥800"
actual = "832"    # 实际完成值
weight = 7
score = 7
reason = "原因"
"#;
        let next = rollover(text, 2025).unwrap();
        assert!(next.contains("year = 2025      # 评价年度"), "{next}");
        assert!(next.starts_with("# 2024 年的表\n# 第二行说明\n"), "{next}");
        assert!(next.contains("budget = 70      # 全年预算数"));
        assert!(next.contains("executed = \"\" # 全年执行数"), "{next}");
        assert!(next.contains("actual = \"\"    # 实际完成值"), "{next}");
        assert!(next.contains("target = \"≥800\"") && next.contains("weight = 7"));
        assert!(next.contains("planned = \"计划\"") && next.contains("achieved = \"\""));
        for cleared in [
            "total = \"\"",
            "rate = \"\"",
            "score = \"\"",
            "reason = \"\"",
        ] {
            assert!(next.contains(cleared), "{cleared} missing in {next}");
        }
    }

    #[test]
    fn carries_the_year_in_texts_as_written_and_notes_what_it_keeps() {
        let text = "year = 2020\r\n[bundle]\r\ntitle = '2020年度汇编' # 封面\r\n\
                    date = \"2021-03-31\"\r\n[[indicators]]\r\nname = \"\\t2020年培训\"\r\n\
                    target = \"≥2020人\"\r\n";
        let rolled = roll(text, None, 2021).unwrap();
        assert_eq!(
            rolled.text,
            "year = 2021\r\n[bundle]\r\ntitle = '2021年度汇编' # 封面\r\ndate = \"\"\r\n\
             [[indicators]]\r\nname = \"\\t2021年培训\"\r\ntarget = \"≥2020人\"\r\n"
        );
        assert_eq!(
            rolled.notes,
            [
                "indicators[0].target：“≥2020人”中的 2020 未改动，请核对是否应为 2021 年的 \
              (year kept as written)"
            ]
        );
        // No year in the file: the one it inherits, else the year before.
        let rolled = roll("name = \"2019年度项目\"\n", Some(2019), 2021).unwrap();
        assert_eq!(rolled.text, "name = \"2021年度项目\"\n");
        let rolled = roll("name = \"2020年度项目\"\n", None, 2021).unwrap();
        assert_eq!(rolled.text, "name = \"2021年度项目\"\n");
    }
}
