//! Human-readable output: problems in the style of rustc (file:line:col, the source line, a caret),
//! and the per-project score table of `check`.

use codespan_reporting::diagnostic::{Diagnostic, Label};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term::{self, Config};
use unicode_width::UnicodeWidthStr;

use crate::decimal;
use crate::grade::Rating;
use crate::problem::{Problem, Severity};
use crate::report::Report;
use crate::source::Sources;

/// Text from a data file made safe for a terminal: control characters (ESC, OSC sequences,
/// BEL, DEL, C1, bidirectional overrides) are shown as `\u{1b}` instead of reaching the
/// terminal, where they could recolour, retitle, reorder or rewrite the screen. Newlines and
/// tabs stay.
pub fn terminal_safe(text: &str) -> std::borrow::Cow<'_, str> {
    // Controls, and the bidirectional overrides that reorder what a line appears to say.
    let unsafe_char = |c: char| {
        c.is_control() && c != '\n' && c != '\t'
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    };
    if !text.chars().any(unsafe_char) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if unsafe_char(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Render problems as rustc-style diagnostics (plain text, no colour codes, terminal-safe).
pub fn render_problems(problems: &[Problem], sources: &Sources, fallback_path: &str) -> String {
    terminal_safe(&render_problems_raw(problems, sources, fallback_path)).into_owned()
}

fn render_problems_raw(problems: &[Problem], sources: &Sources, fallback_path: &str) -> String {
    // Only the files these problems point into: a run over many files renders each file's
    // problems with its own source, not with every source of the run (quadratic in files).
    let mut files = SimpleFiles::new();
    let mut ids: std::collections::HashMap<usize, usize> = std::collections::HashMap::new();
    for loc in problems.iter().filter_map(|p| p.loc.as_ref()) {
        if let Some(f) = sources.files().get(loc.file.0) {
            ids.entry(loc.file.0)
                .or_insert_with(|| files.add(f.path.display().to_string(), f.text.clone()));
        }
    }
    let config = Config::default();
    let mut out = String::new();
    for p in problems {
        let severity = p.severity.label();
        let mut diagnostic = match p.severity {
            Severity::Error => Diagnostic::error(),
            Severity::Warning => Diagnostic::warning(),
        }
        .with_code(p.code())
        .with_message(format!("{}: {}", severity, p.message));
        match &p.loc {
            Some(loc) if ids.contains_key(&loc.file.0) => {
                let file = ids[&loc.file.0];
                let span = loc.span.clone();
                let label = if p.field.is_empty() {
                    String::new()
                } else {
                    format!("字段 {}", p.field)
                };
                diagnostic =
                    diagnostic.with_labels(vec![Label::primary(file, span).with_message(label)]);
            }
            _ => {
                let field = if p.field.is_empty() {
                    String::new()
                } else {
                    format!("，字段 {}", p.field)
                };
                diagnostic = diagnostic.with_notes(vec![format!("文件 {fallback_path}{field}")]);
            }
        }
        match term::emit_into_string(&config, &files, &diagnostic) {
            Ok(s) => out.push_str(&s),
            Err(_) => out.push_str(&format!(
                "{severity}[{}]: {} ({fallback_path})\n",
                p.code(),
                p.message
            )),
        }
    }
    out
}

fn pad(text: &str, width: usize) -> String {
    let w = UnicodeWidthStr::width(text);
    format!("{text}{}", " ".repeat(width.saturating_sub(w)))
}

fn cut(text: &str, width: usize) -> String {
    let mut out = String::new();
    let mut w = 0;
    for c in text.chars() {
        let cw = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if w + cw > width.saturating_sub(1) && UnicodeWidthStr::width(text) > width {
            out.push('…');
            return out;
        }
        w += cw;
        out.push(c);
    }
    out
}

/// The `check` table for one project (terminal-safe).
pub fn render_table(report: &Report) -> String {
    terminal_safe(&render_table_raw(report)).into_owned()
}

fn render_table_raw(report: &Report) -> String {
    let mut out = String::new();
    let Some(project) = &report.project else {
        out.push_str(&format!("{}：无法读取为项目\n", report.path.display()));
        return out;
    };
    // Year 0 is a year missing (reported as missing-field), not a year.
    let year = match project.year {
        0 => "年度未填".to_string(),
        y => format!("{y}年度"),
    };
    out.push_str(&format!(
        "{}（{}，{year}，表样 {}）\n",
        project.info.name,
        report.path.display(),
        project.form
    ));
    let unit = project.unit.label();
    let s = |d: Option<rust_decimal::Decimal>| d.map(decimal::plain).unwrap_or_else(|| "—".into());
    if let Some(f) = &report.funds {
        out.push_str(&format!(
            "  预算执行率  全年预算数 {} {unit}  全年执行数 {} {unit}  执行率 {}  得分 {} / {}\n",
            s(f.total.budget),
            s(f.total.executed),
            f.total.rate.map_or("—".into(), |r| format!(
                "{}%",
                decimal::fixed(r, report.policy.rate_decimals)
            )),
            s(f.score),
            decimal::plain(f.weight),
        ));
    }
    if !report.indicators.is_empty() {
        let widths = [10, 16, 26, 12, 12, 6, 6, 12];
        let header = [
            "一级指标",
            "二级指标",
            "三级指标",
            "年度指标值",
            "实际完成值",
            "分值",
            "得分",
            "规则",
        ];
        let line: String = header
            .iter()
            .zip(widths)
            .map(|(h, w)| pad(h, w))
            .collect::<Vec<_>>()
            .join(" ");
        out.push_str(&format!("  {}\n", line.trim_end()));
        for r in &report.indicators {
            let i = &r.indicator;
            let score = match (r.scored.score, r.scored.computed) {
                (Some(s), Some(c)) if s != c => format!("{}*", decimal::plain(s)),
                (s, _) => s
                    .map(decimal::plain)
                    .unwrap_or_else(|| if i.applicable { "?".into() } else { "/".into() }),
            };
            let cells = [
                i.level1.clone(),
                i.level2.clone(),
                i.name.clone(),
                i.target
                    .as_ref()
                    .map(|t| t.value.clone())
                    .unwrap_or_default(),
                i.actual
                    .as_ref()
                    .map(|t| t.value.clone())
                    .unwrap_or_default(),
                i.weight
                    .as_ref()
                    .map(|w| decimal::plain(w.value))
                    .unwrap_or_else(|| "/".into()),
                score,
                r.scored.method.id().to_string(),
            ];
            let line: String = cells
                .iter()
                .zip(widths)
                .map(|(c, w)| pad(&cut(c, w), w))
                .collect::<Vec<_>>()
                .join(" ");
            out.push_str(&format!("  {}\n", line.trim_end()));
        }
    }
    out.push_str(&format!(
        "  总分 {}  等级 {}",
        s(report.total),
        report.rating.map_or("—", Rating::as_str)
    ));
    let errors = report
        .problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .count();
    let warnings = report.problems.len() - errors;
    out.push_str(&format!(
        "  （{errors} 个错误，{warnings} 个警告；* 为填写得分与计算不同）\n"
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::terminal_safe;

    #[test]
    fn control_characters_never_reach_the_terminal() {
        let hostile = "名称\u{1b}]0;pwned\u{7}\u{1b}[31m红\u{9b}x\n下一行\t制表";
        let safe = terminal_safe(hostile);
        assert!(
            !safe
                .chars()
                .any(|c| c.is_control() && c != '\n' && c != '\t')
        );
        assert_eq!(
            safe,
            "名称\\u{1b}]0;pwned\\u{7}\\u{1b}[31m红\\u{9b}x\n下一行\t制表"
        );
        assert_eq!(terminal_safe("普通"), "普通");
        assert_eq!(terminal_safe("a\u{202e}b"), "a\\u{202e}b");
    }
}
