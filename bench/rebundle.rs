//! Cold bundle against re-bundle after editing one project, with one `Engine` kept alive (what
//! `jixiao watch DIR` does): check every file, lay out, write the PDF.
//!
//!     cargo run --release --example rebundle -- bench/out/dept500 [rounds]
//!
//! The folder is copied to a temporary folder first; each round changes one 实际完成值 of a
//! different project there ("12次" → "11次", which also changes its 得分 in the 汇总表), so every
//! round is a real edit. Typst's memoisation (comemo) keeps the other projects' layout.
//!
//!     cargo run --release --example rebundle -- --forms-alone bench/out/dept500
//!
//! lays out the same forms without the cover and 汇总表 (the Typst side of the bundle ratio).

use std::path::{Path, PathBuf};
use std::time::Instant;

use jixiao::render::{Engine, EngineOptions, PdfMeta, to_pdf};

/// Check, lay out and write the bundle of `dir`: (check, layout, pdf) in ms, and the page count.
fn bundle(engine: &Engine, forms: &jixiao::Forms, dir: &Path, out: &Path) -> ([f64; 3], usize) {
    let ms = |t: Instant| t.elapsed().as_secs_f64() * 1000.0;
    let t = Instant::now();
    let checked = jixiao::check(&[dir.to_path_buf()], forms).expect("check");
    let ordered = jixiao::document::bundle_order(&checked.reports);
    let check_ms = ms(t);
    let t = Instant::now();
    let compiled = jixiao::document::compile_bundle(engine, &ordered, false).expect("compile");
    let layout_ms = ms(t);
    let t = Instant::now();
    let meta = PdfMeta {
        title: "bench".into(),
        ..PdfMeta::default()
    };
    let pdf = to_pdf(&compiled, &meta).expect("pdf");
    std::fs::write(out, pdf).expect("write pdf");
    let pdf_ms = ms(t);
    ([check_ms, layout_ms, pdf_ms], compiled.page_count())
}

/// `--forms-alone DIR`: lay out the bundle's 500 forms without the cover and 汇总表 and write
/// the PDF, in a fresh engine: what Typst itself takes for them with this build (the time of the
/// layout and PDF only; checking is left out).
fn forms_alone(dir: &Path) {
    let forms = jixiao::Forms::builtin();
    let engine = Engine::new(EngineOptions::default()).expect("engine");
    let checked = jixiao::check(&[dir.to_path_buf()], &forms).expect("check");
    let ordered = jixiao::document::bundle_order(&checked.reports);
    let mut project = jixiao::document::bundle_project(&engine, &ordered, false).expect("project");
    project.main = project
        .main
        .lines()
        .filter(|l| *l != "#bundle-front(bundle)")
        .map(|l| format!("{l}\n"))
        .collect();
    let t = Instant::now();
    let compiled = engine.compile_project(project).expect("compile");
    let pdf = to_pdf(&compiled, &PdfMeta::default()).expect("pdf");
    println!(
        "forms alone (this build's Typst): {:.0} ms for {} pages, {} bytes",
        t.elapsed().as_secs_f64() * 1000.0,
        compiled.page_count(),
        pdf.len()
    );
}

fn main() {
    let mut args = std::env::args().skip(1).peekable();
    if args.peek().is_some_and(|a| a == "--forms-alone") {
        args.next();
        forms_alone(&PathBuf::from(args.next().expect("folder")));
        return;
    }
    let source = PathBuf::from(args.next().unwrap_or_else(|| "bench/out/dept500".into()));
    let rounds: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(3);
    let work = tempfile::tempdir().expect("temporary folder");
    let mut files: Vec<PathBuf> = vec![];
    for entry in std::fs::read_dir(&source).expect("read the benchmark folder") {
        let path = entry.expect("folder entry").path();
        std::fs::copy(&path, work.path().join(path.file_name().unwrap())).expect("copy");
        if path.file_name().is_some_and(|n| n != "jixiao.toml") {
            files.push(work.path().join(path.file_name().unwrap()));
        }
    }
    files.sort();
    let out = work.path().join("bundle.pdf");
    let forms = jixiao::Forms::builtin();
    let engine = Engine::new(EngineOptions::default()).expect("engine");
    let show = |label: &str, [c, l, p]: [f64; 3], pages: usize| {
        println!(
            "{label:<32} {:8.0} ms  (check {c:.0}, layout {l:.0}, pdf {p:.0}; {pages} pages)",
            c + l + p
        );
    };
    let (cold, pages) = bundle(&engine, &forms, work.path(), &out);
    show("cold bundle", cold, pages);
    let cold_total: f64 = cold.iter().sum();
    // nothing changed: what re-bundling costs by itself
    let (same, pages) = bundle(&engine, &forms, work.path(), &out);
    show("re-bundle, nothing changed", same, pages);
    // a text only this project's form prints
    let file = &files[files.len() / 2];
    let text = std::fs::read_to_string(file).expect("read project");
    std::fs::write(
        file,
        text.replacen("下年度加强预测", "下年度加强需求预测", 1),
    )
    .expect("edit");
    let (reason, pages) = bundle(&engine, &forms, work.path(), &out);
    show("re-bundle, one reason edited", reason, pages);
    let mut best = f64::INFINITY;
    for round in 0..rounds {
        let file = &files[(round * 137 + 41) % files.len()];
        let text = std::fs::read_to_string(file).expect("read project");
        let edited = text.replacen("actual = \"12次\"", "actual = \"11次\"", 1);
        assert_ne!(text, edited, "{} has no 12次 to edit", file.display());
        std::fs::write(file, edited).expect("edit project");
        let (warm, pages) = bundle(&engine, &forms, work.path(), &out);
        show(
            &format!("re-bundle, one 得分 changed {}", round + 1),
            warm,
            pages,
        );
        best = best.min(warm.iter().sum());
    }
    if rounds > 0 {
        println!(
            "re-bundle / cold: {:.2} (best re-bundle {best:.0} ms, cold {cold_total:.0} ms)",
            best / cold_total
        );
    }
}
