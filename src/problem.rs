//! Problems found in a project: stable codes, severities, Chinese messages and locations.

use serde::Serialize;

use crate::source::Loc;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

/// One finding. `code` is a stable kebab-case identifier listed in the README.
#[derive(Debug, Clone)]
pub struct Problem {
    pub severity: Severity,
    pub code: &'static str,
    /// Path of the field, e.g. `indicators[7].reason`.
    pub field: String,
    pub message: String,
    pub loc: Option<Loc>,
}

impl Problem {
    pub fn error(code: &'static str, field: impl Into<String>, message: impl Into<String>) -> Self {
        Problem {
            severity: Severity::Error,
            code,
            field: field.into(),
            message: message.into(),
            loc: None,
        }
    }

    pub fn warning(
        code: &'static str,
        field: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Problem {
            severity: Severity::Warning,
            ..Problem::error(code, field, message)
        }
    }

    pub fn at(mut self, loc: Option<Loc>) -> Self {
        self.loc = loc;
        self
    }
}

/// Every problem code with its meaning, for the README and `--help`.
pub const CODES: &[(&str, &str)] = &[
    ("toml-syntax", "TOML 语法错误（退出码 2）"),
    ("unknown-key", "未知的键，并提示最接近的有效键"),
    ("invalid-type", "值的类型不对（如应为数字却写了布尔值）"),
    ("missing-field", "缺少必填字段"),
    ("invalid-number", "无法读作数字的金额、分值或得分"),
    (
        "invalid-value",
        "取值不在允许范围内（表样、单位、方向、等级、评分参数等）",
    ),
    ("negative-value", "金额或实际完成值为负数"),
    ("unknown-level", "一级或二级指标名称不规范，列出有效名称"),
    ("unknown-form", "未知的表样"),
    ("level-not-on-form", "该表样没有这一一级/二级指标栏"),
    ("fund-source-not-on-form", "该表样没有此资金来源的行"),
    ("zero-budget", "全年预算数为 0，无法计算执行率"),
    (
        "executed-exceeds-budget",
        "全年执行数大于全年预算数（得分按 100% 封顶）",
    ),
    (
        "low-execution",
        "执行率低于阈值且未说明原因（funds.reason）",
    ),
    ("funds-total-mismatch", "填写的年度资金总额与各来源之和不符"),
    ("weights-sum", "指标分值与预算执行率分值之和不等于 100"),
    ("unit-mismatch", "年度指标值与实际完成值的单位无法换算比较"),
    ("unparsed-actual", "定量指标的实际完成值无法读作数字"),
    (
        "assumed-direction",
        "指标值未写比较符，按默认方向（成本 ≤，其余 ≥）计算",
    ),
    (
        "grade-required",
        "实际完成值无法与目标比较（定性指标或文字实际值），须填写 grade（达成/部分达成/未达成）",
    ),
    ("score-required", "该等级须填写得分 score"),
    ("score-outside-band", "填写的得分不在等级对应的分数区间内"),
    ("score-exceeds-weight", "填写的得分超出分值或为负"),
    (
        "stated-score-differs",
        "填写的得分与规则计算结果不同且未说明原因",
    ),
    (
        "overachieved",
        "实际完成值远超目标（默认 ≥130%）且未说明原因",
    ),
    (
        "missing-reason",
        "得分低于分值，须填写偏差原因分析及改进措施",
    ),
    (
        "unknown-placeholder",
        "文字中的占位符 {{ … }} 引用了不存在的值或写法有误",
    ),
    (
        "stated-rate-differs",
        "原表所印执行率与按金额计算的不符（按原表位数比较）",
    ),
    (
        "stated-funds-score-differs",
        "原表所印预算执行率得分与按规则计算的不符",
    ),
    ("stated-total-differs", "原表所印总分与按规则计算的总分不符"),
    ("stated-grade-differs", "原表所印评价等级与按总分计算的不符"),
    (
        "number-out-of-range",
        "数字位数过多、数值过大或计算会越界，无法精确处理（不会四舍五入了事）",
    ),
    (
        "total-exceeds-weights",
        "总分超过分值合计（填写的得分越界时出现）",
    ),
    ("placeholder-too-long", "代入占位符后文字过长"),
    (
        "ignored-field",
        "写在不起作用位置的字段（如 jixiao.toml 中的 total、grade），已忽略",
    ),
    ("invalid-date", "填报日期或汇编日期无法识别"),
    (
        "unreadable-file",
        "文件无法读取（权限等；退出码 2，其余文件照常检查）",
    ),
    (
        "not-utf8",
        "文件不是 UTF-8 编码（如 GBK），提示如何转换（退出码 2）",
    ),
    (
        "missing-glyph",
        "所有字体都缺少某个字符，打印时会显示为空框",
    ),
];
