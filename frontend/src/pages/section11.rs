//! The annual Section 11 self-assessment: the year's picture (standards × agencies, who is
//! outstanding), the office's steps (set the standards, ask agencies by a date), and one
//! agency's assessment, answered standard by standard, submitted, and accepted or returned.

use crate::api::section11_assessment::Section11AssessmentSection11Assessment as Assessment;
use crate::api::section11_assessment::Section11AssessmentSection11AssessmentActions as Planned;
use crate::api::section11_assessment::Section11AssessmentSection11AssessmentChallenges as Challenge;
use crate::api::{self, code_of, ApiError};
use crate::components::{
    field_id, format_date, set_title, AgencyPrefix, AskAgenciesForm, DataTable, DateInput,
    DecideReturnForm, Drafts, ErrorSummary, FormErrors, FormSubmit, RadioGroup, SelectField,
    TextArea, TextField,
};
use crate::pages::chronology::Notice;
use crate::pages::{route_id, states};
use crate::session::use_session;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::section11::{
    link_lines, link_text, parse_links, writes, AssessmentStatus, EvidenceLink, Rating,
};

fn rating_of<T: serde::Serialize>(r: &Option<T>) -> Option<Rating> {
    r.as_ref().and_then(|r| Rating::from_code(&code_of(r)))
}

fn rating_class(r: Option<Rating>) -> &'static str {
    match r {
        Some(Rating::Red) => "tag tag-overdue",
        Some(Rating::Amber) => "tag tag-due-soon",
        Some(Rating::Green) => "tag tag-met",
        None => "tag tag-awaiting",
    }
}

fn status_of<T: serde::Serialize>(s: &T) -> AssessmentStatus {
    AssessmentStatus::from_code(&code_of(s)).unwrap_or(AssessmentStatus::Draft)
}

/// The Section 11 page: a year's picture and the office's steps.
#[component]
pub fn Section11Page() -> impl IntoView {
    set_title("Section 11 self-assessment");
    let session = use_session();
    let options =
        LocalResource::new(|| api::call::<api::Section11Years>(api::section11_years::Variables));
    let year = RwSignal::new(String::new());
    let reload = RwSignal::new(0u32);
    let notice = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        if let Some(Ok(d)) = options.get() {
            if year.with_untracked(String::is_empty) {
                let first = d.section11_years.first().copied().unwrap_or(current_year());
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
                    let this =
                        api::call::<api::Section11Year>(api::section11_year::Variables { year })
                            .await?;
                    // The year before, for the change in each rating (none is fine).
                    let before = api::call::<api::Section11Year>(api::section11_year::Variables {
                        year: year - 1,
                    })
                    .await
                    .ok()
                    .map(|d| d.section11);
                    Ok(Some((this.section11, before)))
                }
                None => Ok(None),
            }
        }
    });
    view! {
        <h1 tabindex="-1">"Section 11 self-assessment"</h1>
        <p>
            "Each year every agency rates itself against the partnership's standards under section 11 of the Children Act 2004, with evidence; the business office scrutinises each assessment and accepts it or returns it with a challenge."
        </p>
        <Notice text=notice />
        {move || states(options.get(), move |d| {
            let mut years: Vec<i64> = d.section11_years.clone();
            let next = current_year();
            if !years.contains(&next) {
                years.insert(0, next);
            }
            let choices: Vec<(String, String)> = years.iter().map(|y| (y.to_string(), y.to_string())).collect();
            let agencies: Vec<(String, String)> = d
                .agencies
                .iter()
                .map(|a| (a.id.clone(), format!("{} – {}", a.prefix, a.name)))
                .collect();
            view! {
                <SelectField id="s11-year" label="Year" value=year options=choices errors=FormErrors::new() />
                {move || states(data.get(), {
                    let agencies = agencies.clone();
                    move |y| match y {
                        None => view! { <p>"Choose a year."</p> }.into_any(),
                        Some((y, before)) => view! {
                            <YearBody data=y before=before agencies=agencies.clone() reload=reload notice=notice office=session.is_office() />
                        }
                        .into_any(),
                    }
                })}
            }
            .into_any()
        })}
    }
}

/// An agency's rating of the same standard (by title, as answers carry forward) the year
/// before.
fn last_rating(
    before: Option<&api::section11_year::Section11YearSection11>,
    agency_id: &str,
    title: &str,
) -> Option<Rating> {
    let before = before?;
    let standards: Vec<(String, String)> = before
        .standards
        .iter()
        .map(|s| (s.id.clone(), s.title.clone()))
        .collect();
    let standard = shared::section11::carried_from(title, &standards)?;
    before
        .assessments
        .iter()
        .find(|a| a.agency.id == agency_id)?
        .answers
        .iter()
        .find(|x| x.standard_id == standard)
        .and_then(|x| rating_of(&x.rating))
}

fn current_year() -> i64 {
    i64::from(js_sys::Date::new_0().get_full_year())
}

#[component]
fn YearBody(
    data: api::section11_year::Section11YearSection11,
    /// The year before, to show where a rating changed.
    before: Option<api::section11_year::Section11YearSection11>,
    agencies: Vec<(String, String)>,
    reload: RwSignal<u32>,
    notice: RwSignal<Option<String>>,
    office: bool,
) -> impl IntoView {
    let year = data.year;
    let standards = data.standards.clone();
    let assessments = data.assessments.clone();
    let outstanding = assessments
        .iter()
        .filter(|a| status_of(&a.status).editable())
        .count();
    let heat = if standards.is_empty() || assessments.is_empty() {
        view! { <p>"No agency has been asked for its assessment for this year yet."</p> }.into_any()
    } else {
        let head = assessments
            .iter()
            .map(|a| view! { <th scope="col">{a.agency.prefix.clone()}</th> })
            .collect_view();
        let rows = standards
            .iter()
            .map(|s| {
                let cells = assessments
                    .iter()
                    .map(|a| {
                        let r = a
                            .answers
                            .iter()
                            .find(|x| x.standard_id == s.id)
                            .and_then(|x| rating_of(&x.rating));
                        let was = last_rating(before.as_ref(), &a.agency.id, &s.title)
                            .filter(|was| r.is_some_and(|now| now != *was));
                        view! {
                            <td>
                                <strong class=rating_class(r)>{r.map_or("Not rated", |r| r.label())}</strong>
                                {was.map(|w| view! { <span class="hint s11-was">{format!(" Last year: {}", w.label())}</span> })}
                            </td>
                        }
                    })
                    .collect_view();
                view! {
                    <tr>
                        <th scope="row">{s.title.clone()}</th>
                        {cells}
                    </tr>
                }
            })
            .collect_view();
        let caption = format!("Ratings by standard and agency, {year}");
        let label = caption.clone();
        view! {
            <div class="table-wrap" tabindex="0" role="region" aria-label=label>
                <table class="s11-heatmap">
                    <caption>{caption}</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Standard"</th>
                            {head}
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        }
        .into_any()
    };
    let list = assessments
        .iter()
        .map(|a| {
            let href = format!("/section-11/assessments/{}", a.id);
            view! {
                <tr>
                    <th scope="row">
                        <AgencyPrefix prefix=a.agency.prefix.clone() colour=a.agency.colour.clone() />
                        " "
                        <a href=href>{a.agency.name.clone()}</a>
                    </th>
                    <td>{a.status_label.clone()}</td>
                    <td>{format_date(&a.due_on)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <h2>{format!("{year}")}</h2>
        <p>
            {format!(
                "{} standards. {} of {} assessments still with their agencies.",
                standards.len(),
                outstanding,
                assessments.len()
            )}
        </p>
        {(!assessments.is_empty())
            .then(|| view! {
                <DataTable caption=format!("Assessments for {year}") columns=&["Agency", "Status", "Due"]>
                    {list}
                </DataTable>
            })}
        <h3>"Standards × agencies"</h3>
        {heat}
        {(!assessments.is_empty()).then(|| view! { <Download year=year /> })}
        {office
            .then(|| view! {
                <StandardsForm year=year current=standards.iter().map(|s| s.title.clone()).collect() locked=!assessments.is_empty() reload=reload notice=notice />
                <AskAgenciesForm
                    prefix="s11"
                    year=year
                    what="Section 11 self-assessment"
                    agencies=agencies.clone()
                    send=move |agency_ids, due_on| async move {
                        api::send::<api::OpenSection11Year>(api::open_section11_year::Variables { year, agency_ids, due_on })
                            .await
                            .map(|_| ())
                    }
                    reload=reload
                    notice=notice
                />
            })}
    }
}

/// What the person may read of the year, as files: every answer as an XLSX workbook, and
/// the summary report for the board as a Word document.
#[component]
fn Download(year: i64) -> impl IntoView {
    let notice = RwSignal::new(None::<String>);
    let pending = RwSignal::new(false);
    let fetch = move |report: bool| {
        if pending.get_untracked() {
            return;
        }
        pending.set(true);
        notice.set(None);
        spawn_local(async move {
            let result = if report {
                api::call::<api::Section11Report>(api::section11_report::Variables { year })
                    .await
                    .map(|d| {
                        let f = d.section11_report;
                        (f.file_name, f.media_type, f.content_base64)
                    })
            } else {
                api::call::<api::Section11Export>(api::section11_export::Variables { year })
                    .await
                    .map(|d| {
                        let f = d.section11_export;
                        (f.file_name, f.media_type, f.content_base64)
                    })
            };
            pending.try_set(false);
            match result {
                Ok((name, media, content)) => {
                    crate::components::save_file(&name, &media, &content);
                    notice.try_set(Some(format!("Downloaded {name}.")));
                }
                Err(e) => {
                    notice.try_set(Some(e.explain()));
                }
            }
        });
    };
    view! {
        <div class="row-card" role="group" aria-labelledby="s11-download-title">
            <h3 id="s11-download-title">"Download"</h3>
            <Notice text=notice />
            <div class="button-group">
                <button type="button" class="button button-secondary" on:click=move |_| fetch(true) disabled=move || pending.get()>
                    {format!("Download the {year} summary report (DOCX)")}
                </button>
                <button type="button" class="button button-secondary" on:click=move |_| fetch(false) disabled=move || pending.get()>
                    {format!("Download every {year} answer (XLSX)")}
                </button>
            </div>
        </div>
    }
}

fn describe(field: &str) -> (String, String) {
    (field_id(field), field.to_string())
}

/// The office's list of the year's standards, one title per line.
#[component]
fn StandardsForm(
    year: i64,
    current: Vec<String>,
    locked: bool,
    reload: RwSignal<u32>,
    notice: RwSignal<Option<String>>,
) -> impl IntoView {
    if locked {
        return view! {
            <p>"The standards stay as they were when agencies were asked for this year."</p>
        }
        .into_any();
    }
    let form = FormSubmit::new();
    let text = RwSignal::new(current.join("\n"));
    let submit = move |ev: SubmitEvent| {
        if !form.begin(&ev) {
            return;
        }
        let standards: Vec<api::set_section11_standards::Section11StandardInput> = text
            .get_untracked()
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(|t| api::set_section11_standards::Section11StandardInput {
                title: t.to_string(),
                description: String::new(),
                evidence_expected: String::new(),
            })
            .collect();
        let variables = api::set_section11_standards::Variables { year, standards };
        form.send(
            api::send::<api::SetSection11Standards>(variables),
            |f| {
                if f.starts_with("standards") {
                    ("s11-standards".into(), format!("Standards ({f})"))
                } else {
                    describe(f)
                }
            },
            move |_| {
                notice.set(Some(format!("The standards for {year} are saved.")));
                reload.update(|n| *n += 1);
            },
        );
    };
    view! {
        <form on:submit=submit novalidate=true class="row-card" aria-labelledby="s11-standards-title">
            <h3 id="s11-standards-title">{format!("Standards for {year}")}</h3>
            <ErrorSummary errors=form.errors />
            <TextArea id="s11-standards" label="Standards" hint="One standard's title per line, in order." value=text errors=form.errors rows=8 />
            <button type="submit" class="button" disabled=move || form.pending.get()>"Save the standards"</button>
        </form>
    }
    .into_any()
}

/// One agency's assessment.
#[component]
pub fn Section11AssessmentPage() -> impl IntoView {
    set_title("Section 11 self-assessment");
    let id = route_id();
    let data = RwSignal::new(None::<Result<Assessment, ApiError>>);
    let notice = RwSignal::new(None::<String>);
    let reload = RwSignal::new(0u32);
    let drafts = Drafts::new();
    Effect::new(move |_| {
        reload.track();
        let id = id.get();
        spawn_local(async move {
            let answer =
                api::call::<api::Section11Assessment>(api::section11_assessment::Variables { id })
                    .await;
            data.try_set(Some(answer.map(|d| d.section11_assessment)));
        });
    });
    let heading = move || {
        data.with(|d| match d {
            Some(Ok(a)) => format!("{} Section 11 self-assessment {}", a.agency.prefix, a.year),
            _ => "Section 11 self-assessment".to_string(),
        })
    };
    view! {
        <h1 tabindex="-1">{heading}</h1>
        <p><a href="/section-11">"All agencies' assessments"</a></p>
        <Notice text=notice />
        {move || states(data.get(), move |a| view! { <AssessmentBody a=a reload=reload notice=notice drafts=drafts /> })}
    }
}

#[component]
fn AssessmentBody(
    a: Assessment,
    reload: RwSignal<u32>,
    notice: RwSignal<Option<String>>,
    drafts: Drafts,
) -> impl IntoView {
    let session = use_session();
    let status = status_of(&a.status);
    let mine = session
        .actor()
        .is_some_and(|actor| writes(&actor, &a.agency.id));
    let editable = mine && status.editable();
    let version = a.version;
    let id = a.id.clone();
    let returned = a
        .office_comment
        .clone()
        .filter(|_| status == AssessmentStatus::Returned);
    let scrutiny = session.is_office() && status == AssessmentStatus::Submitted;
    let standards = a
        .standards
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let answer = a.answers.iter().find(|x| x.standard_id == s.id).cloned();
            let challenges: Vec<(usize, Challenge)> = a
                .challenges
                .iter()
                .cloned()
                .enumerate()
                .filter(|(_, c)| c.standard_id == s.id)
                .collect();
            let planned: Vec<Planned> = a
                .actions
                .iter()
                .filter(|p| p.standard_id == s.id)
                .cloned()
                .collect();
            view! {
                <StandardPart
                    index=i
                    assessment=id.clone()
                    version=version
                    standard=s.clone()
                    answer=answer
                    editable=editable
                    reload=reload
                    notice=notice
                    drafts=drafts
                />
                <StandardActions
                    index=i
                    assessment=id.clone()
                    standard_id=s.id.clone()
                    planned=planned
                    year=a.year
                    planning=editable
                    reload=reload
                    notice=notice
                    drafts=drafts
                />
                <StandardChallenges
                    index=i
                    assessment=id.clone()
                    version=version
                    standard_id=s.id.clone()
                    challenges=challenges
                    scrutiny=scrutiny
                    responding=editable
                    reload=reload
                    notice=notice
                    drafts=drafts
                />
            }
        })
        .collect_view();
    view! {
        <dl class="summary-list">
            <dt>"Agency"</dt>
            <dd>{a.agency.name.clone()}</dd>
            <dt>"Status"</dt>
            <dd id="s11-status">{a.status_label.clone()}</dd>
            <dt>"Due by"</dt>
            <dd>{format_date(&a.due_on)}</dd>
        </dl>
        {returned.map(|c| view! {
            <div class="notice" id="s11-challenge">
                <h2>"Returned by the business office"</h2>
                <p class="justification">{c}</p>
            </div>
        })}
        {standards}
        {editable.then(|| view! { <SubmitForm id=id.clone() version=version reload=reload notice=notice /> })}
        {(session.is_office() && status == AssessmentStatus::Submitted)
            .then(|| {
                let record = id.clone();
                view! {
                    <DecideReturnForm
                        prefix="s11"
                        id=id.clone()
                        what="assessment"
                        return_label="Return it to the agency with a challenge"
                        comment_hint="Needed when you return it without a challenge question: what the agency should look at again."
                        send=move |accept, comment| {
                            let id = record.clone();
                            async move {
                                api::send::<api::DecideSection11Assessment>(api::decide_section11_assessment::Variables { id, accept, comment: Some(comment) })
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

/// One standard: what it asks, and the agency's answer (a form while the agency writes).
#[component]
fn StandardPart(
    index: usize,
    assessment: String,
    version: i64,
    standard: crate::api::section11_assessment::Section11AssessmentSection11AssessmentStandards,
    answer: Option<crate::api::section11_assessment::Section11AssessmentSection11AssessmentAnswers>,
    editable: bool,
    reload: RwSignal<u32>,
    notice: RwSignal<Option<String>>,
    drafts: Drafts,
) -> impl IntoView {
    let n = index + 1;
    let rated = answer.as_ref().and_then(|x| rating_of(&x.rating));
    let carried = answer.as_ref().is_some_and(|x| x.carried_forward);
    let heading_id = format!("s11-standard-{n}");
    let shown = view! {
        <p>
            <strong class=rating_class(rated)>{rated.map_or("Not rated", |r| r.label())}</strong>
            {carried.then(|| view! { " " <strong class="tag tag-changed">"Carried forward from last year"</strong> })}
        </p>
    };
    let body = if editable {
        let form = FormSubmit::new();
        let keys = [
            format!("{assessment}/rating-{n}"),
            format!("{assessment}/evidence-{n}"),
            format!("{assessment}/to-green-{n}"),
            format!("{assessment}/links-{n}"),
        ];
        let saved_evidence = answer
            .as_ref()
            .map(|x| x.evidence.clone())
            .unwrap_or_default();
        let saved_to_green = answer
            .as_ref()
            .map(|x| x.to_green.clone())
            .unwrap_or_default();
        let rating = drafts.field(
            keys[0].clone(),
            rated.map(|r| r.code().to_string()).unwrap_or_default(),
        );
        let saved_links = answer
            .as_ref()
            .map(|x| {
                let links: Vec<EvidenceLink> = x
                    .links
                    .iter()
                    .map(|l| EvidenceLink {
                        url: l.url.clone(),
                        label: l.label.clone(),
                    })
                    .collect();
                link_lines(&links)
            })
            .unwrap_or_default();
        let evidence = drafts.field(keys[1].clone(), saved_evidence.clone());
        let to_green = drafts.field(keys[2].clone(), saved_to_green.clone());
        let links = drafts.field(keys[3].clone(), saved_links.clone());
        crate::unsaved::track(move || {
            evidence.try_with_untracked(|e| *e != saved_evidence) == Some(true)
                || to_green.try_with_untracked(|t| *t != saved_to_green) == Some(true)
                || links.try_with_untracked(|l| *l != saved_links) == Some(true)
        });
        let options: Vec<(String, String)> = Rating::ALL
            .iter()
            .map(|r| (r.code().to_string(), r.label().to_string()))
            .collect();
        let standard_id = standard.id.clone();
        let title = standard.title.clone();
        let submit = move |ev: SubmitEvent| {
            if !form.begin(&ev) {
                return;
            }
            let variables = api::save_section11_answer::Variables {
                assessment_id: assessment.clone(),
                standard_id: standard_id.clone(),
                version,
                answer: api::save_section11_answer::Section11AnswerInput {
                    rating: Rating::from_code(&rating.get_untracked())
                        .map(|r| api::enum_from(r.code())),
                    evidence: evidence.get_untracked(),
                    to_green: to_green.get_untracked(),
                    links: parse_links(&links.get_untracked())
                        .into_iter()
                        .map(|l| api::save_section11_answer::Section11EvidenceLinkInput {
                            url: l.url,
                            label: l.label,
                        })
                        .collect(),
                },
            };
            let title = title.clone();
            let keys = keys.clone();
            form.send(
                api::send::<api::SaveSection11Answer>(variables),
                move |f| match f {
                    "evidence" => (format!("evidence-{n}"), "Evidence".into()),
                    "toGreen" => (format!("to-green-{n}"), "What would make it green".into()),
                    links if links.starts_with("links") => {
                        // `links.2.url`: the third link typed (blank lines are not counted).
                        let which = links
                            .split('.')
                            .nth(1)
                            .and_then(|i| i.parse::<usize>().ok())
                            .map_or_else(String::new, |i| format!(", link {}", i + 1));
                        (format!("links-{n}"), format!("Links to evidence{which}"))
                    }
                    _ => (field_id(f), f.to_string()),
                },
                move |d| {
                    notice.set(Some(format!("Your answer to “{title}” is saved.")));
                    let _ = d;
                    drafts.forget(&keys);
                    reload.update(|n| *n += 1);
                },
            );
        };
        view! {
            <form on:submit=submit novalidate=true aria-labelledby=heading_id.clone()>
                <ErrorSummary errors=form.errors />
                <RadioGroup id=format!("rating-{n}") legend="Rating" options=options value=rating errors=form.errors />
                <TextArea id=format!("evidence-{n}") label="Evidence" value=evidence errors=form.errors rows=4 />
                <TextArea
                    id=format!("to-green-{n}")
                    label="What would make it green"
                    hint="Needed for red and amber."
                    value=to_green
                    errors=form.errors
                    rows=2
                />
                <TextArea
                    id=format!("links-{n}")
                    label="Links to evidence (optional)"
                    hint="One per line: the web address, then what it is. For example: https://intranet.example/policy.pdf Safeguarding policy"
                    value=links
                    errors=form.errors
                    rows=2
                />
                <button type="submit" class="button button-secondary" disabled=move || form.pending.get()>
                    {format!("Save standard {n}")}
                </button>
            </form>
        }
        .into_any()
    } else {
        let (evidence, to_green, links) = answer
            .map(|x| (x.evidence, x.to_green, x.links))
            .unwrap_or_default();
        let links = (!links.is_empty()).then(|| {
            view! {
                <dt>"Links to evidence"</dt>
                <dd>
                    <ul class="plain-list">
                        {links
                            .into_iter()
                            .map(|l| {
                                let link = EvidenceLink { url: l.url, label: l.label };
                                let text = link_text(&link).to_string();
                                view! { <li><a href=link.url rel="noopener noreferrer">{text}</a></li> }
                            })
                            .collect_view()}
                    </ul>
                </dd>
            }
        });
        view! {
            <dl class="summary-list">
                <dt>"Evidence"</dt>
                <dd class="justification">{if evidence.is_empty() { "None given".to_string() } else { evidence }}</dd>
                <dt>"What would make it green"</dt>
                <dd class="justification">{if to_green.is_empty() { "—".to_string() } else { to_green }}</dd>
                {links}
            </dl>
        }
        .into_any()
    };
    let labelled = heading_id.clone();
    view! {
        <section class="s11-standard row-card" aria-labelledby=labelled>
            <h2 id=heading_id>{format!("{n}. {}", standard.title)}</h2>
            {(!standard.description.is_empty()).then(|| view! { <p>{standard.description.clone()}</p> })}
            {(!standard.evidence_expected.is_empty())
                .then(|| view! { <p class="hint">{format!("Evidence expected: {}", standard.evidence_expected)}</p> })}
            {shown}
            {body}
        </section>
    }
}

/// The actions planned against one standard: each an action of the action plan (linked),
/// and, while the agency writes its assessment, a form to plan another. They are owned by
/// the agency and numbered in the year's Section 11 plan.
#[component]
fn StandardActions(
    index: usize,
    assessment: String,
    standard_id: String,
    planned: Vec<Planned>,
    year: i64,
    planning: bool,
    reload: RwSignal<u32>,
    notice: RwSignal<Option<String>>,
    drafts: Drafts,
) -> impl IntoView {
    let n = index + 1;
    if planned.is_empty() && !planning {
        return ().into_any();
    }
    let heading_id = format!("s11-actions-{n}");
    let labelled = heading_id.clone();
    let (now, before): (Vec<Planned>, Vec<Planned>) =
        planned.into_iter().partition(|p| p.planned_in == year);
    let items = |list: Vec<Planned>| {
        let list = list
            .into_iter()
            .map(|p| crate::pages::actions::planned!(p.action))
            .collect::<Vec<_>>();
        view! { <crate::pages::actions::PlannedList list=list /> }
    };
    let earlier = (!before.is_empty()).then(|| {
        view! {
            <p class="label">{format!("Planned in {}'s assessment", year - 1)}</p>
            {items(before)}
        }
    });
    let list = if now.is_empty() {
        view! { <p>"No actions planned for this standard this year."</p> }.into_any()
    } else {
        items(now).into_any()
    };
    let form = planning.then(|| {
        let form = FormSubmit::new();
        let keys = [
            format!("{assessment}/action-title-{n}"),
            format!("{assessment}/action-target-{n}"),
        ];
        let title = drafts.field(keys[0].clone(), String::new());
        let target = drafts.field(keys[1].clone(), String::new());
        let tracked = keys.clone();
        crate::unsaved::track(move || drafts.holds(&tracked));
        let submit = move |ev: SubmitEvent| {
            if !form.begin(&ev) {
                return;
            }
            let variables = api::plan_section11_action::Variables {
                assessment_id: assessment.clone(),
                standard_id: standard_id.clone(),
                input: api::plan_section11_action::Section11ActionInput {
                    title: title.get_untracked(),
                    target_date: target.get_untracked(),
                    owner_person_id: None,
                    impact_audit: None,
                },
            };
            let keys = keys.clone();
            form.send(
                api::call::<api::PlanSection11Action>(variables),
                move |f| match f {
                    "title" => (format!("action-title-{n}"), "What will be done".into()),
                    "targetDate" | "targetDateReason" => (format!("action-target-{n}"), "To be done by".into()),
                    _ => (format!("action-title-{n}"), f.to_string()),
                },
                move |d| {
                    notice.set(Some(format!(
                        "Planned {}: it is in the action plan, owned by your agency.",
                        d.plan_section11_action.reference
                    )));
                    drafts.forget(&keys);
                    reload.update(|n| *n += 1);
                },
            );
        };
        view! {
            <form on:submit=submit novalidate=true aria-label=format!("Plan an action for standard {n}")>
                <ErrorSummary errors=form.errors />
                <TextField id=format!("action-title-{n}") label="What will be done" value=title errors=form.errors />
                <DateInput id=format!("action-target-{n}") label="To be done by" value=target errors=form.errors missing="Enter the date it is to be done by" />
                <button type="submit" class="button button-secondary" disabled=move || form.pending.get()>
                    {format!("Plan an action for standard {n}")}
                </button>
            </form>
        }
    });
    view! {
        <section class="row-card" aria-labelledby=labelled>
            <h3 id=heading_id>{format!("Actions for standard {n}")}</h3>
            {earlier}
            {list}
            {form}
        </section>
    }
    .into_any()
}

/// The business office's challenge questions on one standard: asked and withdrawn while it
/// scrutinises the submitted assessment, responded to by the agency while the assessment
/// is with it. Each is numbered in the order asked, across the assessment.
#[component]
fn StandardChallenges(
    index: usize,
    assessment: String,
    version: i64,
    standard_id: String,
    challenges: Vec<(usize, Challenge)>,
    scrutiny: bool,
    responding: bool,
    reload: RwSignal<u32>,
    notice: RwSignal<Option<String>>,
    drafts: Drafts,
) -> impl IntoView {
    let n = index + 1;
    if challenges.is_empty() && !scrutiny {
        return ().into_any();
    }
    let list = challenges
        .into_iter()
        .map(|(i, c)| {
            let number = i + 1;
            let answer = if responding {
                view! { <ResponseForm number=number id=c.id.clone() version=version response=c.response.clone().unwrap_or_default() reload=reload notice=notice drafts=drafts /> }.into_any()
            } else {
                let response = c.response.clone();
                view! {
                    <p>
                        <strong>"Response: "</strong>
                        {match response {
                            Some(r) => view! { <span class="justification">{r}</span> }.into_any(),
                            None => view! { <strong class="tag tag-awaiting">"Not yet answered"</strong> }.into_any(),
                        }}
                    </p>
                }
                .into_any()
            };
            let withdraw = (scrutiny && c.response.is_none()).then(|| {
                let id = c.id.clone();
                let pending = RwSignal::new(false);
                let click = move |_| {
                    if pending.get_untracked() {
                        return;
                    }
                    pending.set(true);
                    let variables = api::withdraw_section11_challenge::Variables {
                        id: id.clone(),
                        version,
                    };
                    spawn_local(async move {
                        let result = api::send::<api::WithdrawSection11Challenge>(variables).await;
                        pending.try_set(false);
                        match result {
                            Ok(_) => {
                                notice.try_set(Some(format!("Challenge {number} is withdrawn.")));
                                reload.try_update(|n| *n += 1);
                            }
                            Err(e) => {
                                notice.try_set(Some(e.explain()));
                            }
                        }
                    });
                };
                view! {
                    <button type="button" class="button button-secondary" on:click=click disabled=move || pending.get()>
                        {format!("Withdraw challenge {number}")}
                    </button>
                }
            });
            view! {
                <li class="s11-challenge">
                    <p><strong>{format!("Challenge {number}: ")}</strong>{c.question.clone()}</p>
                    {answer}
                    {withdraw}
                </li>
            }
        })
        .collect_view();
    let ask = scrutiny.then(|| {
        let form = FormSubmit::new();
        let key = format!("{assessment}/challenge-{n}");
        let question = drafts.field(key.clone(), String::new());
        crate::unsaved::track_typed(question);
        let id = format!("challenge-{n}");
        let field = id.clone();
        let submit = move |ev: SubmitEvent| {
            if !form.begin(&ev) {
                return;
            }
            if checked(form, &field, "Challenge question", "question", &question.get_untracked()) {
                return;
            }
            let variables = api::ask_section11_challenge::Variables {
                assessment_id: assessment.clone(),
                version,
                standard_id: standard_id.clone(),
                question: question.get_untracked(),
            };
            let key = key.clone();
            form.send(
                api::send::<api::AskSection11Challenge>(variables),
                move |f| match f {
                    "question" => (format!("challenge-{n}"), "Challenge question".into()),
                    _ => (field_id(f), f.to_string()),
                },
                move |_| {
                    question.set(String::new());
                    drafts.forget(std::slice::from_ref(&key));
                    notice.set(Some(format!(
                        "Your challenge on standard {n} is recorded. It goes to the agency when you return the assessment."
                    )));
                    reload.update(|n| *n += 1);
                },
            );
        };
        view! {
            <form on:submit=submit novalidate=true aria-label=format!("Challenge standard {n}")>
                <ErrorSummary errors=form.errors />
                <TextArea id=id label=format!("Challenge question on standard {n}") hint="What should the agency show or explain?" value=question errors=form.errors rows=2 />
                <button type="submit" class="button button-secondary" disabled=move || form.pending.get()>
                    {format!("Ask about standard {n}")}
                </button>
            </form>
        }
    });
    view! {
        <section class="row-card s11-challenges" aria-label=format!("Challenges on standard {n}")>
            <h3>{format!("Challenges on standard {n}")}</h3>
            <ul class="plain-list">{list}</ul>
            {ask}
        </section>
    }
    .into_any()
}

/// Checks a challenge question or response with the server's rule before it is sent,
/// marking the field `id` (labelled `label`) with what is wrong; true when it is wrong.
fn checked(form: FormSubmit, id: &str, label: &str, field: &str, text: &str) -> bool {
    match shared::section11::check_challenge_text(field, text) {
        Ok(_) => false,
        Err(problems) => {
            for p in problems.0 {
                form.errors.push(id, format!("{label} {}", p.message));
            }
            form.errors.report_found()
        }
    }
}

/// The agency's response to one challenge question.
#[component]
fn ResponseForm(
    number: usize,
    id: String,
    version: i64,
    response: String,
    reload: RwSignal<u32>,
    notice: RwSignal<Option<String>>,
    drafts: Drafts,
) -> impl IntoView {
    let form = FormSubmit::new();
    let saved = response.clone();
    let key = format!("{id}/response");
    let text = drafts.field(key.clone(), response);
    crate::unsaved::track(move || text.try_with_untracked(|t| *t != saved) == Some(true));
    let field = format!("response-{number}");
    let checked_field = field.clone();
    let submit = move |ev: SubmitEvent| {
        if !form.begin(&ev) {
            return;
        }
        if checked(
            form,
            &checked_field,
            "Your response",
            "response",
            &text.get_untracked(),
        ) {
            return;
        }
        let variables = api::respond_to_section11_challenge::Variables {
            id: id.clone(),
            version,
            response: text.get_untracked(),
        };
        let key = key.clone();
        form.send(
            api::send::<api::RespondToSection11Challenge>(variables),
            move |f| match f {
                "response" => (format!("response-{number}"), "Your response".into()),
                _ => (field_id(f), f.to_string()),
            },
            move |_| {
                drafts.forget(std::slice::from_ref(&key));
                notice.set(Some(format!(
                    "Your response to challenge {number} is saved."
                )));
                reload.update(|n| *n += 1);
            },
        );
    };
    view! {
        <form on:submit=submit novalidate=true aria-label=format!("Respond to challenge {number}")>
            <ErrorSummary errors=form.errors />
            <TextArea id=field label="Your response" value=text errors=form.errors rows=3 />
            <button type="submit" class="button button-secondary" disabled=move || form.pending.get()>
                {format!("Save the response to challenge {number}")}
            </button>
        </form>
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
        let variables = api::submit_section11_assessment::Variables {
            id: id.clone(),
            version,
        };
        form.send(
            api::send::<api::SubmitSection11Assessment>(variables),
            |f| {
                // answers.{i}.{part} → the part's field of standard i+1.
                let mut parts = f.split('.');
                match (
                    parts.next(),
                    parts.next().and_then(|i| i.parse::<usize>().ok()),
                    parts.next(),
                ) {
                    (Some("challenges"), Some(i), _) => (
                        format!("response-{}", i + 1),
                        format!("Challenge {}: Your response", i + 1),
                    ),
                    (Some("answers"), Some(i), Some(part)) => {
                        let n = i + 1;
                        let (id, what) = match part {
                            "rating" => (format!("rating-{n}"), "Rating"),
                            "toGreen" => (format!("to-green-{n}"), "What would make it green"),
                            _ => (format!("evidence-{n}"), "Evidence"),
                        };
                        (id, format!("Standard {n}: {what}"))
                    }
                    _ => (field_id(f), f.to_string()),
                }
            },
            move |d| {
                notice.set(Some(
                    "The assessment is submitted. The business office will scrutinise it.".into(),
                ));
                let _ = d;
                reload.update(|n| *n += 1);
            },
        );
    };
    view! {
        <form on:submit=submit novalidate=true class="row-card" aria-labelledby="s11-submit-title">
            <h2 id="s11-submit-title">"Submit the assessment"</h2>
            <p>"Save each standard first. Every standard needs a rating and evidence; red and amber need what would make them green; every challenge question of the business office needs your response."</p>
            <ErrorSummary errors=form.errors />
            <button type="submit" class="button" disabled=move || form.pending.get()>"Submit the assessment"</button>
        </form>
    }
}
