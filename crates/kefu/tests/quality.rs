//! Service quality (rules Q8, O4): improvement actions tracked to completion, satisfaction surveys, quality
//! scorecards, sampling, reviews and calibration.

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use chrono_tz::Asia::Shanghai;
use kefu::calendar::{Calendar, CalendarSet};
use kefu::machine::{Context, Instance, Machine, Principal, Rejection, TransitionGraph};
use kefu::quality::{Action, ActionCommand, ActionError, ActionEvent, ActionKind, ActionSource, ActionState};
use kefu::sla::{ClockEvent, SlaPolicy};

const DESK: &str = include_str!("fixtures/shanghai-2026-sample.toml");

fn calendars() -> CalendarSet {
    [("office", Calendar::from_toml_str(DESK).expect("the sample calendar"))].into_iter().collect()
}

fn local(day: u32, hour: u32, minute: u32) -> DateTime<Utc> {
    Shanghai.with_ymd_and_hms(2026, 11, day, hour, minute, 0).single().expect("unambiguous").to_utc()
}

/// Three working days on the office calendar, a warning at half time, then the supervisor and leadership.
fn three_working_days() -> SlaPolicy {
    SlaPolicy::working_days("Q8 improvement action", 3, "office")
        .with_warning(0.5)
        .and_then(|p| p.with_escalation("service_supervisor", TimeDelta::zero()))
        .and_then(|p| p.with_escalation("leadership", TimeDelta::hours(8)))
        .expect("a valid policy")
}

fn open_for(owner: &str) -> ActionCommand {
    ActionCommand::Open {
        subject: "Delivery times: agree a call-ahead with logistics".into(),
        source: ActionSource::Survey { survey: "q8-after-sale".into(), finding: "ask_delivery under 3.50".into() },
        owner: owner.into(),
        policy: three_working_days(),
    }
}

struct Desk {
    calendars: CalendarSet,
    owner: Principal,
    supervisor: Principal,
}

impl Desk {
    fn new() -> Self {
        Self {
            calendars: calendars(),
            owner: Principal::new("li.na").with_role("specialist"),
            supervisor: Principal::new("wang.fang").with_role("service_supervisor"),
        }
    }

    fn ctx<'a>(&'a self, who: &'a Principal, at: DateTime<Utc>) -> Context<'a, CalendarSet> {
        Context::new(at, who, &self.calendars)
    }
}

#[test]
fn rule_q8_an_improvement_action_is_due_on_the_business_calendar() {
    let desk = Desk::new();
    let mut action = Instance::<Action>::new();
    // Opened on Friday 20 November at 17:00: three working days later is Wednesday 25th, 17:00.
    action.execute(&open_for("li.na"), &desk.ctx(&desk.supervisor, local(20, 17, 0))).expect("opens");
    assert_eq!(action.kind(), ActionKind::Open);
    assert_eq!(action.state().owner(), Some("li.na"));
    assert_eq!(action.state().due_at(), Some(local(25, 17, 0)));
    assert_eq!(action.state().opened(), Some(("wang.fang", local(20, 17, 0))));
    // The first deadline is the half-time warning, in business time.
    assert_eq!(action.next_deadline().map(|d| d.label), Some("sla_warning"));
}

#[test]
fn rule_o4_an_overdue_action_escalates_along_its_ladder() {
    let desk = Desk::new();
    let mut action = Instance::<Action>::new();
    action.execute(&open_for("li.na"), &desk.ctx(&desk.supervisor, local(20, 17, 0))).expect("opens");
    let events =
        action.execute(&ActionCommand::Tick, &desk.ctx(&Principal::system(), local(27, 12, 0))).expect("ticks");
    assert_eq!(action.kind(), ActionKind::Overdue);
    let escalated: Vec<_> = events
        .iter()
        .filter_map(|e| match e {
            ActionEvent::Clock { event: ClockEvent::Escalated { to, at, .. } } => Some((to.as_str(), *at)),
            _ => None,
        })
        .collect();
    // Breached on Wednesday 17:00 and escalated at once; leadership 8 business hours later: Wednesday's last hour,
    // then Thursday 09:00-12:00 and 13:30-17:30.
    assert_eq!(escalated, vec![("service_supervisor", local(25, 17, 0)), ("leadership", local(26, 17, 30))]);
    assert_eq!(action.state().escalated_to(), vec!["service_supervisor", "leadership"]);
    assert_eq!(action.next_deadline(), None);
}

#[test]
fn rule_q8_an_action_closes_only_when_verified_by_someone_else() {
    let desk = Desk::new();
    let mut action = Instance::<Action>::new();
    let t0 = local(23, 9, 0);
    action.execute(&open_for("li.na"), &desk.ctx(&desk.supervisor, t0)).expect("opens");
    action
        .execute(&ActionCommand::Note { text: "Called logistics".into() }, &desk.ctx(&desk.owner, local(23, 10, 0)))
        .expect("a note");
    // Verification needs a submission first.
    let early = action
        .execute(&ActionCommand::Verify { note: "ok".into() }, &desk.ctx(&desk.supervisor, local(23, 11, 0)))
        .unwrap_err();
    assert!(matches!(early, Rejection::NotAllowed { .. }), "{early}");
    // Only the owner submits.
    let by_other = action
        .execute(&ActionCommand::Submit { summary: "done".into() }, &desk.ctx(&desk.supervisor, local(23, 11, 0)))
        .unwrap_err();
    assert!(matches!(by_other.reason(), Some(ActionError::NotTheOwner { .. })), "{by_other}");
    action
        .execute(
            &ActionCommand::Submit { summary: "Call-ahead agreed".into() },
            &desk.ctx(&desk.owner, local(24, 10, 0)),
        )
        .expect("submits");
    assert_eq!(action.kind(), ActionKind::Submitted);
    assert_eq!(action.next_deadline(), None, "the clock is paused while waiting for verification");

    // The owner cannot verify: a typed reason, and nothing recorded.
    let version = action.version();
    let refused = action
        .execute(&ActionCommand::Verify { note: "all good".into() }, &desk.ctx(&desk.owner, local(24, 11, 0)))
        .unwrap_err();
    assert!(matches!(refused.reason(), Some(ActionError::OwnerCannotVerify { owner }) if owner == "li.na"));
    assert_eq!(
        refused.to_string(),
        "improvement_action: command `verify` refused in state `submitted`: `li.na` owns this action and cannot \
         verify it: verification is by someone other than the owner"
    );
    assert_eq!(action.version(), version);
    // Nor can the scheduler.
    let system = action
        .execute(&ActionCommand::Verify { note: "auto".into() }, &desk.ctx(&Principal::system(), local(24, 11, 0)))
        .unwrap_err();
    assert!(matches!(system.reason(), Some(ActionError::SystemCannotVerify)));

    action
        .execute(
            &ActionCommand::Verify { note: "Ten deliveries called ahead".into() },
            &desk.ctx(&desk.supervisor, local(24, 15, 0)),
        )
        .expect("verified");
    assert_eq!(action.kind(), ActionKind::Closed);
    assert_eq!(action.state().verified_by(), Some("wang.fang"));
    assert_eq!(action.state().late(), Some(false));
    assert_eq!(action.state().notes().len(), 1);
    assert!(Action::finals().contains(&action.kind()));
}

#[test]
fn rule_o4_a_rejected_submission_goes_back_and_the_waiting_time_is_not_counted() {
    let desk = Desk::new();
    let mut action = Instance::<Action>::new();
    action.execute(&open_for("li.na"), &desk.ctx(&desk.supervisor, local(23, 9, 0))).expect("opens");
    let due = action.state().due_at().expect("a due date");
    assert_eq!(due, local(26, 9, 0));
    action
        .execute(&ActionCommand::Submit { summary: "done".into() }, &desk.ctx(&desk.owner, local(23, 10, 0)))
        .expect("submits");
    // The verifier takes a whole working day (Tuesday 10:00 → Wednesday 10:00) to look.
    action
        .execute(
            &ActionCommand::Reject { reason: "No evidence attached".into() },
            &desk.ctx(&desk.supervisor, local(25, 10, 0)),
        )
        .expect("rejects");
    assert_eq!(action.kind(), ActionKind::Open);
    assert_eq!(action.state().rejections().len(), 1);
    assert_eq!(action.state().submission(), None);
    assert!(action.state().due_at().expect("due") > due, "the due date moved by the paused business time");
    // Back with the owner, who may reassign it.
    action
        .execute(&ActionCommand::Reassign { owner: "zhou.jie".into() }, &desk.ctx(&desk.supervisor, local(25, 11, 0)))
        .expect("reassigned");
    assert_eq!(action.state().owner(), Some("zhou.jie"));
    let same = action
        .execute(&ActionCommand::Reassign { owner: "zhou.jie".into() }, &desk.ctx(&desk.supervisor, local(25, 11, 0)))
        .unwrap_err();
    assert!(matches!(same.reason(), Some(ActionError::SameOwner { .. })));
}

#[test]
fn rule_o4_a_withdrawn_action_cancels_its_clock() {
    let desk = Desk::new();
    let mut action = Instance::<Action>::new();
    action.execute(&open_for("li.na"), &desk.ctx(&desk.supervisor, local(23, 9, 0))).expect("opens");
    let events = action
        .execute(&ActionCommand::Withdraw { reason: "duplicate".into() }, &desk.ctx(&desk.supervisor, local(23, 9, 5)))
        .expect("withdrawn");
    assert!(matches!(events[0], ActionEvent::Clock { event: ClockEvent::Cancelled { .. } }));
    assert_eq!(action.kind(), ActionKind::Withdrawn);
    assert_eq!(action.next_deadline(), None);
}

#[test]
fn rule_o4_an_action_needs_an_owner_and_a_known_calendar() {
    let desk = Desk::new();
    let empty =
        Instance::<Action>::new().execute(&open_for(" "), &desk.ctx(&desk.supervisor, local(23, 9, 0))).unwrap_err();
    assert!(matches!(empty.reason(), Some(ActionError::Empty { field: "owner" })));
    let elsewhere = ActionCommand::Open {
        subject: "s".into(),
        source: ActionSource::Other { note: "audit".into() },
        owner: "li.na".into(),
        policy: SlaPolicy::business("x", TimeDelta::hours(8), "nowhere"),
    };
    let unknown =
        Instance::<Action>::new().execute(&elsewhere, &desk.ctx(&desk.supervisor, local(23, 9, 0))).unwrap_err();
    assert!(matches!(unknown.reason(), Some(ActionError::Clock(_))), "{unknown}");
    assert!(unknown.to_string().contains("nowhere"), "{unknown}");
}

#[test]
fn rule_o4_a_corrupt_action_snapshot_is_an_error_not_a_panic() {
    for (text, field) in [
        (r#"{"kind":"open"}"#, "opening"),
        (
            r#"{"kind":"open","opening":{"subject":"s","source":{"type":"other","note":"n"},"by":"a","at":"2026-11-23T01:00:00Z"},"owner":"li.na"}"#,
            "clock",
        ),
        (r#"{"kind":"new","owner":"x","verified":{"by":"x","at":"2026-11-23T01:00:00Z","text":"t"}}"#, "verified"),
    ] {
        let err = serde_json::from_str::<ActionState>(text).unwrap_err();
        assert!(err.to_string().contains(&format!("`{field}`")), "{text}: {err}");
    }
    // A real closed action reads back, and one whose verifier is edited to be the owner is refused.
    let desk = Desk::new();
    let mut action = Instance::<Action>::new();
    action.execute(&open_for("li.na"), &desk.ctx(&desk.supervisor, local(23, 9, 0))).expect("opens");
    action
        .execute(&ActionCommand::Submit { summary: "s".into() }, &desk.ctx(&desk.owner, local(23, 10, 0)))
        .expect("ok");
    action
        .execute(&ActionCommand::Verify { note: "v".into() }, &desk.ctx(&desk.supervisor, local(23, 11, 0)))
        .expect("ok");
    let json = serde_json::to_string(action.state()).expect("writes");
    assert_eq!(serde_json::from_str::<ActionState>(&json).expect("reads"), *action.state());
    let forged =
        json.replace(r#""by":"wang.fang","at":"2026-11-23T03:00:00Z""#, r#""by":"li.na","at":"2026-11-23T03:00:00Z""#);
    assert_ne!(forged, json);
    let err = serde_json::from_str::<ActionState>(&forged).unwrap_err();
    assert!(err.to_string().contains("the owner cannot verify"), "{err}");
}

#[test]
fn rule_o4_the_action_picture_is_complete() {
    let graph = TransitionGraph::of::<Action>();
    assert!(graph.unreachable().is_empty());
    assert!(graph.cannot_finish().is_empty());
    let mermaid = graph.to_mermaid();
    assert!(mermaid.contains("submitted --> closed: verify"), "{mermaid}");
    assert!(mermaid.contains("open --> overdue: tick"), "{mermaid}");
    assert!(!mermaid.contains("open --> closed"), "only a verification closes an action");
}
