//! Usage mistakes a newcomer makes (issue 26), through the binary: a mistyped subcommand or
//! option gets clap's "did you mean" on the one error line, and shares are read alike on the
//! command line and in the policy file (`3%` or `0.03`).

mod common;

use common::statbench;
use std::path::Path;

/// The repository root: its committed baseline runs are two real recordings to compare.
fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

/// The one stderr line of a usage error (exit 2).
fn usage_error(args: &[&str]) -> String {
    let (code, out, err) = statbench(args, root());
    assert_eq!(code, 2, "{args:?}: {out}{err}");
    assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
    err.trim_end().to_string()
}

#[test]
fn a_mistyped_subcommand_or_option_is_answered_with_the_one_meant() {
    let e = usage_error(&["compre"]);
    assert!(
        e.starts_with("statbench: error: unrecognized subcommand 'compre'; did you mean 'compare'")
            && e.ends_with("? (see --help)"),
        "{e}"
    );
    let e = usage_error(&["run", "quick", "--repat", "3"]);
    assert_eq!(
        e,
        "statbench: error: unexpected argument '--repat' found; did you mean '--repeat'? (see --help)"
    );
    let e = usage_error(&["compare", "a", "b", "--format", "jsn"]);
    assert!(e.contains("; did you mean 'json'? (see --help)"), "{e}");
    // Nothing close: no guess.
    let e = usage_error(&["xyzzy"]);
    assert_eq!(
        e,
        "statbench: error: unrecognized subcommand 'xyzzy' (see --help)"
    );
}

#[test]
fn shares_on_the_command_line_take_a_percentage_like_the_policy_file() {
    let (code, out, err) = statbench(
        &[
            "compare",
            "baselines/default/r1",
            "baselines/default/r2",
            "--format",
            "json",
            "--min-effect",
            "2.5%",
            "--alpha",
            "1%",
            "--disturbed-run-threshold",
            "20%",
        ],
        root(),
    );
    assert!(code == 0 || code == 1, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["min_effect"], 0.025);
    assert_eq!(v["alpha"], 0.01);
    // Out of range, or a percentage written as a bare number: said, with how to write it.
    let e = usage_error(&["compare", "a", "b", "--min-effect", "3"]);
    assert!(
        e.contains("'3' for '--min-effect <MIN_EFFECT>': 3 must be between 0 and 1 (100%), exclusive: for 3% write 3% or 0.03"),
        "{e}"
    );
    let e = usage_error(&["compare", "a", "b", "--disturbed-run-threshold", "150%"]);
    assert!(
        e.contains("150% must be at least 0 and below 1 (100%)"),
        "{e}"
    );
    // `trend --min-step` too: parsed, the command goes on to find no history here.
    let d = common::scratch("min-step");
    let (code, _, err) = statbench(&["trend", "--min-step", "2%"], &d);
    assert_eq!(code, 2);
    assert!(err.contains("history: no runs match"), "{err}");
    let e = usage_error(&["compare", "a", "b", "--min-effect", "three"]);
    assert!(
        e.contains("\"three\" is not a fraction (0.03) or a percentage (\"3%\")"),
        "{e}"
    );
}

/// `calibrate --real-code` refuses a bad count, a lone repeated gate, and a folder outside a git
/// checkout, on one line before any clone, build or out folder.
#[test]
fn calibrate_real_code_refuses_bad_input_on_one_line() {
    let e = usage_error(&["calibrate", "--real-code", "0"]);
    assert!(e.contains("'0' for '--real-code <N>'"), "{e}");
    let e = usage_error(&["calibrate", "--real-code", "2", "--repeat-gates", "1"]);
    assert!(e.contains("--repeat-gates: give 0 or at least 2"), "{e}");
    let e = usage_error(&["calibrate", "--repeat-gates", "2"]);
    assert!(e.contains("--real-code"), "{e}");
    let outside = std::env::temp_dir().join(format!("statbench-no-git-{}", std::process::id()));
    std::fs::create_dir_all(&outside).unwrap();
    let (code, out, err) = statbench(&["calibrate", "--real-code", "2"], &outside);
    let made: Vec<_> = std::fs::read_dir(&outside).unwrap().collect();
    std::fs::remove_dir_all(&outside).unwrap();
    assert_eq!(code, 2, "{out}{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("is not inside a git checkout"), "{err}");
    assert!(made.is_empty(), "made {made:?}");
}
