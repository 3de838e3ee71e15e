"""Benchmark: ingest, the feature table and a full run, each against a baseline of the same run.

Baselines, measured in the same invocation on the same data (each side in its own child
process, so that its peak memory is its own):

- ingest: a bare ``CREATE TABLE … AS SELECT * FROM read_parquet(…)`` of the same three files
  (and ``read_csv`` of the orders as CSV) into a fresh DuckDB file;
- features: the *floor*, one hand-written DuckDB query of the 8 RFM features over the
  workspace's own orders table (the SQL below; a benchmark may write SQL, the product may not),
  written into a temporary table as custseg's two feature steps are;
  a pandas script (benchmarks/pandas_rfm_baseline.py) and a polars lazy query of the same 8
  (polars is a benchmark-only dependency, installed by .ci/run like lifetimes);
- full run: the feature table's own time.

Every step custseg times is printed with its baseline and the ratio. The floor, custseg and
the polars/pandas results are checked to agree (sums of every feature).

    python benchmarks/bench_pipeline.py                      # 1,000,000 customers, 10,000,000 lines
    python benchmarks/bench_pipeline.py --customers 20000 --lines 200000   # smoke size
    python benchmarks/bench_pipeline.py --only ingest        # the two ingest rows only
    python benchmarks/bench_pipeline.py --only features      # the four feature rows only
"""

from __future__ import annotations

import argparse
import fcntl
import json
import math
import resource
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
AS_OF = date(2026, 6, 30)
TABLES = ("customers", "orders", "payments")

# The floor: the 8 RFM features in one pass over the order lines (per order, then per customer).
FLOOR_SQL = """
CREATE OR REPLACE TEMP TABLE _floor AS
WITH per_order AS (
    SELECT customer_id, order_id, min(order_date) AS d, sum(amount) AS v
    FROM orders WHERE order_date <= DATE '{as_of}'
    GROUP BY customer_id, order_id
)
SELECT customer_id,
    DATE '{as_of}' - max(d) FILTER (WHERE v > 0) AS recency_days,
    count(*) FILTER (WHERE v > 0) AS orders_count,
    count(DISTINCT d) FILTER (WHERE v > 0) AS purchase_days,
    sum(v) AS monetary_total,
    sum(v) / nullif(count(*) FILTER (WHERE v > 0), 0) AS avg_order_value,
    max(v) FILTER (WHERE v > 0) AS max_order_value,
    coalesce(sum(v) FILTER (WHERE d > DATE '{as_of}' - 365), 0) AS revenue_12m,
    coalesce(sum(v) FILTER (WHERE d > DATE '{as_of}' - 730 AND d <= DATE '{as_of}' - 365), 0)
        AS revenue_prev_12m
FROM per_order GROUP BY customer_id
"""


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _rfm_features() -> tuple[str, ...]:
    sys.path.insert(0, str(HERE))
    from pandas_rfm_baseline import RFM_FEATURES

    return RFM_FEATURES


@contextmanager
def folder_lock(folder: Path, name: str) -> Iterator[None]:
    """Held while a cached file of ``folder`` is made, so benchmarks run at once do not race.

    The lock is the open file ``folder/name.lock``; a process must not take the same one twice.
    """
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / f"{name}.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def _data_dir(customers: int, lines: int, seed: int) -> Path:
    folder = HERE / "_data" / f"c{customers}_l{lines}_s{seed}"
    with folder_lock(folder, "data"):
        if not (folder / "orders.parquet").exists():
            started = time.perf_counter()
            cmd = [sys.executable, str(HERE / "generate_data.py"), "--customers", str(customers)]
            cmd += ["--lines", str(lines), "--out", str(folder), "--seed", str(seed)]
            subprocess.run(cmd, check=True)
            took = time.perf_counter() - started
            print(f"generated data in {took:.1f} s -> {folder}", file=sys.stderr)
        csv = folder / "orders.csv"
        if not csv.exists():
            import duckdb

            duckdb.sql(f"COPY (FROM '{folder / 'orders.parquet'}') TO '{csv}' (HEADER)")
    return folder


def _best(step: Callable[[], object], repeat: int) -> float:
    """The fastest of ``repeat`` timings of ``step`` (the machine is shared: noise only adds)."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        step()
        times.append(time.perf_counter() - started)
    return min(times)


def _sums(con: Any, table: str) -> dict[str, float]:
    """Row count of customers with an order, and the sum of each feature over them."""
    names = _rfm_features()
    sums = ", ".join(f"sum({n})::DOUBLE" for n in names)
    where = "WHERE monetary_total <> 0 OR orders_count > 0"
    query = f"SELECT count(*), {sums} FROM {table} {where}"  # noqa: S608 (its own tables)
    row = con.execute(query).fetchone()
    values = (float(v or 0) for v in row[1:])
    return {"rows": float(row[0]), **dict(zip(names, values, strict=True))}


def child_ingest_baseline(folder: Path, scratch: Path) -> dict[str, float]:
    """Bare CTAS of the Parquet files, and of the orders CSV, into a fresh DuckDB file."""
    import duckdb

    scratch.unlink(missing_ok=True)
    con = duckdb.connect(str(scratch))
    started = time.perf_counter()
    for table in TABLES:
        con.execute(f"CREATE TABLE {table} AS FROM read_parquet('{folder / f'{table}.parquet'}')")
    parquet_s = time.perf_counter() - started
    started = time.perf_counter()
    con.execute(f"CREATE TABLE orders_csv AS FROM read_csv('{folder / 'orders.csv'}')")
    csv_s = time.perf_counter() - started
    con.close()
    scratch.unlink(missing_ok=True)
    return {"parquet_s": parquet_s, "csv_s": csv_s}


def child_custseg(
    folder: Path, workspace: Path, repeat: int, only: str | None = None
) -> dict[str, float]:
    """Ingest, the floor query, the 8 RFM features, the feature table and a full run.

    ``only="ingest"``: the two ingests alone; ``only="features"``: the Parquet ingest (not
    timed against anything), then the three feature steps, no CSV ingest and no full run.
    """
    from custseg import open_workspace
    from custseg.features import build_feature_table
    from custseg.ingest import ReadOptions

    names = _rfm_features()
    out: dict[str, float] = {}
    if only != "features":
        csv_workspace = workspace.with_suffix(".csv.duckdb")
        csv_workspace.unlink(missing_ok=True)
        ws_csv = open_workspace(csv_workspace, clock=lambda: datetime(2026, 7, 1))
        started = time.perf_counter()
        csv = folder / "orders.csv"  # the size and time limits raised, as a user would
        ws_csv.ingest(
            "orders", csv,
            options=ReadOptions(max_bytes=csv.stat().st_size + 1, max_seconds=86400),
        )
        out["ingest_csv_s"] = time.perf_counter() - started
        ws_csv.close()
        csv_workspace.unlink(missing_ok=True)

    workspace.unlink(missing_ok=True)
    ws = open_workspace(workspace, clock=lambda: datetime(2026, 7, 1))
    con = ws._con  # the benchmark times the engine directly
    started = time.perf_counter()
    for table in TABLES:
        report = ws.ingest(table, folder / f"{table}.parquet")
        out[f"rows_{table}"] = report.rows_read
    out["ingest_s"] = time.perf_counter() - started
    if only == "ingest":
        ws.close()
        workspace.unlink(missing_ok=True)
        return out

    floor_sql = FLOOR_SQL.format(as_of=AS_OF.isoformat())

    def floor() -> None:
        con.raw_sql(floor_sql)

    # Into temporary tables, as the floor writes its result (and as a run computes its
    # features before it stores them): each side is timed computing the same rows, not one of
    # them compressing its result for the database file.
    def rfm() -> None:
        expr = build_feature_table(con, AS_OF, columns=names)
        con.create_table("_rfm", expr, temp=True, overwrite=True)

    def features() -> None:
        con.create_table("_features", build_feature_table(con, AS_OF), temp=True, overwrite=True)

    timings: dict[str, list[float]] = {"floor_s": [], "rfm_s": [], "features_s": []}
    for _ in range(repeat):  # interleaved, so that a busy spell hurts every step alike
        for key, step in (("floor_s", floor), ("rfm_s", rfm), ("features_s", features)):
            timings[key].append(_best(step, 1))
    out |= {key: min(values) for key, values in timings.items()}
    raw = con.con
    floor_sums, rfm_sums = _sums(raw, "_floor"), _sums(raw, "_rfm")
    out["floor_agrees"] = float(_agree(floor_sums, rfm_sums))
    out["sums"] = rfm_sums  # type: ignore[assignment]
    for table in ("_rfm", "_features"):
        con.drop_table(table)
    if only == "features":
        out["peak_rss_mb"] = _peak_rss_mb()
        ws.close()
        workspace.unlink(missing_ok=True)
        return out
    started = time.perf_counter()
    snapshot = ws.run(as_of=AS_OF)
    out["run_s"] = time.perf_counter() - started
    out["schemes"] = len(snapshot.info.computed_schemes)
    out["customers"] = snapshot.info.customers
    out["peak_rss_mb"] = _peak_rss_mb()
    return out


def run_only(source: Path) -> None:
    """The full run against the feature table alone, on a copy of an ingested workspace.

    Both at as-of 2026-05-31 (a date the workspace has no snapshot of); each step of the run
    is printed with its time, and the load average, since the machine is shared.
    """
    import os
    import shutil
    import tempfile

    from custseg import open_workspace
    from custseg.features import build_feature_table

    as_of = date(2026, 5, 31)
    with tempfile.TemporaryDirectory(dir=source.parent) as scratch:
        copy = Path(scratch) / source.name
        shutil.copy(source, copy)
        ws = open_workspace(copy, clock=lambda: datetime(2026, 7, 1))
        con = ws._con  # the benchmark times the engine directly
        started = time.perf_counter()
        con.create_table("_features", build_feature_table(con, as_of), temp=True)
        features_s = time.perf_counter() - started
        con.drop_table("_features")
        steps: list[tuple[str, float]] = []
        mark = [time.perf_counter()]

        def progress(step: str, _done: int, _total: int) -> None:
            now = time.perf_counter()
            steps.append((step, now - mark[0]))
            mark[0] = now

        started = time.perf_counter()
        snapshot = ws.run(as_of=as_of, progress=progress)
        run_s = time.perf_counter() - started
        ws.close()
    # each progress call starts a step: the time until the next call is that step's
    names = [name for name, _ in steps]
    spans = [seconds for _, seconds in steps[1:]] + [0.0]
    grouped: dict[str, float] = {}
    for name, seconds in zip(names, spans, strict=True):
        key = "schemes (assigners)" if name.startswith("scheme ") else name
        grouped[key] = grouped.get(key, 0.0) + seconds
    for name, seconds in grouped.items():
        print(f"{seconds:9.1f} s  {name}")
    load = os.getloadavg()
    print(f"full run {run_s:.1f} s, the feature table alone {features_s:.1f} s: "
          f"{run_s / features_s:.2f}× (target ≤ 2, and ≤ 30 s); {snapshot.info.customers:,} "
          f"customers; load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}")


def child_pandas(folder: Path) -> dict[str, Any]:
    """The pandas baseline: the same RFM features from the same orders."""
    sys.path.insert(0, str(HERE))
    from pandas_rfm_baseline import load_orders, pandas_rfm

    started = time.perf_counter()
    orders = load_orders(folder / "orders.parquet")  # dates as datetime64: the baseline's best case
    read_s = time.perf_counter() - started
    started = time.perf_counter()
    result = pandas_rfm(orders, AS_OF)
    rfm_s = time.perf_counter() - started
    sums = {"rows": float(len(result))}
    sums |= {name: float(result[name].fillna(0).sum()) for name in result.columns}
    return {"read_s": read_s, "rfm_s": rfm_s, "sums": sums, "peak_rss_mb": _peak_rss_mb()}


def polars_rfm(orders: Any, as_of: date) -> Any:
    """The 8 RFM features as one polars lazy query (the same definitions as the pandas one)."""
    import polars as pl

    per_order = (
        orders.lazy()
        .filter(pl.col("order_date") <= as_of)
        .group_by("customer_id", "order_id")
        .agg(d=pl.col("order_date").min(), v=pl.col("amount").sum())
    )
    buy = pl.col("v") > 0
    days_back = (pl.lit(as_of) - pl.col("d")).dt.total_days()
    orders_count = buy.sum()
    return (
        per_order.group_by("customer_id")
        .agg(
            recency_days=(pl.lit(as_of) - pl.col("d").filter(buy).max()).dt.total_days(),
            orders_count=orders_count,
            purchase_days=pl.col("d").filter(buy).n_unique(),
            monetary_total=pl.col("v").sum(),
            avg_order_value=pl.col("v").sum() / pl.when(orders_count > 0).then(orders_count),
            max_order_value=pl.col("v").filter(buy).max(),
            revenue_12m=pl.col("v").filter(days_back < 365).sum(),
            revenue_prev_12m=pl.col("v").filter((days_back >= 365) & (days_back < 730)).sum(),
        )
        .collect()
    )


def child_polars(folder: Path) -> dict[str, Any]:
    """The polars lazy baseline: read the orders, then the same 8 features."""
    import polars as pl

    started = time.perf_counter()
    columns = ["order_id", "customer_id", "order_date", "amount"]
    orders = pl.read_parquet(folder / "orders.parquet", columns=columns)
    read_s = time.perf_counter() - started
    started = time.perf_counter()
    result = polars_rfm(orders, AS_OF)
    rfm_s = time.perf_counter() - started
    sums = {"rows": float(result.height)}
    sums |= {n: float(result[n].fill_null(0).sum()) for n in result.columns if n != "customer_id"}
    return {"read_s": read_s, "rfm_s": rfm_s, "sums": sums, "peak_rss_mb": _peak_rss_mb()}


def _agree(a: dict[str, float], b: dict[str, float]) -> bool:
    return all(
        math.isclose(a[k], b[k], rel_tol=1e-9, abs_tol=1e-6) for k in _rfm_features()
    )


def _run_child(kind: str, *args: str) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--child", kind, *args]
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"benchmark step {kind!r} failed:\n{done.stderr[-4000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _polars_installed() -> bool:
    try:
        import polars  # noqa: F401
    except ImportError:
        return False
    return True


def _print_ingest(args: argparse.Namespace, ours: dict[str, Any], bare: dict[str, Any]) -> None:
    """The two ingest rows of the table (``--only ingest``)."""
    print(f"\n## Ingest: {args.customers:,} customers, {args.lines:,} order lines\n")
    print("| custseg step | seconds | baseline (same run) | seconds | ratio | target |")
    print("|---|---:|---|---:|---:|---:|")
    for step, key, base, base_key in (
        ("ingest of the three tables from Parquet, validated", "ingest_s",
         "bare CTAS from read_parquet", "parquet_s"),
        ("ingest of the orders from CSV, validated", "ingest_csv_s",
         "bare CTAS from read_csv", "csv_s"),
    ):
        print(f"| {step} | {ours[key]:.2f} | {base} | {bare[base_key]:.2f} | "
              f"{ours[key] / bare[base_key]:.2f}× | ≤ 3 |")
    print(json.dumps({"custseg": ours, "bare": bare}))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--lines", type=int, default=10_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=2, help="timings of each feature step")
    parser.add_argument("--child", choices=["custseg", "pandas", "polars", "ingest_baseline"])
    parser.add_argument("--folder", type=Path)
    parser.add_argument("--workspace", type=Path)
    parser.add_argument("--only", choices=["ingest", "features"], help="run only these steps")
    parser.add_argument(
        "--run-only", type=Path, metavar="WORKSPACE",
        help="time only the feature table and one full run, on a copy of this workspace",
    )
    args = parser.parse_args()
    if args.run_only:
        run_only(args.run_only)
        return
    if args.child:
        children: dict[str, Callable[[], Any]] = {
            "custseg": lambda: child_custseg(args.folder, args.workspace, args.repeat,
                                             args.only),
            "pandas": lambda: child_pandas(args.folder),
            "polars": lambda: child_polars(args.folder),
            "ingest_baseline": lambda: child_ingest_baseline(args.folder, args.workspace),
        }
        print(json.dumps(children[args.child]()))
        return

    folder = _data_dir(args.customers, args.lines, args.seed)
    workspace = folder / "bench.duckdb"
    place = ["--folder", str(folder), "--workspace", str(workspace)]
    features_only = args.only == "features"
    bare: dict[str, Any] = {}
    if not features_only:
        bare = _run_child("ingest_baseline", "--folder", str(folder), "--workspace",
                          str(folder / "bare.duckdb"))
    only = ["--only", args.only] if args.only else []
    ours = _run_child("custseg", *place, "--repeat", str(args.repeat), *only)
    if args.only == "ingest":
        _print_ingest(args, ours, bare)
        workspace.unlink(missing_ok=True)
        return
    pandas = _run_child("pandas", *place)
    polars = _run_child("polars", *place) if _polars_installed() else None
    workspace.unlink(missing_ok=True)

    floor = ours["floor_s"]
    rows: list[tuple[str, float, str, float, str]] = [] if features_only else [
        ("ingest of the three tables from Parquet, validated", ours["ingest_s"],
         "bare CTAS from read_parquet", bare["parquet_s"], "≤ 3"),
        ("ingest of the orders from CSV, validated", ours["ingest_csv_s"],
         "bare CTAS from read_csv", bare["csv_s"], "≤ 3"),
    ]
    rows += [
        ("the 8 RFM features", ours["rfm_s"], "floor: hand-written DuckDB SQL", floor, "≤ 1.3"),
        ("the whole feature table (all features)", ours["features_s"], "floor", floor, "≤ 2.5"),
        ("the 8 RFM features", ours["rfm_s"], "pandas (orders in memory)", pandas["rfm_s"],
         "≤ 0.33"),
    ]
    if polars is not None:
        rows.append(("the 8 RFM features", ours["rfm_s"], "polars lazy (orders in memory)",
                     polars["rfm_s"], "≤ 1"))
    if not features_only:
        rows.append((f"full run ({int(ours['schemes'])} schemes, snapshot written)",
                     ours["run_s"], "the whole feature table", ours["features_s"], "≤ 2"))
    print(f"\n## Pipeline benchmark: {args.customers:,} customers, {args.lines:,} order lines\n")
    print("| custseg step | seconds | baseline (same run) | seconds | ratio | target |")
    print("|---|---:|---|---:|---:|---:|")
    for step, ours_s, base, base_s, target in rows:
        print(f"| {step} | {ours_s:.2f} | {base} | {base_s:.2f} | {ours_s / base_s:.2f}× "
              f"| {target} |")
    run = "" if features_only else (
        f"full run: {ours['run_s']:.1f} s (target ≤ 30 s at 1,000,000 customers); ")
    print(f"\n{run}peak memory {ours['peak_rss_mb'] / 1024:.2f} GB (custseg process), "
          f"pandas {pandas['peak_rss_mb'] / 1024:.2f} GB"
          + (f", polars {polars['peak_rss_mb'] / 1024:.2f} GB" if polars else ""))
    checks = {"floor = custseg": bool(ours["floor_agrees"]),
              "pandas = custseg": _agree(pandas["sums"], ours["sums"])}
    if polars is not None:
        checks["polars = custseg"] = _agree(polars["sums"], ours["sums"])
    print("same results (sums of the 8 features): "
          + ", ".join(f"{k}: {'yes' if v else 'NO'}" for k, v in checks.items()))
    print(json.dumps({"custseg": ours, "bare": bare, "pandas": pandas, "polars": polars}))
    if not all(checks.values()):
        sys.exit("the baselines and custseg disagree: the comparison is not like for like")


if __name__ == "__main__":
    main()
