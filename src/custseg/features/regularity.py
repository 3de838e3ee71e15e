"""Regularity: the customer's own purchase rhythm and how overdue they are against it.

Gaps are the days between consecutive purchase days. The mean gap needs two purchase days,
``(last - first) / (purchase_days - 1)``; the coefficient of variation (population standard
deviation / mean) needs three, i.e. at least two gaps. ``overdue_ratio`` > 1 means the
customer is later than their usual gap.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from custseg.features._context import BuildContext


def day_metrics(days: ir.Table, ctx: BuildContext) -> dict[str, ir.Value]:
    """Per-customer aggregates over the purchase-day table (gap is null on the first day)."""
    gap = days.gap.cast("float64")
    return {"_gap_sumsq": (gap * gap).sum()}


def finish(t: ir.Table, ctx: BuildContext) -> dict[str, ir.Value]:
    """Mean gap, its coefficient of variation and the overdue ratio."""
    days = t.purchase_days
    span = t.last_purchase_date.delta(t.first_purchase_date, unit="day").cast("float64")
    mean = (days >= 2).ifelse(span / (days - 1), ibis.null("float64"))
    variance = ibis.greatest(t._gap_sumsq / (days - 1) - mean * mean, 0.0)
    return {
        "gap_mean_days": mean,
        "gap_cv": (days >= 3).ifelse(variance.sqrt() / mean, ibis.null("float64")),
        "overdue_ratio": (mean > 0).ifelse(t.recency_days / mean, ibis.null("float64")),
    }
