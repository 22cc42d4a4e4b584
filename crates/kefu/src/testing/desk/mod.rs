//! The desk's laws on any store (crate features `testing`, `toml` and `json`): a sample department, random ERP fact
//! streams over a simulated quarter, and checks that the [`Desk`](crate::desk::Desk) applied every reaction exactly
//! once.
//!
//! - [`sample_config`]: a distributor's customer-service department on the Shanghai office calendar (two
//!   specialists, a supervisor, a logistics head, leadership, a Mid-Autumn campaign).
//! - [`Plan`], [`any_plan`], [`seeded_plan`]: what the ERP and the people do over the quarter (contracts,
//!   documents, orders, sales, payments, hand-overs to sales, inquiries, closures, calls, case resolutions,
//!   approvals); [`run_quarter`] plays a plan against a desk, with the ticks left to the caller (one desk, several
//!   worker processes, or workers that crash).
//! - [`check_laws`]: the laws on the log a quarter left, on any store — every follow-up obligation has exactly one
//!   callback (F1, F2), every raised problem exactly one case (B5), every escalation exactly one notice (B6), every
//!   missed callback exactly one report (B10), each board's loads are what the specialists hold (C3, B2, O1), and
//!   replaying the log rebuilds every instance's state; [`check_reapply`]: applying every reaction a second time
//!   (a crash between the appends and the cursor save) appends nothing.
//! - [`CrashingStore`] and [`crash_law`]: workers that die between a reaction's append and the cursor save, and
//!   in the middle of a reaction pass, are replaced by fresh ones; the laws still hold.
//! - [`desk_laws!`](crate::desk_laws): the whole suite as `#[test]`s, in one line per store crate.
//!
//! ```
//! use kefu::desk::Desk;
//! use kefu::store::MemoryStore;
//! use kefu::testing::desk::{check_laws, check_reapply, quarter_end, run_quarter, sample_config, seeded_plan};
//!
//! let desk = Desk::new(MemoryStore::new(), sample_config());
//! let plan = seeded_plan(7);
//! run_quarter(&desk, &plan, &mut |at| desk.tick(at).map(drop))?;
//! let tally = check_laws(desk.store())?;
//! assert!(tally.callbacks > 0 && tally.instances > 0);
//! check_reapply(&desk, quarter_end())?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod crash;
mod laws;
mod quarter;

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use chrono_tz::Asia::Shanghai;

pub use crash::{CrashingStore, crash_law};
pub use laws::{LawBroken, Tally, check_laws, check_reapply, quarter_law};
pub use quarter::{Action, Beat, Plan, act, any_action, any_plan, run_beats, run_quarter, seeded_plan};

use crate::calendar::Calendar;
use crate::callback::Occasion;
use crate::desk::{Campaign, Compiled, Department, DeskConfig, Person, Selector};

/// The office calendar of [`sample_config`]: Shanghai, Monday to Friday 09:00–12:00 and 13:30–18:00, National Day
/// 1–7 October 2026 off, Saturday 10 October 2026 worked; it covers 2026.
pub const OFFICE_CALENDAR: &str = r#"
time_zone = "Asia/Shanghai"
covers = { from = "2026-01-01", to = "2026-12-31" }
[week]
mon = ["09:00-12:00", "13:30-18:00"]
tue = ["09:00-12:00", "13:30-18:00"]
wed = ["09:00-12:00", "13:30-18:00"]
thu = ["09:00-12:00", "13:30-18:00"]
fri = ["09:00-12:00", "13:30-18:00"]
[[holidays]]
from = "2026-10-01"
to = "2026-10-07"
name = "National Day"
[[workdays]]
date = "2026-10-10"
hours = ["09:00-12:00", "13:30-18:00"]
"#;

/// The specialists of [`sample_config`].
pub const SPECIALISTS: [&str; 2] = ["li.na", "wang.fang"];

/// The department head of logistics in [`sample_config`], who hears of its cases' escalations (rule B6).
pub const LOGISTICS_HEAD: &str = "zhou.ming";

/// The supervisor of [`sample_config`], who resolves cases on the spot (rule B6).
pub const SUPERVISOR: &str = "zhang.wei";

/// How long the simulated quarter lasts.
pub const QUARTER_DAYS: i64 = 91;

/// The quarter's first instant: Tuesday 1 September 2026, 09:00 in Shanghai. It spans the Mid-Autumn campaign,
/// National Day's week off and its make-up Saturday, so that items wait on the board for the next working day.
#[must_use]
pub fn quarter_start() -> DateTime<Utc> {
    Shanghai.with_ymd_and_hms(2026, 9, 1, 9, 0, 0).single().map_or(DateTime::<Utc>::MIN_UTC, |t| t.to_utc())
}

/// The quarter's end: [`QUARTER_DAYS`] after [`quarter_start`].
#[must_use]
pub fn quarter_end() -> DateTime<Utc> {
    quarter_start() + TimeDelta::days(QUARTER_DAYS)
}

/// A distributor's customer-service department: the specialists [`SPECIALISTS`] on the [`OFFICE_CALENDAR`], a
/// supervisor, the logistics department with its head, the marketing director, the finance supervisor and the
/// general manager (the C6 and C7 approvers), and a Mid-Autumn campaign (rule B8) on 24 September 2026.
///
/// # Panics
///
/// Never: the configuration is fixed and whole (the tests of this module compile it).
#[must_use]
pub fn sample_config() -> Compiled {
    let mut config = DeskConfig::new("鸿枫化工", Shanghai).unwrap_or_else(|e| unreachable!("shipped scripts: {e}"));
    let office =
        Calendar::from_toml_str(OFFICE_CALENDAR).unwrap_or_else(|e| unreachable!("the office calendar loads: {e}"));
    config.calendars = [("office", office.clone()), ("service-desk", office)].into_iter().collect();
    let people: [(&str, &[&str]); 7] = [
        (SUPERVISOR, &["service_supervisor", "supervisor"]),
        (SPECIALISTS[0], &["specialist"]),
        (SPECIALISTS[1], &["specialist"]),
        (LOGISTICS_HEAD, &["department_head"]),
        ("sun.li", &["marketing_director", "leadership"]),
        ("qian.hua", &["finance_supervisor"]),
        ("zhao.gang", &["general_manager", "leadership"]),
    ];
    for (id, roles) in people {
        let person = roles.iter().fold(Person::new(id, id), |p, r| p.with_role(*r));
        config.people.push(if person.is_specialist() { person.with_calendar("office") } else { person });
    }
    config.departments.push(Department::new("logistics", "物流部").with_head(LOGISTICS_HEAD));
    let starts = Shanghai.with_ymd_and_hms(2026, 9, 24, 9, 0, 0).single().map_or(quarter_start(), |t| t.to_utc());
    config.campaigns.push(Campaign {
        id: "mid-autumn".into(),
        occasion: Occasion::Holiday { name: "Mid-Autumn Festival".into() },
        starts,
        within: Some(TimeDelta::days(3)),
        select: Selector::default(),
    });
    config.compile().unwrap_or_else(|e| unreachable!("the sample configuration is whole: {e}"))
}

/// Expands into the desk's laws as `#[test]`s on a store: random quarters ([`quarter_law`], one test per seed of
/// [`SEEDS`]) and workers that crash between a reaction's append and the cursor save ([`crash_law`]).
///
/// Two forms, like [`store_conformance!`](crate::store_conformance):
/// - `desk_laws!(factory)`: each law runs on a fresh store from the factory (anything callable with no arguments
///   that returns a value dereferencing to a [`Store`](crate::store::Store)).
/// - `desk_laws!(with |law| body)`: each test runs `body` with `law: &dyn Fn(&dyn Store)`, for a store that
///   wraps each run its own way (skipped when its server is absent).
///
/// `KEFU_DESK_SEEDS=a,b,c` runs the quarters of other seeds instead (a failure names its seed).
///
/// ```
/// // In an integration test file (tests/desk.rs):
/// kefu::desk_laws!(|| Box::new(kefu::store::MemoryStore::new()));
/// # fn main() {}
/// ```
#[macro_export]
macro_rules! desk_laws {
    (with |$law:ident| $body:expr) => {
        /// Rules F1, F2, B5, B6, B10, C3: random quarters, each on a fresh store, keep every desk law.
        #[test]
        fn desk_laws_hold_over_seeded_quarters() {
            fn run($law: &dyn Fn(&dyn $crate::store::Store)) {
                $body
            }
            for seed in $crate::testing::desk::seeds() {
                run(&|store: &dyn $crate::store::Store| $crate::testing::desk::quarter_law(store, seed));
            }
        }

        /// Workers that die between a reaction's append and the cursor save are replaced; nothing is doubled or
        /// lost.
        #[test]
        fn desk_laws_hold_when_workers_crash_between_append_and_cursor_save() {
            fn run($law: &dyn Fn(&dyn $crate::store::Store)) {
                $body
            }
            let seed = $crate::testing::desk::seeds().first().copied().unwrap_or_default();
            run(&|store: &dyn $crate::store::Store| $crate::testing::desk::crash_law(store, seed));
        }
    };
    ($make:expr) => {
        $crate::desk_laws!(
            with | law | {
                let fixture = ($make)();
                law(&*fixture)
            }
        );
    };
}

/// The seeds [`desk_laws!`](crate::desk_laws) plays when `KEFU_DESK_SEEDS` is unset: one quarter per store keeps
/// a database's suite short (a quarter is some 300 ticks); the in-memory store's own tests play many random ones.
pub const SEEDS: [u64; 1] = [20_260_901];

/// The seeds to play: `KEFU_DESK_SEEDS` (comma-separated numbers) or [`SEEDS`].
///
/// # Panics
///
/// When `KEFU_DESK_SEEDS` is set but is not a list of numbers (a test harness's input, not user data).
#[must_use]
pub fn seeds() -> Vec<u64> {
    match std::env::var("KEFU_DESK_SEEDS") {
        Ok(list) => list
            .split(',')
            .map(|s| s.trim().parse().unwrap_or_else(|_| panic!("KEFU_DESK_SEEDS: `{s}` is not a number")))
            .collect(),
        Err(_) => SEEDS.to_vec(),
    }
}
