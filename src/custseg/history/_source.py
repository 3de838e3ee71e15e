"""Where the history functions read a snapshot's classes and features, as Ibis tables.

Classes are the *effective* classes (manual overrides included) of
:meth:`Snapshot.assignments_table`, a lazy table, so joins of large snapshots run in the database.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import ibis
import ibis.expr.types as ir
from ibis.backends import BaseBackend

from custseg.snapshots.view import Snapshot

OVERRIDE_COLUMNS: tuple[str, ...] = ("override_id",)
"""Columns of :meth:`Snapshot.assignments` carried into movers."""


def connection(snapshot: Snapshot) -> BaseBackend:
    """The database connection a snapshot reads from."""
    return snapshot._con  # noqa: SLF001 - Snapshot has no public accessor for it


def assignment_table(snapshot: Snapshot, scheme: str) -> ir.Table:
    """``customer_id, class_key, override_id`` of one computed scheme (effective classes)."""
    return _trim(snapshot.assignments_table(scheme))


def assignments_long(snapshot: Snapshot, schemes: Sequence[str]) -> ir.Table:
    """``customer_id, scheme, class_key, override_id`` of computed ``schemes``.

    UnknownNameError when one of ``schemes`` was not computed in the snapshot.
    """
    for scheme in schemes:
        snapshot.scheme(scheme)
    table = snapshot.assignments_table()
    return _trim(table.filter(table.scheme.isin(list(schemes))), "scheme")


def feature_table(snapshot: Snapshot, wanted: dict[str, str]) -> ir.Table:
    """``customer_id`` and the ``wanted`` features (name -> dtype); null where one is absent."""
    f = snapshot.features_table()
    columns: dict[str, Any] = {"customer_id": f.customer_id.cast("string")}
    for name, dtype in wanted.items():
        value = f[name] if name in f.columns else ibis.null()
        columns[name] = value.cast(dtype)
    return f.select(**columns)


def raw_features(snapshot: Snapshot) -> ir.Table:
    """The snapshot's whole feature table (for conditions)."""
    return snapshot.features_table()


def _trim(t: ir.Table, *extra: str) -> ir.Table:
    keep = ["customer_id", *extra, "class_key"]
    keep += [c for c in OVERRIDE_COLUMNS if c in t.columns]
    return t.select(*keep)
