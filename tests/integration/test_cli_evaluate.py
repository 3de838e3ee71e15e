"""`custseg evaluate` (holdout validation of the purchase models) and `custseg models`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from custseg.cli.app import app
from custseg.sample import sample_data_dir

runner = CliRunner()


def invoke(ws: Path, *args: str) -> object:
    return runner.invoke(app, ["--workspace", str(ws), *args], catch_exceptions=False)


@pytest.fixture(scope="module")
def orders_ws(tmp_path_factory: pytest.TempPathFactory) -> Path:
    ws = tmp_path_factory.mktemp("evaluate") / "ws.duckdb"
    result = invoke(ws, "ingest", "orders", str(sample_data_dir() / "orders.csv"), "--json")
    assert result.exit_code == 0, result.output
    return ws


def test_evaluate_writes_charts_and_json(orders_ws: Path) -> None:
    out = orders_ws.parent / "charts"
    result = invoke(orders_ws, "evaluate", "--calibration-end", "2025-06-30",
                    "--holdout-end", "2026-06-30", "--out-dir", str(out), "--json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["actual"] > 0
    assert set(payload["predicted"]) == {"mbgnbd", "bgnbd"}
    assert all(v > 0 for v in payload["predicted"].values())
    assert len(payload["conditional_expectation"]) == 8
    for name in ("tracking.png", "conditional_expectation.png"):
        png = out / name
        assert png.exists() and png.stat().st_size > 1000
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_evaluate_prints_tables(orders_ws: Path) -> None:
    out = orders_ws.parent / "charts2"
    result = invoke(orders_ws, "evaluate", "--calibration-end", "2025-06-30",
                    "--holdout-end", "2026-06-30", "--out-dir", str(out), "--model", "mbgnbd")
    assert result.exit_code == 0, result.output
    assert "Repeat purchases in the holdout period" in result.stdout
    assert "mbgnbd" in result.stdout and "7+" in result.stdout


def test_evaluate_rejects_a_holdout_before_calibration(orders_ws: Path) -> None:
    result = invoke(orders_ws, "evaluate", "--calibration-end", "2025-06-30",
                    "--holdout-end", "2025-01-01", "--out-dir", str(orders_ws.parent / "x"))
    assert result.exit_code == 1


def test_models_shows_the_parameters_of_the_latest_snapshot(orders_ws: Path) -> None:
    assert invoke(orders_ws, "run", "--as-of", "2026-03-31", "--json").exit_code == 0
    payload = json.loads(invoke(orders_ws, "models", "--json").stdout)
    assert payload["models"]["status"] == "fitted"
    assert set(payload["models"]["transaction"]["params"]) == {"r", "alpha", "a", "b"}
    text = invoke(orders_ws, "models").stdout
    assert "ModifiedBetaGeo" in text and "GammaGamma" in text
    zh = invoke(orders_ws, "--lang", "zh", "models").stdout
    assert "购买次数模型：ModifiedBetaGeo" in zh and "估计值" in zh
    for english in ("Snapshot", "parameter", "estimate", "converged", "customers"):
        assert english not in zh


def test_evaluate_speaks_chinese_with_lang_zh(orders_ws: Path) -> None:
    out = orders_ws.parent / "charts_zh"
    result = invoke(orders_ws, "--lang", "zh", "evaluate", "--calibration-end", "2025-06-30",
                    "--holdout-end", "2026-06-30", "--out-dir", str(out))
    assert result.exit_code == 0, result.output
    assert "验证期内的重复购买次数" in result.stdout and "校准期截至" in result.stdout
    for english in ("Calibration", "holdout", "Repeat purchases", "correlation"):
        assert english not in result.stdout
