//! Quality scorecards as data (rule O4): weighted criteria, critical items, the pass mark; an inspector's review of
//! a contact against one, and the corrective action a failed review asks for.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::action::{ActionCommand, ActionSource};
use super::load::{DefinitionErrors, Problem};
use super::sampling::Contact;
use crate::machine::Principal;
use crate::script::Texts;
use crate::sla::SlaPolicy;

/// The role that scores contacts (rule O6's quality inspector).
pub const QUALITY_INSPECTOR: &str = "quality_inspector";

/// The highest `max` a criterion may have: scores are small whole numbers (yes/no is `max = 1`, a scale `max = 5`).
pub const MAX_POINTS: u32 = 10;

/// Every `max` from 1 to [`MAX_POINTS`] divides this, so a review's points add up exactly in whole numbers.
const COMMON: u64 = 2520;

/// One criterion of a [`Scorecard`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Criterion {
    /// The stable id reviews use, e.g. `greeting`.
    pub id: String,
    /// What the inspector checks, per locale.
    #[serde(default, skip_serializing_if = "Texts::is_empty")]
    pub text: Texts,
    /// Its weight among the criteria (1 to 1000).
    pub weight: u32,
    /// The highest score (1 to [`MAX_POINTS`]); scores run from 0.
    pub max: u32,
    /// A critical item fails the review on its own when scored under [`pass`](Self::pass), whatever the total.
    #[serde(default, skip_serializing_if = "core::ops::Not::not")]
    pub critical: bool,
    /// The lowest passing score of a critical item; its `max` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pass: Option<u32>,
}

impl Criterion {
    /// The lowest score at which a critical item passes (its `pass`, or its `max`); `None` if not critical.
    #[must_use]
    pub fn critical_pass(&self) -> Option<u32> {
        self.critical.then(|| self.pass.unwrap_or(self.max))
    }
}

/// A quality scorecard (rule O4): measurable service standards as weighted criteria, loaded from TOML.
///
/// A review scores each criterion from 0 to its `max`. The total is the weighted share of the points, in
/// thousandths; the review passes when the total reaches `pass_mark` and every critical item reaches its `pass`.
///
/// ```toml
/// id = "o4-phone-contact"
/// version = 1
/// pass_mark = 0.8                      # a share of the weighted points
/// calibration_tolerance = 1            # inspectors may differ by this many points per criterion
/// corrective_action = { name = "O4 corrective action", within_working_days = 5, calendar = "office" }
///
/// [[criteria]]
/// id = "identity"
/// weight = 2
/// max = 1
/// critical = true                      # not confirming who is on the line fails the review on its own
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scorecard {
    id: String,
    version: u32,
    #[serde(default, skip_serializing_if = "Texts::is_empty")]
    title: Texts,
    #[serde(with = "share")]
    pass_mark: u32,
    #[serde(default)]
    calibration_tolerance: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    corrective_action: Option<SlaPolicy>,
    criteria: Vec<Criterion>,
}

/// A share written as a fraction (`0.8`), kept in thousandths; out-of-range values are kept as given (clamped to
/// the representable) and refused by the checks, which know where they are written.
mod share {
    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(permille: &u32, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(f64::from(*permille) / 1000.0)
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
        let value = f64::deserialize(d)?;
        if !(value > 0.0 && value <= 1.0) {
            return Err(serde::de::Error::custom(format!(
                "{value} is out of range: a share of the points, above 0 and at most 1"
            )));
        }
        // In (0, 1]: the product is in (0, 1000], so the cast is exact after rounding.
        Ok(((value * 1000.0).round() as u32).max(1))
    }
}

impl Scorecard {
    /// Loads and checks a scorecard from TOML text; `file` names it in errors.
    ///
    /// # Errors
    ///
    /// Every [`DefinitionError`](super::DefinitionError) found, located by file, line, column and key path.
    #[cfg(feature = "toml")]
    pub fn from_toml_str(text: &str, file: &str) -> Result<Self, DefinitionErrors> {
        let (card, mut doc) = super::load::Doc::parse::<Self>(text, file)?;
        card.check(&mut |path, problem| doc.error(path, problem));
        doc.finish(card)
    }

    /// Checks what the loader cannot check by shape: ids, weights, ranges, the corrective action's policy.
    fn check(&self, report: &mut dyn FnMut(String, Problem)) {
        if self.id.trim().is_empty() {
            report("id".into(), Problem::Missing("a scorecard needs an id"));
        }
        if self.criteria.is_empty() {
            report("criteria".into(), Problem::Missing("a scorecard needs at least one criterion"));
        }
        let mut seen = BTreeSet::new();
        for (i, c) in self.criteria.iter().enumerate() {
            let at = |field: &str| format!("criteria[{i}].{field}");
            if c.id.trim().is_empty() {
                report(at("id"), Problem::Missing("a criterion needs an id"));
            } else if !seen.insert(c.id.as_str()) {
                report(at("id"), Problem::Duplicate(c.id.clone()));
            }
            if !(1..=1000).contains(&c.weight) {
                report(at("weight"), Problem::OutOfRange { value: c.weight.to_string(), range: "1 to 1000" });
            }
            if !(1..=MAX_POINTS).contains(&c.max) {
                report(at("max"), Problem::OutOfRange { value: c.max.to_string(), range: "1 to 10" });
            }
            if let Some(pass) = c.pass {
                if !c.critical {
                    report(at("pass"), Problem::Missing("`pass` applies to a critical item: add `critical = true`"));
                } else if pass == 0 || pass > c.max {
                    report(at("pass"), Problem::OutOfRange { value: pass.to_string(), range: "1 to the item's max" });
                }
            }
        }
        if self.calibration_tolerance > MAX_POINTS {
            let value = self.calibration_tolerance.to_string();
            report("calibration_tolerance".into(), Problem::OutOfRange { value, range: "0 to 10 points" });
        }
        if let Some(Err(e)) = self.corrective_action.as_ref().map(SlaPolicy::validate) {
            report("corrective_action".into(), Problem::Policy(e.to_string()));
        }
    }

    /// The scorecard's id.
    #[must_use]
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The scorecard's version.
    #[must_use]
    pub fn version(&self) -> u32 {
        self.version
    }

    /// The criteria, in order.
    #[must_use]
    pub fn criteria(&self) -> &[Criterion] {
        &self.criteria
    }

    /// The pass mark, in thousandths of the weighted points.
    #[must_use]
    pub fn pass_mark_permille(&self) -> u32 {
        self.pass_mark
    }

    /// How many points two inspectors may differ by on a criterion before calibration flags it.
    #[must_use]
    pub fn calibration_tolerance(&self) -> u32 {
        self.calibration_tolerance
    }

    /// The SLA policy of the corrective action a failed review opens, if the scorecard names one.
    #[must_use]
    pub fn corrective_action(&self) -> Option<&SlaPolicy> {
        self.corrective_action.as_ref()
    }

    /// An inspector's review of a sampled `contact`: every criterion scored, checked, totalled and judged.
    ///
    /// # Errors
    ///
    /// A [`ReviewError`]: the reviewer is not a quality inspector or reviews their own contact, a criterion is
    /// missing, unknown or over its `max`.
    pub fn review(
        &self,
        contact: &Contact,
        inspector: &Principal,
        at: DateTime<Utc>,
        scores: BTreeMap<String, u32>,
    ) -> Result<Review, ReviewError> {
        if !inspector.has_role(QUALITY_INSPECTOR) {
            return Err(ReviewError::NotAnInspector { who: inspector.id().to_owned() });
        }
        if inspector.id() == contact.specialist {
            return Err(ReviewError::OwnContact { who: inspector.id().to_owned(), contact: contact.id.clone() });
        }
        if let Some(unknown) = scores.keys().find(|k| !self.criteria.iter().any(|c| &c.id == *k)) {
            return Err(ReviewError::UnknownCriterion { criterion: unknown.clone() });
        }
        for c in &self.criteria {
            match scores.get(&c.id) {
                None => return Err(ReviewError::MissingScore { criterion: c.id.clone() }),
                Some(&score) if score > c.max => {
                    return Err(ReviewError::OverMax { criterion: c.id.clone(), score, max: c.max });
                }
                Some(_) => {}
            }
        }
        let verdict = self.judge(&scores);
        Ok(Review {
            scorecard: self.id.clone(),
            version: self.version,
            contact: contact.clone(),
            inspector: inspector.id().to_owned(),
            at,
            scores,
            verdict,
        })
    }

    /// The total and verdict of complete, in-range scores.
    fn judge(&self, scores: &BTreeMap<String, u32>) -> Verdict {
        let (mut points, mut full) = (0u64, 0u64);
        let mut critical_failures = Vec::new();
        for c in &self.criteria {
            let score = scores.get(&c.id).copied().unwrap_or(0).min(c.max);
            let unit = COMMON / u64::from(c.max.clamp(1, MAX_POINTS));
            points += u64::from(c.weight) * u64::from(score) * unit;
            full += u64::from(c.weight) * COMMON;
            if c.critical_pass().is_some_and(|pass| score < pass) {
                critical_failures.push(c.id.clone());
            }
        }
        let permille = (points * 1000).checked_div(full).map_or(0, |p| u32::try_from(p).unwrap_or(1000));
        let reaches_mark = points * 1000 >= u64::from(self.pass_mark) * full;
        Verdict { permille, passed: reaches_mark && critical_failures.is_empty(), reaches_mark, critical_failures }
    }
}

/// Why a review was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ReviewError {
    /// Only a quality inspector scores contacts (rule O6). How to fix: review as a quality inspector.
    #[error("`{who}` is not a quality inspector (role `quality_inspector`)")]
    NotAnInspector {
        /// Who tried.
        who: String,
    },
    /// An inspector does not review their own contact. How to fix: another inspector reviews it.
    #[error("`{who}` handled contact `{contact}` and cannot review it")]
    OwnContact {
        /// The inspector.
        who: String,
        /// The contact.
        contact: String,
    },
    /// A criterion was not scored. How to fix: score every criterion.
    #[error("criterion `{criterion}` is not scored")]
    MissingScore {
        /// The criterion.
        criterion: String,
    },
    /// A score for a criterion the scorecard does not have. How to fix: use the scorecard's criteria.
    #[error("the scorecard has no criterion `{}`", crate::error::excerpt(.criterion))]
    UnknownCriterion {
        /// The id given.
        criterion: String,
    },
    /// A score above the criterion's `max`.
    #[error("criterion `{criterion}` scored {score}, above its max {max}")]
    OverMax {
        /// The criterion.
        criterion: String,
        /// The score given.
        score: u32,
        /// Its max.
        max: u32,
    },
}

/// What a review concluded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verdict {
    /// The weighted share of the points, in thousandths (rounded down).
    pub permille: u32,
    /// Whether the review passed: the pass mark reached and no critical item failed.
    pub passed: bool,
    /// Whether the total reached the pass mark.
    pub reaches_mark: bool,
    /// The critical items scored under their pass, in scorecard order: each fails the review on its own.
    pub critical_failures: Vec<String>,
}

/// A quality inspector's review of one contact (rule O4).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Review {
    /// The scorecard's id.
    pub scorecard: String,
    /// Its version.
    pub version: u32,
    /// The contact reviewed.
    pub contact: Contact,
    /// The inspector's principal id.
    pub inspector: String,
    /// When it was scored.
    pub at: DateTime<Utc>,
    /// The score of each criterion.
    pub scores: BTreeMap<String, u32>,
    /// The verdict.
    pub verdict: Verdict,
}

impl Review {
    /// The corrective action a failed review asks for, owned by the specialist who handled the contact, under
    /// `policy` (e.g. the scorecard's [`corrective_action`](Scorecard::corrective_action)); `None` if it passed.
    ///
    /// The command is for an [`Action`](super::Action): the caller applies it (the core decides, the ERP stores).
    #[must_use]
    pub fn corrective_action(&self, policy: &SlaPolicy) -> Option<ActionCommand> {
        if self.verdict.passed {
            return None;
        }
        let why = if self.verdict.critical_failures.is_empty() {
            format!("scored {}‰, under the pass mark", self.verdict.permille)
        } else {
            format!("critical item(s) failed: {}", self.verdict.critical_failures.join(", "))
        };
        Some(ActionCommand::Open {
            subject: format!("Contact {}: {why}", self.contact.id),
            source: ActionSource::Review { contact: self.contact.id.clone(), scorecard: self.scorecard.clone() },
            owner: self.contact.specialist.clone(),
            policy: policy.clone(),
        })
    }
}
