//! The shape of `kefu.toml` (and of its JSON twin), section by section, as serde reads it. Unknown keys are errors
//! everywhere. What needs more than serde (a calendar by file, a campaign's start in the desk's time zone) is read
//! here as written and resolved by the loader.

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset, LocalResult, NaiveDate, NaiveDateTime, TimeDelta, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Deserializer};

use crate::approval::ApprovalChain;
use crate::assign::Availability;
use crate::calendar::{CalendarSpec, CoverageSpec, HolidaySpec, WeekSpec, WorkdaySpec};
use crate::callback::{CallbackPolicy, Occasion};
use crate::case::{CasePolicies, ClassPolicy, ClassRule};
use crate::desk::config::opt_human;
use crate::desk::{Campaign, Department, Person, Selector, ServiceToken};
use crate::lifecycle::LifecyclePolicy;
use crate::sla::SlaPolicy;

/// The top-level keys, in the order the guide presents them.
pub(super) const SECTIONS: [&str; 12] = [
    "company",
    "time_zone",
    "calendars",
    "people",
    "departments",
    "policies",
    "approvals",
    "scripts",
    "campaigns",
    "assignment",
    "reports",
    "tokens",
];

/// The whole file. Every section may be left out (`company` and `time_zone` are then reported missing by the
/// loader); TOML is read section by section so that a mistake in one does not hide those in the others.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(super) struct FileShape {
    pub(super) company: Option<String>,
    pub(super) time_zone: Option<Zone>,
    pub(super) calendars: BTreeMap<String, CalendarEntry>,
    pub(super) people: Vec<Person>,
    pub(super) departments: Vec<Department>,
    pub(super) policies: Policies,
    pub(super) approvals: Approvals,
    pub(super) scripts: Scripts,
    pub(super) campaigns: Vec<CampaignEntry>,
    pub(super) assignment: Availability,
    pub(super) reports: crate::report::ReportConfig,
    pub(super) tokens: Vec<ServiceToken>,
}

/// An IANA time zone, by name.
#[derive(Debug, Clone, Copy)]
pub(super) struct Zone(pub(super) Tz);

impl<'de> Deserialize<'de> for Zone {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        name.parse().map(Zone).map_err(|_| {
            serde::de::Error::custom(format!(
                "unknown IANA time zone `{name}` (expected a name such as `Asia/Shanghai` or `Europe/Amsterdam`)"
            ))
        })
    }
}

/// A calendar: `{ file = "calendars/prc-2026.toml" }`, or written inline in the calendar file's shape.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct CalendarEntry {
    /// A calendar file (TOML, or JSON when the name ends in `.json`), relative to the configuration's directory.
    #[serde(default)]
    pub(super) file: Option<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    time_zone: Option<String>,
    #[serde(default)]
    week: Option<WeekSpec>,
    #[serde(default)]
    holidays: Vec<HolidaySpec>,
    #[serde(default)]
    workdays: Vec<WorkdaySpec>,
    #[serde(default)]
    covers: Option<CoverageSpec>,
}

/// How a calendar entry is given.
pub(super) enum CalendarSource {
    /// In a file.
    File(String),
    /// Inline.
    Inline(Box<CalendarSpec>),
}

impl CalendarEntry {
    /// The file it names, or its inline definition (named after its key unless it gives a name).
    ///
    /// # Errors
    ///
    /// What is wrong with the entry as a whole: the field it concerns, and the message.
    pub(super) fn source(self, key: &str) -> Result<CalendarSource, (&'static str, String)> {
        let inline = self.name.is_some()
            || self.time_zone.is_some()
            || self.week.is_some()
            || !self.holidays.is_empty()
            || !self.workdays.is_empty()
            || self.covers.is_some();
        match (self.file, self.time_zone) {
            (Some(_), _) if inline => {
                Err(("file", "give either `file` or the calendar itself (`time_zone`, `week`, …), not both".to_owned()))
            }
            (Some(file), _) => Ok(CalendarSource::File(file)),
            (None, None) => Err((
                "",
                "an inline calendar needs a `time_zone` (or give `file = \"…\"` to read the calendar from a file)"
                    .to_owned(),
            )),
            (None, Some(time_zone)) => Ok(CalendarSource::Inline(Box::new(CalendarSpec {
                name: Some(self.name.unwrap_or_else(|| key.to_owned())),
                time_zone,
                week: self.week.unwrap_or_default(),
                holidays: self.holidays,
                workdays: self.workdays,
                covers: self.covers,
            }))),
        }
    }
}

/// `[policies]`: each machine's policy, overriding the domain's defaults.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(super) struct Policies {
    /// Rules C4, C5, F1–F3; every field optional.
    pub(super) lifecycle: Option<LifecyclePolicy>,
    /// Rules B3, B4, B8, B9; every field optional.
    pub(super) callback: Option<CallbackPolicy>,
    /// Rules B5, B6, Q4.
    pub(super) cases: Option<CasesEntry>,
}

/// `[policies.cases]`: `default` overrides the default class policy field by field; `class`, when given, replaces
/// the default per-class rules (complaints, urgent, low urgency) as a whole.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(super) struct CasesEntry {
    default: ClassOverride,
    class: Option<Vec<ClassRule>>,
}

/// The fields of a [`ClassPolicy`], each optional.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct ClassOverride {
    respond: Option<SlaPolicy>,
    handle: Option<SlaPolicy>,
    forward: Option<SlaPolicy>,
    first_contact: Option<SlaPolicy>,
    solution_plan: Option<SlaPolicy>,
    #[serde(with = "opt_human")]
    confirm_silence: Option<TimeDelta>,
}

impl CasesEntry {
    /// The domain's case policies with this entry's overrides.
    pub(super) fn apply(self, mut policies: CasePolicies) -> CasePolicies {
        let o = self.default;
        let ClassPolicy { respond, handle, forward, first_contact, solution_plan, confirm_silence } =
            &mut policies.default;
        if o.respond.is_some() {
            *respond = o.respond;
        }
        for (slot, with) in [
            (handle, o.handle),
            (forward, o.forward),
            (first_contact, o.first_contact),
            (solution_plan, o.solution_plan),
        ] {
            if let Some(policy) = with {
                *slot = policy;
            }
        }
        if o.confirm_silence.is_some() {
            *confirm_silence = o.confirm_silence;
        }
        if let Some(classes) = self.class {
            policies.classes = classes;
        }
        policies
    }
}

/// `[approvals]`: the C6 and C7 chains, each replacing the domain's as a whole.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(super) struct Approvals {
    pub(super) c6: Option<ApprovalChain>,
    pub(super) c7: Option<ApprovalChain>,
}

/// `[scripts]`: more script files, and which script each kind of callback uses (the built-in S1 and S2 are always
/// there).
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(super) struct Scripts {
    pub(super) regular: Option<String>,
    pub(super) quiet: Option<String>,
    pub(super) files: Vec<String>,
}

/// `[[campaigns]]`: the shape of [`Campaign`], with a start that may be written in the desk's time zone.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct CampaignEntry {
    id: String,
    occasion: OccasionKind,
    #[serde(default)]
    name: Option<String>,
    starts: When,
    #[serde(default, with = "opt_human")]
    within: Option<TimeDelta>,
    #[serde(default)]
    select: Selector,
}

#[derive(Clone, Copy, Debug, Deserialize)]
#[serde(rename_all = "snake_case")]
enum OccasionKind {
    Holiday,
    Anniversary,
    Promotion,
}

impl CampaignEntry {
    /// The campaign, its start read in `tz` when written without an offset.
    ///
    /// # Errors
    ///
    /// The field at fault and what is wrong.
    pub(super) fn campaign(self, tz: Tz) -> Result<Campaign, (&'static str, String)> {
        let occasion = match (self.occasion, self.name) {
            (OccasionKind::Holiday, Some(name)) => Occasion::Holiday { name },
            (OccasionKind::Promotion, Some(name)) => Occasion::Promotion { name },
            (OccasionKind::Anniversary, None) => Occasion::Anniversary,
            (OccasionKind::Anniversary, Some(_)) => {
                return Err(("name", "an anniversary has no name (it is the company's); delete `name`".to_owned()));
            }
            (kind, None) => {
                let kind = if matches!(kind, OccasionKind::Holiday) { "holiday" } else { "promotion" };
                return Err(("occasion", format!("a {kind} needs a `name` (e.g. name = \"中秋节 Mid-Autumn\")")));
            }
        };
        let starts = self.starts.resolve(tz).map_err(|message| ("starts", message))?;
        Ok(Campaign { id: self.id, occasion, starts, within: self.within, select: self.select })
    }
}

/// An instant as written: with an offset, or a local date-time or date in the desk's time zone.
#[derive(Debug, Clone, Copy)]
pub(super) enum When {
    Exact(DateTime<FixedOffset>),
    Local(NaiveDateTime),
    Date(NaiveDate),
}

const WHEN_HINT: &str = "write an RFC 3339 instant such as 2026-09-25T09:00:00+08:00, or 2026-09-25T09:00:00 or \
                         2026-09-25 for the desk's time zone";

impl When {
    fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        if let Ok(t) = DateTime::parse_from_rfc3339(text) {
            return Ok(Self::Exact(t));
        }
        for format in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"] {
            if let Ok(t) = NaiveDateTime::parse_from_str(text, format) {
                return Ok(Self::Local(t));
            }
        }
        NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .map(Self::Date)
            .map_err(|_| format!("`{text}` is not a date-time: {WHEN_HINT}"))
    }

    /// The instant, a local time being read in `tz` (the earlier of two, when the clocks go back).
    fn resolve(self, tz: Tz) -> Result<DateTime<Utc>, String> {
        let local = match self {
            Self::Exact(t) => return Ok(t.to_utc()),
            Self::Local(t) => t,
            Self::Date(d) => d.and_time(chrono::NaiveTime::MIN),
        };
        match tz.from_local_datetime(&local) {
            LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => Ok(t.to_utc()),
            LocalResult::None => Err(format!("{local} does not exist in {tz} (the clocks jump forward then)")),
        }
    }
}

impl<'de> Deserialize<'de> for When {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = When;

            fn expecting(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                write!(f, "a date-time: {WHEN_HINT}")
            }

            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<When, E> {
                When::parse(text).map_err(E::custom)
            }

            /// A TOML date-time written without quotes (`starts = 2026-09-25T09:00:00+08:00`).
            #[cfg(feature = "toml")]
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<When, A::Error> {
                let datetime = toml::value::Datetime::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
                When::parse(&datetime.to_string()).map_err(serde::de::Error::custom)
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use chrono_tz::Asia::Shanghai;

    use super::*;

    #[test]
    fn a_start_without_offset_is_read_in_the_desks_time_zone() -> Result<(), String> {
        let expect = Shanghai.with_ymd_and_hms(2026, 9, 25, 9, 0, 0).single().ok_or("no such time")?.to_utc();
        for text in ["2026-09-25T09:00:00+08:00", "2026-09-25T01:00:00Z", "2026-09-25T09:00:00", "2026-09-25 09:00"] {
            assert_eq!(When::parse(text)?.resolve(Shanghai)?, expect, "{text}");
        }
        let midnight = Shanghai.with_ymd_and_hms(2026, 9, 25, 0, 0, 0).single().ok_or("no such time")?.to_utc();
        assert_eq!(When::parse("2026-09-25")?.resolve(Shanghai)?, midnight);
        assert!(When::parse("next friday").is_err());
        // 02:30 on 8 March 2026 does not exist in New York.
        let skipped = When::parse("2026-03-08T02:30:00")?.resolve(chrono_tz::America::New_York);
        assert!(skipped.is_err_and(|e| e.contains("does not exist")));
        Ok(())
    }
}
