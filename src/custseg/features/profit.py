"""Profit and margin, from the lines that carry a cost (profit = net amount − cost).

Lines without a cost are left out of profit and of the margin's revenue, so a customer whose
lines partly lack a cost gets the profit of the costed part and that part's margin.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from custseg.features._context import BuildContext


def order_metrics(orders: ir.Table, ctx: BuildContext) -> dict[str, ir.Value]:
    """Per-customer aggregates over the per-order table."""
    profit = orders.costed_net - orders.cost
    return {
        "_costed_net": orders.costed_net.sum(),
        "_profit": profit.sum(),
        "_profit_12m": profit.sum(where=ctx.in_window(orders.order_date)),
    }


def finish(t: ir.Table, ctx: BuildContext) -> dict[str, ir.Value]:
    """Profit is null for a customer with no costed line; margin null when revenue ≤ 0.

    ``_profit`` (a sum over costed lines only) is null exactly when there is no costed line.
    """
    profit_total = t._profit
    return {
        "profit_total": profit_total,
        "profit_12m": profit_total.isnull().ifelse(
            ibis.null("float64"), t._profit_12m.coalesce(0.0)
        ),
        "margin": (t._costed_net > 0).ifelse(profit_total / t._costed_net, ibis.null("float64")),
    }
