"""`custseg profile`, `custseg check` and the health line of `custseg run`, in both languages."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from custseg.cli.app import app

runner = CliRunner()


def invoke(ws: Path, *args: str) -> object:
    return runner.invoke(app, ["--workspace", str(ws), *args], catch_exceptions=False)


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A workspace with 60 customers' orders: 40 buy monthly, 20 once."""
    rows = []
    for i in range(60):
        months = range(1, 13) if i < 40 else [3]
        for m in months:
            rows.append((f"O{len(rows)}", f"C{i:02d}", f"2025-{m:02d}-15", 10.0 * (i + 1)))
    orders = tmp_path / "orders.csv"
    pd.DataFrame(rows, columns=["order_id", "customer_id", "order_date", "amount"]).to_csv(
        orders, index=False
    )
    ws = tmp_path / "w.duckdb"
    assert invoke(ws, "ingest", "orders", str(orders)).exit_code == 0
    return ws


def test_profile_prints_the_rhythm_in_both_languages(workspace: Path) -> None:
    en = invoke(workspace, "--lang", "en", "profile", "--as-of", "2025-12-31")
    assert en.exit_code == 0, en.output
    assert "Purchase rhythm" in en.output and "measured from the data" in en.output
    zh = invoke(workspace, "--lang", "zh", "profile", "--as-of", "2025-12-31")
    assert "购买节奏" in zh.output and "Purchase rhythm" not in zh.output
    data = json.loads(invoke(workspace, "profile", "--json").output)
    assert data["as_of"] == "2025-12-15"  # the latest order
    assert data["rhythm"]["one_time_share"] == pytest.approx(20 / 60, abs=1e-4)
    assert data["inputs"]["orders"]["rows"] == 40 * 12 + 20


def test_profile_of_an_empty_workspace_says_what_to_do(tmp_path: Path) -> None:
    result = invoke(tmp_path / "empty.duckdb", "profile")
    assert result.exit_code == 1 and "custseg ingest orders" in result.output


def test_run_prints_the_health_line_and_check_the_findings(workspace: Path) -> None:
    run = invoke(workspace, "--lang", "zh", "run", "--as-of", "2025-12-31")
    assert run.exit_code == 0, run.output
    assert "健康检查" in run.output
    check = invoke(workspace, "check", "--json")
    data = json.loads(check.output)
    assert data["stored"] is True
    assert check.exit_code == (2 if data["warnings"] else 0)
    assert {f["level"] for f in data["findings"]} <= {"warning", "note"}
    assert all(f["text"] for f in data["findings"])
    en = invoke(workspace, "--lang", "en", "check")
    assert "Health check" in en.output
    zh = invoke(workspace, "--lang", "zh", "check")
    assert "分类健康检查" in zh.output and "Health check" not in zh.output


def test_check_exits_2_on_warnings(workspace: Path, tmp_path: Path) -> None:
    system = tmp_path / "s.yaml"
    system.write_text(
        """
version: 1
name: broad
schemes:
  - name: recency
    kind: rules
    labels: {zh_CN: 最近, en: Recency}
    rules:
      - {when: "recency_days <= 10000", class: recent}
      - {when: "recency_days <= 30", class: very_recent}
    default: old
    classes:
      - {key: recent, labels: {zh_CN: 近, en: Recent}}
      - {key: very_recent, labels: {zh_CN: 很近, en: Very recent}}
      - {key: old, labels: {zh_CN: 远, en: Old}}
""",
        encoding="utf-8",
    )
    run = invoke(workspace, "run", "--system", str(system))
    assert "Health check: 2 warning(s) in 1 schemes" in " ".join(run.output.split()), run.output
    check = invoke(workspace, "--lang", "en", "check")
    assert check.exit_code == 2
    assert "recent" in check.output and "earlier rules" in check.output


def test_a_snapshot_without_a_stored_check_is_checked_from_its_tables(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dataclasses import replace

    from custseg import open_workspace
    from custseg.snapshots.view import Snapshot
    from custseg.workspace import Workspace

    ws = open_workspace(workspace)
    snap = ws.run()
    stored, was_stored = ws.check()
    assert was_stored is True
    older = replace(snap.info, extra={k: v for k, v in snap.info.extra.items() if k != "health"})
    monkeypatch.setattr(
        Workspace, "snapshot", lambda self, _id=None: Snapshot(self._con, older, snap.system)
    )
    recomputed, was_stored = ws.check()
    assert was_stored is False
    assert [f.to_dict() for f in recomputed] == [f.to_dict() for f in stored]
