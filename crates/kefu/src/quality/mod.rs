//! Service quality (rules Q8, O4): improvement actions tracked to completion, satisfaction surveys, and quality
//! monitoring with scorecards, sampling, reviews and calibration.
//!
//! - [`Action`] — an improvement or corrective action: an owner, a due date on an SLA clock (warnings, breach, an
//!   escalation ladder), progress notes, and a close only when someone other than the owner verifies it. Both
//!   rules end here: survey findings (Q8) and failed reviews (O4) are "tracked to completion" as actions.
//! - [`Survey`] (rule Q8) — a satisfaction survey is a script graph, loaded, validated, drawn and run like the
//!   callback scripts, with points on its answers. [`Response`]s by phone, e-mail or questionnaire aggregate into
//!   [`Scores`] per question, per period and per specialist; a low mean or a repeated complaint theme is a
//!   [`SurveyFinding`], and [`Survey::actions`] turns findings into commands that open actions.
//! - [`Scorecard`] (rule O4) — measurable service standards as data: weighted criteria and critical items; a
//!   quality inspector's [`Review`] of a contact, whose failure asks for a corrective action
//!   ([`Review::corrective_action`]).
//! - [`SamplingPlan`] (rule O4) — which contacts are reviewed: a share of each specialist's contacts per week or
//!   month, drawn by a seeded hash, so the same seed gives the same sample.
//! - [`Calibration`] (rule O4) — two inspectors' reviews of the same contact, compared per criterion and overall.
//!
//! The core stays pure: nothing here stores anything or reads a clock. Findings and failed reviews are returned as
//! [`ActionCommand`]s for the caller to apply to new [`Action`] instances.
//!
//! Definitions load from TOML with every error located ([`DefinitionError`]: file, line, column, key path), and
//! no input makes a loader panic.

mod action;
mod calibration;
mod load;
mod period;
mod sampling;
mod scorecard;
mod survey;

pub use action::{
    Action, ActionCommand, ActionCommandKind, ActionError, ActionEvent, ActionKind, ActionSource, ActionState, Note,
};
pub use calibration::{Calibration, CalibrationError, CriterionGap};
pub use load::{DefinitionError, DefinitionErrors, MAX_DEFINITION_BYTES, Problem};
pub use period::{Period, Periodicity};
pub use sampling::{Contact, Sample, SamplingError, SamplingPlan};
pub use scorecard::{Criterion, MAX_POINTS, QUALITY_INSPECTOR, Review, ReviewError, Scorecard, Verdict};
pub use survey::{
    ActionRules, Channel, FindingRules, Response, Scope, Score, Scores, Survey, SurveyError, SurveyFinding,
};
