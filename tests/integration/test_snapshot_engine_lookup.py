"""A snapshot reader knows from the snapshot's header that its rows are in the workspace."""

from __future__ import annotations

import pytest


def test_reading_a_workspace_snapshot_asks_no_engine_lookup(  # type: ignore[no-untyped-def]
    history_workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    from custseg.compute import reads

    def no_lookup(*_args: object) -> None:
        raise AssertionError("the engine record was looked up in the database")

    monkeypatch.setattr(reads, "engine_record", no_lookup)
    infos = history_workspace.snapshots()
    old, new = (history_workspace.snapshot(i.snapshot_id) for i in infos[-2:])
    assert "engine" not in new.info.extra
    assert len(new.assignments("abc")) == new.info.customers
    assert len(new.features()) == new.info.customers
    trend = history_workspace.trend("abc")
    assert trend.entered.notna().sum() > 0
    migration = history_workspace.compare(old, new, "abc", movers=1)
    assert migration.movers_total > 0
