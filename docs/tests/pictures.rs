//! The guide's pictures are generated, not drawn: this test regenerates every machine's Mermaid and DOT text from
//! its transition table and fails if `docs/src/pictures/*` or the fenced blocks of `docs/src/pictures.md` differ.
//!
//! After changing a machine's table, rewrite the pictures with
//!
//! ```sh
//! KEFU_UPDATE_PICTURES=1 cargo test -p kefu-guide --test pictures
//! ```
//!
//! and commit the changed files. In `pictures.md`, a line `<!-- generated: pictures/NAME.EXT -->` marks the fenced
//! block that follows it as a copy of that file; the prose around the blocks is written by hand.

use std::fs;
use std::path::PathBuf;

use kefu::approval::Approval;
use kefu::callback::Callback;
use kefu::case::Case;
use kefu::lifecycle::Lifecycle;
use kefu::machine::{Kind, Machine, TransitionGraph};
use kefu::quality::Action;
use kefu::script::{S1_TOML, S2_TOML, ValidScript};
use kefu::sla::Clock;

const UPDATE: &str = "KEFU_UPDATE_PICTURES";

fn pictures_dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/src/pictures"))
}

fn pictures_page() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/src/pictures.md"))
}

/// A machine's pictures as `(file name, text)`, after checking that its graph is well formed.
fn pictures_of<M: Machine>() -> [(String, String); 2]
where
    M::StateKind: Kind,
    M::CommandKind: Kind,
{
    let graph = TransitionGraph::of::<M>();
    assert!(graph.unreachable().is_empty(), "{}: unreachable states {:?}", M::NAME, graph.unreachable());
    assert!(graph.cannot_finish().is_empty(), "{}: states that cannot finish {:?}", M::NAME, graph.cannot_finish());
    [(format!("{}.mmd", M::NAME), graph.to_mermaid()), (format!("{}.dot", M::NAME), graph.to_dot())]
}

/// A callback script's pictures in each of its locales, as `(file name, text)` (rules S1, S2).
fn pictures_of_script(text: &str) -> Vec<(String, String)> {
    let script = ValidScript::from_toml_str(text).expect("the shipped scripts validate");
    let mut out = Vec::new();
    for locale in &script.script().locales {
        let id = script.id();
        out.push((format!("{id}.{locale}.mmd"), script.to_mermaid(locale)));
        out.push((format!("{id}.{locale}.dot"), script.to_dot(locale)));
    }
    out
}

/// Every picture of the guide, in the order `pictures.md` shows them.
fn pictures() -> Vec<(String, String)> {
    let mut all = Vec::new();
    all.extend(pictures_of::<Clock>());
    all.extend(pictures_of::<Approval>());
    all.extend(pictures_of::<Case>());
    all.extend(pictures_of_script(S1_TOML));
    all.extend(pictures_of_script(S2_TOML));
    all.extend(pictures_of::<Lifecycle>());
    all.extend(pictures_of::<Callback>());
    all.extend(pictures_of::<Action>());
    all
}

fn read(path: &PathBuf) -> String {
    fs::read_to_string(path).map(|t| t.replace("\r\n", "\n")).unwrap_or_default()
}

/// `page` with the fenced block after each `<!-- generated: pictures/NAME -->` marker replaced by that picture.
/// Errors name a marker without a fenced block, or a picture the page does not show.
fn fill_page(page: &str, pictures: &[(String, String)]) -> Result<String, String> {
    let mut out = String::with_capacity(page.len());
    let mut shown = Vec::new();
    let mut lines = page.split_inclusive('\n');
    while let Some(line) = lines.next() {
        out.push_str(line);
        let Some(name) =
            line.trim().strip_prefix("<!-- generated: pictures/").and_then(|rest| rest.strip_suffix(" -->"))
        else {
            continue;
        };
        let (_, text) = pictures
            .iter()
            .find(|(file, _)| file == name)
            .ok_or_else(|| format!("pictures.md shows `pictures/{name}`, which no machine generates"))?;
        let fence = lines.next().filter(|l| l.starts_with("```")).ok_or_else(|| {
            format!("pictures.md: the marker for `{name}` must be followed directly by a ``` fenced block")
        })?;
        out.push_str(fence);
        out.push_str(text);
        // Skip the old block's body, keep its closing fence.
        let close = lines
            .by_ref()
            .find(|l| l.trim_end() == "```")
            .ok_or_else(|| format!("pictures.md: the fenced block for `{name}` is not closed"))?;
        out.push_str(close);
        shown.push(name.to_owned());
    }
    if let Some((missing, _)) = pictures.iter().find(|(file, _)| !shown.contains(file)) {
        return Err(format!("pictures.md does not show `pictures/{missing}`; add a marker and a fenced block"));
    }
    Ok(out)
}

#[test]
fn the_guide_pictures_match_the_transition_tables() {
    let update = std::env::var_os(UPDATE).is_some();
    let pictures = pictures();
    let mut stale = Vec::new();

    for (file, text) in &pictures {
        let path = pictures_dir().join(file);
        if read(&path) != *text {
            if update {
                fs::create_dir_all(pictures_dir()).expect("create docs/src/pictures");
                fs::write(&path, text).expect("write a picture");
            } else {
                stale.push(format!("docs/src/pictures/{file}"));
            }
        }
    }

    let page = read(&pictures_page());
    let filled = fill_page(&page, &pictures).unwrap_or_else(|e| panic!("{e}"));
    if filled != page {
        if update {
            fs::write(pictures_page(), &filled).expect("write pictures.md");
        } else {
            stale.push("docs/src/pictures.md".to_owned());
        }
    }

    assert!(
        stale.is_empty(),
        "stale pictures: {}; regenerate with `{UPDATE}=1 cargo test -p kefu-guide --test pictures`",
        stale.join(", ")
    );
}

#[test]
fn the_page_filler_replaces_only_marked_blocks() {
    let pictures = vec![("m.mmd".to_owned(), "new\n".to_owned())];
    let page = "text\n<!-- generated: pictures/m.mmd -->\n```mermaid\nold\nlines\n```\n```rust\nkept\n```\n";
    assert_eq!(
        fill_page(page, &pictures).as_deref(),
        Ok("text\n<!-- generated: pictures/m.mmd -->\n```mermaid\nnew\n```\n```rust\nkept\n```\n")
    );
    assert!(fill_page("no markers\n", &pictures).unwrap_err().contains("does not show `pictures/m.mmd`"));
    assert!(fill_page("<!-- generated: pictures/x.dot -->\n```dot\n```\n", &pictures).unwrap_err().contains("x.dot"));
}
