"""The deliberately messy sample: encodings, formats and the documented bad rows."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from custseg.errors import ErrorCode
from custseg.sample import MESSY_FILES, MESSY_REJECTS, write_messy_sample
from custseg.sample import messy as messy_module


@pytest.fixture(scope="module")
def messy_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("messy")
    write_messy_sample(out)
    return out


def _csv_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="gbk", newline="") as handle:
        return list(csv.reader(handle))


def test_writes_the_three_files(messy_dir: Path) -> None:
    assert sorted(p.name for p in messy_dir.iterdir()) == sorted(MESSY_FILES.values())


def test_csv_files_are_gbk_not_utf8(messy_dir: Path) -> None:
    for name in ("orders.csv", "payments.csv"):
        raw = (messy_dir / name).read_bytes()
        with pytest.raises(UnicodeDecodeError):
            raw.decode("utf-8")
        assert b"\r\n" in raw
        assert _csv_rows(messy_dir / name)[0][0] in ("订单号", "发票号")


def test_orders_mix_date_and_amount_formats(messy_dir: Path) -> None:
    rows = _csv_rows(messy_dir / "orders.csv")
    dates = {r[3].strip() for r in rows[1:]}
    assert {"2024-03-05", "2024/3/5", "2024年3月5日", "20240305"} <= dates
    amounts = {r[4] for r in rows[1:]}
    assert {"￥1,234.50", "(120.00)", "１２３４.５０"} <= amounts


def test_customers_sheet_has_real_and_text_dates(messy_dir: Path) -> None:
    sheet = load_workbook(messy_dir / "customers.xlsx")["客户资料"]
    values = [row[2] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert any(not isinstance(v, str) for v in values) and "2023年1月8日" in values


def test_rejects_point_at_existing_rows(messy_dir: Path) -> None:
    counts = {
        "orders.csv": len(_csv_rows(messy_dir / "orders.csv")),
        "payments.csv": len(_csv_rows(messy_dir / "payments.csv")),
        "customers.xlsx": load_workbook(messy_dir / "customers.xlsx")["客户资料"].max_row,
    }
    for reject in MESSY_REJECTS:
        assert 2 <= reject.row <= counts[reject.file], reject
        assert isinstance(reject.code, ErrorCode)
    assert len({(r.file, r.row) for r in MESSY_REJECTS}) == len(MESSY_REJECTS)  # one defect per row


def test_docstring_table_lists_exactly_the_rejects() -> None:
    doc = messy_module.__doc__ or ""
    rows = re.findall(r"^(\S+\.(?:csv|xlsx))\s+(\d+)\s+(\w+)\s+(row\.\w+)", doc, flags=re.M)
    documented = {(f, int(r), c, code) for f, r, c, code in rows}
    assert documented == {(r.file, r.row, r.column, r.code.value) for r in MESSY_REJECTS}


def test_duplicate_rows_repeat_an_earlier_key(messy_dir: Path) -> None:
    orders = _csv_rows(messy_dir / "orders.csv")
    assert orders[9][:2] == orders[2][:2]  # row 10 repeats row 3 (list index = row - 1)
    payments = _csv_rows(messy_dir / "payments.csv")
    assert payments[7][0] == payments[1][0]


def test_reject_headers_are_the_written_headers(messy_dir: Path) -> None:
    headers = {
        "orders.csv": _csv_rows(messy_dir / "orders.csv")[0],
        "payments.csv": _csv_rows(messy_dir / "payments.csv")[0],
        "customers.xlsx": [
            c.value for c in load_workbook(messy_dir / "customers.xlsx")["客户资料"][1]
        ],
    }
    for reject in MESSY_REJECTS:
        assert reject.header in headers[reject.file], reject
