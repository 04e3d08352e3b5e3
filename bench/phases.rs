//! Where the time of one form goes, in process: engine start (fonts, templates), check, Typst
//! layout, PDF writing; then warm re-renders with the same engine.
//!
//!     cargo run --release --example phases -- examples/mof-2020/信息化运维经费.toml 20

use std::path::PathBuf;
use std::time::Instant;

use jixiao::render::{Engine, EngineOptions, to_pdf};

fn main() {
    let mut args = std::env::args().skip(1);
    let file = PathBuf::from(
        args.next()
            .unwrap_or_else(|| "examples/mof-2020/信息化运维经费.toml".into()),
    );
    let rounds: u32 = args.next().and_then(|a| a.parse().ok()).unwrap_or(20);
    let ms = |t: Instant| t.elapsed().as_secs_f64() * 1000.0;

    let t = Instant::now();
    let engine = Engine::new(EngineOptions::default()).expect("engine");
    let engine_ms = ms(t);
    let t = Instant::now();
    let forms = jixiao::Forms::builtin();
    let checked = jixiao::check(std::slice::from_ref(&file), &forms).expect("check");
    let report = &checked.reports[0];
    let check_ms = ms(t);
    let t = Instant::now();
    let compiled = jixiao::document::compile_form(&engine, report, true).expect("compile");
    let layout_ms = ms(t);
    let t = Instant::now();
    let pdf = to_pdf(&compiled, &jixiao::document::pdf_meta(report, None, false)).expect("pdf");
    let pdf_ms = ms(t);
    println!(
        "first render: engine {engine_ms:.1} ms, check {check_ms:.1} ms, layout {layout_ms:.1} ms, pdf {pdf_ms:.1} ms ({} bytes)",
        pdf.len()
    );

    let t = Instant::now();
    for _ in 0..rounds {
        let checked = jixiao::check(std::slice::from_ref(&file), &forms).expect("check");
        let compiled =
            jixiao::document::compile_form(&engine, &checked.reports[0], true).expect("compile");
        to_pdf(
            &compiled,
            &jixiao::document::pdf_meta(&checked.reports[0], None, false),
        )
        .expect("pdf");
    }
    println!(
        "warm re-render (check + layout + pdf): {:.1} ms each over {rounds} rounds",
        ms(t) / f64::from(rounds)
    );
}
