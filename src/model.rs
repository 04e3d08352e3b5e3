//! The validated model: a project file merged with its folder's `jixiao.toml`, every value exact
//! and located. Building it collects every problem instead of stopping at the first.

use rust_decimal::Decimal;
use toml::Spanned;

use crate::decimal::NumberError;
use crate::grade::Attainment;
use crate::policy::read_decimal_exact;
use crate::problem::{Code, Problem};
use crate::raw::{NumText, RawFile, RawFundRow, RawProjectInfo, RawTier, S};
use crate::source::{FileId, Loc, Sources};
use crate::spelling::Suffix;
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
    /// `"万元"` or `"元"`, as `unit` is written.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "万元" => Some(AmountUnit::Wanyuan),
            "元" => Some(AmountUnit::Yuan),
            _ => None,
        }
    }

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

#[derive(Debug, Clone)]
pub struct Tier {
    pub at_least: Field<String>,
    /// With its place: a tier score above the indicator's weight is an error there.
    pub score: Field<Decimal>,
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
    pub grade: Option<Field<Attainment>>,
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
    Problem::new(Code::NumberOutOfRange, path, message).at(Some(loc))
}

/// The layers a project's values come from, top first: the project file, then its folder's
/// `jixiao.toml`. A value is taken whole from the topmost layer that has it; `[scoring]` and
/// `[print]` are overlaid key by key from the bottom up. (The form's own defaults lie under both:
/// `report` applies them, as the form is known only once `form` has been read from these layers.)
#[derive(Clone, Copy)]
pub struct Layers<'r> {
    project: (FileId, &'r RawFile),
    folder: Option<(FileId, &'r RawFile)>,
}

impl<'r> Layers<'r> {
    pub fn new(project: (FileId, &'r RawFile), folder: Option<(FileId, &'r RawFile)>) -> Self {
        Layers { project, folder }
    }

    /// The value `key` reads from the topmost layer that has it, with the file it came from
    /// (for error locations): `layers.get(|r| r.project.as_ref()?.name.as_ref())`.
    pub fn get<T>(self, key: impl Fn(&'r RawFile) -> Option<&'r T>) -> Option<(&'r T, FileId)> {
        self.top_down()
            .find_map(|(file, raw)| key(raw).map(|v| (v, file)))
    }

    /// The project file, then the folder's.
    pub fn top_down(self) -> impl Iterator<Item = (FileId, &'r RawFile)> {
        std::iter::once(self.project).chain(self.folder)
    }

    /// The folder's file, then the project's: the order to overlay tables key by key.
    pub fn bottom_up(self) -> impl Iterator<Item = (FileId, &'r RawFile)> {
        self.folder.into_iter().chain(std::iter::once(self.project))
    }

    /// The project file, where problems about what no layer has are reported.
    pub fn top_file(self) -> FileId {
        self.project.0
    }
}

/// Builds a [`Project`] from a project file and its optional folder defaults.
pub struct Builder<'a> {
    sources: &'a Sources,
    /// The forms whose `unit` is the default of a project that gives none.
    forms: Option<&'a crate::forms::Forms>,
    /// The unit of the project being built, for reading its amounts.
    unit: AmountUnit,
    pub problems: Vec<Problem>,
}

impl<'a> Builder<'a> {
    pub fn new(sources: &'a Sources) -> Self {
        Builder {
            sources,
            forms: None,
            unit: AmountUnit::Wanyuan,
            problems: Vec::new(),
        }
    }

    /// Take the default `unit` of a project from its form among `forms`.
    pub fn with_forms(mut self, forms: &'a crate::forms::Forms) -> Self {
        self.forms = Some(forms);
        self
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

    /// A number field; a text may end in the unit or 分 that `suffix` allows.
    fn decimal(
        &mut self,
        v: &Spanned<NumText>,
        file: FileId,
        path: String,
        (what, suffix): (&str, Suffix),
    ) -> Option<Field<Decimal>> {
        let loc = Self::loc(file, v.span());
        // `""` is a cell still to fill (a rolled-over file, a fresh scaffold), not a bad number.
        if matches!(v.get_ref(), NumText::Text(t) if t.trim().is_empty()) {
            self.problems.push(
                Problem::new(Code::MissingField, path, format!("{what}未填写")).at(Some(loc)),
            );
            return None;
        }
        let read = match v.get_ref() {
            NumText::Text(t) => crate::spelling::read(t, suffix),
            number => read_decimal_exact(number, &v.span(), self.sources.get(file)).map(|value| {
                crate::spelling::Reading {
                    value,
                    converted_from: None,
                }
            }),
        };
        match read {
            Ok(r) => {
                let shown = self.literal(v, file).value;
                if let Some(message) = crate::spelling::converted(what, &shown, &r, suffix) {
                    let p = Problem::new(Code::AmountConverted, path, message);
                    self.problems.push(p.at(Some(loc.clone())));
                }
                Some(Field {
                    value: r.value,
                    loc,
                })
            }
            Err(NumberError::Invalid) => {
                let shown = self.literal(v, file).value;
                let key = path.rsplit('.').next().unwrap_or(&path);
                let hint = crate::spelling::invalid_hint(&shown, key, suffix);
                self.problems.push(
                    Problem::new(
                        Code::InvalidNumber,
                        path,
                        format!("{what}“{shown}”不是有效的数字{hint} (not a valid number)"),
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
        (what, suffix): (&str, Suffix),
        max: Decimal,
    ) -> Option<Field<Decimal>> {
        let d = self.decimal(v, file, path.clone(), (what, suffix))?;
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
        // "78%"; a printed score may end in 分 ("10.00分", as the 昌吉 seed prints it).
        let number = if percent {
            text.trim_end_matches(['%', '％']).trim_end()
        } else {
            text.strip_suffix('分').unwrap_or(text).trim_end()
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
                    Problem::new(
                        Code::InvalidNumber,
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
        if let Some(why) = crate::document::impossible_date(text) {
            self.problems.push(
                Problem::new(
                    Code::ImpossibleDate,
                    path,
                    format!("{what}“{text}”不存在：{why}；请改正日期 (no such date)"),
                )
                .at(Some(field.loc.clone())),
            );
        } else if !text.is_empty() && crate::document::parse_date(text).is_none() {
            self.problems.push(
                Problem::new(
                    Code::InvalidDate,
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
            Problem::new(
                Code::MissingField,
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
        let layers = Layers::new((pf, project), folder);
        let file_start = Some(Self::loc(pf, 0..0));

        let year = self.year(layers, &file_start);
        let (form, form_loc) = match layers.get(|r| r.form.as_ref()) {
            Some((f, file)) => (f.get_ref().clone(), Some(Self::loc(file, f.span()))),
            None => ("mof-2020".to_string(), None),
        };
        let unit = self.unit(layers, &form);
        self.unit = unit;
        let info = self.info(layers, &file_start);
        let funds = self.funds(layers);
        self.problems
            .extend(crate::scale::funds(&funds.sources, unit));
        let planned = layers
            .get(|r| r.goals.as_ref()?.planned.as_ref())
            .map(|(v, f)| self.text(v, f));
        let achieved = layers
            .get(|r| r.goals.as_ref()?.achieved.as_ref())
            .map(|(v, f)| self.text(v, f));

        let mut indicators = Vec::new();
        match layers.get(|r| r.indicators.as_ref()) {
            Some((list, file)) => {
                for (index, raw) in list.get_ref().iter().enumerate() {
                    indicators.push(self.indicator(index, raw, file));
                }
            }
            None => self.missing("indicators", "绩效指标 [[indicators]]", file_start.clone()),
        }

        let signature = self.signature(layers);
        let bundle = BundleInfo {
            title: layers
                .get(|r| r.bundle.as_ref()?.title.as_ref())
                .map(|(v, f)| self.text(v, f).value),
            department: layers
                .get(|r| r.bundle.as_ref()?.department.as_ref())
                .map(|(v, f)| self.text(v, f).value),
            date: layers
                .get(|r| r.bundle.as_ref()?.date.as_ref())
                .map(|(v, f)| self.date(v, f, "bundle.date", "汇编日期")),
        };
        let scoring = layers
            .bottom_up()
            .filter_map(|(file, raw)| raw.scoring.clone().map(|s| (s, file)))
            .collect();

        let stated_total = project
            .total
            .as_ref()
            .and_then(|v| self.stated(v, pf, "total".into(), "总分", false));
        let stated_grade = project
            .grade
            .as_ref()
            .map(|v| self.text(v, pf))
            .filter(|g| !g.value.trim().is_empty());

        let reason_format = layers
            .get(|r| r.reason_format.as_ref())
            .map(|(v, f)| self.text(v, f));
        let print = self.print(layers);
        if let Some(folder) = folder {
            self.ignored_in_folder(folder);
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

    fn year(&mut self, layers: Layers, file_start: &Option<Loc>) -> i32 {
        let Some((y, file)) = layers.get(|r| r.year.as_ref()) else {
            self.missing("year", "评价年度", file_start.clone());
            return 0;
        };
        let v = *y.get_ref();
        if !i32::try_from(v).is_ok_and(|y| YEARS.contains(&y)) {
            self.problems.push(
                Problem::new(
                    Code::InvalidValue,
                    "year",
                    format!("评价年度 {v} 不在 1990～2100 之间，请核对"),
                )
                .at(Some(Self::loc(file, y.span()))),
            );
        }
        v as i32
    }

    /// `unit` of the project or its folder, else the form's (上海 prints 元), else 万元.
    fn unit(&mut self, layers: Layers, form: &str) -> AmountUnit {
        let form_unit = self
            .forms
            .and_then(|f| f.get(form))
            .map_or(AmountUnit::Wanyuan, |f| f.amount_unit());
        let Some((u, file)) = layers.get(|r| r.unit.as_ref()) else {
            return form_unit;
        };
        match AmountUnit::parse(u.get_ref()) {
            Some(unit) => unit,
            None => {
                let other = u.get_ref();
                self.problems.push(
                    Problem::new(
                        Code::InvalidValue,
                        "unit",
                        format!("金额单位“{other}”无效，应为“万元”或“元”"),
                    )
                    .at(Some(Self::loc(file, u.span()))),
                );
                form_unit
            }
        }
    }

    /// `[project]`: three names required (a blank one is as missing), three codes optional.
    fn info(&mut self, layers: Layers, file_start: &Option<Loc>) -> ProjectInfo {
        let mut info = ProjectInfo::default();
        for (key, what, slot) in [
            ("name", "项目名称", &mut info.name),
            ("department", "主管部门", &mut info.department),
            ("implementer", "实施单位", &mut info.implementer),
        ] {
            let value = layers.get(|r| {
                let p = r.project.as_ref()?;
                match key {
                    "name" => p.name.as_ref(),
                    "department" => p.department.as_ref(),
                    _ => p.implementer.as_ref(),
                }
            });
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
        let code = |pick: fn(&RawProjectInfo) -> &S<NumText>| {
            layers
                .get(|r| pick(r.project.as_ref()?).as_ref())
                .map(|(v, f)| self.literal(v, f).value)
        };
        info.department_code = code(|p| &p.department_code);
        info.implementer_code = code(|p| &p.implementer_code);
        info.serial = code(|p| &p.serial);
        info
    }

    fn signature(&mut self, layers: Layers) -> Signature {
        let filler = layers
            .get(|r| r.signature.as_ref()?.filler.as_ref())
            .map(|(v, f)| self.text(v, f).value);
        let phone = layers
            .get(|r| r.signature.as_ref()?.phone.as_ref())
            .map(|(v, f)| self.literal(v, f).value);
        let date = layers
            .get(|r| r.signature.as_ref()?.date.as_ref())
            .map(|(v, f)| self.date(v, f, "signature.date", "填报日期"));
        let leader = layers
            .get(|r| r.signature.as_ref()?.leader.as_ref())
            .map(|(v, f)| self.text(v, f).value);
        Signature {
            filler: filler.unwrap_or_default(),
            phone: phone.unwrap_or_default(),
            date: date.unwrap_or_default(),
            leader: leader.unwrap_or_default(),
        }
    }

    /// `[print]`: folder, then project, key by key; a bad value leaves the layer below.
    fn print(&mut self, layers: Layers) -> crate::forms::PrintOverrides {
        let mut print = crate::forms::PrintOverrides::default();
        for (file, raw) in layers.bottom_up() {
            let Some(raw) = &raw.print else { continue };
            let (layer, errors) = crate::forms::PrintOverrides::read(raw);
            for e in errors {
                self.problems.push(
                    Problem::new(Code::InvalidValue, format!("print.{}", e.field), e.message)
                        .at(Some(Self::loc(file, e.span))),
                );
            }
            print.overlay(&layer);
        }
        print
    }

    /// Printed figures belong to one form; in the folder's file they would silently apply to
    /// nothing.
    fn ignored_in_folder(&mut self, (ff, f): (FileId, &RawFile)) {
        for (key, span) in [
            ("total", f.total.as_ref().map(|v| v.span())),
            ("grade", f.grade.as_ref().map(|v| v.span())),
        ] {
            if let Some(span) = span {
                self.problems.push(
                    Problem::new(
                        Code::IgnoredField,
                        key,
                        format!("jixiao.toml 中的 {key} 是某一张表所印的数字，只能写在项目文件里，已忽略"),
                    )
                    .at(Some(Self::loc(ff, span))),
                );
            }
        }
    }

    fn funds(&mut self, layers: Layers) -> Funds {
        let mut funds = Funds::default();
        let keys = std::iter::once(("total", "年度资金总额")).chain(FUND_SOURCES.iter().copied());
        for (key, _) in keys {
            let row = layers.get(|r| {
                let f = r.funds.as_ref()?;
                match key {
                    "total" => f.total.as_ref(),
                    "fiscal" => f.fiscal.as_ref(),
                    "central" => f.central.as_ref(),
                    "city" => f.city.as_ref(),
                    "district" => f.district.as_ref(),
                    "carryover" => f.carryover.as_ref(),
                    _ => f.other.as_ref(),
                }
            });
            let Some((row, file)) = row else { continue };
            let built = self.fund_row(key, row, file);
            if key == "total" {
                funds.total = Some(built);
            } else {
                funds.sources.push(built);
            }
        }
        funds.reason = layers
            .get(|r| r.funds.as_ref()?.reason.as_ref())
            .map(|(r, f)| self.text(r, f))
            .filter(|r| !r.value.trim().is_empty());
        if funds.sources.is_empty() {
            let loc = Self::loc(layers.top_file(), 0..0);
            self.problems.push(
                Problem::new(
                    Code::MissingField,
                    "funds",
                    "缺少项目资金：至少需要一个资金来源，如 [funds.fiscal]（budget、executed）",
                )
                .at(Some(loc)),
            );
        }
        funds
    }

    /// One `[funds.KEY]` row: the printed rate and score, then the three amounts.
    fn fund_row(&mut self, key: &str, row: &Spanned<RawFundRow>, file: FileId) -> FundRow {
        let r = row.get_ref();
        let stated_rate = r
            .rate
            .as_ref()
            .and_then(|v| self.stated(v, file, format!("funds.{key}.rate"), "执行率", true));
        let stated_score = r.score.as_ref().and_then(|v| {
            if key != "total" {
                self.problems.push(
                    Problem::new(
                        Code::InvalidValue,
                        format!("funds.{key}.score"),
                        "预算执行率得分只印在年度资金总额一行，请写在 [funds.total] score",
                    )
                    .at(Some(Self::loc(file, v.span()))),
                );
                return None;
            }
            self.stated(v, file, format!("funds.{key}.score"), "得分", false)
        });
        FundRow {
            key: FUND_SOURCES
                .iter()
                .find(|(k, _)| *k == key)
                .map_or("total", |(k, _)| k),
            initial: self.amount(key, "initial", &r.initial, file),
            budget: self.amount(key, "budget", &r.budget, file),
            executed: self.amount(key, "executed", &r.executed, file),
            stated_rate,
            stated_score,
            loc: Self::loc(file, row.span()),
        }
    }

    /// An amount of a fund row: bounded, never negative.
    fn amount(
        &mut self,
        key: &str,
        field: &str,
        v: &S<NumText>,
        file: FileId,
    ) -> Option<Field<Decimal>> {
        let v = v.as_ref()?;
        let path = format!("funds.{key}.{field}");
        let suffix = Suffix::Amount(self.unit);
        let d = self.bounded(v, file, path.clone(), ("金额", suffix), MAX_AMOUNT)?;
        if d.value < Decimal::ZERO {
            self.problems.push(
                Problem::new(
                    Code::NegativeValue,
                    path,
                    format!("金额不能为负数：{}", d.value),
                )
                .at(Some(d.loc.clone())),
            );
        }
        Some(d)
    }

    /// One `[[indicators]]` entry, each field checked by its own function below, in the order
    /// of the form's columns.
    fn indicator(
        &mut self,
        index: usize,
        raw: &Spanned<crate::raw::RawIndicator>,
        file: FileId,
    ) -> Indicator {
        let r = raw.get_ref();
        let row = Row {
            index,
            file,
            loc: Self::loc(file, raw.span()),
            applicable: r.applicable.as_ref().is_none_or(|a| *a.get_ref()),
        };
        let (level1, level2) = self.levels(&row, &r.level1, &r.level2);
        let name = self.required_text(&row, &r.name, "name", "三级指标");
        let (target, actual) = self.target_actual(&row, &r.target, &r.actual);
        let weight = self.weight(&row, &r.weight);
        let score = self.indicator_score(&row, &r.score);
        let grade = self.grade(&row, &r.grade);
        let direction = self.direction(&row, &r.direction);
        let tiers = self.tiers(&row, &r.tiers);
        Indicator {
            index,
            loc: row.loc,
            level1,
            level2,
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
            applicable: row.applicable,
            tiers,
            tiers_text: r.tiers_text.as_ref().map(|v| self.text(v, file)),
        }
    }

    /// 一级 and 二级: both required, and a canonical pair (format.md).
    fn levels(&mut self, row: &Row, l1: &S<String>, l2: &S<String>) -> (String, String) {
        let mut required = |v: &S<String>, key: &str, what: &str| match v {
            // "" is a cell still to fill (as left by `rollover` or an import of a blank cell).
            Some(v) if v.get_ref().trim().is_empty() => {
                let loc = Self::loc(row.file, v.span());
                self.problems.push(
                    Problem::new(Code::MissingField, row.path(key), format!("{what}未填写"))
                        .at(Some(loc)),
                );
                None
            }
            Some(v) => Some(self.text(v, row.file)),
            None => {
                self.missing(&row.path(key), what, Some(row.loc.clone()));
                None
            }
        };
        let level1 = required(l1, "level1", "一级指标");
        let level2 = required(l2, "level2", "二级指标");
        if let Some(l1) = &level1 {
            match LEVELS.iter().find(|(n, _)| *n == l1.value) {
                None => {
                    let valid: Vec<&str> = LEVELS.iter().map(|(n, _)| *n).collect();
                    self.problems.push(
                        Problem::new(
                            Code::UnknownLevel,
                            row.path("level1"),
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
                            Problem::new(
                                Code::UnknownLevel,
                                row.path("level2"),
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
        (
            level1.map(|f| f.value).unwrap_or_default(),
            level2.map(|f| f.value).unwrap_or_default(),
        )
    }

    /// A text required where the row applies (a 不适用 row may leave it out).
    fn required_text(
        &mut self,
        row: &Row,
        v: &S<String>,
        key: &str,
        what: &str,
    ) -> Option<Field<String>> {
        match v {
            Some(v) => Some(self.text(v, row.file)),
            None => {
                if row.applicable {
                    self.missing(&row.path(key), what, Some(row.loc.clone()));
                }
                None
            }
        }
    }

    /// 年度指标值 and 实际完成值, read as text (numbers as written), required where applicable.
    fn target_actual(
        &mut self,
        row: &Row,
        target: &S<NumText>,
        actual: &S<NumText>,
    ) -> (Option<Field<String>>, Option<Field<String>>) {
        let target = target.as_ref().map(|v| self.literal(v, row.file));
        let actual = actual.as_ref().map(|v| self.literal(v, row.file));
        if row.applicable {
            if target.is_none() {
                self.missing(&row.path("target"), "年度指标值", Some(row.loc.clone()));
            }
            if actual.is_none() {
                self.missing(&row.path("actual"), "实际完成值", Some(row.loc.clone()));
            }
        }
        (target, actual)
    }

    /// 分值: required where applicable, within 0…100.
    fn weight(&mut self, row: &Row, v: &S<NumText>) -> Option<Field<Decimal>> {
        let weight = match v {
            Some(v) => self.bounded(
                v,
                row.file,
                row.path("weight"),
                ("分值", Suffix::Points),
                MAX_WEIGHT,
            ),
            None => {
                if row.applicable {
                    self.missing(&row.path("weight"), "分值", Some(row.loc.clone()));
                }
                None
            }
        };
        if let Some(w) = &weight
            && w.value < Decimal::ZERO
        {
            self.problems.push(
                Problem::new(Code::NegativeValue, row.path("weight"), "分值不能为负数")
                    .at(Some(w.loc.clone())),
            );
        }
        weight
    }

    /// A stated 得分: optional (`""` is absent, as a rolled-over file leaves it), within 0…100.
    fn indicator_score(&mut self, row: &Row, v: &S<NumText>) -> Option<Field<Decimal>> {
        let v = v.as_ref().filter(|v| !is_blank(v))?;
        self.bounded(
            v,
            row.file,
            row.path("score"),
            ("得分", Suffix::Points),
            MAX_WEIGHT,
        )
    }

    /// A stated grade: 达成 / 部分达成 / 未达成, in short or in full.
    fn grade(&mut self, row: &Row, v: &S<String>) -> Option<Field<Attainment>> {
        let g = v.as_ref().filter(|g| !g.get_ref().trim().is_empty())?;
        let loc = Self::loc(row.file, g.span());
        let Some(value) = Attainment::parse(g.get_ref()) else {
            self.problems.push(
                Problem::new(
                    Code::InvalidValue,
                    row.path("grade"),
                    format!(
                        "等级“{}”无效，应为“达成”“部分达成”或“未达成”",
                        g.get_ref().trim()
                    ),
                )
                .at(Some(loc)),
            );
            return None;
        };
        Some(Field { value, loc })
    }

    /// The comparator of a target written without one.
    fn direction(&mut self, row: &Row, v: &S<String>) -> Option<Field<Comparator>> {
        let d = v.as_ref()?;
        let loc = Self::loc(row.file, d.span());
        match Comparator::parse_direction(d.get_ref()) {
            Some(value) => Some(Field { value, loc }),
            None => {
                self.problems.push(
                    Problem::new(
                        Code::InvalidValue,
                        row.path("direction"),
                        format!("方向“{}”无效，应为“≥”“≤”或“=”", d.get_ref()),
                    )
                    .at(Some(loc)),
                );
                None
            }
        }
    }

    /// `[[indicators.tiers]]`: each with `at_least` and a bounded `score`.
    fn tiers(&mut self, row: &Row, v: &Option<Spanned<Vec<Spanned<RawTier>>>>) -> Vec<Tier> {
        let mut tiers = Vec::new();
        let Some(list) = v else { return tiers };
        for (ti, t) in list.get_ref().iter().enumerate() {
            let tp = row.path(&format!("tiers[{ti}]"));
            let tr = t.get_ref();
            let (Some(at_least), Some(score)) = (&tr.at_least, &tr.score) else {
                self.missing(
                    &format!("{tp}.at_least/score"),
                    "分档标准",
                    Some(Self::loc(row.file, t.span())),
                );
                continue;
            };
            let at_least = self.literal(at_least, row.file);
            if let Some(score) = self.bounded(
                score,
                row.file,
                format!("{tp}.score"),
                ("分档得分", Suffix::Points),
                MAX_WEIGHT,
            ) {
                tiers.push(Tier { at_least, score });
            }
        }
        tiers
    }
}

/// An optional field written `""` is absent (a rolled-over file leaves them so).
fn is_blank(v: &Spanned<NumText>) -> bool {
    matches!(v.get_ref(), NumText::Text(t) if t.trim().is_empty())
}

/// The `[[indicators]]` entry being checked: where it is and whether it applies.
struct Row {
    index: usize,
    file: FileId,
    loc: Loc,
    applicable: bool,
}

impl Row {
    fn path(&self, field: &str) -> String {
        format!("indicators[{}].{field}", self.index)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(text: &str) -> RawFile {
        toml::from_str(text).unwrap()
    }

    #[test]
    fn layers_take_the_topmost_value_and_say_where_it_came_from() {
        let project = raw("year = 2025\n[project]\nname = \"项目\"");
        let folder = raw(
            "year = 2024\nunit = \"元\"\n[project]\ndepartment = \"部门\"\n[scoring]\ndecimals = 1",
        );
        let layers = Layers::new((FileId(0), &project), Some((FileId(1), &folder)));
        let year = layers.get(|r| r.year.as_ref()).unwrap();
        assert_eq!((*year.0.get_ref(), year.1), (2025, FileId(0)));
        let unit = layers.get(|r| r.unit.as_ref()).unwrap();
        assert_eq!((unit.0.get_ref().as_str(), unit.1), ("元", FileId(1)));
        let department = layers.get(|r| r.project.as_ref()?.department.as_ref());
        assert_eq!(department.map(|(_, f)| f), Some(FileId(1)));
        assert!(layers.get(|r| r.form.as_ref()).is_none());
        let order: Vec<FileId> = layers.bottom_up().map(|(f, _)| f).collect();
        assert_eq!(order, [FileId(1), FileId(0)]);
        let alone = Layers::new((FileId(0), &project), None);
        assert!(alone.get(|r| r.unit.as_ref()).is_none());
    }
}
