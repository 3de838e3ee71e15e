"""The server commands in-process: user add/list/passwd/disable, token create/list/revoke;
and the clear message when another process holds the DuckDB workspace."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from custseg import open_workspace
from custseg.cli.app import app

runner = CliRunner()
PASSWORD = "a long enough passphrase"  # noqa: S105 - test account


def invoke(ws: Path, *args: str, stdin: str | None = None) -> Any:
    return runner.invoke(
        app,
        ["--workspace", str(ws), *args],
        input=stdin,
        catch_exceptions=False,
        env={"CUSTSEG_USER": "operator"},
    )


def test_users_and_tokens_from_the_command_line(tmp_path: Path) -> None:
    ws = tmp_path / "ws.duckdb"
    empty = invoke(ws, "user", "list")
    assert "no users yet" in empty.stdout
    made = invoke(
        ws, "user", "add", "Alice", "--role", "admin", "--password-stdin", stdin=PASSWORD + "\n"
    )
    assert made.exit_code == 0, made.output
    assert "user alice created (role: admin)" in made.stdout
    short = invoke(
        ws, "user", "add", "bob", "--role", "viewer", "--password-stdin", stdin="short\n"
    )
    assert short.exit_code == 1 and "at least 10" in short.output
    no_owner = invoke(
        ws,
        "--lang",
        "zh",
        "user",
        "add",
        "wang",
        "--role",
        "sales",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    assert no_owner.exit_code == 1 and "--owner" in no_owner.output
    listed = json.loads(invoke(ws, "user", "list", "--json").stdout)
    assert [(u["name"], u["role"], u["created_by"]) for u in listed] == [
        ("alice", "admin", "operator")
    ]

    created = invoke(ws, "token", "create", "alice", "--days", "30", "--label", "nightly")
    secret = created.stdout.strip()
    assert created.exit_code == 0 and secret.startswith("cst_")
    check = open_workspace(ws)
    try:
        assert check.accounts.principal_for_token(secret).name == "alice"
    finally:
        check.close()
    tokens = json.loads(invoke(ws, "token", "list", "--json").stdout)
    assert [t["label"] for t in tokens] == ["nightly"] and "token_hash" not in tokens[0]
    revoked = invoke(ws, "token", "revoke", tokens[0]["token_id"])
    assert revoked.exit_code == 0 and tokens[0]["token_id"] in revoked.stdout

    changed = invoke(
        ws, "user", "passwd", "ALICE", "--password-stdin", stdin="another long passphrase\n"
    )
    assert changed.exit_code == 0, changed.output
    disabled = invoke(ws, "user", "disable", "alice")
    assert "disabled" in disabled.stdout
    check = open_workspace(ws)
    try:
        assert check.accounts.user("alice").disabled
        actions = check.audit.entries().action.tolist()
    finally:
        check.close()
    assert actions == ["user_add", "token_create", "token_revoke", "user_password", "user_disable"]


def test_a_workspace_held_by_another_process_gets_a_clear_message(tmp_path: Path) -> None:
    ws = tmp_path / "busy.duckdb"
    open_workspace(ws).close()
    holder = subprocess.Popen(  # noqa: S603 - our own interpreter and code
        [
            sys.executable,
            "-c",
            textwrap.dedent(f"""
            import sys, time
            from custseg import open_workspace
            ws = open_workspace({str(ws)!r})
            print("holding", flush=True)
            sys.stdin.readline()
        """),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        result = runner.invoke(app, ["--workspace", str(ws), "snapshots"])
        assert result.exit_code == 1
        assert "in use by another custseg process" in result.output
        assert "Traceback" not in result.output and "IOException" not in result.output
    finally:
        holder.communicate("\n", timeout=30)
