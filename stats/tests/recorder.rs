//! The engine-side recorder: rows stream while writers update, the last row holds the exact
//! totals, run.json is complete only after `stop`, a crash leaves a readable prefix, and bad
//! options are refused in one line.
#![cfg(feature = "recorder")]

use session_stats::recorder::{Recorder, RecorderOptions, RUN_INFO_FORMAT};
use session_stats::{
    SessionCounters, Sharded, NET_BYTES_RECV, NUM_METRICS, PROTO_PIECES_DOWNLOADED,
};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ss-recorder-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// Every complete line of the CSV, split; the header checked.
fn rows(dir: &Path) -> Vec<Vec<i64>> {
    let text = std::fs::read_to_string(dir.join("snapshots.csv")).unwrap();
    let mut lines = text.split_inclusive('\n');
    let header = lines.next().unwrap();
    let want: Vec<String> = ["sample".to_string(), "elapsed_ns".to_string()]
        .into_iter()
        .chain((0..NUM_METRICS).map(|i| i.to_string()))
        .collect();
    assert_eq!(header.trim_end(), want.join(","));
    lines
        .filter(|l| l.ends_with('\n'))
        .map(|l| {
            l.trim_end()
                .split(',')
                .map(|f| f.parse().unwrap())
                .collect()
        })
        .collect()
}

fn field<'a>(json: &'a str, key: &str) -> &'a str {
    let at = json.find(&format!("\"{key}\": ")).unwrap() + key.len() + 4;
    json[at..].split([',', '\n']).next().unwrap()
}

#[test]
fn rows_stream_while_writers_update_and_the_last_holds_the_exact_totals() {
    let dir = scratch("stream");
    let counters = Arc::new(SessionCounters::<Sharded>::with_layout(false));
    let options = RecorderOptions::new(Duration::from_millis(5))
        .label("test")
        .work_metric("net.bytes_recv")
        .machine_probe(false);
    let recorder = Recorder::start_with(&counters, &dir, options).unwrap();
    let info = std::fs::read_to_string(dir.join("run.json")).unwrap();
    assert_eq!(field(&info, "complete"), "false");
    assert_eq!(field(&info, "format"), format!("\"{RUN_INFO_FORMAT}\""));
    let stop = AtomicBool::new(false);
    let per_thread = 200_000u64;
    std::thread::scope(|s| {
        for _ in 0..4 {
            let w = counters.writer();
            s.spawn(move || {
                for k in 0..per_thread {
                    w.inc(NET_BYTES_RECV, 3);
                    if k % 100 == 0 {
                        w.inc(PROTO_PIECES_DOWNLOADED, 1);
                    }
                }
            });
        }
        // Rows keep coming while the writers work.
        s.spawn(|| {
            while !stop.load(Ordering::Relaxed) && rows(&dir).len() < 3 {
                std::thread::sleep(Duration::from_millis(1));
            }
        });
    });
    stop.store(true, Ordering::Relaxed);
    let summary = recorder.stop().unwrap();
    let rows = rows(&dir);
    assert_eq!(rows.len() as u64, summary.samples);
    assert!(rows.len() >= 2);
    let last = rows.last().unwrap();
    assert_eq!(last[2 + NET_BYTES_RECV], 4 * per_thread as i64 * 3);
    assert_eq!(last[2 + PROTO_PIECES_DOWNLOADED], 4 * 2000);
    assert_eq!(last[1] as u64, summary.elapsed_ns);
    // Samples count up, time never goes back, counters never fall.
    for w in rows.windows(2) {
        assert_eq!(w[1][0], w[0][0] + 1);
        assert!(w[1][1] >= w[0][1]);
        assert!(w[1][2 + NET_BYTES_RECV] >= w[0][2 + NET_BYTES_RECV]);
    }
    let info = std::fs::read_to_string(dir.join("run.json")).unwrap();
    assert_eq!(field(&info, "complete"), "true");
    assert_eq!(field(&info, "samples"), summary.samples.to_string());
    assert_eq!(field(&info, "work_metric"), "\"net.bytes_recv\"");
    assert_eq!(field(&info, "layout"), "\"sharded\"");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn bad_options_and_a_used_folder_are_refused_in_one_line() {
    let counters = Arc::new(SessionCounters::new());
    let dir = scratch("bad");
    let e = Recorder::start(&counters, &dir, Duration::ZERO).unwrap_err();
    assert_eq!(e.kind(), std::io::ErrorKind::InvalidInput);
    assert!(e.to_string().contains("interval is 0"), "{e}");
    let opts = RecorderOptions::new(Duration::from_millis(10)).work_metric("net.bytes_recvd");
    let e = Recorder::start_with(&counters, &dir, opts).unwrap_err();
    assert!(e.to_string().contains("\"net.bytes_recvd\""), "{e}");
    assert!(!e.to_string().contains('\n'));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("other"), "x").unwrap();
    let e = Recorder::start(&counters, &dir, Duration::from_millis(10)).unwrap_err();
    assert_eq!(e.kind(), std::io::ErrorKind::AlreadyExists);
    assert!(e.to_string().contains("not empty"), "{e}");
    std::fs::remove_dir_all(&dir).unwrap();
}

const CHILD: &str = "SS_RECORDER_CRASH_CHILD";

/// Run as a child process: records, then dies mid-recording without any cleanup.
#[test]
fn crash_child() {
    let Some(dir) = std::env::var_os(CHILD) else {
        return;
    };
    let counters = Arc::new(SessionCounters::new());
    let options = RecorderOptions::new(Duration::from_millis(2)).machine_probe(false);
    let _recorder = Recorder::start_with(&counters, Path::new(&dir), options).unwrap();
    for k in 0..50 {
        counters.inc(NET_BYTES_RECV, k);
        std::thread::sleep(Duration::from_millis(1));
    }
    std::process::abort();
}

#[test]
fn a_crashed_engine_leaves_a_readable_prefix_and_an_incomplete_run_json() {
    let dir = scratch("crash");
    let status = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["crash_child", "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD, &dir)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(!status.success(), "the child aborts");
    let rows = rows(&dir);
    assert!(rows.len() >= 5, "{} rows", rows.len());
    assert!(rows.iter().all(|r| r.len() == NUM_METRICS + 2));
    let info = std::fs::read_to_string(dir.join("run.json")).unwrap();
    assert_eq!(field(&info, "complete"), "false");
    std::fs::remove_dir_all(&dir).unwrap();
}
