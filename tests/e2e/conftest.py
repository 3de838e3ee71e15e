"""End-to-end tests of the web dashboard: a real server on a free port, Debian's chromium.

The server runs uvicorn in a thread on a copy of the four-snapshot history workspace with five
users (one per role). Playwright drives /usr/bin/chromium (its own browser download is not
used); every page's console errors are collected and fail the test that caused them.
"""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from dashboard_server import SALES_OWNER, Server

PASSWORD = "correct horse battery"  # noqa: S105 - test accounts
USERS = {
    "root": ("admin", None),
    "mia": ("manager", None),
    "ann": ("analyst", None),
    "sam": ("sales", SALES_OWNER),
    "vic": ("viewer", None),
}
CHROMIUM = "/usr/bin/chromium"
BROWSER_ARGS = [
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _clock() -> datetime:
    return datetime(2026, 7, 1, 9, 0)


@pytest.fixture(scope="session")
def users_workspace_file(history_workspace_file: Path) -> Path:
    """The history workspace with the five users and override approval required."""
    from custseg import open_workspace

    path = Path(tempfile.mkdtemp(prefix="custseg-e2e-")) / "users.duckdb"
    shutil.copyfile(history_workspace_file, path)
    ws = open_workspace(path, clock=_clock)
    for name, (role, owner) in USERS.items():
        ws.accounts.add_user(name, role=role, owner=owner, password=PASSWORD, by="setup")
    ws.settings.set("require_override_approval", True, user="setup")
    ws.close()
    return path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(source: Path, folder: Path) -> Server:
    """Serve a copy of ``source`` on a free port (uvicorn in a daemon thread)."""
    import uvicorn

    from custseg.api import create_app

    path = folder / "server.duckdb"
    shutil.copyfile(source, path)
    port = _free_port()
    config = uvicorn.Config(
        create_app(str(path), clock=_clock), host="127.0.0.1", port=port, log_level="warning"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "the server did not start in 30 s"
        time.sleep(0.05)

    def stop() -> None:
        server.should_exit = True
        thread.join(timeout=15)

    return Server(f"http://127.0.0.1:{port}", path, stop)


@pytest.fixture(scope="module")
def server(
    users_workspace_file: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    running = start_server(users_workspace_file, tmp_path_factory.mktemp("e2e"))
    yield running
    running.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    args = list(BROWSER_ARGS)
    if os.geteuid() == 0:
        args.insert(0, "--no-sandbox")
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=args)
        yield launched
        launched.close()


@dataclass
class Session:
    """A browser context (its own storage) and page, with the console errors it produced."""

    context: Any
    page: Any
    base: str
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    allowed: list[str] = field(default_factory=list)
    """Console errors a test expects (e.g. the browser's log of a refused login)."""

    def go(self, route: str) -> None:
        self.page.goto(f"{self.base}/#/{route}")

    def login(self, user: str) -> None:
        page = self.page
        if not page.url.startswith(self.base):
            page.goto(self.base + "/")
        page.fill("[data-testid=login-user]", user)
        page.fill("[data-testid=login-password]", PASSWORD)
        page.click("[data-testid=login-submit]")
        page.wait_for_selector("[data-testid=logout]")

    def logout(self) -> None:
        self.page.click("[data-testid=logout]")
        self.page.wait_for_selector("[data-testid=login-user]")


@pytest.fixture
def open_session(browser: Any, server: Server) -> Iterator[Any]:
    """Factory of fresh browser sessions (1280×800 unless told) on the module's server."""
    made: list[Session] = []

    def factory(*, locale: str = "en-US", width: int = 1280, height: int = 800) -> Session:
        context = browser.new_context(
            viewport={"width": width, "height": height}, locale=locale, accept_downloads=True
        )
        # generous: a shared CI machine under load once took over 30 s to fill the YAML editor
        context.set_default_timeout(60_000)
        page = context.new_page()
        session = Session(context, page, server.url)
        page.on(
            "console",
            lambda m: session.errors.append(m.text) if m.type == "error" else None,
        )
        page.on("pageerror", lambda e: session.errors.append(str(e)))

        def on_dialog(dialog: Any) -> None:
            session.dialogs.append(dialog.message)
            dialog.dismiss()

        page.on("dialog", on_dialog)
        made.append(session)
        return session

    yield factory
    for session in made:
        session.context.close()
    for session in made:
        unexpected = [e for e in session.errors if not any(a in e for a in session.allowed)]
        assert not unexpected, f"console errors: {unexpected}"
