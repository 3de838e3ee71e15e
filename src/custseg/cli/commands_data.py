"""Commands that bring data in: `ingest`, `rejects`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from custseg.cli import _context as ctx
from custseg.cli._outputs import ForceOption, checked_out, write_out
from custseg.errors import ConfigError, UnknownNameError
from custseg.i18n import t
from custseg.ingest import IngestReport, write_rejects_frame
from custseg.tables import SCHEMAS, TABLE_NAMES, TableName
from custseg.terminal import shown


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
            raise ConfigError(
                f"--map {item!r}: expected HEADER=FIELD, e.g. --map 客户号=customer_id"
            )
        if field.strip() not in fields:
            raise UnknownNameError(
                field.strip(), fields, what=f"{table} field", where=f"--map {item}"
            )
        mapping[header.strip()] = field.strip()
    return mapping


@ctx.guarded
def ingest_command(
    table: Annotated[str, typer.Argument(help="customers, orders, payments or opportunities.")],
    source: Annotated[str, typer.Argument(help="CSV, XLSX or Parquet file, or a database URL.")],
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
    json_: ctx.JsonOption = False,
) -> None:
    """Validate and load a source into a workspace table; report rejected rows."""
    if table not in TABLE_NAMES:
        raise ConfigError(f"table must be one of {list(TABLE_NAMES)}; got {table!r}")
    if rejects_out is not None and rejects_out.suffix.lower() not in (".csv", ".xlsx"):
        raise ConfigError(f"--rejects-out must end in .csv or .xlsx; got {rejects_out.name!r}")
    if mode not in ("replace", "upsert"):
        raise ConfigError(f"--mode must be one of ['replace', 'upsert']; got {mode!r}")
    name: TableName = table  # type: ignore[assignment]
    ws = ctx.workspace()
    report = ws.ingest(
        name,
        source,
        mapping=parse_mappings(map_ or [], name),
        mode=mode,  # type: ignore[arg-type]
        sheet=sheet,
        source_table=source_table,
    )
    if rejects_out is not None:
        _write_rejects(report, rejects_out)
    if json_:
        ctx.emit_json(report_dict(report))
        return
    _print_report(report, rejects_out)


def report_dict(report: IngestReport) -> dict[str, Any]:
    """JSON form of an ingest report."""
    return {
        "table": report.table,
        "file": report.file,
        "mode": report.mode,
        "rows_read": report.rows_read,
        "rows_accepted": report.rows_accepted,
        "rows_rejected": report.rows_rejected,
        "column_mapping": report.column_mapping,
        "rejected": [
            {
                "file": r.file,
                "row": r.row,
                "column": r.column,
                "code": str(r.code),
                "value": r.value,
                "message": r.message,
            }
            for r in report.rejected
        ],
    }


def _write_rejects(report: IngestReport, path: Path) -> None:
    import pandas as pd

    frame = pd.DataFrame(
        report_dict(report)["rejected"],
        columns=["file", "row", "column", "code", "value", "message"],
    )
    write_rejects_frame(frame, path)


def _print_report(report: IngestReport, rejects_out: Path | None) -> None:
    ok = "green" if report.rows_rejected == 0 else "yellow"
    ctx.stdout.print(
        f"[bold]{report.table}[/] ← {shown(report.file)}: {report.rows_read:,} rows read = "
        f"[green]{report.rows_accepted:,} accepted[/] + [{ok}]{report.rows_rejected:,} rejected[/]"
        f" ({report.mode})",
        highlight=False,
    )
    if report.rejected:
        grid = Table("row", "column", "value", "reason", title="Rejected rows (first 10)")
        for r in report.rejected[:10]:
            grid.add_row(str(r.row), shown(r.column), shown(r.value), shown(r.message))
        ctx.stdout.print(grid)
        if rejects_out is not None:
            ctx.stdout.print(
                f"All {report.rows_rejected:,} rejected rows written to {shown(rejects_out)}"
            )
        else:
            ctx.stdout.print(
                "Write them all with --rejects-out FILE.csv, or see `custseg rejects`."
            )


@ctx.guarded
def rejects_command(
    table: Annotated[str | None, typer.Argument(help="Only this table.")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Write to CSV or XLSX.")] = None,
    force: ForceOption = False,
    json_: ctx.JsonOption = False,
) -> None:
    """List the rows rejected by the latest ingest of each table."""
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
