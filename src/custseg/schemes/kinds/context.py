"""What a run tells the assigners that need more than the feature table (the learning kinds).

An assigner that wants it sets the attribute ``wants_context = True`` and accepts a keyword
``context``; :func:`custseg.run.classify` then passes a :class:`RunContext`. Assigners must also
work with ``context=None`` (no workspace, no history), e.g. when called directly.

**The key lineage rule.** A cluster scheme keys its groups by matching them against the groups of
*one* earlier snapshot, its predecessor: among the stored snapshots that computed the scheme, the
one with the nearest earlier as-of date; on that date, one under the same classification system
if there is one; then the latest created. Not the latest *written* snapshot: running a single
late date first and a monthly series afterwards gives the series' last month the previous month
as predecessor. The keys therefore depend on history, and the dependency is explicit:
:func:`key_lineage` gives the predecessor of each scheme that uses history, the run stores it in
the snapshot (``extra["key_lineage"]``) and folds what the keys depend on into the snapshot id
(:func:`lineage_digest`: the predecessor's groups, keys and names and every key used before, not
the predecessor's id, so that two earlier snapshots of one date with the same groups - e.g. one
made again with an override on another scheme - lead to the same snapshot). Same data, as-of
date, system, code *and* key history give the same snapshot, keys included; a different key
history gives a different snapshot id (the old one is kept, never rewritten).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import ibis
from ibis.backends import BaseBackend


@dataclass(frozen=True)
class PreviousOutcome:
    """A scheme as computed by an earlier snapshot."""

    snapshot_id: str
    as_of: date
    thresholds: dict[str, Any]
    system_hash: str = ""
    created_at: datetime | None = None


@dataclass(frozen=True)
class RunContext:
    """The workspace connection, the as-of date and the earlier snapshots' outcomes by scheme.

    ``history`` lists, per scheme, the earlier outcomes in the order of the lineage rule (see
    the module docstring): the last one is the predecessor.
    """

    con: BaseBackend
    as_of: date
    history: dict[str, tuple[PreviousOutcome, ...]]  # scheme name -> outcomes, predecessor last

    def previous(self, scheme: str) -> PreviousOutcome | None:
        """The predecessor of ``scheme``: the nearest earlier snapshot that computed it."""
        found = self.history.get(scheme, ())
        return found[-1] if found else None

    def previous_assignment(self, scheme: str) -> ibis.Table | None:
        """``customer_id, class_key`` of ``scheme`` in :meth:`previous` (None without one)."""
        prev = self.previous(scheme)
        if prev is None:
            return None
        from custseg.snapshots.store import SnapshotStore

        t = SnapshotStore(self.con).assignments(prev.snapshot_id)
        return t.filter(t.scheme == scheme).select("customer_id", "class_key")


def run_context(
    con: BaseBackend, as_of: date, infos: list[Any], system_hash: str | None = None
) -> RunContext:
    """The context of a run as of ``as_of`` under ``system_hash`` given every ``SnapshotInfo``."""
    history: dict[str, list[PreviousOutcome]] = {}
    for info in infos:
        if info.as_of >= as_of:
            continue
        for outcome in info.outcomes:
            if outcome.status == "computed":
                history.setdefault(outcome.name, []).append(
                    PreviousOutcome(
                        info.snapshot_id,
                        info.as_of,
                        dict(outcome.thresholds),
                        info.system_hash,
                        info.created_at,
                    )
                )

    def order(p: PreviousOutcome) -> tuple[date, bool, str, str]:
        created = p.created_at.isoformat() if p.created_at else ""
        return (p.as_of, p.system_hash == system_hash, created, p.snapshot_id)

    return RunContext(con, as_of, {k: tuple(sorted(v, key=order)) for k, v in history.items()})


def key_lineage(context: RunContext, schemes: Iterable[str]) -> dict[str, str]:
    """Scheme -> predecessor snapshot id, for those of ``schemes`` that have a predecessor."""
    out: dict[str, str] = {}
    for name in schemes:
        prev = context.previous(name)
        if prev is not None:
            out[name] = prev.snapshot_id
    return out


def lineage_digest(context: RunContext, schemes: Iterable[str]) -> dict[str, str]:
    """Scheme -> digest of the key history its groups are keyed against (see the module).

    The digest covers the predecessor's ``group_set`` (centroids, keys, names) and the keys and
    retired keys of every earlier outcome: exactly what decides the new keys.
    """
    out: dict[str, str] = {}
    for name in schemes:
        history = context.history.get(name, ())
        if not history:
            continue
        used = sorted(
            {
                str(key)
                for outcome in history
                for key in [
                    *(outcome.thresholds.get("group_set") or {}).get("keys", []),
                    *(outcome.thresholds.get("matching") or {}).get("retired", []),
                ]
            }
        )
        payload = {"groups": history[-1].thresholds.get("group_set"), "used": used}
        text = json.dumps(payload, sort_keys=True, default=str)
        out[name] = hashlib.sha256(text.encode()).hexdigest()[:16]
    return out


__all__ = ["PreviousOutcome", "RunContext", "key_lineage", "lineage_digest", "run_context"]
