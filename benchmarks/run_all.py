"""Run every benchmark; `--smoke` runs them at a small size (what CI does)."""

from __future__ import annotations

import argparse
import subprocess
import sys
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
    for run in runs:
        script = HERE / run[0]
        if not script.exists():
            sys.exit(f"missing benchmark {script}")
        print(f"$ python benchmarks/{' '.join(run)}", flush=True)
        subprocess.run([sys.executable, str(script), *run[1:]], check=True)


if __name__ == "__main__":
    main()
