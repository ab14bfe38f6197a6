//! Distribution lists (kept by the business office) and sending a published learning
//! summary to them from the summary's page: each address once per summary, emailed by the
//! next reminder run when email is configured.

use crate::api;
use crate::components::{
    field_id, format_date_time, set_title, DataTable, ErrorSummary, FormSubmit, SelectField,
    TextArea, TextField,
};
use crate::pages::chronology::Notice;
use crate::pages::states;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;

type List = api::distribution_lists::DistributionListsDistributionLists;

/// The office's distribution lists: who each reaches, and the form to make or change one.
#[component]
pub fn DistributionListsPage() -> impl IntoView {
    set_title("Distribution lists");
    let notice = RwSignal::new(None::<String>);
    let editing = RwSignal::new(None::<List>);
    let data = LocalResource::new(|| async {
        api::call::<api::DistributionLists>(api::distribution_lists::Variables {}).await
    });
    let saved = move |text: String| {
        notice.set(Some(text));
        editing.set(None);
        data.refetch();
    };
    view! {
        <h1 tabindex="-1">"Distribution lists"</h1>
        <p>"The people a published learning summary is sent to, for example every school's designated safeguarding lead. Send a summary from its page once it is published: each address gets it once, whichever lists name it, by email when email is configured."</p>
        <Notice text=notice />
        {move || states(data.get(), move |d: api::distribution_lists::ResponseData| {
            view! {
                <ListCards lists=d.distribution_lists notice=notice editing=editing on_deleted=move || data.refetch() />
                {move || {
                    let start = editing.get();
                    view! { <ListForm start=start editing=editing on_saved=saved /> }
                }}
            }
        })}
    }
}

#[component]
fn ListCards(
    lists: Vec<List>,
    notice: RwSignal<Option<String>>,
    editing: RwSignal<Option<List>>,
    on_deleted: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    if lists.is_empty() {
        return view! { <p>"No distribution lists yet."</p> }.into_any();
    }
    lists
        .into_iter()
        .map(|l| {
            let change = l.clone();
            let (id, version, name) = (l.id.clone(), l.version, l.name.clone());
            let delete = move |_| {
                let (id, name) = (id.clone(), name.clone());
                spawn_local(async move {
                    match api::call::<api::DeleteDistributionList>(
                        api::delete_distribution_list::Variables { id, version },
                    )
                    .await
                    {
                        Ok(_) => {
                            notice.set(Some(format!("Deleted the list “{name}”. What was sent through it stays recorded.")));
                            on_deleted();
                        }
                        Err(e) => notice.set(Some(e.explain())),
                    }
                });
            };
            let count = l.recipients.len();
            let people = l
                .recipients
                .iter()
                .map(|r| {
                    let text = if r.name.is_empty() {
                        r.email.clone()
                    } else {
                        format!("{} ({})", r.name, r.email)
                    };
                    view! { <li>{text}</li> }
                })
                .collect_view();
            view! {
                <section class="row-card" aria-label=l.name.clone()>
                    <h2>{l.name.clone()}</h2>
                    {(!l.description.is_empty()).then(|| view! { <p class="justification">{l.description.clone()}</p> })}
                    <details>
                        <summary>{format!("{count} {}", if count == 1 { "recipient" } else { "recipients" })}</summary>
                        <ul class="list">{people}</ul>
                    </details>
                    <div class="button-group">
                        <crate::components::ChangeButton editing=editing item=change.clone() form_heading="list-form-heading" what=format!("the list {}", l.name) />
                        <button type="button" class="button button-warning" on:click=delete>
                            "Delete" <span class="visually-hidden">{format!(" the list {}", l.name)}</span>
                        </button>
                    </div>
                </section>
            }
        })
        .collect_view()
        .into_any()
}

fn describe_list(field: &str) -> (String, String) {
    let label = match field {
        "name" => "Name",
        "description" => "Who it reaches",
        "recipients" => "Recipients",
        other => other,
    };
    (format!("list-{}", field_id(field)), label.to_string())
}

#[component]
fn ListForm(
    start: Option<List>,
    editing: RwSignal<Option<List>>,
    on_saved: impl Fn(String) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let form = FormSubmit::new();
    let FormSubmit { errors, pending } = form;
    let field =
        |read: fn(&List) -> String| RwSignal::new(start.as_ref().map(read).unwrap_or_default());
    let name = field(|l| l.name.clone());
    let description = field(|l| l.description.clone());
    let recipients = field(|l| l.recipients_text.clone());
    let target = StoredValue::new(start.as_ref().map(|l| (l.id.clone(), l.version)));
    let editing_now = start.is_some();
    let heading = match &start {
        Some(l) => format!("Change the list “{}”", l.name),
        None => "Make a distribution list".to_string(),
    };
    let submit = move |ev: SubmitEvent| {
        if !form.begin(&ev) {
            return;
        }
        let label = name.get_untracked().trim().to_string();
        macro_rules! list_input {
            ($op:ident) => {
                api::$op::DistributionListInput {
                    name: name.get_untracked(),
                    description: description.get_untracked(),
                    recipients: recipients.get_untracked(),
                }
            };
        }
        let request = async move {
            match target.get_value() {
                None => api::call::<api::CreateDistributionList>(
                    api::create_distribution_list::Variables {
                        input: list_input!(create_distribution_list),
                    },
                )
                .await
                .map(|_| ()),
                Some((id, version)) => api::call::<api::UpdateDistributionList>(
                    api::update_distribution_list::Variables {
                        id,
                        version,
                        input: list_input!(update_distribution_list),
                    },
                )
                .await
                .map(|_| ()),
            }
        };
        form.send(request, describe_list, move |()| {
            for s in [name, description, recipients] {
                s.set(String::new());
            }
            on_saved(if editing_now {
                format!("Saved the list “{label}”.")
            } else {
                format!("Made the list “{label}”.")
            });
        });
    };
    view! {
        <form class="form" on:submit=submit novalidate aria-labelledby="list-form-heading">
            <h2 id="list-form-heading" tabindex="-1">{heading}</h2>
            <ErrorSummary errors=errors />
            <TextField id="list-name" label="Name" value=name errors=errors hint="For example: Schools' designated safeguarding leads" />
            <TextArea id="list-description" label="Who it reaches" value=description errors=errors rows=2 hint="Optional." />
            <TextArea id="list-recipients" label="Recipients" value=recipients errors=errors rows=8 hint="One per line: Name <address>, or the address alone. A column pasted from a spreadsheet works." />
            <div class="button-group">
                <button type="submit" class="button" disabled=move || pending.get()>
                    {if editing_now { "Save the list" } else { "Make the list" }}
                </button>
                {editing_now.then(|| view! {
                    <button type="button" class="button button-secondary" on:click=move |_| editing.set(None)>"Cancel"</button>
                })}
            </div>
        </form>
    }
}

/// On a published summary's page, for the business office: send it to a list, and who it
/// was sent to.
#[component]
pub fn SendSummary(summary_id: String) -> impl IntoView {
    let id = StoredValue::new(summary_id);
    let notice = RwSignal::new(None::<String>);
    let data = LocalResource::new(move || async move {
        api::call::<api::SummarySending>(api::summary_sending::Variables {
            summary_id: id.get_value(),
        })
        .await
    });
    view! {
        <section aria-labelledby="send-title" class="row-card">
            <h2 id="send-title">"Send to a distribution list"</h2>
            <Notice text=notice />
            {move || states(data.get(), move |d: api::summary_sending::ResponseData| {
                let options: Vec<(String, String)> = d
                    .distribution_lists
                    .iter()
                    .map(|l| (l.id.clone(), format!("{} ({} recipients)", l.name, l.recipients.len())))
                    .collect();
                let form = if options.is_empty() {
                    view! { <p>"No distribution lists yet: " <a href="/distribution-lists">"make one"</a> "."</p> }.into_any()
                } else {
                    view! { <SendForm summary_id=id.get_value() options=options notice=notice on_sent=move || data.refetch() /> }.into_any()
                };
                let sent = d.learning_summary_sendings;
                let table = if sent.is_empty() {
                    view! { <p>"Not sent to anyone yet."</p> }.into_any()
                } else {
                    let waiting = sent.iter().filter(|s| s.emailed_at.is_none()).count();
                    view! {
                        {(waiting > 0).then(|| view! {
                            <p>{format!("{waiting} not emailed yet: emails go out with the next reminder run when email is configured.")}</p>
                        })}
                        <DataTable caption="Who it was sent to" columns=&["Recipient", "List", "Recorded", "Emailed"]>
                            {sent.into_iter().map(|s| {
                                let who = if s.name.is_empty() { s.email.clone() } else { format!("{} ({})", s.name, s.email) };
                                view! {
                                    <tr>
                                        <th scope="row">{who}</th>
                                        <td>{s.list_name}</td>
                                        <td>{format_date_time(&s.recorded_at)}</td>
                                        <td>{s.emailed_at.as_deref().map_or("Not yet".to_string(), format_date_time)}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </DataTable>
                    }
                    .into_any()
                };
                view! { {form} {table} }
            })}
        </section>
    }
}

#[component]
fn SendForm(
    summary_id: String,
    options: Vec<(String, String)>,
    notice: RwSignal<Option<String>>,
    on_sent: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let form = FormSubmit::new();
    let FormSubmit { errors, pending } = form;
    let list = RwSignal::new(String::new());
    let id = StoredValue::new(summary_id);
    let submit = move |ev: SubmitEvent| {
        if !form.begin(&ev) {
            return;
        }
        let request =
            api::call::<api::SendLearningSummary>(api::send_learning_summary::Variables {
                summary_id: id.get_value(),
                list_id: list.get_untracked(),
            });
        form.send(
            request,
            |field| match field {
                "listId" => ("send-list".to_string(), "List".to_string()),
                other => (format!("send-{}", field_id(other)), other.to_string()),
            },
            move |d| {
                let r = d.send_learning_summary;
                notice.set(Some(format!(
                    "Sent to {} {}; {} had it already.",
                    r.recorded,
                    if r.recorded == 1 {
                        "recipient"
                    } else {
                        "recipients"
                    },
                    r.already_sent
                )));
                on_sent();
            },
        );
    };
    view! {
        <form class="form" on:submit=submit novalidate aria-labelledby="send-title">
            <ErrorSummary errors=errors />
            <SelectField id="send-list" label="List" value=list options=options errors=errors blank="Choose a list" hint="Each address on it that has not had this summary gets it once." />
            <button type="submit" class="button" disabled=move || pending.get()>"Send the summary"</button>
        </form>
    }
}
