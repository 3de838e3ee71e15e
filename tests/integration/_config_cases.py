"""Shared by the CLI boundary and configuration fuzz tests: a small workspace and systems."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from custseg import open_workspace
from custseg.cli.app import app

runner = CliRunner()

ONE_RULE_SYSTEM = """\
name: fuzz
schemes:
  - name: r
    kind: rules
    labels: {{zh_CN: 规则, en: Rule}}
    rules:
      - {{when: {when}, class: a}}
    default: b
    classes:
      - {{key: a, labels: {{zh_CN: 甲, en: A}}}}
      - {{key: b, labels: {{zh_CN: 乙, en: B}}}}
"""

TIERS_SYSTEM = """\
name: t
schemes:
  - name: val
    kind: tiers
    labels: {zh_CN: 价值, en: Value}
    feature: revenue_12m
    cuts: [0.5]
    classes:
      - {key: high, labels: {zh_CN: 高, en: High}}
      - {key: low, labels: {zh_CN: 低, en: Low}}
"""


def invoke(ws: Path, *args: str, env: dict[str, str] | None = None) -> Any:
    """Run the CLI in-process on workspace ``ws``; exceptions are caught into the result."""
    return runner.invoke(app, ["--workspace", str(ws), *args], env=env)


def write_orders(path: Path, customers: int = 20, seed: int = 1) -> Path:
    """A small orders CSV: ``customers`` customers with 1-4 orders each in 2025."""
    rng = random.Random(seed)
    lines = ["order_id,customer_id,order_date,amount"]
    n = 0
    for c in range(customers):
        for _ in range(rng.randint(1, 4)):
            n += 1
            day = f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            lines.append(f"O{n},C{c:03d},{day},{rng.randint(10, 999)}.5")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def small_workspace(folder: Path) -> Path:
    """A workspace holding the small orders table (no snapshot yet)."""
    ws = folder / "small.duckdb"
    result = invoke(ws, "ingest", "orders", str(write_orders(folder / "orders.csv")))
    assert result.exit_code == 0, result.output
    return ws


def record_counts(ws: Path) -> tuple[int, int]:
    """(snapshots, audit entries) of the workspace: what a refused command must not change."""
    workspace = open_workspace(str(ws))
    try:
        return len(workspace.snapshots()), len(workspace.audit.entries())
    finally:
        workspace.close()
