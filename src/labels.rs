//! The labels the published forms print over each field, and the key each one is written as in a
//! project file: one vocabulary for `import` (which finds the fields of a sheet by their labels)
//! and for `check` (a clerk who writes `偏差原因 = "…"` is told to write `reason`).

/// The part of a form a label belongs to.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Block {
    /// Top-level keys of a project file (`year`, `unit`, `total`, `grade`).
    File,
    /// 项目名称, 主管部门, 实施单位: keys of `[project]`.
    Project,
    /// A 项目资金 row (财政拨款…): the row's table `[funds.KEY]`.
    FundSource,
    /// A 项目资金 column (全年预算数…): a key of a fund row (`分值` is `[scoring] budget_weight`).
    FundColumn,
    /// 预期目标 / 实际完成情况: keys of `[goals]`.
    Goals,
    /// A 绩效指标 column (实际完成值…): a key of `[[indicators]]`.
    Indicator,
    /// The signature line (填表人…): keys of `[signature]`, matched at the start of a cell.
    Signature,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum How {
    Exact,
    Prefix,
    Contains,
}

use Block::*;
use How::*;

/// Every label, as [`key`] folds it, with its block and key. Within a block, exact labels are
/// tried before prefixes and prefixes before `Contains`.
const LABELS: &[(Block, &str, How, &[&str])] = &[
    (
        File,
        "year",
        Exact,
        &["年度", "评价年度", "年份", "预算年度"],
    ),
    (File, "unit", Exact, &["单位", "金额单位", "资金单位"]),
    (File, "total", Exact, &["总分", "自评总分", "合计得分"]),
    (File, "grade", Exact, &["评价等级", "等级", "自评等级"]),
    (File, "form", Exact, &["表样"]),
    (File, "project", Exact, &["项目基本信息", "基本信息"]),
    (File, "funds", Exact, &["项目资金", "资金", "预算执行情况"]),
    (File, "goals", Exact, &["年度总体目标", "总体目标"]),
    (
        File,
        "indicators",
        Exact,
        &["绩效指标", "年度绩效指标", "年度绩效指标完成情况"],
    ),
    (Project, "name", Exact, &["项目名称"]),
    (
        Project,
        "department",
        Exact,
        &[
            "主管部门",
            "项目主管部门",
            "主管部门及代码",
            "项目主管部门及代码",
            "预算单位",
            "主管单位",
            "部门名称",
        ],
    ),
    (
        Project,
        "implementer",
        Exact,
        &["实施单位", "项目实施单位", "实施单位及代码"],
    ),
    (
        Project,
        "department_code",
        Exact,
        &["主管部门代码", "部门代码"],
    ),
    (Project, "implementer_code", Exact, &["实施单位代码"]),
    (Project, "serial", Exact, &["项目序号", "序号"]),
    (
        FundSource,
        "total",
        Exact,
        &[
            "年度资金总额",
            "年度总金额",
            "资金总额",
            "年度资金合计",
            "合计",
        ],
    ),
    (
        FundSource,
        "fiscal",
        Exact,
        &["财政拨款", "当年财政拨款", "财政资金", "当年财政资金"],
    ),
    (FundSource, "central", Exact, &["中央资金", "中央财政资金"]),
    (FundSource, "city", Exact, &["市级资金", "市级财政资金"]),
    (
        FundSource,
        "district",
        Exact,
        &["区级资金", "区县级资金", "县级资金", "区级财政资金"],
    ),
    (
        FundSource,
        "carryover",
        Exact,
        &["上年结转资金", "上年结转", "结转资金"],
    ),
    (FundSource, "other", Exact, &["其他资金", "其它资金"]),
    (
        FundColumn,
        "initial",
        Exact,
        &["年初预算数", "年初预算", "年初预算金额"],
    ),
    (
        FundColumn,
        "budget",
        Exact,
        &["全年预算数", "全年预算", "调整后预算数", "全年预算金额"],
    ),
    (FundColumn, "budget_weight", Exact, &["分值"]),
    (FundColumn, "rate", Exact, &["执行率", "执行", "预算执行率"]),
    (FundColumn, "score", Exact, &["得分"]),
    (FundColumn, "executed", Exact, &["实际执行数"]),
    (FundColumn, "executed", Prefix, &["全年执行"]),
    (Indicator, "level1", Exact, &["一级指标"]),
    (Indicator, "level2", Exact, &["二级指标"]),
    (Indicator, "name", Exact, &["三级指标"]),
    (
        Indicator,
        "target",
        Exact,
        &["年度指标值", "指标值", "年度目标值", "目标值", "年度指标"],
    ),
    (Indicator, "weight", Exact, &["分值", "权重"]),
    (Indicator, "score", Exact, &["得分", "自评得分"]),
    (Indicator, "note", Exact, &["备注"]),
    (Indicator, "actual", Exact, &["实际值", "全年实际值"]),
    (Indicator, "actual", Prefix, &["实际完成"]),
    (Indicator, "reason", Contains, &["原因"]),
    (
        Goals,
        "planned",
        Exact,
        &["预期目标", "年初设定目标", "年度目标", "年初目标"],
    ),
    (
        Goals,
        "achieved",
        Exact,
        &["实际完成情况", "实际完成", "完成情况"],
    ),
    (Signature, "filler", Prefix, &["填表人", "填报人"]),
    (Signature, "phone", Prefix, &["联系电话"]),
    (Signature, "date", Prefix, &["填报日期", "填表日期"]),
    (Signature, "leader", Prefix, &["单位负责人"]),
];

/// A label as compared: no spaces or line breaks, full-width ASCII folded (`：` → `:`).
pub fn key(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '\u{200b}' | '\u{feff}'))
        .map(|c| match c {
            '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
            '﹕' => ':',
            '【' | '〔' => '(',
            '】' | '〕' => ')',
            _ => c,
        })
        .collect()
}

/// A column heading's key without what forms add around the name: a trailing colon
/// (`三级指标：`) and a trailing unit or points in brackets (`执行率(%)`, `得分（10分）`,
/// `全年预算数(万元)`).
pub fn heading(text: &str) -> String {
    let k = key(text);
    let k = k.trim_end_matches(':');
    if let Some(open) = k.rfind('(')
        && k.ends_with(')')
        && open > 0
    {
        let inside = &k[open + 1..k.len() - 1];
        let unit = inside.chars().count() <= 6
            && inside
                .chars()
                .all(|c| c.is_ascii_digit() || matches!(c, '.' | '%' | '分' | '元' | '万' | '千'));
        if unit {
            return k[..open].trim_end_matches(':').to_string();
        }
    }
    k.to_string()
}

/// The key of `block` a folded label `k` names.
pub fn lookup(block: Block, k: &str) -> Option<&'static str> {
    [Exact, Prefix, Contains].into_iter().find_map(|how| {
        LABELS
            .iter()
            .filter(|(b, _, h, _)| *b == block && *h == how)
            .find(|(_, _, _, texts)| texts.iter().any(|t| matches(how, k, t)))
            .map(|(_, key, _, _)| *key)
    })
}

/// The key of `block` a cell starting with one of its labels names, and that label's length in
/// bytes (`填表人：张三` → `filler`, 9).
pub fn lookup_prefix(block: Block, k: &str) -> Option<(&'static str, usize)> {
    LABELS
        .iter()
        .filter(|(b, _, _, _)| *b == block)
        .find_map(|(_, key, _, texts)| {
            texts
                .iter()
                .find(|t| k.starts_with(**t))
                .map(|t| (*key, t.len()))
        })
}

/// Every block and key a label may mean, best first: a key as a clerk might type it from the
/// form (`偏差原因`, `全年预算数（万元）`, `其中：财政拨款`).
pub fn meanings(label: &str) -> Vec<(Block, &'static str)> {
    let k = heading(label);
    let k = k.strip_prefix("其中").unwrap_or(&k).trim_start_matches(':');
    let mut out = Vec::new();
    for how in [Exact, Prefix, Contains] {
        for (block, key, h, texts) in LABELS {
            if *h == how
                && texts.iter().any(|t| matches(how, k, t))
                && !out.contains(&(*block, *key))
            {
                out.push((*block, *key));
            }
        }
    }
    out
}

fn matches(how: How, k: &str, label: &str) -> bool {
    match how {
        Exact => k == label,
        Prefix => k.starts_with(label),
        Contains => k.contains(label),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_form_label_names_its_key() {
        assert_eq!(meanings("偏差原因分析及改进措施"), [(Indicator, "reason")]);
        assert_eq!(meanings("偏差原因"), [(Indicator, "reason")]);
        assert_eq!(meanings("全年预算数（万元）"), [(FundColumn, "budget")]);
        assert_eq!(
            meanings("分值"),
            [(FundColumn, "budget_weight"), (Indicator, "weight")]
        );
        assert_eq!(
            meanings("实际完成情况"),
            [(Goals, "achieved"), (Indicator, "actual")]
        );
        assert_eq!(meanings("其中：财政拨款"), [(FundSource, "fiscal")]);
        assert_eq!(meanings("全年执行数"), [(FundColumn, "executed")]);
        assert!(meanings("reason").is_empty());
    }

    #[test]
    fn lookups_keep_exact_before_prefix_before_contains() {
        assert_eq!(lookup(Indicator, "实际完成值"), Some("actual"));
        assert_eq!(lookup(Indicator, "偏差原因分析及改进措施"), Some("reason"));
        assert_eq!(lookup(FundColumn, "全年执行数"), Some("executed"));
        assert_eq!(lookup(FundColumn, "实际完成值"), None);
        assert_eq!(lookup_prefix(Signature, "填表人:张三"), Some(("filler", 9)));
        assert_eq!(heading("得分（10分）"), "得分");
        assert_eq!(heading("执行率(%)"), "执行率");
    }
}
