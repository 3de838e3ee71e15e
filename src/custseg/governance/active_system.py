"""The active classification system: the one new runs use unless told otherwise.

Table ``system_activations`` keeps one row per activation (system_hash, activated_at,
activated_by); the latest row is the active system. Activating stores the system as a new
version (:class:`custseg.snapshots.systems.SystemStore`) and records an audit entry. A workspace
that never activated one uses the built-in system.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import ibis
import pandas as pd
from ibis.backends import BaseBackend

from custseg.engine import insert_rows, transaction
from custseg.errors import ConfigError
from custseg.features import FEATURES
from custseg.governance.audit import AuditLog
from custseg.i18n import Message
from custseg.schemes import ClassificationSystem, lint_system, load_default_system
from custseg.schemes.loader import dump_system, parse_system
from custseg.snapshots.systems import SystemStore
from custseg.workspace_schema.tables import ACTIVATIONS, TABLES


@dataclass(frozen=True, slots=True)
class ActiveSystem:
    """The active system, its version and hash, and its YAML text."""

    system: ClassificationSystem
    name: str
    version: int | None
    system_hash: str | None
    yaml_text: str


class ActiveSystemStore:
    """Reads and changes the active system."""

    def __init__(self, con: BaseBackend, clock: Callable[[], datetime] | None = None) -> None:
        self._con = con
        self._clock = clock or datetime.now

    def current(self) -> ActiveSystem:
        """The latest activated system, or the built-in one (version None) if none was."""
        t = self._con.table(ACTIVATIONS)
        rows = t.order_by(ibis.desc("seq")).limit(1).to_pyarrow().to_pylist()
        store = SystemStore(self._con)
        if not rows:
            system = load_default_system()
            return ActiveSystem(system, system.name, None, None, _yaml(system))
        digest = rows[0]["system_hash"]
        system = store.load(digest)
        return ActiveSystem(system, system.name, store.version_of(digest), digest, _yaml(system))

    def validate(self, text: str, source_name: str = "system.yaml") -> Validation:
        """Check a candidate system's YAML: errors with file:line and key, lint warnings."""
        return validate_text(text, source_name)

    def activate(self, system: ClassificationSystem, *, by: str) -> ActiveSystem:
        """Store ``system`` as a version (if new) and make it the active one; audited."""
        store = SystemStore(self._con)
        digest = store.save(system, at=self._clock())
        seq = int(self._con.table(ACTIVATIONS).count().execute()) + 1
        row = {
            "seq": seq,
            "system_hash": digest,
            "activated_at": pd.Timestamp(self._clock()),
            "activated_by": by,
        }
        with transaction(self._con):
            insert_rows(self._con, ACTIVATIONS, [row], TABLES[ACTIVATIONS])
            AuditLog(self._con, self._clock).append(
                by,
                "system_activate",
                digest,
                {"name": system.name, "version": store.version_of(digest)},
            )
        return self.current()


@dataclass(frozen=True, slots=True)
class Validation:
    """The outcome of validating a candidate system: the system, or errors; lint warnings."""

    system: ClassificationSystem | None
    errors: list[ConfigError]
    warnings: list[Message]


def validate_text(text: str, source_name: str = "system.yaml") -> Validation:
    """Parse and lint a candidate system's YAML; errors carry file, line and key path."""
    try:
        system = parse_system(text, source_name=source_name)
        warnings = lint_system(system, [f.name for f in FEATURES])
    except ConfigError as exc:
        return Validation(None, [exc], [])
    return Validation(system, [], warnings)


def _yaml(system: ClassificationSystem) -> str:
    return dump_system(system)
