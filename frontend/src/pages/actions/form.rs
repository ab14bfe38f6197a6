//! The forms more than one page uses: a dated progress update, and an action's own fields
//! (adding one to a recommendation, editing one). Their field ids are fixed: one of each is
//! open at a time.

use super::leaf;
use crate::api::data::{ActionMore, ActionRow, AgenciesData, AgencyRef};
use crate::api::{self, enum_from};
use crate::components::{
    DateInput, ErrorSummary, FormErrors, FormSubmit, RadioGroup, SelectField, TextArea, TextField,
};
use crate::session::use_session;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::{json, Value};
use shared::actions::ActionStatus;

const EVIDENCED: &str = "IMPACT_EVIDENCED";

fn describe_update(field: &str) -> (String, String) {
    let (id, label) = match leaf(field) {
        "status" => ("update-status", "Status"),
        "evidenceOfImpact" => ("update-evidence", "Evidence of impact"),
        "text" => ("update-text", "What was done:"),
        _ => ("update-text", "Not saved:"),
    };
    (id.into(), label.into())
}

/// A dated progress update on one action: what was done, the status after it (only ever
/// forward), and the evidence of impact when choosing "Impact evidenced".
#[component]
pub fn ProgressForm(
    action: ActionRow,
    #[prop(into)] on_done: Callback<String>,
    #[prop(optional, into)] on_cancel: Option<Callback<()>>,
) -> impl IntoView {
    let form = FormSubmit::new();
    let FormSubmit { errors, pending } = form;
    let current = ActionStatus::from_code(&action.status).unwrap_or(ActionStatus::NotStarted);
    let completed = current == ActionStatus::Completed;
    let text = RwSignal::new(String::new());
    let status = RwSignal::new(if completed {
        EVIDENCED.to_string()
    } else {
        String::new()
    });
    let evidence = RwSignal::new(String::new());
    crate::unsaved::track_typed(text);
    crate::unsaved::track_typed(evidence);
    let mut options = Vec::new();
    if !completed {
        options.push((String::new(), format!("No change: {}", current.label())));
    }
    options.extend(
        ActionStatus::ALL
            .iter()
            .filter(|s| s.step() > current.step())
            .map(|s| (s.code().to_string(), s.label().to_string())),
    );
    let id = StoredValue::new(action.id.clone());
    let reference = StoredValue::new(action.reference.clone());
    let submit = move |ev: SubmitEvent| {
        if !form.begin(&ev) {
            return;
        }
        let chosen = status.get_untracked();
        let input = api::add_action_update::ActionUpdateInput {
            text: text.get_untracked(),
            evidence_of_impact: (chosen == EVIDENCED)
                .then(|| evidence.get_untracked())
                .filter(|e| !e.trim().is_empty()),
            status: (!chosen.is_empty()).then(|| enum_from(&chosen)),
        };
        let variables = api::add_action_update::Variables {
            action_id: id.get_value(),
            input,
        };
        form.send(
            api::send::<api::AddActionUpdate>(variables),
            describe_update,
            move |_| on_done.run(format!("Update added to {}.", reference.get_value())),
        );
    };
    view! {
        <form class="row-card" on:submit=submit novalidate=true aria-labelledby="update-title">
            <h3 id="update-title">{format!("Progress update on {}", action.reference)}</h3>
            <ErrorSummary errors=errors />
            <TextArea
                id="update-text"
                label="What was done"
                hint="What changed since the last update. Completing an action needs a final update."
                value=text
                errors=errors
                rows=3
            />
            <RadioGroup id="update-status" legend="Status after this update" options=options value=status errors=errors />
            {move || {
                status
                    .with(|s| s == EVIDENCED)
                    .then(|| {
                        view! {
                            <TextArea
                                id="update-evidence"
                                label="Evidence of impact"
                                hint="How you know the action made a difference, for example what a re-audit found."
                                value=evidence
                                errors=errors
                                rows=3
                            />
                        }
                    })
            }}
            <FormButtons label="Add update" pending=pending on_cancel=on_cancel />
        </form>
    }
}

/// A form's submit button (`label`, off while `pending`) and, when the form can be put
/// away, its Cancel button.
#[component]
pub fn FormButtons(
    label: &'static str,
    pending: RwSignal<bool>,
    on_cancel: Option<Callback<()>>,
) -> impl IntoView {
    view! {
        <div class="button-group">
            <button type="submit" class="button" disabled=move || pending.get()>
                {label}
            </button>
            {on_cancel
                .map(|cancel| {
                    view! {
                        <button type="button" class="button button-secondary" on:click=move |_| cancel.run(())>
                            "Cancel"
                        </button>
                    }
                })}
        </div>
    }
}

/// An action's fields as typed.
#[derive(Clone, Copy)]
pub struct ActionValues {
    pub title: RwSignal<String>,
    pub agency: RwSignal<String>,
    pub person: RwSignal<String>,
    pub target: RwSignal<String>,
    pub reason: RwSignal<String>,
    pub audit: RwSignal<String>,
}

impl ActionValues {
    fn with(values: [String; 6]) -> Self {
        let [title, agency, person, target, reason, audit] = values.map(RwSignal::new);
        Self {
            title,
            agency,
            person,
            target,
            reason,
            audit,
        }
    }

    pub fn new() -> Self {
        Self::with(Default::default())
    }

    pub fn of(a: &ActionRow, more: &ActionMore) -> Self {
        Self::with([
            a.title.clone(),
            a.owner_agency.id.clone(),
            a.owner_person
                .as_ref()
                .map(|p| p.id.clone())
                .unwrap_or_default(),
            a.target_date.clone(),
            more.target_date_reason.clone().unwrap_or_default(),
            more.impact_audit.clone().unwrap_or_default(),
        ])
    }

    /// The values as the server names them (to compare with a saved version).
    pub fn to_json(self) -> Value {
        let opt = |s: RwSignal<String>| Some(s.get_untracked()).filter(|v| !v.trim().is_empty());
        json!({
            "title": self.title.get_untracked(),
            "ownerAgencyId": self.agency.get_untracked(),
            "ownerPersonId": opt(self.person),
            "targetDate": self.target.get_untracked(),
            "targetDateReason": opt(self.reason),
            "impactAudit": opt(self.audit),
        })
    }

    /// Checks made before sending (what the API cannot carry empty); false when something
    /// was reported.
    pub fn check(self, errors: FormErrors) -> bool {
        if self.agency.with_untracked(String::is_empty) {
            errors.push("action-agency", "Choose the agency that owns the action");
        }
        if self.target.with_untracked(String::is_empty) {
            errors.push("action-target", "Enter the target date");
        }
        !errors.report_found()
    }
}

/// The GraphQL `ActionInput` of one operation's module from [`ActionValues`].
macro_rules! action_input {
    ($module:ident, $values:expr) => {{
        let v: $crate::pages::actions::form::ActionValues = $values;
        let text = |s: RwSignal<String>| s.get_untracked().trim().to_string();
        let opt = |s: RwSignal<String>| Some(text(s)).filter(|t| !t.is_empty());
        $crate::api::$module::ActionInput {
            title: text(v.title),
            owner_agency_id: text(v.agency),
            owner_person_id: opt(v.person),
            target_date: text(v.target),
            target_date_reason: opt(v.reason),
            impact_audit: opt(v.audit),
        }
    }};
}
pub(crate) use action_input;

/// Where the server's problem with an action's input belongs.
pub fn describe_action(field: &str) -> (String, String) {
    let (id, label) = match leaf(field) {
        "title" => ("action-title", "Action"),
        "ownerAgencyId" => ("action-agency", "Owner agency:"),
        "ownerPersonId" => ("action-person", "Owner person:"),
        "targetDate" => ("action-target", "Target date"),
        "targetDateReason" => ("action-reason", "Reason:"),
        "impactAudit" => ("action-audit", "How impact will be audited:"),
        _ => ("action-title", "Not saved:"),
    };
    (id.into(), label.into())
}

/// [`ActionFields`] with `agencies` to choose the owner from, or every active agency when
/// none are given (a plan of learning that is not a case review names no agencies).
#[component]
pub fn OwnedActionFields(
    values: ActionValues,
    agencies: Vec<AgencyRef>,
    people: Vec<Owner>,
    errors: FormErrors,
) -> impl IntoView {
    if !agencies.is_empty() {
        return view! { <ActionFields values=values agencies=agencies people=people errors=errors /> }
            .into_any();
    }
    let every = LocalResource::new(|| {
        api::fetch::<api::Agencies, AgenciesData>(api::agencies::Variables {
            include_inactive: false,
        })
    });
    let people = StoredValue::new(people);
    view! {
        {move || {
            every
                .get()
                .map(|loaded| {
                    let list: Vec<AgencyRef> = loaded
                        .map(|d| {
                            d.agencies
                                .into_iter()
                                .map(|a| AgencyRef {
                                    id: a.id,
                                    name: a.name,
                                    prefix: a.prefix,
                                    colour: a.colour,
                                })
                                .collect()
                        })
                        .unwrap_or_default();
                    view! { <ActionFields values=values agencies=list people=people.get_value() errors=errors /> }
                })
        }}
    }
    .into_any()
}

/// Someone who could own an action: (id, name, agency id).
pub type Owner = (String, String, String);

/// An action's fields: what will change, the owner agency (among `agencies`) and person,
/// the target date (with the reason when it has passed) and how impact will be audited.
/// The business office may name anyone in the agency; others the review's members.
#[component]
pub fn ActionFields(
    values: ActionValues,
    agencies: Vec<AgencyRef>,
    people: Vec<Owner>,
    errors: FormErrors,
) -> impl IntoView {
    let known = RwSignal::new(people);
    if use_session().is_office() {
        spawn_local(async move {
            let Ok(d) = api::fetch::<api::Users, api::data::UsersData>(api::users::Variables).await
            else {
                return;
            };
            known.update(|k| {
                for u in d.users.into_iter().filter(|u| u.active) {
                    if let Some(a) = u.agency {
                        if !k.iter().any(|p| p.0 == u.id) {
                            k.push((u.id, u.display_name, a.id));
                        }
                    }
                }
            });
        });
    }
    let agency_options: Vec<(String, String)> = agencies
        .into_iter()
        .map(|a| (a.id, format!("{} – {}", a.prefix, a.name)))
        .collect();
    // The agency's people; a person of another agency is let go when the agency changes.
    let candidates = Signal::derive(move || {
        let agency = values.agency.get();
        known.with(|k| {
            k.iter()
                .filter(|p| p.2 == agency)
                .map(|p| (p.0.clone(), p.1.clone()))
                .collect::<Vec<_>>()
        })
    });
    Effect::new(move |_| {
        let list = candidates.get();
        if !values
            .person
            .with_untracked(|v| v.is_empty() || list.iter().any(|o| o.0 == *v))
        {
            values.person.set(String::new());
        }
    });
    let chosen = move || {
        let id = values.person.get();
        known.with(|k| k.iter().find(|p| p.0 == id).map(|p| p.1.clone()))
    };
    let person = move || {
        match chosen() {
        Some(name) => view! {
            <p class="chosen-person" id="action-person-chosen">
                "Owner person: "
                <strong>{name.clone()}</strong>
                " "
                <button
                    type="button"
                    class="button button-secondary button-small"
                    on:click=move |_| {
                        values.person.set(String::new());
                        request_animation_frame(|| crate::components::focus_by_id("action-person"));
                    }
                >
                    "Remove"
                    <span class="visually-hidden">{format!(" {name} as the owner person")}</span>
                </button>
            </p>
        }
        .into_any(),
        None => view! { <p class="chosen-person" id="action-person-chosen">"Owner person: no one named."</p> }.into_any(),
    }
    };
    let exclude = Signal::derive(move || vec![values.person.get()]);
    view! {
        <TextField id="action-title" label="Action" hint="What will change, in a sentence." value=values.title errors=errors />
        <SelectField id="action-agency" label="Owner agency" value=values.agency options=agency_options errors=errors blank="Choose an agency" />
        {person}
        <crate::components::PersonSearch
            id="action-person"
            label="Owner person (optional)"
            hint="Someone who works for the owner agency: type part of their name, then choose them."
            people=candidates
            exclude=exclude
            verb="Choose"
            on_choose=move |id: String| values.person.set(id)
            errors=errors
        />
        <DateInput id="action-target" label="Target date" value=values.target errors=errors />
        <TextArea
            id="action-reason"
            label="Why the target date has already passed"
            hint="Only needed when the target date is in the past, for example when the action was agreed before it was recorded."
            value=values.reason
            errors=errors
            rows=2
        />
        <TextArea
            id="action-audit"
            label="How impact will be audited"
            hint="For example, a re-audit of ten cases six months after the action is completed."
            value=values.audit
            errors=errors
            rows=3
        />
    }
}
