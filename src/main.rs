//! The `jixiao` command line: argument parsing and output; the work is done by the library.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

use jixiao::render::{Engine, EngineOptions};

// Messages go to stderr through these instead of std's: a closed stderr (`2>&1 | head`) must not
// panic, and text from data files (names, paths) must not reach the terminal raw.
macro_rules! eprintln {
    ($($arg:tt)*) => {{
        let text = format!($($arg)*);
        let _ = writeln!(
            std::io::stderr(),
            "{}",
            jixiao::diagnostics::terminal_safe(&text)
        );
    }};
}
macro_rules! eprint {
    ($($arg:tt)*) => {{
        let text = format!($($arg)*);
        let _ = write!(std::io::stderr(), "{}", jixiao::diagnostics::terminal_safe(&text));
    }};
}
use jixiao::{Checked, Forms};

/// 项目支出绩效自评表：从 TOML 计算执行率与得分，排版为 PDF。
#[derive(Parser)]
#[command(name = "jixiao", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Fonts and user forms, shared by the commands that lay out pages.
#[derive(Args)]
struct Assets {
    /// 加入字体文件夹（可重复）(add fonts)
    #[arg(long = "font-path", value_name = "DIR")]
    font_path: Vec<PathBuf>,
    /// 用户表样文件夹 (user forms)
    #[arg(long = "templates", value_name = "DIR")]
    templates: Vec<PathBuf>,
    /// 另把排版用的 Typst 工程写到此文件夹（main.typ、数据、表样），可用 typst compile 复现 (write the Typst project)
    #[arg(long = "emit-typst", value_name = "DIR")]
    emit_typst: Option<PathBuf>,
}

#[derive(Clone, Copy, ValueEnum)]
enum CheckFormat {
    /// 表格，给人看 (a table for people)
    Table,
    /// JSON 报告 (the JSON report)
    Json,
    /// GitHub Actions 注释：::error file=…,line=… (workflow annotations)
    Github,
    /// GitLab 代码质量报告 JSON (code-quality report)
    Gitlab,
}

#[derive(Subcommand)]
enum Command {
    /// 检查并计分：打印执行率、各项得分、总分、等级和所有问题 (check and score)
    Check {
        /// 项目文件或项目文件夹 (project files or folders)
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// 输出格式 (output format)
        #[arg(long, value_enum, default_value = "table")]
        format: CheckFormat,
        /// 有警告也按失败处理 (fail on warnings too)
        #[arg(long)]
        strict: bool,
        /// 用户表样文件夹 (user forms)
        #[arg(long = "templates", value_name = "DIR")]
        templates: Vec<PathBuf>,
    },
    /// 排版为 PDF（或 PNG/SVG），每个项目一个文件 (render forms)
    Render {
        /// 项目文件 (project files)
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// 输出文件；多个项目时为输出文件夹 (output file, or folder for several projects)
        #[arg(short, long, value_name = "OUT")]
        output: Option<PathBuf>,
        /// 有错误也输出，并加“草稿”水印 (render despite errors, with a 草稿 watermark)
        #[arg(long)]
        draft: bool,
        /// 输出格式，默认 pdf；-o 以 .xlsx 结尾时为 xlsx (output format)
        #[arg(long, value_enum)]
        format: Option<OutputFormat>,
        #[command(flatten)]
        assets: Assets,
        /// PDF 标准，如 a-2b (PDF standard)
        #[arg(long = "pdf-standard", value_name = "STD")]
        pdf_standard: Option<PdfStandard>,
        /// PNG 分辨率，36～1200 (PNG pixels per inch)
        #[arg(long, default_value = "150", value_parser = parse_ppi)]
        ppi: f32,
    },
    /// 部门汇编：封面、汇总表和所有项目的表，合为一个 PDF (department bundle)
    Bundle {
        /// 项目文件夹 (folder of project files)
        dir: PathBuf,
        #[arg(short, long, value_name = "OUT")]
        output: Option<PathBuf>,
        #[arg(long)]
        draft: bool,
        /// 输出格式，默认 pdf；-o 以 .xlsx 结尾时为 xlsx (output format)
        #[arg(long, value_enum)]
        format: Option<BundleFormat>,
        #[command(flatten)]
        assets: Assets,
    },
    /// 新建项目文件骨架 (write a commented scaffold)
    New {
        /// 要新建的项目文件 (the file to create)
        file: PathBuf,
        /// 表样 (form id)
        #[arg(long, default_value = "mof-2020")]
        form: String,
        /// 评价年度；默认 2025，或 --from 文件的下一年 (evaluation year)
        #[arg(long)]
        year: Option<i32>,
        /// 以去年的项目文件为底：保留目标、分值和结构，清空实际完成情况 (start from last year's file)
        #[arg(long, value_name = "OLD.toml")]
        from: Option<PathBuf>,
        /// 用户表样文件夹 (user forms)
        #[arg(long = "templates", value_name = "DIR")]
        templates: Vec<PathBuf>,
    },
    /// 比较两个版本：执行率、得分、总分、等级与问题的变化 (what a change did to the figures)
    Diff {
        /// 旧版本：文件、文件夹或 git 版本（如 HEAD~1、v2024）(old: path or git revision)
        old: String,
        /// 新版本：文件、文件夹或 git 版本；省略时为工作区 (new: path or revision; default the work tree)
        new: Option<String>,
        /// 只比较这些路径（git 版本时），写在 -- 之后 (limit to these paths)
        #[arg(last = true)]
        paths: Vec<PathBuf>,
        /// 输出格式 (output format)
        #[arg(long, value_enum, default_value = "table")]
        format: DiffFormat,
        /// 用户表样文件夹 (user forms)
        #[arg(long = "templates", value_name = "DIR")]
        templates: Vec<PathBuf>,
    },
    /// 转入下一年：由今年的项目文件夹生成明年的，保留目标、分值、注释，清空实际值 (next year's files)
    Rollover {
        /// 今年的项目文件夹 (this year's folder)
        dir: PathBuf,
        /// 新的评价年度 (the new year)
        #[arg(long)]
        year: i32,
        /// 新文件夹（不能已有同名文件）(the new folder)
        #[arg(short, long, value_name = "NEWDIR")]
        output: PathBuf,
    },
    /// 列出可用表样 (list forms)
    Forms {
        #[arg(long = "templates", value_name = "DIR")]
        templates: Vec<PathBuf>,
    },
    /// 输出输入格式的 JSON Schema (print the JSON Schema)
    Schema,
    /// 保存即重新排版；出错时打印问题并继续监视 (re-render on every save)
    Watch {
        file: PathBuf,
        #[arg(short, long, value_name = "OUT")]
        output: Option<PathBuf>,
        /// 有错误也输出草稿 (render drafts despite errors)
        #[arg(long)]
        draft: bool,
        #[command(flatten)]
        assets: Assets,
    },
    /// 输出 shell 补全脚本 (shell completions)
    Completions { shell: clap_complete::Shell },
    /// 导出计算结果表 (export the computed table)
    Export {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        #[arg(long, value_enum)]
        format: ExportFormat,
        /// 输出文件；省略时 csv/json 写到标准输出 (output file)
        #[arg(short, long, value_name = "OUT")]
        output: Option<PathBuf>,
        #[arg(long = "templates", value_name = "DIR")]
        templates: Vec<PathBuf>,
    },
    /// 从 Excel/Word 自评表导入为 TOML 项目文件，并立即检查 (import .xlsx/.docx/.ods forms)
    Import {
        /// 要导入的 .xlsx、.docx 或 .ods 文件；.xls 请先另存为 .xlsx (files to import)
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// 输出文件夹，不存在时创建；默认为第一个输入文件旁与之同名的文件夹 (output folder)
        #[arg(short, long, value_name = "DIR")]
        output: Option<PathBuf>,
        /// 表样；默认按表中的栏目名称推断 (form id; guessed from the labels by default)
        #[arg(long, value_name = "F")]
        form: Option<String>,
        /// 评价年度；默认取表头所印的“（YYYY年度）” (evaluation year; default: as printed)
        #[arg(long, value_name = "Y")]
        year: Option<i32>,
        /// 覆盖已存在的输出文件（从不覆盖输入文件）(replace existing outputs, never an input)
        #[arg(long)]
        force: bool,
        /// 用户表样文件夹 (user forms)
        #[arg(long = "templates", value_name = "DIR")]
        templates: Vec<PathBuf>,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum DiffFormat {
    /// 给人看 (for people)
    Table,
    /// JSON
    Json,
    /// Markdown，可贴到合并请求 (for a merge request)
    Markdown,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum OutputFormat {
    Pdf,
    Png,
    Svg,
    Xlsx,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum BundleFormat {
    Pdf,
    Xlsx,
}

/// `-o 表.xlsx` without `--format` asks for a workbook.
fn xlsx_output(output: Option<&Path>) -> bool {
    output
        .and_then(Path::extension)
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"))
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum PdfStandard {
    #[value(name = "a-2b")]
    A2b,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ExportFormat {
    Xlsx,
    Csv,
    Json,
}

/// Exit codes of cli.md.
const EXIT_DATA: u8 = 1;
const EXIT_USAGE: u8 = 2;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return usage_error(e),
    };
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(message) => {
            eprintln!("错误：{}", jixiao::diagnostics::terminal_safe(&message));
            ExitCode::from(EXIT_USAGE)
        }
    }
}

/// `--ppi`: a number within [`jixiao::render::PPI_RANGE`].
fn parse_ppi(text: &str) -> Result<f32, String> {
    let range = jixiao::render::PPI_RANGE;
    match text.trim().parse::<f32>() {
        Ok(v) if range.contains(&v) => Ok(v),
        _ => Err(format!(
            "分辨率应为 {} 到 {} 之间的数 (ppi must be within {}..={})",
            range.start(),
            range.end(),
            range.start(),
            range.end()
        )),
    }
}

/// clap's usage errors, said in Chinese first; `--help` and `--version` print as usual.
fn usage_error(error: clap::Error) -> ExitCode {
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
            return ExitCode::SUCCESS;
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = error.print();
            return ExitCode::from(EXIT_USAGE);
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
            m.push_str(
                "；可用命令：check、render、bundle、new、rollover、forms、schema、watch、export、import、completions",
            );
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
            let reason = std::error::Error::source(&error)
                .map(|e| format!("：{e}"))
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
    eprintln!("错误：{}", jixiao::diagnostics::terminal_safe(&message));
    let english = error.render().to_string();
    for line in english.lines().filter(|l| !l.trim().is_empty()) {
        eprintln!("  {}", jixiao::diagnostics::terminal_safe(line));
    }
    ExitCode::from(EXIT_USAGE)
}

/// The forms of this run; why a `--templates` folder was skipped is said on stderr.
fn forms(dirs: &[PathBuf]) -> Result<Forms, String> {
    let forms = Forms::with_user_dirs(dirs).map_err(|e| e.to_string())?;
    for note in forms.notes() {
        eprintln!("提示：{}", jixiao::diagnostics::terminal_safe(note));
    }
    Ok(forms)
}

fn run(cli: Cli) -> Result<u8, String> {
    match cli.command {
        Command::Check {
            paths,
            format,
            strict,
            templates,
        } => {
            let forms = forms(&templates)?;
            let checked = jixiao::check(&paths, &forms).map_err(|e| e.to_string())?;
            print_check(&checked, format)?;
            Ok(check_exit_code(&checked, strict))
        }
        Command::Render {
            files,
            output,
            draft,
            format,
            assets,
            pdf_standard,
            ppi,
        } => {
            let forms = forms(&assets.templates)?;
            let checked = jixiao::check(&files, &forms).map_err(|e| e.to_string())?;
            let format = format.unwrap_or(if xlsx_output(output.as_deref()) {
                OutputFormat::Xlsx
            } else {
                OutputFormat::Pdf
            });
            let options = RenderOptions {
                draft,
                format,
                pdfa: pdf_standard.is_some(),
                ppi,
            };
            render(&checked, output.as_deref(), &options, &assets)
        }
        Command::Bundle {
            dir,
            output,
            draft,
            format,
            assets,
        } => {
            if !dir.is_dir() {
                return Err(format!(
                    "bundle 需要项目文件夹，{} 不是文件夹；单个项目请用 jixiao render",
                    dir.display()
                ));
            }
            let forms = forms(&assets.templates)?;
            let checked =
                jixiao::check(std::slice::from_ref(&dir), &forms).map_err(|e| e.to_string())?;
            let xlsx = format.map_or(xlsx_output(output.as_deref()), |f| f == BundleFormat::Xlsx);
            bundle(&checked, &dir, output.as_deref(), draft, xlsx, &assets)
        }
        Command::Rollover { dir, year, output } => rollover(&dir, year, &output),
        Command::Diff {
            old,
            new,
            paths,
            format,
            templates,
        } => {
            let forms = forms(&templates)?;
            diff(&old, new.as_deref(), &paths, format, &forms)
        }
        // The form comes from the old file; `--form` is for a fresh scaffold.
        Command::New {
            file,
            year,
            from: Some(old),
            ..
        } => {
            if file.symlink_metadata().is_ok() {
                return Err(format!(
                    "{} 已存在，不覆盖 (refusing to overwrite)",
                    file.display()
                ));
            }
            let year = match year {
                Some(y) => y,
                None => next_year_of(&old)?,
            };
            check_year(year)?;
            let next = rolled_text(&old, year)?;
            jixiao::output::write_atomic(&file, next.as_bytes()).map_err(|e| e.to_string())?;
            eprintln!(
                "已写入 {}（{year}年度，由 {} 转入）；填写 \"\" 处后运行 jixiao check {}",
                file.display(),
                old.display(),
                file.display()
            );
            Ok(0)
        }
        Command::New {
            file,
            form,
            year,
            templates,
            from: None,
        } => {
            let year = year.unwrap_or(2025);
            let forms = forms(&templates)?;
            let Some(spec) = forms.get(&form) else {
                let ids: Vec<&str> = forms.ids().collect();
                return Err(format!("未知的表样“{form}”；可用：{}", ids.join("、")));
            };
            // symlink_metadata: a dangling link "exists" too and is not replaced.
            if file.symlink_metadata().is_ok() {
                return Err(format!(
                    "{} 已存在，不覆盖 (refusing to overwrite)",
                    file.display()
                ));
            }
            check_year(year)?;
            let text = jixiao::scaffold::scaffold(spec, year);
            jixiao::output::write_atomic(&file, text.as_bytes()).map_err(|e| e.to_string())?;
            // The scaffold's `#:schema` line names this file; an existing one is left alone.
            let schema_path = file
                .parent()
                .filter(|d| !d.as_os_str().is_empty())
                .unwrap_or(Path::new("."))
                .join(jixiao::scaffold::SCHEMA_FILE);
            if !schema_path.exists() {
                let schema = serde_json::to_string_pretty(&jixiao::schema::schema())
                    .map_err(|e| e.to_string())?;
                jixiao::output::write_atomic(&schema_path, format!("{schema}\n").as_bytes())
                    .map_err(|e| e.to_string())?;
            }
            eprintln!(
                "已写入 {}；填写 \"\" 处后运行 jixiao check {}",
                file.display(),
                file.display()
            );
            Ok(0)
        }
        Command::Watch {
            file,
            output,
            draft,
            assets,
        } => watch(&file, output.as_deref(), draft, &assets),
        Command::Completions { shell } => {
            let mut command = <Cli as clap::CommandFactory>::command();
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut command, "jixiao", &mut script);
            write_stdout(&script)?;
            Ok(0)
        }
        Command::Schema => {
            let text = serde_json::to_string_pretty(&jixiao::schema::schema())
                .map_err(|e| e.to_string())?;
            write_stdout(format!("{text}\n").as_bytes())?;
            Ok(0)
        }
        Command::Export {
            paths,
            format,
            output,
            templates,
        } => {
            let forms = forms(&templates)?;
            let checked = jixiao::check(&paths, &forms).map_err(|e| e.to_string())?;
            let bytes = match format {
                ExportFormat::Csv => jixiao::export::csv(&checked.reports),
                ExportFormat::Json => {
                    let reports: Vec<_> = checked
                        .reports
                        .iter()
                        .map(|r| jixiao::report::to_json(r, &checked.sources))
                        .collect();
                    let mut text =
                        serde_json::to_string_pretty(&reports).map_err(|e| e.to_string())?;
                    text.push('\n');
                    text.into_bytes()
                }
                // A fixed document date keeps the workbook byte-identical across runs.
                ExportFormat::Xlsx => jixiao::export::xlsx(&checked.reports)
                    .map_err(|e| format!("无法生成 xlsx：{e}"))
                    .and_then(|xlsx| {
                        jixiao::workbook::fix_properties(&xlsx, "绩效自评计算结果", "", None)
                            .map_err(|e| format!("无法生成 xlsx：{e}"))
                    })?,
            };
            match output {
                Some(path) => {
                    jixiao::output::guard(&inputs(&checked), &[(path.clone(), path.clone())])
                        .map_err(|e| e.to_string())?;
                    jixiao::output::write_atomic(&path, &bytes).map_err(|e| e.to_string())?
                }
                None if format == ExportFormat::Xlsx => {
                    return Err("xlsx 需要用 -o 指定输出文件".into());
                }
                None => write_stdout(&bytes)?,
            }
            for r in &checked.reports {
                print_problems(&checked, r, &[]);
            }
            Ok(check_exit_code(&checked, false))
        }
        Command::Import {
            files,
            output,
            form,
            year,
            force,
            templates,
        } => {
            if let Some(y) = year {
                check_year(y)?;
            }
            let forms = forms(&templates)?;
            let options = jixiao::import::Options {
                output,
                form,
                year,
                force,
            };
            import(&files, &options, &forms)
        }
        Command::Forms { templates } => {
            let forms = forms(&templates)?;
            for f in forms.iter() {
                let origin = f
                    .dir()
                    .map_or("内置".to_string(), |d| d.display().to_string());
                let line = format!("{:<16} {}  {}（{}）\n", f.id, f.title, f.name, origin);
                write_stdout(line.as_bytes())?;
            }
            Ok(0)
        }
    }
}

struct RenderOptions {
    draft: bool,
    format: OutputFormat,
    pdfa: bool,
    ppi: f32,
}

fn engine(assets: &Assets) -> Result<Engine, String> {
    Engine::new(EngineOptions {
        font_paths: assets.font_path.clone(),
        template_dirs: assets.templates.clone(),
        today: None,
    })
    .map_err(|e| e.to_string())
}

fn print_problems(checked: &Checked, report: &jixiao::Report, extra: &[jixiao::problem::Problem]) {
    let all: Vec<_> = report.problems.iter().chain(extra).cloned().collect();
    if !all.is_empty() {
        eprint!(
            "{}",
            jixiao::diagnostics::render_problems(
                &all,
                &checked.sources,
                &report.path.display().to_string()
            )
        );
    }
}

/// Where one project's output goes: `-o` as a file (one project) or a folder (several).
fn output_path(input: &Path, output: Option<&Path>, several: bool, ext: &str) -> PathBuf {
    match output {
        Some(out) if several || out.is_dir() => out
            .join(input.file_stem().unwrap_or_default())
            .with_extension(ext),
        Some(out) => out.to_path_buf(),
        None => input.with_extension(ext),
    }
}

/// "表.png" → "表-2.png" for page 2 of a multi-page PNG/SVG.
fn page_path(path: &Path, page: usize, pages: usize) -> PathBuf {
    if pages == 1 {
        return path.to_path_buf();
    }
    let stem = path.file_stem().unwrap_or_default().to_string_lossy();
    let ext = path.extension().unwrap_or_default().to_string_lossy();
    path.with_file_name(format!("{stem}-{page}.{ext}"))
}

fn render(
    checked: &Checked,
    output: Option<&Path>,
    options: &RenderOptions,
    assets: &Assets,
) -> Result<u8, String> {
    if checked.reports.iter().any(|r| r.is_unreadable()) {
        for r in &checked.reports {
            print_problems(checked, r, &[]);
        }
        return Ok(EXIT_USAGE);
    }
    let several = checked.reports.len() > 1;
    if let Some(out) = output
        && several
        && !out.is_dir()
    {
        return Err(format!(
            "渲染多个项目时 -o 须为已存在的文件夹：{}",
            out.display()
        ));
    }
    let ext = match options.format {
        OutputFormat::Pdf => "pdf",
        OutputFormat::Png => "png",
        OutputFormat::Svg => "svg",
        OutputFormat::Xlsx => "xlsx",
    };
    // Before anything is written: no output may replace an input (`-o q.toml`), nor two
    // projects share one output (a/x.toml and b/x.toml into one folder).
    let planned: Vec<(PathBuf, PathBuf)> = checked
        .reports
        .iter()
        .map(|r| (output_path(&r.path, output, several, ext), r.path.clone()))
        .collect();
    let read = inputs(checked);
    jixiao::output::guard(&read, &planned).map_err(|e| e.to_string())?;
    // Fonts and templates load once, and only when something is to be rendered.
    let mut engine_cell: Option<Engine> = None;
    let mut code = 0;
    for report in &checked.reports {
        if report.has_errors() && !options.draft {
            print_problems(checked, report, &[]);
            eprintln!(
                "错误：{} 有错误，未输出（可用 --draft 输出草稿）(refused: the project has errors)",
                report.path.display()
            );
            code = EXIT_DATA;
            continue;
        }
        if options.format == OutputFormat::Xlsx {
            // A workbook needs no fonts nor layout engine.
            print_problems(checked, report, &[]);
            let options = jixiao::workbook::WorkbookOptions {
                draft: options.draft,
            };
            let bytes =
                jixiao::workbook::form_workbook_with(report, options).map_err(|e| e.to_string())?;
            let path = output_path(&report.path, output, several, ext);
            jixiao::output::write_atomic(&path, &bytes).map_err(|e| e.to_string())?;
            eprintln!("已写入 {}", path.display());
            continue;
        }
        let engine = match &engine_cell {
            Some(e) => e,
            None => engine_cell.insert(engine(assets)?),
        };
        let glyphs = jixiao::document::glyph_problems(engine, report);
        print_problems(checked, report, &glyphs);
        let project = jixiao::document::form_project(engine, report, options.draft)
            .map_err(|e| e.to_string())?;
        if let Some(dir) = &assets.emit_typst {
            // One project: DIR itself; several: DIR/<file stem>/.
            let dir = if several {
                dir.join(report.path.file_stem().unwrap_or_default())
            } else {
                dir.clone()
            };
            emit_typst(engine, &project, &dir, checked)?;
        }
        let compiled = engine.compile_project(project).map_err(|e| e.to_string())?;
        for w in compiled.warnings() {
            eprintln!("模板警告：{w}");
        }
        let path = output_path(&report.path, output, several, ext);
        let pages: Vec<Vec<u8>> = match options.format {
            OutputFormat::Pdf => {
                let date = if options.pdfa {
                    Some(pdfa_date(report))
                } else {
                    None
                };
                let meta = jixiao::document::pdf_meta(report, date, options.pdfa);
                vec![jixiao::render::to_pdf(&compiled, &meta).map_err(|e| e.to_string())?]
            }
            OutputFormat::Png => {
                jixiao::render::to_png(&compiled, options.ppi).map_err(|e| e.to_string())?
            }
            OutputFormat::Svg => jixiao::render::to_svg(&compiled)
                .into_iter()
                .map(String::into_bytes)
                .collect(),
            OutputFormat::Xlsx => unreachable!("workbooks are written before any layout"),
        };
        // Pages are written as one set, then pages left from a longer earlier render removed.
        let count = pages.len();
        let files: Vec<(PathBuf, Vec<u8>)> = pages
            .into_iter()
            .enumerate()
            .map(|(i, bytes)| (page_path(&path, i + 1, count), bytes))
            .collect();
        // One page is written to `path`, guarded with every output before the loop; only the
        // names of a multi-page set (x-1.png, …) are new here.
        if count > 1 {
            let page_outputs: Vec<(PathBuf, PathBuf)> = files
                .iter()
                .map(|(p, _)| (p.clone(), report.path.clone()))
                .collect();
            jixiao::output::guard(&read, &page_outputs).map_err(|e| e.to_string())?;
        }
        let stale = jixiao::output::write_pages(&path, &files).map_err(|e| e.to_string())?;
        for removed in stale {
            eprintln!("已删除上次排版留下的 {}", removed.display());
        }
        for (target, _) in &files {
            eprintln!("已写入 {}", target.display());
        }
    }
    Ok(code)
}

/// Check one side of a diff: a path as it is, or a git revision copied into `scratch`.
/// Returns the checked projects and the root their paths are relative to.
fn diff_side(
    side: Option<&str>,
    paths: &[PathBuf],
    scratch: &Path,
    forms: &Forms,
) -> Result<(Checked, PathBuf), String> {
    let check = |targets: &[PathBuf]| match jixiao::check(targets, forms) {
        Ok(c) => Ok(c),
        Err(jixiao::LoadError::NoProjects(_)) => Ok(Checked {
            sources: Default::default(),
            reports: Vec::new(),
        }),
        Err(e) => Err(e.to_string()),
    };
    match side {
        Some(p) if Path::new(p).exists() => {
            let path = PathBuf::from(p);
            let root = if path.is_dir() {
                path.clone()
            } else {
                path.parent().map(Path::to_path_buf).unwrap_or_default()
            };
            Ok((check(&[path])?, root))
        }
        Some(rev) => {
            let scope = if paths.is_empty() {
                vec![PathBuf::from(".")]
            } else {
                paths.to_vec()
            };
            jixiao::diff::checkout_revision(rev, &scope, scratch)?;
            let targets: Vec<PathBuf> = scope
                .iter()
                .map(|p| scratch.join(p))
                .filter(|p| p.exists())
                .collect();
            let checked = if targets.is_empty() {
                check(&[])?
            } else {
                check(&targets)?
            };
            Ok((checked, scratch.to_path_buf()))
        }
        None => {
            let scope = if paths.is_empty() {
                vec![PathBuf::from(".")]
            } else {
                paths.to_vec()
            };
            Ok((check(&scope)?, PathBuf::from(".")))
        }
    }
}

/// `jixiao diff OLD [NEW] [-- PATH…]`.
fn diff(
    old: &str,
    new: Option<&str>,
    paths: &[PathBuf],
    format: DiffFormat,
    forms: &Forms,
) -> Result<u8, String> {
    if Path::new(old).exists() && new.is_none() {
        return Err(format!(
            "比较两个文件或文件夹时需要给出新的一个：jixiao diff {old} 新路径"
        ));
    }
    let scratch = tempfile::tempdir().map_err(|e| jixiao::output::describe_io(&e))?;
    let (old_checked, old_root) = diff_side(Some(old), paths, &scratch.path().join("old"), forms)?;
    let (new_checked, new_root) = diff_side(new, paths, &scratch.path().join("new"), forms)?;
    if !paths.is_empty() && old_checked.reports.is_empty() && new_checked.reports.is_empty() {
        return Err(format!(
            "两边都没有找到项目文件：{}；请检查 -- 之后的路径",
            paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join("、")
        ));
    }
    let result = jixiao::diff::compare(&old_checked, &old_root, &new_checked, &new_root);
    let text = match format {
        DiffFormat::Table => jixiao::diff::to_table(&result),
        DiffFormat::Markdown => jixiao::diff::to_markdown(&result),
        DiffFormat::Json => {
            let mut t = serde_json::to_string_pretty(&result).map_err(|e| e.to_string())?;
            t.push('\n');
            t
        }
    };
    write_stdout(text.as_bytes())?;
    Ok(if result.introduces_error() {
        EXIT_DATA
    } else {
        0
    })
}

/// The year after the one a project file states, itself or through its folder's `jixiao.toml`
/// (for `new --from` without `--year`).
fn next_year_of(old: &Path) -> Result<i32, String> {
    let checked =
        jixiao::check(&[old.to_path_buf()], &Forms::builtin()).map_err(|e| e.to_string())?;
    checked
        .reports
        .first()
        .and_then(|r| r.project.as_ref())
        .map(|p| p.year)
        .filter(|y| *y > 0)
        .map(|y| y + 1)
        .ok_or_else(|| {
            format!(
                "{} 无法读出 year（文件有误时请先运行 jixiao check {} 修正），或用 --year 指定新年度",
                old.display(),
                old.display()
            )
        })
}

/// A year given on the command line, within [`jixiao::model::YEARS`] like a file's `year`.
fn check_year(year: i32) -> Result<(), String> {
    let years = jixiao::model::YEARS;
    if years.contains(&year) {
        Ok(())
    } else {
        Err(format!(
            "评价年度 {year} 不在 {}～{} 之间",
            years.start(),
            years.end()
        ))
    }
}

/// The text of `from` rolled over to `year`, in memory.
fn rolled_text(from: &Path, year: i32) -> Result<String, String> {
    let text = std::fs::read_to_string(from).map_err(|e| {
        format!(
            "无法读取 {}：{}",
            from.display(),
            jixiao::output::describe_io(&e)
        )
    })?;
    jixiao::rollover::rollover(&text, year).map_err(|e| format!("{}：{e}", from.display()))
}

/// `jixiao rollover DIR --year Y -o NEWDIR`: every project file and `jixiao.toml` of DIR (and
/// its subfolders) rolled over into the same place under NEWDIR, then checked.
fn rollover(dir: &Path, year: i32, output: &Path) -> Result<u8, String> {
    if !dir.is_dir() {
        return Err(format!("{} 不是文件夹", dir.display()));
    }
    let files = jixiao::load::discover(&[dir.to_path_buf()]).map_err(|e| e.to_string())?;
    let mut all: Vec<PathBuf> = files;
    // The folder defaults files come along (discover leaves them out).
    let mut folders: Vec<PathBuf> = all
        .iter()
        .filter_map(|f| f.parent().map(Path::to_path_buf))
        .collect();
    folders.push(dir.to_path_buf());
    folders.sort();
    folders.dedup();
    for folder in folders {
        let defaults = folder.join(jixiao::load::FOLDER_FILE);
        if defaults.is_file() {
            all.push(defaults);
        }
    }
    check_year(year)?;
    // NEWDIR inside DIR would make next check/bundle of DIR see both years.
    if jixiao::output::identity(output).starts_with(jixiao::output::identity(dir)) {
        return Err(format!(
            "新文件夹 {} 在 {} 之内；请写到它外面（否则检查和汇编 {} 时两年的表会混在一起）",
            output.display(),
            dir.display(),
            dir.display()
        ));
    }
    // Every file is rolled over in memory first: nothing is written if any fails or any
    // target exists.
    let mut plan = Vec::new();
    for from in &all {
        let rel = from.strip_prefix(dir).unwrap_or(from);
        let to = output.join(rel);
        if to.symlink_metadata().is_ok() {
            return Err(format!(
                "{} 已存在；rollover 不覆盖任何文件，请换一个新文件夹",
                to.display()
            ));
        }
        let next = rolled_text(from, year).map_err(|e| format!("{e}；未写入任何文件"))?;
        plan.push((to, next));
    }
    for (to, next) in &plan {
        if let Some(parent) = to.parent() {
            std::fs::create_dir_all(parent).map_err(|e| {
                format!(
                    "无法创建 {}：{}",
                    parent.display(),
                    jixiao::output::describe_io(&e)
                )
            })?;
        }
        jixiao::output::write_atomic(to, next.as_bytes()).map_err(|e| e.to_string())?;
    }
    eprintln!(
        "已写入 {}（{} 个文件，{year}年度）；以下是还需填写的空白：",
        output.display(),
        plan.len()
    );
    let forms = Forms::builtin();
    let checked = jixiao::check(&[output.to_path_buf()], &forms).map_err(|e| e.to_string())?;
    for r in &checked.reports {
        print_problems(&checked, r, &[]);
    }
    Ok(0)
}

/// `--emit-typst DIR`: the Typst project beside the output, never over an input.
fn emit_typst(
    engine: &Engine,
    project: &jixiao::render::TypstProject,
    dir: &Path,
    checked: &Checked,
) -> Result<(), String> {
    // Only into a new or empty folder, or one jixiao emitted before: never over the user's files,
    // and never where its form.toml would be taken for a project (a project folder).
    let previous = std::fs::read_to_string(dir.join("main.typ"))
        .is_ok_and(|t| t.starts_with("// generated by jixiao"));
    let empty = std::fs::read_dir(dir).map_or(true, |mut d| d.next().is_none());
    if dir.exists() && !empty && !previous {
        return Err(format!(
            "--emit-typst 的文件夹 {} 已有其他文件；请指定一个新的或空的文件夹",
            dir.display()
        ));
    }
    let dir_id = jixiao::output::identity(dir);
    let read = inputs(checked);
    if let Some(input) = read
        .iter()
        .find(|i| jixiao::output::identity(i).starts_with(&dir_id))
    {
        return Err(format!(
            "--emit-typst 的文件夹 {} 含有输入文件 {}；请写到项目文件夹以外",
            dir.display(),
            input.display()
        ));
    }
    std::fs::create_dir_all(dir).map_err(|e| {
        format!(
            "无法创建文件夹 {}：{}",
            dir.display(),
            jixiao::output::describe_io(&e)
        )
    })?;
    let planned = [(dir.join("main.typ"), dir.to_path_buf())];
    jixiao::output::guard(&read, &planned).map_err(|e| e.to_string())?;
    let written = engine
        .emit_project(project, dir)
        .map_err(|e| e.to_string())?;
    eprintln!(
        "已写入 Typst 工程 {}（{} 个文件）；复现：typst compile --font-path fonts --ignore-system-fonts {}",
        dir.display(),
        written.len(),
        dir.join("main.typ").display()
    );
    Ok(())
}

/// Every file a run read: project files and folder defaults, which no output may replace.
fn inputs(checked: &Checked) -> Vec<PathBuf> {
    checked
        .sources
        .files()
        .iter()
        .map(|f| f.path.clone())
        .collect()
}

/// PDF/A needs a document date: the form's filing date, else the bundle date, else today.
fn pdfa_date(report: &jixiao::Report) -> (i32, u8, u8) {
    let project = report.project.as_ref();
    if let Some(d) = project.and_then(|p| jixiao::document::parse_date(&p.signature.date)) {
        eprintln!(
            "PDF/A 文档日期取填报日期 signature.date：{}-{:02}-{:02}",
            d.0, d.1, d.2
        );
        return d;
    }
    if let Some(d) = project
        .and_then(|p| p.bundle.date.as_deref())
        .and_then(jixiao::document::parse_date)
    {
        eprintln!(
            "PDF/A 文档日期取 [bundle] date：{}-{:02}-{:02}",
            d.0, d.1, d.2
        );
        return d;
    }
    let d = today();
    let source = if source_date_epoch().is_some() {
        "SOURCE_DATE_EPOCH"
    } else {
        "今天"
    };
    eprintln!(
        "PDF/A 文档日期取{source}：{}-{:02}-{:02}（可在 [signature] date 中写明填报日期）",
        d.0, d.1, d.2
    );
    d
}

/// `SOURCE_DATE_EPOCH` when it holds a valid time (seconds since 1970, before year 10000).
fn source_date_epoch() -> Option<u64> {
    std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<u64>().ok())
        .filter(|s| *s < 253_402_300_800)
}

/// Today's date (UTC), only used where a date is required and none given. `SOURCE_DATE_EPOCH`
/// (seconds since 1970, the reproducible-builds convention) fixes it, so such a PDF is
/// byte-identical across runs.
fn today() -> (i32, u8, u8) {
    let seconds = source_date_epoch().unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs())
    });
    let days = (seconds / 86_400) as i64;
    // Civil-from-days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let y = (yoe + era * 400 + i64::from(m <= 2)) as i32;
    (y, m, d)
}

fn bundle(
    checked: &Checked,
    dir: &Path,
    output: Option<&Path>,
    draft: bool,
    xlsx: bool,
    assets: &Assets,
) -> Result<u8, String> {
    let failing: Vec<&jixiao::Report> = checked.reports.iter().filter(|r| r.has_errors()).collect();
    for r in &checked.reports {
        print_problems(checked, r, &[]);
    }
    if checked.reports.iter().any(|r| r.is_unreadable()) {
        return Ok(EXIT_USAGE);
    }
    if !failing.is_empty() && !draft {
        eprintln!(
            "错误：以下 {} 个项目有错误，汇编未输出（可用 --draft 输出草稿）：",
            failing.len()
        );
        for r in failing {
            eprintln!("  {}", r.path.display());
        }
        return Ok(EXIT_DATA);
    }
    let path = match output {
        Some(p) => p.to_path_buf(),
        None => {
            let name = dir
                .canonicalize()
                .ok()
                .and_then(|d| d.file_name().map(|n| n.to_os_string()))
                .unwrap_or_else(|| "汇编".into());
            dir.join(Path::new(&name).with_extension(if xlsx { "xlsx" } else { "pdf" }))
        }
    };
    // Refused before the (long) layout, not after it.
    jixiao::output::guard(&inputs(checked), &[(path.clone(), dir.to_path_buf())])
        .map_err(|e| e.to_string())?;
    if xlsx {
        let ordered = jixiao::document::bundle_order(&checked.reports);
        let options = jixiao::workbook::WorkbookOptions { draft };
        let bytes =
            jixiao::workbook::bundle_workbook_with(&ordered, options).map_err(|e| e.to_string())?;
        jixiao::output::write_atomic(&path, &bytes).map_err(|e| e.to_string())?;
        eprintln!(
            "已写入 {}（汇总表和 {} 个项目的表）",
            path.display(),
            ordered.len()
        );
        return Ok(0);
    }
    let progress = std::io::stderr().is_terminal();
    if progress {
        // `\r` rewrites the status line in place; the count is ours, not data.
        let _ = write!(
            std::io::stderr(),
            "\r排版 {} 个项目…",
            checked.reports.len()
        );
    }
    let engine = engine(assets)?;
    let ordered = jixiao::document::bundle_order(&checked.reports);
    let project =
        jixiao::document::bundle_project(&engine, &ordered, draft).map_err(|e| e.to_string())?;
    if let Some(dir) = &assets.emit_typst {
        emit_typst(&engine, &project, dir, checked)?;
    }
    let compiled = engine.compile_project(project).map_err(|e| e.to_string())?;
    let title = jixiao::document::bundle_data(&ordered, draft)["title"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let meta = jixiao::render::PdfMeta {
        title,
        author: String::new(),
        date: None,
        pdfa: false,
    };
    let pdf = jixiao::render::to_pdf(&compiled, &meta).map_err(|e| e.to_string())?;
    jixiao::output::write_atomic(&path, &pdf).map_err(|e| e.to_string())?;
    eprintln!(
        "已写入 {}（{} 个项目，{} 页）",
        path.display(),
        ordered.len(),
        compiled.page_count()
    );
    Ok(0)
}

/// Modification times of the project file and its folder's `jixiao.toml`.
fn watched_state(file: &Path) -> Vec<Option<std::time::SystemTime>> {
    let folder_file = file.parent().map(|d| d.join(jixiao::load::FOLDER_FILE));
    [Some(file.to_path_buf()), folder_file]
        .into_iter()
        .flatten()
        .map(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok())
        .collect()
}

/// Re-render on every save. Polls (no platform watcher needed), waits for the file to settle
/// (editors write in several steps), and reuses one engine so fonts load once.
fn watch(file: &Path, output: Option<&Path>, draft: bool, assets: &Assets) -> Result<u8, String> {
    if file.is_dir() {
        return Err(format!(
            "watch 监视一个项目文件，{} 是文件夹；部门汇编请用 jixiao bundle",
            file.display()
        ));
    }
    if !file.is_file() {
        return Err(format!("找不到项目文件：{} (not found)", file.display()));
    }
    let target = output.map_or_else(|| file.with_extension("pdf"), Path::to_path_buf);
    let folder_file = file.parent().map(|d| d.join(jixiao::load::FOLDER_FILE));
    let watched: Vec<PathBuf> = std::iter::once(file.to_path_buf())
        .chain(folder_file)
        .collect();
    jixiao::output::guard(&watched, &[(target.clone(), file.to_path_buf())])
        .map_err(|e| e.to_string())?;
    let engine = engine(assets)?;
    let forms = forms(&assets.templates)?;
    let poll = std::time::Duration::from_millis(200);
    let mut last = None;
    eprintln!(
        "监视 {}，保存后自动排版到 {}（Ctrl-C 退出）",
        file.display(),
        target.display()
    );
    loop {
        let state = watched_state(file);
        if last.as_ref() != Some(&state) {
            // Debounce: wait until two polls agree.
            std::thread::sleep(poll);
            if watched_state(file) != state {
                continue;
            }
            last = Some(state);
            watch_once(&engine, &forms, file, &target, draft);
        }
        std::thread::sleep(poll);
    }
}

fn watch_once(engine: &Engine, forms: &Forms, file: &Path, target: &Path, draft: bool) {
    let checked = match jixiao::check(&[file.to_path_buf()], forms) {
        Ok(c) => c,
        Err(e) => return eprintln!("错误：{e}"),
    };
    let Some(report) = checked.reports.first() else {
        return;
    };
    let glyphs = jixiao::document::glyph_problems(engine, report);
    print_problems(&checked, report, &glyphs);
    if report.has_errors() && !draft {
        return eprintln!("有错误，未更新 {}（修改后保存即重试）", target.display());
    }
    let result = jixiao::document::compile_form(engine, report, draft)
        .and_then(|c| jixiao::render::to_pdf(&c, &jixiao::document::pdf_meta(report, None, false)))
        .map_err(|e| e.to_string())
        .and_then(|pdf| jixiao::output::write_atomic(target, &pdf).map_err(|e| e.to_string()));
    match result {
        Ok(()) => eprintln!(
            "已更新 {}（总分 {}）",
            target.display(),
            report.total.map(jixiao::decimal::plain).unwrap_or_default()
        ),
        Err(e) => eprintln!("错误：{e}"),
    }
}

/// Write to standard output. A closed pipe (`jixiao schema | head`) ends the program quietly
/// with exit 0, as the reader asked for no more; any other failure is an error.
fn write_stdout(bytes: &[u8]) -> Result<(), String> {
    let mut out = std::io::stdout().lock();
    // On a terminal, control characters from data are shown escaped; into a pipe or file the
    // bytes go unchanged.
    let shown;
    let bytes = if out.is_terminal() {
        shown = jixiao::diagnostics::terminal_safe(&String::from_utf8_lossy(bytes)).into_owned();
        shown.as_bytes()
    } else {
        bytes
    };
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => std::process::exit(0),
        Err(e) => Err(format!(
            "无法写入标准输出：{}",
            jixiao::output::describe_io(&e)
        )),
    }
}

/// `jixiao import`: write the TOML files, then check what was written as `check` does.
fn import(
    files: &[PathBuf],
    options: &jixiao::import::Options,
    forms: &Forms,
) -> Result<u8, String> {
    let outcome = jixiao::import::import(files, options, forms).map_err(|e| e.to_string())?;
    for note in &outcome.notes {
        eprintln!("{}", jixiao::diagnostics::terminal_safe(note));
    }
    for failed in &outcome.failed {
        eprintln!("错误：{}", jixiao::diagnostics::terminal_safe(failed));
    }
    let checked = jixiao::check(&outcome.projects, forms).map_err(|e| e.to_string())?;
    eprintln!(
        "检查导入的 {} 个项目（原表印错的数字会在下面列出）：",
        outcome.projects.len()
    );
    print_check(&checked, CheckFormat::Table)?;
    let code = check_exit_code(&checked, false);
    Ok(if outcome.failed.is_empty() {
        code
    } else {
        EXIT_USAGE
    })
}

fn print_check(checked: &Checked, format: CheckFormat) -> Result<(), String> {
    let mut out = Vec::new();
    match format {
        CheckFormat::Json => {
            let reports: Vec<_> = checked
                .reports
                .iter()
                .map(|r| jixiao::report::to_json(r, &checked.sources))
                .collect();
            let text = serde_json::to_string_pretty(&reports).map_err(|e| e.to_string())?;
            writeln!(out, "{text}").map_err(|e| e.to_string())?;
        }
        CheckFormat::Table => {
            for r in &checked.reports {
                writeln!(out, "{}", jixiao::diagnostics::render_table(r))
                    .map_err(|e| e.to_string())?;
            }
        }
        // CI formats: the annotations are the whole output; the human summary is not repeated.
        CheckFormat::Github => {
            out.extend_from_slice(
                jixiao::diagnostics::terminal_safe(&jixiao::annotations::github(checked))
                    .as_bytes(),
            );
            return write_stdout(&out);
        }
        CheckFormat::Gitlab => {
            let text = serde_json::to_string_pretty(&jixiao::annotations::gitlab(checked))
                .map_err(|e| e.to_string())?;
            writeln!(out, "{text}").map_err(|e| e.to_string())?;
            return write_stdout(&out);
        }
    }
    write_stdout(&out)?;
    for r in &checked.reports {
        print_problems(checked, r, &[]);
    }
    Ok(())
}

fn check_exit_code(checked: &Checked, strict: bool) -> u8 {
    if checked.reports.iter().any(|r| r.is_unreadable()) {
        EXIT_USAGE
    } else if checked
        .reports
        .iter()
        .any(|r| r.has_errors() || strict && r.has_warnings())
    {
        EXIT_DATA
    } else {
        0
    }
}
