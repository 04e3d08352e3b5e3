//! `jixiao schema`: the JSON Schema of the input format, on stdout.

use super::{CliResult, write_stdout};

pub fn run() -> CliResult {
    let text = serde_json::to_string_pretty(&jixiao::schema::schema())?;
    write_stdout(format!("{text}\n").as_bytes())?;
    Ok(0)
}
