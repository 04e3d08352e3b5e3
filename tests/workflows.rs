//! Department bundle, scaffold, JSON Schema and export, end to end through the binary.

mod common;
use common::*;

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
    assert!(
        text.contains("第 1 页 共 4 页") && text.contains("第 4 页 共 4 页"),
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
    assert!(count >= 30);
    let mut errors = Vec::new();
    let broken = toml_to_json(
        "year = \"二〇二一\"\nunit = \"美元\"\n[[indicators]]\nlevl1 = \"产出指标\"\n",
    );
    validate(&schema, &schema, &broken, "$", &mut errors);
    assert_eq!(errors.len(), 3, "{errors:?}");
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
