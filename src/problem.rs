//! Problems found in a project: stable codes, severities, Chinese messages and locations.

use std::fmt;

use serde::{Serialize, Serializer};

use crate::source::Loc;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

impl Severity {
    /// As the diagnostics and docs/cli.md name it.
    pub fn label(self) -> &'static str {
        match self {
            Severity::Error => "错误",
            Severity::Warning => "警告",
        }
    }
}

/// Declares [`Code`] from one list: variant, stable id, severity, whether the file could not be
/// read at all (exit 2), and the Chinese title of docs/cli.md.
macro_rules! codes {
    ($($variant:ident = $id:literal, $severity:ident, fatal: $fatal:literal, $title:literal;)*) => {
        /// Every problem code. The kebab-case [`id`](Code::id) is the stable code of the JSON
        /// report, the annotations and the diagnostics; docs/cli.md and README.md list every
        /// code from [`Code::ALL`] (checked by `tests/suite/golden.rs`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Code {
            $(#[doc = $title] $variant,)*
        }

        impl Code {
            /// Every code, in the order of the documentation.
            pub const ALL: &[Code] = &[$(Code::$variant,)*];

            /// The stable kebab-case code, e.g. `toml-syntax`.
            pub const fn id(self) -> &'static str {
                match self { $(Code::$variant => $id,)* }
            }

            /// What the code means, in Chinese (the docs' table).
            pub const fn title(self) -> &'static str {
                match self { $(Code::$variant => $title,)* }
            }

            /// The severity every problem of this code has.
            pub const fn severity(self) -> Severity {
                match self { $(Code::$variant => Severity::$severity,)* }
            }

            /// The file could not be read as TOML at all: `check` and the other commands exit
            /// with 2 (usage or unreadable input) rather than 1 (the data has errors).
            pub const fn is_fatal(self) -> bool {
                match self { $(Code::$variant => $fatal,)* }
            }
        }
    };
}

codes! {
    TomlSyntax = "toml-syntax", Error, fatal: true,
        "TOML 语法错误（退出码 2）";
    UnknownKey = "unknown-key", Error, fatal: false,
        "未知的键（已略去，其余照常计分），并提示应写的键：最接近的有效键、表上栏目名对应的键，或它所属的表";
    InvalidType = "invalid-type", Error, fatal: false,
        "值的类型不对（如应为数字却写了布尔值）";
    MissingField = "missing-field", Error, fatal: false,
        "缺少必填字段";
    InvalidNumber = "invalid-number", Error, fatal: false,
        "无法读作数字的金额、分值或得分（包括千分位不是三位一组，如 `1,2,3`）";
    InvalidValue = "invalid-value", Error, fatal: false,
        "取值不在允许范围内（表样、单位、方向、等级、评分参数等）";
    NegativeValue = "negative-value", Error, fatal: false,
        "金额或实际完成值为负数";
    UnknownLevel = "unknown-level", Error, fatal: false,
        "一级或二级指标名称不规范，列出有效名称";
    UnknownForm = "unknown-form", Error, fatal: false,
        "未知的表样";
    LevelNotOnForm = "level-not-on-form", Error, fatal: false,
        "该表样没有这一一级/二级指标栏";
    FundSourceNotOnForm = "fund-source-not-on-form", Error, fatal: false,
        "该表样没有此资金来源的行";
    ZeroBudget = "zero-budget", Error, fatal: false,
        "全年预算数为 0，无法计算执行率";
    ExecutedExceedsBudget = "executed-exceeds-budget", Warning, fatal: false,
        "全年执行数大于全年预算数（得分按 100% 封顶）";
    LowExecution = "low-execution", Warning, fatal: false,
        "执行率低于阈值且未说明原因（funds.reason）";
    FundsTotalMismatch = "funds-total-mismatch", Error, fatal: false,
        "填写的年度资金总额与各来源之和不符";
    WeightsSum = "weights-sum", Error, fatal: false,
        "指标分值与预算执行率分值之和不等于 100";
    UnitMismatch = "unit-mismatch", Error, fatal: false,
        "年度指标值与实际完成值的单位无法换算比较";
    UnparsedActual = "unparsed-actual", Error, fatal: false,
        "定量指标的实际完成值无法读作数字";
    AssumedDirection = "assumed-direction", Warning, fatal: false,
        "指标值未写比较符，按默认方向（成本 ≤，其余 ≥）计算";
    GradeRequired = "grade-required", Error, fatal: false,
        "实际完成值无法与目标比较（定性指标或文字实际值），须填写 grade（达成/部分达成/未达成）";
    ScoreRequired = "score-required", Error, fatal: false,
        "该等级须填写得分 score";
    ScoreOutsideBand = "score-outside-band", Error, fatal: false,
        "填写的得分不在等级对应的分数区间内";
    ScoreExceedsWeight = "score-exceeds-weight", Error, fatal: false,
        "填写的得分超出分值或为负";
    StatedScoreDiffers = "stated-score-differs", Warning, fatal: false,
        "填写的得分与规则计算结果不同（写了原因也报；消息写明 PDF 印所填的得分）";
    Overachieved = "overachieved", Warning, fatal: false,
        "实际完成值远超目标（默认 ≥130%）且未说明原因";
    SuspectScale = "suspect-scale", Warning, fatal: false,
        "数值疑似单位错位（0.9 对 ≥95%、元写进万元文件等），提示可能的读法；得分仍按所写计算";
    AmountConverted = "amount-converted", Warning, fatal: false,
        "金额写了与文件单位不同的“万元”/“元”，已按文件的单位（unit）精确换算";
    MissingReason = "missing-reason", Error, fatal: false,
        "得分低于分值，须填写偏差原因分析及改进措施";
    UnknownPlaceholder = "unknown-placeholder", Error, fatal: false,
        "文字中的占位符 {{ … }} 引用了不存在的值或写法有误";
    StatedRateDiffers = "stated-rate-differs", Error, fatal: false,
        "原表所印执行率与按金额计算的不符（按原表位数比较）";
    StatedFundsScoreDiffers = "stated-funds-score-differs", Error, fatal: false,
        "原表所印预算执行率得分与按规则计算的不符";
    StatedTotalDiffers = "stated-total-differs", Error, fatal: false,
        "原表所印总分与按规则计算的总分不符";
    StatedGradeDiffers = "stated-grade-differs", Error, fatal: false,
        "原表所印评价等级与按总分计算的不符";
    NumberOutOfRange = "number-out-of-range", Error, fatal: false,
        "数字位数过多、数值过大或计算会越界，无法精确处理（不会四舍五入了事）";
    TotalExceedsWeights = "total-exceeds-weights", Error, fatal: false,
        "总分超过分值合计（填写的得分越界时出现）";
    PlaceholderTooLong = "placeholder-too-long", Error, fatal: false,
        "代入占位符后文字过长";
    IgnoredField = "ignored-field", Warning, fatal: false,
        "写在不起作用位置的字段（如 jixiao.toml 中的 total、grade），已忽略";
    InvalidDate = "invalid-date", Warning, fatal: false,
        "填报日期或汇编日期无法识别";
    ImpossibleDate = "impossible-date", Error, fatal: false,
        "填报日期或汇编日期不存在（如 2023-02-29：2023 年 2 月没有 29 日）";
    UnreadableFile = "unreadable-file", Error, fatal: true,
        "文件无法读取（权限等；退出码 2，其余文件照常检查）";
    NotUtf8 = "not-utf8", Error, fatal: true,
        "文件不是 UTF-8 编码（如 GBK），提示如何转换（退出码 2）";
    MissingGlyph = "missing-glyph", Warning, fatal: false,
        "所有字体都缺少某个字符，打印时会显示为空框（`render`、`watch` 时检查）";
}

impl Code {
    /// The code whose [`id`](Code::id) is `id`.
    pub fn from_id(id: &str) -> Option<Code> {
        Code::ALL.iter().copied().find(|c| c.id() == id)
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl Serialize for Code {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.id())
    }
}

/// A code written as its id, for callers that still pass strings (`"missing-glyph"`).
///
/// # Panics
/// On an id no [`Code`] has: a programming error, caught by any test that reaches the call.
impl From<&'static str> for Code {
    fn from(id: &'static str) -> Code {
        Code::from_id(id).unwrap_or_else(|| panic!("unknown problem code {id:?}"))
    }
}

/// A code compares equal to its id (`err.code() == "placeholder-too-long"`).
impl PartialEq<&str> for Code {
    fn eq(&self, other: &&str) -> bool {
        self.id() == *other
    }
}

/// One finding, with its [`Code`], the field it is about and where it was written.
#[derive(Debug, Clone)]
pub struct Problem {
    pub severity: Severity,
    pub kind: Code,
    /// Path of the field, e.g. `indicators[7].reason`.
    pub field: String,
    pub message: String,
    pub loc: Option<Loc>,
}

impl Problem {
    /// A problem of `code`, with the code's severity.
    pub fn new(code: Code, field: impl Into<String>, message: impl Into<String>) -> Self {
        Problem {
            severity: code.severity(),
            kind: code,
            field: field.into(),
            message: message.into(),
            loc: None,
        }
    }

    /// A problem of `code` as an error.
    pub fn error(
        code: impl Into<Code>,
        field: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Problem {
            severity: Severity::Error,
            ..Problem::new(code.into(), field, message)
        }
    }

    /// A problem of `code` as a warning.
    pub fn warning(
        code: impl Into<Code>,
        field: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Problem {
            severity: Severity::Warning,
            ..Problem::new(code.into(), field, message)
        }
    }

    pub fn at(mut self, loc: Option<Loc>) -> Self {
        self.loc = loc;
        self
    }

    /// The stable kebab-case code (`toml-syntax`) of the JSON report and the annotations.
    pub fn code(&self) -> &'static str {
        self.kind.id()
    }

    /// The file could not be read at all (exit 2).
    pub fn is_fatal(&self) -> bool {
        self.kind.is_fatal()
    }
}

/// Every problem code with its meaning, as [`Code::ALL`] lists them.
pub const CODES: &[(&str, &str)] = &{
    const N: usize = Code::ALL.len();
    let mut out = [("", ""); N];
    let mut i = 0;
    while i < N {
        out[i] = (Code::ALL[i].id(), Code::ALL[i].title());
        i += 1;
    }
    out
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_kebab_case_and_round_trip() {
        for (i, code) in Code::ALL.iter().enumerate() {
            let id = code.id();
            assert!(
                id.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{id}"
            );
            assert_eq!(Code::from_id(id), Some(*code));
            assert!(!Code::ALL[..i].iter().any(|c| c.id() == id), "{id} twice");
        }
    }

    #[test]
    fn fatal_codes_say_so_in_their_title() {
        for code in Code::ALL {
            assert_eq!(
                code.title().contains("退出码 2"),
                code.is_fatal(),
                "{}",
                code.id()
            );
            if code.is_fatal() {
                assert_eq!(code.severity(), Severity::Error, "{}", code.id());
            }
        }
    }

    #[test]
    fn a_problem_has_its_codes_severity() {
        let p = Problem::new(Code::LowExecution, "funds.reason", "…");
        assert_eq!(p.severity, Severity::Warning);
        assert_eq!(p.code(), "low-execution");
        assert_eq!(Problem::error("toml-syntax", "", "").kind, Code::TomlSyntax);
    }
}
