//! Live updates: one WebSocket per open page speaking graphql-transport-ws to
//! `/graphql/ws`, subscribed to one subscription (`reviewChanged` for a chronology,
//! `actionChanged` for the action plan). Each change arrives as its kind (ENTRY,
//! DUPLICATES, PRESENCE, ACTION…); the page re-reads what it shows. A dropped connection is
//! opened again after a pause that grows to 30 s, and announces RESYNC so the page catches up.
//! The server closes the connection with 4401 when the person is signed out (never opened
//! again: the page re-reads, and the failed read sends the person to sign in) and with 4001
//! when their access changed (opened again at once, as they are now).

use serde_json::{json, Value};
use shared::live::{CLOSE_ACCESS_CHANGED, CLOSE_SIGNED_OUT};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use web_sys::{CloseEvent, MessageEvent, WebSocket};

type OnChange = Rc<dyn Fn(String)>;

struct Inner {
    /// The subscription's request body (query and variables).
    payload: Value,
    /// The subscription's field in each event's data.
    field: &'static str,
    on_change: OnChange,
    socket: RefCell<Option<WebSocket>>,
    /// Set when the page closed: no more reconnecting.
    stopped: Cell<bool>,
    /// Failed attempts in a row (for the pause before the next).
    failures: Cell<u32>,
}

/// An open live connection; dropping it closes the connection for good.
pub struct Live(Rc<Inner>);

impl Drop for Live {
    fn drop(&mut self) {
        self.0.stopped.set(true);
        if let Some(socket) = self.0.socket.borrow_mut().take() {
            let _ = socket.close();
        }
    }
}

/// Watches a subscription (`payload`, as built by `GraphQLQuery::build_query`, whose events
/// carry `field`): `on_change` gets the kind of every change.
pub fn watch(payload: Value, field: &'static str, on_change: impl Fn(String) + 'static) -> Live {
    let inner = Rc::new(Inner {
        payload,
        field,
        on_change: Rc::new(on_change),
        socket: RefCell::new(None),
        stopped: Cell::new(false),
        failures: Cell::new(0),
    });
    connect(&inner);
    Live(inner)
}

fn address() -> Option<String> {
    let location = web_sys::window()?.location();
    let scheme = if location.protocol().ok()? == "https:" {
        "wss"
    } else {
        "ws"
    };
    Some(format!("{scheme}://{}/graphql/ws", location.host().ok()?))
}

fn connect(inner: &Rc<Inner>) {
    if inner.stopped.get() {
        return;
    }
    let Some(socket) =
        address().and_then(|a| WebSocket::new_with_str(&a, "graphql-transport-ws").ok())
    else {
        return;
    };
    let weak = Rc::downgrade(inner);
    let on_open = Closure::<dyn FnMut()>::new({
        let socket = socket.clone();
        move || {
            let _ = socket.send_with_str(&json!({ "type": "connection_init" }).to_string());
        }
    });
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new({
        let socket = socket.clone();
        let weak = weak.clone();
        move |event: MessageEvent| {
            let (Some(inner), Some(text)) = (weak.upgrade(), event.data().as_string()) else {
                return;
            };
            let Ok(message) = serde_json::from_str::<Value>(&text) else {
                return;
            };
            match message.get("type").and_then(Value::as_str) {
                Some("connection_ack") => {
                    let subscribe =
                        json!({ "id": "1", "type": "subscribe", "payload": inner.payload });
                    let _ = socket.send_with_str(&subscribe.to_string());
                    if inner.failures.replace(0) > 0 {
                        (inner.on_change)("RESYNC".into());
                    }
                }
                Some("ping") => {
                    let _ = socket.send_with_str(r#"{"type":"pong"}"#);
                }
                Some("next") => {
                    let kind = message["payload"]["data"][inner.field]["kind"]
                        .as_str()
                        .unwrap_or("RESYNC");
                    (inner.on_change)(kind.to_string());
                }
                _ => {}
            }
        }
    });
    let on_close = Closure::<dyn FnMut(CloseEvent)>::new(move |event: CloseEvent| {
        let Some(inner) = weak.upgrade() else {
            return;
        };
        if inner.stopped.get() {
            return;
        }
        match event.code() {
            CLOSE_SIGNED_OUT => {
                inner.stopped.set(true);
                (inner.on_change)("RESYNC".into());
                return;
            }
            CLOSE_ACCESS_CHANGED => {
                // Reconnect now; the page catches up once it is open again.
                inner.failures.set(1);
                connect(&inner);
                return;
            }
            _ => {}
        }
        let failures = inner.failures.get() + 1;
        inner.failures.set(failures);
        let pause = (1000 * 2_i32.pow(failures.min(5))).min(30_000);
        let again = Closure::once_into_js(move || connect(&inner));
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(
                again.unchecked_ref(),
                pause,
            );
        }
    });
    socket.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));
    // The socket owns its handlers for as long as it lives.
    on_open.forget();
    on_message.forget();
    on_close.forget();
    *inner.socket.borrow_mut() = Some(socket);
}
