//! Staffing (rule O3): how many agents an interval's contacts need for a service level such as "80% answered
//! within 20 seconds", by Erlang C or Erlang A; a day's plan per interval; and the team's shifts against it.
//!
//! # The models
//!
//! Contacts arrive at random (Poisson) at `λ` per second, each takes an exponential handling time of mean `h`
//! (the AHT), and `n` agents answer them in order of arrival. The offered load is `a = λh` Erlangs.
//!
//! - **Erlang C** (M/M/n): nobody hangs up. With `B` the Erlang B blocking probability (by its stable recurrence,
//!   never by factorials), the probability of waiting is `C = B / (1 − (a/n)(1 − B))`, the service level
//!   `SL(τ) = 1 − C e^{−(n − a) τ / h}`, the average speed of answer `ASA = C h / (n − a)`, occupancy `a / n`.
//!   Defined for `n > a` only ([`StaffingError::NoSteadyState`] otherwise).
//! - **Erlang A** (M/M/n+M): a waiting contact hangs up after an exponential patience of mean `p`. Always stable.
//!   Exact formulas (Garnett, Mandelbaum & Reiman 2002; Mandelbaum & Zeltyn's notes on the Palm/Erlang-A queue) in
//!   terms of the series `S(x, y) = Σ_j Π_{i≤j} y/(x + i)` (an incomplete gamma function) with `x = n p / h`,
//!   `y = λ p`; its service level is the share of **all** arriving contacts answered within `τ`, those that hang
//!   up counting as not answered. As `p → ∞` it becomes Erlang C. The formulas are in the source of
//!   [`StaffingPolicy::performance`], evaluated in log space from the series' largest term outwards.
//!
//! [`StaffingPolicy::required`] finds the smallest `n` meeting the target, then applies an occupancy cap and
//! shrinkage: `agents = max(n, ⌈a / max_occupancy⌉)` (Erlang A: the carried load, abandoned contacts bringing no
//! work), `scheduled = ⌈agents / (1 − shrinkage)⌉`.
//!
//! # A day
//!
//! A [`Profile`] is a day's forecast of contacts per interval — data (TOML, JSON, CSV), or the average of the same
//! weekday's intervals over past weeks ([`Profile::from_history`]). [`StaffingPolicy::plan`] gives each interval
//! its [`Requirement`]; [`DayPlan::cover`] counts the specialists of an [`assign::Team`](crate::assign::Team) on
//! shift in each interval (their calendar open throughout) and reports the shortfalls.
//!
//! # Example: the textbook case
//!
//! 100 calls in half an hour, 3 minutes each, 80% to be answered within 20 seconds, 30% shrinkage, at most 85%
//! occupancy: 14 agents on the phones (88.8% answered in time; 13 would give 79.6%), 20 on the schedule.
//!
//! ```
//! use chrono::TimeDelta;
//! use kefu::staffing::{StaffingPolicy, Workload};
//!
//! let policy = StaffingPolicy::erlang_c("80/20s".parse()?).with_shrinkage(0.30)?.with_max_occupancy(0.85)?;
//! let half_hour = Workload::new(100.0, TimeDelta::minutes(30), TimeDelta::seconds(180))?;
//! let need = policy.required(&half_hour)?;
//! assert_eq!((need.agents, need.scheduled), (14, 20));
//! assert!((need.performance.service_level - 0.888).abs() < 1e-3);
//! assert!((need.performance.asa_seconds - 7.8).abs() < 0.1);
//! assert!(policy.performance(&half_hour, 13)?.service_level < 0.80);
//!
//! // A large centre: 20 000 calls in half an hour (2 000 Erlangs) is as quick.
//! let peak = Workload::new(20_000.0, TimeDelta::minutes(30), TimeDelta::seconds(180))?;
//! let big = policy.required(&peak)?;
//! assert!(big.for_service_level > 2_000 && big.for_service_level < 2_100);
//! assert_eq!(big.agents, 2_353); // the 85% occupancy cap binds: ⌈2000 / 0.85⌉
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod erlang;
mod error;
mod plan;
mod policy;
mod profile;
mod special;
mod workload;

pub use error::{Field, LoadError, ProfileError, StaffingError};
pub use plan::{Cover, DayPlan, SlotCover, SlotPlan};
pub use policy::{DEFAULT_MAX_AGENTS, Model, Performance, Requirement, StaffingPolicy};
pub use profile::Profile;
pub use workload::{ServiceTarget, Workload};
