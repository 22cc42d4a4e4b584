//! Staffing (rule O3): published reference figures, large loads, errors that name the field, day plans, shift
//! cover and forecasts from history.

use chrono::{NaiveDate, NaiveTime, TimeDelta, TimeZone};
use chrono_tz::Asia::Shanghai;
use kefu::assign::{Specialist, Team};
use kefu::calendar::{Calendar, CalendarSet};
use kefu::staffing::{Field, Model, Profile, ServiceTarget, StaffingError, StaffingPolicy, Workload};

type Result = std::result::Result<(), Box<dyn std::error::Error>>;

fn half_hour(contacts: f64, aht_seconds: i64) -> Workload {
    Workload::new(contacts, TimeDelta::minutes(30), TimeDelta::seconds(aht_seconds)).unwrap()
}

fn close(actual: f64, expected: f64, tolerance: f64) -> bool {
    (actual - expected).abs() <= tolerance
}

/// The widely used worked example: 100 calls per half hour, AHT 180 s, 80% answered within 20 s, 30% shrinkage,
/// 85% maximum occupancy (Call Centre Helper, "Erlang C Formula – Made Simple With an Easy Worked Example").
/// Figures as published by two independent implementations that document this example:
/// - the R package ErlangC 0.1.0 (CRAN), README: with 14 agents, wait probability 0.1741319, service level
///   0.88835, average speed of answer 7.83593701177724 s, occupancy 0.7142857; `calculate_agents` gives 14; its
///   search shows 11 agents at wait probability 0.6821182 and service level 0.3896138;
/// - pyworkforce 0.5.2, tutorial "Solving Queue Problems with ErlangC": raw_positions 14, positions 20 (after 30%
///   shrinkage), service_level 0.888, occupancy 0.714, waiting_probability 0.174.
#[test]
fn rule_o3_the_textbook_example_matches_the_published_figures() -> Result {
    let policy = StaffingPolicy::erlang_c("80/20s".parse()?).with_shrinkage(0.30)?.with_max_occupancy(0.85)?;
    let workload = half_hour(100.0, 180);
    assert_eq!(workload.erlangs(), 10.0);
    let need = policy.required(&workload)?;
    assert_eq!((need.for_service_level, need.agents, need.scheduled), (14, 14, 20));
    let p = need.performance;
    assert!(close(p.p_wait, 0.174_131_9, 1e-7), "{p:?}");
    assert!(close(p.service_level, 0.888_35, 1e-5), "{p:?}");
    assert!(close(p.asa_seconds, 7.835_937_011_777_24, 1e-9), "{p:?}");
    assert!(close(p.occupancy, 0.714_285_7, 1e-7), "{p:?}");
    assert_eq!(p.p_abandon, None);

    let eleven = policy.performance(&workload, 11)?;
    assert!(close(eleven.p_wait, 0.682_118_2, 1e-7) && close(eleven.service_level, 0.389_613_8, 1e-7));
    // One fewer than the requirement misses the target.
    assert!(policy.performance(&workload, 13)?.service_level < 0.80);
    Ok(())
}

#[test]
fn rule_o3_twenty_thousand_contacts_per_half_hour_neither_overflow_nor_stall() -> Result {
    let workload = half_hour(20_000.0, 180); // 2 000 Erlangs
    let target: ServiceTarget = "80/20s".parse()?;
    for (policy, fewest, most) in [
        (StaffingPolicy::erlang_c(target), 2_001, 2_100),
        // Callers who hang up after 3 minutes on average shorten the queue for the others: fewer agents than
        // Erlangs meet 80/20 (some 8% hang up, the rest wait about a quarter of a minute).
        (StaffingPolicy::erlang_c(target).with_patience(TimeDelta::minutes(3))?, 1_700, 2_000),
    ] {
        let need = policy.required(&workload)?;
        let n = need.for_service_level;
        assert!((fewest..most).contains(&n) && need.agents == n, "{need:?}");
        let p = need.performance;
        assert!(p.service_level >= 0.80 && p.service_level < 1.0, "{p:?}");
        assert!(policy.performance(&workload, n - 1)?.service_level < 0.80);
        for value in [p.p_wait, p.asa_seconds, p.occupancy, p.p_abandon.unwrap_or(0.0)] {
            assert!(value.is_finite() && value >= 0.0, "{p:?}");
        }
    }
    // Erlang A far below the load (heavy overload): every caller waits, most hang up, nothing overflows.
    let swamped = StaffingPolicy::erlang_c(target).with_patience(TimeDelta::minutes(3))?.performance(&workload, 500)?;
    assert!(swamped.p_wait > 0.999 && swamped.p_abandon.is_some_and(|p| close(p, 0.75, 0.01)), "{swamped:?}");
    assert!(close(swamped.occupancy, 1.0, 1e-3));
    Ok(())
}

#[test]
fn rule_o3_erlang_c_has_no_steady_state_at_or_below_the_load() -> Result {
    let policy = StaffingPolicy::erlang_c("80/20s".parse()?);
    let err = policy.performance(&half_hour(100.0, 180), 10).unwrap_err();
    assert_eq!(err, StaffingError::NoSteadyState { agents: 10, erlangs: 10.0 });
    assert!(err.to_string().starts_with("no steady state: 10 agent(s) cannot keep up with 10.000 Erlangs"));
    // Erlang A always has one.
    let a = policy.with_patience(TimeDelta::minutes(2))?.performance(&half_hour(100.0, 180), 10)?;
    assert!(a.p_abandon.is_some_and(|p| p > 0.0 && p < 1.0));
    Ok(())
}

#[test]
fn rule_o3_bad_input_names_the_field() -> Result {
    let field = |e: StaffingError| match e {
        StaffingError::Invalid { field, .. } => field,
        other => panic!("not an input error: {other}"),
    };
    let (interval, aht) = (TimeDelta::minutes(30), TimeDelta::seconds(180));
    assert_eq!(field(Workload::new(-1.0, interval, aht).unwrap_err()), Field::Contacts);
    assert_eq!(field(Workload::new(f64::NAN, interval, aht).unwrap_err()), Field::Contacts);
    assert_eq!(field(Workload::new(f64::INFINITY, interval, aht).unwrap_err()), Field::Contacts);
    assert_eq!(field(Workload::new(10.0, TimeDelta::zero(), aht).unwrap_err()), Field::Interval);
    assert_eq!(field(Workload::new(10.0, interval, TimeDelta::seconds(-5)).unwrap_err()), Field::Aht);
    for share in [0.0, -0.1, 1.2, f64::NAN] {
        assert_eq!(field(ServiceTarget::new(share, TimeDelta::seconds(20)).unwrap_err()), Field::TargetShare);
    }
    assert!(ServiceTarget::new(1.0, TimeDelta::zero()).is_ok());
    assert_eq!(field(ServiceTarget::new(0.8, TimeDelta::seconds(-1)).unwrap_err()), Field::TargetWithin);
    assert_eq!(field("0/20s".parse::<ServiceTarget>().unwrap_err()), Field::TargetShare);
    assert_eq!(field("80%".parse::<ServiceTarget>().unwrap_err()), Field::TargetShare);
    assert_eq!(field("80/soon".parse::<ServiceTarget>().unwrap_err()), Field::TargetWithin);
    let policy = StaffingPolicy::erlang_c("80/20s".parse()?);
    assert_eq!(field(policy.with_patience(TimeDelta::zero()).unwrap_err()), Field::Patience);
    for shrinkage in [-0.1, 1.0, f64::NAN] {
        assert_eq!(field(policy.with_shrinkage(shrinkage).unwrap_err()), Field::Shrinkage);
    }
    for cap in [0.0, 1.01, f64::NAN] {
        assert_eq!(field(policy.with_max_occupancy(cap).unwrap_err()), Field::MaxOccupancy);
    }
    let err = Workload::new(10.0, interval, TimeDelta::zero()).unwrap_err();
    assert_eq!(err.to_string(), "aht: must be more than zero (got 0s)");
    Ok(())
}

#[test]
fn rule_o3_a_cap_on_agents_stops_a_mistyped_volume() -> Result {
    let policy = StaffingPolicy::erlang_c("80/20s".parse()?).with_max_agents(1_000);
    let err = policy.required(&half_hour(20_000.0, 180)).unwrap_err();
    assert!(matches!(err, StaffingError::TooManyAgents { max_agents: 1_000, .. }), "{err}");
    assert_eq!(err.to_string(), "the target needs more than 1000 agents (the cap) for 2000.0 Erlangs");
    // The occupancy floor counts against the cap too.
    let capped = StaffingPolicy::erlang_c("50/60s".parse()?).with_max_occupancy(0.5)?.with_max_agents(15);
    assert!(capped.required(&half_hour(100.0, 180)).is_err());
    Ok(())
}

#[test]
fn rule_o3_no_contacts_need_nobody() -> Result {
    for model in [Model::ErlangC, Model::ErlangA { patience: TimeDelta::minutes(1) }] {
        let policy = StaffingPolicy::erlang_c("90/10s".parse()?).with_model(model)?.with_shrinkage(0.3)?;
        let need = policy.required(&half_hour(0.0, 300))?;
        assert_eq!((need.for_service_level, need.agents, need.scheduled), (0, 0, 0));
        assert_eq!(need.performance.service_level, 1.0);
    }
    Ok(())
}

#[test]
fn rule_o3_the_occupancy_cap_and_shrinkage_follow_the_documented_formula() -> Result {
    // 2 000 Erlangs at 85%: ⌈2000 / 0.85⌉ = 2353 agents, above the 80/20 minimum; then ⌈2353 / 0.7⌉ = 3362.
    let policy = StaffingPolicy::erlang_c("80/20s".parse()?).with_max_occupancy(0.85)?.with_shrinkage(0.3)?;
    let need = policy.required(&half_hour(20_000.0, 180))?;
    assert!(need.for_service_level < 2_353);
    assert_eq!((need.agents, need.scheduled), (2_353, 3_362));
    assert!(need.performance.occupancy <= 0.85);
    assert_eq!(need.performance.agents, 2_353);
    Ok(())
}

#[test]
fn rule_o3_within_zero_seconds_is_the_share_answered_without_waiting() -> Result {
    let workload = half_hour(100.0, 180);
    for policy in [
        StaffingPolicy::erlang_c("50/0s".parse()?),
        StaffingPolicy::erlang_c("50/0s".parse()?).with_patience(TimeDelta::seconds(90))?,
    ] {
        let p = policy.performance(&workload, 12)?;
        assert!(close(p.service_level, 1.0 - p.p_wait, 1e-12), "{p:?}");
    }
    Ok(())
}

fn desk_team() -> std::result::Result<Team, Box<dyn std::error::Error>> {
    let shift = |hours: &str| {
        Calendar::from_toml_str(&format!(
            "time_zone = \"Asia/Shanghai\"\nweek = {{ mon = [\"{hours}\"], tue = [\"{hours}\"] }}\n"
        ))
    };
    let calendars: CalendarSet =
        [("early", shift("08:00-16:00")?), ("late", shift("12:00-20:00")?)].into_iter().collect();
    let mut team = Team::new(calendars);
    for k in 0..6 {
        team.add(Specialist::new(format!("early-{k}")).with_calendar("early"))?;
    }
    for k in 0..4 {
        team.add(Specialist::new(format!("late-{k}")).with_calendar("late"))?;
    }
    Ok(team)
}

#[test]
fn rule_o3_a_day_plan_against_the_shifts_reports_the_shortfalls() -> Result {
    let day = Profile::from_toml_str(
        r#"
        time_zone = "Asia/Shanghai"
        interval = "1h"
        start = "08:00"
        contacts = [40, 80, 120, 160, 120, 100, 90, 60, 40, 30, 20, 10]
        "#,
    )?;
    assert_eq!(day.time_zone(), Some(Shanghai));
    let policy = StaffingPolicy::erlang_c("80/20s".parse()?).with_shrinkage(0.25)?;
    let plan = policy.plan(&day, TimeDelta::seconds(180))?;
    assert_eq!(plan.slots.len(), 12);
    assert_eq!(plan.slots[3].start, NaiveTime::from_hms_opt(11, 0, 0).unwrap());
    // Each interval is the single-interval requirement of its contacts.
    for slot in &plan.slots {
        let alone = policy.required(&Workload::new(slot.contacts, TimeDelta::hours(1), TimeDelta::seconds(180))?)?;
        assert_eq!(slot.requirement, alone);
    }
    assert_eq!(plan.peak_agents(), plan.slots[3].requirement.agents);
    let people: u32 = plan.slots.iter().map(|s| s.requirement.scheduled).sum();
    assert_eq!(plan.scheduled_time(), TimeDelta::hours(i64::from(people)));

    let monday = NaiveDate::from_ymd_opt(2026, 11, 2).unwrap();
    let cover = plan.cover(&desk_team()?, monday, Shanghai)?;
    let on_shift: Vec<u32> = cover.slots.iter().map(|s| s.on_shift).collect();
    assert_eq!(on_shift, [6, 6, 6, 6, 10, 10, 10, 10, 4, 4, 4, 4]);
    assert_eq!(cover.slots[0].start, Shanghai.with_ymd_and_hms(2026, 11, 2, 8, 0, 0).unwrap().to_utc());
    for slot in &cover.slots {
        assert_eq!(slot.shortfall, slot.needed.saturating_sub(slot.on_shift));
    }
    let short: Vec<NaiveTime> = cover.shortfalls().map(|s| s.local_start).collect();
    assert!(short.contains(&NaiveTime::from_hms_opt(11, 0, 0).unwrap()), "{cover:?}");
    assert!(!cover.is_covered());

    // On Sunday nobody works: every interval with contacts is short by all it needs.
    let sunday = NaiveDate::from_ymd_opt(2026, 11, 8).unwrap();
    let empty = plan.cover(&desk_team()?, sunday, Shanghai)?;
    assert!(empty.slots.iter().all(|s| s.on_shift == 0 && s.shortfall == s.needed));
    Ok(())
}

#[test]
fn rule_o3_a_specialist_counts_only_when_on_shift_for_the_whole_interval() -> Result {
    let calendars: CalendarSet = [(
        "split",
        Calendar::from_toml_str(
            "time_zone = \"Asia/Shanghai\"\nweek = { mon = [\"08:00-08:45\", \"09:15-12:00\"] }\n",
        )?,
    )]
    .into_iter()
    .collect();
    let mut team = Team::new(calendars);
    team.add(Specialist::new("li").with_calendar("split"))?;
    team.add(Specialist::new("rover"))?; // no calendar: always on shift, as for assignment
    let day = Profile::new(TimeDelta::minutes(30), NaiveTime::from_hms_opt(8, 0, 0).unwrap(), vec![5.0; 4])?;
    let plan = StaffingPolicy::erlang_c("80/20s".parse()?).plan(&day, TimeDelta::seconds(120))?;
    let cover = plan.cover(&team, NaiveDate::from_ymd_opt(2026, 11, 2).unwrap(), Shanghai)?;
    let on_shift: Vec<u32> = cover.slots.iter().map(|s| s.on_shift).collect();
    assert_eq!(on_shift, [2, 1, 1, 2]); // 08:30-09:00 and 09:00-09:30 each miss a quarter hour

    // A date the calendars cannot answer for is an error naming the specialist.
    let far = plan.cover(&team, NaiveDate::from_ymd_opt(2300, 1, 1).unwrap(), Shanghai).unwrap_err();
    assert!(far.to_string().starts_with("specialist `li`: "), "{far}");
    Ok(())
}

#[test]
fn rule_o3_the_forecast_averages_the_same_weekday_and_interval_over_past_weeks() -> Result {
    let at = |d: u32, h: u32, m: u32| Shanghai.with_ymd_and_hms(2026, 11, d, h, m, 0).unwrap().to_utc();
    let history = vec![
        at(2, 9, 0),   // Monday three weeks before the 23rd: outside the two weeks averaged
        at(9, 9, 5),   // Monday 9th
        at(9, 9, 29),  // Monday 9th, same half hour
        at(9, 23, 59), // Monday 9th, last interval
        at(16, 9, 10), // Monday 16th
        at(17, 9, 10), // a Tuesday: ignored
        at(23, 9, 10), // the day itself: not history
    ];
    let monday = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let day = Profile::from_history(history.iter().rev().copied(), Shanghai, monday, 2, TimeDelta::minutes(30))?;
    assert_eq!(day.contacts().len(), 48);
    assert_eq!(day.contacts()[18], 1.5); // 09:00-09:30: 2 and 1
    assert_eq!(day.contacts()[47], 0.5);
    assert_eq!(day.total(), 2.0);
    assert_eq!(day.time_zone(), Some(Shanghai));
    // Wall-clock time of the zone: 01:10 UTC is 09:10 in Shanghai.
    let utc = Profile::from_history(history, chrono_tz::UTC, monday, 2, TimeDelta::minutes(30))?;
    assert_eq!(utc.contacts()[2], 1.5);

    let err = Profile::from_history([], Shanghai, monday, 2, TimeDelta::minutes(7)).unwrap_err();
    assert!(matches!(err, StaffingError::Invalid { field: Field::Interval, .. }), "{err}");
    let err = Profile::from_history([], Shanghai, monday, 0, TimeDelta::minutes(30)).unwrap_err();
    assert!(matches!(err, StaffingError::Invalid { field: Field::Weeks, .. }), "{err}");
    Ok(())
}

#[test]
fn rule_o3_profiles_read_from_text_name_what_is_wrong() {
    let err = Profile::from_toml_str("interval = \"30m\"\ncontacts = [1, -2]\n").unwrap_err();
    assert_eq!(err.to_string(), "contacts[1]: must be a finite number of at least 0 (got -2)");
    let err = Profile::from_toml_str("interval = \"30m\"\ncontacts = [1, \"x\"]\n").unwrap_err();
    assert!(err.to_string().starts_with("in `contacts[1]`:"), "{err}");
    let err = Profile::from_toml_str("interval = \"1h\"\nstart = \"20:00\"\ncontacts = [1, 1, 1, 1, 1]\n").unwrap_err();
    assert!(err.to_string().contains("run past midnight"), "{err}");
    let err = Profile::from_toml_str("interval = \"1h\"\ntime_zone = \"Mars/Olympus\"\ncontacts = [1]\n").unwrap_err();
    assert!(err.to_string().starts_with("time_zone: unknown time zone `Mars/Olympus`"), "{err}");
    let err = Profile::from_json_str(r#"{"interval":"30m","contacts":[1],"volume":3}"#).unwrap_err();
    assert!(err.to_string().contains("volume"), "{err}");

    let err = Profile::from_csv_str("start,contacts\n08:00,1\n08:30,2\n09:15,3\n").unwrap_err();
    assert!(err.to_string().starts_with("line 4: starts must rise in equal steps"), "{err}");
    let err = Profile::from_csv_str("08:00,1,2\n").unwrap_err();
    assert_eq!(err.to_string(), "line 1: expected two fields: start,contacts");
    let err = Profile::from_csv_str("8 o'clock,1\n").unwrap_err();
    assert!(err.to_string().starts_with("line 1: start: not a time of day"), "{err}");
    assert!(Profile::from_csv_str("start,contacts\n").is_err());
    let one = Profile::from_csv_str("# a quiet day\n\n10:00,4\n").unwrap();
    assert_eq!((one.interval(), one.contacts()), (TimeDelta::hours(1), &[4.0][..]));
}
