//! Fuzzing every public text loader: the shipped calendars, scripts and policies, mutated byte by byte, and
//! arbitrary bytes. The law: any text is loaded or refused with a typed error, never a panic; and a refusal's
//! message stays short, however long the text.
//!
//! Bounded so that `cargo test` runs it on every change (about 20-30 s for all fuzz suites in a debug build);
//! `KEFU_FUZZ_CASES=N` raises the number of cases of each target for a longer run (docs/src/testing.md).
#![cfg(feature = "testing")]

use chrono::{DateTime, TimeDelta, Utc};
use kefu::approval::ApprovalChain;
use kefu::calendar::Calendar;
use kefu::callback::CallbackPolicy;
use kefu::case::CasePolicies;
use kefu::duration;
use kefu::lifecycle::LifecyclePolicy;
use kefu::script::{S1_TOML, S2_TOML, Script, ValidScript};
use kefu::sla::SlaPolicy;
use kefu::testing::fuzz::{Mutant, arbitrary_bytes, config, mutated};
use proptest::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;

const CALENDARS: &[&str] = &[
    include_str!("fixtures/shanghai-2026-sample.toml"),
    include_str!("fixtures/prc-2026.toml"),
    include_str!("fixtures/new-york.toml"),
    include_str!("fixtures/amsterdam.toml"),
];

const CASE_POLICIES: &str = include_str!("../policies/cases.toml");

/// The longest refusal message we accept for an input of any size: a few lines of at most 400 characters (the
/// parser's own message, cut per line by the loader) plus the key path and the definition error.
const MESSAGE_LIMIT: usize = 4_000;

fn bytes(texts: &[&str]) -> Vec<Vec<u8>> {
    texts.iter().map(|t| t.as_bytes().to_vec()).collect()
}

/// The TOML seeds as JSON, for the JSON loaders.
fn as_json(texts: &[&str]) -> Vec<Vec<u8>> {
    texts
        .iter()
        .map(|t| {
            let value: toml::Value = toml::from_str(t).expect("a shipped TOML seed parses");
            serde_json::to_vec_pretty(&value).expect("TOML values are JSON values")
        })
        .collect()
}

/// A value as TOML and JSON seeds (TOML only when the shape allows it at the top level).
fn seeds_of<T: Serialize>(values: &[T]) -> (Vec<Vec<u8>>, Vec<Vec<u8>>) {
    let toml = values.iter().filter_map(|v| toml::to_string(v).ok()).map(String::into_bytes).collect();
    let json = values.iter().map(|v| serde_json::to_vec_pretty(v).expect("serializes")).collect();
    (toml, json)
}

/// A refusal's message is bounded, whatever the input's size.
fn short<E: std::fmt::Display>(e: &E, input: &Mutant) -> Result<(), TestCaseError> {
    let message = e.to_string();
    prop_assert!(
        message.len() <= MESSAGE_LIMIT,
        "{} bytes of message for {} bytes of input",
        message.len(),
        input.bytes.len()
    );
    Ok(())
}

/// Loads through serde (the policies without a loader of their own): no panic.
fn serde_loads<T: DeserializeOwned>(text: &str) {
    let _ = toml::from_str::<T>(text);
    let _ = serde_json::from_str::<T>(text);
}

/// `text` with its short durations in hours or minutes (`"24h"`, `"30m"`) written in ISO 8601 (`"PT24H"`).
fn iso_durations(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, piece) in text.split('"').enumerate() {
        if i > 0 {
            out.push('"');
        }
        let short = piece.len() > 1
            && piece.ends_with(['h', 'm'])
            && piece[..piece.len() - 1].bytes().all(|b| b.is_ascii_digit());
        if i % 2 == 1 && short {
            out.push_str("PT");
            out.push_str(&piece.to_ascii_uppercase());
        } else {
            out.push_str(piece);
        }
    }
    out
}

fn sla_policies() -> Vec<SlaPolicy> {
    vec![
        SlaPolicy::business("B6 handle on the spot", TimeDelta::hours(1), "service-desk")
            .with_warning(0.75)
            .expect("a valid warning")
            .with_escalation("department_head", TimeDelta::zero())
            .and_then(|p| p.with_escalation("leadership", TimeDelta::hours(1)))
            .expect("a valid ladder"),
        SlaPolicy::working_days("C5 file within 3 days", 3, "office"),
        SlaPolicy::elapsed("B4 record within 24 hours", TimeDelta::hours(24)),
    ]
}

proptest! {
    #![proptest_config(config(160))]

    /// Shipped calendars, mutated, through `Calendar::from_toml_str`.
    #[test]
    fn calendars_from_toml(input in mutated(bytes(CALENDARS), 6)) {
        if let Err(e) = Calendar::from_toml_str(&input.text()) {
            short(&e, &input)?;
        }
    }

    /// The same calendars as JSON, mutated, through `Calendar::from_json_str`.
    #[test]
    fn calendars_from_json(input in mutated(as_json(CALENDARS), 6)) {
        if let Err(e) = Calendar::from_json_str(&input.text()) {
            short(&e, &input)?;
        }
    }

    /// Shipped scripts S1 and S2, mutated, loaded, checked and validated.
    #[test]
    fn scripts_from_toml(input in mutated(bytes(&[S1_TOML, S2_TOML]), 6)) {
        match Script::from_toml_str(&input.text()) {
            Ok(script) => {
                let _ = script.check();
                let _ = script.validate();
            }
            Err(e) => short(&e, &input)?,
        }
        if let Err(e) = ValidScript::from_toml_str(&input.text()) {
            short(&e, &input)?;
        }
    }

    /// The scripts as JSON, mutated.
    #[test]
    fn scripts_from_json(input in mutated(as_json(&[S1_TOML, S2_TOML]), 6)) {
        match Script::from_json_str(&input.text()) {
            Ok(script) => {
                let _ = script.validate();
            }
            Err(e) => short(&e, &input)?,
        }
    }

    /// The shipped case policies (policies/cases.toml) and the defaults, mutated, through
    /// `CasePolicies::from_toml_str` and `from_json_str`.
    #[test]
    fn case_policies(input in mutated({
        // The shipped file, the same with ISO 8601 durations (`PT1H`), and the defaults as TOML and JSON.
        let mut seeds = bytes(&[CASE_POLICIES]);
        seeds.push(iso_durations(CASE_POLICIES).into_bytes());
        let (toml, json) = seeds_of(&[CasePolicies::default()]);
        seeds.extend(toml);
        seeds.extend(json);
        seeds
    }, 6)) {
        if let Err(e) = CasePolicies::from_toml_str(&input.text()) {
            short(&e, &input)?;
        }
        if let Err(e) = CasePolicies::from_json_str(&input.text()) {
            short(&e, &input)?;
        }
    }

    /// The policies read through serde (SLA, lifecycle, callback, approval chains), mutated.
    #[test]
    fn serde_policies(input in mutated({
        let mut seeds = Vec::new();
        for (toml, json) in [
            seeds_of(&sla_policies()),
            seeds_of(&[LifecyclePolicy::default()]),
            seeds_of(&[CallbackPolicy::default()]),
            seeds_of(&[ApprovalChain::c6_incomplete_file(), ApprovalChain::c7_credit_change()]),
        ] {
            seeds.extend(toml);
            seeds.extend(json);
        }
        seeds
    }, 6)) {
        let text = input.text();
        serde_loads::<SlaPolicy>(&text);
        serde_loads::<LifecyclePolicy>(&text);
        serde_loads::<CallbackPolicy>(&text);
        serde_loads::<ApprovalChain>(&text);
    }

    /// Durations in both notations, mutated.
    #[test]
    fn durations(input in mutated(bytes(&["PT1H30M", "P1DT2H", "P2W", "PT0.25S", "1h 30m", "90m", "1.5h", "3d"]), 3)) {
        if let Err(e) = duration::parse(&input.text()) {
            short(&e, &input)?;
        }
    }

    /// Arbitrary bytes through every loader.
    #[test]
    fn arbitrary_bytes_through_every_loader(input in arbitrary_bytes()) {
        let text = input.text();
        let _ = Calendar::from_toml_str(&text);
        let _ = Calendar::from_json_str(&text);
        let _ = Script::from_toml_str(&text);
        let _ = Script::from_json_str(&text);
        let _ = ValidScript::from_toml_str(&text);
        let _ = CasePolicies::from_toml_str(&text);
        let _ = CasePolicies::from_json_str(&text);
        let _ = duration::parse(&text);
        serde_loads::<SlaPolicy>(&text);
        serde_loads::<LifecyclePolicy>(&text);
        serde_loads::<CallbackPolicy>(&text);
        serde_loads::<ApprovalChain>(&text);
    }
}

proptest! {
    #![proptest_config(config(48))]

    /// A mutated calendar that still loads answers every question with a result or a typed error.
    #[test]
    fn arithmetic_on_mutated_calendars(input in mutated(bytes(CALENDARS), 4), hour in 0_i64..(24 * 366)) {
        let Ok(calendar) = Calendar::from_toml_str(&input.text()) else { return Ok(()) };
        let t = DateTime::<Utc>::from_timestamp(1_767_225_600, 0).expect("2026-01-01") + TimeDelta::hours(hour);
        let _ = calendar.is_open(t);
        let _ = calendar.next_open(t);
        let _ = calendar.add(t, TimeDelta::hours(9));
        let _ = calendar.between(t, t + TimeDelta::days(10));
        let _ = calendar.add_working_days(t, 3);
    }
}

#[test]
fn the_iso_seed_loads_as_the_shipped_file() {
    let iso = iso_durations(CASE_POLICIES);
    assert!(iso.contains("within = \"PT1H\""), "{iso}");
    assert_eq!(CasePolicies::from_toml_str(&iso).ok(), CasePolicies::from_toml_str(CASE_POLICIES).ok());
}

#[test]
fn case_policies_with_a_multi_byte_duration_are_an_error_not_a_panic() {
    // Once a panic inside the ISO 8601 duration parser, reached through the policy loader.
    for within in ["P1é", "PT1時"] {
        let text = CASE_POLICIES.replacen("within = \"1h\"", &format!("within = \"{within}\""), 1);
        assert_ne!(text, CASE_POLICIES, "the seed has a `within = \"1h\"` to replace");
        let e = CasePolicies::from_toml_str(&text).expect_err("not a duration");
        assert!(e.to_string().contains(&format!("invalid duration `{within}`")), "{e}");
    }
}

#[test]
fn a_huge_value_makes_a_short_message() {
    let huge = "x".repeat(10_000_000);
    let text = CALENDARS[0].replacen("Asia/Shanghai", &huge, 1);
    let e = Calendar::from_toml_str(&text).expect_err("no such zone");
    assert!(e.to_string().len() <= MESSAGE_LIMIT, "{} bytes", e.to_string().len());
}

/// The fuzzer itself: its mutants must neither all load (mutations too timid to matter) nor all fail at the first
/// byte (too wild to get past the parser); a good share of each shows it reaches deep into the loader.
#[test]
fn mutants_reach_both_outcomes() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let strategy = mutated(bytes(CALENDARS), 6);
    // Refused deep: at a value with a key path (`week.mon[1]`), or as a definition that parsed but is invalid.
    let (mut loaded, mut deep, total) = (0, 0, 300);
    for _ in 0..total {
        let mutant = strategy.new_tree(&mut runner).expect("a mutant").current();
        match Calendar::from_toml_str(&mutant.text()) {
            Ok(_) => loaded += 1,
            Err(kefu::LoadError::Invalid(_) | kefu::LoadError::Toml { field: Some(_), .. }) => deep += 1,
            Err(_) => {}
        }
    }
    eprintln!("{loaded} loaded, {deep} refused at a value, of {total}");
    assert!(loaded * 10 >= total, "only {loaded} of {total} mutants load");
    assert!(loaded * 10 <= total * 9, "{loaded} of {total} mutants load: the mutations change nothing");
    assert!(deep * 10 >= total, "only {deep} of {total} mutants are refused at a value");
}
