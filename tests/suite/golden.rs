//! Golden tests: `check --format json` on every example folder against reviewed expected files.
//! Regenerate after a reviewed change with `UPDATE_GOLDEN=1 cargo test --test suite golden::`.

use std::path::{Path, PathBuf};

fn regions() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir("examples")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

#[test]
fn every_example_matches_its_golden_report() {
    let forms = jixiao::Forms::builtin();
    let regions = regions();
    assert!(regions.len() >= 6, "six example folders expected");
    let mut failures = Vec::new();
    for dir in regions {
        let checked = jixiao::check(std::slice::from_ref(&dir), &forms).unwrap();
        let json: Vec<_> = checked
            .reports
            .iter()
            .map(|r| jixiao::report_json::to_json(r, &checked.sources))
            .collect();
        let actual = serde_json::to_string_pretty(&json).unwrap() + "\n";
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let golden = Path::new("tests/golden").join(format!("{name}.json"));
        if std::env::var_os("UPDATE_GOLDEN").is_some() {
            std::fs::create_dir_all("tests/golden").unwrap();
            std::fs::write(&golden, &actual).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&golden).unwrap_or_default();
        if expected != actual {
            failures.push(name);
        }
    }
    assert!(
        failures.is_empty(),
        "check output differs from tests/golden for: {failures:?}"
    );
}

/// The problem-code table as `Code::ALL` gives it: `| 代码 | 级别 | 含义 |` with the severity
/// column, or `| 代码 | 含义 |` without.
fn code_table(with_severity: bool) -> String {
    use jixiao::problem::Code;
    let mut table = if with_severity {
        "| 代码 | 级别 | 含义 |\n| --- | --- | --- |\n".to_string()
    } else {
        "| 代码 | 含义 |\n| --- | --- |\n".to_string()
    };
    for code in Code::ALL {
        let title = code.title();
        let id = code.id();
        if with_severity {
            let severity = code.severity().label();
            table.push_str(&format!("| `{id}` | {severity} | {title} |\n"));
        } else {
            table.push_str(&format!("| `{id}` | {title} |\n"));
        }
    }
    table
}

/// The table of `file` that starts with the header line of `expected`, up to its last row.
fn table_in(file: &str, expected: &str) -> String {
    let text = std::fs::read_to_string(file).unwrap();
    let header = expected.lines().next().unwrap();
    let Some(start) = text.find(&format!("{header}\n")) else {
        return String::new();
    };
    text[start..]
        .lines()
        .take_while(|l| l.starts_with('|'))
        .map(|l| format!("{l}\n"))
        .collect()
}

/// A doc's problem-code table is the one `jixiao::problem::Code` gives, row for row.
fn assert_code_table(file: &str, with_severity: bool) {
    let expected = code_table(with_severity);
    let actual = table_in(file, &expected);
    assert!(
        actual == expected,
        "the problem-code table of {file} differs from jixiao::problem::Code; replace it with:\n\n{expected}"
    );
}

#[test]
fn readme_lists_every_problem_code() {
    let readme = std::fs::read_to_string("README.md").unwrap();
    for code in jixiao::problem::Code::ALL {
        assert!(
            readme.contains(&format!("`{}`", code.id())),
            "README.md does not document {}",
            code.id()
        );
    }
    assert_code_table("README.md", false);
}

/// The user documentation that ships with the repository (issue 11).
fn documentation() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = ["README.md", "examples/README.md", "templates/README.md"]
        .iter()
        .map(PathBuf::from)
        .collect();
    let mut docs: Vec<PathBuf> = std::fs::read_dir("docs")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    docs.sort();
    for name in ["format.md", "scoring.md", "cli.md", "forms.md"] {
        assert!(
            docs.contains(&Path::new("docs").join(name)),
            "docs/{name} is missing"
        );
    }
    files.extend(docs);
    files
}

#[test]
fn documentation_is_self_contained() {
    // A clone has no ../shared: every path the docs give must be inside the repository.
    // (Spelt in pieces so that grepping the repository for the paths finds no false hit here.)
    let shared = "shared";
    let outside = [
        format!("../{shared}"),
        format!("{shared}/spec"),
        format!("{shared}/seeds"),
    ];
    for file in documentation() {
        let text = std::fs::read_to_string(&file).unwrap();
        for outside in &outside {
            assert!(
                !text.contains(outside.as_str()),
                "{} points outside the repository ({outside})",
                file.display()
            );
        }
        // Relative links resolve to files of the repository.
        let dir = file.parent().unwrap();
        for target in text
            .split("](")
            .skip(1)
            .filter_map(|rest| rest.split(')').next())
        {
            let path = target.split('#').next().unwrap_or_default();
            if path.is_empty() || path.contains("://") || path.starts_with("mailto:") {
                continue;
            }
            assert!(
                dir.join(path).exists(),
                "{} links to {target}, which does not exist",
                file.display()
            );
        }
    }
    // Code cites the rules as `docs/scoring.md §N`: the numbered sections exist.
    let scoring = std::fs::read_to_string("docs/scoring.md").unwrap();
    for n in 1..=11 {
        assert!(
            scoring.contains(&format!("\n## {n}. ")),
            "docs/scoring.md has no section §{n}"
        );
    }
}

#[test]
fn cli_reference_lists_every_problem_code() {
    let cli = std::fs::read_to_string("docs/cli.md").unwrap();
    for code in jixiao::problem::Code::ALL {
        assert!(
            cli.contains(&format!("`{}`", code.id())),
            "docs/cli.md does not document {}",
            code.id()
        );
    }
    assert_code_table("docs/cli.md", true);
}

#[test]
fn cli_reference_lists_every_subcommand() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .arg("--help")
        .output()
        .unwrap();
    assert!(output.status.success(), "jixiao --help failed");
    let help = String::from_utf8(output.stdout).unwrap();
    let commands: Vec<&str> = help
        .lines()
        .skip_while(|l| !l.trim_start().starts_with("Commands:"))
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert!(
        commands.len() >= 9,
        "no command list found in jixiao --help:\n{help}"
    );
    let cli = std::fs::read_to_string("docs/cli.md").unwrap();
    for command in commands {
        assert!(
            cli.contains(&format!("jixiao {command}")),
            "docs/cli.md does not document `jixiao {command}`"
        );
    }
}

/// Every `#:schema` line `jixiao new` writes names a file that exists (Taplo loads it).
#[test]
fn scaffold_schema_directive_names_a_real_file() {
    let dir = tempfile::tempdir().unwrap();
    for form in ["mof-2020", "beijing"] {
        let file = dir.path().join(format!("{form}.toml"));
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_jixiao"))
            .args(["new", file.to_str().unwrap(), "--form", form])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = std::fs::read_to_string(&file).unwrap();
        let directives: Vec<&str> = text
            .lines()
            .filter_map(|l| l.strip_prefix("#:schema "))
            .collect();
        assert_eq!(directives.len(), 1, "{text}");
        let target = dir.path().join(directives[0].trim());
        let schema: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&target).unwrap()).unwrap();
        assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
    }
}

/// `check --format github`: one workflow command per problem, escaped as GitHub requires.
#[test]
fn github_annotations_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("p.toml");
    std::fs::write(
        &file,
        "year = 2024\nform = \"mof-2020\"\n[funds.fiscal]\nbudget = 100\nexecuted = \"x\"\n",
    )
    .unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .args(["check", "--format", "github", file.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let path = file.display();
    let expected_first = format!(
        "::error file={path},line=5,col=12,title=invalid-number::金额“x”不是有效的数字 (not a valid number)（funds.fiscal.executed）"
    );
    assert!(
        stdout.lines().any(|l| l == expected_first),
        "{expected_first}\nnot in\n{stdout}"
    );
    assert!(
        stdout
            .lines()
            .all(|l| l.starts_with("::error ") || l.starts_with("::warning ")),
        "{stdout}"
    );
}

/// The pre-commit hook file parses as the list pre-commit expects, and the CI samples run
/// commands that exist.
#[test]
fn hooks_and_ci_samples_are_consistent() {
    let text = std::fs::read_to_string(".pre-commit-hooks.yaml").unwrap();
    let mut hooks: Vec<std::collections::BTreeMap<String, String>> = Vec::new();
    for line in text
        .lines()
        .filter(|l| !l.trim_start().starts_with('#') && !l.trim().is_empty())
    {
        let (item, rest) = match line.strip_prefix("- ") {
            Some(rest) => {
                hooks.push(Default::default());
                (true, rest)
            }
            None => (false, line.trim_start()),
        };
        assert!(
            item || line.starts_with("  "),
            "unexpected indentation: {line}"
        );
        let (key, value) = rest
            .split_once(": ")
            .unwrap_or_else(|| panic!("not key: value: {line}"));
        hooks
            .last_mut()
            .unwrap()
            .insert(key.to_string(), value.to_string());
    }
    assert_eq!(hooks.len(), 2);
    for hook in &hooks {
        for key in ["id", "name", "entry", "language", "files"] {
            assert!(hook.contains_key(key), "{key} missing in {hook:?}");
        }
        assert_eq!(hook["entry"], "jixiao check");
        assert_eq!(hook["files"], "\\.toml$");
    }
    let github = std::fs::read_to_string("docs/ci/github-actions.yml").unwrap();
    assert!(github.contains("jixiao check --format github") && github.contains("jixiao bundle"));
    let gitlab = std::fs::read_to_string("docs/ci/gitlab-ci.yml").unwrap();
    assert!(gitlab.contains("jixiao check --format gitlab") && gitlab.contains("codequality"));
}
