//! The laws of balanced assignment (rules C3, B2), property-tested on random teams, calendars and operation
//! sequences. See the `kefu::assign` module documentation for the statements and the proof of the balance law.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use chrono::{DateTime, TimeZone, Utc};
use chrono_tz::Asia::Shanghai;
use kefu::assign::{AssignError, Availability, ExclusionReason, Item, NoEligible, Specialist, Team};
use kefu::calendar::{Calendar, CalendarSet};
use proptest::prelude::*;

const SKILLS: [&str; 3] = ["chemicals", "english", "hazmat"];
const CALENDARS: [Option<&str>; 4] = [None, Some("desk"), Some("leave"), Some("late")];

fn calendars() -> CalendarSet {
    static SET: LazyLock<CalendarSet> = LazyLock::new(build_calendars);
    SET.clone()
}

fn build_calendars() -> CalendarSet {
    let week = |hours: &str, days: &[&str]| days.iter().map(|d| format!("{d} = [{hours}]\n")).collect::<String>();
    let weekdays = ["mon", "tue", "wed", "thu", "fri"];
    let desk = Calendar::from_toml_str(&format!(
        "time_zone = \"Asia/Shanghai\"\nholidays = [{{ from = \"2026-10-01\", to = \"2026-10-07\" }}]\n\
         workdays = [{{ date = \"2026-10-10\", hours = [\"09:00-12:00\", \"13:30-18:00\"] }}]\n[week]\n{}",
        week("\"09:00-12:00\", \"13:30-18:00\"", &weekdays)
    ))
    .unwrap();
    let leave = Calendar::from_toml_str(&format!(
        "time_zone = \"Asia/Shanghai\"\nholidays = [{{ from = \"2026-11-02\", to = \"2026-11-04\" }}]\n[week]\n{}",
        week("\"09:00-18:00\"", &weekdays)
    ))
    .unwrap();
    let late = Calendar::from_toml_str(&format!(
        "time_zone = \"Asia/Shanghai\"\n[week]\n{}",
        week("\"12:00-21:00\"", &["mon", "tue", "wed", "thu", "fri", "sat"])
    ))
    .unwrap();
    [("desk", desk), ("leave", leave), ("late", late)].into_iter().collect()
}

/// Instants that fall on working hours, a lunch break, a weekend, National Day, a make-up Saturday and leave.
fn instants() -> Vec<DateTime<Utc>> {
    let at = |m, d, h, min| Shanghai.with_ymd_and_hms(2026, m, d, h, min, 0).unwrap().to_utc();
    vec![
        at(11, 2, 8, 30),
        at(11, 2, 10, 0),
        at(11, 2, 12, 30),
        at(11, 5, 19, 0),
        at(11, 7, 10, 0),
        at(10, 5, 10, 0),
        at(10, 10, 10, 0),
    ]
}

#[derive(Clone, Debug)]
struct SpecialistSpec {
    weight: u32,
    skills: u8,
    calendar: usize,
}

#[derive(Clone, Debug)]
enum Op {
    Assign { skills: u8, at: usize },
    Batch { items: Vec<u8>, at: usize },
    Release { pick: usize },
    Leave { pick: usize, at: usize },
    ReassignFrom { pick: usize, at: usize },
}

fn any_skills() -> impl Strategy<Value = u8> {
    prop_oneof![3 => Just(0u8), 3 => 1u8..8, 1 => Just(1u8)]
}

fn any_specialist(homogeneous: bool, max_weight: u32) -> impl Strategy<Value = SpecialistSpec> {
    let skills = if homogeneous { Just(0u8).boxed() } else { (0u8..8).boxed() };
    let calendar = if homogeneous { Just(0usize).boxed() } else { (0usize..CALENDARS.len()).boxed() };
    (1..=max_weight, skills, calendar).prop_map(|(weight, skills, calendar)| SpecialistSpec {
        weight,
        skills,
        calendar,
    })
}

fn any_op(homogeneous: bool) -> impl Strategy<Value = Op> {
    let at = 0usize..instants().len();
    let skills = if homogeneous { Just(0u8).boxed() } else { any_skills().boxed() };
    let assign = (skills.clone(), at.clone()).prop_map(|(skills, at)| Op::Assign { skills, at });
    let batch = (proptest::collection::vec(skills, 0..24), at.clone()).prop_map(|(items, at)| Op::Batch { items, at });
    let leave = (any::<usize>(), at.clone()).prop_map(|(pick, at)| Op::Leave { pick, at });
    if homogeneous {
        // Only assignments and departures: the balance law's hypotheses.
        prop_oneof![4 => assign, 3 => batch, 1 => leave].boxed()
    } else {
        let release = any::<usize>().prop_map(|pick| Op::Release { pick });
        let reassign = (any::<usize>(), at).prop_map(|(pick, at)| Op::ReassignFrom { pick, at });
        prop_oneof![4 => assign, 3 => batch, 2 => release, 1 => leave, 1 => reassign].boxed()
    }
}

fn skills_of(mask: u8) -> impl Iterator<Item = &'static str> {
    SKILLS.iter().enumerate().filter(move |(i, _)| mask & (1 << i) != 0).map(|(_, s)| *s)
}

fn item(id: usize, mask: u8) -> Item {
    skills_of(mask).fold(Item::new(format!("item-{id:04}")), Item::requiring)
}

fn build(specs: &[SpecialistSpec], open_at: bool) -> Team {
    let availability = if open_at { Availability::OpenAt } else { Availability::WorkingDate };
    let mut team = Team::new(calendars()).with_availability(availability);
    // Inserted in reverse id order: the tie-break must follow ids, not insertion.
    for (n, spec) in specs.iter().enumerate().rev() {
        let mut s = skills_of(spec.skills)
            .fold(Specialist::new(format!("s{n}")).with_weight(spec.weight), Specialist::with_skill);
        if let Some(name) = CALENDARS[spec.calendar] {
            s = s.with_calendar(name);
        }
        team.add(s).unwrap();
    }
    team
}

/// Who holds what, in id order: the observable state.
fn snapshot(team: &Team) -> Vec<(String, Vec<String>)> {
    team.specialists()
        .map(|s| (s.id().to_string(), team.items_of(s.id().as_str()).map(|i| i.id().to_string()).collect()))
        .collect()
}

/// Whether `who` may take `item` at `now`: every skill, and available.
fn eligible(team: &Team, who: &str, item: &Item, now: DateTime<Utc>) -> bool {
    let Some(s) = team.specialist(who) else { return false };
    item.required_skills().all(|k| s.has_skill(k)) && team.is_available(who, now).unwrap()
}

/// The rule written independently: all eligible, the minimal (load+1)/weight by exact fractions, then the smallest id.
fn oracle(team: &Team, item: &Item, now: DateTime<Utc>) -> Option<String> {
    let mut best: Option<(String, u64, u64)> = None;
    for s in team.specialists() {
        if !eligible(team, s.id().as_str(), item, now) {
            continue;
        }
        let (num, den) = (team.load(s.id().as_str()).unwrap() as u64 + 1, u64::from(s.weight()));
        // Ids come in ascending order, so only a strictly smaller ratio replaces the best.
        if best.as_ref().is_none_or(|(_, bn, bd)| num * bd < bn * den) {
            best = Some((s.id().to_string(), num, den));
        }
    }
    best.map(|(id, _, _)| id)
}

fn check_report(
    team: &Team,
    report: &NoEligible,
    now: DateTime<Utc>,
    giving_up: Option<&str>,
) -> Result<(), TestCaseError> {
    for e in &report.excluded {
        let who = e.specialist.as_str();
        prop_assert!(!eligible(team, who, &report.item, now) || giving_up == Some(who), "{who} was eligible: {report}");
        if let ExclusionReason::MissingSkills(missing) = &e.reason {
            let s = team.specialist(who).unwrap();
            prop_assert!(!missing.is_empty() && missing.iter().all(|k| !s.has_skill(k)));
        }
    }
    Ok(())
}

/// Runs `ops`, checking eligibility, the oracle and conservation after each; returns a log of every outcome.
fn drive(team: &mut Team, ops: &[Op]) -> Result<Vec<String>, TestCaseError> {
    let instants = instants();
    let mut model: BTreeMap<String, u8> = BTreeMap::new(); // the items the team should hold, with their skills
    let mut next = 0usize;
    let mut log = Vec::new();
    for op in ops {
        match op {
            Op::Assign { skills, at } => {
                let (it, now) = (item(next, *skills), instants[*at]);
                next += 1;
                let expected = oracle(team, &it, now);
                let chosen = team.choose(&it, now).map(|s| s.to_string());
                match team.assign(it.clone(), now) {
                    Ok(who) => {
                        prop_assert_eq!(Some(who.to_string()), expected);
                        prop_assert_eq!(chosen.ok(), Some(who.to_string()), "choose agrees with assign");
                        prop_assert!(eligible(team, who.as_str(), &it, now));
                        model.insert(it.id().to_string(), *skills);
                        log.push(format!("assign {} -> {who}", it.id()));
                    }
                    Err(AssignError::NoEligible(report)) => {
                        prop_assert_eq!(expected, None);
                        prop_assert_eq!(report.excluded.len(), team.specialists().count());
                        check_report(team, &report, now, None)?;
                        log.push(format!("assign {}: {report}", it.id()));
                    }
                    Err(e) => return Err(TestCaseError::fail(e.to_string())),
                }
            }
            Op::Batch { items, at } => {
                let now = instants[*at];
                let list: Vec<Item> = items
                    .iter()
                    .map(|&m| {
                        next += 1;
                        item(next - 1, m)
                    })
                    .collect();
                // Oracle: the same items assigned one by one, fewest eligible specialists first, then in list order.
                let mut sequential = team.clone();
                let mut order: Vec<&Item> = list.iter().collect();
                order.sort_by_key(|it| team.specialists().filter(|s| eligible(team, s.id().as_str(), it, now)).count());
                let expected: BTreeMap<String, Option<String>> = order
                    .iter()
                    .map(|it| (it.id().to_string(), sequential.assign((*it).clone(), now).ok().map(|s| s.to_string())))
                    .collect();
                let batch = team.assign_all(list.clone(), now).map_err(|e| TestCaseError::fail(e.to_string()))?;
                prop_assert_eq!(batch.assigned.len() + batch.unassigned.len(), list.len(), "every item reported");
                for a in &batch.assigned {
                    let it = list.iter().find(|i| i.id() == &a.item).unwrap();
                    prop_assert!(eligible(team, a.specialist.as_str(), it, now), "{} to {}", a.item, a.specialist);
                    prop_assert_eq!(&expected[a.item.as_str()], &Some(a.specialist.to_string()));
                    model.insert(a.item.to_string(), items[list.iter().position(|i| i.id() == &a.item).unwrap()]);
                }
                for report in &batch.unassigned {
                    prop_assert_eq!(&expected[report.item.id().as_str()], &None);
                    check_report(team, report, now, None)?;
                }
                prop_assert_eq!(snapshot(team), snapshot(&sequential));
                log.push(format!("{batch:?}"));
            }
            Op::Release { pick } => {
                if model.is_empty() {
                    continue;
                }
                let id = model.keys().nth(pick % model.len()).unwrap().clone();
                let before = team.load(team.holder(&id).unwrap().as_str()).unwrap();
                let (holder, released) = team.release(&id).map_err(|e| TestCaseError::fail(e.to_string()))?;
                prop_assert_eq!(released.id().as_str(), id.as_str());
                prop_assert_eq!(team.load(holder.as_str()), Some(before - 1));
                model.remove(&id);
                log.push(format!("release {id} from {holder}"));
            }
            Op::Leave { pick, at } | Op::ReassignFrom { pick, at } => {
                let count = team.specialists().count();
                if count == 0 {
                    continue;
                }
                let now = instants[*at];
                let who = team.specialists().nth(pick % count).unwrap().id().to_string();
                let held: Vec<String> = team.items_of(&who).map(|i| i.id().to_string()).collect();
                let leaving = matches!(op, Op::Leave { .. });
                let rebalance = if leaving { team.leave(&who, now) } else { team.reassign_from(&who, now) }
                    .map_err(|e| TestCaseError::fail(e.to_string()))?;
                // None lost: each item held before is moved or stranded, exactly once, in item-id order.
                let mut accounted: Vec<String> = rebalance.moves.iter().map(|m| m.item.to_string()).collect();
                accounted.extend(rebalance.stranded.iter().map(|s| s.item.id().to_string()));
                accounted.sort();
                prop_assert_eq!(&accounted, &held);
                for m in &rebalance.moves {
                    prop_assert_eq!(m.from.as_str(), who.as_str());
                    prop_assert_ne!(m.to.as_str(), who.as_str());
                    let it = item(0, model[m.item.as_str()]);
                    prop_assert!(eligible(team, m.to.as_str(), &it, now), "{} moved to {}", m.item, m.to);
                    prop_assert_eq!(team.holder(m.item.as_str()), Some(&m.to));
                }
                for s in &rebalance.stranded {
                    check_report(team, s, now, Some(&who))?;
                    if leaving {
                        prop_assert_eq!(team.holder(s.item.id().as_str()), None);
                        model.remove(s.item.id().as_str());
                    } else {
                        prop_assert_eq!(team.holder(s.item.id().as_str()).map(|h| h.as_str()), Some(who.as_str()));
                    }
                }
                if leaving {
                    prop_assert!(team.specialist(&who).is_none());
                }
                log.push(format!("{} {who}: {rebalance:?}", if leaving { "leave" } else { "reassign" }));
            }
        }
        // Conservation: the team holds exactly the model's items, each once, and `holder` agrees.
        let held: Vec<String> = snapshot(team).into_iter().flat_map(|(_, items)| items).collect();
        prop_assert_eq!(held.len(), team.total_load());
        let mut sorted = held.clone();
        sorted.sort();
        prop_assert_eq!(sorted, model.keys().cloned().collect::<Vec<_>>());
        for (who, items) in snapshot(team) {
            for i in items {
                prop_assert_eq!(team.holder(&i).map(|h| h.to_string()), Some(who.clone()));
            }
        }
    }
    Ok(log)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    /// No item goes to an ineligible specialist; `choose`/`assign` follow the rule (checked against an independent
    /// oracle), `assign_all` equals one-by-one assignment most constrained first; nothing is lost by releases,
    /// departures or rebalancing; and the same inputs give the same results.
    #[test]
    fn assignments_are_eligible_conserved_and_deterministic(
        specs in proptest::collection::vec(any_specialist(false, 4), 0..7),
        open_at in any::<bool>(),
        ops in proptest::collection::vec(any_op(false), 0..24),
    ) {
        let mut first = build(&specs, open_at);
        let mut second = build(&specs, open_at);
        let log = drive(&mut first, &ops)?;
        prop_assert_eq!(log, drive(&mut second, &ops)?);
        prop_assert_eq!(snapshot(&first), snapshot(&second));
    }

    /// No improving move, when everyone may take everything: for every `i` holding something and every `j`,
    /// `load_i / weight_i <= (load_j + 1) / weight_j`; and each holds at least floor(n * weight / total weight).
    #[test]
    fn rule_c3_no_item_could_move_to_lower_the_larger_ratio(
        specs in proptest::collection::vec(any_specialist(true, 6), 1..8),
        ops in proptest::collection::vec(any_op(true), 0..30),
    ) {
        let mut team = build(&specs, false);
        drive(&mut team, &ops)?;
        let members: Vec<(u128, u128)> = team
            .specialists()
            .map(|s| (team.load(s.id().as_str()).unwrap() as u128, u128::from(s.weight())))
            .collect();
        for &(li, wi) in &members {
            for &(lj, wj) in &members {
                prop_assert!(li == 0 || li * wj <= (lj + 1) * wi, "{li}/{wi} vs ({lj}+1)/{wj}: {members:?}");
            }
        }
        let n: u128 = members.iter().map(|m| m.0).sum();
        let total: u128 = members.iter().map(|m| m.1).sum();
        for &(l, w) in &members {
            prop_assert!(l >= n * w / total, "lower quota: {l} < floor({n}*{w}/{total}) in {members:?}");
        }
    }

    /// Equal weights: every load is within one unit of the ideal n/k, i.e. |k * load - n| < k.
    #[test]
    fn rule_c3_equal_weights_stay_within_one_of_the_ideal(
        specs in proptest::collection::vec(any_specialist(true, 1), 1..8),
        ops in proptest::collection::vec(any_op(true), 0..30),
    ) {
        let mut team = build(&specs, false);
        drive(&mut team, &ops)?;
        let loads: Vec<i64> = team.specialists().map(|s| team.load(s.id().as_str()).unwrap() as i64).collect();
        let (n, k) = (loads.iter().sum::<i64>(), loads.len() as i64);
        for &l in &loads {
            prop_assert!((k * l - n).abs() < k, "{loads:?}");
        }
    }
}
