"""Commands of the shared server: `user`, `token` and `serve`."""

from __future__ import annotations

import sys
from datetime import timedelta
from typing import Annotated

import typer
from rich.table import Table

from custseg import public
from custseg.cli import _context as ctx
from custseg.errors import ConfigError
from custseg.i18n import t

user_app = typer.Typer(help="Server users: add, list, disable, passwd.", no_args_is_help=True)
token_app = typer.Typer(help="API tokens for scripts: create, list, revoke.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add the server commands to ``app``."""
    app.add_typer(user_app, name="user")
    app.add_typer(token_app, name="token")
    app.command("serve")(serve_command)


PasswordStdin = Annotated[
    bool, typer.Option("--password-stdin", help="Read the password from standard input.")
]


def _password(from_stdin: bool) -> str:
    """The new password: one line of stdin, or typed twice at a hidden prompt."""
    if from_stdin:
        line = sys.stdin.readline()
        if not line.strip():
            raise ConfigError("--password-stdin: standard input held no password")
        return line.rstrip("\r\n")
    if not sys.stdin.isatty():
        raise ConfigError("no terminal to ask for the password; pipe it with --password-stdin")
    text: str = typer.prompt(
        t("server_password_prompt", ctx.STATE.lang), hide_input=True, confirmation_prompt=True
    )
    return text


@user_app.command("add")
@ctx.guarded
def user_add(
    name: Annotated[str, typer.Argument(help="User name (compared case-insensitively).")],
    role: Annotated[str, typer.Option("--role", help="admin, manager, analyst, sales or viewer.")],
    owner: Annotated[
        str | None,
        typer.Option("--owner", help="Owner key (the customers' `owner`) of a sales user."),
    ] = None,
    password_stdin: PasswordStdin = False,
) -> None:
    """Create a user; the password is asked for (or read from stdin); there is no default."""
    password = _password(password_stdin)
    ws = ctx.workspace()
    made = ws.accounts.add_user(
        name, role=role, password=password, owner=owner, by=public.current_user()
    )
    ctx.stdout.print(
        t("server_user_added", ctx.STATE.lang).format(
            name=made.name, role=t(f"server_role_{made.role.value}", ctx.STATE.lang)
        )
    )


@user_app.command("list")
@ctx.guarded
def user_list(json_: ctx.JsonOption = False) -> None:
    """Every user with role, owner key and status."""
    users = ctx.workspace().accounts.users()
    if json_:
        ctx.emit_json([u.to_dict() for u in users])
        return
    lang = ctx.STATE.lang
    if not users:
        ctx.stdout.print(t("server_users_none", lang))
        return
    grid = Table(*(t(f"server_col_{c}", lang) for c in ("name", "role", "owner", "status")))
    for u in users:
        status = "disabled" if u.disabled else "active"
        grid.add_row(
            u.name,
            t(f"server_role_{u.role.value}", lang),
            u.owner or "",
            t(f"server_status_{status}", lang),
        )
    ctx.stdout.print(grid)


@user_app.command("disable")
@ctx.guarded
def user_disable(name: Annotated[str, typer.Argument(help="User name.")]) -> None:
    """Disable a user: no more logins, every token revoked."""
    done = ctx.workspace().accounts.disable(name, by=public.current_user())
    ctx.stdout.print(t("server_user_disabled", ctx.STATE.lang).format(name=done.name))


@user_app.command("passwd")
@ctx.guarded
def user_passwd(
    name: Annotated[str, typer.Argument(help="User name.")], password_stdin: PasswordStdin = False
) -> None:
    """Set a user's password; their login sessions are revoked."""
    password = _password(password_stdin)
    accounts = ctx.workspace().accounts
    accounts.set_password(name, password, by=public.current_user())
    ctx.stdout.print(
        t("server_password_changed", ctx.STATE.lang).format(name=accounts.user(name).name)
    )


@token_app.command("create")
@ctx.guarded
def token_create(
    name: Annotated[str, typer.Argument(help="The user the token acts as.")],
    days: Annotated[
        int, typer.Option("--days", min=0, help="Days until it expires (0: until revoked).")
    ] = 90,
    label: Annotated[str, typer.Option("--label", help="What the token is for.")] = "",
) -> None:
    """Create an API token for scripts (shown once; only its hash is stored)."""
    ttl = timedelta(days=days) if days else None
    issued = ctx.workspace().accounts.create_token(
        name, kind="api", ttl=ttl, label=label, by=public.current_user()
    )
    ctx.stderr.print(
        t("server_token_created", ctx.STATE.lang).format(
            token_id=issued.token_id, name=issued.user_name
        )
    )
    sys.stdout.write(issued.secret + "\n")


@token_app.command("list")
@ctx.guarded
def token_list(
    name: Annotated[str | None, typer.Argument(help="Only this user's tokens.")] = None,
    json_: ctx.JsonOption = False,
) -> None:
    """Tokens (never their secrets): id, user, kind, label, created, expires, revoked."""
    frame = ctx.workspace().accounts.tokens(name)
    if json_:
        ctx.emit_json(frame.astype(object).where(frame.notna(), None).to_dict("records"))
        return
    grid = Table(*frame.columns)
    for row in frame.itertuples(index=False):
        grid.add_row(*("" if v is None or v != v else str(v) for v in row))
    ctx.stdout.print(grid)


@token_app.command("revoke")
@ctx.guarded
def token_revoke(
    token: Annotated[str, typer.Argument(help="Token id (TK-…) or the token itself.")],
) -> None:
    """Revoke a token at once."""
    token_id = ctx.workspace().accounts.revoke(token, by=public.current_user())
    ctx.stdout.print(t("server_token_revoked", ctx.STATE.lang).format(token_id=token_id))


@ctx.guarded
def serve_command(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port.")] = 8000,
    max_upload_mb: Annotated[
        int, typer.Option("--max-upload-mb", min=1, help="Largest upload accepted, in MB.")
    ] = 50,
    token_hours: Annotated[
        float, typer.Option("--token-hours", min=0.01, help="Lifetime of a login token.")
    ] = 8.0,
    cors_origin: Annotated[
        list[str] | None, typer.Option("--cors-origin", help="Allow a browser origin (repeat).")
    ] = None,
    forwarded_allow_ips: Annotated[
        str,
        typer.Option(
            "--forwarded-allow-ips",
            help="Reverse proxies trusted to give the client's address (X-Forwarded-For), "
            "comma-separated; the login limit counts per client address.",
        ),
    ] = "127.0.0.1",
) -> None:
    """Serve the REST API (and its docs at /api/docs) on the workspace."""
    import uvicorn

    from custseg.api import ServerSettings, create_app

    ws = ctx.workspace()
    has_admin = any(u.role.value == "admin" and not u.disabled for u in ws.accounts.users())
    ws.close()
    lang = ctx.STATE.lang
    if not has_admin:
        ctx.stderr.print(t("server_no_admin", lang))
    settings = ServerSettings(
        token_ttl=timedelta(hours=token_hours),
        max_upload_bytes=max_upload_mb * 1_000_000,
        cors_origins=tuple(cors_origin or ()),
    )
    ctx.stderr.print(t("server_serving", lang).format(host=host, port=port))
    uvicorn.run(
        create_app(ctx.STATE.workspace, settings),
        host=host,
        port=port,
        log_level="warning",
        proxy_headers=True,
        forwarded_allow_ips=forwarded_allow_ips,
    )
