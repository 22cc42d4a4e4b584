//! Checks on files of the repository that no published crate ships: the example calendars and the guide's TOML
//! excerpts. (They lived in the crates' own tests, which fail once a crate is packaged without these files.)

use std::path::Path;

use chrono::NaiveDate;
use kefu::calendar::{Calendar, OutsideCoverage};

type Result = std::result::Result<(), Box<dyn std::error::Error>>;

fn repository() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

#[test]
fn the_shipped_example_calendars_declare_their_coverage() -> Result {
    let dir = repository().join("examples/calendars");
    let date = |m, d| NaiveDate::from_ymd_opt(2026, m, d).ok_or("a date");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir)? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "toml") {
            let c = Calendar::from_toml_str(&std::fs::read_to_string(&path)?)?;
            let covers = c.covers().ok_or_else(|| format!("{} declares no coverage", path.display()))?;
            assert_eq!((covers.from, covers.to, covers.outside), (date(1, 1)?, date(12, 31)?, OutsideCoverage::Refuse));
            seen += 1;
        }
    }
    assert!(seen >= 4, "only {seen} calendars in {}", dir.display());
    Ok(())
}

#[test]
fn the_configuration_pages_toml_excerpts_are_toml() -> Result {
    let page = std::fs::read_to_string(repository().join("docs/src/configuration.md"))?;
    let blocks: Vec<&str> =
        page.split("```toml\n").skip(1).map(|rest| rest.split("```").next().unwrap_or_default()).collect();
    assert!(blocks.len() >= 8, "{} blocks", blocks.len());
    for block in blocks {
        toml::from_str::<toml::Table>(block).map_err(|e| format!("{e}\nin:\n{block}"))?;
    }
    Ok(())
}
