//! The figures of a report (rules B7, B10, O5), as plain serialisable data with deterministic order.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::Measure;
use super::period::Period;
use super::ratio::Ratio;

/// A report over one period: every figure the desk's log gives for it. Build one with
/// [`Report::from_store`] or [`Projection::over`](super::Projection::over); render it with
/// [`to_text`](Report::to_text), [`to_markdown`](Report::to_markdown), [`to_csv`](Report::to_csv),
/// [`to_html`](Report::to_html) or serde (JSON).
///
/// What counts where:
///
/// - A **callback** counts in the period its due window closes in (rule B10): done if done before the window
///   closed, cancelled if cancelled before, missed if the window closed by [`as_of`](Report::as_of) without
///   either, open otherwise. The same for an **obligation** (F1, F2) and its due instant.
/// - An **activity** — a contact attempt, a finished callback and its answers, problems raised, a clock met or
///   breached, an escalation, a case opened or closed, an approval requested or decided — counts in the period it
///   happened in.
/// - A **stock** — customers by standing, pending approvals, where the problems' cases stand — is read at
///   [`as_of`](Report::as_of).
///
/// Callbacks, obligations and activities are additive: a quarter's are the sum of its months'
/// ([`additive_figures`](Report::additive_figures)).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// The period.
    pub period: Period,
    /// The time zone the period's days begin in.
    pub time_zone: String,
    /// The period's first instant.
    pub from: DateTime<Utc>,
    /// The first instant after the period.
    pub to: DateTime<Utc>,
    /// The instant the report describes: the period's end, or the log's latest instant if earlier.
    pub as_of: DateTime<Utc>,
    /// How many log events the report was read from.
    pub events: u64,
    /// Customers by standing (lifecycle state) at `as_of`: `prospect`, `onboarding`, `active`, `quiet`, `lapsed`,
    /// `closed`.
    pub customers: BTreeMap<String, u64>,
    /// The callbacks due in the period and what became of them (rules B3, B10).
    pub callbacks: Callbacks,
    /// The answers of the callback records finished in the period (rules S1, S2).
    pub survey: Survey,
    /// The problems raised in callbacks in the period and what became of their cases (rule B5).
    pub problems: Problems,
    /// The cases opened and closed in the period (rules Q2, Q6, Q7).
    pub cases: Cases,
    /// SLA compliance per policy, by name (rules B4–B6, C4, C5, Q4).
    pub sla: BTreeMap<String, Sla>,
    /// SLA clocks met and breached by local week (Monday first), for the chart.
    pub sla_by_week: Vec<SlaWeek>,
    /// Escalations reached in the period, by rung of the ladder (rule B6).
    pub escalations: BTreeMap<u16, u64>,
    /// The follow-up obligations due in the period, by rule: `F1`, `F2`.
    pub obligations: BTreeMap<String, Obligations>,
    /// Approval requests (rules C6, C7).
    pub approvals: Approvals,
    /// The KPIs of rule O5, for the team and per specialist.
    pub kpis: Kpis,
    /// The special feedback deliveries due in the period (rule B7).
    pub agreements: Vec<Feedback>,
}

/// The callbacks due in a period (those whose window closes in it).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Callbacks {
    /// Due in the period.
    pub due: u64,
    /// Done before their window closed.
    pub done: u64,
    /// Rescheduled at the customer's request at least once before their window closed (rule B9).
    pub rescheduled: u64,
    /// Their window closed without the callback (rule B10).
    pub missed: u64,
    /// Still open, their window not yet closed.
    pub open: u64,
    /// Cancelled before their window closed (customer closed, handed to sales).
    pub cancelled: u64,
    /// Rule B10: done / (done + missed); 100% means nobody was missed.
    pub coverage: Ratio,
    /// The same counts per specialist (who did it, else who held it; `unassigned` for nobody).
    pub by_specialist: BTreeMap<String, CallbackCounts>,
    /// The same counts per reason's rule: `B3` (after a sale, regular), `B8` (occasions), `F1`, `F2`.
    pub by_reason: BTreeMap<String, CallbackCounts>,
    /// Contact attempts in the period per channel (rule B1), and the callbacks done on each.
    pub by_channel: BTreeMap<String, ChannelCounts>,
    /// Every missed callback, by window end then id: the customers rule B10 asks to name.
    pub missed_list: Vec<MissedCallback>,
}

/// Callback counts of one specialist or reason.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallbackCounts {
    /// Due.
    pub due: u64,
    /// Done in time.
    pub done: u64,
    /// Rescheduled before the window closed.
    pub rescheduled: u64,
    /// Missed.
    pub missed: u64,
    /// Still open.
    pub open: u64,
    /// Cancelled.
    pub cancelled: u64,
    /// done / (done + missed).
    pub coverage: Ratio,
}

/// One channel's contacts.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelCounts {
    /// Contact attempts.
    pub attempts: u64,
    /// Attempts that reached the customer.
    pub reached: u64,
    /// Callbacks finished after reaching the customer on this channel.
    pub done: u64,
}

/// A missed callback (rule B10).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MissedCallback {
    /// The customer's ERP id.
    pub customer: String,
    /// The callback's instance id.
    pub callback: String,
    /// The rule it was due under.
    pub rule: String,
    /// When its window closed.
    pub due_by: DateTime<Utc>,
    /// Its specialist, if it had one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub specialist: Option<String>,
}

/// The answers of the callback records (rules S1, S2).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Survey {
    /// Callbacks finished with a script record.
    pub records: u64,
    /// Satisfaction answers by value (`satisfied`, `so_so`, `unsatisfied`, …).
    pub satisfaction: BTreeMap<String, u64>,
    /// Satisfied answers among all satisfaction answers.
    pub satisfaction_score: Ratio,
    /// Would recommend the products: yes among yes and no.
    pub would_recommend: Ratio,
    /// How customers first heard of the products (S1), by answer.
    pub heard_of: BTreeMap<String, u64>,
    /// Would keep working together once the problems are solved (S2): yes among yes and no.
    pub would_continue: Ratio,
}

/// Problems raised in callbacks (rule B5).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problems {
    /// Problems raised in the period.
    pub raised: u64,
    /// Cases opened from callback problems in the period.
    pub cases: u64,
    /// Where those cases stand at `as_of`: `open`, `referred`, `resolved`, `answered`, `confirmed`,
    /// `closed_by_silence`, `withdrawn`.
    pub outcome: BTreeMap<String, u64>,
}

/// Cases (rules Q2, Q6, Q7).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cases {
    /// Opened in the period.
    pub opened: u64,
    /// Closed in the period, by how: `confirmed`, `closed_by_silence`, `withdrawn`.
    pub closed: BTreeMap<String, u64>,
    /// Opened in the period, by class `nature/urgency` (`complaint/urgent`, `price/normal`, …).
    pub by_class: BTreeMap<String, u64>,
    /// Opened in the period, by origin: `callback` or `inquiry`.
    pub by_origin: BTreeMap<String, u64>,
    /// Not closed at `as_of` (opened at any time).
    pub open_at_end: u64,
}

/// One SLA policy's compliance.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sla {
    /// Business time (open hours) or calendar time: the measure of the durations below.
    pub measure: Measure,
    /// Clocks met on time in the period.
    pub met: u64,
    /// Clocks breached in the period.
    pub breached: u64,
    /// Of the breached ones (any period), met late in this period.
    pub met_late: u64,
    /// met / (met + breached).
    pub compliance: Ratio,
    /// The median time to meet (on time or late), in the policy's measure, as `1h 30m`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub median: Option<String>,
    /// The 90th percentile time to meet (nearest rank), likewise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p90: Option<String>,
    /// The median in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub median_seconds: Option<i64>,
    /// The 90th percentile in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p90_seconds: Option<i64>,
}

/// SLA clocks of one local week.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlaWeek {
    /// The week's Monday (the week may begin before the period).
    pub week: NaiveDate,
    /// Met on time.
    pub met: u64,
    /// Breached.
    pub breached: u64,
}

/// Follow-up obligations of one rule (F1 or F2) due in the period.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Obligations {
    /// Due in the period.
    pub due: u64,
    /// Fulfilled by a contact by the due instant.
    pub met: u64,
    /// Due instant passed without the contact (by `as_of`).
    pub overdue: u64,
    /// Withdrawn before the due instant (customer closed, handed to sales).
    pub withdrawn: u64,
    /// Not yet due at `as_of`.
    pub open: u64,
}

/// Approval requests (rules C6, C7).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Approvals {
    /// Requested in the period.
    pub opened: u64,
    /// Granted in the period.
    pub approved: u64,
    /// Rejected in the period.
    pub rejected: u64,
    /// Withdrawn by the requester in the period.
    pub withdrawn: u64,
    /// Requested by `as_of` and not yet decided then.
    pub pending: u64,
    /// Requested in the period, by chain name.
    pub by_chain: BTreeMap<String, u64>,
}

/// The KPIs of rule O5.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Kpis {
    /// The whole team.
    pub team: Kpi,
    /// Each specialist who made a contact or finished a callback in the period.
    pub by_specialist: BTreeMap<String, Kpi>,
}

/// One specialist's (or the team's) KPIs over a period (rule O5).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Kpi {
    /// Contact attempts made (contact volume).
    pub contacts: u64,
    /// Reach rate: attempts that reached the customer, among all attempts (the answer rate of outbound calls).
    pub reach_rate: Ratio,
    /// Callbacks finished.
    pub callbacks_done: u64,
    /// Satisfaction score: `satisfied` among the satisfaction answers of their callback records.
    pub satisfaction: Ratio,
    /// Complaint rate: complaint cases of their callbacks and customers, per contact that reached the customer.
    pub complaint_rate: Ratio,
    /// First-contact resolution: callbacks finished on the first attempt, without a reschedule, among those
    /// finished.
    pub first_contact_resolution: Ratio,
    /// SLA compliance: for a specialist, the record clocks of their callbacks (rule B4); for the team, every clock.
    pub sla_compliance: Ratio,
}

/// One special feedback delivery (rule B7): an agreement's customers' results at the agreed time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Feedback {
    /// The agreement's name.
    pub agreement: String,
    /// The sales department that asked.
    pub requested_by: String,
    /// The agreed delivery instant.
    pub due_at: DateTime<Utc>,
    /// What it covers: from the previous delivery (excluded) to `due_at` (included).
    pub covers_from: DateTime<Utc>,
    /// Whether the log has reached the delivery instant (the results are final).
    pub ready: bool,
    /// Each customer's results, by customer id (every customer of the agreement, even without a callback).
    pub customers: BTreeMap<String, CustomerResults>,
}

/// One customer's callback results in a feedback delivery (rule B7).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerResults {
    /// The callbacks finished in the covered span.
    pub callbacks: Vec<CallbackResult>,
    /// Callbacks whose window closed in the covered span without them (rule B10).
    pub missed: u64,
}

/// A finished callback's result.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallbackResult {
    /// The callback's instance id.
    pub callback: String,
    /// When it was done.
    pub done_at: DateTime<Utc>,
    /// Who did it.
    pub specialist: String,
    /// The satisfaction answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub satisfaction: Option<String>,
    /// Would the customer recommend the products.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub would_recommend: Option<bool>,
}
