"""End to end through the Python API: sample data -> ingest -> run -> snapshot."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest

from custseg import open_workspace
from custseg.errors import SnapshotNotFoundError, UnknownNameError, WorkspaceError
from custseg.sample import sample_data_dir
from custseg.tables import TABLE_NAMES


AS_OF = date(2026, 3, 31)
FIXED_NOW = datetime(2026, 7, 1, 9, 0, 0)


def _load_sample(ws: object, tables: tuple[str, ...] = TABLE_NAMES) -> None:
    for table in tables:
        ws.ingest(table, sample_data_dir() / f"{table}.csv")  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    path = tmp_path_factory.mktemp("ws") / "sample.duckdb"
    ws = open_workspace(path, clock=lambda: FIXED_NOW)
    _load_sample(ws)
    return ws, ws.run(as_of=AS_OF)


def test_every_scheme_of_the_catalogue_is_computed_on_the_sample(sample_run) -> None:  # type: ignore[no-untyped-def]
    _, snap = sample_run
    assert snap.info.skipped_schemes == {}
    assert len(snap.info.computed_schemes) >= 25


def test_each_customer_gets_exactly_one_class_per_scheme(sample_run) -> None:  # type: ignore[no-untyped-def]
    _, snap = sample_run
    long = snap.assignments()
    counts = long.groupby(["scheme", "customer_id"]).size()
    assert counts.max() == 1
    per_scheme = long.groupby("scheme").customer_id.nunique()
    assert (per_scheme == snap.info.customers).all()
    assert long.class_key.notna().all() and (long.reason.str.len() > 0).all()


def test_run_records_as_of_system_hash_and_input_counts(sample_run) -> None:  # type: ignore[no-untyped-def]
    ws, snap = sample_run
    assert snap.info.as_of == AS_OF
    assert len(snap.info.system_hash) == 64
    rows = {t: ws._con.table(t).count().execute() for t in TABLE_NAMES}
    assert snap.info.input_counts == rows


def test_rerunning_the_same_inputs_is_idempotent(sample_run) -> None:  # type: ignore[no-untyped-def]
    ws, snap = sample_run
    again = ws.run(as_of=AS_OF)
    assert again.snapshot_id == snap.snapshot_id
    assert len([s for s in ws.snapshots() if s.as_of == AS_OF]) == 1


def test_same_data_in_another_workspace_gives_an_identical_snapshot(sample_run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _, snap = sample_run
    other = open_workspace(tmp_path / "other.duckdb", clock=lambda: FIXED_NOW)
    _load_sample(other)
    second = other.run(as_of=AS_OF)
    assert second.snapshot_id == snap.snapshot_id
    pd.testing.assert_frame_equal(second.assignments(), snap.assignments())


def test_a_later_order_does_not_change_an_earlier_snapshot(sample_run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _, snap = sample_run
    ws = open_workspace(tmp_path / "later.duckdb", clock=lambda: FIXED_NOW)
    _load_sample(ws)
    orders = ws._con.table("orders").to_pandas()
    late = orders.iloc[[0]].copy()
    late["order_id"], late["order_date"], late["amount"] = "LATE-1", date(2026, 5, 1), 9e6
    extra = tmp_path / "late.csv"
    late.drop(columns=["source_file", "source_row"]).to_csv(extra, index=False)
    report = ws.ingest("orders", extra, mode="upsert")
    assert report.rows_accepted == 1
    rerun = ws.run(as_of=AS_OF)
    assert rerun.info.data_hash != snap.info.data_hash
    pd.testing.assert_frame_equal(rerun.assignments(), snap.assignments())


def test_summary_shares_add_up(sample_run) -> None:  # type: ignore[no-untyped-def]
    _, snap = sample_run
    summary = snap.summary("abc", lang="zh")
    assert summary.customers.sum() == snap.info.customers
    assert summary.share.sum() == pytest.approx(1.0)
    assert summary.revenue_share.sum() == pytest.approx(1.0)
    assert set(summary.label) >= {"关键客户"}


def test_explain_gives_every_scheme_with_a_reason(sample_run) -> None:  # type: ignore[no-untyped-def]
    _, snap = sample_run
    customer = snap.assignments("abc").customer_id.iloc[0]
    rows = snap.explain(customer, lang="en")
    assert [r.scheme for r in rows] == snap.info.computed_schemes
    assert all(r.reason for r in rows)


def test_unknown_scheme_lists_the_known_ones(sample_run) -> None:  # type: ignore[no-untyped-def]
    _, snap = sample_run
    with pytest.raises(UnknownNameError, match="did you mean 'abc'"):
        snap.summary("abd")


def test_wide_frame_has_one_column_per_scheme(sample_run) -> None:  # type: ignore[no-untyped-def]
    _, snap = sample_run
    wide = snap.to_frame(lang="zh")
    assert list(wide.columns) == ["customer_id", *snap.info.computed_schemes]
    assert len(wide) == snap.info.customers


def test_schemes_without_their_input_are_skipped_with_the_reason(make_workspace) -> None:  # type: ignore[no-untyped-def]
    ws = make_workspace()
    _load_sample(ws, ("customers", "orders"))
    snap = ws.run(as_of=AS_OF)
    assert "credit" in snap.info.skipped_schemes
    assert "payments" in snap.info.skipped_schemes["credit"]
    assert "credit" not in set(snap.assignments().scheme)


def test_run_on_an_empty_workspace_says_what_to_do(make_workspace) -> None:  # type: ignore[no-untyped-def]
    ws = make_workspace()
    with pytest.raises(WorkspaceError, match="ingest"):
        ws.run(as_of=AS_OF)
    with pytest.raises(SnapshotNotFoundError, match="custseg run"):
        ws.snapshot()


def test_a_run_that_fails_halfway_leaves_no_snapshot_and_no_feature_table(
    make_workspace, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    from custseg.schemes.kinds import ASSIGNERS

    ws = make_workspace()
    _load_sample(ws, ("customers", "orders"))
    tables_before = set(ws._con.list_tables())

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("injected fault")

    monkeypatch.setitem(ASSIGNERS, "pareto", broken)
    with pytest.raises(RuntimeError, match="injected fault"):
        ws.run(as_of=AS_OF)
    assert ws.snapshots() == []
    assert ws._con.table("assignments").count().execute() == 0
    leftover = set(ws._con.list_tables()) - tables_before
    assert not [t for t in leftover if t.startswith("snapshot_features_")]
    monkeypatch.undo()
    assert ws.run(as_of=AS_OF).info.customers > 0


def test_the_python_api_refuses_an_as_of_date_out_of_range(make_workspace) -> None:  # type: ignore[no-untyped-def]
    from datetime import date

    from custseg.errors import ConfigError
    from custseg.sample import sample_data_dir

    ws = make_workspace()
    ws.ingest("orders", sample_data_dir() / "orders.csv")
    with pytest.raises(ConfigError, match="1900-01-01"):
        ws.run(as_of=date(1, 1, 1))
    assert ws.snapshots() == []


def test_the_runs_notes_equal_each_schemes_own_notes(sample_run) -> None:  # type: ignore[no-untyped-def]
    # The run counts every scheme's classes once from the staged assignments; each kind's
    # notes (empty classes included) must be those it gives when it counts for itself.
    from custseg.schemes.kinds import ASSIGNERS

    _, snap = sample_run
    features = snap.features_table()
    outcomes = {o.name: o for o in snap.info.outcomes}
    first_of_kind = {}
    for s in snap.system.schemes:
        if s.kind in ("tiers", "rules", "matrix", "pareto", "score", "attribute"):
            first_of_kind.setdefault(s.kind, s)
    assert len(first_of_kind) == 6
    for s in first_of_kind.values():
        own = ASSIGNERS[s.kind](features, s).diagnostics
        assert [m.to_dict() for m in outcomes[s.name].diagnostics] == [
            m.to_dict() for m in own
        ], s.name
