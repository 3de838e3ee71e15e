"""The moves of customers between two snapshots of one scheme, as Ibis expressions.

Everything here stays in the database: the two snapshots' classes are joined (full outer join
on ``customer_id``), each pair gets a direction from the scheme's ranking, and the customer's
name and 12-month revenue are joined from the snapshots' feature tables. Callers aggregate or
filter before pulling rows to pandas.
"""

from __future__ import annotations

from collections.abc import Sequence

import ibis
import ibis.expr.types as ir

from custseg.history._source import assignment_table, feature_table
from custseg.snapshots.view import Snapshot

Direction = str
DIRECTIONS: tuple[Direction, ...] = ("up", "down", "changed", "entered", "left")
"""Directions of a move: better / worse class by the ranking, a change where either class is
unranked, a customer not in the old snapshot, a customer not in the new one."""
UNCHANGED = "same"
"""Direction given to customers whose class did not change (they are not movers)."""

_FEATURES = {"name": "string", "revenue_12m": "float64"}


def transitions(old: ir.Table, new: ir.Table) -> ir.Table:
    """Every customer of either table with ``old_class`` and ``new_class`` (null = absent).

    Override columns of ``new`` are kept.
    """
    o = old.select(o_id=old.customer_id, old_class=old.class_key)
    extra = [c for c in new.columns if c not in ("customer_id", "class_key")]
    n = new.select(*extra, n_id=new.customer_id, new_class=new.class_key)
    j = o.join(n, o.o_id == n.n_id, how="outer")
    columns = {
        "customer_id": ibis.coalesce(j.n_id, j.o_id),
        "old_class": j.old_class,
        "new_class": j.new_class,
        **{c: j[c] for c in extra},
    }
    return j.select(**columns)


def rank_of(value: ir.StringValue, ranking: Sequence[str]) -> ir.IntegerValue:
    """Position of the class in ``ranking`` (0 = best), null when unranked."""
    if not ranking:
        return ibis.null().cast("int64")
    mapping = {key: i for i, key in enumerate(ranking)}
    return value.substitute(mapping, else_=ibis.null()).cast("int64")


def direction_of(pairs: ir.Table, ranking: Sequence[str]) -> ir.StringValue:
    """The direction of each pair of ``pairs`` (``same`` when the class did not change)."""
    old_rank, new_rank = rank_of(pairs.old_class, ranking), rank_of(pairs.new_class, ranking)
    both = old_rank.notnull() & new_rank.notnull()
    return ibis.cases(
        (pairs.old_class.isnull(), "entered"),
        (pairs.new_class.isnull(), "left"),
        (pairs.old_class == pairs.new_class, UNCHANGED),
        (both & (new_rank < old_rank), "up"),
        (both & (new_rank > old_rank), "down"),
        else_="changed",
    )


def moves(old: Snapshot, new: Snapshot, scheme: str) -> ir.Table:
    """Every customer of either snapshot with classes, direction, name and 12-month revenue.

    Columns: customer_id, name, old_class, new_class, direction, revenue_12m (the new
    snapshot's; the old one's for customers who left), plus override columns when known.
    """
    ranking = new.scheme(scheme).ranked_keys()
    pairs = transitions(assignment_table(old, scheme), assignment_table(new, scheme))
    pairs = pairs.mutate(direction=direction_of(pairs, ranking))
    nf = feature_table(new, _FEATURES)
    nf = nf.rename(n_id="customer_id", n_name="name", n_rev="revenue_12m")
    of = feature_table(old, _FEATURES)
    of = of.rename(o_id="customer_id", o_name="name", o_rev="revenue_12m")
    j = pairs.join(nf, pairs.customer_id == nf.n_id, how="left")
    j = j.join(of, j.customer_id == of.o_id, how="left")
    revenue = ibis.cases((j.direction == "left", j.o_rev), else_=j.n_rev).fill_null(0.0)
    base = ("customer_id", "old_class", "new_class", "direction")
    columns = {
        "customer_id": j.customer_id,
        "name": ibis.coalesce(j.n_name, j.o_name),
        "old_class": j.old_class,
        "new_class": j.new_class,
        "direction": j.direction,
        "revenue_12m": revenue,
        **{c: j[c] for c in pairs.columns if c not in base},
    }
    return j.select(**columns)


def matrix_of(moved: ir.Table) -> ir.Table:
    """Customers and 12-month revenue per (old_class, new_class) pair of :func:`moves`."""
    return moved.group_by(["old_class", "new_class"]).aggregate(
        customers=moved.count(), revenue_12m=moved.revenue_12m.sum()
    )
