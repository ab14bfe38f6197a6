//! The annual report's learning and improvement section: the business office writes the
//! narrative parts for a reporting year; the office and the chair download the document,
//! every figure in it computed from the platform's data.

use crate::api::{self, code_of, enum_from};
use crate::components::{
    save_file, set_title, ErrorSummary, FormErrors, FormSubmit, SelectField, TextArea,
};
use crate::pages::chronology::Notice;
use crate::pages::states;
use crate::session::use_session;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::annual_report::NarrativePart;

/// The reporting year (by its first April) that today falls in.
fn current_year() -> i64 {
    let now = js_sys::Date::new_0();
    // getMonth counts from 0.
    i64::from(shared::child_deaths::reporting_year_of_month(
        now.get_full_year() as i32,
        now.get_month() + 1,
    ))
}

#[component]
pub fn AnnualReportPage() -> impl IntoView {
    set_title("Annual report");
    let session = use_session();
    let year = RwSignal::new(current_year().to_string());
    let notice = RwSignal::new(None::<String>);
    let reload = RwSignal::new(0u32);
    let data = LocalResource::new(move || {
        reload.track();
        let year = year.get().parse::<i64>().unwrap_or_else(|_| current_year());
        async move {
            api::call::<api::AnnualReportNarrative>(api::annual_report_narrative::Variables {
                year,
            })
            .await
            .map(|d| (year, d.annual_report_narrative))
        }
    });
    let choices: Vec<(String, String)> = (0..4)
        .map(|back| {
            let y = current_year() - back;
            (y.to_string(), shared::child_deaths::year_label(y as i32))
        })
        .collect();
    view! {
        <h1 tabindex="-1">"Annual report: learning and improvement"</h1>
        <p>
            "The learning and improvement section of the partnership's annual report, for a year from April to March: reviews and their statutory clocks, themes of learning, single-agency audits, the Section 11 picture, agencies' QA impact reports, the performance dataset's hot spots, child death review counts (small counts suppressed), the action plan and training. Every figure is computed from the platform's data when you download it; the business office writes the introduction and the priorities."
        </p>
        <Notice text=notice />
        <SelectField id="report-year" label="Reporting year" value=year options=choices errors=FormErrors::new() />
        {move || states(data.get(), move |(y, parts)| {
            let office = session.is_office();
            view! {
                <Download year=y notice=notice />
                {parts
                    .into_iter()
                    .map(|p| {
                        view! { <NarrativeForm year=y part=code_of(&p.part) label=p.label text=p.text office=office reload=reload notice=notice /> }
                    })
                    .collect_view()}
            }
        })}
    }
}

#[component]
fn Download(year: i64, notice: RwSignal<Option<String>>) -> impl IntoView {
    let pending = RwSignal::new(false);
    let fetch = move |_| {
        if pending.get_untracked() {
            return;
        }
        pending.set(true);
        notice.set(None);
        spawn_local(async move {
            let result =
                api::call::<api::AnnualReport>(api::annual_report::Variables { year }).await;
            pending.try_set(false);
            match result {
                Ok(d) => {
                    let f = d.annual_report;
                    save_file(&f.file_name, &f.media_type, &f.content_base64);
                    notice.try_set(Some(format!("Downloaded {}.", f.file_name)));
                }
                Err(e) => {
                    notice.try_set(Some(e.explain()));
                }
            }
        });
    };
    let label = format!(
        "Download the report for {} (DOCX)",
        shared::child_deaths::year_label(year as i32)
    );
    view! {
        <div class="button-group">
            <button type="button" class="button" on:click=fetch disabled=move || pending.get()>{label}</button>
        </div>
    }
}

/// One narrative part: a form for the office, the text as written for the chair.
#[component]
fn NarrativeForm(
    year: i64,
    part: String,
    label: String,
    text: String,
    office: bool,
    reload: RwSignal<u32>,
    notice: RwSignal<Option<String>>,
) -> impl IntoView {
    let id = format!("narrative-{}", part.to_lowercase());
    let heading_id = format!("{id}-title");
    let labelled = heading_id.clone();
    if !office {
        return view! {
            <section class="row-card" aria-labelledby=labelled>
                <h2 id=heading_id>{label}</h2>
                <p class="justification">{if text.is_empty() { "Not written yet: it is left out of the document.".to_string() } else { text }}</p>
            </section>
        }
        .into_any();
    }
    let form = FormSubmit::new();
    let saved = text.clone();
    let value = RwSignal::new(text);
    crate::unsaved::track(move || value.try_with_untracked(|t| *t != saved) == Some(true));
    let field = id.clone();
    let what = label.clone();
    let submit = move |ev: SubmitEvent| {
        if !form.begin(&ev) {
            return;
        }
        let Some(part) = NarrativePart::from_code(&part) else {
            return;
        };
        let variables = api::set_annual_report_narrative::Variables {
            year,
            part: enum_from(part.code()),
            text: value.get_untracked(),
        };
        let field = field.clone();
        let what = what.clone();
        form.send(
            api::send::<api::SetAnnualReportNarrative>(variables),
            move |_| (field.clone(), "Text".into()),
            move |_| {
                notice.set(Some(format!(
                    "“{what}” is saved. It goes into the document from the next download."
                )));
                reload.update(|n| *n += 1);
            },
        );
    };
    view! {
        <form on:submit=submit novalidate=true class="row-card" aria-labelledby=labelled>
            <h2 id=heading_id>{label}</h2>
            <ErrorSummary errors=form.errors />
            <TextArea id=id label="Text" hint="Markdown: blank lines between paragraphs, - for a list. Leave empty to leave this part out." value=value errors=form.errors rows=8 />
            <button type="submit" class="button button-secondary" disabled=move || form.pending.get()>"Save"</button>
        </form>
    }
    .into_any()
}
