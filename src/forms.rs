//! Form definitions (`templates/<id>/form.toml`): labels, fund rows, indicator order, scoring
//! defaults and number formats. Built-in forms are embedded; `--templates DIR` adds user forms
//! written the same way (a user form with a built-in's id replaces it).

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::raw::RawScoring;

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
    #[serde(default)]
    pub scoring: RawScoring,
    #[serde(default)]
    pub format: FormatSpec,
    pub fund_rows: Vec<FundRowSpec>,
    pub level1: Vec<Level1Spec>,
    #[serde(default)]
    pub labels: toml::Table,
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
    spec.origin = origin;
    spec.source = text.to_string();
    Ok(spec)
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
