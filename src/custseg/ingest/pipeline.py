"""The ``ingest`` entry point: read a source, map its headers, validate, store."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import ibis
import numpy as np
import pandas as pd

from custseg.errors import ConfigError, ErrorCode, RejectedRow, UnknownNameError
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
from custseg.ingest.checks import total_rows
from custseg.ingest.headers import header_scorer, missing_columns_error
from custseg.ingest.options import Deadline, ReadOptions, ingest_error
from custseg.ingest.report import MODES, IngestReport, Mode
from custseg.ingest.sources import (
    EXTRA_FIELDS,
    RawTable,
    SourceSpec,
    read_headers,
    read_source,
    resolve_source,
)
from custseg.ingest.validate import Plausibility, validate
from custseg.tables import TABLE_NAMES, TableName

REJECTS_COLUMNS = ["file", "row", "column", "code", "value", "message"]

IngestProgress = Callable[[str, int, int], None]
"""Called as ``progress(step_description, steps_done, steps_total)``."""
INGEST_STEPS = 3
"""Reading, checking and storing."""


@dataclass(frozen=True)
class PreparedSource:
    """A source read and mapped, not yet validated against a workspace (see :func:`prepare`)."""

    table: TableName
    label: str
    raw: RawTable
    headers: list[str]
    column_mapping: dict[str, str]
    derived: dict[str, str | None]
    totals: list[RejectedRow]
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
) -> PreparedSource:
    """Read ``source`` and map its headers without touching any workspace.

    Every failure that concerns the file itself (unreadable, over a bound, missing columns, no
    data rows) is raised here, so a caller can refuse before it opens (or creates) a workspace.
    """
    if table not in TABLE_NAMES:
        raise UnknownNameError(table, TABLE_NAMES, what="table")
    options = (options or ReadOptions()).checked()
    spec = resolve_source(source, sheet=sheet, source_table=source_table)
    deadline = Deadline(options.max_seconds, spec.label)
    raw, headers, column_mapping, derived = _read_mapped(spec, table, mapping, options, deadline)
    if raw.frame.empty:
        raise ingest_error("ingest_no_data_rows", file=spec.label)
    raw, totals = _split_totals(raw, column_mapping, lang)
    return PreparedSource(table, spec.label, raw, headers, column_mapping, derived, totals,
                          options, deadline)


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
        lang=lang)
    if prepared.table != table:
        raise ConfigError(f"the source was prepared for {prepared.table!r}, not {table!r}")
    raw, column_mapping, derived = prepared.raw, prepared.column_mapping, prepared.derived
    totals, headers, options, deadline = (prepared.totals, prepared.headers, prepared.options,
                                          prepared.deadline)
    spec_label = prepared.label
    rules = Plausibility(pd.Timestamp(ingested_at.date()), pd.Timestamp(options.date_floor), lang)
    step(t("ingest_step_validating", lang).format(rows=f"{len(raw.frame):,}"), 1, INGEST_STEPS)
    validated = validate(raw, table, column_mapping, known_customers=store.known_customers(con),
                         derived=derived, plausibility=rules)
    deadline.check()
    rejected = sorted(totals + validated.rejected, key=lambda r: r.row)
    report = IngestReport(
        table=table,
        file=spec_label,
        mode=mode,
        rows_read=len(raw.frame) + len(totals),
        rows_accepted=len(validated.frame),
        rows_rejected=len(rejected),
        rejected=rejected,
        column_mapping=column_mapping,
        ignored_columns=[h for h in headers if h not in column_mapping],
        ingest_id=store.new_ingest_id(),
        flagged=validated.flagged,
        derived=list(derived),
        notes=_notes(derived, validated.frame, validated.repeated),
        detected=dict(raw.detected or {}),
    )
    step(t("ingest_step_storing", lang).format(rows=f"{len(validated.frame):,}"), 2, INGEST_STEPS)
    _store(con, report, validated.frame, validated.rows, ingested_at, rejects_out, lang)
    step(t("ingest_step_done", lang), INGEST_STEPS, INGEST_STEPS)
    return report


def _label(source: str | Path) -> str:
    return Path(source).name if isinstance(source, Path) else str(source).rsplit("/", 1)[-1]


def _store(
    con: ibis.BaseBackend,
    report: IngestReport,
    frame: pd.DataFrame,
    rows: np.ndarray,
    ingested_at: dt.datetime,
    rejects_out: Path | None,
    lang: Lang,
) -> None:
    """Write the rejects file (if asked), then commit the table; if either fails, neither is."""
    data = store.to_arrow(frame, rows, report.table, report.file)
    counts = (report.rows_read, report.rows_accepted, report.rows_rejected)
    with _rejects_file(report, rejects_out, lang):
        store.write_ingest(
            con,
            report.table,
            data,
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


def _split_totals(
    raw: RawTable, mapping: Mapping[str, str], lang: Lang
) -> tuple[RawTable, list[RejectedRow]]:
    """Take total rows (合计, Total …) out of ``raw`` and return them as rejected rows."""
    customer = next((h for h, c in mapping.items() if c == "customer_id"), None)
    mask = total_rows(raw.frame, customer)
    if not mask.any():
        return raw, []
    rejected = []
    for pos in np.flatnonzero(mask):
        cells = [str(v) for v in raw.frame.iloc[pos].tolist() if isinstance(v, str) and v.strip()]
        word = cells[0].strip() if cells else ""
        rejected.append(RejectedRow(raw.label, int(raw.rows[pos]), customer, ErrorCode.TOTAL_ROW,
                                    word, t("ingest_reason_total", lang).format(word=word)))
    kept = RawTable(raw.frame[~mask].reset_index(drop=True), raw.rows[~mask], raw.label, raw.kind,
                    raw.detected)
    return kept, rejected


def _notes(
    derived: Mapping[str, str | None], frame: pd.DataFrame, repeated: int
) -> list[Message]:
    """What the report must say about derived keys and kept repeated lines."""
    notes = []
    example = str(frame.iloc[0][next(iter(derived))]) if derived and len(frame) else "-"
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

