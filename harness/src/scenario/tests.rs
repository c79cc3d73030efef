use super::*;

const GOOD: &str = r#"
name = "t"
threads = 2
peers = 8
duration_ms = 1000
sample_interval_ms = 100
"#;

fn parse(text: &str) -> Result<Scenario> {
    Scenario::parse(text, Path::new("s.toml"))
}

fn error_of(text: &str) -> String {
    parse(text).expect_err("must be rejected").to_string()
}

#[test]
fn minimal_file_gets_documented_defaults() {
    let s = parse(GOOD).unwrap();
    assert_eq!(s.seed, 1);
    assert_eq!(s.layout, SinkKind::Layout(LayoutKind::Contiguous));
    assert!(!s.diagnostics);
    assert_eq!(s.budget, Budget::DurationMs(1000));
    assert_eq!(s.mix, EventMix::default());
    assert_eq!(s.peer, PeerProfile::default());
    assert_eq!(s.distinct_lives, 256);
    assert!(s.pin_threads);
}

#[test]
fn hash_changes_with_text() {
    let a = parse(GOOD).unwrap();
    let b = parse(&GOOD.replace("peers = 8", "peers = 9")).unwrap();
    assert_ne!(a.source.hash, b.source.hash);
    assert_eq!(a.source.hash, parse(GOOD).unwrap().source.hash);
}

#[test]
fn unknown_key_names_line_and_key() {
    let e = error_of(&format!("{GOOD}thraeds = 3\n"));
    assert_eq!(
        e,
        "s.toml:7: key `thraeds`: unknown key; did you mean `threads`?"
    );
    // Nothing close: the valid keys are listed instead.
    let e = error_of(&format!("{GOOD}colour = 3\n"));
    assert!(
        e.starts_with("s.toml:7: key `colour`: unknown key (expected one of: `name`,"),
        "{e}"
    );
}

#[test]
fn unknown_key_in_table_is_rejected() {
    let e = error_of(&format!("{GOOD}[mix]\ndownlaod = 3\n"));
    assert_eq!(
        e,
        "s.toml:8: key `mix.downlaod`: unknown key; did you mean `download`?"
    );
}

#[test]
fn wrong_type_names_line() {
    let e = error_of(&GOOD.replace("threads = 2", "threads = \"two\""));
    assert_eq!(
        e,
        "s.toml:3: key `threads`: invalid type: string \"two\", expected an integer"
    );
    let e = error_of(&format!("{GOOD}[peer]\nhashfail = \"1%\"\n"));
    assert_eq!(
        e,
        "s.toml:8: key `peer.hashfail`: invalid type: string \"1%\", expected a number"
    );
}

#[test]
fn a_misused_key_names_the_key_and_the_one_meant() {
    // `peer` is the [peer] table: a number there was meant for `peers`.
    let text = GOOD.replace("peers = 8", "peer = 16");
    let e = error_of(&text);
    assert_eq!(
        e,
        "s.toml:4: key `peer`: invalid type: integer `16`, expected a table; did you mean `peers`?"
    );
    // And the other way round: a [peers] table where the number of peers goes.
    let text = format!(
        "{}[peers]\nhashfail = 0.1\n",
        GOOD.replace("peers = 8\n", "")
    );
    let e = error_of(&text);
    assert_eq!(
        e,
        "s.toml:6: key `peers`: invalid type: table, expected an integer; did you mean `peer`?"
    );
}

#[test]
fn zero_threads_names_key_and_line() {
    let e = error_of(&GOOD.replace("threads = 2", "threads = 0"));
    assert_eq!(e, "s.toml:3: key `threads` must be at least 1, got 0");
}

#[test]
fn negative_peers_rejected() {
    let e = error_of(&GOOD.replace("peers = 8", "peers = -4"));
    assert!(e.starts_with("s.toml:4: key `peers`"), "{e}");
}

#[test]
fn interval_longer_than_run_rejected() {
    let e = error_of(&GOOD.replace("sample_interval_ms = 100", "sample_interval_ms = 5000"));
    assert!(
        e.starts_with("s.toml:6: key `sample_interval_ms`") && e.contains("longer than the run"),
        "{e}"
    );
}

#[test]
fn both_or_no_budget_rejected() {
    let e = error_of(&format!("{GOOD}operations = 10\n"));
    assert!(e.contains("not both"), "{e}");
    let e = error_of(&GOOD.replace("duration_ms = 1000\n", ""));
    assert!(e.contains("duration_ms or operations"), "{e}");
}

#[test]
fn unknown_layout_lists_choices() {
    let e = error_of(&format!("layout = \"striped\"\n{GOOD}"));
    assert!(
        e.starts_with("s.toml:1: key `layout`") && e.contains("sharded"),
        "{e}"
    );
}

#[test]
fn probability_out_of_range_names_table_key() {
    let e = error_of(&format!("{GOOD}[peer]\nhashfail = 1.5\n"));
    assert!(e.starts_with("s.toml:8: key `peer.hashfail`"), "{e}");
}

#[test]
fn all_zero_mix_rejected() {
    let zero = "[mix]\ndownload = 0\nupload = 0\ninterest = 0\nchoke = 0\npex = 0\ndht = 0\ntracker = 0\nmetadata = 0\nkeepalive = 0\n";
    let e = error_of(&format!("{GOOD}{zero}"));
    assert!(e.contains("at least one must be positive"), "{e}");
}

#[test]
fn syntax_error_names_line() {
    let e = error_of(&format!("{GOOD}peers = = 3\n"));
    assert!(e.starts_with("s.toml:7:"), "{e}");
}

#[test]
fn every_error_is_one_line() {
    for bad in [
        format!("{GOOD}x = 1\n"),
        GOOD.replace("threads = 2", "threads = 0"),
        GOOD.replace("name = \"t\"", "name = \"a b\""),
        format!("{GOOD}[peer]\nlife_events = 0\n"),
        String::from("not toml at all ]["),
    ] {
        let e = error_of(&bad);
        assert!(!e.contains('\n'), "multi-line error: {e}");
    }
}

#[test]
fn shipped_scenarios_are_valid() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml") {
            let s = Scenario::load(&path).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(
                Some(s.name.as_str()),
                path.file_stem().and_then(|f| f.to_str())
            );
            n += 1;
        }
    }
    assert!(n >= 5, "expected the shipped scenarios, found {n}");
}

// ---- bounds: one set, for the file and for the command line ----

use super::bounds::{self, Bound};

/// A valid file with `key = value` set (replacing the key's line, or the run length for
/// `operations`, or in `[peer]` for a table key).
fn with_key(bound: &Bound, value: i128) -> String {
    let line = format!("{} = {value}", bound.key);
    if let Some(table) = bound.table {
        return format!("{GOOD}[{table}]\n{line}\n");
    }
    let mut text = String::new();
    let mut replaced = false;
    for l in GOOD.lines() {
        let k = l.split('=').next().unwrap_or("").trim();
        if k == bound.key || (bound.key == "operations" && k == "duration_ms") {
            text.push_str(&line);
            replaced = true;
        } else {
            text.push_str(l);
        }
        text.push('\n');
    }
    if !replaced {
        text.push_str(&line);
        text.push('\n');
    }
    text
}

/// `over` with the option of `bound` set to `v`.
fn override_of(bound: &Bound, v: u64) -> Overrides {
    let mut o = Overrides::default();
    match bound.key {
        "seed" => o.seed = Some(v),
        "threads" => o.threads = Some(v),
        "peers" => o.peers = Some(v),
        "duration_ms" => o.duration_ms = Some(v),
        "operations" => o.operations = Some(v),
        "sample_interval_ms" => o.sample_interval_ms = Some(v),
        "extra_work" => o.extra_work = Some(v),
        other => panic!("no override for {other}"),
    }
    o
}

fn error_with(text: &str, over: &Overrides) -> String {
    Scenario::parse_with(text, Path::new("s.toml"), over)
        .expect_err("must be rejected")
        .to_string()
}

/// Line (1-based) of `key = ` in `text`.
fn line_of(text: &str, key: &str) -> usize {
    text.lines()
        .position(|l| l.starts_with(&format!("{key} =")))
        .expect("key written")
        + 1
}

#[test]
fn every_file_bound_is_enforced_with_file_line_and_key() {
    for b in bounds::ALL {
        // Below the minimum.
        let text = with_key(&b, i128::from(b.min) - 1);
        assert_eq!(
            error(&text),
            format!(
                "s.toml:{}: key `{}` must be at least {}, got {}",
                line_of(&text, b.key),
                b.dotted(),
                b.min,
                i128::from(b.min) - 1
            ),
            "{}",
            b.key
        );
        // Above the maximum (when TOML can hold it).
        if b.max < i64::MAX as u64 {
            let text = with_key(&b, i128::from(b.max) + 1);
            let e = error(&text);
            assert!(
                e.starts_with(&format!(
                    "s.toml:{}: key `{}` must be at most {}, got {}",
                    line_of(&text, b.key),
                    b.dotted(),
                    b.max,
                    i128::from(b.max) + 1
                )),
                "{}: {e}",
                b.key
            );
        }
    }
}

fn error(text: &str) -> String {
    error_of(text)
}

#[test]
fn every_override_bound_is_enforced_naming_the_option() {
    for b in bounds::ALL {
        let Some(option) = b.option else { continue };
        if b.max < u64::MAX {
            let e = error_with(GOOD, &override_of(&b, b.max + 1));
            assert!(
                e.starts_with(&format!(
                    "{option}: must be at most {}, got {}",
                    b.max,
                    b.max + 1
                )),
                "{e}"
            );
            assert!(
                !e.contains("s.toml"),
                "an option's error is about the option: {e}"
            );
        }
        if b.min > 0 {
            let e = error_with(GOOD, &override_of(&b, b.min - 1));
            assert_eq!(
                e,
                format!("{option}: must be at least {}, got {}", b.min, b.min - 1)
            );
        }
    }
}

/// The resolved value a bound applies to.
fn value_of(s: &Scenario, b: &Bound) -> u64 {
    match b.key {
        "seed" => s.seed,
        "threads" => s.threads as u64,
        "peers" => s.peers as u64,
        "operations" => match s.budget {
            Budget::Operations(o) => o,
            Budget::DurationMs(_) => panic!("not an operation budget"),
        },
        "extra_work" => u64::from(s.extra_work),
        "distinct_lives" => s.distinct_lives as u64,
        other => panic!("no accessor for {other}"),
    }
}

#[test]
fn values_at_the_bounds_are_accepted() {
    // Each bound's own limits, alone (the cross-checks have their own tests).
    for (b, v) in [
        (bounds::THREADS, bounds::THREADS.max),
        (bounds::PEERS, bounds::PEERS.max),
        (bounds::OPERATIONS, bounds::OPERATIONS.max),
        (bounds::EXTRA_WORK, bounds::EXTRA_WORK.max),
        (bounds::EXTRA_WORK, 0),
        (bounds::SEED, 0),
        (bounds::SEED, i64::MAX as u64),
        (bounds::DISTINCT_LIVES, bounds::DISTINCT_LIVES.max),
    ] {
        let text = with_key(&b, i128::from(v));
        let from_file = parse(&text).unwrap_or_else(|e| panic!("{} = {v}: {e}", b.key));
        assert_eq!(value_of(&from_file, &b), v, "{}", b.key);
        if b.option.is_some() {
            let s = Scenario::parse_with(GOOD, Path::new("s.toml"), &override_of(&b, v))
                .unwrap_or_else(|e| panic!("{:?} {v}: {e}", b.option));
            assert_eq!(value_of(&s, &b), v, "{:?}", b.option);
        }
    }
    let s = Scenario::parse_with(
        GOOD,
        Path::new("s.toml"),
        &override_of(&bounds::SEED, u64::MAX),
    )
    .unwrap();
    assert_eq!(s.seed, u64::MAX, "the command line can give any u64 seed");
}

#[test]
fn threads_bound_allows_sweeps_to_64_and_stops_thousands() {
    let e = error_with(GOOD, &override_of(&bounds::THREADS, 4096));
    assert!(
        e.starts_with(&format!(
            "--threads: must be at most {}, got 4096",
            bounds::THREADS.max
        )),
        "{e}"
    );
    let e = error(&GOOD.replace("threads = 2", "threads = 4096"));
    assert!(
        e.starts_with("s.toml:3: key `threads` must be at most"),
        "{e}"
    );
}

#[test]
fn operations_bound_names_the_limit_for_file_and_option() {
    let too_many = bounds::OPERATIONS.max + 1;
    let text = GOOD.replace("duration_ms = 1000", &format!("operations = {too_many}"));
    let e = error(&text);
    assert!(
        e.starts_with(&format!(
            "s.toml:5: key `operations` must be at most {}, got {too_many}",
            bounds::OPERATIONS.max
        )),
        "{e}"
    );
    let e = error(&GOOD.replace("duration_ms = 1000", "operations = 9223372036854775807"));
    assert!(e.contains("must be at most"), "{e}");
    let e = error_with(GOOD, &override_of(&bounds::OPERATIONS, u64::MAX));
    assert!(e.starts_with("--operations: must be at most"), "{e}");
}

#[test]
fn an_override_replaces_the_file_value_before_the_check() {
    // The file's value is out of range, the override is not: the merged value is what counts.
    let text = GOOD.replace("threads = 2", "threads = 100000");
    let s = Scenario::parse_with(
        &text,
        Path::new("s.toml"),
        &override_of(&bounds::THREADS, 3),
    )
    .unwrap();
    assert_eq!(s.threads, 3);
    // A file with both run lengths is fine once the command line gives the run length.
    let both = format!("{GOOD}operations = 10\n");
    let s = Scenario::parse_with(
        &both,
        Path::new("s.toml"),
        &override_of(&bounds::OPERATIONS, 7),
    )
    .unwrap();
    assert_eq!(s.budget, Budget::Operations(7));
    // --operations replaces a file's duration: no interval-vs-duration check applies.
    let s = Scenario::parse_with(
        GOOD,
        Path::new("s.toml"),
        &override_of(&bounds::OPERATIONS, 9),
    )
    .unwrap();
    assert_eq!(s.budget, Budget::Operations(9));
}

#[test]
fn both_run_lengths_as_overrides_are_refused() {
    let over = Overrides {
        duration_ms: Some(10),
        operations: Some(10),
        ..Overrides::default()
    };
    let e = error_with(GOOD, &over);
    assert!(
        e.starts_with("--operations:") && e.contains("--duration-ms"),
        "{e}"
    );
}

#[test]
fn interval_longer_than_run_names_whoever_set_it() {
    // Both from the file: the file's key.
    let e = error(&GOOD.replace("sample_interval_ms = 100", "sample_interval_ms = 5000"));
    assert!(
        e.starts_with("s.toml:6: key `sample_interval_ms` 5000 ms"),
        "{e}"
    );
    // The interval from the command line.
    let e = error_with(GOOD, &override_of(&bounds::SAMPLE_INTERVAL_MS, 5000));
    assert_eq!(
        e,
        "--interval-ms: 5000 ms is longer than the run (1000 ms, from `duration_ms` in s.toml)"
    );
    // The duration from the command line, the interval from the file.
    let e = error_with(GOOD, &override_of(&bounds::DURATION_MS, 50));
    assert!(
        e.starts_with("--duration-ms: 50 ms is shorter than the sampling interval (100 ms"),
        "{e}"
    );
    // Both from the command line.
    let over = Overrides {
        duration_ms: Some(100),
        sample_interval_ms: Some(500),
        ..Overrides::default()
    };
    assert_eq!(
        error_with(GOOD, &over),
        "--interval-ms: 500 ms is longer than the run (100 ms, from --duration-ms)"
    );
    // Without sampling the interval is not used.
    let over = Overrides {
        no_sampling: true,
        ..over
    };
    Scenario::parse_with(GOOD, Path::new("s.toml"), &over).unwrap();
}

#[test]
fn too_many_snapshot_rows_are_refused() {
    let rows = bounds::MAX_SAMPLES + 1;
    let text = GOOD
        .replace("duration_ms = 1000", &format!("duration_ms = {rows}"))
        .replace("sample_interval_ms = 100", "sample_interval_ms = 1");
    let e = error(&text);
    assert!(
        e.starts_with("s.toml:6: key `sample_interval_ms`")
            && e.contains(&format!("{rows} snapshot rows"))
            && e.contains(&bounds::MAX_SAMPLES.to_string()),
        "{e}"
    );
    let over = Overrides {
        duration_ms: Some(rows),
        sample_interval_ms: Some(1),
        ..Overrides::default()
    };
    assert!(error_with(GOOD, &over).starts_with("--interval-ms:"));
    let exact = GOOD
        .replace(
            "duration_ms = 1000",
            &format!("duration_ms = {}", bounds::MAX_SAMPLES),
        )
        .replace("sample_interval_ms = 100", "sample_interval_ms = 1");
    parse(&exact).unwrap();
}

#[test]
fn pool_of_lives_is_bounded() {
    let max_events = bounds::LIFE_EVENTS.max;
    let lives = bounds::MAX_POOL_EVENTS / max_events + 1;
    let text = format!("{GOOD}distinct_lives = {lives}\n[peer]\nlife_events = {max_events}\n");
    let e = error(&text);
    assert!(
        e.starts_with("s.toml:7: key `distinct_lives`")
            && e.contains(&bounds::MAX_POOL_EVENTS.to_string()),
        "{e}"
    );
    let ok_lives = bounds::MAX_POOL_EVENTS / max_events;
    parse(&format!(
        "{GOOD}distinct_lives = {ok_lives}\n[peer]\nlife_events = {max_events}\n"
    ))
    .unwrap();
    // The default life_events allows the largest distinct_lives.
    let lives = bounds::DISTINCT_LIVES.max;
    let events = PeerProfile::default().life_events;
    parse(&format!(
        "{GOOD}distinct_lives = {lives}\n[peer]\nlife_events = {events}\n"
    ))
    .unwrap();
}

#[test]
fn mix_weights_whose_sum_is_infinite_are_refused() {
    let e = error(&format!("{GOOD}[mix]\ndownload = 1e308\nupload = 1e308\n"));
    assert!(
        e.starts_with("s.toml:9: key `mix.upload` makes the [mix] weights add up to inf"),
        "{e}"
    );
    // Each weight finite, the sum as well: accepted.
    parse(&format!("{GOOD}[mix]\ndownload = 1e307\nupload = 1e307\n")).unwrap();
}

#[test]
fn non_finite_or_negative_weights_are_refused() {
    for (v, shown) in [
        ("inf", "inf"),
        ("nan", "NaN"),
        ("-1", "-1"),
        ("-inf", "-inf"),
    ] {
        let e = error(&format!("{GOOD}[mix]\nchoke = {v}\n"));
        assert!(
            e.starts_with("s.toml:8: key `mix.choke` is a weight")
                && e.ends_with(&format!("got {shown}")),
            "{v}: {e}"
        );
    }
}

#[test]
fn nan_probability_is_refused() {
    // `(0.0..=1.0).contains(&NaN)` is false, so NaN is caught by the range check itself.
    assert!(!(0.0..=1.0).contains(&f64::NAN));
    for key in [
        "connect_failure",
        "utp_fraction",
        "incoming",
        "hashfail",
        "cache_hit",
        "ip_filtered",
    ] {
        let e = error(&format!("{GOOD}[peer]\n{key} = nan\n"));
        assert_eq!(
            e,
            format!(
                "s.toml:8: key `peer.{key}` is a probability: must be between 0 and 1, got NaN"
            )
        );
    }
    let e = error(&format!("{GOOD}[peer]\nhashfail = -0.5\n"));
    assert!(e.contains("got -0.5"), "{e}");
}

#[test]
fn life_events_bounds() {
    let e = error(&format!("{GOOD}[peer]\nlife_events = 0\n"));
    assert_eq!(
        e,
        "s.toml:8: key `peer.life_events` must be at least 1, got 0"
    );
    let e = error(&format!("{GOOD}[peer]\nlife_events = 4294967296\n"));
    assert!(
        e.starts_with("s.toml:8:"),
        "too large for the type, still its line: {e}"
    );
}

#[test]
fn name_and_description_lengths_are_bounded() {
    let long = "n".repeat(bounds::MAX_NAME_CHARS + 1);
    let e = error(&GOOD.replace("name = \"t\"", &format!("name = \"{long}\"")));
    assert!(
        e.starts_with("s.toml:2: key `name` must be at most 64 characters"),
        "{e}"
    );
    let ok = "n".repeat(bounds::MAX_NAME_CHARS);
    parse(&GOOD.replace("name = \"t\"", &format!("name = \"{ok}\""))).unwrap();
    let words = "w".repeat(bounds::MAX_DESCRIPTION_CHARS + 1);
    let e = error(&format!("description = \"{words}\"\n{GOOD}"));
    assert!(
        e.starts_with("s.toml:1: key `description` must be at most"),
        "{e}"
    );
}

#[test]
fn negative_seed_in_file_names_the_bound() {
    let e = error(&format!("seed = -1\n{GOOD}"));
    assert_eq!(e, "s.toml:1: key `seed` must be at least 0, got -1");
}

#[test]
fn command_line_values_are_parsed_with_the_bounds_messages() {
    assert_eq!(
        bounds::SEED.parse_arg("-1"),
        Err("must be at least 0, got -1".into())
    );
    assert_eq!(
        bounds::THREADS.parse_arg("-3"),
        Err("must be at least 1, got -3".into())
    );
    assert_eq!(
        bounds::THREADS.parse_arg("0"),
        Ok(0),
        "the range is checked later, once"
    );
    assert_eq!(bounds::SEED.parse_arg("18446744073709551615"), Ok(u64::MAX));
    let e = bounds::SEED.parse_arg("18446744073709551616").unwrap_err();
    assert!(e.contains("must be at most 18446744073709551615"), "{e}");
    let e = bounds::THREADS
        .parse_arg("99999999999999999999999")
        .unwrap_err();
    assert!(
        e.starts_with(&format!(
            "must be at most {}, got 9999",
            bounds::THREADS.max
        )),
        "{e}"
    );
    assert!(bounds::PEERS
        .parse_arg("12x")
        .unwrap_err()
        .contains("not a whole number"));
    assert!(bounds::PEERS
        .parse_arg("1.5")
        .unwrap_err()
        .contains("not a whole number"));
}

#[test]
fn with_keeps_earlier_overrides_and_rechecks_bounds() {
    let base =
        Scenario::parse_with(GOOD, Path::new("s.toml"), &override_of(&bounds::SEED, 9)).unwrap();
    let more = base.with(&override_of(&bounds::THREADS, 4)).unwrap();
    assert_eq!((more.seed, more.threads), (9, 4));
    let e = base
        .with(&override_of(&bounds::THREADS, bounds::THREADS.max + 1))
        .unwrap_err()
        .to_string();
    assert!(e.starts_with("--threads: must be at most"), "{e}");
    let timed = base.with(&override_of(&bounds::DURATION_MS, 500)).unwrap();
    assert_eq!(timed.budget, Budget::DurationMs(500));
}

#[test]
fn layout_names_and_help_come_from_one_list() {
    let help = SinkKind::help();
    for k in SinkKind::all() {
        assert_eq!(SinkKind::from_name(k.name()), Some(k));
        assert!(help.contains(k.name()), "{help} lacks {}", k.name());
        assert!(SinkKind::names().contains(k.name()));
    }
    assert!(help.contains("ceiling"));
    assert_eq!(SinkKind::all().len(), LayoutKind::ALL.len() + 2);
}

#[test]
fn readme_lists_every_bound() {
    let readme = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios/README.md"),
    )
    .unwrap();
    let squeeze = |s: &str| -> String {
        s.chars()
            .filter(|c| !c.is_whitespace() && *c != '\u{202f}' && *c != '_')
            .collect()
    };
    for b in bounds::ALL {
        if b.max == u64::MAX {
            continue; // seed: any non-negative integer
        }
        let row = readme
            .lines()
            .find(|l| l.starts_with(&format!("| `{}` |", b.key)))
            .unwrap_or_else(|| panic!("README has no row for `{}`", b.key));
        assert!(
            squeeze(row).contains(&b.range_text()),
            "README row for `{}` does not say {}: {row}",
            b.key,
            b.range_text()
        );
    }
    let squeezed = squeeze(&readme);
    for (what, n) in [
        ("pool", bounds::MAX_POOL_EVENTS),
        ("rows", bounds::MAX_SAMPLES),
    ] {
        assert!(
            squeezed.contains(&n.to_string()),
            "README lacks the {what} limit {n}"
        );
    }
    assert!(
        readme.contains("`ceiling`"),
        "README must list the ceiling layout"
    );
}

// ---- resolving and reading the file ----

fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("statbench-unit-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn a_path_argument_is_only_a_path() {
    let e = Scenario::resolve(Some("/dev/null"))
        .unwrap_err()
        .to_string();
    assert_eq!(e, "/dev/null: not a regular file");
    let e = Scenario::resolve(Some("nowhere/x"))
        .unwrap_err()
        .to_string();
    assert_eq!(e, "nowhere/x: no such file");
    let e = Scenario::resolve(Some("default.toml"))
        .unwrap_err()
        .to_string();
    assert_eq!(
        e, "default.toml: no such file",
        "a .toml argument is not a name"
    );
    let dir = scratch("resolve");
    let shown = dir.display().to_string();
    let e = Scenario::resolve(Some(&shown)).unwrap_err().to_string();
    assert_eq!(e, format!("{shown}: not a regular file (a directory)"));
    let file = dir.join("ok.toml");
    std::fs::write(&file, GOOD).unwrap();
    assert_eq!(Scenario::resolve(file.to_str()).unwrap(), file);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_unknown_name_lists_the_known_scenarios() {
    // Unit tests run in harness/, below the repository's scenarios/ folder.
    let e = Scenario::resolve(Some("no-such-scenario"))
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("\"no-such-scenario\": no such scenario")
            && e.contains("known scenarios: ")
            && e.contains("default")
            && e.contains("quick"),
        "{e}"
    );
    assert!(!e.contains("scenarios//"), "{e}");
    assert!(Scenario::resolve(Some("quick"))
        .unwrap()
        .ends_with("scenarios/quick.toml"));
}

#[test]
fn unreadable_files_get_one_line_naming_the_file() {
    let dir = scratch("read");
    let cases: [(&str, &[u8], &str); 3] = [
        ("empty.toml", b"", "missing field `name`"),
        (
            "binary.toml",
            b"name = \"x\"\n\xff\xfe\x01",
            ":2: not a text scenario file (invalid UTF-8 byte 0xFF at byte 11)",
        ),
        (
            "nul.toml",
            b"name = \"x\"\nthreads = 2\0\n",
            ":2: not a text scenario file (NUL byte at byte 22)",
        ),
    ];
    for (name, bytes, needle) in cases {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        let e = Scenario::load(&path).unwrap_err().to_string();
        assert!(
            e.starts_with(&path.display().to_string()) && e.contains(needle) && !e.contains('\n'),
            "{name}: {e}"
        );
    }
    let big = dir.join("big.toml");
    std::fs::write(
        &big,
        format!("{GOOD}#{}\n", "x".repeat(bounds::MAX_FILE_BYTES as usize)),
    )
    .unwrap();
    let e = Scenario::load(&big).unwrap_err().to_string();
    assert!(e.contains("too large for a scenario file"), "{e}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn duplicate_key_is_named_with_its_line() {
    let e = error_of(&format!("{GOOD}peers = 9\n"));
    assert_eq!(e, "s.toml:7: duplicate key `peers`");
    let e = error_of(&format!("{GOOD}[peer]\nhashfail = 0.1\nhashfail = 0.2\n"));
    assert_eq!(e, "s.toml:9: duplicate key `hashfail`");
}

#[test]
fn settings_serialise_as_the_committed_baseline_recorded_them() {
    // run.json's `scenario_settings`, and so every baseline's settings identity, is this
    // serialisation: the default baseline (recorded when the fields were still public) holds
    // the same value as the default scenario serialises to now.
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let s = Scenario::load(&root.join("scenarios/default.toml")).unwrap();
    let run_json = std::fs::read_to_string(root.join("baselines/default/r1/run.json")).unwrap();
    let meta: serde_json::Value = serde_json::from_str(&run_json).unwrap();
    let mut now = serde_json::to_value(&s).unwrap();
    // The path is recorded as found where `statbench run` ran: not part of the settings.
    now["source"]["path"] = meta["scenario_settings"]["source"]["path"].clone();
    assert_eq!(now, meta["scenario_settings"]);
    // A setting changed through `with` serialises as one given on the command line.
    let more = s
        .with(&Overrides {
            threads: Some(4),
            ..Overrides::default()
        })
        .unwrap();
    let loaded = Scenario::load_with(
        &root.join("scenarios/default.toml"),
        &Overrides {
            threads: Some(4),
            ..Overrides::default()
        },
    )
    .unwrap();
    let (a, b) = (serde_json::to_value(&more), serde_json::to_value(&loaded));
    assert_eq!(a.unwrap(), b.unwrap());
    assert_eq!(more.threads(), 4);
}
