//! The desk guide's pictures are generated: the reactions table and the desk's own machines, as Mermaid and DOT.
//! This test fails when `docs/src/pictures/*` or the marked blocks of `docs/src/desk.md` differ from the code;
//! regenerate with `KEFU_UPDATE_PICTURES=1 cargo test -p kefu-guide --test desk_pictures`.

use std::fs;
use std::path::PathBuf;

use kefu::desk::{Board, CampaignRun, Notice, Profile, reactions_to_dot, reactions_to_mermaid};
use kefu::machine::{Machine, TransitionGraph};

const UPDATE: &str = "KEFU_UPDATE_PICTURES";

fn docs() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/src"))
}

fn machine<M: Machine>() -> [(String, String); 2] {
    let graph = TransitionGraph::of::<M>();
    assert!(graph.unreachable().is_empty(), "{}: unreachable states {:?}", M::NAME, graph.unreachable());
    [(format!("{}.mmd", M::NAME), graph.to_mermaid()), (format!("{}.dot", M::NAME), graph.to_dot())]
}

fn pictures() -> Vec<(String, String)> {
    let mut all =
        vec![("reactions.mmd".to_owned(), reactions_to_mermaid()), ("reactions.dot".to_owned(), reactions_to_dot())];
    all.extend(machine::<Board>());
    all.extend(machine::<Notice>());
    all.extend(machine::<Profile>());
    all.extend(machine::<CampaignRun>());
    all
}

fn read(path: &PathBuf) -> String {
    fs::read_to_string(path).map(|t| t.replace("\r\n", "\n")).unwrap_or_default()
}

/// `page` with the fenced block after each `<!-- generated: pictures/NAME -->` replaced by that picture.
fn fill(page: &str, pictures: &[(String, String)]) -> String {
    let mut out = String::with_capacity(page.len());
    let mut lines = page.split_inclusive('\n');
    while let Some(line) = lines.next() {
        out.push_str(line);
        let Some(name) = line.trim().strip_prefix("<!-- generated: pictures/").and_then(|r| r.strip_suffix(" -->"))
        else {
            continue;
        };
        let text =
            &pictures.iter().find(|(f, _)| f == name).unwrap_or_else(|| panic!("desk.md shows unknown {name}")).1;
        let fence = lines.next().filter(|l| l.starts_with("```")).unwrap_or_else(|| panic!("{name}: no fenced block"));
        out.push_str(fence);
        out.push_str(text);
        out.push_str(lines.by_ref().find(|l| l.trim_end() == "```").unwrap_or_else(|| panic!("{name}: unclosed")));
    }
    out
}

#[test]
fn the_desk_pictures_match_the_reactions_table_and_the_machines() {
    let update = std::env::var_os(UPDATE).is_some();
    let pictures = pictures();
    let mut stale = Vec::new();
    for (file, text) in &pictures {
        let path = docs().join("pictures").join(file);
        if read(&path) != *text {
            if update {
                fs::write(&path, text).expect("write a picture");
            } else {
                stale.push(format!("docs/src/pictures/{file}"));
            }
        }
    }
    let page_path = docs().join("desk.md");
    let page = read(&page_path);
    let filled = fill(&page, &pictures);
    if filled != page {
        if update {
            fs::write(&page_path, &filled).expect("write desk.md");
        } else {
            stale.push("docs/src/desk.md".to_owned());
        }
    }
    assert!(
        stale.is_empty(),
        "stale: {}; regenerate with `{UPDATE}=1 cargo test -p kefu-guide --test desk_pictures`",
        stale.join(", ")
    );
}

#[test]
fn every_reaction_names_known_machines_and_commands_its_table_declares() {
    use kefu::machine::Kind;
    fn commands<M: Machine>() -> Vec<&'static str> {
        <M::CommandKind as Kind>::ALL.iter().map(|k| k.name()).collect()
    }
    let known: Vec<(&str, Vec<&str>)> = vec![
        (kefu::lifecycle::Lifecycle::NAME, commands::<kefu::lifecycle::Lifecycle>()),
        (kefu::callback::Callback::NAME, commands::<kefu::callback::Callback>()),
        (kefu::case::Case::NAME, commands::<kefu::case::Case>()),
        (kefu::approval::Approval::NAME, commands::<kefu::approval::Approval>()),
        (kefu::script::ScriptRun::NAME, commands::<kefu::script::ScriptRun>()),
        (Board::NAME, commands::<Board>()),
        (Notice::NAME, commands::<Notice>()),
        (Profile::NAME, commands::<Profile>()),
        (CampaignRun::NAME, commands::<CampaignRun>()),
    ];
    for r in kefu::desk::REACTIONS {
        assert!(known.iter().any(|(m, _)| *m == r.machine), "{r:?}: unknown source machine");
        let (_, cmds) = known.iter().find(|(m, _)| *m == r.target).unwrap_or_else(|| panic!("{r:?}: unknown target"));
        assert!(cmds.contains(&r.command), "{r:?}: `{}` has no command `{}`", r.target, r.command);
    }
}
