//! Rule B10, full coverage: every customer due a callback in a period is accounted for, and a missed one is
//! reported, never dropped.

use core::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::due::{Reason, Window};
use super::machine::CallbackState;

/// A period of time: from `start` (inclusive) to `end` (exclusive).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    /// The first instant.
    pub start: DateTime<Utc>,
    /// The first instant after the period.
    pub end: DateTime<Utc>,
}

impl Period {
    /// A period `start..end`.
    #[must_use]
    pub fn new(start: DateTime<Utc>, end: DateTime<Utc>) -> Self {
        Self { start, end }
    }

    /// Whether `t` lies in the period.
    #[must_use]
    pub fn contains(&self, t: DateTime<Utc>) -> bool {
        self.start <= t && t < self.end
    }
}

/// How a due callback is accounted for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Done before its window closed.
    Done,
    /// Still open and its window has not closed yet.
    Scheduled,
    /// Its window closed without a done callback (it may have been done late, or cancelled late): a miss.
    Missed,
    /// Cancelled before its window closed: no longer due (customer closed, handed to sales).
    Cancelled,
}

/// One due callback in a [`CoverageReport`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// The callback's id, as the caller gave it.
    pub id: String,
    /// The customer's id.
    pub customer: String,
    /// Why it was due.
    pub reason: Reason,
    /// Its due window.
    pub window: Window,
    /// How it is accounted for.
    pub status: Status,
    /// Its specialist, if assigned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub specialist: Option<String>,
    /// When it was done, if it was (for a miss: done late).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub done_at: Option<DateTime<Utc>>,
}

/// An exact fraction, reduced (`0/0` is read as `1/1`: nothing was due).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Fraction {
    /// The numerator.
    pub numerator: u64,
    /// The denominator, never zero.
    pub denominator: u64,
}

impl Fraction {
    /// `numerator / denominator`, reduced; `n/0` is `1/1`.
    #[must_use]
    pub fn new(numerator: u64, denominator: u64) -> Self {
        if denominator == 0 {
            return Self { numerator: 1, denominator: 1 };
        }
        let g = gcd(numerator, denominator);
        Self { numerator: numerator / g, denominator: denominator / g }
    }

    /// Whether it is exactly one (100%).
    #[must_use]
    pub fn is_one(&self) -> bool {
        self.numerator == self.denominator
    }

    /// The fraction as a percentage, for display (rounding may apply; compare with the fields).
    #[must_use]
    #[allow(clippy::cast_precision_loss)] // display only
    pub fn percent(&self) -> f64 {
        self.numerator as f64 * 100.0 / self.denominator as f64
    }
}

impl fmt::Display for Fraction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.numerator, self.denominator)
    }
}

fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a.max(1)
}

/// The coverage of a period (rule B10): every callback whose window closes in the period, each accounted for
/// exactly once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoverageReport {
    /// The period.
    pub period: Period,
    /// The instant the report describes.
    pub at: DateTime<Utc>,
    /// Every due callback, in the order given.
    pub entries: Vec<Entry>,
    /// How many are done.
    pub done: usize,
    /// How many are still scheduled.
    pub scheduled: usize,
    /// How many were missed.
    pub missed: usize,
    /// How many were cancelled before their window closed.
    pub cancelled: usize,
}

impl CoverageReport {
    /// How many callbacks were due in the period (all four counts).
    #[must_use]
    pub fn due(&self) -> usize {
        self.entries.len()
    }

    /// The missed callbacks, by window end, then id: the list B10 asks for.
    #[must_use]
    pub fn missed_list(&self) -> Vec<&Entry> {
        let mut missed: Vec<&Entry> = self.entries.iter().filter(|e| e.status == Status::Missed).collect();
        missed.sort_by(|a, b| (a.window.by, &a.id).cmp(&(b.window.by, &b.id)));
        missed
    }

    /// The coverage: done / (done + missed), exactly — the callbacks whose fate is settled. 100% (`1/1`) when none
    /// was missed; scheduled and cancelled callbacks do not count.
    #[must_use]
    pub fn coverage(&self) -> Fraction {
        Fraction::new(self.done as u64, (self.done + self.missed) as u64)
    }

    /// Whether coverage is full: nothing was missed (rule B10).
    #[must_use]
    pub fn is_full(&self) -> bool {
        self.missed == 0
    }
}

/// Accounts for every callback whose due window closes in `period`, as of `at` (rule B10). Pure; callbacks not
/// opened or due outside the period are left out. A callback is:
///
/// - **done** if it was done before its window closed;
/// - **cancelled** if it was cancelled before its window closed (and not done);
/// - **missed** if its window closed at or before `at` otherwise — even if it was done or cancelled later;
/// - **scheduled** otherwise: still open, its window not yet closed.
///
/// # Example
///
/// ```
/// use chrono::{TimeDelta, TimeZone, Utc};
/// use kefu::calendar::CalendarSet;
/// use kefu::callback::{coverage, CallResult, Callback, CallbackCommand, CallbackConfig, CallbackPolicy, Due, Period};
/// use kefu::callback::ContactChannel;
/// use kefu::machine::{Context, Instance, Principal};
///
/// let config = CallbackConfig::new(CalendarSet::new(), CallbackPolicy::default())?;
/// let agent = Principal::new("li.wei");
/// let t0 = Utc.with_ymd_and_hms(2026, 11, 2, 1, 0, 0).unwrap();
/// let at = |days| Context::new(t0 + TimeDelta::days(days), &agent, &config);
///
/// let (mut done, mut forgotten) = (Instance::<Callback>::new(), Instance::<Callback>::new());
/// done.execute(&CallbackCommand::Open(Due::after_sale("0001", "SO-1", t0)), &at(0))?;
/// forgotten.execute(&CallbackCommand::Open(Due::after_sale("0002", "SO-2", t0)), &at(0))?;
/// done.execute(&CallbackCommand::Assign { specialist: "li.wei".into() }, &at(1))?;
/// done.execute(&CallbackCommand::Attempt { channel: ContactChannel::Phone, reached: true }, &at(2))?;
/// done.execute(&CallbackCommand::Finish { result: CallResult::summary("fine") }, &at(2))?;
///
/// let november = Period::new(t0, t0 + TimeDelta::days(30));
/// let report = coverage(november, t0 + TimeDelta::days(30), [("cb-1", done.state()), ("cb-2", forgotten.state())]);
/// assert_eq!((report.due(), report.done, report.missed), (2, 1, 1));
/// assert_eq!(report.coverage().to_string(), "1/2");
/// assert_eq!(report.missed_list()[0].customer, "0002"); // reported, never dropped
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn coverage<'a, I, S>(period: Period, at: DateTime<Utc>, callbacks: I) -> CoverageReport
where
    I: IntoIterator<Item = (S, &'a CallbackState)>,
    S: AsRef<str>,
{
    let mut report = CoverageReport { period, at, entries: Vec::new(), done: 0, scheduled: 0, missed: 0, cancelled: 0 };
    for (id, state) in callbacks {
        let (Some(due), Some(window)) = (state.due(), state.window()) else { continue };
        if !period.contains(window.by) {
            continue;
        }
        let before_end = |t: Option<DateTime<Utc>>| t.is_some_and(|t| t < window.by);
        let status = if before_end(state.done_at()) {
            Status::Done
        } else if before_end(state.cancelled_at()) {
            Status::Cancelled
        } else if window.by <= at {
            Status::Missed
        } else {
            Status::Scheduled
        };
        *match status {
            Status::Done => &mut report.done,
            Status::Scheduled => &mut report.scheduled,
            Status::Missed => &mut report.missed,
            Status::Cancelled => &mut report.cancelled,
        } += 1;
        report.entries.push(Entry {
            id: id.as_ref().to_owned(),
            customer: due.customer.clone(),
            reason: due.reason.clone(),
            window,
            status,
            specialist: state.specialist().map(str::to_owned),
            done_at: state.done_at(),
        });
    }
    report
}
