"""The same classification run on local Spark and on DuckDB, on the same generated data.

    python benchmarks/bench_spark.py --customers 1000000 --lines 10000000
    python benchmarks/bench_spark.py --customers 20000 --lines 200000 --master local[2]   # smoke
    python benchmarks/bench_spark.py --data DIR --results bench.json --timeout 2400  # resumable

Data: ``generate_data.py`` (canonical Parquet files). DuckDB: ingest the Parquet files into a
workspace, then ``Workspace.run``. Spark: the same Parquet files read in place
(``parquet:PATH`` inputs), then ``Workspace.run(engine=SparkSettings(...))`` with a DuckDB
file as the state database. Each
engine runs in its own process (peak memory is per process; for Spark the JVM's is not in it,
it is bounded by ``spark.driver.memory``). Both runs must give the same classes: the benchmark
compares the class counts per scheme and fails when they differ.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
AS_OF = date(2026, 6, 30)
TABLES = ("customers", "orders", "payments")
STEP_PREFIX = "bench_spark step: "


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _data_dir(customers: int, lines: int, seed: int) -> Path:
    """The generated data's folder, shared with (and locked like) the other benchmarks."""
    from bench_pipeline import _data_dir as shared_data_dir

    return shared_data_dir(customers, lines, seed)


def _counts(table: object) -> dict[str, dict[str, int]]:
    """Customers per scheme and class of an assignments table."""
    a = table  # an Ibis table: scheme, class_key, ...
    rows = a.group_by(["scheme", "class_key"]).aggregate(n=a.count()).to_pyarrow().to_pylist()  # type: ignore[attr-defined]
    out: dict[str, dict[str, int]] = {}
    for row in rows:
        out.setdefault(str(row["scheme"]), {})[str(row["class_key"])] = int(row["n"])
    return out


def child_duckdb(folder: Path, work: Path) -> dict[str, object]:
    from custseg import open_workspace
    from custseg.snapshots.store import SnapshotStore

    path = work / "duckdb.duckdb"
    path.unlink(missing_ok=True)
    ws = open_workspace(path, clock=lambda: datetime(2026, 7, 1))
    started = time.perf_counter()
    for table in TABLES:
        if (folder / f"{table}.parquet").exists():
            ws.ingest(table, folder / f"{table}.parquet")  # type: ignore[arg-type]
    ingest_s = time.perf_counter() - started
    started = time.perf_counter()
    snap = ws.run(as_of=AS_OF)
    run_s = time.perf_counter() - started
    counts = _counts(SnapshotStore(ws._con).assignments(snap.snapshot_id))
    ws.close()
    return {
        "ingest_s": ingest_s,
        "run_s": run_s,
        "customers": snap.info.customers,
        "schemes": len(snap.info.computed_schemes),
        "counts": counts,
        "peak_rss_mb": _peak_rss_mb(),
    }


class _StepProfile:
    """Seconds and Spark jobs per step of a run (the run's progress callback)."""

    def __init__(self, context: Any) -> None:
        self.context = context
        self.steps: list[dict[str, object]] = []
        self._step: str | None = None
        self._started = 0.0

    def __call__(self, step: str, _done: int, _total: int) -> None:
        self._close()
        self._step, self._started = step, time.perf_counter()
        self.context.setJobGroup(step, step)

    def _close(self) -> None:
        if self._step is None:
            return
        jobs = self.context.statusTracker().getJobIdsForGroup(self._step)
        seconds = time.perf_counter() - self._started
        row = {"step": self._step, "seconds": round(seconds, 2), "jobs": len(jobs)}
        self.steps.append(row)
        # also as the run goes: a run stopped by --timeout still shows where its time went
        print(f"{STEP_PREFIX}{json.dumps(row)}", file=sys.stderr, flush=True)
        self._step = None

    def finish(self) -> list[dict[str, object]]:
        self._close()
        return self.steps


def child_spark(
    folder: Path, work: Path, master: str, driver_memory: str, profile: bool = False
) -> dict[str, object]:
    from custseg import open_workspace
    from custseg.compute import open_spark_engine
    from custseg.compute.settings import SparkSettings
    from custseg.compute.spark import session_of

    state = work / "state.duckdb"
    state.unlink(missing_ok=True)
    shutil.rmtree(work / "storage", ignore_errors=True)
    settings = SparkSettings(
        master=master,
        conf={
            "spark.driver.memory": driver_memory,
            "spark.sql.shuffle.partitions": "8",
            "spark.ui.enabled": "false",
            "spark.sql.execution.arrow.pyspark.enabled": "true",
            "spark.sql.warehouse.dir": str(work / "warehouse"),
            "spark.ui.retainedJobs": "100000",
        },
        inputs={
            t: f"parquet:{folder / f'{t}.parquet'}"
            for t in TABLES
            if (folder / f"{t}.parquet").exists()
        },
        storage=str(work / "storage"),
    )
    started = time.perf_counter()
    engine = open_spark_engine(settings)
    start_s = time.perf_counter() - started
    context = session_of(engine.con).sparkContext
    tracker = context.statusTracker()
    jobs_before = _jobs_so_far(tracker, [])
    steps = _StepProfile(context) if profile else None
    ws = open_workspace(state, clock=lambda: datetime(2026, 7, 1))
    started = time.perf_counter()
    snap = ws.run(as_of=AS_OF, engine=settings, progress=steps)
    run_s = time.perf_counter() - started
    groups = [str(s["step"]) for s in steps.finish()] if steps is not None else []
    run_jobs = _jobs_so_far(tracker, groups) - jobs_before
    counts = _counts(snap.assignments_table())
    ws.close()
    return {
        "session_s": start_s,
        "run_s": run_s,
        "spark_jobs": run_jobs,
        **({"steps": steps.steps} if steps is not None else {}),
        "customers": snap.info.customers,
        "schemes": len(snap.info.computed_schemes),
        "counts": counts,
        "peak_rss_mb": _peak_rss_mb(),
    }


def _jobs_so_far(tracker: Any, groups: list[str]) -> int:
    """Spark jobs started so far in this application (job ids are consecutive from 0)."""
    ids = [*tracker.getJobIdsForGroup(None)]
    for group in groups:
        ids += tracker.getJobIdsForGroup(group)
    return max(ids, default=-1) + 1


def _child(args: list[str], timeout: float | None) -> dict[str, object]:
    try:
        done = subprocess.run(
            [sys.executable, __file__, *args], capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired as stopped:
        err = stopped.stderr or b""
        text = err.decode(errors="replace") if isinstance(err, bytes) else err
        for line in text.splitlines():
            if line.startswith(STEP_PREFIX):
                print(f"steps done before the timeout: {line[len(STEP_PREFIX):]}")
        sys.exit(f"benchmark step {args[:2]} did not finish within {timeout:.0f} s")
    if done.returncode != 0:
        sys.exit(f"benchmark step {args[:2]} failed:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _measured(path: Path | None) -> dict[str, dict[str, object]]:
    if path is None or not path.exists():
        return {}
    return json.loads(path.read_text())  # type: ignore[no-any-return]


def _keep(path: Path | None, results: dict[str, dict[str, object]]) -> None:
    """Write the results measured so far (a later, failed step does not lose them)."""
    if path is not None:
        path.write_text(json.dumps(results, indent=1))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--lines", type=int, default=10_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--driver-memory", default="3g")
    parser.add_argument(
        "--data", type=Path, help="an existing folder of generate_data.py output to use"
    )
    parser.add_argument(
        "--results",
        type=Path,
        help="a JSON file that keeps each engine's result as soon as it is measured; an "
        "engine already in it is not run again (measure the engines one at a time)",
    )
    parser.add_argument(
        "--timeout", type=float, help="seconds each engine's run may take before it is stopped"
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="also record the seconds and Spark jobs of each step of the Spark run",
    )
    parser.add_argument("--child", choices=["duckdb", "spark"])
    parser.add_argument("--folder", type=Path)
    parser.add_argument("--work", type=Path)
    args = parser.parse_args()
    if args.child == "duckdb":
        print(json.dumps(child_duckdb(args.folder, args.work)))
        return
    if args.child == "spark":
        found = child_spark(args.folder, args.work, args.master, args.driver_memory, args.profile)
        print(json.dumps(found))
        return

    folder = args.data or _data_dir(args.customers, args.lines, args.seed)
    work = Path(tempfile.mkdtemp(prefix="bench_spark_"))
    common = ["--folder", str(folder), "--work", str(work)]
    results = _measured(args.results)
    try:
        if "duckdb" not in results:
            results["duckdb"] = _child(["--child", "duckdb", *common], args.timeout)
            _keep(args.results, results)
        if "spark" not in results:
            spark_args = ["--master", args.master, "--driver-memory", args.driver_memory]
            spark_args += ["--profile"] if args.profile else []
            results["spark"] = _child(["--child", "spark", *common, *spark_args], args.timeout)
            _keep(args.results, results)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    duck, spark = results["duckdb"], results["spark"]
    same = duck["counts"] == spark["counts"]
    ratio = float(spark["run_s"]) / float(duck["run_s"])  # type: ignore[arg-type]
    import pyarrow.parquet as pq

    lines = pq.ParquetFile(folder / "orders.parquet").metadata.num_rows
    print(f"\n## Spark benchmark: {duck['customers']:,} customers, {lines:,} order lines\n")
    print("| engine | step | seconds | peak memory (Python process) |")
    print("|---|---|---:|---:|")
    print(f"| DuckDB | ingest (Parquet → workspace, validated) | {duck['ingest_s']:.1f} | |")
    print(
        f"| DuckDB | full run ({duck['schemes']} schemes) | {duck['run_s']:.1f} "
        f"| {float(duck['peak_rss_mb']) / 1024:.2f} GB |"  # type: ignore[arg-type]
    )
    print(f"| Spark {args.master} | session start | {spark['session_s']:.1f} | |")
    print(
        f"| Spark {args.master} | full run ({spark['schemes']} schemes, Parquet read in place) "
        f"| {spark['run_s']:.1f} | {float(spark['peak_rss_mb']) / 1024:.2f} GB "  # type: ignore[arg-type]
        f"(+ JVM, driver memory {args.driver_memory}) |"
    )
    print(f"\nSpark run time / DuckDB run time: {ratio:.2f}×")
    print(f"Spark jobs in the run: {spark.get('spark_jobs', 'not counted')}")
    if spark.get("steps"):
        print("\n| Spark step | seconds | Spark jobs |\n|---|---:|---:|")
        for row in spark["steps"]:  # type: ignore[attr-defined]
            print(f"| {row['step']} | {row['seconds']:.1f} | {row['jobs']} |")
    print(f"same class counts for every scheme: {same}")
    print(json.dumps({"duckdb": duck, "spark": spark, "ratio": ratio, "same_counts": same}))
    if not same:
        sys.exit("the engines gave different classes")


if __name__ == "__main__":
    main()
