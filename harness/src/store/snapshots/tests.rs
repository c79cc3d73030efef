use super::*;
use std::io;

fn csv(width: usize, rows: &[Vec<i64>]) -> String {
    let mut s = String::from("sample,elapsed_ns");
    for i in 0..width {
        s += &format!(",{i}");
    }
    s.push('\n');
    for (k, r) in rows.iter().enumerate() {
        s += &format!("{k},{}", k * 100);
        for v in r {
            s += &format!(",{v}");
        }
        s.push('\n');
    }
    s
}

fn parse(text: &str) -> Result<SnapshotTable> {
    SnapshotTable::parse(text.as_bytes(), Path::new("x.csv"))
}

fn parse_bytes(bytes: &[u8]) -> Result<SnapshotTable> {
    SnapshotTable::parse(bytes, Path::new("x.csv"))
}

/// The error message, checked to be one line.
fn error(r: Result<SnapshotTable>) -> String {
    let e = r.unwrap_err().to_string();
    assert!(!e.contains('\n'), "{e:?}");
    e
}

/// A reader that hands out one byte per call, like a slow pipe: every boundary is hit.
struct Trickle<'a>(&'a [u8]);
impl Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match (self.0.split_first(), buf.first_mut()) {
            (Some((&b, rest)), Some(slot)) => {
                *slot = b;
                self.0 = rest;
                Ok(1)
            }
            _ => Ok(0),
        }
    }
}

#[test]
fn reads_every_known_width() {
    for width in [70, 99, 118] {
        let rows = vec![vec![1; width], vec![2; width]];
        let t = parse(&csv(width, &rows)).unwrap();
        assert_eq!(t.indices, (0..width).collect::<Vec<_>>());
        assert_eq!(t.rows(), 2);
        assert_eq!(t.column(width - 1), Some(&[1, 2][..]));
        assert_eq!(t.column(width), None);
    }
}

#[test]
fn accepts_bom_and_crlf() {
    let text = format!(
        "\u{FEFF}{}",
        csv(3, &[vec![5, -6, 7]]).replace('\n', "\r\n")
    );
    let t = parse(&text).unwrap();
    assert_eq!(t.columns, vec![vec![5], vec![-6], vec![7]]);
    assert!(!t.truncated);
}

#[test]
fn a_header_alone_is_an_empty_table_not_an_error() {
    for text in ["sample,elapsed_ns,0,1\n", "sample,elapsed_ns,0,1"] {
        let t = parse(text).unwrap();
        assert_eq!((t.rows(), t.indices.len()), (0, 2));
    }
}

#[test]
fn streams_and_matches_parsing_in_memory() {
    let rows: Vec<Vec<i64>> = (0..500).map(|k| vec![k * 7, k, -k, 3]).collect();
    let text = csv(4, &rows);
    let whole = parse(&text).unwrap();
    let trickled =
        SnapshotTable::parse_reader(Trickle(text.as_bytes()), 0, Path::new("x.csv")).unwrap();
    assert_eq!(whole, trickled);
    assert_eq!(whole.rows(), 500);
    let dir = std::env::temp_dir().join(format!("statbench-snap-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("s.csv");
    std::fs::write(&file, &text).unwrap();
    let read = SnapshotTable::read(&file).unwrap();
    assert_eq!(read.columns, whole.columns);
    let e = SnapshotTable::read(&dir).unwrap_err().to_string();
    assert!(e.ends_with("is a folder, not a snapshot CSV"), "{e}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn drops_an_incomplete_last_line_only_when_it_could_be_a_cut_row() {
    let good = csv(3, &[vec![1, 2, 3], vec![4, 5, 6]]);
    for tail in ["2,200,7,8", "2,200,7,", "2", "2,200,-", "2,200,7,8,9"] {
        let t = parse(&format!("{good}{tail}")).unwrap();
        assert_eq!(t.rows(), 2, "{tail:?}");
        assert!(t.truncated, "{tail:?}");
    }
    for tail in ["2,200,x", "2,200,7,8,9,10", "hello", "2,,7", " ", "1\t2"] {
        let e = error(parse(&format!("{good}{tail}")));
        let want = "x.csv:4: the last line has no line break and is not a row cut short";
        assert!(e.starts_with(want), "{tail:?}: {e:?}");
    }
}

#[test]
fn nul_bytes_are_refused_with_line_and_offset() {
    let header = "sample,elapsed_ns,0,1,2\n";
    let mut bytes = header.as_bytes().to_vec();
    bytes.extend(std::iter::repeat_n(0u8, 100_000));
    let e = error(parse_bytes(&bytes));
    assert_eq!(
        e,
        format!(
            "x.csv:2: not a text snapshot CSV (NUL byte at byte {})",
            header.len()
        )
    );
    let e = error(parse_bytes(b"sample,elap\0sed_ns,0\n0,0,1\n"));
    assert_eq!(e, "x.csv:1: not a text snapshot CSV (NUL byte at byte 11)");
    let mut late = csv(3, &(0..2000).map(|k| vec![k, k, 1]).collect::<Vec<_>>());
    let at = late.len();
    late.push_str("2000,200000,1,\0,1\n");
    let e = error(parse(&late));
    assert_eq!(
        e,
        format!(
            "x.csv:2002: not a text snapshot CSV (NUL byte at byte {})",
            at + 14
        )
    );
}

#[test]
fn an_endless_binary_or_garbage_stream_stops_after_a_few_kilobytes() {
    // Infinite inputs: finishing at all proves nothing is slurped.
    let cases: [(Box<dyn Read>, &str); 3] = [
        (
            Box::new(b"sample,elapsed_ns,0\n".chain(io::repeat(0))),
            "x.csv:2: not a text snapshot CSV (NUL byte at byte 20)",
        ),
        (
            Box::new(io::repeat(0xFF)),
            "x.csv:1: not a text snapshot CSV (invalid UTF-8 byte 0xFF at byte 0)",
        ),
        (
            Box::new(b"sample,elapsed_ns,0\n".chain(io::repeat(b'7'))),
            "x.csv:2: not a snapshot CSV (a line longer than 74 bytes",
        ),
    ];
    for (source, want) in cases {
        let e = error(SnapshotTable::parse_reader(source, 0, Path::new("x.csv")));
        assert!(e.starts_with(want), "{e:?}");
    }
    let e = error(SnapshotTable::parse_reader(
        io::repeat(b'a'),
        0,
        Path::new("x.csv"),
    ));
    assert!(e.contains("line longer than 1048576 bytes"), "{e}");
}

#[test]
fn invalid_utf8_is_refused_but_split_sequences_are_not() {
    let e = error(parse_bytes(b"sample,elapsed_ns,0\n0,0,1\n1,5,\xC3\x28\n"));
    assert_eq!(
        e,
        "x.csv:3: not a text snapshot CSV (invalid UTF-8 byte 0xC3 at byte 30)"
    );
    // Valid UTF-8 that is not a number, split over reads: an integer error, not "binary".
    let text = "sample,elapsed_ns,0\n0,0,1\n1,5,é\n";
    let e = error(SnapshotTable::parse_reader(
        Trickle(text.as_bytes()),
        0,
        Path::new("x.csv"),
    ));
    assert_eq!(e, "x.csv:3: column 3: `é` is not an integer");
    let e = error(SnapshotTable::parse_reader(
        Trickle(b"sample,elapsed_ns,0\n0,0,1\n1,5,\xC3"),
        0,
        Path::new("x.csv"),
    ));
    assert_eq!(
        e,
        "x.csv:3: not a text snapshot CSV (UTF-8 sequence cut off at byte 30)"
    );
}

#[test]
fn samples_must_increase_and_time_must_stay_sane() {
    let good = csv(3, &[vec![1, 2, 3], vec![4, 5, 6], vec![7, 8, 9]]);
    let cases = [
        (
            good.replace("\n2,200,", "\n1,200,"),
            "x.csv:4: sample 1 after sample 1: sample numbers must strictly increase",
        ),
        (
            good.replace("\n2,200,", "\n0,200,"),
            "x.csv:4: sample 0 after sample 1",
        ),
        (
            good.replace("\n2,200,", &format!("\n2,{},", u64::MAX)),
            "x.csv:4: elapsed_ns 18446744073709551615 is more than ten years",
        ),
        (
            good.replace("\n2,200,", &format!("\n2,{},", MAX_ELAPSED_NS + 1)),
            "x.csv:4: elapsed_ns 315576000000000001 is more than ten years",
        ),
        (
            good.replace("\n2,200,", "\n2,50,"),
            "x.csv:4: elapsed_ns goes backwards (50 after 100)",
        ),
    ];
    for (text, want) in cases {
        let e = error(parse(&text));
        assert!(e.starts_with(want), "{e:?} does not start with {want:?}");
    }
    // Gaps in sample numbers, equal times and the bound itself are fine.
    let ok = good
        .replace("\n2,200,", &format!("\n9,{MAX_ELAPSED_NS},"))
        .replace("\n1,100,", "\n1,0,");
    assert_eq!(parse(&ok).unwrap().samples, vec![0, 1, 9]);
}

#[test]
fn a_reset_counter_is_an_error_naming_metric_line_and_values() {
    // Index 0 is `net.bytes_sent`, a counter; index 2 `net.num_connections`, a gauge.
    let text = csv(3, &[vec![10, 2, 3], vec![500, 5, 6], vec![20, 8, 1]]);
    let e = error(parse(&text));
    assert_eq!(
        e,
        "x.csv:4: counter net.bytes_sent (index 0) fell from 500 to 20, less than half: a \
         counter only grows, so the engine restarted or was reset inside this file: split \
         the file before line 4 and compare the parts separately"
    );
    for (before, now, reset) in [
        (500, 249, true),
        (500, 250, false),
        (1, 0, true),
        (0, -1, true),
        (i64::MAX, i64::MAX / 2, true),
        (i64::MAX, i64::MAX / 2 + 1, false),
        (7, 7, false),
    ] {
        assert_eq!(is_reset(before, now), reset, "{before} → {now}");
    }
    // A dip by one update's value, as a snapshot taken inside an `extra_work` pair shows
    // (a real +16384, then +16384/−16384 caught half done), is not a reset.
    let t = parse(&csv(
        3,
        &[vec![0, 0, 0], vec![32768, 0, 0], vec![16384, 0, 0]],
    ))
    .unwrap();
    assert_eq!(t.column(0), Some(&[0, 32768, 16384][..]));
    // Gauges move both ways.
    let t = parse(&csv(3, &[vec![1, 2, 9], vec![4, 5, 1]])).unwrap();
    assert_eq!(t.column(2), Some(&[9, 1][..]));
}

#[test]
fn counters_are_told_from_gauges_by_the_registry() {
    // Every registry counter is checked, no gauge is (derived rates and uptime included),
    // and indices the registry does not know are left alone.
    let width = 118;
    let first: Vec<i64> = vec![5; width];
    for index in 0..width {
        let mut second = first.clone();
        second[index] = 1;
        let text = csv(width, &[first.clone(), second]);
        let kind = metric(index).map(|m| m.kind);
        match parse(&text) {
            Ok(_) => assert_ne!(kind, Some(MetricKind::Counter), "index {index}"),
            Err(e) => {
                assert_eq!(kind, Some(MetricKind::Counter), "index {index}: {e}");
                let name = metric(index).unwrap().name;
                assert!(e
                    .to_string()
                    .contains(&format!("counter {name} (index {index})")));
            }
        }
    }
    for gauge in [
        session_stats::BW_UPLOAD_RATE,
        session_stats::SES_UPTIME_SECS,
        session_stats::EVENT_TX_HIGH_WATER,
    ] {
        assert_eq!(metric(gauge).unwrap().kind, MetricKind::Gauge);
    }
}

#[test]
fn errors_name_file_line_and_problem() {
    let good = csv(3, &[vec![1, 2, 3], vec![4, 5, 6]]);
    let cases = [
        (
            good.replace("4,5,6", "4,x,6"),
            "x.csv:3: column 4: `x` is not an integer",
        ),
        (
            good.replace("4,5,6", "4,5"),
            "x.csv:3: expected 5 fields like the header, found 4",
        ),
        (
            good.replace("4,5,6", "4,5,6,7"),
            "x.csv:3: expected 5 fields like the header, found 6",
        ),
        (
            good.replace("4,5,6", "4,5.5,6"),
            "x.csv:3: column 4: `5.5` is not an integer",
        ),
        (
            good.replace("sample,", "smple,"),
            "x.csv:1: header must start",
        ),
        (
            good.replace(",1,2\n", ",2,1\n"),
            "x.csv:1: column 5: metric indices must be ascending",
        ),
        (
            good.replace(",1,2\n", ",a,2\n"),
            "x.csv:1: column 4: header `a` is not a metric index",
        ),
        (
            good.replace("1,100,", "1,0,").replace("0,0,", "0,50,"),
            "x.csv:3: elapsed_ns goes backwards",
        ),
        (String::new(), "x.csv: empty file"),
        ("\n\n".to_string(), "x.csv: empty file"),
    ];
    for (text, want) in cases {
        let e = error(parse(&text));
        assert!(e.starts_with(want), "{e:?} does not start with {want:?}");
    }
}

#[test]
fn the_fast_reader_agrees_with_the_checking_reader_or_declines() {
    let slow = |b: &[u8]| SnapshotTable::parse_reader(b, 0, Path::new("x.csv"));
    let fast = |b: &[u8]| fast::read(b, b.len() as u64, Path::new("x.csv")).unwrap();
    // Index 2 is a gauge: negative values and the type's limit are plain.
    let rows: Vec<Vec<i64>> = (0..300)
        .map(|k| vec![k * 7, k, if k % 2 == 0 { -k } else { i64::MAX - k }])
        .collect();
    let good = csv(3, &rows);
    let plain = [
        good.clone(),
        format!("\u{FEFF}{}", good.replace('\n', "\r\n")),
        "sample,elapsed_ns,0\n".to_string(),
    ];
    for text in &plain {
        let f = fast(text.as_bytes()).expect("a plain file is read by the fast reader");
        assert_eq!(f, slow(text.as_bytes()).unwrap());
    }
    // Everything else is left to the checking reader (which accepts or words the error).
    let declined = [
        good.replace("\n5,500,", "\n\n5,500,"),
        good.replace("\n5,500,", "\n\"5\",500,"),
        good.replace("\n5,500,", "\n5,500,+"),
        good.replace("\n5,500,", "\n5,-500,"),
        good.replace("\n5,500,", "\n5,500,,"),
        good.replace("\n5,500,35,", "\n5,500,35,1,"),
        good.replace("\n5,500,35,", "\n5,399,35,"),
        good.replace("\n5,500,35,", "\n4,500,35,"),
        good.replace("\n5,500,35,", "\n5,500,1,"),
        good.replace("\n5,500,35,", "\n5,500\r35,"),
        good.replace("\n5,500,35,", &format!("\n5,500,{},", i64::MIN)),
        good.replace("\n5,500,35,", &format!("\n5,{},35,", MAX_ELAPSED_NS + 1)),
        good.replace("\n5,500,35,", "\n5,500,35é,"),
        good.replace("\n5,500,35,", "\n5,500,3\x005,"),
        good.replace("\n5,500,35,", "\n5,500,99999999999999999999,"),
        good.replace("sample,", "smple,"),
        good.trim_end().to_string(),
        String::new(),
    ];
    for (case, text) in declined.iter().enumerate() {
        assert!(fast(text.as_bytes()).is_none(), "case {case}");
    }
}

#[test]
fn integer_parsing_edges() {
    assert_eq!(parse_i64(b"-9223372036854775808"), Some(i64::MIN));
    assert_eq!(parse_i64(b"9223372036854775807"), Some(i64::MAX));
    assert_eq!(parse_i64(b"9223372036854775808"), None);
    assert_eq!(parse_i64(b"+1"), None);
    assert_eq!(parse_i64(b""), None);
    assert_eq!(parse_u64(b"18446744073709551616"), None);
}
