"""Reading every kind of source: encodings, Excel cells, Parquet, a database table, bad files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import ibis
import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from custseg.errors import ErrorCode, InputDataError
from custseg.ingest import ingest

AT = dt.datetime(2024, 6, 1, 12, 0)


@pytest.fixture
def con() -> ibis.BaseBackend:
    return ibis.duckdb.connect()


def _orders(con: ibis.BaseBackend) -> pd.DataFrame:
    return con.table("orders").order_by("source_row").to_pandas()


def _dates(con: ibis.BaseBackend, table: str, column: str) -> list[dt.date | None]:
    assert con.table(table).schema()[column].is_date()
    return con.table(table).order_by("source_row")[column].to_pyarrow().to_pylist()


def test_gbk_csv_with_chinese_headers(con: ibis.BaseBackend, tmp_path: Path) -> None:
    path = tmp_path / "订单.csv"
    text = "订单号,客户编号,下单日期,销售金额,产品类别\nA1,C1,2024年3月5日,\"1,234.50\",办公用品\n"
    path.write_bytes(text.encode("gbk"))
    report = ingest(con, "orders", path, ingested_at=AT)
    assert report.rows_accepted == 1
    row = _orders(con).iloc[0]
    assert (row.order_id, row.customer_id, row.amount, row.category) == ("A1", "C1", 1234.5, "办公用品")
    assert _dates(con, "orders", "order_date") == [dt.date(2024, 3, 5)]


def test_utf8_bom_csv(con: ibis.BaseBackend, tmp_path: Path) -> None:
    path = tmp_path / "customers.csv"
    path.write_bytes("客户编号,客户名称,性质\r\nC1,甲公司,国企\r\n".encode("utf-8-sig"))
    report = ingest(con, "customers", path, ingested_at=AT)
    assert report.column_mapping == {"客户编号": "customer_id", "客户名称": "name", "性质": "nature"}
    stored = con.table("customers").to_pandas().iloc[0]
    assert (stored.customer_id, stored["name"], stored.nature) == ("C1", "甲公司", "special_company")


def test_semicolon_csv_and_blank_lines_keep_line_numbers(con: ibis.BaseBackend, tmp_path: Path) -> None:
    path = tmp_path / "o.csv"
    path.write_text("order_id;customer_id;order_date;amount\nA;C;2024-01-01;1\n\nB;C;bad;2\n")
    report = ingest(con, "orders", path, ingested_at=AT)
    assert report.rows_read == 2
    assert [(r.row, r.code) for r in report.rejected] == [(4, ErrorCode.NOT_A_DATE)]


def test_csv_with_quoted_line_break_reports_physical_line(con: ibis.BaseBackend, tmp_path: Path) -> None:
    path = tmp_path / "o.csv"
    path.write_text('order_id,customer_id,order_date,amount,product\nA,C,2024-01-01,1,"two\nlines"\n'
                    "B,C,2024-01-01,x,p\n")
    report = ingest(con, "orders", path, ingested_at=AT)
    assert [r.row for r in report.rejected] == [4]
    assert _orders(con).source_row.tolist() == [2]


def test_csv_row_with_extra_fields_is_rejected(con: ibis.BaseBackend, tmp_path: Path) -> None:
    path = tmp_path / "o.csv"
    path.write_text("order_id,customer_id,order_date,amount\nA,C,2024-01-01,1\nB,C,2024-01-01,1,234\n")
    report = ingest(con, "orders", path, ingested_at=AT)
    assert report.rows_accepted == 1
    assert report.rejected[0].row == 3 and "more fields than the header" in report.rejected[0].message


def _workbook(path: Path, *, sheet: str = "订单") -> None:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "说明"
    ws.append(["this sheet is not data"])
    data = book.create_sheet(sheet)
    data.append(["订单号", "客户编号", "日期", "金额", "数量"])
    data.append(["A1", 1001, dt.datetime(2024, 3, 5), 1234.5, 2])
    data.append(["A2", 1002, 45356, "¥99", 1])  # a serial number typed as a plain number
    data.append([None, None, None, None, None])  # blank sheet row
    data.append(["A3", 1003, "2024/3/7", 10, None])
    data.append(["A4", 1004, "someday", 10, 1])
    book.save(path)


def test_xlsx_with_date_cells_serials_and_numeric_ids(con: ibis.BaseBackend, tmp_path: Path) -> None:
    path = tmp_path / "orders.xlsx"
    _workbook(path)
    report = ingest(con, "orders", path, sheet="订单", ingested_at=AT)
    assert report.file == "orders.xlsx, sheet 订单"
    orders = _orders(con)
    assert orders.customer_id.tolist() == ["1001", "1002", "1003"]
    assert _dates(con, "orders", "order_date") == [
        dt.date(2024, 3, 5), dt.date(2024, 3, 5), dt.date(2024, 3, 7)]
    assert orders.amount.tolist() == [1234.5, 99.0, 10.0]
    assert orders.source_row.tolist() == [2, 3, 5]
    (bad,) = report.rejected
    assert (bad.file, bad.row, bad.column, bad.value) == ("orders.xlsx, sheet 订单", 6, "日期", "someday")


def test_xlsx_typed_date_column(con: ibis.BaseBackend, tmp_path: Path) -> None:
    path = tmp_path / "c.xlsx"
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["客户编号", "创建日期", "年龄", "满意度"])
    ws.append(["C1", dt.date(2020, 1, 2), 41, 4.0])
    ws.append(["C2", dt.datetime(2021, 5, 6, 13, 0), None, None])
    book.save(path)
    ingest(con, "customers", path, ingested_at=AT)
    stored = con.table("customers").order_by("customer_id").to_pandas()
    assert _dates(con, "customers", "created_date") == [dt.date(2020, 1, 2), dt.date(2021, 5, 6)]
    assert stored.age.iloc[0] == 41 and pd.isna(stored.age.iloc[1])
    assert stored.satisfaction.iloc[0] == 4.0


def test_missing_sheet_lists_sheets(con: ibis.BaseBackend, tmp_path: Path) -> None:
    path = tmp_path / "orders.xlsx"
    _workbook(path)
    with pytest.raises(InputDataError, match=r"no sheet 'Orders'.*'说明', '订单'"):
        ingest(con, "orders", path, sheet="Orders", ingested_at=AT)


def test_parquet_with_typed_columns(con: ibis.BaseBackend, tmp_path: Path) -> None:
    path = tmp_path / "orders.parquet"
    table = pa.table({
        "order_id": ["A", "A", "B"],
        "line_no": pa.array([1, 2, 1], pa.int32()),
        "customer_id": pa.array([1001, 1001, 1002], pa.int64()),
        "order_date": pa.array([dt.date(2024, 1, 1), dt.date(2024, 1, 2), None], pa.date32()),
        "amount": [1.0, -2.0, 3.0],
        "cost": [0.5, 1.0, None],
        "unused": ["x", "y", "z"],
    })
    pq.write_table(table, path)
    report = ingest(con, "orders", path, ingested_at=AT)
    assert report.ignored_columns == ["unused"]  # listed, but not even read
    orders = _orders(con)
    assert orders.customer_id.tolist() == ["1001", "1001"]
    assert orders.cost.tolist() == [0.5, -1.0]  # a return's positive cost is negated
    (missing,) = report.rejected
    assert (missing.row, missing.column, missing.code) == (4, "order_date", ErrorCode.MISSING_VALUE)


def test_duckdb_database_table(con: ibis.BaseBackend, tmp_path: Path) -> None:
    db_path = tmp_path / "erp.duckdb"
    source = ibis.duckdb.connect(db_path)
    source.create_table("kunden", pd.DataFrame({"Kunden-Nr": ["K1", "K2", "K2"],
                                               "行业": ["制造", "零售", "零售"]}))
    source.disconnect()
    report = ingest(con, "customers", f"duckdb:///{db_path}", source_table="kunden",
                    mapping={"Kunden-Nr": "customer_id"}, ingested_at=AT)
    assert report.file == f"kunden (duckdb:///{db_path})"
    assert (report.rows_read, report.rows_accepted) == (3, 2)
    assert report.rejected[0].row == 4 and report.rejected[0].code == ErrorCode.DUPLICATE
    stored = con.table("customers").order_by("customer_id").to_pandas()
    assert stored.industry.tolist() == ["制造", "零售"]


def test_database_missing_table_lists_tables(con: ibis.BaseBackend, tmp_path: Path) -> None:
    db_path = tmp_path / "erp.duckdb"
    source = ibis.duckdb.connect(db_path)
    source.create_table("kunden", pd.DataFrame({"a": [1]}))
    source.disconnect()
    with pytest.raises(InputDataError, match=r"no table 'customers'.*kunden"):
        ingest(con, "customers", f"duckdb:///{db_path}", source_table="customers", ingested_at=AT)
    with pytest.raises(InputDataError, match="does not exist"):
        ingest(con, "customers", f"duckdb:///{tmp_path}/nope.db", source_table="x", ingested_at=AT)
    with pytest.raises(InputDataError, match="source_table"):
        ingest(con, "customers", f"duckdb:///{db_path}", ingested_at=AT)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [("o.csv", b"", "empty"),
     ("o.csv", b"order_id,customer_id,order_date,amount\n", "no data rows"),
     ("o.csv", b"PK\x03\x04\x00\x00binary", "not a text file"),
     ("o.xlsx", b"order_id,customer_id\n1,2\n", "not a readable .xlsx"),
     ("o.parquet", b"not parquet", "not a readable Parquet"),
     ("o.xls", b"old", ".xls workbooks are not supported"),
     ("o.json", b"{}", "unknown file type")],
)
def test_unreadable_files_raise_and_write_nothing(
    con: ibis.BaseBackend, tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputDataError, match=message):
        ingest(con, "orders", path, ingested_at=AT)
    assert con.list_tables() == []


def test_missing_file_raises(con: ibis.BaseBackend, tmp_path: Path) -> None:
    with pytest.raises(InputDataError, match="does not exist"):
        ingest(con, "orders", tmp_path / "nope.csv", ingested_at=AT)


def test_missing_columns_error_lists_all_and_headers_found(con: ibis.BaseBackend, tmp_path: Path) -> None:
    path = tmp_path / "o.csv"
    path.write_text("单号,Kunde,Datum\nA,C,2024-01-01\n")
    with pytest.raises(InputDataError) as info:
        ingest(con, "orders", path, ingested_at=AT)
    message = info.value.message
    assert info.value.code == ErrorCode.INPUT_MISSING_COLUMNS
    assert "customer_id" in message and "order_date" in message and "amount" in message
    assert "'单号', 'Kunde', 'Datum'" in message and "--map HEADER=FIELD" in message
    assert con.list_tables() == []


FIXTURES = Path(__file__).parents[1] / "data" / "ingest"


def test_messy_gbk_fixture_file(con: ibis.BaseBackend) -> None:
    report = ingest(con, "orders", FIXTURES / "orders_gbk.csv", ingested_at=AT)
    assert report.ignored_columns == ["备注"]
    assert [(r.row, r.column, r.code) for r in report.rejected] == [
        (7, "订单日期", ErrorCode.NOT_A_DATE), (8, "客户代码", ErrorCode.MISSING_VALUE),
        (9, "含税金额", ErrorCode.NOT_A_NUMBER), (10, "订单编号", ErrorCode.DUPLICATE)]
    orders = _orders(con)
    assert orders.amount.tolist() == [1234.5, 99.0, -120.0, 123.5, 50.0]
    assert orders.cost.tolist()[:3] == [800.0, 60.0, -80.0]
    assert orders.line_no.tolist() == [1, 2, 1, 1, 1]
    assert orders.customer_id.tolist() == ["1001", "1001", "1002", "1003", "1004"]
    assert orders.status.tolist() == ["completed", "completed", "completed", "open", "open"]
    assert set(_dates(con, "orders", "order_date")) == {
        dt.date(2024, 3, d) for d in (5, 6, 7, 8)}
