//! The OpenAPI 3.1 description of the service, generated from the handlers' annotations.

use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::api::{calendar, commands, events, facts, queries, runs};

/// The service's API description: `ApiDoc::openapi()`, served at `/openapi.json`.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "kefu",
        description = "A customer-service department's rules as a service: ERP facts in, commands as people, the \
            desk's queries, calendar arithmetic and the event log. Errors are application/problem+json (RFC 9457) \
            with a stable `type` per kind (urn:kefu:problem:…). Every POST takes an `Idempotency-Key`.",
        license(name = "MIT OR Apache-2.0")
    ),
    paths(
        facts::submit,
        facts::customer,
        commands::callback,
        commands::case,
        commands::approval,
        commands::notice,
        commands::run_step,
        commands::instance,
        runs::screen,
        queries::worklist,
        queries::open_cases,
        queries::pending_approvals,
        queries::notices,
        queries::next_due,
        calendar::list,
        calendar::add,
        calendar::between,
        calendar::next_open,
        events::poll,
        events::stream,
    ),
    modifiers(&Bearer),
    tags(
        (name = "facts", description = "What the ERP reports about customers"),
        (name = "commands", description = "What people do on callbacks, cases, approvals and notices"),
        (name = "runs", description = "Script runs, step by step"),
        (name = "instances", description = "Any instance's state"),
        (name = "queries", description = "Worklists, open cases, pending approvals, notices"),
        (name = "calendars", description = "Business-time arithmetic on the configured calendars"),
        (name = "events", description = "The event log from a cursor"),
    )
)]
pub struct ApiDoc;

/// Declares the bearer-token scheme the operations name.
struct Bearer;

impl Modify for Bearer {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme("bearer", SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)));
    }
}

/// The description as the checked-in `docs/openapi.json` holds it: pretty JSON and a final newline.
///
/// # Errors
///
/// Never in practice: the description is plain data.
pub fn json() -> Result<String, serde_json::Error> {
    ApiDoc::openapi().to_pretty_json().map(|mut text| {
        text.push('\n');
        text
    })
}
