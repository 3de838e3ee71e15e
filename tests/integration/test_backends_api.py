"""The REST API on a DuckDB and on a PostgreSQL workspace: the main reads, roles, a write.

Also the read pool: reads go on while the writer connection is held (a long write).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sample_dates import FIXED_NOW

from custseg import open_workspace
from custseg.api import create_app

PASSWORD = "correct horse battery"  # noqa: S105 - test accounts
OWNER = "李娜"


class Client:
    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.tokens: dict[str, str] = {}

    def login(self, user: str) -> dict[str, str]:
        if user not in self.tokens:
            reply = self.client.post(
                "/api/v1/auth/token", data={"username": user, "password": PASSWORD}
            )
            assert reply.status_code == 200, reply.text
            self.tokens[user] = reply.json()["access_token"]
        return {"Authorization": f"Bearer {self.tokens[user]}"}

    def get(self, url: str, user: str, **params: Any) -> Any:
        reply = self.client.get(url, headers=self.login(user), params=params)
        assert reply.status_code == 200, reply.text
        return reply.json()

    def post(self, url: str, user: str, body: dict[str, Any]) -> Any:
        reply = self.client.post(url, headers=self.login(user), json=body)
        assert reply.status_code in (200, 201), reply.text
        return reply.json()


@pytest.fixture
def api(sample_workspace_url: str) -> Iterator[tuple[Client, Any]]:
    ws = open_workspace(sample_workspace_url, clock=lambda: FIXED_NOW)
    for name, role, owner in (("ann", "analyst", None), ("mia", "manager", None),
                              ("sam", "sales", OWNER), ("root", "admin", None)):
        ws.accounts.add_user(name, role=role, owner=owner, password=PASSWORD, by="setup")
    ws.settings.set("require_override_approval", True, user="root")
    ws.close()
    app = create_app(sample_workspace_url, clock=lambda: FIXED_NOW)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield Client(client), app


def test_main_reads(api: tuple[Client, Any]) -> None:
    c, _ = api
    snapshots = c.get("/api/v1/snapshots", "ann")
    assert snapshots["total"] == 2
    latest = c.get("/api/v1/snapshots/latest", "ann")
    sid = latest["snapshot_id"]
    summary = c.get(f"/api/v1/snapshots/{sid}/schemes/abc/summary", "ann")
    assert sum(r["customers"] for r in summary["rows"]) == 2500
    page = c.get("/api/v1/customers", "ann", **{"class": ["abc:A", "lifecycle:active"],
                                                 "sort": "revenue_12m", "desc": "true",
                                                 "limit": 20})
    assert 0 < len(page["items"]) <= 20 < page["total"]
    revenue = [r["revenue_12m"] for r in page["items"]]
    assert revenue == sorted(revenue, reverse=True)
    one = page["items"][0]["customer_id"]
    detail = c.get(f"/api/v1/customers/{one}", "ann")
    assert detail["customer_id"] == one and len(detail["history"]) == 2
    migration = c.get("/api/v1/migrations/abc", "ann")
    assert migration["matrix"]
    movers = c.get("/api/v1/migrations/abc/movers", "ann")
    assert movers["total"] > 0
    assert c.get("/api/v1/alerts", "ann")["rows"]
    assert c.get("/api/v1/trend/abc", "ann")["rows"]
    assert c.get("/api/v1/actions", "ann")["total"] > 0
    audit = c.get("/api/v1/audit", "root")
    assert audit["total"] >= 3
    overview = c.get("/api/v1/overview", "ann")  # the dashboard's first page
    assert overview["customers"] == sum(r["customers"] for r in summary["rows"])
    assert 0 < overview["buying_12m"] < overview["customers"]
    chart = c.get(f"/api/v1/snapshots/{sid}/schemes/abc/chart", "ann")
    assert chart["kind"] == "pareto", chart.keys()


def all_items(c: Client, url: str, user: str, **params: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    while True:
        page = c.get(url, user, offset=len(items), limit=500, **params)
        items += page["items"]
        if len(items) >= page["total"]:
            return items


def test_a_sales_user_sees_only_their_customers(api: tuple[Client, Any]) -> None:
    c, _ = api
    mine = all_items(c, "/api/v1/customers", "sam")
    theirs = all_items(c, "/api/v1/customers", "ann", owner=OWNER)
    assert 0 < len(mine) < 2500
    assert {r["customer_id"] for r in mine} == {r["customer_id"] for r in theirs}
    assert {r["owner"] for r in mine} == {OWNER}
    foreign = next(r["customer_id"] for r in all_items(c, "/api/v1/customers", "ann")
                   if r["owner"] != OWNER)
    reply = c.client.get(f"/api/v1/customers/{foreign}", headers=c.login("sam"))
    assert reply.status_code == 404
    movers = all_items(c, "/api/v1/migrations/abc/movers", "sam")
    everyone_movers = all_items(c, "/api/v1/migrations/abc/movers", "ann")
    assert 0 < len(movers) < len(everyone_movers)
    assert {r["customer_id"] for r in movers} <= {r["customer_id"] for r in mine}


def test_override_proposed_and_approved_over_http(api: tuple[Client, Any]) -> None:
    c, _ = api
    customer = c.get("/api/v1/customers", "ann", limit=1)["items"][0]["customer_id"]
    proposed = c.post("/api/v1/overrides", "ann", {"customer_id": customer, "scheme": "abc",
                                                   "class_key": "A", "reason": "contract"})
    assert proposed["status"] == "pending"
    approved = c.post(f"/api/v1/overrides/{proposed['override_id']}/approve", "mia", {})
    assert approved["status"] == "active" and approved["decided_by"] == "mia"
    listed = c.get("/api/v1/overrides", "ann")
    assert [o["override_id"] for o in listed["items"]] == [proposed["override_id"]]
    actions = [e["action"] for e in c.get("/api/v1/audit", "root", limit=500)["items"]]
    assert "override_add" in actions and "override_approve" in actions


def test_reads_go_on_while_the_writer_connection_is_busy(api: tuple[Client, Any]) -> None:
    c, app = api
    headers = c.login("ann")
    results: list[int] = []

    def read() -> None:
        for _ in range(3):
            results.append(c.client.get("/api/v1/snapshots/latest", headers=headers).status_code)

    handle = app.state.handle
    with handle.lock:  # a write holding the writer connection
        threads = [threading.Thread(target=read) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        assert not any(t.is_alive() for t in threads), "reads waited for the writer"
    assert results == [200] * 12


def test_the_read_pool_replaces_a_failed_connection_and_bounds_the_wait(
    workspace_url: str,
) -> None:
    from custseg.api.deps import WorkspaceHandle
    from custseg.api.errors import ApiError
    from custseg.errors import SnapshotNotFoundError

    h = WorkspaceHandle(workspace_url, readers=1)
    try:
        with h.reader() as ws:
            first = ws
        with pytest.raises(SnapshotNotFoundError), h.reader() as ws:
            assert ws is first
            ws.snapshot()  # a refusal of the request: the connection is kept
        with pytest.raises(RuntimeError), h.reader() as ws:
            assert ws is first
            raise RuntimeError("connection lost")
        with h.reader() as ws:
            assert ws is not first  # the failed one was closed and replaced
            with pytest.raises(ApiError) as busy, h.reader(timeout=0.1):
                pass  # the only reader is in use
            assert busy.value.status == 503
        assert h.open_readers == 1
        # A thread of its own: a test before this one in the process may have left an event
        # loop running in this thread (Playwright's sync API does), and asyncio.run refuses that.
        with ThreadPoolExecutor(1) as pool:
            pool.submit(lambda: asyncio.run(_the_same_from_the_event_loop(h))).result()
    finally:
        h.close()


async def _the_same_from_the_event_loop(h: Any) -> None:
    """``WorkspaceHandle.reading`` (the dependency's) keeps, replaces and bounds as ``reader``."""
    from custseg.api.errors import ApiError
    from custseg.errors import SnapshotNotFoundError

    async with h.reading() as ws:
        first = ws
    with pytest.raises(SnapshotNotFoundError):
        async with h.reading() as ws:
            assert ws is first
            ws.snapshot()
    with pytest.raises(RuntimeError):
        async with h.reading() as ws:
            assert ws is first
            raise RuntimeError("connection lost")
    async with h.reading() as ws:
        assert ws is not first
        with pytest.raises(ApiError) as busy:
            async with h.reading(timeout=0.1):
                pass
        assert busy.value.status == 503
    assert h.open_readers == 1
