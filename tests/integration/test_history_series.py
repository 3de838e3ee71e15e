"""Series of runs: backfill one snapshot per period end, keep what exists, version the system."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from custseg.cli.app import app
from custseg.sample import sample_data_dir
from custseg.schemes import load_default_system
from custseg.snapshots.systems import SystemStore


def test_series_backfills_then_adds_only_what_is_missing(
    sample_tables_workspace: Callable[[], object],
) -> None:
    ws = sample_tables_workspace()
    first = ws.run_series("month", date(2026, 5, 1), date(2026, 5, 31))  # type: ignore[attr-defined]
    assert [(i.as_of, i.status) for i in first.items] == [(date(2026, 5, 31), "computed")]

    # No --to: up to the latest order date (2026-06-30); May is kept, June is added.
    second = ws.run_series("month", date(2026, 5, 1))  # type: ignore[attr-defined]
    assert [(i.as_of, i.status) for i in second.items] == [
        (date(2026, 5, 31), "kept"),
        (date(2026, 6, 30), "computed"),
    ]
    assert second.items[0].snapshot_id == first.items[0].snapshot_id
    third = ws.run_series("month", date(2026, 5, 1))  # type: ignore[attr-defined]
    assert [i.status for i in third.items] == ["kept", "kept"]
    snapshots = ws.snapshots()  # type: ignore[attr-defined]
    assert [s.as_of for s in snapshots] == [date(2026, 5, 31), date(2026, 6, 30)]


def test_series_never_runs_past_the_clock(sample_tables_workspace: Callable[[], object]) -> None:
    ws = sample_tables_workspace()  # the fixture's clock says 2026-07-01
    report = ws.run_series("month", date(2026, 6, 1), date(2026, 12, 31))  # type: ignore[attr-defined]
    assert report.end == date(2026, 7, 1)
    assert [i.as_of for i in report.items] == [date(2026, 6, 30)]


def test_changed_system_is_a_new_version_with_its_own_snapshots(
    sample_tables_workspace: Callable[[], object],
) -> None:
    ws = sample_tables_workspace()
    base = load_default_system()
    ws.run_series("month", date(2026, 6, 1), system=base)  # type: ignore[attr-defined]
    edited = base.model_copy(update={"description": None})
    report = ws.run_series("month", date(2026, 6, 1), system=edited)  # type: ignore[attr-defined]
    assert [i.status for i in report.items] == ["computed"]  # same period, new system version
    store = SystemStore(ws._con)  # type: ignore[attr-defined]
    hashes = [s.system_hash for s in ws.snapshots()]  # type: ignore[attr-defined]
    assert len(set(hashes)) == 2
    assert sorted(store.version_of(h) for h in hashes) == [1, 2]
    versions = store.versions()
    assert list(versions.version) == [1, 2]
    assert set(versions.name) == {base.name}


def test_refresh_recomputes_only_when_the_data_changed(
    sample_tables_workspace: Callable[[], object], tmp_path: Path
) -> None:
    ws = sample_tables_workspace()
    before = ws.run_series("month", date(2026, 6, 1))  # type: ignore[attr-defined]
    same = ws.run_series("month", date(2026, 6, 1), refresh=True)  # type: ignore[attr-defined]
    assert [i.status for i in same.items] == ["kept"]

    late = tmp_path / "late.csv"
    late.write_text(
        "order_id,customer_id,order_date,amount\nLATE-1,C000072,2026-06-15,999.00\n",
        encoding="utf-8",
    )
    ws.ingest("orders", late, mode="upsert")  # type: ignore[attr-defined]
    after = ws.run_series("month", date(2026, 6, 1), refresh=True)  # type: ignore[attr-defined]
    assert [i.status for i in after.items] == ["computed"]
    assert after.items[0].snapshot_id != before.items[0].snapshot_id
    assert len(ws.snapshots()) == 2  # type: ignore[attr-defined]  # the old one is kept as it was


def test_cli_series_in_both_languages_and_json(
    history_workspace_file: Path, tmp_path: Path
) -> None:
    import shutil

    runner = CliRunner()
    workspace = str(tmp_path / "cli.duckdb")  # snapshots of April, May and June 2026 (conftest)
    shutil.copyfile(history_workspace_file, workspace)
    result = runner.invoke(
        app, ["-w", workspace, "--lang", "zh", "run", "--every", "month", "--from", "2026-03-01"]
    )
    assert result.exit_code == 0, result.output
    assert "已计算" in result.output and "已存在，保留" in result.output
    again = runner.invoke(
        app, ["-w", workspace, "run", "--every", "month", "--from", "2026-03-01", "--json"]
    )
    assert again.exit_code == 0, again.output
    import json

    payload = json.loads(again.output)
    assert (payload["computed"], payload["kept"]) == (0, 4)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["run", "--every", "month"], "needs --every"),
        (["run", "--from", "2026-01-01"], "needs --every"),
        (["run", "--every", "day", "--from", "2026-01-01"], "--every must be one of"),
        (["run", "--as-of", "2026-06-30", "--every", "month", "--from", "2026-01-01"], "either"),
        (["run", "--every", "month", "--from", "2026-13-01"], "--from '2026-13-01' is not a date"),
    ],
)
def test_cli_series_errors_say_what_to_do(
    sample_tables_file: Path, tmp_path: Path, args: list[str], message: str
) -> None:
    import shutil

    runner = CliRunner()
    workspace = str(tmp_path / "err.duckdb")
    shutil.copyfile(sample_tables_file, workspace)
    result = runner.invoke(app, ["-w", workspace, *args])
    assert result.exit_code == 1
    assert message in result.output


def test_demo_with_months_builds_a_monthly_history(tmp_path: Path) -> None:
    import json

    runner = CliRunner()
    workspace = str(tmp_path / "demo.duckdb")
    result = runner.invoke(app, ["-w", workspace, "demo", "--months", "2", "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert [s["as_of"] for s in payload["series"]["snapshots"]] == ["2026-05-31", "2026-06-30"]
    assert payload["snapshot"]["as_of"] == "2026-06-30"
    listed = json.loads(runner.invoke(app, ["-w", workspace, "snapshots", "--json"]).output)
    assert [s["as_of"] for s in listed] == ["2026-05-31", "2026-06-30"]


def test_a_series_fingerprints_the_data_once_and_a_later_run_again(
    sample_tables_workspace: Callable[[], object], monkeypatch: pytest.MonkeyPatch
) -> None:
    import custseg.run

    ws = sample_tables_workspace()
    calls: list[set[str]] = []
    real = custseg.run.data_fingerprint

    def counted(con: object, tables: set[str]) -> tuple[str, dict[str, int]]:
        calls.append(tables)
        return real(con, tables)  # type: ignore[arg-type]

    monkeypatch.setattr(custseg.run, "data_fingerprint", counted)
    report = ws.run_series("month", date(2026, 5, 1), date(2026, 6, 30))  # type: ignore[attr-defined]
    assert [i.status for i in report.items] == ["computed", "computed"]
    assert len(calls) == 1
    # the same snapshot ids as runs that each fingerprint the data themselves
    alone = sample_tables_workspace()
    ids = [alone.run(as_of=i.as_of).snapshot_id for i in report.items]  # type: ignore[attr-defined]
    assert ids == [i.snapshot_id for i in report.items]
    assert len(calls) == 3
    # after the series, a run over changed data fingerprints it again
    ws.ingest("orders", sample_data_dir() / "orders.csv")  # type: ignore[attr-defined]
    ws.run(as_of=date(2026, 6, 30))  # type: ignore[attr-defined]
    assert len(calls) == 4


def test_a_series_gives_the_snapshots_single_runs_give(
    sample_tables_workspace: Callable[[], object],
) -> None:
    """What a series shares between its runs (compiled SQL, the data's fingerprint) changes
    nothing: each snapshot is the one a single run at its date, after the same ones, gives."""
    from custseg.snapshots.store import SnapshotStore

    series_ws, single_ws = sample_tables_workspace(), sample_tables_workspace()
    report = series_ws.run_series("month", date(2026, 4, 1))  # type: ignore[attr-defined]
    assert [i.status for i in report.items] == ["computed"] * 3
    for item in report.items:
        single = single_ws.run(as_of=item.as_of)  # type: ignore[attr-defined]
        assert single.snapshot_id == item.snapshot_id
        stores = [SnapshotStore(w._con) for w in (series_ws, single_ws)]  # type: ignore[attr-defined]
        infos = [store.get(item.snapshot_id) for store in stores]
        assert infos[0].outcomes == infos[1].outcomes
        for key in ("models", "health", "profile", "key_lineage_digest"):
            assert infos[0].extra.get(key) == infos[1].extra.get(key), key
        frames = [
            store.assignments(item.snapshot_id).to_pandas().sort_values(["scheme", "customer_id"])
            for store in stores
        ]
        assert len(frames[0]) > 10_000
        assert frames[0].reset_index(drop=True).equals(frames[1].reset_index(drop=True))


def test_a_series_builds_its_profile_query_and_feature_parameters_once(
    sample_tables_workspace: Callable[[], object], monkeypatch: pytest.MonkeyPatch
) -> None:
    """What depends on the data alone (the input tables, the inferred home region) is worked
    out once for the series; the data profile's query is built once and rendered at each date.
    The snapshots are those of single runs (see the test above)."""
    import custseg.run

    counts = {"profile_query": 0, "feature_parameters": 0, "available_tables": 0}

    def counted(name: str) -> Callable[..., object]:
        real = getattr(custseg.run, name)

        def call(*args: object, **kwargs: object) -> object:
            counts[name] += 1
            return real(*args, **kwargs)

        return call

    for name in counts:
        monkeypatch.setattr(custseg.run, name, counted(name))
    ws = sample_tables_workspace()
    report = ws.run_series("month", date(2026, 4, 1))  # type: ignore[attr-defined]
    assert [i.status for i in report.items] == ["computed"] * 3
    assert counts == {"profile_query": 1, "feature_parameters": 1, "available_tables": 1}
    profiles = [ws.snapshot(i.snapshot_id).profile for i in report.items]  # type: ignore[attr-defined]
    last = [p.history["last_order_date"] for p in profiles]
    assert all(d <= i.as_of.isoformat() for d, i in zip(last, report.items, strict=True))
    assert len(set(last)) == 3  # each rendered at its own date


def test_each_run_of_a_series_reads_the_snapshots_the_series_just_listed(
    sample_tables_workspace: Callable[[], object], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The stored snapshots are listed once per period (by the series, for the run too), and
    each run's key lineage is made from the snapshots stored before it."""
    from custseg.snapshots.store import SnapshotStore

    lists: list[int] = []
    real = SnapshotStore.list

    def counted(self: SnapshotStore) -> list[object]:
        found = real(self)
        lists.append(len(found))
        return found  # type: ignore[return-value]

    monkeypatch.setattr(SnapshotStore, "list", counted)
    ws = sample_tables_workspace()
    report = ws.run_series("month", date(2026, 4, 1))  # type: ignore[attr-defined]
    assert [i.status for i in report.items] == ["computed"] * 3
    # per period: the series' list, then the moves of the stored snapshot read it again
    assert lists == [0, 1, 1, 2, 2, 3]
    monkeypatch.setattr(SnapshotStore, "list", real)
    alone = sample_tables_workspace()
    ids = [alone.run(as_of=i.as_of).snapshot_id for i in report.items]  # type: ignore[attr-defined]
    assert ids == [i.snapshot_id for i in report.items]
