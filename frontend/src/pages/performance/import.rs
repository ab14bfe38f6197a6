//! Importing values from a spreadsheet (CSV or XLSX): the server checks the whole file and
//! records it all or refuses it all, naming every problem by row and column; the page lists
//! them in the error summary, or says how many values were added and replaced.

use crate::api::{self, ImportIndicatorValues};
use crate::components::{read_chosen_file, ErrorSummary, FormSubmit};
use crate::pages::chronology::Notice;
use crate::session::Session;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use shared::auth::Role;
use shared::performance::import::template_rows;
use shared::spreadsheet::csv_line;

const FILE: &str = "import-values-file";

/// Whether the signed-in person may record values (the office any, a lead its agency's).
pub fn may_import(session: Session) -> bool {
    session.is_office() || session.has(Role::AgencyLead)
}

/// A field the server names (`row 3, Period`, `file`, `contentBase64`) as the summary's
/// link to the file input and its words.
fn describe(field: &str) -> (String, String) {
    let label = match field {
        "file" | "contentBase64" => "The file:".to_string(),
        "fileName" => "The file's name".to_string(),
        other => {
            let mut chars = other.chars();
            match chars.next() {
                Some(first) => format!("{}{}:", first.to_uppercase(), chars.as_str()),
                None => String::new(),
            }
        }
    };
    (FILE.to_string(), label)
}

/// "2 values added and 1 replaced, for 2 indicators."
fn imported(added: i64, replaced: i64, indicators: i64) -> String {
    let values = |n: i64| if n == 1 { "value" } else { "values" };
    let of = if indicators == 1 {
        "1 indicator".to_string()
    } else {
        format!("{indicators} indicators")
    };
    format!(
        "Imported the file: {added} {} added and {replaced} replaced, for {of}.",
        values(added)
    )
}

/// The template to fill in, as a CSV link the browser saves without asking the server.
fn template_href() -> String {
    let csv: String = template_rows().iter().map(|r| csv_line(*r)).collect();
    format!(
        "data:text/csv;charset=utf-8,{}",
        String::from(js_sys::encode_uri_component(&csv))
    )
}

#[component]
pub fn ImportValues(on_imported: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    let form = FormSubmit::new();
    let FormSubmit { errors, pending } = form;
    let notice = RwSignal::new(None::<String>);
    let submit = move |ev: SubmitEvent| {
        if !form.begin(&ev) {
            return;
        }
        notice.set(None);
        let started = read_chosen_file(FILE, move |file_name, content_base64| {
            let variables = api::import_indicator_values::Variables {
                file_name,
                content_base64,
            };
            form.send(
                api::call::<ImportIndicatorValues>(variables),
                describe,
                move |d| {
                    let r = d.import_indicator_values;
                    notice.set(Some(imported(r.added, r.replaced, r.indicators)));
                    on_imported();
                },
            );
        });
        if !started {
            errors.push(FILE, "Select a CSV or Excel (XLSX) file");
            errors.report_found();
        }
    };
    let inline = move || {
        errors.message(FILE).with(Option::is_some).then(|| {
            view! {
                <p class="error-message" id="import-values-error">
                    <span class="visually-hidden">"Error: "</span>
                    "The file has problems: see the list above. Nothing was recorded."
                </p>
            }
        })
    };
    view! {
        <h2 id="import-values-heading">"Import values"</h2>
        <ErrorSummary errors=errors />
        <Notice text=notice />
        <form on:submit=submit novalidate=true aria-labelledby="import-values-heading">
            <div class="form-group" class:form-group-error=move || errors.message(FILE).with(Option::is_some)>
                <label class="label" for=FILE>"CSV or Excel (XLSX) file"</label>
                <div class="hint" id="import-values-hint">
                    "Three columns: Indicator (its name, as listed above, or its id), Period (2026-03 for a monthly indicator, 2026-Q1 for a quarterly one) and Value (a number, such as 21.5). The whole file is checked first: nothing is recorded unless every row is right. A period that has a value already gets the file's."
                </div>
                <p>
                    <a href=template_href() download="performance-values-template.csv">"Download the template (CSV)"</a>
                </p>
                {inline}
                <input type="file" class="file" id=FILE name=FILE accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" aria-describedby="import-values-hint" />
            </div>
            <button type="submit" class="button button-secondary" disabled=move || pending.get()>
                "Import values"
            </button>
            <p aria-live="polite" class="hint">
                {move || pending.get().then_some("Checking the file…")}
            </p>
        </form>
    }
}
