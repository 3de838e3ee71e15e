"""The classification systems snapshots were computed under, kept by content hash and version.

A system is stored once per content hash. Its *version* is a number per system name: the first
system called ``custseg-default`` that a workspace ran is version 1, the next different one (any
edit: a threshold, a class, a strategy) version 2, and so on. Snapshots record the hash; the
version is looked up here, so comparisons across snapshots can say when the system changed.
"""

from __future__ import annotations

import json
from datetime import datetime

import pandas as pd
from ibis.backends import BaseBackend

from custseg.engine import insert_rows
from custseg.errors import SnapshotNotFoundError
from custseg.schemes import ClassificationSystem, system_hash
from custseg.workspace_schema.tables import SYSTEM_VERSIONS, SYSTEMS, TABLES


class SystemStore:
    """Each classification system, stored once: any snapshot can show its labels and strategies."""

    def __init__(self, con: BaseBackend) -> None:
        self._con = con

    def save(self, system: ClassificationSystem, *, at: datetime | None = None) -> str:
        """Store ``system`` if new, giving it its name's next version number; return its hash."""
        digest = system_hash(system)
        t = self._con.table(SYSTEMS)
        if t.filter(t.system_hash == digest).count().execute() == 0:
            document = json.dumps(system.model_dump(mode="json"), ensure_ascii=False)
            row = {"system_hash": digest, "name": system.name, "document": document}
            insert_rows(self._con, SYSTEMS, [row], TABLES[SYSTEMS])
        if self.version_of(digest) is None:
            v = self._con.table(SYSTEM_VERSIONS)
            latest = v.filter(v.name == system.name).version.max().execute()
            number = 1 if latest is None or pd.isna(latest) else int(latest) + 1
            row = {
                "name": system.name,
                "version": number,
                "system_hash": digest,
                "registered_at": pd.Timestamp(at or datetime.now()),
            }
            insert_rows(self._con, SYSTEM_VERSIONS, [row], TABLES[SYSTEM_VERSIONS])
        return digest

    def version_of(self, digest: str) -> int | None:
        """The version number of the system with this hash, or None if it was never registered."""
        v = self._con.table(SYSTEM_VERSIONS)
        found = v.filter(v.system_hash == digest).version.min().execute()
        return None if found is None or pd.isna(found) else int(found)

    def versions(self) -> pd.DataFrame:
        """Every registered system version: name, version, system_hash, registered_at."""
        return self._con.table(SYSTEM_VERSIONS).order_by(["name", "version"]).to_pandas()

    def load(self, digest: str) -> ClassificationSystem:
        """The system with this hash."""
        t = self._con.table(SYSTEMS)
        rows = t.filter(t.system_hash == digest).document.to_pyarrow().to_pylist()
        if not rows:
            raise SnapshotNotFoundError(f"classification system {digest[:12]} is not stored")
        return ClassificationSystem.model_validate(json.loads(rows[0]))
