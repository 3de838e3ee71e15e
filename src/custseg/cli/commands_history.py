"""Commands over several snapshots: `diff` (migrations), `alerts` and `trend`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from custseg.cli import _context as ctx
from custseg.errors import ConfigError, SnapshotNotFoundError
from custseg.i18n import Lang, label_of, t
from custseg.terminal import shown as escape  # data as visible text, never markup

if TYPE_CHECKING:
    import pandas as pd

    from custseg.public import Migration, Snapshot
    from custseg.workspace import Workspace

DEFAULT_TREND_SCHEME = "abc"
"""`custseg trend` shows ABC grading unless --scheme is given: how many key / major / ordinary
customers there are each period is what managers compare first."""

ARROWS: dict[str, tuple[str, str]] = {
    "up": ("↑", "green"),
    "down": ("↓", "red"),
    "changed": ("→", "yellow"),
    "entered": ("+", "cyan"),
    "left": ("−", "magenta"),
}
SEVERITY_STYLE = {"high": "bold red", "medium": "yellow", "low": "cyan"}


def register(app: typer.Typer) -> None:
    """Add the history commands to ``app``."""
    app.command("diff")(diff_command)
    app.command("alerts")(alerts_command)
    app.command("trend")(trend_command)


# -- diff -------------------------------------------------------------------------------------
@ctx.guarded
def diff_command(
    old_id: Annotated[
        str | None, typer.Argument(help="Old snapshot id or prefix (default: the one before NEW).")
    ] = None,
    new_id: Annotated[
        str | None, typer.Argument(help="New snapshot id or prefix (default: the latest).")
    ] = None,
    scheme: Annotated[
        str | None, typer.Option("--scheme", help="Show this scheme's matrix and movers.")
    ] = None,
    movers: Annotated[
        int, typer.Option("--movers", min=0, help="Movers shown per direction (0 = all).")
    ] = 10,
    json_: ctx.JsonOption = False,
) -> None:
    """How customers moved between classes from one snapshot to another (default: latest two)."""
    ws = ctx.workspace()
    new = ws.snapshot(new_id)
    old = ws.snapshot(old_id) if old_id else _previous(ws, new)
    lang = ctx.STATE.lang
    if scheme is None:
        _diff_overview(ws, old, new, lang, json_)
        return
    # Only the movers shown are read: the first `movers` of each direction (all with 0).
    migration = ws.compare(old, new, scheme, movers=movers or None)
    if json_:
        payload = _migration_payload(migration, movers, lang)
        ctx.emit_json({**payload, "old": _ref(ws, old), "new": _ref(ws, new)})
        return
    _print_header(old, new, lang)
    _print_matrix(migration, new, lang)
    _print_movers(migration, movers, lang)
    _print_notes(migration.notes_in(lang), lang)


def _previous(ws: Workspace, new: Snapshot) -> Snapshot:
    old = ws.previous(new)
    if old is None:
        raise SnapshotNotFoundError(_no_previous(new))
    return old


def _no_previous(new: Snapshot) -> str:
    return t("hist_no_previous", ctx.STATE.lang).format(snapshot=new.snapshot_id, as_of=new.as_of)


def _ref(ws: Workspace, snap: Snapshot) -> dict[str, Any]:
    return {
        "snapshot_id": snap.snapshot_id,
        "as_of": str(snap.as_of),
        "system": ws.system_text(snap),
        "system_hash": snap.info.system_hash,
    }


def _diff_overview(ws: Workspace, old: Snapshot, new: Snapshot, lang: Lang, json_: bool) -> None:
    counted = ws.direction_counts(old, new).set_index("scheme")
    notes = [t(key, lang).format(**params) for key, params in ws.snapshot_notes(old, new)]
    if json_:
        payload = {"old": _ref(ws, old), "new": _ref(ws, new), "notes": notes, "schemes": {}}
        for name, row in counted.iterrows():
            payload["schemes"][name] = {k: int(v) for k, v in row.items()}
        ctx.emit_json(payload)
        return
    _print_header(old, new, lang)
    grid = Table(title=t("hist_overview", lang))
    grid.add_column(t("scheme", lang), no_wrap=True, overflow="ellipsis", max_width=22)
    for d in ARROWS:
        grid.add_column(f"{ARROWS[d][0]}\n{t('hist_' + d, lang)}", justify="right", no_wrap=True)
    grid.add_column(f"=\n{t('hist_unchanged', lang)}", justify="right", no_wrap=True)
    for name, counts in counted.iterrows():
        cells = [
            f"[{ARROWS[d][1]}]{counts[d]:,}[/]" if counts[d] else "[dim]0[/]" for d in ARROWS
        ]
        label = label_of(new.scheme(str(name)).labels, lang)
        grid.add_row(f"{escape(label)}\n[dim]{escape(name)}[/]", *cells, f"{counts['unchanged']:,}")
    ctx.stdout.print(grid)
    _print_notes(notes, lang)


def _unchanged(m: Migration) -> int:
    same = m.matrix[m.matrix.old_class == m.matrix.new_class]
    return int(same.customers.sum())


def _migration_payload(m: Migration, limit: int, lang: Lang) -> dict[str, Any]:
    movers = _top_movers(m.movers, limit)
    labels = m.labels(lang)
    return {
        "scheme": m.scheme,
        "old": {"snapshot_id": m.old_info.snapshot_id, "as_of": str(m.old_info.as_of)},
        "new": {"snapshot_id": m.new_info.snapshot_id, "as_of": str(m.new_info.as_of)},
        "ranking": m.ranking,
        "labels": labels,
        "counts": m.counts_by_direction(),
        "unchanged": _unchanged(m),
        "matrix": _records(m.matrix),
        "movers": _records(movers),
        "movers_total": m.movers_total,
        "notes": m.notes_in(lang),
    }


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    clean = frame.astype(object).where(frame.notna(), None)
    return clean.to_dict("records")


def _top_movers(movers: pd.DataFrame, limit: int) -> pd.DataFrame:
    if limit == 0:
        return movers
    return movers.groupby("direction", sort=False, group_keys=False).head(limit)


def _print_header(old: Snapshot, new: Snapshot, lang: Lang) -> None:
    ctx.stdout.print(
        f"{t('snapshot', lang)} [bold]{old.snapshot_id}[/] ({old.as_of}) → "
        f"[bold]{new.snapshot_id}[/] ({new.as_of})",
        highlight=False,
    )


def _print_matrix(m: Migration, new: Snapshot, lang: Lang) -> None:
    from custseg.public import ABSENT

    labels = m.labels(lang)
    counts, revenue = m.pivot("customers"), m.pivot("revenue_12m")

    def shown(key: str, side: str) -> str:
        if key == ABSENT:
            return f"[dim]{t('hist_' + side, lang)}[/]"
        return f"{escape(labels.get(key, key))} [dim]{escape(key)}[/]"

    title = (
        f"{t('hist_matrix', lang)} · {escape(label_of(new.scheme(m.scheme).labels, lang))} "
        f"({escape(m.scheme)}) · {m.old_info.as_of} → {m.new_info.as_of}"
    )
    grid = Table(title=title, caption=t("hist_matrix_rows", lang), show_lines=True)
    grid.add_column(f"{t('hist_old_class', lang)} \\ {t('hist_new_class', lang)}")
    for column in [*[shown(c, "left") for c in counts.columns], t("hist_total", lang)]:
        grid.add_column(column, justify="right")
    for row in counts.index:
        cells = []
        for col in counts.columns:
            n, rev = int(counts.loc[row, col]), float(revenue.loc[row, col])
            text = f"{n:,}\n[dim]{rev:,.0f}[/]" if n else "[dim]·[/]"
            cells.append(f"[bold]{text}[/]" if row == col else text)
        grid.add_row(shown(row, "entered"), *cells, f"{int(counts.loc[row].sum()):,}")
    totals = [f"{int(counts[c].sum()):,}" for c in counts.columns]
    grid.add_row(t("hist_total", lang), *totals, f"{int(counts.values.sum()):,}")
    ctx.stdout.print(grid)


def _print_movers(m: Migration, limit: int, lang: Lang) -> None:
    labels = m.labels(lang)
    totals = m.counts_by_direction()
    groups = (
        ("hist_top_down", ["down"]),
        ("hist_top_up", ["up"]),
        ("hist_top_other", ["changed", "entered", "left"]),
    )
    for heading, directions in groups:
        part = m.movers[m.movers.direction.isin(directions)]
        if part.empty:
            continue
        shown = part if limit == 0 else part.head(limit)
        total = sum(totals[d] for d in directions)
        grid = Table(
            "",
            t("hist_customer", lang),
            t("hist_name", lang),
            t("hist_move", lang),
            title=f"{t(heading, lang)} · {len(shown):,} / {total:,}",
        )
        grid.add_column(t("revenue_12m", lang), justify="right")
        for row in shown.itertuples():
            arrow, colour = ARROWS[row.direction]
            before = labels.get(row.old_class, row.old_class) if row.old_class else "-"
            after = labels.get(row.new_class, row.new_class) if row.new_class else "-"
            grid.add_row(
                f"[{colour}]{arrow}[/]",
                escape(str(row.customer_id)),
                escape(str(row.name or "")),
                f"{escape(before)} → [{colour}]{escape(after)}[/]",
                f"{row.revenue_12m:,.0f}",
            )
        ctx.stdout.print(grid)


def _print_notes(notes: list[str], lang: Lang) -> None:
    for note in notes:
        ctx.stdout.print(f"[yellow]{t('hist_note', lang)}:[/] {escape(note)}", highlight=False)


# -- alerts -----------------------------------------------------------------------------------
@ctx.guarded
def alerts_command(
    snapshot_id: Annotated[
        str | None, typer.Option("--snapshot", help="Snapshot id or prefix (default: latest).")
    ] = None,
    against: Annotated[
        str | None,
        typer.Option("--against", help="Compare with this snapshot (default: the previous one)."),
    ] = None,
    severity: Annotated[
        str,
        typer.Option("--severity", help="Lowest severity shown: high, medium or low (= all)."),
    ] = "low",
    limit: Annotated[
        int, typer.Option("--limit", min=0, help="Rows shown in the table (0 = all).")
    ] = 50,
    json_: ctx.JsonOption = False,
) -> None:
    """Customers whose move since the previous snapshot needs attention (预警)."""
    from custseg.public import SEVERITY_ORDER

    if severity not in SEVERITY_ORDER:
        raise ConfigError(f"--severity must be one of {list(SEVERITY_ORDER)}; got {severity!r}")
    ws = ctx.workspace()
    lang = ctx.STATE.lang
    new = ws.snapshot(snapshot_id)
    old = ws.snapshot(against) if against else ws.previous(new)
    if old is None:
        if json_:
            ctx.emit_json({"old": None, "new": _ref(ws, new), "counts": {}, "alerts": []})
        else:
            ctx.stdout.print(f"[yellow]{escape(_no_previous(new))}[/]", highlight=False)
        return
    if json_:
        frame = ws.alerts(old, new, lang=lang)
        frame = frame[frame.severity.map(SEVERITY_ORDER) <= SEVERITY_ORDER[severity]]
        ctx.emit_json(
            {
                "old": _ref(ws, old),
                "new": _ref(ws, new),
                "counts": {str(k): int(v) for k, v in frame.alert.value_counts().items()},
                "alerts": _records(frame),
            }
        )
        return
    # Only the rows shown are read; the counts and reasons are aggregated in the database.
    view = ws.alert_overview(old, new, lang=lang, severity=severity, limit=limit)
    _print_header(old, new, lang)
    if not view.total:
        ctx.stdout.print(t("hist_no_alerts", lang))
        return
    shown = view.rows
    grid = Table(title=f"{t('hist_alerts', lang)} · {len(shown):,} / {view.total:,}")
    grid.add_column(t("hist_severity", lang), no_wrap=True)
    grid.add_column(t("hist_customer", lang), no_wrap=True)
    grid.add_column(t("hist_name", lang))
    grid.add_column(t("hist_alert", lang))
    grid.add_column(t("hist_move", lang))
    grid.add_column(t("revenue_12m", lang), justify="right")
    for row in shown.itertuples():
        style = SEVERITY_STYLE[row.severity]
        arrow, colour = ARROWS.get(row.direction, ("→", "yellow"))
        before = row.old_label or t("hist_entered", lang)
        grid.add_row(
            f"[{style}]{t('hist_' + row.severity, lang)}[/]",
            escape(str(row.customer_id)),
            escape(str(row.name or "")),
            escape(row.label),
            f"{escape(before)} [{colour}]{arrow}[/] {escape(row.new_label)}",
            f"{row.revenue_12m:,.0f}",
        )
    ctx.stdout.print(grid)
    if len(shown) < view.total:
        more = t("hist_more", lang).format(n=f"{view.total - len(shown):,}")
        ctx.stdout.print(f"[dim]{escape(more)}[/]")
    _print_reasons(view.alerts)


def _print_reasons(alerts: list[tuple[str, str, str, int, str]]) -> None:
    """Each alert that fired once: its label, how many customers, and why it matters."""
    ctx.stdout.print(f"[bold]{t('reason', ctx.STATE.lang)}[/]")
    for _key, label, severity, count, reason in alerts:
        style = SEVERITY_STYLE[severity]
        ctx.stdout.print(
            f"  [{style}]●[/] {escape(label)} ({count:,}): {escape(reason)}",
            highlight=False,
        )


# -- trend ------------------------------------------------------------------------------------
@ctx.guarded
def trend_command(
    scheme: Annotated[
        str, typer.Option("--scheme", help="Scheme to follow (default: abc, ABC grading).")
    ] = DEFAULT_TREND_SCHEME,
    last: Annotated[
        int, typer.Option("--last", min=0, help="Show the last N periods (0 = all).")
    ] = 12,
    system: Annotated[
        str | None,
        typer.Option("--system", help="Only snapshots of this system hash (or prefix)."),
    ] = None,
    json_: ctx.JsonOption = False,
) -> None:
    """Per period and class: customers, change, inflow / outflow and year on year (趋势)."""
    ws = ctx.workspace()
    lang = ctx.STATE.lang
    frame = ws.trend(scheme, lang=lang, system_hash=system)
    dates = sorted(frame.as_of.unique())
    if last:
        frame = frame[frame.as_of.isin(dates[-last:])]
    if json_:
        ctx.emit_json({"scheme": scheme, "rows": _records(frame)})
        return
    _print_trend(ws, scheme, frame, lang)


def _print_trend(ws: Workspace, scheme: str, frame: pd.DataFrame, lang: Lang) -> None:
    import pandas as pd

    latest = ws.snapshot(ws.snapshots()[-1].snapshot_id).system
    definition = next((s for s in latest.schemes if s.name == scheme), None)
    name = label_of(definition.labels, lang) if definition else scheme
    versions = sorted(set(frame.system_version))
    with_versions = len(versions) > 1
    with_yoy = bool(frame.customers_last_year.notna().any())
    title = f"{t('hist_trend', lang)} · {escape(name)} ({escape(scheme)})"
    if not with_versions:
        title += f" · {t('hist_version', lang)} v{versions[0]}"
    grid = Table(title=title, caption=t("hist_trend_caption", lang))
    grid.add_column(t("as_of", lang), no_wrap=True)
    if with_versions:
        grid.add_column(t("hist_version", lang), no_wrap=True)
    grid.add_column(t("class", lang))
    headings = ["customers", "hist_change", "hist_in_out", "hist_yoy", "revenue_12m"]
    for heading in headings if with_yoy else [h for h in headings if h != "hist_yoy"]:
        grid.add_column(t(heading, lang), justify="right")
    previous = None
    for row in frame.itertuples():
        if previous is not None and row.as_of != previous:
            grid.add_section()
        first = row.as_of != previous
        previous = row.as_of
        cells = [str(row.as_of) if first else ""]
        if with_versions:
            cells.append(f"v{row.system_version}" if first else "")
        cells += [
            escape(row.label),
            f"{row.customers:,}",
            _change(row.customers_change, row.customers_change_pct),
            _in_out(row.entered, row.exited),
        ]
        if with_yoy:
            last_year = row.customers_last_year
            delta = None if pd.isna(last_year) else row.customers - last_year
            cells.append(_change(delta, row.customers_yoy_pct))
        cells.append(f"{row.revenue_12m:,.0f}")
        grid.add_row(*cells)
    ctx.stdout.print(grid)


def _in_out(entered: Any, exited: Any) -> str:
    import pandas as pd

    if entered is None or pd.isna(entered):
        return "-"
    return f"[green]+{int(entered):,}[/] / [red]−{int(exited):,}[/]"


def _count(value: Any) -> str:
    import pandas as pd

    return "-" if value is None or pd.isna(value) else f"{int(value):,}"


def _change(delta: Any, pct: Any) -> str:
    import pandas as pd

    if delta is None or pd.isna(delta):
        return "-"
    colour = "green" if delta > 0 else "red" if delta < 0 else "dim"
    share = "" if pct is None or pd.isna(pct) else f" ({pct:+.1%})"
    return f"[{colour}]{int(delta):+,}{share}[/]"
