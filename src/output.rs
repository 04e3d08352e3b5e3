//! Atomic output: write to a temporary file in the target folder, then rename over the target,
//! so a failed run never leaves a half-written file nor clobbers an older one.

use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("输出文件夹不存在：{0} (output folder does not exist)")]
    MissingFolder(PathBuf),
    #[error("无法写入 {}：{} (cannot write)", path.display(), describe_io(source))]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "输出文件 {} 就是输入文件 {}，不会覆盖；请用 -o 指定另一个文件名 (refusing to overwrite an input)",
        output.display(),
        input.display()
    )]
    OverwritesInput { output: PathBuf, input: PathBuf },
    #[error(
        "{} 和 {} 会写到同一个输出文件 {}，后者会覆盖前者；请分别渲染，或改名后再试 (two outputs, one path)",
        first.display(),
        second.display(),
        output.display()
    )]
    SameOutput {
        output: PathBuf,
        first: PathBuf,
        second: PathBuf,
    },
    #[error(
        "输出路径 {} 已存在且不是普通文件（设备、管道或文件夹），不会替换它；请指定一个文件名 (output is not a regular file)",
        .0.display()
    )]
    NotAFile(PathBuf),
    #[error(
        "输出文件 {} 以 .toml 结尾，这是项目文件的扩展名：不会把排版结果写成（或覆盖）项目文件；请用 .pdf、.png、.svg 或 .xlsx (output named like a project file)",
        .0.display()
    )]
    ProjectExtension(PathBuf),
    #[error(
        "{} 不是文件夹（已有同名文件），不能在其中写入输出；请检查 -o 的路径 (a path segment is not a folder)",
        .0.display()
    )]
    NotAFolder(PathBuf),
    #[error(
        "输出中的 {} 是符号链接，jixiao 不会顺着它写到别处；请删除这个链接，或换一个新的输出文件夹 (symlink inside an output)",
        .0.display()
    )]
    SymlinkInOutput(PathBuf),
    #[error(
        "{} 在检查之后被别的程序（或同时运行的另一次导入）写入了，jixiao 没有替换它，本次写入的文件已全部撤回；请确认后重试，或加 --force 替换 (file appeared meanwhile)",
        .0.display()
    )]
    AppearedMeanwhile(PathBuf),
}

/// An I/O error in plain Chinese, without the temporary file's name that the OS message would
/// carry: what happened and what to do.
pub fn describe_io(error: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    // tempfile wraps the OS error with the temporary's name: the OS error is what is told.
    if error.raw_os_error().is_none()
        && let Some(inner) = error
            .get_ref()
            .and_then(|e| e.source())
            .and_then(|e| e.downcast_ref::<std::io::Error>())
    {
        return describe_io(inner);
    }
    let what = match error.kind() {
        K::PermissionDenied => "没有权限（请检查文件夹的写入权限）(permission denied)",
        K::NotFound => "文件或文件夹不存在 (not found)",
        K::NotADirectory => "路径中有一段不是文件夹 (not a directory)",
        K::IsADirectory => "这是一个文件夹，不是文件 (is a directory)",
        K::StorageFull => "磁盘空间不足，请清理后重试 (no space left on device)",
        K::ReadOnlyFilesystem => "文件系统只读 (read-only file system)",
        K::AlreadyExists => "文件已存在 (already exists)",
        K::InvalidData => "内容无法读取 (invalid data)",
        K::InvalidFilename => "文件名过长或含有不允许的字符 (invalid file name)",
        K::OutOfMemory => "文件过大，内存不足 (out of memory)",
        K::ResourceBusy => "文件正被其他程序占用，请关闭后重试 (resource busy)",
        K::FileTooLarge => "文件超过文件系统允许的大小 (file too large)",
        K::CrossesDevices => "不能跨磁盘改名 (cross-device link)",
        _ => os_error_text(error.raw_os_error()),
    };
    match (what, error.raw_os_error()) {
        ("", Some(code)) => format!("系统错误 {code}（{error}）"),
        ("", None) => format!("系统错误（{error}）"),
        (w, _) => w.to_string(),
    }
}

/// Errors whose `ErrorKind` is not stable yet, by their Unix number.
fn os_error_text(code: Option<i32>) -> &'static str {
    match code {
        Some(23 | 24) if cfg!(unix) => {
            "同时打开的文件过多（请关闭其他程序，或分几次处理）(too many open files)"
        }
        Some(36) if cfg!(target_os = "linux") => "文件名或路径过长 (file name too long)",
        Some(40) if cfg!(target_os = "linux") => {
            "符号链接循环（链接最终指向它自己），请检查路径中的符号链接 (symbolic link loop)"
        }
        Some(122) if cfg!(target_os = "linux") => "磁盘配额已用完 (disk quota exceeded)",
        Some(5) if cfg!(unix) => "读写出错，磁盘或网络可能有故障 (input/output error)",
        _ => "",
    }
}

/// A name as case-insensitive file systems compare it (NTFS, APFS, exFAT): Unicode NFC
/// (composed and decomposed accents are one name) and case folded through upper case
/// (`ß` and `SS`, `ſ` and `s`, the Kelvin sign and `k` are one name).
pub fn fold_name(name: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let composed: String = name.nfc().collect();
    composed.to_uppercase().to_lowercase().nfc().collect()
}

/// A path's identity for comparison: canonical when it exists, else its canonical folder and
/// its name (an output usually does not exist yet).
pub fn identity(path: &Path) -> PathBuf {
    if let Ok(p) = path.canonicalize() {
        return p;
    }
    let name = path.file_name().map(PathBuf::from).unwrap_or_default();
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    dir.canonicalize().unwrap_or(dir).join(name)
}

/// Refuse a set of outputs that would overwrite an input, or write twice to one path.
/// `outputs` pairs each output path with the input it comes from.
pub fn guard(inputs: &[PathBuf], outputs: &[(PathBuf, PathBuf)]) -> Result<(), OutputError> {
    // Looked up by identity, so that thousands of files stay linear.
    let inputs: std::collections::HashMap<PathBuf, &PathBuf> =
        inputs.iter().map(|p| (identity(p), p)).collect();
    // Two outputs that differ only in letter case are one file on Windows and macOS.
    let mut seen: std::collections::HashMap<String, &PathBuf> = std::collections::HashMap::new();
    for (output, from) in outputs {
        if let Ok(meta) = std::fs::metadata(output)
            && !meta.is_file()
        {
            return Err(OutputError::NotAFile(output.clone()));
        }
        let id = identity(output);
        if let Some(input) = inputs.get(&id) {
            return Err(OutputError::OverwritesInput {
                output: output.clone(),
                input: (*input).clone(),
            });
        }
        let folded = fold_name(&id.to_string_lossy());
        if let Some(first) = seen.get(&folded) {
            return Err(OutputError::SameOutput {
                output: output.clone(),
                first: (*first).clone(),
                second: from.clone(),
            });
        }
        seen.insert(folded, from);
    }
    Ok(())
}

/// [`guard`] for laid-out outputs (PDF, pages, workbooks, exports), refused before any work
/// (`watch` would otherwise fail on every save): also an output named like a project file
/// (`.toml`: it would replace a project, or be read as one by the next `check`), and an
/// output whose folder does not exist.
pub fn guard_rendered(
    inputs: &[PathBuf],
    outputs: &[(PathBuf, PathBuf)],
) -> Result<(), OutputError> {
    guard(inputs, outputs)?;
    for (output, _) in outputs {
        if output
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("toml"))
        {
            return Err(OutputError::ProjectExtension(output.clone()));
        }
        // `-o 新文件夹/` names a folder: one that is not there is said so now, before any
        // layout, not found out when the file is written.
        let spelled_as_folder = output
            .as_os_str()
            .to_string_lossy()
            .ends_with(std::path::is_separator);
        if spelled_as_folder && !output.is_dir() {
            return Err(missing_or_not_a_folder(output));
        }
        let folder = folder_of(output);
        if !folder.is_dir() {
            return Err(missing_or_not_a_folder(&folder));
        }
    }
    Ok(())
}

/// Why `folder` cannot take an output: it is not there, or it (or a folder above it) is a file.
fn missing_or_not_a_folder(folder: &Path) -> OutputError {
    match folder.ancestors().find(|a| a.exists()) {
        Some(a) if !a.is_dir() => OutputError::NotAFolder(a.to_path_buf()),
        _ => OutputError::MissingFolder(folder.to_path_buf()),
    }
}

/// The folder an output goes into (`.` for a bare file name).
fn folder_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Write `bytes` to `path` atomically.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), OutputError> {
    prepare(path, bytes)?.commit()
}

/// A file written in full to a temporary beside its target, not yet renamed into place. The
/// temporary is closed (only its name is kept, removed if never committed): a set of a
/// thousand files holds no thousand open files.
pub struct Pending {
    tmp: tempfile::TempPath,
    path: PathBuf,
}

impl Pending {
    /// Rename into place.
    pub fn commit(self) -> Result<(), OutputError> {
        let path = self.path;
        self.tmp.persist(&path).map_err(|e| OutputError::Io {
            path: path.clone(),
            source: e.error,
        })?;
        Ok(())
    }

    /// Move into place only if no file has that name (a no-replace link or rename): a file
    /// that appeared since the check, written by another run, is never replaced.
    fn commit_new(self) -> Result<(), OutputError> {
        let path = self.path;
        self.tmp
            .persist_noclobber(&path)
            .map_err(|e| match e.error.kind() {
                std::io::ErrorKind::AlreadyExists => OutputError::AppearedMeanwhile(path.clone()),
                _ => OutputError::Io {
                    path: path.clone(),
                    source: e.error,
                },
            })?;
        Ok(())
    }
}

/// Write `bytes` to `root/rel`, creating the folders between, without following a symbolic
/// link anywhere below `root` (`--emit-typst DIR`): a link inside an output tree, to a folder or
/// a file, is refused, so a re-run can never write through it into the user's files elsewhere.
pub fn write_in_tree(root: &Path, rel: &Path, bytes: &[u8]) -> Result<(), OutputError> {
    let at = tree_path(root, rel, true)?;
    write_atomic(&at, bytes)
}

/// What [`write_in_tree`] would refuse, found before anything of a set is written.
pub fn check_in_tree(root: &Path, rel: &Path) -> Result<(), OutputError> {
    tree_path(root, rel, false).map(drop)
}

/// `root/rel`, each part below `root` looked at without following links; with `create`, the
/// missing folders are made.
fn tree_path(root: &Path, rel: &Path, create: bool) -> Result<PathBuf, OutputError> {
    let parts: Vec<&std::ffi::OsStr> = rel
        .components()
        .filter_map(|c| match c {
            std::path::Component::Normal(name) => Some(name),
            _ => None,
        })
        .collect();
    if parts.len() != rel.components().count() || parts.is_empty() {
        // Only plain relative names: never `..` or an absolute path.
        return Err(OutputError::Io {
            path: root.join(rel),
            source: std::io::Error::from(std::io::ErrorKind::InvalidInput),
        });
    }
    let mut at = root.to_path_buf();
    for (i, name) in parts.iter().enumerate() {
        at.push(name);
        let last = i + 1 == parts.len();
        match at.symlink_metadata() {
            Ok(m) if m.file_type().is_symlink() => return Err(OutputError::SymlinkInOutput(at)),
            Ok(m) if !last && !m.is_dir() => return Err(OutputError::NotAFolder(at)),
            Ok(m) if last && !m.is_file() => return Err(OutputError::NotAFile(at)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if !create {
                    // Nothing further down exists either.
                    return Ok(root.join(rel));
                }
                if !last {
                    std::fs::create_dir(&at).map_err(|source| OutputError::Io {
                        path: at.clone(),
                        source,
                    })?;
                }
            }
            _ => {}
        }
    }
    Ok(at)
}

/// Write several files as a set (the pages of one PNG/SVG render, the files of an import):
/// every file is written in full before any is renamed into place, and when a rename fails
/// (a name the file system refuses, a full disk) those renamed before it are taken back — a
/// file that was there gets its old bytes again, a new one is removed — so a failure leaves
/// the old set untouched.
/// A name of a set that is a symbolic link is refused: the set is jixiao's own files.
pub fn write_set_atomic(files: &[(PathBuf, Vec<u8>)]) -> Result<(), OutputError> {
    write_set(files, true)
}

/// [`write_set_atomic`] for files that must not exist: none is ever replaced, not even one
/// another program or run wrote after the caller checked (the set is then taken back).
pub fn write_new_set_atomic(files: &[(PathBuf, Vec<u8>)]) -> Result<(), OutputError> {
    write_set(files, false)
}

fn write_set(files: &[(PathBuf, Vec<u8>)], replace: bool) -> Result<(), OutputError> {
    if files.len() > 1
        && let Some((link, _)) = files.iter().find(|(p, _)| {
            p.symlink_metadata()
                .is_ok_and(|m| m.file_type().is_symlink())
        })
    {
        return Err(OutputError::SymlinkInOutput(link.clone()));
    }
    let pending: Vec<Pending> = files
        .iter()
        .map(|(path, bytes)| prepare(path, bytes))
        .collect::<Result<_, _>>()?;
    let mut done: Vec<(PathBuf, Option<Vec<u8>>)> = Vec::new();
    for p in pending {
        let path = p.path.clone();
        let old = if path.is_file() {
            match std::fs::read(&path) {
                Ok(bytes) => Some(bytes),
                Err(source) => {
                    undo(done);
                    return Err(OutputError::Io { path, source });
                }
            }
        } else {
            None
        };
        let committed = if replace { p.commit() } else { p.commit_new() };
        if let Err(e) = committed {
            undo(done);
            return Err(e);
        }
        done.push((path, old));
    }
    Ok(())
}

/// Take back renamed files of a set, last first.
fn undo(done: Vec<(PathBuf, Option<Vec<u8>>)>) {
    for (path, old) in done.into_iter().rev() {
        let _ = match old {
            Some(bytes) => write_atomic(&path, &bytes),
            None => std::fs::remove_file(&path).map_err(|source| OutputError::Io {
                path: path.clone(),
                source,
            }),
        };
    }
}

/// The hidden list of page files a multi-page render wrote (`.x.png.pages` beside `x.png`), so
/// the next render removes exactly those it no longer writes, and never a file of the user's
/// that merely looks like a page (`x-1.png` scanned from paper).
fn manifest_path(path: &Path) -> Option<PathBuf> {
    let name = path.file_name()?.to_str()?;
    Some(path.with_file_name(format!(".{name}.pages")))
}

/// Write the pages of one render as a set (see [`write_set_atomic`]), then remove the pages
/// an earlier render of the same output wrote and this one did not (`x-5.png` after a 4-page
/// render). Returns the removed paths.
pub fn write_pages(path: &Path, pages: &[(PathBuf, Vec<u8>)]) -> Result<Vec<PathBuf>, OutputError> {
    write_set_atomic(pages)?;
    let Some(manifest) = manifest_path(path) else {
        return Ok(Vec::new());
    };
    let dir = manifest.parent().map(Path::to_path_buf).unwrap_or_default();
    let written: Vec<String> = pages
        .iter()
        .filter_map(|(p, _)| p.file_name()?.to_str().map(str::to_string))
        .collect();
    let mut removed = Vec::new();
    // Only names this output's pages can have (`x.png` → `x-2.png`): an edited or merged list
    // must never remove anything else, such as a project file.
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default();
    let ext = path
        .extension()
        .and_then(|s| s.to_str())
        .unwrap_or_default();
    let is_page = |name: &str| {
        name.strip_prefix(stem)
            .and_then(|r| r.strip_prefix('-'))
            .and_then(|r| r.strip_suffix(ext))
            .and_then(|r| r.strip_suffix('.'))
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
            && !ext.eq_ignore_ascii_case("toml")
    };
    // Only a regular file of its own is read (a pipe put there would block).
    let listed = manifest.symlink_metadata().is_ok_and(|m| m.is_file());
    if listed && let Ok(old) = std::fs::read_to_string(&manifest) {
        for name in old.lines() {
            // Only plain names of this folder, never a path.
            if name.is_empty()
                || name.contains(['/', '\\'])
                || !is_page(name)
                || written.iter().any(|w| w == name)
            {
                continue;
            }
            let stale = dir.join(name);
            // Only a file of its own: a link put there since is left alone.
            let own = stale.symlink_metadata().is_ok_and(|m| m.is_file());
            if own && std::fs::remove_file(&stale).is_ok() {
                removed.push(stale);
            }
        }
    }
    if pages.len() > 1 {
        write_atomic(&manifest, format!("{}\n", written.join("\n")).as_bytes())?;
    } else {
        let _ = std::fs::remove_file(&manifest);
    }
    removed.sort();
    Ok(removed)
}

fn prepare(path: &Path, bytes: &[u8]) -> Result<Pending, OutputError> {
    if let Ok(meta) = std::fs::metadata(path)
        && !meta.is_file()
    {
        return Err(OutputError::NotAFile(path.to_path_buf()));
    }
    let dir = folder_of(path);
    if !dir.is_dir() {
        return Err(missing_or_not_a_folder(&dir));
    }
    let io = |source| OutputError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".jixiao-")
        .suffix(".tmp")
        .tempfile_in(&dir)
        .map_err(io)?;
    tmp.write_all(bytes).map_err(io)?;
    // Temporary files are private (0600); the output should get the permissions a new file
    // normally gets, or keep those of the file it replaces.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).map_or(0o644, |m| m.permissions().mode());
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(mode))
            .map_err(io)?;
    }
    tmp.as_file().sync_all().map_err(io)?;
    Ok(Pending {
        tmp: tmp.into_temp_path(),
        path: path.to_path_buf(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_whole_file_and_refuses_missing_folder() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("a.pdf");
        write_atomic(&target, b"one").unwrap();
        write_atomic(&target, b"two").unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"two");
        let leftovers = std::fs::read_dir(dir.path()).unwrap().count();
        assert_eq!(leftovers, 1, "no temporary file is left behind");
        assert!(matches!(
            write_atomic(&dir.path().join("missing/a.pdf"), b"x"),
            Err(OutputError::MissingFolder(_))
        ));
    }

    /// Hostile round 3: a set whose second name the file system refuses (over 255 bytes)
    /// leaves the first file as it was, and creates nothing.
    /// Hostile round 4: names one file on case-insensitive, normalising file systems fold alike.
    #[test]
    fn names_fold_as_file_systems_compare_them() {
        assert_eq!(fold_name("Straße"), fold_name("STRASSE"));
        assert_eq!(fold_name("caf\u{e9}"), fold_name("CAFE\u{301}"));
        assert_eq!(fold_name("\u{212a}m"), fold_name("KM"));
        assert_eq!(fold_name("ΣΟΦΟΣ"), fold_name("σοφος"));
        assert_ne!(fold_name("项目甲"), fold_name("项目乙"));
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("Straße.toml");
        let b = dir.path().join("STRASSE.toml");
        let err = guard(&[], &[(a, "x".into()), (b, "y".into())]).unwrap_err();
        assert!(matches!(err, OutputError::SameOutput { .. }), "{err}");
    }

    /// Hostile round 4: OS errors are told in Chinese, never as "Uncategorized".
    #[cfg(target_os = "linux")]
    #[test]
    fn os_errors_are_told_in_chinese() {
        let told = |code| describe_io(&std::io::Error::from_raw_os_error(code));
        assert!(told(24).starts_with("同时打开的文件过多"), "{}", told(24));
        assert!(told(36).starts_with("文件名过长"), "{}", told(36));
        assert!(told(40).starts_with("符号链接循环"), "{}", told(40));
        assert!(told(28).starts_with("磁盘空间不足"), "{}", told(28));
        assert!(told(13).starts_with("没有权限"), "{}", told(13));
        assert!(!told(71).contains("Uncategorized"), "{}", told(71));
    }

    /// Hostile round 4: a set that must be new never replaces a file that appeared after the
    /// caller's check (another import into the same folder): the set is taken back.
    #[test]
    fn a_new_set_never_replaces_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let first = dir.path().join("a.toml");
        let theirs = dir.path().join("b.toml");
        std::fs::write(&theirs, "theirs").unwrap();
        let err = write_new_set_atomic(&[
            (first.clone(), b"mine".to_vec()),
            (theirs.clone(), b"mine".to_vec()),
        ])
        .unwrap_err();
        assert!(
            matches!(err, OutputError::AppearedMeanwhile(ref p) if *p == theirs),
            "{err}"
        );
        assert!(err.to_string().contains("没有替换它"), "{err}");
        assert_eq!(std::fs::read(&theirs).unwrap(), b"theirs");
        assert!(!first.exists());
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(left.len(), 1, "only b.toml, no temporary file: {left:?}");
        write_new_set_atomic(&[(first.clone(), b"mine".to_vec())]).unwrap();
        assert_eq!(std::fs::read(&first).unwrap(), b"mine");
    }

    #[test]
    fn a_set_is_all_or_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let kept = dir.path().join("a.toml");
        std::fs::write(&kept, "old").unwrap();
        let fresh = dir.path().join("b.toml");
        let long = dir.path().join(format!("{}.toml", "长".repeat(100)));
        let err = write_set_atomic(&[
            (kept.clone(), b"new".to_vec()),
            (fresh.clone(), b"new".to_vec()),
            (long, b"x".to_vec()),
        ])
        .unwrap_err();
        assert!(matches!(err, OutputError::Io { .. }), "{err}");
        assert_eq!(std::fs::read(&kept).unwrap(), b"old");
        assert!(!fresh.exists());
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(left.len(), 1, "only a.toml, no temporary file: {left:?}");
    }

    #[test]
    fn guard_refuses_inputs_and_collisions() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("q.toml");
        std::fs::write(&input, "x").unwrap();
        // The same file reached through another spelling of its folder.
        let other_spelling = dir.path().join(".").join("q.toml");
        let err = guard(
            std::slice::from_ref(&input),
            &[(other_spelling, input.clone())],
        )
        .unwrap_err();
        assert!(matches!(err, OutputError::OverwritesInput { .. }), "{err}");
        let out = dir.path().join("out.pdf");
        let (a, b) = (PathBuf::from("a/x.toml"), PathBuf::from("b/x.toml"));
        let err = guard(&[], &[(out.clone(), a.clone()), (out.clone(), b)]).unwrap_err();
        assert!(matches!(err, OutputError::SameOutput { .. }), "{err}");
        assert!(guard(&[input], &[(out, a)]).is_ok());
    }

    #[test]
    #[cfg(unix)]
    fn links_inside_an_output_tree_are_never_followed() {
        use std::os::unix::fs::symlink;
        let dir = tempfile::tempdir().unwrap();
        let (out, elsewhere) = (dir.path().join("out"), dir.path().join("user"));
        std::fs::create_dir_all(&elsewhere).unwrap();
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(elsewhere.join("form.typ"), "mine").unwrap();
        write_in_tree(&out, Path::new("forms/a/form.typ"), b"ours").unwrap();
        assert_eq!(
            std::fs::read(out.join("forms/a/form.typ")).unwrap(),
            b"ours"
        );
        // The emitted sub-folder replaced by a link to the user's folder.
        std::fs::remove_dir_all(out.join("forms/a")).unwrap();
        symlink(&elsewhere, out.join("forms/a")).unwrap();
        for result in [
            check_in_tree(&out, Path::new("forms/a/form.typ")),
            write_in_tree(&out, Path::new("forms/a/form.typ"), b"ours"),
        ] {
            assert!(
                matches!(result, Err(OutputError::SymlinkInOutput(ref p)) if p.ends_with("forms/a"))
            );
        }
        // A link as the file itself, too.
        symlink(elsewhere.join("form.typ"), out.join("main.typ")).unwrap();
        assert!(matches!(
            write_in_tree(&out, Path::new("main.typ"), b"ours"),
            Err(OutputError::SymlinkInOutput(_))
        ));
        assert_eq!(std::fs::read(elsewhere.join("form.typ")).unwrap(), b"mine");
        assert!(write_in_tree(&out, Path::new("../escape.typ"), b"x").is_err());
        assert!(!dir.path().join("escape.typ").exists());
        // A page of a set that is a link is refused; the set is left as it was.
        let pages = dir.path().join("pages");
        std::fs::create_dir(&pages).unwrap();
        symlink(elsewhere.join("form.typ"), pages.join("x-2.png")).unwrap();
        let set = [
            (pages.join("x-1.png"), vec![1]),
            (pages.join("x-2.png"), vec![2]),
        ];
        assert!(matches!(
            write_set_atomic(&set),
            Err(OutputError::SymlinkInOutput(_))
        ));
        assert!(!pages.join("x-1.png").exists());
        assert_eq!(std::fs::read(elsewhere.join("form.typ")).unwrap(), b"mine");
        // A pipe where the list of pages goes is never opened (it would block).
        std::fs::remove_file(pages.join("x-2.png")).unwrap();
        let status = std::process::Command::new("mkfifo")
            .arg(pages.join(".x.png.pages"))
            .status()
            .unwrap();
        assert!(status.success());
        let result = write_pages(&pages.join("x.png"), &set);
        assert!(
            matches!(result, Err(OutputError::NotAFile(_))),
            "{result:?}"
        );
    }

    #[test]
    fn page_sets_replace_and_clean_up_only_their_own_pages() {
        let dir = tempfile::tempdir().unwrap();
        let base = dir.path().join("x.png");
        // The user's own files that look like pages.
        std::fs::write(dir.path().join("x-7.png"), "scan").unwrap();
        std::fs::write(dir.path().join("x-01.png"), "scan").unwrap();
        let pages: Vec<(PathBuf, Vec<u8>)> = (1..=4)
            .map(|i| (dir.path().join(format!("x-{i}.png")), vec![i as u8]))
            .collect();
        assert!(write_pages(&base, &pages).unwrap().is_empty());
        let removed = write_pages(&base, &[(base.clone(), b"one page".to_vec())]).unwrap();
        assert_eq!(removed.len(), 4);
        let mut left: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        left.sort();
        assert_eq!(left, ["x-01.png", "x-7.png", "x.png"]);
        let err = write_set_atomic(&[
            (dir.path().join("x-1.png"), vec![1]),
            (dir.path().join("missing/x-2.png"), vec![2]),
        ]);
        assert!(err.is_err());
        assert!(
            !dir.path().join("x-1.png").exists(),
            "nothing renamed on failure"
        );
    }
}
