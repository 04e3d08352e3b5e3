//! Finding and parsing input files: a project file, or a folder of them with its `jixiao.toml`.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use crate::problem::{Code, Problem};
use crate::raw::{KNOWN_KEYS, RawFile};
use crate::source::{FileId, Loc, Sources};

/// The folder defaults file.
pub const FOLDER_FILE: &str = "jixiao.toml";

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("找不到文件或文件夹：{0} (not found)")]
    NotFound(PathBuf),
    #[error("无法读取 {}：{} (cannot read)", path.display(), describe_read(source))]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("文件夹 {0} 中没有项目文件（*.toml，jixiao.toml 除外）(no project files)")]
    NoProjects(PathBuf),
    /// A file or folder of a folder that cannot be read (for commands that need every file).
    #[error("{0}")]
    Unreadable(String),
}

/// One entry [`discover_all`] found: a project file, or an entry that looks like one (or a
/// subfolder) but cannot be read, with the Chinese reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub path: PathBuf,
    pub unreadable: Option<String>,
}

/// Expand the command-line paths into project files: a file stays; a folder gives its `*.toml`
/// files (except `jixiao.toml`) and those of its subfolders (a department with its sub-units),
/// sorted by path. Hidden entries (`.git`, macOS `._a.toml`) are skipped. Any entry that cannot
/// be read (a dangling symlink, a pipe, an unreadable subfolder) is an error here; `check`
/// reports each one instead, with [`discover_all`].
pub fn discover(paths: &[PathBuf]) -> Result<Vec<PathBuf>, LoadError> {
    let found = discover_all(paths)?;
    if let Some(message) = found.iter().find_map(|f| f.unreadable.clone()) {
        return Err(LoadError::Unreadable(message));
    }
    Ok(found.into_iter().map(|f| f.path).collect())
}

/// [`discover`], keeping each entry that cannot be read, with its reason, in path order, so it
/// is reported as a problem of its own and the rest are still checked: nothing is left out
/// without a word.
pub fn discover_all(paths: &[PathBuf]) -> Result<Vec<Found>, LoadError> {
    let mut files = Vec::new();
    for path in paths {
        // A path that is not there is a usage error; one that is there but cannot be read (a
        // dangling link, a loop, a pipe) is reported like such a file of a folder.
        if path
            .symlink_metadata()
            .is_err_and(|e| e.kind() == std::io::ErrorKind::NotFound)
        {
            return Err(LoadError::NotFound(path.clone()));
        }
        if path.is_dir() {
            let mut found = Vec::new();
            let mut visited = std::collections::HashSet::new();
            walk(path, &mut found, &mut visited, 0)?;
            if found.is_empty() {
                return Err(LoadError::NoProjects(path.clone()));
            }
            found.sort_by(|a: &Found, b: &Found| a.path.cmp(&b.path));
            files.extend(found);
        } else {
            files.push(Found {
                path: path.clone(),
                unreadable: not_readable(path),
            });
        }
    }
    Ok(dedup(files))
}

/// One project once, however it was reached (a file symlink, `check x.toml dir/`): a bundle
/// must not count it twice in its totals. A real file wins over a symlink to it, so the project
/// keeps its own name. Each file is resolved once.
fn dedup(files: Vec<Found>) -> Vec<Found> {
    let resolved: Vec<(Found, PathBuf, bool)> = files
        .into_iter()
        .map(|f| {
            let canonical = f.path.canonicalize().unwrap_or_else(|_| f.path.clone());
            let link = f
                .path
                .symlink_metadata()
                .is_ok_and(|m| m.file_type().is_symlink());
            (f, canonical, link)
        })
        .collect();
    let mut seen: HashSet<&PathBuf> = resolved
        .iter()
        .filter(|(_, _, link)| !link)
        .map(|(_, c, _)| c)
        .collect();
    let mut kept_real = HashSet::new();
    resolved
        .iter()
        .filter(|(_, c, link)| {
            if *link {
                seen.insert(c)
            } else {
                kept_real.insert(c)
            }
        })
        .map(|(f, _, _)| f.clone())
        .collect()
}

/// Deepest folder nesting followed (guards against symlink loops).
const MAX_DEPTH: usize = 16;

fn walk(
    dir: &Path,
    found: &mut Vec<Found>,
    visited: &mut HashSet<PathBuf>,
    depth: usize,
) -> Result<(), LoadError> {
    // Each real folder once: symlinks that loop back (`l → .`) are followed no further.
    if !visited.insert(dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf())) {
        return Ok(());
    }
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        // A folder that cannot be listed (named on the command line or found below one) is
        // reported in its place, and the other paths are checked.
        Err(e) => {
            found.push(unreadable_folder(dir, &e));
            return Ok(());
        }
    };
    for entry in entries {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                found.push(unreadable_folder(dir, &e));
                continue;
            }
        };
        let path = entry.path();
        let hidden = entry.file_name().to_string_lossy().starts_with('.');
        if hidden {
            continue;
        }
        if path.is_dir() {
            if depth < MAX_DEPTH {
                walk(&path, found, visited, depth + 1)?;
            } else {
                found.push(Found {
                    unreadable: Some(format!(
                        "文件夹 {} 嵌套超过 {MAX_DEPTH} 层，其中的文件未检查；请把项目文件放在较浅的文件夹中 (folder nested too deep)",
                        path.display()
                    )),
                    path,
                });
            }
        } else if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("toml"))
            && path.file_name().is_some_and(|n| n != FOLDER_FILE)
        {
            // A project file that cannot be read (a dangling symlink, a pipe) is named, not
            // left out; so is a `JIXIAO.TOML` that would be neither defaults nor a project.
            let name = entry.file_name();
            let unreadable = if name.to_string_lossy().eq_ignore_ascii_case(FOLDER_FILE) {
                Some(format!(
                    "{} 的文件名应为小写的 {FOLDER_FILE}，否则不会被当作文件夹默认值读取；请改名 (folder file name must be lower case)",
                    path.display()
                ))
            } else {
                not_readable(&path)
            };
            found.push(Found { path, unreadable });
        }
    }
    Ok(())
}

/// ELOOP: too many levels of symbolic links (`ErrorKind::FilesystemLoop` is not stable).
fn is_loop(e: &std::io::Error) -> bool {
    const ELOOP: i32 = if cfg!(any(
        target_os = "macos",
        target_os = "ios",
        target_os = "freebsd"
    )) {
        62
    } else {
        40
    };
    cfg!(unix) && e.raw_os_error() == Some(ELOOP)
}

/// A read error in Chinese ([`crate::output::describe_io`] speaks of writing).
fn describe_read(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::PermissionDenied => {
            "没有读取权限（请检查它的权限设置）(permission denied)".to_string()
        }
        _ => crate::output::describe_io(e),
    }
}

fn unreadable_folder(dir: &Path, e: &std::io::Error) -> Found {
    Found {
        path: dir.to_path_buf(),
        unreadable: Some(format!(
            "无法读取文件夹 {}：{}；其中的项目文件未检查 (cannot read folder)",
            dir.display(),
            describe_read(e)
        )),
    }
}

/// Why `path` cannot be read as an input file (a project file, a `jixiao.toml`), in the words
/// every command uses (`check`, `watch`, `rollover`); `None` for a regular file within
/// [`MAX_FILE_BYTES`]. The type is looked at before the file is opened, so a pipe or device is
/// never opened (which could block for ever).
pub fn not_readable(path: &Path) -> Option<String> {
    let shown = path.display();
    let link = match std::fs::symlink_metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Some(format!("找不到文件或文件夹：{shown} (not found)"));
        }
        Err(e) => {
            return Some(format!("无法读取 {shown}：{}", describe_read(&e)));
        }
        Ok(meta) => meta.file_type().is_symlink(),
    };
    let meta = match std::fs::metadata(path) {
        Ok(meta) => meta,
        Err(e) if link && e.kind() == std::io::ErrorKind::NotFound => {
            let target = std::fs::read_link(path).unwrap_or_default();
            return Some(format!(
                "{shown} 是失效的符号链接：它指向的 {} 不存在；请恢复该文件或删除这个链接 (dangling symlink)",
                target.display()
            ));
        }
        Err(e) if link && is_loop(&e) => {
            return Some(format!(
                "{shown} 是循环的符号链接（最终指回自己），不能读取；请删除或改正这个链接 (symlink loop)"
            ));
        }
        Err(e) => {
            return Some(format!("无法读取 {shown}：{}", describe_read(&e)));
        }
    };
    if meta.is_dir() {
        return Some(format!("{shown} 是文件夹，不是项目文件 (is a folder)"));
    }
    if !meta.is_file() {
        return Some(format!(
            "{shown} 不是普通文件（设备、管道或文件夹），不能作为项目文件读取 (not a regular file)"
        ));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Some(format!(
            "{shown} 有 {} 字节，超过项目文件的上限 {MAX_FILE_BYTES} 字节 (file too large)",
            meta.len()
        ));
    }
    None
}

/// Largest input file read (a project file is a few kilobytes).
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// Why a file's bytes could not be taken as text.
fn read(path: &Path) -> Result<String, Problem> {
    if let Some(message) = not_readable(path) {
        return Err(Problem::new(Code::UnreadableFile, "", message));
    }
    let bytes = std::fs::read(path).map_err(|e| {
        Problem::new(
            Code::UnreadableFile,
            "",
            format!("无法读取 {}：{}", path.display(), describe_read(&e)),
        )
    })?;
    String::from_utf8(bytes).map_err(|e| {
        let bytes = e.into_bytes();
        let utf16 = bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]);
        let message = if utf16 {
            format!(
                "{} 是 UTF-16 编码（Windows“Unicode”），请另存为 UTF-8，或运行 \
                 iconv -f UTF-16 -t UTF-8 旧文件.toml > 新文件.toml (file is UTF-16)",
                path.display()
            )
        } else if looks_like_gbk(&bytes) {
            format!(
                "{} 不是 UTF-8 编码，看起来是 GBK（GB2312/GB18030，Windows 记事本和 WPS 的旧默认）。\
                 请另存为 UTF-8：在编辑器中选“UTF-8”编码保存，或运行 \
                 iconv -f GBK -t UTF-8 旧文件.toml > 新文件.toml (file is GBK, not UTF-8)",
                path.display()
            )
        } else {
            format!(
                "{} 不是 UTF-8 编码的文本文件，请用 UTF-8 保存 (not UTF-8 text)",
                path.display()
            )
        };
        Problem::new(Code::NotUtf8, "", message)
    })
}

/// Does a non-UTF-8 byte string read as GBK text (every byte ≥ 0x80 starts a valid pair)?
pub fn looks_like_gbk(bytes: &[u8]) -> bool {
    let mut i = 0;
    let mut pairs = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            i += 1;
            continue;
        }
        let Some(&trail) = bytes.get(i + 1) else {
            return false;
        };
        if !(0x81..=0xFE).contains(&b) || !(0x40..=0xFE).contains(&trail) || trail == 0x7F {
            return false;
        }
        pairs += 1;
        i += 2;
    }
    pairs > 0
}

/// A parsed file: `raw` is `None` when the file could not be read as our format.
pub struct Parsed {
    pub file: FileId,
    pub raw: Option<RawFile>,
    pub problems: Vec<Problem>,
    /// The fields the `unknown-key` problems tell the user to write (`indicators[0].reason`):
    /// a later "missing" problem of the same field says nothing new.
    pub meant: Vec<String>,
}

/// Unknown keys listed one by one per file; the rest are counted in one more problem.
pub const MAX_UNKNOWN_KEYS: usize = 50;

/// Parse one file's text into the raw model, turning TOML and serde errors into located problems.
/// Keys no table accepts are reported and left out, so the rest of the file is still read.
pub fn parse(sources: &Sources, file: FileId) -> Parsed {
    let text = &sources.get(file).text;
    let loc = |span: Option<std::ops::Range<usize>>| span.map(|span| Loc { file, span });
    let mut root = match toml::de::DeTable::parse(text) {
        Ok(root) => root,
        Err(e) => {
            let mut problem =
                with_number_hint(syntax_problem(e.message(), loc(e.span())), text, e.span());
            if let Some(advice) = e
                .span()
                .filter(|_| e.message().starts_with("invalid unquoted key"))
                .and_then(|span| crate::keys::bare_key_advice(text, span.start))
            {
                problem.message = format!("TOML 语法错误：{advice} ({})", e.message().trim());
            }
            return Parsed {
                file,
                raw: None,
                problems: vec![problem],
                meant: Vec::new(),
            };
        }
    };
    let unknown = crate::keys::take_unknown(root.get_mut());
    let mut problems: Vec<Problem> = unknown
        .iter()
        .take(MAX_UNKNOWN_KEYS)
        .map(|u| Problem::new(Code::UnknownKey, &u.path, &u.message).at(loc(Some(u.span.clone()))))
        .collect();
    // A file of nothing but unknown keys is not a report of a million lines.
    if let Some(next) = unknown.get(MAX_UNKNOWN_KEYS) {
        let more = unknown.len() - MAX_UNKNOWN_KEYS;
        problems.push(
            Problem::new(
                Code::UnknownKey,
                &next.path,
                format!("此后还有 {more} 个未知的键未逐一列出 ({more} more unknown keys)"),
            )
            .at(loc(Some(next.span.clone()))),
        );
    }
    let meant = unknown.into_iter().filter_map(|u| u.meant).collect();
    let raw = match serde::Deserialize::deserialize(toml::de::Deserializer::from(root)) {
        Ok(raw) => Some(raw),
        // A value the tree keeps as written but cannot read (`1e400`) is the same syntax
        // problem as when the whole file is read as TOML.
        Err(e) => {
            problems.push(match text.parse::<toml::Table>() {
                Err(syntax) => with_number_hint(
                    syntax_problem(syntax.message(), loc(syntax.span())),
                    text,
                    syntax.span(),
                ),
                Ok(_) => schema_problem(e.message(), loc(e.span())),
            });
            None
        }
    };
    Parsed {
        file,
        raw,
        problems,
        meant,
    }
}

/// A syntax error on a line whose unquoted number has full-width punctuation or digits
/// (`budget = 6，52`) or a unit (`budget = 6.52万元`) says so first, with what to write.
fn with_number_hint(
    mut problem: Problem,
    text: &str,
    span: Option<std::ops::Range<usize>>,
) -> Problem {
    let Some(before) = span.and_then(|s| text.get(..s.start)) else {
        return problem;
    };
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line = text[line_start..].lines().next().unwrap_or("");
    if let Some(hint) = crate::spelling::toml_number_hint(line) {
        problem.message = format!(
            "TOML 语法错误：{hint}；{}",
            problem.message.trim_start_matches("TOML 语法错误：")
        );
    }
    problem
}

/// A TOML syntax error in Chinese, the parser's English kept in parentheses.
fn syntax_problem(message: &str, loc: Option<Loc>) -> Problem {
    let english = message.trim();
    if english.contains("number overflowed") || english.contains(" as i128") {
        return Problem::new(
            Code::NumberOutOfRange,
            "",
            format!(
                "数字超出范围，无法精确保存；金额请核对位数，或写成字符串 \"…\"（最多 {} 位有效数字）({english})",
                crate::decimal::MAX_DIGITS
            ),
        )
        .at(loc);
    }
    const KNOWN: &[(&str, &str)] = &[
        ("duplicate key", "同一个键写了两次"),
        ("unclosed array table", "[[…]] 缺少结尾的 ]]"),
        ("unclosed inline table", "{ … } 缺少结尾的 }"),
        ("unclosed table", "[…] 缺少结尾的 ]"),
        ("unclosed array", "数组缺少结尾的 ]"),
        (
            "invalid basic string",
            "字符串无效：可能缺少结尾的引号 \"，或含有未转义的 \\",
        ),
        (
            "invalid multi-line basic string",
            "多行字符串无效：缺少结尾的 \"\"\"",
        ),
        ("invalid literal string", "字符串无效：缺少结尾的单引号 '"),
        ("invalid string", "字符串无效"),
        (
            "invalid unquoted key",
            "键无效：键只能用英文字母、数字、_ 和 -；表上的栏目名（中文）请改为对应的英文键，\
             见 docs/format.md（加引号也不行）",
        ),
        ("unquoted keys cannot be empty", "键不能为空"),
        ("invalid key-value pair", "应写成 键 = 值"),
        ("invalid key", "键无效"),
        (
            "missing assignment between key-value pairs",
            "键和值之间缺少 =",
        ),
        ("missing value for key", "= 后面缺少值"),
        ("missing value", "缺少值"),
        (
            "missing comma between array elements",
            "数组元素之间缺少逗号",
        ),
        (
            "missing comma between key-value pairs",
            "键值对之间缺少逗号",
        ),
        ("missing opening quote", "缺少开头的引号"),
        (
            "missing escaped value",
            "反斜杠 \\ 后缺少转义字符；路径等文字可用单引号 '…'",
        ),
        ("invalid float", "小数写法无效"),
        ("invalid exponent", "指数写法无效"),
        ("invalid fraction", "小数部分无效"),
        ("invalid integer number", "整数写法无效"),
        ("invalid boolean", "布尔值应为 true 或 false"),
        (
            "invalid date-time",
            "日期时间写法无效；日期可写成字符串 \"2025-03-31\"",
        ),
        ("invalid inline table element", "{ … } 中的写法无效"),
        ("invalid table", "表头 […] 无效"),
        ("invalid comment character", "注释中含有不允许的控制字符"),
        (
            "unexpected leading zero",
            "数字不能以 0 开头；编码等请写成字符串 \"…\"",
        ),
        ("unexpected content", "这一行多出了内容"),
        ("unexpected key or value", "此处不应出现键或值"),
        ("invalid value", "值无效：文字须加引号 \"…\""),
    ];
    let chinese = KNOWN
        .iter()
        .find(|(en, _)| english.starts_with(en))
        .map_or("写法不符合 TOML", |(_, zh)| zh);
    Problem::new(
        Code::TomlSyntax,
        "",
        format!("TOML 语法错误：{chinese} ({english})"),
    )
    .at(loc)
}

/// A TOML or schema error of any file (project files, form.toml) as a Chinese message with
/// its line and column, for files that are not reported as located problems.
pub fn describe_toml_error(error: &toml::de::Error, text: &str) -> String {
    let problem = match text.parse::<toml::Table>() {
        Err(e) => with_number_hint(syntax_problem(e.message(), None), text, e.span()),
        Ok(_) => schema_problem(error.message(), None),
    };
    match error.span() {
        Some(span) => {
            let file = crate::source::SourceFile::new(PathBuf::new(), text.to_string());
            let (line, column) = file.line_col(span.start);
            format!("第 {line} 行第 {column} 列：{}", problem.message)
        }
        None => problem.message,
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
        let (msg, _) = crate::keys::typo_message(key, &expected);
        return Problem::new(Code::UnknownKey, key.to_string(), msg).at(loc);
    }
    if message.starts_with("missing field") {
        let key = quoted.first().copied().unwrap_or("");
        return Problem::new(
            Code::MissingField,
            key.to_string(),
            format!("缺少必填字段“{key}”"),
        )
        .at(loc);
    }
    if message.starts_with("invalid type") || message.starts_with("invalid value") {
        let (found, expected) = match message.split_once(", expected ") {
            Some((f, e)) => (f, e),
            None => (message, ""),
        };
        let found = found
            .trim_start_matches("invalid type: ")
            .trim_start_matches("invalid value: ");
        let out_of_range = found.contains(" as i128") || found.contains(" as u128");
        let found_text = if out_of_range {
            format!(
                "{}（超出整数范围）",
                found.split(" as ").next().unwrap_or(found).replace('`', "")
            )
        } else {
            type_name(found)
        };
        let code = if out_of_range {
            Code::NumberOutOfRange
        } else {
            Code::InvalidType
        };
        return Problem::new(
            code,
            "",
            format!(
                "类型不对：应为{}，实际写的是{found_text} ({message})",
                type_name(expected)
            ),
        )
        .at(loc);
    }
    Problem::new(Code::InvalidValue, "", format!("取值无效 ({message})")).at(loc)
}

/// A serde type description in Chinese: "i64" → "整数", "a sequence" → "数组 [ … ]".
fn type_name(serde: &str) -> String {
    let t = serde.trim();
    let quoted = |prefix: &str| {
        t.strip_prefix(prefix)
            .map(|rest| rest.trim().trim_matches('`').trim_matches('"').to_string())
    };
    if let Some(v) = quoted("string") {
        return format!("字符串“{v}”");
    }
    if let Some(v) = quoted("integer") {
        return format!("整数 {v}");
    }
    if let Some(v) = quoted("floating point") {
        return format!("小数 {v}");
    }
    if let Some(v) = quoted("boolean") {
        return format!("布尔值 {v}");
    }
    let name = match t {
        "i64" | "i32" | "u32" | "u64" | "usize" | "an integer" | "integer" => "整数",
        "f64" | "a float" | "float" => "数字",
        "a string" | "string" | "a borrowed string" => "字符串（加引号）",
        "a boolean" | "bool" | "boolean" => "布尔值 true 或 false",
        "a sequence" | "sequence" | "an array" | "array" => "数组 [ … ]",
        "a map" | "map" | "table" | "an inline table" => "表（[表名] 或 { … }）",
        "a number or a string (数字或字符串)" => "数字或字符串",
        "a datetime" | "datetime" => "日期时间",
        "" => "",
        other if other.starts_with("struct ") => "表（[表名] 或 { … }）",
        other => return other.to_string(),
    };
    name.to_string()
}

/// Reads files once, caching each folder's `jixiao.toml`.
#[derive(Default)]
pub struct Loader {
    folders: HashMap<PathBuf, Option<Parsed>>,
    /// Which folder each read `jixiao.toml` belongs to, so it is found in constant time.
    by_file: HashMap<FileId, PathBuf>,
}

/// A project file read together with its folder defaults.
pub struct LoadedProject {
    pub project: Parsed,
    pub folder: Option<FileId>,
    pub folder_problems: Vec<Problem>,
    /// [`Parsed::meant`] of the folder's `jixiao.toml`.
    pub folder_meant: Vec<String>,
}

impl LoadedProject {
    /// An entry that could not be read at all: a report of its own, with the reason.
    pub fn unreadable(sources: &mut Sources, path: &Path, message: &str) -> LoadedProject {
        LoadedProject {
            project: Parsed {
                file: sources.add(path.to_path_buf(), String::new()),
                raw: None,
                problems: vec![Problem::new(Code::UnreadableFile, "", message)],
                meant: Vec::new(),
            },
            folder: None,
            folder_problems: Vec::new(),
            folder_meant: Vec::new(),
        }
    }
}

/// The nearest folder at or above `dir` (as written, so a relative path stops at the current
/// folder) that holds a `.git`.
fn repository_top(dir: &Path) -> Option<PathBuf> {
    dir.ancestors().find_map(|d| {
        let here = if d.as_os_str().is_empty() {
            Path::new(".")
        } else {
            d
        };
        here.join(".git").exists().then(|| d.to_path_buf())
    })
}

impl Loader {
    /// Read one project file and its folder's `jixiao.toml` (the nearest one: a subfolder
    /// without its own takes its parent's, up to `root`, the folder named on the command line).
    /// A file that cannot be read becomes a problem of that file, so the rest are still checked.
    pub fn load(
        &mut self,
        sources: &mut Sources,
        path: &Path,
        root: Option<&Path>,
    ) -> LoadedProject {
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let folder = self.folder_for(sources, &dir, root);
        let (folder, folder_problems, folder_meant) = match folder {
            Some(f) => (Some(f.file), f.problems.clone(), f.meant.clone()),
            None => (None, Vec::new(), Vec::new()),
        };
        let project = match read(path) {
            Ok(text) => {
                let id = sources.add(path.to_path_buf(), text);
                parse(sources, id)
            }
            Err(problem) => Parsed {
                file: sources.add(path.to_path_buf(), String::new()),
                raw: None,
                problems: vec![problem],
                meant: Vec::new(),
            },
        };
        LoadedProject {
            project,
            folder,
            folder_problems,
            folder_meant,
        }
    }

    /// The parsed `jixiao.toml` that applies to files in `dir`.
    fn folder_for(
        &mut self,
        sources: &mut Sources,
        dir: &Path,
        root: Option<&Path>,
    ) -> Option<&Parsed> {
        let mut candidates = vec![dir.to_path_buf()];
        // A file named on its own (a pre-commit hook passes the changed files one by one)
        // looks as far up as the top of its git repository, so that it gets the same
        // `jixiao.toml` as when its folder is checked; outside a repository, its own folder's.
        let repository = root.is_none().then(|| repository_top(dir)).flatten();
        if let Some(root) = root.or(repository.as_deref()) {
            let mut d = dir;
            while d != root {
                match d.parent() {
                    Some(p) if d.starts_with(root) => {
                        candidates.push(p.to_path_buf());
                        d = p;
                    }
                    _ => break,
                }
            }
        }
        let mut chosen = None;
        for candidate in candidates {
            if !self.folders.contains_key(&candidate) {
                let folder_path = if candidate.as_os_str().is_empty() {
                    PathBuf::from(FOLDER_FILE)
                } else {
                    candidate.join(FOLDER_FILE)
                };
                // Anything there is read: a dangling link or a pipe named jixiao.toml is
                // reported, not taken for "no folder defaults".
                let present = folder_path.symlink_metadata().is_ok();
                let parsed = present.then(|| match read(&folder_path) {
                    Ok(text) => {
                        let id = sources.add(folder_path.clone(), text);
                        parse(sources, id)
                    }
                    Err(problem) => Parsed {
                        file: sources.add(folder_path.clone(), String::new()),
                        raw: None,
                        problems: vec![problem],
                        meant: Vec::new(),
                    },
                });
                if let Some(p) = &parsed {
                    self.by_file.insert(p.file, candidate.clone());
                }
                self.folders.insert(candidate.clone(), parsed);
            }
            if self.folders.get(&candidate).is_some_and(Option::is_some) {
                chosen = Some(candidate);
                break;
            }
        }
        self.folders.get(&chosen?).and_then(Option::as_ref)
    }

    /// The parsed folder defaults for a file id returned in [`LoadedProject::folder`].
    pub fn folder_raw(&self, id: FileId) -> Option<&RawFile> {
        let folder = self.by_file.get(&id)?;
        self.folders.get(folder)?.as_ref()?.raw.as_ref()
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
        assert_eq!(p.code(), "unknown-key");
        assert!(p.message.contains("level1"), "{}", p.message);
    }

    #[test]
    fn serde_messages_become_chinese() {
        let p = schema_problem("invalid type: string \"2024\", expected i64", None);
        assert_eq!(p.code(), "invalid-type");
        assert!(
            p.message
                .starts_with("类型不对：应为整数，实际写的是字符串“2024”"),
            "{}",
            p.message
        );
        let p = schema_problem(
            "invalid type: integer `99999999999999999999` as i128, expected i64",
            None,
        );
        assert_eq!(p.code(), "number-out-of-range");
        assert!(p.message.contains("超出整数范围"), "{}", p.message);
        let p = schema_problem("invalid type: boolean `true`, expected a sequence", None);
        assert!(p.message.contains("应为数组"), "{}", p.message);
    }

    #[test]
    fn tells_gbk_from_other_bytes() {
        // "项目名称" in GBK.
        let gbk = b"name = \"\xcf\xee\xc4\xbf\xc3\xfb\xb3\xc6\"\n";
        assert!(looks_like_gbk(gbk));
        assert!(!looks_like_gbk(b"plain ascii"));
        assert!(!looks_like_gbk(b"\xff\x00 binary"));
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.toml");
        std::fs::write(&file, gbk).unwrap();
        let p = read(&file).unwrap_err();
        assert_eq!(p.code(), "not-utf8");
        assert!(
            p.message.contains("GBK") && p.message.contains("iconv"),
            "{}",
            p.message
        );
    }
}
