"""Stored movers: per pair of snapshots, the customers whose class changed, scheme by scheme.

The move counts (:mod:`custseg.snapshots.moves`) answer `diff`'s overview and matrix, but the
movers themselves (`diff --scheme`'s lists, the moves `alerts` match) were still read from the
join of the two snapshots' classes: the assignments are stored by customer, then scheme, so
reading one scheme scans every scheme's rows (at a million customers 28 million rows of each
snapshot for the 68,000 movers of `abc`), then joined to both feature tables for the name and
revenue. The run stores them once, for the pair it stores the counts of (the snapshot before
it), in the snapshot's transaction, in ``snapshot_movers``
(:func:`custseg.history.recorded.record_moves`), sorted by scheme and customer: one scheme's
movers then lie in a few row groups, which DuckDB finds from its min-max statistics.

A row is one (scheme, customer) whose effective class changed, appeared or disappeared: the old
and new class (null when absent from that snapshot), the customer's name and 12-month revenue as
:func:`custseg.history._moves.described` gives them, and the override the new snapshot applied
to the class, if any. A pair whose snapshots differ in no class has no row and is read from the
join, as is any pair the run did not store (another pair, one stored before the table existed,
one kept on a compute engine). The classes are effective ones: see :mod:`custseg.snapshots.moves`
on why they stay right.
"""

from __future__ import annotations

from collections.abc import Sequence

import ibis
import ibis.expr.types as ir
from ibis.backends import BaseBackend

from custseg.engine import insert_from
from custseg.snapshots.moves import Pair
from custseg.snapshots.ordered_write import scheme_position
from custseg.workspace_schema.tables import SNAPSHOT_MOVERS

MOVER_COLUMNS: tuple[str, ...] = (
    "scheme",
    "customer_id",
    "name",
    "old_class",
    "new_class",
    "revenue_12m",
    "override_id",
)
"""Columns of a pair's movers (:func:`movers_of`)."""

_TYPES = {"revenue_12m": "float64"}


def has_movers(con: BaseBackend, pair: Pair) -> bool:
    """Whether the movers of ``pair`` are stored (a pair without any mover has no row)."""
    if SNAPSHOT_MOVERS not in con.list_tables():
        return False
    t = con.table(SNAPSHOT_MOVERS)
    old_id, new_id = pair
    found = t.filter(t.old_snapshot_id == old_id, t.new_snapshot_id == new_id).limit(1)
    return bool(found.count().to_pyarrow().as_py())


def movers_of(con: BaseBackend, pair: Pair, schemes: Sequence[str]) -> ir.Table:
    """The stored movers of ``pair`` in ``schemes`` (:data:`MOVER_COLUMNS`), a lazy table.

    Only meaningful for a pair :func:`has_movers` found.
    """
    old_id, new_id = pair
    t = con.table(SNAPSHOT_MOVERS)
    mine = t.filter(
        t.old_snapshot_id == old_id, t.new_snapshot_id == new_id, t.scheme.isin(list(schemes))
    )
    return mine.select(*MOVER_COLUMNS)


def store_movers(con: BaseBackend, pair: Pair, movers: ir.Table, schemes: Sequence[str]) -> None:
    """Append ``movers`` (:data:`MOVER_COLUMNS`) of ``schemes`` as the movers of ``pair``.

    Sorted by scheme and customer, so that one scheme's rows are contiguous.
    """
    old_id, new_id = pair
    rows = movers.select(
        old_snapshot_id=ibis.literal(old_id, type="string"),
        new_snapshot_id=ibis.literal(new_id, type="string"),
        **{c: movers[c].cast(_TYPES.get(c, "string")) for c in MOVER_COLUMNS},
    )
    order = [scheme_position(rows.scheme, schemes), rows.customer_id]
    insert_from(con, SNAPSHOT_MOVERS, rows.order_by(order))


__all__ = ["MOVER_COLUMNS", "has_movers", "movers_of", "store_movers"]
