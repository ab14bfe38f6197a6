use super::chart::XmrChart;
use super::{assurance_class, format_value, variation_class};
use crate::api::{self, code_of, IndicatorDetail, RecordIndicatorValue};
use crate::components::{
    field_id, format_date_time, set_title, ErrorSummary, FormSubmit, SelectField, TextField,
};
use crate::pages::actions::{planned, PlanActionForm, PlanFrom, Planned, PlannedList};
use crate::pages::chronology::Notice;
use crate::pages::{loaded_heading, route_id, states};
use crate::session::use_session;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use shared::performance::ReportingPeriod;

pub type Detail = api::indicator_detail::IndicatorDetailIndicator;

pub fn indicator_resource(
    id: Memo<String>,
) -> LocalResource<Result<api::indicator_detail::ResponseData, api::ApiError>> {
    LocalResource::new(move || {
        let id = id.get();
        api::call::<IndicatorDetail>(api::indicator_detail::Variables { id })
    })
}

#[component]
pub fn IndicatorPage() -> impl IntoView {
    set_title("Performance indicator");
    let data = indicator_resource(route_id());
    let heading = loaded_heading(data, "Performance indicator", |d| d.indicator.name);
    Effect::new(move |_| {
        if let Some(Ok(d)) = data.get() {
            set_title(&d.indicator.name);
        }
    });
    // Kept outside the body, which is drawn again from the refetched data.
    let notice = RwSignal::new(None::<String>);
    view! {
        <p><a href="/performance">"Performance dataset"</a></p>
        <h1 tabindex="-1">{heading}</h1>
        <Notice text=notice />
        {move || states(data.get(), move |d| view! { <IndicatorBody i=d.indicator notice=notice on_recorded=move || data.refetch() /> })}
    }
}

#[component]
fn IndicatorBody(
    i: Detail,
    notice: RwSignal<Option<String>>,
    on_recorded: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let variation = code_of(&i.chart.variation);
    let assurance = code_of(&i.chart.assurance);
    let target = i
        .target
        .map(|t| format_value(t, &i.unit))
        .unwrap_or_else(|| "None".into());
    let baseline = match (&i.baseline_from, &i.baseline_to) {
        (None, None) => "All values".to_string(),
        (Some(f), None) => format!("From {f}"),
        (None, Some(t)) => format!("Up to {t}"),
        (Some(f), Some(t)) => format!("{f} to {t}"),
    };
    let period = ReportingPeriod::from_code(&code_of(&i.period)).unwrap_or(ReportingPeriod::Month);
    let next = i
        .values
        .last()
        .and_then(|v| period.parse(&v.period).ok())
        .map(|p| period.key(period.next(p)))
        .unwrap_or_default();
    let supplied = i
        .values
        .iter()
        .map(|v| {
            let when = format_date_time(&v.supplied_at);
            let text = match &v.supplied_by {
                Some(who) => format!("{who}, {when}"),
                None => when,
            };
            (v.period.clone(), text)
        })
        .collect();
    let edit = i.can_edit.then(|| {
        view! { <a class="button button-secondary" href=format!("/performance/{}/edit", i.id)>"Edit indicator"</a> }
    });
    let record = i.can_record.then(|| {
        view! { <RecordValue id=i.id.clone() period=period next=next notice=notice on_recorded=on_recorded /> }
    });
    view! {
        <p>
            {i.chart.hot_spot.then(|| view! { <strong class="tag tag-overdue">"Hot spot"</strong> " " })}
            <strong class=variation_class(&variation)>{i.chart.variation_label.clone()}</strong>
            " "
            <strong class=assurance_class(&assurance)>{i.chart.assurance_label.clone()}</strong>
        </p>
        <p class="indicator-definition">{i.definition.clone()}</p>
        <dl class="summary-list">
            <dt>"Owner"</dt><dd>{i.agency_name.clone().unwrap_or_else(|| "Partnership-wide".into())}</dd>
            <dt>"Reported"</dt><dd>{i.period_label.clone()}</dd>
            <dt>"Direction"</dt><dd>{i.direction_label.clone()}</dd>
            <dt>"Target"</dt><dd>{target}</dd>
            <dt>"Baseline"</dt><dd>{baseline}</dd>

                <dt>"Special-cause rules"</dt>
                <dd>{format!("A shift is {} points on one side of the mean; a trend is {} points each higher or lower than the last.", i.shift_run, i.trend_run)}</dd>

        </dl>
        {edit}
        <h2>"Chart"</h2>
        <XmrChart chart=i.chart.clone() unit=i.unit.clone() name=i.name.clone() supplied=supplied />
        {record}
        {(i.chart.hot_spot && use_session().is_office()).then(|| view! { <ProposeTheme id=i.id.clone() /> })}
        {((i.chart.hot_spot && use_session().is_office()) || !i.actions.is_empty()).then(|| {
            let actions = i.actions.iter().cloned().map(|a| planned!(a)).collect();
            view! {
                <HotSpotActions
                    id=i.id.clone()
                    actions=actions
                    agency=i.agency_id.clone()
                    hot=i.chart.hot_spot
                    notice=notice
                    on_planned=on_recorded
                />
            }
        })}
    }
}

/// The actions planned from the indicator as a hot spot that the person sees (by the
/// action plan's rules), and (the office, while it is one) the form that plans another in
/// one step.
#[component]
fn HotSpotActions(
    id: String,
    actions: Vec<Planned>,
    agency: Option<String>,
    hot: bool,
    notice: RwSignal<Option<String>>,
    on_planned: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let list = if actions.is_empty() {
        view! { <p>"No actions are planned from this indicator yet."</p> }.into_any()
    } else {
        view! { <PlannedList list=actions /> }.into_any()
    };
    let form = (hot && use_session().is_office()).then(|| {
        view! {
            <PlanActionForm
                from=PlanFrom::HotSpot(id)
                heading="Plan an action from this hot spot".to_string()
                agency=agency
                on_done=move |reference: String| {
                    notice.set(Some(format!("Planned {reference}: it is in the action plan, under this indicator's learning point.")));
                    on_planned();
                }
            />
        }
    });
    view! {
        <section class="row-card" aria-labelledby="hot-spot-actions">
            <h2 id="hot-spot-actions">"Actions from this hot spot"</h2>
            {list}
            {form}
        </section>
    }
}

/// The office turns a hot spot into a theme of a year's case audit programme, in one step.
#[component]
fn ProposeTheme(id: String) -> impl IntoView {
    let form = FormSubmit::new();
    let FormSubmit { errors, pending } = form;
    let this_year = i64::from(js_sys::Date::new_0().get_full_year());
    let year = RwSignal::new(this_year.to_string());
    let proposed = RwSignal::new(None::<(String, i64)>);
    let id = StoredValue::new(id);
    let options: Vec<(String, String)> = [this_year, this_year + 1]
        .iter()
        .map(|y| (y.to_string(), y.to_string()))
        .collect();
    let submit = move |ev: SubmitEvent| {
        if !form.begin(&ev) {
            return;
        }
        let chosen = year.get_untracked().parse::<i64>().unwrap_or(this_year);
        let request = api::call::<api::ProposeAuditThemeFromIndicator>(
            api::propose_audit_theme_from_indicator::Variables {
                indicator_id: id.get_value(),
                year: chosen,
            },
        );
        form.send(
            request,
            |field| match field {
                "indicatorId" => ("propose-year".to_string(), "Year".to_string()),
                other => (format!("propose-{}", field_id(other)), other.to_string()),
            },
            move |d| {
                let t = d.propose_audit_theme_from_indicator;
                proposed.set(Some((t.name, t.year)));
            },
        );
    };
    view! {
        <section class="row-card" aria-labelledby="propose-title">
            <h2 id="propose-title">"Audit what lies behind it"</h2>
            <p>"Propose a theme for a year's multi-agency case audit programme, named after this indicator, with the question and terms of reference written from its chart. Change them on the programme afterwards."</p>
            <form class="form" on:submit=submit novalidate aria-labelledby="propose-title">
                <ErrorSummary errors=errors />
                <SelectField id="propose-year" label="Year" value=year options=options errors=errors />
                <button type="submit" class="button" disabled=move || pending.get()>"Propose a case audit theme"</button>
            </form>
            <div role="status" aria-live="polite">
                {move || proposed.get().map(|(name, y)| view! {
                    <p>
                        {format!("Proposed the theme “{name}” for {y}. ")}
                        <a href=format!("/audits?year={y}")>{format!("Open the {y} audit programme")}</a>
                    </p>
                })}
            </div>
        </section>
    }
}

fn describe(field: &str) -> (String, String) {
    let label = match field {
        "period" => "Period",
        "value" => "Value",
        other => other,
    };
    (format!("record-{}", field_id(field)), label.to_string())
}

#[component]
fn RecordValue(
    id: String,
    period: ReportingPeriod,
    next: String,
    notice: RwSignal<Option<String>>,
    on_recorded: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let form = FormSubmit::new();
    let FormSubmit { errors, pending } = form;
    let key = RwSignal::new(next);
    let value = RwSignal::new(String::new());
    let id = StoredValue::new(id);
    let hint = match period {
        ReportingPeriod::Month => {
            "A month, such as 2026-03. Recording a period again replaces its value."
        }
        ReportingPeriod::Quarter => {
            "A quarter, such as 2026-Q1. Recording a period again replaces its value."
        }
    };
    let submit = move |ev: SubmitEvent| {
        if !form.begin(&ev) {
            return;
        }
        notice.set(None);
        let parsed = value.get_untracked().trim().replace(',', "").parse::<f64>();
        let number = match parsed {
            Ok(v) if v.is_finite() => v,
            _ => {
                errors.push("record-value", "Enter the value as a number, such as 21.5");
                errors.fail();
                return;
            }
        };
        if let Err(message) = period.parse(key.get_untracked().trim()) {
            errors.push("record-period", message);
            errors.fail();
            return;
        }
        let variables = api::record_indicator_value::Variables {
            indicator_id: id.get_value(),
            period: key.get_untracked().trim().to_string(),
            value: number,
        };
        let recorded = key.get_untracked();
        form.send(
            api::call::<RecordIndicatorValue>(variables),
            describe,
            move |_| {
                notice.set(Some(format!("Recorded the value for {}.", recorded.trim())));
                value.set(String::new());
                on_recorded();
            },
        );
    };
    view! {
        <h2 id="record-heading">"Record a value"</h2>
        <ErrorSummary errors=errors />
        <form on:submit=submit novalidate=true aria-labelledby="record-heading">
            <TextField id="record-period" label="Period" hint=hint value=key errors=errors short=true />
            <TextField id="record-value" label="Value" value=value errors=errors short=true />
            <button type="submit" class="button" disabled=move || pending.get()>"Record value"</button>
        </form>
    }
}
