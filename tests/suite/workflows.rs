//! Department bundle, scaffold, JSON Schema and export, end to end through the binary.

use crate::common::*;

use std::path::Path;
use std::process::Command;

use serde_json::Value;

/// Titles of the PDF outline (bookmarks), read from the outline item dictionaries.
use run_jixiao as jixiao;

fn outline_titles(pdf: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(pdf);
    let mut titles = Vec::new();
    for chunk in text.split("<</Parent ").skip(1) {
        let Some(start) = chunk.find("/Title<FEFF") else {
            continue;
        };
        let hex = &chunk[start + "/Title<FEFF".len()..];
        let hex = &hex[..hex.find('>').unwrap()];
        let units: Vec<u16> = (0..hex.len() / 4)
            .map(|i| u16::from_str_radix(&hex[i * 4..i * 4 + 4], 16).unwrap())
            .collect();
        titles.push(String::from_utf16(&units).unwrap());
    }
    titles
}

#[test]
fn bundle_of_the_examples() {
    let folder = Folder::new();
    let pdf = folder.path().join("汇编.pdf");
    let (code, _, stderr) = jixiao(&["bundle", "examples/mof-2020", "-o", pdf.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    // Cover, 汇总表, then one page per form.
    assert_eq!(pages(&pdf), 4);
    assert_eq!(
        outline_titles(&std::fs::read(&pdf).unwrap()),
        ["信息化运维经费", "职业技能培训补贴"]
    );
    let text = pdftotext(&pdf);
    assert!(text.contains("2025年度项目支出绩效自评表汇编"));
    // The cover is not numbered nor counted: the 汇总表 is page 1 of 3.
    assert!(
        !text.contains("共 4 页")
            && text.contains("第 1 页 共 3 页")
            && text.contains("第 3 页 共 3 页"),
        "page numbers"
    );
    // Summary figures equal check --format json.
    let (_, json, _) = jixiao(&["check", "--format", "json", "examples/mof-2020"]);
    let reports: Vec<Value> = serde_json::from_str(&json).unwrap();
    for r in &reports {
        let rate = r["funds"]["rate"].as_str().unwrap();
        let total = r["total"].as_str().unwrap();
        let line = text
            .lines()
            .find(|l| l.contains(&format!("{rate}%")))
            .unwrap_or_default();
        assert!(
            line.contains(total) && line.contains(r["grade"].as_str().unwrap()),
            "{line}"
        );
    }
    // 合计: 118.50 + 450.00 = 568.50; 112.36 + 401.60 = 513.96; 513.96 / 568.50 = 90.41%.
    assert!(text.contains("合计 568.50 513.96 90.41%"), "{text}");
}

#[test]
fn bundle_with_errors_is_refused_listing_each_project() {
    let folder = Folder::new();
    let bad = project(
        "",
        "level2 = \"数量指标\"\nname = \"a\"\ntarget = \"≥10\"\nactual = \"5\"\nweight = 90",
    );
    folder.write("a.toml", &bad);
    folder.write("b.toml", &bad.replace("weight = 90", "weight = 80"));
    let out = folder.path().join("x.pdf");
    let (code, _, stderr) = jixiao(&[
        "bundle",
        folder.path().to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 1);
    assert!(
        stderr.contains("a.toml") && stderr.contains("b.toml") && stderr.contains("weights-sum"),
        "{stderr}"
    );
    assert!(!out.exists());
    let (code, _, _) = jixiao(&[
        "bundle",
        folder.path().to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--draft",
    ]);
    assert_eq!(code, 0);
    assert!(out.exists());
}

#[test]
fn scaffold_round_trip_for_every_form() {
    let forms = jixiao::Forms::builtin();
    for id in forms.ids() {
        let folder = Folder::new();
        let path = folder.path().join("新项目.toml");
        let (code, _, stderr) = jixiao(&["new", path.to_str().unwrap(), "--form", id]);
        assert_eq!(code, 0, "{stderr}");
        // Refuses to overwrite.
        assert_eq!(jixiao(&["new", path.to_str().unwrap(), "--form", id]).0, 2);
        let text = std::fs::read_to_string(&path).unwrap();
        let (code, _, _) = jixiao(&["check", path.to_str().unwrap()]);
        assert_eq!(code, 1, "{id}: an unfilled scaffold is not a valid project");
        // Fill the blanks the way a user would.
        let filled = text
            .replace("= \"\"", "= \"已完成\"")
            .replace("budget = 0", "budget = 10")
            .replace("executed = 0", "executed = 10");
        std::fs::write(&path, filled).unwrap();
        let (code, stdout, stderr) = jixiao(&["check", path.to_str().unwrap()]);
        assert_eq!(code, 0, "{id}: {stderr}");
        assert!(stdout.contains("总分 100"), "{id}: {stdout}");
    }
}

/// A small validator for the JSON Schema subset `jixiao schema` uses.
fn validate(schema: &Value, root: &Value, value: &Value, path: &str, errors: &mut Vec<String>) {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        let name = r.trim_start_matches("#/definitions/");
        return validate(&root["definitions"][name], root, value, path, errors);
    }
    if let Some(options) = schema.get("enum").and_then(Value::as_array)
        && !options.contains(value)
    {
        errors.push(format!("{path}: {value} not in enum"));
    }
    if let Some(types) = schema.get("type") {
        let types: Vec<&str> = match types {
            Value::String(s) => vec![s.as_str()],
            Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
            _ => vec![],
        };
        let actual = match value {
            Value::String(_) => "string",
            Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
            Value::Number(_) => "number",
            Value::Bool(_) => "boolean",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
            Value::Null => "null",
        };
        let ok = types.contains(&actual) || actual == "integer" && types.contains(&"number");
        if !ok {
            errors.push(format!("{path}: {actual} is not {types:?}"));
        }
    }
    // A string checked against its pattern as an editor would (numbers: the parser's spellings).
    if let (Some(pattern), Value::String(text)) =
        (schema.get("pattern").and_then(Value::as_str), value)
        && !regex::Regex::new(pattern).unwrap().is_match(text)
    {
        errors.push(format!("{path}: {text:?} does not match {pattern}"));
    }
    if let (Some(props), Value::Object(map)) =
        (schema.get("properties").and_then(Value::as_object), value)
    {
        for (k, v) in map {
            match props.get(k) {
                Some(s) => validate(s, root, v, &format!("{path}.{k}"), errors),
                None => errors.push(format!("{path}: unknown key {k}")),
            }
        }
    }
    if let (Some(items), Value::Array(list)) = (schema.get("items"), value) {
        for (i, v) in list.iter().enumerate() {
            validate(items, root, v, &format!("{path}[{i}]"), errors);
        }
    }
}

fn toml_to_json(text: &str) -> Value {
    let table: toml::Table = text.parse().unwrap();
    serde_json::to_value(table).unwrap()
}

#[test]
fn schema_validates_every_example_and_rejects_a_broken_file() {
    let (code, stdout, _) = jixiao(&["schema"]);
    assert_eq!(code, 0);
    let schema: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(schema["properties"]["project"]["title"], "项目信息");
    let mut count = 0;
    for dir in std::fs::read_dir("examples").unwrap() {
        let dir = dir.unwrap().path();
        if !dir.is_dir() {
            continue;
        }
        for f in std::fs::read_dir(&dir).unwrap() {
            let f = f.unwrap().path();
            if f.extension().is_some_and(|e| e == "toml") {
                let mut errors = Vec::new();
                validate(
                    &schema,
                    &schema,
                    &toml_to_json(&std::fs::read_to_string(&f).unwrap()),
                    "$",
                    &mut errors,
                );
                assert!(errors.is_empty(), "{}: {errors:?}", f.display());
                count += 1;
            }
        }
    }
    // 36 files today (six folders; chongqing has 8 projects); a lower bound, so new examples need no edit.
    assert!(count >= 36, "only {count} example files validated");
    let mut errors = Vec::new();
    let broken = toml_to_json(
        "year = \"二〇二一\"\nunit = \"美元\"\n[[indicators]]\nlevl1 = \"产出指标\"\nweight = \"10 points\"\n",
    );
    validate(&schema, &schema, &broken, "$", &mut errors);
    assert_eq!(errors.len(), 4, "{errors:?}");
    // What `check` reads, editors accept: the issue's spellings and a unit or 分 after them.
    let good = toml_to_json(
        "[funds.fiscal]\nbudget = \"６．５２\"\nexecuted = \"2，243，764元\"\ninitial = \"1e1\"\n\
         [[indicators]]\nweight = \"10分\"\nscore = \"9.5 分\"\n",
    );
    let mut errors = Vec::new();
    validate(&schema, &schema, &good, "$", &mut errors);
    assert!(errors.is_empty(), "{errors:?}");
    // `""` is a stated figure still to fill: `check --strict` passes it and `rollover` writes it.
    let blank = "total = \"\"\n[funds.total]\nrate = \"\"\nscore = \"\"\n\
                 [[indicators]]\nscore = \"\"\ngrade = \"\"\n";
    let mut errors = Vec::new();
    validate(&schema, &schema, &toml_to_json(blank), "$", &mut errors);
    assert!(errors.is_empty(), "{errors:?}");
    // …but not where the parser refuses it, and not a word where a figure belongs.
    let refused = "total = \"九十\"\n[funds.fiscal]\nbudget = \"\"\n\
                   [[indicators]]\nweight = \"\"\nscore = \"高\"\ngrade = \"好\"\n";
    let mut errors = Vec::new();
    validate(&schema, &schema, &toml_to_json(refused), "$", &mut errors);
    assert_eq!(errors.len(), 5, "{errors:?}");
}

#[test]
fn export_csv_json_and_xlsx() {
    let folder = Folder::new();
    let (code, csv, _) = jixiao(&["export", "examples/mof-2020", "--format", "csv"]);
    assert_eq!(code, 0);
    assert!(csv.starts_with('\u{feff}'), "UTF-8 BOM for Excel");
    let funds_row = csv
        .lines()
        .find(|l| l.contains("信息化运维经费") && l.contains("预算执行率"))
        .unwrap();
    assert!(funds_row.contains(",10,9.48,9.48,rate,"), "{funds_row}");
    let row = csv
        .lines()
        .find(|l| l.contains("业务经办线上办理率"))
        .unwrap();
    assert!(row.contains(",15,14.47,14.47,ge,"), "{row}");
    let total = csv
        .lines()
        .find(|l| l.contains("信息化运维经费") && l.contains(",总分,"))
        .unwrap();
    assert!(total.contains(",100,98.95,98.95,total,"), "{total}");

    let xlsx = folder.path().join("结果.xlsx");
    let (code, _, stderr) = jixiao(&[
        "export",
        "examples/mof-2020",
        "--format",
        "xlsx",
        "-o",
        xlsx.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    // Read the first sheet back (xlsx is a zip of XML; python3 is on every machine here).
    let out = Command::new("python3")
        .args(["-c", "import sys,zipfile; z=zipfile.ZipFile(sys.argv[1]); print(z.read('xl/worksheets/sheet1.xml').decode()); print(z.read('xl/sharedStrings.xml').decode())", xlsx.to_str().unwrap()])
        .output()
        .unwrap();
    let xml = String::from_utf8_lossy(&out.stdout);
    assert!(
        xml.contains("<v>14.47</v>") && xml.contains("<v>98.95</v>") && xml.contains("<v>9.48</v>"),
        "numbers stored as numbers"
    );
    assert!(xml.contains("业务经办线上办理率"));
}

#[test]
fn watch_re_renders_on_save_and_survives_a_bad_edit() {
    use std::time::{Duration, Instant};
    let folder = Folder::new();
    let good = project(
        "",
        "level2 = \"数量指标\"\nname = \"第一版\"\ntarget = \"≥1\"\nactual = \"1\"\nweight = 90",
    );
    let input = folder.write("w.toml", &good);
    let pdf = folder.path().join("w.pdf");
    let mut child = Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .args([
            "watch",
            input.to_str().unwrap(),
            "-o",
            pdf.to_str().unwrap(),
        ])
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let wait_for = |what: &str, ok: &dyn Fn() -> bool| {
        let start = Instant::now();
        while !ok() {
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "watch did not {what}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    };
    wait_for("render the first version", &|| {
        pdf.exists() && pdftotext(&pdf).contains("第一版")
    });
    // A broken edit: reported, the PDF stays, the watcher keeps running.
    std::fs::write(&input, "year = = 2024").unwrap();
    std::thread::sleep(Duration::from_millis(800));
    assert!(
        child.try_wait().unwrap().is_none(),
        "watch exited on a bad edit"
    );
    assert!(pdftotext(&pdf).contains("第一版"));
    std::fs::write(&input, good.replace("第一版", "第二版")).unwrap();
    wait_for("re-render after the fix", &|| {
        pdftotext(&pdf).contains("第二版")
    });
    child.kill().unwrap();
    child.wait().unwrap();
}

// ---------------------------------------------------------------- the form as a workbook

/// A workbook read back with python3's zipfile and ElementTree (no spreadsheet library needed):
/// the fonts of its styles, then per sheet in order its name, cells (value and number format),
/// merged ranges and page setup, as JSON.
fn read_workbook(path: &std::path::Path) -> Value {
    const SCRIPT: &str = r#"
import sys, json, zipfile
import xml.etree.ElementTree as ET
M = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main'
R = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships'
NS = {'m': M}
z = zipfile.ZipFile(sys.argv[1])
assert z.testzip() is None
strings = []
if 'xl/sharedStrings.xml' in z.namelist():
    for si in ET.fromstring(z.read('xl/sharedStrings.xml')).findall('m:si', NS):
        strings.append(''.join(t.text or '' for t in si.iter('{%s}t' % M)))
styles = ET.fromstring(z.read('xl/styles.xml'))
codes = {int(n.get('numFmtId')): n.get('formatCode') for n in styles.findall('m:numFmts/m:numFmt', NS)}
builtin = {0: 'General', 1: '0', 2: '0.00', 9: '0%', 10: '0.00%'}
xfs = []
for x in styles.findall('m:cellXfs/m:xf', NS):
    i = int(x.get('numFmtId', '0'))
    xfs.append(codes.get(i, builtin.get(i, '')))
fonts = [f.find('m:name', NS).get('val') for f in styles.findall('m:fonts/m:font', NS)]
rels = {r.get('Id'): r.get('Target') for r in ET.fromstring(z.read('xl/_rels/workbook.xml.rels'))}
sheets = []
for s in ET.fromstring(z.read('xl/workbook.xml')).findall('m:sheets/m:sheet', NS):
    root = ET.fromstring(z.read('xl/' + rels[s.get('{%s}id' % R)]))
    cells = {}
    for c in root.iter('{%s}c' % M):
        v = c.find('m:v', NS)
        if v is None:
            continue
        value = strings[int(v.text)] if c.get('t') == 's' else float(v.text)
        cells[c.get('r')] = {'value': value, 'format': xfs[int(c.get('s', '0'))]}
    setup = root.find('m:pageSetup', NS)
    fit = root.find('m:sheetPr/m:pageSetUpPr', NS)
    sheets.append({
        'name': s.get('name'),
        'cells': cells,
        'merges': [m.get('ref') for m in root.findall('m:mergeCells/m:mergeCell', NS)],
        'setup': dict(setup.attrib) if setup is not None else {},
        'fit': fit is not None and fit.get('fitToPage') == '1',
    })
print(json.dumps({'fonts': fonts, 'sheets': sheets}, ensure_ascii=False))
"#;
    let out = Command::new("python3")
        .args(["-c", SCRIPT, path.to_str().unwrap()])
        .output()
        .expect("python3 reads xlsx files back");
    assert!(
        out.status.success(),
        "{}: {}",
        path.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// "AB12" → ("AB", 12).
fn split_ref(r: &str) -> (&str, u32) {
    let i = r.find(|c: char| c.is_ascii_digit()).unwrap();
    (&r[..i], r[i..].parse().unwrap())
}

/// Rows of the cells in column `col` whose text is `text`.
fn rows_of(sheet: &Value, col: &str, pick: impl Fn(&str) -> bool) -> Vec<u32> {
    let mut rows: Vec<u32> = sheet["cells"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(r, c)| split_ref(r).0 == col && c["value"].as_str().is_some_and(&pick))
        .map(|(r, _)| split_ref(r).1)
        .collect();
    rows.sort();
    rows
}

fn number_at(sheet: &Value, cell: &str) -> Option<f64> {
    sheet["cells"][cell]["value"].as_f64()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

/// Check one rendered form sheet against `check --format json` of its project.
fn check_form_sheet(sheet: &Value, report: &Value, forms: &jixiao::Forms, draft: bool) {
    let file = report["file"].as_str().unwrap();
    let form = forms.get(report["form"].as_str().unwrap()).unwrap();
    let label = |key: &str, default: &str| {
        form.labels
            .get(key)
            .and_then(|v| v.as_str())
            .unwrap_or(default)
            .to_string()
    };
    let title = sheet["cells"]["A1"]["value"].as_str().unwrap();
    assert_eq!(title.contains("草稿"), draft, "{file}: {title}");
    assert!(title.contains(&form.title), "{file}: {title}");
    assert_eq!(sheet["setup"]["paperSize"], "9", "{file}: A4");
    assert_eq!(sheet["setup"]["orientation"], "portrait", "{file}");
    assert_eq!(
        sheet["setup"]["fitToHeight"], "0",
        "{file}: pages tall as needed"
    );
    assert_eq!(sheet["fit"], true, "{file}: fitted to one page wide");
    let merges: Vec<&str> = sheet["merges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m.as_str().unwrap())
        .collect();

    // 执行率 of the 年度资金总额 row (the form's first fund row): a number in percent format.
    let total_label = &form.fund_rows[0].label;
    let [funds_row] = rows_of(sheet, "B", |t| t == total_label)[..] else {
        panic!("{file}: no single “{total_label}” row");
    };
    let rate = &sheet["cells"][format!("H{funds_row}")];
    if let Some(expected) = report["funds"]["rate"].as_str() {
        let expected: f64 = expected.parse().unwrap();
        let value = rate["value"]
            .as_f64()
            .unwrap_or_else(|| panic!("{file}: {rate}"));
        assert!(close(value, expected / 100.0), "{file}: 执行率 {value}");
        assert!(
            rate["format"].as_str().unwrap().ends_with('%'),
            "{file}: {rate}"
        );
    }
    // 分值 and 得分 of the funds row are numbers too.
    if let Some(score) = report["funds"]["score"].as_str() {
        let value = number_at(sheet, &format!("I{funds_row}")).unwrap();
        assert!(close(value, score.parse().unwrap()), "{file}: 执行率得分");
    }

    // 总分: the computed total, as a number.
    let total = label("total", "总分");
    let [total_row] = rows_of(sheet, "A", |t| t == total)[..] else {
        panic!("{file}: no single 总分 row");
    };
    assert!(merges.contains(&format!("A{total_row}:F{total_row}").as_str()));
    match report["total"].as_str() {
        Some(t) => {
            let value = number_at(sheet, &format!("H{total_row}"))
                .unwrap_or_else(|| panic!("{file}: 总分 is not a number"));
            assert!(
                close(value, t.parse().unwrap()),
                "{file}: 总分 {value} ≠ {t}"
            );
        }
        None => assert!(number_at(sheet, &format!("H{total_row}")).is_none()),
    }
    // 总分's 分值: Σ indicator 分值 + 预算执行率 分值 (100 only when the weights say so).
    let weights: f64 = report["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["weight"].as_str())
        .chain(report["funds"]["weight"].as_str())
        .map(|w| w.parse::<f64>().unwrap())
        .sum();
    let printed = number_at(sheet, &format!("G{total_row}")).unwrap();
    assert!(
        close(printed, weights),
        "{file}: 总分 分值 {printed} ≠ {weights}"
    );

    // 一级指标 cells: each merged over all of its rows (down to the next 一级 or 总分).
    let [header] = rows_of(sheet, "B", |t| t == "一级指标")[..] else {
        panic!("{file}: no indicator header");
    };
    let mut starts = rows_of(sheet, "B", |t| {
        form.level1.iter().any(|l| t.starts_with(&l.name))
    });
    starts.retain(|r| *r > header && *r < total_row);
    let indicators = report["indicators"].as_array().unwrap();
    assert!(!starts.is_empty() || indicators.is_empty(), "{file}");
    for (i, &start) in starts.iter().enumerate() {
        let end = starts.get(i + 1).copied().unwrap_or(total_row) - 1;
        if end > start {
            let range = format!("B{start}:B{end}");
            assert!(
                merges.contains(&range.as_str()),
                "{file}: {range} in {merges:?}"
            );
        }
    }
    // The 绩效指标 block spans every indicator row.
    if total_row > header + 2 {
        let block = format!("A{}:A{}", header + 1, total_row - 1);
        assert!(merges.contains(&block.as_str()), "{file}: {block}");
    }
    // Every indicator's 得分 is in the sheet, as a number.
    for ind in indicators {
        let name = ind["name"].as_str().unwrap();
        let rows = rows_of(sheet, "D", |t| t == name);
        assert!(!rows.is_empty(), "{file}: {name}");
        if let Some(score) = ind["score"].as_str() {
            let score: f64 = score.parse().unwrap();
            assert!(
                rows.iter()
                    .any(|r| number_at(sheet, &format!("H{r}")).is_some_and(|v| close(v, score))),
                "{file}: {name} 得分 {score}"
            );
        }
    }
}

#[test]
fn form_workbooks_of_every_example() {
    let forms = jixiao::Forms::builtin();
    let folder = Folder::new();
    let mut dirs: Vec<_> = std::fs::read_dir("examples")
        .unwrap()
        .map(|d| d.unwrap().path())
        .filter(|d| d.is_dir())
        .collect();
    dirs.sort();
    let (mut rendered, mut drafts) = (0, 0);
    let mut seen_forms = std::collections::BTreeSet::new();
    for dir in &dirs {
        let (_, json, _) = jixiao(&["check", "--format", "json", dir.to_str().unwrap()]);
        let reports: Vec<Value> = serde_json::from_str(&json).unwrap();
        for report in &reports {
            let file = report["file"].as_str().unwrap();
            let errors = report["problems"]
                .as_array()
                .unwrap()
                .iter()
                .any(|p| p["severity"] == "error");
            let out = folder.path().join(format!("{rendered}.xlsx"));
            let out = out.to_str().unwrap();
            if errors {
                // Refused without --draft, nothing written; with it, a 草稿.
                let (code, _, _) = jixiao(&["render", file, "--format", "xlsx", "-o", out]);
                assert_eq!(code, 1, "{file}");
                assert!(!std::path::Path::new(out).exists());
                drafts += 1;
            }
            // -o ….xlsx alone chooses the workbook.
            let mut args = vec!["render", file, "-o", out];
            if errors {
                args.push("--draft");
            }
            let (code, _, stderr) = jixiao(&args);
            assert_eq!(code, 0, "{file}: {stderr}");
            let workbook = read_workbook(std::path::Path::new(out));
            assert!(
                workbook["fonts"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|f| f == "宋体"),
                "{file}: 宋体"
            );
            let sheets = workbook["sheets"].as_array().unwrap();
            assert_eq!(sheets.len(), 1);
            check_form_sheet(&sheets[0], report, &forms, errors);
            seen_forms.insert(report["form"].as_str().unwrap().to_string());
            rendered += 1;
        }
    }
    assert!(rendered >= 30, "only {rendered} example projects");
    assert!(drafts > 0, "some examples have data errors");
    assert_eq!(seen_forms.len(), forms.ids().count(), "every built-in form");
}

#[test]
fn form_workbook_is_deterministic_and_never_replaces_an_input() {
    let folder = Folder::new();
    let input = folder.write(
        "项目.toml",
        &std::fs::read_to_string("examples/mof-2020/信息化运维经费.toml").unwrap(),
    );
    std::fs::copy(
        "examples/mof-2020/jixiao.toml",
        folder.path().join("jixiao.toml"),
    )
    .unwrap();
    let a = folder.path().join("a.xlsx");
    let b = folder.path().join("b.xlsx");
    let (code, _, stderr) = jixiao(&[
        "render",
        input.to_str().unwrap(),
        "--format",
        "xlsx",
        "-o",
        a.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    // rust_xlsxwriter stamps the clock into docProps/core.xml: let it tick.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let (code, _, _) = jixiao(&[
        "render",
        input.to_str().unwrap(),
        "--format",
        "xlsx",
        "-o",
        b.to_str().unwrap(),
    ]);
    assert_eq!(code, 0);
    assert_eq!(
        std::fs::read(&a).unwrap(),
        std::fs::read(&b).unwrap(),
        "byte-identical"
    );

    // Without -o, next to the input.
    let (code, _, _) = jixiao(&["render", input.to_str().unwrap(), "--format", "xlsx"]);
    assert_eq!(code, 0);
    assert!(folder.path().join("项目.xlsx").exists());

    // Never over an input: the project file or the folder's jixiao.toml.
    let before = std::fs::read(&input).unwrap();
    for target in [&input, &folder.path().join("jixiao.toml")] {
        let (code, _, stderr) = jixiao(&[
            "render",
            input.to_str().unwrap(),
            "--format",
            "xlsx",
            "-o",
            target.to_str().unwrap(),
        ]);
        assert_eq!(code, 2, "{stderr}");
    }
    let (code, _, _) = jixiao(&[
        "bundle",
        folder.path().to_str().unwrap(),
        "--format",
        "xlsx",
        "-o",
        input.to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert_eq!(std::fs::read(&input).unwrap(), before, "input untouched");
}

#[test]
fn bundle_workbook_of_the_examples() {
    let folder = Folder::new();
    let out = folder.path().join("汇编.xlsx");
    let (code, _, stderr) = jixiao(&["bundle", "examples/mof-2020", "-o", out.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    let workbook = read_workbook(&out);
    let sheets = workbook["sheets"].as_array().unwrap();
    let names: Vec<&str> = sheets.iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["汇总表", "信息化运维经费", "职业技能培训补贴"]);
    // 汇总表: the PDF bundle's columns and its 合计 (568.50, 513.96, 90.41%).
    let summary = &sheets[0];
    let [header] = rows_of(summary, "A", |t| t == "序号")[..] else {
        panic!("no 汇总表 header");
    };
    for (col, h) in ["B", "C", "D", "E", "F", "G", "H"].iter().zip([
        "项目名称",
        "实施单位",
        "全年预算数（万元）",
        "全年执行数（万元）",
        "执行率",
        "自评得分",
        "评价等级",
    ]) {
        assert_eq!(summary["cells"][format!("{col}{header}")]["value"], h);
    }
    let [sum] = rows_of(summary, "A", |t| t == "合计")[..] else {
        panic!("no 合计 row");
    };
    assert!(close(
        number_at(summary, &format!("D{sum}")).unwrap(),
        568.5
    ));
    assert!(close(
        number_at(summary, &format!("E{sum}")).unwrap(),
        513.96
    ));
    assert!(close(
        number_at(summary, &format!("F{sum}")).unwrap(),
        0.9041
    ));
    assert_eq!(summary["cells"][format!("F{sum}")]["format"], "0.00%");
    // Project sheets and 汇总表 rows agree with check --format json.
    let (_, json, _) = jixiao(&["check", "--format", "json", "examples/mof-2020"]);
    let reports: Vec<Value> = serde_json::from_str(&json).unwrap();
    let forms = jixiao::Forms::builtin();
    for (i, name) in names[1..].iter().enumerate() {
        let report = reports.iter().find(|r| r["project"] == *name).unwrap();
        check_form_sheet(&sheets[i + 1], report, &forms, false);
        let row = header + 1 + i as u32;
        assert_eq!(summary["cells"][format!("B{row}")]["value"], *name);
        let total: f64 = report["total"].as_str().unwrap().parse().unwrap();
        assert!(close(
            number_at(summary, &format!("G{row}")).unwrap(),
            total
        ));
    }

    // A folder with data errors: refused, or a 草稿 with every project.
    let cq = folder.path().join("cq.xlsx");
    let (code, _, _) = jixiao(&[
        "bundle",
        "examples/chongqing",
        "--format",
        "xlsx",
        "-o",
        cq.to_str().unwrap(),
    ]);
    assert_eq!(code, 1);
    assert!(!cq.exists());
    let (code, _, stderr) = jixiao(&[
        "bundle",
        "examples/chongqing",
        "--format",
        "xlsx",
        "--draft",
        "-o",
        cq.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    let workbook = read_workbook(&cq);
    let sheets = workbook["sheets"].as_array().unwrap();
    let (_, json, _) = jixiao(&["check", "--format", "json", "examples/chongqing"]);
    let reports: Vec<Value> = serde_json::from_str(&json).unwrap();
    assert_eq!(sheets.len(), reports.len() + 1);
    assert_eq!(sheets[0]["name"], "汇总表");
    for sheet in sheets {
        let title = sheet["cells"]["A1"]["value"].as_str().unwrap();
        assert!(title.contains("草稿"), "{title}");
    }
}

#[test]
fn bundle_sheet_names_are_short_unique_and_valid() {
    let folder = Folder::new();
    let long = "市级人才/就业:服务*专项?资金[二期]项目支出绩效自评（含各区县配套资金）";
    let text = project(
        "",
        "level2 = \"数量指标\"\nname = \"a\"\ntarget = \"≥1\"\nactual = \"1\"\nweight = 90",
    );
    for (file, name) in [
        ("a.toml", long),
        ("b.toml", long),
        ("c.toml", "汇总表"),
        ("d.toml", "History"),
    ] {
        folder.write(file, &text.replace("测试项目", name));
    }
    let out = folder.path().join("x.xlsx");
    let (code, _, stderr) = jixiao(&[
        "bundle",
        folder.path().to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    let workbook = read_workbook(&out);
    let names: Vec<String> = workbook["sheets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(names.len(), 5);
    assert_eq!(names[0], "汇总表");
    let mut lower: Vec<String> = names.iter().map(|n| n.to_lowercase()).collect();
    lower.sort();
    lower.dedup();
    assert_eq!(lower.len(), names.len(), "unique: {names:?}");
    for n in &names {
        assert!(!n.is_empty() && n.encode_utf16().count() <= 31, "{n}");
        assert!(!n.contains(['[', ']', ':', '*', '?', '/', '\\']), "{n}");
        assert_ne!(n.to_lowercase(), "history");
    }
    assert!(
        names[1].starts_with("市级人才就业服务专项资金二期"),
        "{names:?}"
    );
}

/// The Python binding of Typst 0.15 (PyPI `typst`), installed once if missing, like poppler.
fn python_typst() -> bool {
    static ONCE: std::sync::Once = std::sync::Once::new();
    let present = || {
        Command::new("python3")
            .args(["-c", "import typst"])
            .output()
            .is_ok_and(|o| o.status.success())
    };
    ONCE.call_once(|| {
        if !present() {
            eprintln!("installing the Python binding of Typst 0.15 for the --emit-typst test");
            let _ = Command::new("python3")
                .args(["-m", "pip", "install", "-q", "typst==0.15.0"])
                .status();
        }
    });
    present()
}

/// `--emit-typst DIR` writes the Typst project jixiao compiles; Typst itself (the 0.15 Python
/// binding, with only the repository's fonts) lays out the same pages from it.
#[test]
fn emitted_typst_project_compiles_to_the_same_pages() {
    assert!(
        python_typst(),
        "python3 -m pip install typst==0.15.0 failed"
    );
    let folder = Folder::new();
    let fonts = std::fs::canonicalize("fonts").unwrap();
    let cases = [
        ("render", "examples/mof-2020/信息化运维经费.toml"),
        (
            "render",
            "examples/inner-mongolia/流动人员档案管理经费.toml",
        ),
        ("bundle", "examples/mof-2020"),
    ];
    for (i, (command, input)) in cases.iter().enumerate() {
        let out = folder.path().join(format!("{i}.pdf"));
        let emit = folder.path().join(format!("typst-{i}"));
        let mut args = vec![*command, *input, "-o", out.to_str().unwrap()];
        args.extend(["--emit-typst", emit.to_str().unwrap(), "--draft"]);
        let (code, _, stderr) = jixiao(&args);
        assert!(code == 0, "{command} {input}: {stderr}");
        assert!(emit.join("main.typ").is_file() && emit.join("common.typ").is_file());
        let typst_pdf = folder.path().join(format!("{i}-typst.pdf"));
        let script = "import sys, typst; typst.compile(sys.argv[1], output=sys.argv[2], \
                      font_paths=[sys.argv[3]], ignore_system_fonts=True)";
        let status = Command::new("python3")
            .args(["-c", script])
            .arg(emit.join("main.typ"))
            .arg(&typst_pdf)
            .arg(&fonts)
            .output()
            .unwrap();
        assert!(
            status.status.success(),
            "typst compile failed: {}",
            String::from_utf8_lossy(&status.stderr)
        );
        assert_eq!(pages(&typst_pdf), pages(&out), "{input}");
        assert_eq!(pdftotext(&typst_pdf), pdftotext(&out), "{input}");
    }
}

/// Issue 16: re-running `--emit-typst DIR` never follows a symlink inside DIR — a sub-folder
/// replaced by a link to the user's own folder is refused, and nothing there is replaced.
#[test]
#[cfg(unix)]
fn emit_typst_never_writes_through_a_link_in_its_folder() {
    let folder = Folder::new();
    let emit = folder.path().join("typst");
    let pdf = folder.path().join("a.pdf");
    let input = "examples/mof-2020/信息化运维经费.toml";
    let args = [
        "render",
        input,
        "-o",
        pdf.to_str().unwrap(),
        "--draft",
        "--emit-typst",
        emit.to_str().unwrap(),
    ];
    let (code, _, stderr) = jixiao(&args);
    assert_eq!(code, 0, "{stderr}");
    let emitted = emit.join("forms/mof-2020");
    assert!(emitted.join("form.typ").is_file());
    let user = folder.path().join("我的表样");
    std::fs::create_dir(&user).unwrap();
    std::fs::write(user.join("form.typ"), "// 我自己的模板\n").unwrap();
    std::fs::remove_dir_all(&emitted).unwrap();
    std::os::unix::fs::symlink(&user, &emitted).unwrap();
    let before = std::fs::read(emit.join("main.typ")).unwrap();
    let (code, _, stderr) = jixiao(&args);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("forms/mof-2020") && stderr.contains("是符号链接"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(user.join("form.typ")).unwrap(),
        "// 我自己的模板\n"
    );
    assert_eq!(
        std::fs::read_dir(&user).unwrap().count(),
        1,
        "nothing added there"
    );
    assert_eq!(std::fs::read(emit.join("main.typ")).unwrap(), before);

    // Several projects: DIR/<file name>/ is jixiao's own too.
    let many = folder.path().join("many");
    let out = folder.path().join("out");
    std::fs::create_dir_all(&many).unwrap();
    std::fs::create_dir_all(&out).unwrap();
    std::os::unix::fs::symlink(&user, many.join("信息化运维经费")).unwrap();
    let (code, _, stderr) = jixiao(&[
        "render",
        input,
        "examples/mof-2020/职业技能培训补贴.toml",
        "-o",
        out.to_str().unwrap(),
        "--draft",
        "--emit-typst",
        many.to_str().unwrap(),
    ]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("是符号链接"), "{stderr}");
    assert_eq!(
        std::fs::read_dir(&user).unwrap().count(),
        1,
        "nothing added there"
    );
}

/// Issue 16: rollover never mixes two years in one folder — NEWDIR may neither hold nor be held
/// by DIR — and a file it could not read back (over the size limit, a dangling link) is refused
/// with a non-zero exit before anything is written.
#[test]
#[cfg(unix)]
fn rollover_refuses_overlapping_folders_and_files_it_cannot_read_back() {
    let folder = Folder::new();
    let src = folder.path().join("dept/2024");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::write(
        src.join("a.toml"),
        project(
            "",
            "level2 = \"数量指标\"\nname = \"a\"\ntarget = \"≥1\"\nactual = \"1\"\nweight = 90",
        ),
    )
    .unwrap();
    let roll = |out: &std::path::Path| {
        run_jixiao(&[
            "rollover",
            src.to_str().unwrap(),
            "--year",
            "2025",
            "-o",
            out.to_str().unwrap(),
        ])
    };
    let parent = folder.path().join("dept");
    for out in [
        parent.clone(),
        folder.path().to_path_buf(),
        src.clone(),
        src.join("next"),
    ] {
        let (code, _, stderr) = roll(&out);
        assert_eq!(code, 2, "{}: {stderr}", out.display());
        assert!(
            stderr.contains("重叠") && stderr.contains("互不包含"),
            "{stderr}"
        );
    }
    assert_eq!(
        std::fs::read_dir(&parent).unwrap().count(),
        1,
        "nothing written beside 2024"
    );
    assert_eq!(std::fs::read_dir(&src).unwrap().count(), 1);

    // 20 MB: over the 16 MB a project file may have.
    let big = src.join("big.toml");
    let mut text = std::fs::read_to_string(src.join("a.toml")).unwrap();
    text.push_str(&format!("# {}\n", "x".repeat(20 * 1024 * 1024)));
    std::fs::write(&big, text).unwrap();
    let out = folder.path().join("2025");
    let (code, _, stderr) = roll(&out);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("big.toml") && stderr.contains("超过项目文件的上限"),
        "{stderr}"
    );
    assert!(!out.exists(), "nothing written");
    std::fs::remove_file(&big).unwrap();
    std::os::unix::fs::symlink("moved.toml", src.join("jixiao.toml")).unwrap();
    let (code, _, stderr) = roll(&out);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("失效的符号链接"), "{stderr}");
    assert!(!out.exists(), "nothing written");
    std::fs::remove_file(src.join("jixiao.toml")).unwrap();
    // A sub-folder of NEWDIR that links elsewhere is not written through.
    std::fs::create_dir(src.join("sub")).unwrap();
    std::fs::copy(src.join("a.toml"), src.join("sub/b.toml")).unwrap();
    let elsewhere = folder.path().join("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    std::fs::create_dir_all(&out).unwrap();
    std::os::unix::fs::symlink(&elsewhere, out.join("sub")).unwrap();
    let (code, _, stderr) = roll(&out);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("是符号链接"), "{stderr}");
    assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 0);
    assert!(!out.join("a.toml").exists(), "nothing written");
    std::fs::remove_file(out.join("sub")).unwrap();
    let (code, _, stderr) = roll(&out);
    assert_eq!(code, 0, "{stderr}");
    assert!(out.join("a.toml").is_file() && out.join("sub/b.toml").is_file());
}

/// `rollover` of every example folder: the new files check with only blanks to fill, keep every
/// comment line of the source, and carry the new year.
#[test]
fn rollover_of_every_example_leaves_only_blanks() {
    let folder = Folder::new();
    for region in [
        "mof-2020",
        "beijing",
        "shanghai",
        "chongqing",
        "inner-mongolia",
        "xinjiang",
    ] {
        let src = std::path::Path::new("examples").join(region);
        let out = folder.path().join(region);
        let (code, _, stderr) = jixiao(&[
            "rollover",
            src.to_str().unwrap(),
            "--year",
            "2030",
            "-o",
            out.to_str().unwrap(),
        ]);
        assert_eq!(code, 0, "{region}: {stderr}");
        let checked =
            ::jixiao::check(std::slice::from_ref(&out), &::jixiao::Forms::builtin()).unwrap();
        assert!(!checked.reports.is_empty());
        let source =
            ::jixiao::check(std::slice::from_ref(&src), &::jixiao::Forms::builtin()).unwrap();
        for r in &checked.reports {
            let p = r.project.as_ref().unwrap();
            assert_eq!(p.year, 2030, "{}", r.path.display());
            // Besides blanks, only what the kept plan itself already had (e.g. a budget total
            // that never matched its sources) may remain.
            let name = r.path.file_name().unwrap();
            let kept: Vec<&str> = source
                .reports
                .iter()
                .filter(|s| s.path.file_name() == Some(name))
                .flat_map(|s| s.problems.iter().map(|p| p.code()))
                .collect();
            let others: Vec<_> = r
                .problems
                .iter()
                .filter(|p| p.code() != "missing-field" && !kept.contains(&p.code()))
                .map(|p| (p.code(), p.message.clone()))
                .collect();
            assert!(others.is_empty(), "{}: {others:?}", r.path.display());
            assert!(r.problems.iter().any(|p| p.field.ends_with(".actual")));
        }
        // Every comment line of the source survives (trailing comments of removed keys aside).
        for entry in std::fs::read_dir(&src).unwrap() {
            let path = entry.unwrap().path();
            let before = std::fs::read_to_string(&path).unwrap();
            let after = std::fs::read_to_string(out.join(path.file_name().unwrap())).unwrap();
            for line in before.lines().filter(|l| l.trim_start().starts_with('#')) {
                assert!(after.contains(line), "{}: lost {line:?}", path.display());
            }
        }
    }
    // Never over an existing folder's files.
    let again = folder.path().join("mof-2020");
    let (code, _, stderr) = jixiao(&[
        "rollover",
        "examples/mof-2020",
        "--year",
        "2031",
        "-o",
        again.to_str().unwrap(),
    ]);
    assert_eq!(code, 2, "{stderr}");
    // new --from: one file, the year after the source's by default.
    let next = folder.path().join("next.toml");
    let (code, _, stderr) = jixiao(&[
        "new",
        next.to_str().unwrap(),
        "--from",
        "examples/mof-2020/信息化运维经费.toml",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let text = std::fs::read_to_string(&next).unwrap();
    assert!(text.contains("actual = \"\""), "{text}");
}

/// A file named on its own (as a pre-commit hook passes it) takes the same `jixiao.toml` as
/// when its folder is checked: inside a git repository, the nearest one up to the top.
#[test]
fn a_file_named_alone_finds_its_departments_folder_file_in_a_repository() {
    let repo = Folder::new();
    let sub = repo.path().join("部门").join("下属单位");
    std::fs::create_dir_all(&sub).unwrap();
    std::fs::write(repo.path().join("部门/jixiao.toml"), "year = 2024\n").unwrap();
    let text = project(
        "",
        "level2 = \"数量指标\"\nname = \"培训人数\"\ntarget = \"≥100人\"\nactual = \"100人\"\nweight = 90",
    );
    let text = text.replacen("year = 2024\n", "", 1);
    std::fs::write(sub.join("p.toml"), &text).unwrap();
    let relative = "部门/下属单位/p.toml";
    // Checked as part of its department: the department's year applies.
    cli(&["check", "部门"])
        .current_dir(repo.path())
        .run()
        .code(0)
        .stdout_has("2024年度");
    // Alone, outside a repository: only its own folder is looked at.
    cli(&["check", relative])
        .current_dir(repo.path())
        .run()
        .code(1)
        .stderr_has("year");
    // Alone, inside a repository: up to the top, as with the folder.
    std::fs::create_dir(repo.path().join(".git")).unwrap();
    cli(&["check", relative])
        .current_dir(repo.path())
        .run()
        .code(0)
        .stdout_has("2024年度");
    let absolute = sub.join("p.toml");
    cli(&["check", absolute.to_str().unwrap()])
        .run()
        .code(0)
        .stdout_has("2024年度");
}

/// `diff` on two revisions of a temporary git repository: changed figures, added, removed and
/// renamed projects, new problems, and exit 1 when the change brings an error.
#[test]
fn diff_of_two_git_revisions() {
    let repo = Folder::new();
    let git = |args: &[&str]| {
        let out = Command::new("git")
            .args(args)
            .current_dir(repo.path())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    git(&["init", "-q"]);
    git(&["config", "user.email", "t@example.invalid"]);
    git(&["config", "user.name", "t"]);
    let dept = repo.path().join("部门");
    std::fs::create_dir_all(&dept).unwrap();
    for f in [
        "jixiao.toml",
        "信息化运维经费.toml",
        "职业技能培训补贴.toml",
    ] {
        std::fs::copy(
            std::path::Path::new("examples/mof-2020").join(f),
            dept.join(f),
        )
        .unwrap();
    }
    git(&["add", "-A"]);
    git(&["commit", "-qm", "v1"]);
    // Executed 112.36 → 100 (94.82% → 84.39%), one actual 12个 → 5 with no reason.
    let file = dept.join("信息化运维经费.toml");
    let text = std::fs::read_to_string(&file).unwrap();
    let text = text
        .replacen("executed = 112.36", "executed = 100", 1)
        .replacen("actual = \"12个\"", "actual = \"5个\"", 1);
    std::fs::write(&file, text).unwrap();
    git(&["mv", "部门/职业技能培训补贴.toml", "部门/培训补贴.toml"]);
    git(&["commit", "-qam", "v2"]);

    let bin = env!("CARGO_BIN_EXE_jixiao");
    let run = |args: &[&str]| {
        let out = Command::new(bin)
            .args(args)
            .current_dir(repo.path())
            .output()
            .unwrap();
        (
            out.status.code().unwrap(),
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        )
    };
    let (code, stdout, stderr) = run(&["diff", "HEAD~1", "HEAD", "--format", "json"]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    let json: Value = serde_json::from_str(&stdout).unwrap();
    let projects = json["projects"].as_array().unwrap();
    assert_eq!(projects.len(), 2, "{stdout}");
    let changed = &projects[0];
    assert_eq!(changed["status"], "changed");
    let figure = |what: &str| {
        changed["figures"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["what"] == what)
            .map(|c| (c["old"].clone(), c["new"].clone()))
            .unwrap_or_else(|| panic!("{what} not in {changed}"))
    };
    assert_eq!(figure("执行率"), ("94.82%".into(), "84.39%".into()));
    assert_eq!(figure("预算执行率得分"), ("9.48".into(), "8.44".into()));
    // 5 / 12 × 10 = 4.1666… → 4.17; total 98.95 − 1.04 − 5.83 = 92.08.
    assert_eq!(figure("总分"), ("98.95".into(), "92.08".into()));
    let new_problem = &changed["new_problems"][1];
    assert_eq!(
        (
            &new_problem["code"],
            &new_problem["field"],
            &new_problem["severity"]
        ),
        (
            &Value::from("missing-reason"),
            &Value::from("indicators[0].reason"),
            &Value::from("error")
        ),
        "{changed}"
    );
    assert_eq!(changed["new_error"], true);
    assert_eq!(projects[1]["status"], "renamed");
    assert_eq!(projects[1]["renamed_from"], "部门/职业技能培训补贴.toml");

    // The work tree against HEAD: no change, exit 0; Markdown for a merge request.
    let (code, stdout, _) = run(&["diff", "HEAD"]);
    assert_eq!((code, stdout.as_str()), (0, "没有变化 (no changes)\n"));
    let (_, markdown, _) = run(&["diff", "HEAD~1", "--format", "markdown", "--", "部门"]);
    assert!(markdown.contains("| 总分 | 98.95 | 92.08 |"), "{markdown}");
    // A removed project.
    std::fs::remove_file(dept.join("培训补贴.toml")).unwrap();
    let (code, stdout, _) = run(&["diff", "HEAD", "--format", "json"]);
    assert_eq!(code, 0);
    assert!(stdout.contains("\"removed\""), "{stdout}");
}

/// Issue 16: a path filter selects projects, but the `jixiao.toml` above them still counts (a
/// changed folder file changed every score: exit 0 was a CI bypass); two files named are
/// compared with each other; file names cannot break the Markdown.
#[test]
fn diff_paths_keep_their_folder_defaults_and_named_files_are_compared() {
    let repo = Folder::new();
    let git = |args: &[&str]| {
        let out = Command::new("git")
            .args(args)
            .current_dir(repo.path())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    git(&["init", "-q"]);
    git(&["config", "user.email", "t@example.invalid"]);
    git(&["config", "user.name", "t"]);
    let dept = repo.path().join("d");
    std::fs::create_dir_all(&dept).unwrap();
    // All 100 executed: the budget row's 10 points; 10 + 90 = 100.
    std::fs::write(
        dept.join("jixiao.toml"),
        "year = 2024\n[scoring]\nbudget_weight = 10\n",
    )
    .unwrap();
    let text = project(
        "",
        "level2 = \"数量指标\"\nname = \"a\"\ntarget = \"≥1\"\nactual = \"1\"\nweight = 90",
    )
    .replace("year = 2024\n", "");
    std::fs::write(dept.join("a.toml"), &text).unwrap();
    git(&["add", "-A"]);
    git(&["commit", "-qm", "v1"]);
    // Only the folder file changes: the budget row is now worth 20, so the weights sum to 110.
    std::fs::write(
        dept.join("jixiao.toml"),
        "year = 2024\n[scoring]\nbudget_weight = 20\n",
    )
    .unwrap();
    git(&["commit", "-qam", "v2"]);
    let run = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_jixiao"))
            .args(args)
            .current_dir(repo.path())
            .output()
            .unwrap();
        let stdout = String::from_utf8(out.stdout).unwrap();
        (
            out.status.code().unwrap(),
            stdout,
            String::from_utf8(out.stderr).unwrap(),
        )
    };
    let whole = run(&["diff", "HEAD~1", "HEAD", "--format", "json"]);
    assert_eq!(whole.0, 1, "a new error: {whole:?}");
    for args in [
        &[
            "diff", "HEAD~1", "HEAD", "--format", "json", "--", "d/a.toml",
        ][..],
        &["diff", "HEAD~1", "--format", "json", "--", "d/a.toml"],
        &["diff", "HEAD~1", "HEAD", "--format", "json", "--", "d"],
    ] {
        let (code, stdout, stderr) = run(args);
        assert_eq!(code, whole.0, "{args:?}: {stderr}");
        assert_eq!(
            stdout, whole.1,
            "{args:?}: the filter must not hide the folder file"
        );
    }
    let json: Value = serde_json::from_str(&whole.1).unwrap();
    let figures = json["projects"][0]["figures"].as_array().unwrap();
    let score = figures
        .iter()
        .find(|c| c["what"] == "预算执行率得分")
        .unwrap();
    assert_eq!(
        (&score["old"], &score["new"]),
        (&Value::from("10"), &Value::from("20"))
    );
    assert_eq!(
        json["projects"][0]["new_problems"][0]["code"],
        "weights-sum"
    );

    // Two files named: the renamed project is compared with its old self.
    let folder = Folder::new();
    let old = folder.write(
        "old.toml",
        &project(
            "",
            "level2 = \"数量指标\"\nname = \"a\"\ntarget = \"≥10\"\nactual = \"10\"\nweight = 90",
        ),
    );
    let renamed = std::fs::read_to_string(&old)
        .unwrap()
        .replace("name = \"测试项目\"", "name = \"改名后的项目\"")
        .replace("actual = \"10\"", "actual = \"5\"\nreason = \"y\"");
    let new = folder.write("new.toml", &renamed);
    let (code, stdout, stderr) = run_jixiao(&[
        "diff",
        old.to_str().unwrap(),
        new.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let json: Value = serde_json::from_str(&stdout).unwrap();
    let projects = json["projects"].as_array().unwrap();
    assert_eq!(projects.len(), 1, "{stdout}");
    assert_eq!(projects[0]["status"], "renamed");
    let total = projects[0]["figures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["what"] == "总分")
        .unwrap();
    // 5 / 10 × 90 = 45; 45 + 10 = 55.
    assert_eq!(
        (&total["old"], &total["new"]),
        (&Value::from("100"), &Value::from("55"))
    );

    // A newline and backticks in a file name stay inside the heading.
    let odd = folder.write("a\n#### 伪造`标题.toml", &renamed);
    let (_, markdown, stderr) = run_jixiao(&[
        "diff",
        old.to_str().unwrap(),
        odd.to_str().unwrap(),
        "--format",
        "markdown",
    ]);
    let heading = markdown
        .lines()
        .find(|l| l.starts_with("#### "))
        .unwrap_or_else(|| panic!("{markdown}{stderr}"));
    assert!(
        heading.contains("a\\u{a}#### 伪造`标题.toml``"),
        "{heading}"
    );
    assert!(heading.contains("``"), "{heading}");
    assert_eq!(
        markdown.lines().filter(|l| l.starts_with('#')).count(),
        2,
        "{markdown}"
    );
}

// ---------------------------------------------------------------- the command line itself

/// The commands `jixiao --help` lists (without `help` itself).
fn subcommands() -> Vec<String> {
    let (code, help, _) = jixiao(&["--help"]);
    assert_eq!(code, 0);
    let commands: Vec<String> = help
        .lines()
        .skip_while(|l| !l.trim_start().starts_with("Commands:"))
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .map(str::to_string)
        .collect();
    assert!(commands.len() >= 12, "{help}");
    commands
}

/// The arguments and options `jixiao COMMAND --help` lists: each item's name line (trimmed)
/// and whether it has a description.
fn help_items(command: &str) -> Vec<(String, bool)> {
    let (code, help, stderr) = jixiao(&[command, "--help"]);
    assert_eq!(code, 0, "{command}: {stderr}");
    let lines: Vec<&str> = help.lines().collect();
    let mut items = Vec::new();
    let mut in_list = false;
    for (i, line) in lines.iter().enumerate() {
        if line.ends_with(':') && !line.starts_with(' ') {
            in_list = matches!(*line, "Arguments:" | "Options:");
            continue;
        }
        let trimmed = line.trim_start();
        let item = trimmed.starts_with('-') || trimmed.starts_with('<') || trimmed.starts_with('[');
        if !in_list || !item || line.len() - trimmed.len() > 6 {
            continue;
        }
        // "  -o, --output <OUT>  说明": the text after the name, or (when clap puts every
        // description on its own line) on the next line, indented deeper than any name.
        let same_line = trimmed
            .split_once("  ")
            .is_some_and(|(_, text)| !text.trim().is_empty());
        let next_line = lines.get(i + 1).is_some_and(|next| {
            let indent = next.len() - next.trim_start().len();
            !next.trim().is_empty() && indent > 6
        });
        items.push((trimmed.trim_end().to_string(), same_line || next_line));
    }
    assert!(
        !items.is_empty(),
        "jixiao {command} --help lists nothing:\n{help}"
    );
    items
}

/// Every option and argument of every command says what it is in `--help`.
#[test]
fn help_describes_every_option_of_every_command() {
    for command in subcommands() {
        for (item, described) in help_items(&command) {
            assert!(
                described,
                "jixiao {command} --help: no description for `{item}`"
            );
        }
    }
}

/// docs/cli.md names every option of every command in that command's section, so the
/// reference cannot drift from the code.
#[test]
fn cli_reference_names_every_option_in_its_section() {
    let cli = std::fs::read_to_string("docs/cli.md").unwrap();
    for command in subcommands() {
        let heading = format!("\n## {command}\n");
        let start = cli
            .find(&heading)
            .unwrap_or_else(|| panic!("docs/cli.md has no section `## {command}`"));
        let rest = &cli[start + heading.len()..];
        let section = &rest[..rest.find("\n## ").unwrap_or(rest.len())];
        for (item, _) in help_items(&command) {
            // "-o, --output <OUT>": either spelling will do.
            let names: Vec<&str> = item
                .split([' ', ','])
                .filter(|w| w.starts_with('-') && w.len() > 1)
                .collect();
            if names.is_empty() || names.contains(&"--help") {
                continue;
            }
            assert!(
                names.iter().any(|n| section.contains(n)),
                "docs/cli.md, section `## {command}`, does not mention {}",
                names.join(" / ")
            );
        }
    }
}

#[test]
fn render_infers_the_format_from_the_output_extension() {
    let folder = Folder::new();
    let input = "examples/mof-2020/信息化运维经费.toml";
    let out = |name: &str| folder.path().join(name);
    for (name, magic) in [
        ("表.pdf", &b"%PDF"[..]),
        ("表.png", &b"\x89PNG"[..]),
        ("表.svg", &b"<svg"[..]),
        ("表.xlsx", &b"PK"[..]),
        ("表.PNG", &b"\x89PNG"[..]),
    ] {
        let path = out(name);
        let (code, _, stderr) =
            jixiao(&["render", input, "--ppi", "40", "-o", path.to_str().unwrap()]);
        assert_eq!(code, 0, "{name}: {stderr}");
        let bytes = std::fs::read(&path).unwrap();
        let head = &bytes[..bytes.len().min(200)];
        assert!(
            head.windows(magic.len()).any(|w| w == magic),
            "{name} is not what its extension says"
        );
    }
    // No extension to go by: PDF, as before.
    let plain = out("表");
    assert_eq!(
        jixiao(&["render", input, "-o", plain.to_str().unwrap()]).0,
        0
    );
    assert!(std::fs::read(&plain).unwrap().starts_with(b"%PDF"));
}

#[test]
fn format_contradicting_the_output_extension_is_refused() {
    let folder = Folder::new();
    let input = "examples/mof-2020/信息化运维经费.toml";
    let pdf = folder.path().join("表.pdf");
    let (code, _, stderr) = jixiao(&[
        "render",
        input,
        "--format",
        "png",
        "-o",
        pdf.to_str().unwrap(),
    ]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.starts_with("错误：--format png 与输出文件") && stderr.contains(".pdf 不符"),
        "{stderr}"
    );
    assert!(stderr.contains("\n提示："), "{stderr}");
    assert!(!pdf.exists());
    // The same for a bundle and for watch, before anything is read or laid out.
    let xlsx = folder.path().join("汇编.xlsx");
    let (code, _, stderr) = jixiao(&[
        "bundle",
        "examples/mof-2020",
        "--format",
        "pdf",
        "-o",
        xlsx.to_str().unwrap(),
    ]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.starts_with("错误：--format pdf 与输出文件"),
        "{stderr}"
    );
    let (code, _, stderr) = jixiao(&[
        "watch",
        input,
        "--format",
        "svg",
        "-o",
        pdf.to_str().unwrap(),
    ]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.starts_with("错误：--format svg 与输出文件"),
        "{stderr}"
    );
    assert!(!xlsx.exists() && !pdf.exists());
}

/// A running `jixiao watch`, killed when the test ends (also when it fails).
struct Watcher {
    child: std::process::Child,
    log: std::path::PathBuf,
}

impl Watcher {
    fn spawn(args: &[&str], log: std::path::PathBuf) -> Watcher {
        let child = Command::new(env!("CARGO_BIN_EXE_jixiao"))
            .args(args)
            .stdout(std::process::Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .unwrap();
        Watcher { child, log }
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Poll `ok` for up to 60 s; the watcher must stay alive meanwhile.
    fn wait_for(&mut self, what: &str, ok: &dyn Fn() -> bool) {
        use std::time::{Duration, Instant};
        let start = Instant::now();
        while !ok() {
            assert!(
                self.child.try_wait().unwrap().is_none(),
                "watch exited while waiting to {what}:\n{}",
                self.log()
            );
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "watch did not {what} within 60 s:\n{}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Watcher {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Text of a PDF that may be mid-replace: empty unless it reads back whole.
fn text_if_complete(pdf: &std::path::Path) -> String {
    if !pdf.exists() {
        return String::new();
    }
    std::panic::catch_unwind(|| pdftotext(pdf)).unwrap_or_default()
}

#[test]
fn watch_of_a_folder_re_bundles_when_one_project_changes() {
    let folder = Folder::new();
    let dept = folder.path().join("部门");
    std::fs::create_dir(&dept).unwrap();
    for name in [
        "jixiao.toml",
        "信息化运维经费.toml",
        "职业技能培训补贴.toml",
    ] {
        std::fs::copy(Path::new("examples/mof-2020").join(name), dept.join(name)).unwrap();
    }
    let pdf = folder.path().join("汇编.pdf");
    let mut watcher = Watcher::spawn(
        &["watch", dept.to_str().unwrap(), "-o", pdf.to_str().unwrap()],
        folder.path().join("watch.log"),
    );
    watcher.wait_for("write the first bundle", &|| {
        text_if_complete(&pdf).contains("合计 568.50 513.96 90.41%")
    });
    let first = std::fs::read(&pdf).unwrap();
    assert_eq!(pages(&pdf), 4);
    // One project's 全年执行数: 112.36 → 115; the 汇总表 follows.
    let project = dept.join("信息化运维经费.toml");
    let text = std::fs::read_to_string(&project).unwrap();
    assert!(text.contains("executed = 112.36"));
    std::fs::write(
        &project,
        text.replace("executed = 112.36", "executed = 115"),
    )
    .unwrap();
    watcher.wait_for("re-bundle after the edit", &|| {
        text_if_complete(&pdf).contains("合计 568.50 516.60")
    });
    assert_ne!(std::fs::read(&pdf).unwrap(), first);
    let log = watcher.log();
    assert!(
        log.contains(&format!("已更新 {}（2 个项目，用时 ", pdf.display())),
        "{log}"
    );
    // A project added to the folder is bundled too.
    let third = std::fs::read_to_string("examples/mof-2020/职业技能培训补贴.toml")
        .unwrap()
        .replace("name = \"职业技能培训补贴\"", "name = \"第三个项目\"");
    std::fs::write(dept.join("第三个项目.toml"), third).unwrap();
    watcher.wait_for("bundle the added project", &|| {
        watcher_log_contains(&folder, "（3 个项目，用时 ")
    });
}

fn watcher_log_contains(folder: &Folder, text: &str) -> bool {
    std::fs::read_to_string(folder.path().join("watch.log")).is_ok_and(|l| l.contains(text))
}

#[test]
fn watch_re_renders_when_the_form_template_changes() {
    let folder = Folder::new();
    let templates = folder.path().join("表样");
    let form = templates.join("watched");
    std::fs::create_dir_all(&form).unwrap();
    let toml = std::fs::read_to_string("templates/mof-2020/form.toml")
        .unwrap()
        .replace("id = \"mof-2020\"", "id = \"watched\"");
    std::fs::write(form.join("form.toml"), toml).unwrap();
    let typ = |mark: &str| {
        format!("#import \"/common.typ\": *\n#let form(data) = [#standard-form(data) {mark}]\n")
    };
    std::fs::write(form.join("form.typ"), typ("模板第一版")).unwrap();
    let input = folder.write(
        "p.toml",
        &project(
            "form = \"watched\"",
            "level2 = \"数量指标\"\nname = \"指标\"\ntarget = \"≥1\"\nactual = \"1\"\nweight = 90",
        ),
    );
    let pdf = folder.path().join("p.pdf");
    let mut watcher = Watcher::spawn(
        &[
            "watch",
            input.to_str().unwrap(),
            "--templates",
            templates.to_str().unwrap(),
        ],
        folder.path().join("watch.log"),
    );
    watcher.wait_for("render with the first template", &|| {
        text_if_complete(&pdf).contains("模板第一版")
    });
    std::fs::write(form.join("form.typ"), typ("模板第二版")).unwrap();
    watcher.wait_for("re-render after the template changed", &|| {
        text_if_complete(&pdf).contains("模板第二版")
    });
    assert!(watcher.log().contains("重新加载"), "{}", watcher.log());
}

/// A `jixiao watch` that must exit by itself: its exit code and stderr. Killed, and the test
/// failed, if it is still running after 20 s.
fn watch_that_exits(args: &[&str]) -> (i32, String) {
    use std::time::{Duration, Instant};
    let logs = Folder::new();
    let log = logs.path().join("stderr.log");
    let mut child = Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .args(args)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let stderr = std::fs::read_to_string(&log).unwrap();
            assert!(!stderr.contains("panicked"), "panic: {stderr}");
            return (status.code().unwrap_or(-1), stderr);
        }
        if start.elapsed() > Duration::from_secs(20) {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "jixiao {} still running after 20 s:\n{}",
                args.join(" "),
                std::fs::read_to_string(&log).unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn watch_with_a_missing_font_path_fails_before_announcing() {
    let folder = Folder::new();
    let missing = folder.path().join("没有的字体");
    let pdf = folder.path().join("表.pdf");
    let dir = "examples/mof-2020";
    let file = "examples/mof-2020/信息化运维经费.toml";
    for watched in [file, dir] {
        let (code, stderr) = watch_that_exits(&[
            "watch",
            watched,
            "-o",
            pdf.to_str().unwrap(),
            "--font-path",
            missing.to_str().unwrap(),
        ]);
        assert_eq!(code, 2, "{stderr}");
        assert!(stderr.contains("--font-path"), "{stderr}");
        assert!(
            !stderr.contains("监视"),
            "announced before failing:\n{stderr}"
        );
    }
    // The same for a --templates folder that is not there.
    let (code, stderr) = watch_that_exits(&[
        "watch",
        file,
        "-o",
        pdf.to_str().unwrap(),
        "--templates",
        missing.to_str().unwrap(),
    ]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        !stderr.contains("监视"),
        "announced before failing:\n{stderr}"
    );
    assert!(!pdf.exists());
}

#[test]
fn watch_of_a_folder_refuses_to_overwrite_an_input_at_startup() {
    let folder = Folder::new();
    let dept = folder.path().join("部门");
    std::fs::create_dir(&dept).unwrap();
    for name in [
        "jixiao.toml",
        "信息化运维经费.toml",
        "职业技能培训补贴.toml",
    ] {
        std::fs::copy(Path::new("examples/mof-2020").join(name), dept.join(name)).unwrap();
    }
    for input in ["jixiao.toml", "信息化运维经费.toml"] {
        let target = dept.join(input);
        let before = std::fs::read(&target).unwrap();
        let (code, stderr) = watch_that_exits(&[
            "watch",
            dept.to_str().unwrap(),
            "-o",
            target.to_str().unwrap(),
        ]);
        assert_eq!(code, 2, "{stderr}");
        assert!(stderr.contains("不会覆盖"), "{stderr}");
        assert_eq!(
            stderr.matches("不会覆盖").count(),
            1,
            "said once:\n{stderr}"
        );
        assert!(!stderr.contains("监视"), "{stderr}");
        assert_eq!(std::fs::read(&target).unwrap(), before, "{input} changed");
    }
}

/// `new --from` writes the year it announces, also when the old file took its year from its
/// folder's `jixiao.toml` and the new file lands in a folder that says another.
#[test]
fn new_from_writes_the_year_it_announces() {
    let folder = Folder::new();
    std::fs::write(
        folder.path().join("jixiao.toml"),
        "year = 2021\nform = \"xinjiang\"\n",
    )
    .unwrap();
    let old = "examples/xinjiang/2020年事业单位公开招聘工作相关经费.toml";
    let new = folder.path().join("新.toml");
    cli(&[
        "new",
        new.to_str().unwrap(),
        "--from",
        old,
        "--year",
        "2023",
    ])
    .run()
    .code(0)
    .stderr_has("2023年度");
    let text = std::fs::read_to_string(&new).unwrap();
    assert!(text.contains("\nyear = 2023 "), "{text}");
    assert!(text.parse::<toml::Table>().is_ok(), "{text}");
    cli(&["check", new.to_str().unwrap()])
        .run()
        .stdout_has("2023年度");
}

/// `watch FILE` follows the `jixiao.toml` its project really takes, also one further up its
/// git repository.
#[test]
fn watch_follows_a_folder_file_up_the_repository() {
    let repo = Folder::new();
    std::fs::create_dir(repo.path().join(".git")).unwrap();
    std::fs::write(repo.path().join("jixiao.toml"), "year = 2024\n").unwrap();
    let sub = repo.path().join("部门");
    std::fs::create_dir(&sub).unwrap();
    let text = project(
        "",
        "level2 = \"数量指标\"\nname = \"培训人数\"\ntarget = \"≥100人\"\nactual = \"100人\"\nweight = 90",
    )
    .replacen("year = 2024\n", "", 1);
    let input = sub.join("p.toml");
    std::fs::write(&input, text).unwrap();
    let pdf = sub.join("p.pdf");
    let mut watcher = Watcher::spawn(
        &["watch", input.to_str().unwrap()],
        repo.path().join("watch.log"),
    );
    watcher.wait_for(
        "first render, year from the repository's jixiao.toml",
        &|| text_if_complete(&pdf).contains("2024"),
    );
    std::fs::write(repo.path().join("jixiao.toml"), "year = 2023\n").unwrap();
    watcher.wait_for("re-render after the upper jixiao.toml changed", &|| {
        text_if_complete(&pdf).contains("2023")
    });
}

/// `rollover` carries the old year named in texts forward (the bundle's title, a project name,
/// a plan), clears the bundle's and the signature's dates, keeps comments, notes each year it
/// cannot be sure of, and writes valid TOML (issue 16).
#[test]
fn rollover_carries_the_year_in_texts_and_clears_the_dates() {
    let folder = Folder::new();
    let src = folder.path().join("2020");
    std::fs::create_dir(&src).unwrap();
    std::fs::write(
        src.join("jixiao.toml"),
        "year = 2020   # 评价年度\n\n[bundle]\ntitle = \"2020年度项目支出绩效自评汇编\"  # 封面\n\
         department = \"某某局\"\ndate = \"2021-03-31\"\n",
    )
    .unwrap();
    let project = "# 2020 年的表，年度取自 jixiao.toml\n[project]\nname = \"2020年度人才引进经费\"\n\
                   department = \"某某局\"\nimplementer = \"某某中心\"\n\n[funds.fiscal]\nbudget = 100\n\
                   executed = 100\n\n[goals]\nplanned = '''\n完成2020年度招聘；\n落实2018-2020年规划'''\n\
                   achieved = \"已完成\"\n\n[[indicators]]\nlevel1 = \"产出指标\"\nlevel2 = \"数量指标\"\n\
                   name = \"培训人数\"\ntarget = \"≥100人\"\nactual = \"100人\"\nweight = 90\n\n\
                   [signature]\nfiller = \"张三\"\ndate = \"2021年3月1日\"\n";
    std::fs::write(src.join("人才.toml"), project).unwrap();
    let out = folder.path().join("2021");
    let (code, _, stderr) = jixiao(&[
        "rollover",
        src.to_str().unwrap(),
        "--year",
        "2021",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        std::fs::read_to_string(out.join("jixiao.toml")).unwrap(),
        "year = 2021   # 评价年度\n\n[bundle]\ntitle = \"2021年度项目支出绩效自评汇编\"  # 封面\n\
         department = \"某某局\"\ndate = \"\"\n"
    );
    assert_eq!(
        std::fs::read_to_string(out.join("人才.toml")).unwrap(),
        "# 2020 年的表，年度取自 jixiao.toml\n[project]\nname = \"2021年度人才引进经费\"\n\
         department = \"某某局\"\nimplementer = \"某某中心\"\n\n[funds.fiscal]\nbudget = 100\n\
         executed = \"\"\n\n[goals]\nplanned = '''\n完成2021年度招聘；\n落实2018-2020年规划'''\n\
         achieved = \"\"\n\n[[indicators]]\nlevel1 = \"产出指标\"\nlevel2 = \"数量指标\"\n\
         name = \"培训人数\"\ntarget = \"≥100人\"\nactual = \"\"\nweight = 90\n\n\
         [signature]\nfiller = \"张三\"\ndate = \"\"\n"
    );
    let note = format!(
        "注意：{}：goals.planned：“完成2021年度招聘； 落实2018-2020年规划”中的 2018、2020 未改动，\
         请核对是否应为 2021 年的 (year kept as written)",
        src.join("人才.toml").display()
    );
    assert!(stderr.contains(&note), "{stderr}");
    assert_eq!(stderr.matches("注意：").count(), 1, "{stderr}");
    // The same through `new --from`, the old year taken from the folder file.
    let next = folder.path().join("next.toml");
    let (code, _, stderr) = jixiao(&[
        "new",
        next.to_str().unwrap(),
        "--from",
        src.join("人才.toml").to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    let text = std::fs::read_to_string(&next).unwrap();
    assert!(text.contains("name = \"2021年度人才引进经费\""), "{text}");
    assert!(text.contains("\nyear = 2021 "), "{text}");
}

/// `watch` of a path `check` cannot read says what `check` says (issue 16): a pipe is "不是普通
/// 文件", a symlink loop a loop, a dangling link a dangling link — never "not found".
#[test]
#[cfg(unix)]
fn watch_and_check_say_the_same_of_an_unreadable_path() {
    let folder = Folder::new();
    let pipe = folder.path().join("pipe.toml");
    assert!(
        Command::new("mkfifo")
            .arg(&pipe)
            .status()
            .unwrap()
            .success()
    );
    let looped = folder.path().join("loop.toml");
    std::os::unix::fs::symlink("loop.toml", &looped).unwrap();
    let dangling = folder.path().join("gone.toml");
    std::os::unix::fs::symlink("moved.toml", &dangling).unwrap();
    for (path, words) in [
        (&pipe, "不是普通文件"),
        (&looped, "循环的符号链接"),
        (&dangling, "失效的符号链接"),
    ] {
        let path = path.to_str().unwrap();
        let (code, watched) = watch_that_exits(&["watch", path]);
        assert_eq!(code, 2, "{watched}");
        let message = watched
            .trim()
            .strip_prefix("错误：")
            .unwrap_or(watched.trim());
        assert!(message.contains(words), "{watched}");
        let (code, _, checked) = run_jixiao(&["check", path]);
        assert_eq!(code, 2);
        assert!(
            checked.contains(message),
            "check: {checked}\nwatch: {watched}"
        );
    }
}

/// Issue 16: a PDF bundle is laid out in memory at once (about 2 MB a project); one over the
/// limit is refused before any layout, naming the limit and how to split it — not aborted by
/// the system once memory runs out. The workbook, which is not laid out, is still written.
#[test]
fn a_bundle_over_the_limit_is_refused_before_layout() {
    let folder = Folder::new();
    let text = project(
        "",
        "level2 = \"数量指标\"\nname = \"a\"\ntarget = \"≥1\"\nactual = \"1\"\nweight = 90",
    );
    for i in 0..1001 {
        folder.write(&format!("p{i:04}.toml"), &text);
    }
    let pdf = folder.path().join("汇编.pdf");
    let dir = folder.path().to_str().unwrap();
    let started = std::time::Instant::now();
    let (code, _, stderr) = jixiao(&["bundle", dir, "-o", pdf.to_str().unwrap()]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("有 1001 个项目，超过一份 PDF 汇编的上限 1000 个")
            && stderr.contains("请按子文件夹分开汇编"),
        "{stderr}"
    );
    assert!(!pdf.exists());
    assert!(
        started.elapsed() < std::time::Duration::from_secs(20),
        "refused before layout"
    );
    let xlsx = folder.path().join("汇编.xlsx");
    let (code, _, stderr) = jixiao(&["bundle", dir, "-o", xlsx.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("1001 个项目"), "{stderr}");
}
