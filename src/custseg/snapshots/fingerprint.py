"""Fingerprints that make snapshots reproducible and re-runs idempotent."""

from __future__ import annotations

import hashlib
from datetime import date

import ibis
from ibis.backends import BaseBackend

from custseg.tables import TABLE_NAMES, column_names

_LINEAGE_COLUMNS = ("source_file", "source_row")


def table_fingerprint(con: BaseBackend, table: str) -> tuple[int, int]:
    """(row count, order-independent content hash) of one input table, lineage columns excluded."""
    t = con.table(table)
    columns = [c for c in column_names(table) if c in t.columns]  # type: ignore[arg-type]
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


def snapshot_fingerprint(as_of: date, system_hash: str, data_hash: str, code_version: str) -> str:
    """The id of the snapshot of these inputs: 16 hex digits of a SHA-256."""
    text = f"{as_of.isoformat()}|{system_hash}|{data_hash}|{code_version}"
    return hashlib.sha256(text.encode()).hexdigest()[:16]
