"""The workspace schema: numbered migrations on open, an old workspace upgraded, jobs recorded.

``tests/data/workspaces/v0.duckdb.gz`` was written by the release before schema versions
(``scripts/make_old_workspace.py``): 60 customers, snapshots as of 2026-05-31 and 2026-06-30, an
approved override, a changed setting, an activated system, two users and an API token.
"""

from __future__ import annotations

import gzip
import shutil
import time
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import duckdb
import ibis
import pandas as pd
import pytest

from custseg import __version__
from custseg.errors import WorkspaceError
from custseg.governance.jobs import JobRecord
from custseg.i18n import t
from custseg.workspace import Workspace, open_workspace
from custseg.workspace_schema import migrations
from custseg.workspace_schema.tables import SCHEMA_VERSIONS, TABLES, VERSIONS_SCHEMA

OLD = Path(__file__).resolve().parents[1] / "data" / "workspaces" / "v0.duckdb.gz"
NOW = datetime(2026, 7, 2, 8, 0)
PASSWORD = "correct horse battery"  # noqa: S105 - a test account


def _old_copy(folder: Path) -> Path:
    path = folder / "old.duckdb"
    with gzip.open(OLD, "rb") as src, path.open("wb") as dst:
        shutil.copyfileobj(src, dst)
    return path


def _scalar(path: Path, sql: str) -> object:
    """One value read with plain DuckDB (the state before custseg touches the file)."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        row = con.execute(sql).fetchone()
    finally:
        con.close()
    return row[0] if row else None


def _shape(schema: ibis.Schema) -> dict[str, str]:
    """Column -> type, timestamps of any precision alike (DuckDB reports microseconds)."""
    return {
        name: "timestamp" if dtype.is_timestamp() else str(dtype.copy(nullable=True))
        for name, dtype in schema.items()
    }


def _schemas(ws: Workspace) -> dict[str, dict[str, str]]:
    con = ws._con  # the test looks at the tables themselves
    return {name: _shape(con.table(name).schema()) for name in TABLES}


EXPECTED = {name: _shape(schema) for name, schema in TABLES.items()}


def test_an_old_workspace_is_upgraded_with_everything_intact(tmp_path: Path) -> None:
    path = _old_copy(tmp_path)
    tables_before = set(
        r[0] for r in duckdb.connect(str(path), read_only=True).execute("SHOW TABLES").fetchall()
    )
    assert SCHEMA_VERSIONS not in tables_before and "jobs" not in tables_before  # really old
    con = duckdb.connect(str(path), read_only=True)
    columns = ["snapshot_id", "customer_id", "scheme", "class_key", "score", "reason"]
    query = "SELECT snapshot_id, customer_id, scheme, class_key, score, reason FROM assignments"
    classes = sorted(con.execute(query).fetchall())
    con.close()
    audit_rows = _scalar(path, "SELECT count(*) FROM audit_log")

    ws = open_workspace(path, clock=lambda: NOW)
    history = ws.schema_history()
    assert ws.schema_version() == migrations.latest_version() >= 2
    assert list(history.version) == list(range(1, migrations.latest_version() + 1))
    assert set(history.custseg_version) == {__version__}
    assert all(pd.Timestamp(t) == pd.Timestamp(NOW) for t in history.applied_at)
    assert _schemas(ws) == EXPECTED  # the same tables as a new workspace

    infos = ws.snapshots()
    assert [i.as_of for i in infos] == [date(2026, 5, 31), date(2026, 6, 30)]
    indexed = ws._con.raw_sql("SELECT index_name, table_name FROM duckdb_indexes()").fetchall()
    assert sorted(indexed) == sorted(  # migration 4: the old feature tables, by customer
        (f"snapshot_features_{i.snapshot_id}_customer", f"snapshot_features_{i.snapshot_id}")
        for i in infos
    )
    latest = ws.snapshot()
    assert len(latest.to_frame()) == 60 and latest.info.customers == 60
    after = ws._con.table("assignments").select(*columns).to_pyarrow().to_pylist()
    assert len(classes) == 60 * 2 * 28 and sorted(tuple(r.values()) for r in after) == classes

    overrides = ws.overrides.list("all")
    assert list(overrides.override_id) == ["OV-000001"]
    row = overrides.iloc[0]
    assert (row.status, row.created_by, row.decided_by, row.class_key) == (
        "active", "analyst", "manager", "A"
    )
    assert ws.settings.get("require_override_approval") is True
    assert ws.active_system.current().version == 1
    assert ws.audit.verify() == []
    assert len(ws.audit.entries()) == audit_rows
    users = {u.name: u for u in ws.accounts.users()}
    assert sorted(users) == ["admin", "li.na"]
    assert (users["li.na"].role.value, users["li.na"].owner) == ("sales", "Li Na")
    assert ws.accounts.authenticate("admin", "old-admin-pass-1").name == "admin"
    assert list(ws.accounts.tokens().kind) == ["api"]

    # a new run works, applies the old override, and extends the audit chain
    customer = row.customer_id
    snap = ws.run(as_of=date(2026, 6, 15), user="admin")
    assert len(ws.snapshots()) == 3
    frame = snap.to_frame()
    assert frame.set_index("customer_id").loc[customer, "abc"] == "A"
    assert ws.audit.verify() == [] and len(ws.audit.entries()) > audit_rows
    ws.close()

    again = open_workspace(path)  # opening an upgraded workspace changes nothing
    assert len(again.schema_history()) == migrations.latest_version()
    again.close()


def test_a_new_workspace_ends_at_the_latest_version_with_every_table(tmp_path: Path) -> None:
    ws = open_workspace(tmp_path / "new.duckdb")
    assert ws.schema_version() == migrations.latest_version()
    assert _schemas(ws) == EXPECTED
    assert ws.snapshots() == [] and ws.jobs.list() == []
    ws.close()


def test_migrations_applied_twice_do_nothing() -> None:
    con = ibis.duckdb.connect()
    assert migrations.upgrade(con) == list(range(1, migrations.latest_version() + 1))
    rows = con.table(SCHEMA_VERSIONS).to_pandas()
    assert migrations.upgrade(con) == []
    pd.testing.assert_frame_equal(con.table(SCHEMA_VERSIONS).to_pandas(), rows)


def test_a_workspace_newer_than_the_code_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.duckdb"
    open_workspace(path).close()
    con = ibis.duckdb.connect(str(path))
    future = migrations.latest_version() + 1
    row = {"version": future, "name": "from the future", "applied_at": NOW,
           "custseg_version": "99.0"}
    con.insert(SCHEMA_VERSIONS, ibis.memtable(pd.DataFrame([row]), schema=VERSIONS_SCHEMA))
    con.disconnect()
    with pytest.raises(WorkspaceError) as caught:
        open_workspace(path)
    message = str(caught.value)
    assert f"schema version {future}" in message and str(path) in message  # what and where
    assert "Upgrade custseg" in message  # how to fix
    con = ibis.duckdb.connect(str(path))  # nothing was written, and the file is not held
    assert con.table(SCHEMA_VERSIONS).version.max().execute() == future
    con.disconnect()


def test_the_refusal_never_shows_a_database_password() -> None:
    con = ibis.duckdb.connect()
    migrations.upgrade(con)
    row = {"version": 99, "name": "future", "applied_at": NOW, "custseg_version": "99.0"}
    con.insert(SCHEMA_VERSIONS, ibis.memtable(pd.DataFrame([row]), schema=VERSIONS_SCHEMA))
    with pytest.raises(WorkspaceError) as caught:
        Workspace(con, location="postgresql://ann:s3cret@db.example:5432/custseg")
    assert "postgresql://ann:***@db.example:5432/custseg" in str(caught.value)
    assert "s3cret" not in str(caught.value)


def test_a_failing_migration_leaves_the_workspace_at_the_version_before(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    con = ibis.duckdb.connect()
    migrations.upgrade(con)
    latest = migrations.latest_version()

    def broken(c: ibis.BaseBackend) -> None:
        c.create_table("half_done", schema=ibis.schema({"x": "int64"}))
        raise RuntimeError("disk full")

    extra = migrations.Migration(latest + 1, "broken", broken)
    monkeypatch.setattr(migrations, "MIGRATIONS", [*migrations.MIGRATIONS, extra])
    with pytest.raises(RuntimeError, match="disk full"):
        migrations.upgrade(con)
    assert migrations.schema_version(con) == latest
    assert "half_done" not in con.list_tables()  # the migration and its record: all or nothing


def test_migrations_are_numbered_in_order() -> None:
    assert [m.version for m in migrations.MIGRATIONS] == list(
        range(1, len(migrations.MIGRATIONS) + 1)
    )
    with pytest.raises(RuntimeError, match="the next is"):
        migrations.migration(1, "a second number one")(lambda con: None)


def _job(job_id: str, status: str, started: datetime) -> JobRecord:
    return JobRecord(job_id, "run", "ann", status, "features", 2, 5, None, None, started, None)


def test_jobs_are_recorded_and_a_job_left_running_is_marked_failed() -> None:
    ws = open_workspace(":memory:", clock=lambda: NOW)
    assert ws.jobs.next_id() == "JOB-00001"
    ws.jobs.record(_job("JOB-00001", "running", datetime(2026, 7, 1, 9)))
    done = _job("JOB-00002", "done", datetime(2026, 7, 1, 10))
    ws.jobs.record(done)
    finished = replace(done, result={"snapshot_id": "S1", "n": 3}, finished_at=NOW)
    ws.jobs.record(finished)  # a second record of a job replaces the first
    assert [j.job_id for j in ws.jobs.list()] == ["JOB-00002", "JOB-00001"]
    assert ws.jobs.get("JOB-00002") == finished
    assert ws.jobs.next_id() == "JOB-00003"
    assert ws.jobs.fail_abandoned() == ["JOB-00001"]
    left = ws.jobs.get("JOB-00001")
    assert left is not None and left.status == "failed" and left.finished_at == NOW
    assert left.error is not None and "server stopped" in left.error["message"]
    in_zh = {"code": "job.abandoned", "message": t("jobs_abandoned", "zh")}
    assert left.public("zh")["error"] == in_zh
    assert left.public("en")["error"]["message"] == t("jobs_abandoned", "en")
    assert ws.jobs.fail_abandoned() == []
    ws.close()


def test_the_job_list_survives_a_server_restart(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from custseg.api import create_app

    path = _old_copy(tmp_path)
    ws = open_workspace(path)
    ws.accounts.add_user("ann", role="analyst", password=PASSWORD, by="setup")
    ws.jobs.record(_job("JOB-00001", "running", datetime(2026, 7, 1, 9)))  # a dead server's
    ws.close()

    def login(client: TestClient) -> dict[str, str]:
        data = {"username": "ann", "password": PASSWORD}
        reply = client.post("/api/v1/auth/token", data=data)
        assert reply.status_code == 200, reply.text
        return {"Authorization": f"Bearer {reply.json()['access_token']}"}

    with TestClient(create_app(str(path), clock=lambda: NOW)) as client:
        auth = login(client)
        jobs = client.get("/api/v1/jobs", headers=auth).json()
        assert [(j["job_id"], j["status"]) for j in jobs] == [("JOB-00001", "failed")]
        assert "server stopped" in jobs[0]["error"]["message"]
        in_zh = client.get("/api/v1/jobs", headers=auth, params={"lang": "zh"}).json()
        assert in_zh[0]["error"]["message"] == t("jobs_abandoned", "zh")
        job = client.post("/api/v1/runs", headers=auth, json={"as_of": "2026-06-15"}).json()
        assert job["job_id"] == "JOB-00002"
        deadline = time.monotonic() + 120
        while job["status"] == "running" and time.monotonic() < deadline:
            time.sleep(0.2)
            job = client.get(f"/api/v1/jobs/{job['job_id']}", headers=auth).json()
        assert job["status"] == "done", job

    with TestClient(create_app(str(path), clock=lambda: NOW)) as client:
        auth = login(client)
        jobs = client.get("/api/v1/jobs", headers=auth).json()
        assert [j["job_id"] for j in jobs] == ["JOB-00002", "JOB-00001"]
        assert jobs[0]["status"] == "done" and jobs[0]["result"]["as_of"] == "2026-06-15"
        assert jobs[0]["total"] > 0 and jobs[0]["done"] == jobs[0]["total"]
        one = client.get("/api/v1/jobs/JOB-00002", headers=auth).json()
        assert one == jobs[0]
