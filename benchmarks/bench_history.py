"""Benchmark: the management loop on two monthly snapshots - migrations, alerts, trend.

Two snapshots (as of 2026-05-31 and 2026-06-30) of generated data are computed first; then
custseg's migration matrix, movers, alerts and trend are timed against a baseline measured in
the same run: the migration matrix and movers of one scheme in pandas, from the two snapshots'
class columns already in memory (what an analyst does with two exports in a notebook).

    python benchmarks/bench_history.py                      # 200,000 customers, 2,000,000 lines
    python benchmarks/bench_history.py --customers 20000 --lines 200000   # smoke size
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date, datetime
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_pipeline import _data_dir  # noqa: E402  (the shared generated-data cache)

AS_OFS = (date(2026, 5, 31), date(2026, 6, 30))
SCHEME = "abc"


def pandas_migration(old: pd.DataFrame, new: pd.DataFrame, revenue: pd.DataFrame) -> int:
    """Baseline: matrix (customers and revenue per old x new class) and movers of one scheme."""
    pairs = old.merge(new, on="customer_id", how="outer", suffixes=("_old", "_new"))
    pairs = pairs.merge(revenue, on="customer_id", how="left")
    matrix = pairs.groupby(["class_key_old", "class_key_new"], dropna=False).agg(
        customers=("customer_id", "size"), revenue_12m=("revenue_12m", "sum")
    )
    movers = pairs[pairs.class_key_old.ne(pairs.class_key_new)]
    return len(matrix) + len(movers)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--customers", type=int, default=200_000)
    parser.add_argument("--lines", type=int, default=2_000_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    from custseg import open_workspace
    from custseg.history import compare, compare_all, direction_counts, evaluate_alerts, trend

    folder = _data_dir(args.customers, args.lines, args.seed)
    workspace = folder / "history.duckdb"
    workspace.unlink(missing_ok=True)
    ws = open_workspace(workspace, clock=lambda: datetime(2026, 7, 1))
    for table in ("customers", "orders", "payments"):
        path = folder / f"{table}.parquet"
        if path.exists():
            ws.ingest(table, path)  # type: ignore[arg-type]
    timings: dict[str, float] = {}
    snaps = []
    for as_of in AS_OFS:
        started = time.perf_counter()
        snaps.append(ws.run(as_of=as_of))
        timings[f"run {as_of}"] = time.perf_counter() - started
    old, new = snaps

    started = time.perf_counter()
    migration = compare(old, new, SCHEME)
    timings[f"custseg: migration of {SCHEME}"] = time.perf_counter() - started
    started = time.perf_counter()
    every = compare_all(old, new)
    timings[f"custseg: migrations of all {len(every)} schemes"] = time.perf_counter() - started
    started = time.perf_counter()
    direction_counts(old, new)
    timings["custseg: moves per direction of all schemes (diff overview)"] = (
        time.perf_counter() - started
    )
    started = time.perf_counter()
    alerts = evaluate_alerts(old, new)
    timings["custseg: alerts (built-in rules)"] = time.perf_counter() - started
    started = time.perf_counter()
    trend(ws, SCHEME)
    timings[f"custseg: trend of {SCHEME}"] = time.perf_counter() - started

    old_classes = old.assignments(SCHEME)[["customer_id", "class_key"]]
    new_classes = new.assignments(SCHEME)[["customer_id", "class_key"]]
    revenue = new.features()[["customer_id", "revenue_12m"]]
    started = time.perf_counter()
    pandas_migration(old_classes, new_classes, revenue)
    baseline = time.perf_counter() - started
    timings[f"baseline: pandas migration of {SCHEME} (data in memory)"] = baseline
    # The usual notebook route: two exports on disk, read back, then the same computation.
    exports = folder / "_exports"
    exports.mkdir(exist_ok=True)
    old_classes.to_parquet(exports / "old.parquet")
    new_classes.to_parquet(exports / "new.parquet")
    revenue.to_parquet(exports / "revenue.parquet")
    started = time.perf_counter()
    pandas_migration(
        pd.read_parquet(exports / "old.parquet"),
        pd.read_parquet(exports / "new.parquet"),
        pd.read_parquet(exports / "revenue.parquet"),
    )
    timings[f"baseline: pandas migration of {SCHEME} (read from Parquet exports)"] = (
        time.perf_counter() - started
    )

    print(
        f"bench_history: {new.info.customers:,} customers, {len(migration.movers):,} movers in "
        f"{SCHEME}, {len(alerts):,} alerts"
    )
    for name, seconds in timings.items():
        print(f"  {name:<66} {seconds:8.2f} s")
    ratio = timings[f"custseg: migration of {SCHEME}"] / baseline if baseline else float("nan")
    print(f"  custseg migration / pandas baseline: {ratio:.2f}x the time")
    ws.close()


if __name__ == "__main__":
    main()
