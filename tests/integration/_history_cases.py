"""Hand-made snapshots for the history tests: chosen classes per customer, stored like a run."""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from typing import Any

import ibis
import pandas as pd

from custseg.schemes import ClassificationSystem, parse_system
from custseg.snapshots.model import SchemeOutcome, SnapshotInfo
from custseg.snapshots.store import SnapshotStore
from custseg.snapshots.systems import SystemStore

FIXED_NOW = datetime(2026, 7, 1, 9, 0, 0)

GRADE_SYSTEM = """\
version: 1
name: test-history
schemes:
  - name: grade
    kind: tiers
    labels: {zh_CN: 等级, en: Grade}
    feature: revenue_12m
    method: fixed
    cuts: [100, 1000]
    classes:
      - {key: gold, labels: {zh_CN: 金牌, en: Gold}}
      - {key: silver, labels: {zh_CN: 银牌, en: Silver}}
      - {key: bronze, labels: {zh_CN: 铜牌, en: Bronze}}
  - name: status
    kind: rules
    labels: {zh_CN: 状态, en: Status}
    rules:
      - {when: "recency_days <= 90", class: active}
    default: lapsed
    classes:
      - {key: active, labels: {zh_CN: 活跃, en: Active}}
      - {key: lapsed, labels: {zh_CN: 沉睡, en: Lapsed}}
"""
"""Two small schemes: ``grade`` (ranked tiers gold > silver > bronze, plus ``none``) and
``status`` (unranked rules)."""


def grade_system(extra: str = "") -> ClassificationSystem:
    """The grade / status system, with ``extra`` YAML appended (e.g. an ``alerts:`` list)."""
    return parse_system(GRADE_SYSTEM + extra)


def write_snapshot(
    ws: Any,
    system: ClassificationSystem,
    as_of: date,
    classes: dict[str, dict[str, str]],
    features: pd.DataFrame | None = None,
    *,
    created_at: datetime = FIXED_NOW,
    overrides: dict[tuple[str, str], str] | None = None,
) -> Any:
    """Store a snapshot whose scheme ``s`` gives customer ``c`` class ``classes[s][c]``.

    ``features`` (one row per customer) defaults to a name and zero revenue per customer;
    schemes of the system not in ``classes`` are recorded as skipped. ``overrides`` maps
    (scheme, customer) to the class a manual override sets (stored as the run would).
    """
    digest = SystemStore(ws._con).save(system)
    ids = sorted({c for mapping in classes.values() for c in mapping})
    if features is None:
        features = pd.DataFrame({"customer_id": ids})
    features = features.copy()
    missing = sorted(set(ids) - set(features.customer_id))
    if missing:
        features = pd.concat([features, pd.DataFrame({"customer_id": missing})], ignore_index=True)
    if "name" not in features.columns:
        features["name"] = "Name " + features.customer_id
    if "revenue_12m" not in features.columns:
        features["revenue_12m"] = 0.0
    seed = f"{as_of}|{digest}|{created_at}|{sorted(classes.items())}"
    snapshot_id = hashlib.sha256(seed.encode()).hexdigest()[:16]
    outcomes = tuple(
        SchemeOutcome(name=s.name, kind=s.kind, status="computed")
        if s.name in classes
        else SchemeOutcome(name=s.name, kind=s.kind, status="skipped", reason="not in this test")
        for s in system.schemes
    )
    info = SnapshotInfo(
        snapshot_id=snapshot_id,
        as_of=as_of,
        system_name=system.name,
        system_hash=digest,
        data_hash="test",
        code_version="test",
        created_at=created_at,
        customers=len(features),
        input_counts={},
        outcomes=outcomes,
        extra={"overrides_applied": len(overrides)} if overrides else {},
    )
    parts = [
        ibis.memtable(
            pd.DataFrame(
                {
                    "snapshot_id": snapshot_id,
                    "customer_id": list(mapping),
                    "scheme": name,
                    "class_key": list(mapping.values()),
                    "score": [None] * len(mapping),
                    "reason": "hand-made",
                }
            ).astype({"score": "float64"})
        )
        for name, mapping in classes.items()
    ]
    store = SnapshotStore(ws._con)
    rows = None
    if overrides:
        rows = pd.DataFrame(
            [
                {"customer_id": c, "scheme": s, "class_key": k, "override_id": f"ov-{s}-{c}",
                 "reason": "salesperson knows better", "created_by": "test", "expires_on": None}
                for (s, c), k in overrides.items()
            ]
        )
    store.write(
        snapshot_id,
        features=ibis.memtable(features),
        assignments=ibis.union(*parts) if len(parts) > 1 else parts[0],
        finish=lambda stored: (info, rows),
    )
    return ws.snapshot(snapshot_id)
