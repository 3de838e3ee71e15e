"""Spreadsheet safety: data never becomes a formula, in any file custseg writes.

The one rule, used by every writer (export, actions, reports, rejects):

- **xlsx**: every text value is written as a text cell (xlsxwriter ``write_string``; the
  workbook is created with ``strings_to_formulas`` and ``strings_to_urls`` off, so that no
  ``write`` call can turn data into a formula or a link). Text is kept exactly as it is, also
  text that looks like rich-text markup (``<r>…</r>``), which xlsxwriter would otherwise copy
  into the file as XML: the cell would show something else, or the file would not open.
- **CSV** (OWASP, "CSV Injection"): a text value that starts with ``=``, ``+``, ``-``, ``@``,
  a tab or a carriage return gets a single quote (``'``) in front, so that spreadsheet programs
  read it as text; a value holding a quote, comma or line break is quoted and its quotes
  doubled (RFC 4180). A text value that is
  just a plain number (``-12.5``, ``+3``) is left alone: it cannot hold a formula.
- Numbers stay numbers: numeric columns are never changed, in either format.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd
import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

TRIGGERS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet program read a cell as a formula."""

CSV_PREFIX = "'"
"""What goes in front of a text value that starts with a trigger, in CSV files."""

WORKBOOK_OPTIONS: dict[str, Any] = {
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}
"""xlsxwriter options of every workbook custseg writes: text always stays text."""

_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def is_risky(value: str) -> bool:
    """Whether text ``value`` would be read as a formula by a spreadsheet program."""
    return value.startswith(TRIGGERS) and not _PLAIN_NUMBER.fullmatch(value)


def csv_text(value: Any) -> Any:
    """``value`` made safe for a CSV cell: risky text gets the prefix, anything else is kept."""
    if isinstance(value, str) and is_risky(value):
        return CSV_PREFIX + value
    return value


def csv_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells and headers follow the CSV rule; numbers unchanged."""
    out = frame.copy()
    for column in out.columns:
        series = out[column]
        if pd.api.types.is_numeric_dtype(series) or pd.api.types.is_datetime64_any_dtype(series):
            continue
        out[column] = series.map(csv_text, na_action="ignore")
    out.columns = [csv_text(str(c)) for c in out.columns]
    return out


def looks_like_markup(value: str) -> bool:
    """Whether xlsxwriter would write text ``value`` as rich-text XML instead of as text."""
    return value.startswith("<r>") and value.endswith("</r>")


class TextWorksheet(Worksheet):
    """An xlsxwriter worksheet that writes text looking like rich-text markup as text.

    xlsxwriter copies a string that starts with ``<r>`` and ends with ``</r>`` into the file
    unescaped (it takes it for rich text it built itself). Such a value is written instead as a
    rich string of two plain fragments, which xlsxwriter escapes: the cell shows the value, and
    reads back as it, in the cell's own font. (Control characters inside such text are
    escaped as xlsxwriter escapes them in rich text, ``_xHHHH_``; the file still opens.)
    """

    def _write_string(  # type: ignore[override]
        self, row: int, col: int, string: str, cell_format: Format | None = None
    ) -> int:
        if not looks_like_markup(string):
            return super()._write_string(row, col, string, cell_format)
        font = cell_format if cell_format is not None else Format()
        args: list[Any] = [string[:1], font, string[1:]]
        if cell_format is not None:
            args.append(cell_format)
        return self._write_rich_string(row, col, *args)


def text_safe(book: xlsxwriter.Workbook) -> xlsxwriter.Workbook:
    """``book``, made to add :class:`TextWorksheet` sheets (call before adding any sheet)."""
    book.worksheet_class = TextWorksheet
    return book


def new_workbook(path: str | Path, *, constant_memory: bool = False) -> xlsxwriter.Workbook:
    """An xlsxwriter workbook at ``path`` that writes every string as text (never a formula).

    ``constant_memory`` sends each row to disk once the next one starts (for long sheets
    written row by row, top to bottom).
    """
    options = {**WORKBOOK_OPTIONS, "constant_memory": constant_memory}
    return text_safe(xlsxwriter.Workbook(str(path), options))


def write_csv(frame: pd.DataFrame, path: str | Path) -> None:
    """Write ``frame`` as CSV (UTF-8 with byte-order mark, so Excel shows Chinese) by the rule.

    Lines end in CRLF (RFC 4180), so that a value holding a carriage return is quoted too.
    """
    csv_safe(frame).to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\r\n")


MAX_SHEET_ROWS = 1_048_575
"""Rows of data an Excel sheet holds below its header; longer tables continue on a new sheet."""


def write_xlsx(frame: pd.DataFrame, path: str | Path, sheet_name: str) -> None:
    """Write ``frame`` to a new xlsx file; text as text cells, numbers as numbers.

    Rows beyond one sheet's capacity continue on sheets ``sheet_name (2)``, ``(3)``…, each with
    the header, so no row is lost.
    """
    with pd.ExcelWriter(
        path, engine="xlsxwriter", engine_kwargs={"options": WORKBOOK_OPTIONS}
    ) as writer:
        text_safe(writer.book)
        for number, start in enumerate(range(0, max(len(frame), 1), MAX_SHEET_ROWS), start=1):
            name = sheet_name if number == 1 else f"{sheet_name[:24]} ({number})"
            frame.iloc[start : start + MAX_SHEET_ROWS].to_excel(writer, index=False,
                                                                sheet_name=name)


def write_table(frame: pd.DataFrame, path: str | Path, sheet_name: str = "data") -> None:
    """Write ``frame`` as CSV or xlsx, chosen by the suffix of ``path``, by the rule."""
    if Path(path).suffix.lower() == ".csv":
        write_csv(frame, path)
    else:
        write_xlsx(frame, path, sheet_name)
