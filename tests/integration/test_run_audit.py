"""Every run is audited in the snapshot's own transaction; a failed run leaves nothing behind."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest

from custseg.governance import AuditLog, OverrideStore
from custseg.snapshots import store as store_module

FEB = date(2026, 2, 28)


def _leftovers(ws: Any) -> dict[str, Any]:
    con = ws._con
    audit = ws.audit.entries()
    return {
        "snapshots": {s.as_of for s in ws.snapshots()},
        "snapshot_overrides": int(con.table("snapshot_overrides").count().execute()),
        "runs": list(audit[audit.action == "run"].subject),
        "feature_tables": sorted(
            t for t in con.list_tables() if t.startswith("snapshot_features_")
        ),
        "assignment_ids": set(con.table("assignments").snapshot_id.execute()),
    }


def test_the_history_runs_each_wrote_one_audit_entry(history_workspace: Any) -> None:
    ws = history_workspace
    runs = ws.audit.entries(action="run")
    assert sorted(runs.subject) == sorted(s.snapshot_id for s in ws.snapshots())
    detail = runs.detail.iloc[0]
    assert {"as_of", "system_hash", "customers", "overrides_applied"} <= set(detail)
    assert ws.audit.verify() == []


def test_a_failing_run_leaves_no_snapshot_no_overrides_and_no_audit_entry(
    history_workspace: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = history_workspace
    customer = ws.snapshot().assignments("abc").customer_id.iloc[0]
    OverrideStore(ws._con, lambda: datetime(2026, 6, 1)).add(
        customer, scheme="abc", class_key="B", reason="test", user="alice"
    )
    before = _leftovers(ws)

    # 1. The snapshot row cannot be written: assignments and overrides were already inserted.
    def broken_row(info: Any) -> dict[str, Any]:
        raise OSError("disk full while writing the snapshot row")

    monkeypatch.setattr(store_module, "_info_row", broken_row)
    with pytest.raises(OSError, match="disk full"):
        ws.run(as_of=FEB, user="carol")
    assert _leftovers(ws) == before
    monkeypatch.undo()

    # 2. The audit entry cannot be written: everything else of the snapshot was.
    real_append = AuditLog.append

    def failing_append(self: AuditLog, actor: str, action: str, *args: Any) -> Any:
        if action == "run":
            raise KeyboardInterrupt  # like a kill at the last moment
        return real_append(self, actor, action, *args)

    monkeypatch.setattr(AuditLog, "append", failing_append)
    with pytest.raises(KeyboardInterrupt):
        ws.run(as_of=FEB, user="carol")
    assert _leftovers(ws) == before
    monkeypatch.undo()

    # 3. Nothing was left that would stop a clean run: one snapshot, its overrides, one entry.
    snap = ws.run(as_of=FEB, user="carol")
    after = _leftovers(ws)
    assert after["snapshots"] == before["snapshots"] | {FEB}
    assert after["snapshot_overrides"] == before["snapshot_overrides"] + 1
    assert after["runs"] == [*before["runs"], snap.snapshot_id]
    last = ws.audit.entries().iloc[-1]
    assert (last.action, last.actor, last.subject) == ("run", "carol", snap.snapshot_id)
    assert last.detail["overrides_applied"] == ["OV-000001"]
    assert ws.audit.verify() == []


def test_a_rerun_writes_only_a_run_reused_entry(history_workspace: Any) -> None:
    ws = history_workspace
    latest = ws.snapshot()
    before = _leftovers(ws)
    again = ws.run(as_of=latest.as_of, user="erin")
    assert again.snapshot_id == latest.snapshot_id
    assert _leftovers(ws) == before
    last = ws.audit.entries().iloc[-1]
    assert (last.action, last.actor, last.subject) == ("run_reused", "erin", latest.snapshot_id)


def test_the_run_user_defaults_to_custseg_user(
    history_workspace: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CUSTSEG_USER", "frank")
    ws = history_workspace
    ws.run(as_of=ws.snapshot().as_of)
    assert ws.audit.entries().iloc[-1].actor == "frank"
