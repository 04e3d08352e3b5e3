//! Golden tests: `check --format json` on every example folder against reviewed expected files.
//! Regenerate after a reviewed change with `UPDATE_GOLDEN=1 cargo test --test golden`.

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
            .map(|r| jixiao::report::to_json(r, &checked.sources))
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

#[test]
fn readme_lists_every_problem_code() {
    let readme = std::fs::read_to_string("README.md").unwrap();
    for (code, _) in jixiao::problem::CODES {
        assert!(
            readme.contains(&format!("`{code}`")),
            "README.md does not document {code}"
        );
    }
}
