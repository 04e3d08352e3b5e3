//! The Excel round trip as a clerk does it (issue 16): a project rendered to xlsx, cells edited
//! with a spreadsheet library (openpyxl, through tests/fixtures/edit_xlsx.py; then re-saved
//! through LibreOffice where `soffice` is installed, so formulas are recalculated as Excel
//! would), imported and checked, gives the same figures as the same edit made in the TOML —
//! for every project of every example folder. A workbook jixiao wrote is its own output: its
//! computed cells never come back as stated figures, and a stale one is told.

use crate::common::*;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

use jixiao::Report;
use rust_decimal::Decimal;

/// python3 with openpyxl, or why the tests that need it are skipped.
fn openpyxl() -> Result<(), String> {
    let out = Command::new("python3")
        .args(["-c", "import openpyxl"])
        .output();
    match out {
        Ok(o) if o.status.success() => Ok(()),
        Ok(_) => Err("python3 has no openpyxl (python3 -m pip install openpyxl)".into()),
        Err(_) => Err("python3 is not installed".into()),
    }
}

/// Whether LibreOffice's `soffice` can be run.
fn soffice() -> bool {
    Command::new("soffice")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// `edits` (`F9=n:106.5`, `F25=s:93%`) made on the sheet `sheet` of `input` with openpyxl.
fn edit_with_openpyxl(input: &Path, output: &Path, sheet: &str, edits: &[String]) {
    let mut cmd = Command::new("python3");
    cmd.arg("tests/fixtures/edit_xlsx.py")
        .arg(input)
        .arg(output);
    for e in edits {
        cmd.arg(format!("{sheet}!{e}"));
    }
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "openpyxl: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The workbook opened and saved again by LibreOffice (formulas recalculated on the way).
fn resave_with_libreoffice(input: &Path, dir: &Path) -> PathBuf {
    let out_dir = dir.join("libreoffice");
    std::fs::create_dir_all(&out_dir).unwrap();
    let out = Command::new("soffice")
        .args(["--headless", "--calc", "--convert-to", "xlsx", "--outdir"])
        .arg(&out_dir)
        .arg(input)
        .env("HOME", dir)
        .output()
        .unwrap();
    let saved = out_dir.join(input.file_name().unwrap());
    assert!(
        saved.exists(),
        "soffice: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    saved
}

/// The figures a clerk reads off the form.
#[derive(Debug, PartialEq)]
struct Figures {
    scores: Vec<(String, Option<Decimal>)>,
    rates: Vec<(&'static str, Option<Decimal>)>,
    funds_score: Option<Decimal>,
    total: Option<Decimal>,
    grade: Option<&'static str>,
}

fn figures(r: &Report) -> Figures {
    let funds = r.funds.as_ref();
    let mut rates: Vec<(&'static str, Option<Decimal>)> =
        funds.map_or(Vec::new(), |f| vec![("total", f.total.rate)]);
    if let Some(f) = funds {
        rates.extend(f.sources.iter().map(|s| (s.key, s.rate)));
    }
    Figures {
        scores: r
            .indicators
            .iter()
            .map(|i| (i.indicator.name.clone(), i.scored.score))
            .collect(),
        rates,
        funds_score: funds.and_then(|f| f.score),
        total: r.total,
        grade: r.rating.map(|g| g.as_str()),
    }
}

/// One edit a clerk makes: a fund source's 全年执行数 and an indicator's 实际完成值.
struct Edit {
    /// Fund key, its printed label, the new amount.
    executed: Option<(String, String, Decimal)>,
    /// Indicator index, its name, the new actual.
    actual: Option<(usize, String, String)>,
}

/// A number at the start of an actual ("93%", "12个", "1.5小时") and what follows it.
fn leading_number(text: &str) -> Option<(Decimal, &str)> {
    let end = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let n: Decimal = text[..end].parse().ok()?;
    Some((n, &text[end..]))
}

/// 90 % of `v`, two places: a different figure the rules score differently.
fn lowered(v: Decimal) -> Decimal {
    jixiao::decimal::round(v * d("0.9"), 2, jixiao::decimal::Rounding::HalfUp)
}

fn choose_edit(report: &Report) -> Edit {
    let form = report.form.as_ref().unwrap();
    let executed = report.funds.as_ref().and_then(|f| {
        f.sources.iter().find_map(|s| {
            let budget = s.budget.filter(|b| *b > Decimal::ZERO)?;
            let spec = form.fund_rows.iter().find(|r| r.key == s.key)?;
            let new = lowered(budget);
            (Some(new) != s.executed).then(|| (s.key.to_string(), spec.label.clone(), new))
        })
    });
    let quantity = |stated: bool| {
        report.indicators.iter().enumerate().find_map(|(i, r)| {
            let ind = &r.indicator;
            let method = r.scored.method.id();
            if !ind.applicable
                || ind.score.is_some() != stated
                || !["ge", "le", "eq"].contains(&method)
            {
                return None;
            }
            let actual = ind.actual.as_ref()?.value.trim().to_string();
            let (n, rest) = leading_number(&actual)?;
            let new = lowered(n).normalize();
            (new != n).then(|| (i, ind.name.clone(), format!("{new}{rest}")))
        })
    };
    Edit {
        executed,
        // A computed score first: that is the one that must not come back stale.
        actual: quantity(false).or_else(|| quantity(true)),
    }
}

/// The same edit in the project file (a copy of its folder, `jixiao.toml` with it).
fn edit_toml(project: &Path, dir: &Path, edit: &Edit) -> PathBuf {
    let folder = project.parent().unwrap();
    let shared = folder.join("jixiao.toml");
    if shared.exists() {
        std::fs::copy(&shared, dir.join("jixiao.toml")).unwrap();
    }
    let text = std::fs::read_to_string(project).unwrap();
    let mut doc: toml_edit::DocumentMut = text.parse().unwrap();
    if let Some((key, _, new)) = &edit.executed {
        doc["funds"][key.as_str()]["executed"] = toml_edit::value(new.to_string());
    }
    if let Some((i, _, new)) = &edit.actual {
        let tables = doc["indicators"].as_array_of_tables_mut().unwrap();
        tables.get_mut(*i).unwrap()["actual"] = toml_edit::value(new.as_str());
    }
    let path = dir.join(project.file_name().unwrap());
    std::fs::write(&path, doc.to_string()).unwrap();
    path
}

/// The cells of the edit in the workbook (`F9=n:…`), found by their labels as a clerk finds them.
fn edit_cells(workbook: &Path, edit: &Edit) -> (String, Vec<String>) {
    let grids = jixiao::import::read(workbook).unwrap();
    let grid = &grids[0];
    let row_of = |col: u32, text: &str, nth: usize| {
        grid.cells
            .iter()
            .filter(|c| {
                c.col == col
                    && jixiao::import::mapper::key(&c.text) == jixiao::import::mapper::key(text)
            })
            .nth(nth)
            .map(|c| c.row + 1)
            .unwrap_or_else(|| panic!("{}: no “{text}” in column {col}", workbook.display()))
    };
    let mut edits = Vec::new();
    if let Some((_, label, new)) = &edit.executed {
        edits.push(format!("F{}=n:{new}", row_of(1, label, 0)));
    }
    if let Some((_, name, new)) = &edit.actual {
        edits.push(format!("F{}=s:{new}", row_of(3, name, 0)));
    }
    (grid.name.clone(), edits)
}

fn import_one(workbook: &Path, out: &Path) -> (PathBuf, Vec<String>) {
    let forms = jixiao::Forms::builtin();
    let outcome = jixiao::import::import(
        &[workbook.to_path_buf()],
        &jixiao::import::Options {
            output: Some(out.to_path_buf()),
            ..Default::default()
        },
        &forms,
    )
    .unwrap();
    assert_eq!(outcome.projects.len(), 1, "{:?}", outcome.notes);
    (outcome.projects[0].clone(), outcome.notes)
}

fn check_one(path: &Path) -> Report {
    jixiao::check(&[path.to_path_buf()], &jixiao::Forms::builtin())
        .unwrap()
        .reports
        .remove(0)
}

fn example_projects() -> Vec<PathBuf> {
    let mut projects = Vec::new();
    for region in std::fs::read_dir("examples").unwrap() {
        let region = region.unwrap().path();
        if !region.is_dir() {
            continue;
        }
        for file in std::fs::read_dir(&region).unwrap() {
            let file = file.unwrap().path();
            if file.extension().is_some_and(|e| e == "toml")
                && file.file_name().is_some_and(|n| n != "jixiao.toml")
            {
                projects.push(file);
            }
        }
    }
    projects.sort();
    projects
}

#[test]
fn every_example_edited_in_a_spreadsheet_imports_as_the_same_edit_in_toml() {
    if let Err(why) = openpyxl() {
        eprintln!("skipped: {why}");
        return;
    }
    let libreoffice = soffice();
    let projects = example_projects();
    let folders: std::collections::BTreeSet<_> =
        projects.iter().map(|p| p.parent().unwrap()).collect();
    assert!(projects.len() >= 30 && folders.len() >= 6, "{projects:?}");
    let (mut rescored, mut edited_scores) = (0, 0);
    for project in &projects {
        let what = project.display().to_string();
        let original = check_one(project);
        let edit = choose_edit(&original);
        assert!(edit.executed.is_some(), "{what}: no fund source to edit");
        let folder = Folder::new();
        let xlsx = folder.path().join("表.xlsx");
        let bytes = jixiao::workbook::form_workbook_with(
            &original,
            jixiao::workbook::WorkbookOptions {
                draft: original.has_errors(),
            },
        )
        .unwrap();
        std::fs::write(&xlsx, bytes).unwrap();
        let (sheet, cells) = edit_cells(&xlsx, &edit);
        let edited = folder.path().join("改过.xlsx");
        edit_with_openpyxl(&xlsx, &edited, &sheet, &cells);
        let edited = if libreoffice {
            resave_with_libreoffice(&edited, folder.path())
        } else {
            edited
        };
        let (imported, notes) = import_one(&edited, &folder.path().join("导入"));
        let got = check_one(&imported);

        let toml_dir = folder.path().join("toml");
        std::fs::create_dir_all(&toml_dir).unwrap();
        let want = check_one(&edit_toml(project, &toml_dir, &edit));
        let (got_f, want_f) = (figures(&got), figures(&want));
        assert_eq!(
            got_f,
            want_f,
            "{what}: {cells:?}\n{}",
            std::fs::read_to_string(&imported).unwrap()
        );
        assert_ne!(
            want_f,
            figures(&original),
            "{what}: the edit changes figures"
        );
        rescored += 1;

        // The edited indicator's score, computed before, comes back computed, not stale.
        if let Some((i, name, _)) = &edit.actual {
            let before = original.indicators[*i].scored.score;
            let after = want.indicators[*i].scored.score;
            let stated = original.indicators[*i].indicator.score.is_some();
            assert_eq!(
                got.indicators[*i].indicator.score.is_some(),
                stated,
                "{what}: {name} 的得分只在项目文件填写了时才录入"
            );
            if !stated && before != after {
                edited_scores += 1;
                assert!(
                    notes
                        .iter()
                        .any(|n| n.contains("单元格已过期") && n.contains(name.as_str())),
                    "{what}: {name}: {notes:?}"
                );
            }
        }
    }
    eprintln!(
        "round trip: {rescored} projects in {} folders edited in a spreadsheet{}, {edited_scores} computed scores rescored",
        folders.len(),
        if libreoffice {
            " and recalculated by LibreOffice"
        } else {
            ""
        }
    );
    // Most example scores are transcribed from published forms (stated); these were computed.
    assert!(edited_scores >= 2, "{edited_scores}");
}

// ---------------------------------------------------------------------------------------------
// The issue's case, hand-checked, through the binary as the clerk runs it

const CASE: &str = r#"year = 2024
form = "beijing"
unit = "万元"

[project]
name = "往返项目"
department = "测试部门"
implementer = "测试单位"

[funds.fiscal]
budget = 106.9
executed = 106.9

[[indicators]]
level1 = "产出指标"
level2 = "数量指标"
name = "培训合格率"
target = "≥95%"
actual = "90%"
weight = 20
reason = "部分学员未参加考核"

[[indicators]]
level1 = "产出指标"
level2 = "数量指标"
name = "培训班次"
target = "≥4期"
actual = "4期"
weight = 70
"#;

/// Render CASE to xlsx with the binary; the workbook path.
fn rendered_case(folder: &Folder) -> PathBuf {
    let project = folder.write("往返项目.toml", CASE);
    let xlsx = folder.path().join("往返项目.xlsx");
    let (code, _, stderr) = run_jixiao(&[
        "render",
        project.to_str().unwrap(),
        "--format",
        "xlsx",
        "-o",
        xlsx.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    xlsx
}

/// `import` then `check --strict` with the binary: (imported TOML, import's stderr, check's exit
/// code, the check's report).
fn import_and_check(xlsx: &Path, folder: &Folder) -> (String, String, i32, Report) {
    let out = folder.path().join("导入");
    let (_, _, stderr) = run_jixiao(&[
        "import",
        xlsx.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    let project = out.join("往返项目.toml");
    let text = std::fs::read_to_string(&project).unwrap_or_else(|_| panic!("{stderr}"));
    let (code, _, _) = run_jixiao(&["check", "--strict", project.to_str().unwrap()]);
    (text, stderr, code, check_one(&project))
}

#[test]
fn actual_edited_in_the_workbook_is_rescored_not_read_back_stale() {
    if let Err(why) = openpyxl() {
        eprintln!("skipped: {why}");
        return;
    }
    let folder = Folder::new();
    let xlsx = rendered_case(&folder);
    let original = check_one(&folder.path().join("往返项目.toml"));
    // 90/95×20 = 18.947… → 18.95 before the edit.
    assert_eq!(original.indicators[0].scored.score, Some(d("18.95")));
    let (sheet, _) = edit_cells(
        &xlsx,
        &Edit {
            executed: None,
            actual: None,
        },
    );
    let actual_row = jixiao::import::read(&xlsx).unwrap()[0]
        .cells
        .iter()
        .find(|c| c.text == "培训合格率")
        .map(|c| c.row + 1)
        .unwrap();
    let edited = folder.path().join("改过.xlsx");
    edit_with_openpyxl(&xlsx, &edited, &sheet, &[format!("F{actual_row}=s:93%")]);
    let (text, stderr, code, report) = import_and_check(&edited, &folder);
    // 93/95×20 = 19.578… → 19.58, never the old 18.95; 总分 10 + 19.58 + 70 = 99.58.
    assert_eq!(
        report.indicators[0].scored.score,
        Some(d("19.58")),
        "{text}"
    );
    assert_eq!(report.total, Some(d("99.58")));
    for key in ["score =", "rate =", "total ="] {
        assert!(!text.contains(key), "{key} in\n{text}");
    }
    assert!(
        stderr.contains("单元格已过期")
            && stderr.contains("“培训合格率”的得分为 18.95，jixiao 按实际完成值重新计算为 19.58"),
        "{stderr}"
    );
    // The reason stays; nothing stale, nothing stated: --strict passes.
    assert_eq!(code, 0, "{text}");
}

/// A workbook edited by a program that keeps the formulas' old results (the sheet not
/// recalculated): the value of cell `at` (`F9`) replaced in the sheet XML itself.
fn with_stale_results(xlsx: &[u8], at: &str, new: &str) -> Vec<u8> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(xlsx)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let mut data = Vec::new();
        f.read_to_end(&mut data).unwrap();
        let name = f.name().unwrap().to_string();
        if name == "xl/worksheets/sheet1.xml" {
            let xml = String::from_utf8(data).unwrap();
            let start = xml
                .find(&format!("<c r=\"{at}\""))
                .expect("the amount cell");
            let v = start + xml[start..].find("<v>").unwrap() + 3;
            let end = v + xml[v..].find("</v>").unwrap();
            assert!(!xml[start..v].contains("<f>"), "{at} is a plain number");
            data = format!("{}{new}{}", &xml[..v], &xml[end..]).into_bytes();
        }
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&data).unwrap();
    }
    out.finish().unwrap().into_inner()
}

#[test]
fn executed_edited_without_recalculation_is_told_stale_and_rescored() {
    let folder = Folder::new();
    let xlsx = rendered_case(&folder);
    let bytes = std::fs::read(&xlsx).unwrap();
    let row = jixiao::import::read(&xlsx).unwrap()[0]
        .cells
        .iter()
        .find(|c| c.col == 1 && c.text == "其中：当年财政拨款")
        .map(|c| c.row + 1)
        .unwrap();
    let edited = folder.path().join("未重算.xlsx");
    std::fs::write(
        &edited,
        with_stale_results(&bytes, &format!("F{row}"), "106.5"),
    )
    .unwrap();
    let (text, stderr, _, report) = import_and_check(&edited, &folder);
    // 106.5/106.9 = 99.6258…% → 99.63%; 得分 9.96 — not the stale 100% and 10.
    let funds = report.funds.as_ref().unwrap();
    assert_eq!(funds.total.rate, Some(d("99.63")), "{text}");
    assert_eq!(funds.score, Some(d("9.96")));
    assert!(
        !text.contains("rate =") && !text.contains("total ="),
        "{text}"
    );
    assert!(
        stderr.contains("执行率为 100%，jixiao 按全年执行数/全年预算数重新计算为 99.63%")
            && stderr.contains("预算执行率得分为 10，jixiao 按执行率重新计算为 9.96"),
        "{stderr}"
    );
}

#[test]
fn the_marker_survives_a_spreadsheet_program() {
    if let Err(why) = openpyxl() {
        eprintln!("skipped: {why}");
        return;
    }
    let folder = Folder::new();
    let xlsx = rendered_case(&folder);
    let mut saved = vec![folder.path().join("openpyxl.xlsx")];
    let sheet = jixiao::import::read(&xlsx).unwrap()[0].name.clone();
    edit_with_openpyxl(&xlsx, &saved[0], &sheet, &[]);
    if soffice() {
        saved.push(resave_with_libreoffice(&saved[0], folder.path()));
    }
    let version = env!("CARGO_PKG_VERSION");
    for path in saved {
        let grid = &jixiao::import::read(&path).unwrap()[0];
        assert_eq!(grid.jixiao.as_deref(), Some(version), "{}", path.display());
        // The computed 得分 cells keep their mark (formula cells may have lost their results).
        let computed: Vec<&str> = grid
            .cells
            .iter()
            .filter(|c| c.computed)
            .map(|c| c.text.as_str())
            .collect();
        assert!(
            computed.contains(&"18.95") && computed.contains(&"70"),
            "{computed:?}"
        );
        let form = &jixiao::import::mapper::scan(grid).forms[0];
        assert!(
            form.indicators.iter().all(|i| i.score.is_none()),
            "{form:?}"
        );
    }
}
