"""Remove what an interrupted run left behind: feature tables that belong to no snapshot.

A run builds its feature table under the snapshot's name before the snapshot row exists (the
row is written last, in one transaction). If the process is killed in between, the table stays
but no snapshot refers to it; readers never see it, and the next run on the same workspace
removes it here.
"""

from __future__ import annotations

from ibis.backends import BaseBackend

from custseg.snapshots.store import SNAPSHOTS, features_table_name

_PREFIX = features_table_name("")


def orphan_feature_tables(con: BaseBackend) -> list[str]:
    """Feature tables whose snapshot was never written (an interrupted run's leftovers)."""
    tables = con.list_tables()
    candidates = [t for t in tables if t.startswith(_PREFIX)]
    if not candidates:
        return []
    known: set[str] = set()
    if SNAPSHOTS in tables:
        ids = con.table(SNAPSHOTS).snapshot_id.to_pyarrow().to_pylist()
        known = {features_table_name(i) for i in ids}
    return sorted(t for t in candidates if t not in known)


def sweep_orphans(con: BaseBackend) -> list[str]:
    """Drop the orphan feature tables of a single-writer workspace; return their names.

    Called by a run before it writes. A DuckDB file has one writer at a time, and on PostgreSQL
    the run holds the workspace's writer lock (:func:`custseg.engine.exclusive_writer`), so a
    table without a snapshot cannot belong to a run still in progress. Other backends have no
    such lock: there another user's run may be, and nothing is swept.
    """
    if getattr(con, "name", "") not in ("duckdb", "postgres"):
        return []
    dropped = orphan_feature_tables(con)
    for name in dropped:
        con.drop_table(name, force=True)
    return dropped
