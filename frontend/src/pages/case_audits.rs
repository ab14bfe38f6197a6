//! Multi-agency case audits: the year's programme of themes and the audit pool (kept by the
//! business office), and one audit: its theme and auditors, its pseudonymised sample, each
//! agency's grades of the cases it was involved in, the heatmap of submitted grades and the
//! comparison with the theme's earlier audit.

use crate::api::{self, code_of};
use crate::components::{
    field_id, format_date, set_title, CheckboxGroup, DataTable, DateInput, Drafts, ErrorSummary,
    FormSubmit, SelectField, TextArea, TextField,
};
use crate::pages::chronology::Notice;
use crate::pages::{route_id, states};
use crate::session::use_session;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::case_audits::{GradeTone, Movement};

type Programme = api::audit_programme::ResponseData;
type Theme = api::audit_programme::AuditProgrammeAuditProgramme;
type Detail = api::case_audit_detail::ResponseData;
type Audit = api::case_audit_detail::CaseAuditDetailCaseAudit;
type Tool = api::case_audit_detail::CaseAuditDetailAuditTool;

fn current_year() -> i64 {
    i64::from(js_sys::Date::new_0().get_full_year())
}

fn tone_class(tone: Option<GradeTone>) -> &'static str {
    match tone {
        Some(GradeTone::Good) => "tag tag-met",
        Some(GradeTone::Mixed) => "tag tag-due-soon",
        Some(GradeTone::Poor) => "tag tag-overdue",
        Some(GradeTone::NotApplicable) | None => "tag tag-awaiting",
    }
}

fn tone_of<T: serde::Serialize>(t: &Option<T>) -> Option<GradeTone> {
    t.as_ref().and_then(|t| GradeTone::from_code(&code_of(t)))
}

fn mean_text(mean: Option<f64>) -> String {
    mean.map_or("—".to_string(), |m| format!("{m:.1}"))
}

// ---------------------------------------------------------------------------------------
// The programme and the pool
// ---------------------------------------------------------------------------------------

/// A year's programme of audits, and the audit pool.
#[component]
pub fn AuditProgrammePage() -> impl IntoView {
    set_title("Multi-agency case audits");
    let session = use_session();
    // `?year=2027` opens that year's programme (a theme proposed from a hot spot links so).
    let asked = leptos_router::hooks::use_query_map()
        .with_untracked(|q| q.get("year"))
        .and_then(|y| y.parse::<i64>().ok())
        .filter(|y| (2000..=2100).contains(y));
    let year = RwSignal::new(asked.unwrap_or_else(current_year).to_string());
    let notice = RwSignal::new(None::<String>);
    let editing = RwSignal::new(None::<Theme>);
    let data = LocalResource::new(move || {
        let year = year.get().parse::<i64>().unwrap_or_else(|_| current_year());
        async move { api::call::<api::AuditProgramme>(api::audit_programme::Variables { year }).await }
    });
    let saved = move |text: String| {
        notice.set(Some(text));
        editing.set(None);
        data.refetch();
    };
    view! {
        <h1 tabindex="-1">"Multi-agency case audits"</h1>
        <p>"The Quality and Audit committee's programme: each year's themes, with their terms of reference and the question each audit must answer, and the audit pool of people from every agency who audit. An audit is a review of the kind “multi-agency case audit”: open it to set its theme, auditors and sample of cases."</p>
        <Notice text=notice />
        {move || states(data.get(), move |d: Programme| {
            let mut years: Vec<i64> = d.audit_programme_years.clone();
            let asked = year.get_untracked().parse::<i64>().unwrap_or_else(|_| current_year());
            for y in [current_year(), current_year() + 1, asked] {
                if !years.contains(&y) {
                    years.push(y);
                }
            }
            years.sort_unstable_by(|a, b| b.cmp(a));
            let options: Vec<(String, String)> = years.iter().map(|y| (y.to_string(), y.to_string())).collect();
            let shown = year.get_untracked();
            let office = session.is_office();
            view! {
                <div class="form-group">
                    <label class="label" for="programme-year">"Year"</label>
                    <select class="select" id="programme-year" on:change=move |ev| year.set(event_target_value(&ev))>
                        {options.into_iter().map(|(v, l)| {
                            let selected = v == shown;
                            view! { <option value=v selected=selected>{l}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <h2>{format!("Themes for {shown}")}</h2>
                <ThemeList themes=d.audit_programme.clone() office=office notice=notice editing=editing on_deleted=move || data.refetch() />
                {office.then(|| {
                    let year = shown.clone();
                    view! {
                        {move || {
                            let start = editing.get();
                            view! { <ThemeForm year=year.clone() start=start editing=editing on_saved=saved /> }
                        }}
                    }
                })}
                <h2>"Audit pool"</h2>
                <PoolTable pool=d.audit_pool.clone() office=office notice=notice on_changed=move || data.refetch() />
                {office.then(|| view! { <PoolForm on_saved=saved /> })}
            }
        })}
    }
}

#[component]
fn ThemeList(
    themes: Vec<Theme>,
    office: bool,
    notice: RwSignal<Option<String>>,
    editing: RwSignal<Option<Theme>>,
    on_deleted: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    if themes.is_empty() {
        return view! { <p>"No themes in this year's programme yet."</p> }.into_any();
    }
    themes
        .into_iter()
        .map(|t| {
            let audits = if t.audits.is_empty() {
                view! { <dd>"None yet"</dd> }.into_any()
            } else {
                view! {
                    <dd>
                        <ul class="list">
                            {t.audits.iter().map(|a| view! {
                                <li><a href=format!("/reviews/{}/audit", a.review_id)>{format!("{}: {}", a.reference, a.subject)}</a></li>
                            }).collect_view()}
                        </ul>
                    </dd>
                }
                .into_any()
            };
            let deletable = office && t.audits.is_empty();
            let change = t.clone();
            let (id, version, name) = (t.id.clone(), t.version, t.name.clone());
            let delete = move |_| {
                let (id, name) = (id.clone(), name.clone());
                spawn_local(async move {
                    match api::call::<api::DeleteAuditTheme>(api::delete_audit_theme::Variables { id, version }).await {
                        Ok(_) => {
                            notice.set(Some(format!("Deleted the theme “{name}”.")));
                            on_deleted();
                        }
                        Err(e) => notice.set(Some(e.explain())),
                    }
                });
            };
            view! {
                <section class="row-card" aria-label=t.name.clone()>
                    <h3>{t.name.clone()}</h3>
                    <dl class="summary-list">
                        <dt>"Planned"</dt>
                        <dd>{t.planned_for.as_deref().map_or("Not set".to_string(), format_date)}</dd>
                        <dt>"The question"</dt>
                        <dd class="justification">{t.question.clone()}</dd>
                        <dt>"Terms of reference"</dt>
                        <dd class="justification">{if t.terms_of_reference.is_empty() { "Not written yet".to_string() } else { t.terms_of_reference.clone() }}</dd>
                        <dt>"Re-audits"</dt>
                        <dd>{t.revisits.as_ref().map_or("Nothing earlier".to_string(), |r| format!("{} ({})", r.name, r.year))}</dd>
                        {t.source_indicator.as_ref().map(|i| view! {
                            <dt>"Proposed from"</dt>
                            <dd>"The performance indicator " <a href=format!("/performance/{}", i.id)>{i.name.clone()}</a> ", a hot spot"</dd>
                        })}
                        <dt>"Audits"</dt>
                        {audits}
                    </dl>
                    <div class="button-group">
                        {office.then(|| view! {
                            <crate::components::ChangeButton editing=editing item=change.clone() form_heading="theme-form-heading" what=format!("the theme {}", t.name) />
                        })}
                        {deletable.then(|| view! {
                            <button type="button" class="button button-warning" on:click=delete>
                                "Delete" <span class="visually-hidden">{format!(" the theme {}", t.name)}</span>
                            </button>
                        })}
                    </div>
                </section>
            }
        })
        .collect_view()
        .into_any()
}

fn describe_theme(field: &str) -> (String, String) {
    let label = match field {
        "name" => "Theme",
        "question" => "The question the audit must answer",
        "termsOfReference" => "Terms of reference",
        "plannedFor" => "Planned for",
        "revisitsId" => "Re-audits",
        "year" => "Year",
        other => other,
    };
    (format!("theme-{}", field_id(field)), label.to_string())
}

#[component]
fn ThemeForm(
    year: String,
    start: Option<Theme>,
    editing: RwSignal<Option<Theme>>,
    on_saved: impl Fn(String) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let form = FormSubmit::new();
    let FormSubmit { errors, pending } = form;
    let field =
        |read: fn(&Theme) -> String| RwSignal::new(start.as_ref().map(read).unwrap_or_default());
    let name = field(|t| t.name.clone());
    let question = field(|t| t.question.clone());
    let terms = field(|t| t.terms_of_reference.clone());
    let planned = field(|t| t.planned_for.clone().unwrap_or_default());
    let revisits = field(|t| {
        t.revisits
            .as_ref()
            .map(|r| r.id.clone())
            .unwrap_or_default()
    });
    let year_number = start.as_ref().map_or_else(
        || year.parse::<i64>().unwrap_or_else(|_| current_year()),
        |t| t.year,
    );
    let target = StoredValue::new(start.as_ref().map(|t| (t.id.clone(), t.version)));
    let editing_now = start.is_some();
    let heading = match &start {
        Some(t) => format!("Change the theme “{}”", t.name),
        None => format!("Add a theme to {year_number}"),
    };
    // Themes of the three years before, to re-audit.
    let earlier = LocalResource::new(move || async move {
        let mut all = Vec::new();
        for y in (year_number - 3)..year_number {
            if let Ok(d) =
                api::call::<api::EarlierThemes>(api::earlier_themes::Variables { year: y }).await
            {
                all.extend(
                    d.audit_programme
                        .into_iter()
                        .map(|t| (t.id, format!("{} ({})", t.name, t.year))),
                );
            }
        }
        all
    });
    let submit = move |ev: SubmitEvent| {
        if !form.begin(&ev) {
            return;
        }
        let label = name.get_untracked().trim().to_string();
        // Record and update each have their own generated input type, with the same fields.
        macro_rules! theme_input {
            ($op:ident) => {
                api::$op::AuditThemeInput {
                    year: year_number,
                    name: name.get_untracked(),
                    question: question.get_untracked(),
                    terms_of_reference: terms.get_untracked(),
                    planned_for: Some(planned.get_untracked()).filter(|p| !p.is_empty()),
                    revisits_id: Some(revisits.get_untracked()).filter(|r| !r.is_empty()),
                }
            };
        }
        let request = async move {
            match target.get_value() {
                None => api::call::<api::RecordAuditTheme>(api::record_audit_theme::Variables {
                    input: theme_input!(record_audit_theme),
                })
                .await
                .map(|_| ()),
                Some((id, version)) => {
                    api::call::<api::UpdateAuditTheme>(api::update_audit_theme::Variables {
                        id,
                        version,
                        input: theme_input!(update_audit_theme),
                    })
                    .await
                    .map(|_| ())
                }
            }
        };
        form.send(request, describe_theme, move |()| {
            for s in [name, question, terms, planned, revisits] {
                s.set(String::new());
            }
            on_saved(if editing_now {
                format!("Saved the theme “{label}”.")
            } else {
                format!("Added the theme “{label}”.")
            });
        });
    };
    view! {
        <form class="form" on:submit=submit novalidate aria-labelledby="theme-form-heading">
            <h3 id="theme-form-heading" tabindex="-1">{heading}</h3>
            <ErrorSummary errors=errors />
            <TextField id="theme-name" label="Theme" value=name errors=errors hint="For example: disabled children; neglect (re-audit)" />
            <TextArea id="theme-question" label="The question the audit must answer" value=question errors=errors rows=3 />
            <TextArea id="theme-terms-of-reference" label="Terms of reference" value=terms errors=errors hint="Which cases, which agencies, what period. May follow later." rows=4 />
            <DateInput id="theme-planned-for" label="Planned for" value=planned errors=errors />
            {move || {
                let options = earlier.get().unwrap_or_default();
                view! { <SelectField id="theme-revisits-id" label="Re-audits" value=revisits options=options errors=errors blank="Nothing earlier" hint="An earlier year's theme this audit revisits: its grades and actions are compared." /> }
            }}
            <div class="button-group">
                <button type="submit" class="button" disabled=move || pending.get()>
                    {if editing_now { "Save the theme" } else { "Add the theme" }}
                </button>
                {editing_now.then(|| view! {
                    <button type="button" class="button button-secondary" on:click=move |_| editing.set(None)>"Cancel"</button>
                })}
            </div>
        </form>
    }
}

type PoolMember = api::audit_programme::AuditProgrammeAuditPool;

#[component]
fn PoolTable(
    pool: Vec<PoolMember>,
    office: bool,
    notice: RwSignal<Option<String>>,
    on_changed: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    if pool.is_empty() {
        return view! { <p>"Nobody is in the audit pool yet."</p> }.into_any();
    }
    let columns: &'static [&'static str] = if office {
        &["Person", "Agency", "Audits done", "Change"]
    } else {
        &["Person", "Agency", "Audits done"]
    };
    view! {
        <DataTable caption="The audit pool" columns=columns>
            {pool.into_iter().map(|m| {
                let (user_id, name) = (m.user_id.clone(), m.name.clone());
                let remove = move |_| {
                    let (user_id, name) = (user_id.clone(), name.clone());
                    spawn_local(async move {
                        match api::call::<api::RemoveFromAuditPool>(api::remove_from_audit_pool::Variables { user_id }).await {
                            Ok(_) => {
                                notice.set(Some(format!("Took {name} out of the audit pool.")));
                                on_changed();
                            }
                            Err(e) => notice.set(Some(e.explain())),
                        }
                    });
                };
                view! {
                    <tr>
                        <th scope="row">{m.name.clone()}</th>
                        <td>{m.agency.as_ref().map(|a| a.name.clone()).unwrap_or_default()}</td>
                        <td>{m.audits_done}</td>
                        {office.then(|| view! {
                            <td>
                                <button type="button" class="button button-secondary" on:click=remove>
                                    "Remove" <span class="visually-hidden">{format!(" {} from the pool", m.name)}</span>
                                </button>
                            </td>
                        })}
                    </tr>
                }
            }).collect_view()}
        </DataTable>
    }
    .into_any()
}

#[component]
fn PoolForm(on_saved: impl Fn(String) + Copy + Send + Sync + 'static) -> impl IntoView {
    let form = FormSubmit::new();
    let FormSubmit { errors, pending } = form;
    let person = RwSignal::new(String::new());
    let people = LocalResource::new(|| async {
        api::call::<api::PoolCandidates>(api::pool_candidates::Variables)
            .await
            .map(|d| {
                d.users
                    .into_iter()
                    .filter(|u| u.active)
                    .filter_map(|u| {
                        u.agency
                            .map(|a| (u.id, format!("{} ({})", u.display_name, a.name)))
                    })
                    .collect::<Vec<_>>()
            })
    });
    let submit = move |ev: SubmitEvent| {
        if !form.begin(&ev) {
            return;
        }
        let user_id = person.get_untracked();
        if user_id.is_empty() {
            errors.push("pool-user-id", "Choose a person to add");
            errors.report_found();
            return;
        }
        form.send(
            api::call::<api::AddToAuditPool>(api::add_to_audit_pool::Variables { user_id }),
            |f| (format!("pool-{}", field_id(f)), "Person".to_string()),
            move |_| {
                person.set(String::new());
                on_saved("Added the person to the audit pool.".to_string());
            },
        );
    };
    view! {
        <form class="form" on:submit=submit novalidate>
            <h3>"Add a person to the pool"</h3>
            <ErrorSummary errors=errors />
            {move || {
                let options = people.get().and_then(Result::ok).unwrap_or_default();
                view! { <SelectField id="pool-user-id" label="Person" value=person options=options errors=errors blank="Choose a person" hint="People with an agency. They can then be chosen as auditors." /> }
            }}
            <button type="submit" class="button" disabled=move || pending.get()>"Add to the pool"</button>
        </form>
    }
}

// ---------------------------------------------------------------------------------------
// One audit
// ---------------------------------------------------------------------------------------

/// One audit: its theme and auditors, sample, grades and views.
#[component]
pub fn CaseAuditPage() -> impl IntoView {
    set_title("Case audit");
    let id = route_id();
    let notice = RwSignal::new(None::<String>);
    // Saving one form re-reads the audit and rebuilds the page; what is typed into the
    // others is kept here.
    let drafts = Drafts::new();
    let data = LocalResource::new(move || {
        let review_id = id.get();
        async move {
            api::call::<api::CaseAuditDetail>(api::case_audit_detail::Variables {
                review_id,
                year: current_year(),
            })
            .await
        }
    });
    let saved = move |text: String| {
        notice.set(Some(text));
        data.refetch();
    };
    let heading = move || match data.get() {
        Some(Ok(d)) => format!("Audit {}: {}", d.case_audit.reference, d.case_audit.subject),
        _ => "Case audit".to_string(),
    };
    view! {
        <h1 tabindex="-1">{heading}</h1>
        <p><a href=move || format!("/reviews/{}", id.get())>"Back to the review"</a>" · "<a href="/audits">"The audit programme"</a></p>
        <Notice text=notice />
        {move || states(data.get(), move |d: Detail| {
            let agencies: Vec<(String, String, String)> = d.review.agencies.iter().map(|a| (a.id.clone(), a.prefix.clone(), a.name.clone())).collect();
            let audit = d.case_audit.clone();
            let tool = d.audit_tool.clone();
            view! {
                <SetUp d=d.clone() drafts=drafts on_saved=saved />
                <Sample audit=audit.clone() agencies=agencies.clone() notice=notice drafts=drafts on_saved=saved />
                {audit.grading_agency_id.clone().map(|agency| view! { <Grading audit=audit.clone() tool=tool.clone() agency=agency drafts=drafts /> })}
                <Views audit=audit.clone() tool=tool.clone() agencies=agencies />
                {audit.heatmap.is_some().then(|| audit.theme.clone()).flatten().map(|t| view! { <AcrossTheme theme_id=t.id tool=tool.clone() /> })}
                <Meeting audit=audit.clone() drafts=drafts on_saved=saved />
                {audit.heatmap.is_some().then(|| view! { <ReportDownload review_id=audit.review_id.clone() notice=notice /> })}
            }
        })}
    }
}

#[component]
fn SetUp(
    d: Detail,
    drafts: Drafts,
    on_saved: impl Fn(String) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let a = d.case_audit.clone();
    let theme_text = a.theme.as_ref().map_or("No theme yet".to_string(), |t| {
        format!("{} ({})", t.name, t.year)
    });
    let question = a.theme.as_ref().map(|t| t.question.clone());
    let auditors = if a.auditors.is_empty() {
        "None chosen yet".to_string()
    } else {
        a.auditors
            .iter()
            .map(|x| {
                format!(
                    "{} ({})",
                    x.name,
                    x.agency
                        .as_ref()
                        .map(|g| g.prefix.clone())
                        .unwrap_or_default()
                )
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let form = a.can_set_up.then(|| {
        let form = FormSubmit::new();
        let FormSubmit { errors, pending } = form;
        let keys = [format!("{}/theme", a.review_id), format!("{}/auditors", a.review_id)];
        let theme = drafts.field(keys[0].clone(), a.theme.as_ref().map(|t| t.id.clone()).unwrap_or_default());
        let chosen = drafts.field(keys[1].clone(), a.auditors.iter().map(|x| x.user_id.clone()).collect::<Vec<_>>());
        let tracked = keys.clone();
        crate::unsaved::track(move || drafts.holds(&tracked));
        let mut themes: Vec<(String, String)> = d.audit_programme.iter().map(|t| (t.id.clone(), format!("{} ({})", t.name, t.year))).collect();
        if let Some(t) = &a.theme {
            if !themes.iter().any(|(id, _)| *id == t.id) {
                themes.insert(0, (t.id.clone(), format!("{} ({})", t.name, t.year)));
            }
        }
        let pool: Vec<(String, String)> = d.audit_pool.iter().map(|p| (p.user_id.clone(), format!("{} ({})", p.name, p.agency.as_ref().map(|g| g.prefix.clone()).unwrap_or_default()))).collect();
        let (review_id, version) = (a.review_id.clone(), a.version);
        let submit = move |ev: SubmitEvent| {
            if !form.begin(&ev) {
                return;
            }
            let theme_id = theme.get_untracked();
            if theme_id.is_empty() {
                errors.push("audit-theme-id", "Choose the theme this audit is of");
                errors.report_found();
                return;
            }
            form.send(
                api::call::<api::SetCaseAudit>(api::set_case_audit::Variables {
                    review_id: review_id.clone(),
                    version,
                    theme_id,
                    auditor_ids: chosen.get_untracked(),
                }),
                |f| {
                    let label = if f.starts_with("auditorIds") { "Auditors" } else { "Theme" };
                    let id = if f.starts_with("auditorIds") { "audit-auditor-ids".to_string() } else { format!("audit-{}", field_id(f)) };
                    (id, label.to_string())
                },
                {
                    let keys = keys.clone();
                    move |_| {
                        drafts.forget(&keys);
                        on_saved("Saved the audit's theme and auditors.".to_string());
                    }
                },
            );
        };
        view! {
            <form class="form" on:submit=submit novalidate>
                <ErrorSummary errors=errors />
                <SelectField id="audit-theme-id" label="Theme" value=theme options=themes errors=errors blank="Choose a theme" hint="From this year's programme." />
                <CheckboxGroup id="audit-auditor-ids" legend="Auditors" options=pool selected=chosen errors=errors hint="From the audit pool. Each becomes a member of the review so they can grade their agency's cases." />
                <button type="submit" class="button" disabled=move || pending.get()>"Save theme and auditors"</button>
            </form>
        }
    });
    view! {
        <h2>"Theme and auditors"</h2>
        <dl class="summary-list">
            <dt>"Theme"</dt>
            <dd>{theme_text}</dd>
            {question.map(|q| view! { <dt>"The question"</dt><dd class="justification">{q}</dd> })}
            <dt>"Auditors"</dt>
            <dd>{auditors}</dd>
        </dl>
        {form}
    }
}

fn describe_case(field: &str) -> (String, String) {
    let label = match field {
        "label" => "Case",
        "whyChosen" => "Why it was chosen",
        "agencyIds" => "Agencies involved",
        other => other,
    };
    (format!("case-{}", field_id(field)), label.to_string())
}

type Case = api::case_audit_detail::CaseAuditDetailCaseAuditCases;

#[component]
fn Sample(
    audit: Audit,
    agencies: Vec<(String, String, String)>,
    notice: RwSignal<Option<String>>,
    drafts: Drafts,
    on_saved: impl Fn(String) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let prefixes = agencies.clone();
    let prefix_of = move |id: &str| {
        prefixes
            .iter()
            .find(|(a, _, _)| a == id)
            .map_or(id.to_string(), |(_, p, _)| p.clone())
    };
    let can = audit.can_set_up;
    let editing = RwSignal::new(None::<Case>);
    let review_id = audit.review_id.clone();
    let list = if audit.cases.is_empty() {
        view! { <p>"No cases in the sample yet."</p> }.into_any()
    } else {
        audit
            .cases
            .iter()
            .map(|c| {
                let names = c.agency_ids.iter().map(|a| prefix_of(a)).collect::<Vec<_>>().join(", ");
                let (id, version, label) = (c.id.clone(), c.version, c.label.clone());
                let change = c.clone();
                let delete = move |_| {
                    let (id, label) = (id.clone(), label.clone());
                    spawn_local(async move {
                        match api::call::<api::DeleteAuditCase>(api::delete_audit_case::Variables { id, version }).await {
                            Ok(_) => on_saved(format!("Took “{label}” out of the sample, with its grades.")),
                            Err(e) => notice.set(Some(e.explain())),
                        }
                    });
                };
                view! {
                    <section class="row-card" aria-label=c.label.clone()>
                        <h3>{c.label.clone()}</h3>
                        <dl class="summary-list">
                            <dt>"Why it was chosen"</dt>
                            <dd class="justification">{c.why_chosen.clone()}</dd>
                            <dt>"Agencies involved"</dt>
                            <dd>{names}</dd>
                        </dl>
                        <p>
                            <a href=format!("/reviews/{}/chronology?case={}", review_id, c.id)>
                                "Chronology of this case"
                                <span class="visually-hidden">{format!(" ({})", c.label)}</span>
                            </a>
                        </p>
                        {can.then(|| view! {
                            <div class="button-group">
                                <crate::components::ChangeButton editing=editing item=change.clone() form_heading="case-form-heading" what=c.label.clone() />
                                <button type="button" class="button button-warning" on:click=delete>
                                    "Take out of the sample" <span class="visually-hidden">{format!(" {}", c.label)}</span>
                                </button>
                            </div>
                        })}
                    </section>
                }
            })
            .collect_view()
            .into_any()
    };
    let form = can.then(|| {
        let review_id = audit.review_id.clone();
        view! {
            {move || {
                let start = editing.get();
                view! { <CaseForm review_id=review_id.clone() agencies=agencies.clone() start=start editing=editing drafts=drafts on_saved=on_saved /> }
            }}
        }
    });
    view! {
        <h2>"Sample"</h2>
        {list}
        {form}
    }
}

#[component]
fn CaseForm(
    review_id: String,
    agencies: Vec<(String, String, String)>,
    start: Option<Case>,
    editing: RwSignal<Option<Case>>,
    drafts: Drafts,
    on_saved: impl Fn(String) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let form = FormSubmit::new();
    let FormSubmit { errors, pending } = form;
    // A new case and each case being changed keep their own unsaved text.
    let place = format!(
        "{review_id}/case/{}",
        start.as_ref().map_or("new", |c| c.id.as_str())
    );
    let keys = ["label", "why", "agencies"].map(|f| format!("{place}/{f}"));
    let label = drafts.field(
        keys[0].clone(),
        start.as_ref().map(|c| c.label.clone()).unwrap_or_default(),
    );
    let why = drafts.field(
        keys[1].clone(),
        start
            .as_ref()
            .map(|c| c.why_chosen.clone())
            .unwrap_or_default(),
    );
    let chosen = drafts.field(
        keys[2].clone(),
        start
            .as_ref()
            .map(|c| c.agency_ids.clone())
            .unwrap_or_default(),
    );
    let tracked = keys.clone();
    crate::unsaved::track(move || drafts.holds(&tracked));
    let options: Vec<(String, String)> = agencies
        .iter()
        .map(|(id, _, name)| (id.clone(), name.clone()))
        .collect();
    let target = StoredValue::new(start.as_ref().map(|c| (c.id.clone(), c.version)));
    let review_id = StoredValue::new(review_id);
    let editing_now = start.is_some();
    let heading = match &start {
        Some(c) => format!("Change “{}”", c.label),
        None => "Add a case".to_string(),
    };
    let submit = move |ev: SubmitEvent| {
        if !form.begin(&ev) {
            return;
        }
        let name = label.get_untracked().trim().to_string();
        // Record and update each have their own generated input type, with the same fields.
        macro_rules! case_input {
            ($op:ident) => {
                api::$op::AuditCaseInput {
                    label: label.get_untracked(),
                    why_chosen: why.get_untracked(),
                    agency_ids: chosen.get_untracked(),
                }
            };
        }
        let request = async move {
            match target.get_value() {
                None => api::call::<api::RecordAuditCase>(api::record_audit_case::Variables {
                    review_id: review_id.get_value(),
                    input: case_input!(record_audit_case),
                })
                .await
                .map(|_| ()),
                Some((id, version)) => {
                    api::call::<api::UpdateAuditCase>(api::update_audit_case::Variables {
                        id,
                        version,
                        input: case_input!(update_audit_case),
                    })
                    .await
                    .map(|_| ())
                }
            }
        };
        let keys = keys.clone();
        form.send(request, describe_case, move |()| {
            drafts.forget(&keys);
            label.set(String::new());
            why.set(String::new());
            chosen.set(Vec::new());
            editing.set(None);
            on_saved(if editing_now {
                format!("Saved “{name}”.")
            } else {
                format!("Added “{name}” to the sample.")
            });
        });
    };
    view! {
        <form class="form" on:submit=submit novalidate aria-labelledby="case-form-heading">
            <h3 id="case-form-heading" tabindex="-1">{heading}</h3>
            <ErrorSummary errors=errors />
            <TextField id="case-label" label="Case" value=label errors=errors hint="Pseudonymised: “Case 3: Child D, aged 4”. No names, dates of birth, NHS numbers or postcodes." />
            <TextArea id="case-why-chosen" label="Why it was chosen" value=why errors=errors rows=3 />
            <CheckboxGroup id="case-agency-ids" legend="Agencies involved" options=options selected=chosen errors=errors hint="They grade the case. An agency taken off a case loses its grades of it." />
            <div class="button-group">
                <button type="submit" class="button" disabled=move || pending.get()>
                    {if editing_now { "Save the case" } else { "Add the case" }}
                </button>
                {editing_now.then(|| view! {
                    <button type="button" class="button button-secondary" on:click=move |_| editing.set(None)>"Cancel"</button>
                })}
            </div>
        </form>
    }
}

#[component]
fn Grading(audit: Audit, tool: Tool, agency: String, drafts: Drafts) -> impl IntoView {
    let cases: Vec<_> = audit
        .cases
        .iter()
        .filter(|c| c.agency_ids.contains(&agency))
        .cloned()
        .collect();
    if cases.is_empty() {
        return view! {
            <h2>"Your agency's grades"</h2>
            <p>"No case of the sample names your agency yet."</p>
        }
        .into_any();
    }
    let grades: Vec<(String, String)> = tool
        .grades
        .iter()
        .map(|g| (g.code.clone(), g.label.clone()))
        .collect();
    view! {
        <h2>"Your agency's grades"</h2>
        <p>"Grade each question for each case your agency was involved in, with the evidence from your records. The grades are submitted with your agency's chronology return; once it is submitted they wait until the business office reopens it."</p>
        {cases.into_iter().enumerate().map(|(ci, c)| {
            let stages = tool.stages.clone();
            let grades = grades.clone();
            let given = audit.grades.clone();
            view! {
                <section class="row-card" aria-label=format!("Grades for {}", c.label)>
                    <h3>{c.label.clone()}</h3>
                    {stages.into_iter().map(|s| {
                        let case_id = c.id.clone();
                        let grades = grades.clone();
                        let given = given.clone();
                        view! {
                            <h4>{s.label.clone()}</h4>
                            {s.questions.into_iter().enumerate().map(|(qi, q)| {
                                let now = given.iter().find(|g| g.case_id == case_id && g.question_id == q.id);
                                view! {
                                    <GradeForm
                                        key=format!("c{ci}-{}-{qi}", code_of(&s.stage).to_lowercase())
                                        case_id=case_id.clone()
                                        question_id=q.id.clone()
                                        question=q.text.clone()
                                        grades=grades.clone()
                                        grade=now.map(|g| g.grade.clone()).unwrap_or_default()
                                        evidence=now.map(|g| g.evidence.clone()).unwrap_or_default()
                                        drafts=drafts
                                    />
                                }
                            }).collect_view()}
                        }
                    }).collect_view()}
                </section>
            }
        }).collect_view()}
    }
    .into_any()
}

#[component]
fn GradeForm(
    key: String,
    case_id: String,
    question_id: String,
    question: String,
    grades: Vec<(String, String)>,
    grade: String,
    evidence: String,
    drafts: Drafts,
) -> impl IntoView {
    let form = FormSubmit::new();
    let FormSubmit { errors, pending } = form;
    let saved_text = RwSignal::new(None::<String>);
    let keys = ["grade", "evidence"].map(|f| format!("{case_id}/{question_id}/{f}"));
    let grade = drafts.field(keys[0].clone(), grade);
    let evidence = drafts.field(keys[1].clone(), evidence);
    let tracked = keys.clone();
    crate::unsaved::track(move || drafts.holds(&tracked));
    let grade_id = format!("grade-{key}");
    let evidence_id = format!("evidence-{key}");
    let describe = {
        let (grade_id, evidence_id) = (grade_id.clone(), evidence_id.clone());
        move |f: &str| {
            if f == "evidence" {
                (evidence_id.clone(), "Evidence".to_string())
            } else {
                (grade_id.clone(), "Grade".to_string())
            }
        }
    };
    let labels = grades.clone();
    let submit = move |ev: SubmitEvent| {
        if !form.begin(&ev) {
            return;
        }
        saved_text.set(None);
        let code = grade.get_untracked();
        let shown = labels
            .iter()
            .find(|(c, _)| *c == code)
            .map_or("not graded".to_string(), |(_, l)| l.to_lowercase());
        form.send(
            api::call::<api::SaveAuditGrade>(api::save_audit_grade::Variables {
                case_id: case_id.clone(),
                question_id: question_id.clone(),
                grade: Some(code).filter(|c| !c.is_empty()),
                evidence: evidence.get_untracked(),
            }),
            describe.clone(),
            {
                let keys = keys.clone();
                move |_| {
                    drafts.forget(&keys);
                    saved_text.set(Some(format!("Saved: {shown}.")));
                }
            },
        );
    };
    view! {
        <form class="form grade-form" on:submit=submit novalidate>
            <p class="label">{question.clone()}</p>
            <ErrorSummary errors=errors />
            <SelectField id=grade_id label=format!("Grade: {question}") value=grade options=grades errors=errors blank="Not graded" />
            <TextArea id=evidence_id label=format!("Evidence: {question}") value=evidence errors=errors rows=2 />
            <button type="submit" class="button button-secondary" disabled=move || pending.get()>
                "Save grade" <span class="visually-hidden">{format!(" for {question}")}</span>
            </button>
            <p role="status" class="hint">{move || saved_text.get()}</p>
        </form>
    }
}

#[component]
fn Views(audit: Audit, tool: Tool, agencies: Vec<(String, String, String)>) -> impl IntoView {
    let questions: Vec<(String, String)> = tool
        .stages
        .iter()
        .flat_map(|s| s.questions.iter().map(|q| (q.id.clone(), q.text.clone())))
        .collect();
    let prefix_of = {
        let agencies = agencies.clone();
        move |id: &str| {
            agencies
                .iter()
                .find(|(a, _, _)| a == id)
                .map_or(id.to_string(), |(_, p, _)| p.clone())
        }
    };
    let text_of = {
        let questions = questions.clone();
        move |id: &str| {
            questions
                .iter()
                .find(|(q, _)| q == id)
                .map_or(id.to_string(), |(_, t)| t.clone())
        }
    };
    let heat = audit.heatmap.clone().map(|h| {
        let submitted = h.submitted_agency_ids.iter().map(|a| prefix_of(a)).collect::<Vec<_>>();
        let head = agencies.iter().map(|(_, p, _)| view! { <th scope="col">{p.clone()}</th> }).collect_view();
        let rows = questions.iter().map(|(qid, text)| {
            let cells = agencies.iter().map(|(aid, _, _)| {
                let cell = h.cells.iter().find(|c| c.question_id == *qid && c.agency_id == *aid);
                match cell {
                    Some(c) => {
                        let tone = tone_of(&c.cell.tone);
                        let label = tone.map_or("Not applicable", |t| match t {
                            GradeTone::Good => "Good",
                            GradeTone::Mixed => "Requires improvement",
                            GradeTone::Poor => "Inadequate",
                            GradeTone::NotApplicable => "Not applicable",
                        });
                        view! {
                            <td>
                                <strong class=tone_class(tone)>{label}</strong>
                                <span class="hint">{format!(" {} {}, mean {}", c.cell.cases, if c.cell.cases == 1 { "case" } else { "cases" }, mean_text(c.cell.mean))}</span>
                            </td>
                        }
                        .into_any()
                    }
                    None => view! { <td><span class="hint">"Not graded"</span></td> }.into_any(),
                }
            }).collect_view();
            view! { <tr><th scope="row">{text.clone()}</th>{cells}</tr> }
        }).collect_view();
        view! {
            <h2>"Grades by question and agency"</h2>
            <p>{if submitted.is_empty() { "No agency has submitted its return yet: grades count once submitted.".to_string() } else { format!("From the submitted returns of {}. Mean of the graded cases: good 2, requires improvement 1, inadequate 0.", submitted.join(", ")) }}</p>
            <div class="table-wrap" tabindex="0" role="region" aria-label="Grades by question and agency">
                <table class="s11-heatmap">
                    <caption>"Grades by question and agency"</caption>
                    <thead><tr><th scope="col">"Question"</th>{head}</tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        }
    });
    let re = audit.re_audit.clone().map(|r| {
        let rows = r.rows.iter().map(|row| {
            let movement = Movement::from_code(&code_of(&row.movement)).map_or("", |m| m.label());
            view! {
                <tr>
                    <th scope="row">{text_of(&row.question_id)}</th>
                    <td>{prefix_of(&row.agency_id)}</td>
                    <td>{mean_text(row.then.as_ref().and_then(|c| c.mean))}</td>
                    <td>{mean_text(row.now.as_ref().and_then(|c| c.mean))}</td>
                    <td>{movement}</td>
                </tr>
            }
        }).collect_view();
        let actions = if r.actions.is_empty() {
            view! { <p>"The earlier audit has no actions."</p> }.into_any()
        } else {
            view! {
                <DataTable caption="The earlier audit's actions" columns=&["Action", "Status", "Target date"]>
                    {r.actions.iter().map(|a| view! {
                        <tr>
                            <th scope="row"><a href=format!("/actions/{}", a.id)>{format!("{} {}", a.reference, a.title)}</a></th>
                            <td>{shared::actions::ActionStatus::from_code(&code_of(&a.status)).map_or("", |s| s.label())}</td>
                            <td>{format_date(&a.target_on)}</td>
                        </tr>
                    }).collect_view()}
                </DataTable>
            }
            .into_any()
        };
        view! {
            <h2>"Re-audit"</h2>
            <p>
                {format!("Compared with the audit of “{}” ({}): ", r.earlier_theme.name, r.earlier_theme.year)}
                <a href=format!("/reviews/{}/audit", r.earlier.review_id)>{r.earlier.reference.clone()}</a>
                ". Mean grades then and now; a movement needs a third of a grade either way."
            </p>
            <DataTable caption="Then and now, by question and agency" columns=&["Question", "Agency", "Then", "Now", "Movement"]>
                {rows}
            </DataTable>
            {actions}
        }
    });
    view! { {heat} {re} }
}

fn describe_meeting(field: &str) -> (String, String) {
    let label = match field {
        "heldOn" => "Held on",
        "attendees" => "Attended by",
        "summaryOfLearning" => "Summary of learning",
        "processComments" => "Comments on the audit process",
        "agencyActions" => "Recommended actions for individual agencies",
        "multiAgencyAction" => "Proposed multi-agency action",
        other => other,
    };
    (format!("meeting-{}", field_id(field)), label.to_string())
}

/// The audit meeting and its report: a form for those who set the audit up, the report as
/// written for the others.
#[component]
fn Meeting(
    audit: Audit,
    drafts: Drafts,
    on_saved: impl Fn(String) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let m = audit.meeting.clone();
    let learning_href = format!("/reviews/{}/learning", audit.review_id);
    let intro = view! {
        <h2>"The audit meeting"</h2>
        <p>
            "The meeting's report in the framework's four parts. Its recommended and proposed actions become learning points and actions of this audit in the action plan: "
            <a href=learning_href>"open the learning and actions"</a>
            "."
        </p>
    };
    if !audit.can_set_up {
        let body = match m {
            None => view! { <p>"The meeting has not been recorded yet."</p> }.into_any(),
            Some(m) => {
                let or_not = |t: String| {
                    if t.is_empty() {
                        "Not written yet".to_string()
                    } else {
                        t
                    }
                };
                view! {
                    <dl class="summary-list">
                        <dt>"Held on"</dt>
                        <dd>{m.held_on.as_deref().map_or("Not recorded".to_string(), format_date)}</dd>
                        <dt>"Attended by"</dt>
                        <dd class="justification">{or_not(m.attendees)}</dd>
                        <dt>"Summary of learning"</dt>
                        <dd class="justification">{or_not(m.summary_of_learning)}</dd>
                        <dt>"Comments on the audit process"</dt>
                        <dd class="justification">{or_not(m.process_comments)}</dd>
                        <dt>"Recommended actions for individual agencies"</dt>
                        <dd class="justification">{or_not(m.agency_actions)}</dd>
                        <dt>"Proposed multi-agency action"</dt>
                        <dd class="justification">{or_not(m.multi_agency_action)}</dd>
                    </dl>
                }
                .into_any()
            }
        };
        return view! { {intro} {body} }.into_any();
    }
    let form = FormSubmit::new();
    let FormSubmit { errors, pending } = form;
    let keys = [
        "held-on",
        "attendees",
        "summary",
        "process",
        "agency-actions",
        "multi-agency-action",
    ]
    .map(|f| format!("{}/meeting/{f}", audit.review_id));
    let field =
        |i: usize, read: fn(&api::case_audit_detail::CaseAuditDetailCaseAuditMeeting) -> String| {
            drafts.field(keys[i].clone(), m.as_ref().map(read).unwrap_or_default())
        };
    let held_on = field(0, |m| m.held_on.clone().unwrap_or_default());
    let attendees = field(1, |m| m.attendees.clone());
    let summary = field(2, |m| m.summary_of_learning.clone());
    let process = field(3, |m| m.process_comments.clone());
    let agency = field(4, |m| m.agency_actions.clone());
    let multi = field(5, |m| m.multi_agency_action.clone());
    let tracked = keys.clone();
    crate::unsaved::track(move || drafts.holds(&tracked));
    let version = m.as_ref().map_or(0, |m| m.version);
    let review_id = audit.review_id.clone();
    let submit = move |ev: SubmitEvent| {
        if !form.begin(&ev) {
            return;
        }
        let input = api::save_audit_meeting::AuditMeetingInput {
            held_on: Some(held_on.get_untracked()).filter(|d| !d.is_empty()),
            attendees: attendees.get_untracked(),
            summary_of_learning: summary.get_untracked(),
            process_comments: process.get_untracked(),
            agency_actions: agency.get_untracked(),
            multi_agency_action: multi.get_untracked(),
        };
        form.send(
            api::call::<api::SaveAuditMeeting>(api::save_audit_meeting::Variables {
                review_id: review_id.clone(),
                version,
                input,
            }),
            describe_meeting,
            {
                let keys = keys.clone();
                move |_| {
                    drafts.forget(&keys);
                    on_saved("Saved the audit meeting's report.".to_string());
                }
            },
        );
    };
    view! {
        {intro}
        <form class="form" on:submit=submit novalidate>
            <ErrorSummary errors=errors />
            <DateInput id="meeting-held-on" label="Held on" value=held_on errors=errors />
            <TextArea id="meeting-attendees" label="Attended by" value=attendees errors=errors hint="One person per line: name, role, agency." rows=4 />
            <TextArea id="meeting-summary-of-learning" label="Summary of learning" value=summary errors=errors />
            <TextArea id="meeting-process-comments" label="Comments on the audit process" value=process errors=errors rows=3 />
            <TextArea id="meeting-agency-actions" label="Recommended actions for individual agencies" value=agency errors=errors />
            <TextArea id="meeting-multi-agency-action" label="Proposed multi-agency action" value=multi errors=errors />
            <button type="submit" class="button" disabled=move || pending.get()>"Save the meeting report"</button>
        </form>
    }
    .into_any()
}

/// A file of the audit to download: the report (DOCX) or every grade (XLSX).
#[derive(Clone, Copy)]
enum AuditFile {
    Report,
    Grades,
}

#[component]
fn ReportDownload(review_id: String, notice: RwSignal<Option<String>>) -> impl IntoView {
    let pending = RwSignal::new(false);
    let review_id = StoredValue::new(review_id);
    let fetch = move |which: AuditFile| {
        if pending.get_untracked() {
            return;
        }
        pending.set(true);
        notice.set(None);
        let review_id = review_id.get_value();
        spawn_local(async move {
            let result = match which {
                AuditFile::Report => {
                    api::call::<api::CaseAuditReport>(api::case_audit_report::Variables {
                        review_id,
                    })
                    .await
                    .map(|d| {
                        (
                            d.case_audit_report.file_name,
                            d.case_audit_report.media_type,
                            d.case_audit_report.content_base64,
                        )
                    })
                }
                AuditFile::Grades => {
                    api::call::<api::CaseAuditExport>(api::case_audit_export::Variables {
                        review_id,
                    })
                    .await
                    .map(|d| {
                        (
                            d.case_audit_export.file_name,
                            d.case_audit_export.media_type,
                            d.case_audit_export.content_base64,
                        )
                    })
                }
            };
            pending.try_set(false);
            match result {
                Ok((name, media_type, content)) => {
                    crate::components::save_file(&name, &media_type, &content);
                    notice.try_set(Some(format!("Downloaded {name}.")));
                }
                Err(e) => {
                    notice.try_set(Some(e.explain()));
                }
            }
        });
    };
    view! {
        <h2>"The audit report"</h2>
        <p>"The theme, the sample, the grades by question and agency, the meeting's report and the re-audit, as a Word document; or every grade with its evidence as a spreadsheet."</p>
        <div class="button-group">
            <button type="button" class="button" on:click=move |_| fetch(AuditFile::Report) disabled=move || pending.get()>"Download the audit report (DOCX)"</button>
            <button type="button" class="button button-secondary" on:click=move |_| fetch(AuditFile::Grades) disabled=move || pending.get()>"Download every grade (XLSX)"</button>
        </div>
    }
}

/// Grades by question across the audits of the theme and of the themes it re-audits.
#[component]
fn AcrossTheme(theme_id: String, tool: Tool) -> impl IntoView {
    let data = LocalResource::new(move || {
        let theme_id = theme_id.clone();
        async move {
            api::call::<api::AuditThemeHeatmap>(api::audit_theme_heatmap::Variables { theme_id })
                .await
        }
    });
    view! {
        {move || states(data.get(), {
            let tool = tool.clone();
            move |d: api::audit_theme_heatmap::ResponseData| {
                let h = d.audit_theme_heatmap;
                if h.audits.len() < 2 {
                    return ().into_any();
                }
                let head = h.audits.iter().map(|a| view! { <th scope="col">{format!("{} ({})", a.audit.reference, a.year)}</th> }).collect_view();
                let rows = tool.stages.iter().flat_map(|s| s.questions.iter()).map(|q| {
                    let cells = h.audits.iter().map(|a| {
                        match h.cells.iter().find(|c| c.question_id == q.id && c.review_id == a.audit.review_id) {
                            Some(c) => {
                                let tone = tone_of(&c.cell.tone);
                                view! {
                                    <td>
                                        <strong class=tone_class(tone)>{mean_text(c.cell.mean)}</strong>
                                        <span class="hint">{format!(" {} {}", c.cell.cases, if c.cell.cases == 1 { "case" } else { "cases" })}</span>
                                    </td>
                                }
                                .into_any()
                            }
                            None => view! { <td><span class="hint">"Not graded"</span></td> }.into_any(),
                        }
                    }).collect_view();
                    view! { <tr><th scope="row">{q.text.clone()}</th>{cells}</tr> }
                }).collect_view();
                view! {
                    <h2>"Across the theme's audits"</h2>
                    <p>"Every agency's submitted grades of each question together, audit by audit, the earliest theme first: the mean of the graded cases (good 2, requires improvement 1, inadequate 0)."</p>
                    <div class="table-wrap" tabindex="0" role="region" aria-label="Grades by question across the theme's audits">
                        <table class="s11-heatmap">
                            <caption>"Grades by question across the theme's audits"</caption>
                            <thead><tr><th scope="col">"Question"</th>{head}</tr></thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                }
                .into_any()
            }
        })}
    }
}
