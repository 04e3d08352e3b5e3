//! The form catalog: built-in forms (embedded from `templates/`) and user forms
//! (`--templates DIR`), user forms overriding built-ins with the same id.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use include_dir::Dir;

use super::RenderError;

/// Where a form comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormOrigin {
    /// Compiled into the binary (`templates/<id>/` of the source tree).
    BuiltIn,
    /// A folder on disk (a `--templates` directory's sub-folder).
    Dir(PathBuf),
}

/// One available form, as listed by [`Engine::forms`](super::Engine::forms).
#[derive(Debug, Clone)]
pub struct FormInfo {
    /// Folder name, `[a-z0-9-]+`.
    pub id: String,
    pub origin: FormOrigin,
    /// The raw text of `form.toml` (parsed by the caller).
    pub toml: String,
    /// For a user form that replaces a built-in form of the same id: true.
    pub overrides_builtin: bool,
}

#[derive(Clone)]
pub(crate) enum FormFiles {
    Embedded(&'static Dir<'static>),
    Disk(PathBuf),
}

#[derive(Clone)]
pub(crate) struct FormEntry {
    pub(crate) info: FormInfo,
    pub(crate) files: FormFiles,
}

pub(crate) struct Catalog {
    pub(crate) forms: BTreeMap<String, FormEntry>,
    /// Non-fatal problems found while scanning user template directories.
    pub(crate) notes: Vec<String>,
}

/// `[a-z0-9-]+`, not starting or ending with `-`.
pub fn is_valid_form_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !id.starts_with('-')
        && !id.ends_with('-')
}

impl Catalog {
    pub(crate) fn new(
        builtin: &'static Dir<'static>,
        user_dirs: &[PathBuf],
    ) -> Result<Self, RenderError> {
        let mut forms = BTreeMap::new();
        let mut notes = vec![];
        for dir in builtin.dirs() {
            let Some(id) = dir.path().file_name().and_then(|n| n.to_str()) else {
                continue;
            };
            if !is_valid_form_id(id) {
                continue;
            }
            let (Some(toml), Some(_)) = (
                dir.get_file(dir.path().join("form.toml")),
                dir.get_file(dir.path().join("form.typ")),
            ) else {
                continue;
            };
            let info = FormInfo {
                id: id.to_string(),
                origin: FormOrigin::BuiltIn,
                toml: toml.contents_utf8().unwrap_or_default().to_string(),
                overrides_builtin: false,
            };
            forms.insert(
                id.to_string(),
                FormEntry {
                    info,
                    files: FormFiles::Embedded(dir),
                },
            );
        }

        let (folders, scan_notes) = user_form_folders(user_dirs)?;
        notes.extend(scan_notes);
        for folder in folders {
            let entry = load_user_form(&folder)?;
            let id = entry.info.id.clone();
            let mut entry = entry;
            if let Some(prev) = forms.get(&id) {
                entry.info.overrides_builtin =
                    prev.info.overrides_builtin || prev.info.origin == FormOrigin::BuiltIn;
            }
            forms.insert(id, entry);
        }
        Ok(Catalog { forms, notes })
    }
}

/// The one scan of `--templates` folders, shared by checking (`forms::Forms`) and rendering
/// (`Catalog`), so a form one accepts the other accepts too. Each DIR may itself be a form
/// folder or hold one form per sub-folder; a form folder needs `form.toml` and `form.typ` and a
/// `[a-z0-9-]+` name. Returns the canonical form folders in order, and a note (Chinese) for
/// every folder skipped and why.
pub fn user_form_folders(
    user_dirs: &[PathBuf],
) -> Result<(Vec<PathBuf>, Vec<String>), RenderError> {
    let io = |path: &Path, e: std::io::Error| RenderError::Io {
        path: path.to_path_buf(),
        message: format!("无法读取表样文件夹：{}", crate::output::describe_io(&e)),
    };
    let mut folders = Vec::new();
    let mut notes = Vec::new();
    for root in user_dirs {
        let meta = std::fs::metadata(root).map_err(|e| io(root, e))?;
        if !meta.is_dir() {
            return Err(RenderError::Io {
                path: root.clone(),
                message: "--templates 应为文件夹 (not a directory)".into(),
            });
        }
        let candidates: Vec<PathBuf> = if root.join("form.toml").is_file() {
            vec![root.clone()]
        } else {
            let mut v: Vec<PathBuf> = std::fs::read_dir(root)
                .map_err(|e| io(root, e))?
                .filter_map(|e| e.ok())
                .map(|e| e.path())
                .filter(|p| p.is_dir())
                .collect();
            v.sort();
            v
        };
        for folder in candidates {
            let canonical = folder.canonicalize().map_err(|e| io(&folder, e))?;
            let name = canonical
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default();
            let has_toml = canonical.join("form.toml").is_file();
            let has_typ = canonical.join("form.typ").is_file();
            if !has_toml && !has_typ {
                continue; // not a form folder (e.g. fonts/, images/): ignore quietly
            }
            if !is_valid_form_id(name) {
                notes.push(format!(
                    "{}：表样文件夹名须为小写字母、数字和 -，已跳过 (folder name must match [a-z0-9-]+)",
                    folder.display()
                ));
            } else if !has_toml || !has_typ {
                notes.push(format!(
                    "{}：表样须同时包含 form.toml 和 form.typ，已跳过 (needs both files)",
                    folder.display()
                ));
            } else {
                folders.push(canonical);
            }
        }
    }
    Ok((folders, notes))
}

fn load_user_form(canonical: &Path) -> Result<FormEntry, RenderError> {
    let name = canonical
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default()
        .to_string();
    let toml_path = canonical.join("form.toml");
    let toml = std::fs::read_to_string(&toml_path).map_err(|e| RenderError::Io {
        path: toml_path.clone(),
        message: crate::output::describe_io(&e),
    })?;
    Ok(FormEntry {
        info: FormInfo {
            id: name,
            origin: FormOrigin::Dir(canonical.to_path_buf()),
            toml,
            overrides_builtin: false,
        },
        files: FormFiles::Disk(canonical.to_path_buf()),
    })
}

impl FormEntry {
    /// Read a file of this form's folder; `rel` is a normalised relative path
    /// (no leading slash, no `..`).
    pub(crate) fn read(&self, rel: &str) -> Option<Result<Vec<u8>, std::io::Error>> {
        match &self.files {
            FormFiles::Embedded(dir) => {
                let path = dir.path().join(rel);
                dir.get_file(path).map(|f| Ok(f.contents().to_vec()))
            }
            FormFiles::Disk(root) => {
                let path = root.join(rel);
                // refuse anything that resolves outside the form folder (symlinks)
                let real = match path.canonicalize() {
                    Ok(p) => p,
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
                    Err(e) => return Some(Err(e)),
                };
                if !real.starts_with(root) {
                    return Some(Err(std::io::Error::new(
                        std::io::ErrorKind::PermissionDenied,
                        "outside the form folder",
                    )));
                }
                // The type is looked at before opening: a pipe would block the layout for ever.
                match std::fs::metadata(&real) {
                    Ok(meta) if meta.is_dir() => Some(Err(std::io::Error::new(
                        std::io::ErrorKind::IsADirectory,
                        "is a directory",
                    ))),
                    Ok(meta) if !meta.is_file() => Some(Err(std::io::Error::other(format!(
                        "{} 不是普通文件（管道、设备等），表样不能读取它 (not a regular file)",
                        path.display()
                    )))),
                    Ok(_) => Some(std::fs::read(real)),
                    Err(e) => Some(Err(e)),
                }
            }
        }
    }

    /// Every regular file of this form's folder, as (relative path, bytes), sorted; for
    /// `--emit-typst`. Symlinks and anything outside the folder are left out.
    pub(crate) fn all_files(&self) -> Result<Vec<(String, Vec<u8>)>, std::io::Error> {
        let mut out = Vec::new();
        match &self.files {
            FormFiles::Embedded(dir) => collect_embedded(dir, dir.path(), &mut out),
            FormFiles::Disk(root) => collect_disk(root, root, &mut out, 0)?,
        }
        out.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(out)
    }

    /// A human-facing path for diagnostics.
    pub(crate) fn display_path(&self, rel: &str) -> String {
        match &self.files {
            FormFiles::Embedded(_) => format!("templates/{}/{}", self.info.id, rel),
            FormFiles::Disk(root) => root.join(rel).display().to_string(),
        }
    }
}

fn collect_embedded(dir: &Dir<'static>, base: &Path, out: &mut Vec<(String, Vec<u8>)>) {
    for file in dir.files() {
        if let Ok(rel) = file.path().strip_prefix(base) {
            out.push((
                rel.to_string_lossy().replace('\\', "/"),
                file.contents().to_vec(),
            ));
        }
    }
    for sub in dir.dirs() {
        collect_embedded(sub, base, out);
    }
}

fn collect_disk(
    root: &Path,
    dir: &Path,
    out: &mut Vec<(String, Vec<u8>)>,
    depth: usize,
) -> Result<(), std::io::Error> {
    if depth > 8 {
        return Ok(());
    }
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let kind = entry.file_type()?;
        let path = entry.path();
        if kind.is_dir() {
            collect_disk(root, &path, out, depth + 1)?;
        } else if kind.is_file()
            && let Ok(rel) = path.strip_prefix(root)
        {
            out.push((
                rel.to_string_lossy().replace('\\', "/"),
                std::fs::read(&path)?,
            ));
        }
    }
    Ok(())
}
