//! Reports and KPIs from the event log alone (rules B7, B10, O5): stories on a small desk with explicit instants,
//! then laws over simulated quarters — incremental equals rebuilt, a quarter is the sum of its months.

#![cfg(feature = "simulation")]

use std::collections::BTreeMap;
use std::sync::OnceLock;

use chrono::{DateTime, NaiveDate, NaiveTime, TimeDelta, TimeZone, Utc};
use chrono_tz::Asia::Shanghai;
use kefu::calendar::Calendar;
use kefu::callback::CallbackCommand;
use kefu::case::{Class, InquiryChannel, Nature, Urgency};
use kefu::desk::{Desk, DeskCommand, DeskConfig, Fact, Person, ids};
use kefu::lifecycle::{C5_DOCUMENTS, ContactChannel as Channel};
use kefu::machine::Principal;
use kefu::report::{Agreement, Period, Projection, Ratio, Report, ReportConfig, Schedule};
use kefu::script::{Answer, RunCommand};
use kefu::simulation::{Scenario, simulate};
use kefu::store::{MemoryStore, Position, RecordedEvent, Store};
use proptest::prelude::*;

type Result = std::result::Result<(), Box<dyn std::error::Error>>;

const SHANGHAI: &str = include_str!("fixtures/shanghai-2026-sample.toml");

fn sh(month: u32, day: u32, hour: u32, min: u32) -> DateTime<Utc> {
    Shanghai.with_ymd_and_hms(2026, month, day, hour, min, 0).single().expect("unambiguous").to_utc()
}

/// Two specialists, a supervisor, a logistics head, leadership; `agreements` for rule B7.
fn config(agreements: Vec<Agreement>) -> DeskConfig {
    let mut config = DeskConfig::new("鸿枫化工", Shanghai).expect("the shipped scripts load");
    let office = Calendar::from_toml_str(SHANGHAI).expect("the sample calendar loads");
    config.calendars = [("office", office.clone()), ("service-desk", office)].into_iter().collect();
    let people: [(&str, &[&str]); 7] = [
        ("zhang.wei", &["service_supervisor", "supervisor"]),
        ("li.na", &["specialist"]),
        ("wang.fang", &["specialist"]),
        ("zhou.ming", &["department_head"]),
        ("sun.li", &["marketing_director", "leadership"]),
        ("qian.hua", &["finance_supervisor"]),
        ("zhao.gang", &["general_manager", "leadership"]),
    ];
    for (id, roles) in people {
        let person = roles.iter().fold(Person::new(id, id), |p, r| p.with_role(*r));
        config.people.push(if person.is_specialist() { person.with_calendar("office") } else { person });
    }
    config.departments.push(kefu::desk::Department::new("logistics", "物流部").with_head("zhou.ming"));
    config.reports = ReportConfig { agreements };
    config
}

fn fact(desk: &Desk<MemoryStore>, customer: &str, fact: Fact, at: DateTime<Utc>) -> Result {
    let key = format!("{customer}/{fact:?}/{at}");
    desk.submit(customer, &fact, &Principal::new("erp"), at, &key)?;
    desk.tick(at)?;
    Ok(())
}

/// Customers with complete files and a first order on 2 November, a sale each on 3 November (rule B3).
fn sold(desk: &Desk<MemoryStore>, customers: &[&str]) -> Result {
    let t = sh(11, 2, 9, 0);
    for customer in customers {
        fact(desk, customer, Fact::ContractAccepted { contract: format!("HT-{customer}") }, t)?;
        for document in C5_DOCUMENTS {
            fact(desk, customer, Fact::DocumentReceived { document: document.into() }, t)?;
        }
        fact(desk, customer, Fact::FileCreated { file_number: 1 }, t)?;
        fact(desk, customer, Fact::OrderPlaced { order: format!("SO-{customer}-1") }, t)?;
        fact(desk, customer, Fact::SaleCompleted { sale: format!("S-{customer}") }, sh(11, 3, 15, 0))?;
    }
    Ok(())
}

/// The specialist holding a customer's after-sale callback.
fn holder(desk: &Desk<MemoryStore>, config: &DeskConfig, customer: &str) -> std::result::Result<Principal, String> {
    let view = desk.customer(customer).map_err(|e| e.to_string())?;
    let id = view.callbacks.first().and_then(|(_, s)| s.specialist()).ok_or("assigned")?.to_owned();
    let compiled = config.compile().map_err(|e| e.to_string())?;
    compiled.principal(&id).cloned().ok_or_else(|| "a specialist".to_owned())
}

/// Customer 0042's callback: not reached at 10:00, reached at 11:00, S1 walked to the end, satisfied.
fn call_satisfied(desk: &Desk<MemoryStore>, agent: &Principal) -> Result {
    let callback = ids::after_sale("0042", "S-0042");
    let attempt = |reached| DeskCommand::Callback(CallbackCommand::Attempt { channel: Channel::Phone, reached });
    desk.execute(&callback, &attempt(false), agent, sh(11, 4, 10, 0), None)?;
    let at = sh(11, 4, 11, 0);
    desk.execute(&callback, &attempt(true), agent, at, None)?;
    let run = ids::run(&callback, 1);
    let step = |command: RunCommand, minute: i64| {
        desk.execute(&run, &DeskCommand::Run(command), agent, at + TimeDelta::minutes(minute), None)
    };
    step(RunCommand::Start, 1)?;
    step(RunCommand::answer("greeting", Answer::YesNo(true)), 1)?;
    step(RunCommand::answer("ask_satisfaction", Answer::choice("satisfied")), 2)?;
    step(RunCommand::answer("ask_channel", Answer::text("trade fair")), 3)?;
    step(RunCommand::skip("ask_suggestion"), 3)?;
    step(RunCommand::answer("ask_referral", Answer::YesNo(true)), 4)?;
    desk.tick(at + TimeDelta::minutes(5))?;
    Ok(())
}

#[test]
fn rule_b10_every_customer_due_a_callback_is_accounted_for_and_the_missed_one_is_named() -> Result {
    let config = config(Vec::new());
    let desk = Desk::new(MemoryStore::new(), config.compile()?);
    sold(&desk, &["0042", "0043"])?;
    let agent = holder(&desk, &config, "0042")?;
    call_satisfied(&desk, &agent)?;
    // 12 November: the after-sale windows (a week after the sale, B3) have closed; the customers went quiet on the
    // 9th without an order, so their F1 follow-up callbacks are due too, by the 16th.
    desk.tick(sh(11, 12, 0, 0))?;

    let november = Report::from_store(desk.store(), &config, Period::month(2026, 11)?)?;
    let cb = &november.callbacks;
    assert_eq!((cb.due, cb.done, cb.missed, cb.open, cb.cancelled), (4, 1, 1, 2, 0));
    assert_eq!(cb.coverage, Ratio::new(1, 2));
    assert_eq!(cb.missed_list.len(), 1);
    assert_eq!(cb.missed_list[0].customer, "0043");
    assert_eq!(cb.missed_list[0].rule, "B3");
    assert_eq!(cb.missed_list[0].due_by, sh(11, 10, 15, 0)); // a week after the sale
    assert_eq!((cb.by_reason["B3"].due, cb.by_reason["B3"].done, cb.by_reason["B3"].missed), (2, 1, 1));
    assert_eq!((cb.by_reason["F1"].due, cb.by_reason["F1"].open), (2, 2));
    assert_eq!(cb.by_specialist.values().map(|c| c.due).sum::<u64>(), cb.due);
    // The text names the missed customer too.
    assert!(november.to_text().contains("0043"));

    // Before the after-sale windows close, 0043's callback is open, not missed (0042's was done on the 4th).
    let mut early = Projection::for_desk(&config);
    for event in desk.store().read(Position::START, 1_000_000)?.iter().filter(|e| e.at <= sh(11, 5, 0, 0)) {
        early.apply(event)?;
    }
    let open = early.over(Period::month(2026, 11)?)?;
    let early = &open.callbacks;
    assert_eq!((early.due, early.done, early.missed, early.open), (2, 1, 0, 1));

    // At the month's end nobody called the F1 customers either: every miss is named, by window end.
    desk.tick(sh(12, 1, 0, 0))?;
    let november = Report::from_store(desk.store(), &config, Period::month(2026, 11)?)?;
    let cb = &november.callbacks;
    assert_eq!((cb.due, cb.done, cb.missed, cb.open), (4, 1, 3, 0));
    let named: Vec<(&str, &str)> = cb.missed_list.iter().map(|m| (m.customer.as_str(), m.rule.as_str())).collect();
    assert_eq!(named[0], ("0043", "B3"));
    assert!(named[1..].contains(&("0042", "F1")) && named[1..].contains(&("0043", "F1")));
    assert_eq!(november.obligations["F1"].due, 2);
    assert_eq!(november.obligations["F1"].overdue, 2);
    // October had nothing due: coverage is full by definition, nobody is named.
    let october = Report::from_store(desk.store(), &config, Period::month(2026, 10)?)?;
    assert_eq!((october.callbacks.due, october.callbacks.missed_list.len()), (0, 0));
    Ok(())
}

#[test]
fn rule_o5_kpis_count_contacts_reach_satisfaction_complaints_first_contact_and_sla_per_specialist() -> Result {
    let config = config(Vec::new());
    let desk = Desk::new(MemoryStore::new(), config.compile()?);
    sold(&desk, &["0042"])?;
    let agent = holder(&desk, &config, "0042")?;
    call_satisfied(&desk, &agent)?;
    let complaint = Fact::Inquiry {
        reference: "T-1".into(),
        channel: InquiryChannel::Phone,
        text: "The drums leak".into(),
        class: Class::new(Nature::Complaint, Urgency::Urgent),
    };
    fact(&desk, "0042", complaint, sh(11, 5, 9, 0))?;
    desk.tick(sh(12, 1, 0, 0))?;

    let report = Report::from_store(desk.store(), &config, Period::month(2026, 11)?)?;
    let team = &report.kpis.team;
    assert_eq!(team.contacts, 2);
    assert_eq!(team.reach_rate, Ratio::new(1, 2));
    assert_eq!(team.callbacks_done, 1);
    assert_eq!(team.satisfaction, Ratio::new(1, 1));
    assert_eq!(team.complaint_rate, Ratio::new(1, 1)); // one complaint per reached contact
    assert_eq!(team.first_contact_resolution, Ratio::new(0, 1)); // it took two attempts
    let mine = &report.kpis.by_specialist[agent.id()];
    assert_eq!((mine.contacts, mine.reach_rate, mine.callbacks_done), (2, Ratio::new(1, 2), 1));
    assert_eq!(report.survey.satisfaction.get("satisfied"), Some(&1));
    assert_eq!(report.survey.heard_of.get("trade fair"), Some(&1));
    assert_eq!(report.survey.would_recommend, Ratio::new(1, 1));
    assert_eq!(report.cases.by_class.get("complaint/urgent"), Some(&1));
    assert_eq!(report.callbacks.by_channel["phone"].attempts, 2);
    assert_eq!(report.callbacks.by_channel["phone"].reached, 1);
    // SLA: the record clock (B4) and the complaint's clocks are counted per policy, in their own measure.
    assert!(!report.sla.is_empty());
    let clocks: u64 = report.sla.values().map(|s| s.met + s.breached).sum();
    assert_eq!(team.sla_compliance.of, clocks);
    Ok(())
}

#[test]
fn rule_b7_a_sales_department_gets_its_customers_results_at_the_agreed_time() -> Result {
    let at = NaiveTime::from_hms_opt(17, 0, 0).ok_or("time")?;
    let agreement = Agreement {
        name: "east-key-accounts".into(),
        requested_by: "sales-east".into(),
        customers: vec!["0042".into(), "0043".into(), "0099".into()],
        schedule: Schedule::Month { day: 25, at },
    };
    let config = config(vec![agreement]);
    let desk = Desk::new(MemoryStore::new(), config.compile()?);
    sold(&desk, &["0042", "0043", "0044"])?;
    let agent = holder(&desk, &config, "0042")?;
    call_satisfied(&desk, &agent)?;
    desk.tick(sh(12, 1, 0, 0))?;

    let november = Report::from_store(desk.store(), &config, Period::month(2026, 11)?)?;
    assert_eq!(november.agreements.len(), 1);
    let feedback = &november.agreements[0];
    assert_eq!(feedback.due_at, sh(11, 25, 17, 0));
    assert_eq!(feedback.covers_from, sh(10, 25, 17, 0));
    assert!(feedback.ready);
    // Only the agreed customers, each of them, even one without any callback.
    assert_eq!(feedback.customers.keys().map(String::as_str).collect::<Vec<_>>(), ["0042", "0043", "0099"]);
    let results = &feedback.customers["0042"];
    assert_eq!(results.callbacks.len(), 1);
    assert_eq!(results.callbacks[0].satisfaction.as_deref(), Some("satisfied"));
    assert_eq!(results.callbacks[0].would_recommend, Some(true));
    assert_eq!(feedback.customers["0043"].missed, 2); // after the sale (B3) and the F1 follow-up
    assert_eq!(feedback.customers["0042"].missed, 1); // the F1 follow-up
    assert_eq!(feedback.customers["0099"], Default::default());

    // The quarter carries the deliveries of its three months; the monthly compilation (B7) of October has one too.
    let q4 = Report::from_store(desk.store(), &config, Period::quarter(2026, 4)?)?;
    assert_eq!(
        q4.agreements.iter().map(|f| f.due_at).collect::<Vec<_>>(),
        [sh(10, 25, 17, 0), sh(11, 25, 17, 0), sh(12, 25, 17, 0)]
    );
    assert!(!q4.agreements[2].ready, "December's delivery is not due yet in the log");
    Ok(())
}

#[test]
fn rule_b7_the_agreements_are_read_from_kefu_toml_and_checked() -> Result {
    let text = r#"
company = "鸿枫化工"
time_zone = "Asia/Shanghai"
[calendars]
office = { time_zone = "Asia/Shanghai", week = { mon = ["09:00-18:00"] } }
service-desk = { time_zone = "Asia/Shanghai", week = { mon = ["09:00-18:00"] } }
[[people]]
id = "li.na"
roles = ["specialist"]
[[people]]
id = "zhang.wei"
roles = ["service_supervisor", "supervisor", "marketing_director", "finance_supervisor", "general_manager", "leadership", "department_head"]
[[reports.agreements]]
name = "east"
requested_by = "sales-east"
customers = ["0042"]
schedule = { every = "week", weekday = "fri", at = "16:00" }
"#;
    let files = |_: &str| -> std::result::Result<String, String> { Err("no files".into()) };
    let config = kefu::desk::load_toml(text, "kefu.toml", &files)?;
    assert_eq!(config.reports.agreements.len(), 1);
    assert!(matches!(config.reports.agreements[0].schedule, Schedule::Week { .. }));

    let broken = text.replace("customers = [\"0042\"]", "customers = []");
    let errors = kefu::desk::load_toml(&broken, "kefu.toml", &files).err().ok_or("refused")?;
    assert!(errors.to_string().contains("reports.agreements[0].customers"), "{errors}");
    let broken = text.replace("weekday = \"fri\"", "weekday = \"friday\"");
    let errors = kefu::desk::load_toml(&broken, "kefu.toml", &files).err().ok_or("refused")?;
    assert!(errors.to_string().contains("not a weekday"), "{errors}");
    Ok(())
}

/// A simulated quarter (Q3 2026) of a small distributor, once per test binary: the log the laws are checked on.
fn quarter() -> &'static (DeskConfig, Vec<RecordedEvent>) {
    static LOG: OnceLock<(DeskConfig, Vec<RecordedEvent>)> = OnceLock::new();
    LOG.get_or_init(|| {
        let at = NaiveTime::from_hms_opt(17, 0, 0).expect("a time");
        let schedule = Schedule::Week { weekday: chrono::Weekday::Fri, at };
        let agreement = Agreement {
            name: "key".into(),
            requested_by: "sales".into(),
            customers: (0..10).map(|n| format!("{n:04}")).collect(),
            schedule,
        };
        let config = config(vec![agreement]);
        let desk = Desk::new(MemoryStore::new(), config.compile().expect("whole"));
        let scenario = Scenario { customers: 30, days: 92, seed: 7, ..Scenario::default() };
        simulate(&desk, &scenario, &mut |_| {}).expect("the simulation runs");
        let log = desk.store().read(Position::START, usize::MAX).expect("the log");
        (config, log)
    })
}

fn rebuilt(config: &DeskConfig, log: &[RecordedEvent]) -> Projection {
    let mut p = Projection::for_desk(config);
    for e in log {
        p.apply(e).expect("every event decodes");
    }
    p
}

#[test]
fn a_simulated_quarter_gives_a_full_report() -> Result {
    let (config, log) = quarter();
    let p = rebuilt(config, log);
    let q3 = p.over(Period::quarter(2026, 3)?)?;
    assert!(q3.callbacks.due > 0 && q3.callbacks.done > 0, "{:?}", q3.callbacks);
    assert!(q3.kpis.team.contacts > 0);
    assert!(!q3.sla.is_empty());
    assert!(q3.customers.values().sum::<u64>() >= 1);
    assert_eq!(q3.callbacks.missed_list.len() as u64, q3.callbacks.missed);
    let json = serde_json::to_value(&q3)?;
    for key in ["customers", "callbacks", "obligations", "sla", "escalations", "cases", "approvals", "kpis"] {
        assert!(json.get(key).is_some(), "{key}");
    }
    for key in ["due", "done", "missed", "open", "coverage"] {
        assert!(json["callbacks"].get(key).is_some(), "callbacks.{key}");
    }
    assert!(json["cases"].get("opened").is_some() && json["cases"].get("closed").is_some());
    // Deterministic: the same log gives byte-identical JSON.
    assert_eq!(serde_json::to_string(&q3)?, serde_json::to_string(&rebuilt(config, log).over(q3.period)?)?);
    Ok(())
}

#[test]
fn outputs_are_self_contained_and_carry_the_figures() -> Result {
    let (config, log) = quarter();
    let july = rebuilt(config, log).over(Period::month(2026, 7)?)?;
    let html = july.to_html();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert_eq!(html.matches("<svg").count(), 2, "two charts");
    assert!(!html.contains("<script") && !html.contains("src=") && !html.contains("href="));
    assert!(!html.replace("http://www.w3.org/2000/svg", "").contains("http"), "no external asset");
    let csv = july.to_csv();
    assert!(csv.starts_with("table,row,column,value\r\n"));
    assert!(csv.contains(&format!("Callbacks due (rule B10),due,value,{}\r\n", july.callbacks.due)));
    let md = july.to_markdown();
    assert!(md.starts_with("# Report 2026-07"));
    assert!(md.contains("## KPIs (rule O5)"));
    let back: Report = serde_json::from_str(&serde_json::to_string(&july)?)?;
    assert_eq!(back, july);
    Ok(())
}

fn sum(reports: &[Report]) -> BTreeMap<String, u64> {
    let mut total = BTreeMap::new();
    for r in reports {
        for (k, v) in r.additive_figures() {
            *total.entry(k).or_insert(0) += v;
        }
    }
    total
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    /// Following the log in random chunks (with overlaps re-read) gives the same reports as rebuilding it.
    #[test]
    fn a_report_built_incrementally_equals_one_rebuilt_from_scratch(
        cuts in proptest::collection::vec(any::<prop::sample::Index>(), 1..12),
        overlap in 0usize..50,
    ) {
        let (config, log) = quarter();
        let mut cuts: Vec<usize> = cuts.iter().map(|i| i.index(log.len() + 1)).collect();
        cuts.push(log.len());
        cuts.sort_unstable();
        let mut incremental = Projection::for_desk(config);
        let mut from: usize = 0;
        for &to in &cuts {
            for e in &log[from.saturating_sub(overlap)..to] {
                incremental.apply(e).expect("decodes");
            }
            from = to;
            // Midway, a report can be read without disturbing the fold.
            let _ = incremental.over(Period::month(2026, 8).expect("a month")).expect("a report");
        }
        let scratch = rebuilt(config, log);
        for period in ["2026-07", "2026-08", "2026-09", "2026-Q3"] {
            let period: Period = period.parse().expect("a period");
            prop_assert_eq!(incremental.over(period).expect("a report"), scratch.over(period).expect("a report"));
        }
    }

    /// Every additive figure of a quarter is the sum of its months', whatever prefix of the log has been read.
    #[test]
    fn a_quarter_equals_the_sum_of_its_months(prefix in any::<prop::sample::Index>()) {
        let (config, log) = quarter();
        let n = prefix.index(log.len() + 1);
        let p = rebuilt(config, &log[..n]);
        let q3 = Period::quarter(2026, 3).expect("a quarter");
        let months: Vec<Report> = q3.months().into_iter().map(|m| p.over(m).expect("a report")).collect();
        let quarter = p.over(q3).expect("a report");
        prop_assert_eq!(quarter.additive_figures(), sum(&months));
    }
}

#[test]
fn periods_begin_at_local_midnight_in_the_desk_zone() -> Result {
    let (from, to) = Period::quarter(2026, 3)?.bounds(Shanghai)?;
    assert_eq!((from, to), (sh(7, 1, 0, 0), sh(10, 1, 0, 0)));
    let days = Period::days(
        NaiveDate::from_ymd_opt(2026, 7, 1).ok_or("day")?,
        NaiveDate::from_ymd_opt(2026, 7, 15).ok_or("day")?,
    )?;
    assert_eq!(days.to_string(), "2026-07-01..2026-07-15");
    assert!(Period::month(2026, 13).is_err() && Period::quarter(2026, 0).is_err());
    Ok(())
}
