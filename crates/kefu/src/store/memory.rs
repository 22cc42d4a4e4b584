//! [`MemoryStore`]: the reference implementation of the store contract, in plain data structures.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Mutex, MutexGuard};

use chrono::{DateTime, Utc};

use super::{
    Append, Appended, Commit, DueInstance, IdKind, Position, RecordedEvent, Snapshot, Store, StoreError,
    StoredDeadline, StoredInstance, check_id,
};

/// The reference [`Store`]: everything in memory, behind one mutex. Nothing survives the process; use it for tests,
/// simulations and examples, and as the model the durable stores are checked against.
///
/// Costs: [`load`](Store::load) and [`append`](Store::append) are O(log n + k) for k events; [`due`](Store::due)
/// is O(log n + limit) on an ordered index of next deadlines; [`read`](Store::read) is O(log n + limit).
///
/// # Example
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use kefu::approval::{Approval, ApprovalChain, ApprovalCommand};
/// use kefu::calendar::CalendarSet;
/// use kefu::machine::{Context, Principal};
/// use kefu::store::{MemoryStore, Runner, Store};
///
/// let store = MemoryStore::new();
/// let now = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).single().ok_or("bad date")?;
/// let (clerk, calendars) = (Principal::new("clerk"), CalendarSet::new());
/// let request = ApprovalCommand::Request { chain: ApprovalChain::c6_incomplete_file(), subject: "file 1042".into() };
/// Runner::new().execute::<Approval, _>(&store, "x-1", &request, &Context::new(now, &clerk, &calendars), None)?;
/// assert_eq!(store.load("x-1")?.map(|i| i.version), Some(1));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Default)]
pub struct MemoryStore {
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    instances: HashMap<String, Head>,
    /// The log; `log[i]` has position `i + 1`.
    log: Vec<RecordedEvent>,
    /// (machine, next deadline, instance) for every instance with a deadline.
    due: BTreeSet<(String, DateTime<Utc>, String)>,
    keys: HashMap<String, Commit>,
    cursors: HashMap<String, Position>,
}

#[derive(Debug)]
struct Head {
    machine: String,
    version: u64,
    next_deadline: Option<StoredDeadline>,
    snapshot: Option<Snapshot>,
    /// Index in `log` of each event, by version - 1.
    events: Vec<usize>,
}

impl MemoryStore {
    /// An empty store.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> Result<MutexGuard<'_, Inner>, StoreError> {
        // A panic while holding the lock cannot leave a half-done append (appends mutate only after every check),
        // so a poisoned lock is still consistent.
        Ok(self.inner.lock().unwrap_or_else(std::sync::PoisonError::into_inner))
    }
}

impl Store for MemoryStore {
    fn load(&self, instance: &str) -> Result<Option<StoredInstance>, StoreError> {
        check_id(IdKind::Instance, instance)?;
        let inner = self.lock()?;
        let Some(head) = inner.instances.get(instance) else { return Ok(None) };
        let from = head.snapshot.as_ref().map_or(0, |s| s.version);
        let events = head.events.iter().skip(usize::try_from(from).unwrap_or(usize::MAX));
        Ok(Some(StoredInstance {
            instance: instance.to_owned(),
            machine: head.machine.clone(),
            version: head.version,
            next_deadline: head.next_deadline.clone(),
            snapshot: head.snapshot.clone(),
            events: events.map(|&i| inner.log[i].clone()).collect(),
        }))
    }

    fn instance_events(&self, instance: &str, after: u64, limit: usize) -> Result<Vec<RecordedEvent>, StoreError> {
        check_id(IdKind::Instance, instance)?;
        let inner = self.lock()?;
        let Some(head) = inner.instances.get(instance) else { return Ok(Vec::new()) };
        let skip = usize::try_from(after).unwrap_or(usize::MAX);
        Ok(head.events.iter().skip(skip).take(limit).map(|&i| inner.log[i].clone()).collect())
    }

    fn append(&self, append: &Append) -> Result<Appended, StoreError> {
        // The same ids as every other store, though memory could keep any string (see `check_id`).
        append.check_ids()?;
        let mut inner = self.lock()?;
        let inner = &mut *inner;
        if let Some(key) = &append.key {
            if let Some(first) = inner.keys.get(key) {
                if first.instance != append.instance {
                    return Err(StoreError::KeyReused {
                        key: key.clone(),
                        first_instance: first.instance.clone(),
                        instance: append.instance.clone(),
                    });
                }
                return Ok(Appended::Duplicate(first.clone()));
            }
        }
        let actual = match inner.instances.get(&append.instance) {
            Some(head) if head.machine != append.machine => {
                return Err(StoreError::WrongMachine {
                    instance: append.instance.clone(),
                    stored: head.machine.clone(),
                    requested: append.machine.clone(),
                });
            }
            Some(head) => head.version,
            None => 0,
        };
        if actual != append.expected {
            return Err(StoreError::Conflict { instance: append.instance.clone(), expected: append.expected, actual });
        }
        // Every check passed: from here on nothing fails.
        let head = inner.instances.entry(append.instance.clone()).or_insert_with(|| Head {
            machine: append.machine.clone(),
            version: 0,
            next_deadline: None,
            snapshot: None,
            events: Vec::new(),
        });
        let first = inner.log.len();
        for (i, event) in append.events.iter().enumerate() {
            head.events.push(inner.log.len());
            inner.log.push(RecordedEvent {
                position: Position(inner.log.len() as u64 + 1),
                instance: append.instance.clone(),
                machine: append.machine.clone(),
                version: append.expected + i as u64 + 1,
                schema: event.schema,
                at: append.at,
                payload: event.payload.clone(),
            });
        }
        head.version = append.to_version();
        if let Some(old) = head.next_deadline.take() {
            inner.due.remove(&(head.machine.clone(), old.at, append.instance.clone()));
        }
        if let Some(new) = &append.next_deadline {
            inner.due.insert((head.machine.clone(), new.at, append.instance.clone()));
        }
        head.next_deadline.clone_from(&append.next_deadline);
        if let Some(snapshot) = &append.snapshot {
            head.snapshot = Some(snapshot.clone());
        }
        let (first, last) = if append.events.is_empty() {
            (None, None)
        } else {
            (Some(Position(first as u64 + 1)), Some(Position(inner.log.len() as u64)))
        };
        let commit = Commit {
            instance: append.instance.clone(),
            from_version: append.expected,
            to_version: append.to_version(),
            first,
            last,
        };
        if let Some(key) = &append.key {
            inner.keys.insert(key.clone(), commit.clone());
        }
        Ok(Appended::New(commit))
    }

    fn commit_for_key(&self, key: &str) -> Result<Option<Commit>, StoreError> {
        check_id(IdKind::Key, key)?;
        Ok(self.lock()?.keys.get(key).cloned())
    }

    fn due(&self, machine: &str, now: DateTime<Utc>, limit: usize) -> Result<Vec<DueInstance>, StoreError> {
        check_id(IdKind::Machine, machine)?;
        let inner = self.lock()?;
        let from = (machine.to_owned(), DateTime::<Utc>::MIN_UTC, String::new());
        Ok(inner
            .due
            .range(from..)
            .take_while(|(m, at, _)| m == machine && *at <= now)
            .take(limit)
            .filter_map(|(_, _, id)| {
                let head = inner.instances.get(id)?;
                Some(DueInstance { instance: id.clone(), version: head.version, deadline: head.next_deadline.clone()? })
            })
            .collect())
    }

    fn read(&self, after: Position, limit: usize) -> Result<Vec<RecordedEvent>, StoreError> {
        let inner = self.lock()?;
        let skip = usize::try_from(after.0).unwrap_or(usize::MAX);
        Ok(inner.log.iter().skip(skip).take(limit).cloned().collect())
    }

    fn cursor(&self, subscriber: &str) -> Result<Position, StoreError> {
        check_id(IdKind::Subscriber, subscriber)?;
        Ok(self.lock()?.cursors.get(subscriber).copied().unwrap_or(Position::START))
    }

    fn save_cursor(&self, subscriber: &str, position: Position) -> Result<(), StoreError> {
        check_id(IdKind::Subscriber, subscriber)?;
        self.lock()?.cursors.insert(subscriber.to_owned(), position);
        Ok(())
    }
}
