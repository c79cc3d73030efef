#!/usr/bin/env python3
"""Turns criterion's saved estimates into the ratio tables of benches/RESULTS.md.

Usage: python3 benches/results_table.py [CRITERION_DIR]   (default: $CARGO_TARGET_DIR/criterion
or target/criterion). Reads <group>/<row>/<threads>/new/estimates.json (median time per
iteration; one iteration = one update on each thread) and prints markdown.
"""
import json
import os
import sys

PATTERNS = ["random_slot", "hot_slot", "swarm_mix", "set_max_storm", "inc_diag_off"]
ROWS = ["contiguous", "padded", "sharded", "sharded_writer", "contiguous_batched", "ceiling"]
REF, CEIL = "contiguous", "ceiling"


def median_ns(base, *parts):
    path = os.path.join(base, *map(str, parts), "new", "estimates.json")
    try:
        with open(path) as f:
            return json.load(f)["median"]["point_estimate"]
    except FileNotFoundError:
        return None


def main():
    default = os.path.join(os.environ.get("CARGO_TARGET_DIR", "target"), "criterion")
    base = sys.argv[1] if len(sys.argv) > 1 else default
    threads = [1, 2]
    for pattern in PATTERNS:
        rate = {}
        for row in ROWS:
            for t in threads:
                ns = median_ns(base, pattern, row, t)
                if ns:
                    rate[row, t] = t / ns * 1e3  # M updates/s over all threads
        if not rate:
            continue
        print(f"\n### {pattern}\n")
        head = "| layout |" + "".join(f" {t}t M/s | {t}t ÷ ref | {t}t ÷ ceiling |" for t in threads)
        print(head)
        print("|---|" + "---:|" * (3 * len(threads)))
        for row in ROWS:
            cells = []
            for t in threads:
                r = rate.get((row, t))
                ref, ceil = rate.get((REF, t)), rate.get((CEIL, t))
                if r is None:
                    cells += ["–"] * 3
                    continue
                cells.append(f"{r:,.0f}")
                cells.append(f"{r / ref:.2f}×" if ref else "–")
                cells.append(f"{r / ceil:.2f}" if ceil else "–")
            print(f"| {row} | " + " | ".join(cells) + " |")

    print("\n### snapshot_into cost vs writers (shards)\n")
    writers = [1, 8, 64, 512]
    print("| layout | " + " | ".join(f"{w} writers" for w in writers) + " |")
    print("|---|" + "---:|" * len(writers))
    for row in ["contiguous", "padded", "sharded"]:
        cells = []
        for w in writers:
            ns = median_ns(base, "snapshot", row, w)
            cells.append("–" if ns is None else (f"{ns / 1e3:.2f} µs" if ns >= 1e3 else f"{ns:.0f} ns"))
        print(f"| {row} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
