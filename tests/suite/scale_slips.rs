//! Scale slips and amount spellings (issue 16): a bare number that takes the other side's unit
//! and reads 100 or 10 000 times wrong is scored as written and warned about (`suspect-scale`);
//! an amount written with its unit, or points with 分, is read exactly; a form's own unit is the
//! default. Every figure below is worked out by hand in the comment beside it.

use crate::common::*;
use jixiao::model::AmountUnit;

/// A project of two indicators: 80 points met (≥100人 / 100人) and `second` (weight 10, a
/// 质量指标 unless it names its own 二级), so 预算执行率 10 + 80 + the second's score is the total.
fn two(head: &str, funds: &str, second: &str) -> String {
    let second = if second.contains("level2") {
        second.to_string()
    } else {
        format!("level2 = \"质量指标\"\n{second}")
    };
    format!(
        r#"year = 2024
{head}
[project]
name = "测试项目"
department = "测试部门"
implementer = "测试单位"

{funds}

[[indicators]]
level1 = "产出指标"
level2 = "数量指标"
name = "培训人数"
target = "≥100人"
actual = "100人"
weight = 80

[[indicators]]
level1 = "产出指标"
name = "第二项"
weight = 10
reason = "原因"
{second}
"#
    )
}

const FUNDS: &str = "[funds.fiscal]\nbudget = 100\nexecuted = 100";

fn suspects(r: &jixiao::Report) -> Vec<(&str, &str)> {
    r.problems
        .iter()
        .filter(|p| p.code() == "suspect-scale")
        .map(|p| (p.field.as_str(), p.message.as_str()))
        .collect()
}

#[test]
fn a_fraction_against_a_percent_target_is_scored_as_written_and_warned() {
    let r = check_text(&two("", FUNDS, "target = \"≥95%\"\nactual = \"0.9\""));
    // 0.9 read as 0.9%: 0.9 / 95 × 10 = 0.0947… → 0.09; total 10 + 80 + 0.09 = 90.09.
    assert_eq!(r.indicators[1].scored.score, Some(d("0.09")));
    assert_eq!(r.total, Some(d("90.09")));
    assert_eq!(
        suspects(&r),
        [(
            "indicators[1].actual",
            "实际完成值“0.9”未写单位，按年度指标值“≥95%”读作 0.9%，只有年度指标值的 0.95%；\
             是否应为 90%？若是，请写作 \"90%\"（得分仍按所写计算）"
        )]
    );
    assert_eq!(codes(&r), ["suspect-scale"]);
    // The warning points at the value: line 27 of the file is `actual = "0.9"`.
    let checked = jixiao::check_source(
        "p.toml",
        &two("", FUNDS, "target = \"≥95%\"\nactual = \"0.9\""),
        &jixiao::Forms::builtin(),
    );
    let loc = checked.reports[0].problems[0].loc.clone().unwrap();
    let src = checked.sources.get(loc.file);
    assert_eq!(src.line_col(loc.span.start), (27, 10));
    assert_eq!(src.slice(&loc.span), "\"0.9\"");
    // Written as meant: 90 / 95 × 10 = 9.4736… → 9.47, total 99.47, no warning.
    let r = check_text(&two("", FUNDS, "target = \"≥95%\"\nactual = \"90%\""));
    assert_eq!(r.indicators[1].scored.score, Some(d("9.47")));
    assert_eq!(r.total, Some(d("99.47")));
    assert!(r.problems.is_empty(), "{:?}", r.problems);
}

#[test]
fn yuan_against_a_wan_target_is_scored_as_written_and_warned() {
    let r = check_text(&two(
        "",
        FUNDS,
        "level2 = \"成本指标\"\ntarget = \"≤5万元/人\"\nactual = \"44000\"",
    ));
    // 44000 read as 44000万元/人 = 440 000 000 against 50 000 (8800 times): the ratio rule gives
    // 50000 / 440000000 × 10 = 0.00113… → 0.
    assert_eq!(r.indicators[1].scored.score, Some(d("0")));
    assert_eq!(
        suspects(&r),
        [(
            "indicators[1].actual",
            "实际完成值“44000”未写单位，按年度指标值“≤5万元/人”读作 44000万元/人，是年度指标值的 8800 倍；\
             是否应为 4.4万元/人？若是，请写作 \"4.4万元/人\"（得分仍按所写计算）"
        )]
    );
    // As meant: 4.4万元/人 = 44 000 ≤ 50 000, full marks 10.
    let r = check_text(&two(
        "",
        FUNDS,
        "level2 = \"成本指标\"\ntarget = \"≤5万元/人\"\nactual = \"4.4万元/人\"",
    ));
    assert_eq!(r.indicators[1].scored.score, Some(d("10")));
    assert!(suspects(&r).is_empty());
}

#[test]
fn wan_against_a_yuan_target_and_a_bare_target_are_warned() {
    // 4.4 read as 4.4元 against 50 000元: 0.0088% of it; as 4.4万元 it is 88%.
    let r = check_text(&two(
        "",
        FUNDS,
        "level2 = \"成本指标\"\ntarget = \"≤50000元\"\nactual = \"4.4\"",
    ));
    assert_eq!(r.indicators[1].scored.score, Some(d("10")));
    assert_eq!(
        suspects(&r),
        [(
            "indicators[1].actual",
            "实际完成值“4.4”未写单位，按年度指标值“≤50000元”读作 4.4元，只有年度指标值的 0.01%；\
             是否应为 4.4万元？若是，请写作 \"4.4万元\"（得分仍按所写计算）"
        )]
    );
    // The bare side may be the target: ≥0.95 against 96% reads 0.95%, 1% of the actual; as 95%
    // it is plausible. 96% ≥ 0.95%: full marks as written.
    let r = check_text(&two("", FUNDS, "target = \"≥0.95\"\nactual = \"96%\""));
    assert_eq!(r.indicators[1].scored.score, Some(d("10")));
    let found = suspects(&r);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "indicators[1].target");
}

#[test]
fn plausible_bare_numbers_are_not_warned() {
    for (target, actual) in [
        ("≤2%", "0.5"),       // a reverse rate: 0.5% within ≤2% is plausible
        ("≥95%", "95"),       // 95 read as 95%
        ("≥95%", "30"),       // low, but not a fraction
        ("≥1%", "0.9"),       // the target itself is a fraction of a percent
        ("≥95%", "0"),        // nothing done: no reading explains more
        ("≥800", "832"),      // both bare
        ("≥0.95", "0.9"),     // both bare
        ("≤5万元/人", "4.4"), // 4.4万元/人 as the target's unit reads it
        ("≥2.3万份", "2.5"),  // 2.5万份
        ("≥95%", "0.001"),    // 0.1% is no better: no likely reading to name
    ] {
        let r = check_text(&two(
            "",
            FUNDS,
            &format!("target = \"{target}\"\nactual = \"{actual}\""),
        ));
        assert!(
            suspects(&r).is_empty(),
            "{target} / {actual}: {:?}",
            r.problems
        );
    }
}

#[test]
fn a_fraction_against_percent_tiers_is_warned_once() {
    let r = check_text(&two(
        "",
        FUNDS,
        "level2 = \"数量指标\"\ntarget = \"≥95%\"\nactual = \"0.96\"\n\
         tiers = [{ at_least = \"95%\", score = 10 }, { at_least = \"90%\", score = 6 }]",
    ));
    // 0.96 reaches no tier (0.96% < 90%): 0 points, as written.
    assert_eq!(r.indicators[1].scored.score, Some(d("0")));
    let found = suspects(&r);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].1.contains("按分档下限“95%”读作 0.96%"),
        "{}",
        found[0].1
    );
    assert!(found[0].1.contains("是否应为 96%？"), "{}", found[0].1);
}

#[test]
fn fund_rows_ten_thousand_fold_apart_are_warned_with_the_likely_amount() {
    // 元 typed into a 万元 file: [funds.other] 500000 against fiscal 100 (5000-fold).
    let funds = "[funds.fiscal]\nbudget = 100\nexecuted = 100\n[funds.other]\nbudget = 500000\nexecuted = 500000";
    let r = check_text(&two("", funds, "target = \"≥1\"\nactual = \"1\""));
    assert_eq!(
        suspects(&r),
        [(
            "funds.other.budget",
            "[funds.other] 的金额与其他金额相差约一万倍：本文件金额单位为“万元”（unit），是否按元填写了？\
             若是，budget 500000 应为 50，executed 500000 应为 50"
        )]
    );
    // Still scored as written: (100 + 500000) / (100 + 500000) = 100%.
    assert_eq!(r.funds.as_ref().unwrap().score, Some(d("10")));
    // Within one row: 65200 executed of a 6.52 budget.
    let funds = "[funds.fiscal]\nbudget = 6.52\nexecuted = 65200";
    let r = check_text(&two("", funds, "target = \"≥1\"\nactual = \"1\""));
    assert_eq!(
        suspects(&r),
        [(
            "funds.fiscal.executed",
            "[funds.fiscal] 的金额与其他金额相差约一万倍：本文件金额单位为“万元”（unit），是否按元填写了？\
             若是，executed 65200 应为 6.52"
        )]
    );
    // 万元 typed into a 元 file: the smaller amount is the slip (7.4696万元 = 74696元).
    let funds = "[funds.fiscal]\nbudget = 74696\nexecuted = 7.4696";
    let r = check_text(&two(
        "unit = \"元\"",
        funds,
        "target = \"≥1\"\nactual = \"1\"",
    ));
    assert_eq!(
        suspects(&r),
        [(
            "funds.fiscal.executed",
            "[funds.fiscal] 的金额与其他金额相差约一万倍：本文件金额单位为“元”（unit），是否按万元填写了？\
             若是，executed 7.4696 应为 74696"
        )]
    );
    // Honest spreads are quiet: 1000 and 0.5 (2000-fold) across rows, 100 and 1 in one row.
    let funds = "[funds.fiscal]\nbudget = 1000\nexecuted = 990\n[funds.other]\nbudget = 0.5\nexecuted = 0.5\n[funds.carryover]\nbudget = 100\nexecuted = 1\n[funds]\nreason = \"r\"";
    let r = check_text(&two("", funds, "target = \"≥1\"\nactual = \"1\""));
    assert!(suspects(&r).is_empty(), "{:?}", r.problems);
}

#[test]
fn an_amount_with_its_unit_is_read_exactly() {
    let amounts = |head: &str, funds: &str| {
        let r = check_text(&two(head, funds, "target = \"≥1\"\nactual = \"1\""));
        let row = &r.project.as_ref().unwrap().funds.sources[0];
        let value =
            |f: &Option<jixiao::model::Field<rust_decimal::Decimal>>| f.as_ref().map(|f| f.value);
        let found: Vec<(String, String)> = r
            .problems
            .iter()
            .map(|p| (p.code().to_string(), p.message.clone()))
            .collect();
        (value(&row.budget), value(&row.executed), found)
    };
    // Its own unit: read as the number, nothing to say.
    let (budget, executed, found) = amounts(
        "",
        "[funds.fiscal]\nbudget = \"6.52万元\"\nexecuted = \"6.52 万元\"",
    );
    assert_eq!((budget, executed), (Some(d("6.52")), Some(d("6.52"))));
    assert!(found.is_empty(), "{found:?}");
    // 6.52万元 in a 元 file is 65 200 元 exactly, and says so.
    let (budget, _, found) = amounts(
        "unit = \"元\"",
        "[funds.fiscal]\nbudget = \"6.52万元\"\nexecuted = 65200",
    );
    assert_eq!(budget, Some(d("65200")));
    assert_eq!(
        found,
        [(
            "amount-converted".to_string(),
            "金额“6.52万元”写的是万元，本文件金额单位为“元”（unit），已精确换算为 65200 元；请直接写 65200"
                .to_string()
        )]
    );
    // 65 200元 in a 万元 file is 6.52 万元.
    let (budget, _, found) = amounts("", "[funds.fiscal]\nbudget = \"65200元\"\nexecuted = 6.52");
    assert_eq!(budget, Some(d("6.52")));
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].0, "amount-converted");
}

#[test]
fn points_may_end_in_fen() {
    // weight "10分" is 10; a stated "9.5分" is 9.5 (below the computed 10, with its reason).
    let r = check_text(
        &two(
            "",
            FUNDS,
            "target = \"≥1\"\nactual = \"1\"\nscore = \"9.5分\"",
        )
        .replace("weight = 10", "weight = \"10分\""),
    );
    assert_eq!(
        r.indicators[1].indicator.weight.as_ref().map(|w| w.value),
        Some(d("10"))
    );
    assert_eq!(r.indicators[1].scored.score, Some(d("9.5")));
    // 10 + 80 + 9.5; the stated 9.5 is not what the rules give (10): a warning.
    assert_eq!(r.total, Some(d("99.5")));
    assert_eq!(codes(&r), ["stated-score-differs"], "{:?}", r.problems);
    // A printed 预算执行率得分 of "10.00分" (as 昌吉 prints it) agrees with the computed 10.
    let funds = "[funds.fiscal]\nbudget = 100\nexecuted = 100\n[funds.total]\nscore = \"10.00分\"";
    let r = check_text(&two("", funds, "target = \"≥1\"\nactual = \"1\""));
    assert!(r.problems.is_empty(), "{:?}", r.problems);
}

#[test]
fn a_form_prints_the_unit_of_its_seed_unless_the_project_says_otherwise() {
    let unit = |head: &str| {
        let r = check_text(&two(head, FUNDS, "target = \"≥1\"\nactual = \"1\""));
        r.project.as_ref().unwrap().unit
    };
    assert_eq!(unit("form = \"shanghai\""), AmountUnit::Yuan);
    // The form's data carries it: the heading prints 项目资金 (元) and the amount as in the seed.
    let r = check_text(&two(
        "form = \"shanghai\"",
        "[funds.fiscal]\nbudget = 556116.80\nexecuted = 556116.80",
        "target = \"≥1\"\nactual = \"1\"",
    ));
    let data = jixiao::template_data::build(&r, &Default::default()).unwrap();
    assert_eq!(data["unit"], "元", "{data}");
    assert!(data.to_string().contains("\"556116.80\""), "{data}");
    assert_eq!(
        unit("form = \"shanghai\"\nunit = \"万元\""),
        AmountUnit::Wanyuan
    );
    for form in [
        "mof-2020",
        "beijing",
        "chongqing",
        "inner-mongolia",
        "xinjiang",
    ] {
        assert_eq!(
            unit(&format!("form = \"{form}\"")),
            AmountUnit::Wanyuan,
            "{form}"
        );
    }
    // A folder's jixiao.toml overrides the form too, and `check` prints the unit it took.
    let folder = Folder::new();
    folder.write("jixiao.toml", "form = \"shanghai\"\n");
    let p = folder.write(
        "p.toml",
        &two(
            "",
            "[funds.fiscal]\nbudget = 556116.80\nexecuted = 556116.80",
            "target = \"≥1\"\nactual = \"1\"",
        ),
    );
    let (code, stdout, stderr) = run_jixiao(&["check", p.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("全年预算数 556116.8 元"), "{stdout}");
    folder.write("jixiao.toml", "form = \"shanghai\"\nunit = \"万元\"\n");
    let (_, stdout, _) = run_jixiao(&["check", p.to_str().unwrap()]);
    assert!(stdout.contains("全年预算数 556116.8 万元"), "{stdout}");
    // `new --form shanghai` writes the form's unit.
    let new = folder.path().join("新.toml");
    let (code, _, stderr) = run_jixiao(&["new", new.to_str().unwrap(), "--form", "shanghai"]);
    assert_eq!(code, 0, "{stderr}");
    let text = std::fs::read_to_string(&new).unwrap();
    assert!(text.contains("\nunit = \"元\" "), "{text}");
}

#[test]
fn a_user_form_with_a_bad_unit_is_refused_at_its_line() {
    let folder = Folder::new();
    let dir = folder.path().join("forms/mine");
    std::fs::create_dir_all(&dir).unwrap();
    let toml = std::fs::read_to_string("templates/mof-2020/form.toml")
        .unwrap()
        .replace("id = \"mof-2020\"", "id = \"mine\"")
        .replace("unit = \"万元\"", "unit = \"美元\"");
    std::fs::write(dir.join("form.toml"), toml).unwrap();
    std::fs::copy("templates/mof-2020/form.typ", dir.join("form.typ")).unwrap();
    let err = jixiao::Forms::with_user_dirs(&[folder.path().join("forms")]).unwrap_err();
    let message = err.to_string();
    assert!(
        message.contains("第 7 行第 8 列：金额单位 unit“美元”无效，应为“万元”或“元”"),
        "{message}"
    );
}
