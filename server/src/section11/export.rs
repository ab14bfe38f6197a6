//! A year's Section 11 answers as an XLSX workbook (`crate::workbook`): one row per agency
//! and standard, for the assessments the person may read.

use super::YearView;
use crate::audit_log::Event;
use crate::chronology::export::ExportFile;
use crate::context::RequestContext;
use crate::error::AppResult;
use crate::state::AppState;
use shared::section11::{link_lines, Rating};

pub const HEADINGS: [&str; 9] = [
    "Year",
    "Agency",
    "Status",
    "Standard",
    "Rating",
    "Evidence",
    "What would make it green",
    "Links to evidence",
    "Carried forward",
];
const WIDTHS: [f64; 9] = [8.0, 30.0, 22.0, 36.0, 18.0, 60.0, 50.0, 50.0, 10.0];

/// The rows of the workbook, in agency then standard order; links one per line, the
/// address first.
pub fn rows(view: &YearView) -> AppResult<Vec<[String; 9]>> {
    let mut out = Vec::new();
    for a in &view.assessments {
        let status = a.status.label().to_owned();
        for s in &a.standards {
            let answer = a.answers.iter().find(|x| x.standard_id == s.id);
            let rating = answer
                .and_then(|x| x.rating.as_deref())
                .and_then(Rating::from_code)
                .map_or("Not rated", Rating::label);
            let links = match answer {
                Some(x) => link_lines(&super::links_of(&x.links)?),
                None => String::new(),
            };
            out.push([
                view.year.to_string(),
                a.agency.name.clone(),
                status.clone(),
                s.title.clone(),
                rating.to_owned(),
                answer.map(|x| x.evidence.clone()).unwrap_or_default(),
                answer.map(|x| x.to_green.clone()).unwrap_or_default(),
                links,
                if answer.is_some_and(|x| x.carried_forward) {
                    "Yes"
                } else {
                    "No"
                }
                .to_owned(),
            ]);
        }
    }
    Ok(out)
}

/// The year's answers the person may read, as a workbook; the download is recorded in the
/// audit log (no content).
pub async fn year(state: &AppState, rc: &RequestContext, year: i32) -> AppResult<ExportFile> {
    let view = super::year(state, rc, year).await?;
    let bytes = crate::workbook::text_workbook(
        &format!("Section 11 {year}"),
        &format!("Section 11 self-assessment {year}"),
        &HEADINGS,
        &WIDTHS,
        &rows(&view)?,
    )?;
    let id = year.to_string();
    state
        .record_read(rc, Event::new("section11.export", "section11_year", &id))
        .await?;
    Ok(ExportFile {
        file_name: format!("section-11-{year}.xlsx"),
        media_type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        bytes,
    })
}
