//! A subject access request on the review page (business office): choose the person from
//! the review's glossary, whether to redact third parties, and download everything held
//! about them as one ZIP after a confirmation. The export is recorded in the audit log.

use crate::api;
use crate::components::{
    ask, save_export, Checkbox, ConfirmPanel, ErrorSummary, FormErrors, SelectField,
};
use crate::pages::chronology::Notice;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::glossary::Term;
use shared::subject_access::{people, Person};

fn persons(data: &serde_json::Value) -> Vec<Person> {
    let terms: Vec<Term> = data["review"]["glossary"]
        .as_array()
        .map(|l| {
            l.iter()
                .map(|t| Term {
                    real: t["realText"].as_str().unwrap_or_default().into(),
                    replacement: t["replacement"].as_str().unwrap_or_default().into(),
                })
                .collect()
        })
        .unwrap_or_default();
    people(&terms)
}

#[component]
pub fn SubjectAccess(review_id: String) -> impl IntoView {
    let review_id = StoredValue::new(review_id);
    // None while the glossary loads; Err when it could not be read.
    let list = RwSignal::new(None::<Result<Vec<Person>, String>>);
    spawn_local(async move {
        let variables = api::glossary::Variables {
            id: review_id.get_value(),
        };
        let result = api::send::<api::Glossary>(variables).await;
        list.set(Some(result.map(|d| persons(&d)).map_err(|e| e.explain())));
    });
    let person = RwSignal::new(String::new());
    let redact = RwSignal::new(false);
    let errors = FormErrors::new();
    let asking = RwSignal::new(false);
    let pending = RwSignal::new(false);
    let refused = RwSignal::new(None::<String>);
    let notice = RwSignal::new(None::<String>);
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        errors.clear();
        if person.with_untracked(|p| p.is_empty()) {
            errors.push("subject-person", "Choose the person who asked");
        }
        if errors.report_found() {
            return;
        }
        refused.set(None);
        notice.set(None);
        ask(asking, "confirm-subject-access");
    };
    let download = move |()| {
        if pending.get_untracked() {
            return;
        }
        pending.set(true);
        spawn_local(async move {
            let variables = api::export_subject_access::Variables {
                review_id: review_id.get_value(),
                pseudonym: person.get_untracked(),
                redact_third_parties: redact.get_untracked(),
            };
            let result = api::send::<api::ExportSubjectAccess>(variables).await;
            pending.set(false);
            match result {
                Ok(d) => {
                    let file = &d["exportSubjectAccess"];
                    let name = save_export(file, "subject-access.zip");
                    asking.set(false);
                    notice.set(Some(format!(
                        "Downloaded {name}. The export is recorded in the audit log."
                    )));
                }
                Err(e) => refused.set(Some(e.explain())),
            }
        });
    };
    let question =
        Signal::derive(move || format!("Download everything held about {}?", person.get()));
    let confirm = Signal::derive(move || {
        if pending.get() {
            "Preparing the export…".to_string()
        } else {
            "Yes, download the export".to_string()
        }
    });
    view! {
        <h2 id="subject-access-title">"Subject access request"</h2>
        <p>
            "When someone named in this review asks for everything held about them, download one ZIP of the chronology entries, annotations, learning summary, learning points and actions that name them (by any real name or alias in the glossary, or by their pseudonym), and the audit log of who saw or changed the review's records. Each part is a CSV file with a JSON copy, and a README says what was searched."
        </p>
        <Notice text=notice />
        {move || match list.get() {
            None => view! { <p class="secondary" role="status">"Loading the glossary…"</p> }.into_any(),
            Some(Err(text)) => view! { <p class="error-message">{text}</p> }.into_any(),
            Some(Ok(people)) if people.is_empty() => view! {
                <p>"The review's glossary names nobody yet. Add the person's real name and pseudonym to the glossary on the chronology page first."</p>
            }
                .into_any(),
            Some(Ok(people)) => {
                let options: Vec<(String, String)> = people
                    .iter()
                    .map(|p| {
                        let text = format!("{} ({})", p.pseudonym, p.names.join(", "));
                        (p.pseudonym.clone(), text)
                    })
                    .collect();
                view! {
                    <form on:submit=submit novalidate=true class="row-card" aria-labelledby="subject-access-title">
                        <ErrorSummary errors=errors />
                        <SelectField
                            id="subject-person"
                            label="Person who asked"
                            hint="Everyone in the review's glossary, by pseudonym, with the real names that stand for them."
                            value=person
                            options=options
                            errors=errors
                            blank="Choose a person"
                        />
                        <Checkbox id="subject-redact" label="Redact third parties (other people become their pseudonym, other likely names [redacted])" checked=redact />
                        <button type="submit" class="button" disabled=move || pending.get()>"Download the export"</button>
                    </form>
                }
                    .into_any()
            }
        }}
        <ConfirmPanel
            id="confirm-subject-access"
            open=asking
            level=3
            question=question
            confirm=confirm
            pending=pending
            error=refused
            on_confirm=Callback::new(download)
        >
            <p>{move || if redact.get() {
                "Other people in the glossary are replaced by their pseudonym, and other likely names by [redacted]."
            } else {
                "Other people named in these records appear as recorded: tick “Redact third parties” to take them out."
            }}</p>
            <p>"The file holds personal data: keep it safe. The export is recorded in the audit log with your name."</p>
        </ConfirmPanel>
    }
}
