"""`custseg diff`, `alerts` and `trend` in-process, in both languages, with --json."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest
from _history_cases import grade_system, write_snapshot
from typer.testing import CliRunner

from custseg.cli.app import app

runner = CliRunner()


def invoke(ws: Path, *args: str) -> object:
    return runner.invoke(app, ["--workspace", str(ws), *args], catch_exceptions=False)


@pytest.fixture
def ws_file(history_workspace_file: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "cli-history.duckdb"
    shutil.copyfile(history_workspace_file, copy)
    return copy


def _ids(ws: Path) -> dict[str, str]:
    payload = json.loads(invoke(ws, "snapshots", "--json").stdout)
    return {s["as_of"]: s["snapshot_id"] for s in payload}


def test_diff_defaults_to_the_latest_two_snapshots(ws_file: Path) -> None:
    result = invoke(ws_file, "diff", "--json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["old"]["as_of"] == "2026-05-31" and payload["new"]["as_of"] == "2026-06-30"
    abc = payload["schemes"]["abc"]
    assert abc["up"] > 0 and abc["down"] > 0
    assert sum(abc[k] for k in ("up", "down", "changed", "entered", "unchanged")) == 2500
    assert payload["notes"] == []


def test_diff_of_one_scheme_with_id_prefixes(ws_file: Path) -> None:
    ids = _ids(ws_file)
    result = invoke(ws_file, "diff", ids["2025-06-30"][:8], ids["2026-06-30"][:8],
                    "--scheme", "lifecycle", "--movers", "3", "--json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["old"]["as_of"] == "2025-06-30"
    assert payload["ranking"] == ["active", "dormant", "churned"]
    assert sum(r["customers"] for r in payload["matrix"]) == 2500
    directions = [m["direction"] for m in payload["movers"]]
    assert all(directions.count(d) <= 3 for d in set(directions))
    assert payload["movers_total"] == sum(payload["counts"].values())
    assert payload["labels"]["active"] == "Active"


def test_diff_tables_in_english_and_chinese(ws_file: Path) -> None:
    en = invoke(ws_file, "diff", "--scheme", "abc")
    assert en.exit_code == 0, en.output
    assert "Migration matrix" in en.stdout and "Moved up" in en.stdout and "↓" in en.stdout
    zh = invoke(ws_file, "--lang", "zh", "diff", "--scheme", "abc")
    assert "迁移矩阵" in zh.stdout and "关键客户" in zh.stdout and "降级客户" in zh.stdout
    overview = invoke(ws_file, "--lang", "zh", "diff")
    assert "各分类方案的客户变动" in overview.stdout and "消费行为" in overview.stdout


def test_diff_unknown_scheme_is_a_helpful_error(ws_file: Path) -> None:
    result = invoke(ws_file, "diff", "--scheme", "abd")
    assert result.exit_code == 1
    assert "Error:" in result.stderr and "did you mean 'abc'" in result.stderr


def test_diff_without_an_earlier_snapshot_says_what_to_run(make_workspace, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ws = make_workspace("single.duckdb")
    write_snapshot(ws, grade_system(), date(2026, 6, 30), {"grade": {"c1": "gold"}})
    ws.close()
    single = tmp_path / "single.duckdb"
    result = invoke(single, "diff")
    assert result.exit_code == 1 and "custseg run --as-of" in result.stderr
    zh = invoke(single, "--lang", "zh", "diff")
    assert zh.exit_code == 1 and "没有更早的快照" in zh.stderr
    trend = json.loads(invoke(single, "trend", "--scheme", "grade", "--json").stdout)
    assert [r["customers_change"] for r in trend["rows"]] == [None] * 4


def test_diff_of_a_snapshot_with_itself_and_a_bad_id(ws_file: Path) -> None:
    ids = _ids(ws_file)
    first = ids["2025-06-30"]
    same = json.loads(invoke(ws_file, "diff", first, first, "--json").stdout)
    for counts in same["schemes"].values():
        assert sum(v for k, v in counts.items() if k != "unchanged") == 0
    assert any("not earlier" in n for n in same["notes"])
    result = invoke(ws_file, "diff", "nope")
    assert result.exit_code == 1 and "matches no snapshot" in result.stderr


def test_alerts_json_and_tables(ws_file: Path) -> None:
    result = invoke(ws_file, "alerts", "--json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["new"]["as_of"] == "2026-06-30" and payload["old"]["as_of"] == "2026-05-31"
    alerts = payload["alerts"]
    assert alerts and sum(payload["counts"].values()) == len(alerts)
    assert {"customer_id", "name", "alert", "label", "severity", "reason"} <= set(alerts[0])
    order = ["high", "medium", "low"]
    severities = [a["severity"] for a in alerts]
    assert severities == sorted(severities, key=order.index)
    high = json.loads(invoke(ws_file, "alerts", "--severity", "high", "--json").stdout)["alerts"]
    assert high and {a["severity"] for a in high} == {"high"}
    en = invoke(ws_file, "alerts", "--limit", "5")
    assert "Alerts" in en.stdout and "more not shown" in en.stdout
    zh = invoke(ws_file, "--lang", "zh", "alerts", "--limit", "5")
    assert "客户预警" in zh.stdout and "原因" in zh.stdout


def test_alerts_against_a_chosen_snapshot_and_without_any_earlier(ws_file: Path) -> None:
    ids = _ids(ws_file)
    payload = json.loads(
        invoke(ws_file, "alerts", "--against", ids["2025-06-30"], "--json").stdout)
    assert payload["old"]["as_of"] == "2025-06-30"
    first = invoke(ws_file, "alerts", "--snapshot", ids["2025-06-30"])
    assert first.exit_code == 0 and "no earlier snapshot" in first.stdout
    assert invoke(ws_file, "alerts", "--severity", "urgent").exit_code == 1


def test_trend_json_and_tables(ws_file: Path) -> None:
    result = invoke(ws_file, "trend", "--json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["scheme"] == "abc"
    rows = payload["rows"]
    assert sorted({r["as_of"] for r in rows}) == [
        "2025-06-30", "2026-04-30", "2026-05-31", "2026-06-30"]
    june_a = next(r for r in rows if r["as_of"] == "2026-06-30" and r["class_key"] == "A")
    last_year_a = next(r for r in rows if r["as_of"] == "2025-06-30" and r["class_key"] == "A")
    assert june_a["customers_last_year"] == last_year_a["customers"]
    last_two = json.loads(
        invoke(ws_file, "trend", "--scheme", "lifecycle", "--last", "2", "--json").stdout)
    assert sorted({r["as_of"] for r in last_two["rows"]}) == ["2026-05-31", "2026-06-30"]
    en = invoke(ws_file, "trend", "--scheme", "lifecycle")
    assert "Trend" in en.stdout and "Active" in en.stdout and "YoY" in en.stdout
    zh = invoke(ws_file, "--lang", "zh", "trend")
    assert "趋势" in zh.stdout and "关键客户" in zh.stdout and "同比" in zh.stdout


def test_trend_unknown_scheme_exits_1(ws_file: Path) -> None:
    result = invoke(ws_file, "trend", "--scheme", "lifecycel")
    assert result.exit_code == 1 and "did you mean 'lifecycle'" in result.stderr
