//! A review's chronology: the caller's agency return, every agency's return (for those who
//! collate or review), and the integrated chronology.

mod anonymisation;
mod entry;
mod glossary;
mod history;
mod import;
mod integrated;
mod own;
mod print;
mod timeline;

pub use print::PrintPage;

use crate::api::{self, chronology as q, Chronology};
use crate::components::{format_date, set_title, AgencyPrefix, DataTable};
use crate::pages::{loaded_heading, route_id, states};
use crate::session::use_session;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::auth::Role;
use shared::reviews::ReviewRole;

pub use integrated::Integrated;

/// What every part of the page shares: the review, who is looking and the loaded data
/// (reloaded after each change, without rebuilding the forms).
#[derive(Clone, Copy)]
pub struct Ctx {
    pub review_id: StoredValue<String>,
    pub own: RwSignal<Option<q::Return>>,
    pub returns: RwSignal<Vec<q::Return>>,
    pub integrated: RwSignal<Option<Integrated>>,
    /// Business office.
    pub office: bool,
    /// Business office or a lead reviewer of this review: decides duplicates, annotates.
    pub reviewer: bool,
    /// Sees every agency's return: business office, chair, lead reviewer.
    pub oversees: bool,
    pub agency_id: StoredValue<Option<String>>,
    /// Show the integrated chronology with the glossary's replacements.
    pub anonymised: RwSignal<bool>,
    /// Who else has the chronology open.
    pub viewers: RwSignal<Vec<Viewer>>,
    /// 0: no reload running; 1: one running; 2: one running and another wanted.
    reloading: StoredValue<u8>,
}

/// Someone with the review's chronology open.
#[derive(Debug, Clone, PartialEq)]
pub struct Viewer {
    pub user_id: String,
    pub name: String,
    pub agency_prefix: Option<String>,
}

impl Ctx {
    fn apply(&self, review: q::Review) {
        self.own.set(review.my_chronology_return);
        self.returns.set(review.chronology_returns);
        self.integrated
            .set(review.integrated_chronology.map(Integrated::new));
    }

    /// Loads the chronology again (after a change).
    pub async fn reload(self) {
        let variables = q::Variables {
            id: self.review_id.get_value(),
            anonymised: self.anonymised.get_untracked(),
        };
        if let Ok(d) = api::call::<Chronology>(variables).await {
            self.apply(d.review);
        }
    }

    /// Reloads after a live change: changes arriving while a reload runs cause one more
    /// reload, not one each.
    pub fn refresh(self) {
        if self.reloading.get_value() > 0 {
            self.reloading.set_value(2);
            return;
        }
        self.reloading.set_value(1);
        spawn_local(async move {
            loop {
                self.reload().await;
                if self.reloading.get_value() == 2 {
                    self.reloading.set_value(1);
                } else {
                    self.reloading.set_value(0);
                    break;
                }
            }
        });
    }

    /// Loads who has the chronology open.
    pub async fn load_viewers(self) {
        let variables = api::chronology_viewers::Variables {
            id: self.review_id.get_value(),
        };
        if let Ok(d) = api::send::<api::ChronologyViewers>(variables).await {
            let list = d["review"]["viewers"]
                .as_array()
                .map(|l| {
                    l.iter()
                        .map(|v| Viewer {
                            user_id: v["userId"].as_str().unwrap_or_default().into(),
                            name: v["name"].as_str().unwrap_or_default().into(),
                            agency_prefix: v["agencyPrefix"].as_str().map(Into::into),
                        })
                        .collect()
                })
                .unwrap_or_default();
            self.viewers.set(list);
        }
    }
}

pub fn use_ctx() -> Ctx {
    expect_context::<Ctx>()
}

#[component]
pub fn ChronologyPage() -> impl IntoView {
    set_title("Chronology");
    let id = route_id();
    let data = LocalResource::new(move || {
        let id = id.get();
        api::call::<Chronology>(q::Variables {
            id,
            anonymised: false,
        })
    });
    let heading = loaded_heading(data, "Chronology", |d| {
        format!("Chronology: {}", d.review.reference)
    });
    Effect::new(move |_| {
        if let Some(Ok(d)) = data.get() {
            set_title(&format!("Chronology {}", d.review.reference));
        }
    });
    view! {
        <h1 tabindex="-1">{heading}</h1>
        {move || states(data.get(), |d| view! { <Body review=d.review /> })}
    }
}

#[component]
fn Body(review: q::Review) -> impl IntoView {
    let session = use_session();
    let me = session.me.get_untracked();
    let me_id = me.as_ref().map(|m| m.id.clone());
    let lead = review
        .members
        .iter()
        .any(|m| Some(&m.user_id) == me_id.as_ref() && m.role == ReviewRole::LeadReviewer.code());
    let office = session.is_office();
    let ctx = Ctx {
        review_id: StoredValue::new(review.id.clone()),
        own: RwSignal::new(None),
        returns: RwSignal::new(Vec::new()),
        integrated: RwSignal::new(None),
        office,
        reviewer: office || lead,
        oversees: office || lead || session.has(Role::IndependentChair),
        agency_id: StoredValue::new(me.and_then(|m| m.agency_id)),
        anonymised: RwSignal::new(false),
        viewers: RwSignal::new(Vec::new()),
        reloading: StoredValue::new(0),
    };
    let back = format!("/reviews/{}", review.id);
    let caption = review.subject.clone();
    // Live: re-read on every change of the review; who is here on arrivals and departures.
    use graphql_client::GraphQLQuery;
    let body = api::ReviewChanged::build_query(api::review_changed::Variables {
        review_id: review.id.clone(),
    });
    let body = serde_json::to_value(body).unwrap_or_default();
    let live = crate::live::watch(body, "reviewChanged", move |kind| match kind.as_str() {
        "PRESENCE" => spawn_local(ctx.load_viewers()),
        "GLOSSARY" if !ctx.anonymised.get_untracked() => {}
        // The learning summary is not on this page.
        "LEARNING_SUMMARY" => {}
        _ => ctx.refresh(),
    });
    // Dropped (closing the connection) when the page goes.
    StoredValue::new_local(live);
    spawn_local(ctx.load_viewers());
    ctx.apply(review);
    provide_context(ctx);
    let nothing = move || {
        ctx.own.with(Option::is_none) && ctx.integrated.with(Option::is_none) && !ctx.oversees
    };
    view! {
        <p class="caption">{caption}</p>
        <p>
            <a href=back>"Back to the review"</a>
        </p>
        <Viewers me=me_id.clone() />
        <Show when=nothing>
            <p>"There is nothing in this review's chronology you can see yet."</p>
        </Show>
        <own::OwnReturn />
        <Show when=move || ctx.oversees>
            <Returns />
        </Show>
        <integrated::IntegratedSection />
    }
}

/// Who else has the chronology open (from live presence).
#[component]
fn Viewers(me: Option<String>) -> impl IntoView {
    let ctx = use_ctx();
    let others = move || {
        ctx.viewers.with(|list| {
            list.iter()
                .filter(|v| Some(&v.user_id) != me.as_ref())
                .map(|v| match &v.agency_prefix {
                    Some(p) => format!("{} ({p})", v.name),
                    None => v.name.clone(),
                })
                .collect::<Vec<_>>()
        })
    };
    view! {
        <p class="viewers" id="viewers">
            {move || {
                let others = others();
                if others.is_empty() {
                    "Nobody else has this chronology open.".to_string()
                } else {
                    format!("Also here now: {}.", others.join(", "))
                }
            }}
        </p>
    }
}

/// A return's status as a tag with its word.
#[component]
pub fn ReturnTag(#[prop(into)] code: String) -> impl IntoView {
    let (class, label) = match code.as_str() {
        "SUBMITTED" => ("tag tag-met", "Submitted"),
        "REOPENED" => ("tag tag-due", "Reopened"),
        _ => ("tag tag-awaiting", "Draft"),
    };
    view! { <strong class=class>{label}</strong> }
}

/// A polite live region for what a change did.
#[component]
pub fn Notice(text: RwSignal<Option<String>>) -> impl IntoView {
    view! {
        <div role="status" aria-live="polite">
            {move || text.get().map(|t| view! { <p class="notice notice-success">{t}</p> })}
        </div>
    }
}

/// Every agency's return: for the business office, the chair and lead reviewers.
#[component]
fn Returns() -> impl IntoView {
    let ctx = use_ctx();
    let notice = RwSignal::new(None::<String>);
    let reopen = move |id: String, prefix: String| {
        spawn_local(async move {
            let variables = api::reopen_chronology_return::Variables { return_id: id };
            match api::send::<api::ReopenChronologyReturn>(variables).await {
                Ok(_) => {
                    ctx.reload().await;
                    notice.set(Some(format!("The {prefix} return has been reopened.")));
                }
                Err(e) => notice.set(Some(e.explain())),
            }
        });
    };
    let columns: &'static [&'static str] = if ctx.office {
        &["Agency", "Status", "Entries", "Submitted", "Action"]
    } else {
        &["Agency", "Status", "Entries", "Submitted"]
    };
    view! {
        <h2>"Agency returns"</h2>
        <Notice text=notice />
        {move || {
            let rows = ctx.returns.get();
            if rows.is_empty() {
                return view! { <p>"No agency has started a return yet."</p> }.into_any();
            }
            view! {
                <DataTable caption="Returns from member agencies" columns=columns focusable=true>
                    {rows
                        .into_iter()
                        .map(|r| {
                            let status = r.status.clone();
                            let submitted = status == "SUBMITTED";
                            let prefix = r.agency.prefix.clone();
                            let id = r.id.clone();
                            view! {
                                <tr>
                                    <th scope="row">
                                        <AgencyPrefix prefix=r.agency.prefix.clone() colour=r.agency.colour.clone() />
                                        " "
                                        {r.agency.name.clone()}
                                    </th>
                                    <td>
                                        <ReturnTag code=status />
                                    </td>
                                    <td class="numeric">{r.entry_count}</td>
                                    <td>{r.submitted_at.as_deref().map_or("—".to_string(), format_date)}</td>
                                    {ctx
                                        .office
                                        .then(|| {
                                            view! {
                                                <td>
                                                    {submitted
                                                        .then(|| {
                                                            view! {
                                                                <button
                                                                    type="button"
                                                                    class="button button-secondary button-small"
                                                                    on:click=move |_| reopen(id.clone(), prefix.clone())
                                                                >
                                                                    "Reopen"
                                                                    <span class="visually-hidden">{format!(" the {} return", r.agency.prefix)}</span>
                                                                </button>
                                                            }
                                                        })}
                                                </td>
                                            }
                                        })}
                                </tr>
                            }
                        })
                        .collect_view()}
                </DataTable>
            }
                .into_any()
        }}
    }
}
