"""Monetary value: net revenue all time and by window, growth, order values, returns, discounts.

Returns (negative lines) net off: they reduce revenue on the date of their order.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from custseg.features._context import BuildContext

_SUMS = ("monetary_total", "revenue_12m", "revenue_prev_12m", "return_amount")


def order_metrics(orders: ir.Table, ctx: BuildContext) -> dict[str, ir.Value]:
    """Per-customer aggregates over the per-order table."""
    net = orders.net
    return {
        "monetary_total": net.sum(),
        "revenue_12m": net.sum(where=ctx.in_window(orders.order_date)),
        "revenue_prev_12m": net.sum(where=ctx.in_prev_window(orders.order_date)),
        "max_order_value": net.max(where=net > 0),
        "return_amount": orders.returned.sum(),
        "_gross_sales": orders.gross.sum(),
        "_discount": orders.discount.sum(),
        "_discount_base": orders.discount_base.sum(),
    }


def finish(t: ir.Table, ctx: BuildContext) -> dict[str, ir.Value]:
    """Derived columns; sums are 0.0 (not null) for customers without orders."""
    sums = {name: t[name].coalesce(0.0).cast("float64") for name in _SUMS}
    previous = sums["revenue_prev_12m"]
    orders = t.orders_count.coalesce(0)
    discounted = t._discount_base + t._discount
    return sums | {
        "revenue_growth": (previous > 0).ifelse(
            (sums["revenue_12m"] - previous) / previous, ibis.null("float64")
        ),
        "avg_order_value": (orders > 0).ifelse(
            sums["monetary_total"] / orders, ibis.null("float64")
        ),
        "return_share": (t._gross_sales > 0).ifelse(
            sums["return_amount"] / t._gross_sales, ibis.null("float64")
        ),
        "discount_share": (discounted > 0).ifelse(t._discount / discounted, ibis.null("float64")),
    }
