//! Calibration (rule O4): two inspectors score the same contact, and where they disagree is reported.

use serde::{Deserialize, Serialize};

use super::scorecard::{Review, Scorecard};

/// How two inspectors scored one criterion.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CriterionGap {
    /// The criterion.
    pub criterion: String,
    /// The first inspector's score.
    pub first: u32,
    /// The second inspector's score.
    pub second: u32,
    /// How far apart they are, in points.
    pub gap: u32,
    /// Whether the gap is over the scorecard's calibration tolerance.
    pub beyond_tolerance: bool,
}

/// Where two reviews of the same contact disagree: per criterion and overall.
///
/// ```
/// use std::collections::BTreeMap;
/// use chrono::{TimeZone, Utc};
/// use kefu::machine::Principal;
/// use kefu::quality::{Calibration, Contact, Scorecard};
///
/// let card = Scorecard::from_toml_str(r#"
///     id = "o4-phone"
///     version = 1
///     pass_mark = 0.8
///     calibration_tolerance = 1
///     [[criteria]]
///     id = "greeting"
///     weight = 1
///     max = 5
///     [[criteria]]
///     id = "identity"
///     weight = 2
///     max = 1
///     critical = true
/// "#, "o4-phone.toml")?;
/// let contact = Contact::new("call-7", "li.na", Utc.with_ymd_and_hms(2026, 11, 23, 2, 0, 0).unwrap());
/// let at = Utc.with_ymd_and_hms(2026, 11, 24, 2, 0, 0).unwrap();
/// let score = |g, i| BTreeMap::from([("greeting".to_owned(), g), ("identity".to_owned(), i)]);
/// let zhao = card.review(&contact, &Principal::new("zhao.min").with_role("quality_inspector"), at, score(5, 1))?;
/// let qian = card.review(&contact, &Principal::new("qian.yu").with_role("quality_inspector"), at, score(2, 0))?;
///
/// let report = Calibration::compare(&card, &zhao, &qian)?;
/// assert!(!report.verdicts_agree);                      // one passed the call, the other failed it
/// assert_eq!(report.overall_gap, 1000 - 133);           // 1000‰ against 133‰ of the weighted points
/// let flagged: Vec<_> = report.disagreements().map(|g| (g.criterion.as_str(), g.gap)).collect();
/// assert_eq!(flagged, vec![("greeting", 3), ("identity", 1)]);
/// assert!(report.criteria[0].beyond_tolerance && !report.criteria[1].beyond_tolerance);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Calibration {
    /// The contact both reviewed.
    pub contact: String,
    /// The two inspectors, in the order given.
    pub inspectors: (String, String),
    /// Each criterion, in scorecard order.
    pub criteria: Vec<CriterionGap>,
    /// The two totals, in thousandths of the weighted points.
    pub overall: (u32, u32),
    /// How far apart the totals are, in thousandths.
    pub overall_gap: u32,
    /// Whether both passed or both failed the contact.
    pub verdicts_agree: bool,
}

/// Why two reviews cannot be compared.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CalibrationError {
    /// The reviews are of different contacts.
    #[error("the reviews are of different contacts, `{first}` and `{second}`")]
    DifferentContacts {
        /// The first review's contact.
        first: String,
        /// The second's.
        second: String,
    },
    /// A review was made with another scorecard (or version) than the one given.
    #[error("review by `{inspector}` used scorecard `{used}`, not `{expected}`")]
    OtherScorecard {
        /// The inspector.
        inspector: String,
        /// `id@version` used.
        used: String,
        /// `id@version` expected.
        expected: String,
    },
    /// Both reviews are by the same inspector: calibration compares two people.
    #[error("both reviews are by `{inspector}`; calibration compares two inspectors")]
    SameInspector {
        /// The inspector.
        inspector: String,
    },
}

impl Calibration {
    /// Compares two reviews of the same contact made with `scorecard`.
    ///
    /// # Errors
    ///
    /// A [`CalibrationError`]: different contacts, another scorecard, or the same inspector twice.
    pub fn compare(scorecard: &Scorecard, first: &Review, second: &Review) -> Result<Self, CalibrationError> {
        if first.contact.id != second.contact.id {
            return Err(CalibrationError::DifferentContacts {
                first: first.contact.id.clone(),
                second: second.contact.id.clone(),
            });
        }
        let expected = format!("{}@{}", scorecard.id(), scorecard.version());
        for review in [first, second] {
            let used = format!("{}@{}", review.scorecard, review.version);
            if used != expected {
                return Err(CalibrationError::OtherScorecard {
                    inspector: review.inspector.clone(),
                    used,
                    expected: expected.clone(),
                });
            }
        }
        if first.inspector == second.inspector {
            return Err(CalibrationError::SameInspector { inspector: first.inspector.clone() });
        }
        let tolerance = scorecard.calibration_tolerance();
        let criteria = scorecard
            .criteria()
            .iter()
            .map(|c| {
                let a = first.scores.get(&c.id).copied().unwrap_or(0);
                let b = second.scores.get(&c.id).copied().unwrap_or(0);
                let gap = a.abs_diff(b);
                CriterionGap { criterion: c.id.clone(), first: a, second: b, gap, beyond_tolerance: gap > tolerance }
            })
            .collect();
        let overall = (first.verdict.permille, second.verdict.permille);
        Ok(Self {
            contact: first.contact.id.clone(),
            inspectors: (first.inspector.clone(), second.inspector.clone()),
            criteria,
            overall,
            overall_gap: overall.0.abs_diff(overall.1),
            verdicts_agree: first.verdict.passed == second.verdict.passed,
        })
    }

    /// The criteria the inspectors scored differently, in scorecard order.
    pub fn disagreements(&self) -> impl Iterator<Item = &CriterionGap> {
        self.criteria.iter().filter(|g| g.gap > 0)
    }
}
