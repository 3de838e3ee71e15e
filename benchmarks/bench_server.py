"""Benchmark: the REST API under concurrent clients on loopback, against the façade in-process.

Two monthly snapshots of generated data are computed (cached per size), a viewer and an analyst
are added, and `custseg serve`'s app runs under uvicorn on 127.0.0.1 (a free port). Then
``--clients`` threads call, for ``--seconds`` (bounded), in turn: the summary of one scheme, a
page of the customer list filtered by the classes of two schemes, and one customer's detail.
Reported per request kind: count, p50/p95/p99 and errors; and the same reads through the Python
façade in one process (the baseline ratio). Only loopback traffic; the loop stops by itself.

    python benchmarks/bench_server.py                                    # 1,000,000 customers
    python benchmarks/bench_server.py --customers 20000 --lines 200000 --clients 5 --seconds 10
"""

from __future__ import annotations

import argparse
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


def serve(path: Path, port: int) -> Callable[[], None]:
    """Start the API under uvicorn in a thread; returns a function that stops it."""
    import uvicorn

    from custseg.api import create_app

    config = uvicorn.Config(create_app(str(path)), host="127.0.0.1", port=port,
                            log_level="error")
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


def baseline(path: Path, ids: list[str], rounds: int) -> dict[str, list[float]]:
    """The same reads through the façade in this process, one at a time."""
    from custseg import open_workspace
    from custseg.snapshots.customers import CustomerQuery

    ws = open_workspace(path)
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
    args = parser.parse_args()

    path = build(args.customers, args.lines, args.seed)
    from custseg import open_workspace

    ws = open_workspace(path)
    snap = ws.snapshot()
    ids = [str(i) for i in snap.features()["customer_id"].sample(200, random_state=1)]
    snapshot_id = snap.snapshot_id
    ws.close()
    base = baseline(path, ids, rounds=10)

    port = free_port()
    stop = serve(path, port)
    try:
        url = f"http://127.0.0.1:{port}"
        token = httpx.post(f"{url}/api/v1/auth/token",
                           data={"username": "bench", "password": PASSWORD}).json()
        times, errors = load(url, token["access_token"], ids, args.clients, args.seconds,
                             snapshot_id)
    finally:
        stop()
    total = sum(len(v) for v in times.values())
    print(f"bench_server: {args.customers:,} customers, {args.clients} clients, "
          f"{args.seconds:.0f} s, {total:,} requests, {errors} errors")
    for kind, values in times.items():
        median = statistics.median(base[kind])
        ratio = statistics.median(values) / median if values and median else float("nan")
        print(f"  {kind:<14} n={len(values):6,}  {percentiles(values)}  (target p95 <= "
              f"{TARGETS_MS[kind]} ms)  facade median {median * 1000:7.1f} ms, "
              f"API/facade {ratio:5.1f}x")


if __name__ == "__main__":
    main()
