"""Reading CSV, Excel, Parquet files and database tables: where the engine finds the rows.

No judgement happens here: values are passed on as read. The engine reads CSV files
(:mod:`custseg.ingest.csvplan` says when it cannot) and Parquet files itself; workbooks and
database tables are read in Python and handed to the engine as Arrow tables. Columns that the
source already types (Parquet, database, all-numeric or all-date Excel columns) keep their type;
everything else is text. Row numbers are the ones the user sees:

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

import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd
import pyarrow as pa

from custseg.ingest import csvplan
from custseg.ingest.csvplan import ROW, CsvPlan
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

__all__ = ["EXTRA_FIELDS", "ROW", "RawTable", "SourceSpec", "read_source", "resolve_source"]

SourceKind = Literal["csv", "excel", "parquet", "database"]

CSV_SUFFIXES = (".csv", ".tsv", ".txt")
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
PARQUET_SUFFIXES = (".parquet", ".pq")
_URL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.\-]*://")


@dataclass(frozen=True)
class RawTable:
    """A source read, before any judgement: its headers, and how the engine reaches its rows.

    Exactly one of ``csv`` (a text file the engine reads itself), ``parquet`` (a Parquet file
    the engine reads itself) and ``arrow`` (rows read in Python: workbooks, database tables and
    the text files of :mod:`custseg.ingest.csvplan`'s exceptions; the column ``ROW`` holds each
    record's row number) is set.
    """

    label: str
    kind: SourceKind
    headers: list[str]
    detected: dict[str, Any] | None = None  # text files: encoding, delimiter, header line
    csv: CsvPlan | None = None
    parquet: str | None = None
    arrow: pa.Table | None = None
    spec: SourceSpec | None = None  # to read a text file again in Python (the engine refused it)

    def table(
        self, engine: ibis.BaseBackend, columns: Sequence[str], made: list[str]
    ) -> ir.Table:
        """The rows of ``columns`` (and ``ROW``, the user-visible row number) in ``engine``.

        ``made`` receives the name of the temporary view or table this creates.
        """
        wanted = [*dict.fromkeys(columns)]
        if self.csv is not None:
            source = self.csv.table(engine, made)
        elif self.parquet is not None:
            raw = engine.read_parquet(self.parquet, file_row_number=True)
            made.append(raw.get_name())
            source = raw.mutate(**{ROW: raw.file_row_number + 2})
        else:
            if self.arrow is None:
                raise ValueError(f"{self.label}: no rows to read")
            name = f"_custseg_source_{ibis.util.guid()[:12]}"
            source = engine.create_table(name, self.arrow, temp=True)
            made.append(name)
        extra = [EXTRA_FIELDS] if EXTRA_FIELDS in source.columns else []
        return source.select(*wanted, *extra, ROW)

    @property
    def blank_rows_dropped(self) -> bool:
        """Whether records whose every value is empty are not rows (text files, workbooks)."""
        return self.kind in ("csv", "excel")


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
    python: bool = False,
) -> RawTable:
    """Read ``spec`` (only ``columns`` for Parquet and databases, when given).

    ``known`` tells whether a header is recognised (to find the header row below title rows);
    ``options`` gives the reading options and bounds, ``deadline`` the time budget; ``python``
    reads a text file in Python even where the engine could (after the engine refused it).
    """
    options = options or ReadOptions()
    known = known or (lambda _header: False)
    deadline = deadline or Deadline(options.max_seconds, spec.label)
    if spec.kind == "csv":
        path = Path(spec.source)
        plan = None if python else csvplan.plan(path, spec.compressed, spec.label, options, known)
        if plan is not None:
            detected = {"encoding": plan.encoding, "delimiter": plan.delimiter,
                        "header_row": plan.skip if options.columns is None else 0}
            return RawTable(spec.label, "csv", list(plan.names), detected, csv=plan, spec=spec)
        data = read_bytes(path, spec.compressed, spec.label, options.max_bytes)
        text, encoding = decode(data, spec.label)
        del data
        frame, rows, sep, header = read_text(text, options, known, spec.label, deadline)
        detected = {"encoding": encoding, "delimiter": sep, "header_row": header}
        return _from_frame(frame, rows, spec, detected)
    if spec.kind == "excel":
        frame, rows = read_excel(Path(spec.source), spec.sheet, spec.label, options, known,
                                 deadline)
        return _from_frame(frame, rows, spec, None)
    if spec.kind == "parquet":
        headers = read_headers(spec) or []
        if not headers:
            raise ingest_error("ingest_no_columns", file=spec.label)
        return RawTable(spec.label, "parquet", headers, parquet=spec.source, spec=spec)
    con, expr = _database_table(spec)
    try:
        table = (expr.select(*columns) if columns else expr).to_pyarrow()
    finally:
        con.disconnect()
    return _from_arrow(table, spec)


def _from_frame(
    frame: pd.DataFrame, rows: np.ndarray, spec: SourceSpec, detected: dict[str, Any] | None
) -> RawTable:
    """A frame read in Python (text as ``str``, typed workbook columns) as an Arrow table."""
    frame.columns = unique_names([str(c).lstrip("\ufeff") for c in frame.columns])
    arrays, names = [], []
    for name in frame.columns:
        values = frame[name]
        if values.dtype == object or pd.api.types.is_string_dtype(values.dtype):
            text = values.astype(object).where(values.notna(), None)
            array = pa.array(text.to_numpy(dtype=object), pa.string(), from_pandas=True)
        else:
            array = pa.array(values, from_pandas=True)
        arrays.append(array)
        names.append(str(name))
    arrays.append(pa.array(rows, pa.int64()))
    table = pa.Table.from_arrays(arrays, names=[*names, ROW])
    headers = [n for n in names if n != EXTRA_FIELDS]
    return RawTable(spec.label, spec.kind, headers, detected, arrow=table, spec=spec)


def _from_arrow(table: pa.Table, spec: SourceSpec) -> RawTable:
    if table.num_columns == 0:
        raise ingest_error("ingest_no_columns", file=spec.label)
    columns = [c if not pa.types.is_null(c.type) else c.cast(pa.string()) for c in table.columns]
    rows = pa.array(np.arange(2, table.num_rows + 2, dtype=np.int64))
    table = pa.Table.from_arrays([*columns, rows], names=[*table.column_names, ROW])
    return RawTable(spec.label, spec.kind, table.column_names[:-1], arrow=table, spec=spec)


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
