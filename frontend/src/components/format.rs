//! Dates shown the UK way ("22 May 2016").

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// The name of a month numbered 1 to 12.
pub fn month_name(month: u32) -> &'static str {
    MONTHS
        .get(month.wrapping_sub(1) as usize)
        .copied()
        .unwrap_or("")
}

/// `2016-05-22` → `22 May 2016` (anything else is shown as it came).
pub fn format_date(iso: &str) -> String {
    let mut parts = iso.get(..10).unwrap_or(iso).split('-');
    let (Some(y), Some(m), Some(d)) = (parts.next(), parts.next(), parts.next()) else {
        return iso.to_string();
    };
    match (m.parse::<u32>(), d.parse::<u32>()) {
        (Ok(m), Ok(d)) if (1..=12).contains(&m) => format!("{d} {} {y}", month_name(m)),
        _ => iso.to_string(),
    }
}

/// An optional date, or a dash.
pub fn format_opt_date(iso: Option<&str>) -> String {
    iso.map_or_else(|| "—".to_string(), format_date)
}

/// `2026-11-26T06:51:03.123Z` → `26 November 2026, 06:51:03 UTC`.
pub fn format_date_time(rfc3339: &str) -> String {
    let date = format_date(rfc3339);
    let time = rfc3339.get(11..19).unwrap_or("");
    if time.is_empty() {
        date
    } else {
        let zone = if rfc3339.ends_with('Z') || rfc3339.ends_with("+00:00") {
            " UTC"
        } else {
            ""
        };
        format!("{date}, {time}{zone}")
    }
}

/// "May 2016", or just the year.
pub fn format_month_year(month: Option<i64>, year: i64) -> String {
    match month {
        Some(m) if (1..=12).contains(&m) => format!("{} {year}", month_name(m as u32)),
        _ => year.to_string(),
    }
}

/// A count with its noun: "1 entry", "3 entries", "no entries".
pub fn counted(n: i64, one: &str, many: &str) -> String {
    match n {
        0 => format!("no {many}"),
        1 => format!("1 {one}"),
        n => format!("{n} {many}"),
    }
}

/// Today in the browser's calendar, as `YYYY-MM-DD`.
pub fn today_iso() -> String {
    let now = js_sys::Date::new_0();
    format!(
        "{:04}-{:02}-{:02}",
        now.get_full_year(),
        now.get_month() + 1,
        now.get_date()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uk_dates() {
        assert_eq!(format_date("2016-05-22"), "22 May 2016");
        assert_eq!(format_date("2016-01-02"), "2 January 2016");
        assert_eq!(
            format_date_time("2026-11-26T06:51:03Z"),
            "26 November 2026, 06:51:03 UTC"
        );
        assert_eq!(format_month_year(Some(5), 2016), "May 2016");
    }
}
