//! The validated model: a project file merged with its folder's `jixiao.toml`, every value exact
//! and located. Building it collects every problem instead of stopping at the first.

use rust_decimal::Decimal;
use toml::Spanned;

use crate::decimal::NumberError;
use crate::policy::read_decimal_exact;
use crate::problem::Problem;
use crate::raw::{NumText, RawFile, RawFundRow};
use crate::source::{FileId, Loc, Sources};
use crate::target::Comparator;

/// A value with the place it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Field<T> {
    pub value: T,
    pub loc: Loc,
}

/// The canonical 一级 → 二级 names (format.md).
pub const LEVELS: &[(&str, &[&str])] = &[
    (
        "产出指标",
        &["数量指标", "质量指标", "时效指标", "成本指标"],
    ),
    (
        "效益指标",
        &[
            "经济效益指标",
            "社会效益指标",
            "生态效益指标",
            "可持续影响指标",
        ],
    ),
    (
        "成本指标",
        &["经济成本指标", "社会成本指标", "生态环境成本指标"],
    ),
    ("满意度指标", &["服务对象满意度指标"]),
];

/// Fund sources in their canonical order, with their Chinese names.
pub const FUND_SOURCES: &[(&str, &str)] = &[
    ("fiscal", "当年财政拨款"),
    ("central", "中央资金"),
    ("city", "市级资金"),
    ("district", "区级资金"),
    ("carryover", "上年结转资金"),
    ("other", "其他资金"),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AmountUnit {
    Wanyuan,
    Yuan,
}

impl AmountUnit {
    pub fn label(self) -> &'static str {
        match self {
            AmountUnit::Wanyuan => "万元",
            AmountUnit::Yuan => "元",
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct ProjectInfo {
    pub name: String,
    pub department: String,
    pub department_code: Option<String>,
    pub implementer: String,
    pub implementer_code: Option<String>,
    pub serial: Option<String>,
}

/// A figure as a published form printed it, kept with its precision so the audit compares
/// at that precision ("78%" agrees with 78.44%; "100.00%" does not agree with 15.15%).
#[derive(Debug, Clone, PartialEq)]
pub struct Stated {
    pub value: Decimal,
    /// Decimal places as written ("94.00" → 2, "78%" → 0).
    pub places: u32,
    /// The text as written, for messages.
    pub text: String,
    pub loc: Loc,
}

/// One 项目资金 row as written; amounts absent where the cell is empty.
#[derive(Debug, Clone)]
pub struct FundRow {
    pub key: &'static str,
    pub initial: Option<Field<Decimal>>,
    pub budget: Option<Field<Decimal>>,
    pub executed: Option<Field<Decimal>>,
    /// 执行率 and 得分 as the published form printed them (audit only).
    pub stated_rate: Option<Stated>,
    pub stated_score: Option<Stated>,
    pub loc: Loc,
}

#[derive(Debug, Clone, Default)]
pub struct Funds {
    pub sources: Vec<FundRow>,
    pub total: Option<FundRow>,
    pub reason: Option<Field<String>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grade {
    /// 达成年度指标
    Achieved,
    /// 部分达成年度指标并具有一定效果
    Partial,
    /// 未达成年度指标且效果较差
    NotAchieved,
}

#[derive(Debug, Clone)]
pub struct Tier {
    pub at_least: Field<String>,
    pub score: Decimal,
}

#[derive(Debug, Clone)]
pub struct Indicator {
    /// Position in the file, for `indicators[N]` field paths.
    pub index: usize,
    pub loc: Loc,
    pub level1: String,
    pub level2: String,
    pub name: String,
    pub target: Option<Field<String>>,
    pub actual: Option<Field<String>>,
    pub weight: Option<Field<Decimal>>,
    pub score: Option<Field<Decimal>>,
    pub grade: Option<Field<Grade>>,
    pub reason: Option<Field<String>>,
    pub direction: Option<Field<Comparator>>,
    pub note: Option<Field<String>>,
    pub applicable: bool,
    pub tiers: Vec<Tier>,
    pub tiers_text: Option<Field<String>>,
}

impl Indicator {
    pub fn path(&self, field: &str) -> String {
        format!("indicators[{}].{field}", self.index)
    }

    pub fn weight_value(&self) -> Decimal {
        self.weight.as_ref().map_or(Decimal::ZERO, |w| w.value)
    }
}

#[derive(Debug, Clone, Default)]
pub struct Signature {
    pub filler: String,
    pub phone: String,
    pub date: String,
    pub leader: String,
}

#[derive(Debug, Clone, Default)]
pub struct BundleInfo {
    pub title: Option<String>,
    pub department: Option<String>,
    pub date: Option<String>,
}

/// A project ready for scoring.
#[derive(Debug, Clone)]
pub struct Project {
    pub file: FileId,
    pub year: i32,
    pub form: String,
    pub form_loc: Option<Loc>,
    pub unit: AmountUnit,
    pub info: ProjectInfo,
    pub funds: Funds,
    pub planned: Option<Field<String>>,
    pub achieved: Option<Field<String>>,
    pub indicators: Vec<Indicator>,
    pub signature: Signature,
    pub bundle: BundleInfo,
    /// `[scoring]` layers: the folder's, then the project's.
    pub scoring: Vec<(crate::raw::RawScoring, FileId)>,
    /// 总分 and 评价等级 as the published form printed them (audit only; never from the folder).
    pub stated_total: Option<Stated>,
    pub stated_grade: Option<Field<String>>,
    /// `reason_format` from the project or its folder (overrides the form's).
    pub reason_format: Option<Field<String>>,
    /// `[print]` keys of the folder with the project's over them (over the form's, key by key).
    pub print: crate::forms::PrintOverrides,
}

/// The evaluation years accepted (`year`, `new --year`, `rollover --year`, `import --year`).
pub const YEARS: std::ops::RangeInclusive<i32> = 1990..=2100;

/// Largest amount accepted (10^18, far beyond any budget in 元), so sums and rates stay exact.
pub const MAX_AMOUNT: Decimal = Decimal::from_parts(2_808_348_672, 232_830_643, 0, false, 0);
/// Largest 分值 or 得分 accepted: a whole form is worth 100.
pub const MAX_WEIGHT: Decimal = Decimal::from_parts(100, 0, 0, false, 0);

fn out_of_range(path: String, message: String, loc: Loc) -> Problem {
    Problem::error("number-out-of-range", path, message).at(Some(loc))
}

/// Builds a [`Project`] from a project file and its optional folder defaults.
pub struct Builder<'a> {
    sources: &'a Sources,
    pub problems: Vec<Problem>,
}

impl<'a> Builder<'a> {
    pub fn new(sources: &'a Sources) -> Self {
        Builder {
            sources,
            problems: Vec::new(),
        }
    }

    fn loc(file: FileId, span: std::ops::Range<usize>) -> Loc {
        Loc { file, span }
    }

    fn text(&self, v: &Spanned<String>, file: FileId) -> Field<String> {
        Field {
            value: v.get_ref().clone(),
            loc: Self::loc(file, v.span()),
        }
    }

    /// A number or string field read as text (codes, phone numbers, targets written as numbers).
    fn literal(&self, v: &Spanned<NumText>, file: FileId) -> Field<String> {
        let value = match v.get_ref() {
            NumText::Number => self.sources.get(file).slice(&v.span()).to_string(),
            NumText::Text(t) => t.clone(),
        };
        Field {
            value,
            loc: Self::loc(file, v.span()),
        }
    }

    fn decimal(
        &mut self,
        v: &Spanned<NumText>,
        file: FileId,
        path: String,
        what: &str,
    ) -> Option<Field<Decimal>> {
        let loc = Self::loc(file, v.span());
        // `""` is a cell still to fill (a rolled-over file, a fresh scaffold), not a bad number.
        if matches!(v.get_ref(), NumText::Text(t) if t.trim().is_empty()) {
            self.problems
                .push(Problem::error("missing-field", path, format!("{what}未填写")).at(Some(loc)));
            return None;
        }
        match read_decimal_exact(v.get_ref(), &v.span(), self.sources.get(file)) {
            Ok(value) => Some(Field { value, loc }),
            Err(NumberError::Invalid) => {
                let shown = self.literal(v, file).value;
                self.problems.push(
                    Problem::error(
                        "invalid-number",
                        path,
                        format!(
                            "{what}“{shown}”不是有效的数字；千分位逗号须三位一组，如 2,243,764 (not a valid number)"
                        ),
                    )
                    .at(Some(loc)),
                );
                None
            }
            Err(NumberError::OutOfRange) => {
                let shown = self.literal(v, file).value;
                self.problems.push(out_of_range(
                    path,
                    format!(
                        "{what}“{shown}”位数过多或数值过大，无法精确保存（最多 {} 位有效数字），请核对 (number cannot be held exactly)",
                        crate::decimal::MAX_DIGITS
                    ),
                    loc,
                ));
                None
            }
        }
    }

    /// A decimal that must lie within `min..=max` (amounts, weights, scores): beyond it the
    /// value is refused with `number-out-of-range`, so no later sum or product can overflow.
    fn bounded(
        &mut self,
        v: &Spanned<NumText>,
        file: FileId,
        path: String,
        what: &str,
        max: Decimal,
    ) -> Option<Field<Decimal>> {
        let d = self.decimal(v, file, path.clone(), what)?;
        if d.value.abs() > max {
            self.problems.push(out_of_range(
                path,
                format!(
                    "{what} {} 超出可处理的范围（绝对值不超过 {}），请核对",
                    d.value.normalize(),
                    max.normalize()
                ),
                d.loc.clone(),
            ));
            return None;
        }
        Some(d)
    }

    /// A printed figure (`"78%"`, `94.00`) with its precision; `percent` allows a `%` sign.
    fn stated(
        &mut self,
        v: &Spanned<NumText>,
        file: FileId,
        path: String,
        what: &str,
        percent: bool,
    ) -> Option<Stated> {
        let field = self.literal(v, file);
        let text = field.value.trim();
        if text.is_empty() {
            return None; // `""`: not printed (a rolled-over file)
        }
        let number = if percent {
            text.trim_end_matches(['%', '％']).trim_end()
        } else {
            text
        };
        match crate::decimal::parse_exact(number) {
            Ok(value) => Some(Stated {
                value,
                places: crate::decimal::written_places(number),
                text: text.to_string(),
                loc: field.loc,
            }),
            Err(_) => {
                self.problems.push(
                    Problem::error(
                        "invalid-number",
                        path,
                        format!("原表所印{what}“{text}”不是有效的数字"),
                    )
                    .at(Some(field.loc)),
                );
                None
            }
        }
    }

    /// A date as printed on the form; a date that cannot be read is warned about (it is still
    /// printed as written, but a PDF/A date cannot come from it).
    fn date(&mut self, v: &Spanned<NumText>, file: FileId, path: &str, what: &str) -> String {
        let field = self.literal(v, file);
        let text = field.value.trim();
        if !text.is_empty() && crate::document::parse_date(text).is_none() {
            self.problems.push(
                Problem::warning(
                    "invalid-date",
                    path,
                    format!(
                        "{what}“{text}”无法识别为日期，应写作 2025-03-31 或 2025年3月31日 (unrecognised date)"
                    ),
                )
                .at(Some(field.loc.clone())),
            );
        }
        field.value
    }

    fn missing(&mut self, path: &str, what: &str, loc: Option<Loc>) {
        self.problems.push(
            Problem::error(
                "missing-field",
                path,
                format!("缺少必填字段 {path}（{what}）"),
            )
            .at(loc),
        );
    }

    /// Merge `project` (file `pf`) over `folder` (file `ff`) and validate.
    pub fn build(
        &mut self,
        pf: FileId,
        project: &RawFile,
        folder: Option<(FileId, &RawFile)>,
    ) -> Project {
        let file_start = Some(Self::loc(pf, 0..0));
        // Pick a value from the project, else the folder, remembering which file it came from.
        macro_rules! pick {
            ($($path:tt)+) => {
                project.$($path)+.as_ref().map(|v| (v, pf)).or_else(|| {
                    folder.and_then(|(ff, f)| f.$($path)+.as_ref().map(|v| (v, ff)))
                })
            };
        }
        macro_rules! pick_in {
            ($table:ident . $key:ident) => {
                project
                    .$table
                    .as_ref()
                    .and_then(|t| t.$key.as_ref())
                    .map(|v| (v, pf))
                    .or_else(|| {
                        folder.and_then(|(ff, f)| {
                            f.$table
                                .as_ref()
                                .and_then(|t| t.$key.as_ref())
                                .map(|v| (v, ff))
                        })
                    })
            };
        }

        let year = match pick!(year) {
            Some((y, file)) => {
                let v = *y.get_ref();
                if !i32::try_from(v).is_ok_and(|y| YEARS.contains(&y)) {
                    self.problems.push(
                        Problem::error(
                            "invalid-value",
                            "year",
                            format!("评价年度 {v} 不在 1990～2100 之间，请核对"),
                        )
                        .at(Some(Self::loc(file, y.span()))),
                    );
                }
                v as i32
            }
            None => {
                self.missing("year", "评价年度", file_start.clone());
                0
            }
        };
        let (form, form_loc) = match pick!(form) {
            Some((f, file)) => (f.get_ref().clone(), Some(Self::loc(file, f.span()))),
            None => ("mof-2020".to_string(), None),
        };
        let unit = match pick!(unit) {
            Some((u, file)) => match u.get_ref().as_str() {
                "万元" => AmountUnit::Wanyuan,
                "元" => AmountUnit::Yuan,
                other => {
                    self.problems.push(
                        Problem::error(
                            "invalid-value",
                            "unit",
                            format!("金额单位“{other}”无效，应为“万元”或“元”"),
                        )
                        .at(Some(Self::loc(file, u.span()))),
                    );
                    AmountUnit::Wanyuan
                }
            },
            None => AmountUnit::Wanyuan,
        };

        let mut info = ProjectInfo::default();
        for (key, what, slot) in [
            ("name", "项目名称", &mut info.name),
            ("department", "主管部门", &mut info.department),
            ("implementer", "实施单位", &mut info.implementer),
        ] {
            let value = match key {
                "name" => pick_in!(project.name),
                "department" => pick_in!(project.department),
                _ => pick_in!(project.implementer),
            };
            match value {
                Some((v, _)) if !v.get_ref().trim().is_empty() => *slot = v.get_ref().clone(),
                Some((v, file)) => self.missing(
                    &format!("project.{key}"),
                    what,
                    Some(Self::loc(file, v.span())),
                ),
                None => self.missing(&format!("project.{key}"), what, file_start.clone()),
            }
        }
        info.department_code =
            pick_in!(project.department_code).map(|(v, f)| self.literal(v, f).value);
        info.implementer_code =
            pick_in!(project.implementer_code).map(|(v, f)| self.literal(v, f).value);
        info.serial = pick_in!(project.serial).map(|(v, f)| self.literal(v, f).value);

        let funds = self.funds(pf, project, folder);
        let planned = pick_in!(goals.planned).map(|(v, f)| self.text(v, f));
        let achieved = pick_in!(goals.achieved).map(|(v, f)| self.text(v, f));

        let mut indicators = Vec::new();
        match project
            .indicators
            .as_ref()
            .map(|v| (v, pf))
            .or_else(|| folder.and_then(|(ff, f)| f.indicators.as_ref().map(|v| (v, ff))))
        {
            Some((list, file)) => {
                for (index, raw) in list.get_ref().iter().enumerate() {
                    if let Some(ind) = self.indicator(index, raw, file) {
                        indicators.push(ind);
                    }
                }
            }
            None => self.missing("indicators", "绩效指标 [[indicators]]", file_start.clone()),
        }

        let signature = Signature {
            filler: pick_in!(signature.filler)
                .map(|(v, f)| self.text(v, f).value)
                .unwrap_or_default(),
            phone: pick_in!(signature.phone)
                .map(|(v, f)| self.literal(v, f).value)
                .unwrap_or_default(),
            date: pick_in!(signature.date)
                .map(|(v, f)| self.date(v, f, "signature.date", "填报日期"))
                .unwrap_or_default(),
            leader: pick_in!(signature.leader)
                .map(|(v, f)| self.text(v, f).value)
                .unwrap_or_default(),
        };
        let bundle = BundleInfo {
            title: pick_in!(bundle.title).map(|(v, f)| self.text(v, f).value),
            department: pick_in!(bundle.department).map(|(v, f)| self.text(v, f).value),
            date: pick_in!(bundle.date).map(|(v, f)| self.date(v, f, "bundle.date", "汇编日期")),
        };
        let mut scoring = Vec::new();
        if let Some((ff, f)) = folder
            && let Some(s) = &f.scoring
        {
            scoring.push((s.clone(), ff));
        }
        if let Some(s) = &project.scoring {
            scoring.push((s.clone(), pf));
        }

        let stated_total = project
            .total
            .as_ref()
            .and_then(|v| self.stated(v, pf, "total".into(), "总分", false));
        let stated_grade = project
            .grade
            .as_ref()
            .map(|v| self.text(v, pf))
            .filter(|g| !g.value.trim().is_empty());

        let reason_format = pick!(reason_format).map(|(v, f)| self.text(v, f));
        // [print]: folder, then project, key by key; a bad value leaves the layer below.
        let mut print = crate::forms::PrintOverrides::default();
        let layers = folder
            .and_then(|(ff, f)| f.print.as_ref().map(|p| (p, ff)))
            .into_iter()
            .chain(project.print.as_ref().map(|p| (p, pf)));
        for (raw, file) in layers {
            let (layer, errors) = crate::forms::PrintOverrides::read(raw);
            for e in errors {
                self.problems.push(
                    Problem::error("invalid-value", format!("print.{}", e.field), e.message)
                        .at(Some(Self::loc(file, e.span))),
                );
            }
            print.overlay(&layer);
        }
        // Printed figures belong to one form; in the folder's file they would silently apply
        // to nothing.
        if let Some((ff, f)) = folder {
            for (key, span) in [
                ("total", f.total.as_ref().map(|v| v.span())),
                ("grade", f.grade.as_ref().map(|v| v.span())),
            ] {
                if let Some(span) = span {
                    self.problems.push(
                        Problem::warning(
                            "ignored-field",
                            key,
                            format!("jixiao.toml 中的 {key} 是某一张表所印的数字，只能写在项目文件里，已忽略"),
                        )
                        .at(Some(Self::loc(ff, span))),
                    );
                }
            }
        }

        Project {
            reason_format,
            print,
            stated_total,
            stated_grade,
            file: pf,
            year,
            form,
            form_loc,
            unit,
            info,
            funds,
            planned,
            achieved,
            indicators,
            signature,
            bundle,
            scoring,
        }
    }

    fn funds(
        &mut self,
        pf: FileId,
        project: &RawFile,
        folder: Option<(FileId, &RawFile)>,
    ) -> Funds {
        let mut funds = Funds::default();
        let project_funds = project.funds.as_ref();
        let folder_funds = folder.and_then(|(ff, f)| f.funds.as_ref().map(|x| (ff, x)));
        let row_of = |funds: &crate::raw::RawFunds, key: &str| -> Option<Spanned<RawFundRow>> {
            match key {
                "total" => funds.total.clone(),
                "fiscal" => funds.fiscal.clone(),
                "central" => funds.central.clone(),
                "city" => funds.city.clone(),
                "district" => funds.district.clone(),
                "carryover" => funds.carryover.clone(),
                _ => funds.other.clone(),
            }
        };
        let keys = std::iter::once(("total", "年度资金总额")).chain(FUND_SOURCES.iter().copied());
        for (key, _) in keys {
            let row = project_funds
                .and_then(|f| row_of(f, key).map(|r| (r, pf)))
                .or_else(|| folder_funds.and_then(|(ff, f)| row_of(f, key).map(|r| (r, ff))));
            let Some((row, file)) = row else { continue };
            let amount = |field: &str, v: &Option<Spanned<NumText>>, this: &mut Self| {
                let v = v.as_ref()?;
                let path = format!("funds.{key}.{field}");
                let d = this.bounded(v, file, path.clone(), "金额", MAX_AMOUNT)?;
                if d.value < Decimal::ZERO {
                    this.problems.push(
                        Problem::error(
                            "negative-value",
                            path,
                            format!("金额不能为负数：{}", d.value),
                        )
                        .at(Some(d.loc.clone())),
                    );
                }
                Some(d)
            };
            let r = row.get_ref();
            let stated_rate = r
                .rate
                .as_ref()
                .and_then(|v| self.stated(v, file, format!("funds.{key}.rate"), "执行率", true));
            let stated_score = r.score.as_ref().and_then(|v| {
                if key != "total" {
                    self.problems.push(
                        Problem::error(
                            "invalid-value",
                            format!("funds.{key}.score"),
                            "预算执行率得分只印在年度资金总额一行，请写在 [funds.total] score",
                        )
                        .at(Some(Self::loc(file, v.span()))),
                    );
                    return None;
                }
                self.stated(v, file, format!("funds.{key}.score"), "得分", false)
            });
            let built = FundRow {
                key: FUND_SOURCES
                    .iter()
                    .find(|(k, _)| *k == key)
                    .map_or("total", |(k, _)| k),
                initial: amount("initial", &r.initial, self),
                budget: amount("budget", &r.budget, self),
                executed: amount("executed", &r.executed, self),
                stated_rate,
                stated_score,
                loc: Self::loc(file, row.span()),
            };
            if key == "total" {
                funds.total = Some(built);
            } else {
                funds.sources.push(built);
            }
        }
        funds.reason = project_funds
            .and_then(|f| f.reason.as_ref().map(|r| (r, pf)))
            .or_else(|| folder_funds.and_then(|(ff, f)| f.reason.as_ref().map(|r| (r, ff))))
            .map(|(r, f)| self.text(r, f))
            .filter(|r| !r.value.trim().is_empty());
        if funds.sources.is_empty() {
            let loc = project_funds
                .map(|_| Self::loc(pf, 0..0))
                .unwrap_or(Self::loc(pf, 0..0));
            self.problems.push(
                Problem::error(
                    "missing-field",
                    "funds",
                    "缺少项目资金：至少需要一个资金来源，如 [funds.fiscal]（budget、executed）",
                )
                .at(Some(loc)),
            );
        }
        funds
    }

    fn indicator(
        &mut self,
        index: usize,
        raw: &Spanned<crate::raw::RawIndicator>,
        file: FileId,
    ) -> Option<Indicator> {
        let r = raw.get_ref();
        let loc = Self::loc(file, raw.span());
        let path = |f: &str| format!("indicators[{index}].{f}");
        let applicable = r.applicable.as_ref().is_none_or(|a| *a.get_ref());

        let level1 = match &r.level1 {
            Some(v) => Some(self.text(v, file)),
            None => {
                self.missing(&path("level1"), "一级指标", Some(loc.clone()));
                None
            }
        };
        let level2 = match &r.level2 {
            Some(v) => Some(self.text(v, file)),
            None => {
                self.missing(&path("level2"), "二级指标", Some(loc.clone()));
                None
            }
        };
        if let Some(l1) = &level1 {
            match LEVELS.iter().find(|(n, _)| *n == l1.value) {
                None => {
                    let valid: Vec<&str> = LEVELS.iter().map(|(n, _)| *n).collect();
                    self.problems.push(
                        Problem::error(
                            "unknown-level",
                            path("level1"),
                            format!(
                                "一级指标“{}”不规范；有效名称：{}",
                                l1.value,
                                valid.join("、")
                            ),
                        )
                        .at(Some(l1.loc.clone())),
                    );
                }
                Some((_, level2s)) => {
                    if let Some(l2) = &level2
                        && !level2s.contains(&l2.value.as_str())
                    {
                        self.problems.push(
                            Problem::error(
                                "unknown-level",
                                path("level2"),
                                format!(
                                    "二级指标“{}”不属于“{}”；有效名称：{}",
                                    l2.value,
                                    l1.value,
                                    level2s.join("、")
                                ),
                            )
                            .at(Some(l2.loc.clone())),
                        );
                    }
                }
            }
        }

        let required_text =
            |this: &mut Self, v: &Option<Spanned<String>>, key: &str, what: &str| match v {
                Some(v) => Some(this.text(v, file)),
                None => {
                    if applicable {
                        this.missing(&path(key), what, Some(loc.clone()));
                    }
                    None
                }
            };
        let name = required_text(self, &r.name, "name", "三级指标");
        let target = r.target.as_ref().map(|v| self.literal(v, file));
        let actual = r.actual.as_ref().map(|v| self.literal(v, file));
        if applicable {
            if target.is_none() {
                self.missing(&path("target"), "年度指标值", Some(loc.clone()));
            }
            if actual.is_none() {
                self.missing(&path("actual"), "实际完成值", Some(loc.clone()));
            }
        }
        let weight = match &r.weight {
            Some(v) => self.bounded(v, file, path("weight"), "分值", MAX_WEIGHT),
            None => {
                if applicable {
                    self.missing(&path("weight"), "分值", Some(loc.clone()));
                }
                None
            }
        };
        if let Some(w) = &weight
            && w.value < Decimal::ZERO
        {
            self.problems.push(
                Problem::error("negative-value", path("weight"), "分值不能为负数")
                    .at(Some(w.loc.clone())),
            );
        }
        // An optional field written `""` is absent (a rolled-over file leaves them so).
        let blank =
            |v: &Spanned<NumText>| matches!(v.get_ref(), NumText::Text(t) if t.trim().is_empty());
        let score = r
            .score
            .as_ref()
            .filter(|v| !blank(v))
            .and_then(|v| self.bounded(v, file, path("score"), "得分", MAX_WEIGHT));
        let grade = r
            .grade
            .as_ref()
            .filter(|g| !g.get_ref().trim().is_empty())
            .and_then(|g| {
                let value = match g.get_ref().trim() {
                    "达成" | "达成年度指标" => Grade::Achieved,
                    "部分达成" | "部分达成年度指标并具有一定效果" => {
                        Grade::Partial
                    }
                    "未达成" | "未达成年度指标且效果较差" => Grade::NotAchieved,
                    other => {
                        self.problems.push(
                            Problem::error(
                                "invalid-value",
                                path("grade"),
                                format!("等级“{other}”无效，应为“达成”“部分达成”或“未达成”"),
                            )
                            .at(Some(Self::loc(file, g.span()))),
                        );
                        return None;
                    }
                };
                Some(Field {
                    value,
                    loc: Self::loc(file, g.span()),
                })
            });
        let direction =
            r.direction
                .as_ref()
                .and_then(|d| match Comparator::parse_direction(d.get_ref()) {
                    Some(c) => Some(Field {
                        value: c,
                        loc: Self::loc(file, d.span()),
                    }),
                    None => {
                        self.problems.push(
                            Problem::error(
                                "invalid-value",
                                path("direction"),
                                format!("方向“{}”无效，应为“≥”“≤”或“=”", d.get_ref()),
                            )
                            .at(Some(Self::loc(file, d.span()))),
                        );
                        None
                    }
                });
        let mut tiers = Vec::new();
        if let Some(list) = &r.tiers {
            for (ti, t) in list.get_ref().iter().enumerate() {
                let tp = format!("indicators[{index}].tiers[{ti}]");
                let tr = t.get_ref();
                let (Some(at_least), Some(score)) = (&tr.at_least, &tr.score) else {
                    self.missing(
                        &format!("{tp}.at_least/score"),
                        "分档标准",
                        Some(Self::loc(file, t.span())),
                    );
                    continue;
                };
                let at_least = self.literal(at_least, file);
                if let Some(score) =
                    self.bounded(score, file, format!("{tp}.score"), "分档得分", MAX_WEIGHT)
                {
                    tiers.push(Tier {
                        at_least,
                        score: score.value,
                    });
                }
            }
        }
        Some(Indicator {
            index,
            loc,
            level1: level1.map(|f| f.value).unwrap_or_default(),
            level2: level2.map(|f| f.value).unwrap_or_default(),
            name: name.map(|f| f.value).unwrap_or_default(),
            target,
            actual,
            weight,
            score,
            grade,
            reason: r
                .reason
                .as_ref()
                .map(|v| self.text(v, file))
                .filter(|f| !f.value.trim().is_empty()),
            direction,
            note: r.note.as_ref().map(|v| self.text(v, file)),
            applicable,
            tiers,
            tiers_text: r.tiers_text.as_ref().map(|v| self.text(v, file)),
        })
    }
}
