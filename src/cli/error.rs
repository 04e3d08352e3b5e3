//! The one error type of the command line: what went wrong, what to do, and the exit code.

use super::EXIT_USAGE;

/// A command that could not do its work. Printed once, in `main`: “错误：…”, then “提示：…”.
#[derive(Debug)]
pub struct CliError {
    /// What went wrong, Chinese first.
    pub message: String,
    /// What to do about it, when there is something to say.
    pub hint: Option<String>,
    /// The exit code (see docs/cli.md).
    pub exit: u8,
}

impl CliError {
    /// A usage, input or output error: exit code 2.
    pub fn usage(message: impl Into<String>) -> CliError {
        CliError {
            message: message.into(),
            hint: None,
            exit: EXIT_USAGE,
        }
    }

    /// The same error with a hint line.
    pub fn hint(mut self, hint: impl Into<String>) -> CliError {
        self.hint = Some(hint.into());
        self
    }

    /// Print the error on stderr (terminal-safe, like every message).
    pub fn report(&self) {
        eprintln!("错误：{}", self.message);
        if let Some(hint) = &self.hint {
            eprintln!("提示：{hint}");
        }
    }
}

impl From<String> for CliError {
    fn from(message: String) -> Self {
        CliError::usage(message)
    }
}

impl From<&str> for CliError {
    fn from(message: &str) -> Self {
        CliError::usage(message)
    }
}

/// The library's errors say in Chinese what went wrong; all of them are exit code 2.
macro_rules! from_library_errors {
    ($($error:ty),* $(,)?) => {
        $(impl From<$error> for CliError {
            fn from(error: $error) -> Self {
                CliError::usage(error.to_string())
            }
        })*
    };
}

from_library_errors!(
    jixiao::LoadError,
    jixiao::output::OutputError,
    jixiao::render::RenderError,
    jixiao::forms::FormError,
    jixiao::import::ImportError,
    jixiao::rollover::RolloverError,
    jixiao::workbook::WorkbookError,
    serde_json::Error,
);
