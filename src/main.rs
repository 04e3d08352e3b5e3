//! The `jixiao` command line: `main` parses the arguments and reports errors; every command
//! lives in its own module under `cli/`, and the work is done by the library.

use std::process::ExitCode;

use clap::Parser;

// Messages go to stderr through these instead of std's: a closed stderr (`2>&1 | head`) must not
// panic, and text from data files (names, paths) must not reach the terminal raw. Defined before
// `mod cli` so every module of the binary uses them.
macro_rules! eprintln {
    ($($arg:tt)*) => {{
        let text = format!($($arg)*);
        let _ = ::std::io::Write::write_fmt(
            &mut ::std::io::stderr(),
            format_args!("{}\n", jixiao::diagnostics::terminal_safe(&text)),
        );
    }};
}
macro_rules! eprint {
    ($($arg:tt)*) => {{
        let text = format!($($arg)*);
        let _ = ::std::io::Write::write_fmt(
            &mut ::std::io::stderr(),
            format_args!("{}", jixiao::diagnostics::terminal_safe(&text)),
        );
    }};
}

mod cli;

fn main() -> ExitCode {
    let args = match cli::args::Cli::try_parse() {
        Ok(args) => args,
        Err(e) => return ExitCode::from(cli::usage::usage_error(e)),
    };
    match cli::run(args) {
        Ok(code) => ExitCode::from(code),
        Err(error) => {
            error.report();
            ExitCode::from(error.exit)
        }
    }
}
