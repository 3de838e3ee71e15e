"""A run's moves against the snapshot before it, counted once and stored with the snapshot.

:func:`record_moves` is called by the run in the new snapshot's transaction (after its
``snapshots`` row and its per-class summary are written): it picks the snapshot
:func:`~custseg.history.previous_snapshot` would compare it with, and stores

- the movers: per scheme the customers whose class changed, with their name and 12-month
  revenue (:func:`custseg.history._moves.joined_movers`, the join `diff --scheme` and `alerts`
  would otherwise make every time; :mod:`custseg.snapshots.movers`);
- the move counts: customers and 12-month revenue per scheme and class pair
  (:mod:`custseg.snapshots.moves`), counted from the stored movers and the new snapshot's
  per-class summary (:func:`counted_matrix`): the customers who kept their class are those of
  the class less those who moved into it, so the two snapshots are joined once, not twice.
"""

from __future__ import annotations

from collections.abc import Sequence

import ibis
import ibis.expr.types as ir
from ibis.backends import BaseBackend

from custseg.history._moves import described, joined_matrix, joined_movers
from custseg.history.migrations import predecessor
from custseg.snapshots.movers import movers_of, store_movers
from custseg.snapshots.moves import store_moves, stored_pairs
from custseg.snapshots.store import SnapshotStore, features_table_name
from custseg.snapshots.systems import SystemStore
from custseg.snapshots.view import Snapshot
from custseg.workspace_schema.tables import SNAPSHOT_SUMMARIES


def record_moves(con: BaseBackend, snapshot_id: str) -> tuple[str, str] | None:
    """Store the movers and move counts of snapshot ``snapshot_id`` against the one before it.

    Returns the pair (old id, new id) stored, or None when there is nothing to store: no
    earlier snapshot, no scheme computed in both, the pair already stored, or a snapshot whose
    rows are not in this database (kept on a compute engine).
    """
    infos = SnapshotStore(con).list()
    new_info = next(i for i in infos if i.snapshot_id == snapshot_id)
    old_info = predecessor(infos, new_info)
    if old_info is None:
        return None
    pair = (old_info.snapshot_id, new_info.snapshot_id)
    tables = set(con.list_tables())
    if not all(features_table_name(i) in tables for i in pair):  # not both in this database
        return None
    both = set(old_info.computed_schemes)
    schemes = [s for s in new_info.computed_schemes if s in both]
    if not schemes or pair in stored_pairs(con, [pair]):
        return None
    systems = SystemStore(con)
    old = Snapshot(con, old_info, systems.load(old_info.system_hash))
    new = Snapshot(con, new_info, systems.load(new_info.system_hash))
    store_movers(con, pair, described(joined_movers(old, new, schemes), old, new), schemes)
    summary = _summary(con, snapshot_id, schemes)
    if summary.count().to_pyarrow().as_py():
        counted = counted_matrix(movers_of(con, pair, schemes), summary)
    else:  # no stored summary to count from (not written by this code): join again
        counted = joined_matrix(old, new, schemes)
    store_moves(con, pair, counted)
    return pair


def counted_matrix(movers: ir.Table, summary: ir.Table) -> ir.Table:
    """The matrix of :func:`custseg.history._moves.joined_matrix` from movers and a summary.

    ``movers``: every mover of the pair in the schemes (scheme, old_class, new_class,
    revenue_12m); ``summary``: the new snapshot's customers and revenue per scheme and class
    (scheme, class_key, customers, revenue_12m). A class pair that changed is counted from the
    movers; a class kept is the class's customers less those who moved into it (revenue alike).
    """
    moved = movers.group_by(["scheme", "old_class", "new_class"]).aggregate(
        customers=movers.count(), revenue_12m=movers.revenue_12m.sum()
    )
    arrived = movers.filter(movers.new_class.notnull())
    into = arrived.group_by(["scheme", "new_class"]).aggregate(
        moved_in=arrived.count(), revenue_in=arrived.revenue_12m.sum()
    )
    into = into.rename(i_scheme="scheme", i_class="new_class")
    j = summary.left_join(
        into, [summary.scheme == into.i_scheme, summary.class_key == into.i_class]
    )
    kept = j.select(
        scheme=j.scheme,
        old_class=j.class_key,
        new_class=j.class_key,
        customers=j.customers - j.moved_in.fill_null(0),
        revenue_12m=j.revenue_12m.fill_null(0.0) - j.revenue_in.fill_null(0.0),
    )
    kept = kept.filter(kept.customers > 0)
    return ibis.union(moved, kept.cast(moved.schema()))


def _summary(con: BaseBackend, snapshot_id: str, schemes: Sequence[str]) -> ir.Table:
    """A snapshot's stored per-class summary in ``schemes`` (custseg.snapshots.summaries)."""
    t = con.table(SNAPSHOT_SUMMARIES)
    mine = t.filter(t.snapshot_id == snapshot_id, t.scheme.isin(list(schemes)))
    return mine.select("scheme", "class_key", "customers", "revenue_12m")


__all__ = ["counted_matrix", "record_moves"]
