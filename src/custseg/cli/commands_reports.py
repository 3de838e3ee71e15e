"""Commands that write reports and action lists: `report`, `actions`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.cells import cell_len
from rich.table import Table

from custseg.cli import _context as ctx
from custseg.cli._outputs import ForceOption, checked_out, write_out
from custseg.errors import ConfigError
from custseg.i18n import Lang, t
from custseg.terminal import shown

if TYPE_CHECKING:
    import pandas as pd

    from custseg.public import Snapshot
    from custseg.workspace import Workspace

SnapshotOption = Annotated[
    str | None, typer.Option("--snapshot", help="Snapshot id or prefix (default: latest).")
]
AgainstOption = Annotated[
    str | None,
    typer.Option(
        "--against",
        help="Snapshot to compare with for migrations (default: the previous one by as-of date).",
    ),
]
SchemeOption = Annotated[
    list[str] | None,
    typer.Option("--scheme", help="Only this scheme (repeat for several; default: all)."),
]


def text(key: str, lang: Lang, **values: object) -> str:
    """A report word (``custseg.public.report_text``, loaded with the reports on first use)."""
    from custseg.public import report_text

    return report_text(key, lang, **values)


def register(app: typer.Typer) -> None:
    """Add the report commands to ``app``."""
    app.command("report")(report_command)
    app.command("actions")(actions_command)


def _snapshots(
    ws: Workspace, snapshot_id: str | None, against: str | None
) -> tuple[Snapshot, Snapshot | None]:
    snap = ws.snapshot(snapshot_id)
    previous = ws.snapshot(against) if against else ws.previous(snap)
    return snap, previous


@ctx.guarded
def report_command(
    format_: Annotated[
        str, typer.Option("--format", help="xlsx, html or pdf.", show_default=False)
    ],
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", help="File to write (default: custseg-report-<as-of>-<lang>.<format>)."
        ),
    ] = None,
    snapshot_id: SnapshotOption = None,
    against: AgainstOption = None,
    scheme: SchemeOption = None,
    force: ForceOption = False,
    json_: ctx.JsonOption = False,
) -> None:
    """Write a report of one snapshot: summary per scheme, charts, migrations (in --lang)."""
    from custseg.public import REPORT_FORMATS

    fmt = format_.lower().lstrip(".")
    if fmt not in REPORT_FORMATS:
        raise ConfigError(
            f"--format must be one of {list(REPORT_FORMATS)}; got {format_!r}"
        )
    lang: Lang = ctx.STATE.lang
    if out is not None:
        checked_out(out, force=force, suffixes=(f".{fmt}",))
    ws = ctx.workspace()
    snap, previous = _snapshots(ws, snapshot_id, against)
    for name in scheme or []:
        snap.scheme(name)
    target = out or Path(f"custseg-report-{snap.as_of}-{lang}.{fmt}")
    checked_out(target, force=force, suffixes=(f".{fmt}",))

    def write(temporary: Path) -> None:
        ws.report(
            snap, temporary, format=fmt, lang=lang, previous=previous, schemes=scheme or None
        )

    if json_:
        write_out(target, write)
    else:
        with ctx.stderr.status(f"writing the {fmt} report…"):
            write_out(target, write)
    payload = {
        "out": str(target),
        "format": fmt,
        "lang": lang,
        "snapshot_id": snap.snapshot_id,
        "as_of": str(snap.as_of),
        "previous_snapshot_id": previous.snapshot_id if previous else None,
        "previous_as_of": str(previous.as_of) if previous else None,
        "schemes": list(scheme or snap.info.computed_schemes),
        "bytes": target.stat().st_size,
    }
    if json_:
        ctx.emit_json(payload)
        return
    ui = ctx.STATE.lang
    compared = (
        t("cli_report_since", ui).format(date=previous.as_of)
        if previous
        else t("cli_report_no_earlier", ui)
    )
    line = t("cli_report_written", ui).format(
        fmt=fmt, lang=lang, snapshot=snap.snapshot_id, as_of=snap.as_of,
        n=len(payload["schemes"]), compared=compared, target=shown(target),
        size=f"{payload['bytes'] / 1024:,.0f}",
    )
    ctx.stdout.print(line, highlight=False)


@ctx.guarded
def actions_command(
    snapshot_id: SnapshotOption = None,
    against: AgainstOption = None,
    owner: Annotated[
        str | None,
        typer.Option("--owner", help="Only this owner role (key or label) or salesperson."),
    ] = None,
    scheme: SchemeOption = None,
    detail: Annotated[
        bool,
        typer.Option(
            "--detail",
            help="One row per customer and scheme instead of one per owner role and customer.",
        ),
    ] = False,
    by: Annotated[
        str,
        typer.Option(
            "--by",
            help="Sheets per owner role ('owner') or per class ('class'; implies --detail).",
        ),
    ] = "owner",
    out: Annotated[
        Path | None, typer.Option("--out", help="Write the whole list to .xlsx or .csv.")
    ] = None,
    limit: Annotated[
        int, typer.Option("--limit", help="Rows shown per owner role on screen.", min=1)
    ] = 15,
    force: ForceOption = False,
    json_: ctx.JsonOption = False,
) -> None:
    """The action list: per owner role, the customers to act on and what to do; moves first.

    One row per owner role and customer, merging the classes that route the customer to that
    role; --detail (or --by class) lists one row per customer and scheme.
    """
    if by not in ("owner", "class"):
        raise ConfigError(f"--by must be 'owner' or 'class'; got {by!r}")
    if out is not None:
        checked_out(out, force=force, suffixes=(".xlsx", ".csv"))
    detail = detail or by == "class"
    lang: Lang = ctx.STATE.lang
    ws = ctx.workspace()
    snap, previous = _snapshots(ws, snapshot_id, against)
    if out is not None and out.suffix.lower() == ".xlsx" and not detail:
        # The whole list straight to the file, a batch at a time (a million customers' list
        # is never held in memory).
        written: list[Any] = []

        def stream(temporary: Path) -> None:
            written.append(
                ws.write_actions(
                    snap, previous, temporary, lang=lang, schemes=scheme or None, owner=owner
                )
            )

        write_out(out, stream)
        count = written[0]
        summary = _summary_of(
            snap, previous, detail, out, count.rows, count.customers, count.new_moves,
            dict(count.owner_roles or {}),
        )
        if json_:
            ctx.emit_json(summary)
            return
        line = t("cli_actions_written", lang).format(
            summary=_summary_line(summary, lang), target=shown(out)
        )
        ctx.stdout.print(line, highlight=False)
        return
    frame = ws.actions(
        snap, previous, lang=lang, schemes=scheme or None, owner=owner, detail=detail
    )
    if out is not None:
        from custseg.public import write_actions

        write_out(out, lambda temporary: write_actions(frame, temporary, by=by, lang=lang))  # type: ignore[arg-type]
    summary = _actions_summary(frame, snap, previous, detail, out)
    if json_:
        if out is None:
            summary["actions"] = _records(frame)
        ctx.emit_json(summary)
        return
    if out is not None:
        key = "cli_actions_written_detail" if detail else "cli_actions_written"
        line = t(key, lang).format(summary=_summary_line(summary, lang), target=shown(out))
        ctx.stdout.print(line, highlight=False)
        return
    _print_actions(frame, summary, snap, previous, lang, limit)


def _actions_summary(
    frame: pd.DataFrame, snap: Snapshot, previous: Snapshot | None, detail: bool, out: Path | None
) -> dict[str, Any]:
    """Counts of an action list, as printed and as emitted by --json."""
    return _summary_of(
        snap,
        previous,
        detail,
        out,
        len(frame),
        int(frame.customer_id.nunique()),
        int(frame.new_move.sum()) if len(frame) else 0,
        frame.owner_role_key.value_counts(sort=False).to_dict(),
    )


def _summary_of(
    snap: Snapshot,
    previous: Snapshot | None,
    detail: bool,
    out: Path | None,
    rows: int,
    customers: int,
    new_moves: int,
    owner_roles: dict[str, int],
) -> dict[str, Any]:
    """The summary of :func:`_actions_summary` from its counts."""
    return {
        "snapshot_id": snap.snapshot_id,
        "as_of": str(snap.as_of),
        "previous_as_of": str(previous.as_of) if previous else None,
        "detail": detail,
        "rows": rows,
        "customers": customers,
        "new_moves": new_moves,
        "owner_roles": owner_roles,
        "out": str(out) if out else None,
    }


def _summary_line(summary: dict[str, Any], lang: Lang) -> str:
    return text(
        "actions_summary",
        lang,
        rows=f"{summary['rows']:,}",
        customers=f"{summary['customers']:,}",
        moves=f"{summary['new_moves']:,}",
        roles=len(summary["owner_roles"]),
    )


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    clean = frame.astype(object).where(frame.notna(), None)
    return clean.to_dict("records")  # type: ignore[return-value]


def _print_actions(
    frame: pd.DataFrame,
    summary: dict[str, Any],
    snap: Snapshot,
    previous: Snapshot | None,
    lang: Lang,
    limit: int,
) -> None:
    since = f" · {text('compared_with', lang)} {previous.as_of}" if previous else ""
    ctx.stdout.print(
        f"{text('as_of', lang)} {snap.as_of}{since} · {_summary_line(summary, lang)}",
        highlight=False,
    )
    if frame.empty:
        ctx.stdout.print(t("cli_actions_none", lang))
        return
    table = _detail_table if summary["detail"] else _consolidated_table
    for key in dict.fromkeys(frame.owner_role_key):
        part = frame[frame.owner_role_key == key]
        title = f"{shown(part.owner_role.iloc[0])} ({shown(key)}) · {len(part):,}"
        ctx.stdout.print(table(part.head(limit), title, lang))
        if len(part) > limit:
            ctx.stdout.print(f"  [dim]{text('more_rows', lang, n=f'{len(part) - limit:,}')}[/]")


def _consolidated_table(part: pd.DataFrame, title: str, lang: Lang) -> Table:
    """Rows of the consolidated list: customer and salesperson, classes (cut), measures, moves."""
    from custseg.public import MERGE_SEPARATOR

    grid = Table(title=title, title_justify="left")
    cut: dict[str, Any] = {"no_wrap": True, "overflow": "ellipsis"}
    measures = [_merged_measures(row, lang) for row in part.itertuples()]
    fixed = {
        "measures": _cells_wide([text("measures", lang), *measures]),
        "revenue": _cells_wide([text("revenue_12m", lang), f"{part.revenue_12m.max():,.0f}"]),
    }
    free = max(ctx.stdout.width - 16 - sum(fixed.values()), 36)  # 5 columns: 16 for rules
    grid.add_column(f"{text('name', lang)} · {text('owner', lang)}", **cut, width=free * 3 // 10)
    grid.add_column(text("classes", lang), **cut, width=free * 3 // 10)
    grid.add_column(text("measures", lang), **cut, width=fixed["measures"])
    grid.add_column(text("moves", lang), **cut, width=free - 2 * (free * 3 // 10))
    grid.add_column(text("revenue_12m", lang), justify="right", **cut, width=fixed["revenue"])
    for row in part.itertuples():
        moves = shown(row.moves).replace(MERGE_SEPARATOR, "\n") if row.new_move else ""
        grid.add_row(
            f"{shown(row.name)}\n[dim]{shown(row.owner)} · {shown(row.customer_id)}[/]",
            f"[dim]({row.schemes_count})[/] {shown(row.classes)}",
            measures.pop(0),
            f"[yellow]{moves}[/]",
            f"{row.revenue_12m:,.0f}",
        )
    return grid


def _cells_wide(values: list[str]) -> int:
    """Terminal cells taken by the longest line of ``values``."""
    return max(cell_len(line) for value in values for line in value.split("\n"))


def _merged_measures(row: Any, lang: Lang) -> str:
    import pandas as pd

    parts = []
    if not pd.isna(row.contact_every_days):
        parts.append(text("every_n_days", lang, n=row.contact_every_days))
    if row.service_level:
        parts.append(shown(row.service_level))
    return "\n".join(parts)


def _detail_table(part: pd.DataFrame, title: str, lang: Lang) -> Table:
    """Rows of the detailed list: one class per row with its measures."""
    grid = Table(
        text("name", lang),
        text("owner", lang),
        text("class", lang),
        text("moved_from", lang),
        text("measures", lang),
        text("revenue_12m", lang),
        title=title,
        title_justify="left",
    )
    for row in part.itertuples():
        moved = f"[yellow]{shown(row.moved_from)}[/]" if row.new_move else ""
        grid.add_row(
            f"{shown(row.name)}\n[dim]{shown(row.customer_id)}[/]",
            shown(row.owner),
            f"{shown(row.class_label)}\n[dim]{shown(row.scheme_label)}[/]",
            moved,
            _measures(row, lang),
            f"{row.revenue_12m:,.0f}",
        )
    return grid


def _measures(row: Any, lang: Lang) -> str:
    import pandas as pd

    parts = []
    if not pd.isna(row.contact_every_days):
        parts.append(text("every_days", lang, n=row.contact_every_days))
    parts += [shown(v) for v in (row.service_level, row.credit_terms) if v]
    return "\n".join(parts)
