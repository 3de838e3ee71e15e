"""What an override may name: the schemes, classes and customers of the latest run."""

from __future__ import annotations

from dataclasses import dataclass

from ibis.backends import BaseBackend

from custseg.errors import GovernanceError, UnknownNameError
from custseg.i18n import Lang, Message, label_of
from custseg.schemes import ClassificationSystem, load_default_system
from custseg.snapshots.model import SchemeOutcome, SnapshotInfo
from custseg.snapshots.store import ASSIGNMENTS, SnapshotStore
from custseg.snapshots.systems import SystemStore


@dataclass(frozen=True, slots=True)
class Targets:
    """The classification system overrides are checked against, and the latest snapshot."""

    system: ClassificationSystem
    latest: SnapshotInfo | None

    @property
    def where(self) -> str:
        """Where the names come from, for error messages."""
        if self.latest is None:
            return f"the built-in system {self.system.name!r} (no snapshot yet)"
        return (
            f"system {self.system.name!r} of the latest snapshot {self.latest.snapshot_id} "
            f"(as of {self.latest.as_of})"
        )

    def class_label(self, scheme: str, key: str, lang: Lang) -> str:
        """The label of class ``key`` of ``scheme`` in ``lang`` ("" when unknown or the key)."""
        definition = next((s for s in self.system.schemes if s.name == scheme), None)
        if definition is None:
            return ""
        labels = {c.key: label_of(c.labels, lang) for c in definition.classes}
        outcome = None
        if self.latest is not None:
            outcome = next((o for o in self.latest.outcomes if o.name == scheme), None)
        generated = (outcome.thresholds.get("classes") or {}) if outcome else {}
        for k, v in generated.items():
            labels.setdefault(str(k), v if isinstance(v, str) else label_of(v, lang))
        label = labels.get(key, "") if key in class_keys(definition, outcome) else ""
        return "" if label == key else label


def latest_targets(con: BaseBackend) -> Targets:
    """The system of the latest snapshot, or the built-in system when there is none."""
    snapshots = SnapshotStore(con).list()
    if not snapshots:
        return Targets(load_default_system(), None)
    latest = max(snapshots, key=lambda s: (s.as_of, s.created_at))
    return Targets(SystemStore(con).load(latest.system_hash), latest)


def class_keys(scheme: object, outcome: SchemeOutcome | None) -> list[str]:
    """The class keys of ``scheme``: its defined classes and those a run generated."""
    keys = [c.key for c in getattr(scheme, "classes", [])]
    generated = (outcome.thresholds.get("classes") or {}) if outcome else {}
    return keys + [str(k) for k in generated if str(k) not in keys]


def check_target(
    con: BaseBackend, targets: Targets, customer_id: str, scheme: str, key: str
) -> None:
    """Raise a helpful error unless the scheme, class and customer all exist."""
    definition = next((s for s in targets.system.schemes if s.name == scheme), None)
    if definition is None:
        names = [s.name for s in targets.system.schemes]
        raise UnknownNameError(scheme, names, what="scheme", where=targets.where)
    outcome = None
    if targets.latest is not None:
        outcome = next((o for o in targets.latest.outcomes if o.name == scheme), None)
    keys = class_keys(definition, outcome)
    if key not in keys:
        where = Message("unknown_where_scheme", {"scheme": repr(scheme)})
        raise UnknownNameError(key, keys, what="class", where=where)
    if not customer_exists(con, targets.latest, customer_id):
        raise GovernanceError(
            f"customer {customer_id!r} is neither in the customers table nor in the latest "
            "snapshot. Check the id (e.g. `custseg export --out customers.csv`) or ingest the "
            "customer first."
        )


def customer_exists(con: BaseBackend, latest: SnapshotInfo | None, customer_id: str) -> bool:
    """Whether ``customer_id`` is in the customers table or in the latest snapshot."""
    tables = set(con.list_tables())
    if "customers" in tables:
        t = con.table("customers")
        if t.filter(t.customer_id.cast("string") == customer_id).count().execute() > 0:
            return True
    if latest is not None and ASSIGNMENTS in tables:
        a = con.table(ASSIGNMENTS)
        found = a.filter((a.snapshot_id == latest.snapshot_id) & (a.customer_id == customer_id))
        return bool(found.limit(1).count().execute() > 0)
    return False
