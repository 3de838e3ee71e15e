"""Frequency: how many purchases, on how many days, in how many months of the last year."""

from __future__ import annotations

import ibis.expr.types as ir

from custseg.features._context import BuildContext

_COUNTS = ("orders_count", "orders_12m", "purchase_days", "purchase_days_12m", "active_months_12m")


def order_metrics(orders: ir.Table, ctx: BuildContext) -> dict[str, ir.Value]:
    """Per-customer aggregates over the per-order table."""
    purchase = orders.net > 0
    return {
        "orders_count": orders.count(where=purchase),
        "orders_12m": orders.count(where=purchase & ctx.in_window(orders.order_date)),
    }


def day_metrics(days: ir.Table, ctx: BuildContext) -> dict[str, ir.Value]:
    """Per-customer aggregates over the purchase-day table.

    A month of the window is one of twelve equal slices counted back from as_of, so
    ``active_months_12m`` is 0-12 whatever the calendar. It counts the window's days that open
    a month: the customer's first purchase day, or one whose previous purchase day (``gap``
    days earlier) lies in another month. The month of a later day is never that of an earlier
    one, so this is the number of distinct months, without a distinct count per customer.
    """
    recent = ctx.in_window(days.order_date)
    month = (days.days_ago * 12) // ctx.window_days
    previous_month = ((days.days_ago + days.gap) * 12) // ctx.window_days
    opens_month = days.gap.isnull() | (previous_month != month)
    return {
        "purchase_days": days.count(),
        "purchase_days_12m": days.count(where=recent),
        "active_months_12m": days.count(where=recent & opens_month),
    }


def finish(t: ir.Table, ctx: BuildContext) -> dict[str, ir.Value]:
    """Counts are 0 (not null) for customers without orders."""
    return {name: t[name].coalesce(0).cast("int64") for name in _COUNTS}
