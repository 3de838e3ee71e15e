"""Reading CSV, Excel, Parquet files and database tables into a frame plus row numbers.

No judgement happens here: values are passed on as read. Columns that the source already types
(Parquet, database, all-numeric or all-date Excel columns) keep their type; everything else is
text. Row numbers are the ones the user sees:

* CSV: the physical line where the record starts (header = line 1); blank lines are skipped.
* Excel: the sheet row (the header row is the first non-empty row, usually row 1).
* Parquet and database tables: the 1-based record number + 1, as if the header were row 1
  (a database returns records in its own order, so numbers follow that order).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

import numpy as np
import pandas as pd
import pyarrow as pa

from custseg.errors import InputDataError

SourceKind = Literal["csv", "excel", "parquet", "database"]

CSV_SUFFIXES = (".csv", ".tsv", ".txt")
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
PARQUET_SUFFIXES = (".parquet", ".pq")
_URL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.\-]*://")


@dataclass(frozen=True)
class RawTable:
    """What a source holds: its columns as read, the user-visible row number of each record."""

    frame: pd.DataFrame
    rows: np.ndarray
    label: str
    kind: SourceKind

    @property
    def headers(self) -> list[str]:
        """Return the header of each column, in file order."""
        return [str(c) for c in self.frame.columns]


@dataclass(frozen=True)
class SourceSpec:
    """Where to read from, resolved from the arguments of ``ingest``."""

    source: str
    kind: SourceKind
    label: str
    sheet: str | None = None
    source_table: str | None = None


def resolve_source(
    source: str | Path, *, sheet: str | None = None, source_table: str | None = None
) -> SourceSpec:
    """Classify ``source`` as a file or a database URL, checking that it can be opened."""
    text = str(source)
    if _URL.match(text) and not text.startswith("file://"):
        if not source_table:
            raise InputDataError(
                f"{redact_url(text)} is a database URL; name the table to read with "
                "source_table= (--table on the command line)."
            )
        _check_database_file(text)
        return SourceSpec(
            text, "database", f"{source_table} ({redact_url(text)})", source_table=source_table
        )
    path = Path(text.removeprefix("file://"))
    if not path.is_file():
        where = "is a directory, not a file" if path.is_dir() else "does not exist"
        raise InputDataError(f"{path} {where}. Check the path.")
    suffix = path.suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        label = f"{path.name}, sheet {sheet}" if sheet else path.name
        return SourceSpec(str(path), "excel", label, sheet=sheet)
    if suffix in PARQUET_SUFFIXES:
        return SourceSpec(str(path), "parquet", path.name)
    if suffix in CSV_SUFFIXES:
        return SourceSpec(str(path), "csv", path.name)
    if suffix == ".xls":
        raise InputDataError(
            f"{path.name}: old .xls workbooks are not supported; save it as .xlsx."
        )
    raise InputDataError(
        f"{path.name}: unknown file type {suffix or '(no extension)'!r}; use one of "
        f"{', '.join(CSV_SUFFIXES + EXCEL_SUFFIXES + PARQUET_SUFFIXES)} or a database URL."
    )


def redact_url(url: str) -> str:
    """Return ``url`` without user name and password."""
    parts = urlsplit(url)
    if parts.password is None and parts.username is None:
        return url
    netloc = parts.hostname or ""
    if parts.port:
        netloc += f":{parts.port}"
    return parts._replace(netloc=netloc).geturl()


def _check_database_file(url: str) -> None:
    """Refuse file-based database URLs whose file is missing (connecting would create it)."""
    parts = urlsplit(url)
    if parts.scheme in ("duckdb", "sqlite") and parts.path not in ("", "/", "/:memory:"):
        path = Path(parts.netloc + parts.path) if parts.netloc else Path(parts.path)
        if not path.is_file():
            raise InputDataError(f"{redact_url(url)}: database file {path} does not exist.")


def read_headers(spec: SourceSpec) -> list[str] | None:
    """Return the headers of a columnar source without reading its rows (None: read the rows)."""
    if spec.kind == "parquet":
        import pyarrow.parquet as pq

        try:
            return list(pq.read_schema(spec.source).names)
        except (pa.ArrowException, OSError) as exc:
            raise InputDataError(f"{spec.label} is not a readable Parquet file: {exc}") from exc
    if spec.kind == "database":
        return list(_database_table(spec)[1].columns)
    return None


def read_source(spec: SourceSpec, columns: Sequence[str] | None = None) -> RawTable:
    """Read ``spec`` (only ``columns`` for Parquet and databases, when given)."""
    if spec.kind == "csv":
        return _read_csv(spec)
    if spec.kind == "excel":
        return _read_excel(spec)
    if spec.kind == "parquet":
        import pyarrow.parquet as pq

        try:
            table = pq.read_table(spec.source, columns=list(columns) if columns else None)
        except (pa.ArrowException, OSError) as exc:
            raise InputDataError(f"{spec.label} is not a readable Parquet file: {exc}") from exc
        return _from_arrow(table, spec)
    con, expr = _database_table(spec)
    try:
        table = (expr.select(*columns) if columns else expr).to_pyarrow()
    finally:
        con.disconnect()
    return _from_arrow(table, spec)


def _from_arrow(table: pa.Table, spec: SourceSpec) -> RawTable:
    if table.num_columns == 0:
        raise InputDataError(f"{spec.label} has no columns.")
    frame = table.to_pandas(date_as_object=False)
    rows = np.arange(2, len(frame) + 2, dtype=np.int64)
    return RawTable(frame, rows, spec.label, spec.kind)


def _database_table(spec: SourceSpec) -> tuple[Any, Any]:
    import ibis

    try:
        con = ibis.connect(spec.source)
    except Exception as exc:  # any driver error means the database cannot be reached
        raise InputDataError(f"cannot connect to {redact_url(spec.source)}: {exc}") from exc
    try:
        return con, con.table(str(spec.source_table))
    except Exception as exc:  # drivers raise their own types for a missing table
        tables = con.list_tables()
        con.disconnect()
        raise InputDataError(
            f"{redact_url(spec.source)} has no table {spec.source_table!r}. "
            f"Tables: {', '.join(tables) or '(none)'}."
        ) from exc


# --- CSV -------------------------------------------------------------------------------------


def _decode(data: bytes, label: str) -> tuple[str, str]:
    """Return (text, encoding): UTF-8 (with or without BOM) first, then GB18030."""
    if b"\x00" in data[:8192]:
        raise InputDataError(
            f"{label} is not a text file (it holds binary data); if it is a workbook, give it "
            "the .xlsx extension."
        )
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise InputDataError(f"{label} is neither UTF-8 nor GBK/GB18030 text; save it as UTF-8 CSV.")


def _delimiter(first_line: str, suffix: str) -> str:
    if suffix == ".tsv":
        return "\t"
    counts = {d: first_line.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def _read_csv(spec: SourceSpec) -> RawTable:
    text, _ = _decode(Path(spec.source).read_bytes(), spec.label)
    if not text.strip():
        raise InputDataError(f"{spec.label} is empty; it needs a header row and data rows.")
    sep = _delimiter(text.split("\n", 1)[0], Path(spec.source).suffix.lower())
    physical_lines = text.count("\n") + (0 if text.endswith("\n") else 1)
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=sep,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=False,
        )
        simple = len(frame) + 1 == physical_lines
    except pd.errors.ParserError:
        simple = False
    if not simple:  # ragged rows or quoted line breaks: read record by record to keep line numbers
        return _read_csv_records(text, sep, spec)
    rows = np.arange(2, len(frame) + 2, dtype=np.int64)
    return _drop_blank(RawTable(_unique_columns(frame), rows, spec.label, "csv"))


def _read_csv_records(text: str, sep: str, spec: SourceSpec) -> RawTable:
    """Read a CSV with the csv module, remembering each record's first line.

    Records with more fields than the header keep an extra ``__extra__`` column with the surplus
    (so validation can reject them); shorter records are padded with empty values.
    """
    reader = csv.reader(io.StringIO(text), delimiter=sep)
    header = next(reader)
    width = len(header)
    records: list[list[str]] = []
    rows: list[int] = []
    extra: list[str] = []
    start = reader.line_num + 1
    for record in reader:
        records.append((record + [""] * width)[:width])
        extra.append(sep.join(record[width:]) if len(record) > width else "")
        rows.append(start)
        start = reader.line_num + 1
    frame = pd.DataFrame(records, columns=_unique_names(header), dtype=str)
    if any(extra):
        frame[EXTRA_FIELDS] = pd.Series(extra, dtype=str)
    return _drop_blank(RawTable(frame, np.asarray(rows, dtype=np.int64), spec.label, "csv"))


EXTRA_FIELDS = "__extra_fields__"


def _drop_blank(raw: RawTable) -> RawTable:
    """Remove records whose every value is empty (blank lines, empty sheet rows)."""
    frame = raw.frame
    if frame.empty:
        return raw
    filled = np.zeros(len(frame), dtype=bool)
    for name in frame.columns:
        col = frame[name]
        if col.dtype == object or pd.api.types.is_string_dtype(col.dtype):
            filled |= (col.notna() & (col.astype(str).str.strip() != "")).to_numpy()
        else:
            filled |= col.notna().to_numpy()
    if filled.all():
        return raw
    return RawTable(frame[filled].reset_index(drop=True), raw.rows[filled], raw.label, raw.kind)


def _unique_names(names: Sequence[Any]) -> list[str]:
    seen: dict[str, int] = {}
    result = []
    for i, name in enumerate(names):
        text = str(name).strip() if name is not None and str(name).strip() else f"column_{i + 1}"
        if text in seen:
            seen[text] += 1
            text = f"{text}.{seen[text]}"
        else:
            seen[text] = 0
        result.append(text)
    return result


def _unique_columns(frame: pd.DataFrame) -> pd.DataFrame:
    frame.columns = _unique_names([str(c).lstrip("\ufeff") for c in frame.columns])
    return frame


# --- Excel -----------------------------------------------------------------------------------


def _read_excel(spec: SourceSpec) -> RawTable:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = openpyxl.load_workbook(spec.source, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
        raise InputDataError(f"{spec.label} is not a readable .xlsx workbook: {exc}") from exc
    try:
        if spec.sheet is not None and spec.sheet not in book.sheetnames:
            raise InputDataError(
                f"{Path(spec.source).name} has no sheet {spec.sheet!r}. "
                f"Sheets: {', '.join(repr(s) for s in book.sheetnames)}."
            )
        sheet = book[spec.sheet] if spec.sheet is not None else book.worksheets[0]
        cells = [(i, list(values)) for i, values in enumerate(sheet.iter_rows(values_only=True), 1)]
    finally:
        book.close()
    cells = [(i, v) for i, v in cells if any(_filled(x) for x in v)]
    if not cells:
        raise InputDataError(f"{spec.label} is empty; it needs a header row and data rows.")
    (_, header), body = cells[0], cells[1:]
    width = max(len(values) for _, values in cells)
    grid = [(values + [None] * width)[:width] for _, values in body]
    header = (header + [None] * width)[:width]
    used = [j for j in range(width) if _filled(header[j]) or any(_filled(r[j]) for r in grid)]
    names = _unique_names([header[j] for j in used])
    columns = {
        name: _excel_column([r[j] for r in grid]) for name, j in zip(names, used, strict=True)
    }
    rows = np.asarray([i for i, _ in body], dtype=np.int64)
    frame = pd.DataFrame(columns, index=pd.RangeIndex(len(body)))
    return RawTable(frame, rows, spec.label, "excel")


def _filled(value: object) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def _excel_column(values: list[Any]) -> pd.Series:
    """Type an Excel column: all numbers -> float, all dates -> datetime, otherwise text."""
    present = [v for v in values if _filled(v)]
    if present and all(isinstance(v, int | float) and not isinstance(v, bool) for v in present):
        return pd.Series([float(v) if _filled(v) else np.nan for v in values], dtype="float64")
    if present and all(isinstance(v, dt.date) for v in present):
        return pd.Series(pd.to_datetime([v if _filled(v) else None for v in values]))
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
    if isinstance(value, dt.time | dt.timedelta):
        return str(value)
    return str(value)
