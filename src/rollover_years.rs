//! The year named in the texts of a rolled-over file: `2020年度…汇编` becomes `2021年度…汇编`;
//! a year that may mean something else (`2018-2020年`, `2020-12-31`, `较2019年`, `2020人次`)
//! is kept as written and noted for the user to look at.

use toml_edit::{Item, Table, Value};

/// Rewrite the old year in every string of `table` (keys, comments and numbers stay as they
/// are), noting each string that keeps a year.
pub fn carry(table: &mut Table, old: i32, new: i32, notes: &mut Vec<String>) {
    for (key, item) in table.iter_mut() {
        let path = key.get().to_string();
        carry_item(item, &path, old, new, notes);
    }
}

fn carry_item(item: &mut Item, path: &str, old: i32, new: i32, notes: &mut Vec<String>) {
    match item {
        Item::Value(v) => carry_value(v, path, old, new, notes),
        Item::Table(t) => {
            for (key, item) in t.iter_mut() {
                carry_item(item, &format!("{path}.{}", key.get()), old, new, notes);
            }
        }
        Item::ArrayOfTables(list) => {
            for (i, t) in list.iter_mut().enumerate() {
                for (key, item) in t.iter_mut() {
                    let p = format!("{path}[{i}].{}", key.get());
                    carry_item(item, &p, old, new, notes);
                }
            }
        }
        Item::None => {}
    }
}

fn carry_value(v: &mut Value, path: &str, old: i32, new: i32, notes: &mut Vec<String>) {
    match v {
        Value::String(s) => {
            let (text, unsure) = carry_text(s.value(), old, new);
            if !unsure.is_empty() {
                let shown: Vec<&str> = text.lines().map(str::trim).collect();
                notes.push(format!(
                    "{path}：“{}”中的 {} 未改动，请核对是否应为 {new} 年的 (year kept as written)",
                    shown.join(" "),
                    unsure.join("、")
                ));
            }
            if text != *s.value() {
                // The string as written (''' blocks, literal quotes) with the year replaced, if
                // that reads back as exactly the new text; else written afresh.
                let (repr, _) = carry_text(&s.display_repr(), old, new);
                let decor = s.decor().clone();
                *v = repr
                    .parse::<Value>()
                    .ok()
                    .filter(|r| r.as_str() == Some(text.as_str()))
                    .unwrap_or_else(|| Value::from(text));
                *v.decor_mut() = decor;
            }
        }
        Value::Array(list) => {
            for (i, item) in list.iter_mut().enumerate() {
                carry_value(item, &format!("{path}[{i}]"), old, new, notes);
            }
        }
        Value::InlineTable(t) => {
            for (key, item) in t.iter_mut() {
                carry_value(item, &format!("{path}.{}", key.get()), old, new, notes);
            }
        }
        _ => {}
    }
}

/// Characters that join two years into a span (`2018-2020年`, `2020至2022年`).
const RANGE: &[char] = &['-', '—', '–', '~', '～', '至', '到'];

/// `text` with the old year written as a year (`2020年`, `2020 年度`) replaced by the new one,
/// and every 4-digit year kept because it may mean something else.
pub fn carry_text(text: &str, old: i32, new: i32) -> (String, Vec<String>) {
    let (old_s, new_s) = (old.to_string(), new.to_string());
    let mut out = String::with_capacity(text.len());
    let mut unsure = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(|c: char| c.is_ascii_digit()) {
        let len = rest[start..]
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len() - start);
        let (before, digits, after) = (
            &rest[..start],
            &rest[start..start + len],
            &rest[start + len..],
        );
        out.push_str(before);
        let is_year = len == 4
            && digits
                .parse::<i32>()
                .is_ok_and(|y| crate::model::YEARS.contains(&y));
        let followed_by_nian = after.trim_start_matches(' ').starts_with('年');
        let ranged = (before.trim_end_matches([' ', '年', '度']).ends_with(RANGE)
            && out_ends_with_year(&out))
            || starts_a_range(after);
        if is_year && digits == old_s && followed_by_nian && !ranged {
            out.push_str(&new_s);
        } else {
            let noted = digits == old_s || followed_by_nian || ranged;
            if is_year && noted && !unsure.iter().any(|u| u == digits) {
                unsure.push(digits.to_string());
            }
            out.push_str(digits);
        }
        rest = after;
    }
    out.push_str(rest);
    (out, unsure)
}

/// `…2018-` before a year: the text so far ends with a year and a range sign.
fn out_ends_with_year(out: &str) -> bool {
    let t = out
        .trim_end_matches([' ', '年', '度'])
        .trim_end_matches(RANGE);
    let t = t.trim_end_matches([' ', '年', '度']);
    let digits = t.len() - t.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    digits == 4
}

/// `年-2022`, `-2022年` after a year: this year starts a span.
fn starts_a_range(after: &str) -> bool {
    let t = after.trim_start_matches([' ', '年', '度']);
    t.strip_prefix(RANGE)
        .is_some_and(|r| r.trim_start().starts_with(|c: char| c.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_old_year_as_a_year_becomes_the_new_one() {
        let carry = |t: &str| carry_text(t, 2020, 2021);
        assert_eq!(
            carry("2020年度项目支出绩效自评汇编"),
            ("2021年度项目支出绩效自评汇编".into(), vec![])
        );
        assert_eq!(
            carry("截至2020 年底完成"),
            ("截至2021 年底完成".into(), vec![])
        );
        assert_eq!(carry("完成 800 人次"), ("完成 800 人次".into(), vec![]));
        assert_eq!(
            carry("2018-2020年规划"),
            (
                "2018-2020年规划".into(),
                vec!["2018".to_string(), "2020".into()]
            )
        );
        assert_eq!(
            carry("2020年至2022年"),
            (
                "2020年至2022年".into(),
                vec!["2020".to_string(), "2022".into()]
            )
        );
        assert_eq!(
            carry("较2019年增长，2020-12-31 前"),
            (
                "较2019年增长，2020-12-31 前".into(),
                vec!["2019".to_string(), "2020".into()]
            )
        );
        assert_eq!(carry("编号 20201 号"), ("编号 20201 号".into(), vec![]));
    }
}
