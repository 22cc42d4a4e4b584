//! "Our" SLA policy and calendars, as an ERP would define them: the code under test of `tests/laws.rs`.
//!
//! The VIP policy: a VIP customer's inquiry gets **30 business minutes** on the desk's calendar, a warning at half
//! time, then escalation to the supervisor at the breach and to leadership 30 business minutes later (rules Q4 and
//! B6 of the domain). The laws in `tests/laws.rs` check it on random calendars in three zones and on the calendars
//! the company really uses (`examples/calendars/`).

use chrono::TimeDelta;
use kefu::calendar::{Calendar, CalendarSet, LoadError};
use kefu::sla::SlaPolicy;

/// The name under which the VIP policy expects its calendar.
pub const VIP_DESK: &str = "vip-desk";

/// The business time the VIP policy allows.
pub const VIP_TARGET: TimeDelta = TimeDelta::minutes(30);

/// The VIP policy as the ERP stores it.
pub const VIP_POLICY_TOML: &str = r#"
name = "VIP first response"
within = "30m"
calendar = "vip-desk"
warn_at = [0.5]
escalate = [
  { to = "supervisor", after = "0s" },
  { to = "leadership", after = "30m" },
]
"#;

/// The VIP policy, read from [`VIP_POLICY_TOML`].
///
/// # Panics
///
/// If the text above stops being a valid policy (a test catches that first).
#[must_use]
pub fn vip_policy() -> SlaPolicy {
    toml::from_str(VIP_POLICY_TOML).expect("the VIP policy text is valid")
}

/// The calendars the company runs desks on: Amsterdam, New York and PRC 2026 (`examples/calendars/`).
///
/// # Errors
///
/// A file that cannot be read or is not a valid calendar.
pub fn company_calendars() -> Result<Vec<Calendar>, String> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../calendars");
    ["amsterdam.toml", "new-york.toml", "prc-2026.toml"]
        .iter()
        .map(|file| {
            let path = format!("{dir}/{file}");
            let text = std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?;
            Calendar::from_toml_str(&text).map_err(|e: LoadError| format!("{path}: {e}"))
        })
        .collect()
}

/// A configuration with `calendar` registered as the VIP desk.
#[must_use]
pub fn vip_desk(calendar: Calendar) -> CalendarSet {
    [(VIP_DESK, calendar)].into_iter().collect()
}
