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
    assert!(e.starts_with("s.toml:7:"), "{e}");
    assert!(e.contains("thraeds"), "{e}");
}

#[test]
fn unknown_key_in_table_is_rejected() {
    let e = error_of(&format!("{GOOD}[mix]\ndownlaod = 3\n"));
    assert!(e.starts_with("s.toml:8:") && e.contains("downlaod"), "{e}");
}

#[test]
fn wrong_type_names_line() {
    let e = error_of(&GOOD.replace("threads = 2", "threads = \"two\""));
    assert!(e.starts_with("s.toml:3:"), "{e}");
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
