//! The machine probe end to end: recorded in every run.json, injected by
//! `STATBENCH_PROBE_SCALE`, and the rule that a stored-baseline gate judges speed only when the
//! sides' probes agree (faster and slower machines pass with a plain NOTE first), while `ab`
//! (one machine, interleaved) always judges it.

mod common;

use common::{edit_meta, meta_text, scratch, Statbench};
use statbench::compare::machine::PROBE_BOUND;
use statbench::recorder::RunMeta;
use std::path::Path;

/// Runs statbench in `cwd` with `STATBENCH_PROBE_SCALE` set to `scale` (or unset), with the
/// machine to itself: the probes of this file measure a 2-core machine.
fn statbench(args: &[&str], cwd: &Path, scale: Option<&str>) -> (i32, String, String) {
    let cmd = Statbench::new().args(args).cwd(cwd).alone();
    match scale {
        Some(s) => cmd.env("STATBENCH_PROBE_SCALE", s),
        None => cmd.env_remove("STATBENCH_PROBE_SCALE"),
    }
    .run()
    .into()
}

/// A scratch folder with a tiny scenario and a baseline `tiny` of 6 runs recorded unscaled.
fn with_baseline(name: &str) -> common::Scratch {
    let d = scratch(name);
    std::fs::write(
        d.join("tiny.toml"),
        "name = \"tiny\"\nseed = 5\nthreads = 2\npeers = 8\nlayout = \"contiguous\"\n\
         duration_ms = 150\nsample_interval_ms = 10\npin_threads = false\n",
    )
    .unwrap();
    std::fs::create_dir_all(d.join("baselines")).unwrap();
    let (code, _, err) = statbench(
        &[
            "run",
            "./tiny.toml",
            "--repeat",
            "6",
            "--quiet",
            "--out",
            "base",
        ],
        &d,
        None,
    );
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = statbench(&["baseline", "save", "tiny", "base"], &d, None);
    assert_eq!(code, 0, "{err}");
    d
}

fn gate(d: &Path, scale: &str, format: &str) -> (i32, String, String) {
    statbench(
        &[
            "gate",
            "./tiny.toml",
            "--repeat",
            "6",
            "--confirm-runs",
            "0",
            "--quiet",
            "--wide", // the first line whole: the NOTE is checked as one line
            "--format",
            format,
        ],
        d,
        Some(scale),
    )
}

#[test]
fn every_run_records_a_probe_and_the_scale_hook_is_marked() {
    let d = scratch("probe-recorded");
    std::fs::write(
        d.join("t.toml"),
        "name = \"t\"\nthreads = 2\npeers = 4\nduration_ms = 50\nsample_interval_ms = 10\n",
    )
    .unwrap();
    let (code, _, err) = statbench(&["run", "./t.toml", "--quiet", "--out", "plain"], &d, None);
    assert_eq!(code, 0, "{err}");
    let plain = RunMeta::read(&d.join("plain/run.json")).unwrap();
    let p = plain.machine_probe.expect("a probe in run.json");
    assert!(p.uncontended_mops > 0.0 && p.contended_mops > 0.0, "{p:?}");
    assert_eq!(p.scaled_by, None);
    let (code, _, err) = statbench(
        &["run", "./t.toml", "--quiet", "--out", "scaled"],
        &d,
        Some("0.001"),
    );
    assert_eq!(code, 0, "{err}");
    let s = RunMeta::read(&d.join("scaled/run.json"))
        .unwrap()
        .machine_probe
        .unwrap();
    assert_eq!(s.scaled_by, Some(0.001));
    // A thousandth of a real rate: far below what the machine measured unscaled.
    assert!(s.contended_mops < p.contended_mops / 20.0, "{s:?} vs {p:?}");

    // A bad factor is bad input: one line naming the variable, before any run is recorded.
    for bad in ["abc", "-1", "0", "inf", ""] {
        let (code, _, err) = statbench(
            &["run", "./t.toml", "--quiet", "--out", "bad"],
            &d,
            Some(bad),
        );
        assert_eq!(code, 2, "{bad:?}: {err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
        assert!(err.contains("STATBENCH_PROBE_SCALE"), "{err}");
        assert!(!d.join("bad/run.json").exists(), "no run recorded");
    }
}

#[test]
fn the_gate_passes_with_a_plain_note_on_a_faster_and_a_slower_machine() {
    let d = with_baseline("probe-gate");
    // Scales far outside the machine's own swing: the uncontended loop is bimodal (×0.57) and
    // the contended loop moves with load, so ×1.5 or ×0.6 could land back within the bound
    // and speed would then be judged (and, under load, fail) against the stored runs.
    // A probe 5× faster explains no slowdown beyond the bound: when the loaded test machine
    // ran the gate's runs that much slower than the baseline's, the gate judges it (the rule
    // working on a live slowdown, not this test's case), so that gate is checked for saying so.
    let beyond = |code: i32, text: &str| {
        let judged = text.contains("slower than any machine difference explains");
        assert!(!judged || code == 1, "{text}");
        judged
    };
    for scale in ["5", "0.2"] {
        let (code, out, err) = gate(&d, scale, "table");
        if scale == "5" && beyond(code, &out) {
            continue;
        }
        assert_eq!(code, 0, "scale {scale}: {err}\n{out}");
        let first = out.lines().next().unwrap_or_default();
        assert!(
            // The sign is the injected one unless the machine's own probe flipped mode (the
            // uncontended loop is bimodal, ×0.57, on a loaded 2-core VM): a NOTE either way.
            // One machine, its probe scaled: said as this machine's speed, with what to do.
            first.starts_with("NOTE: this machine's speed moved by ")
                && first.contains(" between these runs (machine probe, ")
                && first.ends_with(
                    "speed not judged (behaviour still gates): pair the builds instead \
                     (statbench gate, or gate --base REV)"
                ),
            "scale {scale}: first line {first:?}"
        );
        assert!(!err.contains("panicked"));

        let (code, out, err) = gate(&d, scale, "json");
        if scale == "5" && beyond(code, &out) {
            continue;
        }
        assert_eq!(code, 0, "scale {scale}: {err}\n{out}");
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        let m = &v["machine"];
        assert_eq!(m["policy"], "when_probes_agree");
        assert_eq!(m["speed_judged"], false);
        assert_eq!(m["mismatch"]["reason"], "machines_differ");
        assert_eq!(m["mismatch"]["same_host"], true);
        assert_eq!(m["b"]["scaled"], true);
        assert_eq!(m["a"]["scaled"], false);
        let ratio = m["mismatch"]["ratio"].as_f64().unwrap();
        assert!((ratio - 1.0).abs() > PROBE_BOUND, "{ratio}");
        assert_eq!(v["headline"]["outcome"], "inconclusive");
        assert!(v["headline"]["reason"]
            .as_str()
            .unwrap()
            .starts_with("speed not judged: this machine's speed moved by"));
        let warnings = v["gate"]["warnings"].as_array().unwrap();
        assert_eq!(warnings[0]["kind"], "machine_mismatch", "{warnings:?}");
        assert_eq!(warnings[0]["speed_judged"], false);
        // The markdown says it first too.
        let (code, md, _) = gate(&d, scale, "markdown");
        if scale == "5" && beyond(code, &md) {
            continue;
        }
        assert!(
            md.starts_with("> **NOTE: this machine's speed moved by"),
            "{md}"
        );
    }

    // Behaviour still gates on a machine whose speed is not judged: lost updates fail.
    edit_meta(&d.join("baselines/tiny/r1"), |m| {
        m.totals_verified = Some(false)
    });
    let (code, out, _) = gate(&d, "5", "table");
    assert_eq!(code, 1, "{out}");
    assert!(
        out.starts_with("NOTE: this machine's speed moved by "),
        "{out}"
    );
    assert!(
        out.contains("FAIL: A: ") && out.contains("lost or wrong updates"),
        "{out}"
    );
}

#[test]
fn the_gate_judges_speed_when_the_probes_agree() {
    let d = with_baseline("probe-agree");
    let (code, out, err) = gate(&d, "1.0", "json");
    assert_eq!(code, 0, "{err}\n{out}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let m = &v["machine"];
    let ratio = &m["ratio"];
    let worst = ["uncontended", "contended"]
        .iter()
        .map(|k| (ratio[k].as_f64().unwrap() - 1.0).abs())
        .fold(0.0, f64::max);
    // One machine, a minute apart: the probes usually agree (measured here: within ±9% between
    // sessions), and then the gate judges speed like before. On a loaded 2-core machine (the
    // test suite runs in parallel) the uncontended loop can sit in its slow mode for a whole
    // side, so the test checks the rule, whichever way the machine went: speed is judged
    // exactly when both loops agree within the bound, and the table says so first otherwise.
    let agree = worst <= PROBE_BOUND;
    assert_eq!(m["speed_judged"], agree, "{m}");
    assert_eq!(m["mismatch"].is_null(), agree, "{m}");
    let withheld = v["headline"]["reason"]
        .as_str()
        .unwrap_or_default()
        .starts_with("speed not judged");
    assert_eq!(withheld, !agree, "{}", v["headline"]);
    // The table opens with the NOTE exactly when that gate's speed verdict was withheld.
    let (_, table, _) = gate(&d, "1.0", "table");
    assert_eq!(
        table.starts_with("NOTE: this machine's speed moved"),
        table.contains("speed not judged"),
        "{table}"
    );
}

/// Copies run folder `from` to `to` with its probe multiplied by `factor`.
fn copy_scaled(from: &Path, to: &Path, factor: f64) {
    std::fs::create_dir_all(to).unwrap();
    std::fs::copy(from.join("snapshots.csv"), to.join("snapshots.csv")).unwrap();
    let mut meta = RunMeta::read(&from.join("run.json")).unwrap();
    if let Some(p) = meta.machine_probe.as_mut() {
        p.uncontended_mops *= factor;
        p.contended_mops *= factor;
    }
    meta.write(to).unwrap();
}

#[test]
fn compare_judges_speed_within_the_bound_and_not_beyond_or_without_probes() {
    let d = with_baseline("probe-compare");
    let runs: Vec<String> = (1..=6).map(|k| format!("base/r{k}")).collect();
    for (name, factor) in [
        ("inside", 1.0 + PROBE_BOUND * 0.8),
        ("outside", 1.0 + PROBE_BOUND * 1.5),
    ] {
        for r in &runs {
            copy_scaled(&d.join(r), &d.join(name).join(&r[5..]), factor);
        }
        let (code, out, err) = statbench(&["compare", "base", name], &d, None);
        assert_eq!(code, 0, "{err}");
        let noted = out.starts_with("NOTE: this machine's speed moved by +");
        assert_eq!(noted, name == "outside", "{name}: {out}");
    }
    // A side without probes (recorded before they existed): not judged, said first.
    let mut meta = RunMeta::read(&d.join("inside/r1/run.json")).unwrap();
    for k in 1..=6 {
        let dir = d.join(format!("inside/r{k}"));
        meta = RunMeta::read(&dir.join("run.json")).unwrap();
        meta.machine_probe = None;
        meta.write(&dir).unwrap();
    }
    assert!(meta.machine_probe.is_none());
    let (code, out, _) = statbench(
        &["compare", "--baseline", "tiny", "inside", "--wide"],
        &d,
        None,
    );
    assert_eq!(code, 0);
    assert!(
        out.starts_with("NOTE: no machine probe in B (inside)")
            && out
                .lines()
                .next()
                .unwrap()
                .ends_with("speed not judged, behaviour still gates"),
        "{out}"
    );
    // --strict judges speed anyway, and says so first.
    let (_, out, _) = statbench(
        &["compare", "base", "outside", "--strict", "--wide"],
        &d,
        None,
    );
    assert!(
        out.lines()
            .next()
            .unwrap()
            .ends_with("speed judged anyway (--strict)"),
        "{out}"
    );
}

#[test]
fn an_impossible_probe_in_run_json_is_bad_input_naming_file_and_key() {
    let d = with_baseline("probe-hostile");
    for (key, value, want) in [
        (
            "contended_mops",
            "-4.0",
            "machine_probe.contended_mops is -4; it must be above 0",
        ),
        (
            "uncontended_mops",
            "null",
            "machine_probe.uncontended_mops is null",
        ),
        ("uncontended_mops", "NaN", "field `uncontended_mops`"),
    ] {
        let path = d.join("base/r2/run.json");
        let text = std::fs::read_to_string(&path).unwrap();
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        let mut bad = v.clone();
        bad["machine_probe"][key] = serde_json::json!("@@");
        std::fs::write(&path, meta_text(&bad, value)).unwrap();
        let (code, _, err) = statbench(&["compare", "base", "base"], &d, None);
        std::fs::write(&path, text).unwrap();
        assert_eq!(code, 2, "{key}={value}: {err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
        assert!(
            err.contains("base/r2/run.json") && err.contains(want),
            "{err:?} lacks {want:?}"
        );
    }
}

#[test]
fn ab_judges_speed_across_differing_probes_on_one_machine() {
    let d = scratch("probe-ab");
    std::fs::write(
        d.join("t.toml"),
        "name = \"t\"\nthreads = 1\npeers = 4\nduration_ms = 100\nsample_interval_ms = 10\n\
         pin_threads = false\n",
    )
    .unwrap();
    let bin = env!("CARGO_BIN_EXE_statbench");
    let cmd = |scale: &str| format!("STATBENCH_PROBE_SCALE={scale} {bin} run ./t.toml --quiet");
    let (code, out, err) = statbench(
        &[
            "ab",
            "--a",
            &cmd("1.0"),
            "--b",
            &cmd("20"),
            "--rounds",
            "2",
            "--confirm-rounds",
            "0",
            "--format",
            "json",
            "--out",
            d.join("ab").to_str().unwrap(),
        ],
        &d,
        None,
    );
    assert!(code == 0 || code == 1, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["machine"]["policy"], "same_machine");
    assert_eq!(v["machine"]["speed_judged"], true);
    assert!(v["machine"]["mismatch"].is_null());
    // The probes were measured and differ (×20 injected on B, far beyond the contended loop's
    // own swing under load: ×2 once measured 1.15 on a loaded 2-core CI runner), shown for
    // information.
    assert_eq!(v["machine"]["b"]["scaled"], true, "{out}");
    assert!(v["machine"]["ratio"]["contended"].as_f64().unwrap() > 1.0 + PROBE_BOUND);
}
