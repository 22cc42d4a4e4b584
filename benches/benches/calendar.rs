//! Calendar arithmetic benchmarks, each next to its baselines in the same group (see `benches/README.md`):
//!
//! * `calendar/add/<span>` and `calendar/between/<span>`: `kefu`, `elapsed` (plain `DateTime<Utc>` arithmetic, the
//!   floor) and `workclock` (the peer crate, configured like the calendar except for make-up days, which it cannot
//!   express);
//! * `calendar/add_working_days/3`: `kefu` and `elapsed` (`t + 3 days`); workclock has no working-day operation;
//! * `calendar/build/<calendar>`: parsing, parsing plus the first computation (which builds the zone table), the
//!   first computation alone, and workclock's `build` plus its first `add`.
//!
//! Steady-state benchmarks use calendars warmed by the setup; the setup also checks that kefu, workclock and a
//! day-by-day oracle agree on every input, and aborts the run if they do not.

use std::hint::black_box;
use std::time::Duration;

use chrono::TimeDelta;
use criterion::{BatchSize, Criterion, criterion_main};
use kefu::calendar::Calendar;
use kefu_benches::{
    PRC_2026_TOML, SHANGHAI_TOML, SpanCase, check, crosses_make_up_day, from_jiff, shanghai, span_cases, span_start,
    workclock_schedule, working_days_case,
};

fn setup() -> Vec<SpanCase> {
    let cases = span_cases();
    for case in &cases {
        if let Err(disagreement) = check(case) {
            panic!("kefu and workclock disagree: {disagreement}");
        }
        let kefu = case.calendar.add(case.start, case.business).unwrap();
        let wc = from_jiff(case.workclock.add(case.start_j, case.business_j).unwrap());
        eprintln!(
            "{:>10}: {} .. {}, business {:>9} min, add -> kefu {}, workclock {}{}",
            case.label,
            case.start.to_rfc3339(),
            case.end.to_rfc3339(),
            case.business.num_minutes(),
            kefu.to_rfc3339(),
            wc.to_rfc3339(),
            if crosses_make_up_day(case) { " (crosses a make-up day workclock cannot express)" } else { "" },
        );
    }
    cases
}

fn add(c: &mut Criterion) {
    for case in setup() {
        let mut group = c.benchmark_group(format!("calendar/add/{}", case.label));
        group.bench_function("kefu", |b| {
            b.iter(|| case.calendar.add(black_box(case.start), black_box(case.business)).unwrap())
        });
        group.bench_function("elapsed", |b| b.iter(|| black_box(case.start) + black_box(case.business)));
        group.bench_function("workclock", |b| {
            b.iter(|| case.workclock.add(black_box(case.start_j), black_box(case.business_j)).unwrap())
        });
        group.finish();
    }
}

fn between(c: &mut Criterion) {
    for case in span_cases() {
        let mut group = c.benchmark_group(format!("calendar/between/{}", case.label));
        group.bench_function("kefu", |b| {
            b.iter(|| case.calendar.between(black_box(case.start), black_box(case.end)).unwrap())
        });
        group.bench_function("elapsed", |b| b.iter(|| black_box(case.end) - black_box(case.start)));
        group.bench_function("workclock", |b| {
            b.iter(|| case.workclock.between(black_box(case.start_j), black_box(case.end_j)))
        });
        group.finish();
    }
}

fn add_working_days(c: &mut Criterion) {
    let desk = shanghai();
    let (t, n, expected) = working_days_case();
    assert_eq!(desk.add_working_days(t, n).unwrap(), expected, "warms the calendar, checks the answer");
    let mut group = c.benchmark_group(format!("calendar/add_working_days/{n}"));
    group.bench_function("kefu", |b| b.iter(|| desk.add_working_days(black_box(t), black_box(n)).unwrap()));
    group.bench_function("elapsed", |b| b.iter(|| black_box(t) + TimeDelta::days(i64::from(black_box(n)))));
    group.finish();
}

fn build(c: &mut Criterion) {
    let t = span_start();
    let hour = TimeDelta::hours(1);
    for (name, text) in [("shanghai", SHANGHAI_TOML), ("prc2026", PRC_2026_TOML)] {
        let spec = Calendar::from_toml_str(text).unwrap().spec().clone();
        let mut group = c.benchmark_group(format!("calendar/build/{name}"));
        group.sample_size(20);
        group.bench_function("kefu_parse", |b| b.iter(|| Calendar::from_toml_str(black_box(text)).unwrap()));
        group.bench_function("kefu_parse_first_add", |b| {
            b.iter(|| {
                let calendar = Calendar::from_toml_str(black_box(text)).unwrap();
                calendar.add(black_box(t), black_box(hour)).unwrap()
            })
        });
        // The zone table alone: a fresh, parsed calendar per iteration (not timed), then its first computation.
        // The calendar is returned so that dropping it is not timed either.
        group.bench_function("kefu_first_add", |b| {
            b.iter_batched(
                || Calendar::from_toml_str(text).unwrap(),
                |calendar| {
                    black_box(calendar.add(black_box(t), black_box(hour)).unwrap());
                    calendar
                },
                BatchSize::SmallInput,
            )
        });
        // workclock builds eagerly (jiff caches the time zone after the first lookup); build + first add is its
        // whole cost of a first computation.
        let (t_j, hour_j) = (kefu_benches::to_jiff(t), kefu_benches::to_signed(hour));
        group.bench_function("workclock_build_first_add", |b| {
            b.iter(|| {
                let schedule = workclock_schedule(black_box(&spec));
                schedule.add(black_box(t_j), black_box(hour_j)).unwrap()
            })
        });
        group.finish();
    }
}

fn config() -> Criterion {
    // Short runs on a noisy, shared machine; command-line flags (`--measurement-time` …) still override these.
    Criterion::default().warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(3))
}

// `criterion_group!` generates an undocumented `pub fn benches`; keep the lint everywhere else.
#[allow(missing_docs)]
mod group {
    use super::{add, add_working_days, between, build, config};
    use criterion::criterion_group;

    criterion_group! {
        name = benches;
        config = config();
        targets = add, between, add_working_days, build
    }
}
criterion_main!(group::benches);
