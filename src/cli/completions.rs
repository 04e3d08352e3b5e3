//! `jixiao completions SHELL`: the shell completion script, on stdout.

use super::args::{Cli, CompletionsArgs};
use super::{CliResult, write_stdout};

pub fn run(args: &CompletionsArgs) -> CliResult {
    let mut command = <Cli as clap::CommandFactory>::command();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "jixiao", &mut script);
    write_stdout(&script)?;
    Ok(0)
}
