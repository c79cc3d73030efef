//! The terminal as people use it: colour only where it can be seen, every line within 100
//! columns, the built-in scenarios, `ab` with a bare `statbench`, completions and man page.

mod common;

use common::{scratch, Statbench};
use std::path::Path;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_statbench");

/// Runs statbench in `cwd` with `env` set (and NO_COLOR, CLICOLOR*, COLUMNS cleared first).
fn run(args: &[&str], cwd: &Path, env: &[(&str, &str)]) -> (i32, String, String) {
    let cleared = [
        "NO_COLOR",
        "CLICOLOR",
        "CLICOLOR_FORCE",
        "COLUMNS",
        "STATBENCH_OUT",
    ];
    let cmd = Statbench::new().args(args).cwd(cwd);
    let cmd = cleared.iter().fold(cmd, |cmd, k| cmd.env_remove(k));
    cmd.envs(env).run().into()
}

/// Two tiny runs, A and B (B with extra work, so some metrics change), in `dir`.
fn two_runs(dir: &Path) {
    for (name, extra) in [("a", "0"), ("b", "400")] {
        let (code, _, err) = run(
            &[
                "run",
                "quick",
                "--duration-ms",
                "300",
                "--interval-ms",
                "20",
                "--threads",
                "1",
                "--no-pin",
                "--extra-work",
                extra,
                "--out",
                name,
            ],
            dir,
            &[],
        );
        assert_eq!(code, 0, "{err}");
    }
}

const COMPARE: [&str; 5] = ["compare", "a", "b", "--allow-different-settings", "--all"];

fn has_escapes(s: &str) -> bool {
    s.contains('\u{1b}')
}

#[test]
fn colour_only_where_it_can_be_seen() {
    let d = scratch("colour");
    two_runs(&d);
    // A pipe: no escape codes, on stdout or stderr.
    let (code, out, err) = run(&COMPARE, &d, &[]);
    assert!(code == 0 || code == 1, "{err}");
    assert!(out.contains("verdict") && !has_escapes(&out), "{out}");
    assert!(!has_escapes(&err), "{err}");
    // CLICOLOR_FORCE colours even a pipe (so the checks above can fail)...
    let (_, forced, _) = run(&COMPARE, &d, &[("CLICOLOR_FORCE", "1")]);
    assert!(has_escapes(&forced), "{forced}");
    // ...but NO_COLOR wins over it, and --color never over both.
    let (_, none, _) = run(&COMPARE, &d, &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]);
    assert!(!has_escapes(&none), "{none}");
    let mut never = COMPARE.to_vec();
    never.extend(["--color", "never"]);
    let (_, never, _) = run(&never, &d, &[("CLICOLOR_FORCE", "1")]);
    assert!(!has_escapes(&never), "{never}");
    // Errors: `error:` in colour only when forced.
    let (code, _, err) = run(&["compare", "a"], &d, &[]);
    assert_eq!(code, 2);
    assert!(
        err.starts_with("statbench: error: ") && !has_escapes(&err),
        "{err}"
    );
    let (_, _, err) = run(&["compare", "a"], &d, &[("CLICOLOR_FORCE", "1")]);
    assert!(has_escapes(&err), "{err}");
    // An --output file never holds colour.
    let file = d.join("table.txt");
    let mut with_file = COMPARE.to_vec();
    with_file.extend(["--output", "table.txt"]);
    let (_, forced, _) = run(&with_file, &d, &[("CLICOLOR_FORCE", "1")]);
    let written = std::fs::read_to_string(&file).unwrap();
    assert!(has_escapes(&forced) && !has_escapes(&written), "{written}");
    assert_eq!(anstream::adapter::strip_str(&forced).to_string(), written);
}

/// On a real terminal (a pseudo-terminal from `script`), colour is on unless NO_COLOR.
#[test]
fn a_terminal_gets_colour_unless_no_color() {
    let d = scratch("pty");
    two_runs(&d);
    let on_pty = |env: &str| {
        let cmd = format!("{env} {BIN} {}", COMPARE.join(" "));
        let out = Command::new("script")
            .args(["-qec", &cmd, "/dev/null"])
            .current_dir(&d)
            .env_remove("NO_COLOR")
            .env_remove("CLICOLOR_FORCE")
            .env("TERM", "xterm-256color")
            .output()
            .expect("script(1) from util-linux");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let coloured = on_pty("");
    assert!(
        coloured.contains("verdict") && has_escapes(&coloured),
        "{coloured}"
    );
    let plain = on_pty("NO_COLOR=1");
    assert!(plain.contains("verdict") && !has_escapes(&plain), "{plain}");
}

#[test]
fn help_and_tables_fit_100_columns() {
    let d = scratch("width");
    let subcommands = [
        vec![],
        vec!["run"],
        vec!["gate"],
        vec!["compare"],
        vec!["baseline"],
        vec!["baseline", "save"],
        vec!["baseline", "list"],
        vec!["baseline", "show"],
        vec!["ab"],
        vec!["calibrate"],
        vec!["sweep"],
        vec!["report"],
        vec!["completions"],
        vec!["man"],
    ];
    for sub in &subcommands {
        for flag in ["--help", "-h"] {
            let mut args = sub.clone();
            args.push(flag);
            let (code, out, err) = run(&args, &d, &[("COLUMNS", "100")]);
            assert_eq!(code, 0, "{args:?}: {err}");
            for line in out.lines() {
                assert!(
                    line.chars().count() <= 100,
                    "{args:?}: {} columns: {line}",
                    line.chars().count()
                );
            }
        }
    }
    two_runs(&d);
    for columns in ["100", "250"] {
        let (_, out, err) = run(&COMPARE, &d, &[("COLUMNS", columns)]);
        assert!(out.lines().count() > 10, "{out}{err}");
        for line in out.lines().chain(err.lines()) {
            assert!(line.chars().count() <= 100, "COLUMNS={columns}: {line}");
        }
        // Every figure has a unit: bytes as B/s, throughput as /s.
        assert!(
            out.contains(" B/s") || out.contains("kB/s") || out.contains("MB/s"),
            "{out}"
        );
    }
    // --wide lets the content decide (the verdict sentence alone is longer than 100).
    let mut wide = COMPARE.to_vec();
    wide.push("--wide");
    let (_, out, _) = run(&wide, &d, &[("COLUMNS", "100")]);
    assert!(out.lines().any(|l| l.chars().count() > 100), "{out}");
    // A narrower terminal narrows the table (names elided in the middle).
    let (_, out, _) = run(&COMPARE, &d, &[("COLUMNS", "80")]);
    assert!(out.lines().all(|l| l.chars().count() <= 80), "{out}");
    assert!(out.contains('…'), "{out}");
    // The headline row keeps its name, and columns left out are said.
    assert!(out.lines().any(|l| l.starts_with("throughput ")), "{out}");
    assert!(!out.contains("throughpu…"), "{out}");
    assert!(out.contains("left out to fit 80 columns"), "{out}");
}

#[test]
fn a_repeat_folder_report_leads_with_the_run_summary() {
    let d = scratch("repeat-report");
    let (code, out, err) = run(
        &[
            "run",
            "quick",
            "--duration-ms",
            "200",
            "--interval-ms",
            "20",
            "--threads",
            "1",
            "--no-pin",
            "--repeat",
            "3",
            "--out",
            "mine",
        ],
        &d,
        &[],
    );
    assert_eq!(code, 0, "{err}");
    // `quick: median 96.9 M updates/s over 3 runs (min …, max …); …`
    let summary = out
        .split("quick: ")
        .nth(1)
        .and_then(|s| s.split(';').next())
        .unwrap_or_else(|| panic!("{out}"));
    assert!(
        summary.starts_with("median ") && summary.contains("over 3 runs"),
        "{summary}"
    );
    let (code, _, err) = run(&["report", "mine", "-o", "rep"], &d, &[]);
    assert_eq!(code, 0, "{err}");
    let html = std::fs::read_to_string(d.join("rep/index.html")).unwrap();
    assert!(html.contains(summary), "header lacks `{summary}`");
    // One line per run in the throughput chart.
    let svg = std::fs::read_to_string(d.join("rep/throughput.svg")).unwrap();
    let texts: Vec<&str> = svg.lines().map(str::trim).collect();
    for k in 1..=3 {
        let name = format!("run {k}");
        assert!(
            texts.contains(&name.as_str()),
            "{name} missing from the legend"
        );
    }
    assert!(!texts.contains(&"run 4"));
}

#[test]
fn ab_runs_a_bare_statbench_and_reports_a_and_b_apart() {
    let d = scratch("ab-bare");
    let cmd = "statbench run quick --duration-ms 200 --interval-ms 20 --threads 1 --no-pin";
    // No statbench on this PATH: the word must name the running binary.
    let (code, out, err) = run(
        &[
            "ab",
            "--a",
            cmd,
            "--b",
            cmd,
            "--rounds",
            "2",
            "--confirm-rounds",
            "0",
            "--format",
            "json",
            "--out",
            "ab",
            "--report",
            "rep",
        ],
        &d,
        &[("PATH", "/usr/bin:/bin")],
    );
    assert_eq!(code, 0, "{err}\n{out}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(v["headline"].is_object(), "{out}");
    for run in ["a01", "b01", "b02", "a02"] {
        assert!(d.join("ab").join(run).join("run.json").is_file(), "{run}");
    }
    assert!(d.join("rep/index.html").is_file());
    // The commands' own output stays out of a pipe (stdout is the JSON alone, parsed above).
    assert!(!err.contains("updates in"), "{err}");
    // A report of the ab folder compares A with B.
    let (code, _, err) = run(&["report", "ab", "-o", "rep2"], &d, &[]);
    assert!(code == 0 || code == 1, "{err}");
    let html = std::fs::read_to_string(d.join("rep2/index.html")).unwrap();
    assert!(html.contains("statbench comparison"), "not a comparison");
    // Labelled with the commands ab recorded in ab.json.
    assert!(html.contains("A (statbench run quick") && html.contains("B (statbench run quick"));
}

#[test]
fn built_in_scenarios_run_anywhere_and_a_file_wins() {
    let d = scratch("builtin");
    // A 100-ms run of `quick` into `out`.
    let quick = |out: &str| {
        run(
            &[
                "run",
                "quick",
                "--duration-ms",
                "100",
                "--threads",
                "1",
                "--no-pin",
                "--out",
                out,
            ],
            &d,
            &[],
        )
    };
    let (code, _, err) = quick("x");
    assert_eq!(code, 0, "{err}");
    let meta = std::fs::read_to_string(d.join("x/run.json")).unwrap();
    assert!(meta.contains("<built-in>/quick.toml"), "{meta}");
    // A scenarios/quick.toml here wins over the built-in one.
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios/quick.toml"),
    )
    .unwrap();
    std::fs::create_dir_all(d.join("scenarios")).unwrap();
    std::fs::write(d.join("scenarios/quick.toml"), text).unwrap();
    let (code, _, err) = quick("y");
    assert_eq!(code, 0, "{err}");
    let meta = std::fs::read_to_string(d.join("y/run.json")).unwrap();
    assert!(
        !meta.contains("<built-in>") && meta.contains("scenarios/quick.toml"),
        "{meta}"
    );
}

#[test]
fn completions_and_man_page_come_from_the_definition() {
    let d = scratch("completions");
    let (code, bash, err) = run(&["completions", "bash"], &d, &[]);
    assert_eq!(code, 0, "{err}");
    assert!(
        bash.contains("_statbench") && bash.contains("--baseline"),
        "{bash}"
    );
    let (code, _, err) = run(&["completions", "tcsh"], &d, &[]);
    assert_eq!(code, 2, "{err}");
    let (code, man, err) = run(&["man"], &d, &[]);
    assert_eq!(code, 0, "{err}");
    assert!(
        man.contains(".TH statbench") && man.contains("STATBENCH GATE"),
        "{man}"
    );
}

#[test]
fn the_latest_run_is_a_run_folder_not_a_sweep_and_reports_go_under_runs() {
    let d = scratch("latest");
    let quick = [
        "run",
        "quick",
        "--duration-ms",
        "200",
        "--interval-ms",
        "20",
        "--threads",
        "1",
        "--no-pin",
        "--repeat",
        "2",
        "--out",
    ];
    let mut args = quick.to_vec();
    args.push("runs/mine");
    let (code, _, err) = run(&args, &d, &[]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = run(&["baseline", "save", "tiny", "runs/mine"], &d, &[]);
    assert_eq!(code, 0, "{err}");
    // A newer sweep folder (with run folders inside) is not "the latest run".
    std::thread::sleep(std::time::Duration::from_millis(20));
    let sweep = d.join("runs/sweep-quick-20991231-000000");
    std::fs::create_dir_all(sweep.join("runs")).unwrap();
    std::fs::write(sweep.join("sweep.csv"), "layout,threads\n").unwrap();
    let (code, out, err) = run(&["compare", "--baseline", "tiny", "--wide"], &d, &[]);
    assert_eq!(code, 0, "{err}\n{out}");
    assert!(out.contains("vs runs/mine (2 runs)"), "{out}");
    // A report without -o goes to runs/reports/, out of the tracked folders.
    let (code, _, err) = run(&["report", "runs/mine"], &d, &[]);
    assert_eq!(code, 0, "{err}");
    let reports: Vec<_> = std::fs::read_dir(d.join("runs/reports")).unwrap().collect();
    assert_eq!(reports.len(), 1);
    assert!(!d.join("reports").exists());
}
