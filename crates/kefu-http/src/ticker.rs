//! [`Ticker`]: the background beat that fires due deadlines and applies reactions, on a thread of its own (the desk
//! is synchronous).

use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

use kefu::store::Store;

use crate::app::App;

/// The ticker thread: ticks at the desk's next deadline, at least every poll interval (work written by other
/// processes), and at once after this process writes (reactions follow a fact without waiting).
#[derive(Debug)]
pub struct Ticker {
    stop: mpsc::Sender<()>,
    thread: Option<JoinHandle<()>>,
}

/// Why the ticker woke.
enum Beat {
    Work,
    Stop,
}

impl Ticker {
    /// Starts the ticker of `app`.
    ///
    /// # Errors
    ///
    /// The operating system's, when it cannot start a thread.
    pub fn start<S: Store + Send + Sync + 'static>(app: Arc<App<S>>) -> std::io::Result<Self> {
        let (wake, beats) = mpsc::channel::<()>();
        let (stop, stopped) = mpsc::channel::<()>();
        *app.wake.lock().unwrap_or_else(PoisonError::into_inner) = Some(wake);
        let thread = std::thread::Builder::new().name("kefu-ticker".into()).spawn(move || {
            loop {
                match app.tick() {
                    Ok(report) => {
                        if report.fired + report.steps > 0 || !report.stuck.is_empty() {
                            // Counts and instance ids only: reasons may quote what customers said.
                            tracing::info!(
                                fired = report.fired,
                                steps = report.steps,
                                refused = report.refused.len(),
                                stuck = report.stuck.len(),
                                "tick"
                            );
                        }
                    }
                    Err(e) => tracing::warn!(error = %kind(&e), "tick failed; retrying on the next beat"),
                }
                let pause = app
                    .desk
                    .next_due()
                    .ok()
                    .flatten()
                    .and_then(|at| (at - app.now()).to_std().ok())
                    .map_or(app.options.poll, |d| d.min(app.options.poll));
                match wait(&beats, &stopped, pause) {
                    Beat::Work => {}
                    Beat::Stop => return,
                }
            }
        })?;
        Ok(Self { stop, thread: Some(thread) })
    }

    /// Stops the ticker after its current tick, and waits for it.
    pub fn stop(mut self) {
        let _ = self.stop.send(());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for Ticker {
    fn drop(&mut self) {
        let _ = self.stop.send(());
    }
}

/// Sleeps until `pause` passes, a write wakes the ticker, or it is told to stop.
fn wait(beats: &mpsc::Receiver<()>, stopped: &mpsc::Receiver<()>, pause: Duration) -> Beat {
    // Short naps, so that a stop is seen within a tenth of a second even while writes keep it busy.
    let step = Duration::from_millis(100);
    let mut left = pause;
    loop {
        if !matches!(stopped.try_recv(), Err(mpsc::TryRecvError::Empty)) {
            return Beat::Stop;
        }
        match beats.recv_timeout(left.min(step)) {
            Ok(()) => {
                while beats.try_recv().is_ok() {}
                return Beat::Work;
            }
            Err(e) => {
                if e == RecvTimeoutError::Disconnected {
                    // Another ticker took the wake-ups: nap as if none came.
                    std::thread::sleep(left.min(step));
                }
                if left <= step {
                    return Beat::Work;
                }
                left -= step;
            }
        }
    }
}

/// A desk error's kind, for the log: never its message, which may quote a customer.
fn kind(error: &kefu::desk::DeskError) -> &'static str {
    use kefu::desk::DeskError;
    match error {
        DeskError::Store(_) => "store",
        DeskError::Busy { .. } => "busy",
        DeskError::Undeclared { .. } => "undeclared reaction",
        _ => "desk",
    }
}
