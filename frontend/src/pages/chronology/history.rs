//! An entry's history: every saved version, newest first, with who saved it and what
//! changed from the version before.

use super::entry::Field;
use crate::api;
use crate::components::format_date_time;
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::Value;

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Array(l) => l
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(", "),
        _ => String::new(),
    }
}

fn change_words(change: &str) -> &str {
    match change {
        "create" => "Added",
        "update" => "Changed",
        "delete" => "Deleted",
        "import" => "Imported",
        other => other,
    }
}

#[component]
pub fn EntryHistory(entry_id: String) -> impl IntoView {
    let versions = RwSignal::new(None::<Result<Vec<Value>, String>>);
    // The fields of the entry form, the case only in an audit (shown by its label).
    let ctx = super::use_ctx();
    let audit = ctx.cases.with_value(|c| !c.is_empty());
    let shown = move |f: &Field| *f != Field::Case || audit;
    let words = move |f: Field, v: &Value| {
        let text = text(v);
        match f {
            Field::Case => ctx.case_label(&text).unwrap_or(text),
            _ => text,
        }
    };
    let entry_id = StoredValue::new(entry_id);
    let show = move |_| {
        spawn_local(async move {
            let variables = api::entry_history::Variables {
                id: entry_id.get_value(),
            };
            let loaded = api::send::<api::EntryHistory>(variables)
                .await
                .map(|d| {
                    d["chronologyEntry"]["history"]
                        .as_array()
                        .cloned()
                        .unwrap_or_default()
                })
                .map_err(|e| e.explain());
            versions.set(Some(loaded));
        });
    };
    view! {
        <h4>"History"</h4>
        {move || match versions.get() {
            None => view! {
                <button type="button" class="button button-secondary button-small" on:click=show>
                    "Show every saved version"
                </button>
            }
                .into_any(),
            Some(Err(e)) => view! { <p class="error-message">{e}</p> }.into_any(),
            Some(Ok(list)) => {
                let rows = list
                    .iter()
                    .enumerate()
                    .map(|(i, v)| {
                        let older = list.get(i + 1);
                        let who = v["changedBy"].as_str().unwrap_or("The system").to_string();
                        let when = format_date_time(v["changedAt"].as_str().unwrap_or_default());
                        let fields = Field::ALL
                            .iter()
                            .filter(|f| shown(f))
                            .map(|&f| {
                                let now = words(f, &v[f.key()]);
                                let changed = older.is_some_and(|o| words(f, &o[f.key()]) != now);
                                view! {
                                    <dt>{f.label()}</dt>
                                    <dd class="pre" class:changed=changed>
                                        {if now.is_empty() { "—".to_string() } else { now }}
                                        {changed.then(|| view! { <strong class="tag tag-due">" changed"</strong> })}
                                    </dd>
                                }
                            })
                            .collect_view();
                        view! {
                            <li>
                                <p>
                                    <strong>{format!("Version {}", v["version"].as_i64().unwrap_or_default())}</strong>
                                    {format!(": {} by {who}, {when}", change_words(v["change"].as_str().unwrap_or_default()))}
                                </p>
                                <dl class="summary-list">{fields}</dl>
                            </li>
                        }
                    })
                    .collect_view();
                view! { <ol class="plain-list history">{rows}</ol> }.into_any()
            }
        }}
    }
}
