//! A form definition checked as a whole before any project is: every 一级 and 二级 name is a
//! canonical one and listed once, every fund row is a row the model knows, the number formats
//! are in range. A mistake is the form's, named with its own file and line, never blamed later
//! on a project (or printed twice).

use serde::Deserialize;
use toml::Spanned;

use super::FormError;
use crate::model::{FUND_SOURCES, LEVELS};

/// The parts of form.toml that are checked, with where each value was written.
#[derive(Deserialize)]
struct Located {
    #[serde(default)]
    fund_rows: Vec<LocatedRow>,
    #[serde(default)]
    level1: Vec<LocatedLevel1>,
    #[serde(default)]
    format: LocatedFormat,
}

#[derive(Deserialize)]
struct LocatedRow {
    key: Spanned<String>,
}

#[derive(Deserialize)]
struct LocatedLevel1 {
    name: Spanned<String>,
    level2: Spanned<Vec<Spanned<String>>>,
}

#[derive(Deserialize, Default)]
struct LocatedFormat {
    amount_decimals: Option<Spanned<u32>>,
    score_decimals: Option<Spanned<u32>>,
    rate_decimals: Option<Spanned<u32>>,
}

/// Most decimals a form may print (as `[scoring] decimals` allows).
const MAX_DECIMALS: u32 = 6;

/// Check the parsed form's text (already known to deserialize); the first mistake is returned.
pub(super) fn validate(text: &str, path: &str) -> Result<(), FormError> {
    let located: Located = toml::from_str(text).map_err(|e| FormError::Invalid {
        path: path.to_string(),
        message: crate::load::describe_toml_error(&e, text),
    })?;
    let fail = |span: std::ops::Range<usize>, message: String| {
        let file = crate::source::SourceFile::new(Default::default(), text.to_string());
        let (line, column) = file.line_col(span.start);
        Err(FormError::Invalid {
            path: path.to_string(),
            message: format!("第 {line} 行第 {column} 列：{message}"),
        })
    };
    for row in &located.fund_rows {
        let key = row.key.get_ref().as_str();
        if key != "total" && !FUND_SOURCES.iter().any(|(k, _)| *k == key) {
            let valid: Vec<String> = std::iter::once("total（年度资金总额）".to_string())
                .chain(FUND_SOURCES.iter().map(|(k, zh)| format!("{k}（{zh}）")))
                .collect();
            return fail(
                row.key.span(),
                format!(
                    "fund_rows 的 key“{key}”不是资金行；可用：{}",
                    valid.join("、")
                ),
            );
        }
    }
    if located.level1.is_empty() {
        return fail(0..0, "表样至少要有一个 [[level1]]（一级指标）".into());
    }
    let mut seen_level1: Vec<&str> = Vec::new();
    for l1 in &located.level1 {
        let name = l1.name.get_ref().as_str();
        let Some((_, canonical)) = LEVELS.iter().find(|(n, _)| *n == name) else {
            let valid: Vec<&str> = LEVELS.iter().map(|(n, _)| *n).collect();
            return fail(
                l1.name.span(),
                format!("一级指标“{name}”不是规范名称；可用：{}", valid.join("、")),
            );
        };
        if seen_level1.contains(&name) {
            return fail(
                l1.name.span(),
                format!("一级指标“{name}”写了两次；每个一级指标只能列一次，否则其指标会印两遍"),
            );
        }
        seen_level1.push(name);
        if l1.level2.get_ref().is_empty() {
            return fail(
                l1.level2.span(),
                format!("一级指标“{name}”的 level2 为空；请列出它的二级指标"),
            );
        }
        let mut seen_level2: Vec<&str> = Vec::new();
        for l2 in l1.level2.get_ref() {
            let level2 = l2.get_ref().as_str();
            if !canonical.contains(&level2) {
                return fail(
                    l2.span(),
                    format!(
                        "“{level2}”不是一级指标“{name}”下的规范二级指标名称；可用：{}",
                        canonical.join("、")
                    ),
                );
            }
            if seen_level2.contains(&level2) {
                return fail(
                    l2.span(),
                    format!(
                        "二级指标“{level2}”在“{name}”下写了两次；每个二级指标只能列一次，否则其指标会印两遍"
                    ),
                );
            }
            seen_level2.push(level2);
        }
    }
    let format = &located.format;
    for (field, value) in [
        ("amount_decimals", &format.amount_decimals),
        ("score_decimals", &format.score_decimals),
        ("rate_decimals", &format.rate_decimals),
    ] {
        if let Some(v) = value
            && *v.get_ref() > MAX_DECIMALS
        {
            return fail(
                v.span(),
                format!(
                    "[format] {field} 为 {}，小数位数应为 0 到 {MAX_DECIMALS}",
                    v.get_ref()
                ),
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::{FormOrigin, parse_form};

    const HEAD: &str = "id = \"t\"\nname = \"t\"\ntitle = \"t\"\n";

    /// The message of the form.toml error of `rows` and `levels`.
    fn error(rows: &str, levels: &str) -> String {
        let text = format!("{HEAD}fund_rows = [{rows}]\n{levels}");
        parse_form(&text, FormOrigin::Builtin, "t/form.toml")
            .map(|_| String::new())
            .unwrap_or_else(|e| e.to_string())
    }

    const TOTAL: &str = "{ key = \"total\", label = \"年度资金总额\" }";
    const OUTPUT: &str = "[[level1]]\nname = \"产出指标\"\nlevel2 = [\"数量指标\"]\n";

    #[test]
    fn a_sound_form_passes() {
        assert_eq!(error(TOTAL, OUTPUT), "");
    }

    #[test]
    fn a_level_listed_twice_is_an_error_at_its_line() {
        let e = error(TOTAL, &format!("{OUTPUT}{OUTPUT}"));
        assert!(
            e.contains("t/form.toml")
                && e.contains("第 9 行第 8 列")
                && e.contains("一级指标“产出指标”写了两次"),
            "{e}"
        );
        let e = error(
            TOTAL,
            "[[level1]]\nname = \"产出指标\"\nlevel2 = [\"数量指标\", \"质量指标\", \"数量指标\"]\n",
        );
        assert!(
            e.contains("第 7 行第 27 列") && e.contains("二级指标“数量指标”在“产出指标”下写了两次"),
            "{e}"
        );
    }

    #[test]
    fn names_the_model_does_not_know_are_the_forms_errors() {
        let e = error(
            TOTAL,
            "[[level1]]\nname = \"产出\"\nlevel2 = [\"数量指标\"]\n",
        );
        assert!(
            e.contains("第 6 行第 8 列")
                && e.contains("一级指标“产出”不是规范名称")
                && e.contains("满意度指标"),
            "{e}"
        );
        let e = error(
            TOTAL,
            "[[level1]]\nname = \"效益指标\"\nlevel2 = [\"数量指标\"]\n",
        );
        assert!(
            e.contains("“数量指标”不是一级指标“效益指标”下的规范二级指标名称")
                && e.contains("社会效益指标"),
            "{e}"
        );
        let e = error(
            &format!("{TOTAL}, {{ key = \"provincial\", label = \"省级\" }}"),
            OUTPUT,
        );
        assert!(
            e.contains("第 4 行")
                && e.contains("fund_rows 的 key“provincial”不是资金行")
                && e.contains("district（区级资金）"),
            "{e}"
        );
        let e = error(TOTAL, &format!("{OUTPUT}[format]\nrate_decimals = 40\n"));
        assert!(
            e.contains("第 9 行")
                && e.contains("[format] rate_decimals 为 40，小数位数应为 0 到 6"),
            "{e}"
        );
        let e = error(TOTAL, "[[level1]]\nname = \"产出指标\"\nlevel2 = []\n");
        assert!(e.contains("level2 为空"), "{e}");
    }
}
