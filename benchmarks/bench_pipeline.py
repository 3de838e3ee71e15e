"""Benchmark: ingest from Parquet, the feature table, and a full run of the built-in catalogue.

Baseline, measured in the same invocation: a straightforward pandas computation of the RFM
features (benchmarks/pandas_rfm_baseline.py) on the same orders. Each side runs in its own
child process so that its peak memory (max RSS) is its own.

    python benchmarks/bench_pipeline.py                      # 1,000,000 customers, 10,000,000 lines
    python benchmarks/bench_pipeline.py --customers 20000 --lines 200000   # smoke size
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from datetime import date, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
AS_OF = date(2026, 6, 30)


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _data_dir(customers: int, lines: int, seed: int) -> Path:
    folder = HERE / "_data" / f"c{customers}_l{lines}_s{seed}"
    if not (folder / "orders.parquet").exists():
        folder.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                str(HERE / "generate_data.py"),
                "--customers",
                str(customers),
                "--lines",
                str(lines),
                "--out",
                str(folder),
                "--seed",
                str(seed),
            ],
            check=True,
        )
        print(
            f"generated data in {time.perf_counter() - started:.1f} s -> {folder}", file=sys.stderr
        )
    return folder


def child_custseg(folder: Path, workspace: Path) -> dict[str, float]:
    """Ingest, feature table and full run with custseg; return timings and peak memory."""
    from custseg import open_workspace
    from custseg.features import build_feature_table

    workspace.unlink(missing_ok=True)
    ws = open_workspace(workspace, clock=lambda: datetime(2026, 7, 1))
    out: dict[str, float] = {}
    started = time.perf_counter()
    for table in ("customers", "orders", "payments"):
        path = folder / f"{table}.parquet"
        if path.exists():
            report = ws.ingest(table, path)  # type: ignore[arg-type]
            out[f"rows_{table}"] = report.rows_read
    out["ingest_s"] = time.perf_counter() - started
    started = time.perf_counter()
    sys.path.insert(0, str(HERE))
    from pandas_rfm_baseline import RFM_FEATURES  # the baseline's features, like for like

    rfm = build_feature_table(ws._con, AS_OF).select("customer_id", *RFM_FEATURES)
    ws._con.create_table("_bench_rfm", rfm, overwrite=True)
    out["rfm_s"] = time.perf_counter() - started
    ws._con.drop_table("_bench_rfm")
    started = time.perf_counter()
    ws._con.create_table("_bench_features", build_feature_table(ws._con, AS_OF), overwrite=True)
    out["features_s"] = time.perf_counter() - started
    ws._con.drop_table("_bench_features")
    started = time.perf_counter()
    snapshot = ws.run(as_of=AS_OF)
    out["run_s"] = time.perf_counter() - started
    out["schemes"] = len(snapshot.info.computed_schemes)
    out["customers"] = snapshot.info.customers
    out["peak_rss_mb"] = _peak_rss_mb()
    return out


def child_pandas(folder: Path) -> dict[str, float]:
    """The pandas baseline: the same RFM features from the same orders."""
    sys.path.insert(0, str(HERE))
    from pandas_rfm_baseline import load_orders, pandas_rfm

    started = time.perf_counter()
    orders = load_orders(folder / "orders.parquet")  # dates as datetime64: the baseline's best case
    read_s = time.perf_counter() - started
    started = time.perf_counter()
    result = pandas_rfm(orders, AS_OF)
    return {
        "read_s": read_s,
        "rfm_s": time.perf_counter() - started,
        "customers": float(len(result)),
        "peak_rss_mb": _peak_rss_mb(),
    }


def _run_child(kind: str, folder: Path, workspace: Path) -> dict[str, float]:
    cmd = [
        sys.executable,
        __file__,
        "--child",
        kind,
        "--folder",
        str(folder),
        "--workspace",
        str(workspace),
    ]
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"benchmark step {kind!r} failed:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--lines", type=int, default=10_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--child", choices=["custseg", "pandas"])
    parser.add_argument("--folder", type=Path)
    parser.add_argument("--workspace", type=Path)
    args = parser.parse_args()
    if args.child == "custseg":
        print(json.dumps(child_custseg(args.folder, args.workspace)))
        return
    if args.child == "pandas":
        print(json.dumps(child_pandas(args.folder)))
        return

    folder = _data_dir(args.customers, args.lines, args.seed)
    workspace = folder / "bench.duckdb"
    ours = _run_child("custseg", folder, workspace)
    base = _run_child("pandas", folder, workspace)
    workspace.unlink(missing_ok=True)
    ratio_rfm = base["rfm_s"] / ours["rfm_s"]
    ratio_features = base["rfm_s"] / ours["features_s"]
    ratio_run = base["rfm_s"] / ours["run_s"]
    print(f"\n## Pipeline benchmark: {args.customers:,} customers, {args.lines:,} order lines\n")
    print("| step | seconds | peak memory |")
    print("|---|---:|---:|")
    print(f"| custseg ingest (Parquet → workspace, validated) | {ours['ingest_s']:.1f} | |")
    print(f"| custseg: the same 8 RFM features | {ours['rfm_s']:.1f} | |")
    print(f"| custseg feature table (all 66 features) | {ours['features_s']:.1f} | |")
    print(
        f"| custseg full run ({int(ours['schemes'])} schemes, features included) | {ours['run_s']:.1f} "
        f"| {ours['peak_rss_mb'] / 1024:.2f} GB (whole process) |"
    )
    print(
        f"| pandas baseline: 8 RFM features only | {base['rfm_s']:.1f} | {base['peak_rss_mb'] / 1024:.2f} GB |"
    )
    print(f"\npandas time / custseg time, same 8 RFM features: {ratio_rfm:.2f}×")
    print(f"pandas RFM time / custseg full feature table time: {ratio_features:.2f}×")
    print(f"full run (all schemes) against the pandas RFM baseline: {ratio_run:.2f}×")
    print(
        json.dumps(
            {
                "custseg": ours,
                "pandas": base,
                "ratio_rfm": ratio_rfm,
                "ratio_features": ratio_features,
                "ratio_run": ratio_run,
            }
        )
    )


if __name__ == "__main__":
    main()
