"""The moves of customers between two snapshots, for one or many schemes, as Ibis expressions.

Everything here stays in the database. The counts per class pair and the movers (with their
name and revenue) are read from what the run stored for a snapshot and the one before it
(:mod:`custseg.snapshots.moves`, :mod:`custseg.snapshots.movers`) when there are; otherwise,
and for every customer, the two snapshots' long assignment tables are joined (full outer join on
``scheme, customer_id``) and the customer's name and 12-month revenue are joined from the
snapshots' feature tables. Each pair gets a direction from the ranking of its scheme in the new
snapshot's system (a small ``scheme, class_key, rank`` table). Callers aggregate or filter
before pulling rows to pandas.
"""

from __future__ import annotations

from collections.abc import Sequence

import ibis
import ibis.expr.types as ir
from ibis.backends import BaseBackend

from custseg.history._source import assignments_long, connection, feature_table
from custseg.snapshots.movers import has_movers, movers_of
from custseg.snapshots.moves import Pair, moves_of, stored_pairs
from custseg.snapshots.view import Snapshot

Direction = str
DIRECTIONS: tuple[Direction, ...] = ("up", "down", "changed", "entered", "left")
"""Directions of a move: better / worse class by the ranking, a change where either class is
unranked, a customer not in the old snapshot, a customer not in the new one."""
UNCHANGED = "same"
"""Direction given to customers whose class did not change (they are not movers)."""

_FEATURES = {"name": "string", "revenue_12m": "float64"}
_RANKS = ibis.schema({"scheme": "string", "class_key": "string", "rank": "int64"})


def transitions(old: ir.Table, new: ir.Table, by: Sequence[str] = ("customer_id",)) -> ir.Table:
    """Every key ``by`` of either table with ``old_class`` and ``new_class`` (null = absent).

    Columns: the ``by`` keys, old_class, new_class, then the other columns of ``new``
    (override columns).
    """
    keys = list(by)
    o = old.select(old_class=old.class_key, **{f"o_{k}": old[k] for k in keys})
    extra = [c for c in new.columns if c not in (*keys, "class_key")]
    n = new.select(*extra, new_class=new.class_key, **{f"n_{k}": new[k] for k in keys})
    j = o.join(n, [o[f"o_{k}"] == n[f"n_{k}"] for k in keys], how="outer")
    columns = {
        **{k: ibis.coalesce(j[f"n_{k}"], j[f"o_{k}"]) for k in keys},
        "old_class": j.old_class,
        "new_class": j.new_class,
        **{c: j[c] for c in extra},
    }
    return j.select(**columns)


def rank_table(snapshot: Snapshot, schemes: Sequence[str]) -> ir.Table:
    """``scheme, class_key, rank`` (0 = best) of the ranked classes of ``schemes``."""
    rows = [
        {"scheme": scheme, "class_key": key, "rank": i}
        for scheme in schemes
        for i, key in enumerate(snapshot.scheme(scheme).ranked_keys())
    ]
    columns = {name: [row[name] for row in rows] for name in _RANKS.names}
    return ibis.memtable(columns, schema=_RANKS)


def with_direction(pairs: ir.Table, ranks: ir.Table) -> ir.Table:
    """``pairs`` (scheme, old_class, new_class, ...) plus the ``direction`` of each pair.

    ``same`` when the class did not change; ranks come from ``ranks`` (:func:`rank_table`).
    """
    ranked = _with_rank(pairs, ranks, "old_class", "old_rank")
    ranked = _with_rank(ranked, ranks, "new_class", "new_rank")
    old_rank, new_rank = ranked["old_rank"], ranked["new_rank"]
    both = old_rank.notnull() & new_rank.notnull()
    direction = ibis.cases(
        (ranked.old_class.isnull(), "entered"),
        (ranked.new_class.isnull(), "left"),
        (ranked.old_class == ranked.new_class, UNCHANGED),
        (both & (new_rank < old_rank), "up"),
        (both & (new_rank > old_rank), "down"),
        else_="changed",
    )
    return ranked.mutate(direction=direction).drop("old_rank", "new_rank")


def pairs_of(old: Snapshot, new: Snapshot, schemes: Sequence[str]) -> ir.Table:
    """Every (scheme, customer) of either snapshot with ``old_class`` and ``new_class``.

    ``schemes`` must be computed in both snapshots (UnknownNameError otherwise). Columns:
    scheme, customer_id, old_class, new_class (null = absent), plus override columns of the
    new snapshot when known.
    """
    old_t, new_t = assignments_long(old, schemes), assignments_long(new, schemes)
    return transitions(old_t, new_t, ("scheme", "customer_id"))


def class_changed(pairs: ir.Table) -> ir.Table:
    """The pairs of :func:`pairs_of` whose class changed (the movers, direction not ``same``)."""
    old_class, new_class = pairs.old_class, pairs.new_class
    return pairs.filter(old_class.isnull() | new_class.isnull() | (old_class != new_class))


def moves(
    old: Snapshot, new: Snapshot, schemes: Sequence[str], *, movers_only: bool = False
) -> ir.Table:
    """Every (scheme, customer) of either snapshot with classes, direction, name and revenue.

    Only the customers whose class changed with ``movers_only``: those the run stored for the
    pair when there are (:mod:`custseg.snapshots.movers`), else from the join. Columns: scheme,
    customer_id, name, old_class, new_class, direction, revenue_12m (the new snapshot's; the
    old one's for customers who left), plus override columns when known.
    """
    ranks = rank_table(new, schemes)
    if movers_only:
        pair = (old.snapshot_id, new.snapshot_id)
        con = connection(new)
        if has_movers(con, pair):
            stored = with_direction(movers_of(con, pair, schemes), ranks)
            first = ["scheme", "customer_id", "name", "old_class", "new_class", "direction"]
            return stored.select(*first, *[c for c in stored.columns if c not in first])
        return described(with_direction(joined_movers(old, new, schemes), ranks), old, new)
    return described(with_direction(pairs_of(old, new, schemes), ranks), old, new)


def joined_movers(old: Snapshot, new: Snapshot, schemes: Sequence[str]) -> ir.Table:
    """:func:`class_changed` of :func:`pairs_of`: the movers, from the join of the two snapshots.

    The columns of :func:`pairs_of`; :func:`described` adds the name and revenue.
    """
    return class_changed(pairs_of(old, new, schemes))


def matrix(old: Snapshot, new: Snapshot, schemes: Sequence[str]) -> ir.Table:
    """Customers and 12-month revenue per (scheme, old_class, new_class), unchanged included.

    The counts the run stored for the pair when there are (:mod:`custseg.snapshots.moves`),
    else :func:`joined_matrix`.
    """
    pair = (old.snapshot_id, new.snapshot_id)
    con = connection(new)
    if pair in stored_pairs(con, [pair]):
        return stored_matrix(con, pair, schemes)
    return joined_matrix(old, new, schemes)


def joined_matrix(old: Snapshot, new: Snapshot, schemes: Sequence[str]) -> ir.Table:
    """:func:`matrix` counted from the join of the two snapshots' classes (and features)."""
    moved = described(pairs_of(old, new, schemes), old, new)
    return moved.group_by(["scheme", "old_class", "new_class"]).aggregate(
        customers=moved.count(), revenue_12m=moved.revenue_12m.sum()
    )


def stored_matrix(con: BaseBackend, pair: Pair, schemes: Sequence[str]) -> ir.Table:
    """The stored rows of ``pair`` for ``schemes``: the columns of :func:`matrix`."""
    rows = moves_of(con, pair)
    return rows.filter(rows.scheme.isin(list(schemes)))


def pair_counts(old: Snapshot, new: Snapshot, schemes: Sequence[str]) -> ir.Table:
    """``scheme, old_class, new_class, n``: customers per class pair (stored ones if any).

    Like :func:`matrix` without revenue: the join reads no feature table.
    """
    pair = (old.snapshot_id, new.snapshot_id)
    con = connection(new)
    if pair in stored_pairs(con, [pair]):
        rows = stored_matrix(con, pair, schemes)
        return rows.select("scheme", "old_class", "new_class", n=rows.customers)
    pairs = pairs_of(old, new, schemes)
    return pairs.group_by(["scheme", "old_class", "new_class"]).aggregate(n=pairs.count())


def described(pairs: ir.Table, old: Snapshot, new: Snapshot) -> ir.Table:
    """``pairs`` with the customer's ``name`` and ``revenue_12m`` after ``new_class``.

    Revenue is the new snapshot's, the old one's for customers who left (0 when unknown).
    Each snapshot's features are joined to the pairs (not to each other), so that few pairs
    (movers) read few feature rows.
    """
    nf = feature_table(new, _FEATURES)
    nf = nf.rename(n_id="customer_id", n_name="name", n_rev="revenue_12m")
    of = feature_table(old, _FEATURES)
    of = of.rename(o_id="customer_id", o_name="name", o_rev="revenue_12m")
    pairs = pairs.view()  # see _with_rank
    j = pairs.left_join(nf, pairs.customer_id == nf.n_id).left_join(
        of, pairs.customer_id == of.o_id
    )
    left = j.old_class.notnull() & j.new_class.isnull()
    revenue = ibis.cases((left, j.o_rev), else_=j.n_rev).fill_null(0.0)
    columns = {
        "scheme": j.scheme,
        "customer_id": j.customer_id,
        "name": ibis.coalesce(j.n_name, j.o_name),
        "old_class": j.old_class,
        "new_class": j.new_class,
    }
    if "direction" in pairs.columns:
        columns["direction"] = j.direction
    columns["revenue_12m"] = revenue
    columns.update({c: j[c] for c in pairs.columns if c not in columns})
    return j.select(**columns)


def _with_rank(pairs: ir.Table, ranks: ir.Table, column: str, name: str) -> ir.Table:
    """``pairs`` plus ``name``: the rank of ``column`` in its scheme (null when unranked)."""
    r = ranks.select(r_scheme=ranks.scheme, r_class=ranks.class_key, **{name: ranks["rank"]})
    pairs = pairs.view()  # a join keyed on a coalesced column of a join needs its own relation
    j = pairs.join(r, [pairs.scheme == r.r_scheme, pairs[column] == r.r_class], how="left")
    return j.drop("r_scheme", "r_class")
