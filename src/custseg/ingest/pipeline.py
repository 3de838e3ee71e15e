"""The ``ingest`` entry point: read a source, map its headers, validate, store.

Validation runs in the engine over the whole table (:mod:`custseg.ingest.validate`): on a DuckDB
workspace in the workspace's own connection, so the rows never pass through Python; on another
backend (PostgreSQL) in a private in-memory DuckDB, whose accepted rows are then written to the
workspace.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TypeVar

import duckdb
import ibis
import ibis.expr.types as ir
import pandas as pd

from custseg.engine import scratch_duckdb
from custseg.errors import ConfigError, UnknownNameError
from custseg.i18n import Lang, Message, t
from custseg.ingest import store
from custseg.ingest.aliases import (
    ALIASES,
    DERIVABLE,
    header_keys,
    normalise_header,
    recognise_columns,
    required_columns,
)
from custseg.ingest.headers import header_scorer, missing_columns_error
from custseg.ingest.options import Deadline, ReadOptions, ingest_error
from custseg.ingest.report import MODES, IngestReport, Mode
from custseg.ingest.sources import (
    EXTRA_FIELDS,
    ROW,
    RawTable,
    SourceSpec,
    read_headers,
    read_source,
    resolve_source,
)
from custseg.ingest.validate import (
    BLANK,
    LONG,
    LONG_SIZE,
    Checked,
    Plausibility,
    Validated,
    bounds,
    checked_rows,
    split,
)
from custseg.tables import TABLE_NAMES, TableName

REJECTS_COLUMNS = ["file", "row", "column", "code", "value", "message"]

IngestProgress = Callable[[str, int, int], None]
"""Called as ``progress(step_description, steps_done, steps_total)``."""
INGEST_STEPS = 3
"""Reading, checking and storing."""

T = TypeVar("T")


class _Misaligned(Exception):
    """The engine's records of a text file are not its physical lines (read it in Python)."""


@dataclass(frozen=True)
class PreparedSource:
    """A source read and mapped, not yet validated against a workspace (see :func:`prepare`)."""

    table: TableName
    label: str
    raw: RawTable
    headers: list[str]
    column_mapping: dict[str, str]
    derived: dict[str, str | None]
    options: ReadOptions
    deadline: Deadline


def prepare(
    table: TableName,
    source: str | Path,
    *,
    mapping: Mapping[str, str] | None = None,
    sheet: str | None = None,
    source_table: str | None = None,
    options: ReadOptions | None = None,
    lang: Lang = "en",
    check: bool = True,
) -> PreparedSource:
    """Read ``source`` and map its headers without touching any workspace.

    Every failure that concerns the file itself (unreadable, over a bound, missing columns, no
    data rows) is raised here, so a caller can refuse before it opens (or creates) a workspace;
    ``check=False`` leaves the bounds that need a pass over the rows (rows, cell sizes, no data
    rows) to :func:`ingest`, which checks them in the same pass as the rows.
    """
    del lang  # the refusals carry their words in both languages
    if table not in TABLE_NAMES:
        raise UnknownNameError(table, TABLE_NAMES, what="table")
    options = (options or ReadOptions()).checked()
    spec = resolve_source(source, sheet=sheet, source_table=source_table)
    deadline = Deadline(options.max_seconds, spec.label)
    raw, headers, column_mapping, derived = _read_mapped(spec, table, mapping, options, deadline)
    prepared = PreparedSource(table, spec.label, raw, headers, column_mapping, derived, options,
                              deadline)
    if not check:
        return prepared
    scratch = scratch_duckdb()
    try:
        def measure(raw: RawTable) -> None:
            scanned = _scanned(raw, prepared)
            source = raw.table(scratch, scanned, [])
            marked = bounds(source, raw, scanned, options.max_cell_chars)
            _align(raw, marked)
            _check_bounds(marked, raw, scanned, options)

        raw, _ = _with_python_fallback(prepared, measure)
    finally:
        scratch.disconnect()
    return replace(prepared, raw=raw)


def _scanned(raw: RawTable, prepared: PreparedSource) -> list[str]:
    """The source columns read: all of a text file or sheet, the used ones of other sources."""
    if raw.blank_rows_dropped:
        return [h for h in raw.headers if h != EXTRA_FIELDS]
    wanted = list(prepared.column_mapping) + [h for h in prepared.derived.values() if h]
    return list(dict.fromkeys(wanted))


def _with_python_fallback(
    prepared: PreparedSource, run: Callable[[RawTable], T]
) -> tuple[RawTable, T]:
    """Run ``run`` on the source; a text file the engine refuses is read in Python and run again."""
    raw = prepared.raw
    if raw.csv is None or raw.spec is None:
        return raw, run(raw)
    try:
        return raw, run(raw)
    except (duckdb.Error, _Misaligned):
        pass
    known = header_scorer(prepared.table)
    raw = read_source(raw.spec, options=prepared.options, known=known,
                      deadline=prepared.deadline, python=True)
    return raw, run(raw)


def _align(raw: RawTable, marked: ir.Table) -> None:
    """Raise :class:`_Misaligned` unless each record of the engine's read lies on its own line."""
    if raw.csv is not None and int(marked.count().execute()) != raw.csv.expected:
        raise _Misaligned


def _check_bounds(
    marked: ir.Table, raw: RawTable, scanned: Sequence[str], options: ReadOptions
) -> int:
    """Refuse no data rows, too many rows or an over-long cell; return the rows read."""
    rows = marked.filter(~marked[BLANK])
    found = rows.aggregate(n=rows.count(), long=rows[LONG].notnull().any()).to_pyarrow()
    n, long = found.column("n")[0].as_py(), found.column("long")[0].as_py()
    if not n:
        raise ingest_error("ingest_no_data_rows", file=raw.label)
    if raw.blank_rows_dropped:
        limit = options.row_limit(excel=raw.kind == "excel")
        if n > limit:
            raise ingest_error("ingest_too_many_rows", file=raw.label, limit=f"{limit:,}")
    if long:
        first = (rows.filter(rows[LONG].notnull()).order_by(ROW).select(ROW, LONG, LONG_SIZE)
                 .limit(1).to_pyarrow().to_pylist()[0])
        raise ingest_error("ingest_cell_too_long", file=raw.label, row=int(first[ROW]),
                           column=str(scanned[int(first[LONG])]),
                           size=f"{int(first[LONG_SIZE]):,}",
                           limit=f"{options.max_cell_chars:,}")
    return int(n)


def ingest(
    con: ibis.BaseBackend,
    table: TableName,
    source: str | Path | PreparedSource,
    *,
    mapping: Mapping[str, str] | None = None,
    mode: Mode = "replace",
    sheet: str | None = None,
    source_table: str | None = None,
    ingested_at: dt.datetime,
    options: ReadOptions | None = None,
    rejects_out: Path | None = None,
    lang: Lang = "en",
    progress: IngestProgress | None = None,
) -> IngestReport:
    """Load ``source`` into the workspace table ``table`` and report what was kept and rejected.

    ``source`` is a CSV / text file (optionally gzipped), Excel (.xlsx, ``sheet`` optional) or
    Parquet file, a database URL readable by ``ibis.connect`` with ``source_table``, or a
    :class:`PreparedSource` from :func:`prepare` (then ``mapping``, ``sheet``, ``source_table``
    and ``options`` were given to ``prepare``). ``mapping`` (source header -> canonical column)
    wins over header recognition; ``options`` overrides detection and sets the resource bounds.
    ``mode="replace"`` replaces the table and its earlier rejects; ``mode="upsert"`` adds new
    keys and replaces rows whose key exists. Rejected rows go to the ``rejects`` table (and to
    ``rejects_out``, a checked path, written before the table is committed: if writing it fails,
    the workspace is unchanged), one log line to ``ingests``. Dates after ``ingested_at``'s date
    are implausible. Raises :class:`InputDataError` (nothing written) when the source cannot be
    read, exceeds a bound or lacks required columns. Row reasons are written in ``lang``.
    ``progress(step, done, total)`` is told each step (its words in ``lang``).
    """
    _check_arguments(table, mode)
    step = progress or (lambda _step, _done, _total: None)
    if not isinstance(source, PreparedSource):
        step(t("ingest_step_reading", lang).format(file=_label(source)), 0, INGEST_STEPS)
    prepared = source if isinstance(source, PreparedSource) else prepare(
        table, source, mapping=mapping, sheet=sheet, source_table=source_table, options=options,
        lang=lang, check=False)
    if prepared.table != table:
        raise ConfigError(f"the source was prepared for {prepared.table!r}, not {table!r}")
    own = con.name == "duckdb"
    engine = con if own else scratch_duckdb()
    temporary: list[str] = []
    try:
        validated = _validate(con, engine, prepared, ingested_at, lang, step, temporary)
        report = IngestReport(
            table=table,
            file=prepared.label,
            mode=mode,
            rows_read=validated.rows_read,
            rows_accepted=validated.rows_accepted,
            rows_rejected=len(validated.rejected),
            rejected=validated.rejected,
            column_mapping=prepared.column_mapping,
            ignored_columns=[h for h in prepared.headers if h not in prepared.column_mapping],
            ingest_id=store.new_ingest_id(),
            flagged=validated.flagged,
            derived=list(prepared.derived),
            notes=_notes(prepared.derived, validated.example, validated.repeated),
            detected=dict(prepared.raw.detected or {}),
        )
        step(t("ingest_step_storing", lang).format(rows=f"{report.rows_accepted:,}"), 2,
             INGEST_STEPS)
        data = validated.accepted if own else validated.accepted.to_pyarrow()
        _store(con, report, data, ingested_at, rejects_out, lang)
    finally:
        _drop(engine, temporary)
        if not own:
            engine.disconnect()
    step(t("ingest_step_done", lang), INGEST_STEPS, INGEST_STEPS)
    return report


def _validate(
    con: ibis.BaseBackend,
    engine: ibis.BaseBackend,
    prepared: PreparedSource,
    ingested_at: dt.datetime,
    lang: Lang,
    step: IngestProgress,
    temporary: list[str],
) -> Validated:
    """Stage the checked rows in the engine, check the bounds, split accepted from rejected."""
    options = prepared.options
    rules = Plausibility(ingested_at.date(), options.date_floor, lang)
    known = _known_customers(con, engine) if prepared.table != "customers" else None

    def stage(raw: RawTable) -> tuple[ir.Table, Checked, list[str]]:
        scanned = _scanned(raw, prepared)
        source = raw.table(engine, scanned, temporary)
        checked = checked_rows(source, raw, prepared.table, prepared.column_mapping,
                               scanned=scanned, max_cell_chars=options.max_cell_chars,
                               known_customers=known, derived=prepared.derived,
                               plausibility=rules)
        name = f"_custseg_ingest_{store.new_ingest_id()}"
        staged = engine.create_table(name, checked.table, temp=True)
        temporary.append(name)
        _align(raw, staged)
        return staged, checked, scanned

    raw, (staged, checked, scanned) = _with_python_fallback(prepared, stage)
    prepared.deadline.check()
    rows = _check_bounds(staged, raw, scanned, options)
    step(t("ingest_step_validating", lang).format(rows=f"{rows:,}"), 1, INGEST_STEPS)
    validated = split(engine, staged, checked.rules, raw, prepared.table, prepared.column_mapping,
                      prepared.derived, lang, temporary)
    prepared.deadline.check()
    return validated


def _drop(engine: ibis.BaseBackend, names: Sequence[str]) -> None:
    """Drop the temporary views and tables an ingest made (newest first)."""
    views = set(engine.list_tables())
    for name in reversed(names):
        if name not in views:
            continue
        try:
            engine.drop_table(name, force=True)
        except Exception:  # a view, not a table  # noqa: BLE001
            engine.drop_view(name, force=True)


def _known_customers(con: ibis.BaseBackend, engine: ibis.BaseBackend) -> ir.Column | None:
    """The customer ids already in the workspace (none missing), as a column in ``engine``."""
    if "customers" not in con.list_tables():
        return None
    ids = con.table("customers").select("customer_id")
    ids = ids.filter(ids.customer_id.notnull()).distinct()
    if engine is not con:
        ids = ibis.memtable(ids.to_pyarrow())
    return ids.customer_id


def _label(source: str | Path) -> str:
    return Path(source).name if isinstance(source, Path) else str(source).rsplit("/", 1)[-1]


def _store(
    con: ibis.BaseBackend,
    report: IngestReport,
    data: object,
    ingested_at: dt.datetime,
    rejects_out: Path | None,
    lang: Lang,
) -> None:
    """Write the rejects file (if asked), then commit the table; if either fails, neither is."""
    counts = (report.rows_read, report.rows_accepted, report.rows_rejected)
    with _rejects_file(report, rejects_out, lang):
        store.write_ingest(
            con,
            report.table,
            data,  # type: ignore[arg-type]
            mode=report.mode,
            file=report.file,
            rejects=store.rejects_to_arrow(report.ingest_id, report.table, report.rejected),
            log=store.ingest_log(report.ingest_id, report.table, report.file, report.mode,
                                 counts, ingested_at),
        )


@contextlib.contextmanager
def _rejects_file(report: IngestReport, path: Path | None, lang: Lang) -> Iterator[None]:
    """Write the rejects to a temporary file, run the block, then rename it into place."""
    if path is None:
        yield
        return
    from custseg.ingest.store import write_rejects_frame
    from custseg.outputs import atomic_output

    with atomic_output(path, option="--rejects-out", lang=lang) as temporary:
        write_rejects_frame(rejects_frame(report), temporary)
        yield


def rejects_frame(report: IngestReport) -> pd.DataFrame:
    """The rejected rows of ``report`` as a frame (file, row, column, code, value, message)."""
    records = [
        {"file": r.file, "row": r.row, "column": r.column, "code": str(r.code), "value": r.value,
         "message": r.message}
        for r in report.rejected
    ]
    return pd.DataFrame(records, columns=REJECTS_COLUMNS)


def _check_arguments(table: str, mode: str) -> None:
    if table not in TABLE_NAMES:
        raise UnknownNameError(table, TABLE_NAMES, what="table")
    if mode not in MODES:
        raise ConfigError(f"mode must be one of {list(MODES)}; got {mode!r}")


def _read_mapped(
    spec: SourceSpec,
    table: TableName,
    mapping: Mapping[str, str] | None,
    options: ReadOptions,
    deadline: Deadline,
) -> tuple[RawTable, list[str], dict[str, str], dict[str, str | None]]:
    """Read the source and recognise its headers; columnar sources read only the used columns.

    Returns the rows read, every header of the source, the header -> column mapping and the key
    columns to derive (for ``invoice_id``: the order-number header it is built from, or None).
    """
    headers = read_headers(spec)
    raw = None
    if headers is None:
        raw = read_source(spec, options=options, known=header_scorer(table), deadline=deadline)
        headers = [h for h in raw.headers if h != EXTRA_FIELDS]
    column_mapping = recognise_columns(headers, table, mapping)
    used = set(column_mapping.values())
    derived: dict[str, str | None] = {}
    for column in DERIVABLE.get(table, ()):
        if column not in used:
            order = _order_header(headers, column_mapping) if table == "payments" else None
            derived[column] = order
    missing = [c for c in required_columns(table) if c not in used]
    if missing:
        raise missing_columns_error(spec.label, table, headers, missing, used=column_mapping)
    if raw is None:
        wanted = list(column_mapping) + [h for h in derived.values() if h]
        raw = read_source(spec, columns=wanted, options=options, deadline=deadline)
    return raw, headers, column_mapping, derived


def _order_header(headers: list[str], mapping: Mapping[str, str]) -> str | None:
    """The header of a payments file that holds an order number (订单号, order no …), if any."""
    aliases = {normalise_header(a) for a in ALIASES["order_id"]}
    for header in headers:
        if header not in mapping and any(k in aliases for k in header_keys(header)):
            return header
    return None


def _notes(
    derived: Mapping[str, str | None], example: str | None, repeated: int
) -> list[Message]:
    """What the report must say about derived keys and kept repeated lines."""
    notes = []
    example = example or "-"
    if "order_id" in derived:
        notes.append(Message("ingest_derived_order_id", {"example": example}))
    if "invoice_id" in derived:
        header = derived["invoice_id"]
        basis = (Message("ingest_basis_order", {"header": header}) if header
                 else Message("ingest_basis_customer"))
        notes.append(Message("ingest_derived_invoice_id", {"basis": basis, "example": example}))
    if repeated:
        notes.append(Message("ingest_repeated_lines", {"n": repeated}))
    return notes

