"""Benchmark: the REST API under concurrent clients on loopback, against the façade in-process.

Two monthly snapshots of generated data are computed on DuckDB (cached per size) and an analyst
is added; ``--workspace`` uses a copy of a workspace made beforehand instead (it must hold two
snapshots and the user ``bench``). With ``--backend postgresql`` the workspace's tables are then
copied into a PostgreSQL database (``--pg-url``, else a throw-away server started like the
tests do, see tests/pg_server.py), and opening it there builds the indexes the workspace's
migrations and runs build, so both backends serve the same snapshots. `custseg serve`'s app runs
under uvicorn on 127.0.0.1 (a free port) in a process of its own, with ``--readers`` read
connections (0: every request on the one shared connection) and its read cache (``--no-cache``:
without). Then ``--clients`` threads call, for ``--seconds`` (bounded), in turn: the summary of
one scheme, a page (one of the first ten) of the customer list filtered by the classes of two
schemes, and the detail of a customer drawn from 1,000. Reported per request kind: count,
p50/p95/p99 and errors; the server's CPU time per request; and the same reads through the
Python façade in one process, uncached (the baseline ratio). Only loopback traffic; the loop
stops by itself.

    python benchmarks/bench_server.py                                    # 1,000,000 customers
    python benchmarks/bench_server.py --backend postgresql               # the same on PostgreSQL
    python benchmarks/bench_server.py --smoke --backend postgresql       # what CI runs
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_pipeline import _data_dir, folder_lock  # noqa: E402  (the shared generated-data cache)

AS_OFS = (date(2026, 5, 31), date(2026, 6, 30))
PASSWORD = "benchmark passphrase"  # noqa: S105 - a throw-away local account
FILTER = {"class": ["abc:A", "lifecycle:active"], "limit": 50, "sort": "revenue_12m",
          "desc": "true"}
PAGES = 10
DETAIL_IDS = 1000
TARGETS_MS = {"summary": 200, "filtered page": 500, "detail": 200}


SMOKE = {"customers": 5_000, "lines": 50_000, "clients": 20, "seconds": 5.0}


def build(customers: int, lines: int, seed: int) -> Path:
    """The benchmark workspace: generated data, two snapshots, two users (cached)."""
    folder = _data_dir(customers, lines, seed)
    path = folder / "server.duckdb"
    with folder_lock(folder, "server"):
        if not path.exists():
            _build_into(folder, path)
    return path


def _build_into(folder: Path, path: Path) -> None:
    from custseg import open_workspace

    partial = path.with_name(path.stem + ".partial.duckdb")  # renamed only once complete
    partial.unlink(missing_ok=True)
    ws = open_workspace(partial, clock=lambda: datetime(2026, 7, 1))
    for table in ("customers", "orders", "payments"):
        source = folder / f"{table}.parquet"
        if source.exists():
            ws.ingest(table, source)  # type: ignore[arg-type]
    for as_of in AS_OFS:
        started = time.perf_counter()
        ws.run(as_of=as_of)
        print(f"run {as_of}: {time.perf_counter() - started:.1f} s", file=sys.stderr)
    ws.accounts.add_user("bench", role="analyst", password=PASSWORD, by="bench")
    ws.close()
    partial.rename(path)


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def copy_to_postgres(path: Path, url: str) -> None:
    """Copy every table of the DuckDB workspace at ``path`` into the (empty) database ``url``."""
    import io

    import ibis
    import psycopg
    import pyarrow.csv as pacsv
    from psycopg import sql

    started = time.perf_counter()
    duck = ibis.duckdb.connect(str(path), read_only=True)
    pg = ibis.connect(url)
    try:
        with psycopg.connect(url) as raw:
            # Without the schema versions, opening the copy runs the migrations (indexes).
            for name in [n for n in duck.list_tables() if n != "schema_versions"]:
                table = duck.table(name)
                pg.create_table(name, schema=table.schema(), overwrite=True)
                batches = table.to_pyarrow_batches(chunk_size=500_000)
                with raw.cursor() as cur, cur.copy(
                    sql.SQL("COPY {} ({}) FROM STDIN WITH (FORMAT csv)").format(
                        sql.Identifier(name),
                        sql.SQL(", ").join(sql.Identifier(c) for c in table.columns),
                    )
                ) as copy:
                    for batch in batches:
                        buffer = io.BytesIO()
                        pacsv.write_csv(batch, buffer, pacsv.WriteOptions(include_header=False))
                        copy.write(buffer.getvalue())
            raw.commit()
    finally:
        duck.disconnect()
        pg.disconnect()
    from custseg import open_workspace
    from custseg.snapshots.store import features_table_name, index_by_customer

    ws = open_workspace(url)
    con = ws._con  # noqa: SLF001 - the benchmark indexes the copied tables as a run would
    for info in ws.snapshots():
        index_by_customer(con, features_table_name(info.snapshot_id))
    con.raw_sql("ANALYZE")
    ws.close()
    print(f"copied to PostgreSQL: {time.perf_counter() - started:.1f} s", file=sys.stderr)


def postgres_database(url: str | None) -> tuple[str, Callable[[], None]]:
    """A new database on ``url``'s server (else on a throw-away server) and how to drop it."""
    sys.path.insert(0, str(HERE.parent / "tests"))
    from pg_server import PgServer

    server = PgServer(admin_url=url) if url else PgServer.start()
    name = f"bench_{int(time.time())}"
    database = server.create_database(name)

    def drop() -> None:
        server.drop_database(name)
        server.stop()

    return database, drop


def serve_here(location: str, port: int, readers: int, cache: int) -> None:
    """Run the API under uvicorn in this process until it is stopped (the server process)."""
    import uvicorn

    from custseg.api import ServerSettings, create_app

    settings = ServerSettings(read_connections=readers, read_cache_entries=cache)
    app = create_app(location, settings)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="error")


def serve(location: str, port: int, readers: int, cache: int) -> subprocess.Popen[bytes]:
    """Start the API in a process of its own (clients and server do not share one GIL)."""
    command = [sys.executable, __file__, "--serve", location, "--port", str(port),
               "--readers", str(readers), "--cache", str(cache)]
    server = subprocess.Popen(command)  # noqa: S603 - this script, on loopback
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server stopped with exit code {server.returncode}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=5).is_success:
                return server
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    server.terminate()
    raise SystemExit("the server did not start within 300 s")


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds a process has used so far (Linux /proc; None elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_cpu() -> tuple[float, float] | None:
    """CPU seconds the whole machine has been busy, and stolen by its host, so far (Linux)."""
    try:
        fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return None
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields[:8]
    tick = os.sysconf("SC_CLK_TCK")
    return (user + nice + system + irq + softirq) / tick, steal / tick


def others_share(before: tuple[float, float] | None, after: tuple[float, float] | None,
                 server: float | None, clients: float, seconds: float) -> str:
    """What else used the machine during the run: other processes' CPU and the host's steal."""
    if before is None or after is None or server is None:
        return ""
    busy, steal = after[0] - before[0], after[1] - before[1]
    others = max(0.0, busy - server - clients)
    cores = os.cpu_count() or 1
    return (f"; other processes {others / seconds:.2f} of {cores} cores, "
            f"stolen by the host {steal / seconds:.2f}")


def percentiles(values: list[float]) -> str:
    """p50 / p95 / p99 in milliseconds."""
    if len(values) < 2:
        return "n/a"
    q = statistics.quantiles(values, n=100)
    return f"p50 {q[49] * 1000:7.1f}  p95 {q[94] * 1000:7.1f}  p99 {q[98] * 1000:7.1f} ms"


def load(base: str, token: str, ids: list[str], clients: int, seconds: float,
         snapshot: str, processes: int = 1,
         start_at: float | None = None) -> tuple[dict[str, list[float]], int, float]:
    """Run the clients over ``processes`` processes; latencies per kind, errors, client CPU s.

    Clients in one process share its GIL: a client waits for the others' Python work as well
    as for the server. Clients on other machines (browsers, scripts) do not, so the clients
    are spread over processes (``--client-processes``; 1: every client a thread of this one).
    """
    processes = max(1, min(processes, clients))
    shares = [list(range(clients))[p::processes] for p in range(processes)]
    if start_at is None:
        start_at = time.time() + start_delay(processes)
    stop_at = start_at + seconds
    if processes == 1:
        started = time.process_time()
        times, errors = _clients(base, token, ids, shares[0], start_at, stop_at, snapshot)
        return times, errors, time.process_time() - started
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(processes, mp_context=context) as pool:
        parts = list(pool.map(_clients_measured, [base] * processes, [token] * processes,
                              [ids] * processes, shares, [start_at] * processes,
                              [stop_at] * processes, [snapshot] * processes))
    times = {k: [t for part in parts for t in part[0][k]] for k in parts[0][0]}
    return times, sum(part[1] for part in parts), sum(part[2] for part in parts)


def start_delay(processes: int) -> float:
    """Seconds between starting the clients and their first request (spawned processes start)."""
    return 0.0 if processes <= 1 else 10.0


class WindowSample(threading.Thread):
    """The machine's busy and stolen CPU and the server's CPU at the start and end of the load.

    Sampled from this process at the wall-clock times the clients start and stop, so that the
    spawned client processes' start-up is outside the window.
    """

    def __init__(self, start_at: float, stop_at: float, server_pid: int) -> None:
        super().__init__(daemon=True)
        self.times = (start_at, stop_at)
        self.pid = server_pid
        self.samples: list[tuple[tuple[float, float] | None, float | None]] = []

    def run(self) -> None:
        for at in self.times:
            time.sleep(max(0.0, at - time.time()))
            self.samples.append((machine_cpu(), cpu_seconds(self.pid)))

    def report(self, clients_cpu: float, seconds: float) -> str:
        """Other processes' share of the machine and the host's steal during the window."""
        if len(self.samples) < 2:
            return ""
        (before, server_before), (after, server_after) = self.samples
        server = (None if server_before is None or server_after is None
                  else server_after - server_before)
        return others_share(before, after, server, clients_cpu, seconds)


def _clients_measured(base: str, token: str, ids: list[str], numbers: list[int],
                      start_at: float, stop_at: float,
                      snapshot: str) -> tuple[dict[str, list[float]], int, float]:
    """:func:`_clients` in a worker process, with that process's CPU seconds."""
    started = time.process_time()
    times, errors = _clients(base, token, ids, numbers, start_at, stop_at, snapshot)
    return times, errors, time.process_time() - started


def _clients(base: str, token: str, ids: list[str], numbers: list[int], start_at: float,
             stop_at: float, snapshot: str) -> tuple[dict[str, list[float]], int]:
    """The clients ``numbers`` as threads of this process from ``start_at`` to ``stop_at``."""
    summary = f"/api/v1/snapshots/{snapshot}/schemes/abc/summary"
    times: dict[str, list[float]] = {k: [] for k in ("summary", "filtered page", "detail")}
    errors = [0]
    lock = threading.Lock()
    time.sleep(max(0.0, start_at - time.time()))

    def client(n: int) -> None:
        rng = random.Random(n)  # noqa: S311 - picking customers, not secrets
        headers = {"Authorization": f"Bearer {token}"}
        with httpx.Client(base_url=base, headers=headers, timeout=60) as http:
            i = n
            while time.time() < stop_at:
                kind = ("summary", "filtered page", "detail")[i % 3]
                url, params = {
                    "summary": (summary, {}),
                    "filtered page": ("/api/v1/customers",
                                      {**FILTER, "offset": 50 * rng.randrange(PAGES)}),
                    "detail": (f"/api/v1/customers/{rng.choice(ids)}", {}),
                }[kind]
                started = time.perf_counter()
                reply = http.get(url, params=params)
                elapsed = time.perf_counter() - started
                with lock:
                    times[kind].append(elapsed)
                    errors[0] += reply.status_code >= 400
                i += 1

    threads = [threading.Thread(target=client, args=(n,)) for n in numbers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return times, errors[0]


def warm_up(base: str, token: str, snapshot: str) -> dict[str, float]:
    """The first request of the summary and of each page, one at a time (cold cache); seconds."""
    headers = {"Authorization": f"Bearer {token}"}
    took: dict[str, float] = {}
    with httpx.Client(base_url=base, headers=headers, timeout=600) as http:
        for n in range(PAGES + 1):
            url, params = (
                (f"/api/v1/snapshots/{snapshot}/schemes/abc/summary", {}) if n == PAGES
                else ("/api/v1/customers", {**FILTER, "offset": 50 * n})
            )
            started = time.perf_counter()
            http.get(url, params=params).raise_for_status()
            took["summary" if n == PAGES else f"page {n + 1}"] = time.perf_counter() - started
    return took


def baseline(location: str, ids: list[str], rounds: int) -> dict[str, list[float]]:
    """The same reads through the façade in this process, one at a time."""
    from custseg import open_workspace
    from custseg.snapshots.customers import CustomerQuery

    ws = open_workspace(location)
    times: dict[str, list[float]] = {"summary": [], "filtered page": [], "detail": []}
    query = CustomerQuery(classes={"abc": ["A"], "lifecycle": ["active"]}, sort="revenue_12m",
                          descending=True, limit=50)
    for i in range(rounds):
        page = replace(query, offset=50 * (i % PAGES))
        for kind, call in (
            ("summary", lambda: ws.snapshot().summary("abc")),
            ("filtered page", lambda page=page: ws.customers(page)),
            ("detail", lambda i=i: ws.customer(ids[i % len(ids)])),
        ):
            started = time.perf_counter()
            call()
            times[kind].append(time.perf_counter() - started)
    ws.close()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--lines", type=int, default=10_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--client-processes", type=int, default=4,
                        help="processes the clients are spread over (1: threads of this one)")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--backend", choices=("duckdb", "postgresql"), default="duckdb")
    parser.add_argument("--pg-url", default=os.environ.get("CUSTSEG_BENCH_PG_URL"),
                        help="a server URL whose role may create databases (default: start one)")
    parser.add_argument("--pg-database",
                        help="a database a previous --pg-keep run filled: serve it as it is")
    parser.add_argument("--pg-keep", action="store_true",
                        help="keep the PostgreSQL database on --pg-url's server, print its URL")
    parser.add_argument("--readers", type=int, default=8,
                        help="read connections of the server (0: one shared connection)")
    parser.add_argument("--no-cache", action="store_true",
                        help="serve without the server's read cache")
    parser.add_argument("--workspace", type=Path,
                        help="a DuckDB workspace with two snapshots and the user bench (copied)")
    parser.add_argument("--smoke", action="store_true",
                        help=f"small and short: {SMOKE}")
    parser.add_argument("--serve", help=argparse.SUPPRESS)  # the server process
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--cache", type=int, default=1024, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve_here(args.serve, args.port, args.readers, args.cache)
        return
    if args.pg_keep and not args.pg_url:
        parser.error("--pg-keep needs --pg-url: a throw-away server stops with this process")
    if args.smoke:
        for key, value in SMOKE.items():
            setattr(args, key, value)

    scratch = Path(tempfile.mkdtemp(prefix="custseg-bench-server-"))
    path = args.workspace or build(args.customers, args.lines, args.seed)
    if args.backend == "duckdb":  # the server writes (logins): never into the cached one
        shutil.copyfile(path, scratch / "bench.duckdb")
        path = scratch / "bench.duckdb"
    location, drop = str(path), (lambda: shutil.rmtree(scratch, ignore_errors=True))
    if args.backend == "postgresql" and args.pg_database:
        location = args.pg_database
    elif args.backend == "postgresql":
        location, dropped = postgres_database(args.pg_url)
        if not args.pg_keep:
            drop = (lambda: (dropped(), shutil.rmtree(scratch, ignore_errors=True)))  # noqa: E731
    try:
        if args.backend == "postgresql" and not args.pg_database:
            copy_to_postgres(path, location)
            if args.pg_keep:
                print(f"kept: --pg-database {location}", file=sys.stderr, flush=True)
        run(args, location)
    finally:
        drop()


def run(args: argparse.Namespace, location: str) -> None:
    """Baseline through the façade, then the clients against the server; print the figures."""
    from custseg import open_workspace

    ws = open_workspace(location)
    snap = ws.snapshot()
    every = snap.features_table().select("customer_id").to_pandas()["customer_id"]
    ids = [str(i) for i in every.sample(min(DETAIL_IDS, len(every)), random_state=1)]
    snapshot_id, customers = snap.snapshot_id, snap.info.customers
    ws.close()
    base = baseline(location, ids, rounds=5)

    port = free_port()
    server = serve(location, port, args.readers, 0 if args.no_cache else 1024)
    try:
        url = f"http://127.0.0.1:{port}"
        token = httpx.post(f"{url}/api/v1/auth/token", timeout=600,
                           data={"username": "bench", "password": PASSWORD}).json()
        cold = warm_up(url, token["access_token"], snapshot_id)
        cpu_before = cpu_seconds(server.pid)
        start_at = time.time() + start_delay(args.client_processes)
        window = WindowSample(start_at, start_at + args.seconds, server.pid)
        window.start()
        times, errors, client_cpu = load(url, token["access_token"], ids, args.clients,
                                         args.seconds, snapshot_id, args.client_processes,
                                         start_at)
        cpu_after = cpu_seconds(server.pid)
        window.join(30)
    finally:
        server.terminate()
        server.wait(30)
    total = sum(len(v) for v in times.values())
    cpu = ("" if cpu_before is None or cpu_after is None or not total
           else f", server CPU {(cpu_after - cpu_before) / total * 1000:.1f} ms per request")
    others = window.report(client_cpu, args.seconds)
    load1, load5, _ = os.getloadavg()
    print(f"bench_server: {args.backend}, {customers:,} customers, {args.clients} clients, "
          f"{args.readers} read connections, read cache {'off' if args.no_cache else 'on'}, "
          f"{args.seconds:.0f} s, {total:,} requests, {errors} errors{cpu}, "
          f"clients in {args.client_processes} processes, client CPU "
          f"{client_cpu / max(total, 1) * 1000:.1f} ms per request; "
          f"load average {load1:.1f} / {load5:.1f}{others}")
    print("  first requests, one at a time (cold cache): " + ", ".join(
        f"{k} {v * 1000:.0f} ms" for k, v in cold.items()))
    for kind, values in times.items():
        median = statistics.median(base[kind])
        ratio = statistics.median(values) / median if values and median else float("nan")
        print(f"  {kind:<14} n={len(values):6,}  {percentiles(values)}  (target p95 <= "
              f"{TARGETS_MS[kind]} ms)  facade median {median * 1000:7.1f} ms, "
              f"API/facade {ratio:5.1f}x")


if __name__ == "__main__":
    main()
