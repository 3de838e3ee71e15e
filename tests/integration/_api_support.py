"""Shared set-up of the API tests: a copy of the history workspace, five users, a test client."""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from custseg import open_workspace
from custseg.api import ServerSettings, create_app

PASSWORD = "correct horse battery"  # noqa: S105 - test accounts
SALES_OWNER = "李娜"
USERS = {
    "root": ("admin", None),
    "mia": ("manager", None),
    "ann": ("analyst", None),
    "sam": ("sales", SALES_OWNER),
    "vic": ("viewer", None),
}


class MovableClock:
    """A clock tests can move forward."""

    def __init__(self) -> None:
        self.now = datetime(2026, 7, 1, 9, 0)

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Api:
    """A test client logged in as each user."""

    client: TestClient
    path: Path
    clock: MovableClock
    tokens: dict[str, str] = field(default_factory=dict)

    def as_(self, user: str) -> dict[str, str]:
        if user not in self.tokens:  # log in on first use: Argon2 is slow on purpose
            data = {"username": user, "password": PASSWORD}
            reply = self.client.post("/api/v1/auth/token", data=data)
            assert reply.status_code == 200, reply.text
            self.tokens[user] = reply.json()["access_token"]
        return {"Authorization": f"Bearer {self.tokens[user]}"}

    def get(self, url: str, user: str, **kwargs: Any) -> Any:
        return self.client.get(
            url, headers={**self.as_(user), **kwargs.pop("headers", {})}, **kwargs
        )

    def post(self, url: str, user: str, **kwargs: Any) -> Any:
        return self.client.post(url, headers=self.as_(user), **kwargs)


_PREPARED: dict[Path, Path] = {}


def _prepared(source: Path) -> Path:
    """``source`` with the five users added, made once per test session (hashing is slow)."""
    if source not in _PREPARED:
        path = Path(tempfile.mkdtemp(prefix="custseg-api-")) / "users.duckdb"
        shutil.copyfile(source, path)
        ws = open_workspace(path, clock=MovableClock())
        for name, (role, owner) in USERS.items():
            ws.accounts.add_user(name, role=role, owner=owner, password=PASSWORD, by="setup")
        ws.close()
        _PREPARED[source] = path
    return _PREPARED[source]


def build_api(
    source: Path, folder: Path, settings: ServerSettings | None = None, *, approval: bool = False
) -> tuple[Api, Any]:
    """A copy of ``source`` with the users, served by a new app; returns (api, app)."""
    path = folder / "server.duckdb"
    shutil.copyfile(_prepared(source), path)
    clock = MovableClock()
    if approval:
        ws = open_workspace(path, clock=clock)
        ws.settings.set("require_override_approval", True, user="setup")
        ws.close()
    app = create_app(str(path), settings, clock=clock)
    client = TestClient(app, raise_server_exceptions=False)
    client.__enter__()
    return Api(client, path, clock), app


def owners_by_snapshot(path: Path) -> dict[str, dict[str, str]]:
    """Snapshot id -> customer id -> owner, read straight from the workspace (copy)."""
    copy = path.with_name("owners.duckdb")
    shutil.copyfile(path, copy)
    ws = open_workspace(copy)
    out = {}
    for info in ws.snapshots():
        f = ws.snapshot(info.snapshot_id).features()
        out[info.snapshot_id] = dict(zip(f.customer_id.astype(str), f.owner, strict=True))
    ws.close()
    return out


def assert_error_shape(reply: Any, status: int) -> dict[str, Any]:
    """The reply has ``status`` and the one error body shape, with no traceback."""
    assert reply.status_code == status, reply.text
    body = reply.json()
    assert set(body) == {"code", "message", "where", "hint"}
    assert body["code"] and body["message"]
    assert "Traceback" not in reply.text and 'File "' not in reply.text
    return body
