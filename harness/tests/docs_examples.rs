//! Every shell example of README.md and `docs/*.md` runs: each ```sh / ```bash / ```shell /
//! ```console block (and each `$ ` line of a ```text transcript) is pasted, command by command,
//! into a scratch folder holding the runs, baselines and history its commands name, and every
//! `statbench` command must exit as the doc implies. A command that cannot run here is in
//! [`SKIPPED`], with why; a new example that is neither run nor skipped, or a skip entry that no
//! doc shows any more, fails. A renamed or removed flag fails too: the doc's flags reach the
//! command line as written, and clap refuses an unknown one with exit code 2.
//!
//! Quick settings, so the whole file runs in about a minute of a debug build: the scratch
//! folder's `scenarios/` holds every shipped scenario with a 100-ms run (same names), and
//! [`quicken`] lowers the counts that cost time (runs, rounds, slices, thread counts) while
//! keeping every flag the doc shows.

mod common;

use common::documents;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant, SystemTime};

/// Doc commands that do not run here (matched by their text, comment and `$ ` prompt removed,
/// continuations joined), and why. Each entry must match a command some doc shows.
const SKIPPED: &[(&str, &str)] = &[
    (
        "statbench gate --base main",
        "builds revision `main` with cargo in a git checkout (minutes); the paired gate is tested by tests/paired_gate.rs",
    ),
    (
        "./target/release/statbench gate --base main",
        "builds revision `main` with cargo in a git checkout (minutes); the paired gate is tested by tests/paired_gate.rs",
    ),
    (
        "./target/release/statbench gate --base \"${{ github.event.pull_request.base.sha }}\" --format markdown --output gate.md",
        "a GitHub Actions expression for the pull request's base; builds it with cargo in a git checkout (tests/paired_gate.rs)",
    ),
    (
        "statbench calibrate --real-code 20 --repeat-gates 10",
        "commits 20 variants in a temporary clone and builds and gates each (≈ 30 min); its parts are unit-tested in experiment/calibrate_code",
    ),
    (
        "statbench compare base fewer --policy policy.toml",
        "a transcript: base and fewer are an engine stand-in's recordings (10% fewer bytes a block) made, and compared so, by tests/engine_runs.rs (E1 in docs/measurements.md)",
    ),
    (
        "statbench compare base slow --policy policy.toml",
        "a transcript: base and slow are an engine stand-in's recordings (13x fewer pieces) made, and compared so, by tests/engine_runs.rs (E1 in docs/measurements.md)",
    ),
];

/// Programs other than statbench, skipped by rule, and why.
const OTHER_PROGRAMS: &[(&str, &str)] = &[
    (
        "cargo",
        "builds, installs, tests or benches the workspace: CI's own steps, not a statbench command",
    ),
    (
        "python3",
        "a helper script over criterion's output (needs a finished `cargo bench`)",
    ),
];

/// Scenario runs of 100 ms (the shipped ones take 1 to 5 s), sampled every 10 ms.
const QUICK_DURATION_MS: &str = "100";
const QUICK_INTERVAL_MS: &str = "10";

/// A command of a doc: where, and its text (continuations joined, prompt and comment removed).
#[derive(Debug, Clone)]
struct DocCommand {
    doc: String,
    line: usize,
    text: String,
}

/// The commands of one fenced block: a session, run in order in one scratch folder.
#[derive(Debug)]
struct Block {
    commands: Vec<DocCommand>,
}

/// The blocks of `text` that hold commands: every line of a shell block, the `$ ` lines of a
/// console or text transcript.
fn blocks(doc: &str, text: &str) -> Vec<Block> {
    let mut out = Vec::new();
    // The open block: its language and its numbered lines.
    let mut open: Option<(String, Vec<(usize, String)>)> = None;
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        let trimmed = line.trim_start();
        if let Some(info) = trimmed.strip_prefix("```") {
            match open.take() {
                None => {
                    let lang = info
                        .split(|c: char| c == ',' || c.is_whitespace())
                        .next()
                        .unwrap_or("")
                        .to_string();
                    open = Some((lang, Vec::new()));
                }
                Some((lang, lines)) => {
                    let commands = block_commands(doc, &lang, &lines);
                    if !commands.is_empty() {
                        out.push(Block { commands });
                    }
                }
            }
        } else if let Some((_, lines)) = open.as_mut() {
            lines.push((n, line.to_string()));
        }
    }
    assert!(open.is_none(), "{doc}: a code block is not closed");
    out
}

fn block_commands(doc: &str, lang: &str, lines: &[(usize, String)]) -> Vec<DocCommand> {
    let shell = matches!(lang, "sh" | "bash" | "shell");
    if !shell && !matches!(lang, "console" | "text" | "") {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut cur: Option<(usize, String)> = None;
    for (n, line) in lines {
        let line = match cur {
            Some(_) => line.trim().to_string(),
            None => match line.trim_start().strip_prefix("$ ") {
                Some(cmd) => cmd.to_string(),
                None if shell => line.trim().to_string(),
                None => continue,
            },
        };
        let (head, continued) = match line.trim_end().strip_suffix('\\') {
            Some(head) => (head.trim_end().to_string(), true),
            None => (line, false),
        };
        let (start, mut text) = cur.take().unwrap_or((*n, String::new()));
        if !text.is_empty() {
            text.push(' ');
        }
        text.push_str(&head);
        if continued {
            cur = Some((start, text));
            continue;
        }
        let text = strip_comment(&text)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        if !text.is_empty() {
            out.push(DocCommand {
                doc: doc.to_string(),
                line: start,
                text,
            });
        }
    }
    out
}

/// `s` without its `# comment` (a `#` at the start or after a space, outside quotes).
fn strip_comment(s: &str) -> &str {
    let mut quote = None;
    let mut prev = ' ';
    for (i, c) in s.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '"' || c == '\'' => quote = Some(c),
            None if c == '#' && prev.is_whitespace() => return &s[..i],
            None => {}
        }
        prev = c;
    }
    s
}

/// A simple command: its words (quotes removed, `~` expanded) and where its stdout goes.
#[derive(Debug, PartialEq)]
struct Simple {
    words: Vec<String>,
    stdout_to: Option<String>,
}

/// Splits a command line at `&&` into simple commands; `|`, `;` and `||` are refused (the
/// test runs no shell, so a doc that needs one must extend this parser).
fn parse(text: &str, home: &str) -> Result<Vec<Simple>, String> {
    /// Ends the word being read: an argument, or the file after `>`.
    fn end_word(word: &mut Option<String>, cur: &mut Simple, redirect: &mut bool) {
        if let Some(w) = word.take() {
            if std::mem::take(redirect) {
                cur.stdout_to = Some(w);
            } else {
                cur.words.push(w);
            }
        }
    }
    let mut out = Vec::new();
    let mut cur = Simple {
        words: Vec::new(),
        stdout_to: None,
    };
    let mut word: Option<String> = None;
    let mut redirect = false;
    let mut quote: Option<char> = None;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if let Some(q) = quote {
            if c == q {
                quote = None;
            } else {
                word.get_or_insert_with(String::new).push(c);
            }
            continue;
        }
        match c {
            '"' | '\'' => {
                quote = Some(c);
                word.get_or_insert_with(String::new);
            }
            c if c.is_whitespace() => end_word(&mut word, &mut cur, &mut redirect),
            '>' if chars.peek() != Some(&'>') => {
                end_word(&mut word, &mut cur, &mut redirect);
                redirect = true;
            }
            '&' if chars.peek() == Some(&'&') => {
                chars.next();
                end_word(&mut word, &mut cur, &mut redirect);
                if cur.words.is_empty() || redirect {
                    return Err("an empty command before `&&`".into());
                }
                out.push(std::mem::replace(
                    &mut cur,
                    Simple {
                        words: Vec::new(),
                        stdout_to: None,
                    },
                ));
            }
            '|' | ';' | '&' | '<' | '>' | '`' | '(' | ')' => {
                return Err(format!("shell syntax `{c}` is not supported"))
            }
            '~' if word.is_none() => word = Some(home.to_string()),
            c => word.get_or_insert_with(String::new).push(c),
        }
    }
    if quote.is_some() {
        return Err("a quote is not closed".into());
    }
    end_word(&mut word, &mut cur, &mut redirect);
    if cur.words.is_empty() || redirect {
        return Err("an empty command, or `>` without a file".into());
    }
    out.push(cur);
    Ok(out)
}

/// The statbench arguments of a command line's words, for each way the docs call statbench:
/// `statbench`, `./target/release/statbench` and `cargo run [--release] -p statbench [-- ARGS]`.
fn statbench_args(words: &[String]) -> Option<Vec<String>> {
    let (first, rest) = words.split_first()?;
    match first.as_str() {
        "statbench" | "./target/release/statbench" => Some(rest.to_vec()),
        "cargo" if rest.first().map(String::as_str) == Some("run") => {
            let (cargo_args, args) = match rest.iter().position(|w| w == "--") {
                Some(i) => (&rest[..i], rest[i + 1..].to_vec()),
                None => (rest, Vec::new()),
            };
            let package = cargo_args
                .windows(2)
                .find(|w| w[0] == "-p" || w[0] == "--package")
                .map(|w| w[1].as_str());
            (package == Some("statbench")).then_some(args)
        }
        _ => None,
    }
}

/// Sets `flag` to `value`: replaces the value the doc gave, or appends the flag.
fn set(args: &mut Vec<String>, flag: &str, value: &str) {
    match args.iter().position(|a| a == flag) {
        Some(i) => args[i + 1] = value.to_string(),
        None => match args.iter().position(|a| a.starts_with(&format!("{flag}="))) {
            Some(i) => args[i] = format!("{flag}={value}"),
            None => args.extend([flag.to_string(), value.to_string()]),
        },
    }
}

/// Replaces the value of `flag` where the doc gives one.
fn lower(args: &mut [String], flag: &str, value: &str) {
    if let Some(i) = args.iter().position(|a| a == flag) {
        args[i + 1] = value.to_string();
    }
}

/// The subcommand (one or two words) of statbench's arguments; "" for none.
fn subcommand(args: &[String]) -> String {
    let words: Vec<&str> = args
        .iter()
        .map(String::as_str)
        .take_while(|a| !a.starts_with('-'))
        .take(2)
        .collect();
    match words.as_slice() {
        [] => String::new(),
        [group @ ("baseline" | "history"), sub, ..] => format!("{group} {sub}"),
        [first, ..] => first.to_string(),
    }
}

/// Quick settings: the counts that cost time lowered, every flag the doc gives kept. A bare
/// `statbench` is `statbench gate` (the gate with its defaults), so it gets the gate's.
fn quicken(mut args: Vec<String>) -> Vec<String> {
    if args.is_empty() {
        args.push("gate".into());
    }
    let has = |args: &[String], flag: &str| args.iter().any(|a| a == flag);
    match subcommand(&args).as_str() {
        "run" => lower(&mut args, "--repeat", "2"),
        "gate" => {
            set(&mut args, "--repeat", "2");
            set(&mut args, "--confirm-runs", "0");
            set(&mut args, "--slices", "4");
            set(&mut args, "--slice-ms", "5");
            set(&mut args, "--placements", "3");
            set(&mut args, "--first-look", "3");
        }
        "ab" => {
            set(&mut args, "--rounds", "2");
            set(&mut args, "--confirm-rounds", "0");
            if has(&args, "--layouts") {
                set(&mut args, "--slices", "8");
                set(&mut args, "--slice-ms", "5");
            }
        }
        "sweep" => {
            set(&mut args, "--threads", "2");
            set(&mut args, "--repeat", "1");
            set(&mut args, "--duration-ms", "20");
        }
        "calibrate" if has(&args, "--paired") => {
            set(&mut args, "--rounds", "8");
            set(&mut args, "--pairs", "4");
            set(&mut args, "--confirm-pairs", "0");
            set(&mut args, "--slices", "4");
            set(&mut args, "--placements", "3");
            set(&mut args, "--first-look", "3");
            set(&mut args, "--slice-ms", "5");
        }
        // --reuse reads back as many runs as --runs says were recorded.
        "calibrate" => {
            set(&mut args, "--runs", "4");
            set(&mut args, "--group", "2");
            set(&mut args, "--confirm-rounds", "0");
            set(&mut args, "--comparisons", "10");
        }
        "history synth" => {
            set(&mut args, "--runs", "40");
            set(&mut args, "--commits", "20");
        }
        _ => {}
    }
    args
}

/// Exit codes a command may give: a verdict on live speed is either way (never asserted), so
/// `gate`, `compare`, `ab` and a gating `trend` may give 0 or 1; everything else 0. A
/// usage or input error (2) or a panic (101) always fails.
fn expected_codes(args: &[String]) -> &'static [i32] {
    match subcommand(args).as_str() {
        "gate" | "compare" | "ab" => &[0, 1],
        "trend" if args.iter().any(|a| a == "--fail-on-new-step") => &[0, 1],
        _ => &[0],
    }
}

/// How a doc command is handled.
enum Plan {
    Run(Vec<Simple>),
    Skip(&'static str),
}

fn plan(cmd: &DocCommand, home: &str) -> Result<Plan, String> {
    if let Some((_, why)) = SKIPPED.iter().find(|(text, _)| *text == cmd.text) {
        return Ok(Plan::Skip(why));
    }
    let simple = parse(&cmd.text, home)?;
    let ours = simple
        .iter()
        .filter(|s| statbench_args(&s.words).is_some())
        .count();
    if ours == simple.len() {
        return Ok(Plan::Run(simple));
    }
    if ours > 0 {
        return Err("mixes statbench with other programs; the test runs statbench only".into());
    }
    let program = simple[0].words[0].as_str();
    match OTHER_PROGRAMS.iter().find(|(p, _)| *p == program) {
        Some((_, why)) => Ok(Plan::Skip(why)),
        None => Err(format!(
            "`{program}` is neither statbench nor a program in OTHER_PROGRAMS; run it or add it to SKIPPED with why"
        )),
    }
}

/// Runs statbench in `world` as a user would; returns exit code, stdout, stderr.
fn run_statbench(world: &Path, args: &[String]) -> (i32, Vec<u8>, String) {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let mut paths = vec![world.join(".bin")];
    paths.extend(std::env::split_paths(&path));
    let out = Command::new(env!("CARGO_BIN_EXE_statbench"))
        .args(args)
        .current_dir(world)
        .env("PATH", std::env::join_paths(paths).unwrap())
        .env("HOME", world.join("home"))
        .env("NO_COLOR", "1")
        .env("COLUMNS", "100")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("STATBENCH_OUT")
        .env_remove("STATBENCH_PROBE_SCALE")
        .env_remove("GITHUB_SHA")
        .env_remove("GITHUB_REF_NAME")
        .env_remove("GITHUB_HEAD_REF")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        out.stdout,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Runs a fixture step; panics with its output unless it exits 0.
fn prepare(world: &Path, args: &str) {
    let args = parse(args, "~").unwrap().remove(0).words;
    let (code, stdout, stderr) = run_statbench(world, &args);
    assert_eq!(
        code,
        0,
        "preparing the docs' folder: statbench {}: {}{stderr}",
        args.join(" "),
        String::from_utf8_lossy(&stdout)
    );
}

#[cfg(unix)]
fn link(target: &Path, at: &Path) {
    std::fs::create_dir_all(at.parent().unwrap()).unwrap();
    std::os::unix::fs::symlink(target, at).unwrap();
}

/// The folder every block starts from: what the docs' commands name (runs, baselines,
/// a history, a policy file, statbench at the paths the docs call it by), recorded on quick
/// scenarios.
fn prepare_world(root: &Path, world: &Path) {
    let bin = Path::new(env!("CARGO_BIN_EXE_statbench"));
    for at in [
        ".bin/statbench",
        "target/release/statbench",
        "old/statbench",
    ] {
        link(bin, &world.join(at));
    }
    for dir in [
        "home/.local/share/bash-completion/completions",
        "home/.local/share/man/man1",
        "baselines",
        "runs",
    ] {
        std::fs::create_dir_all(world.join(dir)).unwrap();
    }
    // Every shipped scenario under its own name, with a quick run.
    std::fs::create_dir_all(world.join("scenarios")).unwrap();
    for e in std::fs::read_dir(root.join("scenarios")).unwrap() {
        let path = e.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("toml") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let quick: Vec<String> = text
            .lines()
            .map(|line| match line.split_once('=') {
                Some((key, _)) if key.trim() == "duration_ms" => {
                    format!("duration_ms = {QUICK_DURATION_MS}")
                }
                Some((key, _)) if key.trim() == "sample_interval_ms" => {
                    format!("sample_interval_ms = {QUICK_INTERVAL_MS}")
                }
                _ => line.to_string(),
            })
            .collect();
        std::fs::write(
            world.join("scenarios").join(path.file_name().unwrap()),
            quick.join("\n") + "\n",
        )
        .unwrap();
    }
    // The policy file: the example of docs/baselines.md, so that example is checked too.
    let baselines_md = std::fs::read_to_string(root.join("docs/baselines.md")).unwrap();
    let policy = baselines_md
        .split("```toml\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("docs/baselines.md shows a statbench.toml in a ```toml block");
    std::fs::write(world.join("statbench.toml"), policy).unwrap();

    prepare(world, "run default --repeat 3 --out runs/recorded -q");
    prepare(world, "baseline save default runs/recorded -q");
    prepare(world, "run churn --repeat 2 --out runs/churn -q");
    prepare(world, "baseline save churn-ci runs/churn -q");
    for side in ["a", "b", "new"] {
        prepare(
            world,
            &format!("run default --repeat 2 --out runs/{side} -q"),
        );
    }
    common::copy_dir(&world.join("runs/a"), &world.join("runs/engine-2.0"));
    common::copy_dir(&world.join("runs/b"), &world.join("runs/engine-2.1"));
    common::copy_dir(
        &world.join("runs/recorded/r1"),
        &world.join("runs/default-20261125-091102"),
    );
    // An engine's own CSVs, without run.json: a folder of runs, and one run.
    for (i, run) in ["a/r1", "a/r2"].iter().enumerate() {
        let csv = world.join("runs").join(run).join("snapshots.csv");
        let at = world.join(format!("engine-csvs/run{}", i + 1));
        std::fs::create_dir_all(&at).unwrap();
        std::fs::copy(&csv, at.join("snapshots.csv")).unwrap();
        if i == 0 {
            std::fs::create_dir_all(world.join("engine")).unwrap();
            std::fs::copy(&csv, world.join("engine/snapshots.csv")).unwrap();
        }
    }
    // Stands in for external-counters' striped layout (built by cargo, skipped): another layout.
    prepare(world, "run default --layout sharded --out runs/striped -q");
    prepare(
        world,
        "ab --a 'statbench run default' --b 'statbench run default' --rounds 2 --confirm-rounds 0 --out runs/ab-20261125-093000 -q",
    );
    prepare(
        world,
        "sweep default --layouts contiguous,sharded --threads 2 --repeat 1 --duration-ms 20 --out runs/sweep-default-20261125-100000 -q",
    );
    prepare(
        world,
        "history synth --out history --runs 40 --commits 20 -q",
    );
}

/// A fresh copy of `world` for one block; the run `compare --baseline default` takes as "the
/// newest run folder under runs/" is the newest.
fn session(world: &Path, name: &str) -> common::Scratch {
    let dir = common::scratch(name);
    copy_tree(world, &dir);
    let newest = std::fs::File::open(dir.join("runs/default-20261125-091102")).unwrap();
    newest
        .set_modified(SystemTime::now() + Duration::from_secs(60))
        .unwrap();
    dir
}

/// common::copy_dir, keeping symbolic links as links.
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        let kind = e.file_type().unwrap();
        if kind.is_symlink() {
            link(&std::fs::read_link(e.path()).unwrap(), &target);
        } else if kind.is_dir() {
            copy_tree(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

/// A doc's `STAMP` placeholder (`runs/calibrate-default-STAMP`, "the folder it printed")
/// replaced by the newest folder of that name an earlier command of the block wrote.
fn stamped(dir: &Path, arg: &str) -> String {
    let Some((head, tail)) = arg.split_once("STAMP") else {
        return arg.to_string();
    };
    let (parent, prefix) = match head.rsplit_once('/') {
        Some((parent, prefix)) => (dir.join(parent), prefix),
        None => (dir.to_path_buf(), head),
    };
    let newest = std::fs::read_dir(&parent)
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with(prefix) && name.ends_with(tail))
        .filter_map(|name| {
            let modified = parent.join(&name).metadata().ok()?.modified().ok()?;
            Some((modified, name))
        })
        .max();
    match newest {
        Some((_, name)) => format!("{}{name}", &head[..head.len() - prefix.len()]),
        None => arg.to_string(),
    }
}

/// What happened to each doc command.
#[derive(Default)]
struct Tally {
    run: usize,
    skipped: Vec<(String, &'static str)>,
    failures: Vec<String>,
}

fn run_block(world: &Path, index: usize, block: &Block, tally: &mut Tally) {
    let dir = session(world, &format!("docs-block-{index}"));
    let home = dir.join("home").display().to_string();
    for cmd in &block.commands {
        let at = format!("{}:{}: `{}`", cmd.doc, cmd.line, cmd.text);
        let simple = match plan(cmd, &home) {
            Ok(Plan::Skip(why)) => {
                tally.skipped.push((at, why));
                continue;
            }
            Ok(Plan::Run(simple)) => simple,
            Err(e) => {
                tally.failures.push(format!("{at}: {e}"));
                continue;
            }
        };
        tally.run += 1;
        for s in simple {
            let args = statbench_args(&s.words).unwrap();
            let args = quicken(args.iter().map(|a| stamped(&dir, a)).collect());
            let started = Instant::now();
            let (code, stdout, stderr) = run_statbench(&dir, &args);
            eprintln!(
                "{at}: statbench {} -> {code} in {:.1} s",
                args.join(" "),
                started.elapsed().as_secs_f64()
            );
            let want = expected_codes(&args);
            if !want.contains(&code) || stderr.contains("panicked") {
                tally.failures.push(format!(
                    "{at}: `statbench {}` exited {code} (expected {want:?}):\n{}{stderr}",
                    args.join(" "),
                    String::from_utf8_lossy(&stdout),
                ));
                break; // the block's next commands depend on this one
            }
            if let Some(to) = &s.stdout_to {
                std::fs::write(dir.join(to), &stdout).unwrap();
                if stdout.is_empty() {
                    tally.failures.push(format!("{at}: wrote nothing to {to}"));
                }
            }
        }
    }
}

#[test]
fn every_shell_example_in_the_readme_and_docs_runs_or_says_why_not() {
    let started = Instant::now();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let blocks: Vec<Block> = documents(&root)
        .iter()
        .flat_map(|(doc, text)| blocks(doc, text))
        .collect();
    let commands: Vec<&DocCommand> = blocks.iter().flat_map(|b| &b.commands).collect();
    assert!(
        commands.len() >= 60,
        "few commands found in the docs; is the parser broken? {commands:?}"
    );
    let stale: Vec<&str> = SKIPPED
        .iter()
        .map(|(text, _)| *text)
        .filter(|text| !commands.iter().any(|c| c.text == *text))
        .collect();
    assert!(
        stale.is_empty(),
        "SKIPPED names commands no doc shows any more (remove them): {stale:?}"
    );

    let world = common::scratch("docs-world");
    prepare_world(&root, &world);
    eprintln!(
        "prepared the docs' folder in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    // Blocks are independent sessions: two at a time (CI's two cores).
    let next = std::sync::atomic::AtomicUsize::new(0);
    let tallies: Vec<Tally> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..2)
            .map(|_| {
                s.spawn(|| {
                    let mut tally = Tally::default();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(block) = blocks.get(i) else { break };
                        run_block(&world, i, block, &mut tally);
                    }
                    tally
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap()).collect()
    });
    let mut tally = Tally::default();
    for t in tallies {
        tally.run += t.run;
        tally.skipped.extend(t.skipped);
        tally.failures.extend(t.failures);
    }
    tally.skipped.sort();
    tally.failures.sort();
    eprintln!(
        "{} doc commands run, {} skipped, in {:.1} s:",
        tally.run,
        tally.skipped.len(),
        started.elapsed().as_secs_f64()
    );
    for (at, why) in &tally.skipped {
        eprintln!("  skipped {at}: {why}");
    }
    assert!(
        tally.failures.is_empty(),
        "doc examples that failed:\n{}",
        tally.failures.join("\n\n")
    );
}

#[test]
fn the_parser_joins_continuations_strips_prompts_and_comments_and_splits_chains() {
    let text = "```sh\nstatbench ab --a \"x run # not a comment\" \\\n    --rounds 5   # why\n\
                # a comment line\ncargo test\n```\n\
                ```text\n$ statbench compare a b    # ok\nFAIL: output\n```\n\
                ```toml\nkey = 1\n```\n";
    let texts: Vec<String> = blocks("d.md", text)
        .iter()
        .flat_map(|b| b.commands.iter().map(|c| format!("{}: {}", c.line, c.text)))
        .collect();
    assert_eq!(
        texts,
        [
            "2: statbench ab --a \"x run # not a comment\" --rounds 5",
            "5: cargo test",
            "8: statbench compare a b",
        ]
    );
    let simple = parse("statbench run --out runs/x && statbench man > ~/m.1", "/h").unwrap();
    assert_eq!(
        simple,
        [
            Simple {
                words: ["statbench", "run", "--out", "runs/x"]
                    .map(String::from)
                    .to_vec(),
                stdout_to: None,
            },
            Simple {
                words: ["statbench", "man"].map(String::from).to_vec(),
                stdout_to: Some("/h/m.1".into()),
            },
        ]
    );
    assert!(parse("statbench run | tee x", "/h").is_err());
    let args = |s: &str| s.split(' ').map(String::from).collect::<Vec<_>>();
    assert_eq!(
        statbench_args(&args("cargo run --release -p statbench -- run quick")),
        Some(args("run quick"))
    );
    assert_eq!(
        statbench_args(&args("cargo run --release -p statbench")),
        Some(vec![])
    );
    assert_eq!(
        statbench_args(&args("cargo run -p external-counters -- x")),
        None
    );
    assert_eq!(
        quicken(args("run default --repeat 20 --out r")),
        args("run default --repeat 2 --out r")
    );
    assert_eq!(
        quicken(vec![]),
        args("gate --repeat 2 --confirm-runs 0 --slices 4 --slice-ms 5 --placements 3 --first-look 3")
    );
}
