"""The CLI with --workspace a DuckDB file and a postgresql:// URL: every command works on both."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sample_dates import SAMPLE_AS_OFS
from typer.testing import CliRunner

from custseg.cli.app import app
from custseg.sample import sample_data_dir

runner = CliRunner()


def invoke(ws: str, *args: str, stdin: str | None = None, user: str = "ann") -> Any:
    result = runner.invoke(
        app,
        ["--workspace", ws, *args],
        catch_exceptions=False,
        input=stdin,
        env={"CUSTSEG_USER": user},
    )
    return result


def ok_json(ws: str, *args: str, user: str = "ann") -> Any:
    result = invoke(ws, *args, "--json", user=user)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_ingest_from_the_command_line(workspace_url: str) -> None:
    source = sample_data_dir() / "customers.csv"
    result = invoke(workspace_url, "ingest", "customers", str(source))
    assert result.exit_code == 0, result.output
    assert "2,500 accepted" in result.stdout
    rejects = invoke(workspace_url, "rejects")
    assert rejects.exit_code == 0, rejects.output


def test_reads_run_overrides_and_audit(sample_workspace_url: str, tmp_path: Path) -> None:
    ws = sample_workspace_url
    listed = ok_json(ws, "snapshots")
    assert [s["as_of"] for s in listed] == list(SAMPLE_AS_OFS)
    shown = ok_json(ws, "show", "--scheme", "abc")
    assert sum(r["customers"] for r in shown["schemes"]["abc"]) == 2500
    export = tmp_path / "x.csv"
    assert invoke(ws, "export", "--out", str(export)).exit_code == 0
    customer = export.read_text(encoding="utf-8-sig").splitlines()[1].split(",")[0]
    explained = ok_json(ws, "explain", customer)
    assert explained["customer_id"] == customer and len(explained["classes"]) >= 25
    assert ok_json(ws, "diff", "--scheme", "abc")
    assert ok_json(ws, "alerts")
    assert ok_json(ws, "trend", "--scheme", "abc")
    assert ok_json(ws, "actions")
    assert invoke(ws, "check").exit_code == 0
    assert invoke(ws, "profile").exit_code == 0

    assert invoke(ws, "settings", "require_override_approval", "true", user="root").exit_code == 0
    added = invoke(ws, "override", "add", customer, "--scheme", "abc", "--class", "A",
                   "--reason", "framework contract", "--expires", "2027-06-30")
    assert added.exit_code == 0, added.output
    assert "pending" in added.stdout
    refused = invoke(ws, "override", "approve", "OV-000001")
    assert refused.exit_code == 1 and "cannot approve" in refused.stderr
    approved = invoke(ws, "override", "approve", "OV-000001", user="mia")
    assert approved.exit_code == 0, approved.output
    run = ok_json(ws, "run", "--as-of", SAMPLE_AS_OFS[-1])
    assert run["customers"] == 2500
    after = ok_json(ws, "explain", customer, "--snapshot", run["snapshot_id"])
    abc = next(c for c in after["classes"] if c["scheme"] == "abc")
    assert abc["class_key"] == "A"

    verified = ok_json(ws, "audit", "--verify")
    assert verified["ok"] is True
    actions = [e["action"] for e in ok_json(ws, "audit")]
    assert {"run", "setting_change", "override_add", "override_approve"} <= set(actions)


def test_users_and_tokens_from_the_command_line(workspace_url: str) -> None:
    ws = workspace_url
    added = invoke(ws, "user", "add", "root", "--role", "admin", "--password-stdin",
                   stdin="correct horse battery\n")
    assert added.exit_code == 0, added.output
    added = invoke(ws, "user", "add", "sam", "--role", "sales", "--owner", "李娜",
                   "--password-stdin", stdin="another long passphrase\n")
    assert added.exit_code == 0, added.output
    users = ok_json(ws, "user", "list")
    assert [(u["name"], u["role"], u["owner"]) for u in users] == [
        ("root", "admin", None), ("sam", "sales", "李娜")]
    created = invoke(ws, "token", "create", "root", "--days", "30", "--label", "ci")
    assert created.exit_code == 0, created.output
    secret = created.stdout.strip().splitlines()[-1]
    assert secret.startswith("cst_")
    tokens = ok_json(ws, "token", "list")
    assert len(tokens) == 1 and tokens[0]["label"] == "ci"
    assert invoke(ws, "token", "revoke", tokens[0]["token_id"]).exit_code == 0
    assert ok_json(ws, "token", "list")[0]["revoked_at"] is not None
    assert invoke(ws, "user", "disable", "sam").exit_code == 0
    assert invoke(ws, "user", "passwd", "root", "--password-stdin",
                  stdin="a new long passphrase\n").exit_code == 0
    assert ok_json(ws, "audit", "--verify")["ok"] is True
