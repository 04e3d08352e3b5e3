//! Font registry: a [`FontBook`] built eagerly from cheap `FontInfo` parsing, and
//! `Font` objects created lazily (one `OnceLock` per face) on first request.
//!
//! Order matters. Typst picks the *first* face of a family when two faces tie
//! on variant, so fonts from `--font-path` directories are registered **before**
//! the embedded ones: a user can replace an embedded face by supplying one with
//! the same family name (e.g. the full "Noto Serif CJK SC" instead of the
//! embedded subset). Families that only the user supplies are simply added.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use typst::foundations::Bytes;
use typst::text::{Font, FontBook, FontInfo};
use typst::utils::LazyHash;

use super::RenderError;

/// Where a face's bytes come from.
enum FontSource {
    /// Compiled into the binary.
    Embedded(&'static [u8]),
    /// A file on disk (read again on first use; only the info is kept until then).
    File(PathBuf),
}

struct FontSlot {
    source: FontSource,
    index: u32,
    font: OnceLock<Option<Font>>,
}

impl FontSlot {
    fn get(&self) -> Option<Font> {
        self.font
            .get_or_init(|| {
                let data = match &self.source {
                    FontSource::Embedded(data) => Bytes::new(*data),
                    FontSource::File(path) => Bytes::new(std::fs::read(path).ok()?),
                };
                Font::new(data, self.index)
            })
            .clone()
    }
}

/// One registered face, for listings (`jixiao fonts`-style diagnostics).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FontEntry {
    /// Typographic family name as Typst sees it (use this in `text(font: …)`).
    pub family: String,
    /// `None` for embedded fonts.
    pub path: Option<PathBuf>,
    pub index: u32,
}

pub(crate) struct FontStore {
    book: LazyHash<FontBook>,
    slots: Vec<FontSlot>,
    entries: Vec<FontEntry>,
}

fn is_font_file(path: &Path) -> bool {
    matches!(
        path.extension()
            .and_then(|e| e.to_str())
            .map(|e| e.to_ascii_lowercase())
            .as_deref(),
        Some("otf" | "ttf" | "ttc" | "otc")
    )
}

/// Font files under `dir`, sorted. Symbolic links are followed, each real folder once, so a
/// link pointing back up (`fonts/loop -> ..`) ends instead of recursing without end.
fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    fn visit(
        dir: &Path,
        out: &mut Vec<PathBuf>,
        seen: &mut std::collections::HashSet<PathBuf>,
    ) -> std::io::Result<()> {
        if let Ok(real) = std::fs::canonicalize(dir)
            && !seen.insert(real)
        {
            return Ok(());
        }
        let mut entries: Vec<_> = std::fs::read_dir(dir)?
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                // An unreadable subfolder is skipped; only the folder named must be readable.
                let _ = visit(&path, out, seen);
            } else if is_font_file(&path) {
                out.push(path);
            }
        }
        Ok(())
    }
    visit(dir, out, &mut std::collections::HashSet::new())
}

impl FontStore {
    pub(crate) fn new(
        user_paths: &[PathBuf],
        embedded: &'static include_dir::Dir<'static>,
    ) -> Result<Self, RenderError> {
        let mut store = FontStore {
            book: LazyHash::new(FontBook::new()),
            slots: vec![],
            entries: vec![],
        };

        // 1. user fonts (files or directories, recursively, sorted for determinism)
        for root in user_paths {
            let mut files = vec![];
            if root.is_file() {
                files.push(root.clone());
            } else if !root.exists() {
                return Err(RenderError::Io {
                    path: root.clone(),
                    message: "--font-path 指定的字体文件夹不存在；请检查路径，或去掉此选项使用内置字体 (font path not found)".into(),
                });
            } else {
                walk(root, &mut files).map_err(|e| RenderError::Io {
                    path: root.clone(),
                    message: format!("无法读取字体文件夹：{}", crate::output::describe_io(&e)),
                })?;
            }
            for path in files {
                let data = std::fs::read(&path).map_err(|e| RenderError::Io {
                    path: path.clone(),
                    message: format!("无法读取字体文件：{}", crate::output::describe_io(&e)),
                })?;
                for (index, info) in FontInfo::iter(&data).enumerate() {
                    store.push(
                        FontSource::File(path.clone()),
                        index as u32,
                        info,
                        Some(&path),
                    );
                }
            }
        }

        // 2. embedded fonts (include_dir keeps directory order; sort by path)
        let mut files = vec![];
        collect_embedded(embedded, &mut files);
        files.sort_by(|a, b| a.path().cmp(b.path()));
        for file in files {
            let data: &'static [u8] = file.contents();
            for (index, info) in FontInfo::iter(data).enumerate() {
                store.push(FontSource::Embedded(data), index as u32, info, None);
            }
        }
        Ok(store)
    }

    fn push(&mut self, source: FontSource, index: u32, info: FontInfo, path: Option<&Path>) {
        self.entries.push(FontEntry {
            family: info.family.clone(),
            path: path.map(Path::to_path_buf),
            index,
        });
        self.book.push(info);
        self.slots.push(FontSlot {
            source,
            index,
            font: OnceLock::new(),
        });
    }

    pub(crate) fn book(&self) -> &LazyHash<FontBook> {
        &self.book
    }

    pub(crate) fn font(&self, index: usize) -> Option<Font> {
        self.slots.get(index)?.get()
    }

    pub(crate) fn entries(&self) -> &[FontEntry] {
        &self.entries
    }

    /// Is `c` covered by at least one registered face?
    pub(crate) fn covers(&self, c: char) -> bool {
        let mut i = 0;
        while let Some(info) = self.book.info(i) {
            if info.coverage.contains(c as u32) {
                return true;
            }
            i += 1;
        }
        false
    }
}

fn collect_embedded(
    dir: &'static include_dir::Dir<'static>,
    out: &mut Vec<&'static include_dir::File<'static>>,
) {
    for entry in dir.entries() {
        match entry {
            include_dir::DirEntry::Dir(d) => collect_embedded(d, out),
            include_dir::DirEntry::File(f) => {
                if is_font_file(f.path()) {
                    out.push(f);
                }
            }
        }
    }
}

#[cfg(test)]
mod walk_tests {
    #[test]
    #[cfg(unix)]
    fn a_symlink_loop_is_walked_once() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        std::fs::write(dir.path().join("sub/a.ttf"), b"").unwrap();
        std::os::unix::fs::symlink(dir.path(), dir.path().join("sub/loop")).unwrap();
        let mut files = Vec::new();
        super::walk(dir.path(), &mut files).unwrap();
        assert_eq!(files, vec![dir.path().join("sub/a.ttf")]);
    }
}
