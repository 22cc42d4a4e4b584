//! [`Context`], [`Principal`] and [`Role`]: what a decision may know besides the state and the command.

use std::borrow::Borrow;
use std::collections::BTreeSet;
use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A role a principal holds, such as `"marketing_director"` or `"finance_supervisor"` (rules C6, C7).
///
/// Roles are plain strings so that an ERP can use its own names; compare them with
/// [`Principal::has_role`].
///
/// # Example
///
/// ```
/// use kefu::machine::Role;
///
/// let role = Role::new("general_manager");
/// assert_eq!(role.as_str(), "general_manager");
/// assert_eq!(role.to_string(), "general_manager");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Role(String);

impl Role {
    /// The role held by [`Principal::system`]: the scheduler that sends ticks.
    pub const SYSTEM: &'static str = "system";

    /// A role with the given name.
    #[must_use]
    pub fn new(name: impl Into<String>) -> Self {
        Self(name.into())
    }

    /// The role's name.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for Role {
    fn from(name: &str) -> Self {
        Self::new(name)
    }
}

impl From<String> for Role {
    fn from(name: String) -> Self {
        Self(name)
    }
}

impl AsRef<str> for Role {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

// `Role`'s derived `Ord`/`Hash` are those of its `String`, so borrowing as `str` is consistent.
impl Borrow<str> for Role {
    fn borrow(&self) -> &str {
        &self.0
    }
}

/// Who is acting: an id (a user, a service account) and the roles it holds.
///
/// Machines check roles in [`Machine::handle`](crate::machine::Machine::handle), e.g. "only the marketing director or
/// the general manager may approve incomplete documents" (rule C6). The id lets them refuse self-approval.
///
/// # Example
///
/// ```
/// use kefu::machine::Principal;
///
/// let li = Principal::new("li.wei").with_role("marketing_director");
/// assert!(li.has_role("marketing_director"));
/// assert!(!li.has_role("general_manager"));
/// assert_eq!(li.id(), "li.wei");
///
/// let scheduler = Principal::system();
/// assert!(scheduler.is_system());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Principal {
    id: String,
    roles: BTreeSet<Role>,
}

impl Principal {
    /// The id of [`Principal::system`].
    pub const SYSTEM_ID: &'static str = "system";

    /// A principal with the given id and no roles.
    #[must_use]
    pub fn new(id: impl Into<String>) -> Self {
        Self { id: id.into(), roles: BTreeSet::new() }
    }

    /// The same principal, also holding `role`.
    #[must_use]
    pub fn with_role(mut self, role: impl Into<Role>) -> Self {
        self.roles.insert(role.into());
        self
    }

    /// The principal that sends deadline ticks and other automatic commands: id `"system"`, role `"system"`.
    #[must_use]
    pub fn system() -> Self {
        Self::new(Self::SYSTEM_ID).with_role(Role::SYSTEM)
    }

    /// The principal's id.
    #[must_use]
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Whether the principal holds `role`.
    #[must_use]
    pub fn has_role(&self, role: impl AsRef<str>) -> bool {
        self.roles.contains(role.as_ref())
    }

    /// Whether the principal holds any of `roles`.
    #[must_use]
    pub fn has_any_role<R: AsRef<str>>(&self, roles: &[R]) -> bool {
        roles.iter().any(|r| self.has_role(r))
    }

    /// The roles held, in alphabetical order.
    pub fn roles(&self) -> impl Iterator<Item = &Role> {
        self.roles.iter()
    }

    /// Whether this is [`Principal::system`] (same id and holding the system role).
    #[must_use]
    pub fn is_system(&self) -> bool {
        self.id == Self::SYSTEM_ID && self.has_role(Role::SYSTEM)
    }
}

/// Everything a decision may consult besides the state and the command: the current instant, the acting
/// [`Principal`], and the machine's configuration (calendars, policies, …).
///
/// The core never reads the system clock: `now` is whatever the caller says, so tests, simulations and replays
/// drive time explicitly. The context borrows; building one costs nothing.
///
/// # Example
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use kefu::machine::{Context, Principal};
///
/// struct Policy { max_attempts: u32 }
///
/// let now = Utc.with_ymd_and_hms(2025, 3, 3, 9, 0, 0).single().ok_or("bad date")?;
/// let agent = Principal::new("agent-7").with_role("specialist");
/// let policy = Policy { max_attempts: 3 };
/// let ctx = Context::new(now, &agent, &policy);
///
/// assert_eq!(ctx.now(), now);
/// assert_eq!(ctx.principal().id(), "agent-7");
/// assert_eq!(ctx.config().max_attempts, 3);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct Context<'a, C: ?Sized> {
    now: DateTime<Utc>,
    principal: &'a Principal,
    config: &'a C,
}

impl<C: ?Sized> Clone for Context<'_, C> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<C: ?Sized> Copy for Context<'_, C> {}

impl<'a, C: ?Sized> Context<'a, C> {
    /// A context at instant `now`, for `principal`, with `config`.
    #[must_use]
    pub fn new(now: DateTime<Utc>, principal: &'a Principal, config: &'a C) -> Self {
        Self { now, principal, config }
    }

    /// The instant of the decision, as given by the caller.
    #[must_use]
    pub fn now(&self) -> DateTime<Utc> {
        self.now
    }

    /// Who is acting.
    #[must_use]
    pub fn principal(&self) -> &'a Principal {
        self.principal
    }

    /// The machine's configuration.
    #[must_use]
    pub fn config(&self) -> &'a C {
        self.config
    }

    /// The same context at another instant (e.g. to decide a tick at a deadline).
    #[must_use]
    pub fn at(self, now: DateTime<Utc>) -> Self {
        Self { now, ..self }
    }

    /// The same instant and principal with another configuration: how a machine decides for a machine it embeds
    /// (a case drives its SLA clocks with the calendars of its own configuration).
    ///
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use kefu::calendar::CalendarSet;
    /// use kefu::machine::{Context, Principal};
    ///
    /// struct CaseConfig { calendars: CalendarSet }
    /// let config = CaseConfig { calendars: CalendarSet::new() };
    /// let who = Principal::system();
    /// let ctx = Context::new(Utc.with_ymd_and_hms(2026, 11, 23, 1, 0, 0).unwrap(), &who, &config);
    /// let for_clock: Context<'_, CalendarSet> = ctx.with_config(&ctx.config().calendars);
    /// assert_eq!(for_clock.now(), ctx.now());
    /// ```
    #[must_use]
    pub fn with_config<'b, D: ?Sized>(&self, config: &'b D) -> Context<'b, D>
    where
        'a: 'b,
    {
        Context { now: self.now, principal: self.principal, config }
    }
}
