"""`custseg profile` (what the data holds) and `custseg check` (is every scheme meaningful)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from custseg.cli import _context as ctx
from custseg.i18n import Lang, t

if TYPE_CHECKING:
    from custseg.public import DataProfile, Finding, SnapshotInfo


def register(app: typer.Typer) -> None:
    """Add the profile and check commands to ``app``."""
    app.command("profile")(profile_command)
    app.command("check")(check_command)


@ctx.guarded
def profile_command(
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Profile the data as of this date (default: latest order)."),
    ] = None,
    json_: ctx.JsonOption = False,
) -> None:
    """Show what the data holds: inputs and fill shares, purchase rhythm, history, activity."""
    from custseg.cli.commands_snapshot import parse_date

    ws = ctx.workspace()
    if not ws.tables():
        ctx.stderr.print(t("profile_no_data", ctx.STATE.lang), highlight=False)
        raise typer.Exit(1)
    profile = ws.profile(as_of=parse_date(as_of, "--as-of") if as_of else None)
    if json_:
        ctx.emit_json(profile.to_dict())
        return
    print_profile(profile, ctx.STATE.lang)


def print_profile(profile: DataProfile, lang: Lang) -> None:
    """The profile as three small tables."""
    out = ctx.stdout
    out.print(f"[bold]{t('profile_title', lang).format(as_of=profile.as_of)}[/]", highlight=False)
    inputs = Table(title=t("profile_inputs", lang), title_justify="left")
    for column in ("profile_table", "profile_rows", "profile_filled", "profile_empty"):
        inputs.add_column(t(column, lang))
    for name in ("customers", "orders", "payments", "opportunities"):
        entry = profile.inputs.get(name)
        if entry is None:
            inputs.add_row(name, "-", t("profile_absent", lang), "")
            continue
        filled = [f"{c} {v:.0%}" for c, v in entry["columns"].items() if v > 0]
        empty = [c for c, v in entry["columns"].items() if v == 0]
        none = t("profile_none", lang)
        inputs.add_row(
            name, f"{entry['rows']:,}", ", ".join(filled) or none, ", ".join(empty) or none
        )
    out.print(inputs)
    if profile.rhythm:
        out.print(_measures(t("profile_rhythm", lang), _rhythm_rows(profile, lang), lang))
        active = profile.rhythm["gap_p90_days"]
        out.print(
            t("profile_thresholds", lang).format(active=f"{active:g}", churned=f"{2 * active:g}"),
            highlight=False,
        )
    out.print(_measures(t("profile_history", lang), _history_rows(profile, lang), lang))


def _rhythm_rows(profile: DataProfile, lang: Lang) -> list[tuple[str, str]]:
    r = profile.rhythm
    source = (
        t("profile_measured", lang) if r["measured"] else t("profile_fallback", lang).format(min=30)
    )
    share = r.get("one_time_share")
    return [
        (t("profile_gap_median", lang), f"{r['gap_median_days']:g} ({source})"),
        (t("profile_gap_p75", lang), f"{r['gap_p75_days']:g}"),
        (t("profile_gap_p90", lang), f"{r['gap_p90_days']:g}"),
        (t("profile_repeat_buyers", lang), f"{r['repeat_buyers']:,}"),
        (t("profile_one_time_share", lang), f"{share:.1%}" if share is not None else "-"),
    ]


def _history_rows(profile: DataProfile, lang: Lang) -> list[tuple[str, str]]:
    h, a = profile.history, profile.activity
    rows = [(t("profile_customers", lang), f"{a.get('customers', 0):,}")]
    if h:
        share = a.get("revenue_12m_share")
        rows += [
            (t("profile_first_order", lang), str(h["first_order_date"])),
            (t("profile_last_order", lang), str(h["last_order_date"])),
            (t("profile_span_days", lang), f"{h['span_days']:,}"),
            (t("profile_purchasers", lang), f"{a.get('purchasers', 0):,}"),
            (t("profile_revenue_12m_share", lang), f"{share:.1%}" if share is not None else "-"),
        ]
    return rows


def _measures(title: str, rows: list[tuple[str, str]], lang: Lang) -> Table:
    table = Table(title=title, title_justify="left")
    table.add_column(t("profile_measure", lang))
    table.add_column(t("profile_value", lang), justify="right")
    for label, value in rows:
        table.add_row(label, escape(value))
    return table


@ctx.guarded
def check_command(
    snapshot: Annotated[
        str | None, typer.Argument(help="Snapshot id or prefix (default: latest).")
    ] = None,
    json_: ctx.JsonOption = False,
) -> None:
    """Check every scheme of a snapshot: is each classification meaningful on this data.

    Reports classes holding nearly everyone, empty classes, splits at tied values,
    contradictions between schemes (the system's exclusions) and indicators without data.

    Exit status 0 when there is no warning, 2 when there is (notes do not count).
    """
    ws = ctx.workspace()
    lang = ctx.STATE.lang
    findings, stored = ws.check(snapshot)
    info = ws.snapshot(snapshot).info
    warnings = [f for f in findings if f.level == "warning"]
    if json_:
        ctx.emit_json(_check_json(info, findings, stored, lang))
    else:
        print_check(info, findings, stored, lang)
    if warnings:
        raise typer.Exit(2)


def _check_json(
    info: SnapshotInfo, findings: list[Finding], stored: bool, lang: Lang
) -> dict[str, Any]:
    return {
        "snapshot_id": info.snapshot_id,
        "as_of": info.as_of.isoformat(),
        "stored": stored,
        "warnings": sum(f.level == "warning" for f in findings),
        "notes": sum(f.level == "note" for f in findings),
        "findings": [f.to_json(lang) for f in findings],
    }


def print_check(info: SnapshotInfo, findings: list[Finding], stored: bool, lang: Lang) -> None:
    """The findings as a table, warnings first."""
    out = ctx.stdout
    out.print(
        f"[bold]{t('health_title', lang)}[/] · {t('snapshot', lang)} {info.snapshot_id} · "
        f"{t('as_of', lang)} {info.as_of}",
        highlight=False,
    )
    if not stored:
        out.print(t("health_not_stored", lang).format(snapshot=info.snapshot_id), highlight=False)
    out.print(health_summary(info, findings, lang), highlight=False)
    if not findings:
        out.print(t("health_none", lang), highlight=False)
        return
    table = Table(show_lines=False)
    for column in ("health_level", "scheme", "health_check_col", "customers", "health_finding"):
        table.add_column(t(column, lang))
    for f in findings:
        level = t(f"health_level_{f.level}", lang)
        style = "bold red" if f.level == "warning" else "dim"
        table.add_row(
            f"[{style}]{escape(level)}[/]",
            escape(f.scheme or "-"),
            escape(t(f"health_check_{f.check}", lang)),
            f"{f.customers:,}" if f.customers else "",
            escape(f.render(lang)),
        )
    out.print(table)


def health_summary(info: SnapshotInfo, findings: list[Finding], lang: Lang) -> str:
    """One line: how many warnings and notes in how many schemes."""
    warnings = sum(f.level == "warning" for f in findings)
    notes = sum(f.level == "note" for f in findings)
    params = {"schemes": len(info.computed_schemes), "warnings": warnings, "notes": notes}
    key = "health_summary_bad" if warnings else "health_summary_ok"
    return t(key, lang).format(**params)


def print_health_line(info: SnapshotInfo, lang: Lang) -> None:
    """The health summary line of ``run`` (nothing for a snapshot without a stored check)."""
    stored = info.extra.get("health")
    if stored is None:
        return
    from custseg.public import Finding

    findings = [Finding.from_dict(item) for item in stored]
    style = "yellow" if any(f.level == "warning" for f in findings) else "green"
    ctx.stdout.print(
        f"  [{style}]{escape(health_summary(info, findings, lang))}[/]", highlight=False
    )
