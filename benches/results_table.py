#!/usr/bin/env python3
"""Turns criterion's saved estimates into the tables of benches/RESULTS.md.

Usage: python3 benches/results_table.py [CRITERION_DIR] [--baseline NAME] [--before NAME]

CRITERION_DIR defaults to $CARGO_TARGET_DIR/criterion or target/criterion. Reads
<group>/<row>/<threads>/<NAME>/estimates.json (NAME: `new`, the latest run, unless --baseline
names a saved baseline) — the median time per iteration; one iteration = one update on each
thread — and prints markdown: per pattern, updates/s by thread count, then each row ÷ the
reference (`contiguous`) and ÷ the non-atomic `ceiling` of the same run. With --before NAME it
adds a before/after table of the sharded rows (that baseline vs the current one).
"""
import json
import os
import sys

PATTERNS = ["random_slot", "hot_slot", "swarm_mix", "set_max_storm", "inc_diag_off"]
ROWS = ["contiguous", "padded", "sharded", "sharded_writer", "contiguous_batched", "ceiling"]
THREADS = [1, 2, 4, 8, 16, 32, 64]
WRITERS = [1, 2, 4, 8, 16, 32, 64, 512]
REF, CEIL = "contiguous", "ceiling"


def median_ns(base, name, *parts):
    path = os.path.join(base, *map(str, parts), name, "estimates.json")
    try:
        with open(path) as f:
            return json.load(f)["median"]["point_estimate"]
    except FileNotFoundError:
        return None


def rates(base, name, pattern):
    out = {}
    for row in ROWS:
        for t in THREADS:
            ns = median_ns(base, name, pattern, row, t)
            if ns:
                out[row, t] = t / ns * 1e3  # M updates/s over all threads
    return out


def table(title, rate, cell):
    threads = [t for t in THREADS if any((r, t) in rate for r in ROWS)]
    print(f"\n{title}\n")
    print("| layout | " + " | ".join(f"{t}t" for t in threads) + " |")
    print("|---|" + "---:|" * len(threads))
    for row in ROWS:
        if not any((row, t) in rate for t in threads):
            continue
        print(f"| {row} | " + " | ".join(cell(row, t) for t in threads) + " |")


def main():
    args = sys.argv[1:]
    name, before = "new", None
    if "--baseline" in args:
        i = args.index("--baseline")
        name = args[i + 1]
        del args[i : i + 2]
    if "--before" in args:
        i = args.index("--before")
        before = args[i + 1]
        del args[i : i + 2]
    default = os.path.join(os.environ.get("CARGO_TARGET_DIR", "target"), "criterion")
    base = args[0] if args else default

    for pattern in PATTERNS:
        rate = rates(base, name, pattern)
        if not rate:
            continue
        print(f"\n### {pattern}")

        def ratio(to):
            def cell(row, t):
                r, d = rate.get((row, t)), rate.get((to, t))
                return "–" if r is None or not d else f"{r / d:.2f}"
            return cell

        table("M updates/s (all threads):", rate,
              lambda row, t: "–" if (row, t) not in rate else f"{rate[row, t]:,.0f}")
        table("÷ reference (`contiguous`, same thread count):", rate, ratio(REF))
        table("÷ ceiling (same thread count):", rate, ratio(CEIL))
        ref1, ref2 = rate.get((REF, 1)), rate.get((REF, 2))
        if ref1 and ref2:
            print(f"\nContention factor (reference 2t ÷ 1t): {ref2 / ref1:.2f}")
        if before:
            old = rates(base, before, pattern)
            table(f"After ÷ before (`{name}` ÷ `{before}`):", rate,
                  lambda row, t: "–" if (row, t) not in rate or (row, t) not in old
                  else f"{rate[row, t] / old[row, t]:.2f}")

    for label, bname in [("", name)] + ([(f" — `{before}`", before)] if before else []):
        print(f"\n### snapshot_into cost vs writers (shards){label}\n")
        print("| layout | " + " | ".join(f"{w} writers" for w in WRITERS) + " |")
        print("|---|" + "---:|" * len(WRITERS))
        for row in ["contiguous", "padded", "sharded"]:
            cells = []
            for w in WRITERS:
                ns = median_ns(base, bname, "snapshot", row, w)
                cells.append("–" if ns is None else (f"{ns / 1e3:.2f} µs" if ns >= 1e3 else f"{ns:.0f} ns"))
            print(f"| {row} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
