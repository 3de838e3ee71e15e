"""The ``ingest`` entry point: read a source, map its headers, validate, store."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path

import ibis

from custseg.errors import ConfigError, InputDataError, UnknownNameError
from custseg.ingest import store
from custseg.ingest.aliases import missing_columns_error, recognise_columns, required_columns
from custseg.ingest.report import MODES, IngestReport, Mode
from custseg.ingest.sources import (
    EXTRA_FIELDS,
    RawTable,
    SourceSpec,
    read_headers,
    read_source,
    resolve_source,
)
from custseg.ingest.validate import validate
from custseg.tables import TABLE_NAMES, TableName


def ingest(
    con: ibis.BaseBackend,
    table: TableName,
    source: str | Path,
    *,
    mapping: Mapping[str, str] | None = None,
    mode: Mode = "replace",
    sheet: str | None = None,
    source_table: str | None = None,
    ingested_at: dt.datetime,
) -> IngestReport:
    """Load ``source`` into the workspace table ``table`` and report what was kept and rejected.

    ``source`` is a CSV, Excel (.xlsx, ``sheet`` optional) or Parquet file, or a database URL
    readable by ``ibis.connect`` with ``source_table``. ``mapping`` (source header -> canonical
    column) wins over header recognition. ``mode="replace"`` replaces the table and its earlier
    rejects; ``mode="upsert"`` adds new keys and replaces rows whose key exists. Rejected rows go
    to the ``rejects`` table, one log line to ``ingests``. Raises :class:`InputDataError` (nothing
    written) when the source cannot be read or lacks required columns.
    """
    _check_arguments(table, mode)
    spec = resolve_source(source, sheet=sheet, source_table=source_table)
    raw, headers, column_mapping = _read_mapped(spec, table, mapping)
    if raw.frame.empty:
        raise InputDataError(f"{spec.label} has a header but no data rows; nothing to ingest.")
    validated = validate(raw, table, column_mapping, known_customers=store.known_customers(con))
    ingest_id = store.new_ingest_id()
    rejected = validated.rejected
    report = IngestReport(
        table=table,
        file=spec.label,
        mode=mode,
        rows_read=len(raw.frame),
        rows_accepted=len(validated.frame),
        rows_rejected=len(rejected),
        rejected=rejected,
        column_mapping=column_mapping,
        ignored_columns=[h for h in headers if h not in column_mapping],
        ingest_id=ingest_id,
    )
    data = store.to_arrow(validated.frame, validated.rows, table, spec.label)
    counts = (report.rows_read, report.rows_accepted, report.rows_rejected)
    store.write_ingest(
        con,
        table,
        data,
        mode=mode,
        file=spec.label,
        rejects=store.rejects_to_arrow(ingest_id, table, rejected),
        log=store.ingest_log(ingest_id, table, spec.label, mode, counts, ingested_at),
    )
    return report


def _check_arguments(table: str, mode: str) -> None:
    if table not in TABLE_NAMES:
        raise UnknownNameError(table, TABLE_NAMES, what="table")
    if mode not in MODES:
        raise ConfigError(f"mode must be one of {list(MODES)}; got {mode!r}")


def _read_mapped(
    spec: SourceSpec, table: TableName, mapping: Mapping[str, str] | None
) -> tuple[RawTable, list[str], dict[str, str]]:
    """Read the source and recognise its headers; columnar sources read only the used columns.

    Returns the rows read, every header of the source and the header -> column mapping.
    """
    headers = read_headers(spec)
    raw = None
    if headers is None:
        raw = read_source(spec)
        headers = [h for h in raw.headers if h != EXTRA_FIELDS]
    column_mapping = recognise_columns(headers, table, mapping)
    missing = [c for c in required_columns(table) if c not in column_mapping.values()]
    if missing:
        raise missing_columns_error(spec.label, table, headers, missing)
    if raw is None:
        raw = read_source(spec, columns=list(column_mapping))
    return raw, headers, column_mapping
