"""The governance commands in-process: override, audit, settings; show and explain overrides."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from custseg.cli.app import app

runner = CliRunner()


def invoke(ws: Path, *args: str, env: dict[str, str] | None = None) -> Any:
    return runner.invoke(app, ["--workspace", str(ws), *args], catch_exceptions=False, env=env)


@pytest.fixture
def ws(history_workspace_file: Path, tmp_path: Path) -> Path:
    path = tmp_path / "ws.duckdb"
    shutil.copyfile(history_workspace_file, path)
    return path


def test_override_lifecycle_with_approval_in_english_and_chinese(ws: Path) -> None:
    result = invoke(ws, "settings", "require_override_approval", "true", "--user", "admin")
    assert result.exit_code == 0, result.output
    assert "Set require_override_approval = true" in result.stdout

    result = invoke(
        ws,
        "override",
        "add",
        "C000001",
        "--scheme",
        "abc",
        "--class",
        "B",
        "--reason",
        "new framework contract",
        "--expires",
        "2027-06-30",
        "--user",
        "alice",
    )
    assert result.exit_code == 0, result.output
    assert "Added override OV-000001" in result.stdout and "pending" in result.stdout
    assert "custseg override approve OV-000001" in " ".join(result.stdout.split())

    result = invoke(ws, "override", "approve", "OV-000001", env={"CUSTSEG_USER": "alice"})
    assert result.exit_code == 1
    assert "'alice' created override OV-000001 and cannot approve it" in result.stderr

    result = invoke(ws, "--lang", "zh", "override", "approve", "1", "--user", "bob")
    assert result.exit_code == 0, result.output
    assert "已批准人工调整 OV-000001" in result.stdout

    result = invoke(ws, "--lang", "zh", "override", "list")
    assert "人工调整" in result.stdout and "生效中" in result.stdout and "C000001" in result.stdout

    listed = json.loads(invoke(ws, "override", "list", "--json").stdout)
    assert [
        (o["override_id"], o["status"], o["created_by"], o["decided_by"], o["expires_on"])
        for o in listed
    ] == [("OV-000001", "active", "alice", "bob", "2027-06-30")]

    result = invoke(
        ws,
        "override",
        "remove",
        "OV-000001",
        "--reason",
        "contract cancelled",
        "--user",
        "alice",
        "--json",
    )
    assert json.loads(result.stdout)["status"] == "removed"
    assert json.loads(invoke(ws, "override", "list", "--json").stdout) == []
    assert len(json.loads(invoke(ws, "override", "list", "--all", "--json").stdout)) == 1

    audit = json.loads(invoke(ws, "audit", "--json").stdout)
    assert [e["action"] for e in audit][-5:] == [
        "setting_change",
        "override_add",
        "override_refused",  # alice's attempt to approve her own override
        "override_approve",
        "override_remove",
    ]
    assert audit[-1]["detail"] == {"reason": "contract cancelled"}
    assert [e["seq"] for e in json.loads(invoke(ws, "audit", "--limit", "2", "--json").stdout)] == [
        audit[-2]["seq"],
        audit[-1]["seq"],
    ]
    result = invoke(ws, "--lang", "zh", "audit", "--action", "override_add")
    assert (
        "审计日志" in result.stdout and "新增人工调整" in result.stdout and "alice" in result.stdout
    )


def test_errors_exit_1_and_name_the_problem(ws: Path) -> None:
    cases = [
        (
            ["override", "add", "C000001", "--scheme", "abc", "--class", "Z", "--reason", "x"],
            "unknown class 'Z' in scheme 'abc'",
        ),
        (
            [
                "override",
                "add",
                "C000001",
                "--scheme",
                "abc",
                "--class",
                "A",
                "--reason",
                "x",
                "--expires",
                "30/06/2027",
            ],
            "--expires '30/06/2027' is not a date",
        ),
        (
            ["override", "add", "NOPE", "--scheme", "abc", "--class", "A", "--reason", "x"],
            "customer 'NOPE'",
        ),
        (["override", "approve", "OV-000007"], "no override OV-000007"),
        (["override", "remove", "X1", "--reason", "x"], "'X1' is not an override id"),
        (["settings", "require_aproval", "true"], "unknown setting 'require_aproval'"),
        (["settings", "require_override_approval", "perhaps"], "takes true or false"),
        (["audit", "--action", "runn"], "unknown audit action 'runn'"),
    ]
    for args, message in cases:
        result = invoke(ws, *args)
        assert result.exit_code == 1, (args, result.output)
        assert "Error:" in result.stderr and message in result.stderr.replace("\n", " "), (
            args,
            result.stderr,
        )


def test_settings_show_in_both_languages(ws: Path) -> None:
    rows = json.loads(invoke(ws, "settings", "--json").stdout)
    assert rows[0]["key"] == "require_override_approval" and rows[0]["value"] is False
    one = json.loads(invoke(ws, "settings", "require_override_approval", "--json").stdout)
    assert one["default"] is False
    assert "工作区设置" in invoke(ws, "--lang", "zh", "settings").stdout
    assert "Workspace settings" in invoke(ws, "settings").stdout
    changed = json.loads(
        invoke(ws, "settings", "require_override_approval", "yes", "--json").stdout
    )
    assert changed == {
        "key": "require_override_approval",
        "value": True,
        "previous": False,
        "changed": True,
    }


def test_audit_verify_reports_tampering(ws: Path) -> None:
    result = invoke(ws, "audit", "--verify")
    assert result.exit_code == 0 and "hash chain verified" in result.stdout
    assert json.loads(invoke(ws, "audit", "--verify", "--json").stdout)["ok"] is True
    import duckdb

    with duckdb.connect(str(ws)) as con:
        con.execute("UPDATE audit_log SET actor = 'mallory' WHERE seq = 2")
    result = invoke(ws, "--lang", "zh", "audit", "--verify")
    assert result.exit_code == 1
    assert "审计日志校验发现 1 个问题" in result.stderr and "entry 2" in result.stderr
    result = invoke(ws, "audit", "--verify", "--json")
    assert result.exit_code == 1 and json.loads(result.stdout)["ok"] is False


def test_run_show_and_explain_show_overrides(ws: Path) -> None:
    customer = "C000002"
    before = json.loads(invoke(ws, "explain", customer, "--json").stdout)
    computed = {c["scheme"]: c["class_key"] for c in before["classes"]}
    target = "A" if computed["abc"] != "A" else "B"
    result = invoke(
        ws,
        "override",
        "add",
        customer,
        "--scheme",
        "abc",
        "--class",
        target,
        "--reason",
        "strategic partner",
        "--user",
        "alice",
    )
    assert result.exit_code == 0, result.output
    result = invoke(ws, "run", "--as-of", "2026-05-31", "--json", env={"CUSTSEG_USER": "carol"})
    assert result.exit_code == 0, result.output
    snapshot = json.loads(result.stdout)
    assert snapshot["extra"]["overrides_applied"] == 1

    payload = json.loads(
        invoke(ws, "explain", customer, "--snapshot", snapshot["snapshot_id"], "--json").stdout
    )
    abc = next(c for c in payload["classes"] if c["scheme"] == "abc")
    assert (
        abc["class_key"],
        abc["computed_class_key"],
        abc["override_id"],
        abc["override_by"],
    ) == (target, computed["abc"], "OV-000001", "alice")
    text = invoke(ws, "--lang", "zh", "explain", customer, "--snapshot", snapshot["snapshot_id"])
    assert "(人工调整)" in text.stdout and "OV-000001" in text.stdout

    shown = json.loads(
        invoke(
            ws, "show", "--scheme", "abc", "--snapshot", snapshot["snapshot_id"], "--json"
        ).stdout
    )
    assert shown["overrides_applied"] == {"abc": 1}
    text = invoke(ws, "show", "--scheme", "abc", "--snapshot", snapshot["snapshot_id"]).stdout
    assert "1 override(s) applied" in " ".join(text.split())
    text = invoke(
        ws, "--lang", "zh", "show", "--scheme", "abc", "--snapshot", snapshot["snapshot_id"]
    ).stdout
    assert "本快照应用了 1 项人工调整" in text

    runs = json.loads(invoke(ws, "audit", "--action", "run", "--json").stdout)
    assert runs[-1]["actor"] == "carol" and runs[-1]["subject"] == snapshot["snapshot_id"]
