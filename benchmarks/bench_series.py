"""Benchmark: a monthly series of snapshots of the bundled sample, against one single run.

What it times, in one invocation (so every ratio compares figures of the same load):

- the series: ``Workspace.run_series("month", …)`` over the last ``--months`` month ends of the
  sample (2,500 customers), in a fresh workspace;
- the baselines: one single ``run`` of the sample (in another fresh workspace), and the feature
  table alone (built and materialised, no models, no schemes) at the same as-of date;
- the fixed cost per snapshot: the per-snapshot time of the same series over the sample cut to
  its first ``--tiny`` customers, where the engine has next to nothing to compute.

Targets (issue 13): the 24 monthly snapshots ≤ 15 s; fixed cost per snapshot ≤ 0.3 s.
The series must give every snapshot the id a single run at that date gives: its first one
(no earlier snapshot, so no key history) is checked against the single run.

    python benchmarks/bench_series.py              # 24 months
    python benchmarks/bench_series.py --smoke      # 2 months, a few seconds
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd

NOW = datetime(2026, 7, 1, 9, 0)


def _load(ws: Any, folder: Path) -> None:
    for table in ("customers", "orders", "payments", "opportunities"):
        path = folder / f"{table}.csv"
        if path.exists():
            ws.ingest(table, path)


def _tiny_sample(source: Path, target: Path, customers: int) -> Path:
    """The sample's CSV files restricted to its first ``customers`` customers."""
    target.mkdir(parents=True, exist_ok=True)
    people = pd.read_csv(source / "customers.csv", dtype=str, encoding="utf-8-sig")
    key = people.columns[0]  # the sample's headers are Chinese: 客户编号 in every file
    keep = set(people[key].head(customers))
    for table in ("customers", "orders", "payments", "opportunities"):
        path = source / f"{table}.csv"
        if path.exists():
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
            frame[frame[key].isin(keep)].to_csv(target / path.name, index=False)
    return target


def _series(folder: Path, workspace: Path, months: int) -> tuple[float, list[str], date]:
    from custseg import open_workspace

    ws = open_workspace(workspace, clock=lambda: NOW)
    _load(ws, folder)
    latest = pd.Timestamp(ws.default_as_of())
    start = (latest - pd.DateOffset(months=months - 1)).replace(day=1).date()
    started = time.perf_counter()
    report = ws.run_series("month", start)
    seconds = time.perf_counter() - started
    if len(report.computed) != months:
        sys.exit(f"the series computed {len(report.computed)} snapshots, not {months}")
    ws.close()
    return seconds, [i.snapshot_id for i in report.items], report.items[0].as_of


def _single(folder: Path, workspace: Path, as_of: date) -> dict[str, Any]:
    from custseg import open_workspace
    from custseg.features import build_feature_table

    ws = open_workspace(workspace, clock=lambda: NOW)
    _load(ws, folder)
    con = ws._con  # the benchmark times the feature table directly
    started = time.perf_counter()
    con.create_table("_features", build_feature_table(con, as_of), temp=True, overwrite=True)
    features_s = time.perf_counter() - started
    started = time.perf_counter()
    snapshot = ws.run(as_of=as_of)
    run_s = time.perf_counter() - started
    ws.close()
    return {"features_s": features_s, "run_s": run_s, "snapshot_id": snapshot.snapshot_id}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--tiny", type=int, default=100, help="customers of the fixed-cost base")
    parser.add_argument("--smoke", action="store_true", help="2 months: a few seconds")
    args = parser.parse_args()
    months = 2 if args.smoke else args.months

    from custseg import open_workspace  # noqa: F401  (imports paid before any timing)
    from custseg.public import sample_data_dir

    sample = sample_data_dir()
    with tempfile.TemporaryDirectory() as scratch:
        tmp = Path(scratch)
        # The first run in a process pays the imports of the models and the clustering.
        _single(sample, tmp / "warm.duckdb", date(2026, 6, 30))
        series_s, ids, first = _series(sample, tmp / "series.duckdb", months)
        single = _single(sample, tmp / "single.duckdb", first)
        tiny_s = float("nan")
        if not args.smoke:  # the fixed-cost series doubles the time: not in the smoke run
            tiny = _tiny_sample(sample, tmp / "tiny", args.tiny)
            tiny_s, _, _ = _series(tiny, tmp / "tiny.duckdb", months)

    per = series_s / months
    fixed = tiny_s / months
    rows = [
        (f"{months} monthly snapshots of the sample", series_s, "one single run",
         single["run_s"], months * single["run_s"], "≤ 15 s" if months == 24 else ""),
        ("one snapshot of the series", per, "one single run", single["run_s"], single["run_s"],
         ""),
        ("one snapshot of the series", per, "the feature table alone", single["features_s"],
         single["features_s"], ""),
        (f"fixed cost per snapshot ({args.tiny} customers)", fixed, "one single run of the sample",
         single["run_s"], single["run_s"], "≤ 0.3 s"),
    ]
    load = os.getloadavg()
    print(f"\n## Series benchmark: {months} month ends of the sample "
          f"(load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f})\n")
    print("| step | seconds | baseline (same run) | seconds | ratio | target |")
    print("|---|---:|---|---:|---:|---:|")
    for step, ours, base, base_s, scale, target in rows:
        print(f"| {step} | {ours:.2f} | {base} | {base_s:.2f} | {ours / scale:.2f}× | {target} |")
    same = ids[0] == single["snapshot_id"]
    print(f"\nthe series' first snapshot has the id of a single run at {first}: "
          f"{'yes' if same else 'NO'}")
    print(json.dumps({"months": months, "series_s": series_s, "fixed_s": fixed,
                      "single": single, "load": load}))
    if not same:
        sys.exit("a snapshot of the series differs from a single run at the same date")


if __name__ == "__main__":
    main()
