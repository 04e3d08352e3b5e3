//! Property tests over the target parser and the scorer, with a small deterministic generator
//! (xorshift; the seed is fixed so a failure reproduces). 5 000 cases each.

use crate::common::*;

use jixiao::decimal::{Rounding, round};
use rust_decimal::Decimal;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
    /// A decimal with up to 4 places, 0 … 100 000.
    fn decimal(&mut self) -> Decimal {
        Decimal::new(self.below(1_000_000_000) as i64, self.below(5) as u32)
    }
}

#[test]
fn parser_never_panics_on_arbitrary_text() {
    let alphabet: Vec<char> = "0123456789.,，-+≥≤<>=＞＜%％万亿元人次小时月年以上下内余多()（）显著优良中低差 \t\n#$*\\\"'e😀𪚖\u{202e}\u{0}".chars().collect();
    let mut rng = Rng(0x5eed);
    for _ in 0..5_000 {
        let len = rng.below(12) as usize;
        let text: String = (0..len)
            .map(|_| alphabet[rng.below(alphabet.len() as u64) as usize])
            .collect();
        let _ = jixiao::target::parse(&text);
        let _ = jixiao::decimal::parse(&text);
    }
}

#[test]
fn rounding_is_idempotent_and_close() {
    let mut rng = Rng(0xdec);
    for _ in 0..5_000 {
        let v = rng.decimal();
        let places = rng.below(4) as u32;
        for mode in [Rounding::HalfUp, Rounding::Down] {
            let r = round(v, places, mode);
            assert_eq!(round(r, places, mode), r, "{v} {places} {mode:?}");
            let step = Decimal::new(1, places);
            assert!((v - r).abs() < step, "{v} → {r}");
            if mode == Rounding::Down {
                assert!(r <= v);
            }
        }
    }
}

#[test]
fn scores_stay_within_weight_total_adds_up_and_met_targets_score_full() {
    let mut rng = Rng(0x5c0e);
    let units = ["", "人", "%", "万元", "次"];
    let comparators = ["≥", "≤", "=", ">", "<", ""];
    for case in 0..400 {
        let mut indicators = String::new();
        let count = 1 + rng.below(6);
        let mut weights = Vec::new();
        let mut left: u64 = 90;
        for i in 0..count {
            let w = if i == count - 1 {
                left
            } else {
                rng.below(left / 2 + 1)
            };
            left -= w;
            weights.push(w);
            let unit = rng.pick(&units);
            let cmp = rng.pick(&comparators);
            let a = rng.decimal();
            let b = if rng.below(3) == 0 { a } else { rng.decimal() };
            indicators.push_str(&format!(
                "[[indicators]]\nlevel1 = \"产出指标\"\nlevel2 = \"{}\"\nname = \"指标{i}\"\ntarget = \"{cmp}{a}{unit}\"\nactual = \"{b}{unit}\"\nweight = {w}\nreason = \"说明\"\n",
                rng.pick(&["数量指标", "质量指标", "成本指标"])
            ));
        }
        let budget = rng.decimal() + Decimal::ONE;
        let executed = rng.decimal();
        let text = format!(
            "year = 2024\n[scoring]\ndecimals = {}\nrounding = \"{}\"\ncost = \"{}\"\nreverse = \"{}\"\n[project]\nname = \"p\"\ndepartment = \"d\"\nimplementer = \"i\"\n[funds]\nreason = \"r\"\n[funds.fiscal]\nbudget = \"{budget}\"\nexecuted = \"{executed}\"\n{indicators}",
            rng.below(3),
            rng.pick(&["half-up", "down"]),
            rng.pick(&["cap", "progress"]),
            rng.pick(&["ratio", "linear"]),
        );
        let r = check_text(&text);
        let funds = r.funds.as_ref().expect("funds");
        let funds_score = funds.score.expect("budget > 0");
        assert!(
            funds_score >= Decimal::ZERO && funds_score <= Decimal::TEN,
            "case {case}"
        );
        let mut sum = funds_score;
        for (res, w) in r.indicators.iter().zip(&weights) {
            let w = Decimal::from(*w);
            let Some(score) = res.scored.score else {
                // Only a unit mismatch may leave a score undecided here.
                assert!(
                    r.problems.iter().any(|p| p.code() == "unit-mismatch"),
                    "case {case}: {text}"
                );
                continue;
            };
            assert!(
                score >= Decimal::ZERO && score <= w,
                "case {case}: {score} of {w}\n{text}"
            );
            sum += score;
            let i = &res.indicator;
            let (t, a) = (
                i.target.as_ref().unwrap().value.clone(),
                i.actual.as_ref().unwrap().value.clone(),
            );
            let strict = t.starts_with('>') || t.starts_with('<');
            let cost_progress = text.contains("cost = \"progress\"") && i.level2 == "成本指标";
            if t.trim_start_matches(['≥', '≤', '=']) == a && !strict && !cost_progress {
                assert_eq!(score, w, "case {case}: a met target scores full\n{text}");
            }
        }
        if r.indicators.iter().all(|i| i.scored.score.is_some()) {
            assert_eq!(
                r.total,
                Some(sum.normalize()),
                "case {case}: total = sum of parts"
            );
        }
    }
}

#[test]
fn whole_pipeline_never_panics_on_arbitrary_toml() {
    // The same path as the fuzz target (fuzz/fuzz_targets/check.rs): mutate a valid project
    // byte by byte and check every variant, including the template data it would render.
    let forms = jixiao::Forms::builtin();
    let base = project(
        "",
        "level2 = \"数量指标\"\nname = \"a\"\ntarget = \"≥10人\"\nactual = \"9人\"\nweight = 90\nreason = \"r\"",
    );
    let bytes = base.as_bytes();
    let mut rng = Rng(0xf022);
    let pieces: [&[u8]; 8] = [
        b"\"",
        b"=",
        b"[",
        b"]]",
        b"\n[[indicators]]\n",
        b"-1e999",
        "≤".as_bytes(),
        b"{{ x }}",
    ];
    for _ in 0..2_000 {
        let mut v = bytes.to_vec();
        for _ in 0..1 + rng.below(4) {
            let at = rng.below(v.len() as u64) as usize;
            match rng.below(3) {
                0 => {
                    v.remove(at);
                }
                1 => v
                    .splice(at..at, pieces[rng.below(8) as usize].iter().copied())
                    .for_each(drop),
                _ => v[at] = rng.below(256) as u8,
            }
        }
        let text = String::from_utf8_lossy(&v);
        let checked = jixiao::check_source("fuzz.toml", &text, &forms);
        let report = &checked.reports[0];
        let _ = jixiao::report::to_json(report, &checked.sources);
        let _ = jixiao::template_data::build(report, &Default::default());
    }
}

/// Extreme values (issue 10): every amount, weight, target and actual drawn from the edges of
/// the decimal range, through the whole parse → score → total path. Never a panic, and a total
/// is never above the sum of the weights, under every built-in form's rounding policy.
#[test]
fn extreme_decimals_never_panic_and_totals_stay_within_weights() {
    const EXTREMES: &[&str] = &[
        "0",
        "1",
        "0.0000000000000000000000000001",
        "1e-28",
        "1e-29",
        "9999999999999999999999999999",
        "79228162514264337593543950335",
        "50000000000000000000000000000",
        "1000000000000000000",
        "1000000000000000001",
        "12345678901234.56",
        "11.25",
        "13.335",
        "33.333333333333333333333333333",
        "49.999999999999999999999999999999",
        "-1",
        "1e400",
        "1,234,567",
    ];
    const COMPARATORS: &[&str] = &["≥", "≤", ">", "<", "=", "", "不低于", "超过", "不超过"];
    const UNITS: &[&str] = &["", "%", "元", "万元", "亿元", "人", "万人"];
    const FORMS: &[&str] = &[
        "mof-2020",
        "beijing",
        "shanghai",
        "chongqing",
        "inner-mongolia",
        "xinjiang",
    ];
    let forms = jixiao::Forms::builtin();
    let mut rng = Rng(0xe87_4e3e);
    for case in 0..3_000 {
        let form = rng.pick(FORMS);
        let n = 1 + rng.below(8);
        let mut text = format!(
            "year = 2024\nform = \"{form}\"\n[project]\nname = \"p\"\ndepartment = \"d\"\nimplementer = \"i\"\n\
             [funds.fiscal]\nbudget = \"{}\"\nexecuted = \"{}\"\n[funds.other]\nbudget = \"{}\"\nexecuted = \"{}\"\n",
            rng.pick(EXTREMES),
            rng.pick(EXTREMES),
            rng.pick(EXTREMES),
            rng.pick(EXTREMES)
        );
        for _ in 0..n {
            let unit = rng.pick(UNITS);
            text.push_str(&format!(
                "[[indicators]]\nlevel1 = \"产出指标\"\nlevel2 = \"数量指标\"\nname = \"x\"\n\
                 target = \"{}{}{unit}\"\nactual = \"{}{unit}\"\nweight = \"{}\"\nreason = \"r\"\n",
                rng.pick(COMPARATORS),
                rng.pick(EXTREMES),
                rng.pick(EXTREMES),
                if rng.below(3) == 0 {
                    rng.pick(EXTREMES).to_string()
                } else {
                    (Decimal::from(90) / Decimal::from(n))
                        .round_dp_with_strategy(
                            3,
                            rust_decimal::RoundingStrategy::MidpointAwayFromZero,
                        )
                        .to_string()
                }
            ));
        }
        if rng.below(2) == 0 {
            text.push_str("[scoring]\nreverse = \"linear\"\n");
        }
        let checked = jixiao::check_source("extreme.toml", &text, &forms);
        let report = &checked.reports[0];
        for r in &report.indicators {
            if let (Some(s), Some(w)) = (r.scored.computed, r.indicator.weight.as_ref()) {
                assert!(
                    s <= w.value,
                    "case {case}: score {s} above weight {}\n{text}",
                    w.value
                );
            }
        }
        if let Some(total) = report.total {
            let weights = report.indicator_weight() + report.policy.budget_weight;
            assert!(
                total <= weights.max(Decimal::from(100)),
                "case {case}: total {total} above {weights}\n{text}"
            );
        }
    }
}
