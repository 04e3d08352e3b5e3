//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use jixiao::{Forms, Report};
use rust_decimal::Decimal;

/// A temporary folder holding project files.
pub struct Folder {
    pub dir: tempfile::TempDir,
}

impl Default for Folder {
    fn default() -> Self {
        Self::new()
    }
}

impl Folder {
    pub fn new() -> Self {
        Folder {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }
}

/// Check one TOML text as a project file and return its report.
pub fn check_text(text: &str) -> Report {
    let folder = Folder::new();
    let path = folder.write("p.toml", text);
    let mut checked = jixiao::check(&[path], &Forms::builtin()).expect("loads");
    checked.reports.remove(0)
}

pub fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

pub fn codes(report: &Report) -> Vec<&'static str> {
    report.problems.iter().map(|p| p.code()).collect()
}

/// A minimal valid project: budget 100/100, one indicator of weight 90 given by `indicator`.
pub fn project(head: &str, indicator: &str) -> String {
    format!(
        r#"year = 2024
{head}
[project]
name = "测试项目"
department = "测试部门"
implementer = "测试单位"

[funds.fiscal]
budget = 100
executed = 100

[[indicators]]
level1 = "产出指标"
{indicator}
"#
    )
}

/// Score of the only indicator of `project(head, indicator)`.
pub fn score_of(head: &str, indicator: &str) -> (Option<Decimal>, Report) {
    let r = check_text(&project(head, indicator));
    (r.indicators.first().and_then(|i| i.scored.score), r)
}

/// Run the `jixiao` binary: (exit code, stdout, stderr). Fails the test on any panic.
pub fn run_jixiao(args: &[&str]) -> (i32, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .args(args)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(!stderr.contains("panicked"), "panic on {args:?}: {stderr}");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).to_string(),
        stderr,
    )
}

/// PDFs are read back with poppler (`pdftotext`, `pdfinfo`), the reference text extractor for
/// CID fonts. A fresh machine of this project's kind (Debian, root) lacks it, so the tests install
/// Debian's `poppler-utils` once rather than ask anyone to install it by hand.
fn ensure_poppler() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let present = |tool: &str| std::process::Command::new(tool).arg("-v").output().is_ok();
        if present("pdftotext") && present("pdfinfo") {
            return;
        }
        eprintln!("pdftotext not found: installing Debian's poppler-utils for the read-back tests");
        let script = "export DEBIAN_FRONTEND=noninteractive; \
            if [ \"$(id -u)\" = 0 ]; then s=; else s='sudo -n'; fi; \
            $s apt-get update -qq && $s apt-get install -y -qq poppler-utils >/dev/null";
        let _ = std::process::Command::new("sh")
            .args(["-c", script])
            .status();
    });
}

/// The text of a PDF in content order, read back by poppler's `pdftotext`.
pub fn pdftotext(pdf: &Path) -> String {
    ensure_poppler();
    let out = std::process::Command::new("pdftotext")
        .args(["-raw", pdf.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext (poppler-utils) is needed to read PDFs back; .ci/run installs it");
    assert!(
        out.status.success(),
        "pdftotext failed on {}",
        pdf.display()
    );
    String::from_utf8(out.stdout).unwrap()
}

/// `pdfinfo` output of a PDF.
pub fn pdfinfo(pdf: &Path) -> String {
    ensure_poppler();
    let out = std::process::Command::new("pdfinfo")
        .arg(pdf)
        .output()
        .expect("pdfinfo (poppler-utils)");
    String::from_utf8(out.stdout).unwrap()
}

/// Page count of a PDF.
pub fn pages(pdf: &Path) -> usize {
    pdfinfo(pdf)
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap()
}

/// One run of the `jixiao` binary, built step by step (after just's test builder):
/// `cli(&["check", "a.toml"]).current_dir(dir).run().code(1).stderr_has("missing-field")`.
pub struct Cli {
    command: std::process::Command,
    stdin: Option<Vec<u8>>,
}

/// Start building a run of `jixiao` with these arguments.
pub fn cli(args: &[&str]) -> Cli {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_jixiao"));
    command.args(args);
    Cli {
        command,
        stdin: None,
    }
}

impl Cli {
    pub fn current_dir(mut self, dir: &Path) -> Self {
        self.command.current_dir(dir);
        self
    }

    pub fn env(mut self, key: &str, value: &str) -> Self {
        self.command.env(key, value);
        self
    }

    pub fn stdin(mut self, bytes: impl Into<Vec<u8>>) -> Self {
        self.stdin = Some(bytes.into());
        self
    }

    /// Run to completion. Fails the test on any panic.
    pub fn run(mut self) -> Ran {
        use std::io::Write;
        use std::process::Stdio;
        self.command
            .stdin(if self.stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = self.command.spawn().expect("the jixiao binary runs");
        if let Some(bytes) = self.stdin.take()
            && let Some(mut pipe) = child.stdin.take()
        {
            let _ = pipe.write_all(&bytes);
        }
        let out = child.wait_with_output().unwrap();
        let ran = Ran {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        };
        assert!(!ran.stderr.contains("panicked"), "panic: {}", ran.stderr);
        ran
    }
}

/// What a run printed and how it ended; each check shows both streams when it fails.
pub struct Ran {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Ran {
    pub fn code(self, expected: i32) -> Self {
        assert_eq!(
            self.code, expected,
            "exit code\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout, self.stderr
        );
        self
    }

    pub fn stdout_has(self, part: &str) -> Self {
        assert!(
            self.stdout.contains(part),
            "stdout lacks {part:?}:\n{}",
            self.stdout
        );
        self
    }

    pub fn stderr_has(self, part: &str) -> Self {
        assert!(
            self.stderr.contains(part),
            "stderr lacks {part:?}:\n{}",
            self.stderr
        );
        self
    }

    /// The whole of stderr, byte for byte (a snapshot of the diagnostics).
    pub fn stderr_is(self, expected: &str) -> Self {
        if self.stderr != expected {
            panic!(
                "stderr differs from the snapshot.\n--- expected\n{expected}\n--- actual\n{}",
                self.stderr
            );
        }
        self
    }

    pub fn stdout_is(self, expected: &str) -> Self {
        if self.stdout != expected {
            panic!(
                "stdout differs from the snapshot.\n--- expected\n{expected}\n--- actual\n{}",
                self.stdout
            );
        }
        self
    }
}
