//! [`ContentHash`]: a stable 64-bit FNV-1a hash of a script's canonical encoding.

use core::fmt;
use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::{Case, Choice, Node, Script, Texts, Variable};

/// A stable hash of a script's content: FNV-1a (64 bits) over a canonical byte encoding of every field (strings
/// length-prefixed, maps in key order, optional fields tagged), so it does not depend on the file's format, key
/// order, comments or whitespace, nor on the platform or the Rust version. A run is pinned to it.
///
/// Displays and serializes as 16 lower-case hex digits.
///
/// # Example
///
/// ```
/// use kefu::script::Script;
///
/// let toml = Script::from_toml_str("id = \"x\"\nversion = 1\nlocales = [\"en\"]\n[[nodes]]\nid = \"e\"\nkind = \"end\"\noutcome = \"completed\"\n")?;
/// let json = Script::from_json_str(r#"{"version": 1, "id": "x", "locales": ["en"],
///     "nodes": [{"kind": "end", "id": "e", "outcome": "completed"}]}"#)?;
/// assert_eq!(toml.content_hash(), json.content_hash());
/// assert_eq!(toml.content_hash().to_string().len(), 16);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ContentHash(pub u64);

impl fmt::Display for ContentHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:016x}", self.0)
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
        u64::from_str_radix(&text, 16)
            .map(Self)
            .map_err(|_| serde::de::Error::custom(format!("`{text}` is not a 16-digit hex content hash")))
    }
}

/// FNV-1a, 64 bits.
struct Fnv(u64);

impl Fnv {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;

    fn bytes(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(Self::PRIME);
        }
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

    fn cases(&mut self, cases: &[Case]) {
        self.len(cases.len());
        for c in cases {
            self.str(&c.question);
            self.str(&c.is);
            self.str(&c.next);
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
                self.cases(cases);
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
    /// The script's [`ContentHash`]. Cost: one pass over the script's bytes.
    #[must_use]
    pub fn content_hash(&self) -> ContentHash {
        let mut h = Fnv(Fnv::OFFSET);
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
        ContentHash(h.0)
    }
}

#[cfg(test)]
mod tests {
    use super::Fnv;

    #[test]
    fn fnv1a_matches_the_published_test_vectors() {
        let hash = |s: &str| {
            let mut h = Fnv(Fnv::OFFSET);
            h.bytes(s.as_bytes());
            h.0
        };
        assert_eq!(hash(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(hash("a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(hash("foobar"), 0x8594_4171_f739_67e8);
    }
}
