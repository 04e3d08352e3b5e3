//! Hostile round 3 against `jixiao import`, with generated inputs (no large fixtures): text
//! that tries to write TOML keys, deep nesting, unbounded work, half-done writes, numbers a
//! double holds but a decimal does not, and inputs that are not regular files.

use super::*;

use std::time::{Duration, Instant};

/// Run jixiao, killed after `limit` (an input that blocks must fail the test, not hang it).
fn run_within(args: &[&str], limit: Duration) -> (i32, String, String, Duration) {
    let start = Instant::now();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > limit {
            let _ = child.kill();
            panic!("jixiao {args:?} still running after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(!stderr.contains("panicked"), "panic on {args:?}: {stderr}");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).to_string(),
        stderr,
        start.elapsed(),
    )
}

/// A good workbook beside the hostile input: it must be imported whatever the other does.
fn good_workbook(folder: &Folder) -> PathBuf {
    let mut sheet = Sheet::new("Sheet1");
    national_form(&mut sheet, 0);
    write_file(folder, "好表.xlsx", &xlsx(&[sheet]))
}

/// Import `hostile` together with a good workbook: exit 2, the hostile file named with
/// `message`, the good one imported and its figures checked.
fn refused_beside_a_good_one(folder: &Folder, hostile: &Path, message: &str) -> Duration {
    let good = good_workbook(folder);
    let out = folder.path().join("out");
    let _ = std::fs::remove_dir_all(&out);
    let (code, _, stderr, took) = run_within(
        &["import", s(hostile), s(&good), "-o", s(&out)],
        Duration::from_secs(60),
    );
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains(&format!("无法导入 {}", hostile.display())) && stderr.contains(message),
        "{message}: {stderr}"
    );
    let report = report_of(&out.join("测试项目乙.toml"));
    assert_eq!(dec(report.total), "98.09", "{:?}", report.problems);
    took
}

// ---------------------------------------------------------------------------------------------
// 1. Text that tries to write keys

/// A sheet name, a file name and cells holding line breaks, CR, U+2028 and bidi controls that
/// would each write `unit = "元"` (amounts ×10 000 on the official form) when copied raw.
#[test]
fn names_and_cells_never_write_keys() {
    let folder = Folder::new();
    let attack = "X\nunit = \"元\"\r\n[signature]\u{2028}filler = \"假\"\u{202e}";
    let mut sheet = Sheet::new("Sheet1");
    national_form(&mut sheet, 0);
    for (_, _, v) in &mut sheet.cells {
        if matches!(v, Value::Text(t) if t == "测试项目乙") {
            *v = Value::Text(format!("测试项目乙{attack}"));
        }
    }
    sheet.text(40, 0, attack);
    let entries = unzip(&xlsx(&[sheet]))
        .into_iter()
        .map(|(name, bytes)| {
            if name == "xl/workbook.xml" {
                let xml = String::from_utf8(bytes).unwrap().replace(
                    "name=\"Sheet1\"",
                    "name=\"S&#10;unit = &quot;元&quot;&#13;&#10;[x]&#x2028;y = 1\"",
                );
                (name, xml.into_bytes())
            } else {
                (name, bytes)
            }
        })
        .collect::<Vec<_>>();
    let input = write_file(&folder, "表\nunit = \"元\"\n.xlsx", &rezip(&entries));
    let out = folder.path().join("out");
    let (code, _, stderr) = run_jixiao(&["import", s(&input), "-o", s(&out)]);
    assert_eq!(code, 0, "{stderr}");
    let files: Vec<PathBuf> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 2, "{files:?}");
    let project = files
        .iter()
        .find(|p| !p.ends_with("jixiao.toml"))
        .unwrap()
        .clone();
    let text = read(&project);
    let table: toml::Table = toml::from_str(&text).unwrap();
    // Only the keys a form has: no `unit` (it is in jixiao.toml), no `[x]`, no `filler`.
    let mut keys: Vec<&str> = table.keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(
        keys,
        ["funds", "goals", "indicators", "project", "total"],
        "{text}"
    );
    let project_keys: Vec<&str> = table["project"]
        .as_table()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(project_keys, ["implementer", "name"], "{text}");
    // The name, its lines joined as import joins a wrapped cell, exactly as the cell says.
    assert_eq!(
        table["project"]["name"].as_str(),
        Some("测试项目乙X unit = \"元\"[signature]\u{2028}filler = \"假\"\u{202e}"),
        "{text}"
    );
    // Every line is a comment, a blank, a header or a key; none carries a raw separator or
    // bidi control.
    for line in text.lines() {
        assert!(
            !line.contains(['\u{2028}', '\u{202e}', '\r']),
            "raw hidden character in {line:?}"
        );
    }
    let first = text.lines().next().unwrap();
    assert!(
        first.starts_with("# 由 jixiao import 导入：表\\nunit = \"元\"\\n.xlsx 工作表“S\\nunit = \"元\"\\r\\n[x]\\u{2028}y = 1”"),
        "{first}"
    );
    // The cell listed at the end keeps its text, escaped, on one comment line.
    assert!(
        text.contains("\n# S\\nunit = \"元\"\\r\\n[x]\\u{2028}y = 1!A41: \"X\\nunit = \\\"元\\\"\\n[signature]\\u2028filler = \\\"假\\\"\\u202E\"\n"),
        "{text}"
    );
    let folder_table: toml::Table = toml::from_str(&read(&out.join("jixiao.toml"))).unwrap();
    assert_eq!(folder_table["unit"].as_str(), Some("万元"));
    // The stated figures still check: nothing was read as 元.
    let report = report_of(&project);
    assert_eq!(dec(report.total), "98.09", "{:?}", report.problems);
}

/// `jixiao new` with a user form whose names hold line breaks: the scaffold's values are
/// strings and its comments stay comments.
#[test]
fn user_form_names_never_write_keys_into_a_scaffold() {
    let folder = Folder::new();
    let dir = folder.path().join("表样");
    let form = dir.join("evil");
    std::fs::create_dir_all(&form).unwrap();
    let builtin = Path::new("templates/mof-2020");
    for entry in std::fs::read_dir(builtin).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), form.join(entry.file_name())).unwrap();
    }
    let spec = read(&form.join("form.toml"));
    let spec = spec
        .replacen("id = \"mof-2020\"", "id = \"evil\"", 1)
        .replacen("name = \"", "name = \"恶意\\nunit = \\\"元\\\"\\n", 1);
    std::fs::write(form.join("form.toml"), spec).unwrap();
    let target = folder.path().join("新.toml");
    let (code, _, stderr) =
        run_jixiao(&["new", s(&target), "--form", "evil", "--templates", s(&dir)]);
    assert_eq!(code, 0, "{stderr}");
    let text = read(&target);
    let table: toml::Table = toml::from_str(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    assert_eq!(table["unit"].as_str(), Some("万元"), "{text}");
    assert!(
        text.starts_with("# 项目支出绩效自评表 · 表样 evil（恶意\\nunit = \"元\"\\n"),
        "{text}"
    );
}

// ---------------------------------------------------------------------------------------------
// 2. Deep nesting

const DEEP: usize = 100_000;

#[test]
fn deeply_nested_documents_are_refused_and_the_others_imported() {
    let folder = Folder::new();
    let nested = |open: &str, close: &str, inner: &str| {
        format!("{}{inner}{}", open.repeat(DEEP), close.repeat(DEEP))
    };
    let cases = [
        (
            "sdt.docx",
            docx(&nested(
                "<w:sdt><w:sdtContent>",
                "</w:sdtContent></w:sdt>",
                &para("x"),
            )),
        ),
        (
            "runs.docx",
            docx(&format!(
                "<w:p>{}</w:p>",
                nested("<w:r>", "</w:r>", "<w:t>x</w:t>")
            )),
        ),
        (
            "tables.docx",
            docx(&nested(
                "<w:tbl><w:tr><w:tc>",
                "</w:tc></w:tr></w:tbl>",
                &para("x"),
            )),
        ),
    ];
    for (name, bytes) in cases {
        let path = write_file(&folder, name, &bytes);
        let took = refused_beside_a_good_one(&folder, &path, "嵌套超过 1 000 层");
        assert!(took < Duration::from_secs(20), "{name}: {took:?}");
    }
    let ods_body = |inner: String| format!("<table:table table:name=\"S\">{inner}</table:table>");
    let ods_cases = [
        (
            "groups.ods",
            ods_body(nested(
                "<table:table-row-group>",
                "</table:table-row-group>",
                "<table:table-row><table:table-cell><text:p>x</text:p></table:table-cell></table:table-row>",
            )),
        ),
        (
            "spans.ods",
            ods_body(format!(
                "<table:table-row><table:table-cell><text:p>{}</text:p></table:table-cell></table:table-row>",
                nested("<text:span>", "</text:span>", "x")
            )),
        ),
    ];
    for (name, body) in ods_cases {
        let path = write_file(&folder, name, &ods_content(&body));
        refused_beside_a_good_one(&folder, &path, "嵌套超过 1 000 层");
    }
    // 150 000 nested runs in one shared string.
    let mut sheet = Sheet::new("Sheet1");
    sheet.text(0, 0, "项目名称");
    let entries = unzip(&xlsx(&[sheet]))
        .into_iter()
        .map(|(name, bytes)| {
            if name == "xl/sharedStrings.xml" {
                let runs = format!(
                    "{}<t>x</t>{}",
                    "<r>".repeat(150_000),
                    "</r>".repeat(150_000)
                );
                let xml =
                    String::from_utf8(bytes)
                        .unwrap()
                        .replacen("<si>", &format!("<si>{runs}"), 1);
                (name, xml.into_bytes())
            } else {
                (name, bytes)
            }
        })
        .collect::<Vec<_>>();
    let path = write_file(&folder, "runs.xlsx", &rezip(&entries));
    let took =
        refused_beside_a_good_one(&folder, &path, "sharedStrings.xml 的 XML 嵌套超过 1 000 层");
    assert!(took < Duration::from_secs(20), "{took:?}");
}

/// An .ods package around `body` (the sheets of office:spreadsheet).
fn ods_content(body: &str) -> Vec<u8> {
    let content = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
         <office:document-content xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" \
         xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" \
         xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\">\
         <office:body><office:spreadsheet>{body}</office:spreadsheet></office:body></office:document-content>"
    );
    rezip(&[("content.xml".to_string(), content.into_bytes())])
}

// ---------------------------------------------------------------------------------------------
// 3. Unbounded work

/// A worksheet part replaced by `sheet_xml` (and shared strings by `strings`, when given).
fn workbook_with(sheet_xml: &str, strings: Option<&str>, sheets: usize) -> Vec<u8> {
    let mut book = Vec::new();
    for i in 0..sheets {
        book.push(Sheet::new(&format!("S{}", i + 1)));
    }
    book[0].text(0, 0, "项目名称");
    unzip(&xlsx(&book))
        .into_iter()
        .map(|(name, bytes)| {
            if name == "xl/worksheets/sheet1.xml" {
                let xml = String::from_utf8(bytes).unwrap();
                let start = xml.find("<sheetData").unwrap();
                let end = xml.find("</sheetData>").map_or_else(
                    || xml[start..].find("/>").unwrap() + start + 2,
                    |e| e + "</sheetData>".len(),
                );
                let xml = format!("{}{sheet_xml}{}", &xml[..start], &xml[end..]);
                (name, xml.into_bytes())
            } else if name == "xl/sharedStrings.xml"
                && let Some(strings) = strings
            {
                let xml = String::from_utf8(bytes).unwrap();
                let start = xml.find("<si>").unwrap();
                let end = xml.rfind("</si>").unwrap() + "</si>".len();
                (
                    name,
                    format!("{}{strings}{}", &xml[..start], &xml[end..]).into_bytes(),
                )
            } else {
                (name, bytes)
            }
        })
        .collect::<Vec<_>>()
        .pipe(|e| rezip(&e))
}

trait Pipe: Sized {
    fn pipe<T>(self, f: impl FnOnce(Self) -> T) -> T {
        f(self)
    }
}
impl<T> Pipe for T {}

#[test]
fn millions_of_empty_cells_stop_at_the_element_limit() {
    let folder = Folder::new();
    // 3.5 M empty cells: a few hundred KB zipped.
    let mut xml = String::from("<sheetData><row r=\"1\">");
    xml.push_str(&"<c/>".repeat(3_500_000));
    xml.push_str("</row></sheetData>");
    let path = write_file(&folder, "空格.xlsx", &workbook_with(&xml, None, 1));
    assert!(std::fs::metadata(&path).unwrap().len() < 1_000_000);
    let took = refused_beside_a_good_one(&folder, &path, "3 000 000 个 XML 元素（每个文件的上限）");
    assert!(took < Duration::from_secs(30), "{took:?}");
}

#[test]
fn one_huge_string_in_many_cells_is_refused_by_size() {
    let folder = Folder::new();
    let cells = |n: usize| {
        let mut xml = String::from("<sheetData>");
        for r in 1..=n {
            xml.push_str(&format!(
                "<row r=\"{r}\"><c r=\"A{r}\" t=\"s\"><v>0</v></c></row>"
            ));
        }
        xml.push_str("</sheetData>");
        xml
    };
    // Longer than a cell may be.
    let long = format!("<si><t>{}</t></si>", "长".repeat(40_000));
    let path = write_file(
        &folder,
        "长串.xlsx",
        &workbook_with(&cells(300), Some(&long), 1),
    );
    refused_beside_a_good_one(&folder, &path, "单元格 S1!A1 有 40 000 个字符");
    // Each under the cell limit, together over the file's text limit.
    let wide = format!("<si><t>{}</t></si>", "x".repeat(30_000));
    let path = write_file(
        &folder,
        "宽串.xlsx",
        &workbook_with(&cells(3_000), Some(&wide), 1),
    );
    refused_beside_a_good_one(&folder, &path, "64 MB 的单元格文字（每个文件的上限）");
}

#[test]
fn sheets_pointing_at_one_part_are_read_once() {
    let folder = Folder::new();
    let mut book = Vec::new();
    let mut first = Sheet::new("S1");
    national_form(&mut first, 0);
    book.push(first);
    for i in 1..400 {
        book.push(Sheet::new(&format!("S{}", i + 1)));
    }
    let entries = unzip(&xlsx(&book))
        .into_iter()
        .map(|(name, bytes)| {
            if name == "xl/_rels/workbook.xml.rels" {
                let xml = String::from_utf8(bytes).unwrap();
                let mut out = String::new();
                let mut rest = xml.as_str();
                while let Some(i) = rest.find("worksheets/sheet") {
                    out.push_str(&rest[..i]);
                    out.push_str("worksheets/sheet1.xml");
                    rest = &rest[i..];
                    rest = &rest[rest.find(".xml").unwrap() + 4..];
                }
                out.push_str(rest);
                (name, out.into_bytes())
            } else {
                (name, bytes)
            }
        })
        .collect::<Vec<_>>();
    let path = write_file(&folder, "同页.xlsx", &rezip(&entries));
    let out = folder.path().join("out");
    let (code, _, stderr, took) = run_within(
        &["import", s(&path), "-o", s(&out)],
        Duration::from_secs(60),
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("找到 1 张自评表"), "{stderr}");
    assert!(
        stderr.contains("399 张工作表（“S2”、“S3”、“S4”……）与工作表“S1”指向同一份数据"),
        "{stderr}"
    );
    assert!(took < Duration::from_secs(30), "{took:?}");
}

#[test]
fn ods_repeats_count_in_cells() {
    let folder = Folder::new();
    // 1 000 rows × 1 000 columns of "x": 6 KB of XML, a million cells.
    let body = "<table:table table:name=\"S\"><table:table-row table:number-rows-repeated=\"1000\"><table:table-cell table:number-columns-repeated=\"1000\"><text:p>x</text:p></table:table-cell></table:table-row></table:table>";
    let path = write_file(&folder, "重复.ods", &ods_content(body));
    refused_beside_a_good_one(&folder, &path, "500 000 个单元格（每个文件的上限）");
    // Text: 30 000 characters repeated in 3 000 columns.
    let body = format!(
        "<table:table table:name=\"S\"><table:table-row><table:table-cell table:number-columns-repeated=\"3000\"><text:p>{}</text:p></table:table-cell></table:table-row></table:table>",
        "x".repeat(30_000)
    );
    let path = write_file(&folder, "长重复.ods", &ods_content(&body));
    refused_beside_a_good_one(&folder, &path, "64 MB 的单元格文字");
    // A thousand spaces from twenty bytes, a hundred thousand times in one cell.
    let body = format!(
        "<table:table table:name=\"S\"><table:table-row><table:table-cell><text:p>{}</text:p></table:table-cell></table:table-row></table:table>",
        "<text:s text:c=\"1000\"/>x".repeat(100_000)
    );
    let path = write_file(&folder, "空格.ods", &ods_content(&body));
    refused_beside_a_good_one(&folder, &path, "超过一个单元格的上限 32 767 个字符");
    // 2 000 tables, each far under any per-sheet bound.
    let table = "<table:table table:name=\"T\"><table:table-row table:number-rows-repeated=\"300\"><table:table-cell><text:p>x</text:p></table:table-cell></table:table-row></table:table>";
    let path = write_file(&folder, "多表.ods", &ods_content(&table.repeat(2_000)));
    refused_beside_a_good_one(&folder, &path, "500 000 个单元格（每个文件的上限）");
}

// ---------------------------------------------------------------------------------------------
// 4. Half-done writes

/// A name of 80 four-byte characters is 320 bytes, over the file-system limit: cut by bytes,
/// and the run writes every file.
#[test]
fn long_names_are_cut_by_bytes() {
    let folder = Folder::new();
    let name = "𪚖".repeat(80);
    let mut sheet = Sheet::new("Sheet1");
    national_form(&mut sheet, 0);
    for (_, _, v) in &mut sheet.cells {
        if matches!(v, Value::Text(t) if t == "测试项目乙") {
            *v = Value::Text(name.clone());
        }
    }
    let mut second = Sheet::new("Sheet2");
    national_form(&mut second, 0);
    for (_, _, v) in &mut second.cells {
        if matches!(v, Value::Text(t) if t == "测试项目乙") {
            *v = Value::Text(name.clone());
        }
    }
    let input = write_file(&folder, "长名.xlsx", &xlsx(&[sheet, second]));
    let out = folder.path().join("out");
    let (code, _, stderr) = run_jixiao(&["import", s(&input), "-o", s(&out)]);
    assert_eq!(code, 0, "{stderr}");
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names.len(), 3, "{names:?}");
    for n in &names {
        assert!(n.len() <= 255, "{} bytes: {n}", n.len());
    }
    let stem = "𪚖".repeat(60);
    assert_eq!(
        names,
        [
            "jixiao.toml".to_string(),
            format!("{stem}-2.toml"),
            format!("{stem}.toml"),
        ]
    );
    let table: toml::Table = toml::from_str(&read(&out.join(format!("{stem}.toml")))).unwrap();
    assert_eq!(table["project"]["name"].as_str(), Some(name.as_str()));
}

// ---------------------------------------------------------------------------------------------
// 5. Numbers

#[test]
fn numbers_are_exact_or_left_to_fill() {
    let folder = Folder::new();
    let mut sheet = Sheet::new("Sheet1");
    national_form(&mut sheet, 0);
    for (r, c, v) in &mut sheet.cells {
        match (*r, *c) {
            // 全年执行数 of 年度资金总额, the largest double.
            (5, 4) => *v = Value::Number(f64::MAX),
            // 执行率 of 年度资金总额: 1e-30 as a percentage.
            (5, 6) => *v = Value::Formatted(1e-30, "0.00%"),
            // 实际完成值 of 满意度: 1e30 as a percentage.
            (13, 5) => *v = Value::Formatted(1e30, "0%"),
            _ => {}
        }
    }
    // The same cells through both number paths: the xlsx reader's and the ods reader's.
    let book = [sheet];
    for (name, bytes) in [("大数.xlsx", xlsx(&book)), ("大数.ods", ods(&book))] {
        let input = write_file(&folder, name, &bytes);
        let out = folder.path().join(name).with_extension("out");
        let (_, _, stderr) = run_jixiao(&["import", s(&input), "-o", s(&out)]);
        assert_exact_or_blank(&read(&out.join("测试项目乙.toml")), &stderr);
    }
}

fn assert_exact_or_blank(text: &str, stderr: &str) {
    let table: toml::Table = toml::from_str(text).unwrap_or_else(|e| panic!("{e}\n{stderr}"));
    let total = &table["funds"]["total"];
    assert_eq!(total["executed"].as_str(), Some(""), "{text}");
    assert!(
        text.contains("原表 Sheet1!E6 所存的数为 1.79769313486232E+308，超出可精确计算的范围"),
        "{text}"
    );
    assert_eq!(
        total["rate"].as_str(),
        Some(format!("0.{}1%", "0".repeat(27)).as_str()),
        "{text}"
    );
    let satisfaction = &table["indicators"].as_array().unwrap()[2];
    assert_eq!(satisfaction["actual"].as_str(), Some(""), "{text}");
    assert!(text.contains("所存的数为 1E+32%"), "{text}");
    assert!(!text.contains("inf"), "{text}");
}

// ---------------------------------------------------------------------------------------------
// Not regular files

#[cfg(unix)]
#[test]
fn a_named_pipe_is_refused_at_once() {
    let folder = Folder::new();
    let fifo = folder.path().join("管道.xlsx");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let took = refused_beside_a_good_one(&folder, &fifo, "不是普通文件");
    assert!(took < Duration::from_secs(20), "{took:?}");
}

/// A problem in each of 100 000 cells (an address that is not one) gives fifty notes and a
/// count, not 100 000 lines.
#[test]
fn notes_on_damaged_cells_are_bounded() {
    let folder = Folder::new();
    let mut xml = String::from("<sheetData><row r=\"1\">");
    for i in 0..100_000 {
        xml.push_str(&format!("<c r=\"第{i}\"><v>1</v></c>"));
    }
    xml.push_str("</row></sheetData>");
    let path = write_file(&folder, "坏址.xlsx", &workbook_with(&xml, None, 1));
    let good = good_workbook(&folder);
    let out = folder.path().join("out");
    let (code, _, stderr, _) = run_within(
        &["import", s(&path), s(&good), "-o", s(&out)],
        Duration::from_secs(60),
    );
    assert_eq!(code, 0, "{stderr}");
    let listed = stderr
        .lines()
        .filter(|l| l.contains("单元格地址“第"))
        .count();
    assert_eq!(listed, 50, "{stderr}");
    assert!(
        stderr.contains("……另有 99950 处类似的问题未逐一列出"),
        "{stderr}"
    );
}

/// 5 000 sheet entries in the workbook's directory (none with data) stop at the sheet limit,
/// before any is looked for.
#[test]
fn thousands_of_sheet_entries_are_bounded() {
    let folder = Folder::new();
    let entries = unzip(&workbook_with("<sheetData/>", None, 1))
        .into_iter()
        .map(|(name, bytes)| {
            if name == "xl/workbook.xml" {
                let extra: String = (2..5_002)
                    .map(|i| format!("<sheet name=\"X{i}\" sheetId=\"{i}\"/>"))
                    .collect();
                let xml = String::from_utf8(bytes).unwrap().replacen(
                    "</sheets>",
                    &format!("{extra}</sheets>"),
                    1,
                );
                (name, xml.into_bytes())
            } else {
                (name, bytes)
            }
        })
        .collect::<Vec<_>>();
    let path = write_file(&folder, "多表.xlsx", &rezip(&entries));
    refused_beside_a_good_one(&folder, &path, "4 096 张工作表（每个文件的上限）");
}

// ---------------------------------------------------------------------------------------------
// Hostile round 4: number formats that show another number than the stored one

/// The 万元 trick (`0!.0000` shows 元 1000000 as 100.0000), a trailing comma (÷1000) and an
/// escaped % (a literal sign, no ×100) are read as the form shows them; a format whose shown
/// number cannot be computed exactly leaves the figure to fill, naming cell, value and format.
#[test]
fn number_formats_are_read_as_the_form_shows_them() {
    let folder = Folder::new();
    let mut sheet = Sheet::new("Sheet1");
    national_form(&mut sheet, 0);
    for (r, c, v) in &mut sheet.cells {
        match (*r, *c) {
            (5, 3) => *v = Value::Formatted(1_000_000.0, "0!.0000"),
            (5, 4) => *v = Value::Formatted(86_180.0, "#,##0.00,"),
            (5, 6) => *v = Value::Formatted(86.18, "0.00!%"),
            (6, 3) => *v = Value::Formatted(999_000.0, "0\".\"0000"),
            (6, 4) => *v = Value::Formatted(86.08, "0\"-\"00"),
            _ => {}
        }
    }
    let input = write_file(&folder, "万元.xlsx", &xlsx(&[sheet]));
    let out = folder.path().join("out");
    let (code, _, stderr) = run_jixiao(&["import", s(&input), "-o", s(&out)]);
    // Written; `check` then asks for the figure left to fill.
    assert_eq!(code, 1, "{stderr}");
    let text = read(&out.join("测试项目乙.toml"));
    let table: toml::Table = toml::from_str(&text).unwrap();
    let funds = &table["funds"];
    assert_eq!(funds["total"]["budget"].as_str(), Some("100"), "{text}");
    assert_eq!(funds["total"]["executed"].as_str(), Some("86.18"), "{text}");
    assert_eq!(funds["total"]["rate"].as_str(), Some("86.18%"), "{text}");
    assert_eq!(funds["fiscal"]["budget"].as_str(), Some("99.9"), "{text}");
    assert_eq!(funds["fiscal"]["executed"].as_str(), Some(""), "{text}");
    assert!(
        text.contains("单元格所存 1000000，数字格式“0!.0000”显示为 100，按显示的数录入"),
        "{text}"
    );
    assert!(
        text.contains("原表 Sheet1!E7 所存的数为 86.08，其数字格式“0\"-\"00”显示的是另一个数"),
        "{text}"
    );
}

/// An .ods whose cell shows another number than it stores (a `number:display-factor` style or
/// text between the digits): left to fill, never the stored number.
#[test]
fn ods_cells_showing_another_number_are_left_to_fill() {
    let folder = Folder::new();
    let mut sheet = Sheet::new("Sheet1");
    national_form(&mut sheet, 0);
    for (r, c, v) in &mut sheet.cells {
        if (*r, *c) == (5, 3) {
            *v = Value::Number(1_000_000.0);
        }
    }
    let entries = unzip(&ods(&[sheet]))
        .into_iter()
        .map(|(name, bytes)| {
            let xml = String::from_utf8(bytes).unwrap();
            let xml = xml.replace("<text:p>1000000</text:p>", "<text:p>100.0000</text:p>");
            (name, xml.into_bytes())
        })
        .collect::<Vec<_>>();
    let input = write_file(&folder, "万元.ods", &rezip(&entries));
    let out = folder.path().join("out");
    let (code, _, stderr) = run_jixiao(&["import", s(&input), "-o", s(&out)]);
    // Written; `check` then asks for the figure left to fill.
    assert_eq!(code, 1, "{stderr}");
    let text = read(&out.join("测试项目乙.toml"));
    let table: toml::Table = toml::from_str(&text).unwrap();
    assert_eq!(
        table["funds"]["total"]["budget"].as_str(),
        Some(""),
        "{text}"
    );
    assert!(
        text.contains("原表 Sheet1!D6 所存的数为 1000000，所显示的“100.0000”显示的是另一个数"),
        "{text}"
    );
    assert_eq!(
        table["funds"]["total"]["executed"].as_str(),
        Some("86.18"),
        "{text}"
    );
}

/// Hostile round 4: a part compressed with a method Office never writes (bzip2, method 12) is
/// refused in Chinese before anything is unpacked; the good workbook beside it is imported.
#[test]
fn zip_methods_office_never_writes_are_refused() {
    let folder = Folder::new();
    let mut sheet = Sheet::new("Sheet1");
    national_form(&mut sheet, 0);
    let mut bytes = xlsx(&[sheet]);
    let name = b"xl/sharedStrings.xml";
    let mut patched = 0;
    for at in 0..bytes.len() - name.len() {
        if &bytes[at..at + name.len()] != name {
            continue;
        }
        if at >= 30 && bytes[at - 30..at - 26] == *b"PK\x03\x04" {
            bytes[at - 30 + 8] = 12;
            patched += 1;
        }
        if at >= 46 && bytes[at - 46..at - 42] == *b"PK\x01\x02" {
            bytes[at - 46 + 10] = 12;
            patched += 1;
        }
    }
    assert_eq!(patched, 2);
    let hostile = write_file(&folder, "bzip2.xlsx", &bytes);
    refused_beside_a_good_one(
        &folder,
        &hostile,
        "使用了 Excel、WPS、Word 都不会使用的压缩方式",
    );
}

/// Hostile round 4: a workbook of 120 forms is written with at most 40 files open: each
/// temporary file is closed once written (the set stays all-or-nothing).
#[cfg(target_os = "linux")]
#[test]
fn many_forms_are_written_with_few_open_files() {
    let folder = Folder::new();
    let mut sheet = Sheet::new("Sheet1");
    let mut top = 0;
    for i in 0..120 {
        let start = top;
        top = national_form(&mut sheet, top) + 1;
        for (r, _, v) in &mut sheet.cells {
            if *r >= start && matches!(v, Value::Text(t) if t == "测试项目乙") {
                *v = Value::Text(format!("测试项目{i}"));
            }
        }
    }
    let input = write_file(&folder, "多表.xlsx", &xlsx(&[sheet]));
    let out = folder.path().join("out");
    let script = format!(
        "ulimit -n 40 && exec '{}' import '{}' -o '{}'",
        env!("CARGO_BIN_EXE_jixiao"),
        input.display(),
        out.display()
    );
    let run = std::process::Command::new("sh")
        .args(["-c", &script])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.code().is_some_and(|c| c < 2), "{stderr}");
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 121, "{stderr}");
    let report = report_of(&out.join("测试项目119.toml"));
    assert_eq!(dec(report.total), "98.09", "{:?}", report.problems);
}

/// Hostile round 4: a failed import into `-o new1/new2/out` removes every folder it created,
/// and tells the OS error in Chinese (here a file size limit of 0: EFBIG on the first write).
#[cfg(target_os = "linux")]
#[test]
fn a_failed_import_removes_the_folders_it_created() {
    let folder = Folder::new();
    let good = good_workbook(&folder);
    let out = folder.path().join("new1/new2/out");
    let script = format!(
        "ulimit -f 0 && trap '' XFSZ && exec '{}' import '{}' -o '{}'",
        env!("CARGO_BIN_EXE_jixiao"),
        good.display(),
        out.display()
    );
    let run = std::process::Command::new("sh")
        .args(["-c", &script])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("文件超过文件系统允许的大小"), "{stderr}");
    assert!(!folder.path().join("new1").exists(), "{stderr}");
    assert!(folder.path().join("好表.xlsx").is_file());
}

/// Hostile round 4: a value below the double range (`1E-400`) is left to fill as out of range,
/// never read as 0.
#[test]
fn values_below_the_double_range_are_left_to_fill() {
    let folder = Folder::new();
    let mut sheet = Sheet::new("Sheet1");
    national_form(&mut sheet, 0);
    let entries = unzip(&xlsx(&[sheet]))
        .into_iter()
        .map(|(name, bytes)| {
            let xml = String::from_utf8(bytes).unwrap();
            (
                name,
                xml.replace("<v>86.18</v>", "<v>1E-400</v>").into_bytes(),
            )
        })
        .collect::<Vec<_>>();
    let input = write_file(&folder, "极小.xlsx", &rezip(&entries));
    let out = folder.path().join("out");
    let (_, _, stderr) = run_jixiao(&["import", s(&input), "-o", s(&out)]);
    let text = read(&out.join("测试项目乙.toml"));
    let table: toml::Table = toml::from_str(&text).unwrap_or_else(|e| panic!("{e}\n{stderr}"));
    assert_eq!(
        table["funds"]["total"]["executed"].as_str(),
        Some(""),
        "{text}"
    );
    assert!(
        text.contains("原表 Sheet1!E6 所存的数为 1E-400，超出可精确计算的范围"),
        "{text}"
    );
}

/// Hostile round 4: two cells at one address (`<c r="E6">` twice) are noted and the figure left
/// to fill, rather than one value picked silently.
#[test]
fn two_cells_at_one_address_are_left_to_fill() {
    let folder = Folder::new();
    let mut sheet = Sheet::new("Sheet1");
    national_form(&mut sheet, 0);
    let entries = unzip(&xlsx(&[sheet]))
        .into_iter()
        .map(|(name, bytes)| {
            let xml = String::from_utf8(bytes).unwrap().replace(
                "<v>86.18</v></c>",
                "<v>86.18</v></c><c r=\"E6\"><v>8618</v></c>",
            );
            (name, xml.into_bytes())
        })
        .collect::<Vec<_>>();
    let input = write_file(&folder, "重复.xlsx", &rezip(&entries));
    let out = folder.path().join("out");
    let (_, _, stderr) = run_jixiao(&["import", s(&input), "-o", s(&out)]);
    assert!(
        stderr.contains("单元格 E6 出现了不止一次（“86.18”、“8618”）"),
        "{stderr}"
    );
    let text = read(&out.join("测试项目乙.toml"));
    let table: toml::Table = toml::from_str(&text).unwrap_or_else(|e| panic!("{e}\n{stderr}"));
    let executed = table["funds"]["total"]
        .get("executed")
        .and_then(|v| v.as_str());
    assert!(matches!(executed, None | Some("")), "{text}");
}

/// Hostile round 4: text Word does not show is not imported: a tracked move's old place
/// (`w:moveFrom`, shown at its `w:moveTo`) and the fallback copy of `mc:AlternateContent`
/// (Word shows the `mc:Choice`, not both).
#[test]
fn word_moved_and_alternate_text_is_read_once() {
    let folder = Folder::new();
    let body = [
        para("项目支出绩效自评表"),
        para("（2024年度）"),
        word_form("档案管理经费", "97.84", false).replacen(
            "<w:t xml:space=\"preserve\">滨江市档案馆</w:t></w:r>",
            "<w:t xml:space=\"preserve\">滨江市档案馆</w:t></w:r>\
             <w:moveFrom><w:r><w:t>（搬走的字）</w:t></w:r></w:moveFrom>\
             <mc:AlternateContent xmlns:mc=\"http://schemas.openxmlformats.org/markup-compatibility/2006\">\
             <mc:Choice Requires=\"wps\"><w:r><w:t>（盖章）</w:t></w:r></mc:Choice>\
             <mc:Fallback><w:r><w:t>（盖章）</w:t></w:r></mc:Fallback></mc:AlternateContent>",
            1,
        ),
    ]
    .concat();
    let input = write_file(&folder, "修订.docx", &docx(&body));
    let out = folder.path().join("out");
    let (code, _, stderr) = run_jixiao(&["import", s(&input), "-o", s(&out)]);
    assert_eq!(code, 0, "{stderr}");
    let text = read(&out.join("档案管理经费.toml"));
    assert!(
        text.contains("implementer = \"滨江市档案馆（盖章）\""),
        "{text}"
    );
    assert!(!text.contains("搬走"), "{text}");
}

/// Hostile round 4: a regular-looking file of a pseudo file system (`/proc/self/status`;
/// `/proc/kmsg` blocks) is refused before it is opened, as a pipe is.
#[cfg(target_os = "linux")]
#[test]
fn pseudo_files_are_refused() {
    let folder = Folder::new();
    let out = folder.path().join("out");
    let (code, _, stderr, _) = run_within(
        &["import", "/proc/self/status", "-o", s(&out)],
        Duration::from_secs(20),
    );
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("不是普通文件"), "{stderr}");
}
