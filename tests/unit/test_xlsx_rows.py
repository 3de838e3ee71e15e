"""Sheets written from columns (custseg.reports.xlsx_rows) hold the cells xlsxwriter writes."""

from __future__ import annotations

import re
import zipfile
import zlib
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pandas as pd
import pytest

import custseg.reports.xlsx_rows as xlsx_rows
from custseg.reports.xlsx_rows import ColumnarBook, crc32_combine, escape_text
from custseg.spreadsheet import TRIGGERS, new_workbook

HOSTILE = [
    "=1+2", "=HYPERLINK(\"http://x\",\"y\")", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)",
    "\t=1", "\r=1", "<r><t>rich</t></r>", "<r>", "a & b < c > d \"q\"", "_x0041_", "\x01ctl\x1f",
    " lead", "trail ", "\u3000全角", "line\nbreak", "😀 emoji", "\ufffe", "客户 C0001", "-12.5",
]
"""Text a spreadsheet program might take for a formula, markup, an escape or white space."""


MARKUP = "<r><t>rich</t></r>"
"""Text that xlsxwriter's constant_memory mode writes as rich-text markup (it reads "rich")."""


def _frame(rows: int, seed: int = 1, hostile: list[str] | None = None) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    # xlsxwriter writes MARKUP as markup; "_x0041_" is read back differently by openpyxl
    # from inline text and from shared strings: both are left to the test of exact values.
    hostile = hostile if hostile is not None else [
        v for v in HOSTILE if v != MARKUP and "_x" not in v
    ]
    repeated = [f"class {k} & <more>" for k in range(7)] + hostile
    text_few = [repeated[k] for k in rng.integers(0, len(repeated), rows)]
    text_few = [None if k % 11 == 0 else ("" if k % 13 == 0 else v) for k, v in enumerate(text_few)]
    unique = [hostile[k % len(hostile)] + f" {k}" if k % 3 else f"C{k:07d}" for k in range(rows)]
    money = rng.normal(0, 1e6, rows)
    money[::5] = np.round(money[::5], 2)
    money[1:3] = [1234.5600000000002, -0.0][: max(rows - 1, 0)]
    counts = pd.array([None if k % 7 == 0 else int(k) for k in range(rows)], dtype="Int64")
    return pd.DataFrame({
        "few": pd.Series(text_few, dtype=object),
        "unique": pd.Series(unique, dtype=object),
        "money": money,
        "count": counts,
        "whole": np.arange(rows, dtype=np.int64) * 3 - 7,
    })


KINDS: list[xlsx_rows.Kind] = ["text", "text", "number", "number", "number"]


def _formats(book: Any) -> list[tuple[Any, Any]]:
    out = []
    for extra in ({}, {"num_format": "#,##0"}, {"text_wrap": True}, {}, {}):
        out.append((book.add_format({"font_size": 10, **extra}),
                    book.add_format({"font_size": 10, "bg_color": "#FFF3E0", **extra})))
    return out


def _reference(frame: pd.DataFrame, flags: np.ndarray, path: Path, sheets: int) -> None:
    """The same sheets written by xlsxwriter cell by cell (custseg's writer before)."""
    book = new_workbook(path, constant_memory=True)
    formats = _formats(book)
    header = book.add_format({"bold": True})
    for number in range(sheets):
        sheet = book.add_worksheet(f"s{number}")
        sheet.write_row(0, 0, list(frame.columns), header)
        for i, row in enumerate(frame.itertuples(index=False), start=1):
            for j, value in enumerate(row):
                style = formats[j][int(flags[i - 1])]
                if value is None or value is pd.NA or value == "" or (
                    isinstance(value, float) and np.isnan(value)
                ):
                    sheet.write_blank(i, j, None, style)
                elif isinstance(value, str):
                    sheet.write_string(i, j, value, style)
                else:
                    sheet.write_number(i, j, float(value) if j == 2 else int(value), style)
        sheet.autofilter(0, 0, len(frame), len(frame.columns) - 1)
    book.close()


def _columnar(frame: pd.DataFrame, flags: np.ndarray, path: Path, sheets: int,
              batch: int) -> None:
    book = ColumnarBook(path)
    formats = _formats(book.book)
    header = book.book.add_format({"bold": True})
    for number in range(sheets):
        sheet = book.book.add_worksheet(f"s{number}")
        book.write_header(sheet, list(frame.columns), header)
        for start in range(0, len(frame), batch):
            part = frame.iloc[start : start + batch]
            book.write_rows(sheet, start + 1, [part[c] for c in part.columns], KINDS, formats,
                            flags[start : start + batch])
        sheet.autofilter(0, 0, len(frame), len(frame.columns) - 1)
    book.close()


def _unescaped(value: Any) -> Any:
    """Text as Excel reads it: ``_xHHHH_`` is the character HHHH."""
    if not isinstance(value, str):
        return value
    return re.sub(r"_x([0-9A-Fa-f]{4})_", lambda m: chr(int(m.group(1), 16)), value)


def _excel_values(path: Path) -> list[list[Any]]:
    """The values of the first sheet's rows below the header, read from the XML as Excel reads
    it (openpyxl decodes ``_xHHHH_`` in shared strings but not in inline text)."""
    from xml.etree import ElementTree

    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        shared = [
            _unescaped("".join(t.text or "" for t in si.iter(f"{{{ns['m']}}}t")))
            for si in ElementTree.fromstring(z.read("xl/sharedStrings.xml")).findall("m:si", ns)
        ] if "xl/sharedStrings.xml" in names else []
        sheet = ElementTree.fromstring(z.read("xl/worksheets/sheet1.xml"))
    out = []
    for row in sheet.iterfind("m:sheetData/m:row", ns):
        values: list[Any] = []
        for c in row.findall("m:c", ns):
            kind, v = c.get("t"), c.find("m:v", ns)
            if kind == "s":
                values.append(shared[int(v.text)])  # type: ignore[union-attr,arg-type]
            elif kind == "inlineStr":
                values.append(_unescaped(c.find("m:is/m:t", ns).text or ""))  # type: ignore[union-attr]
            else:
                values.append(None if v is None else float(v.text))  # type: ignore[arg-type]
        out.append(values)
    return out[1:]


def _cells(path: Path) -> list[Any]:
    book = openpyxl.load_workbook(path)
    return [
        (sheet.title, sheet.dimensions, sheet.auto_filter.ref,
         [[(c.value, c.data_type, c.fill.fgColor.rgb, c.number_format,
            c.alignment.wrap_text, c.font.b) for c in row] for row in sheet.iter_rows()])
        for sheet in book.worksheets
    ]


@pytest.mark.parametrize(("rows", "batch"), [(300, 1000), (300, 7), (1, 1)])
def test_columnar_sheets_hold_the_cells_xlsxwriter_writes(tmp_path: Path, rows: int,
                                                          batch: int) -> None:
    frame = _frame(rows)
    flags = np.arange(rows) % 4 == 1
    _reference(frame, flags, tmp_path / "reference.xlsx", sheets=2)
    _columnar(frame, flags, tmp_path / "columnar.xlsx", sheets=2, batch=batch)
    expected = _cells(tmp_path / "reference.xlsx")
    assert _cells(tmp_path / "columnar.xlsx") == expected
    assert zipfile.ZipFile(tmp_path / "columnar.xlsx").testzip() is None
    with zipfile.ZipFile(tmp_path / "reference.xlsx") as a, \
            zipfile.ZipFile(tmp_path / "columnar.xlsx") as b:
        assert a.read("xl/styles.xml") == b.read("xl/styles.xml")  # same formats, same order


def test_columnar_text_is_never_a_formula_and_repeats_are_shared(tmp_path: Path) -> None:
    frame = _frame(400, hostile=HOSTILE)
    _columnar(frame, np.zeros(400, dtype=bool), tmp_path / "c.xlsx", sheets=1, batch=400)
    sheet = openpyxl.load_workbook(tmp_path / "c.xlsx").active
    cells = [c for row in sheet.iter_rows() for c in row]
    assert not [c.value for c in cells if c.data_type == "f"]
    read = _excel_values(tmp_path / "c.xlsx")
    for value in HOSTILE:
        assert value in {v for row in read for v in row}, value
    expected = frame.astype(object).where(frame.notna(), None).replace("", None)
    expected = [[float(f"{v:.16G}") if isinstance(v, (int, float)) else v for v in row]
                for row in expected.to_numpy().tolist()]
    assert read == expected  # every value exactly (numbers as xlsxwriter writes them: %.16G)
    assert all(c.data_type == "s" for c in cells
               if isinstance(c.value, str) and c.value.startswith(TRIGGERS))
    with zipfile.ZipFile(tmp_path / "c.xlsx") as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
        shared = z.read("xl/sharedStrings.xml").decode()
    assert 't="s"' in sheet and 't="inlineStr"' in sheet  # few distinct: shared; unique: inline
    inline = re.findall(r'<is><t( xml:space="preserve")?>(.*?)</t></is>', sheet, re.DOTALL)
    assert any(keep for keep, _ in inline) and not all(keep for keep, _ in inline)
    for keep, value in inline:  # white space kept where xlsxwriter keeps it, and only there
        assert bool(keep) == bool(re.match(r"\s", value) or re.search(r"\s$", value)), value
    assert "<f>" not in sheet and "<r>" not in sheet and "<r>" not in shared


def test_the_file_is_zip64_where_sizes_need_it(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(xlsx_rows, "ZIP64_AT", 0)  # every size and offset as if over 4 GiB
    frame = _frame(50)
    flags = np.zeros(50, dtype=bool)
    _reference(frame, flags, tmp_path / "reference.xlsx", sheets=1)
    _columnar(frame, flags, tmp_path / "columnar.xlsx", sheets=1, batch=20)
    assert zipfile.ZipFile(tmp_path / "columnar.xlsx").testzip() is None
    assert _cells(tmp_path / "columnar.xlsx") == _cells(tmp_path / "reference.xlsx")


def test_rows_must_come_in_order(tmp_path: Path) -> None:
    book = ColumnarBook(tmp_path / "c.xlsx")
    sheet = book.book.add_worksheet("s")
    formats = _formats(book.book)[:1]
    book.write_rows(sheet, 1, [pd.Series(["a", "b"])], ["text"], formats)
    with pytest.raises(ValueError, match="in order below its header"):
        book.write_rows(sheet, 5, [pd.Series(["c"])], ["text"], formats)
    book.close()


def test_an_infinite_number_is_refused(tmp_path: Path) -> None:
    book = ColumnarBook(tmp_path / "c.xlsx")
    sheet = book.book.add_worksheet("s")
    with pytest.raises(ValueError, match="infinite"):
        book.write_rows(sheet, 1, [pd.Series([1.0, np.inf])], ["number"],
                        _formats(book.book)[:1])
    book.close()


def test_crc32_combine_is_the_crc_of_the_concatenation() -> None:
    rng = np.random.default_rng(3)
    for size_a, size_b in [(0, 0), (0, 5), (7, 0), (1, 1), (1000, 4097), (65536, 12345)]:
        a, b = rng.bytes(size_a), rng.bytes(size_b)
        assert crc32_combine(zlib.crc32(a), zlib.crc32(b), len(b)) == zlib.crc32(a + b)
    # a long second part (a sheet's rows run to gigabytes): zlib continues the first CRC over it
    head, zeros = rng.bytes(100), bytes(10_000_019)
    joined = crc32_combine(zlib.crc32(head), zlib.crc32(zeros), len(zeros))
    assert joined == zlib.crc32(zeros, zlib.crc32(head))


def test_white_space_is_what_python_and_xlsxwriter_call_white_space() -> None:
    spaces = {chr(c) for c in range(0x110000) if re.match(r"\s", chr(c))}
    assert set(xlsx_rows._SPACE) == spaces


def test_escape_text_follows_xlsxwriter() -> None:
    assert escape_text("a & <b>") == ("a &amp; &lt;b&gt;", False)
    assert escape_text(" x") == (" x", True)
    assert escape_text("\x01_x0041_") == ("_x0001__x005F_x0041_", False)
    assert escape_text("\u3000") == ("\u3000", True)
