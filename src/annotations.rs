//! Problems as CI systems read them: GitHub workflow commands (`::error file=…,line=…::…`) and
//! GitLab's code-quality report. One printer per format, like the table and JSON of `check`.

use serde_json::{Value, json};

use crate::Checked;
use crate::problem::{Problem, Severity};

/// Where a problem points: its file, and line/column when it has a location.
fn position(checked: &Checked, report_path: &str, p: &Problem) -> (String, Option<(usize, usize)>) {
    match &p.loc {
        Some(loc) => (
            checked.sources.path(loc.file).display().to_string(),
            Some(checked.sources.line_col(loc)),
        ),
        None => (report_path.to_string(), None),
    }
}

/// GitHub's escaping for a workflow command's message (`%`, CR, LF).
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// GitHub's escaping for a property value (also `:` and `,`).
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// One `::error`/`::warning` line per problem, for `check --format github`.
pub fn github(checked: &Checked) -> String {
    let mut out = String::new();
    for report in &checked.reports {
        let report_path = report.path.display().to_string();
        for p in &report.problems {
            let level = match p.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            };
            let (file, at) = position(checked, &report_path, p);
            let mut properties = format!("file={}", escape_property(&file));
            if let Some((line, col)) = at {
                properties.push_str(&format!(",line={line},col={col}"));
            }
            properties.push_str(&format!(",title={}", escape_property(p.code())));
            let field = if p.field.is_empty() {
                String::new()
            } else {
                format!("（{}）", p.field)
            };
            out.push_str(&format!(
                "::{level} {properties}::{}\n",
                escape_data(&format!("{}{field}", p.message))
            ));
        }
    }
    out
}

/// FNV-1a, 64 bits: a stable fingerprint without a hashing dependency.
fn fingerprint(parts: &[&str]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for byte in part.bytes().chain([0]) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

/// GitLab's code-quality report (a JSON array), for `check --format gitlab`.
pub fn gitlab(checked: &Checked) -> Value {
    let mut issues = Vec::new();
    for report in &checked.reports {
        let report_path = report.path.display().to_string();
        for p in &report.problems {
            let (file, at) = position(checked, &report_path, p);
            let line = at.map_or(1, |(l, _)| l);
            issues.push(json!({
                "description": p.message,
                "check_name": p.code(),
                "fingerprint": fingerprint(&[&file, &line.to_string(), p.code(), &p.field, &p.message]),
                "severity": match p.severity {
                    Severity::Error => "major",
                    Severity::Warning => "minor",
                },
                "location": {"path": file, "lines": {"begin": line}},
            }));
        }
    }
    Value::Array(issues)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_lines_are_escaped_byte_for_byte() {
        let checked = crate::check_source(
            "a,b:c.toml",
            "year = 2024\nform = \"nope\"\n",
            &crate::Forms::builtin(),
        );
        let out = github(&checked);
        let first = out.lines().next().unwrap();
        assert!(
            first.starts_with("::error file=a%2Cb%3Ac.toml,line=1,col=1,title=missing-field::"),
            "{first}"
        );
        assert_eq!(escape_data("50%\r\nx"), "50%25%0D%0Ax");
    }

    #[test]
    fn gitlab_report_has_stable_fingerprints() {
        let checked = crate::check_source("p.toml", "year = 2024\n", &crate::Forms::builtin());
        let a = gitlab(&checked);
        let b = gitlab(&checked);
        assert_eq!(a, b);
        let first = &a[0];
        assert_eq!(first["severity"], "major");
        assert_eq!(first["location"]["path"], "p.toml");
        assert_eq!(first["fingerprint"].as_str().unwrap().len(), 16);
    }
}
