//! The performance dataset: every indicator's latest value, variation and assurance (hot
//! spots first), each indicator's XmR chart with its data table, recording a value, and the
//! office's indicator form; importing values from a spreadsheet.

mod chart;
mod detail;
mod form;
mod import;
mod list;

pub use detail::IndicatorPage;
pub use form::{EditIndicator, NewIndicator};
pub use list::PerformanceList;

/// The tag class of a variation (always shown with its words).
pub fn variation_class(code: &str) -> &'static str {
    use shared::performance::spc::Variation;
    match Variation::from_code(code) {
        Some(v) if v.is_concern() => "tag tag-overdue",
        Some(v) if v.is_improvement() => "tag tag-met",
        Some(Variation::CommonCause) | None => "tag tag-awaiting",
        Some(_) => "tag tag-due",
    }
}

/// The tag class of an assurance (always shown with its words).
pub fn assurance_class(code: &str) -> &'static str {
    use shared::performance::spc::Assurance;
    match Assurance::from_code(code) {
        Some(Assurance::ReliablyMet) => "tag tag-met",
        Some(Assurance::ReliablyMissed) => "tag tag-overdue",
        Some(Assurance::HitAndMiss) => "tag tag-due-soon",
        _ => "tag tag-awaiting",
    }
}

/// A value as the dataset shows it: up to two decimals, no trailing zeros, with its unit.
pub fn format_value(value: f64, unit: &str) -> String {
    let mut s = format!("{value:.2}");
    while s.contains('.') && (s.ends_with('0') || s.ends_with('.')) {
        s.pop();
    }
    match unit {
        "" => s,
        "%" => format!("{s}%"),
        u => format!("{s} {u}"),
    }
}
