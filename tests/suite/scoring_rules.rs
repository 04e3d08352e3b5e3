//! Every scoring rule of scoring.md with hand-computed values.

use crate::common::*;

/// Scale slips and amount spellings (issue 16).
#[path = "scale_slips.rs"]
mod scale_slips;

const W90: &str = "weight = 90";

fn ind(level2: &str, target: &str, actual: &str, extra: &str) -> String {
    format!(
        "level2 = \"{level2}\"\nname = \"指标\"\ntarget = \"{target}\"\nactual = \"{actual}\"\n{W90}\n{extra}"
    )
}

#[test]
fn worked_example_000_inner_mongolia_execution() {
    // 54.91 / 70 = 78.442857…% → 7.8442857 → 7.8 (one decimal, half-up).
    let r = check_text(
        r#"year = 2021
form = "inner-mongolia"
[project]
name = "流动人员档案管理经费"
department = "部门"
implementer = "单位"
[funds.fiscal]
initial = 70
budget = 70
executed = 54.91
[funds]
reason = "部分款项待支付"
[[indicators]]
level1 = "产出指标"
level2 = "数量指标"
name = "档案机要邮寄数量"
target = "≥800"
actual = "832"
weight = 87
[[indicators]]
level1 = "产出指标"
level2 = "成本指标"
name = "档案机要邮寄费用"
target = "≤4万元"
actual = "2.52万元"
weight = 3
reason = "部分档案未通过我单位邮寄"
"#,
    );
    let f = r.funds.as_ref().unwrap();
    assert_eq!(f.total.rate, Some(d("78.44")));
    assert_eq!(f.score, Some(d("7.8")));
    // Cost by spending progress: 2.52 / 4 × 3 = 1.89 → 1.9 (one decimal).
    assert_eq!(r.indicators[1].scored.computed, Some(d("1.9")));
    assert_eq!(r.total, Some(d("96.7")));
    assert_eq!(r.rating, Some(jixiao::grade::Rating::Excellent));
}

#[test]
fn worked_example_002_xinjiang() {
    let r = check_text(
        r#"year = 2021
form = "xinjiang"
[project]
name = "事业单位公开招聘工作经费"
department = "部门"
implementer = "单位"
[funds.fiscal]
budget = 80
executed = 63.49
[funds]
reason = "考试延期"
[[indicators]]
level1 = "产出指标"
level2 = "数量指标"
name = "笔试人数"
target = "≥8000人"
actual = "600"
weight = 2
reason = "疫情"
[[indicators]]
level1 = "产出指标"
level2 = "数量指标"
name = "面试人数"
target = "≥2700人"
actual = "1100"
weight = 3
score = 1.23
[[indicators]]
level1 = "产出指标"
level2 = "质量指标"
name = "其他"
target = "100%"
actual = "100%"
weight = 85
"#,
    );
    // 63.49 / 80 = 79.3625% → 7.93625 → 7.94.
    let f = r.funds.as_ref().unwrap();
    assert_eq!(f.total.rate, Some(d("79.36")));
    assert_eq!(f.score, Some(d("7.94")));
    // 600 / 8000 × 2 = 0.15.
    assert_eq!(r.indicators[0].scored.computed, Some(d("0.15")));
    // 1100 / 2700 × 3 = 1.2222… → 1.22; the published 1.23 is flagged.
    assert_eq!(r.indicators[1].scored.computed, Some(d("1.22")));
    assert_eq!(r.indicators[1].scored.score, Some(d("1.23")));
    let c = codes(&r);
    assert!(c.contains(&"stated-score-differs"), "{c:?}");
    assert!(c.contains(&"missing-reason"), "{c:?}");
}

#[test]
fn worked_example_003_shanghai_and_004_chongqing_execution() {
    let sh = check_text(
        &project(
            "form = \"shanghai\"\nunit = \"元\"",
            &ind("数量指标", "≥1", "1", "").replace("[funds.fiscal]", ""),
        )
        .replace(
            "budget = 100\nexecuted = 100",
            "budget = \"556,116.80\"\nexecuted = 507277.51\n[funds]\nreason = \"结余\"",
        ),
    );
    let f = sh.funds.as_ref().unwrap();
    assert_eq!(f.total.rate, Some(d("91.22")));
    assert_eq!(f.score, Some(d("9.12")));

    let cq = check_text(
        &project("form = \"chongqing\"", &ind("数量指标", "≥1", "1", "")).replace(
            "budget = 100\nexecuted = 100",
            "budget = \"5.00\"\nexecuted = 3.49\n[funds]\nreason = \"结余\"",
        ),
    );
    let f = cq.funds.as_ref().unwrap();
    // 3.49 / 5.00 = 69.80% → 6.98 (the published form says 7.00 from a rounded 70%).
    assert_eq!(f.total.rate, Some(d("69.8")));
    assert_eq!(f.score, Some(d("6.98")));
}

#[test]
fn putuo_2022_total() {
    // 上海普陀 2022: 215457.6 / 250000 = 86.18% → 8.62; with 90 indicator points, 98.62.
    let r = check_text(
        &project(
            "form = \"shanghai\"\nunit = \"元\"",
            &ind("数量指标", "≥1", "1", ""),
        )
        .replace(
            "budget = 100\nexecuted = 100",
            "budget = 250000\nexecuted = 215457.6\n[funds]\nreason = \"结余\"",
        ),
    );
    assert_eq!(r.funds.as_ref().unwrap().score, Some(d("8.62")));
    assert_eq!(r.total, Some(d("98.62")));
}

#[test]
fn ge_met_exactly_at_target_and_not_met() {
    assert_eq!(
        score_of("", &ind("数量指标", "≥800", "800", "")).0,
        Some(d("90"))
    );
    // 700 / 800 × 90 = 78.75.
    let (s, r) = score_of("", &ind("数量指标", "≥800", "700", "reason = \"x\""));
    assert_eq!(s, Some(d("78.75")));
    assert!(codes(&r).is_empty(), "{:?}", codes(&r));
    // > is strict: B = A is not met, but B/A × 分值 = 分值.
    assert_eq!(
        score_of("", &ind("数量指标", ">90%", "80%", "reason = \"x\"")).0,
        Some(d("80"))
    );
}

#[test]
fn eq_counts_over_achievement_as_met() {
    assert_eq!(
        score_of("", &ind("数量指标", "=1次", "2次", "reason = \"多开一次\"")).0,
        Some(d("90"))
    );
    // 2 / 3 × 90 = 60.
    assert_eq!(
        score_of("", &ind("数量指标", "=3次", "2次", "reason = \"x\"")).0,
        Some(d("60"))
    );
}

#[test]
fn reverse_ratio_and_linear() {
    // ≤ 20, B 25: ratio 20/25 × 90 = 72; linear (1 − 5/20) × 90 = 67.5; B ≥ 2A → 0.
    assert_eq!(
        score_of("", &ind("时效指标", "≤20天", "25天", "reason = \"x\"")).0,
        Some(d("72"))
    );
    let linear = "[scoring]\nreverse = \"linear\"";
    assert_eq!(
        score_of(linear, &ind("时效指标", "≤20天", "25天", "reason = \"x\"")).0,
        Some(d("67.5"))
    );
    assert_eq!(
        score_of(linear, &ind("时效指标", "≤20天", "40天", "reason = \"x\"")).0,
        Some(d("0"))
    );
    assert_eq!(
        score_of("", &ind("时效指标", "<24小时", "24小时", "reason = \"x\"")).0,
        Some(d("90"))
    );
    assert_eq!(
        score_of("", &ind("时效指标", "≤24小时", "2小时", "")).0,
        Some(d("90"))
    );
}

#[test]
fn cost_cap_versus_progress() {
    // Within a ≤ target: full under "cap"; B/A × 分值 under "progress": 2.52/4 × 90 = 56.7.
    assert_eq!(
        score_of("", &ind("成本指标", "≤4万元", "2.52万元", "")).0,
        Some(d("90"))
    );
    let progress = "[scoring]\ncost = \"progress\"";
    assert_eq!(
        score_of(
            progress,
            &ind("成本指标", "≤4万元", "2.52万元", "reason = \"x\"")
        )
        .0,
        Some(d("56.7"))
    );
    // Over the target: ratio 4/5 × 90 = 72 either way. Units convert: 5万元 = 50000元.
    assert_eq!(
        score_of(
            progress,
            &ind("成本指标", "≤4万元", "50000元", "reason = \"x\"")
        )
        .0,
        Some(d("72"))
    );
}

#[test]
fn target_zero() {
    // A = 0: met or not met, full or nothing, no division.
    assert_eq!(
        score_of("", &ind("质量指标", "≤0起", "0起", "")).0,
        Some(d("90"))
    );
    assert_eq!(
        score_of("", &ind("质量指标", "≤0起", "2起", "reason = \"x\"")).0,
        Some(d("0"))
    );
    assert_eq!(
        score_of("", &ind("数量指标", ">0", "0", "reason = \"x\"")).0,
        Some(d("0"))
    );
}

#[test]
fn rounding_ties_half_up_and_down() {
    // 1 / 8 × 90 = 11.25 exactly: 1 decimal half-up → 11.3, down → 11.2; 0 decimals → 11.
    let half_up_1 = "[scoring]\ndecimals = 1";
    assert_eq!(
        score_of(half_up_1, &ind("数量指标", "≥8", "1", "reason = \"x\"")).0,
        Some(d("11.3"))
    );
    let down_1 = "[scoring]\ndecimals = 1\nrounding = \"down\"";
    assert_eq!(
        score_of(down_1, &ind("数量指标", "≥8", "1", "reason = \"x\"")).0,
        Some(d("11.2"))
    );
    let zero = "[scoring]\ndecimals = 0";
    assert_eq!(
        score_of(zero, &ind("数量指标", "≥8", "1", "reason = \"x\"")).0,
        Some(d("11"))
    );
    // 0.005 tie at 2 decimals: 1/16 × 90 = 5.625 → 5.63 (banker's would give 5.62); down → 5.62.
    assert_eq!(
        score_of("", &ind("数量指标", "≥16", "1", "reason = \"x\"")).0,
        Some(d("5.63"))
    );
    let down = "[scoring]\nrounding = \"down\"";
    assert_eq!(
        score_of(down, &ind("数量指标", "≥16", "1", "reason = \"x\"")).0,
        Some(d("5.62"))
    );
}

#[test]
fn executed_over_budget_is_capped_and_warned() {
    let r = check_text(
        &project("", &ind("数量指标", "≥1", "1", "")).replace("executed = 100", "executed = 120"),
    );
    let f = r.funds.as_ref().unwrap();
    assert_eq!(f.total.rate, Some(d("120")));
    assert_eq!(f.score, Some(d("10")));
    assert!(codes(&r).contains(&"executed-exceeds-budget"));
}

#[test]
fn zero_budget_is_an_error_not_a_crash() {
    let r = check_text(
        &project("", &ind("数量指标", "≥1", "1", "")).replace("budget = 100", "budget = 0"),
    );
    assert!(codes(&r).contains(&"zero-budget"));
    assert_eq!(r.total, None);
}

#[test]
fn low_execution_warns_without_reason() {
    let r = check_text(
        &project("", &ind("数量指标", "≥1", "1", "")).replace("executed = 100", "executed = 50"),
    );
    assert_eq!(r.funds.as_ref().unwrap().score, Some(d("5")));
    assert!(codes(&r).contains(&"low-execution"));
    assert_eq!(r.total, Some(d("95")));
}

#[test]
fn qualitative_rules() {
    assert_eq!(
        score_of("", &ind("时效指标", "全年", "全年", "")).0,
        Some(d("90"))
    );
    assert_eq!(
        score_of("", &ind("质量指标", "优良中低差", "优", "")).0,
        Some(d("90"))
    );
    let (s, r) = score_of("", &ind("质量指标", "显著", "较好", ""));
    assert_eq!(s, None);
    assert!(codes(&r).contains(&"grade-required"));
    assert_eq!(
        score_of("", &ind("质量指标", "显著", "较好", "grade = \"达成\"")).0,
        Some(d("90"))
    );
    // 部分达成: 60 %–80 % of 90 = 54…72.
    let (s, r) = score_of(
        "",
        &ind(
            "质量指标",
            "显著",
            "一般",
            "grade = \"部分达成\"\nscore = 60\nreason = \"x\"",
        ),
    );
    assert_eq!(s, Some(d("60")));
    assert!(codes(&r).is_empty(), "{:?}", codes(&r));
    let (_, r) = score_of(
        "",
        &ind(
            "质量指标",
            "显著",
            "一般",
            "grade = \"部分达成\"\nscore = 80\nreason = \"x\"",
        ),
    );
    assert!(codes(&r).contains(&"score-outside-band"));
    let (_, r) = score_of("", &ind("质量指标", "显著", "一般", "grade = \"未达成\""));
    assert!(codes(&r).contains(&"score-required"));
    // 江西-style bands [80, 50]: 部分达成 from 45.
    let bands = "[scoring]\nbands = [80, 50]";
    let (s, r) = score_of(
        bands,
        &ind(
            "质量指标",
            "显著",
            "一般",
            "grade = \"部分达成\"\nscore = 45\nreason = \"x\"",
        ),
    );
    assert_eq!(s, Some(d("45")));
    assert!(codes(&r).is_empty(), "{:?}", codes(&r));
}

#[test]
fn tiers_first_reached_wins() {
    let tiers = "tiers = [{ at_least = \"98%\", score = 90 }, { at_least = \"95%\", score = 80 }, { at_least = \"90%\", score = 60 }]\ntiers_text = \"≥98%得满分…\"";
    assert_eq!(
        score_of("", &ind("数量指标", "≥98%", "99%", tiers)).0,
        Some(d("90"))
    );
    assert_eq!(
        score_of("", &ind("数量指标", "≥98%", "96.5%", tiers)).0,
        Some(d("80"))
    );
    assert_eq!(
        score_of("", &ind("数量指标", "≥98%", "95%", tiers)).0,
        Some(d("80"))
    );
    assert_eq!(
        score_of("", &ind("数量指标", "≥98%", "80%", tiers)).0,
        Some(d("0"))
    );
}

/// A tier worth more than the indicator's weight is an error at that tier's score, not a
/// score silently capped at the weight (issue 16).
#[test]
fn a_tier_above_the_weight_is_an_error_where_it_is_written() {
    let tiers = "tiers = [{ at_least = \"98%\", score = 95 }, { at_least = \"90%\", score = 60 }]\ntiers_text = \"≥98%得满分…\"";
    let text = project("", &ind("数量指标", "≥98%", "99%", tiers));
    let (s, r) = score_of("", &ind("数量指标", "≥98%", "99%", tiers));
    assert_eq!(s, None, "no score from a tier the weight cannot hold");
    let p = r
        .problems
        .iter()
        .find(|p| p.code() == "score-exceeds-weight")
        .unwrap_or_else(|| panic!("{:?}", codes(&r)));
    assert_eq!(p.field, "indicators[0].tiers[0].score");
    assert_eq!(
        p.message,
        "分档得分 95 超过该指标的分值 90；请改正分档得分或分值"
    );
    let span = p.loc.as_ref().expect("located").span.clone();
    assert_eq!(&text[span], "95");
    // Only that tier: the one below the weight is fine.
    assert_eq!(codes(&r), ["score-exceeds-weight"]);
}

/// A negative budget is reported once, at its cell: no 执行率 from it, so no contradictory
/// "执行数大于预算数" and "执行率低于 90%" after it (issue 16).
#[test]
fn a_negative_amount_gives_only_its_own_error() {
    let text = project(
        "",
        "level2 = \"数量指标\"\nname = \"x\"\ntarget = \"≥1\"\nactual = \"1\"\nweight = 90",
    )
    .replace("budget = 100", "budget = -100");
    let r = check_text(&text);
    assert_eq!(codes(&r), ["negative-value"]);
    assert_eq!(r.problems[0].field, "funds.fiscal.budget");
    let funds = r.funds.as_ref().unwrap();
    assert_eq!((funds.total.rate, funds.score), (None, None));
    // A negative executed amount, or weight: the same, no weights-sum of "-90 + 10".
    for (from, to, field) in [
        ("executed = 100", "executed = -100", "funds.fiscal.executed"),
        ("weight = 90", "weight = -90", "indicators[0].weight"),
    ] {
        let r = check_text(
            &text
                .replace("budget = -100", "budget = 100")
                .replace(from, to),
        );
        assert_eq!(codes(&r), ["negative-value"], "{to}");
        assert_eq!(r.problems[0].field, field);
    }
}

/// 上海 "超过95%得8分": a tier written with 超过 / > is strict — exactly 95% does not reach it.
#[test]
fn strict_tier_thresholds() {
    let tiers = "tiers = [{ at_least = \"超过95%\", score = 90 }, { at_least = \">=90%\", score = 60 }]\ntiers_text = \"超过95%得满分…\"";
    assert_eq!(
        score_of("", &ind("数量指标", "≥95%", "95.01%", tiers)).0,
        Some(d("90"))
    );
    assert_eq!(
        score_of("", &ind("数量指标", "≥95%", "95%", tiers)).0,
        Some(d("60"))
    );
    assert_eq!(
        score_of("", &ind("数量指标", "≥95%", "90%", tiers)).0,
        Some(d("60"))
    );
}

#[test]
fn stated_scores() {
    let (s, r) = score_of("", &ind("数量指标", "≥10", "10", "score = 95"));
    assert_eq!(s, Some(d("95")));
    assert!(codes(&r).contains(&"score-exceeds-weight"));
    let (s, r) = score_of("", &ind("数量指标", "≥10", "10", "score = 85"));
    assert_eq!(s, Some(d("85")));
    let c = codes(&r);
    assert!(
        c.contains(&"stated-score-differs") && c.contains(&"missing-reason"),
        "{c:?}"
    );
    // Explained by a reason: still a warning (the figure does not follow from the actual, so
    // `--strict` fails), saying which figure the PDF prints — never silently kept.
    let (_, r) = score_of(
        "",
        &ind(
            "数量指标",
            "≥10",
            "10",
            "score = 85\nreason = \"目标设定偏低，扣分\"",
        ),
    );
    assert_eq!(codes(&r), ["stated-score-differs"]);
    let p = &r.problems[0];
    assert_eq!(p.severity, jixiao::problem::Severity::Warning);
    assert_eq!(
        p.message,
        "填写的得分 85 与按规则计算的 90 不同；PDF 印所填的 85。若实际完成值已更新，请删去 score（按规则计为 90）或改正它"
    );
}

#[test]
fn overachievement_and_assumed_direction() {
    let (_, r) = score_of("", &ind("数量指标", "≥100", "130", ""));
    assert!(codes(&r).contains(&"overachieved"));
    let (_, r) = score_of("", &ind("数量指标", "≥100", "129", ""));
    assert!(codes(&r).is_empty());
    let (s, r) = score_of("", &ind("数量指标", "100", "90", "reason = \"x\""));
    assert_eq!(s, Some(d("81")));
    assert!(codes(&r).contains(&"assumed-direction"));
    // Cost indicators default to ≤.
    let (s, _) = score_of("", &ind("成本指标", "4万元", "5万元", "reason = \"x\""));
    assert_eq!(s, Some(d("72")));
    // direction overrides.
    let (s, _) = score_of("", &ind("数量指标", "100", "90", "direction = \"≤\""));
    assert_eq!(s, Some(d("90")));
}

#[test]
fn not_applicable_rows_rescale_the_total() {
    let r = check_text(&project(
        "",
        "level2 = \"数量指标\"\nname = \"a\"\ntarget = \"≥10\"\nactual = \"5\"\nweight = 45\nreason = \"x\"\n[[indicators]]\nlevel1 = \"产出指标\"\nlevel2 = \"质量指标\"\nweight = 45\napplicable = false",
    ));
    // 10 + 22.5 = 32.5 of 55 applicable → 32.5 × 100 / 55 = 59.0909… → 59.09.
    assert_eq!(r.total, Some(d("59.09")));
    assert_eq!(r.rating, Some(jixiao::grade::Rating::Poor));
}

#[test]
fn weights_must_sum_to_100_and_grade_bands() {
    let r = check_text(&project(
        "",
        &ind("数量指标", "≥1", "1", "").replace("weight = 90", "weight = 80"),
    ));
    assert!(codes(&r).contains(&"weights-sum"));
    let r = check_text(&project(
        "[scoring]\ngrades = [95, 85, 70]",
        &ind("数量指标", "≥10", "9", "reason = \"x\""),
    ));
    // 10 + 81 = 91 → 良 under [95, 85, 70].
    assert_eq!(r.total, Some(d("91")));
    assert_eq!(r.rating, Some(jixiao::grade::Rating::Good));
}

#[test]
fn budget_weight_20() {
    let r = check_text(
        &project(
            "[scoring]\nbudget_weight = 20",
            &ind("数量指标", "≥1", "1", "").replace("weight = 90", "weight = 80"),
        )
        .replace("executed = 100", "executed = 95"),
    );
    assert_eq!(r.funds.as_ref().unwrap().score, Some(d("19")));
    assert_eq!(r.total, Some(d("99")));
}

#[test]
fn unit_mismatch_and_negative_values() {
    let (s, r) = score_of("", &ind("数量指标", "≥90%", "100元", ""));
    assert_eq!(s, None);
    assert!(codes(&r).contains(&"unit-mismatch"));
    let r = check_text(
        &project("", &ind("数量指标", "≥1", "1", "")).replace("executed = 100", "executed = -5"),
    );
    assert!(codes(&r).contains(&"negative-value"));
    // A bare number takes the other side's unit: 100 against ≥90% is 100 %.
    assert_eq!(
        score_of("", &ind("质量指标", "≥90%", "100", "")).0,
        Some(d("90"))
    );
}

// Stated figures (issue 9): what the published form printed, audited at its own precision.

fn with_funds(budget: &str, executed: &str, extra_funds: &str, extra_top: &str) -> String {
    project(
        extra_top,
        "level2 = \"数量指标\"\nname = \"a\"\ntarget = \"≥1人\"\nactual = \"1人\"\nweight = 90",
    )
    .replace(
        "[funds.fiscal]\nbudget = 100\nexecuted = 100",
        &format!("[funds.fiscal]\nbudget = \"{budget}\"\nexecuted = \"{executed}\"\n{extra_funds}"),
    )
}

#[test]
fn stated_rate_is_compared_at_its_own_precision() {
    // 包头: 54.91 / 70 = 78.44%; the form prints "78%", which agrees at 0 places.
    let r = check_text(&with_funds(
        "70",
        "54.91",
        "[funds.total]\nrate = \"78%\"",
        "",
    ));
    assert!(
        !codes(&r).contains(&"stated-rate-differs"),
        "{:?}",
        codes(&r)
    );
    let r = check_text(&with_funds(
        "70",
        "54.91",
        "[funds.total]\nrate = \"78.45%\"",
        "",
    ));
    assert!(
        codes(&r).contains(&"stated-rate-differs"),
        "{:?}",
        codes(&r)
    );
    // 重庆《档案管理费》: 10.00 of 66.00 is 15.15%, printed 100.00% (also on its 区级 row).
    let r = check_text(&with_funds(
        "66.00",
        "10.00",
        "rate = \"100.00%\"\n[funds.total]\nrate = \"100.00%\"",
        "",
    ));
    let differs: Vec<_> = r
        .problems
        .iter()
        .filter(|p| p.code() == "stated-rate-differs")
        .map(|p| p.field.as_str())
        .collect();
    assert_eq!(
        differs,
        ["funds.fiscal.rate", "funds.total.rate"],
        "{:?}",
        codes(&r)
    );
    assert!(r.problems.iter().any(|p| p.message.contains("15.15%")));
}

#[test]
fn stated_funds_score_total_and_grade_are_audited() {
    // 重庆《荣昌区学术（产业）技术带头人补贴》: 32.56% → 3.26, printed 4; 总分 printed 94.00.
    let text = with_funds(
        "100",
        "32.56",
        "[funds.total]\nscore = 4\n[funds]\nreason = \"r\"",
        "total = \"94.00\"\ngrade = \"良\"",
    );
    let r = check_text(&text);
    assert_eq!(r.funds.as_ref().unwrap().score, Some(d("3.26")));
    assert_eq!(r.total, Some(d("93.26")));
    let c = codes(&r);
    for code in [
        "stated-funds-score-differs",
        "stated-total-differs",
        "stated-grade-differs",
    ] {
        assert!(c.contains(&code), "{code} missing from {c:?}");
    }
    // The agreeing figures stay silent: "3.3" is 3.26 at one place, 93.26 is 优.
    let text = with_funds(
        "100",
        "32.56",
        "[funds.total]\nscore = 3.3\n[funds]\nreason = \"r\"",
        "total = \"93.26\"\ngrade = \"优秀\"",
    );
    let r = check_text(&text);
    assert!(
        !codes(&r).iter().any(|c| c.starts_with("stated-")),
        "{:?}",
        codes(&r)
    );
    assert!(!r.has_errors(), "{:?}", codes(&r));
}

#[test]
fn a_score_printed_on_a_source_row_is_refused() {
    let r = check_text(&with_funds("100", "100", "score = 10", ""));
    assert!(codes(&r).contains(&"invalid-value"), "{:?}", codes(&r));
}

#[test]
fn a_numeric_target_with_a_text_actual_needs_a_grade() {
    // 北京: "≤11月" against "按期完成", printed 3 of 15 with no grade: not accepted silently.
    let row = |extra: &str| {
        format!(
            "level2 = \"时效指标\"\nname = \"按期完成\"\ntarget = \"≤11月\"\nactual = \"按期完成\"\nweight = 90\n{extra}"
        )
    };
    let (_, r) = score_of("", &row("score = 3\nreason = \"r\""));
    assert!(codes(&r).contains(&"grade-required"), "{:?}", codes(&r));
    let (_, r) = score_of("", &row(""));
    assert!(codes(&r).contains(&"grade-required"), "{:?}", codes(&r));
    // With a grade the band applies: 部分达成 is 60–80% of 90, so 60 is inside.
    let (score, r) = score_of("", &row("grade = \"部分达成\"\nscore = 60\nreason = \"r\""));
    assert_eq!(score, Some(d("60")), "{:?}", codes(&r));
    assert!(!r.has_errors(), "{:?}", codes(&r));
    let (score, r) = score_of("", &row("grade = \"达成\""));
    assert_eq!(score, Some(d("90")), "{:?}", codes(&r));
}

#[test]
fn chongqing_examples_printed_figures_are_audited_at_their_own_precision() {
    // Four forms of seed 004 (重庆荣昌 2020) as transcribed in examples/chongqing, every printed
    // 执行率 / 得分 / 总分 recorded. Hand-computed, exact decimals:
    // 档案管理费 10.00/66.00 = 15.1515…% → 15.15%, 1.515… → 1.52, 总分 1.52+40+10+20+8+10 = 89.52;
    // 学术（产业）技术带头人补贴 2.54/7.80 = 32.5641…% → 32.56% (as printed), 3.2564… → 3.26
    //   (printed 4), 总分 3.26+40+30+20 = 93.26 (printed 94.00);
    // 人力资源服务中心建设 218.35/300 = 72.7833…% → 72.78% (as printed), 7.2783… → 7.28: printed
    //   "7" agrees at its own precision (no decimals), but 总分 7.28+30+10+30+18 = 95.28 ≠ 95.00;
    // 原市属国企大龄职工生活补助 1.48/1.48 = 100.00%, 10, 总分 10+30+30+18 = 88 (printed 98.00).
    struct Form {
        name: &'static str,
        funds_score: &'static str,
        total: &'static str,
        /// Every printed figure recorded in the file.
        printed: &'static [&'static str],
        /// (code, field, figure the message must name): exactly the stated-* problems.
        differs: &'static [(&'static str, &'static str, &'static str)],
    }
    const ROWS: &[&str] = &[
        "funds.district.rate",
        "funds.total.rate",
        "funds.total.score",
        "total",
    ];
    let forms = [
        Form {
            name: "档案管理费",
            funds_score: "1.52",
            total: "89.52",
            printed: ROWS,
            differs: &[
                ("stated-funds-score-differs", "funds.total.score", "1.52"),
                ("stated-rate-differs", "funds.district.rate", "15.15%"),
                ("stated-rate-differs", "funds.total.rate", "15.15%"),
                ("stated-score-differs", "indicators[3].score", "9.47"),
                ("stated-total-differs", "total", "89.52"),
            ],
        },
        Form {
            name: "荣昌区学术（产业）技术带头人补贴",
            funds_score: "3.26",
            total: "93.26",
            printed: ROWS,
            differs: &[
                ("stated-funds-score-differs", "funds.total.score", "3.26"),
                ("stated-total-differs", "total", "93.26"),
            ],
        },
        Form {
            name: "人力资源服务中心建设",
            funds_score: "7.28",
            total: "95.28",
            printed: ROWS,
            differs: &[
                ("stated-score-differs", "indicators[3].score", "18.95"),
                ("stated-total-differs", "total", "95.28"),
            ],
        },
        Form {
            name: "原市属国企大龄职工生活补助",
            funds_score: "10",
            total: "88",
            printed: &[
                "funds.city.rate",
                "funds.total.rate",
                "funds.total.score",
                "total",
            ],
            differs: &[
                ("stated-score-differs", "indicators[2].score", "18.95"),
                ("stated-total-differs", "total", "88"),
            ],
        },
    ];
    let builtin = jixiao::Forms::builtin();
    for form in forms {
        let name = form.name;
        let path = std::path::PathBuf::from(format!("examples/chongqing/{name}.toml"));
        let checked = jixiao::check(&[path], &builtin).unwrap();
        let r = &checked.reports[0];
        let funds_score = r.funds.as_ref().and_then(|f| f.score);
        assert_eq!(funds_score, Some(d(form.funds_score)), "{name}");
        assert_eq!(r.total, Some(d(form.total)), "{name}");

        // Every printed figure is in the file, so the agreeing ones are checked, not absent.
        let project = r.project.as_ref().unwrap();
        let mut printed: Vec<String> = Vec::new();
        for row in project.funds.total.iter().chain(&project.funds.sources) {
            if row.stated_rate.is_some() {
                printed.push(format!("funds.{}.rate", row.key));
            }
            if row.stated_score.is_some() {
                printed.push(format!("funds.{}.score", row.key));
            }
        }
        if project.stated_total.is_some() {
            printed.push("total".into());
        }
        printed.sort();
        assert_eq!(printed, form.printed, "{name}: printed figures recorded");

        // Exactly the wrong figures are reported; the agreeing ones produce nothing.
        let mut found: Vec<(&str, &str)> = r
            .problems
            .iter()
            .filter(|p| p.code().starts_with("stated-"))
            .map(|p| (p.code(), p.field.as_str()))
            .collect();
        found.sort();
        let wanted: Vec<(&str, &str)> = form.differs.iter().map(|&(c, f, _)| (c, f)).collect();
        assert_eq!(found, wanted, "{name}");
        for &(code, field, figure) in form.differs {
            let p = r
                .problems
                .iter()
                .find(|p| p.code() == code && p.field == field)
                .unwrap();
            assert!(
                p.message.contains(figure),
                "{name}: {code} on {field} should name {figure}: {}",
                p.message
            );
            // A printed 执行率, 得分 or 总分 that disagrees is an error; an indicator's printed
            // score that differs from the rules stays a warning.
            let severity = if code == "stated-score-differs" {
                jixiao::problem::Severity::Warning
            } else {
                jixiao::problem::Severity::Error
            };
            assert_eq!(p.severity, severity, "{name}: {code}");
        }
    }
}

/// §6 with a `reason_format` (issue 9): the printed 偏差原因 cell is composed from the computed
/// facts and the user's cause where points were lost; a row without a cause keeps its error.
#[test]
fn reason_format_composes_the_reason_cell() {
    let head = "reason_format = \"目标{{ target }}，实际{{ actual }}，完成{{ ratio }}%，扣{{ lost }}分。原因：{{ reason }}\"";
    let (score, r) = score_of(
        head,
        "level2 = \"数量指标\"\nname = \"面试人数\"\ntarget = \"≥2700人\"\nactual = \"1100人\"\nweight = 90\nreason = \"报名人数少于预期\"",
    );
    // 1100 / 2700 × 90 = 36.666… → 36.67; lost 53.33; 1100 / 2700 = 40.74%.
    assert_eq!(score, Some(d("36.67")));
    assert_eq!(
        r.indicators[0].reason.as_deref(),
        Some("目标≥2700人，实际1100人，完成40.74%，扣53.33分。原因：报名人数少于预期")
    );
    // No cause: nothing composed, and the row still needs one.
    let (_, r) = score_of(
        head,
        "level2 = \"数量指标\"\nname = \"面试人数\"\ntarget = \"≥2700人\"\nactual = \"1100人\"\nweight = 90",
    );
    assert_eq!(r.indicators[0].reason, None);
    assert!(codes(&r).contains(&"missing-reason"), "{:?}", codes(&r));
    // An unknown name in the format is reported where it is written.
    let (_, r) = score_of(
        "reason_format = \"{{ nope }}\"",
        "level2 = \"数量指标\"\nname = \"a\"\ntarget = \"≥2\"\nactual = \"1\"\nweight = 90\nreason = \"r\"",
    );
    assert!(
        codes(&r).contains(&"unknown-placeholder"),
        "{:?}",
        codes(&r)
    );
}

#[test]
fn a_weight_still_to_fill_is_asked_for_once() {
    // `weight = ""` (a rolled-over or imported cell still to fill): the row asks for its weight;
    // the sum of weights and a stated score's range, which would follow from it, are not reported.
    let r = check_text(&project(
        "",
        "level2 = \"数量指标\"\nname = \"n\"\ntarget = \"≥1\"\nactual = \"1\"\nweight = \"\"\nscore = 50",
    ));
    let errors: Vec<&str> = r
        .problems
        .iter()
        .filter(|p| p.severity == jixiao::problem::Severity::Error)
        .map(|p| p.code())
        .collect();
    assert_eq!(errors, ["missing-field"], "{:?}", r.problems);
    assert_eq!(r.problems[0].field, "indicators[0].weight");
}
