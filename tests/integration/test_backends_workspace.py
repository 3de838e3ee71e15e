"""The Workspace façade on DuckDB and on PostgreSQL: ingest, run and every read of a snapshot."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

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


def test_stored_movers_are_indexed_by_pair_and_scheme_on_postgresql_only(
    sample_workspace_url: str,
) -> None:
    ws = open_workspace(sample_workspace_url, clock=lambda: FIXED_NOW)
    try:
        con = ws._con  # noqa: SLF001 - the test inspects the database itself
        if con.name == "postgres":
            query = "SELECT indexdef AS d FROM pg_indexes WHERE tablename = 'snapshot_movers'"
        else:  # DuckDB: zone maps over rows written sorted by scheme
            query = "SELECT sql AS d FROM duckdb_indexes() WHERE table_name = 'snapshot_movers'"
        found = list(con.sql(query).to_pandas().d)
        indexed = any("(old_snapshot_id, new_snapshot_id, scheme)" in d for d in found)
        assert indexed == (con.name == "postgres"), found
    finally:
        ws.close()


def _joined_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the history readers ignore the stored move counts and movers (read the join)."""
    import importlib

    for name in ("custseg.history._moves", "custseg.history.trend"):  # modules, not functions
        module = importlib.import_module(name)
        monkeypatch.setattr(module, "stored_pairs", lambda _con, _pairs: set())
    monkeypatch.setattr(importlib.import_module("custseg.history._moves"), "has_movers",
                        lambda _con, _pair: False)


def _history_figures(ws: Any) -> list[Any]:
    """What `diff` (overview and one scheme), `alerts` and `trend` read, as comparable values."""
    new = ws.snapshot()
    old = ws.previous(new)
    migration = ws.compare(old, new, "abc", movers=3)
    view = ws.alert_overview(old, new, limit=5)
    return [
        ws.direction_counts(old, new).to_dict("records"),
        migration.matrix.round(6).to_dict("records"),
        migration.counts_by_direction(),
        migration.movers.to_dict("records"),
        (view.total, view.alerts, view.rows.to_dict("records")),
        ws.trend("abc").round(6).astype(object).to_dict("records"),
    ]


def _stored_matrix(ws: Any, old: Any, new: Any) -> list[Any]:
    from custseg.history._moves import joined_matrix, stored_matrix

    con = ws._con
    schemes = [s for s in new.info.computed_schemes if s in old.info.computed_schemes]
    pair = (old.snapshot_id, new.snapshot_id)
    columns = ["scheme", "old_class", "new_class", "customers", "revenue_12m"]
    frames = [stored_matrix(con, pair, schemes).to_pandas(),
              joined_matrix(old, new, schemes).to_pandas()]
    return [f[columns].sort_values(columns[:3], na_position="first").round(6)
            .reset_index(drop=True).astype(object).to_dict("records") for f in frames]


def test_history_reads_the_moves_the_run_stored(
    sample_ws: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from custseg.snapshots.movers import has_movers
    from custseg.snapshots.moves import stored_pairs

    ws = sample_ws
    new = ws.snapshot()
    old = ws.previous(new)
    first, second = (i.snapshot_id for i in ws.snapshots())
    assert stored_pairs(ws._con, [(first, second), (second, first)]) == {(first, second)}
    assert has_movers(ws._con, (first, second)) and not has_movers(ws._con, (second, first))
    stored, joined = _stored_matrix(ws, old, new)
    assert stored == joined and len(stored) > 28
    with_stored = _history_figures(ws)
    _joined_only(monkeypatch)
    assert _history_figures(ws) == with_stored


def test_history_stored_moves_follow_overrides_added_and_removed(sample_ws: Any) -> None:
    from custseg.snapshots.moves import stored_pairs

    ws = sample_ws
    before = ws.snapshot()
    old = ws.previous(before)
    frame = before.to_frame()
    customer = str(frame[(frame.abc == "C")].customer_id.iloc[0])
    override = ws.overrides.add(
        customer, scheme="abc", class_key="A", reason="framework contract", user="ann"
    )
    # Added after the run: the stored snapshot and its stored moves are unchanged.
    unchanged, joined = _stored_matrix(ws, old, before)
    assert unchanged == joined
    rerun = ws.run(as_of=before.as_of, user="ann")
    assert rerun.has_overrides and ws.previous(rerun).snapshot_id == old.snapshot_id
    assert (old.snapshot_id, rerun.snapshot_id) in stored_pairs(
        ws._con, [(old.snapshot_id, rerun.snapshot_id)]
    )
    with_override, joined = _stored_matrix(ws, old, rerun)
    assert with_override == joined and with_override != unchanged
    moved = ws.compare(old, rerun, "abc").movers.set_index("customer_id")
    assert moved.loc[customer, "new_class"] == "A"
    ws.overrides.remove(override.override_id, user="ann", reason="contract ended")
    again, joined = _stored_matrix(ws, old, rerun)
    assert again == with_override == joined
