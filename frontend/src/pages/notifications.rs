//! The person's reminders: actions they own that are due soon or overdue (made by the
//! reminder job; the same ones go by email when the partnership has set email up). Each
//! names the action by reference and title only, and can be marked as read.

use crate::api::data::{NotificationItem, NotificationsData};
use crate::api::{self, ApiError, MarkNotificationRead, MyNotifications};
use crate::components::{format_date, format_date_time, set_title, Checkbox, DataTable};
use crate::pages::chronology::Notice;
use crate::pages::states;
use leptos::prelude::*;
use leptos::task::spawn_local;

#[component]
pub fn NotificationsPage() -> impl IntoView {
    set_title("Notifications");
    let unread_only = RwSignal::new(false);
    let list = RwSignal::new(None::<Result<Vec<NotificationItem>, ApiError>>);
    let notice = RwSignal::new(None::<String>);
    let unread = use_context::<Unread>();
    let load = move || {
        let variables = api::my_notifications::Variables {
            unread_only: unread_only.get_untracked(),
        };
        spawn_local(async move {
            let answer = api::fetch::<MyNotifications, NotificationsData>(variables).await;
            list.set(Some(answer.map(|d| d.notifications)));
        });
    };
    Effect::new(move |_| {
        unread_only.track();
        load();
    });
    let mark = move |id: String, reference: String| {
        spawn_local(async move {
            match api::send::<MarkNotificationRead>(api::mark_notification_read::Variables { id })
                .await
            {
                Ok(_) => {
                    notice.set(Some(format!(
                        "The reminder about {reference} is marked as read."
                    )));
                    refresh_unread(unread);
                    load();
                }
                Err(e) => notice.set(Some(e.explain())),
            }
        });
    };
    view! {
        <h1 tabindex="-1">"Notifications"</h1>
        <p>"Reminders about actions you own: two weeks before the target date, and when an action is overdue."</p>
        <Checkbox id="unread-only" label="Unread only" checked=unread_only />
        <Notice text=notice />
        {move || states(list.get(), move |items| {
            if items.is_empty() {
                return view! { <p>"No notifications."</p> }.into_any();
            }
            let rows = items
                .into_iter()
                .map(|n| {
                    let what = if n.kind == "OVERDUE" { "Overdue" } else { "Due soon" };
                    let class = if n.kind == "OVERDUE" { "tag tag-overdue" } else { "tag tag-due-soon" };
                    let link = format!("/actions/{}", n.action.id);
                    let (id, reference) = (n.id.clone(), n.action.reference.clone());
                    let state = match &n.read_at {
                        Some(at) => view! { <span>{format!("Read {}", format_date_time(at))}</span> }.into_any(),
                        None => view! {
                            <button
                                type="button"
                                class="button button-secondary button-small"
                                on:click=move |_| mark(id.clone(), reference.clone())
                            >
                                {format!("Mark {} as read", n.action.reference)}
                            </button>
                        }
                        .into_any(),
                    };
                    view! {
                        <tr class:unread=n.read_at.is_none()>
                            <td>{format_date_time(&n.created_at)}</td>
                            <td><strong class=class>{what}</strong></td>
                            <td><a href=link>{format!("{} – {}", n.action.reference, n.action.title)}</a></td>
                            <td>{format_date(&n.action.target_date)}</td>
                            <td>{state}</td>
                        </tr>
                    }
                })
                .collect_view();
            view! {
                <DataTable caption="Your reminders, newest first" columns=&["When", "Reminder", "Action", "Target date", "Read"]>
                    {rows}
                </DataTable>
            }
            .into_any()
        })}
    }
}

/// How many of the person's reminders are unread (shown beside "Notifications").
#[derive(Clone, Copy)]
pub struct Unread(pub RwSignal<usize>);

/// Re-reads the unread count (after signing in, navigating, or marking one read).
pub fn refresh_unread(unread: Option<Unread>) {
    let Some(Unread(count)) = unread else {
        return;
    };
    spawn_local(async move {
        let variables = api::my_notifications::Variables { unread_only: true };
        if let Ok(d) = api::fetch_quietly::<MyNotifications, NotificationsData>(variables).await {
            count.set(d.notifications.len());
        }
    });
}

/// The navigation link, with the unread count when there are any.
#[component]
pub fn NotificationsLink() -> impl IntoView {
    let count = use_context::<Unread>().map(|u| u.0);
    view! {
        <leptos_router::components::A href="/notifications">
            "Notifications"
            {move || {
                count
                    .map(|c| c.get())
                    .filter(|n| *n > 0)
                    .map(|n| view! { <span class="count-badge">{format!(" ({n} unread)")}</span> })
            }}
        </leptos_router::components::A>
    }
}
