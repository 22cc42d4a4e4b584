//! Byte-level mutation of real inputs: fuzz your own loaders the way kefu fuzzes its own (`tests/fuzz_*.rs` in
//! kefu and kefu-cli).
//!
//! A case is a seed (a shipped calendar, script, policy or stored state) with a few mutations applied: bits
//! flipped, bytes set, tokens from a dictionary of troublemakers inserted (multi-byte characters, huge numbers,
//! months, brackets, quotes), ranges deleted, duplicated or copied elsewhere, the end cut off. Most mutants are
//! near misses that get deep into the loaders before they fail, which plain random bytes never do. proptest
//! shrinks a failing case to the fewest mutations and prints the text.
//!
//! Case counts: each target has a default chosen to keep the fuzz suites to about 20-30 s in a debug build;
//! `KEFU_FUZZ_CASES=N` runs N cases per target instead (the guide's testing page gives the release-time run).

use std::fmt;

use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::Config;

/// The proptest configuration of a target: `default` cases, or `KEFU_FUZZ_CASES` when it is set.
pub fn config(default: u32) -> Config {
    let cases = std::env::var("KEFU_FUZZ_CASES").ok().and_then(|n| n.trim().parse().ok()).unwrap_or(default);
    Config { cases, max_shrink_iters: 4_096, ..Config::default() }
}

/// Texts that have broken parsers somewhere, or sit on a boundary of ours.
pub const DICTIONARY: &[&str] = &[
    "é",
    "時",
    "µ",
    "\u{0}",
    "\u{feff}",
    "\u{202e}",
    "𝟙",
    "P1é",
    "PT1時",
    "1mo",
    "1month",
    "P1M",
    "P1Y",
    "PT1.5H",
    "-1",
    "0",
    "-0",
    "1e309",
    "NaN",
    "inf",
    "99999999999999999999",
    "18446744073709551616",
    "9223372036854775807",
    "-9223372036854775808",
    "4294967296",
    "24:00",
    "00:00-24:00",
    "23:59-00:00",
    "25:61",
    "09:00-09:00",
    "9999-12-31",
    "0000-01-01",
    "1969-12-31",
    "2200-01-01",
    "2026-02-29",
    "2026-03-08T02:30:00",
    "+14:00",
    "Z",
    "T",
    "\"",
    "'",
    "\\",
    "\\u0000",
    "\\ud800",
    "[",
    "]",
    "{",
    "}",
    "[[",
    "]]",
    "=",
    ",",
    ":",
    ".",
    "#",
    "\n",
    "\r\n",
    "\t",
    "'''",
    "\"\"\"",
    "true",
    "null",
    "1h",
    "0s",
    "P0D",
    "Etc/GMT+14",
    "Asia/Shanghai",
    "America/New_York",
    "Mars/Olympus",
];

/// One change to a byte string; positions are proportions of the current length, so any mutation applies to any
/// seed.
#[derive(Clone, Debug)]
pub enum Mutation {
    /// Flips one bit of one byte.
    Flip(Index, u8),
    /// Sets one byte.
    Set(Index, u8),
    /// Inserts bytes (a dictionary token or random bytes).
    Insert(Index, Vec<u8>),
    /// Deletes up to `len` bytes.
    Delete(Index, u8),
    /// Repeats up to `len` bytes right after themselves, `times` times.
    Duplicate(Index, u8, u8),
    /// Copies up to `len` bytes from one place to another.
    Copy(Index, Index, u8),
    /// Cuts everything from a position on.
    Truncate(Index),
    /// Replaces the contents of one `"…"` string (the n-th pair of quotes) with a token: a typed field gets a
    /// troublemaker while the document around it stays well-formed.
    ReplaceString(Index, Vec<u8>),
    /// Replaces one run of digits (a number, or part of a date or a time) with a token.
    ReplaceDigits(Index, Vec<u8>),
}

fn token() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        3 => proptest::sample::select(DICTIONARY).prop_map(|t| t.as_bytes().to_vec()),
        1 => proptest::collection::vec(any::<u8>(), 1..4),
    ]
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let inserted = token();
    prop_oneof![
        4 => (any::<Index>(), token()).prop_map(|(at, bytes)| Mutation::ReplaceString(at, bytes)),
        2 => (any::<Index>(), token()).prop_map(|(at, bytes)| Mutation::ReplaceDigits(at, bytes)),
        2 => (any::<Index>(), 0..8_u8).prop_map(|(at, bit)| Mutation::Flip(at, bit)),
        2 => (any::<Index>(), any::<u8>()).prop_map(|(at, byte)| Mutation::Set(at, byte)),
        4 => (any::<Index>(), inserted).prop_map(|(at, bytes)| Mutation::Insert(at, bytes)),
        2 => (any::<Index>(), 1..32_u8).prop_map(|(at, len)| Mutation::Delete(at, len)),
        1 => (any::<Index>(), 1..32_u8, 1..4_u8).prop_map(|(at, len, times)| Mutation::Duplicate(at, len, times)),
        2 => (any::<Index>(), any::<Index>(), 1..32_u8).prop_map(|(from, to, len)| Mutation::Copy(from, to, len)),
        1 => any::<Index>().prop_map(Mutation::Truncate),
    ]
}

/// A position in `0..=len` (an insertion point), from a proportion.
fn point(at: &Index, len: usize) -> usize {
    at.index(len + 1)
}

/// Applies the mutations in order.
pub fn apply(seed: &[u8], mutations: &[Mutation]) -> Vec<u8> {
    let mut bytes = seed.to_vec();
    for m in mutations {
        let len = bytes.len();
        match m {
            Mutation::Flip(at, bit) if len > 0 => bytes[at.index(len)] ^= 1 << bit,
            Mutation::Set(at, byte) if len > 0 => bytes[at.index(len)] = *byte,
            Mutation::Insert(at, new) => {
                let at = point(at, len);
                bytes.splice(at..at, new.iter().copied());
            }
            Mutation::Delete(at, n) if len > 0 => {
                let at = at.index(len);
                bytes.drain(at..(at + usize::from(*n)).min(len));
            }
            Mutation::Duplicate(at, n, times) if len > 0 => {
                let at = at.index(len);
                let chunk = bytes[at..(at + usize::from(*n)).min(len)].to_vec();
                let end = at + chunk.len();
                for _ in 0..*times {
                    bytes.splice(end..end, chunk.iter().copied());
                }
            }
            Mutation::Copy(from, to, n) if len > 0 => {
                let from = from.index(len);
                let chunk = bytes[from..(from + usize::from(*n)).min(len)].to_vec();
                let to = point(to, len);
                bytes.splice(to..to, chunk);
            }
            Mutation::Truncate(at) => bytes.truncate(point(at, len)),
            Mutation::ReplaceString(which, new) => {
                let quotes: Vec<usize> =
                    bytes.iter().enumerate().filter(|(_, b)| **b == b'"').map(|(i, _)| i).collect();
                let pairs = quotes.len() / 2;
                if pairs > 0 {
                    let n = which.index(pairs);
                    bytes.splice(quotes[2 * n] + 1..quotes[2 * n + 1], new.iter().copied());
                }
            }
            Mutation::ReplaceDigits(which, new) => {
                let starts: Vec<usize> = (0..len)
                    .filter(|&i| bytes[i].is_ascii_digit() && (i == 0 || !bytes[i - 1].is_ascii_digit()))
                    .collect();
                if !starts.is_empty() {
                    let start = starts[which.index(starts.len())];
                    let end = (start..len).find(|&i| !bytes[i].is_ascii_digit()).unwrap_or(len);
                    bytes.splice(start..end, new.iter().copied());
                }
            }
            _ => {}
        }
    }
    bytes
}

/// A mutated input: shown as (lossy) text when a case fails.
#[derive(Clone)]
pub struct Mutant {
    /// Which seed it came from.
    pub seed: usize,
    /// The bytes.
    pub bytes: Vec<u8>,
}

impl Mutant {
    /// The bytes as text, invalid UTF-8 replaced (the loaders take `&str`).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }
}

impl fmt::Debug for Mutant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "seed #{} mutated to {:?}", self.seed, String::from_utf8_lossy(&self.bytes))
    }
}

/// One of `seeds`, with one to `max_mutations` mutations.
pub fn mutated(seeds: Vec<Vec<u8>>, max_mutations: usize) -> impl Strategy<Value = Mutant> {
    assert!(!seeds.is_empty(), "no seeds");
    let count = seeds.len();
    // One mutation half of the time: a single well-placed change gets deepest into a loader.
    let mutations = prop_oneof![
        1 => proptest::collection::vec(mutation(), 1..=1),
        1 => proptest::collection::vec(mutation(), 1..=max_mutations.max(1)),
    ];
    (0..count, mutations).prop_map(move |(seed, mutations)| Mutant { seed, bytes: apply(&seeds[seed], &mutations) })
}

/// Arbitrary bytes, mostly short, now and then long.
pub fn arbitrary_bytes() -> impl Strategy<Value = Mutant> {
    prop_oneof![
        4 => proptest::collection::vec(any::<u8>(), 0..64),
        1 => proptest::collection::vec(any::<u8>(), 0..4_096),
    ]
    .prop_map(|bytes| Mutant { seed: usize::MAX, bytes })
}
