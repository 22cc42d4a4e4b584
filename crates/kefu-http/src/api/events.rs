//! The event log from a cursor: long-poll JSON (`GET /v1/events`) and server-sent events (`GET /v1/events/stream`).

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use kefu::store::{Position, RecordedEvent, Store};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio::sync::watch;
use utoipa::{IntoParams, ToSchema};

use crate::app::App;
use crate::body::QueryOf;
use crate::problem::Problem;

/// One event of the log.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventBody {
    /// Its place in the log: the cursor to read after.
    pub position: u64,
    /// The instance it belongs to.
    pub instance: String,
    /// The instance's machine.
    pub machine: String,
    /// The instance's version after it.
    pub version: u64,
    /// When it was decided.
    pub at: DateTime<Utc>,
    /// The event as the machine records it.
    #[schema(value_type = Object)]
    pub event: Value,
}

impl From<RecordedEvent> for EventBody {
    fn from(e: RecordedEvent) -> Self {
        let event = serde_json::from_str(&e.payload).unwrap_or(Value::String(e.payload));
        Self { position: e.position.0, instance: e.instance, machine: e.machine, version: e.version, at: e.at, event }
    }
}

/// A page of the log.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventPage {
    /// The events after the cursor, in commit order.
    pub events: Vec<EventBody>,
    /// The cursor for the next read: the last event's position, or the one given when there was none.
    pub next: u64,
}

/// Where to read from, and how long to wait for news.
#[derive(Debug, Deserialize, IntoParams)]
pub struct EventQuery {
    /// Read the events after this position (0: from the start).
    #[serde(default)]
    pub after: u64,
    /// At most this many events (default and maximum: the service's limit, 1 000).
    pub limit: Option<usize>,
    /// Seconds to wait when there is nothing after the cursor yet (long poll); 0 (the default) answers at once.
    /// At most the service's limit (25 s).
    #[serde(default)]
    pub wait: u64,
}

async fn read<S: Store + Send + Sync + 'static>(
    app: &Arc<App<S>>,
    after: u64,
    limit: usize,
) -> Result<Vec<RecordedEvent>, Problem> {
    app.blocking(move |app| Ok(app.desk.store().read(Position(after), limit)?)).await
}

/// Waits until this process writes, the poll interval passes (for other processes' writes), `until` comes or the
/// service closes; `false` when the service closes.
async fn wait_for_news(
    written: &mut watch::Receiver<u64>,
    closing: &mut watch::Receiver<bool>,
    poll: Duration,
    until: Option<tokio::time::Instant>,
) -> bool {
    let nap = match until {
        Some(until) => poll.min(until.saturating_duration_since(tokio::time::Instant::now())),
        None => poll,
    };
    if *closing.borrow() {
        return false;
    }
    tokio::select! {
        _ = written.changed() => true,
        _ = tokio::time::sleep(nap) => true,
        _ = closing.changed() => !*closing.borrow(),
    }
}

/// The events after a cursor, in commit order; with `wait`, a long poll that answers as soon as there are some.
#[utoipa::path(
    get,
    path = "/v1/events",
    tag = "events",
    params(EventQuery),
    responses((status = 200, body = EventPage)),
    security(("bearer" = []))
)]
pub async fn poll<S: Store + Send + Sync + 'static>(
    State(app): State<Arc<App<S>>>,
    QueryOf(q): QueryOf<EventQuery>,
) -> Result<Response, Problem> {
    let limit = q.limit.unwrap_or(app.options.max_events).clamp(1, app.options.max_events);
    let wait = Duration::from_secs(q.wait).min(app.options.max_wait);
    let until = tokio::time::Instant::now() + wait;
    let (mut written, mut closing) = (app.written.subscribe(), app.closing.subscribe());
    loop {
        let events = read(&app, q.after, limit).await?;
        let done = !events.is_empty() || tokio::time::Instant::now() >= until;
        if done || !wait_for_news(&mut written, &mut closing, app.options.poll, Some(until)).await {
            let next = events.last().map_or(q.after, |e| e.position.0);
            let page = EventPage { events: events.into_iter().map(EventBody::from).collect(), next };
            return Ok(axum::Json(page).into_response());
        }
    }
}

/// Where a stream starts.
#[derive(Debug, Deserialize, IntoParams)]
pub struct StreamQuery {
    /// Stream the events after this position; the `Last-Event-ID` header, when a client reconnects, wins.
    #[serde(default)]
    pub after: u64,
}

struct Cursor<S> {
    app: Arc<App<S>>,
    after: u64,
    pending: VecDeque<RecordedEvent>,
    written: watch::Receiver<u64>,
    closing: watch::Receiver<bool>,
}

/// The events after a cursor as server-sent events, live: each `id` is the event's position (a reconnecting client
/// sends it back as `Last-Event-ID`), each `event` the machine's name, each `data` the event as in `/v1/events`.
/// The stream ends when the service shuts down.
#[utoipa::path(
    get,
    path = "/v1/events/stream",
    tag = "events",
    params(StreamQuery, ("Last-Event-ID" = Option<String>, Header, description = "The last position the client saw")),
    responses((status = 200, description = "text/event-stream of events", content_type = "text/event-stream")),
    security(("bearer" = []))
)]
pub async fn stream<S: Store + Send + Sync + 'static>(
    State(app): State<Arc<App<S>>>,
    headers: HeaderMap,
    QueryOf(q): QueryOf<StreamQuery>,
) -> Result<Response, Problem> {
    let after = match headers.get("last-event-id") {
        Some(value) => value.to_str().ok().and_then(|v| v.trim().parse::<u64>().ok()).ok_or_else(|| {
            Problem::bad_request("Last-Event-ID must be an event position").with("header", "Last-Event-ID")
        })?,
        None => q.after,
    };
    let cursor = Cursor {
        written: app.written.subscribe(),
        closing: app.closing.subscribe(),
        app,
        after,
        pending: VecDeque::new(),
    };
    let events = futures_util::stream::unfold(cursor, |mut c| async move {
        loop {
            if let Some(event) = c.pending.pop_front() {
                c.after = event.position.0;
                let body = EventBody::from(event);
                let sse = Event::default()
                    .id(body.position.to_string())
                    .event(body.machine.clone())
                    .json_data(&body)
                    .unwrap_or_else(|_| Event::default().comment("an event that does not serialize"));
                return Some((Ok::<_, std::convert::Infallible>(sse), c));
            }
            let limit = c.app.options.max_events;
            match read(&c.app, c.after, limit).await {
                Ok(events) if !events.is_empty() => c.pending.extend(events),
                // A store failure: try again on the next beat, as a client would.
                Ok(_) | Err(_) => {
                    if !wait_for_news(&mut c.written, &mut c.closing, c.app.options.poll, None).await {
                        return None;
                    }
                }
            }
        }
    });
    Ok(Sse::new(events).keep_alive(KeepAlive::default()).into_response())
}
