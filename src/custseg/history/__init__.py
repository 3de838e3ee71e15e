"""The management loop over time: migrations between snapshots, alerts and trends.

Public API::

    compare(old, new, scheme) -> Migration              # movers, matrix, notes, pivot()
    compare_all(old, new) -> dict[str, Migration]       # every scheme computed in both
    previous_snapshot(ws, snapshot) -> Snapshot | None  # what to compare a snapshot with
    evaluate_alerts(old, new, lang=...) -> DataFrame    # customers whose move fired an alert
    effective_alerts(system) -> list[AlertRule]         # the alerts in force for a system
    trend(ws, scheme, lang=..., system_hash=...) -> DataFrame

Series of runs (one snapshot per period end) live in :mod:`custseg.history.series`.
"""

from __future__ import annotations

from custseg.history.alerts import evaluate_alerts
from custseg.history.migrations import (
    ABSENT,
    Migration,
    compare,
    compare_all,
    direction_counts,
    previous_snapshot,
)
from custseg.history.trend import trend
from custseg.schemes.alerts_in_force import effective_alerts
from custseg.schemes.config_alerts import AlertRule

__all__ = [
    "ABSENT",
    "AlertRule",
    "Migration",
    "compare",
    "compare_all",
    "direction_counts",
    "effective_alerts",
    "evaluate_alerts",
    "previous_snapshot",
    "trend",
]
