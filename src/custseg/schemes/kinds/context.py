"""What a run tells the assigners that need more than the feature table (the learning kinds).

An assigner that wants it sets the attribute ``wants_context = True`` and accepts a keyword
``context``; :func:`custseg.run.classify` then passes a :class:`RunContext`. Assigners must also
work with ``context=None`` (no workspace, no history), e.g. when called directly.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import ibis
from ibis.backends import BaseBackend


@dataclass(frozen=True)
class PreviousOutcome:
    """A scheme as computed by an earlier snapshot."""

    snapshot_id: str
    as_of: date
    thresholds: dict[str, Any]


@dataclass(frozen=True)
class RunContext:
    """The workspace connection, the as-of date and the earlier snapshots' outcomes by scheme."""

    con: BaseBackend
    as_of: date
    history: dict[str, tuple[PreviousOutcome, ...]]  # scheme name -> outcomes, oldest first

    def previous(self, scheme: str) -> PreviousOutcome | None:
        """The latest earlier snapshot (as-of before this run's) that computed ``scheme``."""
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


def run_context(con: BaseBackend, as_of: date, infos: list[Any]) -> RunContext:
    """The context of a run as of ``as_of`` given every stored ``SnapshotInfo`` (oldest first)."""
    history: dict[str, list[PreviousOutcome]] = {}
    for info in sorted(infos, key=lambda i: (i.as_of, i.created_at)):
        if info.as_of >= as_of:
            continue
        for outcome in info.outcomes:
            if outcome.status == "computed":
                history.setdefault(outcome.name, []).append(
                    PreviousOutcome(info.snapshot_id, info.as_of, dict(outcome.thresholds))
                )
    return RunContext(con, as_of, {k: tuple(v) for k, v in history.items()})


__all__ = ["PreviousOutcome", "RunContext", "run_context"]
