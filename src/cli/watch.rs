//! `jixiao watch`: re-render on every save. A project file is laid out as `render` would; a
//! folder is re-bundled as `bundle` would. Polls modification times (no platform watcher
//! needed), waits for the files to settle (editors write in several steps), and keeps one
//! engine alive so fonts load once and Typst's incremental compilation carries over.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use jixiao::Forms;
use jixiao::render::Engine;

use super::args::{Assets, OutputFormat, WatchArgs};
use super::bundle::{default_output, refuse, write_bundle};
use super::output::{RenderOptions, bundle_format, output_path};
use super::render::write_form;
use super::{CliError, CliResult, engine, inputs, load_forms, print_problems};

/// How often the project inputs are looked at.
const POLL: Duration = Duration::from_millis(200);

/// How often the `--font-path` and `--templates` trees are looked at: they may be large, and
/// change seldom.
const ASSET_POLL: Duration = Duration::from_secs(1);

/// Folders are searched this deep for inputs (and no deeper, whatever symlinks say).
const MAX_DEPTH: usize = 16;

/// At most this many entries of one watched tree (the project folder, each `--font-path` and
/// `--templates`) are looked at; changes beyond them go unnoticed (said once).
const MAX_FILES: usize = 10_000;

pub fn run(args: &WatchArgs) -> CliResult {
    let path = &args.path;
    if path.is_dir() {
        return watch_folder(args);
    }
    // In the words `check` uses for the same path (a pipe, a dangling link, a loop).
    if let Some(message) = jixiao::load::not_readable(path) {
        return Err(CliError::usage(message));
    }
    let options = RenderOptions::new(&args.layout, args.output.as_deref())?;
    let file = path.as_path();
    // As `render` does: next to the file, or `-o` as a file or an existing folder.
    let target = output_path(
        file,
        args.output.as_deref(),
        false,
        options.format.extension(),
    );
    // The project, its own folder's jixiao.toml (watched even before it exists), and whatever
    // jixiao.toml `check` actually reads for it (one further up a git repository).
    let read_at_start = jixiao::check(&[file.to_path_buf()], &Forms::builtin())
        .map(|c| inputs(&c))
        .unwrap_or_default();
    let inputs_of = || {
        let folder_file = file.parent().map(|d| d.join(jixiao::load::FOLDER_FILE));
        let mut all: Vec<PathBuf> = std::iter::once(file.to_path_buf())
            .chain(folder_file)
            .collect();
        for p in &read_at_start {
            if !all.contains(p) {
                all.push(p.clone());
            }
        }
        all
    };
    jixiao::output::guard_rendered(&inputs_of(), &[(target.clone(), file.to_path_buf())])?;
    let assets = &args.layout.assets;
    let mut tools = Tools::load(assets)?;
    eprintln!(
        "监视 {}，保存后自动排版到 {}（Ctrl-C 退出）",
        file.display(),
        target.display()
    );
    let projects = || {
        let mut state = State::new();
        for p in inputs_of() {
            state.insert(p.clone(), stamp(&p));
        }
        state
    };
    poll(projects, assets, &mut tools, |tools| {
        render_file(tools, file, &target, &options)
    })
}

/// `jixiao watch DIR`: the department bundle of DIR, re-made whenever a project file or a
/// `jixiao.toml` in it is saved, added or removed.
fn watch_folder(args: &WatchArgs) -> CliResult {
    let dir = args.path.as_path();
    let layout = &args.layout;
    let format = bundle_format(layout.format, args.output.as_deref())?;
    if layout.pdf_standard.is_some() {
        return Err(CliError::usage(
            "部门汇编不支持 --pdf-standard (a bundle is not written as PDF/A)",
        )
        .hint("PDF/A 请逐个项目用 jixiao watch 项目.toml --pdf-standard a-2b"));
    }
    let xlsx = format == OutputFormat::Xlsx;
    let target = args
        .output
        .clone()
        .unwrap_or_else(|| default_output(dir, xlsx));
    let mut noted = BTreeSet::new();
    let mut projects = move || {
        let mut scan = Scan::new(&mut noted);
        scan.tree(dir, &is_toml);
        scan.state
    };
    // As `bundle` does, once and before anything is loaded: an output that would replace a
    // project file or a `jixiao.toml` of the folder is refused, not retried on every save.
    let found: Vec<PathBuf> = projects().into_keys().collect();
    jixiao::output::guard_rendered(&found, &[(target.clone(), dir.to_path_buf())])?;
    let assets = &layout.assets;
    let mut tools = Tools::load(assets)?;
    eprintln!(
        "监视 {} 中的项目文件，保存后自动汇编到 {}（Ctrl-C 退出）",
        dir.display(),
        target.display()
    );
    poll(projects, assets, &mut tools, |tools| {
        render_bundle(tools, dir, &target, layout.draft.on, xlsx)
    })
}

/// The forms and the engine of a watch, rebuilt when `--templates` or `--font-path` change.
struct Tools {
    forms: Forms,
    engine: Engine,
}

impl Tools {
    /// The engine first, then the forms.
    fn load(assets: &Assets) -> Result<Tools, CliError> {
        let engine = engine(assets)?;
        let forms = load_forms(&assets.templates.templates)?;
        Ok(Tools { forms, engine })
    }
}

/// Modification time and size of every watched file, `None` for one that is missing: a file
/// saved, added or removed changes the state.
type State = BTreeMap<PathBuf, Option<(SystemTime, u64)>>;

fn stamp(path: &Path) -> Option<(SystemTime, u64)> {
    std::fs::metadata(path)
        .ok()
        .and_then(|m| Some((m.modified().ok()?, m.len())))
}

/// One look at watched trees: each real folder once (a symlink back into a tree is followed no
/// further), hidden entries skipped (`.git`, the `.jixiao-*.tmp` of an atomic write), and at
/// most [`MAX_FILES`] entries of each tree; a tree with more is named once per watch (`noted`).
struct Scan<'a> {
    state: State,
    visited: HashSet<PathBuf>,
    left: usize,
    noted: &'a mut BTreeSet<PathBuf>,
}

impl Scan<'_> {
    fn new(noted: &mut BTreeSet<PathBuf>) -> Scan<'_> {
        Scan {
            state: State::new(),
            visited: HashSet::new(),
            left: 0,
            noted,
        }
    }

    /// Every file under `root` (or `root` itself if it is a file) that `keep` accepts.
    fn tree(&mut self, root: &Path, keep: &dyn Fn(&Path) -> bool) {
        self.left = MAX_FILES;
        self.walk(root, root, keep, 0);
    }

    fn walk(&mut self, root: &Path, path: &Path, keep: &dyn Fn(&Path) -> bool, depth: usize) {
        let Ok(meta) = std::fs::metadata(path) else {
            return;
        };
        if meta.is_file() {
            if keep(path) {
                self.state.insert(path.to_path_buf(), stamp(path));
            }
            return;
        }
        if !meta.is_dir() || depth > MAX_DEPTH {
            return;
        }
        let real = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
        if !self.visited.insert(real) {
            return;
        }
        let Ok(entries) = std::fs::read_dir(path) else {
            return;
        };
        // Sorted, so that the same entries are looked at every time when there are too many.
        let mut paths: Vec<PathBuf> = entries
            .flatten()
            .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
            .map(|e| e.path())
            .take(self.left.saturating_add(1))
            .collect();
        paths.sort();
        for entry in paths {
            if self.left == 0 {
                if self.noted.insert(root.to_path_buf()) {
                    eprintln!(
                        "提示：{} 中的文件超过 {MAX_FILES} 个，只监视其中 {MAX_FILES} 个的变化 (too many files to watch)",
                        root.display()
                    );
                }
                return;
            }
            self.left -= 1;
            self.walk(root, &entry, keep, depth + 1);
        }
    }
}

fn is_toml(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("toml"))
}

/// Fonts under `--font-path` and every file of the `--templates` folders (form.typ, form.toml,
/// what they import): a change rebuilds the forms and the engine.
fn asset_state(assets: &Assets, noted: &mut BTreeSet<PathBuf>) -> State {
    let mut scan = Scan::new(noted);
    for root in assets.font_path.iter().chain(&assets.templates.templates) {
        // The root itself too, so a folder that goes away or comes back counts.
        scan.state
            .insert(root.clone(), stamp(root).map(|(t, _)| (t, 0)));
        scan.tree(root, &|_| true);
    }
    scan.state
}

/// The watch loop: whenever the project inputs or the assets have changed and settled, run
/// `render`. Never returns but by Ctrl-C.
fn poll(
    mut projects: impl FnMut() -> State,
    assets: &Assets,
    tools: &mut Tools,
    mut render: impl FnMut(&Tools),
) -> CliResult {
    let mut noted = BTreeSet::new();
    // The assets `tools` were loaded from, and a change of them not yet settled.
    let mut loaded = asset_state(assets, &mut noted);
    let mut changing: Option<State> = None;
    let mut next_look = Instant::now() + ASSET_POLL;
    let mut last = None;
    loop {
        let mut settled = None;
        if Instant::now() >= next_look {
            let seen = asset_state(assets, &mut noted);
            next_look = Instant::now() + ASSET_POLL;
            // Debounce: reload when two looks agree.
            if seen == loaded {
                changing = None;
            } else if changing.as_ref() == Some(&seen) {
                settled = changing.take();
            } else {
                changing = Some(seen);
            }
        }
        let state = projects();
        let saved = last.as_ref() != Some(&state);
        if saved {
            // Debounce: wait until two polls agree.
            std::thread::sleep(POLL);
            if projects() != state {
                // A settled change of the assets is seen again at the next look.
                changing = changing.or(settled);
                continue;
            }
        }
        let mut again = saved;
        if let Some(seen) = settled {
            eprintln!("表样或字体有变化，重新加载 (templates or fonts changed)");
            match Tools::load(assets) {
                Ok(t) => {
                    *tools = t;
                    again = true;
                }
                // Keep the old tools: a project saved meanwhile is laid out with them, and the
                // next change of the assets retries.
                Err(e) => e.report(),
            }
            loaded = seen;
        }
        if again {
            last = Some(state);
            render(tools);
        }
        std::thread::sleep(POLL);
    }
}

/// One render of a watched project file.
fn render_file(tools: &Tools, file: &Path, target: &Path, options: &RenderOptions) {
    let start = Instant::now();
    let checked = match jixiao::check(&[file.to_path_buf()], &tools.forms) {
        Ok(c) => c,
        Err(e) => return CliError::from(e).report(),
    };
    let Some(report) = checked.reports.first() else {
        return;
    };
    if report.has_errors() && !options.draft {
        let glyphs = if options.format == OutputFormat::Xlsx {
            Vec::new()
        } else {
            jixiao::document::glyph_problems(&tools.engine, report)
        };
        print_problems(&checked, report, &glyphs);
        return eprintln!("有错误，未更新 {}（修改后保存即重试）", target.display());
    }
    let read = inputs(&checked);
    let written =
        jixiao::output::guard_rendered(&read, &[(target.to_path_buf(), file.to_path_buf())])
            .map_err(CliError::from)
            .and_then(|()| {
                write_form(
                    || Ok(&tools.engine),
                    &checked,
                    report,
                    target,
                    &read,
                    options,
                    None,
                )
            });
    match written {
        Ok(_) => eprintln!(
            "已更新 {}（总分 {}，用时 {} ms）",
            target.display(),
            report.total.map(jixiao::decimal::plain).unwrap_or_default(),
            start.elapsed().as_millis()
        ),
        Err(e) => e.report(),
    }
}

/// One bundle of a watched folder, with the engine kept from the previous one.
fn render_bundle(tools: &Tools, dir: &Path, target: &Path, draft: bool, xlsx: bool) {
    let start = Instant::now();
    let checked = match jixiao::check(&[dir.to_path_buf()], &tools.forms) {
        Ok(c) => c,
        Err(e) => return CliError::from(e).report(),
    };
    if refuse(&checked, draft).is_some() {
        return eprintln!("未更新 {}（修改后保存即重试）", target.display());
    }
    match write_bundle(
        || Ok(&tools.engine),
        &checked,
        dir,
        target,
        draft,
        xlsx,
        None,
    ) {
        Ok(bundled) => eprintln!(
            "已更新 {}（{} 个项目，用时 {} ms）",
            target.display(),
            bundled.projects,
            start.elapsed().as_millis()
        ),
        Err(e) => e.report(),
    }
}
