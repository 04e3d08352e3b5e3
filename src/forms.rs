//! Form definitions (`templates/<id>/form.toml`): labels, fund rows, indicator order, scoring
//! defaults and number formats. Built-in forms are embedded; `--templates DIR` adds user forms
//! written the same way (a user form with a built-in's id replaces it).

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::raw::{RawPrint, RawScoring};

mod validate;

/// Where a form's files live.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormOrigin {
    /// Embedded in the binary (`templates/<id>/`).
    Builtin,
    /// A user folder given with `--templates`.
    Dir(PathBuf),
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FundRowSpec {
    pub key: String,
    pub label: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Level1Spec {
    pub name: String,
    pub level2: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FormatSpec {
    pub amount_decimals: Option<u32>,
    pub score_decimals: Option<u32>,
    pub rate_decimals: Option<u32>,
    /// How the 偏差原因分析及改进措施 cell is composed where points were lost, e.g.
    /// "目标{{ target }}，实际{{ actual }}，完成{{ ratio }}%，扣{{ lost }}分。原因：{{ reason }}".
    /// Off (the user's words alone) unless set; `jixiao.toml` or a project may override it.
    pub reason_format: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FormSpec {
    pub id: String,
    pub name: String,
    pub title: String,
    /// The amount unit the form's published seed prints (`"万元"` or `"元"`), the default of a
    /// project whose files give no `unit`; 万元 when a user form leaves it out.
    #[serde(default)]
    pub unit: Option<toml::Spanned<String>>,
    #[serde(default)]
    pub scoring: RawScoring,
    #[serde(default)]
    pub format: FormatSpec,
    pub fund_rows: Vec<FundRowSpec>,
    pub level1: Vec<Level1Spec>,
    #[serde(default)]
    pub labels: toml::Table,
    /// `[print]` as written in form.toml.
    #[serde(default, rename = "print")]
    pub print_table: RawPrint,
    /// The form's print options: defaults with `[print]` applied (a project may override them).
    #[serde(skip)]
    pub print: PrintOptions,
    #[serde(skip, default = "builtin")]
    pub origin: FormOrigin,
    /// The text of form.toml, kept so scoring defaults can be read exactly as written.
    #[serde(skip)]
    pub source: String,
}

fn builtin() -> FormOrigin {
    FormOrigin::Builtin
}

#[derive(Debug, thiserror::Error)]
pub enum FormError {
    #[error("表样定义 {path} 有误：{message} (invalid form definition)")]
    Invalid { path: String, message: String },
    #[error(
        "无法读取表样文件夹 {path}：{} (cannot read templates folder)",
        crate::output::describe_io(source)
    )]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

/// All forms available in this run.
#[derive(Debug, Clone)]
pub struct Forms {
    forms: Vec<FormSpec>,
    notes: Vec<String>,
}

fn parse_form(text: &str, origin: FormOrigin, path: &str) -> Result<FormSpec, FormError> {
    let mut spec: FormSpec = toml::from_str(text).map_err(|e| FormError::Invalid {
        path: path.to_string(),
        message: crate::load::describe_toml_error(&e, text),
    })?;
    if spec.id.is_empty()
        || !spec
            .id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return Err(FormError::Invalid {
            path: path.to_string(),
            message: format!("表样 id“{}”只能含小写字母、数字和连字符", spec.id),
        });
    }
    validate::validate(text, path)?;
    let mut keys: Vec<&str> = spec.fund_rows.iter().map(|r| r.key.as_str()).collect();
    keys.sort_unstable();
    if let Some(twice) = keys.windows(2).find(|w| w[0] == w[1]) {
        return Err(FormError::Invalid {
            path: path.to_string(),
            message: format!(
                "fund_rows 中 key“{}”出现了两次，每个资金行只能有一行",
                twice[0]
            ),
        });
    }
    if let Some(u) = &spec.unit
        && crate::model::AmountUnit::parse(u.get_ref()).is_none()
    {
        let file = crate::source::SourceFile::new(PathBuf::new(), text.to_string());
        let (line, column) = file.line_col(u.span().start);
        return Err(FormError::Invalid {
            path: path.to_string(),
            message: format!(
                "第 {line} 行第 {column} 列：金额单位 unit“{}”无效，应为“万元”或“元”",
                u.get_ref()
            ),
        });
    }
    let (overrides, errors) = PrintOverrides::read(&spec.print_table);
    if let Some(e) = errors.first() {
        let file = crate::source::SourceFile::new(PathBuf::new(), text.to_string());
        let (line, column) = file.line_col(e.span.start);
        return Err(FormError::Invalid {
            path: path.to_string(),
            message: format!(
                "第 {line} 行第 {column} 列：[print] {}：{}",
                e.field, e.message
            ),
        });
    }
    spec.print = PrintOptions::default()
        .with(&legacy_empty_level2(&spec.labels))
        .with(&overrides);
    spec.origin = origin;
    spec.source = text.to_string();
    Ok(spec)
}

/// Forms written before `[print]` chose the unused-二级 rows with `labels.empty_level2`
/// (`omit` | `blank` | `slash`); `[print]` overrides it.
fn legacy_empty_level2(labels: &toml::Table) -> PrintOverrides {
    let mut o = PrintOverrides::default();
    match labels.get("empty_level2").and_then(|v| v.as_str()) {
        Some("omit") => o.unused_level2 = Some(UnusedLevel2::Omit),
        Some("blank") => {
            o.unused_level2 = Some(UnusedLevel2::Print);
            o.unused_cells = Some(UnusedCells::Blank);
        }
        Some("slash") => {
            o.unused_level2 = Some(UnusedLevel2::Print);
            o.unused_cells = Some(UnusedCells::Slash);
        }
        _ => {}
    }
    o
}

// ---------------------------------------------------------------- print options

/// How 执行率 is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RateStyle {
    /// Always `rate_decimals` places: "100.00%", "78.40%".
    #[default]
    Fixed,
    /// Trailing zeros removed: "100%", "78.4%", "78.44%".
    Trimmed,
}

/// What a 其中 (fund source) row's 分值, 执行率 or 得分 cell shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceCell {
    /// The figure (`"rate"`, `"weight"`, `"score"`): the row's own 执行率, the 预算执行率 分值,
    /// the row's own 执行率 得分.
    Value,
    Blank,
    /// "—".
    Dash,
}

/// How an amount of zero is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ZeroAmount {
    /// Like any amount (`amount_decimals`): "0" or "0.00".
    #[default]
    Number,
    /// "0" whatever the decimals.
    Zero,
    Blank,
    Dash,
}

/// How an amount that was not written is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AbsentAmount {
    #[default]
    Blank,
    Dash,
}

/// Which 二级 rows without indicators are printed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum UnusedLevel2 {
    /// Every 二级 of the form gets a row.
    Print,
    /// Only the 二级 a project uses.
    #[default]
    Omit,
    /// Every 二级 but these (when unused): 重庆 forms that leave out 时效指标 only.
    OmitOnly(Vec<String>),
}

/// What the cells of a printed unused 二级 row hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum UnusedCells {
    #[default]
    Blank,
    /// "/" in every cell (新疆).
    Slash,
}

/// The `[print]` options of a form, as overridden by a folder and a project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrintOptions {
    pub rate: RateStyle,
    pub source_rate: SourceCell,
    pub source_weight: SourceCell,
    pub source_score: SourceCell,
    pub zero_amount: ZeroAmount,
    pub absent_amount: AbsentAmount,
    pub unused_level2: UnusedLevel2,
    pub unused_cells: UnusedCells,
    /// 分值 (of every row: indicators, 预算执行率, 总分): `score_decimals` places, or as written.
    pub weights: RateStyle,
    /// Each indicator's 得分 (not the 预算执行率 or total 得分): fixed places or trimmed.
    pub scores: RateStyle,
}

impl Default for PrintOptions {
    /// What a form without `[print]` prints (the national form, `mof-2020`).
    fn default() -> Self {
        PrintOptions {
            rate: RateStyle::Fixed,
            source_rate: SourceCell::Value,
            source_weight: SourceCell::Dash,
            source_score: SourceCell::Dash,
            zero_amount: ZeroAmount::Number,
            absent_amount: AbsentAmount::Blank,
            unused_level2: UnusedLevel2::Omit,
            unused_cells: UnusedCells::Blank,
            weights: RateStyle::Fixed,
            scores: RateStyle::Fixed,
        }
    }
}

impl PrintOptions {
    /// These options with the keys set in `o` replaced.
    pub fn with(&self, o: &PrintOverrides) -> PrintOptions {
        PrintOptions {
            rate: o.rate.unwrap_or(self.rate),
            source_rate: o.source_rate.unwrap_or(self.source_rate),
            source_weight: o.source_weight.unwrap_or(self.source_weight),
            source_score: o.source_score.unwrap_or(self.source_score),
            zero_amount: o.zero_amount.unwrap_or(self.zero_amount),
            absent_amount: o.absent_amount.unwrap_or(self.absent_amount),
            unused_level2: o
                .unused_level2
                .clone()
                .unwrap_or_else(|| self.unused_level2.clone()),
            unused_cells: o.unused_cells.unwrap_or(self.unused_cells),
            weights: o.weights.unwrap_or(self.weights),
            scores: o.scores.unwrap_or(self.scores),
        }
    }

    /// Whether the 二级 `level2` (canonical name) gets a row when no indicator uses it.
    pub fn prints_unused(&self, level2: &str) -> bool {
        match &self.unused_level2 {
            UnusedLevel2::Print => true,
            UnusedLevel2::Omit => false,
            UnusedLevel2::OmitOnly(names) => !names.iter().any(|n| n == level2),
        }
    }

    /// The text of each cell of a printed unused 二级 row.
    pub fn unused_fill(&self) -> &'static str {
        match self.unused_cells {
            UnusedCells::Blank => "",
            UnusedCells::Slash => "/",
        }
    }
}

/// The keys one `[print]` table sets (a form's, a folder's or a project's).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PrintOverrides {
    pub rate: Option<RateStyle>,
    pub source_rate: Option<SourceCell>,
    pub source_weight: Option<SourceCell>,
    pub source_score: Option<SourceCell>,
    pub zero_amount: Option<ZeroAmount>,
    pub absent_amount: Option<AbsentAmount>,
    pub unused_level2: Option<UnusedLevel2>,
    pub unused_cells: Option<UnusedCells>,
    pub weights: Option<RateStyle>,
    pub scores: Option<RateStyle>,
}

/// A bad value in a `[print]` table: the key, a Chinese message, where it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrintError {
    pub field: &'static str,
    pub message: String,
    pub span: std::ops::Range<usize>,
}

/// `value` looked up in `choices` (keyword → option); else an error naming every keyword.
fn choose<T: Copy>(
    value: &Option<toml::Spanned<String>>,
    field: &'static str,
    what: &str,
    choices: &[(&str, T, &str)],
    errors: &mut Vec<PrintError>,
) -> Option<T> {
    let v = value.as_ref()?;
    let found = choices.iter().find(|(k, _, _)| *k == v.get_ref().as_str());
    if found.is_none() {
        let valid: Vec<String> = choices
            .iter()
            .map(|(k, _, meaning)| format!("\"{k}\"（{meaning}）"))
            .collect();
        errors.push(PrintError {
            field,
            message: format!("{what}“{}”无效，应为 {}", v.get_ref(), valid.join("、")),
            span: v.span(),
        });
    }
    found.map(|(_, option, _)| *option)
}

impl PrintOverrides {
    /// Read one `[print]` table. A bad value is returned as an error and leaves its key unset
    /// (the layer below applies).
    pub fn read(raw: &RawPrint) -> (Self, Vec<PrintError>) {
        let mut errors = Vec::new();
        let e = &mut errors;
        let source = |figure: &'static str, meaning: &'static str| {
            [
                (figure, SourceCell::Value, meaning),
                ("blank", SourceCell::Blank, "留空"),
                ("dash", SourceCell::Dash, "印“—”"),
            ]
        };
        let places = |fixed: &'static str, trimmed: &'static str| {
            [
                ("fixed", RateStyle::Fixed, fixed),
                ("trimmed", RateStyle::Trimmed, trimmed),
            ]
        };
        let o = PrintOverrides {
            rate: choose(
                &raw.rate,
                "rate",
                "执行率印法",
                &places("固定小数位，如 100.00%", "去掉末尾的 0，如 100%、78.44%"),
                e,
            ),
            source_rate: choose(
                &raw.source_rate,
                "source_rate",
                "其中各行的执行率",
                &source("rate", "印该行的执行率"),
                e,
            ),
            source_weight: choose(
                &raw.source_weight,
                "source_weight",
                "其中各行的分值",
                &source("weight", "印预算执行率分值"),
                e,
            ),
            source_score: choose(
                &raw.source_score,
                "source_score",
                "其中各行的得分",
                &source("score", "印按该行执行率算出的得分"),
                e,
            ),
            zero_amount: choose(
                &raw.zero_amount,
                "zero_amount",
                "为 0 的金额",
                &[
                    ("number", ZeroAmount::Number, "同其他金额，如 0.00"),
                    ("0", ZeroAmount::Zero, "印 0"),
                    ("blank", ZeroAmount::Blank, "留空"),
                    ("dash", ZeroAmount::Dash, "印“—”"),
                ],
                e,
            ),
            absent_amount: choose(
                &raw.absent_amount,
                "absent_amount",
                "未填写的金额",
                &[
                    ("blank", AbsentAmount::Blank, "留空"),
                    ("dash", AbsentAmount::Dash, "印“—”"),
                ],
                e,
            ),
            unused_level2: raw.unused_level2.as_ref().and_then(|v| unused_level2(v, e)),
            unused_cells: choose(
                &raw.unused_cells,
                "unused_cells",
                "没有指标的二级指标行",
                &[
                    ("blank", UnusedCells::Blank, "各格留空"),
                    ("slash", UnusedCells::Slash, "各格印“/”"),
                ],
                e,
            ),
            weights: choose(
                &raw.weights,
                "weights",
                "分值印法",
                &places("按得分的小数位，如 10.00", "去掉末尾的 0，如 10、2.5"),
                e,
            ),
            scores: choose(
                &raw.scores,
                "scores",
                "各指标得分印法",
                &places("固定小数位，如 10.00", "去掉末尾的 0，如 10、0.15"),
                e,
            ),
        };
        (o, errors)
    }

    /// `other`'s keys over these.
    pub fn overlay(&mut self, other: &PrintOverrides) {
        // Destructured without `..`, so that a new key cannot be forgotten here.
        let PrintOverrides {
            rate,
            source_rate,
            source_weight,
            source_score,
            zero_amount,
            absent_amount,
            unused_level2,
            unused_cells,
            weights,
            scores,
        } = other;
        macro_rules! over {
            ($($key:ident),*) => { $( if $key.is_some() { self.$key = $key.clone(); } )* };
        }
        over!(
            rate,
            source_rate,
            source_weight,
            source_score,
            zero_amount,
            absent_amount,
            unused_level2,
            unused_cells,
            weights,
            scores
        );
    }
}

/// `unused_level2`: "print", "omit", or an array of canonical 二级 names.
fn unused_level2(
    v: &toml::Spanned<toml::Value>,
    errors: &mut Vec<PrintError>,
) -> Option<UnusedLevel2> {
    let span = v.span();
    let usage = "应为 \"print\"（每个二级指标都印一行）、\"omit\"（不印没有指标的二级指标）或二级指标名称的数组（只略去这些没有指标的二级指标），如 [\"时效指标\"]";
    let mut error = |message: String| {
        errors.push(PrintError {
            field: "unused_level2",
            message,
            span: span.clone(),
        });
        None
    };
    match v.get_ref() {
        toml::Value::String(s) if s == "print" => Some(UnusedLevel2::Print),
        toml::Value::String(s) if s == "omit" => Some(UnusedLevel2::Omit),
        toml::Value::String(s) => error(format!("没有指标的二级指标行“{s}”无效，{usage}")),
        toml::Value::Array(items) => {
            let canonical: Vec<&str> = crate::model::LEVELS
                .iter()
                .flat_map(|(_, l2)| l2.iter().copied())
                .collect();
            let mut names = Vec::new();
            for item in items {
                match item.as_str() {
                    Some(name) if canonical.contains(&name) => names.push(name.to_string()),
                    Some(name) => {
                        return error(format!(
                            "“{name}”不是二级指标的规范名称；有效名称：{}",
                            canonical.join("、")
                        ));
                    }
                    None => return error(format!("数组中的“{item}”不是文字，{usage}")),
                }
            }
            Some(UnusedLevel2::OmitOnly(names))
        }
        other => error(format!("没有指标的二级指标行写成了“{other}”，{usage}")),
    }
}

impl Forms {
    /// The built-in forms only.
    pub fn builtin() -> Self {
        let mut forms: Vec<FormSpec> = crate::assets::TEMPLATES
            .dirs()
            .filter_map(|dir| {
                let file = dir.get_file(dir.path().join("form.toml"))?;
                let text = file.contents_utf8()?;
                // Built-in forms are tested; a broken one is a build defect, surfaced by tests.
                parse_form(
                    text,
                    FormOrigin::Builtin,
                    &file.path().display().to_string(),
                )
                .ok()
            })
            .collect();
        forms.sort_by(|a, b| a.id.cmp(&b.id));
        Forms {
            forms,
            notes: Vec::new(),
        }
    }

    /// Built-in forms plus the user forms of `--templates` folders, found by the same scan the
    /// renderer uses ([`crate::render::user_form_folders`]); why a folder was skipped is kept in
    /// [`Forms::notes`].
    pub fn with_user_dirs(dirs: &[PathBuf]) -> Result<Self, FormError> {
        let mut forms = Self::builtin();
        let (folders, notes) =
            crate::render::user_form_folders(dirs).map_err(|e| FormError::Invalid {
                path: dirs
                    .iter()
                    .map(|d| d.display().to_string())
                    .collect::<Vec<_>>()
                    .join("、"),
                message: e.to_string(),
            })?;
        forms.notes = notes;
        for folder in folders {
            let toml_path = folder.join("form.toml");
            let text = std::fs::read_to_string(&toml_path).map_err(|source| FormError::Io {
                path: toml_path.display().to_string(),
                source,
            })?;
            let spec = parse_form(
                &text,
                FormOrigin::Dir(folder.clone()),
                &toml_path.display().to_string(),
            )?;
            let expected = folder.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if spec.id != expected {
                return Err(FormError::Invalid {
                    path: toml_path.display().to_string(),
                    message: format!("id“{}”应与文件夹名“{expected}”相同", spec.id),
                });
            }
            forms.forms.retain(|f| f.id != spec.id);
            forms.forms.push(spec);
        }
        forms.forms.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(forms)
    }

    /// Why user form folders were skipped (shown by `jixiao forms` and on stderr).
    pub fn notes(&self) -> &[String] {
        &self.notes
    }

    pub fn get(&self, id: &str) -> Option<&FormSpec> {
        self.forms.iter().find(|f| f.id == id)
    }

    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.forms.iter().map(|f| f.id.as_str())
    }

    pub fn iter(&self) -> impl Iterator<Item = &FormSpec> {
        self.forms.iter()
    }
}

impl FormSpec {
    /// The 二级 name this form prints for a canonical one (xinjiang prints 满意度指标 for
    /// 满意度): `labels.level2_names`, else the canonical name. PDF and xlsx both ask here.
    pub fn printed_level2<'a>(&'a self, level2: &'a str) -> &'a str {
        self.labels
            .get("level2_names")
            .and_then(|names| names.get(level2))
            .and_then(|v| v.as_str())
            .unwrap_or(level2)
    }

    /// The unit of a project that sets none: the form's `unit`, else 万元.
    pub fn amount_unit(&self) -> crate::model::AmountUnit {
        self.unit
            .as_ref()
            .and_then(|u| crate::model::AmountUnit::parse(u.get_ref()))
            .unwrap_or(crate::model::AmountUnit::Wanyuan)
    }

    /// The folder of a user form (None for built-ins).
    pub fn dir(&self) -> Option<&Path> {
        match &self.origin {
            FormOrigin::Builtin => None,
            FormOrigin::Dir(p) => Some(p),
        }
    }

    /// The form's 一级 name for a 二级 name, if the form has it.
    pub fn has_level(&self, level1: &str, level2: &str) -> bool {
        self.level1
            .iter()
            .any(|l| l.name == level1 && l.level2.iter().any(|n| n == level2))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> (PrintOverrides, Vec<PrintError>) {
        #[derive(Deserialize)]
        struct Doc {
            print: RawPrint,
        }
        let doc: Doc = toml::from_str(text).unwrap();
        PrintOverrides::read(&doc.print)
    }

    const FORM_HEAD: &str = "id = \"t\"\nname = \"t\"\ntitle = \"t\"\nfund_rows = [{ key = \"total\", label = \"年度资金总额\" }]\n[[level1]]\nname = \"产出指标\"\nlevel2 = [\"数量指标\", \"时效指标\"]\n";

    #[test]
    fn reads_every_print_option() {
        let (o, errors) = read(
            "[print]\nrate = \"trimmed\"\nsource_rate = \"blank\"\nsource_weight = \"weight\"\nsource_score = \"score\"\nzero_amount = \"0\"\nabsent_amount = \"dash\"\nunused_level2 = [\"时效指标\"]\nunused_cells = \"slash\"\n",
        );
        assert!(errors.is_empty(), "{errors:?}");
        let p = PrintOptions::default().with(&o);
        assert_eq!(p.rate, RateStyle::Trimmed);
        assert_eq!(p.source_rate, SourceCell::Blank);
        assert_eq!(p.source_weight, SourceCell::Value);
        assert_eq!(p.source_score, SourceCell::Value);
        assert_eq!(p.zero_amount, ZeroAmount::Zero);
        assert_eq!(p.absent_amount, AbsentAmount::Dash);
        assert_eq!(
            p.unused_level2,
            UnusedLevel2::OmitOnly(vec!["时效指标".into()])
        );
        assert!(!p.prints_unused("时效指标") && p.prints_unused("质量指标"));
        assert_eq!(p.unused_fill(), "/");
        let (o, _) = read("[print]\nunused_level2 = \"print\"\nzero_amount = \"number\"\n");
        assert_eq!(o.unused_level2, Some(UnusedLevel2::Print));
        assert_eq!(o.zero_amount, Some(ZeroAmount::Number));
        assert_eq!(o.rate, None);
    }

    #[test]
    fn bad_print_values_are_named_in_chinese() {
        let (o, errors) = read(
            "[print]\nrate = \"fix\"\nsource_score = \"rate\"\nunused_level2 = [\"时效\"]\nunused_cells = \"none\"\nabsent_amount = \"0\"\n",
        );
        assert_eq!(o, PrintOverrides::default());
        let fields: Vec<&str> = errors.iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            [
                "rate",
                "source_score",
                "absent_amount",
                "unused_level2",
                "unused_cells"
            ]
        );
        assert!(
            errors[0].message.contains("执行率印法“fix”无效"),
            "{}",
            errors[0].message
        );
        assert!(errors[0].message.contains("\"trimmed\""));
        assert!(errors[1].message.contains("\"score\"") && errors[1].message.contains("\"dash\""));
        assert!(errors[3].message.contains("“时效”不是二级指标的规范名称"));
        let (_, errors) = read("[print]\nunused_level2 = 3\n");
        assert!(
            errors[0].message.contains("\"omit\""),
            "{}",
            errors[0].message
        );
    }

    #[test]
    fn later_layers_override_key_by_key() {
        let (mut folder, _) = read("[print]\nrate = \"fixed\"\nsource_rate = \"dash\"\n");
        let (project, _) = read("[print]\nrate = \"trimmed\"\n");
        folder.overlay(&project);
        assert_eq!(folder.rate, Some(RateStyle::Trimmed));
        assert_eq!(folder.source_rate, Some(SourceCell::Dash));
    }

    #[test]
    fn form_print_table_is_parsed_and_checked() {
        let spec = parse_form(
            &format!("{FORM_HEAD}[print]\nrate = \"trimmed\"\nunused_level2 = \"print\"\n"),
            FormOrigin::Builtin,
            "t/form.toml",
        )
        .unwrap();
        assert_eq!(spec.print.rate, RateStyle::Trimmed);
        assert_eq!(spec.print.unused_level2, UnusedLevel2::Print);
        assert_eq!(spec.print.source_rate, SourceCell::Value);
        let err = parse_form(
            &format!("{FORM_HEAD}[print]\nsource_rate = \"value\"\n"),
            FormOrigin::Builtin,
            "t/form.toml",
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("第 9 行")
                && err.contains("[print] source_rate")
                && err.contains("“value”无效"),
            "{err}"
        );
        let err = parse_form(
            &format!("{FORM_HEAD}[print]\nrates = \"fixed\"\n"),
            FormOrigin::Builtin,
            "t/form.toml",
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("未知的键“rates”"), "{err}");
        // Forms written before [print]: labels.empty_level2 still chooses the unused rows.
        let spec = parse_form(
            &format!("{FORM_HEAD}[labels]\nempty_level2 = \"slash\"\n"),
            FormOrigin::Builtin,
            "t/form.toml",
        )
        .unwrap();
        assert_eq!(spec.print.unused_level2, UnusedLevel2::Print);
        assert_eq!(spec.print.unused_cells, UnusedCells::Slash);
    }

    #[test]
    fn builtin_forms_print_like_their_seeds() {
        let forms = Forms::builtin();
        let p = |id: &str| forms.get(id).unwrap().print.clone();
        assert_eq!(p("mof-2020"), PrintOptions::default());
        assert_eq!(p("beijing").rate, RateStyle::Trimmed);
        assert_eq!(p("beijing").source_rate, SourceCell::Blank);
        assert_eq!(p("inner-mongolia").rate, RateStyle::Trimmed);
        assert_eq!(p("shanghai").zero_amount, ZeroAmount::Zero);
        assert_eq!(p("shanghai").source_score, SourceCell::Blank);
        assert_eq!(p("chongqing").unused_level2, UnusedLevel2::Print);
        assert_eq!(p("xinjiang").unused_cells, UnusedCells::Slash);
        assert_eq!(p("xinjiang").source_rate, SourceCell::Dash);
        assert_eq!(forms.iter().count(), 6, "every built-in form.toml parses");
    }
}
