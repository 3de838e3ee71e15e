"""The spreadsheet rule: text that a spreadsheet would run is text; numbers stay numbers."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from custseg.spreadsheet import csv_safe, csv_text, is_risky, new_workbook, write_table

PAYLOADS = ["=cmd|' /C calc'!A0", "=2+2", "=3+3", "=C0008", "\t=1+1", "\r=1+1", "+1+1",
            "-1+1", "@SUM(A1)"]


@pytest.mark.parametrize("value", PAYLOADS)
def test_formula_text_gets_a_quote_in_csv(value: str) -> None:
    assert is_risky(value)
    assert csv_text(value) == "'" + value


@pytest.mark.parametrize("value", ["-12.5", "+3", "1e5", "-.5", "plain", "a=b", "", "客户"])
def test_harmless_text_is_left_alone(value: str) -> None:
    assert csv_text(value) == value


def test_numbers_and_missing_values_stay_as_they_are() -> None:
    frame = pd.DataFrame({
        "id": ["=C0008", "-12.5", None],
        "amount": [-12.5, 3.0, float("nan")],
        "count": pd.array([-1, 2, None], dtype="Int64"),
        "=header": ["a", "b", "c"],
    })
    safe = csv_safe(frame)
    assert safe["id"].tolist()[:2] == ["'=C0008", "-12.5"] and pd.isna(safe["id"].iloc[2])
    assert safe["amount"].tolist()[:2] == [-12.5, 3.0]
    assert safe["count"].dtype == frame["count"].dtype
    assert list(safe.columns) == ["id", "amount", "count", "'=header"]
    assert frame["id"].iloc[0] == "=C0008"  # the caller's frame is not changed


def test_csv_and_xlsx_writers_follow_the_rule(tmp_path: Path) -> None:
    frame = pd.DataFrame({"text": PAYLOADS, "amount": [-12.5] * len(PAYLOADS)})
    write_table(frame, tmp_path / "x.csv")
    with (tmp_path / "x.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))[1:]
    assert [row[0] for row in rows] == ["'" + p for p in PAYLOADS]
    assert {row[1] for row in rows} == {"-12.5"}
    write_table(frame, tmp_path / "x.xlsx", sheet_name="s")
    sheet = openpyxl.load_workbook(tmp_path / "x.xlsx")["s"]
    # xlsx stores a carriage return as _x000D_ (Excel shows it as one); openpyxl keeps the escape
    texts = [(c.value.replace("_x000D_", "\r"), c.data_type) for c in sheet["A"][1:]]
    assert texts == [(p, "s") for p in PAYLOADS]
    assert {(c.value, c.data_type) for c in sheet["B"][1:]} == {(-12.5, "n")}


def test_new_workbooks_never_turn_text_into_formulas_or_links(tmp_path: Path) -> None:
    book = new_workbook(tmp_path / "w.xlsx")
    sheet = book.add_worksheet("s")
    sheet.write(0, 0, "=2+2")
    sheet.write(1, 0, "http://evil.example")
    sheet.write(2, 0, -3.5)
    book.close()
    cells = openpyxl.load_workbook(tmp_path / "w.xlsx")["s"]
    assert (cells["A1"].value, cells["A1"].data_type) == ("=2+2", "s")
    assert cells["A2"].hyperlink is None and cells["A2"].data_type == "s"
    assert (cells["A3"].value, cells["A3"].data_type) == (-3.5, "n")


def test_rows_beyond_a_sheet_continue_on_new_sheets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import custseg.spreadsheet as spreadsheet

    monkeypatch.setattr(spreadsheet, "MAX_SHEET_ROWS", 4)  # Excel's is 1,048,575
    frame = pd.DataFrame({"customer_id": [f"C{i}" for i in range(10)], "n": range(10)})
    path = tmp_path / "x.xlsx"
    write_table(frame, path, sheet_name="customers")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["customers", "customers (2)", "customers (3)"]
    rows = [row for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)]
    headers = [row for row in rows if row == ("customer_id", "n")]
    data = [row for row in rows if row != ("customer_id", "n")]
    assert len(headers) == 3
    assert data == [(f"C{i}", i) for i in range(10)]


def test_an_empty_table_still_gets_its_header(tmp_path: Path) -> None:
    path = tmp_path / "empty.xlsx"
    write_table(pd.DataFrame({"customer_id": pd.Series([], dtype=str)}), path, "customers")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["customers"]
    assert list(book.active.iter_rows(values_only=True)) == [("customer_id",)]


MARKUP_LIKE = [
    "<r><t>x</t></r>",  # well-formed rich text: would show "x"
    "<r>oops & </r>",  # not XML: the file would not open
    "<r><t>a</t></r><r><t>b</t></r>",
    "<r></r>",
    "<r>客户 <b>甲</b>  </r>",
    "<r>=1+1</r>",
]


@pytest.mark.parametrize("constant_memory", [False, True])
def test_text_that_looks_like_rich_text_markup_stays_text(
    tmp_path: Path, constant_memory: bool
) -> None:
    path = tmp_path / "markup.xlsx"
    book = new_workbook(path, constant_memory=constant_memory)
    sheet = book.add_worksheet("data")
    bold = book.add_format({"bold": True})
    for row, value in enumerate(MARKUP_LIKE):
        sheet.write_string(row, 0, value)
        sheet.write(row, 1, value, bold)
    book.close()
    cells = list(openpyxl.load_workbook(path).active.iter_rows())
    assert [[c.value for c in row] for row in cells] == [[v, v] for v in MARKUP_LIKE]
    assert all(row[1].font.b for row in cells)  # the cell's own format is kept


def test_exports_keep_markup_like_text_and_open(tmp_path: Path) -> None:
    frame = pd.DataFrame({"name": [*MARKUP_LIKE, "<r>\x01ctl</r>"], "n": range(7)})
    path = tmp_path / "export.xlsx"
    write_table(frame, path, "customers")
    back = pd.read_excel(path)  # a file with markup copied in as XML does not open
    assert back["name"].tolist()[:-1] == MARKUP_LIKE
    assert back["n"].tolist() == list(range(7))
