//! A real `kefu-http` server on a loopback port, over SQLite in a temporary directory, with a clock the test
//! moves; and a small blocking HTTP client.

#![allow(dead_code)] // each test file uses part of it

use std::path::Path;
use std::sync::Arc;
use std::sync::mpsc;
use std::thread::JoinHandle;

use chrono::{DateTime, TimeZone, Utc};
use chrono_tz::Asia::Shanghai;
use kefu::desk::{Desk, DeskConfig, ServiceToken, load_toml};
use kefu_http::{App, ManualClock, Options};
use kefu_sqlite::SqliteStore;
use serde_json::Value;

/// An instant on the Shanghai wall clock, 2026.
pub fn sh(month: u32, day: u32, hour: u32, min: u32) -> DateTime<Utc> {
    Shanghai.with_ymd_and_hms(2026, month, day, hour, min, 0).single().expect("unambiguous").to_utc()
}

/// The test department, loaded from the fixture as `kefu serve` loads it.
pub fn config() -> DeskConfig {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let text = std::fs::read_to_string(dir.join("kefu.toml")).expect("the fixture");
    let files = move |name: &str| std::fs::read_to_string(dir.join(name)).map_err(|e| e.to_string());
    load_toml(&text, "kefu.toml", &files).expect("the fixture loads")
}

/// The token of `principal` in the tests: `t-{principal}`.
pub fn token(principal: &str) -> String {
    format!("t-{principal}")
}

/// Everyone's tokens: the ERP (role `erp`) and each person (their configured roles apply).
pub fn tokens() -> Vec<ServiceToken> {
    let mut tokens = vec![ServiceToken::new("erp", ["erp"], &token("erp"))];
    for person in ["zhang.wei", "li.na", "wang.fang", "zhou.ming", "sun.li", "qian.hua", "zhao.gang"] {
        tokens.push(ServiceToken::new(person, Vec::<String>::new(), &token(person)));
    }
    tokens
}

/// A running server.
pub struct Server {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// The service's state: the desk, and `tick` at the clock's time.
    pub app: Arc<App<SqliteStore>>,
    /// The clock the service reads.
    pub clock: Arc<ManualClock>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
    _dir: tempfile::TempDir,
}

impl Server {
    /// A server over a fresh SQLite store, its clock at `at`, with the default options.
    pub fn start(at: DateTime<Utc>) -> Self {
        Self::start_with(at, Options::default())
    }

    /// A server with `options`.
    pub fn start_with(at: DateTime<Utc>, options: Options) -> Self {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let store = SqliteStore::open(dir.path().join("kefu.db")).expect("the store opens");
        let compiled = config().compile().expect("the fixture compiles");
        let clock = Arc::new(ManualClock::new(at));
        let app = App::new(Desk::new(store, compiled), tokens(), clock.clone(), options);
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let (ready, address) = mpsc::channel();
        let served = Arc::clone(&app);
        let thread = std::thread::spawn(move || {
            let runtime =
                tokio::runtime::Builder::new_multi_thread().worker_threads(4).enable_all().build().expect("a runtime");
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a loopback port");
                ready.send(listener.local_addr().expect("an address")).expect("the test waits");
                kefu_http::serve(listener, served, async {
                    let _ = stopped.await;
                })
                .await
                .expect("the server runs");
            });
        });
        let addr = address.recv().expect("the server starts");
        Self { base: format!("http://{addr}"), app, clock, stop: Some(stop), thread: Some(thread), _dir: dir }
    }

    /// Moves the clock to `at` and ticks (deadlines, reactions), as the ticker would.
    pub fn at(&self, at: DateTime<Utc>) {
        self.clock.set(at);
        self.app.tick().expect("the tick");
    }

    /// Ticks at the clock's time.
    pub fn tick(&self) {
        self.app.tick().expect("the tick");
    }

    /// A client acting with `principal`'s token.
    pub fn client(&self, principal: &str) -> Client {
        Client { base: self.base.clone(), token: Some(token(principal)), agent: agent() }
    }

    /// A client without a token.
    pub fn anonymous(&self) -> Client {
        Client { base: self.base.clone(), token: None, agent: agent() }
    }

    /// Stops the server (graceful) and waits for it.
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.shutdown();
    }
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder().http_status_as_error(false).build().into()
}

/// An instance id as one path segment.
pub fn seg(id: &str) -> String {
    let mut out = String::new();
    for b in id.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A response: status, headers of interest, body as JSON (or `Null`) and as text.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub content_type: String,
    pub etag: Option<String>,
    pub replayed: bool,
    pub text: String,
    pub json: Value,
}

impl Reply {
    /// The problem's kind (`type` without `urn:kefu:problem:`).
    pub fn kind(&self) -> &str {
        self.json["type"].as_str().and_then(|t| t.strip_prefix("urn:kefu:problem:")).unwrap_or("")
    }
}

/// A blocking client with a bearer token.
pub struct Client {
    base: String,
    token: Option<String>,
    agent: ureq::Agent,
}

impl Client {
    /// A client of the server at `base` with `token`.
    pub fn with_token(base: &str, token: &str) -> Self {
        Self { base: base.to_owned(), token: Some(token.to_owned()), agent: agent() }
    }

    /// GET `path`.
    pub fn get(&self, path: &str) -> Reply {
        let mut request = self.agent.get(format!("{}{path}", self.base));
        if let Some(token) = &self.token {
            request = request.header("Authorization", format!("Bearer {token}"));
        }
        reply(request.call())
    }

    /// POST `body` (JSON text) to `path` with optional extra headers.
    pub fn post_raw(&self, path: &str, body: &str, headers: &[(&str, &str)]) -> Reply {
        let mut request = self.agent.post(format!("{}{path}", self.base));
        if !headers.iter().any(|(name, _)| name.eq_ignore_ascii_case("content-type")) {
            request = request.header("Content-Type", "application/json");
        }
        if let Some(token) = &self.token {
            request = request.header("Authorization", format!("Bearer {token}"));
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        reply(request.send(body))
    }

    /// POST `body` to `path` with an idempotency key.
    pub fn post(&self, path: &str, body: Value, key: &str) -> Reply {
        self.post_raw(path, &body.to_string(), &[("Idempotency-Key", key)])
    }

    /// POST an ERP fact about `customer`.
    pub fn fact(&self, customer: &str, fact: Value, key: &str) -> Reply {
        self.post(&format!("/v1/customers/{}/facts", seg(customer)), fact, key)
    }

    /// POST a command on `instance` (`callbacks`, `cases`, `approvals`, `runs`, `notices`).
    pub fn command(&self, kind: &str, instance: &str, body: Value, key: &str) -> Reply {
        self.post(&format!("/v1/{kind}/{}/commands", seg(instance)), body, key)
    }
}

fn reply(result: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Reply {
    let mut response = result.expect("the server answers");
    let header = |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let content_type = header("content-type").unwrap_or_default();
    let etag = header("etag");
    let replayed = header("idempotent-replayed").is_some();
    let status = response.status().as_u16();
    let text = response.body_mut().read_to_string().expect("a text body");
    let json = serde_json::from_str(&text).unwrap_or(Value::Null);
    Reply { status, content_type, etag, replayed, text, json }
}
