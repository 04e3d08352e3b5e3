//! clap's usage errors said in Chinese: what was wrong on the command line, then clap's own
//! lines for reference. Exit code 2; `--help` and `--version` print as usual with exit 0.

use super::EXIT_USAGE;

/// clap's usage errors, said in Chinese first; `--help` and `--version` print as usual.
/// Returns the exit code.
pub fn usage_error(error: clap::Error) -> u8 {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    let context = |kind| match error.get(kind) {
        Some(ContextValue::String(s)) => s.clone(),
        Some(ContextValue::Strings(v)) => v.join("、"),
        Some(other) => other.to_string(),
        None => String::new(),
    };
    let arg = context(ContextKind::InvalidArg);
    let value = context(ContextKind::InvalidValue);
    let message = match error.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = error.print();
            return 0;
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = error.print();
            return EXIT_USAGE;
        }
        ErrorKind::UnknownArgument => {
            let suggested = context(ContextKind::SuggestedArg);
            if suggested.is_empty() {
                format!("未知的选项“{arg}”")
            } else {
                format!("未知的选项“{arg}”；是否想写“{suggested}”？")
            }
        }
        ErrorKind::InvalidSubcommand => {
            let suggested = context(ContextKind::SuggestedSubcommand);
            let mut m = format!("未知的命令“{}”", context(ContextKind::InvalidSubcommand));
            if !suggested.is_empty() {
                m.push_str(&format!("；是否想写“{suggested}”？"));
            }
            m.push_str(&format!(
                "；可用命令：{}",
                super::command_names().join("、")
            ));
            m
        }
        ErrorKind::InvalidValue => {
            let valid = context(ContextKind::ValidValue);
            if valid.is_empty() {
                format!("选项 {arg} 的值“{value}”无效")
            } else {
                format!("选项 {arg} 的值“{value}”无效；可用：{valid}")
            }
        }
        ErrorKind::ValueValidation => {
            // Integer parse errors in Chinese first; our own parsers' reasons are Chinese already.
            let reason = std::error::Error::source(&error)
                .map(|e| {
                    let english = e.to_string();
                    match e
                        .downcast_ref::<std::num::ParseIntError>()
                        .map(|p| p.kind())
                    {
                        Some(
                            std::num::IntErrorKind::PosOverflow
                            | std::num::IntErrorKind::NegOverflow,
                        ) => {
                            format!("：超出整数范围 ({english})")
                        }
                        Some(_) => format!("：应为整数 ({english})"),
                        // clap's own range check of an integer ("… is not in a..=b").
                        None if english.contains(" is not in ") => {
                            format!("：超出允许的范围 ({english})")
                        }
                        None => format!("：{english}"),
                    }
                })
                .unwrap_or_default();
            format!("选项 {arg} 的值“{value}”无效{reason}")
        }
        ErrorKind::MissingRequiredArgument => {
            format!("缺少必填参数：{}", context(ContextKind::InvalidArg))
        }
        ErrorKind::MissingSubcommand => "缺少命令；运行 jixiao --help 查看可用命令".to_string(),
        ErrorKind::TooManyValues | ErrorKind::WrongNumberOfValues | ErrorKind::TooFewValues => {
            format!("参数 {arg} 的个数不对")
        }
        ErrorKind::ArgumentConflict => format!("选项 {arg} 不能与其他选项同时使用"),
        ErrorKind::NoEquals => format!("选项 {arg} 须写成 {arg}=值"),
        ErrorKind::InvalidUtf8 => "参数不是有效的 UTF-8 文本".to_string(),
        _ => "命令行参数有误".to_string(),
    };
    // Chinese first, then clap's own lines (usage and the English detail) for reference.
    eprintln!("错误：{message}");
    let english = error.render().to_string();
    for line in english.lines().filter(|l| !l.trim().is_empty()) {
        eprintln!("  {line}");
    }
    EXIT_USAGE
}
