"""Run every benchmark; `--smoke` runs them at a small size (what CI does).

At full size the benchmarks run one after another, so none measures beside another. The smoke
run is a check that every benchmark still runs, not a measurement: it runs them in ``--lanes``
processes at once (default 2, the cores of the CI machine), the longest first, and prints each
one's output as a block when it ends, with its wall time.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent

# Longest first, so the lanes end close together (the Spark smoke run is mostly waiting on the JVM).
SMOKE = [
    ["bench_spark.py", "--customers", "2000", "--lines", "20000", "--driver-memory", "1g"],
    ["bench_pipeline.py", "--customers", "5000", "--lines", "50000"],
    ["bench_models.py", "--customers", "20000"],
    ["bench_clustering.py", "--customers", "20000"],
    ["bench_history.py", "--customers", "5000", "--lines", "50000"],
    ["bench_interactive.py", "--smoke"],
    ["bench_series.py", "--smoke"],
    ["bench_scale.py", "--smoke", "--memory-limit", "1GB"],
    ["bench_server.py", "--smoke", "--backend", "duckdb"],
    ["bench_server.py", "--smoke", "--backend", "postgresql"],
]
FULL = [
    ["bench_pipeline.py"],
    ["bench_models.py"],
    ["bench_clustering.py"],
    ["bench_history.py", "--customers", "1000000", "--lines", "10000000"],
    ["bench_interactive.py", "--customers", "1000000", "--lines", "10000000"],
    ["bench_series.py"],
    ["bench_server.py", "--backend", "duckdb"],
    ["bench_server.py", "--backend", "postgresql"],
    ["bench_spark.py", "--customers", "1000000", "--lines", "10000000"],
    ["bench_scale.py", "--customers", "1000000", "--memory-limit", "12GB"],
]


@dataclass(frozen=True)
class Finished:
    """One benchmark's command line, exit code, wall time and (when captured) output."""

    command: str
    returncode: int
    seconds: float
    output: str


def _run(run: Sequence[str], capture: bool) -> Finished:
    script = HERE / run[0]
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, str(script), *run[1:]],
        stdout=subprocess.PIPE if capture else None,
        stderr=subprocess.STDOUT if capture else None,
        text=True,
        check=False,
    )
    return Finished(" ".join(run), done.returncode, time.perf_counter() - start, done.stdout or "")


def run_benchmarks(runs: Sequence[Sequence[str]], lanes: int) -> list[Finished]:
    """Run ``runs``, ``lanes`` at a time; output is printed per benchmark as each one ends."""
    for run in runs:
        if not (HERE / run[0]).exists():
            sys.exit(f"missing benchmark {HERE / run[0]}")
    if lanes <= 1:
        finished = []
        for run in runs:
            print(f"$ python benchmarks/{' '.join(run)}", flush=True)
            finished.append(_run(run, capture=False))
        return finished
    finished = []
    with ThreadPoolExecutor(max_workers=lanes) as pool:
        futures = [pool.submit(_run, run, True) for run in runs]
        for future in as_completed(futures):
            one = future.result()
            ended = f"({one.seconds:.1f} s, exit {one.returncode})"
            print(f"$ python benchmarks/{one.command}   {ended}")
            print(one.output, flush=True)
            finished.append(one)
    return finished


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--smoke", action="store_true", help="small sizes, a few seconds each")
    parser.add_argument("--lanes", type=int, default=None,
                        help="benchmarks run at once (default: 2 with --smoke, else 1)")
    args = parser.parse_args()
    lanes = args.lanes if args.lanes is not None else (2 if args.smoke else 1)
    started = time.perf_counter()
    finished = run_benchmarks(SMOKE if args.smoke else FULL, lanes)
    print("\nwall time of each benchmark:")
    for one in finished:
        mark = "" if one.returncode == 0 else f"   FAILED (exit {one.returncode})"
        print(f"  {one.seconds:8.1f} s  {one.command}{mark}")
    print(f"  {time.perf_counter() - started:8.1f} s  in all ({lanes} at a time)", flush=True)
    failed = [one.command for one in finished if one.returncode != 0]
    if failed:
        sys.exit(f"{len(failed)} benchmark(s) failed: {', '.join(failed)}")


if __name__ == "__main__":
    main()
