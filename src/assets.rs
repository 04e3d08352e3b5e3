//! Files embedded into the binary so a fresh machine needs nothing installed.

use include_dir::{Dir, include_dir};

/// `templates/`: one folder per built-in form, plus `common.typ`.
pub static TEMPLATES: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/templates");

/// `fonts/`: Fandol Song/Hei/Fang, the Noto Serif CJK SC subset and the Latin face Jixiao Latin
/// Serif (see fonts/README.md).
pub static FONTS: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/fonts");
