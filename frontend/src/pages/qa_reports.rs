//! Agencies' quality-assurance work: an agency's single-agency audits (recorded, changed
//! and deleted by its lead or the business office), and the annual QA impact reports: the
//! year's picture and the office's steps (the sections, asking agencies by a date), and one
//! agency's report, written section by section beside its audits of the year, submitted,
//! and accepted or returned with comments.

use crate::api::{self, code_of, ApiError};
use crate::components::{
    field_id, format_date, set_title, AgencyPrefix, AskAgenciesForm, ConfirmPanel, DataTable,
    DateInput, DecideReturnForm, Drafts, ErrorSummary, FormErrors, FormSubmit, SelectField,
    TextArea, TextField,
};
use crate::pages::chronology::Notice;
use crate::pages::{route_id, states};
use crate::session::use_session;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::qa_reports::{writes, ReportStatus};

type AuditsData = api::single_agency_audits::ResponseData;
type Audit = api::single_agency_audits::SingleAgencyAuditsSingleAgencyAudits;
type Report = api::qa_report_detail::QaReportDetailQaReport;

fn status_of<T: serde::Serialize>(s: &T) -> ReportStatus {
    ReportStatus::from_code(&code_of(s)).unwrap_or(ReportStatus::Draft)
}

fn current_year() -> i64 {
    i64::from(js_sys::Date::new_0().get_full_year())
}

/// The details of one audit, as read.
fn audit_details(
    standard: String,
    sample_size: i64,
    audited_on: &str,
    findings: String,
    what_changed: String,
) -> impl IntoView {
    view! {
        <dl class="summary-list">
            <dt>"Audited"</dt>
            <dd>{format!("{} ({sample_size} cases)", format_date(audited_on))}</dd>
            <dt>"Standard audited against"</dt>
            <dd>{if standard.is_empty() { "—".to_string() } else { standard }}</dd>
            <dt>"Findings"</dt>
            <dd class="justification">{findings}</dd>
            <dt>"What changed"</dt>
            <dd class="justification">{if what_changed.is_empty() { "Not recorded yet".to_string() } else { what_changed }}</dd>
        </dl>
    }
}

// ---------------------------------------------------------------------------------------
// An agency's single-agency audits
// ---------------------------------------------------------------------------------------

/// An agency's single-agency audits, newest first, with its lead's and the office's form.
#[component]
pub fn AgencyAuditsPage() -> impl IntoView {
    set_title("Single-agency audits");
    let session = use_session();
    let id = route_id();
    let notice = RwSignal::new(None::<String>);
    let editing = RwSignal::new(None::<Audit>);
    let data = LocalResource::new(move || {
        let agency_id = id.get();
        async move {
            api::call::<api::SingleAgencyAudits>(api::single_agency_audits::Variables { agency_id })
                .await
        }
    });
    let heading = move || match data.get() {
        Some(Ok(d)) => format!("Single-agency audits: {}", d.agency.name),
        _ => "Single-agency audits".to_string(),
    };
    let saved = move |text: String| {
        notice.set(Some(text));
        editing.set(None);
        data.refetch();
    };
    view! {
        <h1 tabindex="-1">{heading}</h1>
        <p><a href=move || format!("/agencies/{}", id.get())>"Back to the agency"</a></p>
        <p>"The audits the agency makes of its own practice: what was audited, against which standard, how many cases, what was found and what changed. They are shown beside the agency's QA impact report for the year."</p>
        <Notice text=notice />
        {move || states(data.get(), move |d: AuditsData| {
            let keeps = session.can_keep_agency_qa(&d.agency.id);
            let agency_id = d.agency.id.clone();
            view! {
                <AuditList audits=d.single_agency_audits keeps=keeps editing=editing notice=notice on_deleted=move || data.refetch() />
                {keeps.then(|| view! {
                    {move || {
                        let start = editing.get();
                        view! { <AuditForm agency_id=agency_id.clone() start=start editing=editing on_saved=saved /> }
                    }}
                })}
            }
        })}
    }
}

#[component]
fn AuditList(
    audits: Vec<Audit>,
    keeps: bool,
    editing: RwSignal<Option<Audit>>,
    notice: RwSignal<Option<String>>,
    on_deleted: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let deleting = RwSignal::new(None::<Audit>);
    let open = RwSignal::new(false);
    let pending = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let delete = Callback::new(move |()| {
        let Some(a) = deleting.get_untracked() else {
            return;
        };
        pending.set(true);
        spawn_local(async move {
            let result = api::call::<api::DeleteSingleAgencyAudit>(
                api::delete_single_agency_audit::Variables {
                    id: a.id.clone(),
                    version: a.version,
                },
            )
            .await;
            pending.set(false);
            match result {
                Ok(_) => {
                    open.set(false);
                    notice.set(Some(format!("Deleted the audit “{}”.", a.topic)));
                    on_deleted();
                }
                Err(e) => error.set(Some(e.explain())),
            }
        });
    });
    if audits.is_empty() {
        return view! { <p>"No single-agency audits recorded yet."</p> }.into_any();
    }
    view! {
        {audits
            .into_iter()
            .map(|a| {
                let change = a.clone();
                let remove = a.clone();
                let topic = a.topic.clone();
                view! {
                    <section class="row-card" aria-label=a.topic.clone()>
                        <h2>{a.topic.clone()}</h2>
                        {audit_details(a.standard, a.sample_size, &a.audited_on, a.findings, a.what_changed)}
                        {keeps.then(|| view! {
                            <div class="button-group">
                                <crate::components::ChangeButton editing=editing item=change.clone() form_heading="audit-form-heading" what=topic.clone() />
                                <button type="button" class="button button-warning" on:click=move |_| {
                                    deleting.set(Some(remove.clone()));
                                    error.set(None);
                                    crate::components::ask(open, "audit-delete");
                                }>
                                    "Delete" <span class="visually-hidden">{format!(" {}", a.topic)}</span>
                                </button>
                            </div>
                        })}
                    </section>
                }
            })
            .collect_view()}
        <ConfirmPanel
            id="audit-delete"
            open=open
            question=Signal::derive(move || {
                format!(
                    "Delete the audit “{}”?",
                    deleting.with(|d| d.as_ref().map(|a| a.topic.clone()).unwrap_or_default()),
                )
            })
            confirm="Yes, delete it"
            on_confirm=delete
            pending=pending
            error=error
            destructive=true
        >
            <p>"Only for an audit recorded in error: it leaves the agency's QA impact report."</p>
        </ConfirmPanel>
    }
    .into_any()
}

fn describe_audit(field: &str) -> (String, String) {
    let label = match field {
        "topic" => "Topic",
        "standard" => "Standard audited against",
        "sampleSize" => "Cases looked at",
        "auditedOn" => "Date of the audit",
        "findings" => "Findings",
        "whatChanged" => "What changed",
        other => other,
    };
    (format!("audit-{}", field_id(field)), label.to_string())
}

#[component]
fn AuditForm(
    agency_id: String,
    start: Option<Audit>,
    editing: RwSignal<Option<Audit>>,
    on_saved: impl Fn(String) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let form = FormSubmit::new();
    let FormSubmit { errors, pending } = form;
    let target = start.as_ref().map(|a| (a.id.clone(), a.version));
    let heading = match &start {
        Some(a) => format!("Change the audit “{}”", a.topic),
        None => "Record an audit".to_string(),
    };
    let field =
        |read: fn(&Audit) -> String| RwSignal::new(start.as_ref().map(read).unwrap_or_default());
    let topic = field(|a| a.topic.clone());
    let standard = field(|a| a.standard.clone());
    let sample = field(|a| a.sample_size.to_string());
    let audited_on = field(|a| a.audited_on.clone());
    let findings = field(|a| a.findings.clone());
    let what_changed = field(|a| a.what_changed.clone());
    let editing_now = target.is_some();
    let target = StoredValue::new(target);
    let agency_id = StoredValue::new(agency_id);
    let submit = move |ev: SubmitEvent| {
        if !form.begin(&ev) {
            return;
        }
        let sample_size = sample.get_untracked().trim().parse::<i64>().ok();
        if sample_size.is_none() {
            errors.push("audit-sampleSize", "Enter the number of cases looked at");
        }
        if errors.report_found() {
            return;
        }
        let sample_size = sample_size.unwrap_or_default();
        let name = topic.get_untracked().trim().to_string();
        // Record and update each have their own generated input type, with the same fields.
        macro_rules! audit_input {
            ($op:ident) => {
                api::$op::SingleAgencyAuditInput {
                    topic: topic.get_untracked(),
                    standard: standard.get_untracked(),
                    sample_size,
                    audited_on: audited_on.get_untracked(),
                    findings: findings.get_untracked(),
                    what_changed: what_changed.get_untracked(),
                }
            };
        }
        let request = async move {
            match target.get_value() {
                None => {
                    let input = audit_input!(record_single_agency_audit);
                    api::call::<api::RecordSingleAgencyAudit>(
                        api::record_single_agency_audit::Variables {
                            agency_id: agency_id.get_value(),
                            input,
                        },
                    )
                    .await
                    .map(|_| ())
                }
                Some((id, version)) => {
                    let input = audit_input!(update_single_agency_audit);
                    api::call::<api::UpdateSingleAgencyAudit>(
                        api::update_single_agency_audit::Variables { id, version, input },
                    )
                    .await
                    .map(|_| ())
                }
            }
        };
        form.send(request, describe_audit, move |()| {
            on_saved(if editing_now {
                format!("Saved the audit “{name}”.")
            } else {
                format!("Recorded the audit “{name}”.")
            });
        });
    };
    view! {
        <h2 id="audit-form-heading" tabindex="-1">{heading}</h2>
        <ErrorSummary errors=errors />
        <form on:submit=submit novalidate=true aria-labelledby="audit-form-heading">
            <TextField id="audit-topic" label="Topic" value=topic errors=errors />
            <TextField id="audit-standard" label="Standard audited against" hint="The policy, procedure or practice standard, if any." value=standard errors=errors />
            <TextField id="audit-sampleSize" label="Cases looked at" input_type="number" value=sample errors=errors short=true />
            <DateInput id="audit-auditedOn" label="Date of the audit" value=audited_on errors=errors missing="Enter the date of the audit" />
            <TextArea id="audit-findings" label="Findings" value=findings errors=errors rows=4 />
            <TextArea id="audit-whatChanged" label="What changed" hint="Leave empty until it is known." value=what_changed errors=errors rows=3 />
            <button type="submit" class="button" disabled=move || pending.get()>
                {if editing_now { "Save changes" } else { "Record the audit" }}
            </button>
            {editing_now.then(|| view! {
                <button type="button" class="button button-secondary" on:click=move |_| editing.set(None)>
                    "Cancel"
                </button>
            })}
        </form>
    }
}

// ---------------------------------------------------------------------------------------
// QA impact reports
// ---------------------------------------------------------------------------------------

/// The QA impact reports page: a year's reports and the office's steps.
#[component]
pub fn QaReportsPage() -> impl IntoView {
    set_title("QA impact reports");
    let session = use_session();
    let options =
        LocalResource::new(|| api::call::<api::QaReportYears>(api::qa_report_years::Variables));
    let year = RwSignal::new(String::new());
    let reload = RwSignal::new(0u32);
    let notice = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        if let Some(Ok(d)) = options.get() {
            if year.with_untracked(String::is_empty) {
                let first = d.qa_report_years.first().copied().unwrap_or(current_year());
                year.set(first.to_string());
            }
        }
    });
    let data = LocalResource::new(move || {
        reload.track();
        let y = year.get().parse::<i64>().ok();
        async move {
            match y {
                Some(year) => {
                    api::call::<api::QaReportYear>(api::qa_report_year::Variables { year })
                        .await
                        .map(|d| Some(d.qa_report_year))
                }
                None => Ok(None),
            }
        }
    });
    view! {
        <h1 tabindex="-1">"QA impact reports"</h1>
        <p>
            "Once a year every agency reports on its quality-assurance work: what it did, what it found, what changed for children as a result, the evidence of impact, and what is planned. The business office reads each report and accepts it or returns it with comments; the reports form part of the partnership's annual report."
        </p>
        <Notice text=notice />
        {move || states(options.get(), move |d| {
            // Every year with a template, this year and next (to prepare it ahead).
            let mut years: Vec<i64> = d.qa_report_years.clone();
            years.extend([current_year(), current_year() + 1]);
            years.sort_unstable_by(|a, b| b.cmp(a));
            years.dedup();
            let choices: Vec<(String, String)> = years.iter().map(|y| (y.to_string(), y.to_string())).collect();
            let agencies: Vec<(String, String)> = d
                .agencies
                .iter()
                .map(|a| (a.id.clone(), format!("{} – {}", a.prefix, a.name)))
                .collect();
            view! {
                <SelectField id="qa-year" label="Year" value=year options=choices errors=FormErrors::new() />
                {move || states(data.get(), {
                    let agencies = agencies.clone();
                    move |y| match y {
                        None => view! { <p>"Choose a year."</p> }.into_any(),
                        Some(y) => view! {
                            <ReportYear data=y agencies=agencies.clone() reload=reload notice=notice office=session.is_office() />
                        }
                        .into_any(),
                    }
                })}
            }
            .into_any()
        })}
    }
}

#[component]
fn ReportYear(
    data: api::qa_report_year::QaReportYearQaReportYear,
    agencies: Vec<(String, String)>,
    reload: RwSignal<u32>,
    notice: RwSignal<Option<String>>,
    office: bool,
) -> impl IntoView {
    let year = data.year;
    let outstanding = data
        .reports
        .iter()
        .filter(|r| status_of(&r.status) != ReportStatus::Accepted)
        .count();
    let asked = !data.reports.is_empty();
    let rows = data
        .reports
        .iter()
        .map(|r| {
            let href = format!("/qa-reports/{}", r.id);
            view! {
                <tr>
                    <th scope="row">
                        <AgencyPrefix prefix=r.agency.prefix.clone() colour=r.agency.colour.clone() />
                        " "
                        <a href=href>{r.agency.name.clone()}</a>
                    </th>
                    <td>{r.status_label.clone()}</td>
                    <td>{format_date(&r.due_on)}</td>
                    <td>{r.audits.len()}</td>
                </tr>
            }
        })
        .collect_view();
    let sections: Vec<(String, String)> = data
        .sections
        .iter()
        .map(|s| (s.title.clone(), s.guidance.clone()))
        .collect();
    view! {
        <h2>{format!("{year}")}</h2>
        {if asked {
            view! {
                <p>{format!("{outstanding} of {} reports not yet accepted.", data.reports.len())}</p>
                <DataTable caption=format!("QA impact reports for {year}") columns=&["Agency", "Status", "Due", "Audits this year"]>
                    {rows}
                </DataTable>
            }
            .into_any()
        } else {
            view! { <p>"No agency has been asked for its report for this year yet."</p> }.into_any()
        }}
        {office.then(|| view! {
            <SectionsForm year=year current=sections locked=asked reload=reload notice=notice />
            <AskAgenciesForm
                prefix="qa"
                year=year
                what="QA impact report"
                agencies=agencies.clone()
                send=move |agency_ids, due_on| async move {
                    api::send::<api::AskForQaReports>(api::ask_for_qa_reports::Variables { year, agency_ids, due_on })
                        .await
                        .map(|_| ())
                }
                reload=reload
                notice=notice
            />
        })}
    }
}

/// The office's sections for the year: one per line, "Title: guidance".
#[component]
fn SectionsForm(
    year: i64,
    current: Vec<(String, String)>,
    locked: bool,
    reload: RwSignal<u32>,
    notice: RwSignal<Option<String>>,
) -> impl IntoView {
    if locked {
        let list = current
            .into_iter()
            .map(|(title, guidance)| view! { <li><strong>{title}</strong>{(!guidance.is_empty()).then(|| format!(": {guidance}"))}</li> })
            .collect_view();
        return view! {
            <section class="row-card" aria-labelledby="qa-sections-title">
                <h3 id="qa-sections-title">{format!("Sections for {year}")}</h3>
                <p>"The sections stay as they were when agencies were asked for this year."</p>
                <ol>{list}</ol>
            </section>
        }
        .into_any();
    }
    let start = if current.is_empty() {
        shared::qa_reports::DEFAULT_SECTIONS
            .iter()
            .map(|(t, g)| format!("{t}: {g}"))
            .collect::<Vec<_>>()
    } else {
        current
            .iter()
            .map(|(t, g)| {
                if g.is_empty() {
                    t.clone()
                } else {
                    format!("{t}: {g}")
                }
            })
            .collect()
    };
    let form = FormSubmit::new();
    let text = RwSignal::new(start.join("\n"));
    let submit = move |ev: SubmitEvent| {
        if !form.begin(&ev) {
            return;
        }
        let sections = text
            .get_untracked()
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(|l| {
                let (title, guidance) = l.split_once(':').unwrap_or((l, ""));
                api::set_qa_report_sections::QaReportSectionInput {
                    title: title.trim().to_string(),
                    guidance: guidance.trim().to_string(),
                }
            })
            .collect();
        form.send(
            api::send::<api::SetQaReportSections>(api::set_qa_report_sections::Variables {
                year,
                sections,
            }),
            |f| ("qa-sections".into(), format!("Sections ({f})")),
            move |_| {
                notice.set(Some(format!("The sections for {year} are saved.")));
                reload.update(|n| *n += 1);
            },
        );
    };
    view! {
        <form on:submit=submit novalidate=true class="row-card" aria-labelledby="qa-sections-title">
            <h3 id="qa-sections-title">{format!("Sections for {year}")}</h3>
            <ErrorSummary errors=form.errors />
            <TextArea id="qa-sections" label="Sections" hint="One section per line, in order: its title, then a colon and what agencies should write under it." value=text errors=form.errors rows=8 />
            <button type="submit" class="button" disabled=move || form.pending.get()>"Save the sections"</button>
        </form>
    }
    .into_any()
}

/// One agency's report.
#[component]
pub fn QaReportPage() -> impl IntoView {
    set_title("QA impact report");
    let id = route_id();
    let data = RwSignal::new(None::<Result<Report, ApiError>>);
    let notice = RwSignal::new(None::<String>);
    let reload = RwSignal::new(0u32);
    let drafts = Drafts::new();
    Effect::new(move |_| {
        reload.track();
        let id = id.get();
        spawn_local(async move {
            let answer =
                api::call::<api::QaReportDetail>(api::qa_report_detail::Variables { id }).await;
            data.try_set(Some(answer.map(|d| d.qa_report)));
        });
    });
    let heading = move || {
        data.with(|d| match d {
            Some(Ok(r)) => format!("{} QA impact report {}", r.agency.prefix, r.year),
            _ => "QA impact report".to_string(),
        })
    };
    view! {
        <h1 tabindex="-1">{heading}</h1>
        <p><a href="/qa-reports">"All agencies' reports"</a></p>
        <Notice text=notice />
        {move || states(data.get(), move |r| view! { <ReportBody r=r reload=reload notice=notice drafts=drafts /> })}
    }
}

#[component]
fn ReportBody(
    r: Report,
    reload: RwSignal<u32>,
    notice: RwSignal<Option<String>>,
    drafts: Drafts,
) -> impl IntoView {
    let session = use_session();
    let status = status_of(&r.status);
    let mine = session
        .actor()
        .is_some_and(|actor| writes(&actor, &r.agency.id));
    let editable = mine && status.editable();
    let returned = r
        .office_comment
        .clone()
        .filter(|_| status == ReportStatus::Returned);
    let sections = r
        .sections
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let text = r
                .answers
                .iter()
                .find(|a| a.section_id == s.id)
                .map(|a| a.text.clone())
                .unwrap_or_default();
            view! {
                <ReportSection
                    index=i
                    report=r.id.clone()
                    version=r.version
                    section=s.clone()
                    saved=text
                    editable=editable
                    reload=reload
                    notice=notice
                    drafts=drafts
                />
            }
        })
        .collect_view();
    let audits = if r.audits.is_empty() {
        view! { <p>{format!("No single-agency audits recorded for {}.", r.year)}</p> }.into_any()
    } else {
        r.audits
            .iter()
            .cloned()
            .map(|a| {
                view! {
                    <h3>{a.topic}</h3>
                    {audit_details(a.standard, a.sample_size, &a.audited_on, a.findings, a.what_changed)}
                }
            })
            .collect_view()
            .into_any()
    };
    let audits_link = format!("/agencies/{}/audits", r.agency.id);
    view! {
        <dl class="summary-list">
            <dt>"Agency"</dt>
            <dd>{r.agency.name.clone()}</dd>
            <dt>"Status"</dt>
            <dd id="qa-status">{r.status_label.clone()}</dd>
            <dt>"Due by"</dt>
            <dd>{format_date(&r.due_on)}</dd>
        </dl>
        {returned.map(|c| view! {
            <div class="notice" id="qa-returned">
                <h2>"Returned by the business office"</h2>
                <p class="justification">{c}</p>
            </div>
        })}
        {sections}
        <section class="row-card" aria-labelledby="qa-audits-title">
            <h2 id="qa-audits-title">{format!("Single-agency audits in {}", r.year)}</h2>
            {audits}
            <p><a href=audits_link>"All the agency's audits"</a></p>
        </section>
        {editable.then(|| view! { <SubmitForm id=r.id.clone() version=r.version reload=reload notice=notice /> })}
        {(session.is_office() && status == ReportStatus::Submitted)
            .then(|| {
                let record = r.id.clone();
                view! {
                    <DecideReturnForm
                        prefix="qa"
                        id=r.id.clone()
                        what="report"
                        return_label="Return it to the agency with comments"
                        comment_hint="Needed when you return it: what the agency should look at again."
                        send=move |accept, comment| {
                            let id = record.clone();
                            async move {
                                api::send::<api::DecideQaReport>(api::decide_qa_report::Variables { id, accept, comment: Some(comment) })
                                    .await
                                    .map(|_| ())
                            }
                        }
                        reload=reload
                        notice=notice
                        drafts=drafts
                    />
                }
            })}
    }
}

/// One section: what it asks, and what the agency wrote (a form while the agency writes).
#[component]
fn ReportSection(
    index: usize,
    report: String,
    version: i64,
    section: api::qa_report_detail::QaReportDetailQaReportSections,
    saved: String,
    editable: bool,
    reload: RwSignal<u32>,
    notice: RwSignal<Option<String>>,
    drafts: Drafts,
) -> impl IntoView {
    let n = index + 1;
    let heading_id = format!("qa-section-{n}");
    let body = if editable {
        let form = FormSubmit::new();
        let key = format!("{report}/section-{n}");
        let text = drafts.field(key.clone(), saved.clone());
        crate::unsaved::track(move || text.try_with_untracked(|t| *t != saved) == Some(true));
        let section_id = section.id.clone();
        let title = section.title.clone();
        let submit = move |ev: SubmitEvent| {
            if !form.begin(&ev) {
                return;
            }
            let variables = api::save_qa_report_answer::Variables {
                report_id: report.clone(),
                section_id: section_id.clone(),
                version,
                text: text.get_untracked(),
            };
            let title = title.clone();
            let key = key.clone();
            form.send(
                api::send::<api::SaveQaReportAnswer>(variables),
                move |_| (format!("section-{n}"), "Your text".into()),
                move |_| {
                    notice.set(Some(format!("“{title}” is saved.")));
                    drafts.forget(&[key]);
                    reload.update(|n| *n += 1);
                },
            );
        };
        view! {
            <form on:submit=submit novalidate=true aria-labelledby=heading_id.clone()>
                <ErrorSummary errors=form.errors />
                <TextArea id=format!("section-{n}") label="Your text" value=text errors=form.errors rows=6 />
                <button type="submit" class="button button-secondary" disabled=move || form.pending.get()>
                    {format!("Save section {n}")}
                </button>
            </form>
        }
        .into_any()
    } else {
        view! {
            <p class="justification">{if saved.is_empty() { "Not written yet.".to_string() } else { saved }}</p>
        }
        .into_any()
    };
    let labelled = heading_id.clone();
    view! {
        <section class="row-card" aria-labelledby=labelled>
            <h2 id=heading_id>{format!("{n}. {}", section.title)}</h2>
            {(!section.guidance.is_empty()).then(|| view! { <p class="hint">{section.guidance.clone()}</p> })}
            {body}
        </section>
    }
}

#[component]
fn SubmitForm(
    id: String,
    version: i64,
    reload: RwSignal<u32>,
    notice: RwSignal<Option<String>>,
) -> impl IntoView {
    let form = FormSubmit::new();
    let submit = move |ev: SubmitEvent| {
        if !form.begin(&ev) {
            return;
        }
        let variables = api::submit_qa_report::Variables {
            id: id.clone(),
            version,
        };
        form.send(
            api::send::<api::SubmitQaReport>(variables),
            |f| {
                // answers.{i}.text → section i+1's text.
                match f.split('.').nth(1).and_then(|i| i.parse::<usize>().ok()) {
                    Some(i) => (format!("section-{}", i + 1), format!("Section {}", i + 1)),
                    None => (field_id(f), f.to_string()),
                }
            },
            move |_| {
                notice.set(Some(
                    "The report is submitted. The business office will read it.".into(),
                ));
                reload.update(|n| *n += 1);
            },
        );
    };
    view! {
        <form on:submit=submit novalidate=true class="row-card" aria-labelledby="qa-submit-title">
            <h2 id="qa-submit-title">"Submit the report"</h2>
            <p>"Save each section first. Every section needs something written under it."</p>
            <ErrorSummary errors=form.errors />
            <button type="submit" class="button" disabled=move || form.pending.get()>"Submit the report"</button>
        </form>
    }
}
