//! The command line as clap structs: one struct per command, shared groups flattened in.

use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand, ValueEnum};

/// 项目支出绩效自评表：从 TOML 计算执行率与得分，排版为 PDF。
#[derive(Parser)]
#[command(name = "jixiao", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// 检查并计分：打印执行率、各项得分、总分、等级和所有问题 (check and score)
    Check(CheckArgs),
    /// 排版为 PDF（或 PNG/SVG/xlsx），每个项目一个文件 (render forms)
    Render(RenderArgs),
    /// 部门汇编：封面、汇总表和所有项目的表，合为一个 PDF (department bundle)
    Bundle(BundleArgs),
    /// 新建项目文件骨架 (write a commented scaffold)
    New(NewArgs),
    /// 比较两个版本：执行率、得分、总分、等级与问题的变化 (what a change did to the figures)
    Diff(DiffArgs),
    /// 转入下一年：由今年的项目文件夹生成明年的，保留目标、分值、注释，清空实际值 (next year's files)
    Rollover(RolloverArgs),
    /// 列出可用表样 (list forms)
    Forms(FormsArgs),
    /// 输出输入格式的 JSON Schema (print the JSON Schema)
    Schema,
    /// 保存即重新排版：一个项目文件，或一个文件夹的部门汇编；出错时打印问题并继续监视 (re-render on every save)
    Watch(WatchArgs),
    /// 输出 shell 补全脚本 (shell completions)
    Completions(CompletionsArgs),
    /// 导出计算结果表 (export the computed table)
    Export(ExportArgs),
    /// 从 Excel/Word 自评表导入为 TOML 项目文件，并立即检查 (import .xlsx/.xls/.docx/.ods forms)
    Import(ImportArgs),
}

/// `--templates`, declared once for every command that reads forms.
#[derive(Args, Clone, Default)]
pub struct Templates {
    /// 用户表样文件夹（可重复）(user forms)
    #[arg(long = "templates", value_name = "DIR")]
    pub templates: Vec<PathBuf>,
}

/// Fonts and user forms, for the commands that lay out pages.
#[derive(Args, Clone, Default)]
pub struct Assets {
    /// 加入字体文件夹（可重复）(add fonts)
    #[arg(long = "font-path", value_name = "DIR")]
    pub font_path: Vec<PathBuf>,
    #[command(flatten)]
    pub templates: Templates,
}

/// `--draft`, declared once for `render`, `watch` and `bundle`.
#[derive(Args, Clone, Copy, Default)]
pub struct Draft {
    /// 有错误也输出，并加“草稿”水印 (render despite errors, with a 草稿 watermark)
    #[arg(id = "draft", long = "draft")]
    pub on: bool,
}

/// `--emit-typst`, declared once for `render` and `bundle`.
#[derive(Args, Clone, Default)]
pub struct EmitTypst {
    /// 另把排版用的 Typst 工程写到此文件夹（main.typ、数据、表样），可用 typst compile 复现 (write the Typst project)
    #[arg(id = "emit_typst", long = "emit-typst", value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

/// Everything `render` and `watch` have in common: what to write and how to lay it out.
#[derive(Args, Clone)]
pub struct LayoutArgs {
    /// 输出格式；省略时按 -o 的扩展名（.pdf/.png/.svg/.xlsx），否则为 pdf (output format)
    #[arg(long, value_enum)]
    pub format: Option<OutputFormat>,
    /// PDF 标准，如 a-2b (PDF standard)
    #[arg(long = "pdf-standard", value_name = "STD")]
    pub pdf_standard: Option<PdfStandard>,
    /// PNG 分辨率，36～1200 (PNG pixels per inch)
    #[arg(long, default_value = "150", value_parser = parse_ppi)]
    pub ppi: f32,
    #[command(flatten)]
    pub draft: Draft,
    #[command(flatten)]
    pub assets: Assets,
}

#[derive(Args)]
pub struct CheckArgs {
    /// 项目文件或项目文件夹 (project files or folders)
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// 输出格式 (output format)
    #[arg(long, value_enum, default_value = "table")]
    pub format: CheckFormat,
    /// 有警告也按失败处理 (fail on warnings too)
    #[arg(long)]
    pub strict: bool,
    #[command(flatten)]
    pub templates: Templates,
}

#[derive(Args)]
pub struct RenderArgs {
    /// 项目文件 (project files)
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// 输出文件；多个项目时为输出文件夹 (output file, or folder for several projects)
    #[arg(short, long, value_name = "OUT")]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub layout: LayoutArgs,
    #[command(flatten)]
    pub emit_typst: EmitTypst,
}

#[derive(Args)]
pub struct BundleArgs {
    /// 项目文件夹 (folder of project files)
    pub dir: PathBuf,
    /// 输出文件；默认为文件夹中的“文件夹名.pdf” (output file)
    #[arg(short, long, value_name = "OUT")]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub draft: Draft,
    /// 输出格式；省略时按 -o 的扩展名（.pdf/.xlsx），否则为 pdf (output format)
    #[arg(long, value_enum)]
    pub format: Option<BundleFormat>,
    #[command(flatten)]
    pub assets: Assets,
    #[command(flatten)]
    pub emit_typst: EmitTypst,
}

#[derive(Args)]
pub struct NewArgs {
    /// 要新建的项目文件 (the file to create)
    pub file: PathBuf,
    /// 表样 (form id)
    #[arg(long, default_value = "mof-2020")]
    pub form: String,
    /// 评价年度；默认 2025，或 --from 文件的下一年 (evaluation year)
    #[arg(long)]
    pub year: Option<i32>,
    /// 以去年的项目文件为底：保留目标、分值和结构，清空实际完成情况 (start from last year's file)
    #[arg(long, value_name = "OLD.toml")]
    pub from: Option<PathBuf>,
    #[command(flatten)]
    pub templates: Templates,
}

#[derive(Args)]
pub struct DiffArgs {
    /// 旧版本：文件、文件夹或 git 版本（如 HEAD~1、v2024）(old: path or git revision)
    pub old: String,
    /// 新版本：文件、文件夹或 git 版本；省略时为工作区 (new: path or revision; default the work tree)
    pub new: Option<String>,
    /// 只比较这些路径（git 版本时），写在 -- 之后 (limit to these paths)
    #[arg(last = true)]
    pub paths: Vec<PathBuf>,
    /// 输出格式 (output format)
    #[arg(long, value_enum, default_value = "table")]
    pub format: DiffFormat,
    #[command(flatten)]
    pub templates: Templates,
}

#[derive(Args)]
pub struct RolloverArgs {
    /// 今年的项目文件夹 (this year's folder)
    pub dir: PathBuf,
    /// 新的评价年度 (the new year)
    #[arg(long)]
    pub year: i32,
    /// 新文件夹（不能已有同名文件）(the new folder)
    #[arg(short, long, value_name = "NEWDIR")]
    pub output: PathBuf,
}

#[derive(Args)]
pub struct FormsArgs {
    #[command(flatten)]
    pub templates: Templates,
}

#[derive(Args)]
pub struct WatchArgs {
    /// 项目文件，或项目文件夹（监视其中所有项目，输出部门汇编）(project file, or folder for a bundle)
    pub path: PathBuf,
    /// 输出文件；默认为项目文件同名的 .pdf，文件夹时同 bundle (output file)
    #[arg(short, long, value_name = "OUT")]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub layout: LayoutArgs,
}

#[derive(Args)]
pub struct CompletionsArgs {
    /// shell 的名称 (the shell)
    pub shell: clap_complete::Shell,
}

#[derive(Args)]
pub struct ExportArgs {
    /// 项目文件或项目文件夹 (project files or folders)
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// 输出格式 (output format)
    #[arg(long, value_enum)]
    pub format: ExportFormat,
    /// 输出文件；省略时 csv/json 写到标准输出 (output file)
    #[arg(short, long, value_name = "OUT")]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub templates: Templates,
}

#[derive(Args)]
pub struct ImportArgs {
    /// 要导入的 .xlsx、.xls、.docx 或 .ods 文件 (files to import)
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// 输出文件夹，不存在时创建；默认为第一个输入文件旁与之同名的文件夹 (output folder)
    #[arg(short, long, value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// 表样；默认按表中的栏目名称推断 (form id; guessed from the labels by default)
    #[arg(long, value_name = "F")]
    pub form: Option<String>,
    /// 评价年度；默认取表头所印的“（YYYY年度）” (evaluation year; default: as printed)
    #[arg(long, value_name = "Y")]
    pub year: Option<i32>,
    /// 覆盖已存在的输出文件（从不覆盖输入文件）(replace existing outputs, never an input)
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub templates: Templates,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum CheckFormat {
    /// 表格，给人看 (a table for people)
    Table,
    /// JSON 报告 (the JSON report)
    Json,
    /// GitHub Actions 注释：::error file=…,line=… (workflow annotations)
    Github,
    /// GitLab 代码质量报告 JSON (code-quality report)
    Gitlab,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    /// 给人看 (for people)
    Table,
    /// JSON，给工具用 (for tools)
    Json,
    /// Markdown，可贴到合并请求 (for a merge request)
    Markdown,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug, ValueEnum)]
pub enum OutputFormat {
    /// PDF 文件 (PDF)
    Pdf,
    /// 每页一个 PNG 图片 (one PNG per page)
    Png,
    /// 每页一个 SVG 图片 (one SVG per page)
    Svg,
    /// Excel 工作簿 (workbook)
    Xlsx,
}

impl OutputFormat {
    /// The file extension, which is also the `--format` value.
    pub fn extension(self) -> &'static str {
        match self {
            OutputFormat::Pdf => "pdf",
            OutputFormat::Png => "png",
            OutputFormat::Svg => "svg",
            OutputFormat::Xlsx => "xlsx",
        }
    }

    const ALL: [OutputFormat; 4] = [
        OutputFormat::Pdf,
        OutputFormat::Png,
        OutputFormat::Svg,
        OutputFormat::Xlsx,
    ];

    /// The format an output file name asks for by its extension (`表.png` → png).
    pub fn of_path(path: &Path) -> Option<OutputFormat> {
        let ext = path.extension()?.to_str()?;
        Self::ALL
            .into_iter()
            .find(|f| ext.eq_ignore_ascii_case(f.extension()))
    }
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BundleFormat {
    /// 一个 PDF 文件 (one PDF)
    Pdf,
    /// 一个 Excel 工作簿 (one workbook)
    Xlsx,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PdfStandard {
    /// PDF/A-2b，长期存档 (for archiving)
    #[value(name = "a-2b")]
    A2b,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// Excel 工作簿，每个项目一张工作表 (workbook)
    Xlsx,
    /// CSV，UTF-8 带 BOM (comma-separated values)
    Csv,
    /// 与 check --format json 相同的报告 (the JSON report)
    Json,
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
