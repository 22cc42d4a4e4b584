//! [`DayPlan`]: agents per interval for a day's [`Profile`]; [`Cover`]: who of the team is on shift in each
//! interval, against what is needed.

use chrono::{DateTime, NaiveDate, NaiveTime, TimeDelta, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::{Profile, Requirement, StaffingError, StaffingPolicy, Workload};
use crate::assign::Team;
use crate::calendar::Calendar;

/// The agents each interval of a day needs (rule O3): one [`Requirement`] per interval of a [`Profile`].
///
/// Built by [`StaffingPolicy::plan`]; matched against the team's shifts by [`DayPlan::cover`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DayPlan {
    /// The intervals' length.
    #[serde(with = "crate::duration::human")]
    pub interval: TimeDelta,
    /// The intervals, in order.
    pub slots: Vec<SlotPlan>,
}

/// One interval of a [`DayPlan`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SlotPlan {
    /// Local start time.
    pub start: NaiveTime,
    /// Contacts forecast.
    pub contacts: f64,
    /// What they need.
    pub requirement: Requirement,
}

/// The team's shifts against a [`DayPlan`] on a date: for each interval, how many specialists are on shift and
/// how many the plan schedules.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Cover {
    /// The intervals, in order.
    pub slots: Vec<SlotCover>,
}

/// One interval of a [`Cover`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SlotCover {
    /// Local start time.
    pub local_start: NaiveTime,
    /// The interval's first instant.
    pub start: DateTime<Utc>,
    /// The instant after its last.
    pub end: DateTime<Utc>,
    /// People the plan schedules ([`Requirement::scheduled`]: shrinkage included, since calendars show shifts, not
    /// breaks).
    pub needed: u32,
    /// Specialists on shift for the whole interval.
    pub on_shift: u32,
    /// `needed − on_shift` when positive, else 0.
    pub shortfall: u32,
}

impl StaffingPolicy {
    /// The requirement of each interval of `profile`, each contact taking `aht` on average.
    ///
    /// ```
    /// use chrono::TimeDelta;
    /// use kefu::staffing::{Profile, StaffingPolicy};
    ///
    /// let day = Profile::from_toml_str("interval = \"30m\"\nstart = \"09:00\"\ncontacts = [20, 100, 60]\n")?;
    /// let plan = StaffingPolicy::erlang_c("80/20s".parse()?).plan(&day, TimeDelta::seconds(180))?;
    /// let agents: Vec<u32> = plan.slots.iter().map(|s| s.requirement.agents).collect();
    /// assert_eq!(agents, [4, 14, 9]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`StaffingError::Invalid`] for an AHT not more than zero; [`StaffingError::Slot`] when an interval cannot be
    /// planned (too many agents), naming its start.
    pub fn plan(&self, profile: &Profile, aht: TimeDelta) -> Result<DayPlan, StaffingError> {
        let slots = profile
            .slots()
            .map(|(start, contacts)| {
                let workload = Workload::new(contacts, profile.interval(), aht)?;
                let requirement = self
                    .required(&workload)
                    .map_err(|source| StaffingError::Slot { start, source: Box::new(source) })?;
                Ok(SlotPlan { start, contacts, requirement })
            })
            .collect::<Result<_, StaffingError>>()?;
        Ok(DayPlan { interval: profile.interval(), slots })
    }
}

impl DayPlan {
    /// The most agents any interval needs on the phones (0 for an empty day).
    #[must_use]
    pub fn peak_agents(&self) -> u32 {
        self.slots.iter().map(|s| s.requirement.agents).max().unwrap_or(0)
    }

    /// Scheduled person-time over the day: `Σ scheduled × interval`.
    #[must_use]
    pub fn scheduled_time(&self) -> TimeDelta {
        let total: i64 = self.slots.iter().map(|s| i64::from(s.requirement.scheduled)).sum();
        self.interval * i32::try_from(total).unwrap_or(i32::MAX)
    }

    /// The shifts of `team` on `date` against this plan, the plan's wall-clock times read in `tz`.
    ///
    /// A specialist is **on shift** in an interval when their calendar ([`Specialist::calendar`] in the team's
    /// calendar set) is open for the whole interval; a specialist without a calendar is always on shift (as
    /// [`Team`] treats them as always available). A local start time skipped by a clock change starts at the jump.
    ///
    /// ```
    /// use chrono::{NaiveDate, TimeDelta};
    /// use chrono_tz::Asia::Shanghai;
    /// use kefu::assign::{Specialist, Team};
    /// use kefu::calendar::{Calendar, CalendarSet};
    /// use kefu::staffing::{Profile, StaffingPolicy};
    ///
    /// let shift = |hours: &str| Calendar::from_toml_str(&format!(
    ///     "time_zone = \"Asia/Shanghai\"\nweek = {{ mon = [\"{hours}\"] }}\n"));
    /// let calendars: CalendarSet = [("early", shift("08:00-12:00")?), ("late", shift("09:30-18:00")?)].into_iter().collect();
    /// let mut team = Team::new(calendars);
    /// for (id, calendar) in [("li", "early"), ("wang", "early"), ("zhao", "late")] {
    ///     team.add(Specialist::new(id).with_calendar(calendar))?;
    /// }
    /// let day = Profile::from_toml_str("interval = \"1h\"\nstart = \"08:00\"\ncontacts = [10, 30]\n")?;
    /// let plan = StaffingPolicy::erlang_c("80/20s".parse()?).plan(&day, TimeDelta::seconds(180))?;
    /// let monday = NaiveDate::from_ymd_opt(2026, 11, 2).unwrap();
    /// let cover = plan.cover(&team, monday, Shanghai)?;
    /// assert_eq!(cover.slots[0].on_shift, 2); // zhao starts at 09:30
    /// assert_eq!(cover.slots[1].on_shift, 2); // 09:00-10:00: zhao is not there for all of it
    /// assert_eq!((cover.slots[1].needed, cover.slots[1].shortfall), (4, 2));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// Cost: one [`Calendar::between`](crate::calendar::Calendar::between) per specialist and interval.
    ///
    /// # Errors
    ///
    /// [`StaffingError::Calendar`] when a calendar cannot answer (a date outside the supported years).
    ///
    /// [`Specialist::calendar`]: crate::assign::Specialist::calendar
    pub fn cover(&self, team: &Team, date: NaiveDate, tz: Tz) -> Result<Cover, StaffingError> {
        // `Team::add` refuses a calendar missing from the team's set, so every name resolves.
        let calendars: Vec<(&str, Option<&Calendar>)> = team
            .specialists()
            .map(|s| (s.id().as_str(), s.calendar().and_then(|name| team.calendars().get(name).ok())))
            .collect();
        let slots = self
            .slots
            .iter()
            .map(|slot| {
                let start = local_instant(tz, date, slot.start);
                let end = start + self.interval;
                let mut on_shift = 0u32;
                for (id, calendar) in &calendars {
                    let present = match calendar {
                        None => true,
                        Some(c) => {
                            c.between(start, end)
                                .map_err(|source| StaffingError::Calendar { specialist: (*id).to_owned(), source })?
                                == end - start
                        }
                    };
                    on_shift += u32::from(present);
                }
                let needed = slot.requirement.scheduled;
                Ok(SlotCover {
                    local_start: slot.start,
                    start,
                    end,
                    needed,
                    on_shift,
                    shortfall: needed.saturating_sub(on_shift),
                })
            })
            .collect::<Result<_, StaffingError>>()?;
        Ok(Cover { slots })
    }
}

impl Cover {
    /// The intervals with fewer specialists on shift than needed.
    pub fn shortfalls(&self) -> impl Iterator<Item = &SlotCover> {
        self.slots.iter().filter(|s| s.shortfall > 0)
    }

    /// Whether every interval has at least the people it needs.
    #[must_use]
    pub fn is_covered(&self) -> bool {
        self.shortfalls().next().is_none()
    }
}

/// The instant of a local date and time; an ambiguous time (clocks going back) is its first occurrence, a
/// skipped one (clocks going forward) the instant of the jump.
fn local_instant(tz: Tz, date: NaiveDate, time: NaiveTime) -> DateTime<Utc> {
    let naive = date.and_time(time);
    if let Some(t) = tz.from_local_datetime(&naive).earliest() {
        return t.to_utc();
    }
    // In a gap: the first valid local minute after it is the jump (gaps are whole minutes, at most a day).
    (1..=24 * 60)
        .find_map(|m| tz.from_local_datetime(&(naive + TimeDelta::minutes(m))).earliest())
        .map_or_else(|| naive.and_utc(), |t| t.to_utc())
}
