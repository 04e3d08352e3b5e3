//! Finding and parsing input files: a project file, or a folder of them with its `jixiao.toml`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::problem::Problem;
use crate::raw::{KNOWN_KEYS, RawFile};
use crate::source::{FileId, Loc, Sources};

/// The folder defaults file.
pub const FOLDER_FILE: &str = "jixiao.toml";

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("找不到文件或文件夹：{0} (not found)")]
    NotFound(PathBuf),
    #[error("无法读取 {path}：{source} (cannot read)")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("文件夹 {0} 中没有项目文件（*.toml，jixiao.toml 除外）(no project files)")]
    NoProjects(PathBuf),
}

/// Expand the command-line paths into project files: a file stays, a folder gives its `*.toml`
/// files (except `jixiao.toml`) sorted by name.
pub fn discover(paths: &[PathBuf]) -> Result<Vec<PathBuf>, LoadError> {
    let mut files = Vec::new();
    for path in paths {
        let meta = std::fs::metadata(path).map_err(|source| match source.kind() {
            std::io::ErrorKind::NotFound => LoadError::NotFound(path.clone()),
            _ => LoadError::Io {
                path: path.clone(),
                source,
            },
        })?;
        if meta.is_dir() {
            let entries = std::fs::read_dir(path).map_err(|source| LoadError::Io {
                path: path.clone(),
                source,
            })?;
            let mut found: Vec<PathBuf> = entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    p.extension().is_some_and(|e| e == "toml")
                        && p.file_name().is_some_and(|n| n != FOLDER_FILE)
                        && p.is_file()
                })
                .collect();
            if found.is_empty() {
                return Err(LoadError::NoProjects(path.clone()));
            }
            found.sort();
            files.extend(found);
        } else {
            files.push(path.clone());
        }
    }
    Ok(files)
}

fn read(path: &Path) -> Result<String, LoadError> {
    let bytes = std::fs::read(path).map_err(|source| match source.kind() {
        std::io::ErrorKind::NotFound => LoadError::NotFound(path.to_path_buf()),
        _ => LoadError::Io {
            path: path.to_path_buf(),
            source,
        },
    })?;
    String::from_utf8(bytes).map_err(|_| LoadError::Io {
        path: path.to_path_buf(),
        source: std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "文件不是 UTF-8 编码 (not UTF-8)",
        ),
    })
}

/// A parsed file: `raw` is `None` when the file could not be read as our format.
pub struct Parsed {
    pub file: FileId,
    pub raw: Option<RawFile>,
    pub problems: Vec<Problem>,
}

/// Parse one file's text into the raw model, turning TOML and serde errors into located problems.
pub fn parse(sources: &Sources, file: FileId) -> Parsed {
    let text = &sources.get(file).text;
    let loc = |span: Option<std::ops::Range<usize>>| span.map(|span| Loc { file, span });
    let error = match toml::from_str::<RawFile>(text) {
        Ok(raw) => {
            return Parsed {
                file,
                raw: Some(raw),
                problems: Vec::new(),
            };
        }
        Err(e) => e,
    };
    // Only a failed file is parsed a second time, as plain TOML, to tell a syntax error
    // (exit 2) from a well-formed file with wrong fields (exit 1).
    let problem = match text.parse::<toml::Table>() {
        Err(e) => Problem::error(
            "toml-syntax",
            "",
            format!("TOML 语法错误：{}", e.message().trim()),
        )
        .at(loc(e.span())),
        Ok(_) => schema_problem(error.message(), loc(error.span())),
    };
    Parsed {
        file,
        raw: None,
        problems: vec![problem],
    }
}

/// Turn serde's message into a Chinese one with a stable code and, for unknown keys, a suggestion.
fn schema_problem(message: &str, loc: Option<Loc>) -> Problem {
    let quoted: Vec<&str> = message.split('`').skip(1).step_by(2).collect();
    if let Some(rest) = message.strip_prefix("unknown field") {
        let key = quoted.first().copied().unwrap_or(rest.trim());
        let expected: Vec<&str> = if quoted.len() > 1 {
            quoted[1..].to_vec()
        } else {
            KNOWN_KEYS.to_vec()
        };
        let suggestion = expected
            .iter()
            .map(|k| (strsim::jaro_winkler(key, k), *k))
            .filter(|(score, _)| *score > 0.7)
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, k)| k);
        let mut msg = format!("未知的键“{key}”(unknown key)");
        match suggestion {
            Some(s) => msg.push_str(&format!("；是否想写“{s}”？(did you mean `{s}`?)")),
            None => msg.push_str(&format!("；此处可用的键：{}", expected.join("、"))),
        }
        return Problem::error("unknown-key", key.to_string(), msg).at(loc);
    }
    if message.starts_with("missing field") {
        let key = quoted.first().copied().unwrap_or("");
        return Problem::error(
            "missing-field",
            key.to_string(),
            format!("缺少必填字段“{key}”"),
        )
        .at(loc);
    }
    if message.starts_with("invalid type") {
        let translated = message
            .replace("invalid type", "类型不对")
            .replace("expected", "应为")
            .replace("found", "实际为");
        return Problem::error("invalid-type", "", format!("{translated} (invalid type)")).at(loc);
    }
    Problem::error("invalid-value", "", format!("取值无效：{message}")).at(loc)
}

/// Reads files once, caching each folder's `jixiao.toml`.
#[derive(Default)]
pub struct Loader {
    folders: HashMap<PathBuf, Option<Parsed>>,
}

/// A project file read together with its folder defaults.
pub struct LoadedProject {
    pub project: Parsed,
    pub folder: Option<FileId>,
    pub folder_problems: Vec<Problem>,
}

impl Loader {
    pub fn load(&mut self, sources: &mut Sources, path: &Path) -> Result<LoadedProject, LoadError> {
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        if !self.folders.contains_key(&dir) {
            let folder_path = if dir.as_os_str().is_empty() {
                PathBuf::from(FOLDER_FILE)
            } else {
                dir.join(FOLDER_FILE)
            };
            let parsed = if folder_path.is_file() {
                let text = read(&folder_path)?;
                let id = sources.add(folder_path, text);
                Some(parse(sources, id))
            } else {
                None
            };
            self.folders.insert(dir.clone(), parsed);
        }
        let text = read(path)?;
        let id = sources.add(path.to_path_buf(), text);
        let project = parse(sources, id);
        let folder = self.folders.get(&dir).and_then(|p| p.as_ref());
        Ok(LoadedProject {
            project,
            folder: folder.map(|f| f.file),
            folder_problems: folder.map(|f| f.problems.clone()).unwrap_or_default(),
        })
    }

    /// The parsed folder defaults for a file id returned in [`LoadedProject::folder`].
    pub fn folder_raw(&self, id: FileId) -> Option<&RawFile> {
        self.folders
            .values()
            .flatten()
            .find(|p| p.file == id)
            .and_then(|p| p.raw.as_ref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_key_suggests_the_closest() {
        let p = schema_problem(
            "unknown field `levl1`, expected one of `level1`, `level2`, `name`",
            None,
        );
        assert_eq!(p.code, "unknown-key");
        assert!(p.message.contains("level1"), "{}", p.message);
    }
}
