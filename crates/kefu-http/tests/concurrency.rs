//! 32 clients, a few thousand requests at once against a real server: nothing lost, nothing doubled.

mod common;

use std::collections::BTreeSet;

use common::{Server, sh};
use serde_json::{Value, json};

const CLIENTS: usize = 32;
const ROUNDS: usize = 25;

/// Posts until the answer is not 503 (the service's "busy, retry"), with the same key each time.
fn post_until_done(client: &common::Client, customer: &str, fact: &Value, key: &str) -> common::Reply {
    loop {
        let reply = client.fact(customer, fact.clone(), key);
        if reply.status != 503 {
            return reply;
        }
    }
}

#[test]
fn thirty_two_clients_and_thousands_of_requests_lose_and_double_nothing() {
    let server = Server::start(sh(11, 2, 9, 0));
    let threads: Vec<_> = (0..CLIENTS)
        .map(|t| {
            let client = common::Client::with_token(&server.base, &common::token("erp"));
            std::thread::spawn(move || {
                let mut instances = Vec::new();
                for i in 0..ROUNDS {
                    // A case of its own, sent twice (a retry): the second answer is the first one.
                    let inquiry = json!({"fact": "inquiry", "reference": format!("r{i}"), "channel": "chat",
                                         "text": "a question", "class": {"nature": "product_use"}});
                    let key = format!("inq-{t}-{i}");
                    let first = post_until_done(&client, &format!("c{t}"), &inquiry, &key);
                    assert_eq!(first.status, 200, "{}", first.text);
                    let again = post_until_done(&client, &format!("c{t}"), &inquiry, &key);
                    assert_eq!(again.json, first.json);
                    instances.push(first.json["instance"].as_str().expect("an instance").to_owned());
                    // One shared profile every client changes: each change is one event, whoever wins the race.
                    let details = json!({"fact": "customer_details", "segment": format!("s{t}-{i}")});
                    let changed = post_until_done(&client, "shared", &details, &format!("seg-{t}-{i}"));
                    assert_eq!(changed.status, 200, "{}", changed.text);
                }
                instances
            })
        })
        .collect();
    let mut cases = BTreeSet::new();
    for thread in threads {
        cases.extend(thread.join().expect("a client"));
    }
    assert_eq!(cases.len(), CLIENTS * ROUNDS, "every case has its own instance");

    // The log: exactly one opening per case, exactly one change per profile update.
    let erp = server.client("erp");
    let (mut after, mut opened, mut profile_events) = (0, BTreeSet::new(), 0);
    loop {
        let page = erp.get(&format!("/v1/events?after={after}&limit=1000"));
        let events = page.json["events"].as_array().cloned().unwrap_or_default();
        if events.is_empty() {
            break;
        }
        for event in &events {
            let instance = event["instance"].as_str().unwrap_or_default();
            if event["machine"] == "case" && event["version"] == 1 {
                assert!(opened.insert(instance.to_owned()), "{instance} opened twice");
            }
            if instance == "profile/shared" {
                profile_events += 1;
            }
        }
        after = page.json["next"].as_u64().expect("a cursor");
    }
    assert_eq!(opened, cases);
    assert_eq!(profile_events, CLIENTS * ROUNDS);
    let profile = erp.get("/v1/instances/profile%2Fshared");
    assert_eq!(profile.json["version"], CLIENTS * ROUNDS, "{}", profile.text);
    let open = server.client("zhang.wei").get("/v1/cases");
    assert_eq!(open.json["items"].as_array().map(Vec::len), Some(CLIENTS * ROUNDS));
}
