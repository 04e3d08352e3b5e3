//! jixiao (绩效): 项目支出绩效自评表 from TOML — exact scoring and PDF forms.
//!
//! The pipeline: parse TOML ([`load`], [`raw`]) → validated model ([`model`]) → scored report
//! ([`report`], rules in [`scoring`] under a [`policy`]) → template data ([`template_data`]) →
//! Typst ([`render`]) → PDF.

pub mod annotations;
pub mod assets;
pub mod decimal;
pub mod diagnostics;
pub mod diff;
pub mod document;
pub mod export;
pub mod forms;
pub mod grade;
pub mod import;
pub mod keys;
pub mod labels;
pub mod load;
pub mod model;
pub mod output;
pub mod placeholder;
pub mod policy;
pub mod problem;
pub mod raw;
pub mod render;
pub mod report;
pub mod report_json;
pub mod report_text;
pub mod rollover;
mod rollover_years;
pub mod scaffold;
pub mod scale;
pub mod schema;
pub mod scoring;
pub mod source;
pub mod spelling;
pub mod target;
pub mod template_data;
pub mod workbook;

use std::collections::HashSet;
use std::path::{Path, PathBuf};

pub use forms::Forms;
pub use load::LoadError;
pub use report::Report;
pub use source::Sources;

/// Every report of one run, with the sources they point into.
pub struct Checked {
    pub sources: Sources,
    pub reports: Vec<Report>,
}

/// Parse, validate and score project files or folders (`jixiao check`).
pub fn check(paths: &[PathBuf], forms: &Forms) -> Result<Checked, LoadError> {
    check_within(paths, None, forms)
}

/// [`check`], with the search for a parent's `jixiao.toml` bounded by `root` for every file
/// (`diff` with a path filter: the filter selects projects, the folder defaults above them
/// still apply). Without `root`, a folder named in `paths` bounds the search for its files.
pub fn check_within(
    paths: &[PathBuf],
    root: Option<&Path>,
    forms: &Forms,
) -> Result<Checked, LoadError> {
    let found = load::discover_all(paths)?;
    let mut sources = Sources::default();
    let mut loader = load::Loader::default();
    let mut loaded = Vec::with_capacity(found.len());
    // The folders named on the command line, looked up per ancestor: linear in the number of
    // files however many paths are given.
    let folders: HashSet<&Path> = paths
        .iter()
        .filter(|p| p.is_dir())
        .map(PathBuf::as_path)
        .collect();
    for entry in &found {
        let path = &entry.path;
        if let Some(message) = &entry.unreadable {
            loaded.push(load::LoadedProject::unreadable(&mut sources, path, message));
            continue;
        }
        // The folder named on the command line bounds the search for a parent's jixiao.toml
        // (the innermost one that holds the file).
        let bound = root.or_else(|| path.ancestors().skip(1).find(|a| folders.contains(a)));
        loaded.push(loader.load(&mut sources, path, bound));
    }
    let reports = loaded
        .iter()
        .map(|l| {
            let folder_raw = l.folder.and_then(|id| loader.folder_raw(id));
            report::build(&sources, forms, l, folder_raw)
        })
        .collect();
    Ok(Checked { sources, reports })
}

/// Check one project given as text (no folder defaults): the whole TOML → report path in memory,
/// for editors, the fuzz target and tests.
pub fn check_source(name: &str, text: &str, forms: &Forms) -> Checked {
    let mut sources = Sources::default();
    let file = sources.add(PathBuf::from(name), text.to_string());
    let loaded = load::LoadedProject {
        project: load::parse(&sources, file),
        folder: None,
        folder_problems: Vec::new(),
        folder_meant: Vec::new(),
    };
    let report = report::build(&sources, forms, &loaded, None);
    Checked {
        sources,
        reports: vec![report],
    }
}
