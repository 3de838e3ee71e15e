"""Fingerprints that make snapshots reproducible and re-runs idempotent."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import ibis
from ibis.backends import BaseBackend

from custseg.snapshots.model import dumps
from custseg.tables import TABLE_NAMES, column_names

_LINEAGE_COLUMNS = ("source_file", "source_row")
STRUCT_HASHING = frozenset({"duckdb"})
"""Backends whose hash takes a whole row (a struct) of typed values; elsewhere (PostgreSQL hashes
scalars only) a row is hashed as the text of its values joined."""


def table_fingerprint(con: BaseBackend, table: str) -> tuple[int, int]:
    """(row count, order-independent content hash) of one input table, lineage columns excluded."""
    t = con.table(table)
    columns = [c for c in column_names(table) if c in t.columns]  # type: ignore[arg-type]
    if getattr(con, "name", "") in STRUCT_HASHING:
        # The engine hashes the typed values of a row at once: no value is rendered as text
        # (7x faster on 10,000,000 order lines).
        row_hash = ibis.struct({c: t[c] for c in columns}).hash()
    else:
        parts = [t[c].cast("string").fill_null("\u2400") for c in columns]
        row_hash = ibis.literal("\u241f").join(parts).hash()
    result = t.aggregate(n=t.count(), h=row_hash.bit_xor()).to_pyarrow().to_pylist()[0]
    return int(result["n"]), int(result["h"] or 0)


def data_fingerprint(con: BaseBackend, tables: set[str]) -> tuple[str, dict[str, int]]:
    """Hash of the content of every input table present, and their row counts."""
    digest = hashlib.sha256()
    counts: dict[str, int] = {}
    for name in TABLE_NAMES:
        if name not in tables:
            continue
        n, h = table_fingerprint(con, name)
        counts[name] = n
        digest.update(f"{name}:{n}:{h};".encode())
    return digest.hexdigest(), counts


def snapshot_fingerprint(
    as_of: date,
    system_hash: str,
    data_hash: str,
    code_version: str,
    overrides_hash: str | None = None,
    *,
    lineage: Mapping[str, str] | None = None,
) -> str:
    """The id of the snapshot of these inputs: 16 hex digits of a SHA-256.

    ``overrides_hash`` (see :func:`overrides_fingerprint`) is appended only when overrides are
    in force, so the ids of runs without overrides do not depend on the overrides feature.
    ``lineage`` (scheme -> digest of its key history, see
    :func:`custseg.schemes.kinds.context.lineage_digest`) is appended only when not empty: group
    keys follow the key history, so it is part of what the snapshot is.
    """
    text = f"{as_of.isoformat()}|{system_hash}|{data_hash}|{code_version}"
    if overrides_hash:
        text += f"|overrides:{overrides_hash}"
    if lineage:
        text += "|lineage:" + ",".join(f"{k}={v}" for k, v in sorted(lineage.items()))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def overrides_fingerprint(rows: Sequence[Mapping[str, Any]]) -> str | None:
    """Hash of the overrides in force for a run (None when there are none).

    Covers what changes the outcome or its record: id, customer, scheme, class, reason, creator.
    """
    if not rows:
        return None
    fields = ("override_id", "customer_id", "scheme", "class_key", "reason", "created_by")
    canonical = sorted(dumps({f: row.get(f) for f in fields}) for row in rows)
    return hashlib.sha256("\n".join(canonical).encode()).hexdigest()
