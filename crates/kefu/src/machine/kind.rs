//! [`Kind`]: the fieldless names of states and commands that a transition table speaks about.

use core::fmt::Debug;
use core::hash::Hash;

/// A fieldless enum naming the *kind* of a state or of a command.
///
/// A machine's states and commands carry data (who asked, when a clock started, …); its transition table does not
/// care about the data, only about which kind of state accepts which kind of command. `Kind` is that vocabulary.
///
/// - [`ALL`](Kind::ALL) lists every kind in declaration order. Pictures and graphs use this order, so it is part of
///   what snapshot tests see: append new kinds rather than reorder them.
/// - [`name`](Kind::name) is a stable, human-readable name used in error messages and pictures. Keep it a short
///   `snake_case` identifier; exporters sanitise anything else.
///
/// # Example
///
/// ```
/// use kefu::machine::Kind;
///
/// #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
/// enum TicketKind { Open, InProgress, Closed }
///
/// impl Kind for TicketKind {
///     const ALL: &'static [Self] = &[Self::Open, Self::InProgress, Self::Closed];
///     fn name(self) -> &'static str {
///         match self {
///             Self::Open => "open",
///             Self::InProgress => "in_progress",
///             Self::Closed => "closed",
///         }
///     }
/// }
///
/// assert_eq!(TicketKind::InProgress.name(), "in_progress");
/// assert_eq!(TicketKind::ALL.len(), 3);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub trait Kind: Copy + Eq + Ord + Hash + Debug + 'static {
    /// Every kind, in declaration order (the order pictures and graphs use).
    const ALL: &'static [Self];

    /// The stable name of this kind, for error messages and pictures.
    fn name(self) -> &'static str;
}
