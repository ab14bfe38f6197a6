//! The person's notifications: every item of work that needed them (a return asked for, a
//! question on their agency's entry, an action due, a statutory deadline, a summary to
//! approve…), made once by the reminder job from the same list as the home page's "What
//! needs you"; the same go by email when the partnership has set email up. Each names its
//! work by reference and date only, and can be marked as read.

use crate::api::my_notifications::MyNotificationsMyNotifications as NotificationItem;
use crate::api::{self, ApiError, MarkNotificationRead, MyNotifications};
use crate::components::{format_date, format_date_time, set_title, Checkbox, DataTable};
use crate::pages::chronology::Notice;
use crate::pages::states;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::work::Urgency;

/// The tag class of an item of work by its urgency code.
pub fn urgency_class(urgency: Option<Urgency>) -> &'static str {
    match urgency {
        Some(Urgency::Overdue) => "tag tag-overdue",
        Some(Urgency::DueSoon) => "tag tag-due-soon",
        Some(Urgency::Waiting) | None => "tag tag-due",
    }
}

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
            let answer = api::call::<MyNotifications>(variables).await;
            list.try_set(Some(answer.map(|d| d.my_notifications)));
        });
    };
    Effect::new(move |_| {
        unread_only.track();
        load();
    });
    let mark = move |id: String, title: String| {
        spawn_local(async move {
            match api::send::<MarkNotificationRead>(api::mark_notification_read::Variables { id })
                .await
            {
                Ok(_) => {
                    notice.try_set(Some(format!("“{title}” is marked as read.")));
                    refresh_unread(unread);
                    load();
                }
                Err(e) => {
                    notice.try_set(Some(e.explain()));
                }
            }
        });
    };
    view! {
        <h1 tabindex="-1">"Notifications"</h1>
        <p>
            "Everything that has needed you: chronology returns asked of your agency, questions on its entries, actions you own that are due soon or overdue, statutory deadlines, learning summaries to approve or with open comments, and publications ending. What still needs you is on the "
            <a href="/">"home page"</a>
            "."
        </p>
        <Checkbox id="unread-only" label="Unread only" checked=unread_only />
        <Notice text=notice />
        {move || states(list.get(), move |items| {
            if items.is_empty() {
                return view! {
                    <p>"No notifications. When something needs you, it appears here and on the home page, and by email if the partnership has set email up."</p>
                }
                .into_any();
            }
            let rows = items
                .into_iter()
                .map(|n| {
                    let urgency = n
                        .kind
                        .as_ref()
                        .and_then(|k| shared::work::WorkKind::from_code(&api::code_of(k)))
                        .map(shared::work::WorkKind::urgency);
                    let (id, title) = (n.id.clone(), n.title.clone());
                    let state = match &n.read_at {
                        Some(at) => view! { <span>{format!("Read {}", format_date_time(at))}</span> }.into_any(),
                        None => view! {
                            <button
                                type="button"
                                class="button button-secondary button-small"
                                on:click=move |_| mark(id.clone(), title.clone())
                            >
                                "Mark as read"
                                <span class="visually-hidden">{format!(": {}", n.title)}</span>
                            </button>
                        }
                        .into_any(),
                    };
                    view! {
                        <tr class:unread=n.read_at.is_none()>
                            <td>{format_date_time(&n.created_at)}</td>
                            <td><strong class=urgency_class(urgency)>{n.kind_label.clone()}</strong></td>
                            <td><a href=n.link.clone()>{n.title.clone()}</a></td>
                            <td>{n.due_on.as_deref().map_or_else(|| "—".to_string(), format_date)}</td>
                            <td>{state}</td>
                        </tr>
                    }
                })
                .collect_view();
            view! {
                <DataTable caption="Your notifications, newest first" columns=&["When", "What", "About", "Due", "Read"]>
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
        if let Ok(d) = api::call_quietly::<MyNotifications>(variables).await {
            count.try_set(d.my_notifications.len());
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
