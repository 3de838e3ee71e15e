"""Recency and tenure: when the customer first and last bought, and how long ago."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from custseg.features._context import BuildContext


def order_metrics(orders: ir.Table, ctx: BuildContext) -> dict[str, ir.Value]:
    """Per-customer aggregates over the per-order table."""
    purchase = orders.net > 0
    return {
        "first_purchase_date": orders.order_date.min(where=purchase),
        "last_purchase_date": orders.order_date.max(where=purchase),
    }


def finish(t: ir.Table, ctx: BuildContext) -> dict[str, ir.Value]:
    """Derived columns: purchase flags, recency, tenure and relationship length."""
    has_purchase = t.first_purchase_date.notnull()
    start = t.first_purchase_date
    if "created_date" in t.columns:
        created = (t.created_date <= ctx.as_of_literal()).ifelse(t.created_date, ibis.null("date"))
        start = ibis.least(start.coalesce(created), created.coalesce(start))
    return {
        "has_purchase": has_purchase,
        "is_prospect": ~has_purchase,
        "recency_days": ctx.days_before_as_of(t.last_purchase_date),
        "tenure_days": ctx.days_before_as_of(t.first_purchase_date),
        "relationship_days": ctx.days_before_as_of(start),
    }
