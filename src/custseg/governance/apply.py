"""Which of the overrides in force a run can apply, and why the others are left out."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import ibis
import pandas as pd

from custseg.governance.targets import class_keys
from custseg.schemes import ClassificationSystem
from custseg.snapshots.model import SchemeOutcome


def partition_overrides(
    in_force: pd.DataFrame,
    *,
    system: ClassificationSystem,
    outcomes: Sequence[SchemeOutcome],
    features: ibis.Table,
) -> tuple[pd.DataFrame, list[dict[str, Any]]]:
    """Split ``in_force`` into the overrides the run applies and those it ignores (with why).

    An override is ignored when its scheme is not in the run's system or was not computed, its
    class is not a class of the scheme in this run, or its customer is not in the run.
    """
    if in_force.empty:
        return in_force, []
    outcome_of = {o.name: o for o in outcomes}
    scheme_of = {s.name: s for s in system.schemes}
    wanted = sorted(set(in_force.customer_id.astype(str)))
    present = set(
        features.filter(features.customer_id.cast("string").isin(wanted))
        .customer_id.cast("string")
        .to_pyarrow()
        .to_pylist()
    )
    keep: list[bool] = []
    ignored: list[dict[str, Any]] = []
    for row in in_force.to_dict("records"):
        why = _why_ignored(row, scheme_of, outcome_of, present)
        keep.append(why is None)
        if why is not None:
            ignored.append(
                {
                    "override_id": row["override_id"],
                    "customer_id": str(row["customer_id"]),
                    "scheme": row["scheme"],
                    "class_key": row["class_key"],
                    "why": why,
                }
            )
    return in_force[keep].reset_index(drop=True), ignored


def _why_ignored(
    row: dict[str, Any],
    scheme_of: dict[str, Any],
    outcome_of: dict[str, SchemeOutcome],
    present: set[str],
) -> str | None:
    scheme = row["scheme"]
    if scheme not in scheme_of:
        return f"scheme {scheme!r} is not in this run's classification system"
    outcome = outcome_of.get(scheme)
    if outcome is None or outcome.status != "computed":
        why = outcome.reason_text("en") if outcome is not None else ""
        reason = f": {why}" if why else ""
        return f"scheme {scheme!r} was skipped in this run{reason}"
    if row["class_key"] not in class_keys(scheme_of[scheme], outcome):
        return f"class {row['class_key']!r} is not a class of scheme {scheme!r} in this run"
    if str(row["customer_id"]) not in present:
        return f"customer {row['customer_id']!r} is not in this run"
    return None
