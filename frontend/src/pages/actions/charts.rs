//! The action plan in pictures, for the accountability meeting: actions by status per owner
//! agency as stacked bars, and how many were overdue at each month end. Each chart is an SVG
//! image with a text alternative, followed by its numbers as a table (the table is the
//! chart's accessible form, and what people copy into minutes).

use crate::api::data::{ActionStatistics, AgencyCounts, OverdueCount};
use crate::components::{format_date, month_name, AgencyPrefix, DataTable};
use leptos::prelude::*;

/// The statuses in bar order, with the CSS class that colours their segment.
const SEGMENTS: [(&str, &str); 4] = [
    ("Not started", "seg-not-started"),
    ("In progress", "seg-in-progress"),
    ("Completed", "seg-completed"),
    ("Impact evidenced", "seg-impact"),
];

fn parts(c: &AgencyCounts) -> [i64; 4] {
    [
        c.not_started,
        c.in_progress,
        c.completed,
        c.impact_evidenced,
    ]
}

/// Both charts with their tables.
#[component]
pub fn PlanCharts(
    stats: ActionStatistics,
    /// The heading level of "The plan in numbers" (3 under the master plan's heading, 2
    /// directly under a page's title).
    #[prop(default = 3)]
    level: u8,
) -> impl IntoView {
    let heading = if level == 2 {
        view! { <h2 id="charts-title">"The plan in numbers"</h2> }.into_any()
    } else {
        view! { <h3 id="charts-title">"The plan in numbers"</h3> }.into_any()
    };
    view! {
        <section class="charts" aria-labelledby="charts-title">
            {heading}
            {status_chart(&stats.by_agency)}
            {overdue_chart(&stats.overdue_over_time)}
        </section>
    }
}

/// The drawing's width on a wide screen, and on a phone (about its width in CSS pixels, so
/// that the words keep their size).
const WIDTH: f64 = 640.0;
const NARROW: f64 = 340.0;
const LABEL: f64 = 64.0;
const ROW: f64 = 26.0;

fn status_chart(rows: &[AgencyCounts]) -> impl IntoView {
    if rows.is_empty() {
        return view! { <p>"No actions match, so there is nothing to chart."</p> }.into_any();
    }
    let summary = rows
        .iter()
        .map(|r| format!("{} {}", r.agency.prefix, r.total))
        .collect::<Vec<_>>()
        .join(", ");
    let table = rows
        .iter()
        .map(|r| {
            view! {
                <tr>
                    <th scope="row"><AgencyPrefix prefix=r.agency.prefix.clone() colour=r.agency.colour.clone() /></th>
                    {parts(r).into_iter().map(|n| view! { <td class="numeric">{n}</td> }).collect_view()}
                    <td class="numeric">{r.overdue}</td>
                    <td class="numeric">{r.total}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <figure class="chart">
            <figcaption id="chart-status-title">"Actions by owner agency and status"</figcaption>
            <ul class="chart-legend">
                {SEGMENTS
                    .iter()
                    .map(|(label, class)| view! { <li><span class=format!("swatch {class}") aria-hidden="true"></span>{*label}</li> })
                    .collect_view()}
            </ul>
            {status_svg(rows, WIDTH, "chart-wide", &summary)}
            {status_svg(rows, NARROW, "chart-narrow", &summary)}
        </figure>
        <DataTable
            caption="Actions by owner agency and status (every action that matches)"
            columns=&["Owner agency", "Not started", "In progress", "Completed", "Impact evidenced", "Overdue", "Total"]
        >
            {table}
        </DataTable>
    }
    .into_any()
}

/// The stacked bars, `width` wide; `class` says for which screens (`chart-wide` or
/// `chart-narrow`), and names its description.
fn status_svg(rows: &[AgencyCounts], width: f64, class: &str, summary: &str) -> impl IntoView {
    let max = rows.iter().map(|r| r.total).max().unwrap_or(1).max(1) as f64;
    let bar_space = width - LABEL - 48.0;
    let height = ROW * rows.len() as f64 + 8.0;
    let bars = rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let y = 4.0 + ROW * i as f64;
            let mut x = LABEL;
            let segments = parts(r)
                .into_iter()
                .zip(SEGMENTS)
                .filter(|(n, _)| *n > 0)
                .map(|(n, (label, class))| {
                    let w = n as f64 / max * bar_space;
                    let at = x;
                    x += w;
                    view! {
                        <rect class=class x=at y=y width=w height=ROW - 6.0>
                            <title>{format!("{}: {n} {}", r.agency.prefix, label.to_lowercase())}</title>
                        </rect>
                    }
                })
                .collect_view();
            view! {
                <g>
                    <text class="chart-label" x=LABEL - 8.0 y=y + 14.0 text-anchor="end">{r.agency.prefix.clone()}</text>
                    {segments}
                    <text class="chart-value" x=x + 6.0 y=y + 14.0>{r.total}</text>
                </g>
            }
        })
        .collect_view();
    let desc = format!("chart-status-desc-{class}");
    let labelled_by = format!("chart-status-title {desc}");
    view! {
        <svg
            viewBox=format!("0 0 {width} {height}")
            role="img"
            aria-labelledby=labelled_by
            class=format!("chart-svg {class}")
        >
            <desc id=desc>{format!("Stacked bars of actions per owner agency by status. Totals: {summary}. The table below gives every number.")}</desc>
            {bars}
        </svg>
    }
}

/// "Mar 2026" for a month end; "Today" for the last point.
fn point_label(p: &OverdueCount, last: bool) -> String {
    if last {
        return "Today".into();
    }
    let month = p.date.get(5..7).and_then(|m| m.parse().ok()).unwrap_or(1);
    format!(
        "{} {}",
        month_name(month).get(..3).unwrap_or_default(),
        p.date.get(2..4).unwrap_or_default()
    )
}

fn overdue_chart(points: &[OverdueCount]) -> impl IntoView {
    let height = 180.0;
    let base = height - 28.0;
    let max = points.iter().map(|p| p.count).max().unwrap_or(0).max(1) as f64;
    let step = (WIDTH - 16.0) / points.len().max(1) as f64;
    let last = points.len().saturating_sub(1);
    let columns = points
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let h = p.count as f64 / max * (base - 20.0);
            let x = 8.0 + step * i as f64;
            let label = point_label(p, i == last);
            view! {
                <g>
                    <rect class="seg-overdue" x=x + 4.0 y=base - h width=step - 8.0 height=h>
                        <title>{format!("{label}: {} overdue", p.count)}</title>
                    </rect>
                    <text class="chart-value" x=x + step / 2.0 y=base - h - 4.0 text-anchor="middle">{p.count}</text>
                    <text class="chart-label" x=x + step / 2.0 y=base + 16.0 text-anchor="middle">{label}</text>
                </g>
            }
        })
        .collect_view();
    let now = points.last().map_or(0, |p| p.count);
    let year_ago = points.first().map_or(0, |p| p.count);
    let rows = points
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let when = if i == last {
                format!("Today ({})", format_date(&p.date))
            } else {
                format!("End of {}", format_date(&p.date))
            };
            view! {
                <tr>
                    <th scope="row">{when}</th>
                    <td class="numeric">{p.count}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <figure class="chart">
            <figcaption id="chart-overdue-title">"Overdue actions at each month end"</figcaption>
            <svg
                viewBox=format!("0 0 {WIDTH} {height}")
                role="img"
                aria-labelledby="chart-overdue-title chart-overdue-desc"
                class="chart-svg chart-wide"
            >
                <desc id="chart-overdue-desc">{format!("Columns of the overdue count at the end of each of the last twelve months: {year_ago} a year ago, {now} today. The table below gives every number.")}</desc>
                <line class="chart-axis" x1="8" x2=WIDTH - 8.0 y1=base y2=base />
                {columns}
            </svg>
            {overdue_bars(points, year_ago, now)}
        </figure>
        <DataTable caption="Overdue actions over time" columns=&["Day", "Overdue actions"]>
            {rows}
        </DataTable>
    }
}

/// The same counts for a phone: one bar a month, across, so that each month's name has room.
fn overdue_bars(points: &[OverdueCount], year_ago: i64, now: i64) -> impl IntoView {
    let max = points.iter().map(|p| p.count).max().unwrap_or(0).max(1) as f64;
    let bar_space = NARROW - LABEL - 40.0;
    let height = ROW * points.len() as f64 + 8.0;
    let last = points.len().saturating_sub(1);
    let bars = points
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let y = 4.0 + ROW * i as f64;
            let w = p.count as f64 / max * bar_space;
            let label = point_label(p, i == last);
            view! {
                <g>
                    <text class="chart-label" x=LABEL - 8.0 y=y + 14.0 text-anchor="end">{label.clone()}</text>
                    <rect class="seg-overdue" x=LABEL y=y width=w height=ROW - 6.0>
                        <title>{format!("{label}: {} overdue", p.count)}</title>
                    </rect>
                    <text class="chart-value" x=LABEL + w + 6.0 y=y + 14.0>{p.count}</text>
                </g>
            }
        })
        .collect_view();
    view! {
        <svg
            viewBox=format!("0 0 {NARROW} {height}")
            role="img"
            aria-labelledby="chart-overdue-title chart-overdue-desc-narrow"
            class="chart-svg chart-narrow"
        >
            <desc id="chart-overdue-desc-narrow">{format!("Bars of the overdue count at the end of each of the last twelve months: {year_ago} a year ago, {now} today. The table below gives every number.")}</desc>
            {bars}
        </svg>
    }
}
