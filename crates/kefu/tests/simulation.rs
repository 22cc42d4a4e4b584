//! The simulation (feature `simulation`): a synthetic distributor driven through the desk, the same log for the same
//! seed; and the campaign it meets on the way (rule B8), read back from the log.
#![cfg(feature = "simulation")]

use chrono::{NaiveDate, TimeZone, Utc};
use chrono_tz::Asia::Shanghai;
use kefu::calendar::Calendar;
use kefu::callback::Occasion;
use kefu::desk::{Campaign, CampaignEvent, Compiled, Desk, DeskConfig, Person, Selector};
use kefu::simulation::{Scenario, simulate};
use kefu::store::{MemoryStore, Position, RecordedEvent, Store};

type Result = std::result::Result<(), Box<dyn std::error::Error>>;

/// A small department, always open, with a holiday campaign on the fifth day.
fn department() -> std::result::Result<Compiled, Box<dyn std::error::Error>> {
    let mut config = DeskConfig::new("鸿枫化工", Shanghai)?;
    let always = Calendar::always_open(Shanghai);
    config.calendars = ["office", "service-desk"].into_iter().map(|n| (n, always.clone())).collect();
    for (id, roles) in [
        ("zhang.wei", &["service_supervisor", "supervisor"][..]),
        ("li.na", &["specialist"]),
        ("wang.fang", &["specialist"]),
        ("zhou.ming", &["department_head"]),
        ("sun.li", &["marketing_director", "leadership"]),
        ("qian.hua", &["finance_supervisor"]),
        ("zhao.gang", &["general_manager", "leadership"]),
    ] {
        config.people.push(roles.iter().fold(Person::new(id, id), |p, r| p.with_role(*r)));
    }
    config.campaigns.push(Campaign {
        id: "dragon-boat".into(),
        occasion: Occasion::Holiday { name: "端午节".into() },
        starts: Utc.with_ymd_and_hms(2026, 4, 5, 1, 0, 0).single().ok_or("bad instant")?,
        within: None,
        select: Selector::default(),
    });
    Ok(config.compile()?)
}

fn scenario(seed: u64) -> Scenario {
    Scenario { customers: 12, days: 10, start: NaiveDate::from_ymd_opt(2026, 4, 1).unwrap_or_default(), seed }
}

fn log<S: Store>(store: &S) -> std::result::Result<Vec<RecordedEvent>, Box<dyn std::error::Error>> {
    Ok(store.read(Position::START, usize::MAX)?)
}

#[test]
fn rule_b8_a_scheduled_campaign_reads_back_from_its_event() -> Result {
    let setup = department()?;
    let campaign = setup.config().campaigns.first().cloned().ok_or("no campaign")?;
    let event = CampaignEvent::Scheduled { at: campaign.starts, campaign };
    let text = serde_json::to_string(&event)?;
    assert_eq!(serde_json::from_str::<CampaignEvent>(&text)?, event);
    Ok(())
}

#[test]
fn one_seed_gives_the_same_log_and_another_seed_another() -> Result {
    let (a, b, c) = (MemoryStore::new(), MemoryStore::new(), MemoryStore::new());
    let run_a = simulate(&Desk::new(&a, department()?), &scenario(7), &mut |_| {})?;
    let run_b = simulate(&Desk::new(&b, department()?), &scenario(7), &mut |_| {})?;
    simulate(&Desk::new(&c, department()?), &scenario(8), &mut |_| {})?;
    assert_eq!(run_a, run_b);
    let (log_a, log_b, log_c) = (log(&a)?, log(&b)?, log(&c)?);
    assert!(log_a.len() > 100, "only {} events", log_a.len());
    assert_eq!(log_a, log_b);
    assert_ne!(log_a, log_c);
    // The campaign was launched on the way (rule B8): its callbacks are in the log.
    assert!(log_a.iter().any(|e| e.machine == "campaign" && e.payload.contains("\"launched\"")));
    assert!(log_a.iter().any(|e| e.instance.starts_with("callback/") && e.payload.contains("端午节")));
    Ok(())
}

#[test]
fn the_progress_is_reported_once_a_day() -> Result {
    let store = MemoryStore::new();
    let mut days = Vec::new();
    simulate(&Desk::new(&store, department()?), &scenario(1), &mut |p| days.push(p.day))?;
    assert_eq!(days, (1..=10).collect::<Vec<u32>>());
    Ok(())
}
