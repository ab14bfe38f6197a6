//! Building blocks shared by every page: page chrome helpers, states, tags, form fields and
//! the error summary.

mod asking;
mod confirm;
mod drafts;
mod fields;
mod format;
mod person_search;

pub use asking::*;
pub use confirm::*;
pub use drafts::*;
pub use fields::*;
pub use format::*;
pub use person_search::*;

use crate::api::{ApiError, ErrorCode};
use crate::session::use_session;
use leptos::prelude::*;
use shared::reviews::MilestoneState;

/// Sets the browser tab's title for the current page.
pub fn set_title(page: &str) {
    document().set_title(&format!("{page} – Learning and improvement platform"));
}

/// The file chosen in the file input `input_id`, as (name, base64 content), read with a
/// `FileReader`; false when none is chosen.
pub fn read_chosen_file(input_id: &str, done: impl FnOnce(String, String) + 'static) -> bool {
    use wasm_bindgen::JsCast;
    let Some(file) = document()
        .get_element_by_id(input_id)
        .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok())
        .and_then(|input| input.files())
        .and_then(|files| files.get(0))
    else {
        return false;
    };
    let Ok(reader) = web_sys::FileReader::new() else {
        return false;
    };
    let name = file.name();
    let result = reader.clone();
    let loaded = wasm_bindgen::closure::Closure::once_into_js(move || {
        let url = result
            .result()
            .ok()
            .and_then(|v| v.as_string())
            .unwrap_or_default();
        let content = url
            .split_once(',')
            .map(|(_, b)| b.to_string())
            .unwrap_or_default();
        done(name, content);
    });
    reader.set_onloadend(Some(loaded.unchecked_ref()));
    reader.read_as_data_url(&file).is_ok()
}

/// Hands a file to the browser's download (from its base64 content).
pub fn save_file(name: &str, media_type: &str, base64: &str) {
    use wasm_bindgen::JsCast;
    let link = document()
        .create_element("a")
        .ok()
        .and_then(|e| e.dyn_into::<web_sys::HtmlAnchorElement>().ok());
    if let Some(link) = link {
        link.set_href(&format!("data:{media_type};base64,{base64}"));
        link.set_download(name);
        link.click();
    }
}

/// Hands a file the API answered (`ExportFile`: `fileName`, `mediaType`, `contentBase64`)
/// to the browser's download; its name (`fallback` when it has none).
pub fn save_export(file: &serde_json::Value, fallback: &str) -> String {
    let name = file["fileName"].as_str().unwrap_or(fallback).to_string();
    save_file(
        &name,
        file["mediaType"].as_str().unwrap_or_default(),
        file["contentBase64"].as_str().unwrap_or_default(),
    );
    name
}

/// "Loading…", announced politely.
#[component]
pub fn Loading() -> impl IntoView {
    view! { <p class="secondary" role="status" aria-live="polite">"Loading…"</p> }
}

/// An error that stopped a page from loading, with the correlation id to quote.
#[component]
pub fn ErrorPanel(error: ApiError) -> impl IntoView {
    let heading = match error.code {
        ErrorCode::NotFound => "Page not found",
        ErrorCode::Forbidden => "You cannot see this page",
        _ => "Sorry, there is a problem",
    };
    let text = if error.code == ErrorCode::NotFound {
        "If you typed the web address, check it is correct. If you followed a link, you may not have access to what it points to.".to_string()
    } else {
        error.explain()
    };
    view! {
        <div class="notice" role="alert">
            <h2>{heading}</h2>
            <p>{text}</p>
            <Correlation id=error.correlation_id />
        </div>
    }
}

/// "Quote this reference…" line for an error's correlation id.
#[component]
pub fn Correlation(id: Option<String>) -> impl IntoView {
    id.map(|id| {
        view! {
            <p class="correlation">"If you contact support, quote reference " <code>{id}</code></p>
        }
    })
}

/// A milestone's state as a coloured tag that always carries its text.
#[component]
pub fn StateTag(#[prop(into)] code: String) -> impl IntoView {
    let state = MilestoneState::from_code(&code);
    let class = match state {
        Some(MilestoneState::Overdue) => "tag tag-overdue",
        Some(MilestoneState::DueSoon) => "tag tag-due-soon",
        Some(MilestoneState::Due) => "tag tag-due",
        Some(MilestoneState::Met) => "tag tag-met",
        _ => "tag tag-awaiting",
    };
    let label = state.map_or(code.clone(), |s| s.label().to_string());
    view! { <strong class=class>{label}</strong> }
}

/// A link styled as a button that only the business office sees ("New review").
#[component]
pub fn OfficeButtonLink(href: &'static str, label: &'static str) -> impl IntoView {
    let session = use_session();
    view! {
        <Show when=move || session.is_office()>
            <ButtonLink href=href>{label}</ButtonLink>
        </Show>
    }
}

/// Whether an agency or account is in use, as a tag; `inactive` is the word for not.
#[component]
pub fn ActiveTag(active: bool, inactive: &'static str) -> impl IntoView {
    if active {
        view! { <strong class="tag tag-met">"Active"</strong> }
    } else {
        view! { <strong class="tag tag-inactive">{inactive}</strong> }
    }
}

/// An agency's colour swatch, always with its prefix in text.
#[component]
pub fn AgencyPrefix(#[prop(into)] prefix: String, #[prop(into)] colour: String) -> impl IntoView {
    view! {
        <span class="agency-prefix">
            <span class="swatch" aria-hidden="true" style=format!("background-color: {colour}")></span>
            {prefix}
        </span>
    }
}

/// `--col-1: "Name"; --col-2: "Email"` for a table's column headings, as CSS strings (what
/// `content: var(--col-1)` shows before a cell on a phone).
pub fn column_headings_style(columns: &[&str]) -> String {
    columns
        .iter()
        .enumerate()
        .filter(|(_, c)| !c.is_empty())
        .map(|(i, c)| {
            let text = c.replace('\\', "\\\\").replace('"', "\\\"");
            format!("--col-{}: \"{text}\";", i + 1)
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A link styled as a button.
#[component]
pub fn ButtonLink(
    #[prop(into)] href: String,
    children: Children,
    #[prop(optional)] secondary: bool,
) -> impl IntoView {
    let class = if secondary {
        "button button-secondary"
    } else {
        "button"
    };
    view! { <a class=class href=href>{children()}</a> }
}

/// A data table in its scrolling wrapper: a caption, one heading a column, and the rows
/// (`<tr>`s) as children. On a phone each row is a card, each cell led by its column's
/// heading: the headings are handed to the style sheet as `--col-1`, `--col-2`… on the table.
#[component]
pub fn DataTable(
    #[prop(into)] caption: String,
    columns: &'static [&'static str],
    /// For a wide table that scrolls on a phone: the wrapper takes the focus (named by the
    /// caption) so that it scrolls from the keyboard.
    #[prop(optional)]
    focusable: bool,
    children: Children,
) -> impl IntoView {
    let (tabindex, role, label) = if focusable {
        (Some("0"), Some("region"), Some(caption.clone()))
    } else {
        (None, None, None)
    };
    let headings = column_headings_style(columns);
    view! {
        <div class="table-wrap" tabindex=tabindex role=role aria-label=label>
            <table class="data-table" style=headings>
                <caption>{caption}</caption>
                <thead>
                    <tr>
                        {columns
                            .iter()
                            .map(|c| view! { <th scope="col">{*c}</th> })
                            .collect_view()}
                    </tr>
                </thead>
                <tbody>{children()}</tbody>
            </table>
        </div>
    }
}
