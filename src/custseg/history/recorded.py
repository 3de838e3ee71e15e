"""A run's moves against the snapshot before it, counted once and stored with the snapshot.

:func:`record_moves` is called by the run in the new snapshot's transaction (after its
``snapshots`` row is written): it picks the snapshot :func:`~custseg.history.previous_snapshot`
would compare it with, counts the customers and 12-month revenue per scheme and class pair
(:func:`custseg.history._moves.joined_matrix`, the join `diff` would otherwise make every time)
and stores them (:mod:`custseg.snapshots.moves`).
"""

from __future__ import annotations

from ibis.backends import BaseBackend

from custseg.history._moves import joined_matrix
from custseg.history.migrations import predecessor
from custseg.snapshots.moves import store_moves, stored_pairs
from custseg.snapshots.store import SnapshotStore, features_table_name
from custseg.snapshots.systems import SystemStore
from custseg.snapshots.view import Snapshot


def record_moves(con: BaseBackend, snapshot_id: str) -> tuple[str, str] | None:
    """Store the move counts of snapshot ``snapshot_id`` against the one before it.

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
    store_moves(con, pair, joined_matrix(old, new, schemes))
    return pair


__all__ = ["record_moves"]
