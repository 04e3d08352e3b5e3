//! `jixiao forms`: the forms of this run, built-in and from `--templates`.

use super::args::FormsArgs;
use super::{CliResult, load_forms, write_stdout};

pub fn run(args: &FormsArgs) -> CliResult {
    let forms = load_forms(&args.templates.templates)?;
    let mut out = String::new();
    for f in forms.iter() {
        let origin = f
            .dir()
            .map_or("内置".to_string(), |d| d.display().to_string());
        out.push_str(&format!(
            "{:<16} {}  {}（{}）\n",
            f.id, f.title, f.name, origin
        ));
    }
    write_stdout(out.as_bytes())?;
    Ok(0)
}
