//! kefu's department over HTTP, for ERPs written in any language: the [`Desk`](kefu::desk::Desk) behind an axum
//! router, with bearer tokens, RFC 9457 problems, idempotent POSTs, an event stream and an OpenAPI description.
//!
//! | route | what |
//! | --- | --- |
//! | `POST /v1/customers/{customer}/facts` | an ERP fact (needs the `erp` role) |
//! | `GET /v1/customers/{customer}` | everything the desk knows about a customer |
//! | `POST /v1/{callbacks,cases,approvals,notices,runs}/{id}/commands` | a command as the token's principal |
//! | `GET /v1/instances/{id}` | any instance: state, version (`ETag`), deadlines |
//! | `GET /v1/runs/{id}/screen?locale=` | a script run's current question for an agent's screen |
//! | `GET /v1/worklists/{specialist}`, `/v1/cases`, `/v1/approvals`, `/v1/notices`, `/v1/next-due` | queries |
//! | `GET /v1/calendars/{name}/{add,between,next-open}` | business-time arithmetic |
//! | `GET /v1/events?after=&wait=`, `GET /v1/events/stream` | the log, long-poll or server-sent events |
//! | `GET /openapi.json`, `GET /healthz` | the API description; liveness (no token) |
//!
//! Instance ids contain `/`: send an id as one percent-encoded path segment (`callback%2F0042%2Fsale%2FSO-7`).
//!
//! The core stays the authority: commands run as the token's principal and a refusal about who asked is 403 —
//! the service re-implements no rule. Logs (`tracing`) carry routes, statuses, kinds of facts and commands, and
//! problem kinds — never bodies, names, phones, addresses or notes (rule Q5).
//!
//! ```no_run
//! use std::sync::Arc;
//! use kefu::desk::Desk;
//! use kefu_http::{App, Options, SystemClock};
//!
//! # async fn run(config: kefu::desk::Compiled) -> Result<(), Box<dyn std::error::Error>> {
//! let desk = Desk::new(kefu_sqlite::SqliteStore::open("kefu.db")?, config);
//! let tokens = desk.config().config().tokens.clone();
//! let app = App::new(desk, tokens, Arc::new(SystemClock), Options::default());
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
//! kefu_http::serve(listener, app, async { let _ = tokio::signal::ctrl_c().await; }).await?;
//! # Ok(()) }
//! ```

pub mod api;
mod app;
pub mod body;
pub mod openapi;
pub mod problem;
mod router;
mod ticker;

pub use app::{App, Clock, ManualClock, Options, SystemClock};
pub use openapi::ApiDoc;
pub use problem::Problem;
pub use router::router;
pub use ticker::Ticker;

use std::future::Future;
use std::sync::Arc;

use kefu::store::Store;

/// Serves `app` on `listener` until `shutdown` completes, then stops accepting, ends the event streams and
/// finishes the requests in flight. The ticker is the caller's ([`Ticker::start`]).
///
/// # Errors
///
/// The listener's I/O error.
pub async fn serve<S: Store + Send + Sync + 'static>(
    listener: tokio::net::TcpListener,
    app: Arc<App<S>>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let closing = Arc::clone(&app);
    let routes = router(app);
    axum::serve(listener, routes)
        .with_graceful_shutdown(async move {
            shutdown.await;
            tracing::info!("shutting down: finishing the requests in flight");
            closing.close();
        })
        .await
}
