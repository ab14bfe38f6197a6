//! One review: its facts, statutory milestones, decision, panel notification, members.

use crate::api::{self, code_of, data::ReviewDetailReview, enum_from, ReviewDetail};
use crate::components::{
    field_id, format_date, format_date_time, format_month_year, format_opt_date, set_title,
    AgencyPrefix, ButtonLink, DataTable, DateInput, ErrorSummary, FormErrors, RadioGroup, StateTag,
    TextArea,
};
use crate::pages::chronology::Notice;
use crate::pages::{loaded_heading, route_id, states};
use crate::session::use_session;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::auth::Role;
use shared::reviews::{ReviewEvent, ReviewRole, ThresholdDecision};

/// The review query for the current `:id`, shared by the detail and decision pages.
pub type ReviewResource = LocalResource<Result<api::data::ReviewDetailData, api::ApiError>>;

pub fn review_resource(id: Memo<String>) -> ReviewResource {
    LocalResource::new(move || {
        let id = id.get();
        api::fetch::<ReviewDetail, api::data::ReviewDetailData>(api::review_detail::Variables {
            id,
        })
    })
}

#[component]
pub fn ReviewPage() -> impl IntoView {
    set_title("Review");
    let id = route_id();
    let data = review_resource(id);
    let heading = loaded_heading(data, "Review", |d| d.review.reference);
    Effect::new(move |_| {
        if let Some(Ok(d)) = data.get() {
            set_title(&format!("Review {}", d.review.reference));
        }
    });
    // What the last step on the page did; kept here, above the body the step re-reads.
    let notice = RwSignal::new(None::<String>);
    view! {
        <h1 tabindex="-1">{heading}</h1>
        <Notice text=notice />
        {move || states(data.get(), move |d| view! { <ReviewBody review=d.review resource=data notice=notice /> })}
    }
}

#[component]
fn ReviewBody(
    review: ReviewDetailReview,
    resource: ReviewResource,
    notice: RwSignal<Option<String>>,
) -> impl IntoView {
    let session = use_session();
    let r = review;
    let id = r.id.clone();
    // A plan (a Section 11 year's, the dataset's, child death learning's) is only its
    // actions: no chronology, clocks or summary.
    let plan = shared::reviews::ReviewKind::from_code(&code_of(&r.kind))
        .and_then(shared::actions::plans::Plan::of);
    if let Some(plan) = plan {
        let (home, home_label) = plan.home();
        return view! {
            <p>{plan.about(&r.reference)}</p>
            <ul class="plain-list">
                <li><a href=format!("/reviews/{id}/learning")>{format!("Learning and actions of {}", r.reference)}</a></li>
                <li><a href=home>{home_label}</a></li>
                <li><a href="/actions">"The action plan"</a></li>
            </ul>
        }
        .into_any();
    }
    let decision = r.decision.as_ref().map(code_of);
    let lead_names: Vec<String> = r
        .members
        .iter()
        .filter(|m| code_of(&m.role) == ReviewRole::LeadReviewer.code())
        .map(|m| m.user.display_name.clone())
        .collect();
    let themes = if r.themes.is_empty() {
        "None recorded".to_string()
    } else {
        r.themes.join(", ")
    };
    let methodology = match &r.methodology_detail {
        Some(detail) if !detail.is_empty() => format!("{} ({detail})", r.methodology_label),
        _ => r.methodology_label.clone(),
    };
    let decided = decision.is_some();
    let initiated =
        decision.as_deref() == Some(shared::reviews::ThresholdDecision::Initiate.code());
    let panel_open = decided && r.panel_notified_on.is_none();
    let open_events: Vec<ReviewEvent> = [
        (ReviewEvent::Completed, r.completed_on.is_none()),
        (ReviewEvent::Published, r.published_on.is_none()),
    ]
    .into_iter()
    .filter_map(|(event, open)| (initiated && open).then_some(event))
    .collect();
    let events_open = !open_events.is_empty();
    let panel_id = id.clone();
    let event_id = id.clone();
    let edit_href = format!("/reviews/{id}/edit");
    let decision_href = format!("/reviews/{id}/decision");
    let chronology_href = format!("/reviews/{id}/chronology");
    let learning_href = format!("/reviews/{id}/learning");
    let summary_href = format!("/reviews/{id}/summary");
    let audit_href = format!("/reviews/{id}/audit");
    let is_audit = shared::reviews::ReviewKind::from_code(&code_of(&r.kind))
        .is_some_and(shared::case_audits::is_audit_kind);
    let hold_id = id.clone();
    let access_id = id.clone();
    let returns_id = id.clone();
    let returns_due = r.returns_due_on.clone();
    let returns_version = r.version;
    let held = r.legal_hold.is_some();
    let hold_notice = r.legal_hold.as_ref().map(|h| {
        view! {
            <div class="notice" id="legal-hold">
                <p>
                    <strong class="tag tag-overdue">"Legal hold"</strong>
                    " Nothing under this review is deleted while the hold is in force."
                </p>
                <dl class="summary-list">
                    <dt>"Reason"</dt>
                    <dd class="justification">{h.reason.clone()}</dd>
                    <dt>"Set by"</dt>
                    <dd>{format!("{} on {}", h.set_by, format_date_time(&h.set_at))}</dd>
                </dl>
            </div>
        }
    });
    let lifted: Vec<_> = r
        .legal_holds
        .iter()
        .filter(|h| h.lifted_at.is_some())
        .cloned()
        .collect();
    let past_holds = (!lifted.is_empty()).then(|| {
        view! {
            <DataTable caption="Earlier legal holds" focusable=true columns=&["Set", "Reason", "Lifted", "Why lifted"]>
                {lifted
                    .into_iter()
                    .map(|h| {
                        view! {
                            <tr>
                                <td>{format!("{} by {}", format_date_time(&h.set_at), h.set_by)}</td>
                                <td>{h.reason}</td>
                                <td>{format!(
                                    "{} by {}",
                                    h.lifted_at.as_deref().map(format_date_time).unwrap_or_default(),
                                    h.lifted_by.unwrap_or_default()
                                )}</td>
                                <td>{h.lift_reason.unwrap_or_default()}</td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </DataTable>
        }
    });
    view! {
        <p class="caption">{r.kind_label.clone()} " · " {r.subject.clone()}</p>
        <div class="button-group">
            <Show when=move || session.is_office()>
                <ButtonLink href=edit_href.clone() secondary=true>
                    "Edit review"
                </ButtonLink>
            </Show>
            <Show when=move || session.has(Role::IndependentChair) && !decided>
                <ButtonLink href=decision_href.clone()>"Record threshold decision"</ButtonLink>
            </Show>
        </div>
        <h2>"Details"</h2>
        <dl class="summary-list">
            <dt>"Reference"</dt>
            <dd>{r.reference.clone()}</dd>
            <dt>"Subject"</dt>
            <dd>{r.subject.clone()}</dd>
            <dt>"Kind"</dt>
            <dd>{r.kind_label.clone()}</dd>
            <dt>"Themes"</dt>
            <dd>{themes}</dd>
            <dt>"Methodology"</dt>
            <dd>{methodology}</dd>
            <dt>"Incident"</dt>
            <dd>{format_month_year(r.incident_month, r.incident_year)}</dd>
            <dt>"Statutory regime"</dt>
            <dd>{r.regime.name.clone()}</dd>
            <dt>"Partnership became aware"</dt>
            <dd>{format_opt_date(r.aware_on.as_deref())}</dd>
            <dt>"Notified"</dt>
            <dd>{format_date(&r.notified_on)}</dd>
            <dt>"Completed"</dt>
            <dd>{format_opt_date(r.completed_on.as_deref())}</dd>
            <dt>"Published"</dt>
            <dd>{format_opt_date(r.published_on.as_deref())}</dd>
        </dl>

        <DataTable caption="Statutory milestones" focusable=true columns=&["Milestone", "Rule", "Due", "Met", "State"]>
            {r
                .milestones
                .iter()
                .map(|m| {
                    let due = match (&m.due_on, &m.waiting_for) {
                        (Some(d), _) => format_date(d),
                        (None, Some(w)) => format!("Starts at {w}"),
                        (None, None) => "—".to_string(),
                    };
                    let met = match &m.met_on {
                        Some(d) if m.late => format!("{} (met late)", format_date(d)),
                        Some(d) => format_date(d),
                        None => "Not yet".to_string(),
                    };
                    view! {
                        <tr>
                            <th scope="row">{m.label.clone()}</th>
                            <td>{m.rule.clone()}</td>
                            <td>{due}</td>
                            <td>{met}</td>
                            <td>
                                <StateTag code=code_of(&m.state) />
                            </td>
                        </tr>
                    }
                })
                .collect_view()}
        </DataTable>

        <h2>"Chronology"</h2>
        <p>
            "Each member agency's return, and the integrated chronology once collated: "
            <a href=chronology_href>"Open the chronology"</a>
        </p>
        <p id="returns-due">
            {match &returns_due {
                Some(on) => format!("The member agencies are asked to submit their chronology returns by {}.", format_date(on)),
                None => "The business office has not yet asked the member agencies for their chronology returns by a date.".to_string(),
            }}
        </p>
        <Show when=move || session.is_office()>
            <ReturnsDueForm review_id=returns_id.clone() version=returns_version due_on=returns_due.clone() resource=resource notice=notice />
        </Show>

        {is_audit.then(|| view! {
            <h2>"Audit"</h2>
            <p>
                "The audit's theme, auditors, sample of cases and each agency's grades: "
                <a href=audit_href.clone()>"Open the audit"</a>
            </p>
        })}

        <h2>"Learning and actions"</h2>
        <p>
            "Learning points, their recommendations and the actions that answer them: "
            <a href=learning_href>"Open the learning and actions"</a>
            " · "
            <a href=summary_href>"Open the learning summary"</a>
        </p>
        <crate::pages::training::WhereLearningTaken review_id=r.id.clone() />

        <h2>"Threshold decision"</h2>
        {match decision {
            Some(code) => {
                let label = ThresholdDecision::from_code(&code).map_or(code.clone(), |d| d.label().to_string());
                view! {
                    <dl class="summary-list">
                        <dt>"Decision"</dt>
                        <dd>{label}</dd>
                        <dt>"Justification"</dt>
                        <dd class="justification">{r.decision_justification.clone().unwrap_or_default()}</dd>
                        <dt>"Decided on"</dt>
                        <dd>{format_opt_date(r.decided_on.as_deref())}</dd>
                        <dt>"Decided by"</dt>
                        <dd>{r.decided_by.clone().unwrap_or_else(|| "—".into())}</dd>
                    </dl>
                }
                    .into_any()
            }
            None => view! { <p>"No threshold decision has been recorded yet. The independent chair records it."</p> }.into_any(),
        }}

        <h2>"National panel notification"</h2>
        {match &r.panel_notified_on {
            Some(on) => {
                view! {
                    <dl class="summary-list">
                        <dt>"Panel told on"</dt>
                        <dd>{format_date(on)}</dd>
                        <dt>"Lead reviewers named"</dt>
                        <dd>
                            {if r.panel_lead_reviewer_names.is_empty() {
                                "None".to_string()
                            } else {
                                r.panel_lead_reviewer_names.join(", ")
                            }}
                        </dd>
                    </dl>
                }
                    .into_any()
            }
            None => view! { <p>"The national panel has not been told of the decision yet."</p> }.into_any(),
        }}
        <Show when=move || session.is_office() && panel_open>
            <PanelForm review_id=panel_id.clone() names=lead_names.clone() resource=resource notice=notice />
        </Show>

        <h2>"Completion and publication"</h2>
        {(!initiated).then(|| view! { <p>"A review is completed and published once the chair has decided to initiate it."</p> })}
        <Show when=move || session.is_office() && events_open>
            <EventForm review_id=event_id.clone() events=open_events.clone() resource=resource notice=notice />
        </Show>
        <Show when=move || !session.is_office() && events_open>
            <p>"The business office records when the review is completed and published."</p>
        </Show>

        <h2>"Retention and legal hold"</h2>
        {hold_notice}
        <dl class="summary-list">
            <dt>"The review"</dt>
            <dd>{r.retention.summary.clone()}</dd>
            <dt>"Its chronology entries"</dt>
            <dd>{r.retention.chronology_summary.clone()}</dd>
        </dl>
        <Show when=move || session.is_office()>
            <HoldForm review_id=hold_id.clone() held=held resource=resource />
        </Show>
        {past_holds}

        <Show when=move || session.is_office()>
            <super::subject_access::SubjectAccess review_id=access_id.clone() />
        </Show>

        <h2>"Member agencies"</h2>
        {if r.agencies.is_empty() {
            view! { <p>"No agencies have been added to this review yet."</p> }.into_any()
        } else {
            view! {
                <ul class="plain-list">
                    {r
                        .agencies
                        .iter()
                        .map(|a| {
                            view! {
                                <li>
                                    <AgencyPrefix prefix=a.prefix.clone() colour=a.colour.clone() />
                                    " "
                                    <a href=format!("/agencies/{}", a.id)>{a.name.clone()}</a>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            }
                .into_any()
        }}

        <DataTable caption="Members" columns=&["Name", "Agency", "Role in this review"]>
            {if r.members.is_empty() {
                view! {
                    <tr>
                        <td colspan="3">"No members yet."</td>
                    </tr>
                }
                    .into_any()
            } else {
                r.members
                    .iter()
                    .map(|m| {
                        let role = code_of(&m.role);
                        let role = ReviewRole::from_code(&role).map_or(role.clone(), |r| r.label().to_string());
                        view! {
                            <tr>
                                <th scope="row">{m.user.display_name.clone()}</th>
                                <td>{m.user.agency.as_ref().map_or("—".to_string(), |a| a.prefix.clone())}</td>
                                <td>{role}</td>
                            </tr>
                        }
                    })
                    .collect_view()
                    .into_any()
            }}
        </DataTable>
    }
    .into_any()
}

/// The business office records that the national panel was told.
#[component]
fn PanelForm(
    review_id: String,
    names: Vec<String>,
    resource: ReviewResource,
    notice: RwSignal<Option<String>>,
) -> impl IntoView {
    let on = RwSignal::new(String::new());
    let lead_names = RwSignal::new(names.join("\n"));
    let errors = FormErrors::new();
    let review_id = StoredValue::new(review_id);
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        errors.clear();
        notice.set(None);
        if on.with_untracked(String::is_empty) {
            errors.push("panelNotifiedOn", "Enter the date the panel was told");
        }
        if errors.report_found() {
            return;
        }
        let told_on = on.get_untracked();
        let input = api::record_panel_notification::PanelNotificationInput {
            notified_on: told_on.clone(),
            lead_reviewer_names: lead_names
                .get_untracked()
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_string)
                .collect(),
        };
        let variables = api::record_panel_notification::Variables {
            review_id: review_id.get_value(),
            input,
        };
        spawn_local(async move {
            match api::send::<api::RecordPanelNotification>(variables).await {
                Ok(_) => {
                    notice.set(Some(format!(
                        "Panel notification recorded. The national panel was told on {}.",
                        format_date(&told_on)
                    )));
                    resource.refetch();
                }
                Err(e) => errors.show(e, |f| {
                    if f.starts_with("leadReviewerNames") {
                        ("leadReviewerNames".into(), "Lead reviewer names".into())
                    } else if f == "notifiedOn" {
                        ("panelNotifiedOn".into(), "Date the panel was told".into())
                    } else {
                        (field_id(f), f.to_string())
                    }
                }),
            }
        });
    };
    view! {
        <form on:submit=submit novalidate=true class="row-card">
            <h3>"Record the panel notification"</h3>
            <ErrorSummary errors=errors />
            <DateInput id="panelNotifiedOn" label="Date the panel was told" value=on errors=errors />
            <TextArea
                id="leadReviewerNames"
                label="Lead reviewer names"
                hint="One name per line. Needed when a review is initiated."
                value=lead_names
                errors=errors
                rows=3
            />
            <button type="submit" class="button">"Record panel notification"</button>
        </form>
    }
}

/// The business office asks the member agencies for their chronology returns by a date.
/// The agencies' staff see it on their home page (due soon in the last week, then
/// overdue) and are notified; the office is told of returns due soon and overdue.
#[component]
fn ReturnsDueForm(
    review_id: String,
    version: i64,
    due_on: Option<String>,
    resource: ReviewResource,
    notice: RwSignal<Option<String>>,
) -> impl IntoView {
    let on = RwSignal::new(due_on.clone().unwrap_or_default());
    let errors = FormErrors::new();
    let review_id = StoredValue::new(review_id);
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        errors.clear();
        notice.set(None);
        let due = on.get_untracked();
        if due.is_empty() {
            errors.push("returnsDueOn", "Enter the date the returns are due by");
        }
        if errors.report_found() {
            return;
        }
        let variables = api::ask_for_returns::Variables {
            review_id: review_id.get_value(),
            version,
            due_on: Some(due.clone()),
        };
        spawn_local(async move {
            match api::send::<api::AskForReturns>(variables).await {
                Ok(_) => {
                    notice.set(Some(format!(
                        "The member agencies are asked for their chronology returns by {}. Their staff will see it on their home page.",
                        format_date(&due)
                    )));
                    resource.refetch();
                }
                Err(e) => errors.show(e, |f| {
                    if f == "dueOn" {
                        ("returnsDueOn".into(), "Returns due by".into())
                    } else {
                        (field_id(f), f.to_string())
                    }
                }),
            }
        });
    };
    let heading = if due_on.is_some() {
        "Change the date returns are due by"
    } else {
        "Ask for the agencies' chronology returns"
    };
    view! {
        <form on:submit=submit novalidate=true class="row-card">
            <h3>{heading}</h3>
            <ErrorSummary errors=errors />
            <DateInput id="returnsDueOn" label="Returns due by" value=on errors=errors />
            <button type="submit" class="button">"Ask for returns by this date"</button>
        </form>
    }
}

/// The business office records that the review was completed or published.
#[component]
fn EventForm(
    review_id: String,
    events: Vec<ReviewEvent>,
    resource: ReviewResource,
    notice: RwSignal<Option<String>>,
) -> impl IntoView {
    let event = RwSignal::new(String::new());
    let on = RwSignal::new(String::new());
    let errors = FormErrors::new();
    let review_id = StoredValue::new(review_id);
    let options = events
        .iter()
        .map(|e| {
            let text = if *e == ReviewEvent::Completed {
                "Completed"
            } else {
                "Published"
            };
            (e.code().to_string(), text.to_string())
        })
        .collect::<Vec<_>>();
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        errors.clear();
        notice.set(None);
        if event.with_untracked(String::is_empty) {
            errors.push(
                "event",
                "Select whether the review was completed or published",
            );
        }
        if on.with_untracked(String::is_empty) {
            errors.push("eventOn", "Enter the date");
        }
        if errors.report_found() {
            return;
        }
        let code = event.get_untracked();
        let happened_on = format_date(&on.get_untracked());
        let variables = api::record_review_event::Variables {
            review_id: review_id.get_value(),
            event: enum_from(&code),
            on: on.get_untracked(),
        };
        spawn_local(async move {
            match api::send::<api::RecordReviewEvent>(variables).await {
                Ok(_) => {
                    notice.set(Some(if code == "COMPLETED" {
                        format!("Completion recorded. The review was completed on {happened_on}.")
                    } else {
                        format!("Publication recorded. The review was published on {happened_on}.")
                    }));
                    resource.refetch();
                }
                Err(e) => errors.show(e, |f| {
                    if f == "on" {
                        ("eventOn".into(), "Date".into())
                    } else {
                        (field_id(f), f.to_string())
                    }
                }),
            }
        });
    };
    view! {
        <form on:submit=submit novalidate=true class="row-card">
            <h3>"Record completed or published"</h3>
            <ErrorSummary errors=errors />
            <RadioGroup id="event" legend="What happened" options=options value=event errors=errors />
            <DateInput id="eventOn" label="Date" value=on errors=errors />
            <button type="submit" class="button">"Record"</button>
        </form>
    }
}

/// The business office sets or lifts the review's legal hold, with a reason either way.
#[component]
fn HoldForm(review_id: String, held: bool, resource: ReviewResource) -> impl IntoView {
    let reason = RwSignal::new(String::new());
    let errors = FormErrors::new();
    let review_id = StoredValue::new(review_id);
    let pending = RwSignal::new(false);
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        errors.clear();
        if reason.with_untracked(|r| r.trim().is_empty()) {
            errors.push(
                "holdReason",
                if held {
                    "Enter why the hold is lifted"
                } else {
                    "Enter why the review is held"
                },
            );
        }
        if errors.report_found() {
            return;
        }
        pending.set(true);
        let (id, text) = (review_id.get_value(), reason.get_untracked());
        spawn_local(async move {
            let result = if held {
                api::send::<api::LiftLegalHold>(api::lift_legal_hold::Variables {
                    review_id: id,
                    reason: text,
                })
                .await
            } else {
                api::send::<api::SetLegalHold>(api::set_legal_hold::Variables {
                    review_id: id,
                    reason: text,
                })
                .await
            };
            pending.set(false);
            match result {
                Ok(_) => resource.refetch(),
                Err(e) => errors.show(e, |f| {
                    if f == "reason" {
                        ("holdReason".into(), "Reason".into())
                    } else {
                        (field_id(f), f.to_string())
                    }
                }),
            }
        });
    };
    let (heading, label, hint, button) = if held {
        (
            "Lift the legal hold",
            "Why the hold is lifted",
            "Recorded with your name and the time. Once lifted, retention applies again.",
            "Lift the legal hold",
        )
    } else {
        (
            "Place a legal hold",
            "Why the review is held",
            "For example an inquest, a civil claim or a police investigation. Recorded with your name and the time; nothing under the review is deleted until the hold is lifted.",
            "Place a legal hold",
        )
    };
    view! {
        <form on:submit=submit novalidate=true class="row-card">
            <h3>{heading}</h3>
            <ErrorSummary errors=errors />
            <TextArea id="holdReason" label=label hint=hint value=reason errors=errors rows=3 />
            <button type="submit" class="button" disabled=move || pending.get()>{button}</button>
        </form>
    }
}
