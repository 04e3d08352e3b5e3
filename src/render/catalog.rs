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

        for root in user_dirs {
            let meta = std::fs::metadata(root).map_err(|e| RenderError::Io {
                path: root.clone(),
                message: e.to_string(),
            })?;
            if !meta.is_dir() {
                return Err(RenderError::Io {
                    path: root.clone(),
                    message: "not a directory (目录不存在)".into(),
                });
            }
            // DIR may itself be one form folder, or hold one form per sub-folder.
            let candidates: Vec<PathBuf> = if root.join("form.toml").is_file() {
                vec![root.clone()]
            } else {
                let mut v: Vec<PathBuf> = std::fs::read_dir(root)
                    .map_err(|e| RenderError::Io {
                        path: root.clone(),
                        message: e.to_string(),
                    })?
                    .filter_map(|e| e.ok())
                    .map(|e| e.path())
                    .filter(|p| p.is_dir())
                    .collect();
                v.sort();
                v
            };
            for folder in candidates {
                if let Some(entry) = load_user_form(&folder, &mut notes)? {
                    let id = entry.info.id.clone();
                    let mut entry = entry;
                    if let Some(prev) = forms.get(&id) {
                        entry.info.overrides_builtin =
                            prev.info.overrides_builtin || prev.info.origin == FormOrigin::BuiltIn;
                    }
                    forms.insert(id, entry);
                }
            }
        }
        Ok(Catalog { forms, notes })
    }
}

fn load_user_form(
    folder: &Path,
    notes: &mut Vec<String>,
) -> Result<Option<FormEntry>, RenderError> {
    let canonical = folder.canonicalize().map_err(|e| RenderError::Io {
        path: folder.to_path_buf(),
        message: e.to_string(),
    })?;
    let name = canonical
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default()
        .to_string();
    let toml_path = canonical.join("form.toml");
    let typ_path = canonical.join("form.typ");
    if !toml_path.is_file() && !typ_path.is_file() {
        return Ok(None); // not a form folder (e.g. fonts/, images/): ignore quietly
    }
    if !is_valid_form_id(&name) {
        notes.push(format!(
            "{}: 表样文件夹名须为小写字母、数字和 - (folder name must match [a-z0-9-]+); skipped",
            folder.display()
        ));
        return Ok(None);
    }
    if !toml_path.is_file() || !typ_path.is_file() {
        notes.push(format!(
            "{}: 表样须同时包含 form.toml 和 form.typ (needs both form.toml and form.typ); skipped",
            folder.display()
        ));
        return Ok(None);
    }
    let toml = std::fs::read_to_string(&toml_path).map_err(|e| RenderError::Io {
        path: toml_path.clone(),
        message: e.to_string(),
    })?;
    Ok(Some(FormEntry {
        info: FormInfo {
            id: name,
            origin: FormOrigin::Dir(canonical.clone()),
            toml,
            overrides_builtin: false,
        },
        files: FormFiles::Disk(canonical),
    }))
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
                if real.is_dir() {
                    return Some(Err(std::io::Error::new(
                        std::io::ErrorKind::IsADirectory,
                        "is a directory",
                    )));
                }
                Some(std::fs::read(real))
            }
        }
    }

    /// A human-facing path for diagnostics.
    pub(crate) fn display_path(&self, rel: &str) -> String {
        match &self.files {
            FormFiles::Embedded(_) => format!("templates/{}/{}", self.info.id, rel),
            FormFiles::Disk(root) => root.join(rel).display().to_string(),
        }
    }
}
