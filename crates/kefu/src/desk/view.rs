//! The desk's query view: the states queries need, folded from the log in order.

use std::collections::BTreeMap;

use super::config::Selector;
use super::notice::{Addressee, Notice, NoticeKind, NoticeState};
use super::profile::{Details, Profile, ProfileEvent};
use crate::approval::{Approval, ApprovalKind, ApprovalState};
use crate::callback::{Callback, CallbackState};
use crate::case::{Case, CaseState};
use crate::lifecycle::{Lifecycle, LifecycleState};
use crate::machine::{Machine, Principal};
use crate::store::{Position, RecordedEvent, StoreError, decode_event};

/// Everything the desk knows about one customer.
#[derive(Clone, Debug, PartialEq)]
pub struct CustomerView {
    /// The customer's id.
    pub customer: String,
    /// The lifecycle: standing, owner, specialist, obligations (F1, F2) and clocks (C4, C5); `None` before the
    /// first lifecycle fact.
    pub lifecycle: Option<LifecycleState>,
    /// The details the ERP sent.
    pub details: Details,
    /// The customer's callbacks, by instance id.
    pub callbacks: Vec<(String, CallbackState)>,
    /// The customer's cases, by instance id.
    pub cases: Vec<(String, CaseState)>,
}

#[derive(Debug, Default)]
pub(super) struct View {
    position: Position,
    lifecycles: BTreeMap<String, LifecycleState>,
    profiles: BTreeMap<String, Details>,
    callbacks: BTreeMap<String, CallbackState>,
    /// The open callbacks of each specialist, so that a worklist does not scan every callback ever made.
    open_by_specialist: BTreeMap<String, std::collections::BTreeSet<String>>,
    cases: BTreeMap<String, CaseState>,
    approvals: BTreeMap<String, ApprovalState>,
    notices: BTreeMap<String, NoticeState>,
}

/// The customer id of a `{prefix}/{customer}` instance id, unescaped.
fn customer_part<'a>(instance: &'a str, prefix: &str) -> Option<String> {
    let escaped: &'a str = instance.strip_prefix(prefix)?;
    Some(escaped.replace("%2F", "/").replace("%25", "%"))
}

fn evolve<M: crate::store::Versioned>(
    states: &mut BTreeMap<String, M::State>,
    key: String,
    event: &RecordedEvent,
) -> Result<(), StoreError>
where
    M::State: Default,
{
    let decoded = decode_event::<M>(event)?;
    M::evolve(states.entry(key).or_default(), &decoded);
    Ok(())
}

impl View {
    pub(super) fn position(&self) -> Position {
        self.position
    }

    /// Folds one event (the next in log order) into the view.
    pub(super) fn apply(&mut self, event: &RecordedEvent) -> Result<(), StoreError> {
        let id = event.instance.clone();
        match event.machine.as_str() {
            Lifecycle::NAME => {
                if let Some(customer) = customer_part(&id, "customer/") {
                    evolve::<Lifecycle>(&mut self.lifecycles, customer, event)?;
                }
            }
            Profile::NAME => {
                if let Some(customer) = customer_part(&id, "profile/") {
                    let ProfileEvent::Updated { changes, .. } = decode_event::<Profile>(event)?;
                    let details = self.profiles.entry(customer).or_default();
                    for (field, new) in [
                        (&mut details.name, changes.name),
                        (&mut details.contact, changes.contact),
                        (&mut details.segment, changes.segment),
                        (&mut details.region, changes.region),
                        (&mut details.contact_calendar, changes.contact_calendar),
                    ] {
                        if new.is_some() {
                            *field = new;
                        }
                    }
                }
            }
            Callback::NAME => {
                let holder = |c: Option<&CallbackState>| {
                    c.filter(|c| c.is_open()).and_then(|c| c.specialist().map(str::to_owned))
                };
                let before = holder(self.callbacks.get(&id));
                evolve::<Callback>(&mut self.callbacks, id.clone(), event)?;
                let after = holder(self.callbacks.get(&id));
                if before != after {
                    if let Some(old) = before {
                        if let Some(set) = self.open_by_specialist.get_mut(&old) {
                            set.remove(&id);
                        }
                    }
                    if let Some(new) = after {
                        self.open_by_specialist.entry(new).or_default().insert(id);
                    }
                }
            }
            Case::NAME => evolve::<Case>(&mut self.cases, id, event)?,
            Approval::NAME => evolve::<Approval>(&mut self.approvals, id, event)?,
            Notice::NAME => evolve::<Notice>(&mut self.notices, id, event)?,
            _ => {}
        }
        self.position = event.position;
        Ok(())
    }

    pub(super) fn worklist(
        &self,
        specialist: &str,
        until: chrono::DateTime<chrono::Utc>,
    ) -> Vec<(String, CallbackState)> {
        let ids = self.open_by_specialist.get(specialist).into_iter().flatten();
        let mut list: Vec<(String, CallbackState)> = ids
            .filter_map(|id| self.callbacks.get(id).map(|c| (id, c)))
            .filter(|(_, c)| c.scheduled().is_some_and(|s| s < until))
            .map(|(id, c)| (id.clone(), c.clone()))
            .collect();
        list.sort_by(|(a, x), (b, y)| x.scheduled().cmp(&y.scheduled()).then_with(|| a.cmp(b)));
        list
    }

    pub(super) fn open_cases(&self, department: Option<&str>) -> Vec<(String, CaseState)> {
        let mut list: Vec<(String, CaseState)> = self
            .cases
            .iter()
            .filter(|(_, c)| !Case::finals().contains(&Case::state_kind(c)))
            .filter(|(_, c)| department.is_none_or(|d| c.department() == Some(d)))
            .map(|(id, c)| (id.clone(), c.clone()))
            .collect();
        list.sort_by(|(a, x), (b, y)| x.opened().map(|o| o.1).cmp(&y.opened().map(|o| o.1)).then_with(|| a.cmp(b)));
        list
    }

    pub(super) fn pending_approvals(&self, role: &str) -> Vec<(String, ApprovalState)> {
        let mut list: Vec<(String, ApprovalState)> = self
            .approvals
            .iter()
            .filter(|(_, a)| a.kind() == ApprovalKind::Pending)
            .filter(|(_, a)| {
                let step = a.current_step().and_then(|i| a.chain().and_then(|c| c.steps.get(i)));
                step.is_some_and(|s| s.any_of.iter().any(|r| r.as_str() == role))
            })
            .map(|(id, a)| (id.clone(), a.clone()))
            .collect();
        list.sort_by(|(a, x), (b, y)| {
            x.requested().map(|r| r.1).cmp(&y.requested().map(|r| r.1)).then_with(|| a.cmp(b))
        });
        list
    }

    pub(super) fn notices(&self, principal: &Principal) -> Vec<(String, NoticeState)> {
        let mut list: Vec<(String, NoticeState)> = self
            .notices
            .iter()
            .filter(|(_, n)| n.kind() == NoticeKind::Sent)
            .filter(|(_, n)| match n.sent().map(|s| &s.to) {
                Some(Addressee::Role(role)) => principal.has_role(role),
                Some(Addressee::Person(person)) => principal.id() == person,
                None => false,
            })
            .map(|(id, n)| (id.clone(), n.clone()))
            .collect();
        list.sort_by(|(a, x), (b, y)| x.sent().map(|s| s.at).cmp(&y.sent().map(|s| s.at)).then_with(|| a.cmp(b)));
        list
    }

    /// The customers a campaign's selector picks, in id order.
    pub(super) fn select(&self, selector: &Selector) -> Vec<String> {
        self.lifecycles
            .iter()
            .filter(|(customer, state)| {
                let details = self.profiles.get(*customer);
                selector.selects(
                    state.kind(),
                    details.and_then(|d| d.segment.as_deref()),
                    details.and_then(|d| d.region.as_deref()),
                )
            })
            .map(|(customer, _)| customer.clone())
            .collect()
    }

    pub(super) fn callbacks_of(&self, customer: &str) -> Vec<(String, CallbackState)> {
        self.callbacks
            .iter()
            .filter(|(_, c)| c.due().is_some_and(|d| d.customer == customer))
            .map(|(id, c)| (id.clone(), c.clone()))
            .collect()
    }

    pub(super) fn cases_of(&self, customer: &str) -> Vec<(String, CaseState)> {
        self.cases
            .iter()
            .filter(|(_, c)| c.customer() == Some(customer))
            .map(|(id, c)| (id.clone(), c.clone()))
            .collect()
    }
}
