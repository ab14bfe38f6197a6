//! Creating and editing a review (the business office).

use crate::api::{self, code_of, enum_from, ApiError, ReviewFormOptions};
use crate::components::{
    field_id, month_name, set_title, CheckboxGroup, DateInput, ErrorSummary, FormSubmit,
    SelectField, TextArea, TextField,
};
use crate::pages::{loaded_heading, route_id, states};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use leptos_router::NavigateOptions;
use shared::reviews::{Methodology, ReviewKind, ReviewRole, THEMES};

/// What the form starts with.
#[derive(Debug, Clone, Default)]
struct ReviewValues {
    reference: String,
    kind: String,
    subject: String,
    themes: Vec<String>,
    methodology: String,
    methodology_detail: String,
    incident_month: String,
    incident_year: String,
    regime_id: String,
    aware_on: String,
    notified_on: String,
    agency_ids: Vec<String>,
    /// (user id, ReviewRole code)
    members: Vec<(String, String)>,
}

#[derive(Debug, Clone)]
enum Mode {
    Create,
    Edit { id: String, version: i64 },
}

type Options = api::data::ReviewFormOptionsData;

#[component]
pub fn NewReview() -> impl IntoView {
    set_title("New review");
    let options = LocalResource::new(|| {
        api::fetch::<ReviewFormOptions, Options>(api::review_form_options::Variables)
    });
    view! {
        <h1 tabindex="-1">"New review"</h1>
        {move || {
            states(
                options.get(),
                |o| view! { <ReviewForm mode=Mode::Create initial=ReviewValues::default() options=o /> },
            )
        }}
    }
}

#[component]
pub fn EditReview() -> impl IntoView {
    set_title("Edit review");
    let id = route_id();
    let data = LocalResource::new(move || {
        let id = id.get();
        async move {
            let options =
                api::fetch::<ReviewFormOptions, Options>(api::review_form_options::Variables)
                    .await?;
            let review = api::fetch::<api::ReviewDetail, api::data::ReviewDetailData>(
                api::review_detail::Variables { id },
            )
            .await?;
            Ok::<_, ApiError>((options, review.review))
        }
    });
    let heading = loaded_heading(data, "Edit review", |(_, r)| {
        format!("Edit review {}", r.reference)
    });
    view! {
        <h1 tabindex="-1">{heading}</h1>
        {move || {
            states(
                data.get(),
                |(options, r)| {
                    let initial = ReviewValues {
                        reference: r.reference,
                        kind: code_of(&r.kind),
                        subject: r.subject,
                        themes: r.themes,
                        methodology: code_of(&r.methodology),
                        methodology_detail: r.methodology_detail.unwrap_or_default(),
                        incident_month: r.incident_month.map(|m| m.to_string()).unwrap_or_default(),
                        incident_year: r.incident_year.to_string(),
                        regime_id: r.regime.id,
                        aware_on: r.aware_on.unwrap_or_default(),
                        notified_on: r.notified_on,
                        agency_ids: r.agencies.into_iter().map(|a| a.id).collect(),
                        members: r.members.into_iter().map(|m| (m.user.id, code_of(&m.role))).collect(),
                    };
                    view! {
                        <ReviewForm mode=Mode::Edit { id: r.id, version: r.version } initial=initial options=options />
                    }
                },
            )
        }}
    }
}

/// The words for a field named in a VALIDATION error, and the id of its input.
fn describe(field: &str) -> (String, String) {
    let group = field.split(['[', '.']).next().unwrap_or(field);
    let label = match group {
        "reference" => "Reference",
        "kind" => "Kind of review",
        "subject" => "Subject",
        "themes" => "Themes",
        "methodology" => "Methodology",
        "methodologyDetail" => "Methodology details",
        "incidentMonth" => "Month of the incident",
        "incidentYear" => "Year of the incident",
        "regimeId" => "Statutory regime",
        "awareOn" => "Date the partnership became aware",
        "notifiedOn" => "Date of notification",
        "agencyIds" => "Member agencies",
        "members" => "Members",
        other => other,
    };
    (field_id(group), label.to_string())
}

macro_rules! review_input {
    ($module:ident, $v:expr, $year:expr) => {{
        let v = $v;
        api::$module::ReviewInput {
            reference: v.reference.trim().to_string(),
            kind: enum_from(&v.kind),
            subject: v.subject.trim().to_string(),
            themes: v.themes.clone(),
            methodology: enum_from(&v.methodology),
            methodology_detail: Some(v.methodology_detail.trim().to_string())
                .filter(|s| !s.is_empty()),
            incident_month: v.incident_month.parse().ok(),
            incident_year: $year,
            regime_id: v.regime_id.clone(),
            aware_on: Some(v.aware_on.clone()).filter(|s| !s.is_empty()),
            notified_on: v.notified_on.clone(),
            agency_ids: v.agency_ids.clone(),
            members: v
                .members
                .iter()
                .map(|(user_id, role)| api::$module::ReviewMemberInput {
                    user_id: user_id.clone(),
                    role: enum_from(role),
                })
                .collect(),
        }
    }};
}

#[component]
fn ReviewForm(mode: Mode, initial: ReviewValues, options: Options) -> impl IntoView {
    let navigate = use_navigate();
    let form = FormSubmit::new();
    let FormSubmit { errors, pending } = form;
    let reference = RwSignal::new(initial.reference.clone());
    let kind = RwSignal::new(initial.kind.clone());
    let subject = RwSignal::new(initial.subject.clone());
    let themes = RwSignal::new(initial.themes.clone());
    let methodology = RwSignal::new(initial.methodology.clone());
    let methodology_detail = RwSignal::new(initial.methodology_detail.clone());
    let incident_month = RwSignal::new(initial.incident_month.clone());
    let incident_year = RwSignal::new(initial.incident_year.clone());
    let regime_id = RwSignal::new(
        if initial.regime_id.is_empty() && options.regimes.len() == 1 {
            options.regimes[0].id.clone()
        } else {
            initial.regime_id.clone()
        },
    );
    let aware_on = RwSignal::new(initial.aware_on.clone());
    let notified_on = RwSignal::new(initial.notified_on.clone());
    let agency_ids = RwSignal::new(initial.agency_ids.clone());
    // One choice per active person: not a member, member or lead reviewer.
    let member_roles: Vec<(String, String, RwSignal<String>)> = options
        .users
        .iter()
        .filter(|u| u.active || initial.members.iter().any(|(id, _)| *id == u.id))
        .map(|u| {
            let role = initial
                .members
                .iter()
                .find(|(id, _)| *id == u.id)
                .map(|(_, r)| r.clone())
                .unwrap_or_default();
            let name = match &u.agency {
                Some(a) => format!("{} ({})", u.display_name, a.prefix),
                None => u.display_name.clone(),
            };
            (u.id.clone(), name, RwSignal::new(role))
        })
        .collect();
    let member_signals = StoredValue::new(
        member_roles
            .iter()
            .map(|(id, _, s)| (id.clone(), *s))
            .collect::<Vec<_>>(),
    );
    // The people shown as members, in the order they were added; everyone else is found
    // by searching, so the form stays quick with hundreds of people in the partnership.
    let shown = RwSignal::new(
        member_roles
            .iter()
            .filter(|(_, _, role)| !role.get_untracked().is_empty())
            .map(|(id, _, _)| id.clone())
            .collect::<Vec<_>>(),
    );
    let people = StoredValue::new(member_roles);

    let mut theme_options: Vec<String> = THEMES.iter().map(|t| t.to_string()).collect();
    for t in &initial.themes {
        if !theme_options.contains(t) {
            theme_options.push(t.clone());
        }
    }
    let theme_options = theme_options
        .into_iter()
        .map(|t| (t.clone(), t))
        .collect::<Vec<_>>();
    let kind_options = ReviewKind::ALL
        .iter()
        .filter(|k| k.is_case_review())
        .map(|k| (k.code().to_string(), k.label().to_string()))
        .collect::<Vec<_>>();
    let methodology_options = Methodology::ALL
        .iter()
        .map(|m| (m.code().to_string(), m.label().to_string()))
        .collect::<Vec<_>>();
    let month_options = (1..=12u32)
        .map(|m| (m.to_string(), month_name(m).to_string()))
        .collect::<Vec<_>>();
    let regime_options = options
        .regimes
        .iter()
        .map(|r| (r.id.clone(), r.name.clone()))
        .collect::<Vec<_>>();
    let agency_options = options
        .agencies
        .iter()
        .map(|a| (a.id.clone(), format!("{} – {}", a.prefix, a.name)))
        .collect::<Vec<_>>();
    let role_options = vec![
        (
            ReviewRole::Member.code().to_string(),
            ReviewRole::Member.label().to_string(),
        ),
        (
            ReviewRole::LeadReviewer.code().to_string(),
            ReviewRole::LeadReviewer.label().to_string(),
        ),
    ];
    let submit_label = match mode {
        Mode::Create => "Create review",
        Mode::Edit { .. } => "Save changes",
    };
    let mode = StoredValue::new(mode);

    let submit = move |ev: SubmitEvent| {
        if !form.begin(&ev) {
            return;
        }
        if kind.with_untracked(String::is_empty) {
            errors.push("kind", "Select the kind of review");
        }
        if methodology.with_untracked(String::is_empty) {
            errors.push("methodology", "Select the methodology");
        }
        let year = incident_year.with_untracked(|y| y.trim().parse::<i64>());
        if year.is_err() {
            errors.push(
                "incidentYear",
                "Enter the year of the incident as 4 digits, for example 2016",
            );
        }
        if regime_id.with_untracked(String::is_empty) {
            errors.push("regimeId", "Select the statutory regime");
        }
        if notified_on.with_untracked(String::is_empty) {
            errors.push("notifiedOn", "Enter the date of notification");
        }
        if errors.report_found() {
            return;
        }
        let year = year.unwrap_or_default();
        let values = ReviewValues {
            reference: reference.get_untracked(),
            kind: kind.get_untracked(),
            subject: subject.get_untracked(),
            themes: themes.get_untracked(),
            methodology: methodology.get_untracked(),
            methodology_detail: methodology_detail.get_untracked(),
            incident_month: incident_month.get_untracked(),
            incident_year: String::new(),
            regime_id: regime_id.get_untracked(),
            aware_on: aware_on.get_untracked(),
            notified_on: notified_on.get_untracked(),
            agency_ids: agency_ids.get_untracked(),
            members: member_signals
                .get_value()
                .into_iter()
                .filter_map(|(id, role)| {
                    let role = role.get_untracked();
                    (!role.is_empty()).then_some((id, role))
                })
                .collect(),
        };
        let navigate = navigate.clone();
        let request = async move {
            match mode.get_value() {
                Mode::Create => {
                    let input = review_input!(create_review, &values, year);
                    api::send::<api::CreateReview>(api::create_review::Variables { input })
                        .await
                        .map(|d| api::id_of(&d))
                }
                Mode::Edit { id, version } => {
                    let input = review_input!(update_review, &values, year);
                    api::send::<api::UpdateReview>(api::update_review::Variables {
                        id,
                        version,
                        input,
                    })
                    .await
                    .map(|d| api::id_of(&d))
                }
            }
        };
        form.send(request, describe, move |id| {
            navigate(&format!("/reviews/{id}"), NavigateOptions::default())
        });
    };

    view! {
        <ErrorSummary errors=errors />
        <form on:submit=submit novalidate=true>
            <TextField id="reference" label="Reference" hint="For example SCR-2016-03" value=reference errors=errors short=true />
            <SelectField id="kind" label="Kind of review" value=kind options=kind_options blank="Choose a kind" errors=errors />
            <TextField id="subject" label="Subject" hint="Pseudonymised, for example Child A" value=subject errors=errors />
            <CheckboxGroup id="themes" legend="Themes" hint="Select all that apply" options=theme_options selected=themes errors=errors columns=true />
            <SelectField id="methodology" label="Methodology" value=methodology options=methodology_options blank="Choose a methodology" errors=errors />
            <TextArea id="methodologyDetail" label="Methodology details (optional)" hint="Chairing and authoring, how cases were selected" value=methodology_detail errors=errors rows=3 />
            <SelectField id="incidentMonth" label="Month of the incident" value=incident_month options=month_options blank="Not known" errors=errors />
            <TextField id="incidentYear" label="Year of the incident" value=incident_year errors=errors short=true />
            <SelectField id="regimeId" label="Statutory regime" value=regime_id options=regime_options blank="Choose a regime" errors=errors />
            <DateInput id="awareOn" label="Date the partnership became aware (optional)" value=aware_on errors=errors />
            <DateInput id="notifiedOn" label="Date of notification" value=notified_on errors=errors />
            <CheckboxGroup id="agencyIds" legend="Member agencies" options=agency_options selected=agency_ids errors=errors columns=true />
            <fieldset id="members" tabindex="-1">
                <legend>"Members"</legend>
                <div class="hint">"Choose each person's part in this review"</div>
                {move || errors.message("members").get().map(|m| view! { <p class="error-message"><span class="visually-hidden">"Error: "</span>{m}</p> })}
                <MemberList people=people shown=shown role_options=role_options errors=errors />
                <MemberSearch people=people shown=shown />
            </fieldset>
            <button type="submit" class="button" disabled=move || pending.get()>{submit_label}</button>
            <a href="/reviews">"Cancel"</a>
        </form>
    }
}

/// A person who can be a member: (user id, name with agency prefix, part in the review).
type Candidate = (String, String, RwSignal<String>);

/// The review's members, each with their part and a way to take them off.
#[component]
fn MemberList(
    people: StoredValue<Vec<Candidate>>,
    shown: RwSignal<Vec<String>>,
    role_options: Vec<(String, String)>,
    errors: crate::components::FormErrors,
) -> impl IntoView {
    let role_options = StoredValue::new(role_options);
    let rows = move || {
        let ids = shown.get();
        if ids.is_empty() {
            return view! { <p>"No members yet. Find people below to add them."</p> }.into_any();
        }
        let items = ids
            .into_iter()
            .filter_map(|id| people.with_value(|p| p.iter().find(|c| c.0 == id).cloned()))
            .map(|(id, name, role)| {
                let remove = {
                    let id = id.clone();
                    move |_| {
                        role.set(String::new());
                        shown.update(|s| s.retain(|x| *x != id));
                        crate::components::focus_by_id("member-search");
                    }
                };
                view! {
                    <li class="member">
                        <SelectField
                            id=format!("member-{id}")
                            label=name.clone()
                            value=role
                            options=role_options.get_value()
                            blank="Not a member"
                            errors=errors
                        />
                        <button type="button" class="button button-secondary button-small" on:click=remove>
                            "Remove" <span class="visually-hidden">{format!(" {name}")}</span>
                        </button>
                    </li>
                }
            })
            .collect_view();
        view! { <ul class="member-list">{items}</ul> }.into_any()
    };
    view! { {rows} }
}

/// Finding a person by name or agency prefix, to add as a member.
#[component]
fn MemberSearch(
    people: StoredValue<Vec<Candidate>>,
    shown: RwSignal<Vec<String>>,
) -> impl IntoView {
    let names = Signal::derive(move || {
        people.with_value(|p| {
            p.iter()
                .map(|(id, name, _)| (id.clone(), name.clone()))
                .collect()
        })
    });
    let add = move |id: String| {
        if let Some(role) = people.with_value(|p| p.iter().find(|c| c.0 == id).map(|c| c.2)) {
            role.set(ReviewRole::Member.code().to_string());
        }
        shown.update(|s| s.push(id.clone()));
        let select = format!("member-{id}");
        request_animation_frame(move || crate::components::focus_by_id(&select));
    };
    view! {
        <crate::components::PersonSearch
            id="member-search"
            label="Add a member"
            hint="Type part of a name or an agency prefix, then choose the person."
            people=names
            exclude=shown
            verb="Add"
            on_choose=add
        />
    }
}
