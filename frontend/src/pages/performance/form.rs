use super::detail::indicator_resource;
use crate::api::{self, code_of, enum_from, AgencyOptions, CreateIndicator, UpdateIndicator};
use crate::components::{
    field_id, set_title, ErrorSummary, FormSubmit, SelectField, TextArea, TextField,
};
use crate::pages::{route_id, states};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use leptos_router::NavigateOptions;
use shared::performance::{Direction, ReportingPeriod};

/// What the form starts from: empty, or an indicator to change.
#[derive(Clone, Default)]
struct Start {
    id: Option<String>,
    version: i64,
    name: String,
    definition: String,
    unit: String,
    direction: String,
    target: String,
    period: String,
    agency: String,
    baseline_from: String,
    baseline_to: String,
    shift_run: String,
    trend_run: String,
}

#[component]
pub fn NewIndicator() -> impl IntoView {
    set_title("New indicator");
    let start = Start {
        direction: Direction::HigherIsBetter.code().into(),
        period: ReportingPeriod::Month.code().into(),
        shift_run: "7".into(),
        trend_run: "6".into(),
        ..Start::default()
    };
    view! {
        <h1 tabindex="-1">"New indicator"</h1>
        <IndicatorForm start=start />
    }
}

#[component]
pub fn EditIndicator() -> impl IntoView {
    set_title("Edit indicator");
    let data = indicator_resource(route_id());
    view! {
        <h1 tabindex="-1">"Edit indicator"</h1>
        {move || {
            states(
                data.get(),
                |d| {
                    let i = d.indicator;
                    let start = Start {
                        id: Some(i.id),
                        version: i.version,
                        name: i.name,
                        definition: i.definition,
                        unit: i.unit,
                        direction: code_of(&i.direction),
                        target: i.target.map(|t| t.to_string()).unwrap_or_default(),
                        period: code_of(&i.period),
                        agency: i.agency_id.unwrap_or_default(),
                        baseline_from: i.baseline_from.unwrap_or_default(),
                        baseline_to: i.baseline_to.unwrap_or_default(),
                        shift_run: i.shift_run.to_string(),
                        trend_run: i.trend_run.to_string(),
                    };
                    view! { <IndicatorForm start=start /> }
                },
            )
        }}
    }
}

fn describe(field: &str) -> (String, String) {
    let label = match field {
        "name" => "Name",
        "definition" => "Definition",
        "unit" => "Unit",
        "direction" => "Which way is better",
        "target" => "Target",
        "period" => "Reported",
        "agencyId" => "Owner",
        "baselineFrom" => "Baseline from",
        "baselineTo" => "Baseline to",
        "shiftRun" => "Points in a shift",
        "trendRun" => "Points in a trend",
        other => other,
    };
    (format!("indicator-{}", field_id(field)), label.to_string())
}

fn optional(s: String) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

#[component]
fn IndicatorForm(start: Start) -> impl IntoView {
    let navigate = use_navigate();
    let form = FormSubmit::new();
    let FormSubmit { errors, pending } = form;
    let name = RwSignal::new(start.name);
    let definition = RwSignal::new(start.definition);
    let unit = RwSignal::new(start.unit);
    let direction = RwSignal::new(start.direction);
    let target = RwSignal::new(start.target);
    let period = RwSignal::new(start.period);
    let agency = RwSignal::new(start.agency);
    let baseline_from = RwSignal::new(start.baseline_from);
    let baseline_to = RwSignal::new(start.baseline_to);
    let shift_run = RwSignal::new(start.shift_run);
    let trend_run = RwSignal::new(start.trend_run);
    let editing = start.id.is_some();
    let id = StoredValue::new(start.id);
    let version = start.version;
    let agencies =
        LocalResource::new(|| api::call::<AgencyOptions>(api::agency_options::Variables));
    let directions: Vec<(String, String)> = Direction::ALL
        .iter()
        .map(|d| (d.code().to_string(), d.label().to_string()))
        .collect();
    let periods: Vec<(String, String)> = ReportingPeriod::ALL
        .iter()
        .map(|p| (p.code().to_string(), p.label().to_string()))
        .collect();
    let submit = move |ev: SubmitEvent| {
        if !form.begin(&ev) {
            return;
        }
        let number = |s: String| {
            s.trim()
                .replace(',', "")
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
        };
        let target_text = target.get_untracked();
        let target_value = if target_text.trim().is_empty() {
            None
        } else {
            match number(target_text) {
                Some(v) => Some(v),
                None => {
                    errors.push(
                        "indicator-target",
                        "Enter the target as a number, or leave it empty",
                    );
                    None
                }
            }
        };
        let run = |s: String, field: &str, words: &str| match s.trim().parse::<i64>() {
            Ok(n) => n,
            Err(_) => {
                errors.push(
                    field,
                    format!("Enter the {words} as a whole number from 3 to 20"),
                );
                0
            }
        };
        let shift = run(
            shift_run.get_untracked(),
            "indicator-shiftRun",
            "points in a shift",
        );
        let trend = run(
            trend_run.get_untracked(),
            "indicator-trendRun",
            "points in a trend",
        );
        if errors.report_found() {
            return;
        }
        let navigate = navigate.clone();
        let request = async move {
            match id.get_value() {
                None => {
                    let input = api::create_indicator::IndicatorInput {
                        name: name.get_untracked(),
                        definition: definition.get_untracked(),
                        unit: unit.get_untracked(),
                        direction: enum_from(&direction.get_untracked()),
                        target: target_value,
                        period: enum_from(&period.get_untracked()),
                        agency_id: optional(agency.get_untracked()),
                        baseline_from: optional(baseline_from.get_untracked()),
                        baseline_to: optional(baseline_to.get_untracked()),
                        shift_run: shift,
                        trend_run: trend,
                    };
                    api::call::<CreateIndicator>(api::create_indicator::Variables { input })
                        .await
                        .map(|d| d.create_indicator.id)
                }
                Some(id) => {
                    let input = api::update_indicator::IndicatorInput {
                        name: name.get_untracked(),
                        definition: definition.get_untracked(),
                        unit: unit.get_untracked(),
                        direction: enum_from(&direction.get_untracked()),
                        target: target_value,
                        period: enum_from(&period.get_untracked()),
                        agency_id: optional(agency.get_untracked()),
                        baseline_from: optional(baseline_from.get_untracked()),
                        baseline_to: optional(baseline_to.get_untracked()),
                        shift_run: shift,
                        trend_run: trend,
                    };
                    api::call::<UpdateIndicator>(api::update_indicator::Variables {
                        id,
                        version,
                        input,
                    })
                    .await
                    .map(|d| d.update_indicator.id)
                }
            }
        };
        form.send(request, describe, move |id| {
            navigate(&format!("/performance/{id}"), NavigateOptions::default())
        });
    };
    let agency_field = move || {
        let options: Vec<(String, String)> = agencies
            .get()
            .and_then(Result::ok)
            .map(|d| {
                d.agencies
                    .into_iter()
                    .map(|a| (a.id, format!("{} ({})", a.name, a.prefix)))
                    .collect()
            })
            .unwrap_or_default();
        view! { <SelectField id="indicator-agencyId" label="Owner" hint="The agency whose indicator it is; its lead records the values." value=agency options=options blank="Partnership-wide" errors=errors /> }
    };
    view! {
        <ErrorSummary errors=errors />
        <form on:submit=submit novalidate=true>
            <TextField id="indicator-name" label="Name" value=name errors=errors />
            <TextArea id="indicator-definition" label="Definition" hint="What is counted, and how, so that everyone reads the values the same way." value=definition errors=errors rows=3 />
            <TextField id="indicator-unit" label="Unit" hint="Such as %, days or children. Leave empty for a plain number." value=unit errors=errors short=true />
            <SelectField id="indicator-direction" label="Which way is better" value=direction options=directions errors=errors />
            <TextField id="indicator-target" label="Target" hint="Leave empty for no target." value=target errors=errors short=true />
            <SelectField id="indicator-period" label="Reported" value=period options=periods errors=errors />
            {agency_field}
            <TextField id="indicator-baselineFrom" label="Baseline from" hint="The first period the mean and process limits are computed from, such as 2025-01. Leave empty to start from the first value." value=baseline_from errors=errors short=true />
            <TextField id="indicator-baselineTo" label="Baseline to" hint="The last period of the baseline. Leave empty to use every value." value=baseline_to errors=errors short=true />
            <TextField id="indicator-shiftRun" label="Points in a shift" hint="Consecutive points on one side of the mean that make a shift (Making Data Count: 7)." value=shift_run errors=errors short=true />
            <TextField id="indicator-trendRun" label="Points in a trend" hint="Consecutive points each higher or lower than the last that make a trend (Making Data Count: 6)." value=trend_run errors=errors short=true />
            <button type="submit" class="button" disabled=move || pending.get()>
                {if editing { "Save changes" } else { "Create indicator" }}
            </button>
            <a href="/performance">"Cancel"</a>
        </form>
    }
}
