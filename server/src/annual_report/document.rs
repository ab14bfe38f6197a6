//! The annual report's learning and improvement section as a report: one headed part per
//! strand, each figure from [`Figures`], the office's narrative first and last.

use super::Figures;
use crate::summary::document::{
    chart, Report, ReportBlock, ReportCell, ReportImage, ReportSection, ReportTable,
};
use crate::work::long_date;
use shared::annual_report::NarrativePart;
use shared::child_deaths::year_label;

fn table(headings: &[&str], rows: Vec<Vec<ReportCell>>, first: u32) -> ReportBlock {
    ReportBlock::Table(ReportTable {
        headings: headings.iter().map(|h| (*h).to_owned()).collect(),
        rows,
        first_column_percent: first,
    })
}

fn cell(text: impl ToString) -> ReportCell {
    ReportCell::plain(text.to_string())
}

fn counted(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A narrative part as written, or nothing when the office has not written it.
fn narrative(f: &Figures, part: NarrativePart) -> Option<ReportSection> {
    let text = f.narrative.get(&part).filter(|t| !t.is_empty())?;
    Some(ReportSection {
        heading: part.label().to_owned(),
        blocks: vec![ReportBlock::Text(text.clone())],
    })
}

fn reviews(f: &Figures) -> ReportSection {
    let in_progress: usize = f.reviews.iter().map(|(_, r)| r.in_progress).sum();
    let completed: usize = f.reviews.iter().map(|(_, r)| r.completed).sum();
    let met: usize = f.reviews.iter().map(|(_, r)| r.met_on_time).sum();
    let late: usize = f.reviews.iter().map(|(_, r)| r.met_late).sum();
    let overdue: usize = f.reviews.iter().map(|(_, r)| r.overdue).sum();
    let mut blocks = vec![ReportBlock::Text(format!(
        "{} in progress during the year, of which {} completed. Of the statutory deadlines that fell in the year, {met} {} met on time, {late} late and {overdue} {} passed without being met.",
        counted(in_progress, "review was", "reviews were"),
        completed,
        if met == 1 { "was" } else { "were" },
        if overdue == 1 { "has" } else { "have" },
    ))];
    if !f.reviews.is_empty() {
        blocks.push(table(
            &[
                "Kind of review",
                "In progress",
                "Completed",
                "Deadlines met on time",
                "Met late",
                "Not met",
            ],
            f.reviews
                .iter()
                .map(|(kind, r)| {
                    vec![
                        cell(kind.label()),
                        cell(r.in_progress),
                        cell(r.completed),
                        cell(r.met_on_time),
                        cell(r.met_late),
                        cell(r.overdue),
                    ]
                })
                .collect(),
            40,
        ));
    }
    ReportSection {
        heading: "Reviews and their statutory clocks".into(),
        blocks,
    }
}

fn themes(f: &Figures) -> ReportSection {
    let mut blocks = vec![ReportBlock::Text(format!(
        "{} recorded in the year.",
        counted(
            f.learning_points,
            "learning point was",
            "learning points were"
        )
    ))];
    if !f.themes.is_empty() {
        blocks.push(table(
            &["Theme", "Learning points"],
            f.themes
                .iter()
                .map(|(theme, n)| vec![cell(theme), cell(n)])
                .collect(),
            60,
        ));
    }
    ReportSection {
        heading: "Themes of learning".into(),
        blocks,
    }
}

fn audits(f: &Figures) -> ReportSection {
    let mut agencies: Vec<&str> = f.audits.iter().map(|(a, _)| a.as_str()).collect();
    agencies.dedup();
    let mut blocks = vec![ReportBlock::Text(format!(
        "{} by {}.",
        counted(
            f.audits.len(),
            "single-agency audit was made",
            "single-agency audits were made"
        ),
        counted(agencies.len(), "agency", "agencies"),
    ))];
    if !f.audits.is_empty() {
        blocks.push(table(
            &[
                "Agency",
                "Topic",
                "Date",
                "Cases",
                "Findings",
                "What changed",
            ],
            f.audits
                .iter()
                .map(|(agency, a)| {
                    vec![
                        cell(agency),
                        cell(&a.topic),
                        cell(long_date(a.audited_on)),
                        cell(a.sample_size),
                        cell(&a.findings),
                        cell(if a.what_changed.is_empty() {
                            "Not recorded yet"
                        } else {
                            a.what_changed.as_str()
                        }),
                    ]
                })
                .collect(),
            16,
        ));
    }
    ReportSection {
        heading: "Single-agency audits".into(),
        blocks,
    }
}

fn section11(f: &Figures) -> ReportSection {
    let heading = format!("Section 11 self-assessment {}", f.year);
    let Some((view, before)) = &f.section11 else {
        return ReportSection {
            heading,
            blocks: vec![ReportBlock::Text(
                "The partnership has no Section 11 standards for this year.".into(),
            )],
        };
    };
    let mut blocks = vec![ReportBlock::Text(format!(
        "{} asked to assess themselves against {} standards.",
        counted(view.assessments.len(), "agency was", "agencies were"),
        view.standards.len()
    ))];
    for part in crate::section11::report::picture(view, before.as_ref()) {
        blocks.push(ReportBlock::Heading(part.heading));
        blocks.extend(part.blocks);
    }
    ReportSection { heading, blocks }
}

fn qa_reports(f: &Figures) -> ReportSection {
    let reports = &f.qa_reports.reports;
    let received = reports
        .iter()
        .filter(|r| {
            matches!(
                r.status,
                shared::qa_reports::ReportStatus::Submitted
                    | shared::qa_reports::ReportStatus::Accepted
            )
        })
        .count();
    let mut blocks = vec![ReportBlock::Text(format!(
        "{} asked for a QA impact report for {}; {received} received.",
        counted(reports.len(), "agency was", "agencies were"),
        f.year
    ))];
    if !reports.is_empty() {
        blocks.push(table(
            &["Agency", "Report", "Single-agency audits in the year"],
            reports
                .iter()
                .map(|r| {
                    // The reporting year's audits, as the audits section counts them.
                    let audits = f
                        .audits
                        .iter()
                        .filter(|(_, a)| a.agency_id == r.agency.id)
                        .count();
                    vec![cell(&r.agency.name), cell(r.status.label()), cell(audits)]
                })
                .collect(),
            40,
        ));
    }
    for r in reports.iter().filter(|r| {
        matches!(
            r.status,
            shared::qa_reports::ReportStatus::Submitted
                | shared::qa_reports::ReportStatus::Accepted
        )
    }) {
        blocks.push(ReportBlock::Heading(r.agency.name.clone()));
        for s in &r.sections {
            let text = r
                .answers
                .iter()
                .find(|a| a.section_id == s.id)
                .map(|a| a.text.as_str())
                .unwrap_or_default();
            blocks.push(ReportBlock::Text(format!(
                "**{}.** {}",
                s.title.replace('*', ""),
                text
            )));
        }
    }
    ReportSection {
        heading: format!("Agencies' quality assurance, {}", f.year),
        blocks,
    }
}

fn performance(f: &Figures) -> ReportSection {
    let mut indicators: Vec<&crate::performance::service::IndicatorView> =
        f.indicators.iter().collect();
    // Hot spots first, then by name.
    indicators.sort_by(|a, b| {
        b.is_hot_spot()
            .cmp(&a.is_hot_spot())
            .then_with(|| a.indicator.name.cmp(&b.indicator.name))
    });
    let hot = indicators.iter().filter(|v| v.is_hot_spot()).count();
    let mut blocks = vec![ReportBlock::Text(format!(
        "{} in the dataset; {} (a concerning special cause at the latest point, or a target reliably missed).",
        counted(indicators.len(), "indicator", "indicators"),
        counted(hot, "is a hot spot", "are hot spots"),
    ))];
    if !indicators.is_empty() {
        blocks.push(table(
            &[
                "Indicator",
                "Latest",
                "Target",
                "Variation",
                "Target assurance",
                "Hot spot",
            ],
            indicators
                .iter()
                .map(|v| {
                    let latest = v.values.last().map_or_else(
                        || "No values".to_owned(),
                        |(value, _)| {
                            format!("{} {} ({})", value.value, v.indicator.unit, value.period)
                        },
                    );
                    vec![
                        cell(&v.indicator.name),
                        cell(latest),
                        cell(
                            v.indicator
                                .target
                                .map_or_else(|| "None".to_owned(), |t| t.to_string()),
                        ),
                        cell(v.chart.variation.label()),
                        cell(v.chart.assurance.label()),
                        cell(if v.is_hot_spot() { "Yes" } else { "No" }),
                    ]
                })
                .collect(),
            30,
        ));
    }
    // Each indicator's chart, hot spots first (at most [`MAX_CHARTS`]).
    for v in indicators
        .iter()
        .filter(|v| v.values.len() >= 2)
        .take(MAX_CHARTS)
    {
        let description = chart_description(v);
        blocks.push(ReportBlock::Heading(v.indicator.name.clone()));
        blocks.push(ReportBlock::Image(ReportImage {
            png: chart::render(&chart_of(v)),
            aspect: f64::from(chart::HEIGHT) / f64::from(chart::WIDTH),
            description: description.clone(),
        }));
        blocks.push(ReportBlock::Text(description));
    }
    ReportSection {
        heading: "The performance dataset".into(),
        blocks,
    }
}

/// The most indicator charts the report carries.
pub const MAX_CHARTS: usize = 40;

fn chart_of(v: &crate::performance::service::IndicatorView) -> chart::LineChart {
    let limits = v.chart.limits.as_ref();
    chart::LineChart {
        values: v.values.iter().map(|(value, _)| value.value).collect(),
        marks: v
            .chart
            .points
            .iter()
            .map(|p| {
                if p.variation.is_concern() {
                    chart::Mark::Concern
                } else if p.variation.is_improvement() {
                    chart::Mark::Improvement
                } else {
                    chart::Mark::Common
                }
            })
            .collect(),
        mean: limits.map(|l| l.mean),
        upper: limits.map(|l| l.upper),
        lower: limits.map(|l| l.lower),
        target: v.indicator.target,
    }
}

/// What an indicator's chart shows, in words: its caption and alternative text.
fn chart_description(v: &crate::performance::service::IndicatorView) -> String {
    let round = |x: f64| format!("{}", (x * 10.0).round() / 10.0);
    let first = v
        .values
        .first()
        .map(|(x, _)| x.period.as_str())
        .unwrap_or_default();
    let (last_period, last_value) = v
        .values
        .last()
        .map(|(x, _)| (x.period.as_str(), x.value))
        .unwrap_or_default();
    let mut text = format!(
        "Statistical process control chart of {}: {} values from {first} to {last_period}, the latest {} {}.",
        v.indicator.name,
        v.values.len(),
        round(last_value),
        v.indicator.unit
    );
    if let Some(l) = &v.chart.limits {
        text.push_str(&format!(
            " Mean {} (the solid line), process limits {} to {} (dashed).",
            round(l.mean),
            round(l.lower),
            round(l.upper)
        ));
    }
    if let Some(t) = v.indicator.target {
        text.push_str(&format!(" Target {} (the red dashed line).", round(t)));
    }
    text.push_str(&format!(
        " {}; {}. Orange points are concerning special causes, blue ones improving.",
        v.chart.variation.label(),
        v.chart.assurance.label().to_lowercase()
    ));
    text
}

fn child_deaths(f: &Figures) -> ReportSection {
    let c = &f.child_deaths;
    let mut blocks = vec![ReportBlock::Text(format!(
        "Child deaths reviewed by the panel, {}: {}. Counts from 1 to 4 are shown as \u{201c}{}\u{201d}, as is a second count wherever one alone could be worked out from the total.",
        year_label(f.year),
        if c.total.suppressed {
            format!("fewer than {}", shared::child_deaths::SUPPRESS_BELOW)
        } else {
            c.total.count.to_string()
        },
        shared::child_deaths::SUPPRESSED,
    ))];
    blocks.push(table(
        &["Category of death", "Deaths", "With modifiable factors"],
        c.by_category
            .iter()
            .map(|r| {
                vec![
                    cell(r.category.label()),
                    cell(r.deaths.published()),
                    cell(r.modifiable.published()),
                ]
            })
            .collect(),
        60,
    ));
    blocks.push(table(
        &["Age", "Deaths"],
        c.by_age_band
            .iter()
            .map(|(band, n)| vec![cell(band.label()), cell(n.published())])
            .collect(),
        60,
    ));
    ReportSection {
        heading: "Child death reviews".into(),
        blocks,
    }
}

fn actions(f: &Figures) -> ReportSection {
    let a = &f.actions;
    ReportSection {
        heading: "The action plan".into(),
        blocks: vec![
            ReportBlock::Text(format!(
                "As at {}: {} in the plan, {} set during the year.",
                long_date(f.today),
                counted(a.total, "action", "actions"),
                a.set_in_year
            )),
            table(
                &["Where actions stand", "Actions"],
                vec![
                    vec![cell("Open"), cell(a.open)],
                    vec![cell("Overdue"), cell(a.overdue)],
                    vec![cell("Completed"), cell(a.completed)],
                    vec![cell("Impact evidenced"), cell(a.impact_evidenced)],
                ],
                60,
            ),
        ],
    }
}

fn training(f: &Figures) -> ReportSection {
    let attended: i64 = f.training.iter().map(|e| e.attended()).sum();
    let scores: u32 = f.training.iter().map(|e| e.feedback.responses).sum();
    let mut blocks = vec![ReportBlock::Text(format!(
        "{} held, reaching {attended} attendances; {} given.",
        counted(
            f.training.len(),
            "learning event was",
            "learning events were"
        ),
        counted(
            usize::try_from(scores).unwrap_or(usize::MAX),
            "piece of feedback",
            "pieces of feedback"
        ),
    ))];
    if !f.training.is_empty() {
        blocks.push(table(
            &["Event", "Kind", "Held", "Attended", "Feedback"],
            f.training
                .iter()
                .map(|e| {
                    vec![
                        cell(&e.row.title),
                        cell(e.kind.label()),
                        cell(long_date(e.row.held_on)),
                        cell(e.attended()),
                        cell(e.feedback.mean.map_or_else(
                            || "None yet".to_owned(),
                            |m| format!("{m:.1} out of 5 ({})", e.feedback.responses),
                        )),
                    ]
                })
                .collect(),
            34,
        ));
    }
    ReportSection {
        heading: "Training and dissemination".into(),
        blocks,
    }
}

/// The report of `f` for `partnership`.
pub fn report(f: &Figures, partnership: &str) -> Report {
    let label = year_label(f.year);
    let mut sections: Vec<ReportSection> = Vec::new();
    sections.extend(narrative(f, NarrativePart::Introduction));
    sections.extend([
        reviews(f),
        themes(f),
        audits(f),
        section11(f),
        qa_reports(f),
        performance(f),
        child_deaths(f),
        actions(f),
        training(f),
    ]);
    sections.extend(narrative(f, NarrativePart::Priorities));
    Report {
        partnership: partnership.to_owned(),
        title: format!("Learning and improvement, {label}"),
        subtitle: format!(
            "From the partnership's annual report \u{b7} figures as at {}",
            long_date(f.today)
        ),
        footer: format!("Annual report {label} \u{b7} Learning and improvement"),
        sections,
        generated_at: None,
    }
}
