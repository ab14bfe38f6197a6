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
use shared::chronology::access;
use shared::reviews::ReviewRole;

pub use integrated::Integrated;

/// What every part of the page shares: the review, who is looking and the loaded data
/// (reloaded after each change, without rebuilding the forms).
#[derive(Clone, Copy)]
pub struct Ctx {
    pub review_id: StoredValue<String>,
    pub own: RwSignal<Option<q::Return>>,
    pub returns: RwSignal<Vec<q::Return>>,
    /// The date the business office asked for the returns by.
    pub returns_due: RwSignal<Option<String>>,
    pub integrated: RwSignal<Option<Integrated>>,
    /// Business office.
    pub office: bool,
    /// Collates (`shared::chronology::access::collates`: the business office or a lead
    /// reviewer of this review): decides duplicates, annotates.
    pub reviewer: bool,
    /// Sees every agency's return (`access::sees_all_returns`: business office, chair, lead
    /// reviewer).
    pub oversees: bool,
    pub agency_id: StoredValue<Option<String>>,
    /// Show the integrated chronology with the glossary's replacements.
    pub anonymised: RwSignal<bool>,
    /// A multi-agency case audit's cases (id, label): each has its own integrated
    /// chronology, and every entry names one. Empty for a case review.
    pub cases: StoredValue<Vec<(String, String)>>,
    /// Of those, the ones naming the person's agency as involved: the cases its entries may
    /// be about.
    pub own_cases: StoredValue<Vec<(String, String)>>,
    /// The case whose integrated chronology is shown (`None`: entries that name none).
    pub case: RwSignal<Option<String>>,
    /// Who else has the chronology open.
    pub viewers: RwSignal<Vec<Viewer>>,
    /// Live changes waiting to be read (see [`Ctx::refresh`]).
    wanted: StoredValue<Wanted>,
    /// Moves on with every load, so a load overtaken by a newer one stops.
    generation: StoredValue<u32>,
}

/// The entries the first read of the integrated chronology asks for (a few screenfuls, so
/// the page shows quickly); the rest follow in windows of [`WINDOW`].
pub const FIRST: i64 = 400;
const WINDOW: i64 = 2_500;

/// What live changes asked to be read again while a read was running.
#[derive(Clone, Copy, Default)]
struct Wanted {
    running: bool,
    everything: bool,
    annotations: bool,
}

/// Someone with the review's chronology open.
#[derive(Debug, Clone, PartialEq)]
pub struct Viewer {
    pub user_id: String,
    pub name: String,
    pub agency_prefix: Option<String>,
}

impl Ctx {
    /// Shows a loaded review, then reads the rest of its integrated chronology's entries.
    fn apply(self, review: q::Review) {
        let generation = self.next_generation();
        if let Some(rest) = self.show(review) {
            spawn_local(self.read_rest(generation, rest));
        }
    }

    /// The label of the audit case `id` names ("Case 3: Child D, aged 4"), while it is in the
    /// sample.
    pub fn case_label(self, id: &str) -> Option<String> {
        self.cases
            .with_value(|c| c.iter().find(|(c, _)| c == id).map(|(_, l)| l.clone()))
    }

    fn next_generation(self) -> u32 {
        self.generation.update_value(|g| *g = g.wrapping_add(1));
        self.generation.get_value()
    }

    /// Shows `review`; answers its integrated chronology when entries past its first window
    /// are still to be read. The first load (and the first of another audit case) shows the
    /// first window at once; a reload keeps showing what it had until the rest is read (the
    /// table does not shrink and grow).
    fn show(self, mut review: q::Review) -> Option<(q::IntegratedData, bool)> {
        let raw = review.integrated_chronology.take();
        self.own.set(review.my_chronology_return);
        self.returns.set(review.chronology_returns);
        self.returns_due.set(review.returns_due_on);
        let Some(raw) = raw else {
            self.integrated.set(None);
            return None;
        };
        // The first load, or another audit case: show its first window at once rather than
        // the previous case's table until the rest is read.
        let progressive = self
            .integrated
            .with_untracked(|d| d.as_ref().is_none_or(|d| d.raw.case_id != raw.case_id));
        let complete = raw.holds_all();
        if complete || progressive {
            self.integrated.set(Some(Integrated::new(raw.clone())));
        }
        (!complete).then_some((raw, progressive))
    }

    /// Reads the entries past the first window, in windows of [`WINDOW`]; each shows as it
    /// comes when `progressive`, else all at the end. Stops when a newer load started.
    async fn read_rest(self, generation: u32, (mut raw, progressive): (q::IntegratedData, bool)) {
        loop {
            let variables = q::WindowVariables {
                id: self.review_id.get_value(),
                anonymised: self.anonymised.get_untracked(),
                offset: i64::try_from(raw.entries.len()).unwrap_or(i64::MAX),
                limit: WINDOW,
                case: self.case.get_untracked(),
            };
            let window = api::call::<q::IntegratedEntries>(variables).await;
            if self.generation.get_value() != generation {
                return;
            }
            match window {
                Ok(w) if !w.entries.is_empty() && w.entry_count == raw.entry_count => {
                    raw.entries.extend(w.entries);
                    let read = i64::try_from(raw.entries.len()).unwrap_or(i64::MAX);
                    if read >= raw.entry_count {
                        break;
                    }
                    if progressive {
                        self.integrated.set(Some(Integrated::new(raw.clone())));
                    }
                }
                // The chronology changed meanwhile (its live change reloads it), or the
                // read failed: show what was read; the count says how much that is.
                _ => break,
            }
        }
        self.integrated.set(Some(Integrated::new(raw)));
    }

    /// Loads the chronology again (after a change): only the integrated chronology's entries
    /// that changed when the server still knows the version shown, else all of them.
    pub async fn reload(self) {
        let generation = self.next_generation();
        if self.patch(generation).await {
            return;
        }
        let variables = q::Variables {
            id: self.review_id.get_value(),
            anonymised: self.anonymised.get_untracked(),
            first: Some(FIRST),
            case: self.case.get_untracked(),
        };
        let mut answer = api::call::<Chronology>(variables.clone()).await;
        if answer.is_err() && variables.case.is_some() {
            // The case shown was taken out of the sample: show the entries naming none.
            self.case.set(None);
            answer = api::call::<Chronology>(q::Variables {
                case: None,
                ..variables
            })
            .await;
        }
        if let Ok(d) = answer {
            if self.generation.get_value() == generation {
                if let Some(rest) = self.show(d.review) {
                    self.read_rest(generation, rest).await;
                }
            }
        }
    }

    /// Reads what changed since the version of the integrated chronology shown, and shows it
    /// patched; false when it cannot be (nothing complete shown, another case, or a version
    /// the server no longer knows), so the caller reads everything.
    async fn patch(self, generation: u32) -> bool {
        let case = self.case.get_untracked();
        let shown = |d: &Option<Integrated>| {
            d.as_ref()
                .filter(|d| !d.raw.version.is_empty() && d.raw.case_id == case && d.raw.holds_all())
                .map(|d| d.raw.version.clone())
        };
        let Some(since) = self.integrated.with_untracked(shown) else {
            return false;
        };
        let variables = q::ChangesVariables {
            id: self.review_id.get_value(),
            anonymised: self.anonymised.get_untracked(),
            case: case.clone(),
            since: since.clone(),
        };
        let Ok(q::ChangesData {
            mut review,
            changes,
        }) = api::call::<q::IntegratedChanges>(variables).await
        else {
            return false;
        };
        if self.generation.get_value() != generation {
            // A newer load took over.
            return true;
        }
        let (Some(changes), Some(mut raw)) = (changes, review.integrated_chronology.take()) else {
            return false;
        };
        let applied = self.integrated.with_untracked(|d| {
            d.as_ref()
                .filter(|d| d.raw.version == since)
                .map(|d| changes.apply(&d.raw, &mut raw))
                .is_some()
        });
        if !applied || !raw.holds_all() {
            return false;
        }
        review.integrated_chronology = Some(raw);
        self.show(review);
        true
    }

    /// Reads the annotations again (after one was added or answered): nothing else of the
    /// chronology changed.
    pub async fn reload_annotations(self) {
        let generation = self.generation.get_value();
        let variables = q::AnnotationsVariables {
            id: self.review_id.get_value(),
            anonymised: self.anonymised.get_untracked(),
            case: self.case.get_untracked(),
        };
        if let Ok(q::Annotations(list)) = api::call::<q::IntegratedAnnotations>(variables).await {
            if self.generation.get_value() == generation {
                self.integrated
                    .update(|d| *d = d.take().map(|d| d.with_annotations(list)));
            }
        }
    }

    /// Reads what a live change of `kind` touched: the annotations alone after an
    /// annotation, else everything. Changes arriving while a read runs cause one more read
    /// (of the larger kind), not one each.
    pub fn refresh(self, kind: &str) {
        let annotation = kind == "ANNOTATION";
        let mut wanted = self.wanted.get_value();
        if annotation {
            wanted.annotations = true;
        } else {
            wanted.everything = true;
        }
        let start = !wanted.running;
        wanted.running = true;
        self.wanted.set_value(wanted);
        if !start {
            return;
        }
        spawn_local(async move {
            loop {
                let wanted = self.wanted.get_value();
                self.wanted.set_value(Wanted {
                    running: true,
                    ..Wanted::default()
                });
                if wanted.everything {
                    self.reload().await;
                } else if wanted.annotations {
                    self.reload_annotations().await;
                } else {
                    self.wanted.set_value(Wanted::default());
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
    // An audit's case, when a link names it (`?case=`); else its first case.
    let query = leptos_router::hooks::use_query_map();
    let case = query.with_untracked(|q| q.get("case"));
    let data = LocalResource::new(move || {
        let id = id.get();
        let case = case.clone();
        let variables = move |case| q::Variables {
            id: id.clone(),
            anonymised: false,
            first: Some(FIRST),
            case,
        };
        async move {
            match api::call::<Chronology>(variables(case.clone())).await {
                // A link to a case no longer in the sample: the chronology without it.
                Err(_) if case.is_some() => api::call::<Chronology>(variables(None)).await,
                answer => answer,
            }
        }
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
    // The person's place in the review, read by the same rules the server applies.
    let membership = review
        .members
        .iter()
        .find(|m| Some(&m.user_id) == me_id.as_ref())
        .and_then(|m| ReviewRole::from_code(&m.role));
    let actor = session.actor();
    let may = |rule: fn(&shared::auth::Actor, Option<ReviewRole>) -> bool| {
        actor.as_ref().is_some_and(|a| rule(a, membership))
    };
    let office = session.is_office();
    let my_agency = me.as_ref().and_then(|m| m.agency_id.clone());
    let ctx = Ctx {
        review_id: StoredValue::new(review.id.clone()),
        own: RwSignal::new(None),
        returns: RwSignal::new(Vec::new()),
        returns_due: RwSignal::new(None),
        integrated: RwSignal::new(None),
        office,
        reviewer: may(access::collates),
        oversees: may(access::sees_all_returns),
        agency_id: StoredValue::new(my_agency.clone()),
        anonymised: RwSignal::new(false),
        cases: StoredValue::new(
            review
                .audit_cases
                .iter()
                .map(|c| (c.id.clone(), c.label.clone()))
                .collect(),
        ),
        own_cases: StoredValue::new(
            review
                .audit_cases
                .iter()
                .filter(|c| my_agency.as_ref().is_some_and(|a| c.agency_ids.contains(a)))
                .map(|c| (c.id.clone(), c.label.clone()))
                .collect(),
        ),
        case: RwSignal::new(
            review
                .integrated_chronology
                .as_ref()
                .and_then(|c| c.case_id.clone()),
        ),
        viewers: RwSignal::new(Vec::new()),
        wanted: StoredValue::new(Wanted::default()),
        generation: StoredValue::new(0),
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
        other => ctx.refresh(other),
    });
    // Dropped (closing the connection) when the page goes.
    StoredValue::new_local(live);
    spawn_local(ctx.load_viewers());
    // An audit opens on its first case, unless a case was asked for or some entries name
    // no case (written before the audit's entries named their cases).
    let first_case = review.audit_cases.first().map(|c| c.id.clone());
    let opens_on_a_case = ctx.case.get_untracked().is_some()
        || review
            .integrated_chronology
            .as_ref()
            .is_none_or(|c| c.entry_count > 0)
        || first_case.is_none();
    ctx.apply(review);
    if !opens_on_a_case {
        ctx.case.set(first_case);
        spawn_local(ctx.reload());
    }
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
