"""Property: every input row is accepted or rejected exactly once, at its physical line."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import ibis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from custseg.ingest import ingest

CORRUPTIONS = ("none", "date", "amount", "customer", "duplicate", "blank_before")

_CON = ibis.duckdb.connect()  # one in-memory workspace; each example replaces the table

rows_strategy = st.lists(
    st.tuples(
        st.sampled_from(CORRUPTIONS),
        st.integers(min_value=-10_000, max_value=10_000),
        st.sampled_from(["2024-03-05", "2024/3/5", "2024年3月5日", "20240305"]),
    ),
    min_size=1,
    max_size=25,
)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows_strategy)
def test_every_row_is_accepted_or_rejected_once_at_its_line(rows: list[tuple[str, int, str]]) -> None:
    lines = ["订单号,客户编号,下单日期,金额"]
    expected_bad: dict[int, str] = {}  # physical line -> order id written there
    data_lines: set[int] = set()
    previous = None
    for i, (corruption, cents, date) in enumerate(rows):
        record = [f"O{i}", "C1", date, f"¥{cents / 100:,.2f}"]
        if corruption == "date":
            record[2] = "2024-02-30"
        elif corruption == "amount":
            record[3] = "12,3O"
        elif corruption == "customer":
            record[1] = " "
        elif corruption == "duplicate" and previous is not None:
            record = list(previous)
        elif corruption == "blank_before":
            lines.append("")
        lines.append(",".join(f'"{v}"' for v in record))
        line_no = len(lines)
        data_lines.add(line_no)
        if corruption in ("date", "amount", "customer") or (
            corruption == "duplicate" and previous is not None
        ):
            expected_bad[line_no] = record[0]
        if corruption not in ("date", "amount", "customer"):
            previous = record
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "orders.csv"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        report = ingest(_CON, "orders", path, ingested_at=dt.datetime(2024, 6, 1))
        accepted = _CON.table("orders").source_row.to_pyarrow().to_pylist()
    rejected = [r.row for r in report.rejected]
    assert report.rows_read == report.rows_accepted + report.rows_rejected == len(rows)
    assert len(set(rejected)) == len(rejected) and not set(rejected) & set(accepted)
    assert set(rejected) | set(accepted) == data_lines
    assert set(rejected) == set(expected_bad)
    for r in report.rejected:
        assert lines[r.row - 1].startswith(f'"{expected_bad[r.row]}"'), (r.describe(), lines)
