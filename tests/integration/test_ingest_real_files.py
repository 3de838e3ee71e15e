"""Real files as they come (issue 9 item 7): delimiters, encodings, title rows, totals, no keys."""

from __future__ import annotations

import datetime as dt
import gzip
import shutil
from pathlib import Path

import ibis
import pandas as pd
import pytest

from custseg.errors import ErrorCode, InputDataError
from custseg.ingest import ReadOptions, ingest
from custseg.ingest.text import decode, detect_delimiter

AT = dt.datetime(2024, 6, 1, 12, 0)
DATA = Path(__file__).resolve().parents[1] / "data"
CDNOW = DATA / "cdnow" / "CDNOW_master.txt.gz"


@pytest.fixture
def con() -> ibis.BaseBackend:
    return ibis.duckdb.connect()


def _table(con: ibis.BaseBackend, name: str) -> pd.DataFrame:
    return con.table(name).order_by("source_row").to_pandas()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("id,date,amount\n1,2024-01-01,5\n", ","),
        ("id;date;amount\n1;2024-01-01;12,50\n2;2024-01-02;3,10\n", ";"),
        ("id\tdate\tamount\n1\t2024-01-01\t1,234.50\n", "\t"),
        ("id|date|amount\n1|2024-01-01|5\n", "|"),
        (" customer_id  date number_of_cds  dollar_value\n 00001 19970101  1   11.77\n", " "),
        ('name,amount\n"Acme, Inc.",5\n"Bolt; Ltd",6\n', ","),
    ],
)
def test_delimiter_detection(text: str, expected: str) -> None:
    assert detect_delimiter(text) == expected


@pytest.mark.slow
def test_cdnow_master_gzipped_ingests_with_zero_options(con: ibis.BaseBackend) -> None:
    report = ingest(con, "orders", CDNOW, ingested_at=AT)
    assert (report.rows_read, report.rows_accepted, report.rows_rejected) == (69_659, 69_659, 0)
    assert report.column_mapping == {"customer_id": "customer_id", "date": "order_date",
                                     "number_of_cds": "quantity", "dollar_value": "amount"}
    assert report.derived == ["order_id"] and report.detected["delimiter"] == " "
    orders = con.table("orders")
    stats = orders.aggregate(customers=orders.customer_id.nunique(),
                             orders=orders.order_id.nunique(), total=orders.amount.sum(),
                             cds=orders.quantity.sum()).to_pandas().iloc[0]
    assert stats.customers == 23_570
    pairs = orders.select("customer_id", "order_date").distinct().count().to_pyarrow().as_py()
    assert stats.orders == pairs  # one order per customer and date
    assert round(float(stats.total), 2) == 2_500_315.63 and int(stats.cds) == 167_881
    first = orders.filter(orders.customer_id == "00002").order_by("source_row").to_pandas()
    assert first.order_id.tolist() == ["00002-19970112", "00002-19970112"]
    assert first.line_no.tolist() == [1, 2] and first.source_row.tolist() == [3, 4]
    assert [n.key for n in report.notes] == ["ingest_derived_order_id", "ingest_repeated_lines"]


@pytest.mark.slow
def test_cdnow_master_plain_text_via_cli(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from custseg.cli.app import app

    plain = tmp_path / "CDNOW_master.txt"
    with gzip.open(CDNOW, "rb") as src, plain.open("wb") as dst:
        shutil.copyfileobj(src, dst)
    result = CliRunner().invoke(app, ["--workspace", str(tmp_path / "w.duckdb"), "ingest",
                                      "orders", str(plain)])
    assert result.exit_code == 0, result.output
    assert "69,659 rows read = 69,659 accepted + 0 rejected" in result.output
    assert "order_id was derived" in result.output


def test_cdnow_sample_without_header_needs_columns(con: ibis.BaseBackend) -> None:
    sample = DATA / "cdnow" / "CDNOW_sample.txt"
    with pytest.raises(InputDataError) as info:
        ingest(con, "orders", sample, ingested_at=AT)
    assert "--columns" in info.value.message and "line 1" in info.value.message
    options = ReadOptions(columns=("customer_id", "_", "order_date", "quantity", "amount"))
    report = ingest(con, "orders", sample, ingested_at=AT, options=options)
    assert (report.rows_read, report.rows_accepted) == (6_919, 6_919)
    assert _table(con, "orders").source_row.iloc[0] == 1  # no header: the first line is data


def test_columns_count_must_match(con: ibis.BaseBackend, tmp_path: Path) -> None:
    path = tmp_path / "o.txt"
    path.write_text("1 19970101 1 11.77\n")
    with pytest.raises(InputDataError, match="4 fields"):
        ingest(con, "orders", path, ingested_at=AT, options=ReadOptions(columns=("a", "b")))


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-8-sig", "gbk", "gb18030"])
def test_encodings(con: ibis.BaseBackend, tmp_path: Path, encoding: str) -> None:
    text = ("客户编号\t客户名称\t地区\r\nC1\t北京市某某科技有限公司\t华北\r\n"
            "C2\t上海＊公司\t华东\r\n")
    if encoding == "gbk":
        text = text.replace("＊", "某")
    bom = {"utf-16-le": b"\xff\xfe", "utf-16-be": b"\xfe\xff"}.get(encoding, b"")
    path = tmp_path / "customers.txt"
    path.write_bytes(bom + text.encode(encoding))
    report = ingest(con, "customers", path, ingested_at=AT)
    assert report.rows_accepted == 2, report.rejected
    assert _table(con, "customers").name.iloc[0] == "北京市某某科技有限公司"


def test_erp_export_with_title_rows_and_total_row(con: ibis.BaseBackend, tmp_path: Path) -> None:
    lines = [
        "销售订单明细表（2024年）,,,",
        ",,,",
        "订单号,客户编号,下单日期,金额",
        "SO1,C1,2024-01-05,100",
        "SO2,C2,2024-01-06,200",
        "合计,,,300",
        "SO3,,2024-01-07,50",
        "总计：,,,350",
    ]
    path = tmp_path / "orders.csv"
    path.write_text("\n".join(lines) + "\n", encoding="gb18030")
    report = ingest(con, "orders", path, ingested_at=AT)
    assert report.detected["header_row"] == 3
    assert _table(con, "orders").source_row.tolist() == [4, 5]
    got = [(r.row, r.code) for r in report.rejected]
    assert got == [(6, ErrorCode.TOTAL_ROW), (7, ErrorCode.MISSING_VALUE), (8, ErrorCode.TOTAL_ROW)]
    assert "total row (合计)" in report.rejected[0].message
    assert report.rows_read == 5


def test_total_word_as_a_customer_name_with_an_id_is_a_customer(
    con: ibis.BaseBackend, tmp_path: Path
) -> None:
    path = tmp_path / "c.csv"
    path.write_text("customer_id,name\nC1,Total\n,Grand Total\nC2,Acme\n")
    report = ingest(con, "customers", path, ingested_at=AT)
    assert _table(con, "customers").name.tolist() == ["Total", "Acme"]
    assert [(r.row, r.code) for r in report.rejected] == [(3, ErrorCode.TOTAL_ROW)]


def test_header_row_option(con: ibis.BaseBackend, tmp_path: Path) -> None:
    path = tmp_path / "o.csv"
    path.write_text("x,y,z,w\nid,cust,day,amt\nA,C1,2024-01-01,5\n")
    options = ReadOptions(header_row=2)
    mapping = {"id": "order_id", "cust": "customer_id", "day": "order_date", "amt": "amount"}
    report = ingest(con, "orders", path, ingested_at=AT, options=options, mapping=mapping)
    assert report.rows_accepted == 1 and _table(con, "orders").source_row.tolist() == [3]
    with pytest.raises(InputDataError, match="--header-row 9"):
        ingest(con, "orders", path, ingested_at=AT, options=ReadOptions(header_row=9))


def test_delimiter_option(con: ibis.BaseBackend, tmp_path: Path) -> None:
    path = tmp_path / "c.txt"
    path.write_text("customer_id:name\nC1:Acme, Inc\nC2:Bolt\n")
    report = ingest(con, "customers", path, ingested_at=AT, options=ReadOptions(delimiter=":"))
    assert report.rows_accepted == 2 and _table(con, "customers").name.iloc[0] == "Acme, Inc"


def test_cr_only_line_endings(con: ibis.BaseBackend, tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_bytes(b"customer_id,name\rC1,Acme\rC2,\"Two\rlines\"\rC3,Bolt\r")
    report = ingest(con, "customers", path, ingested_at=AT)
    table = _table(con, "customers")
    assert report.rows_accepted == 3 and table.source_row.tolist() == [2, 3, 5]
    assert decode(b"a\rb\r\nc", "x")[0] == "a\nb\nc"


def test_leading_tab_is_trimmed_as_whitespace_and_kept_as_text(
    con: ibis.BaseBackend, tmp_path: Path
) -> None:
    path = tmp_path / "c.csv"
    path.write_text("customer_id,name\nC1,\t=1+1\n")
    ingest(con, "customers", path, ingested_at=AT)
    assert _table(con, "customers").name.tolist() == ["=1+1"]  # text; writers neutralise it


def test_orders_without_order_number_one_order_per_customer_and_day(
    con: ibis.BaseBackend, tmp_path: Path
) -> None:
    path = tmp_path / "o.csv"
    path.write_text("客户编号,下单日期,金额\nC1,2024-01-01,5\nC1,2024-01-01,5\nC1,2024-01-02,7\n"
                    "C2,2024-01-01,1\n")
    report = ingest(con, "orders", path, ingested_at=AT)
    table = _table(con, "orders")
    assert table.order_id.tolist() == ["C1-20240101", "C1-20240101", "C1-20240102", "C2-20240101"]
    assert table.line_no.tolist() == [1, 2, 1, 1]
    assert report.rows_accepted == 4 and report.derived == ["order_id"]
    assert "one order per customer and date" in report.notes[0].render("en")
    assert "每个客户每天一个订单" in report.notes[0].render("zh")


@pytest.mark.parametrize(
    ("header", "first", "basis"),
    [("订单号,客户编号,到期日,金额", "SO1-20240301", "order number"),
     ("单据编号,客户编号,到期日,金额", "SO1", None),
     ("客户编号,到期日,金额", "C1-20240301", "customer id")],
)
def test_payments_without_invoice_number(
    con: ibis.BaseBackend, tmp_path: Path, header: str, first: str, basis: str | None
) -> None:
    rows = ["SO1,C1,2024-03-01,100", "SO1,C1,2024-03-01,50", "SO2,C2,2024-04-01,10"]
    if header.count(",") == 2:
        rows = [r.split(",", 1)[1] for r in rows]
    path = tmp_path / "p.csv"
    path.write_text(header + "\n" + "\n".join(rows) + "\n")
    if basis is None:  # 单据编号 is an invoice number: duplicates are duplicates
        report = ingest(con, "payments", path, ingested_at=AT)
        assert report.derived == [] and report.rows_rejected == 1
        return
    report = ingest(con, "payments", path, ingested_at=AT)
    ids = _table(con, "payments").invoice_id.tolist()
    assert ids[0] == first and len(set(ids)) == 3 and ids[1] == first + "-2"
    assert report.rows_accepted == 3 and report.derived == ["invoice_id"]
    assert basis in report.notes[0].render("en")


def test_unknown_headers_get_a_suggestion_each(con: ibis.BaseBackend, tmp_path: Path) -> None:
    path = tmp_path / "o.csv"
    path.write_text("order,custmer_id,oder_date,amout\nA,C1,2024-01-01,5\n")
    with pytest.raises(InputDataError) as info:
        ingest(con, "orders", path, ingested_at=AT)
    message = info.value.message
    for hint in ("--map 'custmer_id=customer_id'", "--map 'oder_date=order_date'",
                 "--map 'amout=amount'"):
        assert hint in message
    assert "order,custmer_id" not in message
    assert "建议的映射" in info.value.words.render("zh")


def test_cli_options_and_zh_messages(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from custseg.cli.app import app

    path = tmp_path / "o.txt"
    path.write_text("1 19970101 1 11.77\n2 19970102 2 20.00\n")
    ws = str(tmp_path / "w.duckdb")
    runner = CliRunner()
    refused = runner.invoke(app, ["--lang", "zh", "--workspace", ws, "ingest", "orders", str(path)])
    assert refused.exit_code == 1 and "--columns" in refused.output and "表头" in refused.output
    ok = runner.invoke(app, ["--lang", "zh", "--workspace", ws, "ingest", "orders", str(path),
                             "--columns", "customer_id,order_date,quantity,amount",
                             "--delimiter", "space"])
    assert ok.exit_code == 0, ok.output
    assert "读取 2 行 = 接受 2 行 + 拒绝 0 行" in ok.output and "连续空白" in ok.output


def test_xlsx_export_with_title_rows_total_row_and_columns_option(
    con: ibis.BaseBackend, tmp_path: Path
) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["销售订单明细表（2024年）"])
    sheet.append([])
    sheet.append(["订单号", "客户编号", "下单日期", "金额"])
    sheet.append(["SO1", "C1", dt.date(2024, 1, 5), 100])
    sheet.append(["SO2", "C2", dt.date(2024, 1, 6), 200])
    sheet.append(["合计", None, None, 300])
    path = tmp_path / "orders.xlsx"
    book.save(path)
    report = ingest(con, "orders", path, ingested_at=AT)
    assert _table(con, "orders").source_row.tolist() == [4, 5]
    assert [(r.row, r.code) for r in report.rejected] == [(6, ErrorCode.TOTAL_ROW)]
    options = ReadOptions(columns=("order_id", "customer_id", "order_date", "amount"))
    report = ingest(con, "orders", path, ingested_at=AT, options=options)
    assert report.rows_accepted == 2  # the title and header rows are rejected as bad data
    assert {r.row for r in report.rejected} == {1, 3, 6}
