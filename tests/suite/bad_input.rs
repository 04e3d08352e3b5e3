//! Bad input: every case gives its problem code or exit code and names the file and line; none panics.

use crate::common::*;

use run_jixiao as jixiao;
use std::path::Path;

/// The hostile tester's cases (issue 10).
#[path = "hostile.rs"]
mod hostile;

const VALID: &str = r#"year = 2024
[project]
name = "测试项目"
department = "测试部门"
implementer = "测试单位"

[funds.fiscal]
budget = 100
executed = 100

[[indicators]]
level1 = "产出指标"
level2 = "数量指标"
name = "培训人数"
target = "≥100人"
actual = "100人"
weight = 90
"#;

/// Check `text` as a file and return (exit code, stderr), asserting the file name is mentioned.
fn check_file(text: &str) -> (i32, String) {
    let folder = Folder::new();
    let path = folder.write("项目.toml", text);
    let (code, _, stderr) = jixiao(&["check", path.to_str().unwrap()]);
    assert!(
        stderr.contains("项目.toml"),
        "file name missing from: {stderr}"
    );
    (code, stderr)
}

#[test]
fn valid_project_passes() {
    let folder = Folder::new();
    let path = folder.write("项目.toml", VALID);
    let (code, stdout, stderr) = jixiao(&["check", path.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("总分 100"), "{stdout}");
}

#[test]
fn malformed_toml_exits_2_with_line() {
    let (code, stderr) = check_file(&VALID.replace("budget = 100", "budget = = 100"));
    assert_eq!(code, 2);
    assert!(
        stderr.contains("toml-syntax") && stderr.contains("项目.toml:8:"),
        "{stderr}"
    );
}

#[test]
fn unknown_key_suggests() {
    let (code, stderr) = check_file(&VALID.replace("level1 =", "levl1 ="));
    assert_eq!(code, 1);
    assert!(
        stderr.contains("unknown-key")
            && stderr.contains("level1")
            && stderr.contains("项目.toml:12:"),
        "{stderr}"
    );
}

#[test]
fn missing_required_field() {
    let (code, stderr) = check_file(&VALID.replace("name = \"测试项目\"\n", ""));
    assert_eq!(code, 1);
    assert!(
        stderr.contains("missing-field") && stderr.contains("project.name"),
        "{stderr}"
    );
}

#[test]
fn wrong_type() {
    let (code, stderr) = check_file(&VALID.replace("weight = 90", "weight = true"));
    assert_eq!(code, 1);
    assert!(
        stderr.contains("invalid-type") && stderr.contains("项目.toml:17:"),
        "{stderr}"
    );
}

#[test]
fn negative_amount() {
    let (code, stderr) = check_file(&VALID.replace("executed = 100", "executed = -1"));
    assert_eq!(code, 1);
    assert!(
        stderr.contains("negative-value") && stderr.contains("项目.toml:9:"),
        "{stderr}"
    );
}

#[test]
fn zero_budget() {
    let (code, stderr) = check_file(&VALID.replace("budget = 100", "budget = 0"));
    assert_eq!(code, 1);
    assert!(stderr.contains("zero-budget"), "{stderr}");
}

#[test]
fn unit_mismatch() {
    let (code, stderr) = check_file(&VALID.replace("actual = \"100人\"", "actual = \"100次\""));
    assert_eq!(code, 1);
    assert!(
        stderr.contains("unit-mismatch") && stderr.contains("项目.toml:16:"),
        "{stderr}"
    );
}

#[test]
fn misspelt_level1_lists_valid_names() {
    let (code, stderr) =
        check_file(&VALID.replace("level1 = \"产出指标\"", "level1 = \"产出指票\""));
    assert_eq!(code, 1);
    assert!(
        stderr.contains("unknown-level")
            && stderr.contains("效益指标")
            && stderr.contains("项目.toml:12:"),
        "{stderr}"
    );
}

#[test]
fn weights_not_100() {
    let (code, stderr) = check_file(&VALID.replace("weight = 90", "weight = 80"));
    assert_eq!(code, 1);
    assert!(stderr.contains("weights-sum"), "{stderr}");
}

#[test]
fn stated_score_above_weight() {
    let (code, stderr) = check_file(&VALID.replace("weight = 90", "weight = 90\nscore = 91"));
    assert_eq!(code, 1);
    assert!(
        stderr.contains("score-exceeds-weight") && stderr.contains("项目.toml:18:"),
        "{stderr}"
    );
}

#[test]
fn unknown_placeholder() {
    let text = format!("{VALID}\n[goals]\nplanned = \"执行率{{{{ funds.rat }}}}\"\n");
    let (code, stderr) = check_file(&text);
    assert_eq!(code, 1);
    assert!(
        stderr.contains("unknown-placeholder") && stderr.contains("goals.planned"),
        "{stderr}"
    );
}

#[test]
fn missing_file_empty_file_empty_dir() {
    let (code, _, stderr) = jixiao(&["check", "/nonexistent/项目.toml"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("/nonexistent/项目.toml"), "{stderr}");

    let (code, stderr) = check_file("");
    assert_eq!(code, 1);
    assert!(
        stderr.contains("missing-field") && stderr.contains("year"),
        "{stderr}"
    );

    let folder = Folder::new();
    let (code, _, stderr) = jixiao(&["check", folder.path().to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(stderr.contains("没有项目文件"), "{stderr}");
}

#[test]
fn strict_fails_on_warnings() {
    let text = VALID.replace("target = \"≥100人\"", "target = \"100人\"");
    let folder = Folder::new();
    let path = folder.write("p.toml", &text);
    let (code, _, stderr) = jixiao(&["check", path.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("assumed-direction"));
    let (code, _, _) = jixiao(&["check", "--strict", path.to_str().unwrap()]);
    assert_eq!(code, 1);
}

#[test]
fn folder_defaults_are_inherited_and_overridden() {
    let folder = Folder::new();
    folder.write("jixiao.toml", "year = 2023\nform = \"inner-mongolia\"\n[project]\ndepartment = \"共同部门\"\nimplementer = \"共同单位\"\n");
    folder.write(
        "a.toml",
        &VALID.replace("year = 2024\n", "").replace(
            "department = \"测试部门\"\nimplementer = \"测试单位\"\n",
            "",
        ),
    );
    let mut checked =
        jixiao::check(&[folder.path().to_path_buf()], &jixiao::Forms::builtin()).unwrap();
    let r = checked.reports.remove(0);
    let p = r.project.as_ref().unwrap();
    assert_eq!(
        (p.year, p.form.as_str(), p.info.department.as_str()),
        (2023, "inner-mongolia", "共同部门")
    );
    assert!(codes(&r).is_empty(), "{:?}", codes(&r));
}

// ---------------------------------------------------------------------------------------------
// Snapshots: the whole of what `check` prints for a few cases, byte for byte, so that a change
// to the rustc-style diagnostics (place, caret, field, wording) is seen in review.

#[test]
fn snapshot_missing_reason() {
    cli(&["check", "missing-reason.toml"])
        .current_dir(Path::new("tests/corpus"))
        .run()
        .code(1)
        .stdout_is(r#"测试项目（missing-reason.toml，2024年度，表样 mof-2020）
  预算执行率  全年预算数 100 万元  全年执行数 100 万元  执行率 100.00%  得分 10 / 10
  一级指标   二级指标         三级指标                   年度指标值   实际完成值   分值   得分   规则
  产出指标   数量指标         培训人数                   ≥100人       50人         90     45     ge
  总分 55  等级 差  （1 个错误，0 个警告；* 为填写得分与计算不同）

"#)
        .stderr_is(r#"error[missing-reason]: 错误: 得分 45 低于分值 90，须填写偏差原因分析及改进措施（reason）
   ┌─ missing-reason.toml:12:1
   │
12 │ [[indicators]]
   │ ^^^^^^^^^^^^^^ 字段 indicators[0].reason

"#);
}

#[test]
fn snapshot_syntax_unclosed_string() {
    cli(&["check", "syntax-unclosed-string.toml"])
        .current_dir(Path::new("tests/corpus"))
        .run()
        .code(2)
        .stdout_is(r#"syntax-unclosed-string.toml：无法读取为项目

"#)
        .stderr_is(r#"error[toml-syntax]: 错误: TOML 语法错误：字符串无效：可能缺少结尾的引号 "，或含有未转义的 \ (invalid basic string, expected `"`)
   ┌─ syntax-unclosed-string.toml:15:13
   │
15 │ name = "培训人数
   │                 ^

"#);
}

#[test]
fn snapshot_weights_not_100() {
    cli(&["check", "weights-not-100.toml"])
        .current_dir(Path::new("tests/corpus"))
        .run()
        .code(1)
        .stdout_is(r#"测试项目（weights-not-100.toml，2024年度，表样 mof-2020）
  预算执行率  全年预算数 100 万元  全年执行数 100 万元  执行率 100.00%  得分 10 / 10
  一级指标   二级指标         三级指标                   年度指标值   实际完成值   分值   得分   规则
  产出指标   数量指标         培训人数                   ≥100人       100人        85     85     ge
  总分 95  等级 优  （1 个错误，0 个警告；* 为填写得分与计算不同）

"#)
        .stderr_is(r#"error[weights-sum]: 错误: 指标分值之和 85 加预算执行率分值 10 为 95，应为 100
   ┌─ weights-not-100.toml:12:1
   │
12 │ [[indicators]]
   │ ^^^^^^^^^^^^^^ 字段 indicators

"#);
}

/// `budget = 6，52`: the syntax error names the full-width comma and the number to write.
#[test]
fn snapshot_fullwidth_comma_in_an_unquoted_number() {
    cli(&["check", "syntax-fullwidth-comma.toml"])
        .current_dir(Path::new("tests/corpus"))
        .run()
        .code(2)
        .stderr_is(r#"error[toml-syntax]: 错误: TOML 语法错误：全角逗号“，”不能作小数点或千分位，请写作 6.52；写法不符合 TOML (string values must be quoted, expected literal string)
  ┌─ syntax-fullwidth-comma.toml:9:10
  │
9 │ budget = 6，52
  │          ^^^^^

"#);
}
/// `actual = "4，4万/人"`: not `grade-required` but the comma, with the value to write.
#[test]
fn snapshot_comma_as_decimal_point_in_an_actual() {
    cli(&["check", "actual-comma-as-point.toml"])
        .current_dir(Path::new("tests/corpus"))
        .run()
        .code(1)
        .stderr_is(r#"error[invalid-number]: 错误: 实际完成值“4，4万/人”中的全角逗号“，”不能作小数点，请写作 "4.4万/人"（千分位逗号须三位一组，如 2,243,764）
   ┌─ actual-comma-as-point.toml:17:10
   │
17 │ actual = "4，4万/人"
   │          ^^^^^^^^^^^ 字段 indicators[0].actual

"#);
}
/// `budget = "6.52美元"`: the message names `unit`, and no number, for any would be a guess.
#[test]
fn snapshot_amount_in_a_foreign_unit() {
    cli(&["check", "amount-foreign-unit.toml"])
        .current_dir(Path::new("tests/corpus"))
        .run()
        .code(1)
        .stderr_is(r#"error[invalid-number]: 错误: 金额“6.52美元”不是有效的数字；金额只写数字或“万元”“元”，单位由 unit 决定（本文件为 unit = "万元"），请按本文件单位换算后只写数字 (not a valid number)
  ┌─ amount-foreign-unit.toml:9:10
  │
9 │ budget = "6.52美元"
  │          ^^^^^^^^^^ 字段 funds.fiscal.budget

"#);
}

/// `budget = 6.52万元`, `weight = 10分` unquoted: the syntax error says to quote them; only 分
/// may simply be dropped (an amount's bare number could be in the other unit).
#[test]
fn an_unquoted_number_with_its_unit_is_told_to_quote_it() {
    let (code, stderr) = check_file(&VALID.replace("budget = 100", "budget = 6.52万元"));
    assert_eq!(code, 2);
    assert!(
        stderr.contains("TOML 语法错误：数字后带单位时须加引号，请写作 budget = \"6.52万元\"（按本文件 unit 精确换算）；")
            && stderr.contains("项目.toml:8:"),
        "{stderr}"
    );
    let (code, stderr) = check_file(&VALID.replace("weight = 90", "weight = 90分"));
    assert_eq!(code, 2);
    assert!(
        stderr.contains("请写作 weight = \"90分\"，或只写数字 weight = 90；"),
        "{stderr}"
    );
}

/// A hint never suggests a figure in the wrong unit: 6.52万 in a 元 file is 65200, 6.52亿元 in a
/// 万元 file 65200; following the hint gives the amount written (issue 16 clerk 04).
#[test]
fn an_amount_hint_gives_the_figure_in_the_files_unit() {
    let yuan = VALID.replace("year = 2024", "year = 2024\nunit = \"元\"");
    for (file, budget, want) in [
        (&yuan, "\"6.52万\"", "6.52万即 65200 元，如 budget = 65200 "),
        (
            &yuan,
            "\"6.52（万元）\"",
            "6.52万元即 65200 元，如 budget = 65200 ",
        ),
        (
            &yuan,
            "\"6.52亿元\"",
            "6.52亿元即 652000000 元，如 budget = 652000000 ",
        ),
        (
            &VALID.to_string(),
            "\"6.52亿元\"",
            "6.52亿元即 65200 万元，如 budget = 65200 ",
        ),
        (
            &yuan,
            "\"¥65,200.00\"",
            "请去掉货币符号“¥”，写作 budget = \"65,200.00\" ",
        ),
    ] {
        let (code, stderr) =
            check_file(&file.replace("budget = 100", &format!("budget = {budget}")));
        assert_eq!(code, 1, "{stderr}");
        assert!(stderr.contains(want), "{budget}: {stderr}");
    }
}

/// `budget = 2,243,764` unquoted (pasted from Excel): the syntax error names the commas.
#[test]
fn an_unquoted_number_with_commas_names_them() {
    let (code, stderr) = check_file(&VALID.replace("budget = 100", "budget = 2,243,764"));
    assert_eq!(code, 2);
    assert!(
        stderr.contains("TOML 语法错误：TOML 数字不能带千分位逗号，请去掉逗号写作 budget = 2243764，或加引号 budget = \"2,243,764\"；"),
        "{stderr}"
    );
    let (code, stderr) = check_file(&VALID.replace("budget = 100", "budget = 6,52"));
    assert_eq!(code, 2);
    assert!(
        stderr.contains("逗号“,”不能作小数点，请写作 budget = 6.52；"),
        "{stderr}"
    );
}

/// A comma or IME full stop typed as the decimal point is named even when the units differ
/// (万/人 against 万元/人), not `grade-required` (issue 16 clerk 07).
#[test]
fn a_comma_or_full_stop_as_decimal_point_is_named() {
    for (target, actual, want) in [
        (
            "≤5万元/人",
            "4，4万/人",
            "实际完成值“4，4万/人”中的全角逗号“，”不能作小数点，请写作 \"4.4万/人\"",
        ),
        (
            "≥95%",
            "96。5%",
            "实际完成值“96。5%”中的句号“。”不能作小数点，请写作 \"96.5%\"",
        ),
    ] {
        let text = VALID
            .replace("≥100人", target)
            .replace("actual = \"100人\"", &format!("actual = \"{actual}\""));
        let (code, stderr) = check_file(&text);
        assert_eq!(code, 1, "{stderr}");
        assert!(stderr.contains(want), "{actual}: {stderr}");
        assert!(!stderr.contains("grade-required"), "{stderr}");
    }
}

/// An empty 一级 (a blank cell left to fill) asks for it once, rather than calling "" a
/// non-standard name.
#[test]
fn an_empty_level_is_asked_for_not_called_unknown() {
    let text = VALID.replace("level1 = \"产出指标\"", "level1 = \"\"");
    let report = check_text(&text);
    let found: Vec<(&str, &str)> = report
        .problems
        .iter()
        .map(|p| (p.code(), p.message.as_str()))
        .collect();
    assert_eq!(
        found,
        [("missing-field", "一级指标未填写")],
        "{:?}",
        report.problems
    );
}

/// A year that is not a number is refused in Chinese first.
#[test]
fn a_year_that_is_not_a_number_is_refused_in_chinese() {
    cli(&["rollover", "examples", "--year", "x", "-o", "不会写入"])
        .run()
        .code(2)
        .stderr_has("选项 --year <YEAR> 的值“x”无效：应为整数");
    cli(&["new", "不会写入.toml", "--year", "99999999999"])
        .run()
        .code(2)
        .stderr_has("超出允许的范围");
    assert!(!Path::new("不会写入").exists() && !Path::new("不会写入.toml").exists());
}

/// (code, field, message) of every problem, in report order.
fn found(report: &jixiao::Report) -> Vec<(&'static str, String, String)> {
    report
        .problems
        .iter()
        .map(|p| (p.code(), p.field.clone(), p.message.clone()))
        .collect()
}

/// An unknown key no longer stops the scoring: the rest of the file is scored and every other
/// problem is reported with it (issue 16).
#[test]
fn an_unknown_key_still_scores_the_rest() {
    // weight 80 + 10 ≠ 100, and a misspelt key: both, and the computed total.
    let text = VALID
        .replace("weight = 90", "weight = 80")
        .replace("actual = \"100人\"", "actual = \"100人\"\nnote_ = \"备注\"");
    let report = check_text(&text);
    assert_eq!(
        found(&report),
        [
            (
                "weights-sum",
                "indicators".to_string(),
                "指标分值之和 80 加预算执行率分值 10 为 90，应为 100".to_string()
            ),
            (
                "unknown-key",
                "indicators[0].note_".to_string(),
                "未知的键“note_”(unknown key)；是否想写“note”？(did you mean `note`?)".to_string()
            ),
        ]
    );
    assert_eq!(report.total, Some(d("90")));
    assert_eq!(report.indicators[0].scored.score, Some(d("80")));
    let (code, stderr) = check_file(&text);
    assert_eq!(code, 1);
    assert!(
        stderr.contains("项目.toml:17:1") && stderr.contains("weights-sum"),
        "{stderr}"
    );
}

/// A file of many unknown keys lists the first ones and counts the rest, and is still scored.
#[test]
fn many_unknown_keys_are_counted_not_listed_one_by_one() {
    let mut text = VALID.to_string();
    for i in 0..10_000 {
        text.push_str(&format!("k{i} = 1\n"));
    }
    let report = check_text(&text);
    assert_eq!(report.problems.len(), 51);
    assert!(report.problems.iter().all(|p| p.code() == "unknown-key"));
    assert_eq!(report.problems[49].field, "indicators[0].k49");
    assert_eq!(
        report.problems[50].message,
        "此后还有 9950 个未知的键未逐一列出 (9950 more unknown keys)"
    );
    assert_eq!(report.problems[50].field, "indicators[0].k50");
    assert_eq!(report.total, Some(d("100")));
}

/// A misspelt required key is one problem, not also "missing level1".
#[test]
fn a_misspelt_key_is_not_also_reported_missing() {
    let report = check_text(&VALID.replace("level1 =", "levl1 ="));
    assert_eq!(
        found(&report),
        [(
            "unknown-key",
            "indicators[0].levl1".to_string(),
            "未知的键“levl1”(unknown key)；是否想写“level1”？(did you mean `level1`?)".to_string()
        )]
    );
    // Scored all the same.
    assert_eq!(report.total, Some(d("100")));
}

/// A key of a folder's jixiao.toml that is unknown does not stop its projects' scoring either.
#[test]
fn an_unknown_key_of_the_folder_file_still_scores_its_projects() {
    let folder = Folder::new();
    folder.write("jixiao.toml", "yaer = 2024\nunit = \"万元\"\n");
    let path = folder.write("项目.toml", VALID);
    let checked = jixiao::check(&[folder.path().to_path_buf()], &jixiao::Forms::builtin()).unwrap();
    let report = &checked.reports[0];
    assert_eq!(report.path, path);
    assert_eq!(report.total, Some(d("100")));
    assert_eq!(
        found(report),
        [(
            "unknown-key",
            "yaer".to_string(),
            "未知的键“yaer”(unknown key)；是否想写“year”？(did you mean `year`?)".to_string()
        )]
    );
}

/// A label of the printed form used as a key is told its key, where it stands; quoted, it is an
/// unknown key (the file is still scored), bare, a TOML syntax error that says the same.
#[test]
fn a_form_label_as_a_key_is_told_its_key() {
    let low = VALID.replace("actual = \"100人\"", "actual = \"90人\"");
    let quoted = low.replace("weight = 90", "weight = 90\n\"偏差原因\" = \"场地受限\"");
    let report = check_text(&quoted);
    assert_eq!(
        found(&report),
        [(
            "unknown-key",
            "indicators[0].偏差原因".to_string(),
            "“偏差原因”是表上的栏目名，不是 jixiao 的键：请写作 reason（在 \
             [[indicators]]（第 1 项） 中写 reason = …）(form label, write `reason`)"
                .to_string()
        )],
        "missing-reason follows from the unknown key and is not repeated"
    );
    assert_eq!(report.indicators[0].scored.score, Some(d("81")));

    let bare = low.replace("weight = 90", "weight = 90\n偏差原因 = \"场地受限\"");
    let (code, stderr) = check_file(&bare);
    assert_eq!(code, 2);
    assert!(
        stderr.contains(
            "TOML 语法错误：“偏差原因”是表上的栏目名，不是 jixiao 的键：请写作 reason（在 \
             [[indicators]] 中写 reason = …）(form label, write `reason`) (invalid unquoted key"
        ) && stderr.contains("项目.toml:18:1"),
        "{stderr}"
    );
    // Other labels of the form, each in its own table.
    for (from, to, key, table) in [
        (
            "actual = ",
            "\"实际完成值\" = ",
            "actual",
            "[[indicators]]（第 1 项）",
        ),
        (
            "target = ",
            "\"年度指标值\" = ",
            "target",
            "[[indicators]]（第 1 项）",
        ),
        (
            "weight = ",
            "\"分值\" = ",
            "weight",
            "[[indicators]]（第 1 项）",
        ),
        (
            "budget = ",
            "\"全年预算数（万元）\" = ",
            "budget",
            "[funds.fiscal]",
        ),
        (
            "executed = ",
            "\"全年执行数\" = ",
            "executed",
            "[funds.fiscal]",
        ),
        (
            "name = \"测试项目\"",
            "\"项目名称\" = \"测试项目\"",
            "name",
            "[project]",
        ),
    ] {
        let report = check_text(&VALID.replacen(from, to, 1));
        let p = &report.problems[0];
        assert_eq!(p.code(), "unknown-key", "{:?}", report.problems);
        assert!(
            p.message
                .contains(&format!("请写作 {key}（在 {table} 中写 {key} = …）")),
            "{key}: {}",
            p.message
        );
    }
}

/// `reason` under a fund row is told it belongs in `[funds]`, and `low-execution` says where
/// and how to write it, pointing at the `[funds]` line (or the first fund row).
#[test]
fn the_funds_reason_is_asked_for_where_it_belongs() {
    let low = VALID.replace("executed = 100", "executed = 50");
    let misplaced = low.replace("executed = 50", "executed = 50\nreason = \"延期\"");
    let report = check_text(&misplaced);
    assert_eq!(
        found(&report),
        [(
            "unknown-key",
            "funds.fiscal.reason".to_string(),
            "键“reason”不能写在 [funds.fiscal] 中，它应写在 [funds] 表中：在 [funds] 这一行下面写 \
             reason = …（文件中没有 [funds] 就加上这一行） (key `reason` belongs in [funds])"
                .to_string()
        )],
        "low-execution follows from the misplaced reason"
    );
    assert_eq!(report.total, Some(d("95")));

    let warning = "执行率 50.00% 低于 90%，请说明原因：在 [funds] 表中写 reason = \"……\"（reason 属于 \
                   [funds]，不能写在 [funds.fiscal] 等资金行下；文件中没有 [funds] 这一行就在第一个资金行之前加上）";
    let (code, stderr) = check_file(&low);
    assert_eq!(code, 0);
    assert!(
        stderr.contains(warning) && stderr.contains("项目.toml:7:1"),
        "{stderr}"
    );
    // With a [funds] line (after the rows, as TOML allows), the warning points at it.
    let with_table = format!("{low}\n[funds]\ntotal = {{ budget = 100, executed = 50 }}\n");
    let (code, stderr) = check_file(&with_table);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains(warning) && stderr.contains("项目.toml:19:1"),
        "{stderr}"
    );
    let fixed = format!("{low}\n[funds]\nreason = \"场地改造延期\"\n");
    let report = check_text(&fixed);
    assert!(report.problems.is_empty(), "{:?}", report.problems);
}

// Issue 16, hostile round 3: nothing of a folder is left out without a word.

/// `jixiao ARGS` as an unprivileged user when the tests run as root (root reads any folder,
/// so an unreadable one can only be made for someone else).
fn jixiao_unprivileged(args: &[&str]) -> (i32, String, String) {
    let uid = std::process::Command::new("id").arg("-u").output().unwrap();
    if String::from_utf8_lossy(&uid.stdout).trim() != "0" {
        return jixiao(args);
    }
    let out = std::process::Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(env!("CARGO_BIN_EXE_jixiao"))
        .args(args)
        .output()
        .expect("setpriv runs the binary as nobody");
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(!stderr.contains("panicked"), "{stderr}");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).to_string(),
        stderr,
    )
}

/// (file, code, message) of every problem of a `check --format json` report.
fn json_problems(stdout: &str) -> Vec<(String, String, String)> {
    let json: serde_json::Value =
        serde_json::from_str(stdout).unwrap_or_else(|e| panic!("json ({e}): {stdout}"));
    let mut out = Vec::new();
    for report in json.as_array().unwrap() {
        let file = report["file"].as_str().unwrap().to_string();
        for p in report["problems"].as_array().unwrap() {
            out.push((
                file.clone(),
                p["code"].as_str().unwrap().to_string(),
                p["message"].as_str().unwrap().to_string(),
            ));
        }
    }
    out
}

#[test]
#[cfg(unix)]
fn every_unreadable_entry_of_a_folder_is_a_problem_of_its_own() {
    use std::os::unix::fs::{PermissionsExt, symlink};
    let folder = Folder::new();
    let dept = folder.path().join("dept");
    for sub in ["", "locked", "sub"] {
        std::fs::create_dir_all(dept.join(sub)).unwrap();
    }
    std::fs::write(dept.join("a.toml"), VALID).unwrap();
    std::fs::write(dept.join("locked/hidden.toml"), VALID).unwrap();
    std::fs::write(dept.join("sub/c.toml"), VALID).unwrap();
    // Saved on Windows with an upper-case extension: still a project; an upper-case folder
    // file would be neither defaults nor a project, so it is named.
    std::fs::write(dept.join("D.TOML"), VALID).unwrap();
    std::fs::write(dept.join("JIXIAO.TOML"), "year = 2024\n").unwrap();
    symlink("gone.toml", dept.join("b.toml")).unwrap();
    symlink("loop.toml", dept.join("loop.toml")).unwrap();
    assert!(
        std::process::Command::new("mkfifo")
            .arg(dept.join("pipe.toml"))
            .status()
            .unwrap()
            .success()
    );
    // The sub-unit's folder defaults are a dangling link: its project must not be checked
    // without them.
    symlink("moved-away.toml", dept.join("sub/jixiao.toml")).unwrap();
    for d in [folder.path(), dept.as_path(), &dept.join("sub")] {
        std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    std::fs::set_permissions(dept.join("locked"), std::fs::Permissions::from_mode(0o000)).unwrap();
    let (code, stdout, stderr) =
        jixiao_unprivileged(&["check", "--format", "json", dept.to_str().unwrap()]);
    // The unreadable folder named on the command line itself: a report of its own too.
    let (named_code, named_out, named_err) = jixiao_unprivileged(&[
        "check",
        "--format",
        "json",
        dept.join("locked").to_str().unwrap(),
        dept.join("a.toml").to_str().unwrap(),
    ]);
    std::fs::set_permissions(dept.join("locked"), std::fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(named_code, 2, "{named_err}");
    let named_problems = json_problems(&named_out);
    assert_eq!(named_problems.len(), 1, "{named_problems:?}");
    assert!(named_problems[0].0.ends_with("dept/locked"));
    assert!(named_problems[0].2.starts_with("无法读取文件夹"));
    assert!(
        named_out.contains("a.toml"),
        "the file is still checked: {named_out}"
    );
    assert_eq!(code, 2, "an unreadable entry exits 2: {stderr}");
    let problems = json_problems(&stdout);
    let named = |name: &str| {
        problems
            .iter()
            .find(|(f, _, _)| f.ends_with(name))
            .unwrap_or_else(|| panic!("{name} not reported: {problems:?}"))
            .clone()
    };
    let (_, code_b, message_b) = named("dept/b.toml");
    assert_eq!(code_b, "unreadable-file");
    assert!(message_b.contains("失效的符号链接") && message_b.contains("gone.toml"));
    assert!(named("dept/loop.toml").2.contains("循环的符号链接"));
    assert!(named("dept/pipe.toml").2.contains("不是普通文件"));
    let (_, _, locked) = named("dept/locked");
    assert!(
        locked.starts_with("无法读取文件夹") && locked.contains("没有读取权限"),
        "{locked}"
    );
    let (_, _, sub) = named("sub/c.toml");
    assert!(
        sub.contains("sub/jixiao.toml") && sub.contains("失效的符号链接"),
        "{sub}"
    );
    assert!(
        named("dept/JIXIAO.TOML")
            .2
            .contains("文件名应为小写的 jixiao.toml")
    );
    assert!(
        !problems.iter().any(|(f, _, _)| f.ends_with("D.TOML")),
        "{problems:?}"
    );
    assert!(stdout.contains("D.TOML"), "D.TOML is checked: {stdout}");
    // The readable project is still checked, and clean.
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let a = json
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["file"].as_str().unwrap().ends_with("dept/a.toml"))
        .expect("a.toml checked");
    assert_eq!(a["total"], "100", "{a}");
    assert!(a["problems"].as_array().unwrap().is_empty());
}

#[test]
fn thousands_of_file_arguments_check_as_fast_as_their_folder() {
    let folder = Folder::new();
    let names: Vec<String> = (0..2000).map(|i| format!("p{i:04}.toml")).collect();
    for name in &names {
        folder.write(name, VALID);
    }
    let timed = |args: &[&str]| {
        let started = std::time::Instant::now();
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_jixiao"))
            .current_dir(folder.path())
            .args(args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0));
        started.elapsed()
    };
    let whole = timed(&["check", "."]);
    let mut args = vec!["check"];
    args.extend(names.iter().map(String::as_str));
    let listed = timed(&args);
    // Quadratic in the arguments this took 30× the folder's time; linear, about the same.
    assert!(
        listed < whole * 4 + std::time::Duration::from_secs(2),
        "{listed:?} for 2000 arguments against {whole:?} for their folder"
    );
}
