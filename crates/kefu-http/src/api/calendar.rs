//! Calendar arithmetic on the configured calendars: `add`, `between`, `next-open`.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, FixedOffset, Utc};
use kefu::calendar::Calendar;
use kefu::store::Store;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::PathOf;
use crate::app::App;
use crate::body::QueryOf;
use crate::problem::Problem;

/// The configured calendars.
#[derive(Debug, Serialize, ToSchema)]
pub struct Calendars {
    /// Their names.
    pub calendars: Vec<String>,
}

/// The names of the configured calendars.
#[utoipa::path(get, path = "/v1/calendars", tag = "calendars", responses((status = 200, body = Calendars)), security(("bearer" = [])))]
pub async fn list<S: Store + Send + Sync + 'static>(State(app): State<Arc<App<S>>>) -> Response {
    let calendars = app.desk.config().calendars().iter().map(|(name, _)| name.to_owned()).collect();
    axum::Json(Calendars { calendars }).into_response()
}

/// An instant.
#[derive(Debug, Serialize, ToSchema)]
pub struct At {
    /// The instant, in UTC.
    pub at: DateTime<Utc>,
}

/// A business duration.
#[derive(Debug, Serialize, ToSchema)]
pub struct Seconds {
    /// Whole seconds of open time (negative when `to` is earlier than `from`).
    pub seconds: i64,
}

/// `add`'s question.
#[derive(Debug, Deserialize, IntoParams)]
pub struct AddQuery {
    /// The start, RFC 3339 with an offset.
    pub at: String,
    /// Business time to add: `90m`, `1h30m`, `3d` (72 h of open time), `PT1H`.
    pub duration: String,
}

/// `between`'s question.
#[derive(Debug, Deserialize, IntoParams)]
pub struct BetweenQuery {
    /// The start, RFC 3339 with an offset.
    pub from: String,
    /// The end, RFC 3339 with an offset.
    pub to: String,
}

/// `next-open`'s question.
#[derive(Debug, Deserialize, IntoParams)]
pub struct AtQuery {
    /// The instant, RFC 3339 with an offset.
    pub at: String,
}

fn calendar<'a, S: Store>(app: &'a App<S>, name: &str) -> Result<&'a Calendar, Problem> {
    app.desk.config().calendars().get(name).map_err(|e| Problem::not_found(e.to_string()).with("calendar", name))
}

fn instant(field: &str, text: &str) -> Result<DateTime<Utc>, Problem> {
    DateTime::<FixedOffset>::parse_from_rfc3339(text.trim()).map(|t| t.to_utc()).map_err(|e| {
        Problem::bad_request(format!(
            "`{field}` is not an RFC 3339 instant ({e}); write e.g. 2026-10-09T17:30:00+08:00"
        ))
        .with("parameter", field)
    })
}

fn answer<T>(result: Result<T, kefu::calendar::CalendarError>) -> Result<T, Problem> {
    result.map_err(|e| Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "calendar", e.to_string()))
}

/// The instant at which a business duration has passed after `at` on the calendar.
#[utoipa::path(
    get,
    path = "/v1/calendars/{name}/add",
    tag = "calendars",
    params(("name" = String, Path, description = "A configured calendar"), AddQuery),
    responses(
        (status = 200, body = At),
        (status = 400, description = "An unreadable instant or duration", content_type = "application/problem+json"),
        (status = 404, description = "No such calendar", content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn add<S: Store + Send + Sync + 'static>(
    State(app): State<Arc<App<S>>>,
    PathOf(name): PathOf<String>,
    QueryOf(q): QueryOf<AddQuery>,
) -> Result<Response, Problem> {
    let calendar = calendar(&app, &name)?;
    let at = instant("at", &q.at)?;
    let duration = kefu::duration::parse(&q.duration)
        .map_err(|e| Problem::bad_request(format!("`duration`: {e}")).with("parameter", "duration"))?;
    let at = answer(calendar.add(at, duration))?;
    Ok(axum::Json(At { at }).into_response())
}

/// The business time from `from` to `to` on the calendar.
#[utoipa::path(
    get,
    path = "/v1/calendars/{name}/between",
    tag = "calendars",
    params(("name" = String, Path, description = "A configured calendar"), BetweenQuery),
    responses(
        (status = 200, body = Seconds),
        (status = 400, description = "An unreadable instant", content_type = "application/problem+json"),
        (status = 404, description = "No such calendar", content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn between<S: Store + Send + Sync + 'static>(
    State(app): State<Arc<App<S>>>,
    PathOf(name): PathOf<String>,
    QueryOf(q): QueryOf<BetweenQuery>,
) -> Result<Response, Problem> {
    let calendar = calendar(&app, &name)?;
    let (from, to) = (instant("from", &q.from)?, instant("to", &q.to)?);
    let seconds = answer(calendar.between(from, to))?.num_seconds();
    Ok(axum::Json(Seconds { seconds }).into_response())
}

/// The first instant at or after `at` at which the calendar is open.
#[utoipa::path(
    get,
    path = "/v1/calendars/{name}/next-open",
    tag = "calendars",
    params(("name" = String, Path, description = "A configured calendar"), AtQuery),
    responses(
        (status = 200, body = At),
        (status = 400, description = "An unreadable instant", content_type = "application/problem+json"),
        (status = 404, description = "No such calendar", content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn next_open<S: Store + Send + Sync + 'static>(
    State(app): State<Arc<App<S>>>,
    PathOf(name): PathOf<String>,
    QueryOf(q): QueryOf<AtQuery>,
) -> Result<Response, Problem> {
    let calendar = calendar(&app, &name)?;
    let at = answer(calendar.next_open(instant("at", &q.at)?))?;
    Ok(axum::Json(At { at }).into_response())
}
