#!/usr/bin/env python3
"""`statbench trend` in pandas: the same query and the same step fit over a history dataset.

A cross-check of the Rust implementation, and a starting point for your own analyses of the
dataset in Python (pip install pandas pyarrow). Prints, per series, the steps it finds:

    python3 scripts/trend_pandas.py history [QUANTITY]

The fit (harness/src/history/steps.rs): per commit the median of its runs' medians over their
steady intervals; log scale; noise sigma = 1.4826 * MAD(diff) / sqrt(2); residuals beyond
3 sigma from a running median of five clipped; exact least-squares segmentation (PELT) with a
penalty of 3 * sigma^2 * ln(n) per step.
"""
import sys
import time

import numpy as np
import pandas as pd
import pyarrow.dataset as ds

GAMMA = 3.0
CLIP = 3.0


def robust_sigma(x):
    floor = 1e-9 * max(abs(np.median(x)), 1e-300)
    if len(x) < 3:
        return floor
    d = np.diff(x)
    dev = np.abs(d - np.median(d))
    mad = np.median(dev) * 1.482602218505602 / np.sqrt(2)
    if mad > floor:
        return mad
    return max(dev.mean() * np.sqrt(np.pi / 2) / np.sqrt(2), floor)


def clip(x, sigma):
    n = len(x)
    out = np.empty(n)
    for i in range(n):
        m = np.median(x[max(0, i - 2):min(n, i + 3)])
        out[i] = min(max(x[i], m - CLIP * sigma), m + CLIP * sigma)
    return out


def segment_starts(x, beta):
    n = len(x)
    d = x - np.median(x)
    s1 = np.concatenate([[0.0], np.cumsum(d)])
    s2 = np.concatenate([[0.0], np.cumsum(d * d)])
    best = np.empty(n + 1)
    best[0] = -beta
    last = np.zeros(n + 1, dtype=np.int64)
    cand = np.array([0])
    for t in range(1, n + 1):
        length = t - cand
        sm = s1[t] - s1[cand]
        cost = np.maximum(s2[t] - s2[cand] - sm * sm / length, 0.0)
        total = best[cand] + cost + beta
        k = int(np.argmin(total))
        best[t] = total[k]
        last[t] = cand[k]
        cand = np.append(cand[total - beta <= best[t]], t)
    starts, t = [], n
    while t > 0:
        starts.append(int(last[t]))
        t = last[t]
    return starts[::-1]


def steps(values):
    n = len(values)
    if n < 8:
        return []
    log = np.all(values > 0)
    x = np.log(values) if log else values.astype(float)
    sigma = robust_sigma(x)
    beta = GAMMA * sigma * sigma * np.log(n)
    bounds = segment_starts(clip(x, sigma), beta) + [n]
    levels = [np.median(values[a:b]) for a, b in zip(bounds, bounds[1:])]
    return [(bounds[j], levels[j] / levels[j - 1] if levels[j - 1] > 0 else float("nan"))
            for j in range(1, len(levels))]


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "history"
    quantity = sys.argv[2] if len(sys.argv) > 2 else "throughput"
    t0 = time.perf_counter()
    dataset = ds.dataset(root, format="parquet", partitioning="hive",
                         exclude_invalid_files=True)
    cols = ["run_id", "scenario", "commit", "dirty", "commit_time", "timestamp", "host",
            "settings_hash", "steady", quantity]
    # polars writes strings as Arrow string views, which pyarrow 26 cannot filter in a scan:
    # filter in pandas instead.
    df = dataset.to_table(columns=cols).to_pandas()
    df = df[df["steady"]]
    runs = (df.groupby("run_id", sort=False)
              .agg(scenario=("scenario", "first"), commit=("commit", "first"),
                   commit_time=("commit_time", "first"), timestamp=("timestamp", "first"),
                   host=("host", "first"), settings_hash=("settings_hash", "first"),
                   value=(quantity, "median")))
    runs["order"] = runs["commit_time"].fillna(runs["timestamp"])
    t1 = time.perf_counter()
    for key, series in runs.groupby(["scenario", "settings_hash", "host"], dropna=False):
        commits = (series.groupby("commit")
                         .agg(value=("value", "median"), order=("order", "first"),
                              first_run=("timestamp", "min"))
                         .sort_values(["order", "first_run"]))
        found = steps(commits["value"].to_numpy())
        print(f"{' · '.join(map(str, key))} — {quantity}: {len(commits)} commits, {len(series)} runs")
        for at, ratio in found:
            print(f"  step at #{at} {commits.index[at]}: {100 * (ratio - 1):+.1f}%")
    t2 = time.perf_counter()
    print(f"read + group {t1 - t0:.2f} s, step fit {t2 - t1:.2f} s, {len(runs)} runs",
          file=sys.stderr)


if __name__ == "__main__":
    main()
