"""The transaction process (按过程): open orders and open opportunities as of as_of.

Stage and status are the current state (the tables keep no history): an opportunity created on
or before as_of is open unless its stage is ``won`` or ``lost`` (an empty stage counts as open),
even when its expected close date has passed; an order dated on or before as_of is open when any
of its lines has status ``open``.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from custseg.features._context import BuildContext

CLOSED_STAGES: tuple[str, ...] = ("won", "lost")


def order_metrics(orders: ir.Table, ctx: BuildContext) -> dict[str, ir.Value]:
    """Per-customer aggregates over the per-order table."""
    return {"open_orders": orders.count(where=orders.is_open)}


def finish_orders(t: ir.Table, ctx: BuildContext) -> dict[str, ir.Value]:
    """Open orders are 0 for customers without orders."""
    return {"open_orders": t.open_orders.coalesce(0).cast("int64")}


def opportunity_metrics(con: ibis.BaseBackend, ctx: BuildContext) -> ir.Table:
    """One row per customer with an opportunity created on or before as_of."""
    deals = con.table("opportunities")
    deals = deals.filter(deals.created_date <= ctx.as_of_literal())
    is_open = deals.stage.isnull() | ~deals.stage.isin(CLOSED_STAGES)
    return deals.group_by("customer_id").aggregate(
        open_opportunities=deals.count(where=is_open),
        open_opportunity_amount=deals.expected_amount.sum(where=is_open),
    )


def finish_opportunities(t: ir.Table, ctx: BuildContext) -> dict[str, ir.Value]:
    """Counts and amounts are 0 for customers without open opportunities."""
    return {
        "open_opportunities": t.open_opportunities.coalesce(0).cast("int64"),
        "open_opportunity_amount": t.open_opportunity_amount.coalesce(0.0).cast("float64"),
    }
