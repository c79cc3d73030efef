//! Hostile scenario files and `statbench run` options, through the real binary: each must stop
//! with exit code 2 and one stderr line naming the file, line and key (or the option), without
//! a panic, without creating a run folder and without touching the scenario file.

mod common;

use statbench::scenario::bounds;
use statbench::scenario::SinkKind;
use std::path::Path;

const GOOD: &str =
    "name = \"h\"\nthreads = 2\npeers = 8\nduration_ms = 1000\nsample_interval_ms = 100\n";

/// What the scenario argument is.
enum Scenario {
    /// A file `case.toml` with these bytes, in the case's own folder.
    File(Vec<u8>),
    /// This argument as is (a name, or a path outside the case's folder).
    Arg(String),
    /// The case's folder itself.
    Directory,
}

struct Case {
    name: &'static str,
    scenario: Scenario,
    args: Vec<String>,
    /// Each must appear in the error line; `{file}` stands for the scenario file's path.
    needles: Vec<String>,
}

fn file(name: &'static str, text: impl Into<Vec<u8>>, needles: &[&str]) -> Case {
    Case {
        name,
        scenario: Scenario::File(text.into()),
        args: Vec::new(),
        needles: needles.iter().map(|s| s.to_string()).collect(),
    }
}

fn options(name: &'static str, args: &[&str], needles: &[&str]) -> Case {
    Case {
        name,
        scenario: Scenario::File(GOOD.into()),
        args: args.iter().map(|s| s.to_string()).collect(),
        needles: needles.iter().map(|s| s.to_string()).collect(),
    }
}

/// Runs one case in its own folder (the working directory, so a default `runs/` would show):
/// the hostile-input contract, with the folder (and so the scenario file) untouched, and the
/// line an error line with nothing on stdout.
fn check(case: &Case, root: &Path) {
    let dir = root.join(case.name);
    std::fs::create_dir_all(&dir).unwrap();
    let arg = match &case.scenario {
        Scenario::File(bytes) => {
            let path = dir.join("case.toml");
            std::fs::write(&path, bytes).unwrap();
            path.display().to_string()
        }
        Scenario::Arg(a) => a.clone(),
        Scenario::Directory => dir.display().to_string(),
    };
    let out = dir.join("out");
    let mut args = vec!["run".to_string(), arg.clone()];
    args.extend(case.args.iter().cloned());
    args.extend(["--out".into(), out.display().to_string(), "--quiet".into()]);
    let argv: Vec<&str> = args.iter().map(String::as_str).collect();
    let needles: Vec<String> = case
        .needles
        .iter()
        .map(|n| n.replace("{file}", &arg))
        .collect();
    let needles: Vec<&str> = needles.iter().map(String::as_str).collect();
    let said = common::refused_output(&dir, &argv, &[&dir], 2, &needles);
    let (line, stdout) = (said.stderr, said.stdout);

    let what = format!("case {}: {argv:?}\nstderr: {line}", case.name);
    assert!(!line.contains("RUST_BACKTRACE"), "{what}");
    assert!(line.starts_with("statbench: error: "), "{what}");
    assert!(stdout.is_empty(), "{what}\nstdout: {stdout}");
    assert!(!out.exists(), "a run folder was created: {what}");
}

fn cases() -> Vec<Case> {
    let ops_max = bounds::OPERATIONS.max;
    let threads_max = bounds::THREADS.max;
    let big_file = format!("{GOOD}# {}\n", "x".repeat(bounds::MAX_FILE_BYTES as usize));
    vec![
        file(
            "mix-sum-infinite",
            format!("{GOOD}[mix]\ndownload = 1e308\nupload = 1e308\n"),
            &["{file}:8: key `mix.upload`", "add up to inf"],
        ),
        file(
            "mix-weight-infinite",
            format!("{GOOD}[mix]\nchoke = inf\n"),
            &["{file}:7: key `mix.choke`", "finite", "got inf"],
        ),
        file(
            "probability-nan",
            format!("{GOOD}[peer]\nhashfail = nan\n"),
            &["{file}:7: key `peer.hashfail`", "got NaN"],
        ),
        file(
            "operations-above-bound",
            GOOD.replace(
                "duration_ms = 1000",
                &format!("operations = {}", ops_max + 1),
            ),
            &[
                "{file}:4: key `operations`",
                &format!("must be at most {ops_max}, got {}", ops_max + 1),
            ],
        ),
        file(
            "threads-above-bound",
            GOOD.replace("threads = 2", "threads = 4096"),
            &[
                "{file}:2: key `threads`",
                &format!("must be at most {threads_max}, got 4096"),
            ],
        ),
        options(
            "threads-option-above-bound",
            &["--threads", "4096"],
            &[&format!("--threads: must be at most {threads_max}, got 4096")],
        ),
        options(
            "threads-option-negative",
            &["--threads", "-3"],
            &["--threads", "must be at least 1, got -3"],
        ),
        options(
            "seed-negative",
            &["--seed", "-1"],
            &["--seed", "must be at least 0, got -1"],
        ),
        options(
            "seed-not-a-number",
            &["--seed", "1e3x"],
            &["--seed", "not a whole number"],
        ),
        options(
            "operations-option-above-bound",
            &["--operations", "18446744073709551615"],
            &[&format!("--operations: must be at most {ops_max}")],
        ),
        options(
            "peers-option-zero",
            &["--peers", "0"],
            &["--peers: must be at least 1, got 0"],
        ),
        options(
            "extra-work-option-above-bound",
            &["--extra-work", "100001"],
            &["--extra-work: must be at most 100000, got 100001"],
        ),
        options(
            "interval-longer-than-duration",
            &["--duration-ms", "100", "--interval-ms", "500"],
            &["--interval-ms: 500 ms is longer than the run (100 ms, from --duration-ms)"],
        ),
        options(
            "duration-shorter-than-file-interval",
            &["--duration-ms", "50"],
            &["--duration-ms: 50 ms is shorter than the sampling interval (100 ms, from `sample_interval_ms` in {file})"],
        ),
        options(
            "repeat-negative",
            &["--repeat", "-1"],
            &["--repeat", "must be at least 1, got -1"],
        ),
        options(
            "layout-unknown",
            &["--layout", "striped"],
            &["--layout", "ceiling"],
        ),
        Case {
            name: "dev-null",
            scenario: Scenario::Arg("/dev/null".into()),
            args: Vec::new(),
            needles: vec!["/dev/null: not a regular file".into()],
        },
        Case {
            name: "directory",
            scenario: Scenario::Directory,
            args: Vec::new(),
            needles: vec!["{file}: not a regular file (a directory)".into()],
        },
        Case {
            name: "missing-path",
            scenario: Scenario::Arg("nowhere/none.toml".into()),
            args: Vec::new(),
            needles: vec!["nowhere/none.toml: no such file".into()],
        },
        Case {
            name: "unknown-name",
            scenario: Scenario::Arg("no-such-scenario".into()),
            args: Vec::new(),
            needles: vec!["\"no-such-scenario\": no such scenario".into()],
        },
        file("empty", "", &["{file}", "missing field `name`"]),
        file(
            "misused-key",
            GOOD.replace("peers = 8", "peer = 16"),
            &["{file}:3: key `peer`: ", "did you mean `peers`?"],
        ),
        file(
            "binary",
            b"name = \"h\"\n\x7fELF\x02\x01\x01\xff\xfe\x80".to_vec(),
            &["{file}:2: not a text scenario file (invalid UTF-8 byte 0xFF at byte 18)"],
        ),
        file(
            "nul-bytes",
            format!("{GOOD}\0\0\0\0"),
            &["{file}:6: not a text scenario file (NUL byte at byte "],
        ),
        file("too-large", big_file, &["{file}", "too large for a scenario file"]),
        file(
            "unknown-key",
            format!("{GOOD}colour = \"red\"\n"),
            &["{file}:6:", "colour"],
        ),
        file(
            "duplicate-key",
            format!("{GOOD}threads = 3\n"),
            &["{file}:6: duplicate key `threads`"],
        ),
        file(
            "negative-seed",
            format!("seed = -1\n{GOOD}"),
            &["{file}:1: key `seed` must be at least 0, got -1"],
        ),
        file(
            "pool-too-large",
            format!("{GOOD}distinct_lives = 65536\n[peer]\nlife_events = 1000000\n"),
            &[
                "{file}:6: key `distinct_lives`",
                &bounds::MAX_POOL_EVENTS.to_string(),
            ],
        ),
        file(
            "too-many-rows",
            GOOD.replace("duration_ms = 1000", "duration_ms = 86400000")
                .replace("sample_interval_ms = 100", "sample_interval_ms = 1"),
            &[
                "{file}:5: key `sample_interval_ms`",
                &bounds::MAX_SAMPLES.to_string(),
            ],
        ),
        file(
            "float-threads",
            GOOD.replace("threads = 2", "threads = 2.5"),
            &["{file}:2:"],
        ),
    ]
}

#[test]
fn hostile_scenarios_and_run_options_exit_2_with_one_line_and_leave_nothing() {
    let root = common::scratch("hostile-scenario");
    let cases = cases();
    assert!(cases.len() >= 15, "only {} cases", cases.len());
    for case in &cases {
        check(case, &root);
    }
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn an_unknown_name_lists_the_known_scenarios_from_the_repository() {
    let (code, _, stderr) = common::statbench(
        &["run", "no-such-scenario", "--quiet"],
        Path::new(env!("CARGO_MANIFEST_DIR")),
    );
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("known scenarios: ")
            && stderr.contains("default")
            && stderr.contains("quick"),
        "{stderr}"
    );
}

#[test]
fn run_help_lists_every_layout_and_the_bounds() {
    let (code, help, _) = common::statbench(&["run", "--help"], Path::new("."));
    assert_eq!(code, 0);
    for k in SinkKind::all() {
        assert!(
            help.contains(k.name()),
            "run --help lacks layout {}",
            k.name()
        );
    }
    assert!(help.contains(&bounds::THREADS.range_text()), "{help}");
    assert!(help.contains(&bounds::OPERATIONS.range_text()), "{help}");
}
