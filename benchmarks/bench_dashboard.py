"""Benchmark: how long the dashboard takes to show a large snapshot, in a real browser.

A workspace of generated data (cached per size, like the other benchmarks) with one snapshot as
of 2026-06-30 is served by `custseg serve`'s app on loopback; Debian's chromium (through
Playwright) logs in and opens the overview, a scheme page with its chart and a customer list
filtered by two schemes. Reported: seconds from the click to the page drawn (no "loading"
left). The overview's figures are computed when the server starts (in the background), as in
production; `--no-wait` opens the page at once instead.

    python benchmarks/bench_dashboard.py                        # 1,000,000 customers
    python benchmarks/bench_dashboard.py --workspace big.duckdb # a workspace with a snapshot
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import socket
import sys
import tempfile
import threading
import time
from datetime import date, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_pipeline import _data_dir  # noqa: E402  (the shared generated-data cache)

ROUTES = (
    "scheme/abc",
    "overview",
    "scheme/sales_loyalty",
    "customers?class=abc:A&class=lifecycle:active",
)


def build(customers: int, lines: int, seed: int) -> Path:
    """Generated data ingested and classified as of 2026-06-30 (cached)."""
    from custseg import open_workspace

    folder = _data_dir(customers, lines, seed)
    path = folder / "dashboard.duckdb"
    if not path.exists():
        ws = open_workspace(path, clock=lambda: datetime(2026, 7, 1))
        for table in ("customers", "orders", "payments"):
            if (folder / f"{table}.parquet").exists():
                ws.ingest(table, folder / f"{table}.parquet")  # type: ignore[arg-type]
        ws.run(as_of=date(2026, 6, 30))
        ws.close()
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--lines", type=int, default=10_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workspace", type=Path)
    parser.add_argument("--no-wait", action="store_true", help="open before the warm-up ends")
    args = parser.parse_args()

    import uvicorn
    from playwright.sync_api import sync_playwright

    from custseg import open_workspace
    from custseg.api import create_app

    source = args.workspace or build(args.customers, args.lines, args.seed)
    folder = Path(tempfile.mkdtemp(prefix="custseg-bench-dash-"))
    path = folder / "bench.duckdb"
    shutil.copyfile(source, path)
    password = secrets.token_urlsafe(16)
    ws = open_workspace(path)
    ws.accounts.add_user("bench-dashboard", role="analyst", password=password, by="bench")
    ws.close()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    started = time.perf_counter()
    server = uvicorn.Server(
        uvicorn.Config(create_app(str(path)), host="127.0.0.1", port=port, log_level="warning")
    )
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    print(f"server up: {time.perf_counter() - started:.2f} s")
    base = f"http://127.0.0.1:{port}"
    args_ = ["--headless", "--disable-gpu", "--disable-background-networking"]
    if os.geteuid() == 0:
        args_.insert(0, "--no-sandbox")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=args_)
        page = browser.new_page(viewport={"width": 1280, "height": 800}, locale="en-US")
        page.goto(base + "/")
        if not args.no_wait:
            handle = server.config.app.state.handle
            latest = handle.workspace.snapshots()[-1].snapshot_id
            deadline = time.perf_counter() + 120
            while not handle.workspace.dashboard_cached(latest):
                if time.perf_counter() > deadline:
                    print("warm-up not done after 120 s: measuring anyway")
                    break
                time.sleep(0.05)
            print(f"warm-up done: {time.perf_counter() - started:.2f} s after start")
        page.fill("[data-testid=login-user]", "bench-dashboard")
        page.fill("[data-testid=login-password]", password)
        clicked = time.perf_counter()
        page.click("[data-testid=login-submit]")
        page.wait_for_selector("[data-testid=scheme-card]", timeout=300_000)
        print(f"login -> overview drawn: {time.perf_counter() - clicked:.2f} s")
        for route in ROUTES:
            clicked = time.perf_counter()
            page.goto(f"{base}/#/{route}")
            page.wait_for_selector("main h1")
            page.wait_for_function(
                "() => !document.querySelector('main .loading, main .pending-value')",
                timeout=300_000,
                polling=100,
            )
            print(f"{route}: {time.perf_counter() - clicked:.2f} s")
        browser.close()
    server.should_exit = True
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
