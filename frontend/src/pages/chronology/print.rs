//! The integrated chronology on one printable page: every entry (no virtual scrolling), the
//! gaps between them and the flags, anonymised unless `?names=real` asks for real names.

use crate::api::{self, chronology as q, Chronology};
use crate::components::{format_date, set_title};
use crate::pages::{route_id, states};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn PrintPage() -> impl IntoView {
    set_title("Printable chronology");
    let id = route_id();
    let query = use_query_map();
    let named = Memo::new(move |_| query.with(|q| q.get("names").as_deref() == Some("real")));
    // An audit's case (each has its own chronology).
    let case = Memo::new(move |_| query.with(|q| q.get("case")));
    let data = LocalResource::new(move || {
        api::call::<Chronology>(q::Variables {
            id: id.get(),
            anonymised: !named.get(),
            // Every entry: the printable page is the whole chronology.
            first: None,
            case: case.get(),
        })
    });
    view! {
        {move || states(data.get(), move |d| {
            let review = d.review;
            let version = if named.get_untracked() {
                "Named version: contains real names. Handle as OFFICIAL-SENSITIVE."
            } else {
                "Anonymised version."
            };
            let back = format!("/reviews/{}/chronology", review.id);
            let case_label = case.get_untracked().and_then(|id| {
                review.audit_cases.iter().find(|c| c.id == id).map(|c| c.label.clone())
            });
            let body = match review.integrated_chronology {
                None => view! { <p>"You cannot see this review's integrated chronology."</p> }.into_any(),
                Some(c) => table(c).into_any(),
            };
            view! {
                <h1>{format!("Integrated chronology: {}", review.reference)}</h1>
                <p class="caption">{review.subject}</p>
                {case_label.map(|label| view! { <p><strong>{label}</strong></p> })}
                <p><strong>{version}</strong></p>
                <p class="no-print">
                    <button type="button" class="button" on:click=|_| { let _ = window().print(); }>"Print"</button>
                    <a href=back>"Back to the chronology"</a>
                </p>
                {body}
            }
        })}
    }
}

fn table(c: q::IntegratedData) -> impl IntoView {
    let mut group_of = std::collections::HashMap::new();
    for (g, d) in c.duplicate_groups.iter().enumerate() {
        if d.decision.as_deref() != Some("REJECTED") {
            for e in &d.entries {
                group_of.insert(e.clone(), g + 1);
            }
        }
    }
    let mut rows = Vec::new();
    let mut gap = 0;
    for e in &c.entries {
        while gap < c.gaps.len() && c.gaps[gap].before <= e.start_on {
            let g = &c.gaps[gap];
            rows.push(
                view! {
                    <tr class="gap-row">
                        <td colspan="8">
                            {format!("No contact for {} days ({} to {})", g.days, format_date(&g.after), format_date(&g.before))}
                        </td>
                    </tr>
                }
                .into_any(),
            );
            gap += 1;
        }
        let mut flags: Vec<String> = c
            .sharing
            .iter()
            .filter(|s| !s.confirmed && s.entry_id == e.id)
            .map(|s| format!("Sharing with {} not confirmed", s.with_prefix))
            .collect();
        if let Some(g) = group_of.get(&e.id) {
            flags.push(format!("Duplicate group {g}"));
        }
        let shared = e
            .shared_with
            .iter()
            .map(|a| a.prefix.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        rows.push(
            view! {
                <tr>
                    <td>{e.start_date.clone()}</td>
                    <td>{e.start_time.clone().unwrap_or_default()}</td>
                    <td>{e.agency.prefix.clone()}</td>
                    <td>{e.event_type.clone().unwrap_or_default()}</td>
                    <td class="pre">{e.event.clone()}</td>
                    <td class="pre">{e.action_taken.clone().unwrap_or_default()}</td>
                    <td>{shared}</td>
                    <td>{flags.join("; ")}</td>
                </tr>
            }
            .into_any(),
        );
    }
    view! {
        <table class="print-table">
            <caption>{format!("{} entries in date order", c.entries.len())}</caption>
            <thead>
                <tr>
                    {["Date", "Time", "Agency", "Event type", "What happened", "Action taken", "Shared with", "Flags"]
                        .iter()
                        .map(|h| view! { <th scope="col">{*h}</th> })
                        .collect_view()}
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
}
