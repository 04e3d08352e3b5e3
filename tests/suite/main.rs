//! The integration tests, as one test binary: each binary links the whole of Typst, so one
//! binary instead of eight saves minutes of linking on every `cargo test`.
//!
//! Each module is one concern: bad input and the hostile tester's cases, the corpus of bad
//! files, golden outputs and the docs checked against the code, import from Excel/Word,
//! property tests, rendering read back from real PDFs, the scoring rules against hand-checked
//! figures from published forms, and whole workflows through the `jixiao` binary.

mod common;

mod bad_input;
mod corpus;
mod golden;
mod import;
mod printing;
mod properties;
mod render;
mod roundtrip;
mod scoring_rules;
mod workflows;
