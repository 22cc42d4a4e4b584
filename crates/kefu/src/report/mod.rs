//! Reports and KPIs from the event log alone (rules B7, B10, O5): what the month's — or the quarter's — callbacks
//! came to, who was missed, what customers said, how the time limits held, and each specialist's KPIs.
//!
//! - Rule **B7**: callback results are compiled once a month for the sales department and summarised once a
//!   quarter ([`Period::month`], [`Period::quarter`]); a sales department may agree a special feedback time for
//!   particular customers ([`Agreement`], in the `[reports]` section of `kefu.toml`), and each report lists the
//!   deliveries due in its period with those customers' results ([`Report::agreements`]).
//! - Rule **B10**: every callback due in the period is accounted for — done, cancelled, open or missed — and every
//!   missed one is named with its customer ([`Callbacks::missed_list`]); coverage is done / (done + missed).
//! - Rule **O5**: contacts, reach rate, satisfaction score, complaint rate, first-contact resolution and SLA
//!   compliance, for the team and per specialist ([`Kpis`]).
//!
//! A [`Projection`] follows the store's log (the outbox every machine of the desk writes to) with its own cursor:
//! each event is folded once, in time independent of the log's length, into compact facts; any period's
//! [`Report`] is then read from them. Rebuilding from the whole log gives the same report as following it in
//! chunks, and a quarter's additive figures are the sum of its months' ([`Report::additive_figures`]).
//!
//! Outputs: serde (JSON), [`Report::to_text`], [`Report::to_markdown`], [`Report::to_csv`] and
//! [`Report::to_html`] — one self-contained page with inline SVG charts (SLA compliance by week, coverage by
//! specialist), no script and no external asset.
//!
//! # Example: a month's report from a desk's store
//!
//! ```
//! use chrono::{TimeZone, Utc};
//! use kefu::calendar::Calendar;
//! use kefu::desk::{Desk, DeskConfig, Fact, Person};
//! use kefu::machine::Principal;
//! use kefu::report::{Period, Report};
//! use kefu::store::MemoryStore;
//!
//! let mut config = DeskConfig::new("鸿枫化工", chrono_tz::Asia::Shanghai)?;
//! config.calendars = [("office", Calendar::always_open(chrono_tz::Asia::Shanghai))].into_iter().collect();
//! config.calendars.insert("service-desk", Calendar::always_open(chrono_tz::Asia::Shanghai));
//! config.people.push(Person::new("li.na", "李娜").with_role("specialist"));
//! config.people.push(Person::new("zhang.wei", "张伟").with_role("service_supervisor").with_role("supervisor"));
//! config.people.push(Person::new("zhao.gang", "赵刚").with_role("general_manager").with_role("leadership"));
//! config.people.push(Person::new("sun.li", "孙丽").with_role("marketing_director"));
//! config.people.push(Person::new("qian.hua", "钱华").with_role("finance_supervisor"));
//! config.people.push(Person::new("zhou.ming", "周明").with_role("department_head"));
//! let desk = Desk::new(MemoryStore::new(), config.compile()?);
//!
//! // A sale on 2 June: its after-sale callback is due within the week (rule B3) and nobody makes it.
//! let sold = Utc.with_ymd_and_hms(2026, 6, 2, 2, 0, 0).unwrap();
//! desk.submit("0042", &Fact::SaleCompleted { sale: "SO-1".into() }, &Principal::new("erp"), sold, "k1")?;
//! desk.tick(Utc.with_ymd_and_hms(2026, 7, 1, 0, 0, 0).unwrap())?;
//!
//! let june = Report::from_store(desk.store(), &config, Period::month(2026, 6)?)?;
//! assert_eq!((june.callbacks.due, june.callbacks.missed), (1, 1));
//! assert_eq!(june.callbacks.missed_list[0].customer, "0042"); // rule B10: named, never dropped
//! let json = serde_json::to_value(&june)?;
//! assert_eq!(json["callbacks"]["coverage"]["percent"], 0.0);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod agreement;
mod compile;
mod error;
mod figures;
mod period;
mod projection;
mod ratio;
mod render;

pub use agreement::{Agreement, ReportConfig, Schedule};
pub use error::{PeriodError, ReportError};
pub use figures::{
    Approvals, CallbackCounts, CallbackResult, Callbacks, Cases, ChannelCounts, CustomerResults, Feedback, Kpi, Kpis,
    MissedCallback, Obligations, Problems, Report, Sla, SlaWeek, Survey,
};
pub use period::Period;
pub use projection::{Measure, Projection};
pub use ratio::Ratio;
