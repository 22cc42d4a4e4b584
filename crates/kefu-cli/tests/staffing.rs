//! `kefu staffing` and `kefu staffing plan` (rule O3): output, JSON keys and exit codes.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::str::contains;
use serde_json::Value;

/// `kefu` with the workspace root as working directory.
fn kefu() -> Command {
    let mut cmd = assert_cmd::cargo::cargo_bin_cmd!("kefu");
    cmd.current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("../.."));
    cmd
}

fn json_of(output: &[u8]) -> Value {
    serde_json::from_slice(output).expect("one JSON value")
}

#[test]
fn rule_o3_the_textbook_case_as_a_table() {
    kefu()
        .args(["staffing", "--calls", "100", "--interval", "30m", "--aht", "180s", "--target", "80/20s"])
        .args(["--shrinkage", "30%", "--max-occupancy", "85%"])
        .assert()
        .success()
        .stdout(contains("Erlang C"))
        .stdout(contains("10.00 Erlangs"))
        .stdout(contains("agents          14\n"))
        .stdout(contains("scheduled       20"))
        .stdout(contains("service level   88.8%"))
        .stdout(contains("occupancy       71.4%"));
}

#[test]
fn rule_o3_json_has_the_documented_keys() {
    let out = kefu()
        .args(["staffing", "--calls", "100", "--interval", "30m", "--aht", "3m", "--target", "80/20s"])
        .args(["--shrinkage", "30%", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let v = json_of(&out.stdout);
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["agents", "asa_seconds", "occupancy", "p_wait", "scheduled", "service_level"]);
    assert_eq!((v["agents"].as_u64(), v["scheduled"].as_u64()), (Some(14), Some(20)));
    assert!((v["service_level"].as_f64().unwrap() - 0.88835).abs() < 1e-5);
    assert!((v["p_wait"].as_f64().unwrap() - 0.1741319).abs() < 1e-7);
    assert!((v["asa_seconds"].as_f64().unwrap() - 7.835937).abs() < 1e-6);

    // With a patience: Erlang A, and the share that hangs up.
    let out = kefu()
        .args(["staffing", "--calls", "100", "--aht", "3m", "--target", "80/20s", "--patience", "5m", "--json"])
        .output()
        .unwrap();
    let v = json_of(&out.stdout);
    let abandon = v["p_abandon"].as_f64().expect("p_abandon");
    assert!(abandon > 0.0 && abandon < 0.05, "{v}");
    assert!(v["service_level"].as_f64().unwrap() >= 0.8);
    assert!(v["agents"].as_u64().unwrap() <= 14);
}

#[test]
fn rule_o3_a_large_centre_answers_at_once() {
    let out = kefu()
        .args(["staffing", "--calls", "20000", "--interval", "30m", "--aht", "180s", "--target", "80/20s"])
        .args(["--patience", "3m", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let agents = json_of(&out.stdout)["agents"].as_u64().unwrap();
    assert!((1_700..2_000).contains(&agents), "{agents}");
}

#[test]
fn rule_o3_bad_input_exits_2_naming_the_flag() {
    for (flag, value) in [
        ("--aht", "0s"),
        ("--aht", "soon"),
        ("--calls", "-5"),
        ("--calls", "NaN"),
        ("--target", "80"),
        ("--target", "0/20s"),
        ("--target", "80/-3s"),
        ("--interval", "0m"),
        ("--shrinkage", "0.3"),
        ("--shrinkage", "100%"),
        ("--max-occupancy", "0%"),
        ("--max-occupancy", "120%"),
        ("--patience", "0s"),
    ] {
        // The valid textbook flags, with one of them replaced by a bad value.
        let mut flags = vec![("--calls", "100"), ("--aht", "3m"), ("--target", "80/20s")];
        flags.retain(|(f, _)| *f != flag);
        flags.push((flag, value));
        let args = flags.iter().flat_map(|(f, v)| [*f, *v]);
        kefu().arg("staffing").args(args).assert().code(2).stderr(contains(flag));
    }
    kefu().args(["staffing", "--calls", "100", "--aht", "3m"]).assert().code(2).stderr(contains("--target"));
}

#[test]
fn rule_o3_more_than_the_cap_exits_1() {
    kefu()
        .args(["staffing", "--calls", "20000", "--aht", "3m", "--target", "80/20s", "--max-agents", "500"])
        .assert()
        .code(1)
        .stderr(contains("more than 500 agents"));
}

/// A temporary folder with a profile and a team of calendars, removed on drop.
struct Day {
    dir: PathBuf,
}

impl Day {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("kefu-staffing-{name}-{}", std::process::id()));
        let team = dir.join("team");
        std::fs::create_dir_all(&team).unwrap();
        std::fs::write(
            dir.join("day.toml"),
            "time_zone = \"Asia/Shanghai\"\ninterval = \"1h\"\nstart = \"08:00\"\ncontacts = [40, 160, 60, 10]\n",
        )
        .unwrap();
        std::fs::write(dir.join("day.csv"), "start,contacts\n08:00,40\n09:00,160\n10:00,60\n11:00,10\n").unwrap();
        for (who, hours) in [("li", "08:00-12:00"), ("wang", "08:00-12:00"), ("zhao", "09:00-12:00")] {
            std::fs::write(
                team.join(format!("{who}.toml")),
                format!("time_zone = \"Asia/Shanghai\"\nweek = {{ mon = [\"{hours}\"] }}\n"),
            )
            .unwrap();
        }
        Self { dir }
    }

    fn path(&self, name: &str) -> String {
        self.dir.join(name).display().to_string()
    }
}

impl Drop for Day {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[test]
fn rule_o3_plan_prints_agents_per_interval_and_the_shortfalls() {
    let day = Day::new("plan");
    let out = kefu()
        .args(["staffing", "plan", "--profile", &day.path("day.toml"), "--aht", "3m", "--target", "80/20s"])
        .args(["--calendar-dir", &day.path("team"), "--date", "2026-11-02"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("interval") && lines[0].contains("on shift"), "{text}");
    // 40 calls an hour of 3 minutes: 2 Erlangs, 4 agents; li and wang on shift.
    assert!(lines[1].starts_with("08:00-09:00") && lines[1].ends_with("2      2"), "{text}");
    // 160 calls: 8 Erlangs, 11 agents; three on shift, eight short.
    assert!(lines[2].starts_with("09:00-10:00") && lines[2].ends_with("3      8"), "{text}");
    assert!(text.contains("total 270 contacts; peak 11 agents; 3 interval(s) short"), "{text}");

    // The same day from CSV, as JSON; the time zone given on the command line.
    let out = kefu()
        .args(["staffing", "plan", "--profile", &day.path("day.csv"), "--aht", "3m", "--target", "80/20s"])
        .args(["--calendar-dir", &day.path("team"), "--date", "2026-11-02", "--time-zone", "Asia/Shanghai", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v = json_of(&out.stdout);
    assert_eq!(v["interval"], "1h");
    let slot = &v["slots"][1];
    assert_eq!((slot["start"].as_str(), slot["agents"].as_u64()), (Some("09:00"), Some(11)));
    assert_eq!((slot["on_shift"].as_u64(), slot["shortfall"].as_u64()), (Some(3), Some(8)));
}

#[test]
fn rule_o3_plan_errors_name_the_file_or_the_flag() {
    let day = Day::new("errors");
    let plan = |profile: &str| {
        let mut cmd = kefu();
        cmd.args(["staffing", "plan", "--profile", profile, "--aht", "3m", "--target", "80/20s"]);
        cmd
    };
    plan("no/such/day.toml").assert().code(2).stderr(contains("cannot read the profile"));
    std::fs::write(day.dir.join("bad.csv"), "start,contacts\n08:00,4\n08:30,x\n").unwrap();
    plan(&day.path("bad.csv")).assert().code(2).stderr(contains("bad.csv: line 3: contacts: not a number"));
    // Calendars without a date.
    plan(&day.path("day.toml")).args(["--calendar-dir", &day.path("team")]).assert().code(2).stderr(contains("--date"));
    // A CSV profile has no time zone: matching calendars needs one.
    plan(&day.path("day.csv"))
        .args(["--calendar-dir", &day.path("team"), "--date", "2026-11-02"])
        .assert()
        .code(2)
        .stderr(contains("--time-zone"));
    std::fs::write(day.dir.join("team").join("broken.toml"), "time_zone = \"Nowhere/City\"\n").unwrap();
    plan(&day.path("day.toml"))
        .args(["--calendar-dir", &day.path("team"), "--date", "2026-11-02"])
        .assert()
        .code(2)
        .stderr(contains("broken.toml"));
}

#[test]
fn rule_o3_plan_from_the_contact_history() {
    let day = Day::new("history");
    // Two Mondays: 10 calls between 09:00 and 09:30 on each (Shanghai time), one call at 23:45 on the first.
    let mut lines = vec!["# past calls".to_owned()];
    for date in ["2026-11-02", "2026-11-09"] {
        lines.extend((0..10).map(|k| format!("{date}T09:{:02}:00+08:00", k * 2)));
    }
    lines.push("2026-11-02T15:45:00Z".to_owned()); // 23:45 in Shanghai
    std::fs::write(day.dir.join("calls.txt"), lines.join("\n")).unwrap();
    let out = kefu()
        .args(["staffing", "plan", "--history", &day.path("calls.txt"), "--date", "2026-11-16"])
        .args(["--weeks", "2", "--time-zone", "Asia/Shanghai", "--aht", "3m", "--target", "80/20s", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v = json_of(&out.stdout);
    let slots = v["slots"].as_array().unwrap();
    assert_eq!(slots.len(), 48);
    assert_eq!((slots[18]["start"].as_str(), slots[18]["contacts"].as_f64()), (Some("09:00"), Some(10.0)));
    assert_eq!(slots[47]["contacts"].as_f64(), Some(0.5));
    assert_eq!(slots[0]["agents"].as_u64(), Some(0));

    kefu()
        .args(["staffing", "plan", "--history", &day.path("calls.txt"), "--aht", "3m", "--target", "80/20s"])
        .assert()
        .code(2)
        .stderr(contains("--date"));
    kefu()
        .args(["staffing", "plan", "--history", &day.path("calls.txt"), "--date", "2026-11-16", "--time-zone"])
        .args(["Asia/Shanghai", "--interval", "7m", "--aht", "3m", "--target", "80/20s"])
        .assert()
        .code(2)
        .stderr(contains("--interval: must divide a day evenly"));
    std::fs::write(day.dir.join("bad.txt"), "2026-11-02T09:00:00+08:00\nyesterday\n").unwrap();
    kefu()
        .args(["staffing", "plan", "--history", &day.path("bad.txt"), "--date", "2026-11-16", "--time-zone"])
        .args(["Asia/Shanghai", "--aht", "3m", "--target", "80/20s"])
        .assert()
        .code(2)
        .stderr(contains("bad.txt: line 2: not an RFC 3339 instant"));
}
