//! Scenario tests for balanced assignment (rules C3, B2, O1), on Shanghai calendars with explicit instants.

use chrono::{DateTime, TimeZone, Utc};
use chrono_tz::Asia::Shanghai;
use kefu::assign::{AssignError, Availability, ExclusionReason, Item, Move, RosterError, Specialist, Team};
use kefu::calendar::{Calendar, CalendarSet};

type Result = std::result::Result<(), Box<dyn std::error::Error>>;

const WEEK: &str = r#"
time_zone = "Asia/Shanghai"
[week]
mon = ["09:00-12:00", "13:30-18:00"]
tue = ["09:00-12:00", "13:30-18:00"]
wed = ["09:00-12:00", "13:30-18:00"]
thu = ["09:00-12:00", "13:30-18:00"]
fri = ["09:00-12:00", "13:30-18:00"]
"#;

/// The desk: National Day 2026 off, the make-up Saturday 10 October worked.
fn desk() -> Calendar {
    Calendar::from_toml_str(&format!(
        "{WEEK}\n[[holidays]]\nfrom = \"2026-10-01\"\nto = \"2026-10-07\"\n\n[[workdays]]\ndate = \"2026-10-10\"\nhours = [\"09:00-12:00\", \"13:30-18:00\"]\n"
    ))
    .unwrap()
}

/// The desk's week, with annual leave from `from` to `to` (inclusive).
fn on_leave(from: &str, to: &str) -> Calendar {
    Calendar::from_toml_str(&format!(
        "{WEEK}\n[[holidays]]\nfrom = \"{from}\"\nto = \"{to}\"\nname = \"annual leave\"\n"
    ))
    .unwrap()
}

fn at(m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Shanghai.with_ymd_and_hms(2026, m, d, h, min, 0).unwrap().to_utc()
}

fn items(prefix: &str, range: std::ops::RangeInclusive<u32>) -> impl Iterator<Item = Item> + use<'_> {
    range.map(move |n| Item::new(format!("{prefix}-{n}")))
}

fn loads(team: &Team) -> Vec<(String, usize)> {
    team.specialists().map(|s| (s.id().to_string(), team.load(s.id().as_str()).unwrap())).collect()
}

fn pairs(list: &[(&str, usize)]) -> Vec<(String, usize)> {
    list.iter().map(|(s, n)| (s.to_string(), *n)).collect()
}

/// Li Wei and Zhao Lei on the desk calendar; Wang Fang on leave Monday 2 to Friday 6 November 2026.
fn team() -> Team {
    let calendars: CalendarSet =
        [("desk", desk()), ("wang.fang", on_leave("2026-11-02", "2026-11-06"))].into_iter().collect();
    let mut team = Team::new(calendars);
    team.add(Specialist::new("li.wei").with_skill("chemicals").with_calendar("desk")).unwrap();
    team.add(Specialist::new("wang.fang").with_skill("chemicals").with_skill("english").with_calendar("wang.fang"))
        .unwrap();
    team.add(Specialist::new("zhao.lei").with_calendar("desk")).unwrap();
    team
}

#[test]
fn rule_c3_a_specialist_on_leave_per_their_calendar_gets_nothing() -> Result {
    let mut team = team();
    // Monday 2 November, 08:30, before the desk opens: Wang Fang is on leave all week.
    let monday = at(11, 2, 8, 30);
    assert!(!team.is_available("wang.fang", monday)?);
    assert!(team.is_available("li.wei", monday)?);
    for item in items("customer", 1..=6) {
        let who = team.assign(item, monday)?;
        assert_ne!(who.as_str(), "wang.fang");
    }
    assert_eq!(loads(&team), pairs(&[("li.wei", 3), ("wang.fang", 0), ("zhao.lei", 3)]));

    // Monday 9 November she is back: new customers go to her until she has caught up.
    let back = at(11, 9, 8, 30);
    for item in items("customer", 7..=9) {
        assert_eq!(team.assign(item, back)?.as_str(), "wang.fang");
    }
    assert_eq!(team.assign(Item::new("customer-10"), back)?.as_str(), "li.wei"); // all at 3: smallest id
    Ok(())
}

#[test]
fn rule_c3_customers_are_shared_in_proportion_to_ability() -> Result {
    let mut team = Team::new(CalendarSet::new());
    team.add(Specialist::new("senior").with_weight(3))?;
    team.add(Specialist::new("regular").with_weight(2))?;
    team.add(Specialist::new("junior"))?;
    let now = at(11, 2, 9, 0);
    for item in items("customer", 1..=60) {
        team.assign(item, now)?;
    }
    assert_eq!(loads(&team), pairs(&[("junior", 10), ("regular", 20), ("senior", 30)]));
    // Weight 10 against weight 1: the strong specialist takes the first nine before the other takes one.
    let mut pair = Team::new(CalendarSet::new());
    pair.add(Specialist::new("a").with_weight(1))?;
    pair.add(Specialist::new("b").with_weight(10))?;
    let got: Vec<String> = items("c", 1..=11)
        .map(|i| pair.assign(i, now).map(|s| s.to_string()))
        .collect::<std::result::Result<_, _>>()?;
    assert_eq!(got, ["b", "b", "b", "b", "b", "b", "b", "b", "b", "a", "b"]);
    Ok(())
}

#[test]
fn rule_c3_ties_are_broken_by_specialist_id() -> Result {
    let mut team = Team::new(CalendarSet::new());
    // Added out of order: the tie-break is by id, not by insertion.
    for id in ["c", "a", "b"] {
        team.add(Specialist::new(id))?;
    }
    let now = at(11, 2, 9, 0);
    let got: Vec<String> =
        items("x", 1..=6).map(|i| team.assign(i, now).map(|s| s.to_string())).collect::<std::result::Result<_, _>>()?;
    assert_eq!(got, ["a", "b", "c", "a", "b", "c"]);
    Ok(())
}

#[test]
fn rule_c3_and_o1_only_specialists_with_every_required_skill_are_eligible() -> Result {
    let mut team = team();
    let monday = at(11, 2, 8, 30);
    // Chemicals: Li Wei (Wang Fang has it but is on leave).
    let item = Item::new("customer-1").requiring("chemicals");
    assert_eq!(team.choose(&item, monday)?.as_str(), "li.wei");
    // Chemicals and English: only Wang Fang, who is on leave.
    let err = team.assign(Item::new("c-17").requiring("chemicals").requiring("english"), monday).unwrap_err();
    assert_eq!(
        err.to_string(),
        "no eligible specialist for `c-17` (needs chemicals, english): lacks english: li.wei; \
         off on 2026-11-02 by their calendar: wang.fang; lacks chemicals, english: zhao.lei"
    );
    let AssignError::NoEligible(report) = err else { panic!("expected NoEligible") };
    assert_eq!(report.item.id().as_str(), "c-17");
    assert_eq!(
        report.excluded[1].reason,
        ExclusionReason::NotWorking { calendar: "wang.fang".into(), date: "2026-11-02".parse()? }
    );
    assert_eq!(team.total_load(), 0, "a failed assignment changes nothing");
    Ok(())
}

#[test]
fn rule_c3_an_unavailable_specialist_keeps_their_customers_until_reassigned() -> Result {
    let mut team = team();
    // Friday 30 October everyone works; Wang Fang gets her share.
    let friday = at(10, 30, 10, 0);
    team.assign_all(items("customer", 1..=6), friday)?;
    assert_eq!(loads(&team), pairs(&[("li.wei", 2), ("wang.fang", 2), ("zhao.lei", 2)]));
    // Monday she is on leave: she keeps them ...
    let monday = at(11, 2, 9, 0);
    team.assign(Item::new("customer-7"), monday)?;
    assert_eq!(team.load("wang.fang"), Some(2));
    // ... until the supervisor rebalances explicitly.
    let rebalance = team.reassign_from("wang.fang", monday)?;
    assert_eq!(
        rebalance.moves,
        [
            Move { item: "customer-2".into(), from: "wang.fang".into(), to: "zhao.lei".into() },
            Move { item: "customer-5".into(), from: "wang.fang".into(), to: "li.wei".into() },
        ]
    );
    assert!(rebalance.stranded.is_empty());
    assert_eq!(loads(&team), pairs(&[("li.wei", 4), ("wang.fang", 0), ("zhao.lei", 3)]));
    Ok(())
}

#[test]
fn rule_c3_a_specialist_who_leaves_hands_over_every_customer() -> Result {
    let mut team = team();
    let friday = at(10, 30, 10, 0);
    team.place(Item::new("export-1").requiring("english"), "wang.fang")?;
    team.assign_all(items("customer", 1..=5), friday)?;
    let before = team.total_load();
    let rebalance = team.leave("wang.fang", friday)?;
    assert!(team.specialist("wang.fang").is_none());
    // Her two plain customers move; the English-speaking customer has nobody left and is handed back.
    assert_eq!(rebalance.moves.len(), 1);
    assert_eq!(rebalance.stranded.len(), 1);
    assert_eq!(rebalance.stranded[0].item.id().as_str(), "export-1");
    assert_eq!(
        rebalance.stranded[0].to_string(),
        "no eligible specialist for `export-1` (needs english): lacks english: li.wei, zhao.lei"
    );
    assert_eq!(team.holder("export-1"), None);
    assert_eq!(team.total_load() + rebalance.stranded.len(), before, "none lost");
    assert_eq!(loads(&team), pairs(&[("li.wei", 3), ("zhao.lei", 2)]));
    Ok(())
}

#[test]
fn rule_b2_the_consolidated_callback_list_is_distributed_evenly() -> Result {
    let mut team = Team::new([("desk", desk())].into_iter().collect());
    for id in ["a", "b", "c", "d"] {
        team.add(Specialist::new(id).with_calendar("desk"))?;
    }
    // Monday 12 October 2026, 08:45: 23 callbacks due.
    let batch = team.assign_all(items("callback", 1..=23), at(10, 12, 8, 45))?;
    assert_eq!(batch.assigned.len(), 23);
    assert!(batch.unassigned.is_empty());
    assert_eq!(batch.assigned[0].item.as_str(), "callback-1", "reported in list order");
    assert_eq!(loads(&team), pairs(&[("a", 6), ("b", 6), ("c", 6), ("d", 5)]));
    Ok(())
}

#[test]
fn rule_b2_on_a_holiday_nothing_is_assigned_and_every_callback_is_reported() -> Result {
    let mut team = Team::new([("desk", desk())].into_iter().collect());
    team.add(Specialist::new("a").with_calendar("desk"))?;
    team.add(Specialist::new("b").with_calendar("desk"))?;
    // Monday 5 October 2026 is inside National Day: everyone is off.
    let batch = team.assign_all(items("callback", 1..=3), at(10, 5, 9, 0))?;
    assert!(batch.assigned.is_empty());
    assert_eq!(batch.unassigned.len(), 3, "rule B10: none missed silently");
    assert_eq!(
        batch.unassigned[0].to_string(),
        "no eligible specialist for `callback-1` (needs no skill): off on 2026-10-05 by their calendar: a, b"
    );
    // Saturday 10 October is a make-up working day: the list goes out.
    let again = batch.unassigned.into_iter().map(|n| n.item);
    let batch = team.assign_all(again, at(10, 10, 8, 30))?;
    assert_eq!(batch.assigned.len(), 3);
    Ok(())
}

#[test]
fn rule_b2_callbacks_only_a_few_can_take_go_first() -> Result {
    let mut team = Team::new(CalendarSet::new());
    team.add(Specialist::new("a").with_skill("english"))?;
    team.add(Specialist::new("b"))?;
    let list =
        [Item::new("1"), Item::new("2"), Item::new("3").requiring("english"), Item::new("4").requiring("english")];
    let batch = team.assign_all(list, at(11, 2, 9, 0))?;
    // In list order, `a` would take "1" and then both English callbacks: 3 against 1.
    assert_eq!(loads(&team), pairs(&[("a", 2), ("b", 2)]));
    let got: Vec<_> = batch.assigned.iter().map(|a| (a.item.as_str(), a.specialist.as_str())).collect();
    assert_eq!(got, [("1", "b"), ("2", "b"), ("3", "a"), ("4", "a")]);
    Ok(())
}

#[test]
fn rule_o1_live_contacts_go_to_whoever_is_on_shift() -> Result {
    let late = Calendar::from_toml_str(
        "time_zone = \"Asia/Shanghai\"\nweek = { mon = [\"12:00-21:00\"], tue = [\"12:00-21:00\"] }\n",
    )?;
    let calendars: CalendarSet = [("desk", desk()), ("late", late)].into_iter().collect();
    let mut team = Team::new(calendars).with_availability(Availability::OpenAt);
    team.add(Specialist::new("early").with_calendar("desk"))?;
    team.add(Specialist::new("late").with_calendar("late"))?;
    // Monday 2 November at 12:30: the desk is at lunch, the late shift is on.
    assert_eq!(team.assign(Item::new("call-1"), at(11, 2, 12, 30))?.as_str(), "late");
    // At 10:00 only the early shift is on, although both work that date.
    assert_eq!(team.assign(Item::new("call-2"), at(11, 2, 10, 0))?.as_str(), "early");
    let err = team.assign(Item::new("call-3"), at(11, 2, 22, 0)).unwrap_err();
    assert_eq!(
        err.to_string(),
        "no eligible specialist for `call-3` (needs no skill): calendar closed at 2026-11-02T14:00:00+00:00: early, late"
    );
    Ok(())
}

#[test]
fn errors_name_what_is_wrong_and_change_nothing() -> Result {
    let mut team = team();
    let now = at(10, 30, 10, 0);
    team.assign(Item::new("c-1"), now)?;
    let err = team.assign(Item::new("c-1"), now).unwrap_err();
    assert_eq!(err.to_string(), "item `c-1` is already assigned to `li.wei`");

    let err = team.assign_all([Item::new("c-2"), Item::new("c-3"), Item::new("c-2")], now).unwrap_err();
    assert_eq!(err, AssignError::DuplicateInBatch { item: "c-2".into() });
    let err = team.assign_all([Item::new("c-4"), Item::new("c-1")], now).unwrap_err();
    assert!(matches!(err, AssignError::AlreadyAssigned { .. }));
    assert_eq!(team.total_load(), 1, "a refused batch assigns nothing");

    assert_eq!(team.release("c-9").unwrap_err().to_string(), "no item `c-9` is assigned in the team");
    assert_eq!(team.leave("qian.yu", now).unwrap_err().to_string(), "no specialist `qian.yu` in the team");
    assert_eq!(team.place(Item::new("c-5"), "qian.yu").unwrap_err().to_string(), "no specialist `qian.yu` in the team");

    assert_eq!(
        team.add(Specialist::new("li.wei")).unwrap_err().to_string(),
        "the team already has a specialist `li.wei`"
    );
    assert_eq!(
        team.add(Specialist::new("qian.yu").with_calendar("qian")).unwrap_err().to_string(),
        "specialist `qian.yu`: unknown calendar `qian` (known: desk, wang.fang)"
    );
    assert!(matches!(team.add(Specialist::new("qian.yu").with_weight(0)), Err(RosterError::ZeroWeight { .. })));
    assert_eq!(team.specialists().count(), 3);

    // A calendar cannot answer for an instant beyond its supported years.
    let far = Utc.with_ymd_and_hms(2300, 1, 1, 0, 0, 0).unwrap();
    let live = team.clone().with_availability(Availability::OpenAt);
    let err = live.choose(&Item::new("c-6"), far).unwrap_err();
    assert!(matches!(err, AssignError::Calendar { ref specialist, .. } if specialist.as_str() == "li.wei"), "{err}");
    Ok(())
}

#[test]
fn no_eligible_messages_stay_short_for_large_teams() -> Result {
    let mut team = Team::new(CalendarSet::new());
    for n in 0..12 {
        team.add(Specialist::new(format!("s{n:02}")))?;
    }
    let err = team.choose(&Item::new("x").requiring("russian"), at(11, 2, 9, 0)).unwrap_err();
    assert_eq!(
        err.to_string(),
        "no eligible specialist for `x` (needs russian): lacks russian: s00, s01, s02, s03, s04 and 7 more"
    );
    let empty = Team::new(CalendarSet::new());
    let err = empty.choose(&Item::new("x"), at(11, 2, 9, 0)).unwrap_err();
    assert_eq!(err.to_string(), "no eligible specialist for `x` (needs no skill): the team has no specialists");
    Ok(())
}

#[test]
fn specialists_and_items_are_plain_data() -> Result {
    let li: Specialist =
        serde_json::from_str(r#"{"id": "li.wei", "weight": 2, "skills": ["chemicals"], "calendar": "desk"}"#)?;
    assert_eq!(li, Specialist::new("li.wei").with_weight(2).with_skill("chemicals").with_calendar("desk"));
    let wang: Specialist = serde_json::from_str(r#"{"id": "wang.fang"}"#)?;
    assert_eq!(wang.weight(), 1, "weight defaults to 1");
    let item = Item::new("c-1").requiring("english");
    assert_eq!(serde_json::to_string(&item)?, r#"{"id":"c-1","skills":["english"]}"#);
    assert_eq!(serde_json::from_str::<Item>(&serde_json::to_string(&item)?)?, item);
    Ok(())
}
