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
                    FontSource::File(path) => Bytes::new(read_font(path).ok()?),
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

/// At most this many entries of one `--font-path` tree are looked at: more is not a fonts
/// folder (`--font-path /proc` leads through `/proc/self/root` to the whole file system).
const MAX_ENTRIES: usize = 20_000;

/// Folders are searched this deep for fonts (and no deeper, whatever symlinks say).
const MAX_DEPTH: usize = 16;

/// Font files under `dir`, sorted. Symbolic links are followed, each real folder once, so a
/// link pointing back up (`fonts/loop -> ..`) ends instead of recursing without end. More than
/// [`MAX_ENTRIES`] entries is an error naming the limit.
fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    struct Walk<'a> {
        out: &'a mut Vec<PathBuf>,
        seen: std::collections::HashSet<PathBuf>,
        entries: usize,
    }
    fn visit(dir: &Path, w: &mut Walk, depth: usize) -> Result<(), String> {
        if let Ok(real) = std::fs::canonicalize(dir)
            && !w.seen.insert(real)
        {
            return Ok(());
        }
        let listed = std::fs::read_dir(dir);
        // An unreadable subfolder is skipped; only the folder named must be readable.
        let listed = match listed {
            Ok(listed) => listed,
            Err(e) if depth == 0 => {
                return Err(format!(
                    "无法读取字体文件夹：{}",
                    crate::output::describe_io(&e)
                ));
            }
            Err(_) => return Ok(()),
        };
        let mut entries: Vec<PathBuf> = listed.filter_map(|e| e.ok()).map(|e| e.path()).collect();
        w.entries += entries.len();
        if w.entries > MAX_ENTRIES {
            return Err(format!(
                "字体文件夹中的文件和文件夹超过 {MAX_ENTRIES} 个，不像是字体文件夹；\
                 请用 --font-path 指向只放字体文件的文件夹 (too many entries for a font folder)"
            ));
        }
        entries.sort();
        for path in entries {
            if path.is_dir() {
                if depth < MAX_DEPTH {
                    visit(&path, w, depth + 1)?;
                }
            } else if is_font_file(&path) {
                w.out.push(path);
            }
        }
        Ok(())
    }
    let mut w = Walk {
        out,
        seen: std::collections::HashSet::new(),
        entries: 0,
    };
    visit(dir, &mut w, 0)
}

/// The faces of a font file with their indices in it. A collection (`.ttc`) says how many
/// faces it has, followed by a 4-byte offset per face; one whose offsets do not fit in the file
/// has no face that can be read (a 76-byte file claiming 2³²−1 faces is not tried 4 billion
/// times, nor handed to the parser, which asserts on such sizes in debug builds).
fn faces(data: &[u8]) -> impl Iterator<Item = (u32, FontInfo)> + '_ {
    let count = match data.get(..12) {
        Some(head) if head.starts_with(b"ttcf") => {
            let declared = u32::from_be_bytes([head[8], head[9], head[10], head[11]]);
            let room = (data.len() - 12) / 4;
            if usize::try_from(declared).is_ok_and(|d| d <= room) {
                declared
            } else {
                0
            }
        }
        _ => 1,
    };
    (0..count).filter_map(move |index| FontInfo::new(data, index).map(|info| (index, info)))
}

/// The bytes of a user font file, refused without opening it when it is not a regular file (a
/// pipe would block for ever).
fn read_font(path: &Path) -> Result<Vec<u8>, RenderError> {
    let error = |message: String| RenderError::Io {
        path: path.to_path_buf(),
        message,
    };
    match std::fs::metadata(path) {
        Ok(meta) if !meta.is_file() => Err(error(
            "不是普通文件（管道、设备等），不能作为字体读取；请把它移出字体文件夹 (not a regular file)"
                .into(),
        )),
        Err(e) => Err(error(format!(
            "无法读取字体文件：{}",
            crate::output::describe_io(&e)
        ))),
        Ok(_) => std::fs::read(path).map_err(|e| {
            error(format!(
                "无法读取字体文件：{}",
                crate::output::describe_io(&e)
            ))
        }),
    }
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
            if !root.exists() {
                return Err(RenderError::Io {
                    path: root.clone(),
                    message: "--font-path 指定的字体文件夹不存在；请检查路径，或去掉此选项使用内置字体 (font path not found)".into(),
                });
            } else if root.is_dir() {
                walk(root, &mut files).map_err(|message| RenderError::Io {
                    path: root.clone(),
                    message,
                })?;
            } else {
                // A file named directly (a pipe is refused by read_font, never opened).
                files.push(root.clone());
            }
            for path in files {
                let data = read_font(&path)?;
                for (index, info) in faces(&data) {
                    store.push(FontSource::File(path.clone()), index, info, Some(&path));
                }
            }
        }

        // 2. embedded fonts (include_dir keeps directory order; sort by path)
        let mut files = vec![];
        collect_embedded(embedded, &mut files);
        files.sort_by(|a, b| a.path().cmp(b.path()));
        for file in files {
            let data: &'static [u8] = file.contents();
            for (index, info) in faces(data) {
                store.push(FontSource::Embedded(data), index, info, None);
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
    fn a_collection_has_no_more_faces_than_its_size_holds() {
        let mut claims_all = b"ttcf\0\x01\0\0\xff\xff\xff\xff".to_vec();
        claims_all.resize(76, 0);
        let started = std::time::Instant::now();
        assert_eq!(super::faces(&claims_all).count(), 0);
        assert!(started.elapsed() < std::time::Duration::from_secs(1));
        // Room for 16 offsets, all pointing at nothing readable: tried, none found.
        let mut sixteen = b"ttcf\0\x01\0\0\0\0\0\x10".to_vec();
        sixteen.resize(12 + 16 * 4, 0xff);
        assert_eq!(super::faces(&sixteen).count(), 0);
        // The embedded fonts keep their faces and their indices.
        let mut files = Vec::new();
        super::collect_embedded(&crate::assets::FONTS, &mut files);
        for file in files {
            let ours: Vec<String> = super::faces(file.contents())
                .map(|(i, f)| format!("{i} {}", f.family))
                .collect();
            let typst: Vec<String> = typst::text::FontInfo::iter(file.contents())
                .enumerate()
                .map(|(i, f)| format!("{i} {}", f.family))
                .collect();
            assert_eq!(ours, typst, "{}", file.path().display());
            assert!(!ours.is_empty());
        }
    }

    #[test]
    fn a_tree_too_large_for_fonts_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        for i in 0..=super::MAX_ENTRIES {
            std::fs::write(dir.path().join(format!("{i}.txt")), b"").unwrap();
        }
        let err = super::walk(dir.path(), &mut Vec::new()).unwrap_err();
        assert!(err.contains("超过 20000 个"), "{err}");
    }

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
