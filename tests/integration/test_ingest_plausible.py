"""Plausibility at ingest (issue 10 item 11): dates, magnitudes, outliers, control characters."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import ibis
import pytest

from custseg import open_workspace
from custseg.errors import ErrorCode
from custseg.ingest import ReadOptions, ingest

AT = dt.datetime(2024, 6, 1, 12, 0)
HEAD = "order_id,customer_id,order_date,amount\n"


@pytest.fixture
def con() -> ibis.BaseBackend:
    return ibis.duckdb.connect()


def _write(tmp_path: Path, text: str, name: str = "o.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_order_dated_9999_is_rejected_and_never_the_default_as_of(tmp_path: Path) -> None:
    ws = open_workspace(tmp_path / "w.duckdb", clock=lambda: AT)
    path = _write(tmp_path, HEAD + "A,C1,2024-05-01,10\nB,C1,9999-12-31,10\nC,C2,2024-06-02,5\n")
    report = ws.ingest("orders", path)
    got = [(r.row, r.code, r.value) for r in report.rejected]
    assert got == [(3, ErrorCode.FUTURE_DATE, "9999-12-31"),
                   (4, ErrorCode.FUTURE_DATE, "2024-06-02")]
    assert "after today (2024-06-01)" in report.rejected[0].message
    assert ws.default_as_of() == dt.date(2024, 5, 1)
    ws.close()


def test_dates_before_the_floor_are_rejected_and_the_floor_is_an_option(
    con: ibis.BaseBackend, tmp_path: Path
) -> None:
    path = _write(tmp_path, HEAD + "A,C1,1899-12-31,10\nB,C1,1950-01-01,10\nC,C1,0001-01-01,1\n")
    report = ingest(con, "orders", path, ingested_at=AT)
    assert [(r.row, r.code) for r in report.rejected] == [(2, ErrorCode.DATE_BEFORE_FLOOR),
                                                          (4, ErrorCode.DATE_BEFORE_FLOOR)]
    report = ingest(con, "orders", path, ingested_at=AT,
                    options=ReadOptions(date_floor=dt.date(1960, 1, 1)))
    assert [r.row for r in report.rejected] == [2, 3, 4]
    assert "--date-floor" in report.rejected[0].message


def test_scheduled_dates_may_be_in_the_future_but_not_absurdly(
    con: ibis.BaseBackend, tmp_path: Path
) -> None:
    text = ("invoice_id,customer_id,invoice_date,due_date,paid_date,amount\n"
            "I1,C1,2024-05-01,2024-09-01,,100\n"
            "I2,C1,2024-05-01,9999-12-31,,100\n"
            "I3,C1,2024-05-01,2024-07-01,2024-07-01,100\n")
    report = ingest(con, "payments", _write(tmp_path, text, "p.csv"), ingested_at=AT)
    got = [(r.row, r.column, r.code) for r in report.rejected]
    assert got == [(3, "due_date", ErrorCode.FUTURE_DATE), (4, "paid_date", ErrorCode.FUTURE_DATE)]
    assert "more than 10 years after today" in report.rejected[0].message


def test_huge_magnitudes_are_rejected(con: ibis.BaseBackend, tmp_path: Path) -> None:
    text = HEAD + ("A,C1,2024-01-01,1e308\nB,C1,2024-01-02,1e308\nC,C1,2024-01-03,-2e15\n"
                   "D,C1,2024-01-04,9\n")
    report = ingest(con, "orders", _write(tmp_path, text), ingested_at=AT)
    assert [(r.row, r.code) for r in report.rejected] == [
        (2, ErrorCode.IMPLAUSIBLE_AMOUNT), (3, ErrorCode.IMPLAUSIBLE_AMOUNT),
        (4, ErrorCode.IMPLAUSIBLE_AMOUNT)]
    total = con.table("orders").amount.sum().to_pyarrow().as_py()
    assert total == 9.0


def test_outlier_amounts_are_accepted_and_flagged(con: ibis.BaseBackend, tmp_path: Path) -> None:
    rows = "".join(f"O{i},C{i % 7},2024-01-{1 + i % 28:02d},{10 + i % 90}\n" for i in range(200))
    text = HEAD + rows + "BIG,C1,2024-02-01,5000000\nOK,C1,2024-02-02,90000\n"
    report = ingest(con, "orders", _write(tmp_path, text), ingested_at=AT)
    assert report.rows_rejected == 0 and report.rows_accepted == 202
    assert [(r.row, r.code, r.value) for r in report.flagged] == [
        (202, ErrorCode.IMPLAUSIBLE_AMOUNT, "5e+06")]
    assert "1,000 times" in report.flagged[0].message
    small = ingest(con, "orders", _write(tmp_path, HEAD + "A,C,2024-01-01,1\nB,C,2024-01-01,1e9\n"),
                   ingested_at=AT)
    assert small.flagged == []  # too few amounts to know the file's distribution


def test_nul_after_the_first_8kb_and_control_characters_in_ids(
    con: ibis.BaseBackend, tmp_path: Path
) -> None:
    filler = "".join(f"C{i},Name {i}\n" for i in range(1_000))
    assert len(filler) > 8_192
    text = "customer_id,name\n" + filler + "X\x00Y,Nul id\nZ\x1b[31m,Escape id\nOK1,Bad\x00name\n"
    report = ingest(con, "customers", _write(tmp_path, text, "c.csv"), ingested_at=AT)
    got = [(r.row, r.column, r.code) for r in report.rejected]
    assert got == [(1_002, "customer_id", ErrorCode.CONTROL_CHARACTER),
                   (1_003, "customer_id", ErrorCode.CONTROL_CHARACTER),
                   (1_004, "name", ErrorCode.CONTROL_CHARACTER)]
    ids = con.table("customers").customer_id.to_pyarrow().to_pylist()
    assert len(ids) == 1_000 and not any("\x00" in i or "\x1b" in i for i in ids)
    assert "\x00" not in (report.rejected[0].value or "")


def test_cli_shows_flags_and_reasons_in_chinese(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from custseg.cli.app import app

    path = _write(tmp_path, HEAD + "A,C1,2024-05-01,10\nB,C1,9999-12-31,10\n")
    result = CliRunner().invoke(app, ["--lang", "zh", "--workspace", str(tmp_path / "w.duckdb"),
                                      "ingest", "orders", str(path), "--json"])
    assert result.exit_code == 0, result.output
    import json

    payload = json.loads(result.stdout)
    assert payload["rejected"][0]["code"] == "row.future_date"
    assert "晚于今天" in payload["rejected"][0]["message"]


def test_row_reasons_are_written_in_the_chosen_language(
    con: ibis.BaseBackend, tmp_path: Path
) -> None:
    path = _write(tmp_path, HEAD + "A,C1,2024-05-01,10\nB,,someday,10\n")
    (row,) = ingest(con, "orders", path, ingested_at=AT, lang="zh").rejected
    assert row.message.startswith("为空，但 customer_id 是必填项")
    assert "；另外 列 'order_date' 'someday': order_date 不是日期" in row.message
    (row,) = ingest(con, "orders", path, ingested_at=AT).rejected
    assert row.message.startswith("empty, but customer_id is required")
