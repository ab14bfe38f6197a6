//! Uploading the partnership's chronology template (CSV): check it, see the rows or the
//! problems, then replace the return's entries with them.

use super::{use_ctx, Notice};
use crate::api::{self, data::ImportRow as Row};
use crate::components::{focus_by_id, read_chosen_file, DataTable, ErrorSummary, FormSubmit};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;

const FILE: &str = "import-file";

#[component]
pub fn Import() -> impl IntoView {
    let ctx = use_ctx();
    let form = FormSubmit::new();
    let FormSubmit { errors, pending } = form;
    let preview = RwSignal::new(None::<(String, String, Vec<Row>)>);
    let notice = RwSignal::new(None::<String>);
    let return_id = move || {
        ctx.own
            .with_untracked(|o| o.as_ref().map(|r| r.id.clone()).unwrap_or_default())
    };
    let check = move |ev: SubmitEvent| {
        if !form.begin(&ev) {
            return;
        }
        preview.set(None);
        notice.set(None);
        let started = read_chosen_file(FILE, move |file_name, content_base64| {
            let variables = api::preview_chronology_import::Variables {
                return_id: return_id(),
                file_name: file_name.clone(),
                content_base64: content_base64.clone(),
            };
            form.send(
                api::fetch::<api::PreviewChronologyImport, api::data::PreviewData>(variables),
                |f| (FILE.to_string(), f.to_string()),
                move |d| {
                    let p = d.preview_chronology_import;
                    if p.ok {
                        preview.set(Some((file_name, content_base64, p.entries)));
                        request_animation_frame(|| focus_by_id("import-preview-title"));
                    } else {
                        for problem in &p.problems {
                            let column = problem
                                .column
                                .as_deref()
                                .map(|c| format!(", {c}"))
                                .unwrap_or_default();
                            errors.push(
                                FILE,
                                format!("Row {}{column}: {}", problem.row, problem.message),
                            );
                        }
                        if !errors.report_found() {
                            errors.show_message("The file could not be read.", None);
                        }
                    }
                },
            );
        });
        if !started {
            errors.push(FILE, "Select a CSV file");
            errors.report_found();
        }
    };
    let confirm = move |_| {
        let Some((file_name, content_base64, _)) = preview.get_untracked() else {
            return;
        };
        let variables = api::confirm_chronology_import::Variables {
            return_id: return_id(),
            file_name,
            content_base64,
        };
        errors.clear();
        form.send(
            api::send::<api::ConfirmChronologyImport>(variables),
            |f| (FILE.to_string(), f.to_string()),
            move |d| {
                preview.set(None);
                let n = d["confirmChronologyImport"]["entryCount"]
                    .as_i64()
                    .unwrap_or_default();
                notice.set(Some(format!(
                    "Your entries were replaced with the file's {n} rows."
                )));
                spawn_local(ctx.reload());
            },
        );
    };
    let inline = move || {
        let n = errors.message(FILE).with(Option::is_some);
        n.then(|| {
            view! {
                <p class="error-message" id="import-file-error">
                    <span class="visually-hidden">"Error: "</span>
                    "The file has problems: see the list above."
                </p>
            }
        })
    };
    view! {
        <form class="row-card" on:submit=check novalidate=true aria-labelledby="import-title">
            <h3 id="import-title">"Upload a spreadsheet"</h3>
            <ErrorSummary errors=errors />
            <Notice text=notice />
            <div class="form-group" class:form-group-error=move || errors.message(FILE).with(Option::is_some)>
                <label class="label" for=FILE>
                    "CSV file"
                </label>
                <div class="hint" id="import-file-hint">
                    "The partnership's chronology template saved as CSV. Nothing changes until you confirm the rows."
                </div>
                {inline}
                <input type="file" class="file" id=FILE name=FILE accept=".csv,text/csv" aria-describedby="import-file-hint" />
            </div>
            <button type="submit" class="button button-secondary" disabled=move || pending.get()>
                "Check the file"
            </button>
            {move || {
                preview
                    .get()
                    .map(|(name, _, rows)| {
                        let n = rows.len();
                        view! {
                            <h4 id="import-preview-title" tabindex="-1">
                                {format!("{n} rows in {name}")}
                            </h4>
                            <DataTable
                                caption="Rows as they will be saved"
                                columns=&["Row", "Date", "Time", "Source", "Type", "Event", "Shared with"]
                            >
                                {rows
                                    .into_iter()
                                    .map(|r| {
                                        view! {
                                            <tr>
                                                <th scope="row">{r.row}</th>
                                                <td>{r.start_date}</td>
                                                <td>{r.start_time.unwrap_or_default()}</td>
                                                <td>{r.source}{r.note.then_some(" (author's note)")}</td>
                                                <td>{r.event_type.unwrap_or_default()}</td>
                                                <td class="pre">{r.event}</td>
                                                <td>{r.shared_with.join(", ")}</td>
                                            </tr>
                                        }
                                    })
                                    .collect_view()}
                            </DataTable>
                            <div class="button-group">
                                <button type="button" class="button" on:click=confirm disabled=move || pending.get()>
                                    {format!("Replace my entries with these {n} rows")}
                                </button>
                                <button type="button" class="button button-secondary" on:click=move |_| preview.set(None)>
                                    "Cancel"
                                </button>
                            </div>
                        }
                    })
            }}
        </form>
    }
}
