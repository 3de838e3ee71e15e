"""Findings about the run as a whole: exclusions, skipped schemes, notes, inactive data."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import ibis.expr.types as ir

from custseg.health.finding import Finding
from custseg.i18n import Message
from custseg.schemes import ClassificationSystem
from custseg.snapshots.model import SchemeOutcome


def exclusions(
    system: ClassificationSystem, assignments: ir.Table, outcomes: Sequence[SchemeOutcome]
) -> list[Finding]:
    """One warning per declared exclusion that customers break, with how many."""
    computed = {o.name for o in outcomes if o.status == "computed"}
    out = []
    for rule in system.exclusions or []:
        first, second = rule.if_, rule.then_not
        if first.scheme not in computed or second.scheme not in computed:
            continue
        a = assignments.filter(
            (assignments.scheme == first.scheme) & assignments.class_key.isin(first.classes)
        )
        b = assignments.filter(
            (assignments.scheme == second.scheme) & assignments.class_key.isin(second.classes)
        )
        n = int(
            a.select("customer_id").join(b.select("customer_id"), "customer_id").count().execute()
        )
        if n:
            params = {
                "key": rule.key,
                "n": n,
                "if_scheme": first.scheme,
                "if_classes": ", ".join(first.classes),
                "then_scheme": second.scheme,
                "then_classes": ", ".join(second.classes),
            }
            advice = Message("health_exclusion_advice", params)
            out.append(
                Finding(
                    "exclusion",
                    "warning",
                    first.scheme,
                    n,
                    Message("health_exclusion", params),
                    advice,
                )
            )
    return out


def skipped(outcome: SchemeOutcome) -> Finding:
    """A note: the scheme was skipped or failed, and why (the reason may be a Message)."""
    reason: Any = outcome.reason if outcome.reason is not None else ""
    params = {"scheme": outcome.name, "reason": reason}
    return Finding("skipped_scheme", "note", outcome.name, 0, Message("health_skipped", params))


def diagnostic_notes(outcome: SchemeOutcome) -> list[Finding]:
    """The assigner's own diagnostics as notes (structured ones keep their key)."""
    out = []
    for item in outcome.diagnostics:
        text: Any = item
        if isinstance(item, dict) and "key" in item:
            text = Message.from_dict(item)
        elif not isinstance(item, Message):
            text = str(item)
        named = isinstance(text, Message) and text.render("en").startswith(f"{outcome.name}:")
        message = (
            text if named else Message("health_scheme_note", {"scheme": outcome.name, "text": text})
        )
        out.append(Finding("scheme_note", "note", outcome.name, 0, message))
    return out


def inactivity(features: ir.Table) -> Finding | None:
    """A note when customers bought before but nobody bought in the activity window."""
    if "revenue_12m" not in features.columns or "last_purchase_date" not in features.columns:
        return None
    row = (
        features.aggregate(
            buyers=features.has_purchase.fill_null(False).sum(),
            recent=features.count(where=features.revenue_12m > 0),
            last=features.last_purchase_date.max(),
            customers=features.count(),
        )
        .to_pyarrow()
        .to_pylist()[0]
    )
    if not row["buyers"] or row["recent"]:
        return None
    params = {
        "last": row["last"].isoformat() if row["last"] else "",
        "customers": int(row["customers"]),
    }
    return Finding(
        "inactive_data",
        "note",
        "",
        int(row["customers"]),
        Message("health_inactive", params),
        Message("health_inactive_advice"),
    )


def explained(finding: Finding) -> Finding:
    """With no recent activity, concentration and empty classes are what the data says."""
    if finding.level == "warning" and finding.check in (
        "dominant_class",
        "empty_class",
        "tied_split",
    ):
        return replace(finding, level="note")
    return finding
