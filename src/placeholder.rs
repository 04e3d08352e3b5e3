//! `{{ funds.rate }}` placeholders in free text (minijinja, strict: an unknown name is an error).

use minijinja::{Environment, UndefinedBehavior};
use serde_json::Value;

/// Expand placeholders in `text`; text without `{{`/`{%`/`{#` is returned unchanged.
pub fn expand(text: &str, context: &Value) -> Result<String, String> {
    if !(text.contains("{{") || text.contains("{%") || text.contains("{#")) {
        return Ok(text.to_string());
    }
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.render_str(text, context).map_err(|e| {
        let detail = e.detail().map(str::to_string).unwrap_or_else(|| e.kind().to_string());
        format!(
            "占位符有误：{detail}；可用：year、unit、project.name、project.department、project.implementer、funds.initial、funds.budget、funds.executed、funds.rate、funds.weight、funds.score、total、grade"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn expands_known_and_rejects_unknown() {
        let ctx = json!({"funds": {"rate": "78.44"}});
        assert_eq!(
            expand("执行率{{ funds.rate }}%", &ctx).unwrap(),
            "执行率78.44%"
        );
        assert!(expand("{{ funds.rat }}", &ctx).is_err());
        assert!(expand("{{ nothing }}", &ctx).is_err());
        assert_eq!(
            expand("no placeholders #x $y$", &ctx).unwrap(),
            "no placeholders #x $y$"
        );
    }
}
