//! Approval chains as data: ordered steps, each naming the roles that may act.

use serde::{Deserialize, Serialize};

use crate::machine::Role;
use crate::sla::SlaPolicy;

/// One step of a chain: who may decide it (holding any one of the roles suffices) and, optionally, how long they
/// have (an SLA clock with its reminders and escalation ladder).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApprovalStep {
    /// What the step is called in the audit trail, e.g. `review`, `check`, `sign`.
    pub name: String,
    /// The roles that may decide this step; any one suffices.
    pub any_of: Vec<Role>,
    /// The time the step's approvers have, if limited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sla: Option<SlaPolicy>,
}

/// An ordered chain of approval steps, as data (TOML or JSON).
///
/// ```toml
/// name = "C7 credit limit or payment-term change"
/// [[steps]]
/// name = "review"
/// any_of = ["marketing_director"]
/// sla = { name = "review within a working day", within_working_days = 1, calendar = "office" }
/// [[steps]]
/// name = "check"
/// any_of = ["finance_supervisor"]
/// [[steps]]
/// name = "sign"
/// any_of = ["general_manager"]
/// ```
///
/// ```
/// use kefu::approval::ApprovalChain;
///
/// let c7 = ApprovalChain::c7_credit_change();
/// assert_eq!(c7.steps.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(), ["review", "check", "sign"]);
/// let c6 = ApprovalChain::c6_incomplete_file();
/// assert_eq!(c6.steps.len(), 1);
/// assert_eq!(c6.steps[0].any_of.len(), 2);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApprovalChain {
    /// The chain's name, for the audit trail.
    pub name: String,
    /// The steps, decided in this order.
    pub steps: Vec<ApprovalStep>,
    /// Whether one person may decide two steps (holding two roles). Off by default: separation of duties.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub same_person_may_decide_twice: bool,
}

fn step(name: &str, any_of: &[&str]) -> ApprovalStep {
    ApprovalStep { name: name.to_owned(), any_of: any_of.iter().map(|&r| Role::new(r)).collect(), sla: None }
}

impl ApprovalChain {
    /// Rule C7: extending payment terms or changing a credit limit is reviewed by the marketing director, then
    /// checked by the finance supervisor, then signed by the general manager — in that order, all three.
    pub fn c7_credit_change() -> Self {
        Self {
            name: "C7 credit limit or payment-term change".to_owned(),
            steps: vec![
                step("review", &["marketing_director"]),
                step("check", &["finance_supervisor"]),
                step("sign", &["general_manager"]),
            ],
            same_person_may_decide_twice: false,
        }
    }

    /// Rule C6: entering a file with missing documents and trading on it needs the written approval of the
    /// marketing director or the general manager (either suffices).
    pub fn c6_incomplete_file() -> Self {
        Self {
            name: "C6 trading with an incomplete file".to_owned(),
            steps: vec![step("approve", &["marketing_director", "general_manager"])],
            same_person_may_decide_twice: false,
        }
    }

    /// Gives every step the same SLA policy (reminders and escalation for slow approvers).
    pub fn with_step_sla(mut self, policy: SlaPolicy) -> Self {
        for step in &mut self.steps {
            step.sla = Some(policy.clone());
        }
        self
    }
}
