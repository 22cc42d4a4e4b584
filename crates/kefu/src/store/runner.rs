//! [`Runner`]: load → decide → append, with retries on conflict; and the tick that fires due deadlines.

use core::fmt;

use super::codec::rebuild;
use super::{
    Append, Appended, Commit, Store, StoreError, StoredDeadline, Tickable, Versioned, decode_event, encode_event,
    encode_snapshot, load_or_new,
};
use crate::machine::{Context, Instance, Rejection};

/// Runs commands against a [`Store`]: the glue between the pure machines and a durable log.
///
/// - [`execute`](Runner::execute): load the instance, [`decide`](crate::machine::decide), append with the loaded
///   version; on a [conflict](StoreError::Conflict) reload and decide again, at most
///   [`max_attempts`](Runner::max_attempts) times.
/// - [`tick`](Runner::tick): fire every due deadline of a machine exactly once.
/// - Every [`snapshot_every`](Runner::snapshot_every) events (by default at every command) an instance gets a
///   snapshot, in the same append.
///
/// # Example
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use kefu::approval::{Approval, ApprovalChain, ApprovalCommand};
/// use kefu::calendar::CalendarSet;
/// use kefu::machine::{Context, Principal};
/// use kefu::store::{MemoryStore, RunError, Runner};
///
/// let store = MemoryStore::new();
/// let runner = Runner::new().max_attempts(3).snapshot_every(16);
/// let now = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).single().ok_or("bad date")?;
/// let (clerk, calendars) = (Principal::new("clerk"), CalendarSet::new());
/// let ctx = Context::new(now, &clerk, &calendars);
///
/// let request = ApprovalCommand::Request { chain: ApprovalChain::c6_incomplete_file(), subject: "file 1042".into() };
/// let done = runner.execute::<Approval, _>(&store, "x-1", &request, &ctx, None)?;
/// assert_eq!(done.commit.to_version, 1);
///
/// // A rejected command is a typed error and leaves no trace: the clerk asked, and may not approve.
/// let approve = ApprovalCommand::Approve { note: None };
/// let err = runner.execute::<Approval, _>(&store, "x-1", &approve, &ctx, None).err().ok_or("expected a refusal")?;
/// assert!(matches!(err, RunError::Rejected(_)));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Runner {
    max_attempts: u32,
    snapshot_every: u64,
}

impl Default for Runner {
    /// 8 attempts; a snapshot at every command (see [`Runner::snapshot_every`]).
    fn default() -> Self {
        Self { max_attempts: 8, snapshot_every: 1 }
    }
}

/// What [`Runner::execute`] did.
///
/// # Example
///
/// See [`Runner`].
pub struct Executed<M: Versioned> {
    /// The events the command produced (for a duplicate: those of the first execution, read back from the log).
    pub events: Vec<M::Event>,
    /// The commit (for a duplicate: the first one). For an accepted command with no events and no key nothing is
    /// written and the commit has no positions.
    pub commit: Commit,
    /// Whether the idempotency key had already been used: nothing was decided or appended this time.
    pub duplicate: bool,
}

impl<M: Versioned> fmt::Debug for Executed<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Executed")
            .field("events", &self.events)
            .field("commit", &self.commit)
            .field("duplicate", &self.duplicate)
            .finish()
    }
}

/// Why [`Runner::execute`] failed.
///
/// # Example
///
/// ```
/// use kefu::store::{RunError, StoreError};
///
/// let err: RunError<std::convert::Infallible> = RunError::Exhausted { instance: "case-1".into(), attempts: 8 };
/// assert_eq!(err.to_string(), "instance `case-1`: gave up after 8 attempts, each beaten by a concurrent command");
/// let err: RunError<std::convert::Infallible> = StoreError::UnknownInstance { instance: "x".into() }.into();
/// assert!(matches!(err, RunError::Store(_)));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RunError<E> {
    /// The machine rejected the command; nothing was appended.
    ///
    /// How to fix: see the [`Rejection`].
    #[error(transparent)]
    Rejected(Rejection<E>),
    /// The store failed.
    ///
    /// How to fix: see the [`StoreError`].
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Every attempt conflicted with a concurrent command on the same instance.
    ///
    /// How to fix: retry later; if it persists, the instance is too hot for optimistic concurrency (serialize its
    /// commands in the ERP) or raise [`Runner::max_attempts`].
    #[error("instance `{instance}`: gave up after {attempts} attempts, each beaten by a concurrent command")]
    Exhausted {
        /// The instance's id.
        instance: String,
        /// How many times the command was decided.
        attempts: u32,
    },
}

/// What [`Runner::tick`] did.
///
/// # Example
///
/// See [`Runner::tick`].
#[derive(Debug)]
pub struct TickReport<E> {
    /// The commits of the ticks that produced events, in the order fired.
    pub fired: Vec<Commit>,
    /// Instances whose tick was rejected (a machine that refuses its own tick, or a missing calendar): they stay
    /// due.
    pub rejected: Vec<(String, Rejection<E>)>,
    /// Instances that could not be loaded or encoded: they stay due.
    pub failed: Vec<(String, StoreError)>,
    /// Instances that were due but whose tick produced no events (a machine whose deadline the tick does not
    /// consume): they stay due.
    pub idle: Vec<String>,
}

impl<E> Default for TickReport<E> {
    fn default() -> Self {
        Self { fired: Vec::new(), rejected: Vec::new(), failed: Vec::new(), idle: Vec::new() }
    }
}

impl Runner {
    /// A runner with the default settings (see [`Runner::default`]).
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// The same runner, deciding a command at most `attempts` times (at least once).
    #[must_use]
    pub fn max_attempts(self, attempts: u32) -> Self {
        Self { max_attempts: attempts.max(1), ..self }
    }

    /// The same runner, snapshotting an instance whenever its version crosses a multiple of `events` (0: never).
    ///
    /// A store keeps only the latest snapshot per instance, so snapshots do not accumulate. With 1 (the default)
    /// the current state travels with every append and a load reads one row and decodes no event: on SQLite this
    /// made a single command ~1.8× faster than snapshotting every 16 events (the `store` benchmark). Larger values
    /// write less per command (no state) but decode up to `events - 1` events per load; worth it only for very
    /// large states.
    #[must_use]
    pub fn snapshot_every(self, events: u64) -> Self {
        Self { snapshot_every: events, ..self }
    }

    /// Executes `command` on `instance` (a new instance if the store has none): load → decide → append.
    ///
    /// With an idempotency `key` that an earlier commit recorded, returns that commit and its events with
    /// `duplicate: true`, without deciding again. A rejected command records nothing, key included: retrying it
    /// decides it again.
    ///
    /// # Errors
    ///
    /// [`RunError::Rejected`], [`RunError::Store`] (including [`StoreError::KeyReused`]) or
    /// [`RunError::Exhausted`] after [`max_attempts`](Runner::max_attempts) conflicts.
    ///
    /// # Example
    ///
    /// See [`Runner`].
    pub fn execute<M: Versioned, S: Store + ?Sized>(
        &self,
        store: &S,
        instance: &str,
        command: &M::Command,
        ctx: &Context<'_, M::Config>,
        key: Option<&str>,
    ) -> Result<Executed<M>, RunError<M::Error>> {
        if let Some(key) = key {
            if let Some(first) = store.commit_for_key(key)? {
                return duplicate(store, instance, key, first);
            }
        }
        for _ in 0..self.max_attempts {
            let current = load_or_new::<M, _>(store, instance)?;
            let events = current.decide(command, ctx).map_err(RunError::Rejected)?;
            if events.is_empty() && key.is_none() {
                let v = current.version();
                let commit =
                    Commit { instance: instance.to_owned(), from_version: v, to_version: v, first: None, last: None };
                return Ok(Executed { events, commit, duplicate: false });
            }
            let mut append = self.append_for(instance, &current, &events, ctx)?;
            append.key = key.map(str::to_owned);
            match store.append(&append) {
                Ok(Appended::New(commit)) => return Ok(Executed { events, commit, duplicate: false }),
                Ok(Appended::Duplicate(first)) => return duplicate(store, instance, key.unwrap_or_default(), first),
                Err(StoreError::Conflict { .. }) => {}
                Err(e) => return Err(e.into()),
            }
        }
        Err(RunError::Exhausted { instance: instance.to_owned(), attempts: self.max_attempts })
    }

    /// Fires every due deadline of machine `M` at `ctx.now()`, at most `limit` instances, each exactly once: the
    /// instance is loaded, its tick ([`Tickable::tick`]) decided with `ctx`, and the events appended with the loaded
    /// version. A concurrent command on the instance makes the append conflict; the instance is then reloaded and
    /// ticked only if it is still due (see [`Store::fire_due`]).
    ///
    /// Call it whenever the earliest deadline comes, or on a fixed beat; a tick with nothing due does nothing. If
    /// `fired.len() == limit`, call again: more may be due.
    ///
    /// # Errors
    ///
    /// [`StoreError`] if the store fails; per-instance problems are in the [`TickReport`].
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::{TimeDelta, TimeZone, Utc};
    /// use kefu::approval::{Approval, ApprovalChain, ApprovalCommand};
    /// use kefu::calendar::CalendarSet;
    /// use kefu::machine::{Context, Principal};
    /// use kefu::sla::SlaPolicy;
    /// use kefu::store::{MemoryStore, Runner};
    ///
    /// let store = MemoryStore::new();
    /// let runner = Runner::new();
    /// let t0 = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).single().ok_or("bad date")?;
    /// let (clerk, system, calendars) = (Principal::new("clerk"), Principal::system(), CalendarSet::new());
    /// // Rule C6 with a day for the approver: the step's clock breaches after 24 hours.
    /// let chain = ApprovalChain::c6_incomplete_file().with_step_sla(SlaPolicy::elapsed("a day", TimeDelta::hours(24)));
    /// for id in ["x-1", "x-2"] {
    ///     let request = ApprovalCommand::Request { chain: chain.clone(), subject: id.into() };
    ///     runner.execute::<Approval, _>(&store, id, &request, &Context::new(t0, &clerk, &calendars), None)?;
    /// }
    /// let later = Context::new(t0 + TimeDelta::hours(25), &system, &calendars);
    /// assert_eq!(runner.tick::<Approval, _>(&store, &later, 10)?.fired.len(), 2); // both breached
    /// assert_eq!(runner.tick::<Approval, _>(&store, &later, 10)?.fired.len(), 0); // and only once
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn tick<M: Versioned + Tickable, S: Store + ?Sized>(
        &self,
        store: &S,
        ctx: &Context<'_, M::Config>,
        limit: usize,
    ) -> Result<TickReport<M::Error>, StoreError> {
        let mut report = TickReport::default();
        let command = M::tick();
        let mut fire = |stored: &super::StoredInstance| -> Option<Append> {
            let id = &stored.instance;
            let current = match rebuild::<M, _>(store, stored) {
                Ok(current) => current,
                Err(e) => {
                    report.failed.push((id.clone(), e));
                    return None;
                }
            };
            match current.decide(&command, ctx) {
                Ok(events) if events.is_empty() => {
                    report.idle.push(id.clone());
                    None
                }
                Ok(events) => match self.append_for(id, &current, &events, ctx) {
                    Ok(append) => Some(append),
                    Err(e) => {
                        report.failed.push((id.clone(), e));
                        None
                    }
                },
                Err(rejection) => {
                    report.rejected.push((id.clone(), rejection));
                    None
                }
            }
        };
        let fired = store.fire_due(M::NAME, ctx.now(), limit, &mut fire)?;
        report.fired = fired;
        Ok(report)
    }

    /// The append for `events` decided on `current`: encoded events, the next deadline after them, and a snapshot
    /// if the new version crosses a multiple of `snapshot_every`.
    fn append_for<M: Versioned>(
        &self,
        instance: &str,
        current: &Instance<M>,
        events: &[M::Event],
        ctx: &Context<'_, M::Config>,
    ) -> Result<Append, StoreError> {
        let from = current.version();
        let encoded = events
            .iter()
            .zip(from + 1..)
            .map(|(event, version)| encode_event::<M>(instance, version, event))
            .collect::<Result<Vec<_>, _>>()?;
        let mut after = current.clone();
        after.apply_all(events);
        let mut append = Append::new(instance, M::NAME, from, ctx.now())
            .with_events(encoded)
            .with_next_deadline(after.next_deadline().map(StoredDeadline::from));
        let every = self.snapshot_every;
        if every > 0 && after.version() / every > from / every {
            append.snapshot = Some(encode_snapshot(instance, &after)?);
        }
        Ok(append)
    }
}

/// The first execution of a repeated key, with its events read back from the log.
fn duplicate<M: Versioned, S: Store + ?Sized>(
    store: &S,
    instance: &str,
    key: &str,
    first: Commit,
) -> Result<Executed<M>, RunError<M::Error>> {
    if first.instance != instance {
        return Err(StoreError::KeyReused {
            key: key.to_owned(),
            first_instance: first.instance,
            instance: instance.to_owned(),
        }
        .into());
    }
    let count = usize::try_from(first.len()).unwrap_or(usize::MAX);
    let events = store
        .instance_events(instance, first.from_version, count)?
        .iter()
        .map(decode_event::<M>)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Executed { events, commit: first, duplicate: true })
}
