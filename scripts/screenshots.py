"""Screenshots of the dashboard for the README: overview, a scheme, a customer and movement,
in zh and en, at 1280 px wide, taken with Debian's chromium through Playwright.

    python scripts/screenshots.py                      # the bundled sample, four snapshots
    python scripts/screenshots.py --workspace custseg.duckdb --out docs/images

The workspace is copied first (a throw-away user is added to the copy only).
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import socket
import tempfile
import threading
import time
from datetime import date, datetime
from pathlib import Path

SHOTS = {
    "overview": "overview",
    "scheme": "scheme/abc",
    "customer": "customer/{customer}",
    "movement": "movement?scheme=abc",
}
AS_OFS = ("2025-06-30", "2026-04-30", "2026-05-31", "2026-06-30")
ARGS = [
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def sample_workspace(path: Path) -> None:
    """The bundled sample with one snapshot per AS_OFS date."""
    from custseg import open_workspace
    from custseg.sample import sample_data_dir
    from custseg.tables import TABLE_NAMES

    ws = open_workspace(path, clock=lambda: datetime(2026, 7, 1, 9))
    for table in TABLE_NAMES:
        source = sample_data_dir() / f"{table}.csv"
        if source.exists():
            ws.ingest(table, source)
    for text in AS_OFS:
        ws.run(as_of=date.fromisoformat(text))
    ws.close()


def serve(path: Path) -> tuple[str, object]:
    """The API and dashboard on a free loopback port, in a thread."""
    import uvicorn

    from custseg.api import create_app

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(create_app(str(path)), host="127.0.0.1", port=port, log_level="warning")
    )
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    return f"http://127.0.0.1:{port}", server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workspace", type=Path, help="a workspace to copy (default: sample)")
    parser.add_argument("--out", type=Path, default=Path("docs/images"))
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=800)
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    from custseg import open_workspace

    folder = Path(tempfile.mkdtemp(prefix="custseg-shots-"))
    path = folder / "shots.duckdb"
    if args.workspace:
        shutil.copyfile(args.workspace, path)
    else:
        sample_workspace(path)
    password = secrets.token_urlsafe(16)
    ws = open_workspace(path)
    ws.accounts.add_user("screenshots", role="analyst", password=password, by="screenshots")
    ids = ws.snapshot().to_frame().customer_id
    customer = "C000001" if (ids == "C000001").any() else str(ids.iloc[0])  # sample or any data
    ws.close()
    base, server = serve(path)
    args.out.mkdir(parents=True, exist_ok=True)
    browser_args = (["--no-sandbox"] if os.geteuid() == 0 else []) + ARGS
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium", headless=True, args=browser_args
        )
        for lang, locale in (("en", "en-US"), ("zh", "zh-CN")):
            context = browser.new_context(
                viewport={"width": args.width, "height": args.height}, locale=locale
            )
            page = context.new_page()
            page.goto(base + "/")
            page.fill("[data-testid=login-user]", "screenshots")
            page.fill("[data-testid=login-password]", password)
            page.click("[data-testid=login-submit]")
            page.wait_for_selector("[data-testid=logout]")
            for name, route in SHOTS.items():
                page.goto(f"{base}/#/{route.format(customer=customer)}")
                page.wait_for_selector("main h1")
                page.wait_for_function(
                    "() => !document.querySelector('main .loading, main .pending-value')"
                )
                page.wait_for_timeout(800)  # charts draw on the next animation frames
                target = args.out / f"dashboard-{name}-{lang}.png"
                page.screenshot(path=str(target), full_page=False)
                print(target)
            context.close()
        browser.close()
    server.should_exit = True  # type: ignore[attr-defined]
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
