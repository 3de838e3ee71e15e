"""Benchmark: the REST API under concurrent clients on loopback, against the façade in-process.

Two monthly snapshots of generated data are computed on DuckDB (cached per size) and an analyst
is added. With ``--backend postgresql`` the workspace's tables are then copied as they are into a
PostgreSQL database (``--pg-url``, else a throw-away server started like the tests do, see
tests/pg_server.py), so both backends serve the same snapshots. `custseg serve`'s app runs under
uvicorn on 127.0.0.1 (a free port) with ``--readers`` read connections (0: every request on the
one shared connection, as before the read pool). Then ``--clients`` threads call, for
``--seconds`` (bounded), in turn: the summary of one scheme, a page of the customer list filtered
by the classes of two schemes, and one customer's detail. Reported per request kind: count,
p50/p95/p99 and errors; and the same reads through the Python façade in one process (the
baseline ratio). Only loopback traffic; the loop stops by itself.

    python benchmarks/bench_server.py                                    # 1,000,000 customers
    python benchmarks/bench_server.py --backend postgresql               # the same on PostgreSQL
    python benchmarks/bench_server.py --smoke --backend postgresql       # what CI runs
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import statistics
import sys
import threading
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_pipeline import _data_dir  # noqa: E402  (the shared generated-data cache)

AS_OFS = (date(2026, 5, 31), date(2026, 6, 30))
PASSWORD = "benchmark passphrase"  # noqa: S105 - a throw-away local account
FILTER = {"class": ["abc:A", "lifecycle:active"], "limit": 50, "sort": "revenue_12m",
          "desc": "true"}
TARGETS_MS = {"summary": 200, "filtered page": 500, "detail": 200}


SMOKE = {"customers": 20_000, "lines": 200_000, "clients": 20, "seconds": 10.0}


def build(customers: int, lines: int, seed: int) -> Path:
    """The benchmark workspace: generated data, two snapshots, two users (cached)."""
    from custseg import open_workspace

    folder = _data_dir(customers, lines, seed)
    path = folder / "server.duckdb"
    if path.exists():
        return path
    ws = open_workspace(path, clock=lambda: datetime(2026, 7, 1))
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
    return path


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
            for name in duck.list_tables():
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


def serve(location: str, port: int, readers: int) -> Callable[[], None]:
    """Start the API under uvicorn in a thread; returns a function that stops it."""
    import uvicorn

    from custseg.api import ServerSettings, create_app

    app = create_app(location, ServerSettings(read_connections=readers))
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.1)

    def stop() -> None:
        server.should_exit = True
        thread.join(30)

    return stop


def percentiles(values: list[float]) -> str:
    """p50 / p95 / p99 in milliseconds."""
    if len(values) < 2:
        return "n/a"
    q = statistics.quantiles(values, n=100)
    return f"p50 {q[49] * 1000:7.1f}  p95 {q[94] * 1000:7.1f}  p99 {q[98] * 1000:7.1f} ms"


def load(base: str, token: str, ids: list[str], clients: int, seconds: float,
         snapshot: str) -> tuple[dict[str, list[float]], int]:
    """Run the clients; latencies per request kind and the error count."""
    kinds: dict[str, tuple[str, dict]] = {
        "summary": (f"/api/v1/snapshots/{snapshot}/schemes/abc/summary", {}),
        "filtered page": ("/api/v1/customers", FILTER),
    }
    times: dict[str, list[float]] = {k: [] for k in (*kinds, "detail")}
    errors = [0]
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def client(n: int) -> None:
        rng = random.Random(n)  # noqa: S311 - picking customers, not secrets
        headers = {"Authorization": f"Bearer {token}"}
        with httpx.Client(base_url=base, headers=headers, timeout=60) as http:
            i = n
            while time.monotonic() < stop_at:
                kind = ("summary", "filtered page", "detail")[i % 3]
                url, params = kinds.get(kind, (f"/api/v1/customers/{rng.choice(ids)}", {}))
                started = time.perf_counter()
                reply = http.get(url, params=params)
                elapsed = time.perf_counter() - started
                with lock:
                    times[kind].append(elapsed)
                    errors[0] += reply.status_code >= 400
                i += 1

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return times, errors[0]


def baseline(location: str, ids: list[str], rounds: int) -> dict[str, list[float]]:
    """The same reads through the façade in this process, one at a time."""
    from custseg import open_workspace
    from custseg.snapshots.customers import CustomerQuery

    ws = open_workspace(location)
    times: dict[str, list[float]] = {"summary": [], "filtered page": [], "detail": []}
    query = CustomerQuery(classes={"abc": ["A"], "lifecycle": ["active"]}, sort="revenue_12m",
                          descending=True, limit=50)
    for i in range(rounds):
        for kind, call in (
            ("summary", lambda: ws.snapshot().summary("abc")),
            ("filtered page", lambda: ws.customers(query)),
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
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--backend", choices=("duckdb", "postgresql"), default="duckdb")
    parser.add_argument("--pg-url", default=os.environ.get("CUSTSEG_BENCH_PG_URL"),
                        help="a server URL whose role may create databases (default: start one)")
    parser.add_argument("--readers", type=int, default=8,
                        help="read connections of the server (0: one shared connection)")
    parser.add_argument("--smoke", action="store_true",
                        help=f"small and short: {SMOKE}")
    args = parser.parse_args()
    if args.smoke:
        for key, value in SMOKE.items():
            setattr(args, key, value)

    path = build(args.customers, args.lines, args.seed)
    location, drop = str(path), (lambda: None)
    if args.backend == "postgresql":
        location, drop = postgres_database(args.pg_url)
    try:
        if args.backend == "postgresql":
            copy_to_postgres(path, location)
        run(args, location)
    finally:
        drop()


def run(args: argparse.Namespace, location: str) -> None:
    """Baseline through the façade, then the clients against the server; print the figures."""
    from custseg import open_workspace

    ws = open_workspace(location)
    snap = ws.snapshot()
    ids = [str(i) for i in snap.features()["customer_id"].sample(200, random_state=1)]
    snapshot_id = snap.snapshot_id
    ws.close()
    base = baseline(location, ids, rounds=10)

    port = free_port()
    stop = serve(location, port, args.readers)
    try:
        url = f"http://127.0.0.1:{port}"
        token = httpx.post(f"{url}/api/v1/auth/token",
                           data={"username": "bench", "password": PASSWORD}).json()
        times, errors = load(url, token["access_token"], ids, args.clients, args.seconds,
                             snapshot_id)
    finally:
        stop()
    total = sum(len(v) for v in times.values())
    print(f"bench_server: {args.backend}, {args.customers:,} customers, {args.clients} clients, "
          f"{args.readers} read connections, {args.seconds:.0f} s, {total:,} requests, "
          f"{errors} errors")
    for kind, values in times.items():
        median = statistics.median(base[kind])
        ratio = statistics.median(values) / median if values and median else float("nan")
        print(f"  {kind:<14} n={len(values):6,}  {percentiles(values)}  (target p95 <= "
              f"{TARGETS_MS[kind]} ms)  facade median {median * 1000:7.1f} ms, "
              f"API/facade {ratio:5.1f}x")


if __name__ == "__main__":
    main()
