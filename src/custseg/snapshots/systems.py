"""The classification systems snapshots were computed under, kept by content hash."""

from __future__ import annotations

import json

import ibis
import pandas as pd
from ibis.backends import BaseBackend

from custseg.errors import SnapshotNotFoundError
from custseg.schemes import ClassificationSystem, system_hash

SYSTEMS = "systems"
_SCHEMA = ibis.schema({"system_hash": "string", "name": "string", "document": "string"})


class SystemStore:
    """Stores each classification system once, so any snapshot can show its labels and strategies."""

    def __init__(self, con: BaseBackend) -> None:
        self._con = con
        if SYSTEMS not in con.list_tables():
            con.create_table(SYSTEMS, schema=_SCHEMA)

    def save(self, system: ClassificationSystem) -> str:
        """Store ``system`` if it is not stored yet; return its hash."""
        digest = system_hash(system)
        t = self._con.table(SYSTEMS)
        if t.filter(t.system_hash == digest).count().execute() == 0:
            document = json.dumps(system.model_dump(mode="json"), ensure_ascii=False)
            row = {"system_hash": digest, "name": system.name, "document": document}
            self._con.insert(SYSTEMS, pd.DataFrame([row]))
        return digest

    def load(self, digest: str) -> ClassificationSystem:
        """The system with this hash."""
        t = self._con.table(SYSTEMS)
        rows = t.filter(t.system_hash == digest).document.to_pyarrow().to_pylist()
        if not rows:
            raise SnapshotNotFoundError(f"classification system {digest[:12]} is not stored")
        return ClassificationSystem.model_validate(json.loads(rows[0]))
