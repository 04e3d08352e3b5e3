//! Typst diagnostics → [`Diagnostic`] with template file, line and column.

use std::collections::HashMap;
use std::fmt;

use typst::diag::{Severity, SourceDiagnostic};
use typst::syntax::{DiagSpan, DiagSpanKind, FileId, Source};

/// Whether a diagnostic stops the render.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Error,
    Warning,
}

/// A position in a template (or generated) file. Line and column are 1-based;
/// the column counts characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// `templates/<id>/form.typ` for built-in forms, the real path for user forms,
    /// `<main.typ>` / `<data /data.json>` for generated files.
    pub file: String,
    pub line: usize,
    pub column: usize,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// One Typst error or warning.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub level: Level,
    pub message: String,
    pub hints: Vec<String>,
    /// Where in a template; `None` when the problem has no source position.
    pub location: Option<Location>,
    /// Call stack, innermost first: "in function call at templates/…:12:3".
    pub trace: Vec<String>,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.level {
            Level::Error => "error",
            Level::Warning => "warning",
        };
        if let Some(loc) = &self.location {
            write!(f, "{loc}: ")?;
        }
        write!(f, "{kind}: {}", self.message)?;
        for hint in &self.hints {
            write!(f, "\n  hint: {hint}")?;
        }
        for t in &self.trace {
            write!(f, "\n  {t}")?;
        }
        Ok(())
    }
}

/// Sources and display names needed to resolve spans, snapshotted after a compile
/// (export errors are resolved later, from `Compiled`).
#[derive(Clone, Default)]
pub(crate) struct SpanResolver {
    pub(crate) sources: HashMap<FileId, (String, Source)>,
}

impl SpanResolver {
    fn locate(&self, span: DiagSpan) -> Option<Location> {
        let (id, range_start) = match span.get() {
            DiagSpanKind::Detached => return None,
            DiagSpanKind::Number { id, num, sub_range } => {
                let (_, src) = self.sources.get(&id)?;
                (id, src.range(num, sub_range)?.start)
            }
            DiagSpanKind::Range { id, range } => (id, range.start),
        };
        let (name, src) = self.sources.get(&id)?;
        let (line, column) = src.lines().byte_to_line_column(range_start)?;
        Some(Location {
            file: name.clone(),
            line: line + 1,
            column: column + 1,
        })
    }

    pub(crate) fn convert(&self, diag: &SourceDiagnostic) -> Diagnostic {
        let level = match diag.severity {
            Severity::Error => Level::Error,
            Severity::Warning => Level::Warning,
        };
        let mut hints = vec![];
        for hint in &diag.hints {
            // typst-cli's options do not exist here: a hint naming `--root` would mislead.
            if hint.v.contains("--root") {
                continue;
            }
            match self.locate(hint.span) {
                Some(loc) => hints.push(format!("{} ({loc})", hint.v)),
                None => hints.push(hint.v.to_string()),
            }
        }
        let trace = diag
            .trace
            .iter()
            .map(|point| match self.locate(point.span.into()) {
                Some(loc) => format!("{} at {loc}", point.v),
                None => point.v.to_string(),
            })
            .collect();
        Diagnostic {
            level,
            message: diag.message.to_string(),
            hints,
            location: self.locate(diag.span),
            trace,
        }
    }

    pub(crate) fn convert_all<'a>(
        &self,
        diags: impl IntoIterator<Item = &'a SourceDiagnostic>,
    ) -> Vec<Diagnostic> {
        diags.into_iter().map(|d| self.convert(d)).collect()
    }
}
