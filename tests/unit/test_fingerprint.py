"""The content hash of an input table: what changes it and what does not."""

from __future__ import annotations

from datetime import date
from typing import Any

import ibis
import pandas as pd
import pytest

from custseg.snapshots.fingerprint import table_fingerprint

ROWS = [
    # order_id, line_no, customer_id, order_date, amount, category
    ("O1", 1, "C1", date(2024, 1, 5), 100.0, "A"),
    ("O2", 1, "C2", date(2024, 2, 5), 50.0, None),
    ("O3", 1, "C1", date(2024, 3, 5), -20.0, "B"),
]


def _hash(rows: list[tuple[Any, ...]], **extra: list[Any]) -> tuple[int, int]:
    frame = pd.DataFrame(
        rows, columns=["order_id", "line_no", "customer_id", "order_date", "amount", "category"]
    )
    frame["order_date"] = pd.to_datetime(frame["order_date"])
    for name, values in extra.items():
        frame[name] = values
    con = ibis.duckdb.connect()
    con.create_table("orders", ibis.memtable(frame).mutate(order_date=ibis._.order_date.date()))
    return table_fingerprint(con, "orders")


def test_row_order_and_lineage_columns_do_not_change_the_hash() -> None:
    n, h = _hash(ROWS)
    assert n == 3
    assert _hash(list(reversed(ROWS))) == (n, h)
    lineage = {"source_file": ["a.csv", "b.csv", "c.csv"], "source_row": [3, 2, 1]}
    assert _hash(ROWS, **lineage) == (n, h)


@pytest.mark.parametrize(
    "changed",
    [
        [ROWS[0][:4] + (100.5, "A"), *ROWS[1:]],  # one amount
        [ROWS[0], ROWS[1][:5] + ("A",), ROWS[2]],  # a null becomes a value
        [ROWS[0][:2] + ("C2",) + ROWS[0][3:], ROWS[1][:2] + ("C1",) + ROWS[1][3:], ROWS[2]],
        [ROWS[0][:3] + (date(2024, 2, 5),) + ROWS[0][4:], ROWS[1][:3] + (date(2024, 1, 5),)
         + ROWS[1][4:], ROWS[2]],  # two rows swap their dates: every column keeps its values
    ],
)
def test_any_changed_value_changes_the_hash(changed: list[tuple[Any, ...]]) -> None:
    assert _hash(changed) != _hash(ROWS)
