//! Dates the command line needs: the PDF/A document date, and today (or `SOURCE_DATE_EPOCH`).

/// PDF/A needs a document date: the form's filing date, else the bundle date, else today.
pub fn pdfa_date(report: &jixiao::Report) -> (i32, u8, u8) {
    let project = report.project.as_ref();
    if let Some(d) = project.and_then(|p| jixiao::document::parse_date(&p.signature.date)) {
        eprintln!(
            "PDF/A 文档日期取填报日期 signature.date：{}-{:02}-{:02}",
            d.0, d.1, d.2
        );
        return d;
    }
    if let Some(d) = project
        .and_then(|p| p.bundle.date.as_deref())
        .and_then(jixiao::document::parse_date)
    {
        eprintln!(
            "PDF/A 文档日期取 [bundle] date：{}-{:02}-{:02}",
            d.0, d.1, d.2
        );
        return d;
    }
    let d = today();
    let source = if source_date_epoch().is_some() {
        "SOURCE_DATE_EPOCH"
    } else {
        "今天"
    };
    eprintln!(
        "PDF/A 文档日期取{source}：{}-{:02}-{:02}（可在 [signature] date 中写明填报日期）",
        d.0, d.1, d.2
    );
    d
}

/// `SOURCE_DATE_EPOCH` when it holds a valid time (seconds since 1970, before year 10000).
fn source_date_epoch() -> Option<time::OffsetDateTime> {
    std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .filter(|s| *s >= 0)
        .and_then(|s| time::OffsetDateTime::from_unix_timestamp(s).ok())
        .filter(|t| t.year() <= 9999)
}

/// Today's date (UTC), only used where a date is required and none given. `SOURCE_DATE_EPOCH`
/// (seconds since 1970, the reproducible-builds convention) fixes it, so such a PDF is
/// byte-identical across runs.
fn today() -> (i32, u8, u8) {
    let now = source_date_epoch().unwrap_or_else(time::OffsetDateTime::now_utc);
    (now.year(), u8::from(now.month()), now.day())
}

#[cfg(test)]
mod tests {
    #[test]
    fn epoch_seconds_to_dates() {
        let date = |s: i64| {
            let t = time::OffsetDateTime::from_unix_timestamp(s).unwrap();
            (t.year(), u8::from(t.month()), t.day())
        };
        assert_eq!(date(0), (1970, 1, 1));
        assert_eq!(date(951_782_400), (2000, 2, 29));
        assert_eq!(date(1_735_689_599), (2024, 12, 31));
        assert_eq!(date(253_402_300_799), (9999, 12, 31));
    }
}
