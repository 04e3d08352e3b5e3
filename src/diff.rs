//! `jixiao diff`: what a change did to the computed figures of each project (执行率, 得分, 总分,
//! 等级), which problems it brought or removed, and which cells it edited — for reviewing a
//! colleague's commit or a year's changes.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rust_decimal::Decimal;
use serde::Serialize;

use crate::Checked;
use crate::decimal;
use crate::problem::Severity;
use crate::report::Report;

/// One figure before and after (`None`: absent or not computable).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    pub what: String,
    pub old: Option<String>,
    pub new: Option<String>,
}

/// What happened to one project.
#[derive(Debug, Clone, Serialize)]
pub struct ProjectDiff {
    /// Path relative to the compared root (the new one when both exist).
    pub file: String,
    pub name: String,
    /// "added", "removed", "renamed" (from `renamed_from`) or "changed".
    pub status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub renamed_from: Option<String>,
    /// 执行率, 执行率得分, each indicator's 得分, 总分, 等级.
    pub figures: Vec<Change>,
    /// Edited cells (targets, actuals, weights, reasons, amounts…).
    pub cells: Vec<Change>,
    pub new_problems: Vec<ProblemRef>,
    pub fixed_problems: Vec<ProblemRef>,
    /// A new error appeared (exit 1).
    pub new_error: bool,
}

/// A problem as a diff names it: matched across versions by code and field.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProblemRef {
    pub code: &'static str,
    pub field: String,
    pub severity: Severity,
    pub message: String,
}

impl std::fmt::Display for ProblemRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.field.is_empty() {
            write!(f, "{}", self.code)
        } else {
            write!(f, "{}（{}）", self.code, self.field)
        }
    }
}

/// The whole comparison.
#[derive(Debug, Clone, Serialize)]
pub struct Diff {
    pub projects: Vec<ProjectDiff>,
}

impl Diff {
    pub fn introduces_error(&self) -> bool {
        self.projects.iter().any(|p| p.new_error)
    }
}

fn fmt(d: Option<Decimal>) -> Option<String> {
    d.map(decimal::plain)
}

/// The figures of a report, in form order, keyed for matching.
fn figures(r: &Report) -> Vec<(String, Option<String>)> {
    let mut out = Vec::new();
    if let Some(f) = &r.funds {
        out.push((
            "执行率".to_string(),
            f.total
                .rate
                .map(|x| format!("{}%", decimal::fixed(x, r.policy.rate_decimals))),
        ));
        out.push(("预算执行率得分".to_string(), fmt(f.score)));
    }
    for i in &r.indicators {
        out.push((format!("得分：{}", indicator_key(i)), fmt(i.scored.score)));
    }
    out.push(("总分".to_string(), fmt(r.total)));
    out.push(("等级".to_string(), r.rating.map(|g| g.to_string())));
    out
}

fn indicator_key(i: &crate::report::IndicatorResult) -> String {
    let ind = &i.indicator;
    format!("{}/{}/{}", ind.level1, ind.level2, ind.name)
}

/// The cells as written, keyed for matching.
fn cells(r: &Report) -> Vec<(String, Option<String>)> {
    let mut out = Vec::new();
    let Some(p) = &r.project else {
        return out;
    };
    out.push(("项目名称".into(), Some(p.info.name.clone())));
    for row in p.funds.sources.iter().chain(p.funds.total.as_ref()) {
        for (what, v) in [
            ("年初预算数", &row.initial),
            ("全年预算数", &row.budget),
            ("全年执行数", &row.executed),
        ] {
            out.push((
                format!("{}.{what}", row.key),
                v.as_ref().map(|f| decimal::plain(f.value)),
            ));
        }
    }
    out.push((
        "实际完成情况".into(),
        p.achieved.as_ref().map(|f| f.value.clone()),
    ));
    for i in &r.indicators {
        let key = indicator_key(i);
        let ind = &i.indicator;
        for (what, v) in [
            ("年度指标值", ind.target.as_ref().map(|t| t.value.clone())),
            ("实际完成值", ind.actual.as_ref().map(|t| t.value.clone())),
            ("分值", ind.weight.as_ref().map(|w| decimal::plain(w.value))),
            ("偏差原因", ind.reason.as_ref().map(|t| t.value.clone())),
        ] {
            out.push((format!("{what}：{key}"), v));
        }
    }
    out
}

fn changes(old: &[(String, Option<String>)], new: &[(String, Option<String>)]) -> Vec<Change> {
    let old_map: BTreeMap<&str, &Option<String>> =
        old.iter().map(|(k, v)| (k.as_str(), v)).collect();
    let new_map: BTreeMap<&str, &Option<String>> =
        new.iter().map(|(k, v)| (k.as_str(), v)).collect();
    let mut out = Vec::new();
    // New order first, then what only the old had.
    for (k, v) in new {
        let before = old_map.get(k.as_str()).copied().cloned().unwrap_or(None);
        if before != *v {
            out.push(Change {
                what: k.clone(),
                old: before,
                new: v.clone(),
            });
        }
    }
    for (k, v) in old {
        if !new_map.contains_key(k.as_str()) && v.is_some() {
            out.push(Change {
                what: k.clone(),
                old: v.clone(),
                new: None,
            });
        }
    }
    out
}

fn problem_keys(r: &Report) -> Vec<ProblemRef> {
    let mut v: Vec<ProblemRef> = r
        .problems
        .iter()
        .map(|p| ProblemRef {
            code: p.code(),
            field: p.field.clone(),
            severity: p.severity,
            message: p.message.clone(),
        })
        .collect();
    v.sort_by(|a, b| (a.code, &a.field).cmp(&(b.code, &b.field)));
    v.dedup_by(|a, b| a.code == b.code && a.field == b.field);
    v
}

fn relative(path: &Path, root: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

/// Compare two checked sets of projects; `old_root`/`new_root` make their paths comparable.
pub fn compare(old: &Checked, old_root: &Path, new: &Checked, new_root: &Path) -> Diff {
    let old_by: BTreeMap<String, &Report> = old
        .reports
        .iter()
        .map(|r| (relative(&r.path, old_root), r))
        .collect();
    let new_by: BTreeMap<String, &Report> = new
        .reports
        .iter()
        .map(|r| (relative(&r.path, new_root), r))
        .collect();
    let mut projects = Vec::new();
    let mut matched_old: Vec<String> = Vec::new();
    for (file, n) in &new_by {
        // Same path, else the same project name at another path (a rename).
        let (o, renamed_from) = match old_by.get(file) {
            Some(o) => (Some(*o), None),
            None => match old_by.iter().find(|(f, o)| {
                !new_by.contains_key(*f) && !o.name().is_empty() && o.name() == n.name()
            }) {
                Some((f, o)) => (Some(*o), Some(f.clone())),
                None => (None, None),
            },
        };
        let Some(o) = o else {
            projects.push(added(file, n));
            continue;
        };
        matched_old.push(renamed_from.clone().unwrap_or_else(|| file.clone()));
        projects.extend(changed(file, o, n, renamed_from));
    }
    for (file, o) in &old_by {
        if !matched_old.contains(file) {
            projects.push(ProjectDiff {
                file: file.clone(),
                name: o.name().to_string(),
                status: "removed",
                renamed_from: None,
                figures: changes(&figures(o), &[]),
                cells: Vec::new(),
                new_problems: Vec::new(),
                fixed_problems: Vec::new(),
                new_error: false,
            });
        }
    }
    Diff { projects }
}

/// Compare the two files named on the command line (`diff old.toml new.toml`) with each other,
/// whatever their names and project names: a renamed project is a rename, not an addition and
/// a removal.
pub fn compare_files(old: &Report, old_name: &str, new: &Report, new_name: &str) -> Diff {
    let renamed_from = (old_name != new_name).then(|| old_name.to_string());
    Diff {
        projects: changed(new_name, old, new, renamed_from)
            .into_iter()
            .collect(),
    }
}

fn added(file: &str, n: &Report) -> ProjectDiff {
    ProjectDiff {
        file: file.to_string(),
        name: n.name().to_string(),
        status: "added",
        renamed_from: None,
        figures: changes(&[], &figures(n)),
        cells: Vec::new(),
        new_error: n.has_errors(),
        new_problems: problem_keys(n),
        fixed_problems: Vec::new(),
    }
}

/// What changed from `o` to `n`; `None` when nothing did.
fn changed(
    file: &str,
    o: &Report,
    n: &Report,
    renamed_from: Option<String>,
) -> Option<ProjectDiff> {
    let (op, np) = (problem_keys(o), problem_keys(n));
    let same = |p: &ProblemRef, q: &ProblemRef| p.code == q.code && p.field == q.field;
    let new_problems: Vec<ProblemRef> = np
        .iter()
        .filter(|p| !op.iter().any(|q| same(p, q)))
        .cloned()
        .collect();
    let fixed_problems: Vec<ProblemRef> = op
        .iter()
        .filter(|p| !np.iter().any(|q| same(p, q)))
        .cloned()
        .collect();
    let diff = ProjectDiff {
        file: file.to_string(),
        name: n.name().to_string(),
        status: if renamed_from.is_some() {
            "renamed"
        } else {
            "changed"
        },
        renamed_from,
        figures: changes(&figures(o), &figures(n)),
        cells: changes(&cells(o), &cells(n)),
        new_error: new_problems.iter().any(|p| p.severity == Severity::Error),
        new_problems,
        fixed_problems,
    };
    let unchanged = diff.figures.is_empty()
        && diff.cells.is_empty()
        && diff.new_problems.is_empty()
        && diff.fixed_problems.is_empty()
        && diff.renamed_from.is_none();
    (!unchanged).then_some(diff)
}

fn status_zh(s: &str) -> &'static str {
    match s {
        "added" => "新增",
        "removed" => "删除",
        "renamed" => "改名",
        _ => "修改",
    }
}

fn show(v: &Option<String>) -> String {
    v.clone().unwrap_or_else(|| "—".into())
}

/// The terminal view.
pub fn to_table(diff: &Diff) -> String {
    let mut out = String::new();
    if diff.projects.is_empty() {
        out.push_str("没有变化 (no changes)\n");
        return out;
    }
    for p in &diff.projects {
        out.push_str(&format!("{} {}（{}）", status_zh(p.status), p.name, p.file));
        if let Some(from) = &p.renamed_from {
            out.push_str(&format!("，原为 {from}"));
        }
        out.push('\n');
        for c in &p.figures {
            out.push_str(&format!(
                "  {}：{} → {}\n",
                c.what,
                show(&c.old),
                show(&c.new)
            ));
        }
        for c in &p.cells {
            out.push_str(&format!(
                "  改动 {}：{} → {}\n",
                c.what,
                show(&c.old),
                show(&c.new)
            ));
        }
        for q in &p.new_problems {
            out.push_str(&format!("  + 新问题 {q}\n"));
        }
        for q in &p.fixed_problems {
            out.push_str(&format!("  - 已解决 {q}\n"));
        }
    }
    out
}

/// Control characters (a newline in a file name) shown as `\u{a}`, so that no text of a
/// project or file name can end a Markdown line, heading or table row.
fn visible(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}') {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// `s` as a Markdown code span: fenced by one backtick more than its longest run of them.
fn code_span(s: &str) -> String {
    let s = visible(s);
    let mut longest = 0;
    let mut run = 0;
    for c in s.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    // A span that starts or ends with a backtick needs a space inside the fence.
    let pad = if s.starts_with('`') || s.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{s}{pad}{fence}")
}

/// The merge-request view (Markdown).
pub fn to_markdown(diff: &Diff) -> String {
    let cell = |s: &str| visible(s).replace('|', "\\|");
    let mut out = String::from("### jixiao diff\n\n");
    if diff.projects.is_empty() {
        out.push_str("没有变化。\n");
        return out;
    }
    for p in &diff.projects {
        out.push_str(&format!(
            "#### {} {}（{}）\n\n",
            status_zh(p.status),
            cell(&p.name),
            code_span(&p.file)
        ));
        if let Some(from) = &p.renamed_from {
            out.push_str(&format!("原为 {}\n\n", code_span(from)));
        }
        if !p.figures.is_empty() || !p.cells.is_empty() {
            out.push_str("| 项 | 原 | 新 |\n| --- | --- | --- |\n");
            for c in p.figures.iter().chain(&p.cells) {
                out.push_str(&format!(
                    "| {} | {} | {} |\n",
                    cell(&c.what),
                    cell(&show(&c.old)),
                    cell(&show(&c.new))
                ));
            }
            out.push('\n');
        }
        for q in &p.new_problems {
            out.push_str(&format!(
                "- 新问题 {}：{}\n",
                code_span(&q.to_string()),
                cell(&q.message)
            ));
        }
        for q in &p.fixed_problems {
            out.push_str(&format!("- 已解决 {}\n", code_span(&q.to_string())));
        }
        out.push('\n');
    }
    out
}

/// A git revision's project files under `paths`, copied into `into` (with the same relative
/// paths), read with git itself — and the `jixiao.toml` of every folder above each path (up to
/// the current folder), which the projects under the path take their defaults from.
pub fn checkout_revision(rev: &str, paths: &[PathBuf], into: &Path) -> Result<usize, String> {
    let mut count = copy_listed(rev, &["-r"], paths, into)?;
    let mut above: Vec<PathBuf> = paths
        .iter()
        .flat_map(|p| {
            p.ancestors()
                .skip(1)
                .map(|a| a.join(crate::load::FOLDER_FILE))
        })
        .collect();
    above.sort();
    above.dedup();
    if !above.is_empty() {
        count += copy_listed(rev, &[], &above, into)?;
    }
    Ok(count)
}

/// `git ls-tree [flags] REV -- PATHS`, each regular `.toml` file listed copied into `into`.
fn copy_listed(rev: &str, flags: &[&str], paths: &[PathBuf], into: &Path) -> Result<usize, String> {
    // -z: names as they are (git quotes non-ASCII names otherwise); with modes, to skip links.
    let mut args = vec!["ls-tree", "-z"];
    args.extend(flags);
    args.extend([rev, "--"]);
    let spec: Vec<String> = paths
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    args.extend(spec.iter().map(String::as_str));
    let listed = std::process::Command::new("git")
        .args(&args)
        .output()
        .map_err(|e| format!("无法运行 git：{e}"))?;
    if !listed.status.success() {
        return Err(format!(
            "无法从 git 读取“{rev}”（它须是已存在的文件、文件夹或 git 版本，-- 之后的路径须在仓库内）：{}",
            String::from_utf8_lossy(&listed.stderr).trim()
        ));
    }
    let mut count = 0;
    for entry in String::from_utf8_lossy(&listed.stdout).split('\0') {
        // "<mode> <type> <object>\t<path>"; a symlink (120000) is not a project of its own.
        let Some((meta, name)) = entry.split_once('\t') else {
            continue;
        };
        if !name.ends_with(".toml") || !meta.starts_with("100") {
            continue;
        }
        // Names are relative to the current folder; one above it would be written outside
        // the scratch folder.
        if Path::new(name)
            .components()
            .any(|c| !matches!(c, std::path::Component::Normal(_)))
        {
            return Err(format!(
                "{name} 在当前文件夹之外；请在包含它的文件夹（如仓库顶层）运行 jixiao diff"
            ));
        }
        let shown = std::process::Command::new("git")
            .args(["show", &format!("{rev}:./{name}")])
            .output()
            .map_err(|e| format!("无法运行 git：{e}"))?;
        if !shown.status.success() {
            continue;
        }
        let target = into.join(name);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
        }
        std::fs::write(&target, &shown.stdout).map_err(|e| e.to_string())?;
        count += 1;
    }
    Ok(count)
}
