//! Compiling a report (rule B7): the figures of one period read from the projection's facts.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, TimeDelta, Utc};

use super::error::ReportError;
use super::figures::{
    Approvals, CallbackCounts, CallbackResult, Callbacks, Cases, CustomerResults, Feedback, Kpi, Kpis, MissedCallback,
    Obligations, Problems, Report, Sla, SlaWeek, Survey,
};
use super::period::{Period, week_of};
use super::projection::{Act, CallbackFacts, CaseStatus, Decision, Name, Projection};
use super::ratio::Ratio;
use crate::case::Nature;
use crate::duration;
use crate::machine::Kind;

/// The answers to the satisfaction question that count as satisfied.
const SATISFIED: [&str; 3] = ["satisfied", "very_satisfied", "yes"];

/// What became of a callback due in a period (rule B10).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fate {
    Done,
    Cancelled,
    Missed,
    Open,
}

fn fate(cb: &CallbackFacts, as_of: DateTime<Utc>) -> Fate {
    if cb.done.is_some_and(|(at, _)| at < cb.by) {
        Fate::Done
    } else if cb.cancelled.is_some_and(|at| at < cb.by) {
        Fate::Cancelled
    } else if cb.by <= as_of {
        Fate::Missed
    } else {
        Fate::Open
    }
}

impl CallbackCounts {
    fn count(&mut self, fate: Fate, rescheduled: bool) {
        self.due += 1;
        self.rescheduled += u64::from(rescheduled);
        *match fate {
            Fate::Done => &mut self.done,
            Fate::Cancelled => &mut self.cancelled,
            Fate::Missed => &mut self.missed,
            Fate::Open => &mut self.open,
        } += 1;
        self.coverage = Ratio::new(self.done, self.done + self.missed);
    }
}

/// A specialist's (or the team's) raw KPI counts.
#[derive(Default)]
struct Tally {
    contacts: u64,
    reached: u64,
    done: u64,
    first_contact: u64,
    satisfied: u64,
    answered: u64,
    complaints: u64,
    sla_met: u64,
    sla_breached: u64,
}

impl Tally {
    fn kpi(&self) -> Kpi {
        Kpi {
            contacts: self.contacts,
            reach_rate: Ratio::new(self.reached, self.contacts),
            callbacks_done: self.done,
            satisfaction: Ratio::new(self.satisfied, self.answered),
            complaint_rate: Ratio::new(self.complaints, self.reached),
            first_contact_resolution: Ratio::new(self.first_contact, self.done),
            sla_compliance: Ratio::new(self.sla_met, self.sla_met + self.sla_breached),
        }
    }
}

/// The nearest-rank percentile of sorted durations.
fn percentile(sorted: &[TimeDelta], permille: usize) -> Option<TimeDelta> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (sorted.len() * permille).div_ceil(1000).max(1);
    sorted.get(rank - 1).copied()
}

impl Projection {
    /// The report of `period` from what the projection has read so far (rules B7, B10, O5). See
    /// [`Report`] for what counts where.
    ///
    /// # Errors
    ///
    /// [`ReportError::Period`] if the period cannot be placed in the desk's time zone.
    pub fn over(&self, period: Period) -> Result<Report, ReportError> {
        let (from, to) = period.bounds(self.tz)?;
        let as_of = self.watermark.map_or(from, |w| w.clamp(from, to));
        let inside = |t: DateTime<Utc>| from <= t && t < to;
        let name = |n: Name| self.names.get(n).to_owned();

        // Callbacks and obligations due in the period (rule B10).
        let mut callbacks = Callbacks::default();
        let mut totals = CallbackCounts::default();
        for cb in self.callbacks.iter().filter(|cb| inside(cb.by)) {
            let fate = fate(cb, as_of);
            let rescheduled = cb.first_rescheduled.is_some_and(|at| at < cb.by);
            let specialist = cb.specialist().map_or_else(|| "unassigned".to_owned(), name);
            totals.count(fate, rescheduled);
            callbacks.by_specialist.entry(specialist.clone()).or_default().count(fate, rescheduled);
            callbacks.by_reason.entry(cb.rule.to_owned()).or_default().count(fate, rescheduled);
            if fate == Fate::Missed {
                callbacks.missed_list.push(MissedCallback {
                    customer: name(cb.customer),
                    callback: cb.id.clone(),
                    rule: cb.rule.to_owned(),
                    due_by: cb.by,
                    specialist: cb.specialist().map(name),
                });
            }
        }
        callbacks.missed_list.sort_by(|a, b| (a.due_by, &a.callback).cmp(&(b.due_by, &b.callback)));
        let CallbackCounts { due, done, rescheduled, missed, open, cancelled, coverage } = totals;
        (callbacks.due, callbacks.done, callbacks.rescheduled) = (due, done, rescheduled);
        (callbacks.missed, callbacks.open, callbacks.cancelled, callbacks.coverage) =
            (missed, open, cancelled, coverage);

        let mut obligations: BTreeMap<String, Obligations> = BTreeMap::new();
        for o in self.obligations.iter().filter(|o| inside(o.due)) {
            let figures = obligations.entry(o.rule.to_owned()).or_default();
            figures.due += 1;
            *if o.fulfilled.is_some_and(|at| at <= o.due) {
                &mut figures.met
            } else if o.withdrawn.is_some_and(|at| at < o.due) {
                &mut figures.withdrawn
            } else if o.due <= as_of {
                &mut figures.overdue
            } else {
                &mut figures.open
            } += 1;
        }

        // Activities of the period.
        let mut survey = Survey::default();
        let (mut satisfied, mut answered, mut yes, mut yes_no, mut cont, mut cont_of) = (0, 0, 0, 0, 0, 0);
        let mut problems = Problems::default();
        let mut cases = Cases::default();
        let mut approvals = Approvals::default();
        let mut escalations: BTreeMap<u16, u64> = BTreeMap::new();
        let mut sla: BTreeMap<Name, (u64, u64, u64, Vec<TimeDelta>)> = BTreeMap::new();
        let mut weeks: BTreeMap<chrono::NaiveDate, (u64, u64)> = BTreeMap::new();
        let mut team = Tally::default();
        let mut people: BTreeMap<Name, Tally> = BTreeMap::new();
        for a in self.activities.iter().filter(|a| inside(a.at)) {
            match &a.act {
                Act::Attempt { specialist, channel, reached } => {
                    let channel = callbacks.by_channel.entry(channel_name(*channel).to_owned()).or_default();
                    channel.attempts += 1;
                    channel.reached += u64::from(*reached);
                    for t in [&mut team, people.entry(*specialist).or_default()] {
                        t.contacts += 1;
                        t.reached += u64::from(*reached);
                    }
                }
                Act::Finished { specialist, channel, first_contact, answers, .. } => {
                    if let Some(channel) = channel {
                        callbacks.by_channel.entry(channel_name(*channel).to_owned()).or_default().done += 1;
                    }
                    survey.records += u64::from(answers.recorded);
                    let value = answers.satisfaction.map(|s| self.names.get(s));
                    if let Some(value) = value {
                        *survey.satisfaction.entry(value.to_owned()).or_default() += 1;
                        answered += 1;
                        satisfied += u64::from(SATISFIED.contains(&value));
                    }
                    if let Some(r) = answers.referral {
                        yes_no += 1;
                        yes += u64::from(r);
                    }
                    if let Some(c) = answers.cooperation {
                        cont_of += 1;
                        cont += u64::from(c);
                    }
                    if let Some(heard) = answers.heard {
                        *survey.heard_of.entry(name(heard)).or_default() += 1;
                    }
                    for t in [&mut team, people.entry(*specialist).or_default()] {
                        t.done += 1;
                        t.first_contact += u64::from(*first_contact);
                        if let Some(value) = value {
                            t.answered += 1;
                            t.satisfied += u64::from(SATISFIED.contains(&value));
                        }
                    }
                }
                Act::Problems { count } => problems.raised += u64::from(*count),
                Act::Met { policy, consumed, late, owner } => {
                    let entry = sla.entry(*policy).or_default();
                    entry.3.push(*consumed);
                    if *late {
                        entry.2 += 1;
                    } else {
                        entry.0 += 1;
                        weeks.entry(week_of(a.at, self.tz)).or_default().0 += 1;
                        team.sla_met += 1;
                        if let Some(owner) = owner {
                            people.entry(*owner).or_default().sla_met += 1;
                        }
                    }
                }
                Act::Breached { policy, owner } => {
                    sla.entry(*policy).or_default().1 += 1;
                    weeks.entry(week_of(a.at, self.tz)).or_default().1 += 1;
                    team.sla_breached += 1;
                    if let Some(owner) = owner {
                        people.entry(*owner).or_default().sla_breached += 1;
                    }
                }
                Act::Escalated { level } => *escalations.entry(*level).or_default() += 1,
                Act::CaseOpened { case } => {
                    let Some(case) = self.cases.get(*case as usize) else { continue };
                    cases.opened += 1;
                    let class = format!("{}/{}", nature_name(case.class.nature), urgency_name(case.class.urgency));
                    *cases.by_class.entry(class).or_default() += 1;
                    let origin = if case.from_callback { "callback" } else { "inquiry" };
                    *cases.by_origin.entry(origin.to_owned()).or_default() += 1;
                    if case.from_callback {
                        problems.cases += 1;
                        let status = status_at(&case.statuses, as_of).unwrap_or(CaseStatus::Open);
                        *problems.outcome.entry(status.name().to_owned()).or_default() += 1;
                    }
                    if case.class.nature == Nature::Complaint {
                        team.complaints += 1;
                        if let Some(s) = case.specialist {
                            people.entry(s).or_default().complaints += 1;
                        }
                    }
                }
                Act::CaseClosed { how } => *cases.closed.entry(how.name().to_owned()).or_default() += 1,
                Act::ApprovalOpened { approval } => {
                    approvals.opened += 1;
                    if let Some(a) = self.approvals.get(*approval as usize) {
                        *approvals.by_chain.entry(name(a.chain)).or_default() += 1;
                    }
                }
                Act::ApprovalDecided { decision, .. } => {
                    *match decision {
                        Decision::Approved => &mut approvals.approved,
                        Decision::Rejected => &mut approvals.rejected,
                        Decision::Withdrawn => &mut approvals.withdrawn,
                    } += 1;
                }
            }
        }
        survey.satisfaction_score = Ratio::new(satisfied, answered);
        survey.would_recommend = Ratio::new(yes, yes_no);
        survey.would_continue = Ratio::new(cont, cont_of);

        // Stocks at `as_of`.
        let mut customers: BTreeMap<String, u64> = BTreeMap::new();
        for facts in self.customers.values() {
            if let Some(kind) = facts.kind_at(as_of) {
                *customers.entry(kind.name().to_owned()).or_default() += 1;
            }
        }
        approvals.pending = self
            .approvals
            .iter()
            .filter(|a| a.requested_at <= as_of && a.decided.is_none_or(|(at, _)| at > as_of))
            .count() as u64;
        cases.open_at_end = self
            .cases
            .iter()
            .filter(|c| status_at(&c.statuses, as_of).is_some_and(|s| !matches!(s, CaseStatus::Closed(_))))
            .count() as u64;

        let sla = sla
            .into_iter()
            .map(|(policy, (met, breached, met_late, mut times))| {
                times.sort_unstable();
                let (median, p90) = (percentile(&times, 500), percentile(&times, 900));
                let figures = Sla {
                    measure: self.measures.get(&policy).copied().unwrap_or(super::Measure::Calendar),
                    met,
                    breached,
                    met_late,
                    compliance: Ratio::new(met, met + breached),
                    median: median.map(duration::format),
                    p90: p90.map(duration::format),
                    median_seconds: median.map(|d| d.num_seconds()),
                    p90_seconds: p90.map(|d| d.num_seconds()),
                };
                (name(policy), figures)
            })
            .collect();
        let sla_by_week = weeks.into_iter().map(|(week, (met, breached))| SlaWeek { week, met, breached }).collect();
        let kpis =
            Kpis { team: team.kpi(), by_specialist: people.into_iter().map(|(s, t)| (name(s), t.kpi())).collect() };
        let agreements = self.feedback(from, to);

        Ok(Report {
            period,
            time_zone: self.tz.name().to_owned(),
            from,
            to,
            as_of,
            events: self.events,
            customers,
            callbacks,
            survey,
            problems,
            cases,
            sla,
            sla_by_week,
            escalations,
            obligations,
            approvals,
            kpis,
            agreements,
        })
    }

    /// Rule B7: every agreed delivery in `from..to`, with its customers' results over what it covers.
    fn feedback(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<Feedback> {
        let mut out = Vec::new();
        for agreement in &self.config.agreements {
            let wanted: BTreeSet<Name> = agreement.customers.iter().filter_map(|c| self.names.find(c)).collect();
            for due_at in agreement.schedule.deliveries(from, to, self.tz) {
                let covers_from = agreement.schedule.previous(due_at, self.tz).unwrap_or(due_at - TimeDelta::days(31));
                let covered = |t: DateTime<Utc>| covers_from < t && t <= due_at;
                let as_of = self.watermark.map_or(covers_from, |w| w.min(due_at));
                let mut customers: BTreeMap<String, CustomerResults> =
                    agreement.customers.iter().map(|c| (c.clone(), CustomerResults::default())).collect();
                for a in self.activities.iter().filter(|a| covered(a.at)) {
                    let Act::Finished { callback, specialist, answers, .. } = &a.act else { continue };
                    let Some(cb) = self.callbacks.get(*callback as usize) else { continue };
                    if !wanted.contains(&cb.customer) {
                        continue;
                    }
                    if let Some(results) = customers.get_mut(self.names.get(cb.customer)) {
                        results.callbacks.push(CallbackResult {
                            callback: cb.id.clone(),
                            done_at: a.at,
                            specialist: self.names.get(*specialist).to_owned(),
                            satisfaction: answers.satisfaction.map(|s| self.names.get(s).to_owned()),
                            would_recommend: answers.referral,
                        });
                    }
                }
                for cb in self.callbacks.iter().filter(|cb| wanted.contains(&cb.customer) && covered(cb.by)) {
                    if fate(cb, as_of) == Fate::Missed {
                        if let Some(results) = customers.get_mut(self.names.get(cb.customer)) {
                            results.missed += 1;
                        }
                    }
                }
                out.push(Feedback {
                    agreement: agreement.name.clone(),
                    requested_by: agreement.requested_by.clone(),
                    due_at,
                    covers_from,
                    ready: self.watermark.is_some_and(|w| w >= due_at),
                    customers,
                });
            }
        }
        out.sort_by(|a, b| (a.due_at, &a.agreement).cmp(&(b.due_at, &b.agreement)));
        out
    }
}

fn status_at(statuses: &[(DateTime<Utc>, CaseStatus)], t: DateTime<Utc>) -> Option<CaseStatus> {
    statuses.iter().rev().find(|(at, _)| *at <= t).map(|(_, s)| *s)
}

pub(super) fn channel_name(channel: crate::lifecycle::ContactChannel) -> &'static str {
    use crate::lifecycle::ContactChannel as C;
    match channel {
        C::Phone => "phone",
        C::Visit => "visit",
        C::ServiceVisit => "service_visit",
        C::Sms => "sms",
    }
}

fn nature_name(nature: Nature) -> &'static str {
    match nature {
        Nature::ProductUse => "product_use",
        Nature::Price => "price",
        Nature::AfterSales => "after_sales",
        Nature::Complaint => "complaint",
        Nature::Suggestion => "suggestion",
    }
}

fn urgency_name(urgency: crate::case::Urgency) -> &'static str {
    use crate::case::Urgency as U;
    match urgency {
        U::Low => "low",
        U::Normal => "normal",
        U::Urgent => "urgent",
    }
}

impl Report {
    /// The report of `period` for the desk configured by `config`, read from the whole log of `store`: the one-call
    /// entry point (`kefu report` and `kefu simulate` use it). To follow a growing log, keep a
    /// [`Projection`] and call [`catch_up`](Projection::catch_up) instead.
    ///
    /// ```
    /// use kefu::desk::DeskConfig;
    /// use kefu::report::{Period, Report};
    /// use kefu::store::MemoryStore;
    ///
    /// let config = DeskConfig::new("鸿枫化工", chrono_tz::Asia::Shanghai)?;
    /// let report = Report::from_store(&MemoryStore::new(), &config, "2026-Q3".parse::<Period>()?)?;
    /// assert_eq!(report.callbacks.coverage.to_string(), "n/a (0/0)"); // nothing was due
    /// assert!(report.to_text().contains("2026-Q3"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// A store failure, an event that cannot be decoded, or a period outside the time zone's range.
    pub fn from_store<S: crate::store::Store + ?Sized>(
        store: &S,
        config: &crate::desk::DeskConfig,
        period: Period,
    ) -> Result<Report, ReportError> {
        let mut projection = Projection::for_desk(config);
        projection.catch_up(store)?;
        projection.over(period)
    }

    /// Every additive figure by a stable key (`callbacks.done`, `sla.<policy>.met`, `kpis.team.contacts`, …): the
    /// counts of callbacks and obligations due, and of activities, in the period. A quarter's are the sum of its
    /// months'; stocks read at `as_of` (customers, pending approvals, case outcomes) and percentiles are left out.
    #[must_use]
    pub fn additive_figures(&self) -> BTreeMap<String, u64> {
        let mut out = BTreeMap::new();
        let mut put = |key: String, v: u64| {
            if v != 0 {
                *out.entry(key).or_insert(0) += v;
            }
        };
        let counts = |put: &mut dyn FnMut(String, u64), at: &str, c: &CallbackCounts| {
            for (k, v) in [
                ("due", c.due),
                ("done", c.done),
                ("rescheduled", c.rescheduled),
                ("missed", c.missed),
                ("open", c.open),
                ("cancelled", c.cancelled),
            ] {
                put(format!("{at}.{k}"), v);
            }
        };
        let cb = &self.callbacks;
        for (k, v) in [
            ("due", cb.due),
            ("done", cb.done),
            ("rescheduled", cb.rescheduled),
            ("missed", cb.missed),
            ("open", cb.open),
            ("cancelled", cb.cancelled),
        ] {
            put(format!("callbacks.{k}"), v);
        }
        for (s, c) in &cb.by_specialist {
            counts(&mut put, &format!("callbacks.by_specialist.{s}"), c);
        }
        for (r, c) in &cb.by_reason {
            counts(&mut put, &format!("callbacks.by_reason.{r}"), c);
        }
        for (ch, c) in &cb.by_channel {
            put(format!("callbacks.by_channel.{ch}.attempts"), c.attempts);
            put(format!("callbacks.by_channel.{ch}.reached"), c.reached);
            put(format!("callbacks.by_channel.{ch}.done"), c.done);
        }
        put("survey.records".into(), self.survey.records);
        for (v, n) in &self.survey.satisfaction {
            put(format!("survey.satisfaction.{v}"), *n);
        }
        for (v, n) in &self.survey.heard_of {
            put(format!("survey.heard_of.{v}"), *n);
        }
        for (k, r) in [("would_recommend", self.survey.would_recommend), ("would_continue", self.survey.would_continue)]
        {
            put(format!("survey.{k}.n"), r.n);
            put(format!("survey.{k}.of"), r.of);
        }
        put("problems.raised".into(), self.problems.raised);
        put("problems.cases".into(), self.problems.cases);
        put("cases.opened".into(), self.cases.opened);
        for (k, v) in &self.cases.closed {
            put(format!("cases.closed.{k}"), *v);
        }
        for (k, v) in &self.cases.by_class {
            put(format!("cases.by_class.{k}"), *v);
        }
        for (k, v) in &self.cases.by_origin {
            put(format!("cases.by_origin.{k}"), *v);
        }
        for (p, s) in &self.sla {
            put(format!("sla.{p}.met"), s.met);
            put(format!("sla.{p}.breached"), s.breached);
            put(format!("sla.{p}.met_late"), s.met_late);
        }
        for (level, n) in &self.escalations {
            put(format!("escalations.{level}"), *n);
        }
        for (rule, o) in &self.obligations {
            for (k, v) in
                [("due", o.due), ("met", o.met), ("overdue", o.overdue), ("withdrawn", o.withdrawn), ("open", o.open)]
            {
                put(format!("obligations.{rule}.{k}"), v);
            }
        }
        let a = &self.approvals;
        for (k, v) in
            [("opened", a.opened), ("approved", a.approved), ("rejected", a.rejected), ("withdrawn", a.withdrawn)]
        {
            put(format!("approvals.{k}"), v);
        }
        for (k, v) in &a.by_chain {
            put(format!("approvals.by_chain.{k}"), *v);
        }
        let kpis = std::iter::once(("team".to_owned(), &self.kpis.team))
            .chain(self.kpis.by_specialist.iter().map(|(s, k)| (format!("specialist.{s}"), k)));
        for (who, k) in kpis {
            put(format!("kpis.{who}.contacts"), k.contacts);
            put(format!("kpis.{who}.callbacks_done"), k.callbacks_done);
            for (name, r) in [
                ("reach_rate", k.reach_rate),
                ("satisfaction", k.satisfaction),
                ("complaint_rate", k.complaint_rate),
                ("first_contact_resolution", k.first_contact_resolution),
                ("sla_compliance", k.sla_compliance),
            ] {
                put(format!("kpis.{who}.{name}.n"), r.n);
                put(format!("kpis.{who}.{name}.of"), r.of);
            }
        }
        out
    }
}
