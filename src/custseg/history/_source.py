"""Where the history functions read a snapshot's classes and features, as Ibis tables.

Classes are the *effective* classes of :meth:`Snapshot.assignments` (manual overrides
included). When the workspace holds no override, they equal the stored assignments, which are
read directly as an Ibis table so that joins of large snapshots run in the database; otherwise
the snapshot's own reader is used (and its frame joined in the database as a memtable).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import ibis
import ibis.expr.types as ir
from ibis.backends import BaseBackend

from custseg.snapshots.store import SnapshotStore
from custseg.snapshots.view import Snapshot

OVERRIDE_TABLES: tuple[str, ...] = ("overrides",)
"""Tables whose rows may change a snapshot's effective classes (see contracts 7c)."""

OVERRIDE_COLUMNS: tuple[str, ...] = ("override_id",)
"""Columns of :meth:`Snapshot.assignments` carried into movers when present."""


def connection(snapshot: Snapshot) -> BaseBackend:
    """The database connection a snapshot reads from."""
    return snapshot._con  # noqa: SLF001 - Snapshot has no public accessor for it


def assignment_table(snapshot: Snapshot, scheme: str) -> ir.Table:
    """``customer_id, class_key`` (plus ``override_id`` when known) of one computed scheme."""
    snapshot.scheme(scheme)  # UnknownNameError naming the computed schemes
    reader = getattr(snapshot, "assignments_table", None)
    if callable(reader):
        table = reader(scheme)
        if isinstance(table, ir.Table):
            return _trim(table)
    con = connection(snapshot)
    if not _has_overrides(con):
        t = SnapshotStore(con).assignments(snapshot.snapshot_id)
        return t.filter(t.scheme == scheme).select("customer_id", "class_key")
    frame = snapshot.assignments(scheme)
    keep = ["customer_id", "class_key", *[c for c in OVERRIDE_COLUMNS if c in frame.columns]]
    frame = frame[keep].astype({"customer_id": "string", "class_key": "string"})
    if "override_id" in frame.columns:
        frame["override_id"] = frame["override_id"].astype("string")
    return ibis.memtable(frame)


def assignments_long(snapshot: Snapshot, schemes: Sequence[str]) -> ir.Table:
    """``customer_id, scheme, class_key`` (plus ``override_id`` when known) of computed ``schemes``.

    UnknownNameError when one of ``schemes`` was not computed in the snapshot.
    """
    for scheme in schemes:
        snapshot.scheme(scheme)
    wanted = list(schemes)
    reader = getattr(snapshot, "assignments_table", None)
    if callable(reader):
        table = reader(None)
        if isinstance(table, ir.Table):
            return _trim(table.filter(table.scheme.isin(wanted)), "scheme")
    con = connection(snapshot)
    if not _has_overrides(con):
        t = SnapshotStore(con).assignments(snapshot.snapshot_id)
        return t.filter(t.scheme.isin(wanted)).select("customer_id", "scheme", "class_key")
    frame = snapshot.assignments()
    frame = frame[frame.scheme.isin(wanted)]
    keep = ["customer_id", "scheme", "class_key"]
    keep += [c for c in OVERRIDE_COLUMNS if c in frame.columns]
    frame = frame[keep].astype({c: "string" for c in keep})
    return ibis.memtable(frame.reset_index(drop=True))


def feature_table(snapshot: Snapshot, wanted: dict[str, str]) -> ir.Table:
    """``customer_id`` and the ``wanted`` features (name -> dtype); null where one is absent."""
    f = SnapshotStore(connection(snapshot)).features(snapshot.snapshot_id)
    columns: dict[str, Any] = {"customer_id": f.customer_id.cast("string")}
    for name, dtype in wanted.items():
        value = f[name] if name in f.columns else ibis.null()
        columns[name] = value.cast(dtype)
    return f.select(**columns)


def raw_features(snapshot: Snapshot) -> ir.Table:
    """The snapshot's whole feature table (for conditions)."""
    return SnapshotStore(connection(snapshot)).features(snapshot.snapshot_id)


def _trim(t: ir.Table, *extra: str) -> ir.Table:
    keep = ["customer_id", *extra, "class_key"]
    keep += [c for c in OVERRIDE_COLUMNS if c in t.columns]
    return t.select(*keep)


def _has_overrides(con: BaseBackend) -> bool:
    existing = set(con.list_tables())
    for name in OVERRIDE_TABLES:
        if name in existing and int(con.table(name).count().execute()) > 0:
            return True
    return False
