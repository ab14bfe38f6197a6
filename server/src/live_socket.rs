//! The GraphQL WebSocket (`/graphql/ws`): live updates for the browser and integrations.
//!
//! A socket carries subscriptions only (queries and mutations go to `/graphql`), at most
//! [`MAX_SUBSCRIPTIONS`] at once, each bounded like a request on `/graphql`. It serves the
//! person (or API token) as they are now, not as they were when it opened: each
//! subscription starts with its caller resolved afresh, nothing is sent unless the caller
//! was confirmed within the last second, and the socket re-checks every
//! [`RECHECK_EVERY`] and at once when that person's access changes (sign-out, deactivation,
//! roles; see [`crate::events::AccessChange`]). A socket whose caller is gone is closed
//! with [`CLOSE_SIGNED_OUT`]; one whose caller's roles changed with
//! [`CLOSE_ACCESS_CHANGED`], so the browser opens a new one as the person is now.

use crate::app::{mask_errors, request_literals, Http};
use crate::context::{RequestContext, SignedIn};
use crate::events::AccessChange;
use crate::query_limits;
use async_graphql::http::{WebSocketProtocols, WsMessage};
use async_graphql::parser::types::OperationType;
use async_graphql::{Data, Executor, Request, Response, ServerError};
use axum::extract::ws::{CloseFrame, Message, WebSocket};
use futures_util::stream::{self, BoxStream, StreamExt};
use futures_util::SinkExt;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::{broadcast, watch};
use tower_sessions::Session;
use tracing::Instrument;

/// Subscriptions one socket may hold at once (the browser uses two or three).
pub const MAX_SUBSCRIPTIONS: usize = 16;
/// How often an idle socket checks that its caller is still signed in (session expiry).
pub const RECHECK_EVERY: Duration = Duration::from_secs(15);
/// How recent a check must be for an event to be sent without checking again.
const FRESH_FOR: Duration = Duration::from_secs(1);
pub use shared::live::{CLOSE_ACCESS_CHANGED, CLOSE_SIGNED_OUT};

/// How the socket's caller proved who they are on the handshake.
#[derive(Clone)]
pub enum Credential {
    /// A session cookie (possibly none, or naming no live session).
    Session(Session),
    /// `Authorization: Bearer …` with this secret.
    Bearer(String),
}

/// What one socket knows about its caller, shared by its subscriptions.
struct Caller {
    http: Http,
    credential: Credential,
    client_addr: String,
    /// Who the socket was opened for: (person, roles and agency, token).
    opened_as: Identity,
    checked_at: Mutex<Instant>,
    subscriptions: AtomicUsize,
    /// Set once, when the socket must close: the code and the reason.
    ended: watch::Sender<Option<(u16, &'static str)>>,
}

type Identity = Option<(shared::auth::Actor, Option<crate::api_tokens::Bearer>)>;

fn identity(rc: &RequestContext) -> Identity {
    rc.signed_in
        .as_ref()
        .map(|s| (s.actor.clone(), rc.bearer.clone()))
}

impl Caller {
    /// The caller resolved now, as a request context for one subscription.
    async fn context(&self) -> crate::error::AppResult<RequestContext> {
        let (bearer, signed_in, session): (_, Option<SignedIn>, _) = match &self.credential {
            Credential::Bearer(secret) => {
                let (bearer, signed_in) =
                    crate::api_tokens::resolve(&self.http.state, secret).await?;
                (Some(bearer), signed_in, None)
            }
            Credential::Session(session) => {
                let signed_in = match session.id() {
                    Some(id) => crate::auth::service::identify(&self.http.state, &id).await?,
                    None => None,
                };
                (None, signed_in, Some(session.clone()))
            }
        };
        Ok(RequestContext {
            correlation_id: uuid::Uuid::new_v4().to_string(),
            client_addr: self.client_addr.clone(),
            session,
            signed_in,
            bearer,
        })
    }

    fn user_id(&self) -> Option<&str> {
        self.opened_as
            .as_ref()
            .map(|(actor, _)| actor.user_id.as_str())
    }

    fn end(&self, code: u16, reason: &'static str) {
        self.ended.send_if_modified(|ended| {
            if ended.is_some() {
                return false;
            }
            *ended = Some((code, reason));
            true
        });
    }

    fn is_ended(&self) -> bool {
        self.ended.borrow().is_some()
    }

    /// Compares the caller now with the caller the socket was opened for; ends the socket
    /// when they differ. True while the socket may go on sending.
    fn confirm(&self, now: &RequestContext) -> bool {
        let current = identity(now);
        if current != self.opened_as {
            match current {
                None => self.end(CLOSE_SIGNED_OUT, "Signed out"),
                Some(_) => self.end(CLOSE_ACCESS_CHANGED, "Your access changed: reconnect"),
            }
        } else if let Ok(mut at) = self.checked_at.lock() {
            *at = Instant::now();
        }
        !self.is_ended()
    }

    /// Checks the caller again unless that was done within [`FRESH_FOR`] (or `always`).
    /// A database failure keeps the socket open but sends nothing until a check succeeds.
    async fn check(&self, always: bool) -> bool {
        if self.is_ended() {
            return false;
        }
        let fresh = self
            .checked_at
            .lock()
            .map(|at| at.elapsed() < FRESH_FOR)
            .unwrap_or(false);
        if fresh && !always {
            return true;
        }
        match self.context().await {
            Ok(now) => self.confirm(&now),
            Err(e) => {
                tracing::warn!(error = %e, "re-checking a live connection's caller failed");
                false
            }
        }
    }
}

/// Runs each subscription of one socket for its caller as they are now.
#[derive(Clone)]
pub struct SocketExecutor(Arc<Caller>);

/// Holds one of the socket's subscription places until the subscription ends (and counts
/// it in `lp_live_subscriptions` meanwhile).
struct Place(Arc<Caller>, #[allow(dead_code)] crate::metrics::GaugeGuard);

impl Drop for Place {
    fn drop(&mut self) {
        self.0.subscriptions.fetch_sub(1, Ordering::AcqRel);
    }
}

fn refusal(code: &str, message: String, correlation_id: &str) -> Response {
    let mut error = ServerError::new(message, None);
    let ext = error.extensions.get_or_insert_with(Default::default);
    ext.set("code", code);
    ext.set("correlationId", correlation_id.to_owned());
    Response::from_errors(vec![error])
}

impl SocketExecutor {
    /// Bounds the request and checks that it is a subscription.
    fn admit(request: &mut Request) -> Result<(), String> {
        query_limits::check_text(&request.query).map_err(|e| e.to_string())?;
        let name = request.operation_name.clone();
        let doc = request.parsed_query().map_err(|e| {
            let at = e
                .locations
                .first()
                .map(|p| format!(" at line {}, column {}", p.line, p.column))
                .unwrap_or_default();
            format!("The query could not be read{at}: check its syntax there.")
        })?;
        query_limits::check_document(doc).map_err(|e| e.to_string())?;
        // The operation that will run: the one named, or the only one. (A client may send a
        // whole file of operations and name one, as the browser does.)
        let name = name.as_deref();
        let chosen = doc.operations.iter().find(|(n, _)| match name {
            Some(name) => n.is_some_and(|n| n.as_str() == name),
            None => true,
        });
        if chosen.is_some_and(|(_, op)| op.node.ty != OperationType::Subscription) {
            return Err("Only subscriptions are accepted on the live connection; send queries and mutations to /graphql.".into());
        }
        Ok(())
    }

    async fn start(
        self,
        mut request: Request,
        session_data: Option<Arc<Data>>,
        place: Place,
    ) -> BoxStream<'static, Response> {
        let caller = self.0;
        let literals = request_literals(&request);
        let refuse = |code: &str, message: String| {
            stream::once(std::future::ready(refusal(
                code,
                message,
                &uuid::Uuid::new_v4().to_string(),
            )))
            .boxed()
        };
        if let Err(message) = Self::admit(&mut request) {
            return refuse("BAD_REQUEST", message);
        }
        let rc = match caller.context().await {
            Ok(rc) => rc,
            Err(e) => {
                let correlation_id = uuid::Uuid::new_v4().to_string();
                tracing::error!(%correlation_id, error = %e, "resolving a live connection's caller failed");
                return stream::once(std::future::ready(refusal(
                    "INTERNAL",
                    "Something went wrong on our side.".into(),
                    &correlation_id,
                )))
                .boxed();
            }
        };
        if !caller.confirm(&rc) {
            return stream::empty().boxed();
        }
        let correlation_id = rc.correlation_id.clone();
        tracing::info!(
            %correlation_id,
            operation = request.operation_name.as_deref().unwrap_or("-"),
            user = caller.user_id().unwrap_or("-"),
            "subscription started"
        );
        let request = request.data(rc);
        let responses = match session_data {
            Some(data) => caller
                .http
                .schema
                .execute_stream_with_session_data(request, data),
            None => caller.http.schema.execute_stream(request),
        };
        let checker = caller.clone();
        responses
            // Each event: None ends the subscription (the caller is gone); Some(None) skips
            // it (the caller could not be confirmed just now); Some(Some(_)) sends it.
            .then(move |mut response| {
                let caller = checker.clone();
                let correlation_id = correlation_id.clone();
                let literals = literals.clone();
                async move {
                    if caller.check(false).await {
                        mask_errors(&mut response.errors, &correlation_id, &literals);
                        Some(Some(response))
                    } else if caller.is_ended() {
                        None
                    } else {
                        Some(None)
                    }
                }
            })
            .take_while(|verdict| std::future::ready(verdict.is_some()))
            .filter_map(|verdict| std::future::ready(verdict.flatten()))
            // The place is given back when the subscription's stream is dropped.
            .map(move |response| {
                let _held = &place;
                response
            })
            .boxed()
    }
}

impl Executor for SocketExecutor {
    async fn execute(&self, _request: Request) -> Response {
        refusal(
            "BAD_REQUEST",
            "Only subscriptions are accepted on the live connection.".into(),
            &uuid::Uuid::new_v4().to_string(),
        )
    }

    fn execute_stream(
        &self,
        request: Request,
        session_data: Option<Arc<Data>>,
    ) -> BoxStream<'static, Response> {
        // The place is taken as the message arrives (the stream itself starts when polled).
        let caller = &self.0;
        if caller.subscriptions.fetch_add(1, Ordering::AcqRel) >= MAX_SUBSCRIPTIONS {
            caller.subscriptions.fetch_sub(1, Ordering::AcqRel);
            return stream::once(std::future::ready(refusal(
                "BAD_REQUEST",
                format!("At most {MAX_SUBSCRIPTIONS} subscriptions may be open on one connection; stop one first."),
                &uuid::Uuid::new_v4().to_string(),
            )))
            .boxed();
        }
        let place = Place(
            caller.clone(),
            caller.http.state.metrics.live_subscription(),
        );
        stream::once(self.clone().start(request, session_data, place))
            .flatten()
            .boxed()
    }
}

/// The subprotocol the client asked for, if it is one this server speaks.
pub fn protocol(headers: &axum::http::HeaderMap) -> Option<WebSocketProtocols> {
    headers
        .get(axum::http::header::SEC_WEBSOCKET_PROTOCOL)?
        .to_str()
        .ok()?
        .split(',')
        .find_map(|p| p.trim().parse().ok())
}

/// Serves one upgraded socket until the client leaves or the caller is no longer served.
pub async fn serve(
    socket: WebSocket,
    http: Http,
    protocol: WebSocketProtocols,
    credential: Credential,
    first: RequestContext,
) {
    let _open = http.state.metrics.live_connection();
    let (ended, mut ended_rx) = watch::channel(None);
    let caller = Arc::new(Caller {
        opened_as: identity(&first),
        http: http.clone(),
        credential,
        client_addr: first.client_addr.clone(),
        checked_at: Mutex::new(Instant::now()),
        subscriptions: AtomicUsize::new(0),
        ended,
    });
    let span = tracing::info_span!(
        "live_connection",
        user = caller.user_id().unwrap_or("-"),
        correlation_id = %first.correlation_id,
    );
    let mut access = http.state.events.subscribe_access();
    let (mut sink, incoming) = socket.split();
    let input = incoming
        .take_while(|message| std::future::ready(message.is_ok()))
        .filter_map(|message| {
            std::future::ready(match message {
                Ok(m @ (Message::Text(_) | Message::Binary(_))) => Some(m.into_data()),
                _ => None,
            })
        });
    let mut outgoing =
        async_graphql::http::WebSocket::new(SocketExecutor(caller.clone()), input, protocol);
    let mut recheck =
        tokio::time::interval_at(tokio::time::Instant::now() + RECHECK_EVERY, RECHECK_EVERY);
    async move {
        loop {
            // Biased: an access change or an ending is handled before any event is sent.
            tokio::select! {
                biased;
                _ = ended_rx.changed() => break,
                change = access.recv() => match change {
                    Ok(AccessChange::Person(id)) if Some(id.as_str()) == caller.user_id() => {
                        caller.check(true).await;
                    }
                    Ok(AccessChange::Person(_)) => {}
                    Ok(AccessChange::Everyone) | Err(broadcast::error::RecvError::Lagged(_)) => {
                        caller.check(true).await;
                    }
                    Err(broadcast::error::RecvError::Closed) => break,
                },
                _ = recheck.tick() => {
                    caller.check(true).await;
                }
                message = outgoing.next() => match message {
                    Some(WsMessage::Text(text)) => {
                        if sink.send(Message::Text(text.into())).await.is_err() {
                            return;
                        }
                    }
                    Some(WsMessage::Close(code, reason)) => {
                        let frame = CloseFrame { code, reason: reason.into() };
                        let _ = sink.send(Message::Close(Some(frame))).await;
                        return;
                    }
                    None => return,
                },
            }
        }
        let (code, reason) = ended_rx.borrow().unwrap_or((1001, "Going away"));
        tracing::info!(code, reason, "live connection closed by the server");
        let frame = CloseFrame {
            code,
            reason: reason.into(),
        };
        let _ = sink.send(Message::Close(Some(frame))).await;
    }
    .instrument(span)
    .await
}
