//! An audit's report as a document: the theme and its question, the auditors and sample,
//! the grades by question and agency (shaded by tone), the audit meeting's report in the
//! framework's four parts, and the comparison with the theme's earlier audit.

use super::{AuditView, Heatmap, ReAudit, Tool};
use crate::summary::document::{
    Report, ReportBlock, ReportCell, ReportSection, ReportTable, Shade,
};
use crate::work::long_date;
use chrono::NaiveDate;
use shared::case_audits::{tone_of_mean, GradeTone};

fn shade(tone: Option<GradeTone>) -> Option<Shade> {
    match tone {
        Some(GradeTone::Good) => Some(Shade::Green),
        Some(GradeTone::Mixed) => Some(Shade::Amber),
        Some(GradeTone::Poor) => Some(Shade::Red),
        Some(GradeTone::NotApplicable) | None => Some(Shade::Grey),
    }
}

fn tone_word(tone: Option<GradeTone>) -> &'static str {
    match tone {
        Some(GradeTone::Good) => "Good",
        Some(GradeTone::Mixed) => "Requires improvement",
        Some(GradeTone::Poor) => "Inadequate",
        Some(GradeTone::NotApplicable) | None => "Not applicable",
    }
}

fn mean_text(mean: Option<f64>) -> String {
    mean.map_or("—".to_owned(), |m| format!("{m:.1}"))
}

/// A part written, or a line saying it is not written yet.
fn part(heading: &str, text: &str) -> ReportSection {
    ReportSection {
        heading: heading.to_owned(),
        blocks: vec![ReportBlock::Text(if text.is_empty() {
            "Not written yet.".to_owned()
        } else {
            text.to_owned()
        })],
    }
}

pub fn report(
    view: &AuditView,
    tool: &Tool,
    heat: &Heatmap,
    re: Option<&ReAudit>,
    partnership: &str,
    today: NaiveDate,
) -> Report {
    let prefix_of = |id: &str| {
        heat.agencies
            .iter()
            .find(|a| a.id == id)
            .map_or_else(|| id.to_owned(), |a| a.prefix.clone())
    };
    let mut sections = Vec::new();
    let mut about = Vec::new();
    match &view.theme {
        Some(t) => {
            about.push(ReportBlock::Text(format!(
                "Theme: {} ({}).\n\nThe question: {}",
                t.row.name, t.row.year, t.row.question
            )));
            if !t.row.terms_of_reference.is_empty() {
                about.push(ReportBlock::Heading("Terms of reference".into()));
                about.push(ReportBlock::Text(t.row.terms_of_reference.clone()));
            }
        }
        None => about.push(ReportBlock::Text("No theme has been set.".into())),
    }
    let auditors: Vec<String> = view
        .auditors
        .iter()
        .map(|a| {
            format!(
                "{} ({})",
                a.person.display_name,
                a.agency.as_ref().map(|g| g.prefix.as_str()).unwrap_or("")
            )
        })
        .collect();
    about.push(ReportBlock::Text(format!(
        "Auditors: {}.",
        if auditors.is_empty() {
            "none chosen".to_owned()
        } else {
            auditors.join(", ")
        }
    )));
    sections.push(ReportSection {
        heading: "The audit".into(),
        blocks: about,
    });
    sections.push(ReportSection {
        heading: "The sample".into(),
        blocks: vec![ReportBlock::Table(ReportTable {
            headings: vec![
                "Case".into(),
                "Why it was chosen".into(),
                "Agencies involved".into(),
            ],
            rows: view
                .cases
                .iter()
                .map(|c| {
                    let agencies: Vec<String> = super::case_agencies(c)
                        .iter()
                        .map(|a| prefix_of(a))
                        .collect();
                    vec![
                        ReportCell::plain(c.label.clone()),
                        ReportCell::plain(c.why_chosen.clone()),
                        ReportCell::plain(agencies.join(", ")),
                    ]
                })
                .collect(),
            first_column_percent: 30,
        })],
    });
    let mut headings = vec!["Question".to_owned()];
    headings.extend(heat.agencies.iter().map(|a| a.prefix.clone()));
    let rows = tool
        .questions
        .iter()
        .map(|(stage, q)| {
            let mut row = vec![ReportCell::plain(format!("{}: {}", stage.label(), q.text))];
            row.extend(heat.agencies.iter().map(|a| {
                match heat.cells.get(&(q.id.clone(), a.id.clone())) {
                    Some(c) => ReportCell::shaded(
                        format!(
                            "{} ({} {}, mean {})",
                            tone_word(c.tone),
                            c.cases,
                            if c.cases == 1 { "case" } else { "cases" },
                            mean_text(c.mean)
                        ),
                        shade(c.tone),
                    ),
                    None => ReportCell::plain("Not graded"),
                }
            }));
            row
        })
        .collect();
    let submitted: Vec<String> = heat.submitted.iter().map(|a| prefix_of(a)).collect();
    sections.push(ReportSection {
        heading: "Grades by question and agency".into(),
        blocks: vec![
            ReportBlock::Text(if submitted.is_empty() {
                "No agency has submitted its return yet.".to_owned()
            } else {
                format!(
                    "From the submitted returns of {}. Each cell is the mean of the graded cases (good 2, requires improvement 1, inadequate 0; not applicable left out).",
                    submitted.join(", ")
                )
            }),
            ReportBlock::Table(ReportTable {
                headings,
                rows,
                first_column_percent: 40,
            }),
        ],
    });
    let meeting = view.meeting.as_ref();
    let text = |read: fn(&crate::entities::case_audit_meeting::Model) -> &str| {
        meeting.map(read).unwrap_or("")
    };
    sections.push(ReportSection {
        heading: "The audit meeting".into(),
        blocks: vec![ReportBlock::Text(match meeting {
            Some(m) => format!(
                "Held {}.{}",
                m.held_on
                    .map_or("on a date not recorded".to_owned(), |d| format!(
                        "on {}",
                        long_date(d)
                    )),
                if m.attendees.is_empty() {
                    String::new()
                } else {
                    format!(
                        "\n\nAttended by:\n\n{}",
                        m.attendees
                            .lines()
                            .map(|l| format!("- {l}"))
                            .collect::<Vec<_>>()
                            .join("\n")
                    )
                }
            ),
            None => "The meeting has not been recorded yet.".to_owned(),
        })],
    });
    sections.push(part(
        "Summary of learning",
        text(|m| &m.summary_of_learning),
    ));
    sections.push(part(
        "Comments on the audit process",
        text(|m| &m.process_comments),
    ));
    sections.push(part(
        "Recommended actions for individual agencies",
        text(|m| &m.agency_actions),
    ));
    sections.push(part(
        "Proposed multi-agency action",
        text(|m| &m.multi_agency_action),
    ));
    if let Some(r) = re {
        let question_of = |id: &str| {
            tool.questions
                .iter()
                .find(|(_, q)| q.id == id)
                .map_or_else(|| id.to_owned(), |(_, q)| q.text.clone())
        };
        let mut blocks = vec![
            ReportBlock::Text(format!(
                "Compared with {} ({}, {}). A movement needs a third of a grade either way.",
                r.earlier.reference, r.earlier_theme.name, r.earlier_theme.year
            )),
            ReportBlock::Table(ReportTable {
                headings: vec![
                    "Question".into(),
                    "Agency".into(),
                    "Then".into(),
                    "Now".into(),
                    "Movement".into(),
                ],
                rows: r
                    .rows
                    .iter()
                    .map(|row| {
                        let then = row.then.as_ref().and_then(|c| c.mean);
                        let now = row.now.as_ref().and_then(|c| c.mean);
                        vec![
                            ReportCell::plain(question_of(&row.question_id)),
                            ReportCell::plain(prefix_of(&row.agency_id)),
                            ReportCell::shaded(mean_text(then), shade(then.map(tone_of_mean))),
                            ReportCell::shaded(mean_text(now), shade(now.map(tone_of_mean))),
                            ReportCell::plain(row.movement.label()),
                        ]
                    })
                    .collect(),
                first_column_percent: 40,
            }),
        ];
        if !r.actions.is_empty() {
            blocks.push(ReportBlock::Heading("The earlier audit's actions".into()));
            blocks.push(ReportBlock::Table(ReportTable {
                headings: vec!["Action".into(), "Status".into(), "Target date".into()],
                rows: r
                    .actions
                    .iter()
                    .map(|a| {
                        let status = shared::actions::ActionStatus::from_code(&a.status)
                            .map_or(a.status.as_str(), |s| s.label());
                        vec![
                            ReportCell::plain(format!("{} {}", a.reference, a.title)),
                            ReportCell::plain(status),
                            ReportCell::plain(long_date(a.target_on)),
                        ]
                    })
                    .collect(),
                first_column_percent: 50,
            }));
        }
        sections.push(ReportSection {
            heading: "Re-audit".into(),
            blocks,
        });
    }
    Report {
        partnership: partnership.to_owned(),
        title: format!("Audit report: {}", view.review.reference),
        subtitle: format!("{} · {}", view.review.subject, long_date(today)),
        footer: format!("{} audit report {}", partnership, view.review.reference),
        sections,
        generated_at: None,
    }
}
