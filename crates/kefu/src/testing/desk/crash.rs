//! Workers that crash: a store wrapper that fails at chosen moments, as a worker killed there would leave things.

use std::cell::Cell;

use chrono::{DateTime, Utc};

use super::{check_laws, check_reapply, quarter_end, run_quarter, sample_config, seeded_plan};
use crate::desk::{Desk, DeskError, REACTIONS_CURSOR};
use crate::store::{Append, Appended, Commit, DueInstance, Position, RecordedEvent, Store, StoreError, StoredInstance};

/// A store that fails like a worker killed at a random moment: now and then an append is refused (the worker died
/// just before it) or the save of the desk's reaction cursor is refused (it died between a reaction's appends and
/// the cursor save). What failed wrote nothing; everything before it is durable. After a failure the wrapper
/// refuses every write, as a dead process makes none: the desk over it must be dropped and a fresh one started
/// (a restarted worker) with [`CrashingStore::restart`].
///
/// The moments come from a seed: the same seed crashes at the same operations.
///
/// ```
/// use kefu::desk::Desk;
/// use kefu::store::MemoryStore;
/// use kefu::testing::desk::{CrashingStore, check_laws, run_beats, sample_config, seeded_plan};
///
/// let store = MemoryStore::new();
/// let crashing = CrashingStore::new(&store, 7, 4); // one write in four fails
/// let erp = Desk::new(&store, sample_config());
/// let mut worker = Desk::new(&crashing, sample_config());
/// let beats = seeded_plan(7).beats();
/// run_beats(&erp, &beats[..60], &mut |at| loop {
///     match worker.tick(at) {
///         Ok(_) => return Ok(()),
///         Err(_) => {
///             crashing.restart(); // a fresh worker takes over
///             worker = Desk::new(&crashing, sample_config());
///         }
///     }
/// })?;
/// assert!(crashing.crashes() > 0);
/// check_laws(&store)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct CrashingStore<S> {
    inner: S,
    state: Cell<u64>,
    one_in: u64,
    dead: Cell<bool>,
    crashes: Cell<usize>,
}

impl<S: Store> CrashingStore<S> {
    /// Wraps `inner`: each append and each save of the desk's reaction cursor fails with probability `1 / one_in`
    /// (2 or more; 0 never fails), drawn from `seed`.
    #[must_use]
    pub fn new(inner: S, seed: u64, one_in: u64) -> Self {
        Self { inner, state: Cell::new(seed | 1), one_in, dead: Cell::new(false), crashes: Cell::new(0) }
    }

    /// A restarted worker: writes are accepted again (until the next crash).
    pub fn restart(&self) {
        self.dead.set(false);
    }

    /// How many times the worker crashed.
    #[must_use]
    pub fn crashes(&self) -> usize {
        self.crashes.get()
    }

    /// The wrapped store.
    pub fn inner(&self) -> &S {
        &self.inner
    }

    /// Whether this write is the one the worker dies at (xorshift64, so that the moments depend on the seed only).
    fn dies(&self, what: &str) -> Result<(), StoreError> {
        if self.dead.get() {
            return Err(StoreError::backend(format!("{what} refused"), "crash test: the worker is dead"));
        }
        let mut x = self.state.get();
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.state.set(x);
        if self.one_in > 0 && x % self.one_in == 0 {
            self.dead.set(true);
            self.crashes.set(self.crashes.get() + 1);
            return Err(StoreError::backend(format!("{what} refused"), "crash test: the worker died before it"));
        }
        Ok(())
    }
}

impl<S: Store> Store for CrashingStore<S> {
    fn load(&self, instance: &str) -> Result<Option<StoredInstance>, StoreError> {
        self.inner.load(instance)
    }
    fn instance_events(&self, instance: &str, after: u64, limit: usize) -> Result<Vec<RecordedEvent>, StoreError> {
        self.inner.instance_events(instance, after, limit)
    }
    fn append(&self, append: &Append) -> Result<Appended, StoreError> {
        self.dies("an append")?;
        self.inner.append(append)
    }
    fn commit_for_key(&self, key: &str) -> Result<Option<Commit>, StoreError> {
        self.inner.commit_for_key(key)
    }
    fn due(&self, machine: &str, now: DateTime<Utc>, limit: usize) -> Result<Vec<DueInstance>, StoreError> {
        self.inner.due(machine, now, limit)
    }
    // `fire_due` is the default one, through `append` above: a crash may come between two firings.
    fn read(&self, after: Position, limit: usize) -> Result<Vec<RecordedEvent>, StoreError> {
        self.inner.read(after, limit)
    }
    fn cursor(&self, subscriber: &str) -> Result<Position, StoreError> {
        self.inner.cursor(subscriber)
    }
    fn save_cursor(&self, subscriber: &str, position: Position) -> Result<(), StoreError> {
        if subscriber == REACTIONS_CURSOR {
            self.dies("the cursor save")?;
        }
        self.inner.save_cursor(subscriber, position)
    }
}

/// The crash law [`desk_laws!`](crate::desk_laws) runs: the quarter [`seeded_plan`]`(seed)` on `store` (fresh and
/// empty), its ticks done by workers that die at one write in eight — between two firings, between two reaction
/// steps, or between a pass's appends and its cursor save — each replaced by a fresh desk (a new process knows
/// nothing of the dead one's memory) that ticks again at the same instant. Then [`check_laws`] and
/// [`check_reapply`]: nothing is doubled, nothing is missing.
///
/// # Panics
///
/// When a law is broken, the store fails, or no worker ever crashed, naming the seed.
pub fn crash_law(store: &dyn Store, seed: u64) {
    let erp = Desk::new(store, sample_config());
    let crashing = CrashingStore::new(store, seed, 8);
    let mut worker = Desk::new(&crashing, sample_config());
    let plan = seeded_plan(seed);
    let mut tick = |at: DateTime<Utc>| -> Result<(), DeskError> {
        loop {
            match worker.tick(at) {
                Ok(_) => return Ok(()),
                Err(DeskError::Store(e)) if e.to_string().contains("crash test") => {
                    crashing.restart();
                    worker = Desk::new(&crashing, sample_config());
                }
                Err(e) => return Err(e),
            }
        }
    };
    run_quarter(&erp, &plan, &mut tick).unwrap_or_else(|e| panic!("seed {seed}: playing the quarter failed: {e}"));
    assert!(crashing.crashes() > 0, "seed {seed}: no worker crashed");
    let tally = check_laws(store).unwrap_or_else(|e| panic!("seed {seed}, {} crashes: {e}", crashing.crashes()));
    assert!(tally.callbacks > 0 && tally.given > 0, "seed {seed}: the quarter did nothing: {tally:?}");
    check_reapply(&erp, quarter_end()).unwrap_or_else(|e| panic!("seed {seed}: {e}"));
}
