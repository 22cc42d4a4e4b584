//! Callback scripts as data (rules S1, S2): dialogue graphs an agent walks with a customer.
//!
//! - A [`Script`] is loaded from TOML or JSON: an id, a version, its locales, placeholders (`{company}`, `{agent}`,
//!   `{customer}`, `{closing_wish}`) and [`Node`]s — say, question (yes/no, choice, free text, date-time), branch,
//!   schedule a callback, record a problem, end with an [`Outcome`]. Steps follow list order unless `next` or a
//!   branch says otherwise.
//! - [`Script::check`] returns every [`Finding`] at once (stable [`Code`]s, a [`Severity`], node, field, message);
//!   [`Script::validate`] turns a script without errors into a [`ValidScript`], the only thing that can run.
//! - A run is a decider, [`ScriptRun`]: start (pinned to the script's id, version and [`ContentHash`], the SHA-256
//!   of its content, written `sha256:<64 hex digits>`), answer, skip, abort. It ends in an [`Outcome`] and yields a [`CallbackRecord`] (rule B4): the path, each answer with its time,
//!   problems raised (B5), satisfaction, referral willingness, the next contact if rescheduled.
//! - [`ValidScript::to_mermaid`] and [`ValidScript::to_dot`] draw a script in a locale, deterministically.
//! - The domain's two scripts ship with the crate: [`S1_TOML`] (regular callback of an active customer, seed §2.3)
//!   and [`S2_TOML`] (customer quiet for over a week, §2.4), in `zh-CN` and `en`.
//!
//! # Why a run never strands
//!
//! Validation refuses, as errors: a way to a missing node, a branch without default, a non-end node with no way on,
//! a cycle from which no end can be reached, and a cycle that asks nothing (its branches would see the same answers
//! each time round). So from every node of a valid script some end is reachable, and between two questions a run
//! visits each node at most once. A skipped question matches no branch case, so skipping takes the defaults.
//!
//! # Any size, any bytes
//!
//! Checking, validating, drawing and running never panic on user data and need no more stack for a script of
//! 200 000 nodes than for S1: the graph algorithms are iterative, and every check is linear or `e log n` in time
//! and linear in memory (a question with thousands of choices, a run with thousands of answers included). Ids that
//! could hide what they are (empty, control or invisible characters, longer than [`MAX_ID_BYTES`]) are errors.
//!
//! # Example: a whole callback (S1, the customer is satisfied)
//!
//! ```
//! use chrono::{TimeDelta, TimeZone, Utc};
//! use kefu::machine::{Context, Instance, Principal};
//! use kefu::script::{Answer, Outcome, RunCommand, ScriptRun, ValidScript, S1_TOML};
//!
//! let s1 = ValidScript::from_toml_str(S1_TOML)?;
//! let agent = Principal::new("agent-7");
//! let t0 = Utc.with_ymd_and_hms(2026, 11, 2, 10, 0, 0).unwrap();
//! let at = |s| Context::new(t0 + TimeDelta::seconds(s), &agent, &s1);
//!
//! let mut run = Instance::<ScriptRun>::new();
//! run.execute(&RunCommand::Start, &at(0))?;
//! assert_eq!(run.state().current(), Some("greeting"));
//! run.execute(&RunCommand::answer("greeting", Answer::YesNo(true)), &at(20))?;
//! run.execute(&RunCommand::answer("ask_satisfaction", Answer::choice("satisfied")), &at(40))?;
//! run.execute(&RunCommand::answer("ask_channel", Answer::text("A trade fair")), &at(60))?;
//! run.execute(&RunCommand::skip("ask_suggestion"), &at(70))?;
//! run.execute(&RunCommand::answer("ask_referral", Answer::YesNo(true)), &at(80))?;
//!
//! let record = run.state().record().ok_or("the run has ended")?;
//! assert_eq!(record.outcome, Outcome::Completed);
//! assert_eq!(record.satisfaction.as_deref(), Some("satisfied"));
//! assert_eq!(record.referral, Some(true));
//! assert_eq!(record.path.last().map(String::as_str), Some("close_satisfied"));
//! assert!(record.problems.is_empty());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod error;
mod finding;
mod graph;
mod hash;
mod model;
mod render;
mod run;
mod validate;

pub use error::{Invalid, LoadError, RunError};
pub use finding::{Code, Finding, Severity};
pub use hash::{ContentHash, ContentHashError};
pub use model::{AnswerKind, Choice, Node, Outcome, RecordField, Route, Script, Texts, Variable};
pub use run::{
    Answer, AnswerRecord, CallbackRecord, Pin, ProblemRecord, RunCommand, RunCommandKind, RunEvent, RunKind, RunState,
    ScriptRun,
};
pub use validate::{MAX_ID_BYTES, ValidScript};

/// Rule S1: the regular callback of an active customer (seed 002 §2.3), in `zh-CN` and `en`, as TOML.
pub const S1_TOML: &str = include_str!("../../scripts/s1-regular-callback.toml");

/// Rule S2: the callback of a customer who has not ordered for over a week (seed 002 §2.4), in `zh-CN` and `en`,
/// as TOML.
pub const S2_TOML: &str = include_str!("../../scripts/s2-quiet-customer.toml");
