"""Benchmark: a large base end to end on one machine, each step's wall time, CPU and peak memory.

Issue 13, item 6 (10,000,000 customers, 100,000,000 order lines within the machine's memory).
Generated data (``generate_data.py``: N customers, 10 N order lines) goes through what a user
runs, each step a ``custseg`` command in its own process, so the peak memory is the step's own
(the child's ``ru_maxrss``, from ``wait4``):

1. ``ingest`` the three tables from Parquet (customers, orders, payments);
2. ``run --as-of`` the previous month end (2026-05-31), then the month end (2026-06-30);
3. ``diff`` of every scheme, then ``diff --scheme abc``;
4. ``export`` the latest snapshot to Parquet (``--features``).

DuckDB's memory limit, spill folder and threads are given as the global options
``--memory-limit``, ``--temp-dir``, ``--threads`` (issue 13: DuckDB told its limit). The table
gives each step's wall time, CPU time (user + system of the child) and peak resident memory,
and the load average before and after::

    python benchmarks/bench_scale.py --customers 1000000 --memory-limit 12GB
    python benchmarks/bench_scale.py --customers 10000000 --memory-limit 14GB --lock /tmp/bench.lock
    python benchmarks/bench_scale.py --smoke          # 2,000 customers, a few seconds a step

``--lock FILE`` takes an exclusive ``flock`` on FILE around each step (not between steps), so
a long run shares the machine's benchmark lock with others; ``--quiet-file FILE`` waits before
each step while FILE exists (someone is timing something). The workspace is made afresh in
``--work`` (default: beside the data) and removed at the end unless ``--keep``;
``--workspace PATH --skip-ingest`` starts from a workspace already ingested (kept, like its
export and spill folder), e.g. to measure the runs again without the ingests' half hour::

    python benchmarks/bench_scale.py --customers 10000000 --memory-limit 10GB \
        --workspace /tmp/scale/work10m/scale_27333.duckdb --skip-ingest --lock /tmp/bench.lock
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
SRC = HERE.parent / "src"
AS_OFS = ("2026-05-31", "2026-06-30")
SCHEME = "abc"
TABLES = ("customers", "orders", "payments")
# The ingest's own bounds are for files a person uploads; this is a known, large file.
BIG_INGEST = ["--max-bytes", str(1 << 40), "--max-rows", str(10**10), "--max-seconds", "1e9"]


@dataclass(frozen=True)
class Step:
    """One measured step: its name, wall and CPU seconds, peak resident memory (MB)."""

    name: str
    wall: float
    cpu: float
    peak_mb: float


@contextlib.contextmanager
def _locked(path: Path | None) -> Iterator[None]:
    """Hold an exclusive flock on ``path`` (if given) for the enclosed step."""
    if path is None:
        yield
        return
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


QUIET_POLL_SECONDS = 30.0


def _wait_while(path: Path | None) -> None:
    """Return once ``path`` (if given) does not exist, looking every 30 s."""
    while path is not None and path.exists():
        time.sleep(QUIET_POLL_SECONDS)


def _measure(name: str, args: Sequence[str], env: dict[str, str], lock: Path | None,
             log: Path, quiet: Path | None = None) -> Step:
    """Run ``args`` as a child; its wall time, CPU time and peak RSS (fails loudly).

    The step starts once ``quiet`` (if given) does not exist, under ``lock`` (if given).
    """
    _wait_while(quiet)
    with _locked(lock), open(log, "ab") as out:
        out.write(f"\n$ {' '.join(args)}\n".encode())
        out.flush()
        started = time.perf_counter()
        child = subprocess.Popen(list(args), env=env, stdout=out, stderr=out)  # noqa: S603
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
    step = Step(name, wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)
    if child.returncode != 0:
        tail = log.read_text(errors="replace")[-3000:]
        sys.exit(f"step {name} failed ({child.returncode}) after {step.wall:.1f} s wall, "
                 f"{step.cpu:.1f} s CPU, {step.peak_mb:.0f} MB peak: {' '.join(args)}\n{tail}")
    print(f"  {step.name:<34} {step.wall:9.1f} {step.cpu:9.1f} {step.peak_mb:9.0f}",
          flush=True)
    return step


def _data(customers: int, lines: int, seed: int, lock: Path | None, log: Path) -> Path:
    """The generated data's folder (made, in a child process, when missing)."""
    folder = HERE / "_data" / f"c{customers}_l{lines}_s{seed}"
    if (folder / "orders.parquet").exists() and (folder / "payments.parquet").exists():
        return folder
    env = dict(os.environ)
    args = [sys.executable, str(HERE / "generate_data.py"), "--customers", str(customers),
            "--lines", str(lines), "--out", str(folder), "--seed", str(seed)]
    _measure("generate data (not custseg)", args, env, lock, log)
    return folder


def main(argv: Sequence[str] | None = None) -> list[Step]:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--lines", type=int, help="order lines (default: 10 per customer)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--memory-limit", default="12GB", help="DuckDB's memory limit")
    parser.add_argument("--temp-dir", type=Path, help="DuckDB's spill folder "
                        "(default: a folder beside the workspace)")
    parser.add_argument("--threads", type=int, help="DuckDB's threads (default: one per core)")
    parser.add_argument("--work", type=Path, help="folder of the workspace (default: beside "
                        "the data)")
    parser.add_argument("--lock", type=Path, help="flock this file around each step")
    parser.add_argument("--quiet-file", type=Path, help="before each step, wait while this "
                        "file exists")
    parser.add_argument("--workspace", type=Path, help="use this workspace file (kept at the "
                        "end; default: a new one in --work)")
    parser.add_argument("--skip-ingest", action="store_true", help="do not ingest: the "
                        "--workspace given holds the data already")
    parser.add_argument("--keep", action="store_true", help="keep the workspace and export")
    parser.add_argument("--smoke", action="store_true", help="2,000 customers (a check, not a measurement)")
    args = parser.parse_args(argv)
    if args.skip_ingest and args.workspace is None:
        parser.error("--skip-ingest needs --workspace (an ingested workspace)")
    if args.skip_ingest and not args.workspace.exists():
        parser.error(f"--workspace {args.workspace} does not exist")
    if args.smoke:
        args.customers = 2_000
    lines = args.lines or 10 * args.customers
    load_before = os.getloadavg()
    print(f"bench_scale: {args.customers:,} customers, {lines:,} order lines; "
          f"DuckDB memory limit {args.memory_limit}; {os.cpu_count()} cores; "
          f"load average before {load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f}",
          flush=True)
    with contextlib.ExitStack() as stack:
        log = Path(stack.enter_context(tempfile.TemporaryDirectory())) / "steps.log"
        if args.keep or args.workspace is not None:
            log = Path(tempfile.mkdtemp(prefix="bench_scale_")) / "steps.log"
        print(f"  {'step':<34} {'wall s':>9} {'CPU s':>9} {'peak MB':>9}", flush=True)
        folder = None if args.skip_ingest else _data(args.customers, lines, args.seed,
                                                     args.lock, log)
        if args.workspace is not None:
            workspace = args.workspace
            stem = workspace.with_suffix("")
            spill = args.temp_dir or Path(f"{stem}.spill")
            export = Path(f"{stem}.parquet")
        else:
            assert folder is not None
            work = args.work or folder
            work.mkdir(parents=True, exist_ok=True)
            workspace = work / f"scale_{os.getpid()}.duckdb"
            spill = args.temp_dir or work / f"scale_{os.getpid()}.spill"
            export = work / f"scale_{os.getpid()}.parquet"
        if not args.keep and args.workspace is None:
            stack.callback(lambda: [workspace.unlink(missing_ok=True),
                                    Path(f"{workspace}.wal").unlink(missing_ok=True),
                                    export.unlink(missing_ok=True),
                                    shutil.rmtree(spill, ignore_errors=True)])
        env = {**os.environ, "COLUMNS": "120", "CUSTSEG_LANG": "en"}
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(SRC), env.get("PYTHONPATH")) if p)
        cli = [sys.executable, "-m", "custseg", "-w", str(workspace),
               "--memory-limit", args.memory_limit, "--temp-dir", str(spill)]
        if args.threads:
            cli += ["--threads", str(args.threads)]
        steps = []

        def measure(name: str, command: Sequence[str]) -> None:
            steps.append(_measure(name, [*cli, *command], env, args.lock, log, args.quiet_file))

        for table in () if folder is None else TABLES:
            assert folder is not None
            measure(f"ingest {table}", ["ingest", table, str(folder / f"{table}.parquet"),
                                        *BIG_INGEST])
        for as_of in AS_OFS:
            measure(f"run --as-of {as_of}", ["run", "--as-of", as_of])
        measure("diff (every scheme)", ["diff"])
        measure(f"diff --scheme {SCHEME}", ["diff", "--scheme", SCHEME])
        measure("export --features (Parquet)",
                ["export", "--features", "--out", str(export), "--force"])
        size = workspace.stat().st_size / 2**20
        load_after = os.getloadavg()
        total = sum(s.wall for s in steps)
        print(f"  {'total (custseg steps)':<34} {total:9.1f} {sum(s.cpu for s in steps):9.1f} "
              f"{max(s.peak_mb for s in steps):9.0f}")
        print(f"workspace {size:,.0f} MiB; load average after {load_after[0]:.2f} "
              f"{load_after[1]:.2f} {load_after[2]:.2f}; "
              f"log {log if args.keep or args.workspace else '(removed)'}")
    return steps


if __name__ == "__main__":
    main()
