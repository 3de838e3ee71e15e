"""Stored move counts: per pair of snapshots, scheme and (old class, new class), the customers.

Counting how customers moved between two snapshots joins both snapshots' classes of every
scheme on the customer (at a million customers and 28 schemes, 28 million rows on each side).
The common question is "since the snapshot before", so a run counts its moves against the
snapshot before it once, in the snapshot's transaction, and stores them in ``snapshot_moves``
(:func:`custseg.history.recorded.record_moves`); `diff`'s overview and matrix, the direction
totals and the trend's inflow / outflow then read a few hundred rows. Any other pair of
snapshots (or one stored before the table existed, or kept on a compute engine) is counted
from the join when read.

The counts are of *effective* classes (manual overrides included). They stay right: a snapshot
never changes, and the overrides it applied are part of it (of its fingerprint); an override
added or removed later changes the classes of the next run's snapshot, never a stored one.
"""

from __future__ import annotations

from collections.abc import Iterable

import ibis
import ibis.expr.types as ir
from ibis.backends import BaseBackend

from custseg.engine import insert_from
from custseg.workspace_schema.tables import SNAPSHOT_MOVES

MATRIX_COLUMNS: tuple[str, ...] = ("scheme", "old_class", "new_class", "customers", "revenue_12m")
"""Columns of a pair's rows (:func:`moves_of`): one row per scheme and (old, new) class pair."""

Pair = tuple[str, str]
"""(old snapshot id, new snapshot id)."""


def stored_pairs(con: BaseBackend, pairs: Iterable[Pair]) -> set[Pair]:
    """Which of ``pairs`` have stored move counts (one query for all of them)."""
    wanted = set(pairs)
    if not wanted or SNAPSHOT_MOVES not in con.list_tables():
        return set()
    t = con.table(SNAPSHOT_MOVES)
    olds = sorted({old for old, _ in wanted})
    news = sorted({new for _, new in wanted})
    found = (
        t.filter(t.old_snapshot_id.isin(olds), t.new_snapshot_id.isin(news))
        .select("old_snapshot_id", "new_snapshot_id")
        .distinct()
        .to_pyarrow()
        .to_pylist()
    )
    return {(r["old_snapshot_id"], r["new_snapshot_id"]) for r in found} & wanted


def moves_of(con: BaseBackend, pair: Pair) -> ir.Table:
    """The stored rows of ``pair`` (:data:`MATRIX_COLUMNS`), a lazy table.

    Only meaningful for a pair :func:`stored_pairs` found (otherwise it has no row).
    """
    old_id, new_id = pair
    t = con.table(SNAPSHOT_MOVES)
    mine = t.filter(t.old_snapshot_id == old_id, t.new_snapshot_id == new_id)
    return mine.select(*MATRIX_COLUMNS)


def store_moves(con: BaseBackend, pair: Pair, matrix: ir.Table) -> None:
    """Append the rows of ``matrix`` (:data:`MATRIX_COLUMNS`) as the move counts of ``pair``."""
    old_id, new_id = pair
    rows = matrix.select(
        old_snapshot_id=ibis.literal(old_id, type="string"),
        new_snapshot_id=ibis.literal(new_id, type="string"),
        scheme=matrix.scheme.cast("string"),
        old_class=matrix.old_class.cast("string"),
        new_class=matrix.new_class.cast("string"),
        customers=matrix.customers.cast("int64"),
        revenue_12m=matrix.revenue_12m.cast("float64"),
    )
    insert_from(con, SNAPSHOT_MOVES, rows)


__all__ = ["MATRIX_COLUMNS", "Pair", "moves_of", "store_moves", "stored_pairs"]
