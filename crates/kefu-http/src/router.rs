//! The router: routes, the bearer-token check, the access log, the time limit, the body limit, and problems for
//! everything that goes wrong outside the handlers (unknown route, wrong method, panic).

use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use kefu::store::Store;

use crate::api::{calendar, commands, events, facts, queries, runs};
use crate::app::App;
use crate::problem::{Kind, Problem};

/// The service's routes over `app`.
pub fn router<S: Store + Send + Sync + 'static>(app: Arc<App<S>>) -> Router {
    let limited = Router::new()
        .route("/v1/customers/{customer}/facts", post(facts::submit::<S>))
        .route("/v1/customers/{customer}", get(facts::customer::<S>))
        .route("/v1/callbacks/{id}/commands", post(commands::callback::<S>))
        .route("/v1/cases/{id}/commands", post(commands::case::<S>))
        .route("/v1/approvals/{id}/commands", post(commands::approval::<S>))
        .route("/v1/notices/{id}/commands", post(commands::notice::<S>))
        .route("/v1/runs/{id}/commands", post(commands::run_step::<S>))
        .route("/v1/runs/{id}/screen", get(runs::screen::<S>))
        .route("/v1/instances/{id}", get(commands::instance::<S>))
        .route("/v1/worklists/{specialist}", get(queries::worklist::<S>))
        .route("/v1/cases", get(queries::open_cases::<S>))
        .route("/v1/approvals", get(queries::pending_approvals::<S>))
        .route("/v1/notices", get(queries::notices::<S>))
        .route("/v1/next-due", get(queries::next_due::<S>))
        .route("/v1/calendars", get(calendar::list::<S>))
        .route("/v1/calendars/{name}/add", get(calendar::add::<S>))
        .route("/v1/calendars/{name}/between", get(calendar::between::<S>))
        .route("/v1/calendars/{name}/next-open", get(calendar::next_open::<S>))
        .route("/v1/events", get(events::poll::<S>))
        .layer(middleware::from_fn_with_state(Arc::clone(&app), time_limit::<S>));
    // The stream lasts as long as the client listens: no time limit.
    let v1 = limited
        .route("/v1/events/stream", get(events::stream::<S>))
        .layer(middleware::from_fn_with_state(Arc::clone(&app), authenticate::<S>));
    Router::new()
        .merge(v1)
        .route("/openapi.json", get(openapi))
        .route("/healthz", get(|| async { "ok" }))
        .fallback(|| async { Problem::not_found("no such route") })
        .method_not_allowed_fallback(|| async {
            Problem::new(StatusCode::METHOD_NOT_ALLOWED, "method-not-allowed", "the route does not take this method")
        })
        .layer(DefaultBodyLimit::max(app.options.body_limit))
        .layer(middleware::from_fn(access_log))
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(|_| {
            Problem::internal("the request hit a bug in kefu; it was not completed").into_response()
        }))
        .with_state(app)
}

async fn openapi() -> Response {
    match crate::openapi::json() {
        Ok(text) => ([(header::CONTENT_TYPE, "application/json")], text).into_response(),
        Err(e) => Problem::internal(format!("the API description does not serialize: {e}")).into_response(),
    }
}

/// The principal of the request's bearer token, in the request's extensions; 401 without a known token.
async fn authenticate<S: Store + Send + Sync + 'static>(
    State(app): State<Arc<App<S>>>,
    mut request: Request,
    next: Next,
) -> Response {
    let token = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
        .map(str::trim);
    let Some(token) = token else {
        return Problem::new(StatusCode::UNAUTHORIZED, "unauthorized", "send `Authorization: Bearer TOKEN`")
            .into_response();
    };
    let Some(principal) = app.authenticate(token) else {
        return Problem::new(StatusCode::UNAUTHORIZED, "unauthorized", "the token is not known").into_response();
    };
    tracing::Span::current().record("principal", principal.id());
    request.extensions_mut().insert(principal);
    next.run(request).await
}

/// 503 `unavailable` for a request over the service's time limit. The desk's work already started on the blocking
/// pool finishes (a command is atomic): the client retries with the same `Idempotency-Key` to learn its outcome.
async fn time_limit<S: Store + Send + Sync + 'static>(
    State(app): State<Arc<App<S>>>,
    request: Request,
    next: Next,
) -> Response {
    match tokio::time::timeout(app.options.request_timeout, next.run(request)).await {
        Ok(response) => response,
        Err(_) => Problem::unavailable(
            "the request took longer than the service's time limit; retry it with the same \
                                        Idempotency-Key",
        )
        .into_response(),
    }
}

/// One line per request: method, route (the template, never the raw path: ids stay out of the log), status,
/// duration, principal and problem kind. Bodies are never logged (rule Q5).
async fn access_log(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let route = request.extensions().get::<MatchedPath>().map_or("(unmatched)", |p| p.as_str()).to_owned();
    let span = tracing::info_span!("request", %method, route = %route, principal = tracing::field::Empty);
    let response = {
        use tracing::Instrument as _;
        next.run(request).instrument(span.clone()).await
    };
    let status = response.status().as_u16();
    let problem = response.extensions().get::<Kind>().map_or("", |k| k.0);
    let millis = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    span.in_scope(|| tracing::info!(status, millis, problem, "answered"));
    response
}
