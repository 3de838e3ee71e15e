"""Per-class summaries stored with each snapshot (migration 5) equal a count of its classes.

``show``, the API's summaries and the trend read them instead of counting every customer's
classes again; a snapshot without them (kept on a compute engine, or written before them and
not upgraded) is counted when read, with the same result.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from custseg.snapshots.store import SnapshotStore, summarise_stored_snapshots
from custseg.snapshots.summaries import count_classes, stored_counts
from custseg.workspace_schema.tables import SNAPSHOT_SUMMARIES

JUNE = date(2026, 6, 30)


def _counted(ws, snapshot_id: str) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    """The effective classes of a snapshot counted from its assignments, in a fixed order."""
    store = SnapshotStore(ws._con)  # the test compares the stored rows with the tables
    live = count_classes(store.effective_assignments(snapshot_id), store.features(snapshot_id))
    return _sorted(live.to_pandas())


def _stored(ws, snapshot_id: str) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    return _sorted(stored_counts(ws._con, [snapshot_id]).drop(columns="snapshot_id"))


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame[["scheme", "class_key", "customers", "revenue"]]
    return frame.sort_values(["scheme", "class_key"], ignore_index=True)


def _same(stored: pd.DataFrame, counted: pd.DataFrame) -> None:
    assert len(stored) > 0
    pd.testing.assert_frame_equal(
        stored, counted, check_dtype=False, check_exact=False, rtol=1e-12
    )


def test_every_snapshot_has_its_summary_stored(history_workspace) -> None:  # type: ignore[no-untyped-def]
    for info in history_workspace.snapshots():
        stored = _stored(history_workspace, info.snapshot_id)
        _same(stored, _counted(history_workspace, info.snapshot_id))
        assert set(stored.scheme) == set(info.computed_schemes)
        per_scheme = stored.groupby("scheme").customers.sum()
        assert (per_scheme == info.customers).all()


def test_the_summary_counts_the_overridden_classes(history_workspace) -> None:  # type: ignore[no-untyped-def]
    ws = history_workspace
    before = ws.snapshot()
    rows = before.assignments("abc")
    customer = str(rows[rows.class_key == "C"].customer_id.iloc[0])
    ws.overrides.add(customer, scheme="abc", class_key="A", reason="key account", user="ana")
    after = ws.run(as_of=JUNE)
    assert after.has_overrides and after.snapshot_id != before.snapshot_id
    stored = _stored(ws, after.snapshot_id)
    _same(stored, _counted(ws, after.snapshot_id))
    abc_before = before.summary("abc").set_index("class_key").customers
    abc_after = after.summary("abc").set_index("class_key").customers
    assert abc_after["A"] == abc_before["A"] + 1
    assert abc_after["C"] == abc_before["C"] - 1


def test_a_snapshot_without_stored_rows_is_counted_when_read(history_workspace) -> None:  # type: ignore[no-untyped-def]
    ws = history_workspace
    snap = ws.snapshot()
    names = snap.info.computed_schemes
    read = {name: frame.copy() for name, frame in snap.summaries(names, lang="zh").items()}
    trend = ws.trend("abc")
    t = ws._con.table(SNAPSHOT_SUMMARIES)
    kept = t.filter(t.snapshot_id != snap.snapshot_id).to_pandas()
    ws._con.create_table(SNAPSHOT_SUMMARIES, kept, overwrite=True)  # as if never stored
    assert stored_counts(ws._con, [snap.snapshot_id]).empty
    counted = snap.summaries(names, lang="zh")
    for name in names:
        pd.testing.assert_frame_equal(counted[name], read[name], check_exact=False, rtol=1e-12)
    pd.testing.assert_frame_equal(ws.trend("abc"), trend, check_exact=False, rtol=1e-12)


def test_migration_5_stores_the_missing_summaries_once(history_workspace) -> None:  # type: ignore[no-untyped-def]
    ws = history_workspace
    con = ws._con
    ids = [info.snapshot_id for info in ws.snapshots()]
    before = {i: _stored(ws, i) for i in ids}
    t = con.table(SNAPSHOT_SUMMARIES)
    con.create_table(SNAPSHOT_SUMMARIES, t.filter(t.snapshot_id == ids[0]), overwrite=True)
    assert summarise_stored_snapshots(con) == ids[1:]
    assert summarise_stored_snapshots(con) == []
    for i in ids:
        pd.testing.assert_frame_equal(_stored(ws, i), before[i], check_exact=False, rtol=1e-12)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_show_reads_the_same_summary_as_one_scheme(history_workspace, lang: str) -> None:  # type: ignore[no-untyped-def]
    snap = history_workspace.snapshot()
    names = snap.info.computed_schemes
    together = snap.summaries(names, lang=lang)
    for name in names:
        pd.testing.assert_frame_equal(together[name], snap.summary(name, lang=lang))
