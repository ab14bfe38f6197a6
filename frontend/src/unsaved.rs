//! Nothing lost. Forms with text that is not saved say so ([`track`]); leaving the page
//! then asks first (a link inside the app, reloading, closing the tab). Long text being
//! written (the learning summary) is also kept in this tab's session storage until it is
//! saved ([`Drafts`]), so a reload, a crash or the browser's Back button does not lose it.
//! A panic does not leave a dead page: [`install_panic_hook`] logs it and shows a message
//! with a way to reload.

use leptos::prelude::*;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// The question asked before leaving a page with text that is not saved.
pub const LEAVE_QUESTION: &str =
    "You have changes that are not saved. Leave this page and lose them?";

thread_local! {
    static DIRTY: RefCell<HashMap<u64, Signal<bool>>> = RefCell::new(HashMap::new());
    static NEXT: Cell<u64> = const { Cell::new(0) };
}

/// Registers a form's "has text that is not saved" for as long as the calling component
/// lives.
pub fn track(dirty: impl Fn() -> bool + Send + Sync + 'static) {
    let id = NEXT.with(|n| {
        let id = n.get();
        n.set(id + 1);
        id
    });
    let dirty = Signal::derive(dirty);
    DIRTY.with(|d| d.borrow_mut().insert(id, dirty));
    on_cleanup(move || {
        DIRTY.with(|d| d.borrow_mut().remove(&id));
    });
}

/// Registers a text box that is not saved while anything is typed in it (a comment, an
/// answer, an annotation).
pub fn track_typed(text: RwSignal<String>) {
    track(move || text.try_with_untracked(|t| !t.trim().is_empty()) == Some(true));
}

/// Whether any form on the page has text that is not saved.
pub fn any() -> bool {
    DIRTY.with(|d| {
        d.borrow()
            .values()
            .any(|s| s.try_get_untracked().unwrap_or(false))
    })
}

/// Asks before leaving when something is not saved; true when the person may go on.
pub fn may_leave() -> bool {
    !any()
        || window()
            .confirm_with_message(LEAVE_QUESTION)
            .unwrap_or(true)
}

/// Installs the questions on leaving: once, for the whole app.
pub fn install_leave_guard() {
    let w = window();
    // Reloading, closing the tab, or an address typed: the browser's own question.
    let unload = Closure::<dyn Fn(web_sys::Event)>::new(|ev: web_sys::Event| {
        if any() {
            ev.prevent_default();
            if let Some(ev) = ev.dyn_ref::<web_sys::BeforeUnloadEvent>() {
                ev.set_return_value(LEAVE_QUESTION);
            }
        }
    });
    let _ = w.add_event_listener_with_callback("beforeunload", unload.as_ref().unchecked_ref());
    unload.forget();
    // A link to another page of the app: asked before the router sees the click (this
    // listener captures on the window, ahead of everything else).
    let click = Closure::<dyn Fn(web_sys::MouseEvent)>::new(|ev: web_sys::MouseEvent| {
        if ev.default_prevented() || ev.button() != 0 || !any() {
            return;
        }
        if ev.ctrl_key() || ev.meta_key() || ev.shift_key() || ev.alt_key() {
            return; // a new tab or window: this page stays
        }
        let Some(link) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|e| e.closest("a[href]").ok().flatten())
        else {
            return;
        };
        if link.has_attribute("download")
            || link
                .get_attribute("target")
                .is_some_and(|t| t != "_self" && !t.is_empty())
        {
            return;
        }
        if !leaves_the_page(&link.get_attribute("href").unwrap_or_default()) {
            return;
        }
        if !window()
            .confirm_with_message(LEAVE_QUESTION)
            .unwrap_or(true)
        {
            ev.prevent_default();
            ev.stop_immediate_propagation();
        }
    });
    let options = web_sys::AddEventListenerOptions::new();
    options.set_capture(true);
    let _ = w.add_event_listener_with_callback_and_add_event_listener_options(
        "click",
        click.as_ref().unchecked_ref(),
        &options,
    );
    click.forget();
}

/// Whether following `href` leaves the current page (a link to a place on the same page,
/// such as "Skip to main content", does not).
fn leaves_the_page(href: &str) -> bool {
    if href.starts_with('#') {
        return false;
    }
    let here = window().location();
    let path = here.pathname().unwrap_or_default();
    let search = here.search().unwrap_or_default();
    let target = href.split('#').next().unwrap_or_default();
    target != path && target != format!("{path}{search}")
}

/// Text being written, kept in this tab's session storage until it is saved. Session
/// storage belongs to the tab: it is gone when the tab is closed, and signing out clears it.
pub struct Drafts;

impl Drafts {
    fn storage() -> Option<web_sys::Storage> {
        window().session_storage().ok().flatten()
    }

    fn key(place: &str) -> String {
        format!("lp-draft:{place}")
    }

    /// The kept text of `place`, with the version it was written on.
    pub fn read(place: &str) -> Option<(String, i64)> {
        let raw = Self::storage()?.get_item(&Self::key(place)).ok()??;
        serde_json::from_str(&raw).ok()
    }

    pub fn write(place: &str, text: &str, version: i64) {
        if let (Some(s), Ok(raw)) = (Self::storage(), serde_json::to_string(&(text, version))) {
            // Full storage only means the text is not kept across a reload.
            let _ = s.set_item(&Self::key(place), &raw);
        }
    }

    pub fn forget(place: &str) {
        if let Some(s) = Self::storage() {
            let _ = s.remove_item(&Self::key(place));
        }
    }

    /// Forgets every kept text (on signing out).
    pub fn forget_all() {
        if let Some(s) = Self::storage() {
            let _ = s.clear();
        }
    }
}

/// On a panic: the message to the browser's console, and on the page an alert that says
/// what happened and offers a reload (a plain link, which works even if the app cannot).
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        // With where it happened, for a report (function names when the build keeps them).
        if let Ok(error) = js_sys::Reflect::get(&js_sys::global(), &"Error".into()) {
            let _ = js_sys::Reflect::set(&error, &"stackTraceLimit".into(), &40.into());
        }
        let stack =
            js_sys::Reflect::get(&js_sys::Error::new(""), &"stack".into()).unwrap_or_default();
        web_sys::console::error_2(&format!("The app stopped: {info}").into(), &stack);
        show_crash_message();
    }));
}

fn show_crash_message() {
    let Some(document) = window().document() else {
        return;
    };
    if document.get_element_by_id("app-crashed").is_some() {
        return;
    }
    let Ok(panel) = document.create_element("div") else {
        return;
    };
    panel.set_id("app-crashed");
    panel.set_class_name("crash-message");
    let _ = panel.set_attribute("role", "alert");
    let here = window().location().href().unwrap_or_else(|_| "/".into());
    let escaped = here
        .replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;");
    panel.set_inner_html(&format!(
        "<h2>Sorry, something went wrong on this page</h2>\
         <p>Text you were writing in the learning summary is kept in this browser tab. \
         Anything else you had not saved may need typing again.</p>\
         <p><a href=\"{escaped}\" rel=\"external\">Reload the page</a></p>"
    ));
    if let Some(body) = document.body() {
        let _ = body.insert_before(&panel, body.first_child().as_ref());
    }
}
