"""Commands for manual adjustments and their record: `override ...`, `audit`, `settings`.

The acting user is ``--user``, else $CUSTSEG_USER, else the login name.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from custseg import public
from custseg.cli import _context as ctx
from custseg.errors import ConfigError, GovernanceError, UnknownNameError
from custseg.i18n import Lang, t
from custseg.terminal import shown as escape  # data as visible text, never markup

if TYPE_CHECKING:
    import pandas as pd

    from custseg.public import Override, Targets

UserOption = Annotated[
    str | None,
    typer.Option("--user", help="Who does this (default: $CUSTSEG_USER, else your login name)."),
]
ReasonOption = Annotated[str, typer.Option("--reason", help="Why (recorded in the audit log).")]
IdArgument = Annotated[str, typer.Argument(help="Override id, e.g. OV-000012 (or just 12).")]

override_app = typer.Typer(
    help="Set a customer's class by hand (人工调整), with a reason; approve, reject, remove.",
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    """Add the governance commands to ``app``."""
    app.add_typer(override_app, name="override")
    app.command("audit")(audit_command)
    app.command("settings")(settings_command)


def _date(text: str | None, option: str) -> date | None:
    return None if text is None else ctx.parse_date(text, option)


def _status(status: str, lang: Lang) -> str:
    return t(f"gov_status_{status}", lang)


def _class_label(targets: Targets, scheme: str, key: str, lang: Lang) -> str:
    """``label key`` of a class in the latest system, or the key alone when unknown."""
    label = targets.class_label(scheme, key, lang)
    return f"{escape(label)} [dim]{escape(key)}[/]" if label else escape(key)


def _print_override(o: Override, lang: Lang, message: str) -> None:
    ctx.stdout.print(message, highlight=False)
    if o.reason:
        ctx.stdout.print(f"  {t('reason', lang)}: {escape(o.reason)}", highlight=False)
    if o.expires_on:
        ctx.stdout.print(f"  {t('gov_expires', lang)}: {o.expires_on}", highlight=False)


@override_app.command("add")
@ctx.guarded
def add_command(
    customer: Annotated[str, typer.Argument(help="The customer id.")],
    scheme: Annotated[str, typer.Option("--scheme", help="The scheme, e.g. abc.")],
    class_key: Annotated[str, typer.Option("--class", help="The class key to set, e.g. A.")],
    reason: ReasonOption,
    expires: Annotated[
        str | None,
        typer.Option(
            "--expires",
            help="Expiry date YYYY-MM-DD: applies to runs as of earlier dates only "
            "(default: until removed).",
        ),
    ] = None,
    user: UserOption = None,
    json_: ctx.JsonOption = False,
) -> None:
    """Set CUSTOMER's class in a scheme by hand; later runs apply it until it expires."""
    ws, lang = ctx.workspace(), ctx.STATE.lang
    store = ws.overrides
    override = store.add(
        customer,
        scheme=scheme,
        class_key=class_key,
        reason=reason,
        expires_on=_date(expires, "--expires"),
        user=public.current_user(user),
    )
    superseded = [
        r["override_id"]
        for r in store.list(
            "all", customer_id=override.customer_id, scheme=override.scheme
        ).to_dict("records")
        if r.get("superseded_by") == override.override_id
    ]
    if json_:
        ctx.emit_json({**override.to_dict(), "supersedes": superseded})
        return
    targets = ws.overrides.targets()
    message = t("gov_added", lang).format(
        id=f"[bold]{override.override_id}[/]",
        customer=escape(override.customer_id),
        scheme=escape(override.scheme),
        cls=_class_label(targets, override.scheme, override.class_key, lang),
        status=_status(override.status, lang),
    )
    if superseded:
        message += " · " + t("gov_superseded", lang).format(ids=", ".join(superseded))
    _print_override(override, lang, message)
    if override.status == "pending":
        note = t("gov_needs_approval", lang).format(id=override.override_id)
        ctx.stdout.print(f"  [yellow]{escape(note)}[/]", highlight=False)
    else:
        ctx.stdout.print(f"  [dim]{escape(t('gov_next_run', lang))}[/]", highlight=False)


@override_app.command("list")
@ctx.guarded
def list_command(
    all_: Annotated[
        bool, typer.Option("--all", help="Also rejected and removed overrides.")
    ] = False,
    scheme: Annotated[str | None, typer.Option("--scheme", help="Only this scheme.")] = None,
    customer: Annotated[str | None, typer.Option("--customer", help="Only this customer.")] = None,
    json_: ctx.JsonOption = False,
) -> None:
    """List the active and pending overrides (all of them with --all)."""
    ws, lang = ctx.workspace(), ctx.STATE.lang
    frame = ws.overrides.list("all" if all_ else "open", scheme=scheme, customer_id=customer)
    if json_:
        ctx.emit_json(_records(frame))
        return
    if frame.empty:
        ctx.stdout.print(t("gov_none", lang))
        return
    targets = ws.overrides.targets()
    grid = Table(
        t("gov_id", lang),
        t("gov_customer", lang),
        t("scheme", lang),
        t("class", lang),
        t("gov_status", lang),
        t("gov_expires", lang),
        t("gov_created_by", lang),
        t("reason", lang),
        title=t("gov_overrides", lang),
    )
    for column in grid.columns[:2]:
        column.no_wrap = True
    for row in _records(frame):
        status = _status(row["status"], lang)
        if row["status"] == "removed" and row.get("superseded_by"):
            status += f" → {row['superseded_by']}"
        by = row["created_by"] + (f" / {row['decided_by']}" if row.get("decided_by") else "")
        grid.add_row(
            row["override_id"],
            escape(row["customer_id"]),
            escape(row["scheme"]),
            _class_label(targets, row["scheme"], row["class_key"], lang),
            status,
            row["expires_on"] or t("gov_never", lang),
            escape(by),
            escape(row["reason"]),
        )
    ctx.stdout.print(grid)


@override_app.command("approve")
@ctx.guarded
def approve_command(
    override_id: IdArgument, user: UserOption = None, json_: ctx.JsonOption = False
) -> None:
    """Approve a pending override (a user other than its creator); it takes effect now."""
    override = ctx.workspace().overrides.approve(override_id, user=public.current_user(user))
    _decided(override, "gov_approved", json_)


@override_app.command("reject")
@ctx.guarded
def reject_command(
    override_id: IdArgument,
    reason: ReasonOption,
    user: UserOption = None,
    json_: ctx.JsonOption = False,
) -> None:
    """Reject a pending override (a user other than its creator)."""
    store = ctx.workspace().overrides
    override = store.reject(override_id, user=public.current_user(user), reason=reason)
    _decided(override, "gov_rejected", json_)


@override_app.command("remove")
@ctx.guarded
def remove_command(
    override_id: IdArgument,
    reason: ReasonOption,
    user: UserOption = None,
    json_: ctx.JsonOption = False,
) -> None:
    """Remove an active or pending override; later runs no longer apply it."""
    store = ctx.workspace().overrides
    override = store.remove(override_id, user=public.current_user(user), reason=reason)
    _decided(override, "gov_removed", json_)


def _decided(override: Override, key: str, json_: bool) -> None:
    if json_:
        ctx.emit_json(override.to_dict())
        return
    lang = ctx.STATE.lang
    message = t(key, lang).format(id=f"[bold]{override.override_id}[/]")
    message += (
        f" ({escape(override.customer_id)} · {escape(override.scheme)} · "
        f"{escape(override.class_key)})"
    )
    ctx.stdout.print(message, highlight=False)
    if override.status == "active":
        ctx.stdout.print(f"  [dim]{escape(t('gov_next_run', lang))}[/]", highlight=False)


@ctx.guarded
def audit_command(
    action: Annotated[
        str | None,
        typer.Option(
            "--action",
            help="Only this action: run, run_reused, override_add, override_approve, "
            "override_reject, override_remove, override_supersede, setting_change.",
        ),
    ] = None,
    subject: Annotated[
        str | None, typer.Option("--subject", help="Only entries about this override/snapshot.")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", help="Show the newest N entries.")] = 50,
    verify: Annotated[
        bool, typer.Option("--verify", help="Check the hash chain for edits and gaps.")
    ] = False,
    json_: ctx.JsonOption = False,
) -> None:
    """Show the audit log: who ran, overrode, approved or changed what, when and why."""
    lang = ctx.STATE.lang
    log = ctx.workspace().audit
    if verify:
        _verify(log.verify(), len(log.entries()), lang, json_)
        return
    if action is not None and action not in {a.value for a in public.AuditAction}:
        raise UnknownNameError(action, [a.value for a in public.AuditAction], what="audit action")
    if limit < 1:
        raise ConfigError(f"--limit must be at least 1; got {limit}")
    frame = log.entries(action=action, subject=subject, limit=limit)
    if json_:
        ctx.emit_json(_records(frame))
        return
    if frame.empty:
        ctx.stdout.print(t("gov_audit_empty", lang))
        return
    import pandas as pd

    grid = Table(
        t("gov_seq", lang),
        t("gov_at", lang),
        t("gov_actor", lang),
        t("gov_action", lang),
        t("gov_subject", lang),
        t("gov_detail", lang),
        title=t("gov_audit", lang),
    )
    for row in frame.to_dict("records"):
        grid.add_row(
            str(row["seq"]),
            pd.Timestamp(row["at"]).isoformat(" ", "seconds"),
            escape(row["actor"]),
            t(f"gov_action_{row['action']}", lang),
            escape(row["subject"]),
            escape(_summary(row["detail"])),
        )
    ctx.stdout.print(grid)


def _verify(problems: list[str], entries: int, lang: Lang, json_: bool) -> None:
    if json_:
        ctx.emit_json({"ok": not problems, "entries": entries, "problems": problems})
        if problems:
            raise typer.Exit(1)
        return
    if not problems:
        ctx.stdout.print(f"[green]{t('gov_audit_ok', lang).format(n=entries)}[/]")
        return
    lines = "\n".join(f"  - {p}" for p in problems)
    raise GovernanceError(f"{t('gov_audit_bad', lang).format(n=len(problems))}\n{lines}")


def _summary(detail: dict[str, Any], width: int = 90) -> str:
    """``key=value`` pairs of an entry's detail on one line, hashes shortened."""
    parts = []
    for key, value in detail.items():
        if value in (None, [], {}):
            continue
        if isinstance(value, str) and len(value) == 64:
            value = value[:10]
        if isinstance(value, list):
            value = ",".join(str(v) for v in value)
        parts.append(f"{key}={value}")
    text = " ".join(parts)
    return text if len(text) <= width else text[: width - 1] + "…"


@ctx.guarded
def settings_command(
    key: Annotated[str | None, typer.Argument(help="A setting to show or set.")] = None,
    value: Annotated[str | None, typer.Argument(help="The new value (true/false, ...).")] = None,
    user: UserOption = None,
    json_: ctx.JsonOption = False,
) -> None:
    """Show the workspace settings, one setting, or set one: `custseg settings KEY VALUE`."""
    lang = ctx.STATE.lang
    settings = ctx.workspace().settings
    if key is not None and value is not None:
        old = settings.get(key)
        new = settings.set(key, value, user=public.current_user(user))
        if json_:
            ctx.emit_json({"key": key, "value": new, "previous": old, "changed": new != old})
            return
        message = "gov_setting_set" if new != old else "gov_setting_same"
        done = t(message, lang).format(key=escape(key), value=_shown(new))
        ctx.stdout.print(done, highlight=False)
        return
    if key is not None:
        settings.get(key)  # raises UnknownNameError listing the known settings
    rows = [r for r in settings.describe(lang) if key is None or r["key"] == key]
    if json_:
        ctx.emit_json(rows[0] if key is not None else rows)
        return
    grid = Table(
        t("gov_setting", lang),
        t("gov_value", lang),
        t("gov_default", lang),
        t("gov_changed", lang),
        t("gov_meaning", lang),
        title=t("gov_settings", lang),
    )
    for r in rows:
        changed = ""
        if r["changed_at"]:
            changed = f"{r['changed_at'][:19].replace('T', ' ')} {escape(r['changed_by'])}"
        grid.add_row(r["key"], _shown(r["value"]), _shown(r["default"]), changed, r["help"])
    ctx.stdout.print(grid)


def _shown(value: Any) -> str:
    return escape(str(value).lower() if isinstance(value, bool) else value)


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """JSON-friendly rows: timestamps and dates as ISO text, missing values as None."""
    import pandas as pd

    out = []
    for row in frame.to_dict("records"):
        clean: dict[str, Any] = {}
        for k, v in row.items():
            if isinstance(v, dict | list):
                clean[k] = v
            elif v is None or (not isinstance(v, str) and pd.isna(v)):
                clean[k] = None
            elif isinstance(v, pd.Timestamp):
                clean[k] = v.date().isoformat() if k == "expires_on" else v.isoformat()
            elif isinstance(v, date):
                clean[k] = v.isoformat()
            elif hasattr(v, "item"):
                clean[k] = v.item()
            else:
                clean[k] = v
        out.append(clean)
    return out
