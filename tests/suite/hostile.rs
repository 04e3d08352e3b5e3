//! Every hole a hostile tester found (issue 10), one test each: the exit code, the problem code,
//! and that no file was harmed. Never a panic (`run_jixiao` fails the test on one).

use std::path::Path;

use super::jixiao;
use crate::common::*;

fn valid(name: &str) -> String {
    project(
        "",
        &format!(
            "level2 = \"数量指标\"\nname = \"{name}\"\ntarget = \"≥100人\"\nactual = \"100人\"\nweight = 90"
        ),
    )
}

/// `check --format json` of one text: (exit code, problem codes).
fn check_codes(text: &str) -> (i32, Vec<String>) {
    let folder = Folder::new();
    let path = folder.write("p.toml", text);
    let (code, stdout, stderr) = jixiao(&["check", "--format", "json", path.to_str().unwrap()]);
    let json: serde_json::Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("json report ({e}): {stdout}\n{stderr}"));
    let codes = json[0]["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["code"].as_str().unwrap().to_string())
        .collect();
    (code, codes)
}

fn bytes(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap()
}

// 1. Overflow: a located error, never a panic.

#[test]
fn huge_weights_are_out_of_range_not_a_panic() {
    let ind = |w: &str| {
        format!(
            "level2 = \"数量指标\"\nname = \"a\"\ntarget = \"≥1人\"\nactual = \"1人\"\nweight = \"{w}\""
        )
    };
    let text = project(
        "",
        &format!(
            "{}\n[[indicators]]\nlevel1 = \"产出指标\"\n{}",
            ind("50000000000000000000000000000"),
            ind("50000000000000000000000000000")
        ),
    );
    let (code, codes) = check_codes(&text);
    assert_eq!(code, 1);
    assert!(
        codes.contains(&"number-out-of-range".to_string()),
        "{codes:?}"
    );
}

#[test]
fn huge_budgets_are_out_of_range_not_a_panic() {
    let text = valid("a").replace(
        "[funds.fiscal]\nbudget = 100\nexecuted = 100",
        "[funds.fiscal]\nbudget = \"50000000000000000000000000000\"\nexecuted = 1\n[funds.other]\nbudget = \"50000000000000000000000000000\"\nexecuted = 1",
    );
    let (code, codes) = check_codes(&text);
    assert_eq!(code, 1);
    assert!(
        codes.contains(&"number-out-of-range".to_string()),
        "{codes:?}"
    );
}

#[test]
fn huge_target_and_tiny_reverse_target_do_not_panic() {
    let huge = valid("a")
        .replace("≥100人", "≥70000000000000000000000000000人")
        .replace("\"100人\"", "\"1人\"");
    let (code, codes) = check_codes(&huge);
    assert_eq!(code, 1);
    assert!(
        codes.contains(&"number-out-of-range".to_string()),
        "{codes:?}"
    );

    let tiny = project(
        "[scoring]\nreverse = \"linear\"",
        "level2 = \"数量指标\"\nname = \"a\"\ntarget = \"<0.0000000000000000000000000001元\"\nactual = \"5元\"\nweight = 90",
    );
    let r = check_text(&tiny);
    // B ≥ 2A: the linear rule gives 0, computed without overflow.
    assert_eq!(r.indicators[0].scored.computed, Some(d("0")));
    let (code, codes) = check_codes(&tiny);
    assert_eq!(code, 1, "{codes:?}");
    assert!(codes.contains(&"missing-reason".to_string()), "{codes:?}");
}

// 2. No output over an input, no two outputs on one path.

#[test]
fn render_refuses_to_overwrite_its_own_source() {
    let folder = Folder::new();
    let q = folder.write("q.toml", &valid("a"));
    let before = bytes(&q);
    for format in ["pdf", "png", "svg"] {
        let (code, _, stderr) = jixiao(&[
            "render",
            q.to_str().unwrap(),
            "--format",
            format,
            "-o",
            q.to_str().unwrap(),
        ]);
        assert_eq!(code, 2, "{format}: {stderr}");
        assert!(stderr.contains("不会覆盖"), "{stderr}");
        assert_eq!(bytes(&q), before, "{format}: the source was changed");
    }
    // The folder's jixiao.toml is an input too.
    let defaults = folder.write("jixiao.toml", "year = 2024\n");
    let (code, _, _) = jixiao(&[
        "render",
        q.to_str().unwrap(),
        "-o",
        defaults.to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert_eq!(bytes(&defaults), b"year = 2024\n");
}

#[test]
fn export_and_bundle_refuse_to_overwrite_inputs() {
    let folder = Folder::new();
    let e = folder.write("e.toml", &valid("a"));
    let before = bytes(&e);
    let (code, _, stderr) = jixiao(&[
        "export",
        e.to_str().unwrap(),
        "--format",
        "csv",
        "-o",
        e.to_str().unwrap(),
    ]);
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(bytes(&e), before);
    let target = folder.path().join("b.toml");
    std::fs::copy(&e, &target).unwrap();
    let (code, _, stderr) = jixiao(&[
        "bundle",
        folder.path().to_str().unwrap(),
        "-o",
        target.to_str().unwrap(),
    ]);
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(bytes(&target), before);
}

#[test]
fn two_projects_with_one_stem_do_not_share_an_output() {
    let folder = Folder::new();
    std::fs::create_dir_all(folder.path().join("a")).unwrap();
    std::fs::create_dir_all(folder.path().join("b")).unwrap();
    std::fs::create_dir_all(folder.path().join("out")).unwrap();
    let a = folder.write("a/x.toml", &valid("a"));
    let b = folder.write("b/x.toml", &valid("b"));
    let out = folder.path().join("out");
    let (code, _, stderr) = jixiao(&[
        "render",
        a.to_str().unwrap(),
        b.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("同一个输出文件"), "{stderr}");
    assert_eq!(
        std::fs::read_dir(&out).unwrap().count(),
        0,
        "nothing half-done"
    );
}

// 3. Totals never exceed the weights, whatever the rounding.

#[test]
fn met_indicators_print_their_weight_and_total_stays_100() {
    let one =
        "level2 = \"数量指标\"\nname = \"a\"\ntarget = \"≥1人\"\nactual = \"1人\"\nweight = 11.25";
    let mut indicators = one.to_string();
    for _ in 1..8 {
        indicators.push_str(&format!("\n[[indicators]]\nlevel1 = \"产出指标\"\n{one}"));
    }
    // Rounding "down" must not cut a met target below its weight either.
    let down = check_text(&project(
        "form = \"inner-mongolia\"\n[scoring]\nrounding = \"down\"",
        &indicators,
    ));
    assert_eq!(down.total, Some(d("100")), "{:?}", codes(&down));
    assert!(!down.has_errors(), "{:?}", codes(&down));
    let r = check_text(&project("form = \"inner-mongolia\"", &indicators));
    assert!(
        r.indicators
            .iter()
            .all(|i| i.scored.score == Some(d("11.25")))
    );
    assert_eq!(r.total, Some(d("100")), "{:?}", codes(&r));

    let w =
        "level2 = \"数量指标\"\nname = \"a\"\ntarget = \"≥1人\"\nactual = \"1人\"\nweight = 13.335";
    let mut indicators = w.to_string();
    for _ in 1..6 {
        indicators.push_str(&format!("\n[[indicators]]\nlevel1 = \"产出指标\"\n{w}"));
    }
    indicators.push_str("\n[[indicators]]\nlevel1 = \"产出指标\"\nlevel2 = \"数量指标\"\nname = \"b\"\ntarget = \"≥1人\"\nactual = \"1人\"\nweight = 9.99");
    let r = check_text(&project("", &indicators));
    assert_eq!(r.total, Some(d("100")), "{:?}", codes(&r));
    assert!(!r.has_errors(), "{:?}", codes(&r));
}

// 4. Placeholders cannot run away.

#[test]
fn placeholders_cannot_loop_or_multiply() {
    let looped = valid("a").replace(
        "[funds.fiscal]",
        "[goals]\nachieved = \"{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}\"\n\n[funds.fiscal]",
    );
    let start = std::time::Instant::now();
    let (code, codes) = check_codes(&looped);
    assert_eq!(
        (code, codes.as_slice()),
        (1, &["unknown-placeholder".to_string()][..])
    );
    assert!(start.elapsed().as_secs() < 30);
    let multiplied = valid("a").replace(
        "[funds.fiscal]",
        "[goals]\nachieved = \"{{ funds.rate * 20000000 }}\"\n\n[funds.fiscal]",
    );
    let (code, codes) = check_codes(&multiplied);
    assert_eq!(
        (code, codes.as_slice()),
        (1, &["unknown-placeholder".to_string()][..])
    );
}

// 5. Injection.

#[test]
fn csv_never_carries_a_live_formula() {
    let folder = Folder::new();
    let text = valid("a").replace("\"测试项目\"", "'=HYPERLINK(\"http://evil\",\"点我\")'");
    let p = folder.write("p.toml", &text);
    let (code, stdout, stderr) = jixiao(&["export", p.to_str().unwrap(), "--format", "csv"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("'=HYPERLINK"), "{stdout}");
    assert!(
        !stdout.contains(",=HYPERLINK") && !stdout.contains(",\"=HYPERLINK"),
        "{stdout}"
    );
}

#[test]
fn escape_sequences_never_reach_the_terminal() {
    let folder = Folder::new();
    let text = valid("a\u{1b}]0;pwned\u{7}")
        .replace("测试项目", "名\u{1b}[2J称")
        .replace("weight = 90", "weight = 90\n\"bad\u{1b}[31mkey\" = 1");
    let p = folder.write("p.toml", &text);
    let (code, stdout, stderr) = jixiao(&["check", p.to_str().unwrap()]);
    assert_ne!(code, 0);
    for out in [&stdout, &stderr] {
        assert!(!out.contains('\u{1b}') && !out.contains('\u{7}'), "{out:?}");
    }
    assert!(stderr.contains("\\u{1b}"), "shown escaped: {stderr}");
}

// 6. Options within bounds.

#[test]
fn ppi_is_bounded() {
    let folder = Folder::new();
    let p = folder.write("p.toml", &valid("a"));
    for ppi in ["20000", "0", "-5", "abc"] {
        let ppi = format!("--ppi={ppi}");
        let (code, _, stderr) = jixiao(&["render", p.to_str().unwrap(), "--format", "png", &ppi]);
        assert_eq!(code, 2, "{ppi}: {stderr}");
        assert!(
            stderr.starts_with("错误：") && stderr.contains("36"),
            "{stderr}"
        );
    }
    assert!(!folder.path().join("p.png").exists());
}

// 7. Numbers are never silently changed.

#[test]
fn numbers_are_exact_or_refused() {
    let with_budget = |b: &str| valid("a").replace("budget = 100", &format!("budget = {b}"));
    let cases = [
        (with_budget("\"1,2,3\""), "invalid-number"),
        (
            with_budget("\"123456789012345678901234567890123\""),
            "number-out-of-range",
        ),
        (with_budget("\"1e-31\""), "number-out-of-range"),
        (with_budget("1e400"), "number-out-of-range"),
        (with_budget("99999999999999999999"), "number-out-of-range"),
        (
            valid("a").replace(
                "weight = 90",
                "weight = \"89.999999999999999999999999999999\"",
            ),
            "number-out-of-range",
        ),
    ];
    for (text, expected) in cases {
        let (code, codes) = check_codes(&text);
        assert!(code != 0, "{text}");
        assert!(
            codes.iter().any(|c| c == expected),
            "{expected} not in {codes:?} for\n{text}"
        );
    }
    let folder = Folder::new();
    let p = folder.write("p.toml", &with_budget("1e400"));
    let (_, _, stderr) = jixiao(&["check", p.to_str().unwrap()]);
    assert!(
        stderr.contains("数字超出范围") && stderr.contains("p.toml:"),
        "{stderr}"
    );
}

// 9. Folders.

#[test]
fn one_bad_file_does_not_stop_the_folder() {
    let folder = Folder::new();
    folder.write("a.toml", &valid("a"));
    // GBK bytes for 项目名称, and a macOS resource fork.
    std::fs::write(
        folder.path().join("b.toml"),
        b"year = 2024\nname = \"\xcf\xee\xc4\xbf\"\n",
    )
    .unwrap();
    std::fs::write(folder.path().join("._a.toml"), b"\x00\x05\x16\x07 binary").unwrap();
    std::fs::create_dir_all(folder.path().join("sub")).unwrap();
    folder.write(
        "sub/c.toml",
        &valid("c").replace("测试项目", "下属单位项目"),
    );
    let dir = folder.path().to_str().unwrap();

    let (code, stdout, stderr) = jixiao(&["check", dir]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stdout.contains("测试项目") && stdout.contains("下属单位项目"),
        "{stdout}"
    );
    assert!(
        stderr.contains("GBK") && stderr.contains("iconv"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("._a.toml"),
        "hidden files skipped: {stderr}"
    );

    let (code, stdout, _) = jixiao(&["check", "--format", "json", dir]);
    assert_eq!(code, 2);
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let files: Vec<&str> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["file"].as_str().unwrap())
        .collect();
    assert_eq!(files.len(), 3, "{files:?}");
    assert!(
        files[0].ends_with("a.toml")
            && files[1].ends_with("b.toml")
            && files[2].ends_with("sub/c.toml"),
        "{files:?}"
    );
    assert_eq!(json[1]["problems"][0]["code"], "not-utf8");

    let (code, _, stderr) = jixiao(&["bundle", dir]);
    assert_ne!(code, 0);
    assert!(stderr.contains("b.toml"), "{stderr}");
    assert!(
        std::fs::read_dir(folder.path())
            .unwrap()
            .all(|e| { e.unwrap().path().extension().is_none_or(|x| x != "pdf") })
    );
}

#[test]
fn subfolders_take_the_nearest_defaults() {
    let folder = Folder::new();
    folder.write(
        "jixiao.toml",
        "year = 2023\n[project]\ndepartment = \"上级部门\"\n",
    );
    std::fs::create_dir_all(folder.path().join("sub")).unwrap();
    let text = valid("a")
        .replace("year = 2024\n", "")
        .replace("department = \"测试部门\"\n", "");
    folder.write("sub/c.toml", &text);
    let checked =
        ::jixiao::check(&[folder.path().to_path_buf()], &::jixiao::Forms::builtin()).unwrap();
    let p = checked.reports[0].project.as_ref().unwrap();
    assert_eq!((p.year, p.info.department.as_str()), (2023, "上级部门"));
}

#[test]
fn png_pages_are_replaced_as_a_set() {
    let folder = Folder::new();
    let row = "[[indicators]]\nlevel1 = \"产出指标\"\nlevel2 = \"数量指标\"\nname = \"n\"\ntarget = \"≥1人\"\nactual = \"1人\"\nweight = 0.45";
    let mut long = valid("a").replace("weight = 90", "weight = 0.45");
    for _ in 1..200 {
        long.push_str(row);
        long.push('\n');
    }
    let p = folder.write("x.toml", &long);
    let (code, _, stderr) = jixiao(&[
        "render",
        p.to_str().unwrap(),
        "--format",
        "png",
        "--ppi",
        "36",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let pages = |dir: &Path| {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|n| n.ends_with(".png"))
            .collect();
        v.sort();
        v
    };
    let before = pages(folder.path());
    assert!(
        before.len() > 2 && before.iter().all(|n| n.starts_with("x-")),
        "{before:?}"
    );
    folder.write("x.toml", &valid("a"));
    let (code, _, stderr) = jixiao(&[
        "render",
        p.to_str().unwrap(),
        "--format",
        "png",
        "--ppi",
        "36",
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        pages(folder.path()),
        ["x.png"],
        "stale pages removed: {stderr}"
    );
}

// 10. Messages in Chinese, with the file and what to do.

#[test]
fn messages_are_chinese_first() {
    let (code, codes) = check_codes(&valid("a").replace("year = 2024", "year = \"2024\""));
    assert_eq!(
        (code, codes.as_slice()),
        (1, &["invalid-type".to_string()][..])
    );
    let folder = Folder::new();
    let p = folder.write(
        "p.toml",
        &valid("a").replace("year = 2024", "year = \"2024\""),
    );
    let (_, _, stderr) = jixiao(&["check", p.to_str().unwrap()]);
    assert!(
        stderr.contains("应为整数") && !stderr.contains("应为 i64"),
        "{stderr}"
    );

    let (code, _, stderr) = jixiao(&["chek", "x"]);
    assert_eq!(code, 2);
    assert!(stderr.starts_with("错误：未知的命令“chek”"), "{stderr}");
    let (code, _, stderr) = jixiao(&["check", "--bogus", p.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(stderr.starts_with("错误：未知的选项“--bogus”"), "{stderr}");

    let fixed = folder.write("ok.toml", &valid("a"));
    let (code, _, stderr2) = jixiao(&[
        "render",
        fixed.to_str().unwrap(),
        "--font-path",
        "/nonexistent-fonts",
    ]);
    assert_eq!(code, 2, "{stderr2}");
    assert!(stderr2.contains("字体文件夹不存在"), "{stderr2}");
    assert!(!fixed.with_extension("pdf").exists());

    let out = folder.write("afile", "x");
    let (code, _, stderr) = jixiao(&[
        "render",
        fixed.to_str().unwrap(),
        "-o",
        &format!("{}/x.pdf", out.display()),
    ]);
    assert_eq!(code, 2);
    assert!(
        stderr.starts_with("错误：") && !stderr.contains(".jixiao-"),
        "{stderr}"
    );
}

#[test]
fn chinese_comparators_are_quantities() {
    let (score, r) = score_of(
        "",
        "level2 = \"数量指标\"\nname = \"a\"\ntarget = \"不低于100人\"\nactual = \"80人\"\nweight = 90\nreason = \"r\"",
    );
    assert_eq!(score, Some(d("72")), "{:?}", codes(&r));
    let (score, r) = score_of(
        "",
        "level2 = \"数量指标\"\nname = \"a\"\ntarget = \"超过95%\"\nactual = \"90%\"\nweight = 90\nreason = \"r\"",
    );
    // 90 / 95 × 90 = 85.263… → 85.26
    assert_eq!(score, Some(d("85.26")), "{:?}", codes(&r));
    let (score, _) = score_of(
        "",
        "level2 = \"数量指标\"\nname = \"a\"\ntarget = \"2小时内\"\nactual = \"3小时\"\nweight = 90\nreason = \"r\"",
    );
    // Reverse, ratio rule: 2 / 3 × 90 = 60
    assert_eq!(score, Some(d("60")));
}

#[test]
fn bad_dates_and_bad_forms_are_reported_where_they_are() {
    let text = valid("a").replace(
        "[funds.fiscal]",
        "[signature]\ndate = \"2025-13-45\"\n\n[funds.fiscal]",
    );
    let (code, codes) = check_codes(&text);
    assert_eq!(code, 0);
    assert_eq!(codes, ["invalid-date"]);

    let folder = Folder::new();
    let forms = folder.path().join("forms/mine");
    std::fs::create_dir_all(&forms).unwrap();
    let builtin = ::jixiao::Forms::builtin();
    let mof = builtin.get("mof-2020").unwrap();
    let source = mof.source.replace("id = \"mof-2020\"", "id = \"mine\"");
    assert!(source.contains("rounding = \"half-up\""));
    let broken = source.replacen("rounding = \"half-up\"", "rounding = \"sideways\"", 1);
    std::fs::write(forms.join("form.toml"), broken).unwrap();
    std::fs::copy("templates/mof-2020/form.typ", forms.join("form.typ")).unwrap();
    let p = folder.write(
        "p.toml",
        &valid("a").replace("year = 2024", "year = 2024\nform = \"mine\""),
    );
    let (code, _, stderr) = jixiao(&[
        "check",
        p.to_str().unwrap(),
        "--templates",
        folder.path().join("forms").to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("mine/form.toml") && stderr.contains("不是项目文件的问题"),
        "{stderr}"
    );

    std::fs::write(forms.join("form.toml"), "id = \"mine\"\nname = 3\n").unwrap();
    let (code, _, stderr) = jixiao(&[
        "forms",
        "--templates",
        folder.path().join("forms").to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("第 2 行") && stderr.contains("类型不对"),
        "{stderr}"
    );
}

#[test]
fn a_closed_pipe_ends_quietly() {
    let folder = Folder::new();
    for i in 0..300 {
        folder.write(&format!("p{i:03}.toml"), &valid("a"));
    }
    let script = format!(
        "'{}' check --format json '{}' | head -c 10 >/dev/null; echo \"${{PIPESTATUS[0]}}\"",
        env!("CARGO_BIN_EXE_jixiao"),
        folder.path().display()
    );
    let out = std::process::Command::new("bash")
        .args(["-c", &script])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("panicked") && !stderr.contains("Broken pipe"),
        "{stderr}"
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "0", "{stderr}");
}

#[test]
fn pdfa_date_follows_source_date_epoch() {
    let folder = Folder::new();
    let p = folder.write("p.toml", &valid("a"));
    let render = |out: &str| {
        let out = folder.path().join(out);
        let status = std::process::Command::new(env!("CARGO_BIN_EXE_jixiao"))
            .args([
                "render",
                p.to_str().unwrap(),
                "--pdf-standard",
                "a-2b",
                "-o",
            ])
            .arg(&out)
            .env("SOURCE_DATE_EPOCH", "1700000000")
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&status.stderr).to_string();
        assert!(status.status.success(), "{stderr}");
        assert!(stderr.contains("2023-11-14"), "{stderr}");
        bytes(&out)
    };
    assert_eq!(render("a.pdf"), render("b.pdf"), "byte-identical");
}

/// `check` and `render` see the same user forms (one scan), and a skipped folder says why.
#[test]
fn check_and_render_agree_on_user_forms() {
    let folder = Folder::new();
    let mine = folder.path().join("mine");
    std::fs::create_dir_all(&mine).unwrap();
    let builtin = ::jixiao::Forms::builtin();
    let source = builtin.get("mof-2020").unwrap().source.clone();
    std::fs::write(
        mine.join("form.toml"),
        source.replace("id = \"mof-2020\"", "id = \"mine\""),
    )
    .unwrap();
    std::fs::write(
        mine.join("form.typ"),
        std::fs::read("templates/mof-2020/form.typ").unwrap(),
    )
    .unwrap();
    let half = folder.path().join("half");
    std::fs::create_dir_all(&half).unwrap();
    std::fs::write(
        half.join("form.toml"),
        source.replace("id = \"mof-2020\"", "id = \"half\""),
    )
    .unwrap();
    let p = folder.write(
        "p.toml",
        &valid("a").replace("year = 2024", "year = 2024\nform = \"mine\""),
    );
    // The templates folder given as the form folder itself.
    let (code, _, stderr) = jixiao(&[
        "check",
        p.to_str().unwrap(),
        "--templates",
        mine.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    let (code, _, stderr) = jixiao(&[
        "render",
        p.to_str().unwrap(),
        "--templates",
        mine.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(p.with_extension("pdf").exists());
    // A folder without form.typ is skipped by both, with the reason.
    let h = folder.write(
        "h.toml",
        &valid("a").replace("year = 2024", "year = 2024\nform = \"half\""),
    );
    let (code, _, stderr) = jixiao(&[
        "check",
        h.to_str().unwrap(),
        "--templates",
        folder.path().to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("form.typ") && stderr.contains("unknown-form"),
        "{stderr}"
    );
}

// Second hostile round.

#[test]
fn devices_and_fifos_are_never_replaced() {
    let folder = Folder::new();
    let p = folder.write("p.toml", &valid("a"));
    let (code, _, stderr) = jixiao(&["render", p.to_str().unwrap(), "-o", "/dev/null"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("不是普通文件"), "{stderr}");
    use std::os::unix::fs::FileTypeExt;
    assert!(
        std::fs::metadata("/dev/null")
            .unwrap()
            .file_type()
            .is_char_device()
    );
    let fifo = folder.path().join("ff");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let (code, _, _) = jixiao(&[
        "export",
        p.to_str().unwrap(),
        "--format",
        "csv",
        "-o",
        fifo.to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo());
}

#[test]
fn a_closed_stderr_does_not_panic() {
    let folder = Folder::new();
    for i in 0..50 {
        folder.write(
            &format!("p{i:02}.toml"),
            &valid("a").replace("year = 2024", "year = 1800"),
        );
    }
    let script = format!(
        "'{}' check '{}' 2>&1 | head -c 1 >/dev/null; echo \"${{PIPESTATUS[0]}}\"",
        env!("CARGO_BIN_EXE_jixiao"),
        folder.path().display()
    );
    let out = std::process::Command::new("bash")
        .args(["-c", &script])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "1",
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn symlinked_folders_and_files_count_once() {
    let folder = Folder::new();
    let d = folder.path().join("d");
    std::fs::create_dir_all(d.join("sub")).unwrap();
    std::fs::write(d.join("a.toml"), valid("a")).unwrap();
    for link in ["l1", "l2", "l3"] {
        std::os::unix::fs::symlink(".", d.join(link)).unwrap();
    }
    std::os::unix::fs::symlink("..", d.join("sub/loop")).unwrap();
    std::os::unix::fs::symlink("a.toml", d.join("b.toml")).unwrap();
    let start = std::time::Instant::now();
    let (code, stdout, stderr) = jixiao(&["check", "--format", "json", d.to_str().unwrap()]);
    assert!(start.elapsed().as_secs() < 20);
    assert_eq!(code, 0, "{stderr}");
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(json.as_array().unwrap().len(), 1, "{stdout}");
}

#[test]
fn file_names_reach_the_terminal_escaped() {
    let folder = Folder::new();
    let p = folder.write("e\u{1b}[31mX.toml", &valid("a"));
    let (code, _, stderr) = jixiao(&["render", p.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("已写入") && !stderr.contains('\u{1b}'),
        "{stderr:?}"
    );
}

#[test]
fn watch_and_bundle_refuse_the_wrong_kind_of_path() {
    let folder = Folder::new();
    let p = folder.write("p.toml", &valid("a"));
    // `watch DIR` watches the folder's bundle (tests/suite/workflows.rs); pages of a bundle are not
    // a format it writes.
    let (code, _, stderr) = jixiao(&["watch", folder.path().to_str().unwrap(), "--format", "png"]);
    assert_eq!(code, 2, "{stderr}");
    let (code, _, stderr) = jixiao(&[
        "watch",
        folder.path().join("missing.toml").to_str().unwrap(),
    ]);
    assert_eq!(code, 2, "{stderr}");
    let (code, _, stderr) = jixiao(&["bundle", p.to_str().unwrap()]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("不是文件夹"), "{stderr}");
}

#[test]
fn an_unreadable_amount_does_not_blame_the_budget() {
    let (code, codes) = check_codes(&valid("a").replace("budget = 100", "budget = \"50%\""));
    assert_eq!(code, 1);
    assert!(codes.contains(&"invalid-number".to_string()), "{codes:?}");
    assert!(!codes.contains(&"zero-budget".to_string()), "{codes:?}");
}

#[test]
fn printed_figures_in_the_folder_file_are_flagged() {
    let folder = Folder::new();
    folder.write("jixiao.toml", "total = 90\ngrade = \"优\"\n");
    let p = folder.write("p.toml", &valid("a"));
    let checked = ::jixiao::check(&[p], &::jixiao::Forms::builtin()).unwrap();
    let c = codes(&checked.reports[0]);
    assert_eq!(c, ["ignored-field", "ignored-field"], "{c:?}");
}

// Third hostile round (the new commands).

#[test]
fn emit_typst_never_writes_over_user_files_or_into_a_project_folder() {
    let folder = Folder::new();
    let p = folder.write("p.toml", &valid("a"));
    let out = folder.path().join("out.pdf");
    // Into the project folder itself: its form.toml would become a "project".
    let (code, _, stderr) = jixiao(&[
        "render",
        p.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--emit-typst",
        folder.path().to_str().unwrap(),
    ]);
    assert_eq!(code, 2, "{stderr}");
    assert!(!folder.path().join("main.typ").exists());
    // Over a folder with the user's own main.typ.
    let mine = folder.path().join("mine");
    std::fs::create_dir_all(&mine).unwrap();
    std::fs::write(mine.join("main.typ"), "// my own typst").unwrap();
    let (code, _, stderr) = jixiao(&[
        "render",
        p.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--emit-typst",
        mine.to_str().unwrap(),
    ]);
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(
        std::fs::read_to_string(mine.join("main.typ")).unwrap(),
        "// my own typst"
    );
}

#[test]
fn rollover_is_all_or_nothing_and_clears_inline_indicators() {
    let folder = Folder::new();
    let src = folder.path().join("src");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::write(
        src.join("a.toml"),
        "year = 2024\nindicators = [{ name = \"a\", actual = \"1\", score = 50, reason = \"r\" }]\n",
    )
    .unwrap();
    std::fs::write(src.join("b.toml"), "year = 2024\nyear = 2025\n").unwrap();
    let out = folder.path().join("out");
    let (code, _, stderr) = jixiao(&[
        "rollover",
        src.to_str().unwrap(),
        "--year",
        "2025",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("未写入任何文件") && stderr.contains("同一个键写了两次"),
        "{stderr}"
    );
    assert!(!out.join("a.toml").exists(), "nothing half-written");
    std::fs::remove_file(src.join("b.toml")).unwrap();
    let inside = src.join("next");
    let (code, _, _) = jixiao(&[
        "rollover",
        src.to_str().unwrap(),
        "--year",
        "2025",
        "-o",
        inside.to_str().unwrap(),
    ]);
    assert_eq!(code, 2, "a new folder inside the old one is refused");
    let (code, _, stderr) = jixiao(&[
        "rollover",
        src.to_str().unwrap(),
        "--year",
        "2025",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    let text = std::fs::read_to_string(out.join("a.toml")).unwrap();
    assert!(
        text.contains("actual = \"\"") && !text.contains("score = 50"),
        "{text}"
    );
}

#[test]
fn a_repeat_bomb_in_an_ods_file_is_refused_quickly() {
    use std::io::Write;
    let folder = Folder::new();
    let path = folder.path().join("bomb.ods");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    zip.start_file("content.xml", zip::write::SimpleFileOptions::default())
        .unwrap();
    zip.write_all(
        br#"<?xml version="1.0"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet><table:table table:name="S"><table:table-row table:number-rows-repeated="1048576"><table:table-cell table:number-columns-repeated="16384"><text:p>x</text:p></table:table-cell></table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"#,
    )
    .unwrap();
    zip.finish().unwrap();
    let start = std::time::Instant::now();
    let (code, _, stderr) = jixiao(&[
        "import",
        path.to_str().unwrap(),
        "-o",
        folder.path().join("o").to_str().unwrap(),
    ]);
    assert!(start.elapsed().as_secs() < 20, "took {:?}", start.elapsed());
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("超过"), "{stderr}");
}

#[test]
fn exported_workbooks_drop_characters_xml_cannot_hold() {
    let folder = Folder::new();
    let p = folder.write("p.toml", &valid("a").replace("测试项目", "培训\\u0007补贴"));
    let x = folder.path().join("e.xlsx");
    let (code, _, stderr) = jixiao(&[
        "export",
        p.to_str().unwrap(),
        "--format",
        "xlsx",
        "-o",
        x.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&x).unwrap()).unwrap();
    let mut xml = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("xl/sharedStrings.xml").unwrap(), &mut xml)
        .unwrap();
    assert!(xml.contains("培训补贴") && !xml.contains('\u{7}'), "{xml}");
}

/// Final hostile round: the hidden list of pages an earlier PNG render wrote may be edited or
/// merged by hand; only names of this output's pages are ever removed, never a project file.
#[test]
fn stale_page_list_never_removes_anything_but_pages() {
    let folder = Folder::new();
    let p = folder.write("p.toml", &valid("a"));
    let other = folder.write("other.toml", &valid("b"));
    let stale = folder.write("p-9.png", "old page");
    let look_alike = folder.write("p-x.png", "not a page");
    folder.write(
        ".p.png.pages",
        "p.toml\nother.toml\np-9.png\np-x.png\n../p.toml\n",
    );
    let out = folder.path().join("p.png");
    let (code, _, stderr) = jixiao(&[
        "render",
        p.to_str().unwrap(),
        "--format",
        "png",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        p.exists() && other.exists() && look_alike.exists(),
        "{stderr}"
    );
    assert!(
        !stale.exists(),
        "a page of this output is cleaned up: {stderr}"
    );
}

/// An output named like a project file would replace one, or be read as one next time.
#[test]
fn outputs_named_toml_are_refused() {
    let folder = Folder::new();
    let p = folder.write("p.toml", &valid("a"));
    let sibling = folder.write("q.toml", &valid("b"));
    let before = std::fs::read(&sibling).unwrap();
    for args in [
        vec![
            "render",
            p.to_str().unwrap(),
            "-o",
            sibling.to_str().unwrap(),
        ],
        vec![
            "render",
            p.to_str().unwrap(),
            "--format",
            "png",
            "-o",
            sibling.to_str().unwrap(),
        ],
        vec![
            "bundle",
            folder.path().to_str().unwrap(),
            "-o",
            sibling.to_str().unwrap(),
        ],
    ] {
        let (code, _, stderr) = jixiao(&args);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        // For the bundle, q.toml is one of its inputs: that is said first.
        assert!(
            stderr.contains("以 .toml 结尾") || stderr.contains("就是输入文件"),
            "{stderr}"
        );
    }
    assert_eq!(std::fs::read(&sibling).unwrap(), before);
    let new_name = folder.path().join("汇编.TOML");
    let (code, _, stderr) = jixiao(&[
        "bundle",
        folder.path().to_str().unwrap(),
        "-o",
        new_name.to_str().unwrap(),
    ]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("以 .toml 结尾"), "{stderr}");
    assert!(!new_name.exists());
}

/// `watch` with an output folder that does not exist refuses at once (it used to announce
/// itself and fail on every save).
#[test]
fn watch_with_a_missing_output_folder_exits_at_once() {
    let folder = Folder::new();
    let p = folder.write("p.toml", &valid("a"));
    let out = folder.path().join("没有这个文件夹").join("x.pdf");
    let (code, _, stderr) = jixiao(&["watch", p.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("输出文件夹不存在"), "{stderr}");
    assert!(!stderr.contains("监视"), "{stderr}");
}
