//! SLA clocks on the Shanghai service desk, driven through time with explicit instants; one test per rule served.

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use chrono_tz::Asia::Shanghai;
use kefu::calendar::{Calendar, CalendarSet};
use kefu::machine::{Context, Instance, Principal, Rejection, TransitionGraph, replay};
use kefu::sla::{Clock, ClockCommand, ClockError, ClockEvent, ClockKind, ClockStatus, PolicyError, SlaPolicy};

type Result = std::result::Result<(), Box<dyn std::error::Error>>;
/// The sample Shanghai service-desk calendar the project ships (the issue's example: National Day closed, a
/// make-up Saturday).
const DESK: &str = include_str!("fixtures/shanghai-2026-sample.toml");

fn calendars() -> CalendarSet {
    [("service-desk", Calendar::from_toml_str(DESK).expect("valid calendar"))].into_iter().collect()
}

fn sh(mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    Shanghai.with_ymd_and_hms(2026, mo, d, h, mi, 0).single().expect("unambiguous").to_utc()
}

/// A clock driven on an explicit timeline.
struct Drive {
    clock: Instance<Clock>,
    calendars: CalendarSet,
    log: Vec<ClockEvent>,
}

impl Drive {
    fn start(policy: SlaPolicy, at: DateTime<Utc>) -> std::result::Result<Self, Rejection<ClockError>> {
        let mut d = Drive { clock: Instance::new(), calendars: calendars(), log: Vec::new() };
        d.send(ClockCommand::Start(policy), at)?;
        Ok(d)
    }

    fn send(
        &mut self,
        command: ClockCommand,
        at: DateTime<Utc>,
    ) -> std::result::Result<Vec<ClockEvent>, Rejection<ClockError>> {
        let events = self.clock.execute(&command, &Context::new(at, &Principal::system(), &self.calendars))?;
        self.log.extend(events.clone());
        Ok(events)
    }
}

#[test]
fn rule_b6_problem_found_friday_1730_is_due_monday_0930_and_escalates() -> Result {
    let policy = SlaPolicy::business("B6 handle on the spot", TimeDelta::hours(1), "service-desk")
        .with_warning(0.75)?
        .with_escalation("department_head", TimeDelta::zero())?
        .with_escalation("leadership", TimeDelta::hours(1))?;
    let mut d = Drive::start(policy, sh(11, 20, 17, 30))?;
    assert_eq!(d.clock.state().due_at(), Some(sh(11, 23, 9, 30)));
    assert_eq!(d.clock.next_deadline().map(|x| (x.at, x.label)), Some((sh(11, 23, 9, 15), "sla_warning")));
    assert_eq!(d.clock.state().status(sh(11, 22, 12, 0)), ClockStatus::Running);
    assert_eq!(
        d.send(ClockCommand::Tick, sh(11, 23, 9, 15))?,
        vec![ClockEvent::Warned { at: sh(11, 23, 9, 15), permille: 750 }]
    );
    assert_eq!(d.clock.state().status(sh(11, 23, 9, 29)), ClockStatus::Warning { permille: 750 });
    let late = d.send(ClockCommand::Tick, sh(11, 23, 10, 40))?;
    assert_eq!(
        late,
        vec![
            ClockEvent::Breached { at: sh(11, 23, 9, 30) },
            ClockEvent::Escalated { at: sh(11, 23, 9, 30), level: 1, to: "department_head".into() },
            ClockEvent::Escalated { at: sh(11, 23, 10, 30), level: 2, to: "leadership".into() },
        ]
    );
    assert_eq!(d.clock.kind(), ClockKind::Overdue);
    assert_eq!(d.clock.state().status(sh(11, 23, 10, 40)), ClockStatus::Breached { escalations: 2 });
    assert!(d.clock.next_deadline().is_none(), "the ladder is exhausted");
    assert_eq!(d.clock.state().remaining(sh(11, 23, 10, 40), &d.calendars)?, TimeDelta::minutes(-70));
    d.send(ClockCommand::Stop, sh(11, 23, 11, 0))?;
    assert_eq!(d.clock.state().status(sh(11, 23, 11, 0)), ClockStatus::Met { late: true });
    Ok(())
}

#[test]
fn rule_b5_department_first_contact_within_24_hours_of_wall_clock_time() -> Result {
    let policy = SlaPolicy::elapsed("B5 first contact", TimeDelta::hours(24))
        .with_escalation("leadership", TimeDelta::zero())?;
    let mut d = Drive::start(policy, sh(11, 20, 17, 30))?;
    // Wall-clock time: the weekend counts.
    assert_eq!(d.clock.state().due_at(), Some(sh(11, 21, 17, 30)));
    d.send(ClockCommand::Stop, sh(11, 21, 10, 0))?;
    assert_eq!(d.clock.state().status(sh(11, 25, 0, 0)), ClockStatus::Met { late: false });
    assert!(!d.log.iter().any(|e| matches!(e, ClockEvent::Breached { .. })));
    Ok(())
}

#[test]
fn rule_b4_record_within_24_hours_regular_and_1_hour_for_a_lapsed_customer() -> Result {
    let regular = Drive::start(SlaPolicy::elapsed("B4 record (regular)", TimeDelta::hours(24)), sh(11, 23, 15, 0))?;
    assert_eq!(regular.clock.state().due_at(), Some(sh(11, 24, 15, 0)));
    let lapsed = Drive::start(SlaPolicy::elapsed("B4 record (lapsed)", TimeDelta::hours(1)), sh(11, 23, 15, 0))?;
    assert_eq!(lapsed.clock.state().due_at(), Some(sh(11, 23, 16, 0)));
    Ok(())
}

#[test]
fn rule_c4_briefing_within_one_week_of_assignment() -> Result {
    let policy = SlaPolicy::elapsed("C4 hand-over briefing", TimeDelta::weeks(1))
        .with_escalation("supervisor", TimeDelta::zero())?;
    let mut d = Drive::start(policy, sh(11, 23, 10, 0))?;
    assert_eq!(d.clock.state().due_at(), Some(sh(11, 30, 10, 0)));
    let events = d.send(ClockCommand::Tick, sh(11, 30, 10, 0))?;
    assert_eq!(events.len(), 2, "breach and escalation to the supervisor at the due instant: {events:?}");
    Ok(())
}

#[test]
fn rule_c5_file_within_three_working_days_across_national_day() -> Result {
    // Contract accepted Wednesday 30 September 15:00; working dates 8, 9 and (make-up) 10 October.
    let d = Drive::start(SlaPolicy::working_days("C5 file", 3, "service-desk"), sh(9, 30, 15, 0))?;
    assert_eq!(d.clock.state().due_at(), Some(sh(10, 10, 15, 0)));
    // The same target in business hours: 3 × 7.5 h.
    let hours =
        Drive::start(SlaPolicy::business("C5 file", TimeDelta::minutes(3 * 450), "service-desk"), sh(9, 30, 15, 0))?;
    assert_eq!(hours.clock.state().due_at(), Some(sh(10, 10, 15, 0)));
    Ok(())
}

#[test]
fn rule_c5_a_contract_accepted_after_hours_is_due_when_add_working_days_says() -> Result {
    // Accepted Wednesday 30 September at 20:00: the third working date is the make-up Saturday 10 October, and
    // 20:00 that day is closed, so the file is due at the next opening, Monday 12 October 09:00.
    let d = Drive::start(SlaPolicy::working_days("C5 file", 3, "service-desk"), sh(9, 30, 20, 0))?;
    let expected = d.calendars.get("service-desk")?.add_working_days(sh(9, 30, 20, 0), 3)?;
    assert_eq!(expected, sh(10, 12, 9, 0));
    assert_eq!(d.clock.state().due_at(), Some(expected));
    assert_eq!(d.clock.state().status(sh(10, 10, 18, 30)), ClockStatus::Running, "not late over the weekend");
    Ok(())
}

#[test]
fn a_clock_started_at_night_starts_counting_at_the_next_opening() -> Result {
    let d = Drive::start(SlaPolicy::business("B6", TimeDelta::hours(1), "service-desk"), sh(11, 23, 22, 0))?;
    assert_eq!(d.clock.state().started(), Some((sh(11, 23, 22, 0), sh(11, 24, 9, 0))));
    assert_eq!(d.clock.state().due_at(), Some(sh(11, 24, 10, 0)));
    assert_eq!(d.clock.state().elapsed(sh(11, 24, 9, 0), &d.calendars)?, TimeDelta::zero());
    Ok(())
}

#[test]
fn pausing_while_waiting_for_the_customer_moves_the_due_instant() -> Result {
    let mut d = Drive::start(SlaPolicy::business("B6", TimeDelta::hours(1), "service-desk"), sh(11, 23, 9, 0))?;
    d.send(ClockCommand::Pause { reason: Some("waiting for the customer's photos".into()) }, sh(11, 23, 9, 20))?;
    assert_eq!(d.clock.state().due_at(), None);
    assert_eq!(d.clock.state().status(sh(11, 24, 12, 0)), ClockStatus::Paused { breached: false });
    assert!(d.clock.next_deadline().is_none(), "a paused clock wants no tick");
    d.send(ClockCommand::Resume, sh(11, 23, 11, 50))?;
    // 20 minutes used; 40 left from 11:50: 10 before lunch, 30 after it.
    assert_eq!(d.clock.state().due_at(), Some(sh(11, 23, 14, 0)));
    assert_eq!(d.clock.state().elapsed(sh(11, 23, 13, 40), &d.calendars)?, TimeDelta::minutes(40));
    Ok(())
}

#[test]
fn replaying_the_audit_trail_reproduces_the_clock() -> Result {
    let policy = SlaPolicy::business("B6", TimeDelta::hours(1), "service-desk").with_warning(0.5)?;
    let mut d = Drive::start(policy, sh(11, 23, 9, 0))?;
    d.send(ClockCommand::Tick, sh(11, 23, 9, 45))?;
    d.send(ClockCommand::Pause { reason: None }, sh(11, 23, 9, 50))?;
    d.send(ClockCommand::Resume, sh(11, 23, 14, 0))?;
    d.send(ClockCommand::Stop, sh(11, 23, 14, 5))?;
    assert_eq!(replay::<Clock>(&d.log), d.clock);
    let json = serde_json::to_string(&d.log)?;
    let back: Vec<ClockEvent> = serde_json::from_str(&json)?;
    assert_eq!(replay::<Clock>(&back), d.clock);
    assert!(json.contains(r#""type":"started""#) && json.contains(r#""budget":"1h""#), "{json}");
    Ok(())
}

#[test]
fn commands_in_the_wrong_state_are_rejected_with_state_and_command() -> Result {
    let mut d = Drive::start(SlaPolicy::elapsed("B5", TimeDelta::hours(24)), sh(11, 23, 9, 0))?;
    let err = d.send(ClockCommand::Resume, sh(11, 23, 10, 0)).unwrap_err();
    assert_eq!(err.to_string(), "sla_clock: command `resume` is not allowed in state `running`");
    d.send(ClockCommand::Stop, sh(11, 23, 10, 0))?;
    assert!(matches!(d.send(ClockCommand::Tick, sh(11, 23, 11, 0)), Err(Rejection::NotAllowed { .. })));
    Ok(())
}

#[test]
fn time_going_backwards_is_refused_and_leaves_no_trace() -> Result {
    let mut d = Drive::start(SlaPolicy::elapsed("B5", TimeDelta::hours(24)), sh(11, 23, 9, 0))?;
    let before = d.clock.clone();
    let err = d.send(ClockCommand::Stop, sh(11, 23, 8, 0)).unwrap_err();
    assert!(matches!(err, Rejection::Refused { reason: ClockError::TimeWentBackwards { .. }, .. }), "{err}");
    assert_eq!(d.clock, before);
    Ok(())
}

#[test]
fn a_policy_naming_an_unknown_calendar_is_refused_with_the_known_names() {
    let err = Drive::start(SlaPolicy::business("B6", TimeDelta::hours(1), "servce-desk"), sh(11, 23, 9, 0))
        .err()
        .expect("refused");
    assert!(err.to_string().contains("unknown calendar `servce-desk` (known: service-desk)"), "{err}");
}

#[test]
fn policy_files_are_checked_field_by_field() {
    let err = |text: &str| toml::from_str::<SlaPolicy>(text).unwrap_err().to_string();
    assert!(err("name = \"x\"\n").contains("give a target"));
    assert!(err("name = \"x\"\nwithin = \"1 fortnight\"\n").contains("within: invalid duration"));
    assert!(err("name = \"x\"\nwithin = \"P1M\"\n").contains("no fixed length"));
    assert!(err("name = \"x\"\nwithin_working_days = 3\n").contains("needs a `calendar`"));
    assert!(err("name = \"x\"\nwithin = \"1h\"\nwarn_at = [1.5]\n").contains("warn_at[0] = 1.5"));
    assert!(err("name = \"x\"\nwithin = \"0s\"\n").contains("more than zero"));
    let e = err("name = \"x\"\nwithin = \"1h\"\nescalate = [{ to = \"boss\", after = \"soon\" }]\n");
    assert!(e.contains("escalate[0].after"), "{e}");
}

#[test]
fn escalation_rungs_name_a_role_and_never_come_before_the_previous_one() -> Result {
    let b6 = SlaPolicy::elapsed("B6 handle", TimeDelta::hours(1)).with_escalation("supervisor", TimeDelta::zero())?;
    let blank = b6.clone().with_escalation(" ", TimeDelta::hours(1)).unwrap_err();
    assert_eq!(blank, PolicyError::EscalationWithoutRole { policy: "B6 handle".into(), index: 1 });
    assert_eq!(
        blank.to_string(),
        "policy `B6 handle`: escalate[1].to is empty: name the role the breach is escalated to"
    );
    let early = b6.with_escalation("leadership", TimeDelta::minutes(-30)).unwrap_err();
    assert_eq!(early.to_string(), "policy `B6 handle`: escalate[1].after is negative (-1800 s): give zero or more");
    // The same checks apply to policies read from text.
    let text = "name = \"x\"\nwithin = \"1h\"\nescalate = [{ to = \"\", after = \"0s\" }]\n";
    let e = toml::from_str::<SlaPolicy>(text).unwrap_err().to_string();
    assert!(e.contains("escalate[0].to is empty"), "{e}");
    Ok(())
}

/// The pictures themselves are generated into docs/src/pictures and checked by docs/tests/pictures.rs.
#[test]
fn every_clock_state_is_reachable_and_can_end() {
    let graph = TransitionGraph::of::<Clock>();
    assert!(graph.unreachable().is_empty());
    assert!(graph.cannot_finish().is_empty());
}

#[test]
fn statuses_read_well_on_a_dashboard() {
    let shown: Vec<String> = [
        ClockStatus::Running,
        ClockStatus::Warning { permille: 750 },
        ClockStatus::Warning { permille: 125 },
        ClockStatus::Breached { escalations: 2 },
        ClockStatus::Paused { breached: true },
        ClockStatus::Met { late: true },
    ]
    .iter()
    .map(ToString::to_string)
    .collect();
    assert_eq!(
        shown,
        ["running", "warning (75%)", "warning (12.5%)", "breached (2 escalations)", "paused (breached)", "met late"]
    );
}
