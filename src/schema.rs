//! `jixiao schema`: the JSON Schema of the input format, with Chinese titles for editor hover and
//! completion (Taplo / Even Better TOML via a `#:schema` line).
//!
//! Written out by hand from one table per TOML table, so that each key's Chinese name sits next
//! to it; tests validate every example against it and check it lists exactly the keys the parser
//! accepts.

use serde_json::{Map, Value, json};

/// `(key, type, title, description)`; the type is `"number"` for exact decimals (number or
/// string; `"amount"` may end in 万元/元, `"points"` in 分), `"text"`, `"integer"`, `"boolean"`, or a `#/definitions/…` reference.
type Row = (&'static str, &'static str, &'static str, &'static str);

const TOP: &[Row] = &[
    ("year", "integer", "评价年度", "打印为“（2021年度）”"),
    (
        "total",
        "stated_points",
        "总分（原表所印）",
        "审计用：原表印的总分，按其位数与计算值比较",
    ),
    (
        "reason_format",
        "text",
        "偏差原因栏格式",
        "失分行的偏差原因栏由计算结果与 reason 组成，如 \"目标{{ target }}，实际{{ actual }}，扣{{ lost }}分。原因：{{ reason }}\"；可用 name、level1、level2、target、actual、weight、score、lost、ratio、reason；写 \"\" 关闭",
    ),
    (
        "grade",
        "text",
        "评价等级（原表所印）",
        "审计用：原表印的等级（优、良、中、差）",
    ),
    (
        "form",
        "form",
        "表样",
        "mof-2020（默认）、beijing、shanghai、chongqing、inner-mongolia、xinjiang 或用户表样",
    ),
    ("unit", "unit", "金额单位", "“万元”或“元”"),
    (
        "project",
        "#/definitions/project",
        "项目信息",
        "项目名称、主管部门、实施单位",
    ),
    (
        "funds",
        "#/definitions/funds",
        "项目资金",
        "每个资金来源一张表",
    ),
    (
        "goals",
        "#/definitions/goals",
        "年度总体目标",
        "预期目标与实际完成情况",
    ),
    (
        "indicators",
        "indicators",
        "绩效指标",
        "每个三级指标一张 [[indicators]] 表",
    ),
    (
        "scoring",
        "#/definitions/scoring",
        "评分规则",
        "覆盖表样的默认评分参数",
    ),
    (
        "signature",
        "#/definitions/signature",
        "填报信息",
        "填报人、联系电话、填报日期、单位负责人",
    ),
    (
        "bundle",
        "#/definitions/bundle",
        "汇编封面",
        "jixiao bundle 的封面信息（通常写在 jixiao.toml）",
    ),
    (
        "print",
        "#/definitions/print",
        "印法",
        "覆盖表样 form.toml 的 [print]：执行率、其中各行、为 0 与未填的金额、没有指标的二级指标行怎样印",
    ),
];

const PROJECT: &[Row] = &[
    ("name", "text", "项目名称", ""),
    ("department", "text", "主管部门", ""),
    (
        "department_code",
        "code",
        "主管部门代码",
        "如 406，打印为“(406)”",
    ),
    ("implementer", "text", "实施单位", ""),
    ("implementer_code", "code", "实施单位代码", ""),
    ("serial", "code", "项目序号", "重庆表样打印“项目序号：N”"),
];

const FUND_ROW: &[Row] = &[
    ("initial", "amount", "年初预算数", "可省略；可带“万元”“元”"),
    ("budget", "amount", "全年预算数", "调整后预算"),
    ("executed", "amount", "全年执行数", ""),
    (
        "rate",
        "code",
        "执行率（原表所印）",
        "审计用：原表印的执行率，如 \"78%\"；按其位数与计算值比较",
    ),
    (
        "score",
        "stated_points",
        "得分（原表所印）",
        "审计用，仅年度资金总额一行：原表印的预算执行率得分",
    ),
];

const FUNDS: &[Row] = &[
    (
        "total",
        "#/definitions/fund_row",
        "年度资金总额",
        "可选；填写后与各来源之和核对",
    ),
    (
        "fiscal",
        "#/definitions/fund_row",
        "当年财政拨款",
        "财政拨款",
    ),
    ("central", "#/definitions/fund_row", "中央资金", ""),
    ("city", "#/definitions/fund_row", "市级资金", ""),
    ("district", "#/definitions/fund_row", "区级资金", ""),
    ("carryover", "#/definitions/fund_row", "上年结转资金", ""),
    ("other", "#/definitions/fund_row", "其他资金", ""),
    ("reason", "text", "执行率偏低原因", "执行率低于阈值时说明"),
];

const GOALS: &[Row] = &[
    (
        "planned",
        "text",
        "预期目标",
        "年初设定目标；可用 {{ funds.rate }} 等占位符",
    ),
    (
        "achieved",
        "text",
        "实际完成情况",
        "可用 {{ funds.rate }} 等占位符",
    ),
];

const INDICATOR: &[Row] = &[
    (
        "level1",
        "level1",
        "一级指标",
        "产出指标、效益指标、成本指标、满意度指标",
    ),
    (
        "level2",
        "level2",
        "二级指标",
        "如 数量指标、质量指标、社会效益指标",
    ),
    ("name", "text", "三级指标", ""),
    (
        "target",
        "code",
        "年度指标值",
        "如 ≥800人、≤4万元、≥95%、显著",
    ),
    ("actual", "code", "实际完成值", "如 832人、2.52万元、95%"),
    ("weight", "points", "分值", "可带“分”，如 \"10分\""),
    (
        "score",
        "stated_points",
        "得分",
        "可选；不写或写 \"\" 则按规则计算",
    ),
    (
        "grade",
        "stated_grade",
        "定性等级",
        "达成、部分达成、未达成；\"\" 为待填",
    ),
    ("reason", "text", "偏差原因分析及改进措施", "扣分时必填"),
    (
        "direction",
        "direction",
        "方向",
        "≥、≤ 或 =，覆盖年度指标值中的比较符",
    ),
    ("note", "text", "备注", ""),
    (
        "applicable",
        "boolean",
        "是否适用",
        "false 时打印“/”，总分按适用指标折算",
    ),
    (
        "tiers",
        "tiers",
        "分档计分",
        "如 [{ at_least = \"98%\", score = 10 }]",
    ),
    ("tiers_text", "text", "分档规则文字", "打印在偏差原因栏"),
];

const TIER: &[Row] = &[
    ("at_least", "code", "下限", "实际完成值达到此值即得该档分"),
    ("score", "points", "得分", ""),
];

const SCORING: &[Row] = &[
    ("decimals", "integer", "得分小数位数", "0–6"),
    (
        "rounding",
        "rounding",
        "舍入方式",
        "half-up 四舍五入；down 截尾",
    ),
    (
        "cost",
        "cost",
        "成本指标计分",
        "cap：不超目标得满分；progress：按支出进度",
    ),
    (
        "reverse",
        "reverse",
        "反向指标计分",
        "ratio：A/B×分值；linear：线性扣分",
    ),
    ("budget_weight", "number", "预算执行率分值", "默认 10"),
    ("bands", "numbers", "定性等级区间", "默认 [80, 60]"),
    (
        "grades",
        "numbers",
        "评价等级分数线",
        "默认 [90, 80, 60]：优、良、中",
    ),
    ("overachieve_ratio", "number", "超额提示比例", "默认 1.3"),
    (
        "low_rate_warning",
        "number",
        "执行率提示阈值（%）",
        "默认 90",
    ),
    ("rate_decimals", "integer", "执行率小数位数", "默认 2"),
];

const PRINT: &[Row] = &[
    (
        "rate",
        "print_rate",
        "执行率印法",
        "fixed：固定小数位（100.00%）；trimmed：去掉末尾的 0（100%、78.44%）",
    ),
    (
        "source_rate",
        "print_source_rate",
        "其中各行的执行率",
        "rate：印该行执行率；blank：留空；dash：印“—”",
    ),
    (
        "source_weight",
        "print_source_weight",
        "其中各行的分值",
        "weight：印预算执行率分值；blank：留空；dash：印“—”",
    ),
    (
        "source_score",
        "print_source_score",
        "其中各行的得分",
        "score：印按该行执行率算出的得分；blank：留空；dash：印“—”",
    ),
    (
        "zero_amount",
        "print_zero_amount",
        "为 0 的金额",
        "number：同其他金额（0.00）；0：印 0；blank：留空；dash：印“—”",
    ),
    (
        "absent_amount",
        "print_absent_amount",
        "未填写的金额",
        "blank：留空；dash：印“—”",
    ),
    (
        "unused_level2",
        "print_unused_level2",
        "没有指标的二级指标行",
        "print：每个二级指标都印一行；omit：不印；或二级指标名称的数组，只略去这些，如 [\"时效指标\"]",
    ),
    (
        "unused_cells",
        "print_unused_cells",
        "没有指标的二级指标行各格",
        "blank：留空；slash：印“/”",
    ),
    (
        "weights",
        "print_weights",
        "分值印法（各指标、预算执行率、总分行）",
        "fixed：按得分的小数位（10.00）；trimmed：去掉末尾的 0（10、2.5）",
    ),
    (
        "scores",
        "print_scores",
        "各指标得分印法（预算执行率得分、总分不受影响）",
        "fixed：固定小数位（10.00）；trimmed：去掉末尾的 0（10、0.15）",
    ),
];

const SIGNATURE: &[Row] = &[
    ("filler", "text", "填报人", ""),
    ("phone", "code", "联系电话", ""),
    ("date", "code", "填报日期", "如 2022-03-31"),
    ("leader", "text", "单位负责人", ""),
];

const BUNDLE: &[Row] = &[
    (
        "title",
        "text",
        "汇编标题",
        "如 2021年度项目支出绩效自评表汇编",
    ),
    ("department", "text", "部门", ""),
    ("date", "code", "日期", "如 2022-03-31"),
];

/// The spellings [`crate::decimal::parse_exact`] reads, then `suffix`, as one pattern that
/// ECMAScript (editors) and the `regex` crate (tests) read alike: a sign, digits (half or full
/// width) with `_` between them or in thousands groups of `,`/`，`, a point `.`/`．`, an
/// exponent of up to four digits, blanks around. (Too many digits is `check`'s to say.)
pub fn number_pattern(suffix: &str) -> String {
    const D: &str = "[0-9０-９]";
    let plain = format!("{D}(?:_?{D})*");
    let grouped = format!("{D}(?:_?{D}){{0,2}}(?:[,，]{D}_?{D}_?{D})+");
    let fraction = format!("{D}(?:_*{D})*");
    let mantissa = format!("(?:(?:{grouped}|{plain})(?:[.．](?:{fraction})?)?|[.．]{fraction})");
    format!("^\\s*[-+－]?{mantissa}(?:[eE][-+－]?{D}{{1,4}})?\\s*{suffix}\\s*$")
}

fn type_of(kind: &str) -> Value {
    let level1 = ["产出指标", "效益指标", "成本指标", "满意度指标"];
    let level2: Vec<&str> = crate::model::LEVELS
        .iter()
        .flat_map(|(_, l2)| l2.iter().copied())
        .collect();
    match kind {
        "number" => json!({"type": ["number", "string"], "pattern": number_pattern("")}),
        "amount" => {
            json!({"type": ["number", "string"], "pattern": number_pattern("(?:万元|元)?")})
        }
        "points" => json!({"type": ["number", "string"], "pattern": number_pattern("分?")}),
        // A stated figure may be `""`, a cell still to fill (`rollover` writes these).
        "stated_points" => json!({
            "type": ["number", "string"], "pattern": format!("^\\s*$|{}", number_pattern("分?"))
        }),
        "numbers" => json!({"type": "array", "items": {
            "type": ["number", "string"], "pattern": number_pattern("")
        }}),
        "text" => json!({"type": "string"}),
        "code" => json!({"type": ["string", "number"]}),
        "integer" => json!({"type": "integer"}),
        "boolean" => json!({"type": "boolean"}),
        "form" => json!({"type": "string", "pattern": "^[a-z0-9-]+$"}),
        "unit" => json!({"enum": ["万元", "元"]}),
        "level1" => json!({"enum": level1}),
        "level2" => json!({"enum": level2}),
        "stated_grade" => {
            let names = crate::grade::Attainment::ALL.map(|a| a.as_str());
            let full = crate::grade::Attainment::ALL.map(|a| a.full());
            let blank = [""];
            json!({"enum": blank.iter().chain(&names).chain(&full).collect::<Vec<_>>()})
        }
        "direction" => json!({"enum": ["≥", ">=", "≧", ">", "=", "≤", "<=", "≦", "<"]}),
        "rounding" => json!({"enum": ["half-up", "down"]}),
        "cost" => json!({"enum": ["cap", "progress"]}),
        "reverse" => json!({"enum": ["ratio", "linear"]}),
        "print_rate" => json!({"enum": ["fixed", "trimmed"]}),
        "print_source_rate" => json!({"enum": ["rate", "blank", "dash"]}),
        "print_source_weight" => json!({"enum": ["weight", "blank", "dash"]}),
        "print_source_score" => json!({"enum": ["score", "blank", "dash"]}),
        "print_zero_amount" => json!({"enum": ["number", "0", "blank", "dash"]}),
        "print_absent_amount" => json!({"enum": ["blank", "dash"]}),
        "print_unused_level2" => json!({"anyOf": [
            {"enum": ["print", "omit"]},
            {"type": "array", "items": {"enum": level2}},
        ]}),
        "print_unused_cells" => json!({"enum": ["blank", "slash"]}),
        "print_weights" | "print_scores" => json!({"enum": ["fixed", "trimmed"]}),
        "indicators" => json!({"type": "array", "items": {"$ref": "#/definitions/indicator"}}),
        "tiers" => json!({"type": "array", "items": {"$ref": "#/definitions/tier"}}),
        reference => json!({"$ref": reference}),
    }
}

fn object(rows: &[Row], title: &str) -> Value {
    let mut properties = Map::new();
    for (key, kind, title, description) in rows {
        let mut v = type_of(kind);
        let o = v.as_object_mut().expect("every type is an object");
        o.insert("title".into(), json!(title));
        if !description.is_empty() {
            o.insert(
                "description".into(),
                json!(format!("{title}：{description}")),
            );
        }
        properties.insert((*key).into(), v);
    }
    json!({"type": "object", "title": title, "additionalProperties": false, "properties": properties})
}

/// The whole schema (draft-07, which Taplo understands).
pub fn schema() -> Value {
    let mut root = object(TOP, "项目支出绩效自评表 (jixiao)");
    let o = root.as_object_mut().expect("object");
    o.insert(
        "$schema".into(),
        json!("http://json-schema.org/draft-07/schema#"),
    );
    o.insert(
        "description".into(),
        json!("一个项目一个 TOML 文件；文件夹的 jixiao.toml 存放共用信息。详见 docs/format.md。"),
    );
    o.insert(
        "definitions".into(),
        json!({
            "project": object(PROJECT, "项目信息"),
            "fund_row": object(FUND_ROW, "资金来源"),
            "funds": object(FUNDS, "项目资金"),
            "goals": object(GOALS, "年度总体目标"),
            "indicator": object(INDICATOR, "三级指标"),
            "tier": object(TIER, "分档"),
            "scoring": object(SCORING, "评分规则"),
            "signature": object(SIGNATURE, "填报信息"),
            "bundle": object(BUNDLE, "汇编封面"),
            "print": object(PRINT, "印法"),
        }),
    );
    root
}

/// Every key the schema names, for the consistency test against the parser.
pub fn keys() -> Vec<&'static str> {
    [
        TOP, PROJECT, FUND_ROW, FUNDS, GOALS, INDICATOR, TIER, SCORING, SIGNATURE, BUNDLE, PRINT,
    ]
    .iter()
    .flat_map(|rows| rows.iter().map(|r| r.0))
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decimal::{NumberError, parse_exact};
    use crate::model::AmountUnit;
    use crate::spelling::{Suffix, read};

    /// The pattern of `kind` as `jixiao schema` writes it, compiled.
    fn pattern(kind: &str) -> regex::Regex {
        let schema = type_of(kind);
        regex::Regex::new(schema["pattern"].as_str().unwrap()).unwrap()
    }

    /// A text the parser reads as a number (too long or too large is still a number).
    fn spelled<T>(result: Result<T, NumberError>) -> bool {
        !matches!(result, Err(NumberError::Invalid))
    }

    #[test]
    fn number_pattern_accepts_exactly_what_the_parser_reads() {
        let (number, amount, points) = (pattern("number"), pattern("amount"), pattern("points"));
        let wan = Suffix::Amount(AmountUnit::Wanyuan);
        for text in crate::decimal::tests::SPELLINGS {
            assert_eq!(
                number.is_match(text),
                spelled(parse_exact(text)),
                "number {text:?}"
            );
            for tail in ["", "万元", "元", " 元", "分", "万"] {
                let t = format!("{text}{tail}");
                assert_eq!(amount.is_match(&t), spelled(read(&t, wan)), "amount {t:?}");
                assert_eq!(
                    points.is_match(&t),
                    spelled(read(&t, Suffix::Points)),
                    "points {t:?}"
                );
            }
        }
        // The values: valid in `check`, so valid for editors.
        for text in ["６．５２", "1e1", "2，243，764"] {
            assert!(
                number.is_match(text) && spelled(parse_exact(text)),
                "{text}"
            );
        }
    }

    /// Strings of up to six characters from those numbers are made of (a fixed pseudo-random
    /// sample): the pattern and the parser agree on each.
    #[test]
    fn number_pattern_agrees_with_the_parser_on_generated_spellings() {
        const ALPHABET: &[char] = &[
            '0', '1', '9', '０', '５', ',', '，', '.', '．', '_', 'e', 'E', '-', '+', '－', ' ',
        ];
        let number = pattern("number");
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut accepted = 0;
        for _ in 0..200_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let len = (state % 7) as usize;
            let text: String = (0..len)
                .map(|i| ALPHABET[((state >> (8 + 4 * i)) as usize) % ALPHABET.len()])
                .collect();
            assert_eq!(
                number.is_match(&text),
                spelled(parse_exact(&text)),
                "{text:?}"
            );
            accepted += usize::from(number.is_match(&text));
        }
        // Both sides of the line are sampled well.
        assert!((10_000..190_000).contains(&accepted), "{accepted} accepted");
    }

    #[test]
    fn schema_names_exactly_the_parser_keys() {
        let mut schema: Vec<&str> = keys();
        schema.sort();
        schema.dedup();
        let mut parser: Vec<&str> = crate::raw::KNOWN_KEYS.to_vec();
        parser.sort();
        parser.dedup();
        assert_eq!(schema, parser);
    }
}
