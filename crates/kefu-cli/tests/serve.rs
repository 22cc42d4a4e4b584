//! `kefu token create` and `kefu serve` as processes: tokens kept as hashes, the service answering on a loopback
//! port, a clean stop on SIGTERM, and the Python ERP example played against it.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use assert_cmd::cargo::CommandCargoExt;

/// The example's directory, when the crate is built inside the repository (not in a packaged crate).
fn example() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/python-erp");
    dir.join("erp.py").exists().then_some(dir)
}

fn kefu() -> Command {
    Command::cargo_bin("kefu").expect("the kefu binary")
}

/// A directory with the example's configuration (or a copy of the starter's when the example is absent).
fn setup() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("a directory");
    let config = dir.path().join("kefu.toml");
    match example() {
        Some(example) => {
            std::fs::copy(example.join("kefu.toml"), &config).expect("the example's configuration");
        }
        None => {
            let status = kefu().arg("init").arg(dir.path()).stdout(Stdio::null()).status().expect("kefu init");
            assert!(status.success());
        }
    }
    (dir, config)
}

fn create_token(config: &Path, principal: &str, roles: &[&str]) -> String {
    let mut command = kefu();
    command.args(["token", "create", "--principal", principal, "--config"]).arg(config);
    for role in roles {
        command.args(["--role", role]);
    }
    let output = command.output().expect("kefu token create");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).expect("UTF-8").trim().to_owned()
}

/// A running `kefu serve`, stopped with SIGTERM when dropped.
struct Serving {
    child: Child,
    base: String,
}

impl Serving {
    fn start(config: &Path) -> Self {
        let mut child = kefu()
            .args(["serve", "--listen", "127.0.0.1:0", "--config"])
            .arg(config)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("kefu serve starts");
        let stdout = child.stdout.take().expect("stdout");
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).expect("the address line");
        let base = line.trim().rsplit(' ').next().expect("an address").to_owned();
        assert!(base.starts_with("http://127.0.0.1:"), "{line}");
        Self { child, base }
    }

    /// Sends SIGTERM and returns the exit status.
    fn terminate(mut self) -> std::process::ExitStatus {
        let pid = self.child.id().to_string();
        let status = Command::new("kill").args(["-TERM", &pid]).status().expect("kill");
        assert!(status.success());
        for _ in 0..100 {
            if let Some(status) = self.child.try_wait().expect("the child") {
                return status;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("kefu serve did not stop within 10 s of SIGTERM");
    }
}

impl Drop for Serving {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn get(url: &str, token: Option<&str>) -> (u16, String) {
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
    let mut request = agent.get(url);
    if let Some(token) = token {
        request = request.header("Authorization", format!("Bearer {token}"));
    }
    let mut response = request.call().expect("an answer");
    let status = response.status().as_u16();
    (status, response.body_mut().read_to_string().unwrap_or_default())
}

#[test]
fn token_create_prints_the_token_once_and_keeps_only_its_hash() {
    let (_dir, config) = setup();
    let token = create_token(&config, "erp", &["erp"]);
    assert!(token.starts_with("kefu_") && token.len() == 5 + 64, "{token}");
    let text = std::fs::read_to_string(&config).expect("the configuration");
    assert!(!text.contains(&token), "the token itself is never written");
    assert!(text.contains(&kefu::desk::token_hash(&token)));
    assert!(text.contains("[[tokens]]\nprincipal = \"erp\"\nroles = [\"erp\"]\n"));
    let second = create_token(&config, "li.na", &[]);
    assert_ne!(second, token);
    let check = kefu().args(["config", "check"]).arg(&config).output().expect("kefu config check");
    assert!(check.status.success(), "{}", String::from_utf8_lossy(&check.stdout));
    // A configuration with a problem gets no token.
    std::fs::write(&config, "company = 1\n").expect("a broken configuration");
    let output = kefu().args(["token", "create", "--principal", "x", "--config"]).arg(&config).output().expect("run");
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
}

#[test]
fn serve_answers_with_tokens_and_stops_cleanly_on_sigterm() {
    let (_dir, config) = setup();
    let token = create_token(&config, "li.na", &[]);
    let serving = Serving::start(&config);
    let (status, body) = get(&format!("{}/v1/cases", serving.base), None);
    assert_eq!(status, 401, "{body}");
    let (status, body) = get(&format!("{}/v1/cases", serving.base), Some(&token));
    assert_eq!(status, 200, "{body}");
    assert_eq!(body, r#"{"items":[]}"#);
    let (status, body) = get(&format!("{}/openapi.json", serving.base), None);
    assert_eq!(status, 200);
    let description: serde_json::Value = serde_json::from_str(&body).expect("JSON");
    assert!(description["openapi"].as_str().is_some_and(|v| v.starts_with("3.1")), "{body}");
    let status = serving.terminate();
    assert!(status.success(), "{status:?}");
}

#[test]
fn python_erp_example_plays_against_kefu_serve() {
    let Some(example) = example() else {
        eprintln!("examples/python-erp is not beside this crate (a packaged build): nothing to run");
        return;
    };
    let (_dir, config) = setup();
    let erp = create_token(&config, "erp", &["erp"]);
    let agent = create_token(&config, "li.na", &[]);
    let serving = Serving::start(&config);
    let output = Command::new("python3")
        .arg(example.join("erp.py"))
        .args(["--url", &serving.base, "--erp-token", &erp, "--agent-token", &agent])
        .output()
        .expect("python3 runs (the example needs Python 3)");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    assert!(stdout.contains("the script run completed"), "{stdout}");
    assert!(stdout.contains("finished"), "{stdout}");
    assert!(serving.terminate().success());
}

/// The PostgreSQL server of the tests, or `None` (with a message) when there is none and `KEFU_PG_URL` is unset.
fn postgres() -> Option<String> {
    let set = std::env::var("KEFU_PG_URL").ok();
    let url = set.clone().unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432/test".to_owned());
    match kefu_postgres::PgStore::connect(&url) {
        Ok(_) => Some(url),
        Err(e) if set.is_none() => {
            eprintln!("no PostgreSQL at {url} ({e}) and KEFU_PG_URL is unset: skipped");
            None
        }
        Err(e) => panic!("KEFU_PG_URL={url} cannot be reached: {e}"),
    }
}

fn post(base: &str, token: &str, path: &str, body: &str, key: &str) -> (u16, String) {
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
    let mut response = agent
        .post(format!("{base}{path}"))
        .header("Authorization", format!("Bearer {token}"))
        .header("Content-Type", "application/json")
        .header("Idempotency-Key", key)
        .send(body)
        .expect("an answer");
    let status = response.status().as_u16();
    (status, response.body_mut().read_to_string().unwrap_or_default())
}

#[test]
fn two_serve_processes_on_one_postgresql_share_the_work_exactly_once() {
    let Some(url) = postgres() else { return };
    let Some(_) = example() else {
        eprintln!("examples/python-erp is not beside this crate (a packaged build): nothing to run");
        return;
    };
    let schema = format!("kefu_http_two_{}", std::process::id());
    // A fresh schema, migrated once before the two processes open it.
    let options = kefu_postgres::Options::default().schema(schema.clone());
    let store = kefu_postgres::PgStore::connect_with(&url, &options).expect("the store");
    store
        .with_client(|c| c.batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE")))
        .expect("a client")
        .expect("the schema dropped");
    drop(store);
    let store = kefu_postgres::PgStore::connect_with(&url, &options).expect("the store, migrated");

    let (_dir, config) = setup();
    let erp = create_token(&config, "erp", &["erp"]);
    let start = |config: &Path| {
        let mut child = kefu()
            .args(["serve", "--listen", "127.0.0.1:0", "--store", &format!("postgres:{url}"), "--schema", &schema])
            .arg("--config")
            .arg(config)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .spawn()
            .expect("kefu serve starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line).expect("the address line");
        let base = line.trim().rsplit(' ').next().expect("an address").to_owned();
        Serving { child, base }
    };
    let (a, b) = (start(&config), start(&config));

    // Facts through both: each customer's contract, documents, file, order and a completed sale.
    const CUSTOMERS: usize = 12;
    const DOCUMENTS: [&str; 8] = kefu::lifecycle::C5_DOCUMENTS;
    for n in 0..CUSTOMERS {
        let base = if n % 2 == 0 { &a.base } else { &b.base };
        let path = format!("/v1/customers/two-{n}/facts");
        let mut facts = vec![format!(r#"{{"fact":"contract_accepted","contract":"HT-{n}"}}"#)];
        facts.extend(DOCUMENTS.iter().map(|d| format!(r#"{{"fact":"document_received","document":"{d}"}}"#)));
        facts.push(r#"{"fact":"file_created","file_number":1}"#.to_owned());
        facts.push(r#"{"fact":"order_placed","order":"SO-1"}"#.to_owned());
        facts.push(r#"{"fact":"sale_completed","sale":"SO-1"}"#.to_owned());
        for (i, fact) in facts.iter().enumerate() {
            let (status, body) = post(base, &erp, &path, fact, &format!("two-{n}-{i}"));
            assert_eq!(status, 200, "{body}");
        }
    }

    // Both tickers react; wait until every after-sale callback is assigned.
    let assigned = |n: usize| {
        let (_, body) = get(&format!("{}/v1/instances/callback%2Ftwo-{n}%2Fsale%2FSO-1", a.base), Some(&erp));
        body.contains("\"specialist\"")
    };
    for _ in 0..300 {
        if (0..CUSTOMERS).all(assigned) {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!((0..CUSTOMERS).all(assigned), "every callback is assigned");
    std::thread::sleep(Duration::from_millis(500));

    // The log: each customer taken once (C3), each callback opened once and assigned once (B3, B2).
    let mut after = 0u64;
    let mut seen: std::collections::BTreeMap<(String, String), usize> = Default::default();
    loop {
        let (_, body) = get(&format!("{}/v1/events?after={after}&limit=1000", b.base), Some(&erp));
        let page: serde_json::Value = serde_json::from_str(&body).expect("JSON");
        let events = page["events"].as_array().cloned().unwrap_or_default();
        if events.is_empty() {
            break;
        }
        for event in &events {
            let kind = event["event"]["type"].as_str().unwrap_or_default().to_owned();
            let instance = event["instance"].as_str().unwrap_or_default().to_owned();
            *seen.entry((instance, kind)).or_default() += 1;
        }
        after = page["next"].as_u64().expect("a cursor");
    }
    for n in 0..CUSTOMERS {
        let callback = format!("callback/two-{n}/sale/SO-1");
        assert_eq!(seen.get(&(callback.clone(), "opened".to_owned())), Some(&1), "{callback} opened once");
        assert_eq!(seen.get(&(callback.clone(), "assigned".to_owned())), Some(&1), "{callback} assigned once");
    }
    assert!(a.terminate().success());
    assert!(b.terminate().success());
    let _ = store.with_client(|c| c.batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE")));
}
