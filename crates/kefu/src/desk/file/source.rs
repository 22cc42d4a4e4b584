//! A configuration text and where each of its values is written: a light tree of positions built from the parsed
//! TOML (its spans) or from a scan of the JSON text, so that any key path — of a shape error, of a cross-check issue,
//! of an error inside a referenced file — can be turned into a line and a column.

use super::ConfigError;

/// Deeper values are not indexed (TOML's parser stops at 80 levels, JSON's at 128; this is a second guard).
const MAX_DEPTH: usize = 160;

/// Where a value is written (byte offset of its start) and, for tables and arrays, where its children are.
#[derive(Debug, Default)]
pub(super) struct Position {
    at: usize,
    children: Children,
}

#[derive(Debug, Default)]
enum Children {
    #[default]
    None,
    Table(Vec<(String, Position)>),
    Array(Vec<Position>),
}

/// One text the configuration is read from: `kefu.toml`, or a calendar or script file it references.
#[derive(Debug)]
pub(super) struct Source {
    /// The file's name as messages show it (`kefu.toml`, `config/calendars/prc-2026.toml`).
    pub(super) name: String,
    text: String,
    tree: Position,
}

/// Where a key path was found: exactly, or only an enclosing table (the value is not written; a default applies).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Found {
    pub(super) at: usize,
    pub(super) exact: bool,
}

impl Source {
    /// A source whose positions are not known (yet): every path is located at the start of the file.
    pub(super) fn unindexed(name: impl Into<String>, text: impl Into<String>) -> Self {
        Self { name: name.into(), text: text.into(), tree: Position::default() }
    }

    /// A TOML source, indexed from its parsed document.
    #[cfg(feature = "toml")]
    pub(super) fn toml(name: impl Into<String>, text: impl Into<String>, doc: &toml::de::DeTable<'_>) -> Self {
        Self { name: name.into(), text: text.into(), tree: Position { at: 0, children: toml_table(doc, 0) } }
    }

    /// A JSON source, indexed by scanning its text (which must already have parsed as JSON).
    pub(super) fn json(name: impl Into<String>, text: impl Into<String>) -> Self {
        let text = text.into();
        let tree = JsonScan { bytes: text.as_bytes(), pos: 0 }.document().unwrap_or_default();
        Self { name: name.into(), text, tree }
    }

    /// Where the value at `path` (`people[2].calendar`, `calendars.contact-hours.week.mon[1]`) is written, or the
    /// innermost enclosing value that is written.
    ///
    /// Keys may contain dots (`calendars.prc.2026`): at each table the longest key that fits the rest of the path
    /// is taken.
    pub(super) fn find(&self, path: &str) -> Found {
        let mut node = &self.tree;
        let mut rest = path;
        loop {
            rest = rest.strip_prefix('.').unwrap_or(rest);
            if rest.is_empty() {
                return Found { at: node.at, exact: true };
            }
            let next = match (&node.children, rest.strip_prefix('[')) {
                (Children::Array(items), Some(after)) => after.split_once(']').and_then(|(index, after)| {
                    let item = items.get(index.parse::<usize>().ok()?)?;
                    Some((item, after))
                }),
                (Children::Table(entries), None) => entries
                    .iter()
                    .filter(|(key, _)| {
                        rest.strip_prefix(key.as_str())
                            .is_some_and(|after| after.is_empty() || after.starts_with(['.', '[']))
                    })
                    .max_by_key(|(key, _)| key.len())
                    .map(|(key, child)| (child, &rest[key.len()..])),
                _ => None,
            };
            match next {
                Some((child, after)) => (node, rest) = (child, after),
                None => return Found { at: node.at, exact: false },
            }
        }
    }

    /// Line and column (both from 1; the column counts characters) of a byte offset.
    pub(super) fn line_col(&self, offset: usize) -> (usize, usize) {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let before = &self.text[..offset];
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        (before.matches('\n').count() + 1, before[line_start..].chars().count() + 1)
    }

    /// An error at a byte offset.
    pub(super) fn error_at(&self, offset: usize, path: impl Into<String>, message: impl Into<String>) -> ConfigError {
        let (line, column) = self.line_col(offset);
        ConfigError { file: self.name.clone(), line, column, path: path.into(), message: message.into() }
    }

    /// An error about the value at `path`, located where it is written; a value that is not written is located at
    /// its innermost written table, and the message says a default applies.
    pub(super) fn error(&self, path: impl Into<String>, message: impl Into<String>) -> ConfigError {
        let (path, mut message) = (path.into(), message.into());
        let found = self.find(&path);
        if !found.exact {
            message.push_str(" (this value is not written in the file: it is the default)");
        }
        self.error_at(found.at, path, message)
    }
}

#[cfg(feature = "toml")]
fn toml_table(table: &toml::de::DeTable<'_>, depth: usize) -> Children {
    Children::Table(
        table
            .iter()
            .map(|(key, value)| {
                // A table written as a `[header]` spans the header; an implicit one (`[a.b]` makes `a`) spans
                // nothing better than its key.
                let at = if value.span().is_empty() { key.span().start } else { value.span().start };
                (key.get_ref().to_string(), Position { at, children: toml_children(value.get_ref(), depth + 1) })
            })
            .collect(),
    )
}

#[cfg(feature = "toml")]
fn toml_children(value: &toml::de::DeValue<'_>, depth: usize) -> Children {
    use toml::de::DeValue;
    if depth > MAX_DEPTH {
        return Children::None;
    }
    match value {
        DeValue::Table(table) => toml_table(table, depth),
        DeValue::Array(items) => Children::Array(
            items
                .iter()
                .map(|item| Position { at: item.span().start, children: toml_children(item.get_ref(), depth + 1) })
                .collect(),
        ),
        _ => Children::None,
    }
}

/// A scan of JSON text that records where each value starts. It is meant for text `serde_json` accepts; on anything
/// else it gives up (`None`, so every path is located at the start of the file) rather than panic.
struct JsonScan<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl JsonScan<'_> {
    fn document(mut self) -> Option<Position> {
        self.value(0)
    }

    fn skip_ws(&mut self) {
        while self.bytes.get(self.pos).is_some_and(u8::is_ascii_whitespace) {
            self.pos += 1;
        }
    }

    fn value(&mut self, depth: usize) -> Option<Position> {
        self.skip_ws();
        let at = self.pos;
        let children = match self.bytes.get(self.pos)? {
            b'{' if depth < MAX_DEPTH => Children::Table(self.object(depth)?),
            b'[' if depth < MAX_DEPTH => Children::Array(self.array(depth)?),
            b'{' | b'[' => {
                self.skip_nested()?;
                Children::None
            }
            b'"' => {
                self.string()?;
                Children::None
            }
            _ => {
                while self
                    .bytes
                    .get(self.pos)
                    .is_some_and(|b| !matches!(b, b',' | b'}' | b']') && !b.is_ascii_whitespace())
                {
                    self.pos += 1;
                }
                Children::None
            }
        };
        Some(Position { at, children })
    }

    fn object(&mut self, depth: usize) -> Option<Vec<(String, Position)>> {
        self.pos += 1;
        let mut entries = Vec::new();
        loop {
            self.skip_ws();
            match self.bytes.get(self.pos)? {
                b'}' => {
                    self.pos += 1;
                    return Some(entries);
                }
                b',' => self.pos += 1,
                b'"' => {
                    let key = self.string()?;
                    self.skip_ws();
                    (self.bytes.get(self.pos)? == &b':').then_some(())?;
                    self.pos += 1;
                    entries.push((key, self.value(depth + 1)?));
                }
                _ => return None,
            }
        }
    }

    fn array(&mut self, depth: usize) -> Option<Vec<Position>> {
        self.pos += 1;
        let mut items = Vec::new();
        loop {
            self.skip_ws();
            match self.bytes.get(self.pos)? {
                b']' => {
                    self.pos += 1;
                    return Some(items);
                }
                b',' => self.pos += 1,
                _ => items.push(self.value(depth + 1)?),
            }
        }
    }

    /// Skips a string and returns its text (escapes decoded).
    fn string(&mut self) -> Option<String> {
        let start = self.pos;
        self.pos += 1;
        let mut escaped = false;
        loop {
            let b = *self.bytes.get(self.pos)?;
            self.pos += 1;
            match (escaped, b) {
                (false, b'\\') => escaped = true,
                (false, b'"') => break,
                _ => escaped = false,
            }
        }
        let raw = std::str::from_utf8(&self.bytes[start..self.pos]).ok()?;
        decode_json_string(raw)
    }

    /// Skips a table or array too deep to index.
    fn skip_nested(&mut self) -> Option<()> {
        let mut depth = 0usize;
        loop {
            match *self.bytes.get(self.pos)? {
                b'"' => {
                    self.string()?;
                    continue;
                }
                b'{' | b'[' => depth += 1,
                b'}' | b']' => depth -= 1,
                _ => {}
            }
            self.pos += 1;
            if depth == 0 {
                return Some(());
            }
        }
    }
}

/// The text of a JSON string token (with its quotes).
fn decode_json_string(raw: &str) -> Option<String> {
    #[cfg(feature = "json")]
    {
        serde_json::from_str(raw).ok()
    }
    #[cfg(not(feature = "json"))]
    {
        // Without a JSON parser no JSON source is ever built; keys without escapes are still read right.
        raw.strip_prefix('"')?.strip_suffix('"').map(str::to_owned)
    }
}

/// `dir/reference` for a file named in `origin` (`config/kefu.toml` + `calendars/prc.toml` →
/// `config/calendars/prc.toml`); an absolute reference stays as it is.
pub(super) fn beside(origin: &str, reference: &str) -> String {
    let absolute = reference.starts_with(['/', '\\']) || reference.get(1..3).is_some_and(|s| s == ":\\" || s == ":/");
    match origin.rfind(['/', '\\']) {
        Some(slash) if !absolute => format!("{}{reference}", &origin[..=slash]),
        _ => reference.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_positions_follow_keys_with_dots_and_arrays() {
        let text = "{\n  \"calendars\": {\"prc.2026\": {\"time_zone\": \"UTC\"}},\n  \"people\": [\n    {\"id\": \"a\"},\n    {\"id\": \"b\", \"calendar\": \"x\"}\n  ]\n}";
        let source = Source::json("kefu.json", text);
        let found = source.find("people[1].calendar");
        assert!(found.exact);
        assert_eq!(source.line_col(found.at), (5, 29));
        let found = source.find("calendars.prc.2026.time_zone");
        assert!(found.exact);
        assert_eq!(source.line_col(found.at), (2, 43));
        let missing = source.find("people[1].weight");
        assert!(!missing.exact);
        assert_eq!(source.line_col(missing.at), (5, 5));
        assert!(!source.find("people[7]").exact);
    }

    #[test]
    fn json_scan_of_garbage_gives_up_quietly() {
        for text in ["", "{", "{\"a\": [1, 2", "\"unterminated", "{\"a\" 1}", "]]]", "{\"a\":\"\\\"}"] {
            let source = Source::json("x.json", text);
            assert_eq!(source.find("a.b"), Found { at: 0, exact: false }, "{text}");
        }
    }

    #[test]
    fn columns_count_characters() {
        let text = "company = \"鸿枫化工\"\nx = 1";
        let source = Source::unindexed("x", text);
        assert_eq!(source.line_col(text.find("x =").unwrap_or(0)), (2, 1));
        assert_eq!(source.line_col(text.len()), (2, 6));
        // An offset inside a character is moved to its start.
        assert_eq!(source.line_col(12), (1, 12));
    }

    #[test]
    fn referenced_files_are_named_beside_the_configuration() {
        assert_eq!(beside("kefu.toml", "calendars/prc.toml"), "calendars/prc.toml");
        assert_eq!(beside("/etc/kefu/kefu.toml", "calendars/prc.toml"), "/etc/kefu/calendars/prc.toml");
        assert_eq!(beside("/etc/kefu/kefu.toml", "/srv/prc.toml"), "/srv/prc.toml");
        assert_eq!(beside("C:\\kefu\\kefu.toml", "prc.toml"), "C:\\kefu\\prc.toml");
    }
}
