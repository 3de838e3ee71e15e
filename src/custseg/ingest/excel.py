"""Reading .xlsx workbooks without trusting them.

* The declared uncompressed size of every part of the zip is checked against ``max_bytes``
  before anything is parsed (a zip bomb or a 1 GB inline string is refused, not loaded); Python's
  zip reader never inflates a part past its declared size.
* The sheet is streamed (openpyxl ``read_only``) with its ``<dimension>`` reset, so the rows read
  are the rows in the sheet, never what a stale dimension declares.
* Rows beyond ``max_rows`` and the time budget stop the read with a message naming the option.
* The header row is chosen as for text files (:func:`custseg.ingest.text.choose_header`).
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from custseg.ingest.options import Deadline, ReadOptions, ingest_error
from custseg.ingest.text import HEADER_SEARCH, HeaderScore, choose_header, unique_names

CHECK_EVERY = 10_000
_ROW = re.compile(rb"<(?:\w+:)?row[\s>/]")


def check_zip(path: Path, label: str, max_bytes: int) -> None:
    """Refuse a workbook whose parts would inflate past ``max_bytes`` (or that is no zip)."""
    try:
        with zipfile.ZipFile(path) as archive:
            total = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise ingest_error("ingest_bad_xlsx", file=label, reason=str(exc)) from exc
    if total > max_bytes:
        raise ingest_error("ingest_xlsx_too_big", file=label, size=f"{total:,}",
                           limit=f"{max_bytes:,}")


def read_sheet_rows(
    path: Path, sheet: str | None, label: str, options: ReadOptions, deadline: Deadline
) -> list[tuple[int, list[Any]]]:
    """Return (sheet row, values) of every non-empty row of the sheet, streaming."""
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    check_zip(path, label, options.max_bytes)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ingest_error("ingest_bad_xlsx", file=label, reason=str(exc)) from exc
    limit = options.row_limit(excel=True) + HEADER_SEARCH
    try:
        if sheet is not None and sheet not in book.sheetnames:
            raise ingest_error("ingest_no_sheet", file=path.name, sheet=sheet,
                               sheets=", ".join(repr(s) for s in book.sheetnames))
        ws = book[sheet] if sheet is not None else book.worksheets[0]
        if hasattr(ws, "reset_dimensions"):
            ws.reset_dimensions()  # never trust <dimension>: read what the sheet holds
        if count_row_elements(path, getattr(ws, "_worksheet_path", None), limit) > limit:
            raise ingest_error("ingest_too_many_rows", file=label,
                               limit=f"{options.row_limit(excel=True):,}")
        cells: list[tuple[int, list[Any]]] = []
        for i, values in enumerate(ws.iter_rows(values_only=True), 1):
            if i % CHECK_EVERY == 0:
                deadline.check()
            if any(_filled(x) for x in values):
                cells.append((i, list(values)))
                if len(cells) > limit:
                    raise ingest_error("ingest_too_many_rows", file=label,
                                       limit=f"{options.row_limit(excel=True):,}")
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError) as exc:
        raise ingest_error("ingest_bad_xlsx", file=label, reason=str(exc)) from exc
    finally:
        book.close()
    return cells


def count_row_elements(path: Path, part: str | None, stop: int) -> int:
    """Count the ``<row>`` elements of a sheet's XML (streamed, stops past ``stop``).

    Parsing a row costs far more than counting it: a crafted sheet of millions of rows is refused
    in about a second instead of after minutes of parsing. 0 when the part is unknown.
    """
    if not part:
        return 0
    found, tail = 0, b""
    with zipfile.ZipFile(path) as archive, archive.open(part) as stream:
        while chunk := stream.read(1 << 20):
            data = tail + chunk
            found += len(_ROW.findall(data))
            tail = data[-16:]
            found -= len(_ROW.findall(tail))  # counted again with the next chunk
            if found > stop:
                break
    return found + len(_ROW.findall(tail))


def read_excel(
    path: Path,
    sheet: str | None,
    label: str,
    options: ReadOptions,
    known: HeaderScore,
    deadline: Deadline,
) -> tuple[pd.DataFrame, np.ndarray]:
    """Return the sheet's columns (typed where a whole column is numbers or dates), sheet rows."""
    cells = read_sheet_rows(path, sheet, label, options, deadline)
    if not cells:
        raise ingest_error("ingest_empty", file=label)
    width = max(len(values) for _, values in cells)
    if options.columns is not None:
        header: list[Any] = list(options.columns)
        body = cells
        width = max(width, len(header))
    else:
        if options.header_row is not None:
            line = options.header_row
            if not any(i == line for i, _ in cells):
                raise ingest_error("ingest_header_row_blank", file=label, line=line)
        else:
            texts = [(i, [_cell_text(v) or "" for v in values]) for i, values in cells]
            line = choose_header(texts[:HEADER_SEARCH], known, label)
        position = next(k for k, (i, _) in enumerate(cells) if i == line)
        header, body = cells[position][1], cells[position + 1:]
    grid = [(values + [None] * width)[:width] for _, values in body]
    header = (header + [None] * width)[:width]
    used = [j for j in range(width) if _filled(header[j]) or any(_filled(r[j]) for r in grid)]
    names = unique_names([header[j] for j in used])
    columns = {
        name: _excel_column([r[j] for r in grid]) for name, j in zip(names, used, strict=True)
    }
    rows = np.asarray([i for i, _ in body], dtype=np.int64)
    return pd.DataFrame(columns, index=pd.RangeIndex(len(body))), rows


def _filled(value: object) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def _excel_column(values: list[Any]) -> pd.Series:
    """Type an Excel column: all numbers -> float, all dates -> datetime, otherwise text."""
    present = [v for v in values if _filled(v)]
    if present and all(isinstance(v, int | float) and not isinstance(v, bool) for v in present):
        return pd.Series([float(v) if _filled(v) else np.nan for v in values], dtype="float64")
    if present and all(isinstance(v, dt.date) for v in present):
        try:
            return pd.Series(pd.to_datetime([v if _filled(v) else None for v in values]))
        except (ValueError, OverflowError, pd.errors.OutOfBoundsDatetime):
            pass  # dates outside pandas' range: keep them as text, the date check rejects them
    return pd.Series([_cell_text(v) for v in values], dtype=str)


def _cell_text(value: Any) -> str | None:
    if not _filled(value):
        return None
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat(sep=" ") if isinstance(value, dt.datetime) else value.isoformat()
    return str(value)
