//! Rule B7's special agreement: a sales department may ask for particular customers' callback results at a time
//! agreed with the head of customer service. The agreement is data — the `[reports]` section of `kefu.toml` —
//! and each report lists the deliveries that fall in its period with those customers' results.

use chrono::{DateTime, Datelike, Days, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

/// What the reports are configured with: the special feedback agreements of rule B7.
///
/// In `kefu.toml`:
///
/// ```toml
/// [[reports.agreements]]
/// name = "east-key-accounts"
/// requested_by = "sales-east"        # the sales department that asked
/// customers = ["0042", "0107"]
/// schedule = { every = "month", day = 25, at = "17:00" }   # or { every = "week", weekday = "fri", at = "16:00" }
/// ```
///
/// ```
/// use kefu::report::{Agreement, ReportConfig, Schedule};
///
/// let config: ReportConfig = toml::from_str(r#"
///     [[agreements]]
///     name = "east-key-accounts"
///     requested_by = "sales-east"
///     customers = ["0042"]
///     schedule = { every = "month", day = 25, at = "17:00" }
/// "#)?;
/// assert!(matches!(config.agreements[0].schedule, Schedule::Month { day: 25, .. }));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportConfig {
    /// The special feedback agreements (rule B7), each with its own customers and schedule.
    #[serde(default)]
    pub agreements: Vec<Agreement>,
}

impl ReportConfig {
    /// Checks the agreements: names unique and non-empty, at least one customer each, a month day in 1–31. Each
    /// problem is `(key path, message)`, the path as in `kefu.toml` (`reports.agreements[1].customers`).
    #[must_use]
    pub fn issues(&self) -> Vec<(String, String)> {
        let mut issues = Vec::new();
        for (i, a) in self.agreements.iter().enumerate() {
            let at = |field: &str| format!("reports.agreements[{i}].{field}");
            if a.name.trim().is_empty() {
                issues.push((at("name"), "is empty: name the agreement".to_owned()));
            } else if self.agreements[..i].iter().any(|b| b.name == a.name) {
                issues.push((at("name"), format!("agreement `{}` is defined twice", a.name)));
            }
            if a.customers.is_empty() {
                issues.push((at("customers"), "is empty: list the customers whose results are asked for".to_owned()));
            }
            if let Schedule::Month { day, .. } = a.schedule {
                if !(1..=31).contains(&day) {
                    issues.push((at("schedule.day"), format!("{day} is no day of a month (1-31)")));
                }
            }
        }
        issues
    }
}

/// One special feedback agreement (rule B7): these customers' results, sent to `requested_by` on `schedule`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Agreement {
    /// A name for the agreement.
    pub name: String,
    /// The sales department that asked.
    pub requested_by: String,
    /// The customers, by their ERP ids.
    pub customers: Vec<String>,
    /// When the results are due.
    pub schedule: Schedule,
}

/// When an agreement's results are due, on the desk's wall clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "every", rename_all = "snake_case", deny_unknown_fields)]
pub enum Schedule {
    /// Every month on `day` (a day past the month's end means its last day) at `at`.
    Month {
        /// The day of the month, 1–31.
        day: u32,
        /// The local time.
        #[serde(with = "hh_mm")]
        at: NaiveTime,
    },
    /// Every week on `weekday` at `at`.
    Week {
        /// The weekday: `mon` … `sun`.
        #[serde(with = "weekday")]
        weekday: Weekday,
        /// The local time.
        #[serde(with = "hh_mm")]
        at: NaiveTime,
    },
}

impl Schedule {
    /// The delivery instants from `start` (inclusive) to `end` (exclusive), in order, in `tz`.
    ///
    /// ```
    /// use chrono::{NaiveTime, TimeZone, Utc};
    /// use kefu::report::Schedule;
    ///
    /// let monthly = Schedule::Month { day: 31, at: NaiveTime::from_hms_opt(17, 0, 0).ok_or("time")? };
    /// let (from, to) = (Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap(), Utc.with_ymd_and_hms(2026, 4, 1, 0, 0, 0).unwrap());
    /// let days: Vec<String> = monthly.deliveries(from, to, chrono_tz::UTC).iter().map(|t| t.date_naive().to_string()).collect();
    /// assert_eq!(days, ["2026-01-31", "2026-02-28", "2026-03-31"]); // February's last day stands in for the 31st
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn deliveries(&self, start: DateTime<Utc>, end: DateTime<Utc>, tz: Tz) -> Vec<DateTime<Utc>> {
        // Begin a little before the start so that a delivery at the very first instant is not skipped.
        let Some(first) = start.with_timezone(&tz).date_naive().checked_sub_days(Days::new(1)) else {
            return Vec::new();
        };
        let last = end.with_timezone(&tz).date_naive();
        let mut out = Vec::new();
        let mut day = first;
        while day <= last {
            let hit = match *self {
                Self::Month { day: d, at } => (day.day() == d.min(last_day_of_month(day))).then_some(at),
                Self::Week { weekday, at } => (day.weekday() == weekday).then_some(at),
            };
            if let Some(at) = hit {
                if let Some(t) = local(day, at, tz) {
                    if start <= t && t < end {
                        out.push(t);
                    }
                }
            }
            let Some(next) = day.succ_opt() else { break };
            day = next;
        }
        out
    }

    /// The delivery before `t` (the start of what a delivery at `t` covers), searching back at most 400 days.
    #[must_use]
    pub fn previous(&self, t: DateTime<Utc>, tz: Tz) -> Option<DateTime<Utc>> {
        let from = t.checked_sub_days(Days::new(400))?;
        self.deliveries(from, t, tz).last().copied()
    }
}

fn last_day_of_month(day: NaiveDate) -> u32 {
    let (y, m) = (day.year(), day.month());
    let next = if m == 12 { NaiveDate::from_ymd_opt(y + 1, 1, 1) } else { NaiveDate::from_ymd_opt(y, m + 1, 1) };
    next.and_then(|n| n.pred_opt()).map_or(28, |d| d.day())
}

/// A local date and time in `tz`; a time the clocks skip moves to the end of the gap.
fn local(day: NaiveDate, at: NaiveTime, tz: Tz) -> Option<DateTime<Utc>> {
    let t = day.and_time(at);
    (0..=16)
        .find_map(|q| tz.from_local_datetime(&(t + chrono::Duration::minutes(15 * q))).earliest())
        .map(|t| t.to_utc())
}

mod hh_mm {
    use chrono::NaiveTime;
    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(t: &NaiveTime, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&t.format("%H:%M"))
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveTime, D::Error> {
        let text = String::deserialize(d)?;
        NaiveTime::parse_from_str(&text, "%H:%M")
            .map_err(|_| serde::de::Error::custom(format!("`{text}` is not a time of day such as `17:00`")))
    }
}

mod weekday {
    use chrono::Weekday;
    use serde::{Deserialize, Deserializer, Serializer};

    const NAMES: [(&str, Weekday); 7] = [
        ("mon", Weekday::Mon),
        ("tue", Weekday::Tue),
        ("wed", Weekday::Wed),
        ("thu", Weekday::Thu),
        ("fri", Weekday::Fri),
        ("sat", Weekday::Sat),
        ("sun", Weekday::Sun),
    ];

    pub(super) fn serialize<S: Serializer>(w: &Weekday, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(NAMES.iter().find(|(_, d)| d == w).map_or("mon", |(n, _)| n))
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Weekday, D::Error> {
        let text = String::deserialize(d)?;
        NAMES.iter().find(|(n, _)| *n == text).map(|(_, w)| *w).ok_or_else(|| {
            serde::de::Error::custom(format!("`{text}` is not a weekday: write mon, tue, wed, thu, fri, sat or sun"))
        })
    }
}
