"""Commands that compute and read snapshots: `run`, `snapshots`, `show`, `explain`, `export`."""

from __future__ import annotations

import re
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from custseg.cli import _context as ctx
from custseg.cli._outputs import ForceOption, checked_out, write_out
from custseg.errors import ConfigError
from custseg.i18n import Message, label_of, t
from custseg.terminal import shown

if TYPE_CHECKING:
    from custseg.public import ClassificationSystem, Snapshot

SnapshotOption = Annotated[
    str | None, typer.Option("--snapshot", help="Snapshot id or prefix (default: latest).")
]


def register(app: typer.Typer) -> None:
    """Add the snapshot commands to ``app``."""
    app.command("run")(run_command)
    app.command("snapshots")(snapshots_command)
    app.command("show")(show_command)
    app.command("explain")(explain_command)
    app.command("export")(export_command)


def parse_date(text: str, option: str) -> date:
    """Parse YYYY-MM-DD in the accepted range (see ``_context.parse_date``)."""
    return ctx.parse_date(text, option)


def run_snapshot(
    as_of: date | None,
    system: ClassificationSystem | Path | None,
    *,
    quiet: bool,
    user: str | None = None,
    engine: str | None = None,
    engine_config: Path | None = None,
) -> Snapshot:
    """Run the classification with a progress bar on stderr (unless quiet).

    ``engine`` (default ``CUSTSEG_ENGINE``, else duckdb) chooses where the data is computed;
    ``engine_config`` is the Spark settings file (see docs/spark.md).
    """
    ws = ctx.workspace()

    def run(progress: Any = None) -> Snapshot:
        return ws.run(
            as_of=as_of,
            system=system,
            progress=progress,
            user=user,
            engine=engine,
            engine_config=engine_config,
        )

    if quiet:
        return run()
    columns = (TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn())
    with Progress(*columns, console=ctx.stderr, transient=True) as bar:
        task = bar.add_task("classifying", total=1)

        def report(step: str, done: int, total: int) -> None:
            bar.update(task, description=step, completed=done, total=total)

        return run(report)


@ctx.guarded
def run_command(
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Classify as of this date (default: latest order)."),
    ] = None,
    system: Annotated[
        Path | None,
        typer.Option("--system", help="Classification system YAML (default: built-in)."),
    ] = None,
    every: Annotated[
        str | None,
        typer.Option(
            "--every",
            help="Run a series: one snapshot per week, month or quarter end (with --from).",
        ),
    ] = None,
    start: Annotated[
        str | None, typer.Option("--from", help="First day of the series (with --every).")
    ] = None,
    end: Annotated[
        str | None,
        typer.Option("--to", help="Last day of the series (default: latest order date)."),
    ] = None,
    refresh: Annotated[
        bool,
        typer.Option(
            "--refresh", help="Re-run period ends that already have a snapshot (new data)."
        ),
    ] = False,
    user: Annotated[
        str | None,
        typer.Option("--user", help="Who runs it, for the audit log (default: $CUSTSEG_USER)."),
    ] = None,
    engine: Annotated[
        str | None,
        typer.Option(
            "--engine",
            help="Where the data is computed: duckdb (default) or spark (CUSTSEG_ENGINE).",
        ),
    ] = None,
    engine_config: Annotated[
        Path | None,
        typer.Option(
            "--engine-config",
            help="Spark settings YAML: master, remote, storage, inputs, conf "
            "(CUSTSEG_SPARK_CONFIG; see docs/spark.md).",
        ),
    ] = None,
    json_: ctx.JsonOption = False,
) -> None:
    """Classify every customer as of a date (or a series of period ends) and store snapshots.

    For a schedule, run the same series command from cron: it adds only the missing periods,
    e.g. `custseg run --every month --from 2024-01-01`.
    """
    from custseg.workspace import resolve_system

    # the system is validated before the workspace is opened: a refused file changes nothing
    resolved = resolve_system(system) if system is not None else None
    if every or start or end or refresh:
        if as_of:
            raise ConfigError("use either --as-of (one run) or --every/--from/--to (a series)")
        if not (every and start):
            raise ConfigError(
                "a series needs --every (week, month or quarter) and --from YYYY-MM-DD, "
                "e.g. `custseg run --every month --from 2024-07-01`"
            )
        run_series_command(
            every,
            parse_date(start, "--from"),
            parse_date(end, "--to") if end else None,
            resolved,
            refresh=refresh,
            quiet=json_,
            user=user,
            engine=engine,
            engine_config=engine_config,
        )
        return
    snapshot = run_snapshot(
        parse_date(as_of, "--as-of") if as_of else None,
        resolved,
        quiet=json_,
        user=user,
        engine=engine,
        engine_config=engine_config,
    )
    if json_:
        ctx.emit_json(snapshot.info.to_dict())
        return
    print_run(snapshot)


def run_series_command(
    every: str,
    start: date,
    end: date | None,
    system: ClassificationSystem | Path | None,
    *,
    refresh: bool,
    quiet: bool,
    user: str | None = None,
    engine: str | None = None,
    engine_config: Path | None = None,
) -> None:
    """Run (or complete) a series of snapshots and print what was computed and kept."""
    ws = ctx.workspace()
    lang = ctx.STATE.lang
    on = {"engine": engine, "engine_config": engine_config}
    if quiet:
        report = ws.run_series(every, start, end, system=system, refresh=refresh, user=user, **on)
        ctx.emit_json(report.to_dict())
        return
    columns = (TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn())
    with Progress(*columns, console=ctx.stderr, transient=True) as bar:
        task = bar.add_task("series", total=1)

        def progress(as_of: date, done: int, total: int, step: str) -> None:
            bar.update(task, description=f"{as_of} {step}", completed=done, total=total)

        report = ws.run_series(
            every, start, end, system=system, refresh=refresh, progress=progress, user=user, **on
        )
    grid = Table(t("as_of", lang), t("snapshot", lang), t("status", lang))
    for item in report.items:
        style = "green" if item.status == "computed" else "dim"
        grid.add_row(str(item.as_of), item.snapshot_id, f"[{style}]{t(item.status, lang)}[/]")
    ctx.stdout.print(grid)
    ctx.stdout.print(
        f"{len(report.items)} × {t(every, lang)} {report.start} → {report.end}: "
        f"{len(report.computed)} {t('computed', lang)}, {len(report.kept)} {t('kept', lang)}",
        highlight=False,
    )


def print_run(snapshot: Snapshot) -> None:
    """Print what a run computed and skipped."""
    info, lang = snapshot.info, ctx.STATE.lang
    ctx.stdout.print(
        f"{t('snapshot', lang)} [bold]{info.snapshot_id}[/] · {t('as_of', lang)} {info.as_of} · "
        f"{info.customers:,} {t('customers', lang).lower()} · "
        f"{Message('schemes_n_computed', {'n': len(info.computed_schemes)}).render(lang)}",
        highlight=False,
    )
    from custseg.cli.commands_health import print_health_line

    print_health_line(info, lang)
    inferred = info.extra.get("inferred_parameters") or {}
    if inferred:
        pairs = ", ".join(f"{k}={v}" for k, v in inferred.items())
        line = Message("schemes_home_inferred", {"shown": pairs}).render(lang)
        ctx.stdout.print(f"  [dim]{shown(line)}[/]", highlight=False)
    for outcome in info.outcomes:
        if outcome.status != "computed":
            style = "red" if outcome.status == "failed" else "yellow"
            why = shown(outcome.reason_text(lang))
            ctx.stdout.print(
                f"  [{style}]{t(outcome.status, lang)}[/] {shown(outcome.name)}: {why}",
                highlight=False,
            )
    notes = [
        d.render(lang) if "scheme" in d.params else f"{o.name}: {d.render(lang)}"
        for o in info.outcomes
        for d in o.diagnostics
    ]
    for note in notes[:15]:
        ctx.stdout.print(f"  [dim]{t('schemes_note', lang)}[/] {shown(note)}", highlight=False)
    if len(notes) > 15:
        more = Message("schemes_more_notes", {"n": len(notes) - 15}).render(lang)
        ctx.stdout.print(f"  {more}", highlight=False)


@ctx.guarded
def snapshots_command(json_: ctx.JsonOption = False) -> None:
    """List the stored snapshots."""
    ws = ctx.workspace()
    infos = ws.snapshots()
    versions = {h: ws.system_version(h) for h in {i.system_hash for i in infos}}
    if json_:
        ctx.emit_json([{**i.to_dict(), "system_version": versions[i.system_hash]} for i in infos])
        return
    grid = Table("id", "as of", "customers", "schemes", "skipped", "system", "created")
    for i in infos:
        version = versions[i.system_hash]
        grid.add_row(
            i.snapshot_id,
            str(i.as_of),
            f"{i.customers:,}",
            str(len(i.computed_schemes)),
            str(len(i.skipped_schemes)),
            f"{shown(i.system_name)} v{shown(version or '?')} [dim]{i.system_hash[:8]}[/]",
            i.created_at.isoformat(" ", "seconds"),
        )
    ctx.stdout.print(grid)


@ctx.guarded
def show_command(
    scheme: Annotated[str | None, typer.Option("--scheme", help="Only this scheme.")] = None,
    snapshot_id: SnapshotOption = None,
    json_: ctx.JsonOption = False,
) -> None:
    """Per class: customers, share, 12-month revenue and revenue share."""
    snap = ctx.workspace().snapshot(snapshot_id)
    lang = ctx.STATE.lang
    names = [scheme] if scheme else snap.info.computed_schemes
    payload: dict[str, Any] = {
        "snapshot_id": snap.snapshot_id,
        "as_of": str(snap.as_of),
        "schemes": {},
    }
    overridden = snap.overrides().scheme.value_counts().to_dict() if snap.has_overrides else {}
    summaries = snap.summaries(names, lang=lang)  # one query for every scheme
    for name in names:
        frame = summaries[name]
        if json_:
            payload["schemes"][name] = frame.to_dict("records")
            continue
        definition = snap.scheme(name)
        n_over = overridden.get(name, 0)
        note = f" · {n_over} {t('gov_overridden_mark', lang)}" if n_over else ""
        grid = Table(
            t("class", lang),
            t("customers", lang),
            t("share", lang),
            t("revenue_12m", lang),
            t("revenue_share", lang),
            title=f"{shown(label_of(definition.labels, lang))} ({shown(name)}) · "
            f"{snap.as_of}{note}",
        )
        for row in frame.itertuples():
            grid.add_row(
                class_cell(row.label, row.class_key),
                f"{row.customers:,}",
                f"{row.share:.1%}",
                f"{row.revenue:,.0f}",
                f"{row.revenue_share:.1%}",
            )
        ctx.stdout.print(grid)
    if json_:
        payload["skipped"] = snap.info.skip_reasons(lang)
        payload["overrides_applied"] = {k: int(v) for k, v in overridden.items()}
        payload["overrides_ignored"] = snap.overrides_ignored
        ctx.emit_json(payload)
        return
    if not scheme:
        for name, reason in snap.info.skip_reasons(lang).items():
            ctx.stdout.print(
                f"[yellow]{t('skipped', lang)}[/] {shown(name)}: {shown(reason)}", highlight=False
            )
    print_overrides_note(snap, overridden if not scheme else {scheme: overridden.get(scheme, 0)})


def class_cell(label: str, key: str) -> str:
    """A class for a table cell: the label, and the key (dimmed) only when the label lacks it.

    "Grade A" with key ``A`` shows "Grade A", not "Grade A A".
    """
    words = re.split(r"[^\w]+", label.lower())
    if not key or label == key or key.lower() in words:
        return shown(label or key)
    return f"{shown(label)} [dim]{shown(key)}[/]"


def print_overrides_note(snap: Snapshot, counts: dict[str, int]) -> None:
    """Say how many overrides the counts include, and which could not be applied."""
    lang = ctx.STATE.lang
    applied = sum(counts.values())
    if applied:
        ctx.stdout.print(
            f"[magenta]{t('gov_show_applied', lang).format(n=applied)}[/]", highlight=False
        )
    ignored = snap.overrides_ignored
    if ignored:
        ctx.stdout.print(
            f"[yellow]{t('gov_show_ignored', lang).format(n=len(ignored))}[/]", highlight=False
        )
        for item in ignored:
            ctx.stdout.print(f"  {item['override_id']}: {shown(item['why'])}", highlight=False)


@ctx.guarded
def explain_command(
    customer_id: Annotated[str, typer.Argument(help="The customer to explain.")],
    snapshot_id: SnapshotOption = None,
    json_: ctx.JsonOption = False,
) -> None:
    """Every class of one customer, and why."""
    snap = ctx.workspace().snapshot(snapshot_id)
    lang = ctx.STATE.lang
    rows = snap.explain(customer_id, lang=lang)
    if json_:
        ctx.emit_json(
            {
                "customer_id": customer_id,
                "snapshot_id": snap.snapshot_id,
                "as_of": str(snap.as_of),
                "classes": [asdict(r) for r in rows],
            }
        )
        return
    grid = Table(
        t("scheme", lang),
        t("class", lang),
        t("score", lang),
        t("reason", lang),
        t("strategy", lang),
        title=f"{shown(customer_id)} · {snap.as_of}",
    )
    grid.columns[3].overflow = "fold"  # an override's note must not be cut off
    for r in rows:
        score = "" if r.score is None else f"{r.score:.1f}"
        cls, reason = class_cell(r.class_label, r.class_key), shown(r.reason)
        if r.overridden:
            cls += f" [magenta]({t('gov_overridden_mark', lang)})[/]"
            computed = f"{r.computed_class_label} ({r.computed_class_key})"
            line = t("gov_override_line", lang).format(
                id=r.override_id, by=r.override_by, reason=r.override_reason, computed=computed
            )
            if r.override_expires_on:
                line += " · " + t("gov_until", lang).format(date=r.override_expires_on)
            reason = f"[magenta]{shown(line)}[/]\n[dim]{reason}[/]"
        grid.add_row(shown(r.scheme_label), cls, score, reason, shown(r.strategy))
    ctx.stdout.print(grid)


@ctx.guarded
def export_command(
    out: Annotated[Path, typer.Option("--out", help="File to write.")],
    format_: Annotated[
        str | None, typer.Option("--format", help="csv, parquet or xlsx (default: from --out).")
    ] = None,
    labels: Annotated[
        bool, typer.Option(help="Write class labels (in --lang) instead of keys.")
    ] = False,
    features: Annotated[bool, typer.Option(help="Add the feature columns.")] = False,
    snapshot_id: SnapshotOption = None,
    force: ForceOption = False,
    json_: ctx.JsonOption = False,
) -> None:
    """Write one row per customer and one column per scheme (text cells are never formulas)."""
    from custseg.spreadsheet import write_csv, write_xlsx

    fmt = (format_ or out.suffix.lstrip(".")).lower()
    if fmt not in ("csv", "parquet", "xlsx"):
        raise ConfigError(f"--format must be one of ['csv', 'parquet', 'xlsx']; got {fmt!r}")
    target = checked_out(out, force=force)
    snap = ctx.workspace().snapshot(snapshot_id)
    lang = ctx.STATE.lang if labels else None
    if fmt == "parquet":  # written by the engine: no table of every customer in pandas
        written: list[tuple[int, list[str]]] = []
        write_out(target, lambda temporary: written.append(
            snap.write_parquet(temporary, lang=lang, features=features)))
        rows, columns = written[0]
    else:
        frame = snap.to_frame(lang=lang)
        if features:
            feats = snap.features()
            frame = frame.merge(feats, on="customer_id", how="left", suffixes=("", "_feature"))
        if fmt == "csv":
            write_out(target, lambda temporary: write_csv(frame, temporary))
        else:
            write_out(target, lambda temporary: write_xlsx(frame, temporary, "customers"))
        rows, columns = len(frame), list(frame.columns)
    if json_:
        ctx.emit_json({"out": str(out), "format": fmt, "rows": rows, "columns": columns})
        return
    ctx.stdout.print(
        t("safety_wrote_export", ctx.STATE.lang).format(
            rows=f"{rows:,}", columns=len(columns) - 1, out=shown(out)
        ),
        highlight=False,
    )
