"""A scheme that cannot be computed on the data is reported as failed; the run still lands."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from custseg.cli.app import app

SYSTEM = """\
version: 1
name: tiny
schemes:
  - name: abc
    kind: pareto
    labels: {zh_CN: 客户分级, en: ABC grading}
    measure: revenue_12m
    classes:
      - {key: A, labels: {zh_CN: 关键客户, en: Key}}
      - {key: B, labels: {zh_CN: 主要客户, en: Major}}
      - {key: C, labels: {zh_CN: 普通客户, en: Ordinary}}
  - name: learned_one_class
    kind: learned
    labels: {zh_CN: 学习分类, en: Learned}
    labels_file: LABELS
"""


def test_failed_scheme_is_shown_with_its_reason(tmp_path: Path) -> None:
    runner = CliRunner()
    workspace = str(tmp_path / "ws.duckdb")
    assert runner.invoke(app, ["-w", workspace, "demo", "--json"]).exit_code == 0
    labels = tmp_path / "labels.csv"
    labels.write_text("customer_id,class\nC000001,big\nC000002,big\nC000003,big\n")
    system = tmp_path / "system.yaml"
    system.write_text(SYSTEM.replace("LABELS", str(labels)), encoding="utf-8")

    result = runner.invoke(app, ["-w", workspace, "--lang", "zh", "run", "--system", str(system)])
    assert result.exit_code == 0, result.output
    assert "无法计算 learned_one_class" in result.output
    assert "at least 2 classes" in result.output

    listed = runner.invoke(app, ["-w", workspace, "snapshots", "--json"])
    latest = json.loads(listed.output)[-1]
    outcomes = {o["name"]: o["status"] for o in latest["outcomes"]}
    assert outcomes == {"abc": "computed", "learned_one_class": "failed"}
