//! `jixiao import`: hand-made .xlsx and .docx fixtures (built here with rust_xlsxwriter and a
//! hand-written word/document.xml, never with jixiao's own writer) read back into TOML, checked
//! against hand-computed figures; bad inputs refused with Chinese messages.

use crate::common::*;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use rust_xlsxwriter::{Format, Workbook};

/// Hostile round 3: generated hostile inputs.
#[path = "import_hostile.rs"]
mod hostile;

// ---------------------------------------------------------------------------------------------
// Fixture builders

enum Value {
    Text(String),
    Number(f64),
    Formatted(f64, &'static str),
}

/// A worksheet to build: cells and merged ranges (written into the sheet XML afterwards, as
/// Excel writes them, so a merged range may hold cells of its own).
struct Sheet {
    name: String,
    cells: Vec<(u32, u16, Value)>,
    merges: Vec<(u32, u16, u32, u16)>,
}

impl Sheet {
    fn new(name: &str) -> Self {
        Sheet {
            name: name.to_string(),
            cells: Vec::new(),
            merges: Vec::new(),
        }
    }
    fn text(&mut self, r: u32, c: u16, t: &str) -> &mut Self {
        self.cells.push((r, c, Value::Text(t.to_string())));
        self
    }
    fn num(&mut self, r: u32, c: u16, v: f64) -> &mut Self {
        self.cells.push((r, c, Value::Number(v)));
        self
    }
    fn fmt(&mut self, r: u32, c: u16, v: f64, format: &'static str) -> &mut Self {
        self.cells.push((r, c, Value::Formatted(v, format)));
        self
    }
    /// A merged range with `t` in its top-left cell.
    fn merged(&mut self, r1: u32, c1: u16, r2: u32, c2: u16, t: &str) -> &mut Self {
        if !t.is_empty() {
            self.text(r1, c1, t);
        }
        self.merges.push((r1, c1, r2, c2));
        self
    }
}

fn col_name(c: u16) -> String {
    let mut c = u32::from(c);
    let mut out = Vec::new();
    loop {
        out.push(b'A' + (c % 26) as u8);
        if c < 26 {
            break;
        }
        c = c / 26 - 1;
    }
    out.reverse();
    String::from_utf8(out).unwrap()
}

/// The entries of a zip, in order.
fn unzip(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    (0..zip.len())
        .map(|i| {
            let mut f = zip.by_index(i).unwrap();
            let mut data = Vec::new();
            f.read_to_end(&mut data).unwrap();
            (f.name().unwrap().to_string(), data)
        })
        .collect()
}

fn rezip(entries: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, data) in entries {
        out.start_file(name.as_str(), zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(data).unwrap();
    }
    out.finish().unwrap().into_inner()
}

fn xlsx(sheets: &[Sheet]) -> Vec<u8> {
    let mut workbook = Workbook::new();
    for sheet in sheets {
        let ws = workbook.add_worksheet();
        ws.set_name(&sheet.name).unwrap();
        for (r, c, v) in &sheet.cells {
            match v {
                Value::Text(t) => ws.write_string(*r, *c, t).map(|_| ()),
                Value::Number(n) => ws.write_number(*r, *c, *n).map(|_| ()),
                Value::Formatted(n, f) => ws
                    .write_number_with_format(*r, *c, *n, &Format::new().set_num_format(*f))
                    .map(|_| ()),
            }
            .unwrap();
        }
    }
    let bytes = workbook.save_to_buffer().unwrap();
    let mut entries = unzip(&bytes);
    for (i, sheet) in sheets.iter().enumerate() {
        if sheet.merges.is_empty() {
            continue;
        }
        let name = format!("xl/worksheets/sheet{}.xml", i + 1);
        let entry = entries.iter_mut().find(|(n, _)| *n == name).unwrap();
        let xml = String::from_utf8(entry.1.clone()).unwrap();
        let mut merges = format!("<mergeCells count=\"{}\">", sheet.merges.len());
        for (r1, c1, r2, c2) in &sheet.merges {
            merges.push_str(&format!(
                "<mergeCell ref=\"{}{}:{}{}\"/>",
                col_name(*c1),
                r1 + 1,
                col_name(*c2),
                r2 + 1
            ));
        }
        merges.push_str("</mergeCells>");
        let xml = if xml.contains("</sheetData>") {
            xml.replacen("</sheetData>", &format!("</sheetData>{merges}"), 1)
        } else {
            xml.replacen("<sheetData/>", &format!("<sheetData/>{merges}"), 1)
        };
        entry.1 = xml.into_bytes();
    }
    rezip(&entries)
}

/// The 包头 2021 form "流动人员档案管理经费" (seed 000) as a worksheet from row `top`:
/// merged labels, numbers as numbers, rates in a "0%" format, "年初预 算数" with a space,
/// "项目资金\n(万元)" with a line break. Returns the row after it.
fn baotou_form(s: &mut Sheet, top: u32) -> u32 {
    let r = top;
    s.merged(r, 0, r, 8, "项目支出绩效自评表");
    s.merged(r + 1, 0, r + 1, 8, "(2021 年度)");
    s.merged(r + 2, 0, r + 2, 1, "项目名称");
    s.merged(r + 2, 2, r + 2, 8, "流动人员档案管理经费");
    s.merged(r + 3, 0, r + 3, 1, "项目主管部门及代码");
    s.merged(r + 3, 2, r + 3, 4, "(406)中国包头高新技术人才服务中心部门");
    s.text(r + 3, 5, "实施单位");
    s.merged(r + 3, 6, r + 3, 8, "(406001)中国包头高新技术人才服务中心");
    s.merged(r + 4, 0, r + 7, 0, "项目资金\n(万元)");
    for (c, label) in [
        "年初预 算数",
        "全年预算数",
        "全年执行数",
        "分值",
        "执行率",
        "得分",
    ]
    .iter()
    .enumerate()
    {
        s.text(r + 4, 2 + c as u16, label);
    }
    s.text(r + 5, 1, "年度总金额");
    s.num(r + 5, 2, 70.0)
        .num(r + 5, 3, 70.0)
        .num(r + 5, 4, 54.91);
    s.text(r + 5, 5, "(10分)");
    s.fmt(r + 5, 6, 0.78, "0%").num(r + 5, 7, 7.8);
    s.text(r + 6, 1, "其中：财政拨款");
    s.num(r + 6, 2, 70.0)
        .num(r + 6, 3, 70.0)
        .num(r + 6, 4, 54.91);
    s.text(r + 6, 5, "—")
        .fmt(r + 6, 6, 0.78, "0%")
        .text(r + 6, 7, "—");
    s.text(r + 7, 1, "其他资金")
        .text(r + 7, 5, "—")
        .text(r + 7, 7, "—");
    s.merged(r + 8, 0, r + 9, 0, "年度总体目标");
    s.merged(r + 8, 1, r + 8, 4, "预期目标");
    s.merged(r + 8, 5, r + 8, 8, "实际完成情况");
    s.merged(
        r + 9,
        1,
        r + 9,
        4,
        "按照国家和内蒙的要求，积极推动信息化工作。",
    );
    s.merged(r + 9, 5, r + 9, 8, "档案管理的信息化水平不断提升。");
    let h = r + 10;
    s.merged(h, 0, h + 13, 0, "绩效指标");
    for (c, label) in [
        "一级指标",
        "二级指标",
        "三级指标",
        "年度指标值",
        "实际完成值",
        "分值",
        "得分",
        "未完成原因分析",
    ]
    .iter()
    .enumerate()
    {
        s.text(h, 1 + c as u16, label);
    }
    let rows: [(&str, &str, &str, &str, f64, f64, &str); 13] = [
        ("档案机要邮寄数量", "≥800", "832", "", 7.0, 7.0, ""),
        ("档案电子化数量", "≥20000", "22580", "", 8.0, 8.0, ""),
        ("档案机要邮寄合格率", "100%", "", "1", 7.0, 7.0, ""),
        ("流动人员档案电子化合格率", "100%", "", "1", 8.0, 8.0, ""),
        ("档案机要邮寄工作时间", "全年", "全年", "", 3.0, 3.0, ""),
        (
            "流动人员档案电子化服务时间",
            "全年",
            "全年",
            "",
            5.0,
            5.0,
            "",
        ),
        (
            "流动人员档案相关运行服务时间",
            "全年",
            "全年",
            "",
            2.0,
            2.0,
            "",
        ),
        (
            "档案机要邮寄费用",
            "≤4万元",
            "2.52万元",
            "",
            3.0,
            1.9,
            "按毕业生要求有些档案未通过我单位邮寄",
        ),
        (
            "流动人员档案电子化使用、维护费用",
            "≤63万元",
            "51.25万元",
            "",
            5.0,
            4.1,
            "按合同约定，档案电子化的质保金，未支付",
        ),
        (
            "流动人员档案相关运行服务费",
            "≤3万元",
            "1.14万元",
            "",
            2.0,
            0.8,
            "有款项未结清，待支付。",
        ),
        (
            "流动人员档案服务提供便利",
            "显著",
            "显著",
            "",
            15.0,
            15.0,
            "",
        ),
        (
            "保障单位正常运转可持续性",
            "长期",
            "长期",
            "",
            15.0,
            15.0,
            "",
        ),
        ("办理人员满意度", "≥95%", "95%", "", 10.0, 10.0, ""),
    ];
    // 一级 and 二级 names in merged cells, printed as on the form.
    s.merged(h + 1, 1, h + 10, 1, "产出指标 (50分)");
    s.merged(h + 1, 2, h + 2, 2, "数量指标");
    s.merged(h + 3, 2, h + 4, 2, "质量指标");
    s.merged(h + 5, 2, h + 7, 2, "时效指标");
    s.merged(h + 8, 2, h + 10, 2, "成本指标");
    s.merged(h + 11, 1, h + 12, 1, "效益指标 (30分)");
    s.text(h + 11, 2, "社会效益指标");
    s.text(h + 12, 2, "可持续影响指标");
    s.text(h + 13, 1, "满意度指标 (10分)");
    s.text(h + 13, 2, "服务对象满意度指标");
    for (i, (name, target, actual, percent, weight, score, reason)) in rows.iter().enumerate() {
        let row = h + 1 + i as u32;
        s.text(row, 3, name).text(row, 4, target);
        if percent.is_empty() {
            s.text(row, 5, actual);
        } else {
            s.fmt(row, 5, 1.0, "0.00%");
        }
        s.num(row, 6, *weight).num(row, 7, *score);
        if !reason.is_empty() {
            s.text(row, 8, reason);
        }
    }
    let t = h + 14;
    s.merged(t, 0, t, 5, "总 分");
    s.num(t, 6, 100.0).num(t, 7, 94.6);
    t + 1
}

/// A national-form (mof-2020) project with hand-checked figures: 86.18/100 → 86.18% → 8.62;
/// indicators 50 + 30 + 9.47 (90/95×10) → total 98.09. A "0.00%" rate cell holding 0.8618,
/// a 0.1 amount, "1,000.1" as text, "≥800人" as text, a label with a line break.
fn national_form(s: &mut Sheet, top: u32) -> u32 {
    let r = top;
    s.merged(r, 0, r, 8, "项目支出绩效自评表");
    s.merged(r + 1, 0, r + 1, 8, "（ 2024年度 ）");
    s.merged(r + 2, 0, r + 2, 1, "项目名称");
    s.merged(r + 2, 2, r + 2, 8, "测试项目乙");
    s.merged(r + 3, 0, r + 3, 1, "主管部门");
    s.merged(r + 3, 2, r + 3, 4, "滨江市测试局");
    s.text(r + 3, 5, "实施单位");
    s.merged(r + 3, 6, r + 3, 8, "滨江市测试中心");
    s.merged(r + 4, 0, r + 7, 0, "项目资金（万元）");
    for (c, label) in [
        "年初预算数",
        "全年预算数",
        "全年执行数",
        "分值",
        "执行率",
        "得分",
    ]
    .iter()
    .enumerate()
    {
        s.text(r + 4, 2 + c as u16, label);
    }
    s.text(r + 5, 1, "年度资金总额");
    s.text(r + 5, 2, "1,000.1")
        .num(r + 5, 3, 100.0)
        .num(r + 5, 4, 86.18);
    s.num(r + 5, 5, 10.0)
        .fmt(r + 5, 6, 0.8618, "0.00%")
        .num(r + 5, 7, 8.62);
    s.text(r + 6, 1, "其中：当年财政拨款");
    s.num(r + 6, 2, 1000.0)
        .num(r + 6, 3, 99.9)
        .num(r + 6, 4, 86.08);
    s.text(r + 7, 1, "其他资金");
    s.num(r + 7, 2, 0.1).num(r + 7, 3, 0.1).num(r + 7, 4, 0.1);
    s.merged(r + 8, 0, r + 9, 0, "年度总体目标");
    s.merged(r + 8, 1, r + 8, 4, "预期目标");
    s.merged(r + 8, 5, r + 8, 8, "实际完成情况");
    s.merged(r + 9, 1, r + 9, 4, "培训800人。\n第二行目标");
    s.merged(r + 9, 5, r + 9, 8, "培训832人。");
    let h = r + 10;
    s.merged(h, 0, h + 3, 0, "绩效指标");
    for (c, label) in [
        "一级指标",
        "二级指标",
        "三级指标",
        "年度指标值",
        "实际完成值",
        "分值",
        "得分",
        "偏差原因分析\n及改进措施",
    ]
    .iter()
    .enumerate()
    {
        s.text(h, 1 + c as u16, label);
    }
    s.text(h + 1, 1, "产出指标").text(h + 1, 2, "数量指标");
    s.text(h + 1, 3, "培训人数")
        .text(h + 1, 4, "≥800人")
        .text(h + 1, 5, "832人");
    s.num(h + 1, 6, 50.0).num(h + 1, 7, 50.0);
    s.text(h + 2, 1, "效益指标").text(h + 2, 2, "社会效益指标");
    s.text(h + 2, 3, "服务便利")
        .text(h + 2, 4, "显著")
        .text(h + 2, 5, "显著");
    s.num(h + 2, 6, 30.0).num(h + 2, 7, 30.0);
    s.text(h + 3, 1, "满意度指标")
        .text(h + 3, 2, "服务对象满意度指标");
    s.text(h + 3, 3, "参训人员满意度").text(h + 3, 4, "≥95%");
    s.fmt(h + 3, 5, 0.9, "0%")
        .num(h + 3, 6, 10.0)
        .num(h + 3, 7, 9.47);
    s.text(h + 3, 8, "部分学员对课程安排不满意");
    let t = h + 4;
    s.merged(t, 0, t, 5, "总分");
    s.num(t, 6, 100.0).num(t, 7, 98.09);
    t + 1
}

fn write_file(folder: &Folder, name: &str, bytes: &[u8]) -> PathBuf {
    let path = folder.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// The report of one project file.
fn report_of(path: &Path) -> jixiao::Report {
    let mut checked = jixiao::check(&[path.to_path_buf()], &jixiao::Forms::builtin()).unwrap();
    checked.reports.remove(0)
}

fn dec(v: Option<rust_decimal::Decimal>) -> String {
    v.map(|d| d.normalize().to_string()).unwrap_or_default()
}

// ---------------------------------------------------------------------------------------------
// Workbooks

#[test]
fn workbook_with_two_stacked_forms_and_a_sheet_without_one() {
    let folder = Folder::new();
    let mut sheet = Sheet::new("自评表");
    let next = baotou_form(&mut sheet, 0);
    national_form(&mut sheet, next + 2);
    let mut notes = Sheet::new("说明");
    notes
        .text(0, 0, "本工作簿由财务科整理")
        .text(1, 0, "联系人")
        .text(1, 1, "张三");
    let input = write_file(&folder, "自评表.xlsx", &xlsx(&[sheet, notes]));
    let out = folder.path().join("导入");
    let (code, stdout, stderr) = run_jixiao(&["import", s(&input), "-o", s(&out)]);
    assert_eq!(code, 0, "{stderr}");

    // The sheet without a form is reported, with its cells.
    assert!(
        stderr.contains("工作表“说明”中没有找到可识别的自评表"),
        "{stderr}"
    );
    assert!(
        stderr.contains("说明!A1: \"本工作簿由财务科整理\""),
        "{stderr}"
    );
    // The check summary of both forms follows.
    assert!(stdout.contains("流动人员档案管理经费"), "{stdout}");
    assert!(stdout.contains("测试项目乙"), "{stdout}");

    // Shared values went to jixiao.toml.
    let folder_file = read(&out.join("jixiao.toml"));
    assert!(
        !folder_file.contains("\nyear = "),
        "years differ: {folder_file}"
    );
    let baotou = out.join("流动人员档案管理经费.toml");
    let national = out.join("测试项目乙.toml");
    let text = read(&baotou);
    assert!(text.contains("year = 2021"), "{text}");
    assert!(text.contains("form = \"inner-mongolia\""), "{text}");
    assert!(folder_file.contains("unit = \"万元\""), "{folder_file}");
    assert!(!text.contains("unit = "), "{text}");
    assert!(
        text.contains("department = \"中国包头高新技术人才服务中心部门\""),
        "{text}"
    );
    assert!(text.contains("department_code = \"406\""), "{text}");
    assert!(text.contains("implementer_code = \"406001\""), "{text}");
    // Numbers as the cells hold them; the "0%" rate cell 0.78 → "78%"; 总分 as printed.
    assert!(text.contains("executed = \"54.91\""), "{text}");
    assert!(text.contains("rate = \"78%\""), "{text}");
    assert!(text.contains("score = \"7.8\""), "{text}");
    assert!(text.contains("total = \"94.6\""), "{text}");
    assert!(text.contains("level1 = \"产出指标\""), "{text}");
    assert!(text.contains("原表“产出指标 (50分) / 数量指标”"), "{text}");
    assert!(text.contains("actual = \"100%\""), "{text}");

    // Read back: the same figures as the hand-transcribed example of this form.
    let imported = report_of(&baotou);
    let example = report_of(Path::new(
        "examples/inner-mongolia/流动人员档案管理经费.toml",
    ));
    assert!(!imported.has_errors(), "{:?}", imported.problems);
    let funds = imported.funds.as_ref().unwrap();
    assert_eq!(dec(funds.total.rate), "78.44", "54.91/70 = 78.44%");
    assert_eq!(dec(funds.score), "7.8");
    assert_eq!(dec(imported.total), "94.6");
    assert_eq!(imported.total, example.total);
    assert_eq!(imported.indicators.len(), example.indicators.len());
    for (a, b) in imported.indicators.iter().zip(&example.indicators) {
        assert_eq!(a.indicator.name, b.indicator.name);
        assert_eq!(a.indicator.level1, b.indicator.level1);
        assert_eq!(a.indicator.level2, b.indicator.level2);
        assert_eq!(a.scored.score, b.scored.score, "{}", a.indicator.name);
    }

    // The national form: exact decimals, percent ×100 without binary floating point.
    let text = read(&national);
    assert!(text.contains("year = 2024"), "{text}");
    assert!(text.contains("form = \"mof-2020\""), "{text}");
    assert!(text.contains("rate = \"86.18%\""), "{text}");
    assert!(text.contains("initial = \"1,000.1\""), "{text}");
    assert!(text.contains("initial = \"0.1\""), "{text}");
    assert!(text.contains("target = \"≥800人\""), "{text}");
    assert!(text.contains("actual = \"90%\""), "{text}");
    assert!(
        text.contains("reason = \"部分学员对课程安排不满意\""),
        "{text}"
    );
    assert!(
        text.contains("planned = \"\"\"\n培训800人。\n第二行目标\"\"\""),
        "{text}"
    );
    let r = report_of(&national);
    assert!(!r.has_errors(), "{:?}", r.problems);
    let funds = r.funds.as_ref().unwrap();
    assert_eq!(dec(funds.total.budget), "100");
    assert_eq!(dec(funds.total.executed), "86.18");
    assert_eq!(dec(funds.total.initial), "1000.1");
    assert_eq!(dec(funds.total.rate), "86.18");
    assert_eq!(dec(funds.score), "8.62");
    assert_eq!(dec(r.indicators[2].scored.score), "9.47");
    assert_eq!(dec(r.total), "98.09");
}

/// An Excel 97–2003 workbook written by xlwt (tests/fixtures/make_fixtures.py): the same 包头
/// form as `baotou_form`, after a sheet of 400 long notes, so that its strings are read from
/// the continuation records of the shared-string table.
#[test]
fn excel_97_workbook_reads_like_xlsx() {
    let folder = Folder::new();
    let input = write_file(
        &folder,
        "包头.xls",
        &std::fs::read("tests/fixtures/baotou.xls").unwrap(),
    );
    let out = folder.path().join("导入");
    let (code, stdout, stderr) = run_jixiao(&["import", s(&input), "-o", s(&out)]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("工作表“说明”中没有找到可识别的自评表"),
        "{stderr}"
    );
    assert!(stderr.contains("400 个非空单元格未导入"), "{stderr}");
    assert!(
        stderr.contains("说明!A1: \"第1条说明：本工作簿由财务科整理"),
        "{stderr}"
    );
    assert!(stderr.contains("……另有 395 个"), "{stderr}");
    assert!(stdout.contains("流动人员档案管理经费"), "{stdout}");
    let project = out.join("流动人员档案管理经费.toml");
    let text = read(&project);
    let folder_file = read(&out.join("jixiao.toml"));
    // One form: what it would share with others goes to the folder file.
    assert!(folder_file.contains("year = 2021"), "{folder_file}");
    assert!(
        folder_file.contains("form = \"inner-mongolia\""),
        "{folder_file}"
    );
    assert!(text.contains("executed = \"54.91\""), "{text}");
    // The "0%" cell holding 0.78 and the "0.00%" cells holding 1.
    assert!(text.contains("rate = \"78%\""), "{text}");
    assert!(text.contains("actual = \"100%\""), "{text}");
    assert!(text.contains("score = \"7.8\""), "{text}");
    assert!(text.contains("total = \"94.6\""), "{text}");
    assert!(
        text.contains("reason = \"按合同约定，档案电子化的质保金，未支付\""),
        "{text}"
    );
    assert!(folder_file.contains("unit = \"万元\""), "{folder_file}");

    let imported = report_of(&project);
    let example = report_of(Path::new(
        "examples/inner-mongolia/流动人员档案管理经费.toml",
    ));
    assert!(!imported.has_errors(), "{:?}", imported.problems);
    let funds = imported.funds.as_ref().unwrap();
    assert_eq!(dec(funds.total.budget), "70");
    assert_eq!(dec(funds.total.rate), "78.44", "54.91/70 = 78.44%");
    assert_eq!(dec(imported.total), "94.6");
    assert_eq!(imported.indicators.len(), example.indicators.len());
    for (a, b) in imported.indicators.iter().zip(&example.indicators) {
        assert_eq!(a.indicator.name, b.indicator.name);
        assert_eq!(a.indicator.level1, b.indicator.level1);
        assert_eq!(a.indicator.level2, b.indicator.level2);
        assert_eq!(a.scored.score, b.scored.score, "{}", a.indicator.name);
    }
}

/// A department's bundle workbook (汇总表 first, then one sheet per project) imports back to
/// one file per project; the 汇总表, which has the form's column headings but no project,
/// is reported and not taken for a form.
#[test]
fn bundle_workbook_imports_back_without_its_summary() {
    let folder = Folder::new();
    let book = folder.path().join("汇编.xlsx");
    let (code, _, stderr) = run_jixiao(&["bundle", "examples/mof-2020", "-o", s(&book)]);
    assert_eq!(code, 0, "{stderr}");
    let out = folder.path().join("out");
    let (code, _, stderr) = run_jixiao(&["import", s(&book), "-o", s(&out)]);
    assert!(code == 0 || code == 1, "{stderr}");
    assert!(
        stderr.contains("工作表“汇总表”第 1–") && stderr.contains("像是汇总表），未导入"),
        "{stderr}"
    );
    let projects = |dir: &Path| {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".toml") && n != "jixiao.toml")
            .collect();
        names.sort();
        names
    };
    assert_eq!(projects(&out), projects(Path::new("examples/mof-2020")));
}

/// A workbook whose cells point at shared strings that do not exist, and whose cell addresses
/// are not addresses: each is reported by place, nothing is dropped silently.
#[test]
fn damaged_cells_are_reported_not_dropped() {
    let folder = Folder::new();
    let mut sheet = Sheet::new("Sheet1");
    national_form(&mut sheet, 0);
    let entries = unzip(&xlsx(&[sheet]));
    let damaged: Vec<(String, Vec<u8>)> = entries
        .into_iter()
        .map(|(name, bytes)| {
            if name == "xl/worksheets/sheet1.xml" {
                let text = String::from_utf8(bytes).unwrap();
                // One more cell pointing past the shared strings, one with a made-up address.
                let text = text.replacen(
                    "</sheetData>",
                    "<row r=\"90\"><c r=\"A90\" t=\"s\"><v>99999</v></c><c r=\"第九\" t=\"inlineStr\"><is><t>备注</t></is></c></row></sheetData>",
                    1,
                );
                (name, text.into_bytes())
            } else {
                (name, bytes)
            }
        })
        .collect();
    let input = write_file(&folder, "坏格.xlsx", &rezip(&damaged));
    let out = folder.path().join("out");
    let (code, _, stderr) = run_jixiao(&["import", s(&input), "-o", s(&out)]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("Sheet1!A90 引用的共享字符串“99999”不存在"),
        "{stderr}"
    );
    assert!(
        stderr.contains("单元格地址“第九”无效，按其位置当作 B90 读取"),
        "{stderr}"
    );
    // The cell under the invalid address is kept (listed as not imported, in the file).
    assert!(stderr.contains("Sheet1!B90: \"备注\""), "{stderr}");
}

/// Formula errors where figures belong (a weight of `#DIV/0!`, a score of `NaN`) are left
/// blank to fill, with the printed value in a comment: `check` asks for each once instead of
/// reporting what follows from a bad number.
#[test]
fn formula_errors_in_figures_are_left_to_fill() {
    let folder = Folder::new();
    let mut sheet = Sheet::new("Sheet1");
    national_form(&mut sheet, 0);
    for (r, c, v) in &mut sheet.cells {
        match (*r, *c) {
            (11, 6) => *v = Value::Text("#DIV/0!".into()),
            (12, 7) => *v = Value::Text("NaN".into()),
            _ => {}
        }
    }
    let input = write_file(&folder, "公式.xlsx", &xlsx(&[sheet]));
    let out = folder.path().join("out");
    let (code, stdout, stderr) = run_jixiao(&["import", s(&input), "-o", s(&out)]);
    let text = read(&out.join("测试项目乙.toml"));
    assert!(
        text.contains("weight = \"\"")
            && text.contains("原表为“#DIV/0!”（公式出错或不是数），已留空待填"),
        "{text}"
    );
    assert!(text.contains("原表为“NaN”"), "{text}");
    assert_eq!(code, 1, "{stdout}\n{stderr}");
    let report = report_of(&out.join("测试项目乙.toml"));
    let codes: Vec<&str> = report
        .problems
        .iter()
        .filter(|p| p.severity == jixiao::problem::Severity::Error)
        .map(|p| p.code())
        .collect();
    assert_eq!(codes, ["missing-field"], "{:?}", report.problems);
}

#[test]
fn existing_outputs_are_refused_without_force_and_inputs_never_replaced() {
    let folder = Folder::new();
    let mut sheet = Sheet::new("Sheet1");
    national_form(&mut sheet, 0);
    let input = write_file(&folder, "表.xlsx", &xlsx(&[sheet]));
    let out = folder.path().join("out");
    let (code, _, stderr) = run_jixiao(&["import", s(&input), "-o", s(&out)]);
    assert_eq!(code, 0, "{stderr}");
    let project = out.join("测试项目乙.toml");
    let fresh = read(&project);
    std::fs::write(&project, "# 手工改过\n").unwrap();

    let (code, _, stderr) = run_jixiao(&["import", s(&input), "-o", s(&out)]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("已存在") && stderr.contains("--force"),
        "{stderr}"
    );
    assert_eq!(read(&project), "# 手工改过\n", "nothing overwritten");

    let (code, _, stderr) = run_jixiao(&["import", s(&input), "-o", s(&out), "--force"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(read(&project), fresh, "replaced with --force");

    // An input that would be an output (a workbook named like the project file) is never
    // replaced, even with --force.
    let disguised = out.join("测试项目乙.toml");
    std::fs::copy(&input, &disguised).unwrap();
    let before = std::fs::read(&disguised).unwrap();
    let (code, _, stderr) = run_jixiao(&["import", s(&disguised), "-o", s(&out), "--force"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("不会覆盖"), "{stderr}");
    assert_eq!(std::fs::read(&disguised).unwrap(), before);
}

#[test]
fn bad_workbooks_are_refused_in_chinese() {
    let folder = Folder::new();
    // Random bytes named .xlsx.
    let corrupt = write_file(
        &folder,
        "坏.xlsx",
        &(0..4096u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect::<Vec<_>>(),
    );
    let out = folder.path().join("out");
    let (code, _, stderr) = run_jixiao(&["import", s(&corrupt), "-o", s(&out)]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("不是有效的 .xlsx 文件"), "{stderr}");
    assert!(!out.exists(), "nothing written");

    // An empty workbook.
    let mut workbook = Workbook::new();
    workbook.add_worksheet();
    let empty = write_file(&folder, "空.xlsx", &workbook.save_to_buffer().unwrap());
    let (code, _, stderr) = run_jixiao(&["import", s(&empty), "-o", s(&out)]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("没有找到可识别的自评表"), "{stderr}");
    assert!(stderr.contains("是空的"), "{stderr}");
    assert!(!out.exists());

    // A damaged .xls (a compound-file signature and nothing else).
    let xls = write_file(&folder, "旧.xls", b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest");
    let (code, _, stderr) = run_jixiao(&["import", s(&xls), "-o", s(&out)]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("不是有效的 .xls 文件"), "{stderr}");
    assert!(stderr.contains("复合文档结构已损坏"), "{stderr}");

    // A web page saved as .xls, as report systems export them.
    let html = write_file(
        &folder,
        "网页.xls",
        "<html><body><table><tr><td>项目名称</td></tr></table></body></html>".as_bytes(),
    );
    let (code, _, stderr) = run_jixiao(&["import", s(&html), "-o", s(&out)]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("是网页（HTML）格式的表格"), "{stderr}");

    // A workbook saved with an opening password (tests/fixtures/make_fixtures.py).
    let locked = write_file(
        &folder,
        "加密.xlsx",
        &std::fs::read("tests/fixtures/password.xlsx").unwrap(),
    );
    let (code, _, stderr) = run_jixiao(&["import", s(&locked), "-o", s(&out)]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("加密.xlsx"), "{stderr}");
    assert!(stderr.contains("设置了打开密码"), "{stderr}");
    assert!(stderr.contains("取消密码"), "{stderr}");
    assert!(!out.exists(), "nothing written");

    // A missing file, and an unknown --form.
    let (code, _, stderr) = run_jixiao(&["import", "没有这个文件.xlsx", "-o", s(&out)]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("无法打开"), "{stderr}");
    let (code, _, stderr) = run_jixiao(&["import", s(&empty), "--form", "nowhere"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("未知的表样"), "{stderr}");

    // One good and one bad input: the good one is imported, the run exits 2.
    let mut sheet = Sheet::new("Sheet1");
    national_form(&mut sheet, 0);
    let good = write_file(&folder, "好.xlsx", &xlsx(&[sheet]));
    let (code, _, stderr) = run_jixiao(&["import", s(&good), s(&corrupt), "-o", s(&out)]);
    assert_eq!(code, 2, "{stderr}");
    assert!(out.join("测试项目乙.toml").exists());
    assert!(
        stderr.contains("无法导入") && stderr.contains("坏.xlsx"),
        "{stderr}"
    );
}

#[test]
fn ten_thousand_rows_keep_every_cell() {
    let folder = Folder::new();
    let mut sheet = Sheet::new("流水");
    let next = national_form(&mut sheet, 0);
    for i in 0..10_000u32 {
        sheet.text(next + 1 + i, 0, &format!("流水号{i}")).num(
            next + 1 + i,
            1,
            f64::from(i) / 100.0,
        );
    }
    let input = write_file(&folder, "大.xlsx", &xlsx(&[sheet]));
    let out = folder.path().join("out");
    let (code, _, stderr) = run_jixiao(&["import", s(&input), "-o", s(&out)]);
    assert_eq!(code, 0, "{stderr}");
    // Nothing lost: every extra cell is kept as a comment in the project file.
    let text = read(&out.join("测试项目乙.toml"));
    assert!(
        text.contains("以下 20000 个单元格未能对应到字段"),
        "{}",
        &text[..2000]
    );
    assert!(text.contains("# 流水!A10016: \"流水号9999\""));
    assert!(text.contains("# 流水!B10016: \"99.99\""));
    assert!(stderr.contains("另有 19980 个"), "{stderr}");
}

/// A workbook of 100 forms (10 sheets of 10 stacked forms): every one found, named apart.
/// (Its speed is measured by bench/run.sh, not here.)
#[test]
fn hundred_forms_in_one_workbook() {
    let folder = Folder::new();
    let mut sheets = Vec::new();
    for k in 0..10 {
        let mut sheet = Sheet::new(&format!("第{}组", k + 1));
        let mut row = 0;
        for _ in 0..10 {
            row = national_form(&mut sheet, row) + 1;
        }
        sheets.push(sheet);
    }
    let input = write_file(&folder, "百张.xlsx", &xlsx(&sheets));
    let out = folder.path().join("out");
    let outcome = jixiao::import::import(
        std::slice::from_ref(&input),
        &jixiao::import::Options {
            output: Some(out.clone()),
            ..Default::default()
        },
        &jixiao::Forms::builtin(),
    )
    .unwrap();
    assert_eq!(outcome.projects.len(), 100);
    assert!(outcome.projects[1].ends_with("测试项目乙-2.toml"));
    assert!(outcome.projects[99].ends_with("测试项目乙-100.toml"));
    std::fs::remove_dir_all(&out).unwrap();
    let (code, stdout, stderr) = run_jixiao(&["import", s(&input), "-o", s(&out)]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("测试项目乙-100"), "{stdout}");
}

// ---------------------------------------------------------------------------------------------
// Word documents

fn para(text: &str) -> String {
    format!("<w:p><w:r><w:t xml:space=\"preserve\">{text}</w:t></w:r></w:p>")
}

/// A cell: `span` grid columns, `merge` = Some("restart") / Some("") (continue), text with
/// `\n` as a w:br.
fn tc(text: &str, span: u32, merge: Option<&str>) -> String {
    let mut props = String::new();
    if span > 1 {
        props.push_str(&format!("<w:gridSpan w:val=\"{span}\"/>"));
    }
    match merge {
        Some("restart") => props.push_str("<w:vMerge w:val=\"restart\"/>"),
        Some(_) => props.push_str("<w:vMerge/>"),
        None => {}
    }
    let runs: Vec<String> = text
        .split('\n')
        .map(|t| format!("<w:t xml:space=\"preserve\">{t}</w:t>"))
        .collect();
    format!(
        "<w:tc><w:tcPr>{props}</w:tcPr><w:p><w:r>{}</w:r></w:p></w:tc>",
        runs.join("<w:br/>")
    )
}

fn c(text: &str) -> String {
    tc(text, 1, None)
}

fn tr(cells: &[String]) -> String {
    format!("<w:tr>{}</w:tr>", cells.concat())
}

/// A 9-column national form as a Word table: vMerge for the block labels and 一级 names,
/// gridSpan for the wide cells. `total` is the printed 总分; `split` breaks the table in two
/// after the indicator header, as a page break does.
fn word_form(name: &str, total: &str, split: bool) -> String {
    let cont = || tc("", 1, Some(""));
    let mut rows = vec![
        tr(&[c("项目名称"), tc(name, 8, None)]),
        tr(&[
            c("主管部门"),
            tc("滨江市档案局", 3, None),
            c("实施单位"),
            tc("滨江市档案馆", 4, None),
        ]),
        tr(&[
            tc("项目资金\n（万元）", 1, Some("restart")),
            c(""),
            c("年初预算数"),
            c("全年预算数"),
            c("全年执行数"),
            c("分值"),
            c("执行率"),
            tc("得分", 2, None),
        ]),
        tr(&[
            cont(),
            c("年度资金总额"),
            c("70"),
            c("70"),
            c("54.91"),
            c("10"),
            c("78.44%"),
            tc("7.84", 2, None),
        ]),
        tr(&[
            cont(),
            c("其中：当年财政拨款"),
            c("70"),
            c("70"),
            c("54.91"),
            c("—"),
            c("78.44%"),
            tc("—", 2, None),
        ]),
        tr(&[
            tc("年度总体目标", 1, Some("restart")),
            tc("预期目标", 4, None),
            tc("实际完成情况", 4, None),
        ]),
        tr(&[
            cont(),
            tc("完成档案数字化800卷", 4, None),
            tc("完成832卷", 4, None),
        ]),
        tr(&[
            tc("绩效指标", 1, Some("restart")),
            c("一级指标"),
            c("二级指标"),
            c("三级指标"),
            c("年度指标值"),
            c("实际完成值"),
            c("分值"),
            c("得分"),
            c("偏差原因分析及改进措施"),
        ]),
    ];
    let ind = |l1: String, l2: String, cells: [&str; 6]| {
        let mut row = vec![cont(), l1, l2];
        row.extend(cells.iter().map(|t| c(t)));
        tr(&row)
    };
    rows.push(ind(
        tc("产出指标", 1, Some("restart")),
        tc("数量指标", 1, Some("restart")),
        ["档案数量", "≥800", "832", "20", "20", ""],
    ));
    rows.push(ind(
        cont(),
        cont(),
        ["邮寄数量", "≥100", "120", "20", "20", ""],
    ));
    rows.push(ind(
        cont(),
        c("成本指标"),
        ["邮寄费用", "≤4万元", "2.52万元", "10", "10", ""],
    ));
    rows.push(ind(
        c("效益指标"),
        c("社会效益指标"),
        ["服务便利", "显著", "显著", "30", "30", ""],
    ));
    rows.push(ind(
        c("满意度指标"),
        c("服务对象满意度指标"),
        ["满意度", "≥95%", "95%", "10", "10", ""],
    ));
    rows.push(tr(&[tc("总分", 6, None), c("100"), c(total), c("")]));
    if split {
        let (a, b) = rows.split_at(9);
        format!(
            "<w:tbl><w:tblPr/>{}</w:tbl><w:p/><w:tbl><w:tblPr/>{}</w:tbl>",
            a.concat(),
            b.concat()
        )
    } else {
        format!("<w:tbl><w:tblPr/>{}</w:tbl>", rows.concat())
    }
}

fn docx(body: &str) -> Vec<u8> {
    let document = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
         <w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">\
         <w:body>{body}<w:sectPr/></w:body></w:document>"
    );
    let content_types = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
        <Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
        <Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
        <Default Extension=\"xml\" ContentType=\"application/xml\"/>\
        <Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>\
        </Types>";
    let rels = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
        <Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
        <Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/>\
        </Relationships>";
    rezip(&[
        (
            "[Content_Types].xml".to_string(),
            content_types.as_bytes().to_vec(),
        ),
        ("_rels/.rels".to_string(), rels.as_bytes().to_vec()),
        ("word/document.xml".to_string(), document.into_bytes()),
    ])
}

/// Hidden text (`w:vanish`) is neither shown nor printed by Word: it is not imported.
#[test]
fn word_hidden_text_is_left_out() {
    let folder = Folder::new();
    let body = [
        para("项目支出绩效自评表"),
        para("（2024年度）"),
        word_form("档案管理经费", "97.84", false).replacen(
            "<w:t xml:space=\"preserve\">滨江市档案馆</w:t></w:r>",
            "<w:t xml:space=\"preserve\">滨江市档案馆</w:t></w:r><w:r><w:rPr><w:vanish/></w:rPr><w:t>（旧称滨江档案所）</w:t></w:r><w:r><w:rPr><w:vanish w:val=\"0\"/></w:rPr><w:t>（盖章）</w:t></w:r>",
            1,
        ),
    ]
    .concat();
    let input = write_file(&folder, "隐藏.docx", &docx(&body));
    let out = folder.path().join("out");
    let (code, _, stderr) = run_jixiao(&["import", s(&input), "-o", s(&out)]);
    assert_eq!(code, 0, "{stderr}");
    let text = read(&out.join("档案管理经费.toml"));
    assert!(
        text.contains("implementer = \"滨江市档案馆（盖章）\""),
        "{text}"
    );
    assert!(!text.contains("旧称"), "{text}");
}

/// A table broken by a page where Word repeats the heading row on the next page: the rows
/// after it keep their 一级/二级 names (carried down through the empty merged cells).
#[test]
fn word_table_continued_under_a_repeated_heading() {
    let form = word_form("档案管理经费", "97.84", false);
    let rows: Vec<&str> = form.split("<w:tr>").collect();
    let heading = rows.iter().find(|r| r.contains("一级指标")).unwrap();
    let next = rows.iter().position(|r| r.contains("邮寄数量")).unwrap();
    let mut split = rows[..next].join("<w:tr>");
    split.push_str(&format!(
        "</w:tbl><w:p/><w:tbl><w:tblPr/><w:tr>{heading}<w:tr>{}",
        rows[next..].join("<w:tr>")
    ));
    let body = [para("项目支出绩效自评表"), para("（2024年度）"), split].concat();
    let folder = Folder::new();
    let input = write_file(&folder, "分页.docx", &docx(&body));
    let out = folder.path().join("out");
    let (code, _, stderr) = run_jixiao(&["import", s(&input), "-o", s(&out)]);
    assert_eq!(code, 0, "{stderr}");
    let text = read(&out.join("档案管理经费.toml"));
    assert_eq!(text.matches("level1 = \"产出指标\"").count(), 3, "{text}");
    assert_eq!(text.matches("level2 = \"数量指标\"").count(), 2, "{text}");
    assert_eq!(
        dec(report_of(&out.join("档案管理经费.toml")).total),
        "97.84"
    );
}

#[test]
fn word_document_with_two_tables() {
    let folder = Folder::new();
    let body = [
        para("项目支出绩效自评表"),
        para("（2024年度）"),
        word_form("档案管理经费", "97.84", false),
        para("项目支出绩效自评表"),
        para("（2024年度）"),
        // 总分 printed 99 where the scores add up to 97.84: check reports it (exit 1).
        word_form("档案保管经费", "99", true),
    ]
    .concat();
    let input = write_file(&folder, "自评表.docx", &docx(&body));
    let out = folder.path().join("out");
    let (code, stdout, stderr) = run_jixiao(&["import", s(&input), "-o", s(&out)]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("stated-total-differs"), "{stderr}");
    assert!(stdout.contains("档案管理经费") && stdout.contains("档案保管经费"));

    let shared = read(&out.join("jixiao.toml"));
    assert!(shared.contains("year = 2024"), "{shared}");
    assert!(shared.contains("form = \"mof-2020\""), "{shared}");
    assert!(shared.contains("department = \"滨江市档案局\""), "{shared}");
    let path = out.join("档案管理经费.toml");
    let text = read(&path);
    assert!(!text.contains("未能对应"), "every cell mapped: {text}");
    assert!(text.contains("implementer = \"滨江市档案馆\""), "{text}");
    assert!(text.contains("rate = \"78.44%\""), "{text}");
    // The vertically merged 一级/二级 names carry down to the rows below them.
    assert_eq!(text.matches("level1 = \"产出指标\"").count(), 3, "{text}");
    assert_eq!(text.matches("level2 = \"数量指标\"").count(), 2, "{text}");
    let r = report_of(&path);
    assert!(!r.has_errors(), "{:?}", r.problems);
    let funds = r.funds.as_ref().unwrap();
    assert_eq!(dec(funds.total.rate), "78.44", "54.91/70 → 78.44%");
    assert_eq!(dec(funds.score), "7.84");
    assert_eq!(dec(r.total), "97.84");
    // The second form's table is split in two by a page break: its rows still join up.
    let wrong = report_of(&out.join("档案保管经费.toml"));
    assert!(!read(&out.join("档案保管经费.toml")).contains("未能对应"));
    assert_eq!(wrong.indicators.len(), 5);
    assert_eq!(dec(wrong.total), "97.84");
    assert!(codes(&wrong).contains(&"stated-total-differs"));
}

#[test]
fn word_document_without_tables() {
    let folder = Folder::new();
    let input = write_file(
        &folder,
        "说明.docx",
        &docx(&[para("这是一份说明"), para("没有表格")].concat()),
    );
    let out = folder.path().join("out");
    let (code, _, stderr) = run_jixiao(&["import", s(&input), "-o", s(&out)]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("文档中没有表格"), "{stderr}");
    assert!(!out.exists());
    // Not a zip at all.
    let broken = write_file(&folder, "坏.docx", b"not a zip");
    let (code, _, stderr) = run_jixiao(&["import", s(&broken), "-o", s(&out)]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("不是有效的 .docx 文件"), "{stderr}");
}

// ---------------------------------------------------------------------------------------------
// OpenDocument spreadsheets and hand-written workbook XML

fn xml_escape(t: &str) -> String {
    t.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The same sheets as an .ods (content.xml written here): spans with covered cells,
/// percentages as `office:value-type="percentage"`, and LibreOffice's trailing repeated rows.
fn ods(sheets: &[Sheet]) -> Vec<u8> {
    let mut body = String::new();
    for sheet in sheets {
        body.push_str(&format!(
            "<table:table table:name=\"{}\">",
            xml_escape(&sheet.name)
        ));
        let rows = sheet.cells.iter().map(|c| c.0).max().unwrap_or(0);
        let cols = sheet.cells.iter().map(|c| c.1).max().unwrap_or(0);
        for r in 0..=rows {
            body.push_str("<table:table-row>");
            for c in 0..=cols {
                let merge = sheet.merges.iter().find(|m| m.0 == r && m.1 == c);
                let covered = sheet.merges.iter().any(|m| {
                    (m.0..=m.2).contains(&r) && (m.1..=m.3).contains(&c) && (m.0, m.1) != (r, c)
                });
                if covered {
                    body.push_str("<table:covered-table-cell/>");
                    continue;
                }
                let spans = merge.map_or(String::new(), |m| {
                    format!(
                        " table:number-rows-spanned=\"{}\" table:number-columns-spanned=\"{}\"",
                        m.2 - m.0 + 1,
                        m.3 - m.1 + 1
                    )
                });
                match sheet
                    .cells
                    .iter()
                    .find(|x| x.0 == r && x.1 == c)
                    .map(|x| &x.2)
                {
                    None => body.push_str(&format!("<table:table-cell{spans}/>")),
                    Some(Value::Text(t)) => {
                        let paras: String = t
                            .split('\n')
                            .map(|p| format!("<text:p>{}</text:p>", xml_escape(p)))
                            .collect();
                        body.push_str(&format!(
                            "<table:table-cell office:value-type=\"string\"{spans}>{paras}</table:table-cell>"
                        ));
                    }
                    Some(Value::Number(v)) | Some(Value::Formatted(v, _)) => {
                        let percent = matches!(sheet.cells.iter().find(|x| x.0 == r && x.1 == c).map(|x| &x.2), Some(Value::Formatted(_, f)) if f.contains('%'));
                        let kind = if percent { "percentage" } else { "float" };
                        body.push_str(&format!(
                            "<table:table-cell office:value-type=\"{kind}\" office:value=\"{v}\"{spans}><text:p>{v}</text:p></table:table-cell>"
                        ));
                    }
                }
            }
            body.push_str("</table:table-row>");
        }
        body.push_str(
            "<table:table-row table:number-rows-repeated=\"1048000\"><table:table-cell table:number-columns-repeated=\"1024\"/></table:table-row>",
        );
        body.push_str("</table:table>");
    }
    let content = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
         <office:document-content xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" \
         xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" \
         xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\">\
         <office:body><office:spreadsheet>{body}</office:spreadsheet></office:body></office:document-content>"
    );
    rezip(&[
        (
            "mimetype".to_string(),
            b"application/vnd.oasis.opendocument.spreadsheet".to_vec(),
        ),
        ("content.xml".to_string(), content.into_bytes()),
    ])
}

#[test]
fn ods_reads_like_xlsx() {
    let folder = Folder::new();
    let build = || {
        let mut sheet = Sheet::new("Sheet1");
        let next = baotou_form(&mut sheet, 0);
        national_form(&mut sheet, next + 2);
        sheet
    };
    let a = write_file(&folder, "表.xlsx", &xlsx(&[build()]));
    let b = write_file(&folder, "表.ods", &ods(&[build()]));
    let (out_a, out_b) = (folder.path().join("a"), folder.path().join("b"));
    let (code, _, stderr) = run_jixiao(&["import", s(&a), "-o", s(&out_a)]);
    assert_eq!(code, 0, "{stderr}");
    let (code, _, stderr) = run_jixiao(&["import", s(&b), "-o", s(&out_b)]);
    assert_eq!(code, 0, "{stderr}");
    for name in [
        "jixiao.toml",
        "流动人员档案管理经费.toml",
        "测试项目乙.toml",
    ] {
        let (x, y) = (read(&out_a.join(name)), read(&out_b.join(name)));
        // The first line names the input file.
        let body = |t: &str| t.lines().skip(1).collect::<Vec<_>>().join("\n");
        assert_eq!(body(&x), body(&y), "{name}");
    }
}

/// Workbook XML as other programs write it: rich text runs with a phonetic guide, inline
/// strings, formula strings, booleans, errors, cells without `r`, an absolute relationship
/// target, a chart sheet, a date, a "0.0%" custom format, an empty merged range, a formula
/// saved without its result.
#[test]
fn workbook_xml_variants() {
    let workbook = r#"<?xml version="1.0" encoding="UTF-8"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<workbookPr/><sheets><sheet name="表一" sheetId="1" r:id="rId7"/><sheet name="图" sheetId="2" r:id="rId8"/></sheets></workbook>"#;
    let rels = r#"<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId7" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/data.xml"/>
<Relationship Id="rId8" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/chartsheet" Target="chartsheets/sheet1.xml"/>
</Relationships>"#;
    let shared = r#"<?xml version="1.0" encoding="UTF-8"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="2" uniqueCount="2">
<si><r><rPr><b/></rPr><t>项目</t></r><r><t xml:space="preserve">名称</t></r><rPh sb="0" eb="2"><t>xiangmu</t></rPh></si>
<si><t>年初预 算数_x000D_
第二行</t></si></sst>"#;
    let styles = r#"<?xml version="1.0" encoding="UTF-8"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<numFmts count="1"><numFmt numFmtId="164" formatCode="0.0%"/></numFmts>
<cellXfs count="4"><xf numFmtId="0"/><xf numFmtId="164"/><xf numFmtId="14"/><xf numFmtId="2"/></cellXfs></styleSheet>"#;
    let sheet = r#"<?xml version="1.0" encoding="UTF-8"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="inlineStr"><is><t>内联</t></is></c></row>
<row><c t="str"><f>A1</f><v>公式文字</v></c><c t="b"><v>1</v></c><c t="e"><v>#DIV/0!</v></c></row>
<row r="3"><c r="A3" s="1"><v>0.12345</v></c><c r="B3" s="2"><v>45382</v></c><c r="C3" s="3"><v>507277.514</v></c><c r="D3" t="s"><v>1</v></c><c r="E3"><v>0.1</v></c><c r="F3"><f>C3/B3</f></c></row>
</sheetData><mergeCells count="1"><mergeCell ref="A5:C6"/></mergeCells></worksheet>"#;
    let root_rels = r#"<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>
</Relationships>"#;
    let bytes = rezip(&[
        ("_rels/.rels".into(), root_rels.into()),
        ("xl/workbook.xml".into(), workbook.into()),
        ("xl/_rels/workbook.xml.rels".into(), rels.into()),
        ("xl/sharedStrings.xml".into(), shared.into()),
        ("xl/styles.xml".into(), styles.into()),
        ("xl/worksheets/data.xml".into(), sheet.into()),
    ]);
    let folder = Folder::new();
    let path = write_file(&folder, "手写.xlsx", &bytes);
    let grids = jixiao::import::read(&path).unwrap();
    assert_eq!(grids.len(), 1, "the chart sheet holds no cells");
    let g = &grids[0];
    assert_eq!(g.name, "表一");
    let at = |addr: &str| {
        g.cells
            .iter()
            .find(|c| c.addr == addr)
            .unwrap_or_else(|| panic!("{addr}: {:?}", g.cells))
    };
    assert_eq!(
        at("表一!A1").text,
        "项目名称",
        "runs joined, phonetic left out"
    );
    assert_eq!(at("表一!B1").text, "内联");
    assert_eq!(at("表一!A2").text, "公式文字");
    assert_eq!(at("表一!B2").text, "TRUE");
    assert_eq!(at("表一!C2").text, "#DIV/0!");
    let pct = at("表一!A3").number.clone().unwrap();
    assert!(pct.percent);
    assert_eq!(
        (pct.text.as_str(), pct.shown_decimals),
        ("0.12345", Some(1))
    );
    assert_eq!(at("表一!B3").text, "2024-03-31");
    let amount = at("表一!C3").number.clone().unwrap();
    assert_eq!(
        (amount.text.as_str(), amount.shown_decimals),
        ("507277.514", Some(2))
    );
    assert_eq!(at("表一!D3").text, "年初预 算数\n第二行");
    assert_eq!(at("表一!E3").text, "0.1");
    assert_eq!(
        at("表一!F3").text,
        "=C3/B3",
        "a formula without its result shows"
    );
    let merged = at("表一!A5");
    assert_eq!((merged.rows, merged.cols), (2, 3));
}

// ---------------------------------------------------------------------------------------------
// Every example, laid out with its form's own labels, imported back

/// A form's label from its form.toml.
fn label(spec: &jixiao::forms::FormSpec, key: &str, default: &str) -> String {
    spec.labels
        .get(key)
        .and_then(|v| v.as_str())
        .unwrap_or(default)
        .to_string()
}

/// The project of `report` laid out as its form prints it, from row `top`; text cells only,
/// 一级/二级 names only on the first row of their group. Returns the next free row.
fn layout(s: &mut Sheet, top: u32, report: &jixiao::Report) -> u32 {
    let p = report.project.as_ref().unwrap();
    let spec = report.form.as_ref().unwrap();
    let id = spec.id.as_str();
    let mut r = top;
    let title = match id {
        "chongqing" => format!("{}年度{}", p.year, spec.title),
        "xinjiang" => format!("{}{}", p.info.name, spec.title),
        _ => spec.title.clone(),
    };
    s.merged(r, 0, r, 8, &title);
    r += 1;
    if id == "chongqing" {
        if let Some(serial) = &p.info.serial {
            s.text(r, 0, &format!("项目序号：{serial}"));
            r += 1;
        }
        s.text(
            r,
            0,
            &format!("金额单位：{}（保留两位小数）", p.unit.label()),
        );
    } else {
        s.merged(r, 0, r, 8, &format!("（{} 年度）", p.year));
    }
    r += 1;
    let coded = |code: &Option<String>, name: &str| match code {
        Some(c) => format!("({c}){name}"),
        None => name.to_string(),
    };
    let name_row = |s: &mut Sheet, r: u32| {
        s.merged(r, 0, r, 1, &label(spec, "project_name", "项目名称"));
        s.merged(r, 2, r, 8, &p.info.name);
    };
    if id == "chongqing" {
        s.merged(r + 1, 0, r + 1, 1, "");
        name_row(s, r + 1);
    } else {
        name_row(s, r);
        r += 1;
    }
    s.merged(r, 0, r, 1, &label(spec, "department", "主管部门"));
    s.merged(
        r,
        2,
        r,
        4,
        &coded(&p.info.department_code, &p.info.department),
    );
    s.text(r, 5, &label(spec, "implementer", "实施单位"));
    s.merged(
        r,
        6,
        r,
        8,
        &coded(&p.info.implementer_code, &p.info.implementer),
    );
    r += if id == "chongqing" { 2 } else { 1 };
    // 项目资金
    let funds_label = if id == "chongqing" {
        "项目资金".to_string()
    } else {
        format!("项目资金（{}）", p.unit.label())
    };
    s.merged(r, 0, r + spec.fund_rows.len() as u32, 0, &funds_label);
    for (c, l) in [
        "年初预算数",
        "全年预算数",
        "全年执行数",
        "分值",
        "执行率",
        "得分",
    ]
    .iter()
    .enumerate()
    {
        s.text(r, 2 + c as u16, l);
    }
    for row in &spec.fund_rows {
        r += 1;
        s.text(r, 1, &row.label);
        let line = if row.key == "total" {
            p.funds.total.as_ref()
        } else {
            p.funds.sources.iter().find(|f| f.key == row.key)
        };
        let Some(line) = line else { continue };
        for (c, v) in [&line.initial, &line.budget, &line.executed]
            .iter()
            .enumerate()
        {
            if let Some(v) = v {
                s.text(r, 2 + c as u16, &v.value.to_string());
            }
        }
        if row.key == "total" {
            s.text(r, 5, "10");
        }
        if let Some(rate) = &line.stated_rate {
            s.text(r, 6, &rate.text);
        }
        if let Some(score) = &line.stated_score {
            s.text(r, 7, &score.text);
        }
    }
    // 年度总体目标
    r += 1;
    s.merged(r, 0, r + 1, 0, &label(spec, "goals", "年度总体目标"));
    s.merged(r, 1, r, 4, &label(spec, "goals_planned", "预期目标"));
    s.merged(r, 5, r, 8, &label(spec, "goals_achieved", "实际完成情况"));
    if let Some(planned) = &p.planned {
        s.merged(r + 1, 1, r + 1, 4, &planned.value);
    }
    if let Some(achieved) = &p.achieved {
        s.merged(r + 1, 5, r + 1, 8, &achieved.value);
    }
    // 绩效指标
    r += 2;
    let block = label(spec, "indicator_block", "绩效指标").replace("{weight}", "90");
    s.merged(r, 0, r + p.indicators.len() as u32, 0, &block);
    let reason = label(spec, "reason_header", "偏差原因分析及改进措施");
    for (c, l) in [
        "一级指标",
        "二级指标",
        "三级指标",
        "年度指标值",
        "实际完成值",
        "分值",
        "得分",
        reason.as_str(),
    ]
    .iter()
    .enumerate()
    {
        s.text(r, 1 + c as u16, l);
    }
    let level1_format = label(spec, "level1_format", "{name}");
    let printed_level2 = |l2: &str| {
        spec.labels
            .get("level2_names")
            .and_then(|t| t.get(l2))
            .and_then(|v| v.as_str())
            .unwrap_or(l2)
            .to_string()
    };
    let (mut last1, mut last2) = (String::new(), String::new());
    for ind in &p.indicators {
        r += 1;
        if ind.level1 != last1 {
            let weight: rust_decimal::Decimal = p
                .indicators
                .iter()
                .filter(|i| i.level1 == ind.level1)
                .map(|i| i.weight_value())
                .sum();
            let printed = level1_format
                .replace("{name}", &ind.level1)
                .replace("{weight}", &weight.to_string());
            s.text(r, 1, &printed);
            last1 = ind.level1.clone();
            last2.clear();
        }
        if ind.level2 != last2 {
            s.text(r, 2, &printed_level2(&ind.level2));
            last2 = ind.level2.clone();
        }
        s.text(r, 3, &ind.name);
        let texts = [
            ind.target.as_ref().map(|f| f.value.clone()),
            ind.actual.as_ref().map(|f| f.value.clone()),
            ind.weight.as_ref().map(|f| f.value.to_string()),
            ind.score.as_ref().map(|f| f.value.to_string()),
            ind.reason.as_ref().map(|f| f.value.clone()),
        ];
        for (c, t) in texts.iter().enumerate() {
            if let Some(t) = t {
                s.text(r, 4 + c as u16, t);
            }
        }
    }
    r += 1;
    s.merged(r, 0, r, 5, &label(spec, "total", "总分"));
    let weights: rust_decimal::Decimal = p.indicators.iter().map(|i| i.weight_value()).sum();
    // (A 分值 sum without a 总分 would be listed as not imported: printed only with one.)
    if let Some(total) = &p.stated_total {
        s.text(r, 6, &(weights + rust_decimal::Decimal::TEN).to_string());
        s.text(r, 7, &total.text);
    }
    r + 2
}

#[test]
fn every_example_round_trips_through_a_workbook() {
    let forms = jixiao::Forms::builtin();
    for region in [
        "mof-2020",
        "beijing",
        "shanghai",
        "chongqing",
        "inner-mongolia",
        "xinjiang",
    ] {
        let dir = PathBuf::from("examples").join(region);
        let examples = jixiao::check(std::slice::from_ref(&dir), &forms).unwrap();
        let mut sheet = Sheet::new(region);
        let mut row = 0;
        for report in &examples.reports {
            row = layout(&mut sheet, row, report);
        }
        let folder = Folder::new();
        let input = write_file(&folder, &format!("{region}.xlsx"), &xlsx(&[sheet]));
        let out = folder.path().join("out");
        let outcome = jixiao::import::import(
            std::slice::from_ref(&input),
            &jixiao::import::Options {
                output: Some(out.clone()),
                ..Default::default()
            },
            &forms,
        )
        .unwrap_or_else(|e| panic!("{region}: {e}"));
        assert_eq!(
            outcome.projects.len(),
            examples.reports.len(),
            "{region}: {:?}",
            outcome.notes
        );
        let imported = jixiao::check(&outcome.projects, &forms).unwrap();
        for (got, want) in imported.reports.iter().zip(&examples.reports) {
            let (g, w) = (got.project.as_ref(), want.project.as_ref().unwrap());
            let g = g.unwrap_or_else(|| panic!("{region}: {:?}", got.problems));
            let what = format!("{region}/{}", w.info.name);
            let text = read(&got.path);
            assert!(!text.contains("未能对应"), "{what}: {text}");
            assert_eq!(g.form, w.form, "{what}: form guessed from the labels");
            assert_eq!(g.year, w.year, "{what}");
            assert_eq!(g.unit, w.unit, "{what}");
            assert_eq!(g.info.name, w.info.name, "{what}");
            assert_eq!(g.info.department, w.info.department, "{what}");
            assert_eq!(g.info.department_code, w.info.department_code, "{what}");
            assert_eq!(g.info.implementer, w.info.implementer, "{what}");
            assert_eq!(g.info.implementer_code, w.info.implementer_code, "{what}");
            assert_eq!(g.info.serial, w.info.serial, "{what}");
            let figures = |row: Option<&jixiao::model::FundRow>| {
                row.map(|f| {
                    (
                        f.key,
                        [&f.initial, &f.budget, &f.executed].map(|v| v.as_ref().map(|v| v.value)),
                        f.stated_rate.as_ref().map(|s| s.text.clone()),
                        f.stated_score.as_ref().map(|s| s.text.clone()),
                    )
                })
            };
            assert_eq!(
                figures(g.funds.total.as_ref()),
                figures(w.funds.total.as_ref()),
                "{what}"
            );
            let sources = |p: &jixiao::model::Project| {
                p.funds
                    .sources
                    .iter()
                    .map(|f| figures(Some(f)))
                    .collect::<Vec<_>>()
            };
            assert_eq!(sources(g), sources(w), "{what}");
            // A blank cell and `actual = ""` print the same.
            let text_of = |f: &Option<jixiao::model::Field<String>>| {
                f.as_ref()
                    .map(|f| f.value.clone())
                    .filter(|t| !t.is_empty())
            };
            assert_eq!(text_of(&g.planned), text_of(&w.planned), "{what}");
            assert_eq!(text_of(&g.achieved), text_of(&w.achieved), "{what}");
            assert_eq!(g.indicators.len(), w.indicators.len(), "{what}");
            for (a, b) in g.indicators.iter().zip(&w.indicators) {
                let key = |i: &jixiao::model::Indicator| {
                    (
                        i.level1.clone(),
                        i.level2.clone(),
                        i.name.clone(),
                        text_of(&i.target),
                        text_of(&i.actual),
                        i.weight.as_ref().map(|v| v.value),
                        i.score.as_ref().map(|v| v.value),
                        text_of(&i.reason),
                    )
                };
                assert_eq!(key(a), key(b), "{what}");
            }
            assert_eq!(
                g.stated_total.as_ref().map(|s| s.text.clone()),
                w.stated_total.as_ref().map(|s| s.text.clone()),
                "{what}"
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Every example, rendered by jixiao's own workbook writer, imported back (issue 8)

/// Problem codes about printed (stated) figures: the workbook prints computed figures, so the
/// stated ones of a project file (and a stated 年度资金总额 that disagrees with its sources) do
/// not come back.
fn about_stated_figures(code: &str) -> bool {
    code.starts_with("stated-") || code == "funds-total-mismatch"
}

#[test]
fn every_example_round_trips_through_render_xlsx_and_import() {
    let forms = jixiao::Forms::builtin();
    let mut projects: Vec<PathBuf> = Vec::new();
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
    assert!(projects.len() >= 30, "{projects:?}");
    let originals = jixiao::check(&projects, &forms).unwrap();
    assert_eq!(originals.reports.len(), projects.len());

    // Render each to .xlsx with the binary (--draft where the project has errors).
    let folder = Folder::new();
    let mut workbooks: Vec<PathBuf> = Vec::new();
    for (n, report) in originals.reports.iter().enumerate() {
        let out = folder.path().join(format!("{n:02}.xlsx"));
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_jixiao"));
        cmd.arg("render").arg(&report.path).arg("-o").arg(&out);
        if report.has_errors() {
            cmd.arg("--draft");
        }
        let status = cmd.output().unwrap();
        assert!(
            out.exists(),
            "{}: {}",
            report.path.display(),
            String::from_utf8_lossy(&status.stderr)
        );
        workbooks.push(out);
    }

    let out = folder.path().join("imported");
    let outcome = jixiao::import::import(
        &workbooks,
        &jixiao::import::Options {
            output: Some(out),
            ..Default::default()
        },
        &forms,
    )
    .unwrap();
    assert!(outcome.failed.is_empty(), "{:?}", outcome.failed);
    assert_eq!(
        outcome.projects.len(),
        projects.len(),
        "one form per workbook: {:?}",
        outcome.notes
    );
    let imported = jixiao::check(&outcome.projects, &forms).unwrap();

    for (got, want) in imported.reports.iter().zip(&originals.reports) {
        let what = want.path.display().to_string();
        let project = want.project.as_ref().unwrap();
        assert_eq!(got.name(), want.name(), "{what}");
        let funds = |r: &jixiao::Report| {
            r.funds.as_ref().map(|f| {
                let rates: Vec<_> = f.sources.iter().map(|s| (s.key, s.rate)).collect();
                (f.total.rate, f.score, rates)
            })
        };
        assert_eq!(funds(got), funds(want), "{what}: 执行率、预算执行得分");
        let scores = |r: &jixiao::Report| {
            r.indicators
                .iter()
                .map(|i| (i.indicator.name.clone(), i.scored.score))
                .collect::<Vec<_>>()
        };
        assert_eq!(scores(got), scores(want), "{what}: 各指标得分");
        assert_eq!(got.total, want.total, "{what}: 总分");
        assert_eq!(got.rating, want.rating, "{what}: 等级");

        // Problem codes by the field they are on, less those about stated figures and the
        // justified exceptions below.
        let excepted = |code: &str, field: &str| {
            // 执行率偏低的原因 (funds.reason) has no cell on any form, printed or workbook:
            // the warning that asks for it comes back.
            (code == "low-execution" && project.funds.reason.is_some())
                // `direction` for a target printed without a comparator ("0例"; the examples
                // say 原表未印比较符) is not printed either: import sees the bare target.
                || (code == "assumed-direction"
                    && field
                        .strip_prefix("indicators[")
                        .and_then(|f| f.split_once(']'))
                        .and_then(|(i, _)| i.parse::<usize>().ok())
                        .and_then(|i| project.indicators.get(i))
                        .is_some_and(|i| i.direction.is_some()))
        };
        let problems = |r: &jixiao::Report| {
            let mut codes: Vec<(&str, String)> = r
                .problems
                .iter()
                .filter(|p| !about_stated_figures(p.code()) && !excepted(p.code(), &p.field))
                .map(|p| (p.code(), p.field.clone()))
                .collect();
            codes.sort();
            codes
        };
        assert_eq!(
            problems(got),
            problems(want),
            "{what}: 问题代码（imported {}）",
            got.path.display()
        );
    }
}
