"""Benchmark: the interactive commands, each run as a user runs it (new process, start-up included).

Each command is timed as wall time of ``python -m custseg ...`` in a subprocess (best of
``--repeat``), beside its target (issue 13, item 5) and a baseline measured in the same run;
the CPU time of that process (user + system, all its threads, the least of the runs) is printed
beside it, as the wall time of a busy machine is mostly waiting:

- the *floor*: a bare interpreter start-up (``python -c pass``), what no command can beat;
- for one scheme's migration (``diff --scheme abc``), the analyst's script: pandas reads the two
  snapshots' Parquet exports (written by ``custseg export``) and merges them into the migration
  matrix and the movers, also in a new process.

The sources are compiled to bytecode first and the commands run without
``PYTHONDONTWRITEBYTECODE``, as an installed custseg runs (otherwise every command would compile
custseg's modules again at start-up).

The workspace needs two snapshots. Give one with ``--workspace`` (it is only read, except that
an older schema is upgraded on open), or let the benchmark build it from generated data: two
monthly runs (as of 2026-05-31 and 2026-06-30), kept beside the data for the next time.

    python benchmarks/bench_interactive.py --workspace big.duckdb   # an existing workspace
    python benchmarks/bench_interactive.py --customers 1000000 --lines 10000000
    python benchmarks/bench_interactive.py --smoke                   # small, a few seconds
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

AS_OFS = (date(2026, 5, 31), date(2026, 6, 30))
SCHEME = "abc"

PANDAS_MIGRATION = f"""
import sys
import pandas as pd
old = pd.read_parquet(sys.argv[1], columns=["customer_id", "{SCHEME}"])
new = pd.read_parquet(sys.argv[2], columns=["customer_id", "{SCHEME}", "revenue_12m"])
pairs = old.merge(new, on="customer_id", how="outer", suffixes=("_old", "_new"))
matrix = pairs.groupby(["{SCHEME}_old", "{SCHEME}_new"], dropna=False).agg(
    customers=("customer_id", "size"), revenue_12m=("revenue_12m", "sum")
)
movers = pairs[pairs["{SCHEME}_old"].ne(pairs["{SCHEME}_new"])]
movers = movers.sort_values("revenue_12m", ascending=False)
print(len(matrix), len(movers))
"""
"""The baseline of a migration: two exports read and merged by pandas (the matrix, the movers)."""


def _run(args: Sequence[str], env: dict[str, str]) -> float:
    """Wall time of one process; fails loudly when the command fails."""
    return _timed(args, env)[0]


def _timed(args: Sequence[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall time and CPU time (user + system) of one process; fails when the command fails."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        list(args), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False
    )
    took = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 2):  # `check` exits 2 on warnings; no command here does
        sys.exit(f"failed ({done.returncode}): {' '.join(args)}\n{done.stderr.decode()[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return took, cpu


def _best(args: Sequence[str], env: dict[str, str], repeat: int) -> float:
    return _best_of(args, env, repeat)[0]


def _best_of(args: Sequence[str], env: dict[str, str], repeat: int) -> tuple[float, float]:
    """The least wall time and the least CPU time of ``repeat`` runs."""
    runs = [_timed(args, env) for _ in range(repeat)]
    return min(w for w, _ in runs), min(c for _, c in runs)


def _build(customers: int, lines: int, seed: int) -> Path:
    """A workspace with two monthly snapshots of generated data (reused when present)."""
    from bench_pipeline import _data_dir

    from custseg import open_workspace

    folder = _data_dir(customers, lines, seed)
    path = folder / "interactive.duckdb"
    if path.exists():
        ws = open_workspace(path)
        ready = [i.as_of for i in ws.snapshots()] == list(AS_OFS)
        ws.close()
        if ready:
            return path
        path.unlink()
    ws = open_workspace(path, clock=lambda: datetime(2026, 7, 1))
    try:
        started = time.perf_counter()
        for table in ("customers", "orders", "payments"):
            source = folder / f"{table}.parquet"
            if source.exists():
                ws.ingest(table, source)  # type: ignore[arg-type]
        for as_of in AS_OFS:
            ws.run(as_of=as_of)
        took = time.perf_counter() - started
        print(f"built {path} (ingest and two runs) in {took:.1f} s", file=sys.stderr)
    finally:
        ws.close()
    return path


def _pick(workspace: Path) -> tuple[str, str, str, int]:
    """The latest snapshot, the one before, a customer to explain and the number of customers."""
    from custseg import open_workspace

    ws = open_workspace(workspace)
    try:
        new = ws.snapshot()
        old = ws.previous(new)
        if old is None:
            sys.exit(f"{workspace} has one snapshot; diff, alerts and trend need two")
        table = new.assignments_table(SCHEME)
        first = table.select("customer_id").order_by("customer_id").limit(1).to_pandas()
        customer = str(first.customer_id.iloc[0])
        return new.snapshot_id, old.snapshot_id, customer, new.info.customers
    finally:
        ws.close()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--workspace", type=Path, help="an existing workspace (two snapshots)")
    parser.add_argument("--customers", type=int, default=200_000)
    parser.add_argument("--lines", type=int, default=2_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3, help="runs per command; best kept")
    parser.add_argument("--smoke", action="store_true", help="2,000 customers, one run each")
    parser.add_argument("--skip-actions", action="store_true",
                        help="leave out `actions --out x.xlsx` (minutes at 1,000,000 customers)")
    args = parser.parse_args()
    if args.smoke:
        args.customers, args.lines, args.repeat = 2_000, 20_000, 1
    workspace = args.workspace or _build(args.customers, args.lines, args.seed)
    new_id, old_id, customer, customers = _pick(workspace)
    src = Path(__file__).resolve().parents[1] / "src"
    env = {**os.environ, "COLUMNS": "120", "CUSTSEG_LANG": "en"}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(src), env.get("PYTHONPATH")) if p)
    # An installed custseg has its modules compiled to bytecode; with PYTHONDONTWRITEBYTECODE
    # (set in some shells and CI) every command would compile its sources again at start-up.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(src)], check=True,  # noqa: S603
                   stdout=subprocess.DEVNULL)
    cli = [sys.executable, "-m", "custseg", "-w", str(workspace)]
    load_before = os.getloadavg()

    floor = _best([sys.executable, "-c", "pass"], env, max(args.repeat, 3))
    with tempfile.TemporaryDirectory() as tmp:
        exports = [Path(tmp) / "old.parquet", Path(tmp) / "new.parquet"]
        for snapshot, out in zip((old_id, new_id), exports, strict=True):
            _run([*cli, "export", "--features", "--snapshot", snapshot, "--out", str(out)], env)
        pandas = _best([sys.executable, "-c", PANDAS_MIGRATION, *map(str, exports)], env,
                       args.repeat)
        xlsx = Path(tmp) / "actions.xlsx"
        steps: list[tuple[str, list[str], float, int]] = [
            ("custseg --help", ["--help"], 0.5, args.repeat),
            ("show", ["show"], 1.5, args.repeat),
            (f"explain {customer}", ["explain", customer], 1.5, args.repeat),
            (f"diff --scheme {SCHEME}", ["diff", "--scheme", SCHEME], 1.5, args.repeat),
            ("diff (overview of all schemes)", ["diff"], 2.0, args.repeat),
            ("alerts", ["alerts"], 1.5, args.repeat),
            ("trend", ["trend"], 1.5, args.repeat),
            ("actions --out actions.xlsx", ["actions", "--force", "--out", str(xlsx)], 20.0, 1),
        ]
        if args.skip_actions:
            steps = [step for step in steps if not step[0].startswith("actions")]
        timings = [(name, *_best_of([*cli, *argv], env, n), target)
                   for name, argv, target, n in steps]
    load_after = os.getloadavg()

    print(
        f"bench_interactive: {customers:,} customers, snapshots {old_id} → {new_id}, "
        f"{datetime.now():%Y-%m-%d %H:%M}, load average {load_before[0]:.1f} → "
        f"{load_after[0]:.1f} ({os.cpu_count()} cores); best of {args.repeat}"
    )
    print(f"  {'command (new process, wall time)':<40} {'seconds':>8} {'CPU s':>6} {'target':>7}  "
          f"met   {'baseline':<44} {'seconds':>8} {'ratio':>7}")
    for name, seconds, cpu, target in timings:
        if name.startswith("diff --scheme"):
            base_name, base = "pandas: merge two Parquet exports", pandas
        else:
            base_name, base = "floor: bare interpreter start-up", floor
        met = "yes" if seconds <= target else "NO"
        print(f"  {name:<40} {seconds:8.2f} {cpu:6.2f} {target:7.1f}  {met:<4}  {base_name:<44} "
              f"{base:8.2f} {seconds / base:6.1f}x")
    migration = next(s for n, s, _, _ in timings if n.startswith("diff --scheme"))
    print(f"  one scheme's migration / pandas merge of two exports: {migration / pandas:.2f}x "
          f"(target ≤ 1.00x: {'met' if migration <= pandas else 'NOT met'})")


if __name__ == "__main__":
    main()
