//! `{{ funds.rate }}` placeholders in free text.
//!
//! A placeholder names one computed figure, nothing more: no statements, no expressions, no
//! filters. The text comes from a data file, so it must not be able to loop or multiply a string
//! into gigabytes (a template engine's fuel does not bound `"x" * 10**9`). With a closed grammar
//! the expanded text is bounded by construction: each placeholder becomes one short figure.

use serde_json::Value;

use crate::problem::Code;

/// The names a placeholder may use, for the error message and the docs.
pub const NAMES: &[&str] = &[
    "year",
    "unit",
    "project.name",
    "project.department",
    "project.implementer",
    "funds.initial",
    "funds.budget",
    "funds.executed",
    "funds.rate",
    "funds.weight",
    "funds.score",
    "total",
    "grade",
];

/// The names a form's `reason_format` may use: the row's computed facts and the user's words.
pub const REASON_NAMES: &[&str] = &[
    "name", "level1", "level2", "target", "actual", "weight", "score", "lost", "ratio", "reason",
];

/// Longest expanded text accepted (characters); far beyond any cell of the form.
pub const MAX_EXPANDED_CHARS: usize = 20_000;

/// Does `text` contain placeholder syntax at all?
pub fn has_placeholders(text: &str) -> bool {
    text.contains("{{") || text.contains("{%") || text.contains("{#")
}

/// Why a text's placeholders cannot be expanded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlaceholderError {
    /// An unknown name, an expression, or unbalanced braces (`unknown-placeholder`).
    #[error("{0}")]
    Invalid(String),
    /// The expanded text is longer than [`MAX_EXPANDED_CHARS`] (`placeholder-too-long`).
    #[error("{0}")]
    TooLong(String),
}

impl PlaceholderError {
    pub fn code(&self) -> Code {
        match self {
            PlaceholderError::Invalid(_) => Code::UnknownPlaceholder,
            PlaceholderError::TooLong(_) => Code::PlaceholderTooLong,
        }
    }
}

/// Expand placeholders in `text`; text without `{{`/`{%`/`{#` is returned unchanged.
pub fn expand(text: &str, context: &Value) -> Result<String, PlaceholderError> {
    expand_names(text, context, NAMES)
}

/// [`expand`] over another set of names (a form's `reason_format`).
pub fn expand_names(
    text: &str,
    context: &Value,
    names: &[&str],
) -> Result<String, PlaceholderError> {
    use PlaceholderError::{Invalid, TooLong};
    if !has_placeholders(text) {
        return Ok(text.to_string());
    }
    if text.contains("{%") {
        return Err(Invalid(format!(
            "占位符只能写 {{{{ 名称 }}}}，不支持 {{% … %}} 语句（循环、条件）；可用名称：{}",
            names.join("、")
        )));
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find(['{']) {
        out.push_str(&rest[..start]);
        let tail = &rest[start..];
        if let Some(comment) = tail.strip_prefix("{#") {
            let end = comment
                .find("#}")
                .ok_or_else(|| Invalid("占位符注释 {# 缺少结尾 #}".to_string()))?;
            rest = &comment[end + 2..];
        } else if let Some(inner) = tail.strip_prefix("{{") {
            let end = inner
                .find("}}")
                .ok_or_else(|| Invalid("占位符 {{ 缺少结尾 }}".to_string()))?;
            let name = inner[..end].trim();
            let value = lookup(context, name, names).ok_or_else(|| {
                Invalid(format!(
                    "未知的占位符“{{{{ {name} }}}}”；只能写一个名称，可用：{}",
                    names.join("、")
                ))
            })?;
            out.push_str(&value);
            rest = &inner[end + 2..];
        } else {
            out.push('{');
            rest = &tail[1..];
        }
        if out.chars().count() > MAX_EXPANDED_CHARS {
            return Err(TooLong(format!(
                "代入占位符后文字超过 {MAX_EXPANDED_CHARS} 字，请缩短"
            )));
        }
    }
    out.push_str(rest);
    Ok(out)
}

/// The value of a dotted name among [`NAMES`], as printed text.
fn lookup(context: &Value, name: &str, names: &[&str]) -> Option<String> {
    if !names.contains(&name) {
        return None;
    }
    let mut value = context;
    for part in name.split('.') {
        value = value.get(part)?;
    }
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Null => Some(String::new()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn expands_known_and_rejects_unknown() {
        let ctx = json!({"funds": {"rate": "78.44"}, "year": 2024});
        assert_eq!(
            expand("执行率{{ funds.rate }}%", &ctx).unwrap(),
            "执行率78.44%"
        );
        assert_eq!(expand("{{year}}年{# 注释 #}", &ctx).unwrap(), "2024年");
        assert!(expand("{{ funds.rat }}", &ctx).is_err());
        assert!(expand("{{ nothing }}", &ctx).is_err());
        assert!(expand("{{ funds.rate", &ctx).is_err());
        assert_eq!(
            expand("no placeholders #x $y$", &ctx).unwrap(),
            "no placeholders #x $y$"
        );
        assert_eq!(expand("{a} {{ year }}", &ctx).unwrap(), "{a} 2024");
    }

    #[test]
    fn no_expression_can_run_away() {
        let ctx = json!({"funds": {"rate": "78.44"}});
        let looped =
            "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}";
        assert!(
            expand(looped, &ctx)
                .unwrap_err()
                .to_string()
                .contains("不支持")
        );
        let multiplied = "{{ funds.rate * 20000000 }}";
        let err = expand(multiplied, &ctx).unwrap_err();
        assert!(err.to_string().contains("未知的占位符"), "{err}");
        assert!(expand("{{ funds.rate | upper }}", &ctx).is_err());
    }

    #[test]
    fn expanded_text_is_bounded() {
        let ctx = json!({"project": {"name": "x".repeat(1000)}});
        let text = "{{ project.name }}".repeat(100);
        let err = expand(&text, &ctx).unwrap_err();
        assert_eq!(err.code(), "placeholder-too-long");
    }
}
