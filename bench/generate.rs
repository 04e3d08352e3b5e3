//! Generate a department folder of N synthetic projects (~10 indicators each) for benchmarks.
//!
//!     cargo run --release --example generate -- 500 bench/out/dept500
//!
//! The projects are deterministic (a fixed pseudo-random sequence) and check clean.

use std::fmt::Write;
use std::path::PathBuf;

fn main() {
    let mut args = std::env::args().skip(1);
    let count: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(100);
    let dir = PathBuf::from(
        args.next()
            .unwrap_or_else(|| format!("bench/out/dept{count}")),
    );
    std::fs::create_dir_all(&dir).expect("create output folder");
    std::fs::write(
        dir.join("jixiao.toml"),
        "year = 2025\nform = \"mof-2020\"\nunit = \"万元\"\n\n[project]\ndepartment = \"某市人力资源和社会保障局\"\n\n[bundle]\ntitle = \"2025年度项目支出绩效自评表汇编\"\ndepartment = \"某市人力资源和社会保障局\"\ndate = \"2026-03-31\"\n",
    )
    .expect("write jixiao.toml");
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = |m: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % m
    };
    // 产出 50 = 4 × 10 + 10 (成本); 效益 30 = 3 × 10; 满意度 10.
    for i in 0..count {
        let budget = 10 + next(990);
        let executed_cents = budget * 100 - next(budget * 8);
        let mut s = String::new();
        let _ = writeln!(
            s,
            "[project]\nname = \"第{:04}号项目：公共就业服务专项经费\"\nimplementer = \"某市公共就业服务中心第{}分中心\"\nserial = {}\n",
            i + 1,
            i % 17 + 1,
            i + 1
        );
        let _ = writeln!(
            s,
            "[funds.fiscal]\ninitial = {budget}\nbudget = {budget}\nexecuted = \"{}.{:02}\"\n",
            executed_cents / 100,
            executed_cents % 100
        );
        let _ = writeln!(s, "[funds]\nreason = \"部分合同尾款跨年支付\"\n");
        let _ = writeln!(
            s,
            "[goals]\nplanned = \"完成年度就业服务任务，服务对象满意度不低于95%。\"\nachieved = \"全年执行{{{{ funds.executed }}}}万元，执行率{{{{ funds.rate }}}}%。\"\n"
        );
        let rows: [(&str, &str, String, String, u32); 9] = [
            (
                "产出指标",
                "数量指标",
                format!("≥{}人", 100 + next(900)),
                String::new(),
                10,
            ),
            ("产出指标", "数量指标", "≥12次".into(), "12次".into(), 10),
            (
                "产出指标",
                "质量指标",
                "≥95%".into(),
                format!("{}%", 90 + next(10)),
                10,
            ),
            ("产出指标", "时效指标", "≤12月".into(), "12月".into(), 10),
            (
                "产出指标",
                "成本指标",
                format!("≤{budget}万元"),
                format!("{}万元", budget - next(budget / 2 + 1)),
                10,
            ),
            ("效益指标", "社会效益指标", "显著".into(), "显著".into(), 10),
            (
                "效益指标",
                "社会效益指标",
                "≥90%".into(),
                format!("{}%", 85 + next(15)),
                10,
            ),
            (
                "效益指标",
                "可持续影响指标",
                "长期".into(),
                "长期".into(),
                10,
            ),
            (
                "满意度指标",
                "服务对象满意度指标",
                "≥95%".into(),
                format!("{}%", 90 + next(10)),
                10,
            ),
        ];
        for (n, (l1, l2, target, actual, weight)) in rows.into_iter().enumerate() {
            let actual = if actual.is_empty() {
                let t: u64 = target
                    .trim_start_matches('≥')
                    .trim_end_matches('人')
                    .parse()
                    .unwrap_or(100);
                format!("{}人", t - next(t / 10 + 1))
            } else {
                actual
            };
            let _ = writeln!(
                s,
                "[[indicators]]\nlevel1 = \"{l1}\"\nlevel2 = \"{l2}\"\nname = \"指标{}\"\ntarget = \"{target}\"\nactual = \"{actual}\"\nweight = {weight}\nreason = \"受服务需求波动影响，下年度加强预测\"\n",
                n + 1
            );
        }
        std::fs::write(dir.join(format!("p{:04}.toml", i + 1)), s).expect("write project");
    }
    eprintln!("{count} 个项目已写入 {}", dir.display());
}
