//! `jixiao new`: a commented project file for a form, with every cell named in Chinese.

use std::fmt::Write;

use crate::forms::FormSpec;
use crate::import::write::{comment_safe, toml_string};
use crate::model::FUND_SOURCES;

/// A key as written in a table header: bare when it can be, else a quoted string (a user
/// form's fund key is text from its form.toml, never part of the file's structure).
fn key(text: &str) -> String {
    if !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    {
        text.to_string()
    } else {
        toml_string(text)
    }
}

/// The national split of the 90 indicator points (财预〔2020〕10号), adjusted when the form has
/// 成本指标 as a 一级指标 (Beijing 2024): 10 points move from 产出 to 成本.
fn level1_weight(form: &FormSpec, level1: &str) -> u32 {
    let cost_is_level1 = form.level1.iter().any(|l| l.name == "成本指标");
    match level1 {
        "产出指标" if cost_is_level1 => 40,
        "产出指标" => 50,
        "效益指标" => 30,
        "满意度指标" => 10,
        "成本指标" => 10,
        _ => 0,
    }
}

/// The JSON Schema file `jixiao new` writes beside a new project, named by its `#:schema` line
/// so editors (Taplo, Even Better TOML) complete and check keys.
pub const SCHEMA_FILE: &str = "jixiao.schema.json";

/// The scaffold text for `form`, for the evaluation `year`.
pub fn scaffold(form: &FormSpec, year: i32) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "# 项目支出绩效自评表 · 表样 {}（{}）",
        comment_safe(&form.id),
        comment_safe(&form.name)
    );
    let _ = writeln!(
        s,
        "# 填写所有 \"\" 处后运行 `jixiao check 本文件`；金额、分值写数字或字符串均可，按原样精确读取。"
    );
    // Taplo / Even Better TOML read `#:schema <path>` as a directive: it must name a real file,
    // which `jixiao new` writes beside the project (see SCHEMA_FILE).
    let _ = writeln!(s, "#:schema ./{SCHEMA_FILE}\n");
    let _ = writeln!(
        s,
        "year = {year}                 # 评价年度 →（{year}年度）"
    );
    let _ = writeln!(s, "form = {}", toml_string(&form.id));
    // The unit the form's seed prints (上海: 元), so the amounts typed match the printed heading.
    let unit = match form.amount_unit() {
        crate::model::AmountUnit::Wanyuan => "unit = \"万元\"               ",
        crate::model::AmountUnit::Yuan => "unit = \"元\"                 ",
    };
    let _ = writeln!(
        s,
        "{unit} # 金额单位：\"万元\" 或 \"元\"（本表样所印为“{}”）\n",
        form.amount_unit().label()
    );
    let _ = writeln!(s, "[project]");
    let _ = writeln!(s, "name = \"\"                     # 项目名称");
    let _ = writeln!(s, "department = \"\"               # 主管部门");
    let _ = writeln!(s, "implementer = \"\"              # 实施单位");
    let _ = writeln!(s, "# department_code = \"\"        # 主管部门代码（可选）");
    let _ = writeln!(s, "# implementer_code = \"\"       # 实施单位代码（可选）");
    let _ = writeln!(s, "# serial = 1                   # 项目序号（可选）\n");
    let _ = writeln!(
        s,
        "# 项目资金：每个资金来源一张表；年度资金总额由工具求和。"
    );
    let mut first = true;
    for row in form.fund_rows.iter().filter(|r| r.key != "total") {
        let name = FUND_SOURCES
            .iter()
            .find(|(k, _)| *k == row.key)
            .map_or(row.label.as_str(), |(_, n)| n);
        let prefix = if first { "" } else { "# " };
        let _ = writeln!(
            s,
            "{prefix}[funds.{}]            # {}",
            key(&row.key),
            comment_safe(name)
        );
        let _ = writeln!(s, "{prefix}initial = 0                # 年初预算数");
        let _ = writeln!(s, "{prefix}budget = 0                 # 全年预算数");
        let _ = writeln!(s, "{prefix}executed = 0               # 全年执行数\n");
        first = false;
    }
    let _ = writeln!(
        s,
        "# [funds]\n# reason = \"\"                 # 执行率偏低时说明原因\n"
    );
    let _ = writeln!(s, "[goals]");
    let _ = writeln!(
        s,
        "planned = \"\"                  # 年度总体目标：预期目标"
    );
    let _ = writeln!(
        s,
        "achieved = \"\"                 # 年度总体目标：实际完成情况（可用 {{{{ funds.rate }}}} 等占位符）\n"
    );
    let _ = writeln!(
        s,
        "# 绩效指标：每个三级指标一张 [[indicators]] 表。分值合计 + 预算执行率 {} 分 = 100。",
        10
    );
    let _ = writeln!(
        s,
        "# 年度指标值写比较符（≥ ≤ =），如 \"≥800人\"、\"≤4万元\"、\"≥95%\"；定性指标如 \"显著\"。"
    );
    for l1 in &form.level1 {
        let weight = level1_weight(form, &l1.name);
        if weight == 0 {
            continue;
        }
        let Some(l2) = l1.level2.first() else {
            continue;
        };
        let _ = writeln!(s, "\n[[indicators]]");
        let _ = writeln!(
            s,
            "level1 = {}             # 一级指标（{weight}分）",
            toml_string(&l1.name)
        );
        let _ = writeln!(
            s,
            "level2 = {}             # 二级指标：{}",
            toml_string(l2),
            comment_safe(&l1.level2.join("、"))
        );
        let _ = writeln!(s, "name = \"\"                     # 三级指标");
        let _ = writeln!(s, "target = \"\"                   # 年度指标值");
        let _ = writeln!(s, "actual = \"\"                   # 实际完成值");
        let _ = writeln!(s, "weight = {weight}                  # 分值");
        let _ = writeln!(
            s,
            "# score = 0                    # 得分（可选；不写则按规则计算）"
        );
        let _ = writeln!(
            s,
            "# reason = \"\"                 # 偏差原因分析及改进措施（扣分时必填）"
        );
    }
    s
}
