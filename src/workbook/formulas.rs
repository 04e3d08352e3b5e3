//! The computed cells of a form sheet: each is marked (the sheet's `jixiao_computed` name, so
//! `import` never reads it back as a stated figure), and the simple ones become formulas with
//! jixiao's figure as the cached result, so the sheet stays right while a clerk edits amounts
//! in Excel/WPS and a viewer that does not recalculate still shows the right number:
//!
//! - 年度资金总额 row: `SUM` of the source rows below it;
//! - 执行率: `ROUND(全年执行数/全年预算数, …)` (ROUNDDOWN when the policy truncates);
//! - 预算执行率得分: `ROUND(MAX(0, MIN(1, 执行数/预算数)) × 分值, …)`;
//! - 总分 and its 分值: `SUM` of the 预算执行 cell and the indicator column.
//!
//! A formula is written only where it gives jixiao's figure exactly from the cells it names (a
//! source not on the form, an amount printed "—", a rescaled total keep the plain value).
//! Indicator 得分 follow the scoring rules and stay numbers, marked when computed.

use rust_decimal::Decimal;

use super::{Grid, cell_ref};
use crate::decimal::{self, Rounding};
use crate::report::Report;
use crate::scoring;

/// Where form_grid put the cells that are computed.
#[derive(Default)]
pub(super) struct Places {
    /// Each fund row: its key and sheet row (the 年度资金总额 row is `total`).
    pub funds: Vec<(String, u32)>,
    /// Each scored indicator row, and whether its 得分 is stated by the project file.
    pub scores: Vec<(u32, bool)>,
    /// First and last indicator rows.
    pub indicators: Option<(u32, u32)>,
    /// The 总分 row.
    pub total: Option<u32>,
}

// Columns of the form sheet (see FORM_WIDTHS).
const INITIAL: u16 = 3;
const BUDGET: u16 = 4;
const EXECUTED: u16 = 5;
const WEIGHT: u16 = 6;
const RATE: u16 = 7;
const FUNDS_SCORE: u16 = 8;
const SCORE: u16 = 7;

/// Mark the computed cells of `g` and turn the simple ones into formulas.
pub(super) fn link(g: &mut Grid, report: &Report, at: &Places) {
    let total_row = at
        .funds
        .iter()
        .find(|(k, _)| *k == "total")
        .map(|(_, r)| *r);
    let sources: Vec<u32> = at
        .funds
        .iter()
        .filter(|(k, _)| k != "total")
        .map(|(_, r)| *r)
        .collect();
    if let Some(t) = total_row {
        for col in [INITIAL, BUDGET, EXECUTED] {
            sum_cell(g, (t, col), &[], &column(&sources, col));
        }
        funds_score(g, report, t);
    }
    for &(_, row) in &at.funds {
        rate(g, report, row);
        if Some(row) != total_row {
            // A source row's 得分 (printed by some forms) is computed too.
            g.mark(row, FUNDS_SCORE);
        }
    }
    for &(row, stated) in &at.scores {
        if !stated {
            g.mark(row, SCORE);
        }
    }
    if let Some(row) = at.total {
        let rows: Vec<u32> = at.indicators.map_or(Vec::new(), |(a, b)| (a..=b).collect());
        let first = at.funds.first().map(|(_, r)| *r);
        let head: Vec<(u32, u16)> = first.map(|f| (f, FUNDS_SCORE)).into_iter().collect();
        sum_cell(g, (row, SCORE), &head, &column(&rows, SCORE));
        let head: Vec<(u32, u16)> = first.map(|f| (f, WEIGHT)).into_iter().collect();
        sum_cell(g, (row, WEIGHT), &head, &column(&rows, WEIGHT));
    }
}

fn column(rows: &[u32], col: u16) -> Vec<(u32, u16)> {
    rows.iter().map(|&r| (r, col)).collect()
}

/// A number cell that is the sum of the `head` cells and the `cells` of its own column: marked,
/// and written as `SUM(…)` when the numbers there add up to it exactly.
fn sum_cell(g: &mut Grid, (row, col): (u32, u16), head: &[(u32, u16)], cells: &[(u32, u16)]) {
    let Some(value) = g.number(row, col) else {
        return;
    };
    g.mark(row, col);
    let parts: Vec<Decimal> = head
        .iter()
        .chain(cells)
        .filter_map(|&(r, c)| g.number(r, c))
        .collect();
    if parts.is_empty() || decimal::checked_sum(parts) != Some(value) {
        return;
    }
    let mut args: Vec<String> = head.iter().map(|&(r, c)| cell_ref(r, c)).collect();
    if let (Some(r0), Some(r1)) = (
        cells.iter().map(|c| c.0).min(),
        cells.iter().map(|c| c.0).max(),
    ) {
        // Never a range over the cell itself (a circular reference).
        if (r0..=r1).contains(&row) {
            return;
        }
        args.push(format!("{}:{}", cell_ref(r0, col), cell_ref(r1, col)));
    }
    g.formula(row, col, format!("SUM({})", args.join(",")), value);
}

/// Excel's function for the policy's rounding.
fn round_fn(rounding: Rounding) -> &'static str {
    match rounding {
        Rounding::HalfUp => "ROUND",
        Rounding::Down => "ROUNDDOWN",
    }
}

/// 全年预算数 and 全年执行数 of a row as the sheet holds them: the budget a non-zero number,
/// the executed amount a number or an empty cell (0, as jixiao reads an absent one).
fn amounts(g: &Grid, row: u32) -> Option<(Decimal, Decimal)> {
    let budget = g.number(row, BUDGET).filter(|b| !b.is_zero())?;
    let executed = match g.number(row, EXECUTED) {
        Some(e) => e,
        None if g.is_blank(row, EXECUTED) => Decimal::ZERO,
        None => return None,
    };
    Some((budget, executed))
}

/// 执行率 = 执行数 / 预算数, rounded as the report rounds it.
fn rate(g: &mut Grid, report: &Report, row: u32) {
    let Some(value) = g.number(row, RATE) else {
        return;
    };
    g.mark(row, RATE);
    let Some((budget, executed)) = amounts(g, row) else {
        return;
    };
    let policy = &report.policy;
    let expected = scoring::execution_rate(budget, executed)
        .map(|r| decimal::round(r, policy.rate_decimals, policy.rounding) / Decimal::ONE_HUNDRED);
    if expected != Some(value) {
        return;
    }
    let formula = format!(
        "{}({}/{},{})",
        round_fn(policy.rounding),
        cell_ref(row, EXECUTED),
        cell_ref(row, BUDGET),
        policy.rate_decimals + 2
    );
    g.formula(row, RATE, formula, value);
}

/// 预算执行率得分 = min(执行率, 100%) × 分值, rounded as the policy says.
fn funds_score(g: &mut Grid, report: &Report, row: u32) {
    let Some(value) = g.number(row, FUNDS_SCORE) else {
        return;
    };
    g.mark(row, FUNDS_SCORE);
    let (Some((budget, executed)), Some(weight)) = (amounts(g, row), g.number(row, WEIGHT)) else {
        return;
    };
    let policy = &report.policy;
    let expected = scoring::execution_rate(budget, executed)
        .and_then(|r| scoring::execution_score(r, weight))
        .map(|s| policy.round(s).min(weight));
    if expected != Some(value) {
        return;
    }
    let formula = format!(
        "{}(MAX(0,MIN(1,{}/{}))*{},{})",
        round_fn(policy.rounding),
        cell_ref(row, EXECUTED),
        cell_ref(row, BUDGET),
        cell_ref(row, WEIGHT),
        policy.decimals
    );
    g.formula(row, FUNDS_SCORE, formula, value);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding_functions() {
        assert_eq!(round_fn(Rounding::HalfUp), "ROUND");
        assert_eq!(round_fn(Rounding::Down), "ROUNDDOWN");
    }
}
