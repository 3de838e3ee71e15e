"""Run every benchmark; `--smoke` runs them at a small size (what CI does)."""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--smoke", action="store_true", help="small sizes, a few seconds each")
    args = parser.parse_args()
    if args.smoke:
        runs = [
            ["bench_pipeline.py", "--customers", "5000", "--lines", "50000"],
            ["bench_models.py", "--customers", "20000"],
            ["bench_clustering.py", "--customers", "20000"],
            ["bench_history.py", "--customers", "5000", "--lines", "50000"],
            ["bench_interactive.py", "--smoke"],
            ["bench_series.py", "--smoke"],
            ["bench_server.py", "--smoke", "--backend", "duckdb"],
            ["bench_server.py", "--smoke", "--backend", "postgresql"],
            ["bench_spark.py", "--customers", "2000", "--lines", "20000", "--driver-memory", "1g"],
        ]
    else:
        runs = [
            ["bench_pipeline.py"],
            ["bench_models.py"],
            ["bench_clustering.py"],
            ["bench_history.py", "--customers", "1000000", "--lines", "10000000"],
            ["bench_interactive.py", "--customers", "1000000", "--lines", "10000000"],
            ["bench_series.py"],
            ["bench_server.py", "--backend", "duckdb"],
            ["bench_server.py", "--backend", "postgresql"],
            ["bench_spark.py", "--customers", "1000000", "--lines", "10000000"],
        ]
    took: list[tuple[str, float]] = []
    for run in runs:
        script = HERE / run[0]
        if not script.exists():
            sys.exit(f"missing benchmark {script}")
        print(f"$ python benchmarks/{' '.join(run)}", flush=True)
        start = time.perf_counter()
        subprocess.run([sys.executable, str(script), *run[1:]], check=True)
        took.append((" ".join(run), time.perf_counter() - start))
    print("\nwall time of each benchmark:")
    for command, seconds in took:
        print(f"  {seconds:8.1f} s  {command}")
    print(f"  {sum(s for _, s in took):8.1f} s  in all", flush=True)


if __name__ == "__main__":
    main()
