//! The public pages: published learning summaries, readable without signing in, each with
//! its publication date and the day it stays available until (afterwards: "available on
//! request"); and, for people signed in, the learning library that searches them and the
//! partnership's learning points.

use crate::api::data::{LibraryData, PublishedData, PublishedItem, PublishedListData};
use crate::api::{self, ApiError};
use crate::components::{format_date, set_title, SelectField, TextField};
use crate::pages::{route_id, states};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;

fn availability(s: &PublishedItem) -> String {
    if s.available {
        format!(
            "Published {}; available here until {}.",
            format_date(&s.published_on),
            format_date(&s.available_until)
        )
    } else {
        format!(
            "Published {}; available on request from the partnership's business office (it was on these pages until {}).",
            format_date(&s.published_on),
            format_date(&s.available_until)
        )
    }
}

/// Every published learning summary, newest first.
#[component]
pub fn PublishedList() -> impl IntoView {
    set_title("Published learning summaries");
    let list = LocalResource::new(|| {
        api::fetch::<api::PublishedSummaries, PublishedListData>(
            api::published_summaries::Variables,
        )
    });
    view! {
        <h1 tabindex="-1">"Published learning summaries"</h1>
        <p>
            "What the partnership's case reviews found and what is changing as a result. Names and identifying details are removed before publication."
        </p>
        {move || states(list.get(), |d| {
            if d.summaries.is_empty() {
                return view! { <p>"Nothing is published yet."</p> }.into_any();
            }
            view! {
                <ul class="published-list">
                    {d.summaries.into_iter().map(|s| {
                        let href = format!("/published/{}", s.id);
                        let when = availability(&s);
                        view! {
                            <li class="row-card">
                                <h2><a href=href>{format!("{}: {}", s.review_reference, s.title)}</a></h2>
                                <p class="caption">{s.review_kind_label.clone()}</p>
                                <p>{when}</p>
                                {(!s.themes.is_empty()).then(|| view! { <p>{format!("Themes: {}", s.themes.join(", "))}</p> })}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }
            .into_any()
        })}
    }
}

/// One published learning summary.
#[component]
pub fn PublishedPage() -> impl IntoView {
    set_title("Learning summary");
    let id = route_id();
    let data = LocalResource::new(move || {
        api::fetch::<api::PublishedSummary, PublishedData>(api::published_summary::Variables {
            id: id.get(),
        })
    });
    view! {
        {move || states(data.get(), |d| match d.summary {
            None => view! {
                <h1 tabindex="-1">"Learning summary not found"</h1>
                <p>"There is no published learning summary at this address."</p>
                <p><a href="/published">"Every published learning summary"</a></p>
            }
            .into_any(),
            Some(s) => {
                set_title(&format!("Learning summary {}", s.item.review_reference));
                let when = availability(&s.item);
                let body = if s.item.available {
                    view! {
                        {s.fields.into_iter().map(|f| view! {
                            <section class="published-field">
                                <h2>{f.label}</h2>
                                <div class="markdown" inner_html=f.html></div>
                            </section>
                        }).collect_view()}
                        {s.report_url.map(|u| view! {
                            <p><a href=u>"Read the final report (PDF)"</a></p>
                        })}
                    }
                    .into_any()
                } else {
                    view! { <p class="notice">"This summary is no longer on the public pages. Ask the partnership's business office for a copy."</p> }.into_any()
                };
                view! {
                    <h1 tabindex="-1">{format!("Learning summary: {} ({})", s.item.title, s.item.review_reference)}</h1>
                    <p class="caption">{s.item.review_kind_label.clone()}</p>
                    <p>{when}</p>
                    {body}
                    <p><a href="/published">"Every published learning summary"</a></p>
                }
                .into_any()
            }
        })}
    }
}

/// Search the published learning: summaries and learning points, by words and theme.
#[component]
pub fn LibraryPage() -> impl IntoView {
    set_title("Learning library");
    let words = RwSignal::new(String::new());
    let theme = RwSignal::new(String::new());
    let themes = RwSignal::new(Vec::<String>::new());
    let answer = RwSignal::new(None::<Result<LibraryData, ApiError>>);
    let errors = crate::components::FormErrors::new();
    let search = move || {
        let text = |s: RwSignal<String>| Some(s.get_untracked()).filter(|v| !v.trim().is_empty());
        let variables = api::library_search::Variables {
            words: text(words),
            theme: text(theme),
            first: 30,
        };
        spawn_local(async move {
            let result = api::fetch::<api::LibrarySearch, LibraryData>(variables).await;
            if let Ok(d) = &result {
                themes.set(d.themes.clone());
            }
            answer.set(Some(result));
        });
    };
    search();
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        search();
    };
    let theme_options = move || {
        themes
            .get()
            .into_iter()
            .map(|t| (t.clone(), t))
            .collect::<Vec<_>>()
    };
    view! {
        <h1 tabindex="-1">"Learning library"</h1>
        <p>"What the partnership's published reviews found: their learning summaries and learning points, with names removed."</p>
        <form class="row-card" role="search" on:submit=submit aria-label="Search the learning">
            <TextField id="library-words" label="Words" hint="For example: strategy discussion, bruising, neglect" value=words errors=errors />
            {move || {
                let options = theme_options();
                view! { <SelectField id="library-theme" label="Theme" value=theme options=options errors=errors blank="Any theme" /> }
            }}
            <button type="submit" class="button">"Search"</button>
        </form>
        <div role="status" aria-live="polite">
            {move || match answer.get() {
                Some(Ok(d)) => {
                    let n = d.hits.len();
                    view! { <p class="lead">{if n == 1 { "1 result".to_string() } else { format!("{n} results") }}</p> }.into_any()
                }
                _ => ().into_any(),
            }}
        </div>
        {move || states(answer.get(), |d| view! {
            <ul class="published-list">
                {d.hits.into_iter().map(|h| {
                    let kind = if h.kind == "SUMMARY" { "Learning summary" } else { "Learning point" };
                    let href = format!("/published/{}", h.summary_id);
                    view! {
                        <li class="row-card">
                            <p class="caption">{format!("{kind} · {}", h.review_reference)}</p>
                            <h2><a href=href>{h.title}</a></h2>
                            <p>{h.excerpt}</p>
                            {(!h.themes.is_empty()).then(|| view! { <p class="caption">{format!("Themes: {}", h.themes.join(", "))}</p> })}
                        </li>
                    }
                }).collect_view()}
            </ul>
        })}
    }
}
