"""Typed Parquet input: bad values in typed columns are still rejected with row and column.

The staged rows carry each row's failed rules as bit masks and the shown values as one list
(:func:`custseg.ingest.validate._reasons`); total rows are looked for only where an id's first
character may begin a total word. These tests pin both paths on typed columns.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import ibis
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from custseg.errors import ErrorCode
from custseg.ingest import ingest
from custseg.ingest.checks import Rule
from custseg.ingest.validate import BITS, FAILED, SHOWN, _reasons, _unpacked

AT = dt.datetime(2024, 6, 1, 12, 0)


@pytest.fixture
def con() -> ibis.BaseBackend:
    return ibis.duckdb.connect()


def test_bad_values_in_typed_parquet_columns_are_rejected_with_row_and_column(
    con: ibis.BaseBackend, tmp_path: Path
) -> None:
    path = tmp_path / "orders.parquet"
    day = dt.date(2024, 1, 1)
    pq.write_table(pa.table({
        "order_id": ["A", "B", "C", "D", "E", "F"],
        "customer_id": ["C1", "C1", "C2", "C2", "C3", "C3"],
        "order_date": pa.array([day, day, dt.date(2030, 1, 1), day, day, None], pa.date32()),
        "amount": [1.0, float("nan"), 2.0, 3.0, 2e15, 4.0],
        "discount": [0.0, 0.0, 0.0, -1.0, 0.0, 0.0],
    }), path)
    report = ingest(con, "orders", path, ingested_at=AT)
    got = [(r.row, r.column, r.code, r.value) for r in report.rejected]
    assert got == [
        (3, "amount", ErrorCode.NOT_A_NUMBER, "nan"),
        (4, "order_date", ErrorCode.FUTURE_DATE, "2030-01-01"),
        (5, "discount", ErrorCode.IMPOSSIBLE_VALUE, "-1.0"),
        (6, "amount", ErrorCode.IMPLAUSIBLE_AMOUNT, "2000000000000000.0"),
        (7, "order_date", ErrorCode.MISSING_VALUE, None),
    ]
    assert report.rows_accepted == 1
    stored = con.table("orders").to_pyarrow()
    assert stored.column("order_id").to_pylist() == ["A"]
    assert stored.column("source_row").to_pylist() == [2]


def test_ids_beginning_like_total_words_are_looked_at_and_kept(
    con: ibis.BaseBackend, tmp_path: Path
) -> None:
    path = tmp_path / "orders.parquet"
    pq.write_table(pa.table({
        "order_id": ["A", "B", "C", "D", "E", "F"],
        "customer_id": ["T100", "sum1", "C9", "Total", " total:", "合计"],
        "order_date": pa.array([dt.date(2024, 1, 1)] * 6, pa.date32()),
        "amount": [1.0, 2.0, 3.0, 6.0, 6.0, 6.0],
    }), path)
    report = ingest(con, "orders", path, ingested_at=AT)
    got = [(r.row, r.code, r.value) for r in report.rejected]
    # a total row is reported by its first text cell (here the order id)
    assert got == [(5, ErrorCode.TOTAL_ROW, "D"), (6, ErrorCode.TOTAL_ROW, "E"),
                   (7, ErrorCode.TOTAL_ROW, "F")]
    kept = con.table("orders").order_by("source_row").customer_id.to_pyarrow().to_pylist()
    assert kept == ["T100", "sum1", "C9"]


def test_failed_rules_round_trip_through_bit_masks_beyond_one_word() -> None:
    count = BITS + 8  # two words of bits
    rows = ibis.memtable({"n": [0, 1, 2]})
    masks = {f"__m{i}": (rows.n == 1) if i in (0, BITS - 1, BITS, count - 1)
             else (rows.n == 2) & (i % 2 == 0) for i in range(count)}
    marked = rows.mutate(**masks)
    failed = ibis.literal(False)
    for name in masks:
        failed |= marked[name]
    marked = marked.mutate(**{FAILED: failed})
    rules = [Rule(ibis.literal(False), ErrorCode.IMPOSSIBLE_VALUE, "n", f"rule {i}",
                  None if i % 3 else ibis.literal(f"v{i}")) for i in range(count)]
    fetched = ibis.duckdb.connect().execute(
        marked.select("n", FAILED, **_reasons(marked, rules)).order_by("n")).to_dict("records")
    assert fetched[0][SHOWN] is None
    for item in fetched:
        unpacked = _unpacked(item, count)
        n = item["n"]
        for i in range(count):
            special = i in (0, BITS - 1, BITS, count - 1)
            expected = n == 1 if special else (n == 2 and i % 2 == 0)
            assert unpacked[f"__m{i}"] is expected, (n, i)
            shown = f"v{i}" if expected and i % 3 == 0 else None
            assert unpacked[f"__s{i}"] == shown, (n, i)
