"""The input tables of a Spark run, read where they already are and checked there.

Each input (``customers``, ``orders``, ``payments``, ``opportunities``) is one of

- ``parquet:PATH`` or ``delta:PATH``: a folder (local, HDFS, S3…);
- ``table:[db.]name``: a table of the Spark catalog;
- nothing given: the table of that name in the Spark database of the settings, if it exists.

The source must already use the canonical column names (docs/spark.md lists them; the ingest
of files maps headers, the Spark path does not). Values are converted to the canonical types
with ``try_cast`` and recognised category words to their keys (``VOCABULARIES``). A row whose
required value is missing or cannot be converted, or whose bounded value is out of range, is
*rejected*: it is left out of the run, and the run writes the rejected rows with their reason
beside its data (``<storage>/rejects/snapshot_id=<id>/table=<name>/``) and counts them in the
snapshot (``extra["rejects"]``).
"""

from __future__ import annotations

from dataclasses import dataclass

import ibis
import ibis.expr.types as ir
from ibis.backends import BaseBackend

from custseg.compute.settings import SparkSettings
from custseg.compute.storage import spark_frame
from custseg.errors import WorkspaceError
from custseg.tables import SCHEMAS, TABLE_NAMES, VOCABULARIES, Column, TableName

_IBIS_TYPES = {"string": "string", "date": "date", "float": "float64", "int": "int64"}
_PREFIXES = ("parquet:", "delta:", "table:")


@dataclass(frozen=True)
class InputTable:
    """One input registered in Spark: its accepted rows and its rejected rows."""

    name: TableName
    source: str
    accepted: ir.Table
    rejected: ir.Table


def register_inputs(con: BaseBackend, settings: SparkSettings) -> dict[str, InputTable]:
    """Register every input found as a view named after the canonical table; return them."""
    found: dict[str, InputTable] = {}
    existing = set(con.list_tables())
    for name in TABLE_NAMES:
        source = settings.inputs.get(name)
        if source is None and name in existing:
            raw = con.table(name)
            source = f"table:{name}"
        elif source is None:
            continue
        else:
            raw = _read(con, name, source)
        accepted, rejected = canonical(raw, name, source)
        # A DataFrame view is resolved now, so a view may shadow the catalog table it reads.
        spark_frame(con, accepted).createOrReplaceTempView(name)
        found[name] = InputTable(name, source, con.table(name), rejected)
    return found


def _read(con: BaseBackend, name: str, source: str) -> ir.Table:
    kind, _, where = source.partition(":")
    if f"{kind}:" not in _PREFIXES or not where:
        raise WorkspaceError(
            f"input {name!r}: {source!r} is not parquet:PATH, delta:PATH or table:[db.]name "
            f"(CUSTSEG_SPARK_INPUT_{name.upper()} or inputs.{name} in the Spark settings)"
        )
    try:
        if kind == "parquet":
            return con.read_parquet(where)
        if kind == "delta":
            return con.read_delta(where)
        database, _, table = where.rpartition(".")
        return con.table(table, database=database or None)
    except Exception as exc:
        raise WorkspaceError(
            f"cannot read input {name!r} from {source!r}: {exc}. Check the path or table name "
            "and that this Spark session may read it."
        ) from exc


def canonical(raw: ir.Table, name: TableName, source: str) -> tuple[ir.Table, ir.Table]:
    """``raw`` with the canonical columns and types; (accepted rows, rejected rows + reason)."""
    columns = SCHEMAS[name]
    missing = [c.name for c in columns if c.required and c.name not in raw.columns]
    if missing:
        raise WorkspaceError(
            f"input {name!r} ({source}) has no column {', '.join(missing)}. It has: "
            f"{', '.join(raw.columns)}. Rename the columns to the canonical names "
            "(docs/spark.md lists them)."
        )
    values = {c.name: _value(raw, c) for c in columns}
    values["source_file"] = (
        raw.source_file.cast("string") if "source_file" in raw.columns else ibis.literal(source)
    )
    values["source_row"] = (
        raw.source_row.try_cast("int64") if "source_row" in raw.columns else ibis.null("int64")
    )
    typed = raw.select(**values, _reason=_reason(raw, columns, values))
    accepted = typed.filter(typed._reason.isnull()).drop("_reason")
    rejected = typed.filter(typed._reason.notnull()).rename(reason="_reason")
    return accepted, rejected


def _value(raw: ir.Table, column: Column) -> ir.Value:
    dtype = _IBIS_TYPES[column.type]
    if column.name not in raw.columns:
        return ibis.null(dtype)
    value = raw[column.name]
    if value.type().is_string():  # surrounding blanks dropped; a blank value is missing
        value = value.strip()
        value = ibis.ifelse(value == "", ibis.null("string"), value)
    typed = value.try_cast(dtype)
    aliases = VOCABULARIES.get(column.name)
    if aliases and dtype == "string":
        # Recognised words (any case, e.g. 政府 or Government) become the canonical key.
        lookup = {alias.lower(): key for key, words in aliases.items() for alias in words}
        typed = typed.strip().lower().substitute(lookup, else_=typed)
    return typed


def _reason(raw: ir.Table, columns: tuple[Column, ...], values: dict[str, ir.Value]) -> ir.Value:
    """Why a row is rejected (the first problem), null for a good row."""
    cases: list[tuple[ir.BooleanValue, str]] = []
    for c in columns:
        value = values[c.name]
        if c.name in raw.columns:
            given = raw[c.name]
            present = given.notnull()
            if given.type().is_string():
                present = present & (given.strip() != "")
            if c.type != "string" or not given.type().is_string():
                cases.append((present & value.isnull(), f"{c.name}: not a {c.type}"))
        if c.required:
            cases.append((value.isnull(), f"{c.name}: missing"))
        if c.minimum is not None:
            cases.append((value < c.minimum, f"{c.name}: below {c.minimum:g}"))
        if c.maximum is not None:
            cases.append((value > c.maximum, f"{c.name}: above {c.maximum:g}"))
    if not cases:
        return ibis.null("string")
    return ibis.cases(*cases, else_=ibis.null("string"))
