//! Where each key of a project file belongs, and what an unknown key was meant to be.
//!
//! Unknown keys are taken out of the parsed tree before it is read into [`RawFile`], each as one
//! `unknown-key` problem, so the rest of the file is still checked and scored and every unknown
//! key is listed at once. A key that is a label of the printed form (`偏差原因`) is told its key
//! (`reason`, [`crate::labels`]); a key written in the wrong table is told the table it belongs
//! in (`reason` under `[funds.district]` → `[funds]`).

use std::cell::Cell;
use std::ops::Range;

use serde::de::{self, DeserializeOwned, Visitor};
use toml::de::{DeTable, DeValue};

use crate::labels::{self, Block};
use crate::raw::{
    RawBundle, RawFile, RawFundRow, RawFunds, RawGoals, RawIndicator, RawPrint, RawProjectInfo,
    RawScoring, RawSignature, RawTier,
};

/// A table of a project file (or of a folder's `jixiao.toml`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Table {
    File,
    Project,
    Funds,
    FundRow,
    Goals,
    Indicator,
    Tier,
    Scoring,
    Print,
    Signature,
    Bundle,
}

/// What a key of a table holds, when it is itself a table or a list of tables.
enum Child {
    Table(Table),
    List(Table),
}

impl Table {
    const ALL: [Table; 11] = [
        Table::File,
        Table::Project,
        Table::Funds,
        Table::FundRow,
        Table::Goals,
        Table::Indicator,
        Table::Tier,
        Table::Scoring,
        Table::Print,
        Table::Signature,
        Table::Bundle,
    ];

    /// The keys the table accepts: the fields of its `Raw*` struct, as serde reads them.
    pub fn fields(self) -> &'static [&'static str] {
        match self {
            Table::File => fields_of::<RawFile>(),
            Table::Project => fields_of::<RawProjectInfo>(),
            Table::Funds => fields_of::<RawFunds>(),
            Table::FundRow => fields_of::<RawFundRow>(),
            Table::Goals => fields_of::<RawGoals>(),
            Table::Indicator => fields_of::<RawIndicator>(),
            Table::Tier => fields_of::<RawTier>(),
            Table::Scoring => fields_of::<RawScoring>(),
            Table::Print => fields_of::<RawPrint>(),
            Table::Signature => fields_of::<RawSignature>(),
            Table::Bundle => fields_of::<RawBundle>(),
        }
    }

    fn child(self, key: &str) -> Option<Child> {
        Some(match (self, key) {
            (Table::File, "project") => Child::Table(Table::Project),
            (Table::File, "funds") => Child::Table(Table::Funds),
            (Table::File, "goals") => Child::Table(Table::Goals),
            (Table::File, "indicators") => Child::List(Table::Indicator),
            (Table::File, "scoring") => Child::Table(Table::Scoring),
            (Table::File, "print") => Child::Table(Table::Print),
            (Table::File, "signature") => Child::Table(Table::Signature),
            (Table::File, "bundle") => Child::Table(Table::Bundle),
            (Table::Funds, k) if k != "reason" && Table::Funds.fields().contains(&k) => {
                Child::Table(Table::FundRow)
            }
            (Table::Indicator, "tiers") => Child::List(Table::Tier),
            _ => return None,
        })
    }

    /// The table this one is written in.
    fn parent(self) -> Option<Table> {
        match self {
            Table::File => None,
            Table::FundRow => Some(Table::Funds),
            Table::Tier => Some(Table::Indicator),
            _ => Some(Table::File),
        }
    }

    /// How a clerk finds the table in the file.
    fn header(self) -> &'static str {
        match self {
            Table::File => "文件开头（第一个 [表] 之前）",
            Table::Project => "[project]",
            Table::Funds => "[funds]",
            Table::FundRow => "资金行（如 [funds.fiscal]）",
            Table::Goals => "[goals]",
            Table::Indicator => "[[indicators]]",
            Table::Tier => "[[indicators.tiers]]",
            Table::Scoring => "[scoring]",
            Table::Print => "[print]",
            Table::Signature => "[signature]",
            Table::Bundle => "[bundle]",
        }
    }

    /// The table a header path such as `["funds", "district"]` opens.
    fn of_path<'a>(path: impl IntoIterator<Item = &'a str>) -> Option<Table> {
        path.into_iter()
            .try_fold(Table::File, |t, key| match t.child(key)? {
                Child::Table(c) | Child::List(c) => Some(c),
            })
    }
}

/// The field names serde's derive passes to `deserialize_struct` (no second list to keep in
/// step with `raw.rs`).
fn fields_of<T: DeserializeOwned>() -> &'static [&'static str] {
    struct Probe<'a>(&'a Cell<&'static [&'static str]>);
    impl<'de> de::Deserializer<'de> for Probe<'_> {
        type Error = de::value::Error;
        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
            Err(de::Error::custom("probe"))
        }
        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Self::Error> {
            self.0.set(fields);
            Err(de::Error::custom("probe"))
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
            option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
            ignored_any
        }
    }
    let fields = Cell::new(&[][..]);
    let _ = T::deserialize(Probe(&fields));
    fields.get()
}

/// A key taken out of the tree because its table has no such key.
#[derive(Debug, Clone, PartialEq)]
pub struct Unknown {
    /// The key as written.
    pub key: String,
    /// Its path, e.g. `funds.district.reason`, `indicators[2].偏差原因`.
    pub path: String,
    pub span: Range<usize>,
    /// What it should be and where, in Chinese first.
    pub message: String,
    /// The path of the field the message tells the user to write (`indicators[2].reason`): a
    /// problem that only says that field is missing follows from this one.
    pub meant: Option<String>,
}

/// Take every key no table accepts out of `root`, in the order they are written.
pub fn take_unknown(root: &mut DeTable<'_>) -> Vec<Unknown> {
    let mut out = Vec::new();
    walk(root, Table::File, &mut Vec::new(), &mut out);
    out.sort_by_key(|u| u.span.start);
    out
}

fn walk(table: &mut DeTable<'_>, kind: Table, path: &mut Vec<String>, out: &mut Vec<Unknown>) {
    let fields = kind.fields();
    let unknown: Vec<(String, Range<usize>)> = table
        .keys()
        .filter(|k| !fields.contains(&k.get_ref().as_ref()))
        .map(|k| (k.get_ref().to_string(), k.span()))
        .collect();
    for (key, span) in unknown {
        table.remove(key.as_str());
        out.push(advise(&key, span, kind, path));
    }
    for (key, value) in table.iter_mut() {
        let key = key.get_ref().as_ref();
        match (kind.child(key), value.get_mut()) {
            (Some(Child::Table(child)), DeValue::Table(sub)) => {
                path.push(key.to_string());
                walk(sub, child, path, out);
                path.pop();
            }
            (Some(Child::List(child)), DeValue::Array(items)) => {
                for (i, item) in items.iter_mut().enumerate() {
                    if let DeValue::Table(sub) = item.get_mut() {
                        path.push(format!("{key}[{i}]"));
                        walk(sub, child, path, out);
                        path.pop();
                    }
                }
            }
            _ => {}
        }
    }
}

/// Where the table at `path` is, as the file writes it: `[funds.district]`, `[[indicators]]`
/// 第 3 项.
fn place(kind: Table, path: &[String]) -> String {
    match (kind, path.last()) {
        (Table::File, _) => kind.header().to_string(),
        (Table::Indicator | Table::Tier, Some(last)) => {
            let n = last
                .rsplit_once('[')
                .and_then(|(_, i)| i.trim_end_matches(']').parse::<usize>().ok())
                .map_or(0, |i| i + 1);
            format!("{}（第 {n} 项）", kind.header())
        }
        _ => format!("[{}]", path.join(".")),
    }
}

fn join(path: &[String], key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{}.{key}", path.join("."))
    }
}

/// The message for `key` written in `kind` at `path`.
fn advise(key: &str, span: Range<usize>, kind: Table, path: &[String]) -> Unknown {
    let here = place(kind, path);
    let (message, meant) = label_advice(key, kind, &here, path)
        .or_else(|| elsewhere_advice(key, kind, &here, path))
        .unwrap_or_else(|| typo_advice(key, kind, path));
    Unknown {
        key: key.to_string(),
        path: join(path, key),
        span,
        message,
        meant,
    }
}

/// Where a form label's key is written: the table, and the key in it.
fn table_of(block: Block, key: &'static str) -> (Table, &'static str) {
    let table = match block {
        Block::File => Table::File,
        Block::Project => Table::Project,
        Block::FundSource => Table::Funds,
        Block::FundColumn if key == "budget_weight" => Table::Scoring,
        Block::FundColumn => Table::FundRow,
        Block::Goals => Table::Goals,
        Block::Indicator => Table::Indicator,
        Block::Signature => Table::Signature,
    };
    (table, key)
}

/// `偏差原因` → `reason`: the key a label of the printed form stands for, preferring one the
/// table where it stands accepts (`偏差原因` in `[funds]` is `funds.reason`).
fn label_advice(
    key: &str,
    kind: Table,
    here: &str,
    path: &[String],
) -> Option<(String, Option<String>)> {
    let meanings: Vec<(Table, &str)> = labels::meanings(key)
        .into_iter()
        .map(|(b, k)| table_of(b, k))
        .collect();
    let local = meanings
        .iter()
        .map(|(_, k)| *k)
        .find(|k| kind.fields().contains(k));
    if let Some(k) = local {
        let within = match kind {
            Table::File => "在文件开头（第一个 [表] 之前）".to_string(),
            _ => format!("在 {here} 中"),
        };
        let write = match kind.child(k) {
            Some(Child::Table(_)) => format!("[{}] ", join(path, k)),
            Some(Child::List(_)) => format!("[[{}]] ", join(path, k)),
            None => format!("{k}（{within}写 {k} = …）"),
        };
        return Some((
            format!(
                "“{key}”是表上的栏目名，不是 jixiao 的键：请写作 {write}(form label, write `{k}`)"
            ),
            Some(join(path, k)),
        ));
    }
    let (table, k) = *meanings.first()?;
    Some((
        format!(
            "“{key}”是表上的栏目名，对应 {} 中的键 {k}，不能写在 {here} 中 \
             (form label; `{k}` belongs in {})",
            table.header(),
            table.header()
        ),
        None,
    ))
}

/// A key of another table: the nearest table that has it (an enclosing one first).
fn elsewhere_advice(
    key: &str,
    kind: Table,
    here: &str,
    path: &[String],
) -> Option<(String, Option<String>)> {
    let mut ancestors = Vec::new();
    let mut t = kind.parent();
    while let Some(p) = t {
        ancestors.push(p);
        t = p.parent();
    }
    let owners: Vec<Table> = Table::ALL
        .into_iter()
        .filter(|t| *t != kind && t.fields().contains(&key))
        .collect();
    let best = ancestors
        .iter()
        .find(|a| owners.contains(a))
        .or_else(|| owners.first())
        .copied()?;
    // The enclosing table's path is a prefix of this one's: `funds.district` → `funds`.
    let meant = ancestors.iter().position(|a| *a == best).map(|up| {
        let keep = path.len().saturating_sub(up + 1);
        join(&path[..keep], key)
    });
    let to = match best {
        Table::File => best.header().to_string(),
        Table::Indicator => " [[indicators]] 的各项中".to_string(),
        Table::FundRow => "资金行中（如 [funds.fiscal]）".to_string(),
        Table::Tier => " [[indicators.tiers]] 中".to_string(),
        _ => format!(" {} 表中", best.header()),
    };
    let english = match best {
        Table::FundRow => "a fund row such as [funds.fiscal]",
        _ => best.header(),
    };
    let how = match best {
        Table::File | Table::FundRow | Table::Indicator | Table::Tier => String::new(),
        _ => format!(
            "：在 {h} 这一行下面写 {key} = …（文件中没有 {h} 就加上这一行）",
            h = best.header()
        ),
    };
    Some((
        format!(
            "键“{key}”不能写在 {here} 中，它应写在{to}{how} (key `{key}` belongs in {english})"
        ),
        meant,
    ))
}

/// A misspelt key: the closest key of its table, or the list of them.
fn typo_advice(key: &str, kind: Table, path: &[String]) -> (String, Option<String>) {
    let (message, closest) = typo_message(key, kind.fields());
    (message, closest.map(|s| join(path, s)))
}

/// "未知的键“levl1”；是否想写“level1”？", or the list of `expected` when none is close; and the
/// key suggested.
pub fn typo_message<'a>(key: &str, expected: &[&'a str]) -> (String, Option<&'a str>) {
    let closest = expected
        .iter()
        .map(|k| (strsim::jaro_winkler(key, k), *k))
        .filter(|(score, _)| *score > 0.7)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| k);
    let tail = match closest {
        Some(s) => format!("；是否想写“{s}”？(did you mean `{s}`?)"),
        None => format!("；此处可用的键：{}", expected.join("、")),
    };
    (format!("未知的键“{key}”(unknown key){tail}"), closest)
}

/// For a key TOML cannot read bare (`偏差原因 = "…"`, `[funds.财政拨款]`): the key it was meant
/// to be, found from the text at `at` and the table header above it; `None` when the key is no
/// form label.
pub fn bare_key_advice(text: &str, at: usize) -> Option<String> {
    let at = at.min(text.len());
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    let line = text[start..end].trim();
    let (key, table_path): (&str, Vec<&str>) = if let Some(header) = line.strip_prefix('[') {
        let inner = header.trim_start_matches('[');
        let inner = inner.split(']').next().unwrap_or(inner);
        let parts: Vec<&str> = inner.split('.').map(str::trim).collect();
        let bad = parts.iter().position(|p| !is_bare(p))?;
        (parts[bad], parts[..bad].to_vec())
    } else {
        let key = line.split(['=', '.']).next().unwrap_or(line).trim();
        (key, enclosing_header(&text[..start]))
    };
    let kind = Table::of_path(table_path.iter().copied())?;
    let path: Vec<String> = table_path.iter().map(|s| s.to_string()).collect();
    let here = if kind == Table::Indicator {
        kind.header().to_string()
    } else {
        place(kind, &path)
    };
    label_advice(key, kind, &here, &path).map(|(m, _)| m)
}

/// A key TOML reads without quotes.
fn is_bare(key: &str) -> bool {
    !key.is_empty()
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// The path of the last `[table]` or `[[table]]` header in `before`.
fn enclosing_header(before: &str) -> Vec<&str> {
    before
        .lines()
        .rev()
        .map(str::trim)
        .find(|l| l.starts_with('['))
        .map(|l| {
            let inner = l.trim_start_matches('[');
            let inner = inner.split(']').next().unwrap_or(inner);
            inner
                .split('.')
                .map(|p| p.trim().trim_matches('"'))
                .collect()
        })
        .unwrap_or_default()
}

/// The span of a `[name]` header line in `text` (the table written out, not only implied by
/// `[name.row]`).
pub fn header_span(text: &str, name: &str) -> Option<Range<usize>> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim();
        let code = trimmed.split('#').next().unwrap_or("").trim();
        if let Some(inner) = code.strip_prefix('[').and_then(|c| c.strip_suffix(']'))
            && !inner.starts_with('[')
            && inner.trim().trim_matches('"') == name
        {
            let lead = line.len() - line.trim_start().len();
            return Some(offset + lead..offset + lead + code.len());
        }
        offset += line.len();
    }
    None
}

/// Every key some table accepts.
pub fn all_keys() -> Vec<&'static str> {
    let mut keys: Vec<&str> = Table::ALL
        .iter()
        .flat_map(|t| t.fields())
        .copied()
        .collect();
    keys.sort_unstable();
    keys.dedup();
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unknown(text: &str) -> Vec<Unknown> {
        let mut root = DeTable::parse(text).unwrap().into_inner();
        take_unknown(&mut root)
    }

    #[test]
    fn the_tables_fields_are_the_raw_structs() {
        assert_eq!(
            Table::FundRow.fields(),
            ["initial", "budget", "executed", "rate", "score"]
        );
        let mut known = crate::raw::KNOWN_KEYS.to_vec();
        known.sort_unstable();
        known.dedup();
        assert_eq!(all_keys(), known);
    }

    #[test]
    fn a_form_label_is_told_its_key_where_it_stands() {
        let u = unknown("[[indicators]]\nname = \"a\"\n\"偏差原因\" = \"x\"\n");
        assert_eq!(u.len(), 1);
        assert_eq!(u[0].path, "indicators[0].偏差原因");
        assert_eq!(u[0].meant.as_deref(), Some("indicators[0].reason"));
        assert_eq!(
            u[0].message,
            "“偏差原因”是表上的栏目名，不是 jixiao 的键：请写作 reason（在 \
             [[indicators]]（第 1 项） 中写 reason = …）(form label, write `reason`)"
        );
        let u = unknown("[funds]\n\"偏差原因\" = \"x\"\n[funds.\"财政拨款\"]\nbudget = 1\n");
        assert_eq!(u[0].meant.as_deref(), Some("funds.reason"));
        assert_eq!(u[1].meant.as_deref(), Some("funds.fiscal"));
        assert!(
            u[1].message.contains("请写作 [funds.fiscal] (form label"),
            "{}",
            u[1].message
        );
    }

    #[test]
    fn a_key_of_another_table_is_told_where_it_belongs() {
        let u = unknown("[funds.district]\nbudget = 1\nreason = \"延期\"\n");
        assert_eq!(u[0].path, "funds.district.reason");
        assert_eq!(u[0].meant.as_deref(), Some("funds.reason"));
        assert_eq!(
            u[0].message,
            "键“reason”不能写在 [funds.district] 中，它应写在 [funds] 表中：在 [funds] 这一行下面写 \
             reason = …（文件中没有 [funds] 就加上这一行） (key `reason` belongs in [funds])"
        );
        let u = unknown("[funds]\nbudget = 5\n[funds.fiscal]\nbudget = 1\n");
        assert_eq!(
            u[0].message,
            "键“budget”不能写在 [funds] 中，它应写在资金行中（如 [funds.fiscal]） \
             (key `budget` belongs in a fund row such as [funds.fiscal])"
        );
        let u = unknown("[funds.fiscal]\nactual = \"1\"\n");
        assert!(
            u[0].message.contains("[[indicators]] 的各项中"),
            "{}",
            u[0].message
        );
        assert_eq!(u[0].meant, None);
    }

    #[test]
    fn every_unknown_key_is_listed_in_file_order() {
        let u = unknown("yaer = 1\n[project]\nnmae = \"a\"\n[[indicators]]\nlevl1 = \"x\"\n");
        let paths: Vec<&str> = u.iter().map(|u| u.path.as_str()).collect();
        assert_eq!(paths, ["yaer", "project.nmae", "indicators[0].levl1"]);
        assert_eq!(u[2].meant.as_deref(), Some("indicators[0].level1"));
    }

    #[test]
    fn a_bare_chinese_key_is_told_its_key() {
        let text = "year = 2024\n[[indicators]]\nname = \"a\"\n偏差原因 = \"x\"\n";
        let at = text.find("偏差").unwrap();
        assert_eq!(
            bare_key_advice(text, at).unwrap(),
            "“偏差原因”是表上的栏目名，不是 jixiao 的键：请写作 reason（在 \
             [[indicators]] 中写 reason = …）(form label, write `reason`)"
        );
        let text = "[funds.财政拨款]\nbudget = 1\n";
        assert!(
            bare_key_advice(text, 7)
                .unwrap()
                .contains("请写作 [funds.fiscal]"),
            "{:?}",
            bare_key_advice(text, 7)
        );
        assert_eq!(bare_key_advice("名字 = 1\n", 0), None);
        assert_eq!(
            bare_key_advice("year = 2024\n[[绩效指标]]\n", 14).unwrap(),
            "“绩效指标”是表上的栏目名，不是 jixiao 的键：请写作 [[indicators]] (form label, write \
             `indicators`)"
        );
    }

    #[test]
    fn finds_a_written_table_header() {
        let text = "year = 1\n[funds.fiscal]\nbudget = 1\n  [funds]  # 原因\nreason = \"\"\n";
        let span = header_span(text, "funds").unwrap();
        assert_eq!(&text[span], "[funds]");
        assert_eq!(header_span("[funds.fiscal]\n", "funds"), None);
    }
}
