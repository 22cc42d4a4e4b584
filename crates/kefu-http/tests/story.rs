//! A whole story over HTTP against a real server (rules C3, C5, F1, S2, B5, B6), with the service's logs captured
//! to check that no customer's personal data reaches them (rule Q5).

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex, PoisonError};

use common::{Server, seg, sh};
use kefu::lifecycle::C5_DOCUMENTS;
use serde_json::{Value, json};

/// The log lines the service wrote, shared with the subscriber.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap_or_else(PoisonError::into_inner)).into_owned()
    }
}

/// The personal data the story sends: names, phones, addresses, free-text notes.
const PERSONAL: [&str; 7] = [
    "陈静贸易有限公司",
    "陈静",
    "13800138000",
    "浦东新区张江路88号",
    "Deliveries arrive two days late",
    "Please send an SMS before delivering",
    "the driver was rude to Mrs Chen",
];

fn items(reply: &common::Reply) -> Vec<Value> {
    reply.json["items"].as_array().cloned().unwrap_or_default()
}

#[test]
fn rule_f1_s2_b5_b6_a_quiet_customer_s_problem_is_forwarded_breaches_and_escalates_and_q5_logs_hold_no_personal_data() {
    let logs = Captured::default();
    let writer = logs.clone();
    tracing_subscriber::fmt().json().with_max_level(tracing::Level::TRACE).with_writer(move || writer.clone()).init();

    let server = Server::start(sh(11, 2, 9, 0));
    let erp = server.client("erp");

    // The ERP: the customer's details (personal data), the contract, the file, the first order (C3, C5).
    let details = json!({
        "fact": "customer_details",
        "name": PERSONAL[0],
        "contact": format!("{} {} {}", PERSONAL[1], PERSONAL[2], PERSONAL[3]),
        "region": "east"
    });
    assert_eq!(erp.fact("0042", details, "0042-details").status, 200);
    let contract = erp.fact("0042", json!({"fact": "contract_accepted", "contract": "HT-0042"}), "0042-contract");
    assert_eq!(contract.status, 200, "{}", contract.text);
    for document in C5_DOCUMENTS {
        let reply = erp.fact("0042", json!({"fact": "document_received", "document": document}), document);
        assert_eq!(reply.status, 200, "{}", reply.text);
    }
    assert_eq!(erp.fact("0042", json!({"fact": "file_created", "file_number": 1}), "0042-file").status, 200);
    let order = erp.fact("0042", json!({"fact": "order_placed", "order": "SO-1"}), "0042-order-1");
    assert_eq!(order.status, 200, "{}", order.text);
    assert!(order.json.get("awaiting_approval").is_none(), "the file is complete: {}", order.text);
    server.tick();
    let customer = server.client("zhang.wei").get("/v1/customers/0042");
    assert_eq!(customer.status, 200, "{}", customer.text);
    assert_eq!(customer.json["lifecycle"]["kind"], "active", "{}", customer.text);
    assert_eq!(customer.json["details"]["region"], "east");

    // Quiet weeks: no order for a week (F1), the follow-up callback opens and is assigned (B2).
    server.at(sh(11, 9, 9, 30));
    let customer = server.client("zhang.wei").get("/v1/customers/0042");
    assert_eq!(customer.json["lifecycle"]["kind"], "quiet", "{}", customer.text);
    let callback = "callback/0042/follow-up/1";
    let listed = customer.json["callbacks"].as_array().cloned().unwrap_or_default();
    let entry = listed.iter().find(|c| c["instance"] == callback).unwrap_or_else(|| panic!("{}", customer.text));
    let specialist = entry["state"]["specialist"].as_str().expect("assigned").to_owned();
    let agent = server.client(&specialist);

    // The specialist's worklist shows it; the instance says who, when, and its deadlines.
    let worklist = agent.get(&format!("/v1/worklists/{specialist}?until=2026-11-11T00:00:00Z"));
    assert_eq!(worklist.status, 200, "{}", worklist.text);
    assert!(items(&worklist).iter().any(|i| i["instance"] == callback), "{}", worklist.text);
    let instance = agent.get(&format!("/v1/instances/{}", seg(callback)));
    assert_eq!(instance.status, 200, "{}", instance.text);
    assert_eq!(instance.json["machine"], "callback");
    assert_eq!(instance.etag.as_deref(), Some(format!("\"{}\"", instance.json["version"]).as_str()));
    assert!(!instance.json["deadlines"].as_array().expect("deadlines").is_empty(), "{}", instance.text);

    // The call: reached; script S2 walked from the agent's screen, with a problem raised.
    server.clock.set(sh(11, 10, 10, 0));
    let attempt =
        agent.command("callbacks", callback, json!({"command": "attempt", "channel": "phone", "reached": true}), "a1");
    assert_eq!(attempt.status, 200, "{}", attempt.text);
    let run = "run/0042/follow-up/1/1";
    let start = agent.command("runs", run, json!({"command": "start"}), "run-start");
    assert_eq!(start.status, 200, "{}", start.text);
    let screen = agent.get(&format!("/v1/runs/{}/screen?locale=en", seg(run)));
    assert_eq!(screen.status, 200, "{}", screen.text);
    assert_eq!(screen.json["script"], "s2-quiet-customer");
    assert_eq!(screen.json["node"]["id"], "greeting");
    assert_eq!(screen.json["node"]["answer"], "yes_no");
    assert!(screen.json["node"]["text"].as_str().is_some_and(|t| !t.is_empty() && !t.contains('{')), "{}", screen.text);
    let zh = agent.get(&format!("/v1/runs/{}/screen?locale=zh-CN", seg(run)));
    assert_ne!(zh.json["node"]["text"], screen.json["node"]["text"], "the locale chooses the text");

    let steps: [(&str, Value); 7] = [
        ("greeting", json!({"input": "是"})),
        ("ask_reason", json!({"answer": {"yes_no": true}})),
        ("reason_detail", json!({"answer": {"text": PERSONAL[4]}})),
        ("more_reasons", json!({"answer": {"yes_no": false}})),
        ("ask_continue", json!({"answer": {"yes_no": true}})),
        ("ask_suggestion", json!({"answer": {"text": PERSONAL[5]}})),
        ("ask_referral", json!({"input": "no"})),
    ];
    for (i, (question, answer)) in steps.into_iter().enumerate() {
        let screen = agent.get(&format!("/v1/runs/{}/screen", seg(run)));
        assert_eq!(screen.json["node"]["id"], question, "{}", screen.text);
        let mut body = answer;
        body["command"] = json!("answer");
        body["question"] = json!(question);
        let version = screen.json["version"].to_string();
        let reply = agent.post_raw(
            &format!("/v1/runs/{}/commands", seg(run)),
            &body.to_string(),
            &[("Idempotency-Key", &format!("step-{i}")), ("If-Match", &format!("\"{version}\""))],
        );
        assert_eq!(reply.status, 200, "{question}: {}", reply.text);
    }
    let done = agent.get(&format!("/v1/runs/{}/screen", seg(run)));
    assert_eq!(done.json["state"], "completed", "{}", done.text);

    // The run's record finishes the callback; the problem becomes a case at the desk (B5).
    server.tick();
    let cases = server.client("zhang.wei").get("/v1/cases");
    let case = "case/0042/follow-up/1/problem-1";
    assert!(items(&cases).iter().any(|c| c["instance"] == case), "{}", cases.text);
    let callback_now = agent.get(&format!("/v1/instances/{}", seg(callback)));
    assert_eq!(callback_now.json["kind"], "done", "{}", callback_now.text);

    // The supervisor forwards it to logistics (B5, B6), with a note.
    let supervisor = server.client("zhang.wei");
    let refer = supervisor.command("cases", case, json!({"command": "refer", "department": "logistics"}), "refer-1");
    assert_eq!(refer.status, 200, "{}", refer.text);
    let chase = supervisor.command("cases", case, json!({"command": "chase", "note": PERSONAL[6]}), "chase-1");
    assert!(chase.status == 200 || chase.status == 422, "{}", chase.text);
    let logistics = supervisor.get("/v1/cases?department=logistics");
    assert!(items(&logistics).iter().any(|c| c["instance"] == case), "{}", logistics.text);

    // Nobody in logistics acts: the time limits breach and the ladder notifies (B6).
    server.at(sh(11, 13, 9, 0));
    let mut escalations = Vec::new();
    for person in ["zhang.wei", "zhou.ming", "sun.li", "zhao.gang"] {
        let notices = server.client(person).get("/v1/notices");
        assert_eq!(notices.status, 200, "{}", notices.text);
        escalations.extend(items(&notices).into_iter().filter(|n| n.to_string().contains("escalation")));
    }
    assert!(!escalations.is_empty(), "someone hears of the breach");
    let first = escalations[0]["instance"].as_str().expect("a notice id").to_owned();
    let holder = ["zhang.wei", "zhou.ming", "sun.li", "zhao.gang"]
        .into_iter()
        .find(|p| items(&server.client(p).get("/v1/notices")).iter().any(|n| n["instance"] == first.as_str()))
        .expect("an addressee");
    let ack = server.client(holder).command("notices", &first, json!({"command": "acknowledge"}), "ack-1");
    assert_eq!(ack.status, 200, "{}", ack.text);

    // The event log tells the same story, from the start.
    let events = erp.get("/v1/events?after=0&limit=1000");
    assert_eq!(events.status, 200);
    let machines: Vec<&str> =
        events.json["events"].as_array().expect("events").iter().filter_map(|e| e["machine"].as_str()).collect();
    for machine in ["customer_lifecycle", "callback", "script_run", "case", "notice"] {
        assert!(machines.contains(&machine), "{machine} in {machines:?}");
    }
    server.stop();

    // Rule Q5: the whole story's logs carry routes and statuses, never personal data.
    let text = logs.text();
    assert!(text.lines().count() > 40, "the service logs every request:\n{text}");
    assert!(text.contains("\"route\":\"/v1/customers/{customer}/facts\""), "{text}");
    for personal in PERSONAL {
        assert!(!text.contains(personal), "`{personal}` appears in the logs");
    }
}
