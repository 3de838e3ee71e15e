"""Commands that bring data in: `ingest`, `rejects`."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from custseg.cli import _context as ctx
from custseg.cli._outputs import ForceOption, checked_out, write_out
from custseg.errors import CustsegError, RejectedRow, UnknownNameError
from custseg.i18n import Lang, t
from custseg.public import (  # light: the tables and the ingest limits, not the readers
    DATE_FLOOR,
    MAX_BYTES,
    MAX_CELL_CHARS,
    MAX_SECONDS,
    SCHEMAS,
    TABLE_NAMES,
    ReadOptions,
    TableName,
    option_error,
    render_error,
)
from custseg.terminal import shown

if TYPE_CHECKING:
    from custseg.public import IngestProgress, IngestReport


def register(app: typer.Typer) -> None:
    """Add the data commands to ``app``."""
    app.command("ingest")(ingest_command)
    app.command("rejects")(rejects_command)


def parse_mappings(items: list[str], table: TableName) -> dict[str, str]:
    """Turn ``["客户号=customer_id", ...]`` into a header → field mapping, checking the fields."""
    mapping: dict[str, str] = {}
    fields = [c.name for c in SCHEMAS[table]]
    for item in items:
        header, sep, field = item.rpartition("=")
        if not sep or not header or not field:
            raise option_error("ingest_map_format", item=item)
        if field.strip() not in fields:
            raise UnknownNameError(
                field.strip(), fields, what=f"{table} field", where=f"--map {item}"
            )
        mapping[header.strip()] = field.strip()
    return mapping



@ctx.guarded
def ingest_command(
    table: Annotated[str, typer.Argument(help="customers, orders, payments or opportunities.")],
    source: Annotated[
        str, typer.Argument(help="CSV/TXT (also .gz), XLSX or Parquet file, or a database URL.")
    ],
    map_: Annotated[
        list[str] | None,
        typer.Option("--map", help="Map a source header to a field: HEADER=FIELD (repeatable)."),
    ] = None,
    mode: Annotated[
        str, typer.Option(help="replace the table, or upsert rows by key.")
    ] = "replace",
    sheet: Annotated[str | None, typer.Option(help="Excel sheet name (default: first).")] = None,
    source_table: Annotated[
        str | None, typer.Option("--table", help="Table name when SOURCE is a database URL.")
    ] = None,
    rejects_out: Annotated[
        Path | None, typer.Option("--rejects-out", help="Write the rejected rows to CSV or XLSX.")
    ] = None,
    force: ForceOption = False,
    delimiter: Annotated[
        str | None,
        typer.Option(help="Field delimiter of a text file: one character, tab or space "
                     "(runs of whitespace). Default: detected."),
    ] = None,
    header_row: Annotated[
        int | None, typer.Option("--header-row", help="Line (or sheet row) of the header.")
    ] = None,
    columns: Annotated[
        str | None,
        typer.Option(help="The file has no header: its column names, comma-separated."),
    ] = None,
    max_rows: Annotated[
        int | None, typer.Option("--max-rows", help="Most data rows (default 1,048,576 for "
                                 "XLSX, 20,000,000 for text).")
    ] = None,
    max_bytes: Annotated[
        int, typer.Option("--max-bytes", help="Largest file / unpacked workbook, in bytes.")
    ] = MAX_BYTES,
    max_cell_chars: Annotated[
        int, typer.Option("--max-cell-chars", help="Longest cell, in characters.")
    ] = MAX_CELL_CHARS,
    max_seconds: Annotated[
        float, typer.Option("--max-seconds", help="Time allowed to read and check the source.")
    ] = MAX_SECONDS,
    date_floor: Annotated[
        str, typer.Option("--date-floor", help="Dates before this (YYYY-MM-DD) are rejected.")
    ] = DATE_FLOOR.isoformat(),
    json_: ctx.JsonOption = False,
) -> None:
    """Validate and load a source into a workspace table; report rejected rows.

    Every argument is checked before the workspace is opened; the table and the rejects file are
    written together (a failure of either leaves the workspace as it was).
    """
    from custseg.public import INGEST_STEPS, prepare  # the readers: pandas, pyarrow

    lang = ctx.STATE.lang
    try:
        name = _check_table(table, mode)
        options = ReadOptions(
            delimiter=delimiter, header_row=header_row,
            columns=tuple(c.strip() for c in columns.split(",")) if columns is not None else None,
            max_bytes=max_bytes, max_rows=max_rows, max_cell_chars=max_cell_chars,
            max_seconds=max_seconds, date_floor=_date_option(date_floor, "--date-floor"),
        ).checked()
        mapping = parse_mappings(map_ or [], name)
        if rejects_out is not None:
            rejects_out = checked_out(rejects_out, force=force, option="--rejects-out",
                                      suffixes=(".csv", ".xlsx"))
        with _ingest_bar(json_) as step:
            step(t("ingest_step_reading", lang).format(file=Path(source).name), 0, INGEST_STEPS)
            prepared = prepare(name, source, mapping=mapping, sheet=sheet,
                               source_table=source_table, options=options,
                               lang=lang)  # the file is read before the workspace is opened
            report = ctx.workspace().ingest(
                name, prepared, mode=mode,  # type: ignore[arg-type]
                rejects_out=rejects_out, lang=lang, progress=step,
            )
    except CustsegError as exc:
        render_error(exc, lang)
        raise
    if json_:
        ctx.emit_json(report_dict(report, lang))
        return
    _print_report(report, rejects_out, lang)


@contextlib.contextmanager
def _ingest_bar(quiet: bool) -> Iterator[IngestProgress]:
    """A progress bar on stderr, told each step of the ingest (nothing shown when quiet)."""
    if quiet:
        yield lambda _step, _done, _total: None
        return
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from custseg.public import INGEST_STEPS

    columns = (TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn())
    with Progress(*columns, console=ctx.stderr, transient=True) as bar:
        task = bar.add_task("", total=INGEST_STEPS)

        def step(description: str, done: int, total: int) -> None:
            bar.update(task, description=description, completed=done, total=total)

        yield step


def _check_table(table: str, mode: str) -> TableName:
    if table not in TABLE_NAMES:
        raise option_error("ingest_opt_table", value=table, known=", ".join(TABLE_NAMES))
    if mode not in ("replace", "upsert"):
        raise option_error("ingest_opt_mode", value=mode)
    return table  # type: ignore[return-value]


def _date_option(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise option_error("ingest_opt_date", option=option, value=value) from None


def _rows(rows: list[RejectedRow]) -> list[dict[str, Any]]:
    return [
        {"file": r.file, "row": r.row, "column": r.column, "code": str(r.code), "value": r.value,
         "message": r.message}
        for r in rows
    ]


def report_dict(report: IngestReport, lang: Lang = "en") -> dict[str, Any]:
    """JSON form of an ingest report."""
    return {
        "table": report.table,
        "file": report.file,
        "mode": report.mode,
        "rows_read": report.rows_read,
        "rows_accepted": report.rows_accepted,
        "rows_rejected": report.rows_rejected,
        "column_mapping": report.column_mapping,
        "derived": report.derived,
        "detected": report.detected,
        "notes": [note.render(lang) for note in report.notes],
        "rejected": _rows(report.rejected),
        "flagged": _rows(report.flagged),
    }


def _print_report(report: IngestReport, rejects_out: Path | None, lang: Lang) -> None:
    ok = "green" if report.rows_rejected == 0 else "yellow"
    line = t("ingest_summary", lang).format(
        table=report.table, file=shown(report.file), read=f"{report.rows_read:,}",
        accepted=f"[green]{report.rows_accepted:,}[/]",
        rejected=f"[{ok}]{report.rows_rejected:,}[/]",
        mode=t(f"ingest_mode_{report.mode}", lang))
    ctx.stdout.print(line, highlight=False)
    if report.detected:
        sep = str(report.detected.get("delimiter"))
        names = {" ": t("ingest_delim_whitespace", lang), "\t": t("ingest_delim_tab", lang)}
        ctx.stdout.print(shown(t("ingest_detected", lang).format(
            encoding=report.detected.get("encoding"), delimiter=names.get(sep, repr(sep)),
            header=report.detected.get("header_row") or "-")), highlight=False)
    for note in report.notes:
        ctx.stdout.print(shown(note.render(lang)), highlight=False)
    for title, rows in (("ingest_rejected_title", report.rejected),
                        ("ingest_flagged_title", report.flagged)):
        if rows:
            ctx.stdout.print(_grid(t(title, lang), rows, lang))
    if report.rejected:
        if rejects_out is not None:
            ctx.stdout.print(shown(t("ingest_rejects_written", lang).format(
                n=f"{report.rows_rejected:,}", path=rejects_out)), highlight=False)
        else:
            ctx.stdout.print(shown(t("ingest_rejects_hint", lang)), highlight=False)


def _grid(title: str, rows: list[RejectedRow], lang: Lang) -> Table:
    heads = [t(k, lang) for k in ("ingest_col_row", "ingest_col_column", "ingest_col_value",
                                  "ingest_col_reason")]
    grid = Table(*heads, title=title)
    for r in rows[:10]:
        grid.add_row(str(r.row), shown(r.column), shown(_cut(r.value)), shown(r.message))
    return grid


def _cut(value: str | None, limit: int = 200) -> str | None:
    return value if value is None or len(value) <= limit else value[:limit] + "…"


@ctx.guarded
def rejects_command(
    table: Annotated[str | None, typer.Argument(help="Only this table.")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Write to CSV or XLSX.")] = None,
    force: ForceOption = False,
    json_: ctx.JsonOption = False,
) -> None:
    """List the rows rejected by the latest ingest of each table."""
    from custseg.public import write_rejects_frame

    target = None if out is None else checked_out(out, force=force, suffixes=(".csv", ".xlsx"))
    frame = ctx.workspace().rejects(table)
    if target is not None:
        write_out(target, lambda temporary: write_rejects_frame(frame, temporary))
    if json_:
        ctx.emit_json(frame.to_dict("records"))
        return
    grid = Table(*[str(c) for c in frame.columns], title=f"{len(frame):,} rejected rows")
    for row in frame.head(50).itertuples(index=False):
        grid.add_row(*[shown(v) for v in row])
    ctx.stdout.print(grid)
    if out is not None:
        done = t("safety_wrote_rejects", ctx.STATE.lang)
        ctx.stdout.print(done.format(rows=f"{len(frame):,}", out=shown(out)), highlight=False)
