"""A run's assignments staged, then appended in customer order by ranges of customers (DuckDB)."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import ibis
import pandas as pd
import pytest

from custseg import open_workspace
from custseg.engine import insertion_order_relaxed
from custseg.sample import sample_data_dir
from custseg.snapshots import ordered_write
from custseg.snapshots.ordered_write import customer_ranges, insert_in_customer_order

SCHEMES = ("b_scheme", "a_scheme", "c_scheme")


def _setting(con: ibis.BaseBackend) -> bool:
    return bool(
        con.raw_sql("SELECT current_setting('preserve_insertion_order')").fetchone()[0]
    )


def _shuffled_rows(ids: list[str | None]) -> pd.DataFrame:
    rows = [
        {"customer_id": c, "scheme": s, "class_key": f"{c}:{s}"} for c in ids for s in SCHEMES
    ]
    random.Random(7).shuffle(rows)
    return pd.DataFrame(rows)


@pytest.mark.parametrize(("customers", "batch", "statements"), [(10, 3, 4), (9, 3, 4), (5, 50, 1)])
def test_rows_are_stored_sorted_by_customer_and_scheme_whatever_the_batch(
    customers: int, batch: int, statements: int
) -> None:
    con = ibis.duckdb.connect()
    ids: list[str | None] = [f"c{i:03d}" for i in range(customers)]
    features = con.create_table("features", pd.DataFrame({"customer_id": ids[::-1]}))
    rows = _shuffled_rows([*ids, None])  # a null id too: it is sorted last
    con.raw_sql(
        'CREATE TABLE "stored" ("customer_id" VARCHAR, "scheme" VARCHAR, "class_key" VARCHAR)'
    )
    made = insert_in_customer_order(
        con, "stored", ibis.memtable(rows), staging="staged", customers=features, batch=batch
    )
    assert made == statements
    stored = con.raw_sql('SELECT * FROM "stored" ORDER BY rowid').df()
    expected = rows.sort_values(["customer_id", "scheme"], na_position="last")
    assert stored.to_dict("records") == expected.to_dict("records")
    assert "staged" not in con.list_tables()
    assert _setting(con) is True  # insertion order kept again after the staging


def test_ranges_cover_every_id_once_in_ascending_order() -> None:
    con = ibis.duckdb.connect()
    ids = [f"k{i}" for i in (5, 1, 9, 3, 7, 2, 8)]  # sorted as strings: k1 k2 k3 k5 k7 k8 k9
    features = con.create_table("f", pd.DataFrame({"customer_id": ids}))
    ranges = customer_ranges(features, 3)
    values = ibis.memtable(pd.DataFrame({"c": [*ids, None]}))
    found = [
        sorted(
            values.filter(keep(values.c)).c.to_pyarrow().to_pylist(),  # type: ignore[misc]
            key=lambda v: (v is None, v or ""),
        )
        for keep in ranges
    ]
    assert found == [["k1", "k2", "k3"], ["k5", "k7", "k8"], ["k9", None]]
    assert len(customer_ranges(features, 7)) == 2  # all seven, then an empty range (and nulls)
    assert customer_ranges(features, 8) == [None]  # fewer than a batch: everything at once
    with pytest.raises(ValueError, match="at least 1"):
        customer_ranges(features, 0)


def test_insertion_order_is_relaxed_only_inside_and_restored() -> None:
    con = ibis.duckdb.connect()
    con.raw_sql("SET preserve_insertion_order = false")
    with insertion_order_relaxed(con):
        assert _setting(con) is False
    assert _setting(con) is False  # what it was before, not DuckDB's default
    con.raw_sql("SET preserve_insertion_order = true")
    with pytest.raises(RuntimeError), insertion_order_relaxed(con):
        assert _setting(con) is False
        raise RuntimeError("a failed statement")
    assert _setting(con) is True


def _sample_run(folder: Path) -> tuple[str, pd.DataFrame]:
    ws = open_workspace(folder / "w.duckdb", clock=lambda: datetime(2026, 7, 1))
    try:
        for name in ("customers", "orders", "payments"):
            ws.ingest(name, next(sample_data_dir().glob(f"{name}.*")))
        snapshot = ws.run(as_of=date(2026, 6, 30))
        stored = ws._con.raw_sql(  # noqa: SLF001  # the rows in the order they are stored
            "SELECT customer_id, scheme, class_key, score, reason FROM assignments ORDER BY rowid"
        ).df()
        return snapshot.snapshot_id, stored
    finally:
        ws.close()


def test_a_run_stores_the_same_rows_in_the_same_order_in_small_batches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "one").mkdir()
    (tmp_path / "many").mkdir()
    whole_id, whole = _sample_run(tmp_path / "one")
    monkeypatch.setattr(ordered_write, "BATCH_CUSTOMERS", 97)  # the sample's 2,500 in 26 ranges
    batched_id, batched = _sample_run(tmp_path / "many")
    assert batched_id == whole_id
    assert len(whole) > 2_500 * 20
    pd.testing.assert_frame_equal(batched, whole)
    assert list(whole.customer_id) == sorted(whole.customer_id)


def _temporary_tables(con: ibis.BaseBackend) -> dict[str, int]:
    """Temporary tables of the connection and the row count the optimiser sees for each."""
    rows = con.raw_sql(
        "SELECT table_name, estimated_size FROM duckdb_tables() WHERE temporary"
    ).fetchall()
    return {name: int(size) for name, size in rows}


def test_a_run_stages_its_rows_as_a_temporary_table_committed_before_its_transaction(
    sample_tables_workspace: Callable[[], Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The class counts, health check and summary read the staged rows with their row count
    known to DuckDB's optimiser (rows a transaction inserted count as none there); nothing
    staged outlives the run."""
    import custseg.run as run

    seen: list[tuple[dict[str, int], int]] = []
    real = run.add_notes_and_thresholds

    def spy(outcomes: Any, computed: Any, stored: ibis.Table) -> Any:
        seen.append((_temporary_tables(ws._con), int(stored.count().execute())))  # noqa: SLF001
        return real(outcomes, computed, stored)

    monkeypatch.setattr(run, "add_notes_and_thresholds", spy)
    ws = sample_tables_workspace()
    try:
        snapshot = ws.run(as_of=date(2026, 6, 30))
        (temporary, rows), = seen
        staged = {n: size for n, size in temporary.items() if n.endswith("_assigned")}
        assert list(staged.values()) == [rows]
        assert rows == snapshot.info.customers * len(snapshot.info.computed_schemes)
        assert _temporary_tables(ws._con) == {}  # noqa: SLF001
        stored = ws._con.table("assignments").count().execute()  # noqa: SLF001
        assert stored == rows
    finally:
        ws.close()


def test_a_run_that_fails_while_writing_leaves_no_staged_table_and_no_rows(
    sample_tables_workspace: Callable[[], Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    import custseg.run as run

    def broken(*_args: Any, **_kwargs: Any) -> Any:
        raise RuntimeError("the health check broke")

    monkeypatch.setattr(run, "check_health", broken)
    ws = sample_tables_workspace()
    try:
        with pytest.raises(RuntimeError, match="health check broke"):
            ws.run(as_of=date(2026, 6, 30))
        assert _temporary_tables(ws._con) == {}  # noqa: SLF001
        assert ws._con.table("assignments").count().execute() == 0  # noqa: SLF001
        assert ws.snapshots() == []
    finally:
        ws.close()


def _reason_compressions(con: ibis.BaseBackend) -> set[str]:
    rows = con.raw_sql(
        "SELECT DISTINCT compression FROM pragma_storage_info('stored') "
        "WHERE column_name = 'reason' AND segment_type = 'VARCHAR'"
    ).fetchall()
    return {str(row[0]) for row in rows}


def _distinct_reasons(n: int) -> pd.DataFrame:
    words = ["abc", "long", "words", "that", "repeat", "inside", "each", "reason"]
    return pd.DataFrame(
        {
            "customer_id": [f"c{i:06d}" for i in range(n)],
            "scheme": ["s"] * n,
            "reason": [
                f"{words[i % 8]} {words[i * 7 % 8]} value {i * 7919 % 1000003}" for i in range(n)
            ],
        }
    )


def test_appended_reasons_skip_fsst_and_the_setting_is_restored(tmp_path: Path) -> None:
    # Many distinct strings made of a few words: what DuckDB compresses with FSST by default
    # (checked first, so that the test shows the append is what changes it).
    con = ibis.duckdb.connect(tmp_path / "w.duckdb")
    con.raw_sql("SET disabled_compression_methods = 'bitpacking'")  # a user's own setting
    rows = _distinct_reasons(200_000)
    ddl = 'CREATE TABLE "stored" ("customer_id" VARCHAR, "scheme" VARCHAR, "reason" VARCHAR)'
    con.raw_sql(ddl)
    staged = con.create_table("staged_plain", rows)
    con.raw_sql('INSERT INTO "stored" SELECT * FROM "staged_plain"; CHECKPOINT')
    assert "FSST" in _reason_compressions(con)
    con.raw_sql('DROP TABLE "stored"; CHECKPOINT')
    con.raw_sql(ddl)
    features = staged.select("customer_id")
    ordered_write.append_in_customer_order(con, "stored", staged, customers=features)
    con.raw_sql("CHECKPOINT")
    assert "FSST" not in _reason_compressions(con)
    assert con.raw_sql('SELECT count(*) FROM "stored"').fetchone()[0] == 200_000
    setting = con.raw_sql("SELECT current_setting('disabled_compression_methods')").fetchone()[0]
    assert str(setting).lower() == "bitpacking"


def test_scheme_position_sorts_as_the_engine_sorts_the_names() -> None:
    # Names sharing long prefixes, upper and lower case, digits, Chinese: the engine's own sort
    # by name and the sort by position must give the same order.
    names = ["purchase_loyalty", "purchase_behaviour", "Abc", "abc", "abc_2", "abc_10",
             "价值", "信用", "z", "purchase_", None]
    con = ibis.duckdb.connect()
    frame = pd.DataFrame({"scheme": names, "n": range(len(names))})
    t = con.create_table("t", frame)
    position = ordered_write.scheme_position(t.scheme, names)
    by_name = t.order_by(t.scheme).n.to_pyarrow().to_pylist()
    by_position = t.order_by(position).n.to_pyarrow().to_pylist()
    assert by_position == by_name
    assert by_name[-1] == names.index(None)  # nulls last either way


def test_rows_are_sorted_by_the_schemes_given_or_found() -> None:
    con = ibis.duckdb.connect()
    ids = [f"c{i:02d}" for i in range(6)]
    features = con.create_table("features", pd.DataFrame({"customer_id": ids}))
    rows = _shuffled_rows(ids)
    staged = con.create_table("staged", rows)
    expected = rows.sort_values(["customer_id", "scheme"]).to_dict("records")
    for schemes in (None, list(SCHEMES)):
        con.raw_sql('CREATE OR REPLACE TABLE "stored" '
                    '("customer_id" VARCHAR, "scheme" VARCHAR, "class_key" VARCHAR)')
        ordered_write.append_in_customer_order(
            con, "stored", staged, customers=features, schemes=schemes
        )
        stored = con.raw_sql('SELECT * FROM "stored" ORDER BY rowid').df()
        assert stored.to_dict("records") == expected
