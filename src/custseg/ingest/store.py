"""Writing ingested rows, rejected rows and the ingest log to the workspace.

All new data is staged first; the final tables are then swapped in. On DuckDB the swap runs in
one transaction, so a failure leaves the workspace as it was; on other backends each table is
replaced by ``create_table(..., overwrite=True)`` (build then rename), after the staging work that
can fail has been done.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path

import ibis
import ibis.expr.types as ir
import pandas as pd
import pyarrow as pa
import sqlglot.expressions as sge

from custseg.errors import ConfigError, RejectedRow
from custseg.ingest.report import Mode
from custseg.spreadsheet import write_table
from custseg.tables import KEYS, SCHEMAS, TableName
from custseg.workspace_schema.tables import INGESTS, REJECTS, TABLES

_ARROW_TYPES = {
    "string": pa.string(),
    "date": pa.date32(),
    "float": pa.float64(),
    "int": pa.int64(),
}
REJECTS_SCHEMA = TABLES[REJECTS].to_pyarrow()
INGESTS_SCHEMA = TABLES[INGESTS].to_pyarrow()


def new_ingest_id() -> str:
    """Return a fresh, unique ingest id."""
    return uuid.uuid4().hex[:16]


def table_schema(table: TableName) -> pa.Schema:
    """Return the stored Arrow schema of ``table``: canonical columns, source_file, source_row."""
    fields = [(c.name, _ARROW_TYPES[c.type]) for c in SCHEMAS[table]]
    return pa.schema([*fields, ("source_file", pa.string()), ("source_row", pa.int64())])


def rejects_to_arrow(ingest_id: str, table: TableName, rejected: Sequence[RejectedRow]) -> pa.Table:
    """Convert rejected rows to the stored ``rejects`` rows."""
    data = {
        "ingest_id": [ingest_id] * len(rejected),
        "table_name": [table] * len(rejected),
        "file": [r.file for r in rejected],
        "row": [r.row for r in rejected],
        "column": [r.column for r in rejected],
        "code": [str(r.code) for r in rejected],
        "value": [r.value for r in rejected],
        "message": [r.message for r in rejected],
    }
    return pa.Table.from_pydict(data, schema=REJECTS_SCHEMA)


_TRANSACTIONAL_DDL = frozenset({"duckdb", "postgres"})
"""Backends whose CREATE / DROP / RENAME TABLE roll back with the transaction."""


@contextlib.contextmanager
def _transaction(con: ibis.BaseBackend) -> Iterator[None]:
    """Run the block in one transaction where the backend allows DDL in transactions."""
    if con.name not in _TRANSACTIONAL_DDL:
        yield
        return
    con.raw_sql(sge.Transaction())
    try:
        yield
    except BaseException:
        con.raw_sql(sge.Rollback())
        raise
    con.raw_sql(sge.Commit())


def write_ingest(
    con: ibis.BaseBackend,
    table: TableName,
    data: pa.Table | ir.Table,
    *,
    mode: Mode,
    file: str,
    rejects: pa.Table,
    log: pa.Table,
) -> None:
    """Store ``data`` in ``table`` (replace or upsert), swap in ``rejects`` and append ``log``."""
    existing = set(con.list_tables())
    upsert = mode == "upsert" and table in existing
    stage = f"_custseg_stage_{table}_{new_ingest_id()}"
    if upsert:
        con.create_table(stage, data)
    try:
        with _transaction(con):
            if upsert:
                old, new = con.table(table), con.table(stage)
                kept = old.anti_join(new, list(KEYS[table])).select(*new.columns)
                con.create_table(table, kept.union(new), overwrite=True)
            else:
                con.create_table(table, data, overwrite=True)
            _store_rejects(con, table, mode, file, rejects, REJECTS in existing)
            if INGESTS in existing:
                con.insert(INGESTS, log)
            else:
                con.create_table(INGESTS, log)
    finally:
        if upsert:
            con.drop_table(stage, force=True)


def _store_rejects(
    con: ibis.BaseBackend, table: TableName, mode: Mode, file: str, rejects: pa.Table, exists: bool
) -> None:
    """Replace the table's earlier rejects (upsert: only those of the same file) by ``rejects``."""
    if not exists:
        con.create_table(REJECTS, rejects)
        return
    old = con.table(REJECTS)
    stale = old.table_name == table
    if mode == "upsert":
        stale &= old.file == file
    kept = old.filter(~stale)
    con.create_table(REJECTS, kept.union(ibis.memtable(rejects)), overwrite=True)


def ingest_log(
    ingest_id: str,
    table: TableName,
    file: str,
    mode: Mode,
    counts: tuple[int, int, int],
    ingested_at: dt.datetime,
) -> pa.Table:
    """Return the one-row ``ingests`` entry for this ingest."""
    read, accepted, rejected = counts
    row = {
        "ingest_id": [ingest_id],
        "table_name": [table],
        "file": [file],
        "mode": [mode],
        "rows_read": [read],
        "rows_accepted": [accepted],
        "rows_rejected": [rejected],
        "ingested_at": [_naive_utc(ingested_at)],
    }
    return pa.Table.from_pydict(row, schema=INGESTS_SCHEMA)


def _naive_utc(moment: dt.datetime) -> dt.datetime:
    """Return ``moment`` as a naive datetime; aware ones are converted to UTC first."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(dt.UTC).replace(tzinfo=None)


def read_rejects(con: ibis.BaseBackend, table: TableName | None = None) -> pd.DataFrame:
    """Return the rejected rows held in the workspace (of one table, if given), by file and row."""
    if REJECTS not in con.list_tables():
        return REJECTS_SCHEMA.empty_table().to_pandas()
    rejects = con.table(REJECTS)
    if table is not None:
        rejects = rejects.filter(rejects.table_name == table)
    return rejects.order_by(["table_name", "file", "row"]).to_pandas()


def write_rejects(con: ibis.BaseBackend, path: str | Path, table: TableName | None = None) -> Path:
    """Write the rejected rows to ``path``: CSV (UTF-8 with BOM, opens in Excel) or .xlsx."""
    return write_rejects_frame(read_rejects(con, table), path)


def write_rejects_frame(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write a frame of rejected rows to ``path``: CSV (UTF-8 with BOM) or .xlsx.

    Values follow the spreadsheet rule of :mod:`custseg.spreadsheet` (never a formula).
    """
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix in (".csv", ".xlsx"):
        write_table(frame, target, sheet_name="rejects")
    else:
        raise ConfigError(
            f"cannot write rejects to {target.name}: the extension must be one of "
            f"['.csv', '.xlsx']; got {suffix or '(none)'!r}"
        )
    return target
