//! The service's contract against a real server: problem statuses and types, idempotency, auth, If-Match,
//! calendars, the event log (long poll and server-sent events), the OpenAPI description.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use common::{Server, seg, sh};
use kefu_http::Options;
use serde_json::json;

fn started() -> Server {
    Server::start(sh(11, 2, 9, 0))
}

fn is_problem(reply: &common::Reply, status: u16, kind: &str) {
    assert_eq!(reply.status, status, "{}", reply.text);
    assert_eq!(reply.content_type, "application/problem+json", "{}", reply.text);
    assert_eq!(reply.kind(), kind, "{}", reply.text);
    assert_eq!(reply.json["status"], status);
    assert!(reply.json["title"].as_str().is_some_and(|t| !t.is_empty()));
    assert!(reply.json["detail"].as_str().is_some_and(|t| !t.is_empty()));
}

#[test]
fn malformed_json_is_400_and_the_wrong_shape_names_the_field() {
    let server = started();
    let erp = server.client("erp");
    is_problem(&erp.post_raw("/v1/customers/0042/facts", "{\"fact\": ", &[]), 400, "malformed-json");
    is_problem(&erp.post_raw("/v1/customers/0042/facts", "{\"fact\": \"sales_contact\",", &[]), 400, "malformed-json");
    is_problem(&erp.post_raw("/v1/customers/0042/facts", "", &[]), 400, "malformed-json");
    let unknown = erp.post_raw("/v1/customers/0042/facts", r#"{"fact": "teleported"}"#, &[]);
    is_problem(&unknown, 400, "invalid-body");
    let wrong = erp.post_raw("/v1/customers/0042/facts", r#"{"fact": "file_created", "file_number": "seven"}"#, &[]);
    is_problem(&wrong, 400, "invalid-body");
    // Inside a tagged fact serde cannot tell the field's path; the detail says what was expected.
    assert!(wrong.json["detail"].as_str().is_some_and(|d| d.contains("expected u64")), "{}", wrong.text);
    let typed =
        erp.post_raw("/v1/runs/run%2F0042%2Fsale%2Fx%2F1/commands", r#"{"command": "answer", "question": 7}"#, &[]);
    is_problem(&typed, 400, "invalid-body");
    let missing = erp.post_raw("/v1/customers/0042/facts", r#"{"fact": "order_placed"}"#, &[]);
    is_problem(&missing, 400, "invalid-body");
    assert!(missing.json["detail"].as_str().is_some_and(|d| d.contains("missing field `order`")), "{}", missing.text);
    let trailing = erp.post_raw("/v1/customers/0042/facts", r#"{"fact": "sales_contact"} {}"#, &[]);
    is_problem(&trailing, 400, "malformed-json");
    let text = erp.post_raw("/v1/customers/0042/facts", "{}", &[("Content-Type", "text/plain")]);
    is_problem(&text, 415, "unsupported-media-type");
}

#[test]
fn rule_c5_a_refusal_is_422_with_the_core_s_reason_and_records_nothing() {
    let server = started();
    let erp = server.client("erp");
    // An order before any contract: the lifecycle's transition table refuses it.
    let before = erp.get("/v1/events?after=0").json["next"].clone();
    let refused = erp.fact("0042", json!({"fact": "file_created", "file_number": 3}), "k-1");
    is_problem(&refused, 422, "refused");
    assert_eq!(refused.json["machine"], "customer_lifecycle", "{}", refused.text);
    assert_eq!(refused.json["refusal"], "not_allowed");
    assert_eq!(refused.json["command"], "file_created");
    assert!(refused.json["reason"].as_str().is_some_and(|r| !r.is_empty()));
    assert_eq!(erp.get("/v1/events?after=0").json["next"], before, "nothing was recorded");
    // A calendar that is not configured.
    let invalid = erp.fact("0042", json!({"fact": "customer_details", "contact_calendar": "moon"}), "k-2");
    is_problem(&invalid, 422, "invalid");
    assert_eq!(invalid.json["field"], "contact_calendar");
}

#[test]
fn unknown_ids_routes_and_methods_are_problems() {
    let server = started();
    let erp = server.client("erp");
    is_problem(&erp.get("/v1/instances/callback%2Fnobody%2Fsale%2Fx"), 404, "not-found");
    is_problem(&erp.get("/v1/customers/nobody"), 404, "not-found");
    is_problem(&erp.command("callbacks", "callback/nobody/sale/x", json!({"command": "file"}), "k"), 404, "not-found");
    is_problem(
        &erp.command("runs", "run/nobody/sale/x/1", json!({"command": "skip", "question": "q"}), "k2"),
        404,
        "not-found",
    );
    is_problem(&erp.get("/v1/runs/run%2Fnobody%2Fsale%2Fx%2F1/screen"), 404, "not-found");
    is_problem(&erp.get("/v1/nothing-here"), 404, "not-found");
    is_problem(&erp.get("/v1/calendars/moon/next-open?at=2026-11-02T09:00:00Z"), 404, "not-found");
    let wrong_method = erp.get("/v1/customers/0042/facts");
    is_problem(&wrong_method, 405, "method-not-allowed");
    // A control character in an id: refused as input, not a store failure.
    is_problem(&erp.get("/v1/instances/case%00x"), 400, "invalid-request");
    // A customer made a case: the callback route refuses it as not found.
    erp.fact(
        "0042",
        json!({"fact": "inquiry", "reference": "Q-1", "channel": "phone", "text": "where is my order",
                            "class": {"nature": "after_sales"}}),
        "q-1",
    );
    let wrong = erp.command("callbacks", "case/0042/inquiry/Q-1", json!({"command": "file"}), "k3");
    is_problem(&wrong, 404, "not-found");
}

#[test]
fn a_body_over_the_limit_is_413() {
    let server = Server::start_with(sh(11, 2, 9, 0), Options { body_limit: 1024, ..Options::default() });
    let erp = server.client("erp");
    let big = json!({"fact": "closed", "reason": "x".repeat(4096)}).to_string();
    is_problem(&erp.post_raw("/v1/customers/0042/facts", &big, &[]), 413, "payload-too-large");
}

#[test]
fn a_stale_if_match_is_412_and_the_current_one_runs() {
    let server = started();
    let erp = server.client("erp");
    erp.fact(
        "0042",
        json!({"fact": "inquiry", "reference": "Q-1", "channel": "email", "text": "price list please",
                            "class": {"nature": "price"}}),
        "q-1",
    );
    let case = "case/0042/inquiry/Q-1";
    let supervisor = server.client("zhang.wei");
    let current = supervisor.get(&format!("/v1/instances/{}", seg(case)));
    let etag = current.etag.clone().expect("an ETag");
    let path = format!("/v1/cases/{}/commands", seg(case));
    let body = json!({"command": "respond", "note": "sent the list"}).to_string();
    let stale = supervisor.post_raw(&path, &body, &[("If-Match", "\"999\"")]);
    is_problem(&stale, 412, "version-mismatch");
    assert_eq!(stale.json["current_version"], current.json["version"]);
    let fresh = supervisor.post_raw(&path, &body, &[("If-Match", &etag)]);
    assert_eq!(fresh.status, 200, "{}", fresh.text);
    assert_ne!(fresh.etag, Some(etag));
    is_problem(&supervisor.post_raw(&path, &body, &[("If-Match", "yesterday")]), 400, "invalid-request");
}

#[test]
fn an_idempotency_key_replays_the_first_response_and_appends_nothing() {
    let server = started();
    let erp = server.client("erp");
    let fact = json!({"fact": "contract_accepted", "contract": "HT-1"});
    let first = erp.fact("0042", fact.clone(), "erp-req-77");
    assert_eq!(first.status, 200, "{}", first.text);
    assert!(!first.replayed);
    let log = erp.get("/v1/events?after=0").json["next"].clone();
    for _ in 0..3 {
        let again = erp.fact("0042", fact.clone(), "erp-req-77");
        assert_eq!(again.status, 200);
        assert!(again.replayed);
        assert_eq!(again.json, first.json, "the first response, again");
        assert_eq!(again.etag, first.etag);
    }
    assert_eq!(erp.get("/v1/events?after=0").json["next"], log, "nothing appended");
    // The same key from another principal is another request (keys are scoped to the principal).
    let other = server.client("zhang.wei");
    assert_eq!(other.get("/v1/events?after=0").json["next"], log);
    // A key over the limit is refused before anything runs.
    is_problem(&erp.fact("0042", fact, &"k".repeat(300)), 400, "invalid-request");
}

#[test]
fn no_token_or_an_unknown_one_is_401_and_a_role_the_rule_refuses_is_403() {
    let server = started();
    let anonymous = server.anonymous();
    let reply = anonymous.get("/v1/cases");
    is_problem(&reply, 401, "unauthorized");
    let stranger = common::Client::with_token(&server.base, "t-nobody");
    is_problem(&stranger.get("/v1/cases"), 401, "unauthorized");
    // A specialist is no ERP.
    let specialist = server.client("li.na");
    let fact = specialist.fact("0042", json!({"fact": "sales_contact"}), "k-1");
    is_problem(&fact, 403, "forbidden");
    // C7: the approval chain says who decides; the core refuses the specialist, the service says 403.
    let erp = server.client("erp");
    let request = erp.fact(
        "0042",
        json!({"fact": "credit_change_requested", "request": "CR-1",
                                          "subject": "raise the limit"}),
        "cr-1",
    );
    assert_eq!(request.status, 200, "{}", request.text);
    let approval = request.json["instance"].as_str().expect("the approval").to_owned();
    let refused = specialist.command("approvals", &approval, json!({"command": "approve"}), "ap-1");
    is_problem(&refused, 403, "forbidden");
    assert_eq!(refused.json["machine"], "approval");
    // The first step's approver (the marketing director reviews) may; the queue shows it to her role.
    let pending = server.client("sun.li").get("/v1/approvals");
    assert!(pending.json["items"].as_array().is_some_and(|a| a.iter().any(|i| i["instance"] == approval.as_str())));
    let approved = server.client("sun.li").command("approvals", &approval, json!({"command": "approve"}), "ap-2");
    assert_eq!(approved.status, 200, "{}", approved.text);
    // The description and the liveness probe need no token.
    assert_eq!(anonymous.get("/openapi.json").status, 200);
    assert_eq!(anonymous.get("/healthz").status, 200);
}

#[test]
fn calendar_arithmetic_on_the_configured_calendars() {
    let server = started();
    let client = server.client("li.na");
    let listed = client.get("/v1/calendars");
    assert_eq!(listed.json["calendars"], json!(["office", "service-desk"]));
    // The National Day holiday is skipped: 17:30 on 30 September + 1 h = 09:30 on 8 October (Shanghai).
    let add = client.get("/v1/calendars/office/add?at=2026-09-30T17:30:00%2B08:00&duration=1h");
    assert_eq!(add.status, 200, "{}", add.text);
    assert_eq!(add.json["at"], "2026-10-08T01:30:00Z");
    let between =
        client.get("/v1/calendars/office/between?from=2026-09-30T17:30:00%2B08:00&to=2026-10-08T09:30:00%2B08:00");
    assert_eq!(between.json["seconds"], 3600, "{}", between.text);
    let open = client.get("/v1/calendars/office/next-open?at=2026-10-03T10:00:00%2B08:00");
    assert_eq!(open.json["at"], "2026-10-08T01:00:00Z", "{}", open.text);
    is_problem(&client.get("/v1/calendars/office/add?at=yesterday&duration=1h"), 400, "invalid-request");
    is_problem(
        &client.get("/v1/calendars/office/add?at=2026-10-03T10:00:00Z&duration=1fortnight"),
        400,
        "invalid-request",
    );
    is_problem(&client.get("/v1/calendars/office/add?at=2026-10-03T10:00:00Z"), 400, "invalid-request");
    let far = client.get("/v1/calendars/office/next-open?at=2031-01-01T00:00:00Z");
    is_problem(&far, 422, "calendar");
}

#[test]
fn the_event_log_long_polls_and_streams_from_a_cursor() {
    let server = started();
    let erp = server.client("erp");
    erp.fact("0042", json!({"fact": "contract_accepted", "contract": "HT-1"}), "c-1");
    let page = erp.get("/v1/events?after=0");
    let next = page.json["next"].as_u64().expect("a cursor");
    assert!(next > 0);
    assert_eq!(page.json["events"][0]["instance"], "customer/0042");

    // A long poll from the end answers when something is written.
    let base = server.base.clone();
    let waiter = std::thread::spawn(move || {
        common::Client::with_token(&base, "t-erp").get(&format!("/v1/events?after={next}&wait=20"))
    });
    std::thread::sleep(Duration::from_millis(300));
    erp.fact("0043", json!({"fact": "contract_accepted", "contract": "HT-2"}), "c-2");
    let woken = waiter.join().expect("the poller");
    assert_eq!(woken.status, 200);
    assert_eq!(woken.json["events"][0]["instance"], "customer/0043", "{}", woken.text);
    // With nothing new and no wait, at once and empty.
    let latest = woken.json["next"].as_u64().expect("a cursor");
    let empty = erp.get(&format!("/v1/events?after={latest}"));
    assert_eq!(empty.json["events"], json!([]));
    assert_eq!(empty.json["next"], latest);

    // Server-sent events from the start: ids are positions.
    let address = server.base.trim_start_matches("http://").to_owned();
    let mut stream = TcpStream::connect(&address).expect("a connection");
    stream.set_read_timeout(Some(Duration::from_secs(10))).expect("a timeout");
    write!(stream, "GET /v1/events/stream?after=0 HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer t-erp\r\n\r\n")
        .expect("the request");
    let mut reader = BufReader::new(stream);
    let mut ids = Vec::new();
    let mut line = String::new();
    while ids.len() < 2 {
        line.clear();
        if reader.read_line(&mut line).expect("a line") == 0 {
            break;
        }
        if let Some(id) = line.trim().strip_prefix("id: ").or_else(|| line.trim().strip_prefix("id:")) {
            ids.push(id.trim().parse::<u64>().expect("a position"));
        }
    }
    assert_eq!(ids.len(), 2);
    assert!(ids[0] < ids[1]);
    // The server shuts down gracefully although the stream is open.
    server.stop();
    let mut rest = Vec::new();
    let _ = reader.read_to_end(&mut rest);
}

#[test]
fn the_openapi_description_is_served_and_matches_docs_openapi_json() {
    let server = started();
    let served = server.anonymous().get("/openapi.json");
    assert_eq!(served.status, 200);
    assert!(served.json["openapi"].as_str().is_some_and(|v| v.starts_with("3.1")), "{}", served.json["openapi"]);
    assert!(served.json["paths"]["/v1/customers/{customer}/facts"]["post"].is_object());

    let generated = kefu_http::openapi::json().expect("the description");
    let docs = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs");
    if !docs.join("src/SUMMARY.md").is_file() {
        eprintln!("the repository's docs/ is not beside this crate (a packaged build): nothing to compare");
        return;
    }
    let path = docs.join("openapi.json");
    if std::env::var_os("KEFU_UPDATE_OPENAPI").is_some() {
        std::fs::write(&path, &generated).expect("docs/openapi.json written");
    }
    let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        checked_in == generated,
        "docs/openapi.json differs from the code's description: run `KEFU_UPDATE_OPENAPI=1 cargo test -p kefu-http \
         --test api the_openapi` and commit it"
    );
}
