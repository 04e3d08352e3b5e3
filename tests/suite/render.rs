//! End-to-end rendering through the `jixiao` binary; every PDF is read back with poppler's
//! `pdftotext` / `pdfinfo` (installed by `.ci/run`; see the README's design notes).

use crate::common::*;

use std::path::PathBuf;

/// Text without the spaces and line breaks layout puts between cells and wrapped lines.
fn jixiao(args: &[&str]) -> (i32, String) {
    let (code, _, stderr) = run_jixiao(args);
    (code, stderr)
}

fn squeeze(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

pub(crate) fn examples() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for dir in std::fs::read_dir("examples").unwrap() {
        let dir = dir.unwrap().path();
        if !dir.is_dir() {
            continue;
        }
        for f in std::fs::read_dir(&dir).unwrap() {
            let f = f.unwrap().path();
            if f.extension().is_some_and(|e| e == "toml") && f.file_name().unwrap() != "jixiao.toml"
            {
                files.push(f);
            }
        }
    }
    files.sort();
    files
}

/// Labels each form must print (from the seeds and layout.md).
fn labels(form: &str) -> &'static [&'static str] {
    match form {
        "inner-mongolia" => &[
            "项目支出绩效自评表",
            "项目主管部门及代码",
            "实施单位",
            "年度总金额",
            "其中：财政拨款",
            "(10分)",
            "年度总体目标",
            "预期目标",
            "实际完成情况",
            "一级指标",
            "二级指标",
            "三级指标",
            "年度指标值",
            "实际完成值",
            "总分",
        ],
        "beijing" => &[
            "项目支出绩效自评表",
            "主管部门",
            "实施单位",
            "年度资金总额",
            "其中：当年财政拨款",
            "上年结转资金",
            "其他资金",
            "年度总体目标",
            "偏差原因分析及改进措施",
            "总分",
        ],
        "xinjiang" => &[
            "项目支出绩效自评表",
            "主管部门",
            "实施单位",
            "年度资金总额",
            "其中：当年财政拨款",
            "年度绩效指标完成情况",
            "偏差原因分析及改进措施",
            "总分",
        ],
        "shanghai" => &[
            "财政项目支出绩效自评表",
            "主管部门",
            "实施单位",
            "年度资金总额",
            "年度总体目标",
            "偏差原因分析及改进措施",
            "总分",
        ],
        "chongqing" => &[
            "预算资金项目支出绩效自评表",
            "项目序号：",
            "金额单位：万元（保留两位小数）",
            "预算单位（盖章）",
            "年度资金总额：",
            "其中：中央资金",
            "市级资金",
            "区级资金",
            "上年结转资金",
            "年初设定目标",
            "偏差原因分析及改进措施",
            "总分",
        ],
        _ => &[
            "项目支出绩效自评表",
            "项目名称",
            "主管部门",
            "实施单位",
            "年初预算数",
            "全年预算数",
            "全年执行数",
            "分值",
            "执行率",
            "得分",
            "年度资金总额",
            "年度总体目标",
            "一级指标",
            "二级指标",
            "三级指标",
            "年度指标值",
            "实际完成值",
            "偏差原因分析及改进措施",
            "总分",
        ],
    }
}

#[test]
fn every_example_renders_and_reads_back() {
    let out = Folder::new();
    let forms = jixiao::Forms::builtin();
    let files = examples();
    assert!(
        files.len() >= 25,
        "expected the transcribed examples, found {}",
        files.len()
    );
    let checked = jixiao::check(&files, &forms).unwrap();
    for report in &checked.reports {
        let pdf = out.path().join("out.pdf");
        // Published forms keep their slips (the audit), so they render as drafts when they have errors.
        let mut args = vec![
            "render",
            report.path.to_str().unwrap(),
            "-o",
            pdf.to_str().unwrap(),
        ];
        if report.has_errors() {
            args.push("--draft");
        }
        let (code, stderr) = jixiao(&args);
        assert_eq!(code, 0, "{}: {stderr}", report.path.display());
        let text = squeeze(&pdftotext(&pdf));
        let project = report.project.as_ref().unwrap();
        assert!(
            text.contains(&squeeze(&project.info.name)),
            "{}: name missing",
            report.path.display()
        );
        let form = &report.form.as_ref().unwrap().id;
        for label in labels(form) {
            assert!(
                text.contains(&squeeze(label)),
                "{}: label {label} missing from {form}",
                report.path.display()
            );
        }
        let total = report.total.map(|t| {
            let d = report.form.as_ref().unwrap().format.score_decimals;
            jixiao::decimal::for_form(t, d)
        });
        if let Some(total) = total {
            assert!(
                text.contains(&total),
                "{}: 总分 {total} missing",
                report.path.display()
            );
        }
        assert_eq!(
            text.contains('稿'),
            report.has_errors(),
            "{}: draft mark",
            report.path.display()
        );
        let n = pages(&pdf);
        assert!(
            (1..=3).contains(&n),
            "{}: {n} pages for one form",
            report.path.display()
        );
    }
}

#[test]
fn same_input_gives_identical_bytes_and_metadata() {
    let out = Folder::new();
    let input = "examples/mof-2020/信息化运维经费.toml";
    let a = out.path().join("a.pdf");
    let b = out.path().join("b.pdf");
    assert_eq!(jixiao(&["render", input, "-o", a.to_str().unwrap()]).0, 0);
    assert_eq!(jixiao(&["render", input, "-o", b.to_str().unwrap()]).0, 0);
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
    let info = pdfinfo(&a);
    assert!(info.contains("信息化运维经费"), "title: {info}");
    assert!(
        info.contains("滨江市人力资源和社会保障信息中心"),
        "author: {info}"
    );
    assert_eq!(pages(&a), 1);
    let text = squeeze(&pdftotext(&a));
    // 112.36 / 118.5 = 94.818…% → 9.48; total 98.95.
    for figure in ["94.82%", "9.48", "98.95", "14.47"] {
        assert!(text.contains(figure), "{figure} missing");
    }
}

const HOSTILE: &str = r##"year = 2024
[project]
name = '#panic("x") $a$ *b* \ ] #{1+1} <lbl> @ref'
department = "测试部门"
implementer = "测试单位"
[funds.fiscal]
budget = 100
executed = 100
[goals]
planned = '= 标题 #set page(width: 1cm) `raw`'
achieved = "完成"
[[indicators]]
level1 = "产出指标"
level2 = "数量指标"
name = '$x^2$ _斜体_'
target = "≥1"
actual = "1"
weight = 90
"##;

#[test]
fn user_text_prints_literally() {
    let folder = Folder::new();
    let input = folder.write("hostile.toml", HOSTILE);
    let pdf = folder.path().join("hostile.pdf");
    let (code, stderr) = jixiao(&[
        "render",
        input.to_str().unwrap(),
        "-o",
        pdf.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    let text = squeeze(&pdftotext(&pdf));
    for literal in [
        "#panic(\"x\")",
        "$a$",
        "*b*",
        "\\]",
        "#{1+1}",
        "<lbl>",
        "@ref",
        "=标题#setpage(width:1cm)`raw`",
        "$x^2$_斜体_",
    ] {
        assert!(
            text.contains(literal),
            "{literal} not printed literally in {text}"
        );
    }
}

#[test]
fn long_form_spans_pages_and_repeats_the_header() {
    let mut text = String::from(
        "year = 2024\n[project]\nname = \"二百个指标\"\ndepartment = \"部门\"\nimplementer = \"单位\"\n[funds.fiscal]\nbudget = 100\nexecuted = 100\n",
    );
    for i in 0..200 {
        let (l1, l2) = match i % 4 {
            0 => ("产出指标", "数量指标"),
            1 => ("产出指标", "质量指标"),
            2 => ("效益指标", "社会效益指标"),
            _ => ("满意度指标", "服务对象满意度指标"),
        };
        text.push_str(&format!("[[indicators]]\nlevel1 = \"{l1}\"\nlevel2 = \"{l2}\"\nname = \"指标第{i}项\"\ntarget = \"≥10\"\nactual = \"10\"\nweight = \"0.45\"\n"));
    }
    let folder = Folder::new();
    let input = folder.write("long.toml", &text);
    let pdf = folder.path().join("long.pdf");
    let (code, stderr) = jixiao(&[
        "render",
        input.to_str().unwrap(),
        "-o",
        pdf.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    let n = pages(&pdf);
    assert!(n >= 4, "200 indicators on {n} pages");
    let body = pdftotext(&pdf);
    let headers = body.matches("三级指标").count();
    assert_eq!(headers, n, "the indicator header repeats on every page");
    assert!(squeeze(&body).contains("指标第199项"));
}

#[test]
fn errors_refuse_and_keep_the_old_file_draft_renders() {
    let folder = Folder::new();
    let bad = folder.write(
        "bad.toml",
        &project(
            "",
            "level2 = \"数量指标\"\nname = \"a\"\ntarget = \"≥10\"\nactual = \"5\"\nweight = 90",
        ),
    );
    let pdf = folder.path().join("bad.pdf");
    std::fs::write(&pdf, b"older file").unwrap();
    let (code, stderr) = jixiao(&["render", bad.to_str().unwrap(), "-o", pdf.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(
        stderr.contains("missing-reason") && stderr.contains("bad.toml:"),
        "{stderr}"
    );
    assert_eq!(std::fs::read(&pdf).unwrap(), b"older file");
    let (code, _) = jixiao(&[
        "render",
        bad.to_str().unwrap(),
        "-o",
        pdf.to_str().unwrap(),
        "--draft",
    ]);
    assert_eq!(code, 0);
    let text = pdftotext(&pdf);
    assert!(
        text.contains('草') && text.contains('稿'),
        "no 草稿 watermark"
    );
    // A missing output folder is an I/O error, with nothing written.
    let (code, stderr) = jixiao(&[
        "render",
        bad.to_str().unwrap(),
        "--draft",
        "-o",
        folder.path().join("no/such/dir/x.pdf").to_str().unwrap(),
    ]);
    assert_eq!(code, 2, "{stderr}");
}

#[test]
fn missing_glyph_is_a_warning_naming_char_and_field() {
    let folder = Folder::new();
    // U+2A6D6 (CJK Extension B) is in none of the shipped fonts; 犇 and 堃 are (Noto subset).
    let text = project(
        "",
        "level2 = \"数量指标\"\nname = \"犇堃𪚖\"\ntarget = \"≥1\"\nactual = \"1\"\nweight = 90",
    );
    let input = folder.write("glyph.toml", &text);
    let pdf = folder.path().join("glyph.pdf");
    let (code, stderr) = jixiao(&[
        "render",
        input.to_str().unwrap(),
        "-o",
        pdf.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("missing-glyph")
            && stderr.contains("𪚖")
            && stderr.contains("indicators[0].name"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("“犇”") && !stderr.contains("“堃”"),
        "{stderr}"
    );
}

#[test]
fn png_and_svg_one_file_per_page() {
    let folder = Folder::new();
    let png = folder.path().join("form.png");
    let (code, stderr) = jixiao(&[
        "render",
        "examples/mof-2020/信息化运维经费.toml",
        "--format",
        "png",
        "--ppi",
        "40",
        "-o",
        png.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(&std::fs::read(&png).unwrap()[1..4], b"PNG");
    let svg = folder.path().join("form.svg");
    assert_eq!(
        jixiao(&[
            "render",
            "examples/mof-2020/信息化运维经费.toml",
            "--format",
            "svg",
            "-o",
            svg.to_str().unwrap()
        ])
        .0,
        0
    );
    assert!(std::fs::read_to_string(&svg).unwrap().contains("<svg"));
}

#[test]
fn pdfa_uses_the_filing_date() {
    let folder = Folder::new();
    let input = folder.write(
        "a.toml",
        &format!(
            "{}\n[signature]\ndate = \"2025-03-31\"\n",
            project(
                "",
                "level2 = \"数量指标\"\nname = \"a\"\ntarget = \"≥1\"\nactual = \"1\"\nweight = 90"
            )
        ),
    );
    let pdf = folder.path().join("a.pdf");
    let (code, stderr) = jixiao(&[
        "render",
        input.to_str().unwrap(),
        "--pdf-standard",
        "a-2b",
        "-o",
        pdf.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("2025-03-31"), "{stderr}");
    let bytes = std::fs::read(&pdf).unwrap();
    let raw = String::from_utf8_lossy(&bytes);
    assert!(
        raw.contains("pdfaid:part") || raw.contains("PDF/A"),
        "no PDF/A identification"
    );
}

/// A date the calendar does not have is an error of its cell at check time (issue 16); a
/// draft takes the PDF/A date from elsewhere instead of failing in English.
#[test]
fn an_impossible_filing_date_is_refused_before_pdfa() {
    let folder = Folder::new();
    let text = format!(
        "{}\n[signature]\ndate = \"2023-02-29\"\n",
        project(
            "",
            "level2 = \"数量指标\"\nname = \"a\"\ntarget = \"≥1\"\nactual = \"1\"\nweight = 90"
        )
    );
    let line = text.lines().position(|l| l.starts_with("date =")).unwrap() + 1;
    let input = folder.write("a.toml", &text);
    let pdf = folder.path().join("a.pdf");
    let args = [
        "render",
        input.to_str().unwrap(),
        "--pdf-standard",
        "a-2b",
        "-o",
        pdf.to_str().unwrap(),
    ];
    let (code, stderr) = jixiao(&args);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("error[impossible-date]")
            && stderr.contains("填报日期“2023-02-29”不存在：2023 年 2 月没有 29 日")
            && stderr.contains(&format!("a.toml:{line}:8"))
            && stderr.contains("signature.date"),
        "{stderr}"
    );
    assert!(!pdf.exists());
    let (code, stderr) = jixiao(&[&args[..], &["--draft"]].concat());
    assert_eq!(code, 0, "{stderr}");
    assert!(!stderr.contains("取填报日期"), "{stderr}");
    assert!(!stderr.contains("invalid"), "{stderr}");
    assert!(pdf.exists());
}

/// `-o 新文件夹/` that does not exist is refused before any layout, in Chinese (issue 16).
#[test]
fn a_missing_output_folder_is_refused_before_layout() {
    let folder = Folder::new();
    let input = folder.write(
        "a.toml",
        &project(
            "",
            "level2 = \"数量指标\"\nname = \"a\"\ntarget = \"≥1\"\nactual = \"1\"\nweight = 90",
        ),
    );
    for (out, named) in [
        ("nosuchdir/", "nosuchdir/"),
        ("nosuchdir/x/a.pdf", "nosuchdir/x"),
    ] {
        let out = folder.path().join(out);
        let (code, stderr) = jixiao(&[
            "render",
            input.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ]);
        assert_eq!(code, 2, "{stderr}");
        let named = folder.path().join(named);
        assert_eq!(
            stderr.trim(),
            format!(
                "错误：输出文件夹不存在：{} (output folder does not exist)",
                named.display()
            ),
            "one message, nothing laid out first"
        );
    }
    let (code, stderr) = jixiao(&[
        "render",
        input.to_str().unwrap(),
        "-o",
        input.join("a.pdf").to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("a.toml 不是文件夹（已有同名文件）"),
        "{stderr}"
    );
}

/// One word of a PDF as poppler's `pdftotext -bbox` places it (points, origin top left).
pub(crate) struct Word {
    pub page: usize,
    pub page_width: f64,
    pub page_height: f64,
    pub x_min: f64,
    pub x_max: f64,
    pub y_min: f64,
    pub y_max: f64,
    pub text: String,
}

/// Every word of a PDF with its box, read back by `pdftotext -bbox`.
pub(crate) fn words(pdf: &std::path::Path) -> Vec<Word> {
    pdftotext(pdf); // installs poppler on a fresh machine
    let out = std::process::Command::new("pdftotext")
        .args(["-bbox", pdf.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext (poppler-utils)");
    assert!(out.status.success(), "pdftotext -bbox failed");
    let html = String::from_utf8(out.stdout).unwrap();
    let attr = |line: &str, name: &str| -> f64 {
        let start = line.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
        let len = line[start..].find('"').unwrap();
        line[start..start + len].parse().unwrap()
    };
    let (mut page, mut width, mut height) = (0, 0.0, 0.0);
    let mut words = Vec::new();
    for line in html.lines().map(str::trim) {
        if line.starts_with("<page ") {
            page += 1;
            width = attr(line, "width");
            height = attr(line, "height");
        } else if line.starts_with("<word ") {
            let text =
                line[line.find('>').unwrap() + 1..line.rfind("</word>").unwrap()].to_string();
            words.push(Word {
                page,
                page_width: width,
                page_height: height,
                x_min: attr(line, "xMin"),
                x_max: attr(line, "xMax"),
                y_min: attr(line, "yMin"),
                y_max: attr(line, "yMax"),
                text,
            });
        }
    }
    assert!(page > 0, "no pages read back");
    words
}

/// Text of one page (1-based) of a PDF.
pub(crate) fn page_text(pdf: &std::path::Path, page: usize) -> String {
    pdftotext(pdf); // installs poppler on a fresh machine
    let n = page.to_string();
    let out = std::process::Command::new("pdftotext")
        .args(["-f", &n, "-l", &n, "-raw", pdf.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext (poppler-utils)");
    assert!(out.status.success(), "pdftotext -f {page} failed");
    String::from_utf8(out.stdout).unwrap()
}

/// Issue 10, item 8: a 3 000-character unbroken name and reason, a URL, a 14-digit amount and a
/// long target wrap or shrink inside their cells on every built-in form instead of spilling over
/// the neighbouring cells and off the page.
#[test]
fn long_unbroken_text_and_numbers_stay_on_the_page() {
    let name = "A".repeat(3000);
    let url = format!("https://example.com/{}", "x".repeat(2980));
    let amount = "12345678901234.56";
    let folder = Folder::new();
    for form in [
        "mof-2020",
        "beijing",
        "chongqing",
        "inner-mongolia",
        "shanghai",
        "xinjiang",
    ] {
        let text = format!(
            r#"year = 2024
form = "{form}"
[project]
name = "{name}"
department = "{url}"
implementer = "测试单位"
[funds.other]
initial = "{amount}"
budget = "{amount}"
executed = "{amount}"
[goals]
planned = "{url}"
achieved = "完成"
[[indicators]]
level1 = "产出指标"
level2 = "数量指标"
name = "{name}"
target = "≥99.9999999999%"
actual = "50%"
weight = 90
reason = "{url}"
"#
        );
        let input = folder.write(&format!("{form}.toml"), &text);
        let pdf = folder.path().join(format!("{form}.pdf"));
        let (code, stderr) = jixiao(&[
            "render",
            input.to_str().unwrap(),
            "-o",
            pdf.to_str().unwrap(),
        ]);
        assert_eq!(code, 0, "{form}: {stderr}");
        let words = words(&pdf);
        // The table spans the text width: the page less 1.8 cm margins. Nothing may reach past
        // the page, nor more than a character (a full-width "）" ends in blank) into the margin.
        let margin = 1.8 / 2.54 * 72.0;
        for w in &words {
            let short: String = w.text.chars().take(20).collect();
            assert!(
                w.x_max <= w.page_width && w.x_min >= 0.0 && w.y_max <= w.page_height,
                "{form}: page {} word {short}… at x {:.1}–{:.1}, y ≤ {:.1} is off the {:.1} × {:.1} page",
                w.page,
                w.x_min,
                w.x_max,
                w.y_max,
                w.page_width,
                w.page_height
            );
            assert!(
                w.x_max <= w.page_width - margin + 9.0 && w.x_min >= margin - 9.0,
                "{form}: page {} word {short}… at x {:.1}–{:.1} spills into the margin",
                w.page,
                w.x_min,
                w.x_max
            );
        }
        // Wrapping inserts no characters: the texts read back intact.
        let all = squeeze(&pdftotext(&pdf));
        for expected in [name.as_str(), amount, "≥99.9999999999%"] {
            assert!(
                all.contains(expected),
                "{form}: {}… not read back intact",
                expected.chars().take(20).collect::<String>()
            );
        }
        assert!(
            all.contains(&format!("https://example.com/{}", "x".repeat(100))),
            "{form}: URL not read back"
        );
    }
}

/// Issue 10, item 8: on the continuation pages of a long form the 绩效指标, 一级 and 二级 labels
/// (rowspan cells, which Typst prints only where the span starts) are printed again.
#[test]
fn continuation_pages_repeat_the_level_labels() {
    let head = "year = 2024\n[project]\nname = \"二百个指标\"\ndepartment = \"部门\"\nimplementer = \"单位\"\n[funds.fiscal]\nbudget = 100\nexecuted = 100\n";
    let groups = [
        ("产出指标", "数量指标"),
        ("产出指标", "质量指标"),
        ("效益指标", "社会效益指标"),
        ("满意度指标", "服务对象满意度指标"),
    ];
    let folder = Folder::new();
    // (form, 二级 groups used, whether 二级 cells are merged)
    for (form, used) in [("mof-2020", 1), ("mof-2020", 4), ("xinjiang", 1)] {
        let mut text = format!("form = \"{form}\"\n{head}");
        let mut level_of = Vec::new();
        for i in 0..200 {
            let (l1, l2) = groups[i % used];
            level_of.push((l1, l2));
            text.push_str(&format!("[[indicators]]\nlevel1 = \"{l1}\"\nlevel2 = \"{l2}\"\nname = \"指标第{i}项\"\ntarget = \"≥10\"\nactual = \"10\"\nweight = \"0.45\"\n"));
        }
        let input = folder.write("long.toml", &text);
        let pdf = folder.path().join("long.pdf");
        let (code, stderr) = jixiao(&[
            "render",
            input.to_str().unwrap(),
            "-o",
            pdf.to_str().unwrap(),
        ]);
        assert_eq!(code, 0, "{stderr}");
        let n = pages(&pdf);
        assert!(n >= 4, "{form}: 200 indicators on {n} pages");
        let mut with_rows = 0;
        for page in 1..=n {
            let body = squeeze(&page_text(&pdf, page));
            // the groups whose rows are on this page
            let here: Vec<(&str, &str)> = (0..200)
                .filter(|i| body.contains(&format!("指标第{i}项")))
                .map(|i| level_of[i])
                .collect();
            if here.is_empty() {
                continue; // only the 总分 row
            }
            with_rows += 1;
            let block = if form == "xinjiang" {
                "年度绩效指标完成情况"
            } else {
                "绩效指标"
            };
            assert!(
                body.contains(block),
                "{form}: page {page} of {n} lacks the {block} label"
            );
            for (l1, l2) in here {
                assert!(
                    body.contains(l1),
                    "{form}: page {page} of {n} lacks the 一级 label {l1}"
                );
                if form != "xinjiang" {
                    assert!(
                        body.contains(l2),
                        "{form}: page {page} of {n} lacks the 二级 label {l2}"
                    );
                }
            }
        }
        assert!(
            with_rows >= n - 1,
            "{form}: indicator rows found on {with_rows} of {n} pages"
        );
    }
}

// ---------------------------------------------------------------- [print] options (issue 9, item 4)

/// Render `file` (with `--draft`) and return its text as `pdftotext -raw` lays it out.
fn rendered_lines(file: &std::path::Path, out: &Folder) -> Vec<String> {
    let pdf = out.path().join("print.pdf");
    let (code, stderr) = jixiao(&[
        "render",
        file.to_str().unwrap(),
        "-o",
        pdf.to_str().unwrap(),
        "--draft",
    ]);
    assert_eq!(code, 0, "{}: {stderr}", file.display());
    pdftotext(&pdf).lines().map(str::to_string).collect()
}

/// The line of a fund row or the 总分 row (its label first on the line).
fn row<'a>(lines: &'a [String], label: &str) -> &'a str {
    lines
        .iter()
        .find(|l| l.starts_with(label))
        .unwrap_or_else(|| panic!("no row {label} in\n{}", lines.join("\n")))
}

/// A copy of an example project and its folder's jixiao.toml in `dir`, each with `extra`
/// appended (a `[print]` table, say).
fn example_copy(
    dir: &Folder,
    region: &str,
    name: &str,
    folder_extra: &str,
    project_extra: &str,
) -> PathBuf {
    let read = |f: &str| std::fs::read_to_string(format!("examples/{region}/{f}")).unwrap();
    dir.write(
        "jixiao.toml",
        &format!("{}\n{folder_extra}\n", read("jixiao.toml")),
    );
    dir.write(
        &format!("{name}.toml"),
        &format!("{}\n{project_extra}\n", read(&format!("{name}.toml"))),
    )
}

#[test]
fn beijing_prints_trimmed_rates_and_no_rate_on_its_source_rows() {
    let out = Folder::new();
    let lines = rendered_lines(
        std::path::Path::new("examples/beijing/2024年服务大厅公共设施维修费.toml"),
        &out,
    );
    let total = row(&lines, "年度资金总额");
    assert!(
        total.contains("100%") && !total.contains("100.00%"),
        "{total}"
    );
    // 其中 rows: 分值 and 得分 "—", 执行率 left blank
    let fiscal = row(&lines, "其中：当年财政拨款");
    assert!(!fiscal.contains('%'), "{fiscal}");
    assert_eq!(fiscal.matches('—').count(), 2, "{fiscal}");
    let carryover = row(&lines, "上年结转资金");
    assert_eq!(
        carryover.split_whitespace().collect::<Vec<_>>(),
        ["上年结转资金", "—", "—"]
    );
    assert!(!lines.join("\n").contains("100.00%"));

    // A project (or its folder) may print otherwise: [print] rate = "fixed".
    let dir = Folder::new();
    let file = example_copy(
        &dir,
        "beijing",
        "2024年服务大厅公共设施维修费",
        "",
        "[print]\nrate = \"fixed\"",
    );
    let lines = rendered_lines(&file, &out);
    assert!(row(&lines, "年度资金总额").contains("100.00%"));
    // …and a folder's [print] applies to its projects unless they say otherwise.
    let dir = Folder::new();
    let file = example_copy(
        &dir,
        "beijing",
        "2024年服务大厅公共设施维修费",
        "[print]\nrate = \"fixed\"\nsource_rate = \"rate\"",
        "[print]\nrate = \"trimmed\"",
    );
    let lines = rendered_lines(&file, &out);
    assert!(row(&lines, "年度资金总额").contains(" 100% "));
    assert!(row(&lines, "其中：当年财政拨款").contains(" 100% "));
}

#[test]
fn shanghai_prints_zero_amounts_as_0() {
    let out = Folder::new();
    // The 上海 seed prints 上年结转资金 and 其他资金 as 0 / 0 / blank (examples/shanghai/jixiao.toml).
    let lines = rendered_lines(
        std::path::Path::new("examples/shanghai/政府购买辅助服务.toml"),
        &out,
    );
    for label in ["上年结转资金", "其他资金"] {
        let words: Vec<&str> = row(&lines, label).split_whitespace().collect();
        assert_eq!(words, [label, "0", "0", "—"], "{label}");
    }
    // Amounts still have their two places elsewhere.
    assert!(row(&lines, "年度资金总额").contains("2223144.00"));
}

#[test]
fn chongqing_leaves_out_unused_level2_rows_when_told() {
    let out = Folder::new();
    // Default: every 二级 has a row, as on 22 of the 27 published 重庆 forms.
    let example = std::path::Path::new("examples/chongqing/公务员表彰奖励.toml");
    let source = std::fs::read_to_string(example).unwrap();
    assert!(
        !source.contains("\"时效指标\"") && !source.contains("\"质量指标\""),
        "the example uses neither 时效指标 nor 质量指标"
    );
    let text = squeeze(&rendered_lines(example, &out).join(""));
    assert!(text.contains("时效指标") && text.contains("质量指标"));

    // The other five leave out 时效指标 alone: [print] unused_level2 = ["时效指标"].
    let dir = Folder::new();
    let file = example_copy(
        &dir,
        "chongqing",
        "公务员表彰奖励",
        "[print]\nunused_level2 = \"omit\"",
        "[print]\nunused_level2 = [\"时效指标\"]",
    );
    let text = squeeze(&rendered_lines(&file, &out).join(""));
    assert!(!text.contains("时效指标"), "{text}");
    for kept in ["质量指标", "经济效益指标", "数量指标", "成本指标"] {
        assert!(text.contains(kept), "{kept} missing");
    }
    // The folder's "omit" alone: only the 二级 the project uses.
    let dir = Folder::new();
    let file = example_copy(
        &dir,
        "chongqing",
        "公务员表彰奖励",
        "[print]\nunused_level2 = \"omit\"",
        "",
    );
    let text = squeeze(&rendered_lines(&file, &out).join(""));
    for gone in ["时效指标", "质量指标", "经济效益指标"] {
        assert!(!text.contains(gone), "{gone} printed");
    }
    assert!(text.contains("数量指标") && text.contains("成本指标"));
}

#[test]
fn total_row_weight_is_the_sum_of_the_weights() {
    let out = Folder::new();
    let dir = Folder::new();
    for (weight, expected) in [(90, "100"), (80, "90")] {
        let file = dir.write(
            "p.toml",
            &project(
                "",
                &format!(
                    "level2 = \"数量指标\"\nname = \"n\"\ntarget = \"≥1\"\nactual = \"1\"\nweight = {weight}"
                ),
            ),
        );
        let report = check_text(&std::fs::read_to_string(&file).unwrap());
        assert_eq!(
            codes(&report).contains(&"weights-sum"),
            weight != 90,
            "{:?}",
            report.problems
        );
        let lines = rendered_lines(&file, &out);
        let words: Vec<&str> = row(&lines, "总分").split_whitespace().collect();
        assert_eq!(words[1], expected, "总分 row: {words:?}");
    }
}

#[test]
fn print_values_in_project_files_are_checked() {
    let report = check_text(&project(
        "[print]\nrate = \"percent\"\nunused_level2 = [\"时效\"]",
        "level2 = \"数量指标\"\nname = \"n\"\ntarget = \"≥1\"\nactual = \"1\"\nweight = 90",
    ));
    let bad: Vec<_> = report
        .problems
        .iter()
        .filter(|p| p.code() == "invalid-value")
        .collect();
    assert_eq!(bad.len(), 2, "{:?}", report.problems);
    assert_eq!(bad[0].field, "print.rate");
    assert!(bad[0].message.contains("执行率印法“percent”无效"));
    assert!(bad[0].loc.is_some() && bad[1].loc.is_some());
    assert_eq!(bad[1].field, "print.unused_level2");
    let report = check_text(&project(
        "[print]\nrat = \"fixed\"",
        "level2 = \"数量指标\"\nname = \"n\"\ntarget = \"≥1\"\nactual = \"1\"\nweight = 90",
    ));
    assert!(
        codes(&report).contains(&"unknown-key"),
        "{:?}",
        report.problems
    );
}

// ---------------------------------------------------------------- data documents (issue 11, item 4)

/// `/bundle.json` of `jixiao bundle examples/mof-2020`, as jixiao wrote it before the bundle
/// document became a type (plus the 序号 `number` of each row, added since).
const MOF_BUNDLE_JSON: &str = r##"{"title":"2025年度项目支出绩效自评表汇编","department":"滨江市人力资源和社会保障局","year":"2025","date":"2026-03-31","draft":false,"page_numbers":true,"unit":"万元","projects":[{"number":"1","name":"信息化运维经费","implementer":"滨江市人力资源和社会保障信息中心","budget":"118.50","executed":"112.36","rate":"94.82","score":"98.95","grade":"优"},{"number":"2","name":"职业技能培训补贴","implementer":"滨江市公共就业和人才服务中心","budget":"450.00","executed":"401.60","rate":"89.24","score":"95.75","grade":"优"}],"totals":{"budget":"568.50","executed":"513.96","rate":"90.41"}}"##;

/// `/data/0.json` of the same bundle (信息化运维经费), as jixiao wrote it before the data document
/// became a type.
const MOF_DATA_JSON: &str = r##"{"form":"mof-2020","title":"项目支出绩效自评表","labels":{"department":"主管部门","funds":"项目资金","funds_unit_format":"（{unit}）","goals":"年度总体目标","goals_achieved":"实际完成情况","goals_planned":"预期目标","implementer":"实施单位","indicator_block":"绩效指标","level1_format":"{name}","project_name":"项目名称","reason_header":"偏差原因分析及改进措施","total":"总分"},"draft":false,"year":"2025","unit":"万元","project":{"name":"信息化运维经费","department":"滨江市人力资源和社会保障局","department_code":"","implementer":"滨江市人力资源和社会保障信息中心","implementer_code":"","serial":""},"funds":{"weight":"10","rate":"94.82","score":"9.48","rows":[{"key":"total","label":"年度资金总额","initial":"120","budget":"118.5","executed":"112.36","rate":"94.82","cells":{"weight":"10","rate":"94.82%","score":"9.48"}},{"key":"fiscal","label":"其中：当年财政拨款","initial":"120","budget":"118.5","executed":"112.36","rate":"94.82","cells":{"weight":"—","rate":"94.82%","score":"—"}},{"key":"carryover","label":"上年结转资金","initial":"","budget":"","executed":"","rate":"","cells":{"weight":"—","rate":"","score":"—"}},{"key":"other","label":"其他资金","initial":"","budget":"","executed":"","rate":"","cells":{"weight":"—","rate":"","score":"—"}}]},"goals":{"planned":"保障本局社会保险、就业服务、人事人才等12个业务信息系统及机房、网络、终端设备全年稳定运行，核心业务系统可用率不低于99.5%，故障响应时间不超过2小时，通过网络安全等级保护测评，推动业务经办线上办理率达到85%以上。","achieved":"全年完成12个业务信息系统及机房、网络、终端设备的日常运维，开展网络及终端设备巡检24次，核心业务系统可用率99.7%，平均故障响应时间1.5小时，顺利通过网络安全等级保护测评，未发生重大网络安全事件；业务经办线上办理率82%。全年执行112.36万元，执行率94.82%。"},"groups":[{"level1":"产出指标","weight":"50","count":6,"level2":[{"name":"数量指标","indicators":[{"name":"运维保障业务信息系统数量","target":"≥12个","actual":"12个","weight":"10","score":"10","reason":"","rule":"","note":"","applicable":true},{"name":"网络及终端设备巡检次数","target":"≥24次","actual":"24次","weight":"8","score":"8","reason":"","rule":"","note":"","applicable":true}],"fill":""},{"name":"质量指标","indicators":[{"name":"核心业务系统可用率","target":"≥99.5%","actual":"99.7%","weight":"10","score":"10","reason":"","rule":"","note":"","applicable":true},{"name":"网络安全等级保护测评通过率","target":"=100%","actual":"100%","weight":"7","score":"7","reason":"","rule":"","note":"","applicable":true}],"fill":""},{"name":"时效指标","indicators":[{"name":"故障响应时间","target":"≤2小时","actual":"1.5小时","weight":"8","score":"8","reason":"","rule":"","note":"","applicable":true}],"fill":""},{"name":"成本指标","indicators":[{"name":"年度运维支出","target":"≤118.5万元","actual":"112.36万元","weight":"7","score":"7","reason":"","rule":"","note":"","applicable":true}],"fill":""}]},{"level1":"效益指标","weight":"30","count":2,"level2":[{"name":"社会效益指标","indicators":[{"name":"业务经办线上办理率","target":"≥85%","actual":"82%","weight":"15","score":"14.47","reason":"部分业务须线下核验原件，线上办理率未达预期；下一步推进电子证照共享调用，减少线下核验环节。","rule":"","note":"","applicable":true}],"fill":""},{"name":"可持续影响指标","indicators":[{"name":"业务信息系统安全稳定运行","target":"长期","actual":"长期","weight":"15","score":"15","reason":"","rule":"","note":"","applicable":true}],"fill":""}]},{"level1":"满意度指标","weight":"10","count":1,"level2":[{"name":"服务对象满意度指标","indicators":[{"name":"业务经办人员满意度","target":"≥90%","actual":"93%","weight":"10","score":"10","reason":"","rule":"","note":"","applicable":true}],"fill":""}]}],"indicator_weight":"90","total":{"weight":"100","score":"98.95"},"grade":"优","signature":{"filler":"","phone":"","date":"","leader":""}}"##;

/// The data document and the bundle document are `#[derive(Serialize)]` types
/// (`template_data::DataDocument`, `document::BundleDocument`); the JSON the templates read is
/// byte for byte what it was, and the `Value` views say the same.
#[test]
fn data_documents_are_typed_and_their_json_is_unchanged() {
    let forms = jixiao::Forms::builtin();
    let checked = jixiao::check(&[PathBuf::from("examples/mof-2020")], &forms).unwrap();
    let ordered = jixiao::document::bundle_order(&checked.reports);
    let bundle = jixiao::document::bundle_document(&ordered, false);
    assert_eq!(serde_json::to_string(&bundle).unwrap(), MOF_BUNDLE_JSON);
    assert_eq!(
        jixiao::document::bundle_data(&ordered, false),
        serde_json::from_str::<serde_json::Value>(MOF_BUNDLE_JSON).unwrap()
    );
    let data = jixiao::document::data_bytes(ordered[0], false).unwrap();
    assert_eq!(String::from_utf8(data).unwrap(), MOF_DATA_JSON);
    let document = jixiao::template_data::document(ordered[0], &Default::default()).unwrap();
    assert_eq!(document.project.name, "信息化运维经费");
    assert_eq!(
        jixiao::template_data::build(ordered[0], &Default::default()).unwrap(),
        serde_json::from_str::<serde_json::Value>(MOF_DATA_JSON).unwrap()
    );
}

// ---------------------------------------------------------------- re-bundling (issue 12, item 4)

/// One engine kept alive re-lays out a bundle after one project changed (what `jixiao watch`
/// does, reusing Typst's memoised layout of the other projects): the PDF is byte for byte the
/// one a fresh engine writes, and the change is in it.
#[test]
fn rebundle_with_one_engine_matches_a_fresh_engine() {
    use jixiao::render::{Engine, EngineOptions, PdfMeta, to_pdf};
    let folder = Folder::new();
    for entry in std::fs::read_dir("examples/mof-2020").unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        folder.write(&name, &std::fs::read_to_string(&path).unwrap());
    }
    let forms = jixiao::Forms::builtin();
    let meta = PdfMeta {
        title: "bundle".into(),
        ..PdfMeta::default()
    };
    let bundle = |engine: &Engine| {
        let checked = jixiao::check(&[folder.path().to_path_buf()], &forms).unwrap();
        let ordered = jixiao::document::bundle_order(&checked.reports);
        let compiled = jixiao::document::compile_bundle(engine, &ordered, true).unwrap();
        // runs are separated by U+001F; "2345次" is two runs (Latin digits, Song 次)
        let text: String = (0..compiled.page_count())
            .map(|p| compiled.page_text(p).replace('\u{1f}', ""))
            .collect();
        (to_pdf(&compiled, &meta).unwrap(), text)
    };
    let engine = Engine::new(EngineOptions::default()).unwrap();
    let (before, _) = bundle(&engine);
    let file = folder.path().join("信息化运维经费.toml");
    let text = std::fs::read_to_string(&file).unwrap();
    let edited = text.replacen("actual = \"24次\"", "actual = \"2345次\"", 1);
    assert_ne!(text, edited);
    std::fs::write(&file, edited).unwrap();
    let (again, text) = bundle(&engine);
    let (fresh, _) = bundle(&Engine::new(EngineOptions::default()).unwrap());
    assert_ne!(before, again, "the edit is not in the re-bundled PDF");
    assert!(squeeze(&text).contains("2345次"), "the edit is not printed");
    assert!(
        again == fresh,
        "re-bundle with one engine differs from a fresh engine"
    );
}

/// 新疆 prints 分值 and each indicator's 得分 without trailing zeros ("10", "2 0.15"), the
/// 预算执行率 and total 得分 with two places and 分, as its published forms do; a project may
/// ask for the fixed figures instead (`[print] weights = "fixed"`).
#[test]
fn xinjiang_prints_weights_and_scores_as_its_forms_do() {
    let folder = Folder::new();
    let source = "examples/xinjiang/2020年事业单位公开招聘工作相关经费.toml";
    let pdf = folder.path().join("a.pdf");
    let (code, out) = jixiao(&["render", source, "-o", pdf.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}");
    let text = pdftotext(&pdf);
    for line in [
        "年度资金总额 0.00 33.10 33.10 10 100.00% 10.00分",
        "笔试人数（人） >=8000人 600 2 0.15",
        "面试人数（人） >=2700人 1100 3 1.23",
        "总分 100 96.38分",
    ] {
        assert!(text.contains(line), "{line:?} not in:\n{text}");
    }
    // A project asking for fixed figures.
    std::fs::copy(
        "examples/xinjiang/jixiao.toml",
        folder.path().join("jixiao.toml"),
    )
    .unwrap();
    let project = std::fs::read_to_string(source).unwrap()
        + "\n[print]\nweights = \"fixed\"\nscores = \"fixed\"\n";
    let file = folder.write("fixed.toml", &project);
    let pdf = folder.path().join("b.pdf");
    let (code, out) = jixiao(&[
        "render",
        file.to_str().unwrap(),
        "-o",
        pdf.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{out}");
    let text = pdftotext(&pdf);
    assert!(text.contains("10.00 100.00% 10.00分"), "{text}");
    assert!(text.contains(">=8000人 600 2.00 0.15"), "{text}");
    assert!(text.contains("总分 100.00 96.38分"), "{text}");
}

/// A folder of 万元 projects and one 元 project: the 汇总表 is in one unit (万元, as most
/// projects), the 元 project's 500000/490000 元 shown as 50.00/49.00, and the 合计 exact:
/// 118.50 + 50 + 450 = 618.50, 112.36 + 49 + 401.60 = 562.96, 562.96 / 618.50 = 91.02%.
#[test]
fn bundle_summary_converts_mixed_units_into_one() {
    let folder = Folder::new();
    for f in [
        "jixiao.toml",
        "信息化运维经费.toml",
        "职业技能培训补贴.toml",
    ] {
        let text = std::fs::read_to_string(format!("examples/mof-2020/{f}")).unwrap();
        folder.write(f, &text);
    }
    folder.write(
        "元项目.toml",
        "unit = \"元\"\n[project]\nname = \"元项目\"\nimplementer = \"滨江市人才中心\"\n\
         [funds.fiscal]\nbudget = 500000\nexecuted = 490000\n\
         [goals]\nplanned = \"完成。\"\nachieved = \"完成。\"\n\
         [[indicators]]\nlevel1 = \"产出指标\"\nlevel2 = \"数量指标\"\nname = \"人数\"\n\
         target = \"≥1000人\"\nactual = \"1000人\"\nweight = 90\n",
    );
    let pdf = folder.path().join("out.pdf");
    let dir = folder.path().to_str().unwrap();
    let (code, stderr) = jixiao(&["bundle", dir, "-o", pdf.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    let text = squeeze(&pdftotext(&pdf));
    assert!(text.contains("全年预算数（万元）"), "{text}");
    assert!(
        text.contains("元项目滨江市人才中心50.0049.0098.00%"),
        "{text}"
    );
    assert!(text.contains("合计618.50562.9691.02%"), "{text}");
    assert!(
        stderr.contains("汇总表按万元列出") && stderr.contains("元项目.toml"),
        "{stderr}"
    );
}
