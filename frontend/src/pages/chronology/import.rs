//! Uploading the partnership's chronology template (CSV): check it, see the rows or the
//! problems, then replace the return's entries with them. The replacing runs on the server
//! as a background import (`startChronologyImport`); the page follows it
//! (`chronologyImportJob`, every 300 ms) and shows how many entries are stored, then the
//! result or what stopped it (nothing changes unless the whole file went in).

use super::{use_ctx, Ctx, Notice};
use crate::api::{self, data::ImportRow as Row, ApiError};
use crate::components::{
    ask, counted, focus_by_id, read_chosen_file, save_export, ConfirmPanel, DataTable,
    ErrorSummary, FormErrors, FormSubmit,
};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::Value;
use shared::spreadsheet::read::thousands;
use std::time::Duration;

const FILE: &str = "import-file";

/// How often a running import is asked how far it got.
const FOLLOW_EVERY: Duration = Duration::from_millis(300);

/// A background import as the page shows it.
struct Job {
    id: String,
    status: String,
    stored: usize,
    total: usize,
    error: Option<String>,
}

impl Job {
    fn from_json(v: &Value) -> Self {
        let count = |k: &str| {
            v[k].as_u64()
                .and_then(|n| usize::try_from(n).ok())
                .unwrap_or_default()
        };
        Self {
            id: v["id"].as_str().unwrap_or_default().to_owned(),
            status: v["status"].as_str().unwrap_or_default().to_owned(),
            stored: count("rowsStored"),
            total: count("rowsTotal"),
            error: v["errorMessage"].as_str().map(str::to_owned),
        }
    }
}

/// What following an import changes on the page.
#[derive(Clone, Copy)]
struct Following {
    ctx: Ctx,
    errors: FormErrors,
    running: RwSignal<bool>,
    progress: RwSignal<Option<(usize, usize)>>,
    preview: RwSignal<Option<(String, String, Vec<Row>)>>,
    notice: RwSignal<Option<String>>,
    /// What the import replaces (see [`Import`]).
    replaces: RwSignal<(i64, i64)>,
}

impl Following {
    fn stop(&self) {
        self.running.set(false);
        self.progress.set(None);
    }

    fn refused(&self, error: ApiError) {
        self.stop();
        self.errors
            .show(error, |f| (FILE.to_string(), f.to_string()));
    }

    /// Shows where the job stands; asks again later while it runs.
    fn follow(self, job: Job) {
        match job.status.as_str() {
            "DONE" => {
                self.stop();
                self.preview.set(None);
                let rows = match job.total {
                    1 => "1 row".to_string(),
                    n => format!("{} rows", thousands(n)),
                };
                self.notice.set(Some(match self.replaces.get_untracked().0 {
                    0 => format!("The file's {rows} are now your return's entries."),
                    1 => format!("Your 1 entry was replaced with the file's {rows}."),
                    n => format!("Your {n} entries were replaced with the file's {rows}."),
                }));
                spawn_local(self.ctx.reload());
            }
            "FAILED" => {
                self.stop();
                self.errors.show_message(
                    format!(
                        "The file was not imported, and your entries are unchanged: {}",
                        job.error.unwrap_or_default()
                    ),
                    None,
                );
            }
            _ => {
                self.progress.set(Some((job.stored, job.total)));
                let id = job.id;
                set_timeout(
                    move || {
                        spawn_local(async move {
                            let variables = api::chronology_import_job::Variables { id };
                            match api::send::<api::ChronologyImportJob>(variables).await {
                                Ok(d) => self.follow(Job::from_json(&d["chronologyImportJob"])),
                                Err(e) => self.refused(e),
                            }
                        });
                    },
                    FOLLOW_EVERY,
                );
            }
        }
    }
}

/// Rows of a checked file shown at a time.
const PREVIEW_PAGE: usize = 50;

/// The preview's columns; "Case" in an audit only.
const PREVIEW_COLUMNS: [&str; 13] = [
    "Row",
    "Seq",
    "Date",
    "Time",
    "End date",
    "End time",
    "Source",
    "Event type",
    "What happened",
    "Action taken",
    "Shared with",
    "Comment",
    "Case",
];

/// The rows of a checked file as they will be saved, every column, a page at a time.
#[component]
fn PreviewRows(rows: Vec<Row>, page: RwSignal<usize>) -> impl IntoView {
    let total = rows.len();
    let pages = total.div_ceil(PREVIEW_PAGE).max(1);
    let rows = StoredValue::new(rows);
    let go = move |to: usize| {
        page.set(to.min(pages - 1));
        request_animation_frame(|| focus_by_id("import-preview-range"));
    };
    let range = move || {
        let first = page.get() * PREVIEW_PAGE;
        format!(
            "Rows {} to {} of {}",
            thousands(first + 1),
            thousands((first + PREVIEW_PAGE).min(total)),
            thousands(total)
        )
    };
    // In an audit, the case each row names.
    let ctx = super::use_ctx();
    let audit = ctx.cases.with_value(|c| !c.is_empty());
    let case_label =
        move |id: Option<String>| id.and_then(|id| ctx.case_label(&id)).unwrap_or_default();
    let shown = move || {
        let first = page.get() * PREVIEW_PAGE;
        rows.with_value(|rows| {
            rows.iter()
                .skip(first)
                .take(PREVIEW_PAGE)
                .cloned()
                .map(|r| {
                    let or_blank = |v: Option<String>| v.unwrap_or_default();
                    view! {
                        <tr>
                            <th scope="row">{r.row}</th>
                            <td>{r.seq.map(|s| s.to_string()).unwrap_or_default()}</td>
                            <td>{r.start_date}</td>
                            <td>{or_blank(r.start_time)}</td>
                            <td>{or_blank(r.end_date)}</td>
                            <td>{or_blank(r.end_time)}</td>
                            <td>{r.source}{r.note.then_some(" (author's note)")}</td>
                            <td>{or_blank(r.event_type)}</td>
                            <td class="pre">{r.event}</td>
                            <td class="pre">{or_blank(r.action_taken)}</td>
                            <td>{r.shared_with.join(", ")}</td>
                            <td class="pre">{or_blank(r.practitioner_comment)}</td>
                            {audit.then(|| view! { <td>{case_label(r.case_id)}</td> })}
                        </tr>
                    }
                })
                .collect_view()
        })
    };
    view! {
        <p id="import-preview-range" tabindex="-1">{range}</p>
        <DataTable
            caption="Rows as they will be saved"
            focusable=true
            columns=if audit { &PREVIEW_COLUMNS } else { &PREVIEW_COLUMNS[..12] }
        >
            {shown}
        </DataTable>
        {(pages > 1).then(|| view! {
            <nav class="pagination" aria-label="Pages of rows">
                <button type="button" class="button button-secondary button-small" disabled=move || page.get() == 0 on:click=move |_| go(page.get_untracked().saturating_sub(1))>
                    "Previous rows"
                </button>
                <span>{move || format!("Page {} of {pages}", page.get() + 1)}</span>
                <button type="button" class="button button-secondary button-small" disabled=move || { page.get() + 1 >= pages } on:click=move |_| go(page.get_untracked() + 1)>
                    "Next rows"
                </button>
            </nav>
        })}
    }
}

/// The question before an import: how many entries it replaces with how many rows.
fn replace_question(entries: i64, rows: usize) -> String {
    let rows = counted(i64::try_from(rows).unwrap_or(i64::MAX), "row", "rows");
    if entries == 0 {
        format!("Add the file's {rows} to your return?")
    } else {
        format!(
            "Replace your {} with the file's {rows}?",
            counted(entries, "entry", "entries")
        )
    }
}

/// What the import does to the return's entries, typed ones named.
fn replace_details((entries, typed): (i64, i64), rows: usize) -> String {
    let rows = counted(i64::try_from(rows).unwrap_or(i64::MAX), "row", "rows");
    if entries == 0 {
        return format!("Your return has no entries yet: the file's {rows} become its entries.");
    }
    let all = if entries == 1 {
        "The 1 entry now in your return is deleted".to_string()
    } else {
        format!("All {entries} entries now in your return are deleted")
    };
    let typed = match typed {
        0 => " (none of them typed in the browser)".to_string(),
        n if n == entries && n == 1 => ", and it was typed in the browser".to_string(),
        n if n == entries => format!(", all {n} of them typed in the browser"),
        n => format!(
            ", including {} typed in the browser",
            counted(n, "entry", "entries")
        ),
    };
    let take = if rows == "1 row" { "takes" } else { "take" };
    format!("{all}{typed}, and the file's {rows} {take} their place. This cannot be undone.")
}

#[component]
pub fn Import() -> impl IntoView {
    let ctx = use_ctx();
    let form = FormSubmit::new();
    let FormSubmit { errors, pending } = form;
    let preview = RwSignal::new(None::<(String, String, Vec<Row>)>);
    // What importing the checked file replaces: the return's entries, and of them how many
    // were typed in the browser; and whether the question is open.
    let replaces = RwSignal::new((0_i64, 0_i64));
    let asking = RwSignal::new(false);
    let notice = RwSignal::new(None::<String>);
    let running = RwSignal::new(false);
    // The preview's page (from 0), PREVIEW_PAGE rows at a time.
    let page = RwSignal::new(0_usize);
    let progress = RwSignal::new(None::<(usize, usize)>);
    let following = Following {
        ctx,
        errors,
        running,
        progress,
        preview,
        notice,
        replaces,
    };
    let busy = move || pending.get() || running.get();
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
        page.set(0);
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
                        replaces.set((p.replaces_entries, p.replaces_typed_entries));
                        asking.set(false);
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
            errors.push(FILE, "Select a CSV or Excel (XLSX) file");
            errors.report_found();
        }
    };
    let confirm = move |()| {
        asking.set(false);
        if running.get_untracked() {
            return;
        }
        let Some((file_name, content_base64, rows)) = preview.get_untracked() else {
            return;
        };
        let variables = api::start_chronology_import::Variables {
            return_id: return_id(),
            file_name,
            content_base64,
        };
        errors.clear();
        notice.set(None);
        running.set(true);
        progress.set(Some((0, rows.len())));
        spawn_local(async move {
            match api::send::<api::StartChronologyImport>(variables).await {
                Ok(d) => following.follow(Job::from_json(&d["startChronologyImport"])),
                Err(e) => following.refused(e),
            }
        });
    };
    let progress_view = move || {
        progress.get().map(|(stored, total)| {
            let text = format!(
                "Stored {} of {} entries",
                thousands(stored),
                thousands(total)
            );
            view! {
                <div class="import-progress">
                    <progress id="import-progress" max=total value=stored aria-label="Entries stored"></progress>
                    <p aria-live="polite">{text}</p>
                </div>
            }
        })
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
                    "CSV or Excel (XLSX) file"
                </label>
                <div class="hint" id="import-file-hint">
                    "The partnership's chronology template, as an Excel workbook (.xlsx) or saved as CSV. Nothing changes until you confirm the rows."
                </div>
                <TemplateDownloads notice=notice />
                {inline}
                <input type="file" class="file" id=FILE name=FILE accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" aria-describedby="import-file-hint" />
            </div>
            <button type="submit" class="button button-secondary" disabled=busy>
                "Check the file"
            </button>
            <p aria-live="polite" class="hint">
                {move || pending.get().then_some("Checking the file… Nothing is saved yet.")}
            </p>
            {move || {
                preview
                    .get()
                    .map(|(name, _, rows)| {
                        let n = rows.len();
                        view! {
                            <h4 id="import-preview-title" tabindex="-1">
                                {format!("{} in {name}", counted(i64::try_from(n).unwrap_or(i64::MAX), "row", "rows"))}
                            </h4>
                            <PreviewRows rows=rows page=page />
                            <Show when=move || !asking.get()>
                                <div class="button-group">
                                    <button type="button" class="button" on:click=move |_| ask(asking, "confirm-import") disabled=busy>
                                        {if n == 1 {
                                            "Replace my entries with this 1 row".to_string()
                                        } else {
                                            format!("Replace my entries with these {n} rows")
                                        }}
                                    </button>
                                    <button type="button" class="button button-secondary" on:click=move |_| preview.set(None) disabled=busy>
                                        "Cancel"
                                    </button>
                                </div>
                            </Show>
                            <ConfirmPanel
                                id="confirm-import"
                                open=asking
                                level=4
                                question=Signal::derive(move || replace_question(replaces.get().0, n))
                                confirm="Yes, replace my entries"
                                destructive=true
                                on_confirm=Callback::new(confirm)
                            >
                                <p>{move || replace_details(replaces.get(), n)}</p>
                            </ConfirmPanel>
                            {progress_view}
                        }
                    })
            }}
        </form>
    }
}

/// The empty template to fill in, as an Excel workbook (with a guidance sheet) or CSV; what
/// happened is said in the form's `notice`.
#[component]
fn TemplateDownloads(notice: RwSignal<Option<String>>) -> impl IntoView {
    let pending = RwSignal::new(false);
    let download = move |format: &'static str| {
        if pending.get_untracked() {
            return;
        }
        pending.set(true);
        spawn_local(async move {
            let variables = api::chronology_template::Variables {
                format: crate::api::enum_from(format),
            };
            let result = api::send::<api::ChronologyTemplate>(variables).await;
            pending.set(false);
            match result {
                Ok(d) => {
                    let file = &d["chronologyTemplate"];
                    let name = save_export(file, "chronology-template");
                    notice.set(Some(format!("Downloaded {name}.")));
                }
                Err(e) => notice.set(Some(e.explain())),
            }
        });
    };
    view! {
        <p class="template-downloads">
            "The template: "
            <button type="button" class="link-button" on:click=move |_| download("XLSX") disabled=move || pending.get()>
                "Download it for Excel (XLSX, with guidance)"
            </button>
            " or "
            <button type="button" class="link-button" on:click=move |_| download("CSV") disabled=move || pending.get()>
                "as CSV"
            </button>
            "."
        </p>
    }
}
