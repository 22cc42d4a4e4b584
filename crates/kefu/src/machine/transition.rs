//! [`Transition`]: one row of a machine's transition table.

/// One row of a machine's transition table: in state kind `from`, a command of kind `on` is allowed and may lead to
/// any of the state kinds in `to`.
///
/// The table is the single declaration that both drives [`decide`](crate::machine::decide) (a command whose
/// `(from, on)` pair is not declared is rejected before the machine's code runs, and an accepted command must end in
/// one of the declared `to` kinds) and produces the [transition graph](crate::machine::TransitionGraph) and its
/// pictures. There is no second copy to keep in sync.
///
/// - A command that stays in the same kind of state while emitting events (adding a note, say) declares a self-loop:
///   `to` contains `from`.
/// - A command that emits no events at all (a spurious tick) changes nothing and is always consistent with the row.
/// - Several rows with the same `(from, on)` are allowed; their `to` sets are united.
///
/// # Example
///
/// ```
/// use kefu::machine::{Kind, Transition};
///
/// #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
/// enum S { Open, Closed }
/// impl Kind for S {
///     const ALL: &'static [Self] = &[Self::Open, Self::Closed];
///     fn name(self) -> &'static str { match self { Self::Open => "open", Self::Closed => "closed" } }
/// }
/// #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
/// enum C { Close, Note }
/// impl Kind for C {
///     const ALL: &'static [Self] = &[Self::Close, Self::Note];
///     fn name(self) -> &'static str { match self { Self::Close => "close", Self::Note => "note" } }
/// }
///
/// const TABLE: &[Transition<S, C>] = &[
///     Transition::new(S::Open, C::Note, &[S::Open]),
///     Transition::new(S::Open, C::Close, &[S::Closed]),
/// ];
/// assert!(TABLE[1].leads_to(S::Closed));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Transition<S: 'static, C> {
    /// The kind of state in which the command is accepted.
    pub from: S,
    /// The kind of command accepted.
    pub on: C,
    /// The kinds of state the command may lead to (in the order the pictures draw them).
    pub to: &'static [S],
}

impl<S: Copy + PartialEq + 'static, C: Copy> Transition<S, C> {
    /// Declares that in `from`, a command `on` may lead to any of `to`. Usable in `const` tables.
    #[must_use]
    pub const fn new(from: S, on: C, to: &'static [S]) -> Self {
        Self { from, on, to }
    }

    /// Whether this row allows ending in a state of kind `kind`.
    #[must_use]
    pub fn leads_to(&self, kind: S) -> bool {
        self.to.contains(&kind)
    }
}
