//! A year's Section 11 summary report as a Word document, for the business office to take
//! to the partnership's board: who was asked and where each assessment stands, each
//! standard's ratings counted, every agency's rating of every standard (with last year's
//! where it changed), what agencies say would make their red and amber standards green, and
//! the office's challenge questions with the agencies' responses. Every figure is worked out here from the year's answers the
//! person may read (an agency's staff get a report of their own agency).

use super::{AssessmentView, YearView};
use crate::audit_log::Event;
use crate::chronology::export::ExportFile;
use crate::context::RequestContext;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::summary::document::{
    report_docx, Report, ReportBlock, ReportCell, ReportSection, ReportTable, Shade,
    DOCX_CONTENT_TYPE,
};
use chrono::NaiveDate;
use shared::section11::{carried_from, AssessmentStatus, Rating};
use std::collections::HashMap;

/// The most standards one table of ratings by agency shows across (more follow in
/// further tables), so that each column stays wide enough to read.
const STANDARDS_PER_TABLE: usize = 8;

fn status_of(a: &AssessmentView) -> AssessmentStatus {
    a.status
}

fn status_label(a: &AssessmentView) -> String {
    status_of(a).label().to_owned()
}

fn rating_of(a: &AssessmentView, standard_id: &str) -> Option<Rating> {
    a.answers
        .iter()
        .find(|x| x.standard_id == standard_id)
        .and_then(|x| x.rating.as_deref())
        .and_then(Rating::from_code)
}

fn shade(r: Option<Rating>) -> Option<Shade> {
    Some(match r? {
        Rating::Red => Shade::Red,
        Rating::Amber => Shade::Amber,
        Rating::Green => Shade::Green,
    })
}

fn word(r: Option<Rating>) -> &'static str {
    match r {
        Some(Rating::Red) => "Red",
        Some(Rating::Amber) => "Amber",
        Some(Rating::Green) => "Green",
        None => "Not rated",
    }
}

use crate::work::long_date;

/// Whether the office has the assessment to scrutinise or has accepted it.
fn received(a: &AssessmentView) -> bool {
    matches!(
        status_of(a),
        AssessmentStatus::Submitted | AssessmentStatus::Accepted
    )
}

/// Each agency's rating last year of the standard of this year with the same title (as
/// answers carry forward), by (agency id, this year's standard id); worked out once.
struct LastYear(HashMap<(String, String), Rating>);

impl LastYear {
    fn of(view: &YearView, before: Option<&YearView>) -> Self {
        let mut ratings = HashMap::new();
        let Some(before) = before else {
            return LastYear(ratings);
        };
        let standards: Vec<(String, String)> = before
            .standards
            .iter()
            .map(|s| (s.id.clone(), s.title.clone()))
            .collect();
        for s in &view.standards {
            let Some(then) = carried_from(&s.title, &standards) else {
                continue;
            };
            for b in &before.assessments {
                if let Some(r) = rating_of(b, then) {
                    ratings.insert((b.agency.id.clone(), s.id.clone()), r);
                }
            }
        }
        LastYear(ratings)
    }

    fn rating(&self, a: &AssessmentView, standard_id: &str) -> Option<Rating> {
        self.0
            .get(&(a.agency.id.clone(), standard_id.to_owned()))
            .copied()
    }
}

fn overview(view: &YearView, today: NaiveDate) -> ReportSection {
    let n = view.assessments.len();
    let mut blocks = vec![ReportBlock::Text(format!(
        "{n} {} asked to assess {} against {} {}.",
        if n == 1 {
            "agency was"
        } else {
            "agencies were"
        },
        if n == 1 { "itself" } else { "themselves" },
        view.standards.len(),
        if view.standards.len() == 1 {
            "standard"
        } else {
            "standards"
        },
    ))];
    let rows = AssessmentStatus::ALL
        .iter()
        .map(|s| {
            let count = view
                .assessments
                .iter()
                .filter(|a| status_of(a) == *s)
                .count();
            vec![
                ReportCell::plain(s.label()),
                ReportCell::plain(count.to_string()),
            ]
        })
        .collect();
    blocks.push(ReportBlock::Table(ReportTable {
        headings: vec!["Where the assessment stands".into(), "Agencies".into()],
        rows,
        first_column_percent: 70,
    }));
    let outstanding: Vec<Vec<ReportCell>> = view
        .assessments
        .iter()
        .filter(|a| status_of(a).editable())
        .map(|a| {
            let due = a.row.due_on;
            let when = if due < today {
                format!("{} (overdue)", long_date(due))
            } else {
                long_date(due)
            };
            vec![
                ReportCell::plain(a.agency.name.clone()),
                ReportCell::plain(status_label(a)),
                ReportCell::shaded(when, (due < today).then_some(Shade::Red)),
            ]
        })
        .collect();
    if outstanding.is_empty() {
        blocks.push(ReportBlock::Text(
            "Every agency asked has submitted its assessment.".into(),
        ));
    } else {
        blocks.push(ReportBlock::Heading("Not yet submitted".into()));
        blocks.push(ReportBlock::Table(ReportTable {
            headings: vec!["Agency".into(), "Status".into(), "Due".into()],
            rows: outstanding,
            first_column_percent: 50,
        }));
    }
    ReportSection {
        heading: "The year at a glance".into(),
        blocks,
    }
}

fn standards(view: &YearView) -> ReportSection {
    let counted: Vec<&AssessmentView> = view.assessments.iter().filter(|a| received(a)).collect();
    let rows = view
        .standards
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let count = |r: Option<Rating>| {
                counted
                    .iter()
                    .filter(|a| rating_of(a, &s.id) == r)
                    .count()
                    .to_string()
            };
            vec![
                ReportCell::plain(format!("{}. {}", i + 1, s.title)),
                ReportCell::shaded(count(Some(Rating::Green)), Some(Shade::Green)),
                ReportCell::shaded(count(Some(Rating::Amber)), Some(Shade::Amber)),
                ReportCell::shaded(count(Some(Rating::Red)), Some(Shade::Red)),
                ReportCell::plain(count(None)),
            ]
        })
        .collect();
    ReportSection {
        heading: "Each standard".into(),
        blocks: vec![
            ReportBlock::Text(format!(
                "Counted from the {} {} submitted or accepted.",
                counted.len(),
                if counted.len() == 1 {
                    "assessment"
                } else {
                    "assessments"
                }
            )),
            ReportBlock::Table(ReportTable {
                headings: ["Standard", "Green", "Amber", "Red", "Not rated"]
                    .map(String::from)
                    .to_vec(),
                rows,
                first_column_percent: 52,
            }),
        ],
    }
}

fn by_agency(view: &YearView, last: &LastYear) -> ReportSection {
    let mut blocks = vec![ReportBlock::Text(
        "Each agency's latest rating of each standard, numbered as in the table above; \
         where it differs from the agency's rating of the same standard last year, last \
         year's follows in brackets."
            .into(),
    )];
    let numbered: Vec<(usize, &crate::entities::s11_standard::Model)> =
        view.standards.iter().enumerate().collect();
    for chunk in numbered.chunks(STANDARDS_PER_TABLE) {
        let mut headings = vec!["Agency".to_owned()];
        headings.extend(chunk.iter().map(|(i, _)| (i + 1).to_string()));
        let rows = view
            .assessments
            .iter()
            .map(|a| {
                let mut row = vec![ReportCell::plain(format!(
                    "{} ({})",
                    a.agency.name,
                    status_label(a)
                ))];
                for (_, s) in chunk {
                    let now = rating_of(a, &s.id);
                    let then = last.rating(a, &s.id);
                    let text = match then {
                        Some(then) if Some(then) != now => {
                            format!("{} (was {})", word(now), word(Some(then)))
                        }
                        _ => word(now).to_owned(),
                    };
                    row.push(ReportCell::shaded(text, shade(now)));
                }
                row
            })
            .collect();
        blocks.push(ReportBlock::Table(ReportTable {
            headings,
            rows,
            first_column_percent: 28,
        }));
    }
    ReportSection {
        heading: "Ratings by agency".into(),
        blocks,
    }
}

fn changes(view: &YearView, before: Option<&YearView>, last: &LastYear) -> ReportSection {
    let heading = "Changes since last year".to_owned();
    if before.is_none_or(|b| b.assessments.is_empty()) {
        return ReportSection {
            heading,
            blocks: vec![ReportBlock::Text(format!(
                "There are no assessments for {} to compare with.",
                view.year - 1
            ))],
        };
    }
    let mut rows = Vec::new();
    let (mut better, mut worse) = (0, 0);
    for a in &view.assessments {
        for s in &view.standards {
            let now = rating_of(a, &s.id);
            let Some(then) = last.rating(a, &s.id) else {
                continue;
            };
            let Some(now) = now.filter(|n| *n != then) else {
                continue;
            };
            if rank(now) > rank(then) {
                better += 1;
            } else {
                worse += 1;
            }
            rows.push(vec![
                ReportCell::plain(a.agency.name.clone()),
                ReportCell::plain(s.title.clone()),
                ReportCell::shaded(word(Some(then)), shade(Some(then))),
                ReportCell::shaded(word(Some(now)), shade(Some(now))),
            ]);
        }
    }
    let mut blocks = vec![ReportBlock::Text(format!(
        "{better} {} better and {worse} worse than the same agency's rating of the same \
         standard in {}.",
        if better == 1 {
            "rating is"
        } else {
            "ratings are"
        },
        view.year - 1
    ))];
    if !rows.is_empty() {
        blocks.push(ReportBlock::Table(ReportTable {
            headings: ["Agency", "Standard", "Last year", "This year"]
                .map(String::from)
                .to_vec(),
            rows,
            first_column_percent: 30,
        }));
    }
    ReportSection { heading, blocks }
}

fn rank(r: Rating) -> u8 {
    match r {
        Rating::Red => 0,
        Rating::Amber => 1,
        Rating::Green => 2,
    }
}

fn to_green(view: &YearView) -> ReportSection {
    let mut blocks = Vec::new();
    for (i, s) in view.standards.iter().enumerate() {
        let rows: Vec<Vec<ReportCell>> = view
            .assessments
            .iter()
            .filter_map(|a| {
                let answer = a.answers.iter().find(|x| x.standard_id == s.id)?;
                let rating = answer.rating.as_deref().and_then(Rating::from_code)?;
                (rating != Rating::Green).then(|| {
                    vec![
                        ReportCell::plain(a.agency.name.clone()),
                        ReportCell::shaded(word(Some(rating)), shade(Some(rating))),
                        ReportCell::plain(answer.to_green.clone()),
                    ]
                })
            })
            .collect();
        if rows.is_empty() {
            continue;
        }
        blocks.push(ReportBlock::Heading(format!("{}. {}", i + 1, s.title)));
        blocks.push(ReportBlock::Table(ReportTable {
            headings: ["Agency", "Rating", "What would make it green"]
                .map(String::from)
                .to_vec(),
            rows,
            first_column_percent: 28,
        }));
    }
    if blocks.is_empty() {
        blocks.push(ReportBlock::Text(
            "No agency rates any standard red or amber.".into(),
        ));
    }
    ReportSection {
        heading: "What would make each standard green".into(),
        blocks,
    }
}

fn challenges(view: &YearView) -> ReportSection {
    let comments: Vec<Vec<ReportCell>> = view
        .assessments
        .iter()
        .filter_map(|a| {
            let comment = a.row.office_comment.as_deref()?.trim();
            (!comment.is_empty()).then(|| {
                vec![
                    ReportCell::plain(a.agency.name.clone()),
                    ReportCell::plain(status_label(a)),
                    ReportCell::plain(comment),
                ]
            })
        })
        .collect();
    let questions: Vec<Vec<ReportCell>> = view
        .assessments
        .iter()
        .flat_map(|a| {
            a.challenges.iter().map(|c| {
                let standard = view
                    .standards
                    .iter()
                    .position(|s| s.id == c.standard_id)
                    .map_or_else(String::new, |i| {
                        format!("{}. {}", i + 1, view.standards[i].title)
                    });
                vec![
                    ReportCell::plain(a.agency.name.clone()),
                    ReportCell::plain(standard),
                    ReportCell::plain(c.question.clone()),
                    match &c.response {
                        Some(r) => ReportCell::plain(r.clone()),
                        None => ReportCell::shaded("Not yet answered", Some(Shade::Grey)),
                    },
                ]
            })
        })
        .collect();
    let mut blocks = Vec::new();
    if comments.is_empty() && questions.is_empty() {
        blocks.push(ReportBlock::Text(
            "The business office has not challenged any assessment.".into(),
        ));
    }
    if !questions.is_empty() {
        blocks.push(ReportBlock::Table(ReportTable {
            headings: [
                "Agency",
                "Standard",
                "Challenge question",
                "The agency's response",
            ]
            .map(String::from)
            .to_vec(),
            rows: questions,
            first_column_percent: 20,
        }));
    }
    if !comments.is_empty() {
        blocks.push(ReportBlock::Heading(
            "Comments on returned assessments".into(),
        ));
        blocks.push(ReportBlock::Table(ReportTable {
            headings: ["Agency", "Status", "The business office's comment"]
                .map(String::from)
                .to_vec(),
            rows: comments,
            first_column_percent: 28,
        }));
    }
    ReportSection {
        heading: "The business office's challenges".into(),
        blocks,
    }
}

/// The standards × agencies picture of `view` (with `before` for the changes): each
/// standard's ratings counted, and every agency's ratings; as the annual report shows it.
pub fn picture(view: &YearView, before: Option<&YearView>) -> Vec<ReportSection> {
    let last = LastYear::of(view, before);
    vec![standards(view), by_agency(view, &last)]
}

/// The report of `view` (with `before`, the year before as the same person reads it, for
/// the changes), as of `today`.
pub fn report(
    view: &YearView,
    before: Option<&YearView>,
    partnership: &str,
    today: NaiveDate,
) -> Report {
    let last = LastYear::of(view, before);
    Report {
        partnership: partnership.to_owned(),
        title: format!("Section 11 self-assessment {}", view.year),
        subtitle: format!("Summary report, {}", long_date(today)),
        footer: format!(
            "Section 11 self-assessment {} \u{b7} Summary report",
            view.year
        ),
        sections: vec![
            overview(view, today),
            standards(view),
            by_agency(view, &last),
            changes(view, before, &last),
            to_green(view),
            challenges(view),
        ],
        generated_at: None,
    }
}

/// The year's summary report as the person may read it; the download is recorded in the
/// audit log (no content).
pub async fn year(state: &AppState, rc: &RequestContext, year: i32) -> AppResult<ExportFile> {
    let view = super::year(state, rc, year).await?;
    let before = match year.checked_sub(1) {
        Some(last) => Some(super::year(state, rc, last).await?),
        None => None,
    };
    let now = chrono::Utc::now();
    let mut doc = report(
        &view,
        before.as_ref(),
        &state.config.partnership_name,
        now.date_naive(),
    );
    doc.generated_at = Some(now);
    let bytes = report_docx(&doc)
        .map_err(|e| AppError::Internal(format!("writing the Section 11 report: {e}")))?;
    state
        .record_read(
            rc,
            Event::new("section11.report", "section11_year", &year.to_string()),
        )
        .await?;
    Ok(ExportFile {
        file_name: format!("section-11-{year}-report.docx"),
        media_type: DOCX_CONTENT_TYPE,
        bytes,
    })
}
