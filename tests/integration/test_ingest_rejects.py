"""Every rejection reason, with the file, row and column the user sees."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import ibis
import pytest

from custseg.errors import ErrorCode, RejectedRow
from custseg.ingest import IngestReport, ingest

AT = dt.datetime(2024, 6, 1)


@pytest.fixture
def con() -> ibis.BaseBackend:
    return ibis.duckdb.connect()


def _ingest(con: ibis.BaseBackend, tmp_path: Path, table: str, text: str, **kw: object) -> IngestReport:
    path = tmp_path / f"{table}.csv"
    path.write_text(text, encoding="utf-8")
    return ingest(con, table, path, ingested_at=AT, **kw)  # type: ignore[arg-type]


def _only(report: IngestReport) -> RejectedRow:
    assert len(report.rejected) == 1, [r.describe() for r in report.rejected]
    return report.rejected[0]


ORDERS = "订单号,客户编号,下单日期,金额,折扣\n"


@pytest.mark.parametrize(
    ("row", "column", "code", "value"),
    [("A2,C1,2024-01-02,12.3O,", "金额", ErrorCode.NOT_A_NUMBER, "12.3O"),
     ("A2,C1,2024-31-01,1,", "下单日期", ErrorCode.NOT_A_DATE, "2024-31-01"),
     ("A2,,2024-01-02,1,", "客户编号", ErrorCode.MISSING_VALUE, None),
     ("A2,C1,,1,", "下单日期", ErrorCode.MISSING_VALUE, None),
     ("A2,C1,2024-01-02,1,-5", "折扣", ErrorCode.IMPOSSIBLE_VALUE, "-5.0")],
)
def test_order_row_rejections(
    con: ibis.BaseBackend, tmp_path: Path, row: str, column: str, code: ErrorCode, value: str | None
) -> None:
    report = _ingest(con, tmp_path, "orders", ORDERS + "A1,C1,2024-01-01,1,\n" + row + "\n")
    bad = _only(report)
    assert (bad.file, bad.row, bad.column, bad.code, bad.value) == ("orders.csv", 3, column, code, value)
    assert con.table("orders").count().execute() == 1
    assert report.rows_read == report.rows_accepted + report.rows_rejected == 2


def test_several_reasons_are_gathered_in_one_rejected_row(con: ibis.BaseBackend, tmp_path: Path) -> None:
    report = _ingest(con, tmp_path, "orders", ORDERS + ",C1,someday,abc,\n")
    bad = _only(report)
    assert bad.code == ErrorCode.MISSING_VALUE and bad.column == "订单号"
    assert "also column '下单日期' 'someday': not a date" in bad.message
    assert "also column '金额' 'abc': not a number" in bad.message


def test_duplicate_key_keeps_first_and_names_it(con: ibis.BaseBackend, tmp_path: Path) -> None:
    text = "订单号,行号,客户编号,下单日期,金额\nA,1,C,2024-01-01,1\nA,2,C,2024-01-01,2\nA,1,C,2024-01-02,3\n"
    bad = _only(_ingest(con, tmp_path, "orders", text))
    assert (bad.row, bad.column, bad.code, bad.value) == (4, "订单号", ErrorCode.DUPLICATE, "A")
    assert "row 2" in bad.message
    assert con.table("orders").amount.sum().execute() == 3.0


def test_orders_without_line_no_are_numbered_and_exact_copies_rejected(
    con: ibis.BaseBackend, tmp_path: Path
) -> None:
    text = ORDERS + "A,C,2024-01-01,1,\nA,C,2024-01-01,1,\nB,C,2024-01-01,5,\nA,C,2024-01-01,2,\n"
    bad = _only(_ingest(con, tmp_path, "orders", text))
    assert (bad.row, bad.code) == (3, ErrorCode.DUPLICATE) and "exact copy of row 2" in bad.message
    stored = con.table("orders").order_by("source_row").to_pandas()
    assert list(zip(stored.order_id, stored.line_no, stored.source_row, strict=True)) == [
        ("A", 1, 2), ("B", 1, 4), ("A", 2, 5)]


def test_returns_are_accepted_and_positive_cost_is_negated(con: ibis.BaseBackend, tmp_path: Path) -> None:
    text = "订单号,客户编号,下单日期,金额,成本,数量\nA,C,2024-01-01,(100),60,0\nB,C,2024-01-01,-50,-30,1\n"
    report = _ingest(con, tmp_path, "orders", text)
    assert report.rows_rejected == 0
    stored = con.table("orders").order_by("source_row").to_pandas()
    assert stored.amount.tolist() == [-100.0, -50.0]
    assert stored.cost.tolist() == [-60.0, -30.0]


def test_unknown_customer_rejected_once_customers_exist(con: ibis.BaseBackend, tmp_path: Path) -> None:
    text = ORDERS + "A,C1,2024-01-01,1,\nB,C9,2024-01-01,1,\n"
    assert _ingest(con, tmp_path, "orders", text).rows_rejected == 0  # no customers table yet
    _ingest(con, tmp_path, "customers", "客户编号\nC1\n")
    bad = _only(_ingest(con, tmp_path, "orders", text))
    assert (bad.row, bad.column, bad.code, bad.value) == (3, "客户编号", ErrorCode.UNKNOWN_CUSTOMER, "C9")


def test_payment_date_checks(con: ibis.BaseBackend, tmp_path: Path) -> None:
    text = ("发票号,客户编号,开票日期,到期日,付款日期,金额\n"
            "I1,C,2024-01-01,2024-02-01,2024-02-03,100\n"
            "I2,C,2024-03-01,2024-02-01,,100\n"
            "I3,C,2024-01-01,2024-02-01,2044-01-01,100\n"
            "I4,C,2024-01-01,2024-02-01,,-1\n")
    report = _ingest(con, tmp_path, "payments", text)
    got = [(r.row, r.column, r.code) for r in report.rejected]
    assert got == [(3, "到期日", ErrorCode.IMPOSSIBLE_VALUE), (4, "付款日期", ErrorCode.IMPOSSIBLE_VALUE),
                   (5, "金额", ErrorCode.IMPOSSIBLE_VALUE)]
    assert "before the invoice date" in report.rejected[0].message
    assert "more than 10 years" in report.rejected[1].message


def test_customer_bounds_vocabulary_and_satisfaction_words(con: ibis.BaseBackend, tmp_path: Path) -> None:
    text = ("客户编号,年龄,满意度,发展前景,客户类型,购买决策因素\n"
            "C1,35岁,非常满意,80,个人,注重价格\n"
            "C2,200,3,50,企业,品质\n"
            "C3,30,6,50,Government,x\n"
            " C4 ,30,满意,101,,\n")
    report = _ingest(con, tmp_path, "customers", text)
    assert [(r.row, r.column, r.code) for r in report.rejected] == [
        (3, "年龄", ErrorCode.IMPOSSIBLE_VALUE), (4, "满意度", ErrorCode.IMPOSSIBLE_VALUE),
        (5, "发展前景", ErrorCode.IMPOSSIBLE_VALUE)]
    stored = con.table("customers").to_pandas().iloc[0]
    assert (stored.age, stored.satisfaction, stored.business_type, stored.decision_factor) == (
        35, 5.0, "individual", "price")


def test_opportunity_stage_normalised(con: ibis.BaseBackend, tmp_path: Path) -> None:
    text = "商机编号,客户编号,创建日期,预计金额,状态\nP1,C,2024-01-01,¥5000,赢单\nP2,C,2024-01-01,,某阶段\n"
    _ingest(con, tmp_path, "opportunities", text)
    stored = con.table("opportunities").order_by("opportunity_id").to_pandas()
    assert stored.stage.tolist() == ["won", "某阶段"]
    assert stored.expected_amount.iloc[0] == 5000.0
