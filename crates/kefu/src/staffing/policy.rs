//! [`StaffingPolicy`]: the model (Erlang C or A), the service-level target, shrinkage, the occupancy cap; and what
//! it answers for a [`Workload`]: the [`Requirement`] and the [`Performance`] of a given number of agents.

use chrono::TimeDelta;
use serde::{Deserialize, Serialize};

use super::erlang::{ErlangB, Metrics, erlang_a, erlang_c};
use super::workload::{positive, seconds};
use super::{Field, ServiceTarget, StaffingError, Workload};
use crate::duration;

/// The default cap on the agents a requirement may need (see [`StaffingPolicy::with_max_agents`]).
pub const DEFAULT_MAX_AGENTS: u32 = 100_000;

/// Relative slack in the rounding of the occupancy floor and of the shrinkage: `14 / (1 − 0.3)` is
/// 20.000000000000004 in floating point, and must give 20 agents, not 21.
const ROUNDING_SLACK: f64 = 1e-9;

/// The queueing model.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "model")]
pub enum Model {
    /// Erlang C (M/M/n): nobody hangs up; contacts wait as long as it takes. Classic, and pessimistic when callers
    /// do give up (it then asks for more agents than needed).
    ErlangC,
    /// Erlang A (M/M/n+M): a waiting contact hangs up after an exponential patience with this mean. Contacts that
    /// hang up count as *not* answered in time.
    ErlangA {
        /// The mean patience.
        #[serde(with = "duration::human")]
        patience: TimeDelta,
    },
}

/// How head-count is planned from contact volume (rule O3): a [`Model`], a [`ServiceTarget`], shrinkage and a
/// maximum occupancy.
///
/// # The formula
///
/// For a [`Workload`] of `a` Erlangs:
///
/// 1. `for_service_level` = the smallest `n` whose service level meets the target;
/// 2. `agents` (raw) = `max(for_service_level, ⌈a / max_occupancy⌉)`: enough agents that none is busier than the
///    cap on average. Under Erlang A, contacts that hang up bring no work, so the occupancy is the *carried* load
///    over the agents: `agents` is the smallest count from `for_service_level` on whose occupancy is within the
///    cap (at most `⌈a / max_occupancy⌉`, and no constraint at all with a cap of 100%);
/// 3. `scheduled` = `⌈agents / (1 − shrinkage)⌉`: shrinkage is the share of paid time not available for contacts
///    (breaks, meetings, training, absence), so this many people must be on the schedule.
///
/// ```
/// use chrono::TimeDelta;
/// use kefu::staffing::{ServiceTarget, StaffingPolicy, Workload};
///
/// // 100 calls in half an hour, 3 minutes each, 80% answered within 20 seconds.
/// let policy = StaffingPolicy::erlang_c("80/20s".parse()?).with_shrinkage(0.30)?.with_max_occupancy(0.85)?;
/// let need = policy.required(&Workload::new(100.0, TimeDelta::minutes(30), TimeDelta::seconds(180))?)?;
/// assert_eq!((need.for_service_level, need.agents, need.scheduled), (14, 14, 20));
/// assert!((need.performance.service_level - 0.8884).abs() < 1e-4);
///
/// // Callers who hang up after 5 minutes on average: Erlang A needs no more agents.
/// let patient = policy.with_patience(TimeDelta::minutes(5))?;
/// let need_a = patient.required(&Workload::new(100.0, TimeDelta::minutes(30), TimeDelta::seconds(180))?)?;
/// assert!(need_a.agents <= need.agents);
/// assert!(need_a.performance.p_abandon.is_some_and(|p| p < 0.05));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StaffingPolicy {
    model: Model,
    target: ServiceTarget,
    shrinkage: f64,
    max_occupancy: f64,
    max_agents: u32,
}

/// What a workload needs under a [`StaffingPolicy`] (see its formula).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Requirement {
    /// The offered load in Erlangs.
    pub erlangs: f64,
    /// The smallest number of agents meeting the service-level target.
    pub for_service_level: u32,
    /// Agents needed on the phones: `for_service_level`, raised if the occupancy cap asks for more.
    pub agents: u32,
    /// People to schedule: `agents` grossed up for shrinkage.
    pub scheduled: u32,
    /// What `agents` achieve.
    pub performance: Performance,
}

/// What a number of agents achieves for a workload.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Performance {
    /// The agents.
    pub agents: u32,
    /// Share of all arriving contacts answered within the target time (Erlang A: contacts that hang up count as
    /// not answered).
    pub service_level: f64,
    /// Share of arriving contacts that find every agent busy and wait (the Erlang C probability when nobody hangs
    /// up).
    pub p_wait: f64,
    /// Average speed of answer: the mean wait of the answered contacts, in seconds, counting those answered at
    /// once as 0.
    pub asa_seconds: f64,
    /// Share of the agents' time spent on contacts: offered load / agents (Erlang C), carried load / agents
    /// (Erlang A).
    pub occupancy: f64,
    /// Share of arriving contacts that hang up before an answer; `None` under Erlang C.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p_abandon: Option<f64>,
}

impl StaffingPolicy {
    /// Erlang C for `target`, without shrinkage (0), occupancy cap (100%), with the default cap on agents
    /// ([`DEFAULT_MAX_AGENTS`]).
    #[must_use]
    pub fn erlang_c(target: ServiceTarget) -> Self {
        Self { model: Model::ErlangC, target, shrinkage: 0.0, max_occupancy: 1.0, max_agents: DEFAULT_MAX_AGENTS }
    }

    /// The same policy under Erlang A: waiting contacts hang up after an exponential patience of mean `patience`.
    ///
    /// # Errors
    ///
    /// [`StaffingError::Invalid`] naming [`Field::Patience`] when it is not more than zero.
    pub fn with_patience(self, patience: TimeDelta) -> Result<Self, StaffingError> {
        positive(Field::Patience, patience)?;
        Ok(Self { model: Model::ErlangA { patience }, ..self })
    }

    /// The same policy under `model`.
    ///
    /// # Errors
    ///
    /// As [`with_patience`](Self::with_patience) for Erlang A.
    pub fn with_model(self, model: Model) -> Result<Self, StaffingError> {
        match model {
            Model::ErlangC => Ok(Self { model, ..self }),
            Model::ErlangA { patience } => self.with_patience(patience),
        }
    }

    /// The same policy with `shrinkage` in `[0, 1)`: the share of scheduled time not available for contacts.
    ///
    /// # Errors
    ///
    /// [`StaffingError::Invalid`] naming [`Field::Shrinkage`].
    pub fn with_shrinkage(self, shrinkage: f64) -> Result<Self, StaffingError> {
        if !(0.0..1.0).contains(&shrinkage) {
            return Err(StaffingError::invalid(Field::Shrinkage, shrinkage, "must be at least 0 and less than 1"));
        }
        Ok(Self { shrinkage, ..self })
    }

    /// The same policy with an occupancy cap in `(0, 1]`: agents are added until the average agent is busy no more
    /// than this share of the time (burn-out guard; 0.85 is common).
    ///
    /// # Errors
    ///
    /// [`StaffingError::Invalid`] naming [`Field::MaxOccupancy`].
    pub fn with_max_occupancy(self, max_occupancy: f64) -> Result<Self, StaffingError> {
        if !(max_occupancy > 0.0 && max_occupancy <= 1.0) {
            return Err(StaffingError::invalid(
                Field::MaxOccupancy,
                max_occupancy,
                "must be more than 0 and at most 1",
            ));
        }
        Ok(Self { max_occupancy, ..self })
    }

    /// The same policy, refusing requirements of more than `max_agents` agents
    /// ([`StaffingError::TooManyAgents`]) instead of searching further: a guard against mistyped volumes.
    #[must_use]
    pub fn with_max_agents(self, max_agents: u32) -> Self {
        Self { max_agents, ..self }
    }

    /// The model.
    #[must_use]
    pub fn model(&self) -> Model {
        self.model
    }

    /// The service-level target.
    #[must_use]
    pub fn target(&self) -> ServiceTarget {
        self.target
    }

    /// The shrinkage.
    #[must_use]
    pub fn shrinkage(&self) -> f64 {
        self.shrinkage
    }

    /// The occupancy cap.
    #[must_use]
    pub fn max_occupancy(&self) -> f64 {
        self.max_occupancy
    }

    /// The cap on agents.
    #[must_use]
    pub fn max_agents(&self) -> u32 {
        self.max_agents
    }

    /// What `agents` achieve for `workload` under this policy's model and target time.
    ///
    /// Cost: O(`agents`) for the Erlang B recurrence, plus for Erlang A a series of about `√(agents × patience /
    /// AHT)` terms (and an O(1) jump to its largest term in overload).
    ///
    /// ```
    /// use chrono::TimeDelta;
    /// use kefu::staffing::{StaffingPolicy, Workload};
    ///
    /// let policy = StaffingPolicy::erlang_c("80/20s".parse()?);
    /// let w = Workload::new(100.0, TimeDelta::minutes(30), TimeDelta::seconds(180))?;
    /// let p = policy.performance(&w, 11)?;
    /// assert!((p.p_wait - 0.6821).abs() < 1e-4 && (p.service_level - 0.3896).abs() < 1e-4);
    /// assert!(policy.performance(&w, 10).is_err()); // 10 agents, 10 Erlangs: no steady state without abandonment
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`StaffingError::NoSteadyState`] under Erlang C with `agents` no greater than the load (and work to do).
    pub fn performance(&self, workload: &Workload, agents: u32) -> Result<Performance, StaffingError> {
        let mut erlang_b = ErlangB::new(workload.erlangs());
        self.evaluate(workload, agents, &mut erlang_b)
            .map(|m| performance(agents, m))
            .ok_or(StaffingError::NoSteadyState { agents, erlangs: workload.erlangs() })
    }

    /// The agents `workload` needs: see the [formula](Self#the-formula). With no contacts, none.
    ///
    /// Cost: a galloping then binary search over agent counts, the Erlang B values shared between them: O(`n`)
    /// arithmetic for Erlang C, plus O(log `n`) Erlang A series for Erlang A. 20 000 contacts in half an hour
    /// (2 000 Erlangs) take microseconds (`benches/benches/staffing.rs`).
    ///
    /// # Errors
    ///
    /// [`StaffingError::TooManyAgents`] when more than [`max_agents`](Self::max_agents) would be needed.
    pub fn required(&self, workload: &Workload) -> Result<Requirement, StaffingError> {
        let erlangs = workload.erlangs();
        let too_many = StaffingError::TooManyAgents { max_agents: self.max_agents, erlangs };
        let mut erlang_b = ErlangB::new(erlangs);
        let share = self.target.share();
        let for_service_level = if erlangs == 0.0 {
            0
        } else {
            // Erlang C has no steady state up to the load; Erlang A always has, and may meet the target below it.
            let (lowest, guess) = match self.model {
                Model::ErlangC => (first_above(erlangs), first_above(erlangs)),
                Model::ErlangA { .. } => (1, (erlangs.ceil() as u32).max(1)),
            };
            if lowest > self.max_agents {
                return Err(too_many);
            }
            smallest(lowest, self.max_agents, guess, |n| {
                self.evaluate(workload, n, &mut erlang_b).is_some_and(|m| m.service_level >= share)
            })
            .ok_or(too_many.clone())?
        };
        let agents = match self.model {
            Model::ErlangC => for_service_level.max(at_least(erlangs / self.max_occupancy)),
            // Occupancy falls as agents are added (the carried load grows by less than one agent's worth).
            Model::ErlangA { .. } => smallest(for_service_level, self.max_agents, for_service_level, |n| {
                self.evaluate(workload, n, &mut erlang_b).is_some_and(|m| m.occupancy <= self.max_occupancy)
            })
            .ok_or(too_many.clone())?,
        };
        if agents > self.max_agents {
            return Err(too_many);
        }
        let scheduled = at_least(f64::from(agents) / (1.0 - self.shrinkage));
        let metrics = self.evaluate(workload, agents, &mut erlang_b).unwrap_or(Metrics::idle(false));
        Ok(Requirement { erlangs, for_service_level, agents, scheduled, performance: performance(agents, metrics) })
    }

    fn evaluate(&self, workload: &Workload, agents: u32, erlang_b: &mut ErlangB) -> Option<Metrics> {
        let abandonment = matches!(self.model, Model::ErlangA { .. });
        if workload.contacts() == 0.0 {
            return Some(Metrics::idle(abandonment));
        }
        let (aht, within) = (seconds(workload.aht()), seconds(self.target.within()));
        let b = erlang_b.at(agents);
        match self.model {
            Model::ErlangC => erlang_c(agents, workload.erlangs(), b, aht, within),
            Model::ErlangA { patience } => {
                Some(erlang_a(agents, workload.arrival_rate(), aht, seconds(patience), b, within))
            }
        }
    }
}

fn performance(agents: u32, m: Metrics) -> Performance {
    Performance {
        agents,
        service_level: m.service_level,
        p_wait: m.p_wait,
        asa_seconds: m.asa,
        occupancy: m.occupancy,
        p_abandon: m.p_abandon,
    }
}

/// The smallest whole number strictly above `load` (the first count with a steady state under Erlang C).
fn first_above(load: f64) -> u32 {
    (load.floor() + 1.0).min(f64::from(u32::MAX)) as u32
}

/// The smallest whole number at least `value`, forgiving the last bits of floating-point error.
fn at_least(value: f64) -> u32 {
    (value * (1.0 - ROUNDING_SLACK)).ceil().clamp(0.0, f64::from(u32::MAX)) as u32
}

/// The smallest `n` in `lowest..=highest` for which the monotone predicate `meets` holds, `None` if not even
/// `highest` meets it. Gallops upwards from `guess` (1, 2, 4, … steps) until a count meets it, then bisects: about
/// 2 log₂(distance from the guess) evaluations.
fn smallest(lowest: u32, highest: u32, guess: u32, mut meets: impl FnMut(u32) -> bool) -> Option<u32> {
    let guess = guess.clamp(lowest, highest);
    // `fails` is a count known not to meet (or one below `lowest`), `passes` one known to meet.
    let (mut fails, mut passes) = if meets(guess) {
        (i64::from(lowest) - 1, guess)
    } else {
        let (mut fails, mut step) = (guess, 1u32);
        loop {
            if fails == highest {
                return None;
            }
            let next = fails.saturating_add(step).min(highest);
            if meets(next) {
                break (i64::from(fails), next);
            }
            fails = next;
            step = step.saturating_mul(2);
        }
    };
    while i64::from(passes) - fails > 1 {
        let mid = u32::try_from(fails + (i64::from(passes) - fails) / 2).unwrap_or(passes);
        if meets(mid) {
            passes = mid;
        } else {
            fails = i64::from(mid);
        }
    }
    Some(passes)
}

#[cfg(test)]
mod tests {
    use super::{at_least, smallest};

    #[test]
    fn the_search_finds_the_threshold_of_any_monotone_predicate() {
        for threshold in [0u32, 1, 2, 3, 17, 64, 1000, 4095] {
            for guess in [0u32, 1, 5, 100, 5000] {
                let found = smallest(0, 5000, guess, |n| n >= threshold);
                assert_eq!(found, Some(threshold), "threshold {threshold}, guess {guess}");
            }
        }
        assert_eq!(smallest(1, 10, 3, |n| n >= 11), None);
        assert_eq!(smallest(5, 10, 0, |_| true), Some(5));
    }

    #[test]
    fn rounding_up_forgives_floating_point_noise_only() {
        assert_eq!(at_least(14.0 / (1.0 - 0.3)), 20);
        assert_eq!(at_least(8.5 / 0.85), 10);
        assert_eq!(at_least(10.01), 11);
        assert_eq!(at_least(0.0), 0);
    }
}
