"""Reading CSV, Excel, Parquet files and database tables into a frame plus row numbers.

No judgement happens here: values are passed on as read. Columns that the source already types
(Parquet, database, all-numeric or all-date Excel columns) keep their type; everything else is
text. Row numbers are the ones the user sees:

* CSV / text: the physical line where the record starts (line 1 is the file's first line, so a
  header below two title rows is line 3); blank lines are skipped.
* Excel: the sheet row.
* Parquet and database tables: the 1-based record number + 1, as if the header were row 1
  (a database returns records in its own order, so numbers follow that order).
"""

from __future__ import annotations

import re
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

import numpy as np
import pandas as pd
import pyarrow as pa

from custseg.ingest.excel import read_excel
from custseg.ingest.options import Deadline, ReadOptions, ingest_error
from custseg.ingest.text import (
    EXTRA_FIELDS,
    HeaderScore,
    decode,
    read_bytes,
    read_text,
    unique_names,
)

__all__ = ["EXTRA_FIELDS", "RawTable", "SourceSpec", "read_source", "resolve_source"]

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
    detected: dict[str, Any] | None = None  # text files: encoding, delimiter, header line

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
    compressed: bool = False


def resolve_source(
    source: str | Path, *, sheet: str | None = None, source_table: str | None = None
) -> SourceSpec:
    """Classify ``source`` as a file or a database URL, checking that it can be opened."""
    text = str(source)
    if _URL.match(text) and not text.startswith("file://"):
        if not source_table:
            raise ingest_error("ingest_db_needs_table", url=redact_url(text))
        _check_database_file(text)
        return SourceSpec(
            text, "database", f"{source_table} ({redact_url(text)})", source_table=source_table
        )
    path = Path(text.removeprefix("file://"))
    _check_regular_file(path)
    suffixes = [x.lower() for x in path.suffixes[-2:]]
    compressed = bool(suffixes) and suffixes[-1] == ".gz"
    suffix = (suffixes[0] if len(suffixes) == 2 else "") if compressed else path.suffix.lower()
    if compressed and suffix not in CSV_SUFFIXES:
        raise ingest_error("ingest_gzip_text_only", file=path.name)
    if suffix in EXCEL_SUFFIXES:
        label = f"{path.name}, sheet {sheet}" if sheet else path.name
        return SourceSpec(str(path), "excel", label, sheet=sheet)
    if suffix in PARQUET_SUFFIXES:
        return SourceSpec(str(path), "parquet", path.name)
    if suffix in CSV_SUFFIXES:
        return SourceSpec(str(path), "csv", path.name, compressed=compressed)
    if suffix == ".xls":
        raise ingest_error("ingest_xls", file=path.name)
    raise ingest_error(
        "ingest_unknown_type", file=path.name, suffix=suffix or "(no extension)",
        known=", ".join(CSV_SUFFIXES + EXCEL_SUFFIXES + PARQUET_SUFFIXES),
    )


def _check_regular_file(path: Path) -> None:
    """Refuse a missing path, a folder and anything that is not a regular file (device, FIFO)."""
    try:
        mode = path.stat().st_mode
    except OSError:
        raise ingest_error("ingest_no_file", file=str(path)) from None
    if stat.S_ISDIR(mode):
        raise ingest_error("ingest_is_folder", file=str(path))
    if not stat.S_ISREG(mode):
        raise ingest_error("ingest_not_regular", file=str(path))


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
            raise ingest_error("ingest_db_missing_file", url=redact_url(url), file=str(path))


def read_headers(spec: SourceSpec) -> list[str] | None:
    """Return the headers of a columnar source without reading its rows (None: read the rows)."""
    if spec.kind == "parquet":
        import pyarrow.parquet as pq

        try:
            return list(pq.read_schema(spec.source).names)
        except (pa.ArrowException, OSError) as exc:
            raise ingest_error("ingest_bad_parquet", file=spec.label, reason=str(exc)) from exc
    if spec.kind == "database":
        return list(_database_table(spec)[1].columns)
    return None


def read_source(
    spec: SourceSpec,
    columns: Sequence[str] | None = None,
    *,
    options: ReadOptions | None = None,
    known: HeaderScore | None = None,
    deadline: Deadline | None = None,
) -> RawTable:
    """Read ``spec`` (only ``columns`` for Parquet and databases, when given).

    ``known`` tells whether a header is recognised (to find the header row below title rows);
    ``options`` gives the reading options and bounds, ``deadline`` the time budget.
    """
    options = options or ReadOptions()
    known = known or (lambda _header: False)
    deadline = deadline or Deadline(options.max_seconds, spec.label)
    if spec.kind in ("csv", "excel"):
        path = Path(spec.source)
        detected = None
        if spec.kind == "csv":
            data = read_bytes(path, spec.compressed, spec.label, options.max_bytes)
            text, encoding = decode(data, spec.label)
            del data
            frame, rows, sep, header = read_text(text, options, known, spec.label, deadline)
            detected = {"encoding": encoding, "delimiter": sep, "header_row": header}
        else:
            frame, rows = read_excel(path, spec.sheet, spec.label, options, known, deadline)
        frame.columns = unique_names([str(c).lstrip("\ufeff") for c in frame.columns])
        raw = _drop_blank(RawTable(frame, rows, spec.label, spec.kind, detected))
        limit = options.row_limit(excel=spec.kind == "excel")
        if len(raw.frame) > limit:
            raise ingest_error("ingest_too_many_rows", file=spec.label, limit=f"{limit:,}")
        _check_cells(raw, options.max_cell_chars)
        return raw
    if spec.kind == "parquet":
        import pyarrow.parquet as pq

        try:
            table = pq.read_table(spec.source, columns=list(columns) if columns else None)
        except (pa.ArrowException, OSError) as exc:
            raise ingest_error("ingest_bad_parquet", file=spec.label, reason=str(exc)) from exc
        return _from_arrow(table, spec)
    con, expr = _database_table(spec)
    try:
        table = (expr.select(*columns) if columns else expr).to_pyarrow()
    finally:
        con.disconnect()
    return _from_arrow(table, spec)


def _check_cells(raw: RawTable, limit: int) -> None:
    """Refuse a source with a cell longer than ``limit`` characters (per column, vectorised)."""
    for name in raw.frame.columns:
        values = raw.frame[name]
        if values.dtype != object and not pd.api.types.is_string_dtype(values.dtype):
            continue
        lengths = values.str.len()
        if len(lengths) and lengths.max() > limit:
            pos = int(np.argmax(lengths.fillna(0).to_numpy()))
            raise ingest_error("ingest_cell_too_long", file=raw.label, row=int(raw.rows[pos]),
                               column=str(name), size=f"{int(lengths.iloc[pos]):,}",
                               limit=f"{limit:,}")


def _from_arrow(table: pa.Table, spec: SourceSpec) -> RawTable:
    if table.num_columns == 0:
        raise ingest_error("ingest_no_columns", file=spec.label)
    frame = table.to_pandas(date_as_object=False)
    rows = np.arange(2, len(frame) + 2, dtype=np.int64)
    return RawTable(frame, rows, spec.label, spec.kind)


def _database_table(spec: SourceSpec) -> tuple[Any, Any]:
    import ibis

    try:
        con = ibis.connect(spec.source)
    except Exception as exc:  # any driver error means the database cannot be reached
        url = redact_url(spec.source)
        raise ingest_error("ingest_db_connect", url=url, reason=str(exc)) from exc
    try:
        return con, con.table(str(spec.source_table))
    except Exception as exc:  # drivers raise their own types for a missing table
        tables = con.list_tables()
        con.disconnect()
        raise ingest_error("ingest_db_no_table", url=redact_url(spec.source),
                           table=str(spec.source_table), tables=", ".join(tables) or "-") from exc


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
    return RawTable(frame[filled].reset_index(drop=True), raw.rows[filled], raw.label, raw.kind,
                    raw.detected)


