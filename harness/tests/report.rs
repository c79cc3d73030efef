//! Reports: every file exists and is valid, the page is self-contained, a regression comes first.

mod common;

use common::{copy_dir, scratch, statbench};

use std::path::Path;

fn record(dir: &Path, name: &str, extra: &[&str]) {
    let mut args = vec![
        "run",
        "quick",
        "--duration-ms",
        "400",
        "--interval-ms",
        "20",
        "--threads",
        "1",
        "--quiet",
        "--out",
    ];
    let out = dir.join(name);
    args.push(out.to_str().unwrap());
    args.extend_from_slice(extra);
    let (code, _, err) = statbench(&args, Path::new(env!("CARGO_MANIFEST_DIR")));
    assert_eq!(code, 0, "{err}");
}

/// Checks every chart and the page; returns the HTML.
fn check_report(dir: &Path) -> String {
    let html = std::fs::read_to_string(dir.join("index.html")).unwrap();
    assert!(dir.join("summary.md").is_file());
    let mut charts = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        match p.extension().and_then(|e| e.to_str()) {
            Some("svg") => {
                let text = std::fs::read_to_string(&p).unwrap();
                let doc = roxmltree::Document::parse(&text)
                    .unwrap_or_else(|e| panic!("{}: {e}", p.display()));
                assert!(
                    doc.descendants().any(|n| n.has_tag_name("text")),
                    "{}: no text",
                    p.display()
                );
                charts += 1;
            }
            Some("png") => {
                let decoder =
                    png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&p).unwrap()));
                let reader = decoder
                    .read_info()
                    .unwrap_or_else(|e| panic!("{}: {e}", p.display()));
                assert!(reader.info().width >= 400 && reader.info().height >= 300);
                let name = p.file_name().unwrap().to_str().unwrap();
                assert!(
                    html.contains(&format!("href=\"{name}\"")),
                    "{name} not linked"
                );
            }
            _ => {}
        }
    }
    assert!(charts >= 2, "only {charts} charts");
    assert_eq!(
        html.matches("<svg").count(),
        charts,
        "every chart inlined once"
    );
    for attr in ["src=\"", "href=\""] {
        for (i, _) in html.match_indices(attr) {
            let target = &html[i + attr.len()..];
            let target = &target[..target.find('"').unwrap()];
            assert!(
                !target.contains("://") && !target.starts_with('/') && !target.starts_with(".."),
                "non-relative reference {target}"
            );
        }
    }
    html
}

#[test]
fn run_report_has_throughput_and_category_charts() {
    let d = scratch("run");
    record(&d, "run", &[]);
    let (code, _, err) = statbench(&["report", "run", "-o", "rep"], &d);
    assert_eq!(code, 0, "{err}");
    let html = check_report(&d.join("rep"));
    for needle in [
        "Throughput",
        "Category: network",
        "Category: disk",
        "Category: bandwidth",
    ] {
        assert!(html.contains(needle), "{needle}");
    }
    // Not overwritten silently; --force replaces.
    let (code, _, err) = statbench(&["report", "run", "-o", "rep"], &d);
    assert_eq!(code, 2);
    assert!(err.contains("--force"), "{err}");
    let (code, _, _) = statbench(&["report", "run", "-o", "rep", "--force"], &d);
    assert_eq!(code, 0);
}

#[test]
fn comparison_report_shows_a_known_regression_first() {
    let d = scratch("cmp");
    // Five runs a side: a single short run whose machine changes state mid-run is (rightly)
    // too autocorrelated to judge; runs are the unit that decides.
    record(&d, "a", &["--repeat", "5"]);
    // A's intervals get steady recorded speeds (100 M/s within ±1%, run by run): live debug-build
    // runs on a loaded machine spread so far that even a quarter of the speed can stay
    // inconclusive. B: the same runs at a quarter of that speed (every interval took four times
    // as long): a known regression from recorded data, not a live speed verdict.
    let rewrite = |path: std::path::PathBuf, k: usize, slower: f64| {
        let mut v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        for (i, iv) in v["intervals"]
            .as_array_mut()
            .unwrap()
            .iter_mut()
            .enumerate()
        {
            let rate = 1e8 * (1.0 + 0.01 * ((k + i) % 3) as f64 - 0.01) / slower;
            let ops = iv["ops"].as_u64().unwrap().max(1);
            iv["ops"] = ops.into();
            iv["ops_per_sec"] = rate.into();
            iv["duration_ns"] = ((ops as f64 / rate * 1e9).round().max(1.0) as u64).into();
        }
        v["elapsed_ns"] =
            ((v["elapsed_ns"].as_u64().unwrap() as f64 * slower).round() as u64).into();
        v["ops_per_sec"] = (1e8 / slower).into();
        std::fs::write(&path, serde_json::to_string_pretty(&v).unwrap()).unwrap();
    };
    for k in 1..=5 {
        rewrite(d.join(format!("a/r{k}/run.json")), k, 1.0);
    }
    copy_dir(&d.join("a"), &d.join("b"));
    for k in 1..=5 {
        rewrite(d.join(format!("b/r{k}/run.json")), k, 4.0);
    }
    let (code, _, err) = statbench(
        &[
            "compare",
            "a",
            "b",
            // One machine, the same runs: judge speed whatever the probes say, and keep every run
            // (debug-build runs on a shared machine spread by ±20%).
            "--strict",
            "--disturbed-run-threshold",
            "0",
            "--report",
            "rep",
        ],
        &d,
    );
    assert_eq!(code, 1, "a quarter of the speed must fail the gate: {err}");
    let html = check_report(&d.join("rep"));
    assert!(html.contains("FAIL"));
    let md = std::fs::read_to_string(d.join("rep/summary.md")).unwrap();
    // In the table of all quantities, the first row is the throughput regression.
    let table_start = md.find("| quantity |").expect("table in summary.md");
    let first_row = md[table_start..].lines().nth(2).unwrap();
    assert!(
        first_row.contains("throughput") && first_row.contains("REGRESSION"),
        "{first_row}"
    );
    assert!(
        d.join("rep/ratios.svg").is_file() && d.join("rep/throughput-distribution.png").is_file()
    );
}

/// The report of two committed recordings (stored data: no live verdict): its tables carry
/// units, throughput comes first, and the forest plot's axis is a log axis of ratios.
#[test]
fn comparison_report_tables_carry_units_and_ratios_lie_on_a_log_axis() {
    let d = scratch("cmp-units");
    let rep = d.join("rep");
    let (code, _, err) = statbench(
        &[
            "compare",
            "baselines/default/r1",
            "baselines/default/r2",
            "--report",
            rep.to_str().unwrap(),
        ],
        Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/..")),
    );
    assert!(code == 0 || code == 1, "{err}");
    let html = check_report(&rep);
    let md = std::fs::read_to_string(rep.join("summary.md")).unwrap();
    let table_start = md.find("| quantity |").expect("table in summary.md");
    let first_row = md[table_start..].lines().nth(2).unwrap();
    assert!(first_row.starts_with("| throughput"), "{first_row}");
    // The medians carry their units, as in the terminal's table: no bare `240414212.2583`.
    let rows: Vec<Vec<String>> = md[table_start..]
        .lines()
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .map(|l| {
            l.trim_matches('|')
                .split(" | ")
                .map(|c| c.trim().to_string())
                .collect()
        })
        .collect();
    assert!(rows.len() > 1, "{md}");
    let (a_median, b_median) = (&rows[0][2], &rows[0][3]);
    assert!(
        a_median.ends_with("/s") && b_median.ends_with("/s"),
        "throughput medians without a rate unit: {:?}",
        rows[0]
    );
    for row in rows
        .iter()
        .filter(|r| r[1] != "only in A" && r[1] != "only in B")
    {
        for cell in &row[2..4] {
            // Only a count (a gauge of peers, torrents...) is a bare number, as in the terminal.
            if row[1] == "per work" {
                assert!(cell.ends_with("/work"), "no unit: {row:?}");
            }
            if cell.parse::<f64>().is_ok() {
                assert!(
                    row[1] == "level" && !cell.contains('.'),
                    "a bare number: {row:?}"
                );
            }
        }
    }
    let html_cell = format!(">{}</td>", a_median.replace('\\', ""));
    assert!(
        html.contains(&html_cell),
        "{html_cell} not in the HTML table"
    );
    // The forest plot: a log axis of ratios around ×1, no negative tick, throughput on top.
    let svg = std::fs::read_to_string(rep.join("ratios.svg")).unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let texts: Vec<String> = doc
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| n.text().unwrap_or_default().trim().to_string())
        .collect();
    assert!(texts.iter().any(|t| t == "×1"), "{texts:?}");
    for t in &texts {
        let number = t.trim_start_matches(['-', '−']);
        assert!(
            !(t.starts_with(['-', '−']) && number.starts_with(|c: char| c.is_ascii_digit())),
            "negative tick label {t:?}: {texts:?}"
        );
    }
    let first_label = texts
        .iter()
        .position(|t| t.starts_with("throughput"))
        .expect("throughput row");
    if let Some(metric_label) = texts.iter().position(|t| t.contains(" [")) {
        assert!(
            first_label < metric_label,
            "throughput is not the first row: {texts:?}"
        );
    }
}

#[test]
fn a_sweep_without_points_is_refused_naming_the_file() {
    let d = scratch("empty-sweep");
    for (name, text) in [
        ("empty", ""),
        (
            "header",
            "layout,threads,pattern,repetition,ops_per_sec,ns_per_op\n",
        ),
    ] {
        std::fs::create_dir_all(d.join(name)).unwrap();
        std::fs::write(d.join(name).join("sweep.csv"), text).unwrap();
        let (code, out, err) = statbench(&["report", name, "-o", "rep"], &d);
        assert_eq!(code, 2, "{name}: {out}{err}");
        assert_eq!(err.lines().count(), 1, "{err}");
        let want = format!("{name}/sweep.csv: no sweep points to report");
        assert!(err.contains(&want), "{err}");
        assert!(!d.join("rep").exists(), "an empty report was written");
    }
}

#[test]
fn sweep_writes_csv_curves_and_a_report() {
    let d = scratch("sweep");
    let out = d.join("sweep");
    let rep = d.join("rep");
    let (code, stdout, err) = statbench(
        &[
            "sweep",
            "quick",
            "--threads",
            "1,2",
            "--repeat",
            "2",
            "--duration-ms",
            "150",
            "--layouts",
            "contiguous,sharded,ceiling",
            "--out",
            out.to_str().unwrap(),
            "--report",
            rep.to_str().unwrap(),
        ],
        Path::new(env!("CARGO_MANIFEST_DIR")),
    );
    assert_eq!(code, 0, "{err}");
    assert!(stdout.contains("÷ ceiling"), "{stdout}");
    let csv = std::fs::read_to_string(out.join("sweep.csv")).unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next().unwrap(),
        "layout,threads,pattern,repetition,ops_per_sec,ns_per_op"
    );
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 3 * 2 * 2, "layouts × threads × repetitions");
    for row in rows {
        let f: Vec<&str> = row.split(',').collect();
        assert_eq!(f.len(), 6);
        assert!(f[4].parse::<f64>().unwrap() > 0.0 && f[5].parse::<f64>().unwrap() > 0.0);
    }
    assert!(out.join("scaling-quick.png").is_file() && out.join("scaling-quick.svg").is_file());
    let html = check_report(&rep);
    assert!(html.contains("ceiling") && html.contains("sharded"));
}
