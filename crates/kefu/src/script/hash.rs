//! [`ContentHash`]: the SHA-256 of a script's canonical encoding, which runs are pinned to.

use core::fmt;
use core::str::FromStr;
use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::{Digest as _, Sha256};

use super::{Choice, Node, Route, Script, Texts, Variable};

/// A script's content hash: SHA-256 over a canonical byte encoding of every field (strings length-prefixed, maps in
/// key order, optional fields tagged), so it does not depend on the file's format, key order, comments or
/// whitespace, nor on the platform or the Rust version. A [run](super::ScriptRun) is pinned to it, and SHA-256 is
/// collision-resistant: nobody can make a different script that passes for the one a run started on.
///
/// Written (displayed, serialized, parsed) as `sha256:` followed by 64 lower-case hex digits.
///
/// # Runs pinned before SHA-256
///
/// kefu 0.1's first releases pinned runs with a 64-bit FNV-1a hash, written as 16 bare hex digits. Such a hash still
/// parses (as a *legacy* hash, [`is_legacy`](Self::is_legacy)), so old events and callback records stay readable;
/// it is written back exactly as it was. FNV-1a is not collision-resistant, so a run pinned with it cannot prove
/// which script it started on: [`ScriptRun`](super::ScriptRun) refuses to go on with it
/// ([`RunError::LegacyPin`](super::RunError::LegacyPin)) and only accepts an abort, after which the callback is tried
/// again with a new run. Calls last minutes, so this only touches the runs in progress during the upgrade.
///
/// # Example
///
/// ```
/// use kefu::script::{ContentHash, Script};
///
/// let toml = Script::from_toml_str("id = \"x\"\nversion = 1\nlocales = [\"en\"]\n[[nodes]]\nid = \"e\"\nkind = \"end\"\noutcome = \"completed\"\n")?;
/// let json = Script::from_json_str(r#"{"version": 1, "id": "x", "locales": ["en"],
///     "nodes": [{"kind": "end", "id": "e", "outcome": "completed"}]}"#)?;
/// let hash = toml.content_hash();
/// assert_eq!(hash, json.content_hash());
///
/// let written = hash.to_string();
/// assert!(written.starts_with("sha256:") && written.len() == 7 + 64);
/// assert_eq!(written.parse::<ContentHash>()?, hash);
///
/// // A pin written by an older kefu (FNV-1a) still reads, as a legacy hash.
/// let old: ContentHash = "be51f552dec9cafa".parse()?;
/// assert!(old.is_legacy() && old.sha256().is_none());
/// assert_eq!(old.to_string(), "be51f552dec9cafa");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ContentHash(Digest);

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Digest {
    Sha256([u8; 32]),
    /// Read from old records only; never computed.
    LegacyFnv1a(u64),
}

impl ContentHash {
    /// The prefix of the written form.
    pub const PREFIX: &'static str = "sha256:";

    /// The hash with these SHA-256 bytes.
    ///
    /// ```
    /// use kefu::script::ContentHash;
    ///
    /// let hash = ContentHash::from_sha256([0xab; 32]);
    /// assert_eq!(hash.sha256(), Some(&[0xab; 32]));
    /// assert_eq!(hash.to_string(), format!("sha256:{}", "ab".repeat(32)));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub const fn from_sha256(bytes: [u8; 32]) -> Self {
        Self(Digest::Sha256(bytes))
    }

    /// The SHA-256 bytes; `None` for a legacy FNV-1a hash.
    #[must_use]
    pub fn sha256(&self) -> Option<&[u8; 32]> {
        match &self.0 {
            Digest::Sha256(bytes) => Some(bytes),
            Digest::LegacyFnv1a(_) => None,
        }
    }

    /// Whether this is a legacy 64-bit FNV-1a hash read from an old record (see the type's documentation).
    #[must_use]
    pub fn is_legacy(&self) -> bool {
        matches!(self.0, Digest::LegacyFnv1a(_))
    }
}

impl fmt::Display for ContentHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Digest::Sha256(bytes) => {
                f.write_str(Self::PREFIX)?;
                bytes.iter().try_for_each(|b| write!(f, "{b:02x}"))
            }
            Digest::LegacyFnv1a(h) => write!(f, "{h:016x}"),
        }
    }
}

/// Text that is not a [`ContentHash`].
///
/// ```
/// use kefu::script::ContentHash;
///
/// let err = "sha256:12".parse::<ContentHash>().unwrap_err();
/// assert!(err.to_string().contains("64 hex digits"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{text}` is not a script content hash: write `sha256:` and 64 hex digits (or, from an old record, 16 hex digits)"
)]
pub struct ContentHashError {
    /// The text given (at most its first 100 characters).
    pub text: String,
}

impl FromStr for ContentHash {
    type Err = ContentHashError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let fail = || ContentHashError { text: text.chars().take(100).collect() };
        if let Some(hex) = text.strip_prefix(Self::PREFIX) {
            let digits = hex.as_bytes();
            if digits.len() != 64 {
                return Err(fail());
            }
            let mut bytes = [0u8; 32];
            for (byte, pair) in bytes.iter_mut().zip(digits.chunks_exact(2)) {
                *byte = (hex_digit(pair[0]).ok_or_else(fail)? << 4) | hex_digit(pair[1]).ok_or_else(fail)?;
            }
            Ok(Self::from_sha256(bytes))
        } else if text.len() == 16 && text.bytes().all(|b| b.is_ascii_hexdigit()) {
            u64::from_str_radix(text, 16).map(|h| Self(Digest::LegacyFnv1a(h))).map_err(|_| fail())
        } else {
            Err(fail())
        }
    }
}

fn hex_digit(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

impl Serialize for ContentHash {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ContentHash {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// The canonical encoding of a script, fed to SHA-256 as it is produced.
struct Canonical(Sha256);

impl Canonical {
    fn bytes(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }

    fn len(&mut self, n: usize) {
        self.bytes(&(n as u64).to_le_bytes());
    }

    fn str(&mut self, s: &str) {
        self.len(s.len());
        self.bytes(s.as_bytes());
    }

    fn tag(&mut self, tag: u8) {
        self.bytes(&[tag]);
    }

    fn opt_str(&mut self, s: Option<&str>) {
        match s {
            None => self.tag(0),
            Some(s) => {
                self.tag(1);
                self.str(s);
            }
        }
    }

    fn texts(&mut self, texts: &Texts) {
        self.len(texts.len());
        for (locale, text) in texts {
            self.str(locale);
            self.str(text);
        }
    }

    fn opt_texts(&mut self, texts: Option<&Texts>) {
        match texts {
            None => self.tag(0),
            Some(t) => {
                self.tag(1);
                self.texts(t);
            }
        }
    }

    fn variables(&mut self, variables: &BTreeMap<String, Variable>) {
        self.len(variables.len());
        for (name, v) in variables {
            self.str(name);
            self.opt_str(v.description.as_deref());
            self.opt_texts(v.default.as_ref());
        }
    }

    fn choices(&mut self, choices: &[Choice]) {
        self.len(choices.len());
        for c in choices {
            self.str(&c.value);
            self.texts(&c.text);
        }
    }

    fn routes(&mut self, routes: &[Route]) {
        self.len(routes.len());
        for r in routes {
            self.str(&r.question);
            self.str(&r.is);
            self.str(&r.next);
        }
    }

    fn node(&mut self, node: &Node) {
        match node {
            Node::Say { id, text, next } => {
                self.tag(1);
                self.str(id);
                self.texts(text);
                self.opt_str(next.as_deref());
            }
            Node::Question { id, text, answer, choices, records, next } => {
                self.tag(2);
                self.str(id);
                self.texts(text);
                self.str(answer.name());
                self.choices(choices);
                self.opt_str(records.map(|r| r.name()));
                self.opt_str(next.as_deref());
            }
            Node::Branch { id, cases, default } => {
                self.tag(3);
                self.str(id);
                self.routes(cases);
                self.opt_str(default.as_deref());
            }
            Node::Schedule { id, from, text, next } => {
                self.tag(4);
                self.str(id);
                self.str(from);
                self.opt_texts(text.as_ref());
                self.opt_str(next.as_deref());
            }
            Node::Problem { id, from, department, text, next } => {
                self.tag(5);
                self.str(id);
                self.str(from);
                self.opt_str(department.as_deref());
                self.opt_texts(text.as_ref());
                self.opt_str(next.as_deref());
            }
            Node::End { id, outcome, text, next } => {
                self.tag(6);
                self.str(id);
                self.str(outcome.name());
                self.opt_texts(text.as_ref());
                self.opt_str(next.as_deref());
            }
        }
    }
}

impl Script {
    /// The script's [`ContentHash`] (SHA-256 of its canonical encoding). Cost: one pass over the script's bytes.
    #[must_use]
    pub fn content_hash(&self) -> ContentHash {
        let mut h = Canonical(Sha256::new());
        // The version of the canonical encoding, not of the script.
        h.str("kefu-script/1");
        h.str(&self.id);
        h.bytes(&self.version.to_le_bytes());
        h.texts(&self.title);
        h.len(self.locales.len());
        for l in &self.locales {
            h.str(l);
        }
        h.variables(&self.variables);
        h.opt_str(self.start.as_deref());
        h.len(self.nodes.len());
        for n in &self.nodes {
            h.node(n);
        }
        ContentHash::from_sha256(h.0.finalize().into())
    }
}

#[cfg(test)]
mod tests {
    use super::{Canonical, ContentHash, Sha256};
    use sha2::Digest as _;

    /// The hash function under the encoding is SHA-256 itself (FIPS 180-4 test vectors).
    #[test]
    fn sha256_matches_the_published_test_vectors() {
        let hash = |s: &str| {
            let mut h = Canonical(Sha256::new());
            h.bytes(s.as_bytes());
            ContentHash::from_sha256(h.0.finalize().into()).to_string()
        };
        assert_eq!(hash(""), "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assert_eq!(hash("abc"), "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    #[test]
    fn the_written_form_round_trips_and_malformed_text_is_refused() {
        let hash = ContentHash::from_sha256(core::array::from_fn(|i| i as u8));
        assert_eq!(hash.to_string().parse::<ContentHash>(), Ok(hash));
        assert_eq!(hash.to_string().to_uppercase().replace("SHA256:", "sha256:").parse::<ContentHash>(), Ok(hash));
        for bad in ["", "sha256:", "sha256:xyz", &format!("sha256:{}", "0".repeat(63)), "be51f552dec9caf", "sha1:00"] {
            assert!(bad.parse::<ContentHash>().is_err(), "{bad}");
        }
        let legacy: ContentHash = "BE51F552DEC9CAFA".parse().unwrap();
        assert!(legacy.is_legacy());
        assert_eq!(legacy.to_string(), "be51f552dec9cafa");
    }
}
