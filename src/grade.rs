//! Grades, one type per scale, each printed as the forms print it: an indicator's 完成等级
//! (`grade` of a qualitative indicator, docs/scoring.md §4) and a total's 评价等级 (§7).
//! `Display` gives the Chinese text; `parse` reads what a project file or a printed form says.

use std::fmt;

use rust_decimal::Decimal;

/// How far an indicator was achieved (§4): 达成 / 部分达成 / 未达成.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Attainment {
    /// 达成年度指标
    Achieved,
    /// 部分达成年度指标并具有一定效果
    Partial,
    /// 未达成年度指标且效果较差
    NotAchieved,
}

impl Attainment {
    pub const ALL: [Attainment; 3] = [
        Attainment::Achieved,
        Attainment::Partial,
        Attainment::NotAchieved,
    ];

    /// The short name a project file writes (and messages use): 达成.
    pub const fn as_str(self) -> &'static str {
        match self {
            Attainment::Achieved => "达成",
            Attainment::Partial => "部分达成",
            Attainment::NotAchieved => "未达成",
        }
    }

    /// The full wording of 10号文: 达成年度指标.
    pub const fn full(self) -> &'static str {
        match self {
            Attainment::Achieved => "达成年度指标",
            Attainment::Partial => "部分达成年度指标并具有一定效果",
            Attainment::NotAchieved => "未达成年度指标且效果较差",
        }
    }

    /// The short name or the full wording, surrounding spaces ignored.
    pub fn parse(text: &str) -> Option<Attainment> {
        let text = text.trim();
        Attainment::ALL
            .into_iter()
            .find(|a| a.as_str() == text || a.full() == text)
    }
}

impl fmt::Display for Attainment {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The 评价等级 of a total (§7): 优 / 良 / 中 / 差.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Rating {
    /// 优
    Excellent,
    /// 良
    Good,
    /// 中
    Fair,
    /// 差
    Poor,
}

impl Rating {
    pub const ALL: [Rating; 4] = [Rating::Excellent, Rating::Good, Rating::Fair, Rating::Poor];

    /// The one character the forms print: 优.
    pub const fn as_str(self) -> &'static str {
        match self {
            Rating::Excellent => "优",
            Rating::Good => "良",
            Rating::Fair => "中",
            Rating::Poor => "差",
        }
    }

    /// The rating of `total` under the thresholds of 优, 良 and 中 (`grades`, decreasing).
    pub fn of(total: Decimal, [excellent, good, fair]: [Decimal; 3]) -> Rating {
        if total >= excellent {
            Rating::Excellent
        } else if total >= good {
            Rating::Good
        } else if total >= fair {
            Rating::Fair
        } else {
            Rating::Poor
        }
    }

    /// A rating as a published form printed it: 优 or 优秀, 良 or 良好, 中 / 合格 / 中等,
    /// 差 / 不合格 / 较差 (surrounding spaces ignored).
    pub fn parse(text: &str) -> Option<Rating> {
        match text.trim() {
            "优" | "优秀" => Some(Rating::Excellent),
            "良" | "良好" => Some(Rating::Good),
            "中" | "合格" | "中等" => Some(Rating::Fair),
            "差" | "不合格" | "较差" => Some(Rating::Poor),
            _ => None,
        }
    }
}

impl fmt::Display for Rating {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn attainment_reads_short_and_full_names() {
        for a in Attainment::ALL {
            assert_eq!(Attainment::parse(a.as_str()), Some(a));
            assert_eq!(Attainment::parse(&format!(" {} ", a.full())), Some(a));
            assert_eq!(a.to_string(), a.as_str());
        }
        assert_eq!(Attainment::parse("基本达成"), None);
    }

    #[test]
    fn rating_by_thresholds_and_as_printed() {
        let grades = [dec!(90), dec!(80), dec!(60)];
        assert_eq!(Rating::of(dec!(90), grades), Rating::Excellent);
        assert_eq!(Rating::of(dec!(89.99), grades), Rating::Good);
        assert_eq!(Rating::of(dec!(60), grades), Rating::Fair);
        assert_eq!(Rating::of(dec!(59.9), grades), Rating::Poor);
        for r in Rating::ALL {
            assert_eq!(Rating::parse(r.as_str()), Some(r));
            assert_eq!(r.to_string(), r.as_str());
        }
        assert_eq!(Rating::parse("合格"), Some(Rating::Fair));
        assert_eq!(Rating::parse("A"), None);
    }
}
