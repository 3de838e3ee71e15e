"""Commands about the classification system and the demo: `catalogue`, `features`, `demo`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from custseg.cli import _context as ctx
from custseg.cli._outputs import ForceOption, checked_out, write_out
from custseg.cli.commands_data import report_dict
from custseg.cli.commands_snapshot import (
    print_run,
    run_series_command,
    run_snapshot,
    show_command,
)
from custseg.i18n import t
from custseg.public import TABLE_NAMES
from custseg.terminal import shown

DEMO_SCHEMES = ("lifecycle", "abc", "sales_loyalty", "rfm_segments", "composite", "credit")


def register(app: typer.Typer) -> None:
    """Add the system commands to ``app``."""
    app.command("catalogue")(catalogue_command)
    app.command("features")(features_command)
    app.command("demo")(demo_command)


@ctx.guarded
def catalogue_command(
    out: Annotated[Path | None, typer.Option("--out", help="Write the YAML to this file.")] = None,
    force: ForceOption = False,
    json_: ctx.JsonOption = False,
) -> None:
    """Print (or write) the built-in classification system as YAML, to start customising."""
    if out is not None:
        checked_out(out, force=force)
    from custseg.public import default_catalogue_text

    text = default_catalogue_text()
    if out is not None:
        write_out(out, lambda temporary: temporary.write_text(text, encoding="utf-8"))
    if json_:
        import yaml

        ctx.emit_json(yaml.safe_load(text) if out is None else {"out": str(out)})
    elif out is None:
        typer.echo(text)
    else:
        done = t("safety_wrote_catalogue", ctx.STATE.lang).format(out=shown(out))
        ctx.stdout.print(done, highlight=False)


@ctx.guarded
def features_command(json_: ctx.JsonOption = False) -> None:
    """List the features conditions can use: name, unit, meaning."""
    from custseg.public import FEATURES

    if json_:
        ctx.emit_json(
            [
                {
                    "name": f.name,
                    "dtype": f.dtype,
                    "unit": f.unit,
                    "meaning": f.meaning,
                    "requires": f.requires,
                }
                for f in FEATURES
            ]
        )
        return
    grid = Table("name", "unit", "meaning", "requires")
    for f in FEATURES:
        grid.add_row(f.name, f.unit or "", f.meaning, str(f.requires or ""))
    ctx.stdout.print(grid)


@ctx.guarded
def demo_command(
    months: Annotated[
        int,
        typer.Option(
            "--months",
            min=1,
            max=36,
            help="Also classify the month ends before the latest date (a monthly history).",
        ),
    ] = 1,
    json_: ctx.JsonOption = False,
) -> None:
    """Load the bundled sample data into the workspace, classify it, and show the main schemes.

    With ``--months 24`` the last 24 month ends are classified too, so `custseg diff`,
    `alerts`, `trend` and `report` have a history to work on.
    """
    from custseg.public import sample_data_dir

    ws = ctx.workspace()
    folder = sample_data_dir()
    reports = []
    for table in TABLE_NAMES:
        path = folder / f"{table}.csv"
        if path.exists():
            report = ws.ingest(table, path, mode="replace", lang=ctx.STATE.lang)
            reports.append(report_dict(report))
            if not json_:
                line = t("ingest_summary", ctx.STATE.lang).format(
                    table=table, file=path.name, read=f"{report.rows_read:,}",
                    accepted=f"{report.rows_accepted:,}", rejected=f"{report.rows_rejected:,}",
                    mode=t(f"ingest_mode_{report.mode}", ctx.STATE.lang),
                )
                ctx.stdout.print(line, highlight=False, markup=False)
    series: dict[str, Any] | None = None
    if months > 1:
        import pandas as pd

        latest = pd.Timestamp(ws.default_as_of())
        start = (latest - pd.DateOffset(months=months - 1)).replace(day=1).date()
        if json_:
            series = ws.run_series("month", start).to_dict()
        else:
            run_series_command("month", start, None, None, refresh=False, quiet=False)
    snapshot = run_snapshot(None, None, quiet=json_)
    if json_:
        ctx.emit_json(
            {
                "ingest": [{k: v for k, v in r.items() if k != "rejected"} for r in reports],
                "snapshot": snapshot.info.to_dict(),
                **({"series": series} if series else {}),
            }
        )
        return
    print_run(snapshot)
    for name in DEMO_SCHEMES:
        if name in snapshot.info.computed_schemes:
            show_command(scheme=name, snapshot_id=snapshot.snapshot_id, json_=False)
    ctx.stdout.print(
        f"\nWorkspace: {ctx.STATE.workspace}. Next: `custseg show`, `custseg explain "
        f"<customer id>`, `custseg export --out customers.xlsx`.",
        highlight=False,
    )
    if months > 1:
        ctx.stdout.print(
            f"{len(ws.snapshots())} snapshots. History: `custseg diff`, `custseg alerts`, "
            "`custseg trend`, `custseg actions`, `custseg report --format pdf`.",
            highlight=False,
        )
