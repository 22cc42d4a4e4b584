//! HTTP benchmark (see `benches/README.md`): one ERP fact recorded, three ways, in the same run:
//!
//! * `http/submit/desk_in_process`: `Desk::submit` on `SqliteStore`, called directly (the embedded library);
//! * `http/submit/http_sqlite`: the same fact as `POST /v1/customers/{customer}/facts` through `kefu-http` on
//!   SQLite (token check, JSON, the blocking pool, the desk), from a blocking client over loopback;
//! * `http/submit/bare_axum`: the same request to a bare axum handler that reads the JSON and answers 200 — the
//!   cost of HTTP itself, the floor of the service.
//!
//! Each iteration is a new customer's `contract_accepted` with its own idempotency key, so every one records.
//! SQLite files live under cargo's target tmp dir with the default `synchronous = FULL`.

use std::hint::black_box;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::routing::post;
use chrono::TimeZone;
use chrono_tz::Asia::Shanghai;
use criterion::{Criterion, Throughput, criterion_main};
use kefu::calendar::Calendar;
use kefu::desk::{Compiled, Desk, DeskConfig, Fact, Person, ServiceToken};
use kefu::machine::Principal;
use kefu_benches::SHANGHAI_TOML;
use kefu_http::{App, ManualClock, Options};
use kefu_sqlite::SqliteStore;

const TOKEN: &str = "bench-token";

/// A department with two specialists, a supervisor and everyone the chains need.
fn setup() -> Compiled {
    let mut config = DeskConfig::new("鸿枫化工", Shanghai).expect("the shipped scripts");
    let office = Calendar::from_toml_str(SHANGHAI_TOML).expect("the sample calendar");
    config.calendars = [("office", office.clone()), ("service-desk", office)].into_iter().collect();
    let roles = [
        "service_supervisor",
        "supervisor",
        "department_head",
        "leadership",
        "marketing_director",
        "finance_supervisor",
        "general_manager",
    ];
    config.people.push(roles.iter().fold(Person::new("boss", "boss"), |p, r| p.with_role(*r)));
    config.people.push(Person::new("li.na", "李娜").with_role("specialist"));
    config.people.push(Person::new("wang.fang", "王芳").with_role("specialist"));
    config.compile().expect("the configuration")
}

fn store(dir: &tempfile::TempDir) -> SqliteStore {
    SqliteStore::open(dir.path().join("kefu.db")).expect("the store")
}

/// A server on a loopback port with `router`, on a runtime of its own; returns the base URL.
fn serve(router: axum::Router) -> String {
    let (ready, address) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("rt");
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a port");
            ready.send(listener.local_addr().expect("an address")).expect("the bench waits");
            axum::serve(listener, router).await.expect("the server");
        });
    });
    format!("http://{}", address.recv().expect("the server starts"))
}

fn client() -> ureq::Agent {
    ureq::Agent::config_builder().http_status_as_error(false).build().into()
}

fn submit(c: &mut Criterion) {
    let t0 = Shanghai.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).single().expect("an instant").to_utc();
    let n = AtomicU64::new(0);
    let next = || n.fetch_add(1, Ordering::Relaxed);
    let mut group = c.benchmark_group("http/submit");
    group.throughput(Throughput::Elements(1));

    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("a directory");
    let desk = Desk::new(store(&dir), setup());
    let erp = Principal::new("erp").with_role("erp");
    group.bench_function("desk_in_process", |b| {
        b.iter(|| {
            let i = next();
            let fact = Fact::ContractAccepted { contract: format!("HT-{i}") };
            black_box(desk.submit(&format!("d{i}"), &fact, &erp, t0, &format!("k-d{i}")).expect("recorded"))
        });
    });

    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("a directory");
    let tokens = vec![ServiceToken::new("erp", ["erp"], TOKEN)];
    let app = App::new(Desk::new(store(&dir), setup()), tokens, Arc::new(ManualClock::new(t0)), Options::default());
    let base = serve(kefu_http::router(app));
    let agent = client();
    let send = |base: &str, i: u64| {
        let body = format!(r#"{{"fact":"contract_accepted","contract":"HT-{i}"}}"#);
        let response = agent
            .post(format!("{base}/v1/customers/h{i}/facts"))
            .header("Authorization", format!("Bearer {TOKEN}"))
            .header("Content-Type", "application/json")
            .header("Idempotency-Key", format!("k-h{i}"))
            .send(body.as_str())
            .expect("an answer");
        assert_eq!(response.status(), 200);
        black_box(response)
    };
    group.bench_function("http_sqlite", |b| b.iter(|| send(&base, next())));

    let bare = serve(axum::Router::new().route(
        "/v1/customers/{customer}/facts",
        post(|axum::Json(body): axum::Json<serde_json::Value>| async move { axum::Json(body) }),
    ));
    group.bench_function("bare_axum", |b| b.iter(|| send(&bare, next())));
    group.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3))
}

// `criterion_group!` generates an undocumented `pub fn benches`; keep the lint everywhere else.
#[allow(missing_docs)]
mod group {
    use super::{config, submit};
    use criterion::criterion_group;

    criterion_group! { name = benches; config = config(); targets = submit }
}
criterion_main!(group::benches);
