//! The guide's pages agree with the repository: every page is built and doctested, every link resolves without
//! leaving the book, and every configuration file a page shows is what the code ships.

use std::fs;
use std::path::{Path, PathBuf};

use kefu::approval::ApprovalChain;
use kefu::callback::CallbackPolicy;
use kefu::lifecycle::LifecyclePolicy;
use kefu::script::{Script, ValidScript};
use pulldown_cmark::{Event, Options, Parser, Tag};

type Result = std::result::Result<(), Box<dyn std::error::Error>>;

/// The repository URL of the manifests; links to files outside the book are absolute links under it.
const REPOSITORY: &str = "https://github.com/kefu-rs/kefu";

/// The published crates, whose READMEs are shown on crates.io (where a relative link leads nowhere).
const PUBLISHED: [&str; 5] = ["kefu", "kefu-sqlite", "kefu-postgres", "kefu-http", "kefu-cli"];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn book_src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every Markdown page of the book, as paths relative to `src/`, sorted.
fn pages() -> Vec<String> {
    fn walk(dir: &Path, base: &Path, out: &mut Vec<String>) {
        for entry in fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                walk(&path, base, out);
            } else if path.extension().is_some_and(|e| e == "md") {
                let rel = path.strip_prefix(base).expect("under src").to_string_lossy().replace('\\', "/");
                out.push(rel);
            }
        }
    }
    let mut out = Vec::new();
    walk(&book_src(), &book_src(), &mut out);
    out.sort();
    out
}

/// The link destinations of a Markdown text (inline, reference and autolinks; not code), with images.
fn links(markdown: &str) -> Vec<String> {
    Parser::new_ext(markdown, Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES | Options::ENABLE_HEADING_ATTRIBUTES)
        .filter_map(|event| match event {
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => Some(dest_url.into_string()),
            _ => None,
        })
        .collect()
}

/// What is wrong with `link`, found in `file` (a path relative to the repository root), if anything.
///
/// - A link under the repository URL must name a file or folder that exists on the main branch, i.e. here.
/// - Another absolute link (`https:`, `mailto:`) is not checked: CI has no network.
/// - A relative link must resolve to an existing file; from a page of the book it must stay inside `docs/src`
///   (the built book has nothing else), and a crate README may have none (crates.io shows the README alone).
fn broken(file: &str, link: &str) -> Option<String> {
    let (path, _fragment) = link.split_once('#').unwrap_or((link, ""));
    if let Some(rest) = link.strip_prefix(REPOSITORY) {
        let rest = rest.split('#').next().unwrap_or_default();
        let in_repo = rest
            .strip_prefix("/blob/main/")
            .or_else(|| rest.strip_prefix("/tree/main/"))
            .or(rest.is_empty().then_some(""));
        return match in_repo {
            None => {
                Some(format!("{link}: a repository link must be {REPOSITORY}/blob/main/<path> or /tree/main/<path>"))
            }
            Some(p) if !root().join(p).exists() => Some(format!("{link}: `{p}` does not exist in the repository")),
            Some(_) => None,
        };
    }
    if path.is_empty() || link.contains("://") || link.starts_with("mailto:") {
        return None;
    }
    let crate_readme = PUBLISHED.iter().any(|c| file == format!("crates/{c}/README.md"));
    if crate_readme {
        return Some(format!("{link}: crates.io shows this README alone; use {REPOSITORY}/blob/main/… instead"));
    }
    let dir = Path::new(file).parent().unwrap_or(Path::new(""));
    let target = normalise(&dir.join(path));
    if file.starts_with("docs/src/") && !target.starts_with("docs/src/") {
        return Some(format!("{link}: leaves the book (`{target}`); link to {REPOSITORY}/blob/main/{target} instead"));
    }
    (!root().join(&target).exists()).then(|| format!("{link}: `{target}` does not exist"))
}

/// `a/b/../c` → `a/c`, as a `/`-separated string relative to the repository root (`..` above the root is kept).
fn normalise(path: &Path) -> String {
    let mut parts: Vec<String> = Vec::new();
    for part in path.components() {
        match part.as_os_str().to_string_lossy().as_ref() {
            "." => {}
            ".." if parts.last().is_some_and(|p| p != "..") => {
                parts.pop();
            }
            other => parts.push(other.to_owned()),
        }
    }
    parts.join("/")
}

/// The fenced blocks of `lang` in a page, in order.
fn blocks<'a>(page: &'a str, lang: &str) -> Vec<&'a str> {
    page.split(&format!("```{lang}\n")).skip(1).filter_map(|rest| rest.split("```").next()).collect()
}

/// The first fenced block of `lang` in a page.
fn first_block<'a>(page: &'a str, lang: &str) -> Option<&'a str> {
    blocks(page, lang).into_iter().next()
}

#[test]
fn every_page_and_readme_is_doctested() {
    let lib = read(&Path::new(env!("CARGO_MANIFEST_DIR")).join("lib.rs"));
    let mut wanted: Vec<String> =
        pages().into_iter().filter(|p| p != "SUMMARY.md").map(|p| format!("include_str!(\"src/{p}\")")).collect();
    wanted.push("include_str!(\"../README.md\")".to_owned());
    wanted.extend(PUBLISHED.iter().map(|c| format!("include_str!(\"../crates/{c}/README.md\")")));
    let missing: Vec<&String> = wanted.iter().filter(|w| !lib.contains(w.as_str())).collect();
    assert!(missing.is_empty(), "docs/lib.rs does not doctest: {missing:?}");
}

#[test]
fn every_page_is_in_the_summary() {
    let summary = read(&book_src().join("SUMMARY.md"));
    let listed = links(&summary);
    let missing: Vec<String> = pages().into_iter().filter(|p| p != "SUMMARY.md" && !listed.contains(p)).collect();
    assert!(missing.is_empty(), "pages mdBook would not build (add them to SUMMARY.md): {missing:?}");
}

#[test]
fn links_resolve_and_stay_inside_the_book() {
    let mut files: Vec<String> = pages().into_iter().map(|p| format!("docs/src/{p}")).collect();
    files.extend(["README.md", "ARCHITECTURE.md", "benches/README.md"].map(str::to_owned));
    files.extend(PUBLISHED.iter().map(|c| format!("crates/{c}/README.md")));
    let mut problems = Vec::new();
    for file in &files {
        for link in links(&read(&root().join(file))) {
            if let Some(problem) = broken(file, &link) {
                problems.push(format!("{file}: {problem}"));
            }
        }
    }
    assert!(problems.is_empty(), "broken links:\n{}", problems.join("\n"));
}

#[test]
fn the_link_checker_sees_what_is_wrong() {
    assert_eq!(broken("docs/src/sla.md", "calendars.md#the-file-format"), None);
    assert_eq!(broken("docs/src/concepts/deciders.md", "../pictures.md"), None);
    assert!(broken("docs/src/sla.md", "../../examples/calendars/prc-2026.toml").is_some_and(|p| p.contains("leaves")));
    assert!(broken("docs/src/sla.md", "no-such-page.md").is_some_and(|p| p.contains("does not exist")));
    assert_eq!(broken("docs/src/sla.md", &format!("{REPOSITORY}/blob/main/examples/calendars/prc-2026.toml")), None);
    assert!(broken("README.md", &format!("{REPOSITORY}/blob/main/nothing.toml")).is_some());
    assert!(broken("README.md", &format!("{REPOSITORY}/wiki")).is_some());
    assert!(broken("crates/kefu/README.md", "../../README.md").is_some_and(|p| p.contains("crates.io")));
    assert_eq!(broken("README.md", "https://docs.rs/kefu"), None);
    assert_eq!(broken("README.md", "#two-commands"), None);
}

#[test]
fn the_callbacks_page_shows_the_default_policy_with_quiet_hours() -> Result {
    let page = read(&book_src().join("callbacks.md"));
    let policy: CallbackPolicy = toml::from_str(first_block(&page, "toml").ok_or("a toml block")?)?;
    assert_eq!(policy, CallbackPolicy { quiet_hours: Some("contact-hours".into()), ..CallbackPolicy::default() });
    Ok(())
}

#[test]
fn the_lifecycle_page_shows_the_default_policy() -> Result {
    let page = read(&book_src().join("lifecycle.md"));
    let policy: LifecyclePolicy = toml::from_str(first_block(&page, "toml").ok_or("a toml block")?)?;
    assert_eq!(policy, LifecyclePolicy::default());
    Ok(())
}

#[test]
fn the_approvals_page_s_chain_file_loads_and_is_c7_with_a_step_sla() -> Result {
    let page = read(&book_src().join("approvals.md"));
    let chain: ApprovalChain = toml::from_str(first_block(&page, "toml").ok_or("a toml block")?)?;
    let mut plain = chain.clone();
    plain.steps.iter_mut().for_each(|s| s.sla = None);
    assert_eq!(plain, ApprovalChain::c7_credit_change());
    assert!(chain.steps[0].sla.is_some());
    Ok(())
}

#[test]
fn rule_q4_the_cases_page_shows_the_shipped_policy_file() -> Result {
    let page = read(&book_src().join("cases.md"));
    let shipped = read(&root().join("crates/kefu/policies/cases.toml"));
    assert_eq!(first_block(&page, "toml").ok_or("a toml block")?, shipped);
    Ok(())
}

#[test]
fn rule_s1_the_scripts_page_s_example_is_valid_drawn_and_run_as_shown() -> Result {
    let page = read(&book_src().join("scripts.md"));
    let toml_blocks = blocks(&page, "toml");
    let example = toml_blocks.first().ok_or("the example script")?;
    let script = ValidScript::from_toml_str(example)?;
    assert!(script.warnings().is_empty(), "{:?}", script.warnings());
    assert_eq!(first_block(&page, "mermaid").ok_or("the picture")?, script.to_mermaid("en"));
    // The Rust example runs the same text, hidden in `# ` lines.
    let hidden: String =
        example.lines().map(|l| if l.is_empty() { "#\n".to_owned() } else { format!("# {l}\n") }).collect();
    assert!(page.contains(&hidden), "the Rust example must embed the TOML example unchanged");
    Ok(())
}

#[test]
fn rule_s1_the_scripts_page_shows_what_kefu_script_check_finds() -> Result {
    let page = read(&book_src().join("scripts.md"));
    let bad = *blocks(&page, "toml").get(1).ok_or("the bad script")?;
    let findings: Vec<String> = Script::from_toml_str(bad)?.check().iter().map(|f| format!("bad.toml: {f}")).collect();
    let console =
        blocks(&page, "console").into_iter().find(|b| b.contains("kefu script check bad.toml")).ok_or("the run")?;
    let shown: Vec<&str> = console.lines().filter(|l| l.starts_with("bad.toml: ")).collect();
    assert_eq!(shown, findings);
    assert!(console.contains(&format!("bad: {} error(s), 0 warning(s)", findings.len())));
    Ok(())
}
