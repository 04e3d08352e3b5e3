//! Fuzz the TOML → validated model → scored report → template data path.
//!     cargo +nightly fuzz run check
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;

static FORMS: LazyLock<jixiao::Forms> = LazyLock::new(jixiao::Forms::builtin);

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let checked = jixiao::check_source("fuzz.toml", &text, &FORMS);
    let report = &checked.reports[0];
    let _ = jixiao::report::to_json(report, &checked.sources);
    let _ = jixiao::template_data::build(report, &Default::default());
});
