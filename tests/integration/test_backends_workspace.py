"""The Workspace façade on DuckDB and on PostgreSQL: ingest, run and every read of a snapshot."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sample_dates import FIXED_NOW, SAMPLE_AS_OFS

from custseg import open_workspace
from custseg.snapshots.customers import CustomerQuery
from custseg.snapshots.store import SnapshotNotFoundError

HEADER = "order_id,line_no,customer_id,order_date,amount\n"


@pytest.fixture
def sample_ws(sample_workspace_url: str) -> Iterator[object]:
    ws = open_workspace(sample_workspace_url, clock=lambda: FIXED_NOW)
    yield ws
    ws.close()


def test_ingest_replace_upsert_and_rejects(workspace_url: str, tmp_path: Path) -> None:
    first = tmp_path / "a.csv"
    first.write_text(HEADER + "A,1,C1,2026-01-05,10\nA,2,C1,2026-01-05,5\nB,1,C2,bad,3\n")
    second = tmp_path / "b.csv"
    second.write_text(HEADER + "A,2,C1,2026-01-05,7\nD,1,C3,2026-02-01,4\n")
    ws = open_workspace(workspace_url, clock=lambda: FIXED_NOW)
    try:
        report = ws.ingest("orders", first)
        assert (report.rows_read, report.rows_accepted, report.rows_rejected) == (3, 2, 1)
        rejects = ws.rejects("orders")
        assert len(rejects) == 1
        ws.ingest("orders", second, mode="upsert")
        assert ws.tables() >= {"orders"}
        assert ws.default_as_of() == date(2026, 2, 1)
    finally:
        ws.close()
    again = open_workspace(workspace_url, clock=lambda: FIXED_NOW)
    try:
        rejects = again.rejects("orders")
        assert len(rejects) == 1 and "order_date" in rejects.message.iloc[0]
        assert again.profile(as_of=date(2026, 2, 1)) is not None
    finally:
        again.close()


def test_run_stores_a_snapshot_every_read_sees(sample_ws: object) -> None:
    ws = sample_ws
    infos = ws.snapshots()  # type: ignore[attr-defined]
    assert [i.as_of.isoformat() for i in infos] == list(SAMPLE_AS_OFS)
    snap = ws.snapshot()  # type: ignore[attr-defined]
    assert snap.info.customers == 2500
    summary = snap.summary("abc")
    assert list(summary.class_key)[:3] == ["A", "B", "C"]
    assert summary.customers.sum() == 2500
    assert summary.share.sum() == pytest.approx(1.0)
    frame = snap.to_frame()
    assert len(frame) == 2500 and frame.customer_id.is_unique

    page, total = ws.customers(  # type: ignore[attr-defined]
        CustomerQuery(classes={"abc": ["A"], "lifecycle": ["active"]}, sort="revenue_12m",
                      descending=True, limit=20)
    )
    assert 0 < len(page) <= 20 < total
    revenue = list(page.revenue_12m)
    assert revenue == sorted(revenue, reverse=True)

    customer = str(page.customer_id.iloc[0])
    detail = ws.customer(customer)  # type: ignore[attr-defined]
    assert detail["customer_id"] == customer
    assert len(detail["history"]) == len(SAMPLE_AS_OFS)

    findings, stored = ws.check()  # type: ignore[attr-defined]
    assert stored and findings is not None


def test_history_reads(sample_ws: object) -> None:
    ws = sample_ws
    new = ws.snapshot()  # type: ignore[attr-defined]
    old = ws.previous(new)  # type: ignore[attr-defined]
    assert old is not None and old.as_of.isoformat() == SAMPLE_AS_OFS[0]
    migration = ws.compare(old, new, "abc")  # type: ignore[attr-defined]
    assert int(migration.matrix.customers.sum()) == 2500
    assert len(migration.movers) > 0
    first = ws.compare(old, new, "abc", movers=2)  # type: ignore[attr-defined]
    assert first.counts_by_direction() == migration.counts_by_direction()
    assert first.movers.customer_id.tolist() == (
        migration.movers.groupby("direction", sort=False).head(2).customer_id.tolist()
    )
    alerts = ws.alerts(old, new)  # type: ignore[attr-defined]
    assert len(alerts) > 0 and alerts.customer_id.notna().all()
    view = ws.alert_overview(old, new, limit=5)  # type: ignore[attr-defined]
    assert view.total == len(alerts)
    assert view.rows.customer_id.tolist() == alerts.head(5).customer_id.tolist()
    trend = ws.trend("abc")  # type: ignore[attr-defined]
    assert len(trend) > 0
    actions = ws.actions(new, old)  # type: ignore[attr-defined]
    assert len(actions) > 0


def test_a_missing_snapshot_is_a_clear_error(sample_ws: object) -> None:
    with pytest.raises(SnapshotNotFoundError):
        sample_ws.snapshot("ffffffffffff")  # type: ignore[attr-defined]


def test_one_customers_rows_are_indexed_on_postgresql_only(sample_workspace_url: str) -> None:
    ws = open_workspace(sample_workspace_url, clock=lambda: FIXED_NOW)
    try:
        con = ws._con  # noqa: SLF001 - the test inspects the database itself
        if con.name == "postgres":
            query = "SELECT indexdef AS d FROM pg_indexes WHERE tablename = 'assignments'"
        else:  # DuckDB: zone maps, and no index to maintain on every bulk insert
            query = "SELECT sql AS d FROM duckdb_indexes() WHERE table_name = 'assignments'"
        found = list(con.sql(query).to_pandas().d)
        indexed = any("(customer_id, snapshot_id)" in d for d in found)
        assert indexed == (con.name == "postgres"), found
        customer = ws.snapshot().to_frame().customer_id.iloc[0]
        assert len(ws.customer(customer)["history"]) == len(SAMPLE_AS_OFS)
    finally:
        ws.close()
