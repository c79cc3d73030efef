//! Hostile snapshot CSVs and run.json files through the real binary: every one is refused with
//! exit code 2 and one stderr line naming the file, never a panic, and the file is left as it was.

mod common;

use common::{meta_text, refused, scratch, statbench, write_raw_run, Scratch, FIXTURE};
use serde_json::{json, Value};
use session_stats::{metric, MetricKind};
use std::path::Path;
use std::time::{Duration, Instant};

const WIDTH: usize = 99;
const ROWS: usize = 21;

/// Snapshot CSV text of a plausible run: registry counters grow, gauges hover.
fn valid_csv() -> String {
    let mut text = String::from("sample,elapsed_ns");
    for i in 0..WIDTH {
        text += &format!(",{i}");
    }
    text.push('\n');
    for k in 0..ROWS {
        text += &format!("{k},{}", k * 100_000_000);
        for i in 0..WIDTH {
            let counter = metric(i).is_some_and(|m| m.kind == MetricKind::Counter);
            let v = if counter {
                (k * (1000 + i * 37)) as i64
            } else {
                100 + ((k * 7 + i) % 13) as i64
            };
            text += &format!(",{v}");
        }
        text.push('\n');
    }
    text
}

/// run.json of a complete run matching [`valid_csv`], as a JSON value.
fn valid_meta() -> Value {
    let mut v: Value = serde_json::from_str(FIXTURE).unwrap();
    v["intervals"] = (1..ROWS)
        .map(|k| {
            json!({"sample": k, "duration_ns": 100_000_000, "ops": 0,
                   "ops_per_sec": 6e7 + 1e5 * ((k * 5) % 7) as f64})
        })
        .collect();
    v
}

/// A scratch folder holding the run `good` (the valid CSV and run.json, also returned), the
/// other side of every comparison.
fn with_good_run(name: &str) -> (Scratch, String, Value) {
    let d = scratch(name);
    let (csv, meta) = (valid_csv(), valid_meta());
    write_raw_run(&d.join("good"), csv.as_bytes(), Some(&meta_text(&meta, "")));
    (d, csv, meta)
}

fn with_row(csv: &str, row: usize, edit: impl Fn(&mut Vec<String>)) -> String {
    let mut lines: Vec<String> = csv.lines().map(String::from).collect();
    let mut fields: Vec<String> = lines[row].split(',').map(String::from).collect();
    edit(&mut fields);
    lines[row] = fields.join(",");
    lines.join("\n") + "\n"
}

fn meta_with(edit: impl Fn(&mut Value)) -> Value {
    let mut v = valid_meta();
    edit(&mut v);
    v
}

/// One hostile input: the folder (or file) handed to `compare`, the file the message must
/// name, and what else it must say.
struct Case {
    name: &'static str,
    target: String,
    file: String,
    needle: String,
}

/// Runs `compare good TARGET` and `compare TARGET good`; asserts exit 2, one stderr line
/// containing the needle (which names the file), no panic, nothing changed on disk, and a quick
/// answer.
fn assert_refused(dir: &Path, case: &Case) {
    let target = dir.join(&case.target);
    for args in [
        ["compare", "good", case.target.as_str()],
        ["compare", case.target.as_str(), "good"],
    ] {
        let started = Instant::now();
        refused(dir, &args, &[&target], 2, &[&case.file, &case.needle]);
        let took = started.elapsed();
        assert!(
            took < Duration::from_secs(20),
            "{}: {args:?}: took {took:?}",
            case.name
        );
    }
}

#[test]
fn hostile_snapshot_csvs_are_refused_with_one_line_naming_file_and_line() {
    let (d, good, meta) = with_good_run("hostile-csv");
    let header = good.lines().next().unwrap().to_string() + "\n";
    let mut cases = Vec::new();
    let mut add = |name: &'static str, csv: Vec<u8>, needle: &str| {
        write_raw_run(&d.join(name), &csv, Some(&meta_text(&meta, "")));
        cases.push(Case {
            name,
            target: name.to_string(),
            file: format!("{name}/snapshots.csv"),
            needle: format!("{name}/snapshots.csv{needle}"),
        });
    };

    let mut nul_in_header = header.clone().into_bytes();
    nul_in_header[20] = 0;
    add(
        "nul-in-header",
        nul_in_header,
        ":1: not a text snapshot CSV (NUL byte at byte 20)",
    );
    let mut invalid_utf8 = good.clone().into_bytes();
    let third = good.lines().take(3).map(|l| l.len() + 1).sum::<usize>();
    invalid_utf8[third + 3] = 0xFE;
    add(
        "invalid-utf8",
        invalid_utf8,
        &format!(
            ":4: not a text snapshot CSV (invalid UTF-8 byte 0xFE at byte {})",
            third + 3
        ),
    );
    let mut garbage = Vec::with_capacity(64 << 10);
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    while garbage.len() < 64 << 10 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        garbage.extend_from_slice(&x.to_le_bytes());
    }
    add("binary-garbage", garbage, ":1: not a text snapshot CSV");
    add(
        "sample-backwards",
        with_row(&good, 6, |f| f[0] = "3".into()).into_bytes(),
        ":7: sample 3 after sample 4: sample numbers must strictly increase",
    );
    add(
        "sample-duplicate",
        with_row(&good, 6, |f| f[0] = "4".into()).into_bytes(),
        ":7: sample 4 after sample 4",
    );
    add(
        "elapsed-u64-max",
        with_row(&good, 9, |f| f[1] = u64::MAX.to_string()).into_bytes(),
        ":10: elapsed_ns 18446744073709551615 is more than ten years",
    );
    add(
        "elapsed-i64-max",
        with_row(&good, ROWS, |f| f[1] = i64::MAX.to_string()).into_bytes(),
        &format!(
            ":{}: elapsed_ns 9223372036854775807 is more than ten years",
            ROWS + 1
        ),
    );
    add(
        "elapsed-backwards",
        with_row(&good, 9, |f| f[1] = "5".into()).into_bytes(),
        ":10: elapsed_ns goes backwards (5 after 700000000)",
    );
    // An engine restart inside the file: net.bytes_sent (index 0) starts again from a low value.
    add(
        "counter-decreasing",
        with_row(&good, 12, |f| f[2] = "17".into()).into_bytes(),
        ":13: counter net.bytes_sent (index 0) fell from 10000 to 17, less than half",
    );
    add(
        "non-integer",
        with_row(&good, 5, |f| f[10] = "1.5e3".into()).into_bytes(),
        ":6: column 11: `1.5e3` is not an integer",
    );
    add(
        "too-many-fields",
        with_row(&good, 5, |f| f.push("1".into())).into_bytes(),
        ":6: expected 101 fields like the header, found 102",
    );
    add(
        "too-few-fields",
        with_row(&good, 5, |f| {
            f.pop();
        })
        .into_bytes(),
        ":6: expected 101 fields like the header, found 100",
    );
    add("empty-file", Vec::new(), ": empty file");
    add(
        "bad-header",
        good.replacen(",5,6,", ",6,5,", 1).into_bytes(),
        ":1: column 9: metric indices must be ascending and unique (got 5 after 6)",
    );
    add(
        "garbage-last-line",
        format!("{good}<html>oops").into_bytes(),
        &format!(
            ":{}: the last line has no line break and is not a row cut short",
            ROWS + 2
        ),
    );
    add(
        "endless-line",
        format!("{header}{}", "7".repeat(200_000)).into_bytes(),
        ":2: not a snapshot CSV (a line longer than",
    );
    add(
        "negative-sample",
        with_row(&good, 3, |f| f[0] = "-2".into()).into_bytes(),
        ":4: column 1: `-2` is not an integer",
    );

    // A header then a flood of NUL bytes (a sparse 50 MB file; the reported case was 1 GB).
    let flood = d.join("nul-flood");
    write_raw_run(&flood, header.as_bytes(), Some(&meta_text(&meta, "")));
    let f = std::fs::OpenOptions::new()
        .write(true)
        .open(flood.join("snapshots.csv"))
        .unwrap();
    f.set_len(50 << 20).unwrap();
    drop(f);
    cases.push(Case {
        name: "nul-flood",
        target: "nul-flood".into(),
        file: "nul-flood/snapshots.csv".into(),
        needle: format!(
            "nul-flood/snapshots.csv:2: not a text snapshot CSV (NUL byte at byte {})",
            header.len()
        ),
    });
    // A folder where the CSV should be, named directly.
    std::fs::create_dir_all(d.join("folder/snapshots.csv")).unwrap();
    cases.push(Case {
        name: "folder-as-csv",
        target: "folder/snapshots.csv".into(),
        file: "folder/snapshots.csv".into(),
        needle: "folder/snapshots.csv".into(),
    });

    assert!(cases.len() >= 19);
    for case in &cases {
        assert_refused(&d, case);
    }

    // The NUL flood is refused from its first kilobytes: fast, whatever the file's size.
    let started = Instant::now();
    let (code, _, _) = statbench(&["compare", "good", "nul-flood"], &d);
    assert_eq!(code, 2);
    assert!(started.elapsed() < Duration::from_secs(5));
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn bom_crlf_and_a_line_cut_by_a_kill_are_still_read() {
    let (d, good, meta) = with_good_run("hostile-csv-ok");
    let crlf = format!("\u{FEFF}{}", good.replace('\n', "\r\n"));
    write_raw_run(
        &d.join("crlf"),
        crlf.as_bytes(),
        Some(&meta_text(&meta, "")),
    );
    let cut = format!("{good}{},{},12", ROWS, ROWS * 100_000_000);
    write_raw_run(&d.join("cut"), cut.as_bytes(), Some(&meta_text(&meta, "")));
    for other in ["crlf", "cut"] {
        let (code, out, err) = statbench(&["compare", "good", other], &d);
        assert_eq!(code, 0, "{other}: {err}\n{out}");
        assert!(!err.contains("panicked"));
    }
}

#[test]
fn hostile_run_json_values_are_refused_naming_file_and_field() {
    let (d, good, _) = with_good_run("hostile-json");
    let mut cases = Vec::new();
    let mut add = |name: &'static str, meta: Value, raw: &str, needle: &str| {
        write_raw_run(&d.join(name), good.as_bytes(), Some(&meta_text(&meta, raw)));
        cases.push(Case {
            name,
            target: name.to_string(),
            file: format!("{name}/run.json"),
            // `:` first: the field follows the file name; else a line number comes between.
            needle: if needle.starts_with(':') {
                format!("{name}/run.json{needle}")
            } else {
                needle.to_string()
            },
        });
    };
    let set = |k: &'static str, v: Value| meta_with(move |m| m[k] = v.clone());
    let set_interval =
        |k: &'static str, v: Value| meta_with(move |m| m["intervals"][3][k] = v.clone());
    add(
        "rate-nan",
        set("ops_per_sec", json!("@@")),
        "NaN",
        "invalid run.json: field `ops_per_sec`: expected value",
    );
    add(
        "rate-1e999",
        set("ops_per_sec", json!("@@")),
        "1e999",
        "invalid run.json: field `ops_per_sec`: number out of range",
    );
    add(
        "rate-negative",
        set("ops_per_sec", json!(-5)),
        "",
        ": ops_per_sec is -5; throughput cannot be negative",
    );
    add(
        "rate-zero",
        set("ops_per_sec", json!(0)),
        "",
        ": ops_per_sec is 0, but the run is complete",
    );
    add(
        "rate-null",
        set("ops_per_sec", Value::Null),
        "",
        ": ops_per_sec is null",
    );
    add(
        "rate-absurd",
        set("ops_per_sec", json!(5e15)),
        "",
        ": ops_per_sec is 5e15 updates/s, above the believable maximum",
    );
    add(
        "elapsed-negative",
        set("elapsed_ns", json!(-5)),
        "",
        ": elapsed_ns is -5; it must be a whole number",
    );
    add(
        "elapsed-zero",
        set("elapsed_ns", json!(0)),
        "",
        ": elapsed_ns is 0, but the run is complete",
    );
    add(
        "total-ops-zero",
        set("total_ops", json!(0)),
        "",
        ": total_ops is 0, but the run is complete",
    );
    add(
        "no-intervals",
        set("intervals", json!([])),
        "",
        ": intervals is empty",
    );
    add(
        "interval-zero-length",
        set_interval("duration_ns", json!(0)),
        "",
        ": intervals[3].duration_ns is 0",
    );
    add(
        "interval-rate-null",
        set_interval("ops_per_sec", Value::Null),
        "",
        ": intervals[3].ops_per_sec is null",
    );
    add(
        "interval-rate-negative",
        set_interval("ops_per_sec", json!(-1)),
        "",
        ": intervals[3].ops_per_sec is -1; throughput cannot be negative",
    );
    add(
        "interval-rate-nan",
        set_interval("ops_per_sec", json!("@@")),
        "NaN",
        "invalid run.json: field `ops_per_sec`: expected value",
    );
    add(
        "unknown-format",
        set("format", json!(7)),
        "",
        ": format 7 is not supported (this statbench reads run.json format 1)",
    );
    add(
        "json-array",
        json!([valid_meta()]),
        "",
        ": expected a JSON object describing a run, found an array",
    );
    // A run.json of NUL bytes (sparse 50 MB).
    let dir = d.join("json-nul-flood");
    write_raw_run(&dir, good.as_bytes(), None);
    std::fs::File::create(dir.join("run.json"))
        .unwrap()
        .set_len(50 << 20)
        .unwrap();
    cases.push(Case {
        name: "json-nul-flood",
        target: "json-nul-flood".into(),
        file: "json-nul-flood/run.json".into(),
        needle: "json-nul-flood/run.json:1: not a text run.json (NUL byte at byte 0)".into(),
    });
    assert!(cases.len() >= 17);
    for case in &cases {
        assert_refused(&d, case);
    }
    std::fs::remove_dir_all(&d).unwrap();
}

/// A CSV with a header and no rows, or a single row, reads as an empty series (the reader's
/// contract); the comparison must then refuse it for want of data (issue 11, item 1).
#[test]
fn header_only_and_single_row_csvs_are_refused_for_want_of_data() {
    let (d, good, meta) = with_good_run("hostile-csv-nodata");
    let mut lines = good.lines();
    let header = lines.next().unwrap().to_string() + "\n";
    let one_row = format!("{header}{}\n", lines.next().unwrap());
    let mut cases = Vec::new();
    for (name, csv, with_meta) in [
        ("header-only", header.clone(), true),
        ("header-only-no-json", header.clone(), false),
        ("header-no-newline", header.trim_end().to_string(), true),
        ("single-row", one_row, true),
    ] {
        write_raw_run(
            &d.join(name),
            csv.as_bytes(),
            with_meta.then(|| meta_text(&meta, "")).as_deref(),
        );
        cases.push(Case {
            name,
            target: name.to_string(),
            file: name.to_string(),
            needle: name.to_string(),
        });
    }
    for case in &cases {
        assert_refused(&d, case);
    }
}
