"""Product mix: which categories a customer buys, and the share of spend of the top one.

Spend per category is the net amount of its lines (returns net off) all time up to as_of; a
category whose net spend is ≤ 0 has share 0. Lines without a category are left out. The top
category is the one with the largest net spend; ties go to the alphabetically first.
"""

from __future__ import annotations

from datetime import date

import ibis
import ibis.expr.types as ir

from custseg.features._context import BuildContext
from custseg.features._orders import order_lines
from custseg.features.params import FeatureParameters


def _category_revenue(lines: ir.Table) -> ir.Table:
    with_category = lines.filter(lines.category.notnull())
    return with_category.group_by(["customer_id", "category"]).aggregate(
        revenue=with_category.amount.sum()
    )


def category_metrics(lines: ir.Table) -> ir.Table:
    """One row per customer with a categorised line: top category, its share, category count.

    The top category is the smallest category name among those with the largest spend, found
    with a join on the maximum (portable: no ordered aggregate, which PostgreSQL lacks).
    """
    spend = _category_revenue(lines)
    positive = spend.revenue > 0
    totals = spend.group_by("customer_id").aggregate(
        _top_revenue=spend.revenue.max(where=positive),
        _category_total=spend.revenue.sum(where=positive),
        category_count=spend.count(where=positive),
    )
    best = spend.join(
        totals,
        [spend.customer_id == totals.customer_id, spend.revenue == totals._top_revenue],
    )
    top = best.group_by("customer_id").aggregate(top_category=best.category.min())
    return totals.left_join(top, "customer_id").drop("customer_id_right")


def finish(t: ir.Table, ctx: BuildContext) -> dict[str, ir.Value]:
    """Share of the top category; the count is 0 for customers without categorised spend."""
    return {
        "top_category_share": (t._category_total > 0).ifelse(
            t._top_revenue / t._category_total, ibis.null("float64")
        ),
        "category_count": t.category_count.coalesce(0).cast("int64"),
    }


def build_category_shares(
    con: ibis.BaseBackend, as_of: date, *, parameters: FeatureParameters | None = None
) -> ir.Table:
    """Spend per (customer, category) as of ``as_of``, long format.

    Columns ``customer_id, category, revenue, share``: ``revenue`` is the net spend of the
    category (returns net off), ``share`` its part of the customer's positive category spend
    (0 for a category whose net spend is ≤ 0; null when the customer has no positive spend).
    """
    ctx = BuildContext(as_of=as_of, parameters=parameters or FeatureParameters())
    spend = _category_revenue(order_lines(con, ctx))
    totals = spend.group_by("customer_id").aggregate(
        _total=spend.revenue.sum(where=spend.revenue > 0)
    )
    joined = spend.left_join(totals, "customer_id").drop("customer_id_right")
    share = ibis.greatest(joined.revenue, 0.0) / joined._total
    return joined.select(
        "customer_id",
        "category",
        revenue=joined.revenue.cast("float64"),
        share=(joined._total > 0).ifelse(share, ibis.null("float64")),
    )
