//! An XmR chart drawn as SVG: the values joined by a line, the mean, the process limits and
//! the target as lines, and each point's marker by its variation (a shape as well as a
//! colour: circle common cause, square improvement, triangle concern, diamond special cause
//! with no direction). The numbers are in the legend and the data table beside it, in text
//! that stays legible on a phone.

use super::format_value;
use crate::api::code_of;
use crate::api::indicator_detail::IndicatorDetailIndicatorChart as Chart;
use crate::components::DataTable;
use leptos::prelude::*;
use shared::performance::spc::{SpecialCause, Variation};

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 280.0;
const PAD: f64 = 14.0;

#[derive(Clone, Copy, PartialEq)]
enum Marker {
    Common,
    Improvement,
    Concern,
    Neither,
}

fn marker_of(code: &str) -> Marker {
    match Variation::from_code(code) {
        Some(v) if v.is_concern() => Marker::Concern,
        Some(v) if v.is_improvement() => Marker::Improvement,
        Some(Variation::CommonCause) | None => Marker::Common,
        Some(_) => Marker::Neither,
    }
}

/// The SVG of one marker centred on (x, y).
fn marker(m: Marker, x: f64, y: f64) -> AnyView {
    match m {
        Marker::Common => view! { <circle cx=x cy=y r="4" class="spc-common" /> }.into_any(),
        Marker::Improvement => {
            view! { <rect x=x - 5.0 y=y - 5.0 width="10" height="10" class="spc-improvement" /> }
                .into_any()
        }
        Marker::Concern => {
            let points = format!(
                "{},{} {},{} {},{}",
                x,
                y - 7.0,
                x - 6.5,
                y + 5.0,
                x + 6.5,
                y + 5.0
            );
            view! { <polygon points=points class="spc-concern" /> }.into_any()
        }
        Marker::Neither => {
            let points = format!(
                "{},{} {},{} {},{} {},{}",
                x,
                y - 6.5,
                x + 6.5,
                y,
                x,
                y + 6.5,
                x - 6.5,
                y
            );
            view! { <polygon points=points class="spc-neither" /> }.into_any()
        }
    }
}

/// A marker on its own, for the legend.
fn legend_marker(m: Marker) -> impl IntoView {
    view! {
        <svg class="spc-key" viewBox="0 0 16 16" width="16" height="16" aria-hidden="true" focusable="false">
            {marker(m, 8.0, 8.5)}
        </svg>
    }
}

fn legend_line(class: &'static str) -> impl IntoView {
    view! {
        <svg class="spc-key" viewBox="0 0 24 16" width="24" height="16" aria-hidden="true" focusable="false">
            <line x1="0" y1="8" x2="24" y2="8" class=class />
        </svg>
    }
}

fn cause_words(causes: &[crate::api::indicator_detail::SpecialCause]) -> String {
    let words: Vec<&str> = causes
        .iter()
        .filter_map(|c| SpecialCause::from_code(&code_of(c)))
        .map(|c| match c {
            SpecialCause::OutsideLimits => "outside the limits",
            SpecialCause::Shift => "shift",
            SpecialCause::Trend => "trend",
            SpecialCause::TwoOfThree => "two of three near a limit",
        })
        .collect();
    if words.is_empty() {
        "None".into()
    } else {
        let joined = words.join(", ");
        let mut c = joined.chars();
        c.next()
            .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
            .unwrap_or_default()
    }
}

#[component]
pub fn XmrChart(
    chart: Chart,
    #[prop(into)] unit: String,
    #[prop(into)] name: String,
    /// Who supplied each period's value and when, by period key.
    supplied: std::collections::HashMap<String, String>,
) -> impl IntoView {
    let values: Vec<f64> = chart.points.iter().map(|p| p.value).collect();
    if values.is_empty() {
        return view! { <p>"No values yet: the chart appears once values are recorded."</p> }
            .into_any();
    }
    let mut lo = values.iter().copied().fold(f64::INFINITY, f64::min);
    let mut hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    for v in [chart.upper_limit, chart.lower_limit, chart.target]
        .into_iter()
        .flatten()
    {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if hi - lo < 1e-9 {
        hi += 1.0;
        lo -= 1.0;
    }
    let span = hi - lo;
    let (lo, hi) = (lo - span * 0.05, hi + span * 0.05);
    let n = values.len();
    let x = move |i: usize| {
        if n == 1 {
            WIDTH / 2.0
        } else {
            PAD + (WIDTH - 2.0 * PAD) * i as f64 / (n - 1) as f64
        }
    };
    let y = move |v: f64| PAD + (HEIGHT - 2.0 * PAD) * (hi - v) / (hi - lo);
    let path: String = values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            format!(
                "{}{:.1},{:.1}",
                if i == 0 { "M" } else { " L" },
                x(i),
                y(*v)
            )
        })
        .collect();
    let hline = move |v: Option<f64>, class: &'static str| {
        v.map(|v| {
            let yy = y(v);
            view! { <line x1=PAD x2=WIDTH - PAD y1=yy y2=yy class=class /> }
        })
    };
    let fmt = {
        let unit = unit.clone();
        move |v: f64| format_value(v, &unit)
    };
    let first = chart
        .points
        .first()
        .map(|p| p.period_label.clone())
        .unwrap_or_default();
    let last = chart
        .points
        .last()
        .map(|p| p.period_label.clone())
        .unwrap_or_default();
    let special = chart
        .points
        .iter()
        .filter(|p| marker_of(&code_of(&p.variation)) != Marker::Common)
        .count();
    let summary = format!(
        "XmR chart of {name}: {n} values from {first} to {last}; {special} marked as special cause variation. The data table below has every value."
    );
    let limits_text = match (chart.lower_limit, chart.upper_limit) {
        (Some(l), Some(u)) => format!("Process limits: {} to {}", fmt(l), fmt(u)),
        _ => "Process limits: not yet (the baseline needs two values)".into(),
    };
    let mean_text = chart
        .mean
        .map(|m| {
            format!(
                "Mean: {} (from {} baseline values)",
                fmt(m),
                chart.baseline_points
            )
        })
        .unwrap_or_else(|| "Mean: not yet".into());
    let target_text = chart
        .target
        .map(|t| format!("Target: {}", fmt(t)))
        .unwrap_or_else(|| "No target".into());
    let markers = chart
        .points
        .iter()
        .enumerate()
        .map(|(i, p)| marker(marker_of(&code_of(&p.variation)), x(i), y(p.value)))
        .collect_view();
    let rows = chart
        .points
        .iter()
        .rev()
        .map(|p| {
            view! {
                <tr>
                    <th scope="row">{p.period_label.clone()}</th>
                    <td>{fmt(p.value)}</td>
                    <td>{cause_words(&p.special_causes)}</td>
                    <td>{p.variation_label.clone()}</td>
                    <td>{if p.in_baseline { "Yes" } else { "No" }}</td>
                    <td>{supplied.get(&p.period).cloned().unwrap_or_default()}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <figure class="spc-figure">
            <svg
                class="spc-chart"
                viewBox=format!("0 0 {WIDTH} {HEIGHT}")
                role="img"
                aria-label=summary.clone()
            >
                {hline(chart.upper_limit, "spc-limit")}
                {hline(chart.lower_limit, "spc-limit")}
                {hline(chart.mean, "spc-mean")}
                {hline(chart.target, "spc-target")}
                <path d=path class="spc-line" />
                {markers}
            </svg>
            <figcaption>
                <p class="spc-range">{format!("From {first} (left) to {last} (right).")}</p>
                <ul class="spc-legend">
                    <li>{legend_line("spc-mean")}" "{mean_text}</li>
                    <li>{legend_line("spc-limit")}" "{limits_text}</li>
                    <li>{legend_line("spc-target")}" "{target_text}</li>
                    <li>{legend_marker(Marker::Common)}" Common cause variation"</li>
                    <li>{legend_marker(Marker::Improvement)}" Special cause improvement"</li>
                    <li>{legend_marker(Marker::Concern)}" Special cause concern"</li>
                    <li>{legend_marker(Marker::Neither)}" Special cause variation (no direction)"</li>
                </ul>
            </figcaption>
        </figure>
        <DataTable caption="Values, newest first" columns=&["Period", "Value", "Special causes", "Variation", "In the baseline", "Supplied"] focusable=true>
            {rows}
        </DataTable>
    }
    .into_any()
}
