"""A series of runs: one snapshot per period end (week, month or quarter) between two dates.

Backfilling and scheduling are the same operation: `run_series` computes the period ends that
have no snapshot yet under the given classification system and keeps the others, so running it
again (from cron, say) adds only what is missing. Only complete periods are run: a period end
after the latest order date (or after today) is left for a later run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd

from custseg.errors import ConfigError
from custseg.schemes import ClassificationSystem, system_hash
from custseg.schemes.resolve import resolve_system

if TYPE_CHECKING:
    from custseg.workspace import Workspace

Every = Literal["week", "month", "quarter"]
EVERY_VALUES: tuple[Every, ...] = ("week", "month", "quarter")
_FREQUENCY: dict[str, str] = {"week": "W-SUN", "month": "ME", "quarter": "QE-DEC"}
MAX_PERIODS = 1000
"""A series longer than this is almost certainly a typo in --from (e.g. 1026 for 2026)."""

SeriesProgress = Callable[[date, int, int, str], None]
"""Called as ``progress(as_of, periods_done, periods_total, step)``."""


@dataclass(frozen=True, slots=True)
class SeriesItem:
    """One period end of a series and what happened to it."""

    as_of: date
    snapshot_id: str
    status: Literal["computed", "kept"]


@dataclass(frozen=True, slots=True)
class SeriesReport:
    """The outcome of :func:`run_series`: one item per period end, oldest first."""

    every: Every
    start: date
    end: date
    items: tuple[SeriesItem, ...]

    @property
    def computed(self) -> list[SeriesItem]:
        """Period ends computed by this call."""
        return [i for i in self.items if i.status == "computed"]

    @property
    def kept(self) -> list[SeriesItem]:
        """Period ends that already had a snapshot."""
        return [i for i in self.items if i.status == "kept"]

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-serialisable dict."""
        return {
            "every": self.every,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "computed": len(self.computed),
            "kept": len(self.kept),
            "snapshots": [
                {"as_of": i.as_of.isoformat(), "snapshot_id": i.snapshot_id, "status": i.status}
                for i in self.items
            ],
        }


def period_ends(every: str, start: date, end: date) -> list[date]:
    """The last day of every week (Sunday), month or quarter that falls in [start, end]."""
    if every not in _FREQUENCY:
        raise ConfigError(f"--every must be one of {list(EVERY_VALUES)}; got {every!r}")
    if start > end:
        raise ConfigError(
            f"the series starts after it ends (--from {start} > --to {end}). "
            "Swap the dates or choose an earlier --from."
        )
    ends = pd.date_range(start, end, freq=_FREQUENCY[every])
    if len(ends) > MAX_PERIODS:
        raise ConfigError(
            f"--from {start} to --to {end} every {every} is {len(ends):,} periods (limit "
            f"{MAX_PERIODS}). Check the dates."
        )
    return [d.date() for d in ends]


def run_series(
    ws: Workspace,
    every: str,
    start: date,
    end: date | None = None,
    *,
    system: ClassificationSystem | str | Path | None = None,
    refresh: bool = False,
    progress: SeriesProgress | None = None,
    user: str | None = None,
) -> SeriesReport:
    """Make sure there is one snapshot per period end in [start, end] under ``system``.

    ``end`` defaults to the latest order date and never goes past today (the workspace clock).
    A period end that already has a snapshot under the same system, made after the same
    predecessor (the key lineage, see :mod:`custseg.schemes.kinds.context`), is kept; with
    ``refresh`` it is re-run, which writes a new snapshot only if the data changed (snapshots are
    never
    overwritten).
    """
    resolved = resolve_system(system)
    digest = system_hash(resolved)
    today = ws.clock().date()
    last = min(end or ws.default_as_of(), today)
    dates = period_ends(every, start, last)
    items: list[SeriesItem] = []
    for i, as_of in enumerate(dates):
        listed = _listed(ws)
        known = _current_snapshot(listed, as_of, digest, resolved)
        if known is not None and not refresh:
            items.append(SeriesItem(as_of, known, "kept"))
            if progress:
                progress(as_of, i + 1, len(dates), "kept")
            continue

        def report(step: str, _done: int, _total: int, *, _d: date = as_of, _i: int = i) -> None:
            if progress:
                progress(_d, _i, len(dates), step)

        memo = getattr(ws, "_data_memo", None)
        if memo is not None:
            from custseg.run import SNAPSHOTS_LISTED

            # the run reads the stored snapshots (its key lineage): the list just read, as
            # nothing was written since (custseg.run.classify takes it once)
            memo[SNAPSHOTS_LISTED] = listed
        try:
            snapshot = ws.run(as_of=as_of, system=resolved, progress=report, user=user)
        finally:
            if memo is not None:
                memo.pop(SNAPSHOTS_LISTED, None)
        reused = snapshot.snapshot_id == known
        status: Literal["computed", "kept"] = "kept" if reused else "computed"
        items.append(SeriesItem(as_of, snapshot.snapshot_id, status))
        if progress:
            progress(as_of, i + 1, len(dates), status)
    return SeriesReport(every, start, last, tuple(items))  # type: ignore[arg-type]


def _listed(ws: Workspace) -> list[Any]:
    """The stored snapshots, oldest first, read from the database (no read cache)."""
    from custseg.snapshots.store import SnapshotStore

    return SnapshotStore(ws._con).list()  # noqa: SLF001  the workspace's own connection


def _current_snapshot(
    infos: list[Any], as_of: date, digest: str, system: ClassificationSystem
) -> str | None:
    """A stored snapshot of ``as_of`` under ``digest`` whose key lineage is still the current one.

    A snapshot made before an earlier period end was added (e.g. a single late date run before
    the series) was keyed against other history; it is not kept, so the series' keys chain.
    """
    from custseg.schemes.kinds import ASSIGNERS, wants_context
    from custseg.schemes.kinds.context import lineage_digest, run_context

    same = [i for i in infos if i.as_of == as_of and i.system_hash == digest]
    if not same:
        return None
    context = run_context(None, as_of, infos, system_hash=digest)  # type: ignore[arg-type]
    names = [s.name for s in system.schemes if wants_context(ASSIGNERS[s.kind])]
    lineage = lineage_digest(context, names)
    current = [i for i in same if dict(i.extra.get("key_lineage_digest") or {}) == lineage]
    return max(current, key=lambda i: i.created_at).snapshot_id if current else None
