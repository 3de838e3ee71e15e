"""Trend (趋势): per period and class of one scheme, customers, revenue, inflow, outflow, change.

The series is one snapshot per as-of date (the latest created that computed the scheme, or
only snapshots of one classification system). Counts and revenue are aggregated in the
database per snapshot; ``entered`` / ``exited`` from the move counts a run stored against the
snapshot before it, else from the join of consecutive snapshots' classes; year-on-year compares
with the snapshot one year earlier (+/- 3 days), when there is one.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import ibis
import ibis.expr.types as ir
import pandas as pd

from custseg.history._moves import stored_matrix, transitions
from custseg.history._source import assignment_table, connection, feature_table
from custseg.i18n import Lang
from custseg.snapshots.model import SnapshotInfo
from custseg.snapshots.moves import stored_pairs
from custseg.snapshots.summaries import stored_counts
from custseg.snapshots.view import Snapshot

COLUMNS: tuple[str, ...] = (
    "as_of",
    "system_version",
    "class_key",
    "label",
    "customers",
    "revenue_12m",
    "entered",
    "exited",
    "customers_change",
    "customers_change_pct",
    "customers_last_year",
    "customers_yoy_pct",
)
YEAR_TOLERANCE_DAYS = 3
"""A snapshot counts as "a year earlier" when its as-of date is within this many days of it."""


def series(ws: Any, scheme: str, *, system_hash: str | None = None) -> list[SnapshotInfo]:
    """The snapshots of a trend, oldest first: one per as-of date.

    On each date, the latest created that computed ``scheme`` (and, when given, was computed
    under ``system_hash``, a hash or prefix).
    """
    chosen: dict[date, SnapshotInfo] = {}
    for info in ws.snapshots():
        if scheme not in info.computed_schemes:
            continue
        if system_hash is not None and not info.system_hash.startswith(system_hash):
            continue
        best = chosen.get(info.as_of)
        if best is None or info.created_at >= best.created_at:
            chosen[info.as_of] = info
    return [chosen[d] for d in sorted(chosen)]


def trend(
    ws: Any, scheme: str, *, lang: Lang = "en", system_hash: str | None = None
) -> pd.DataFrame:
    """One row per (as-of date, class) of ``scheme``: see :data:`COLUMNS`.

    ``entered`` / ``exited``: customers in / no longer in the class compared with the previous
    period's snapshot; changes are null for the first period, year-on-year figures null when
    no snapshot is a year older. Classes of the scheme with no customer show as zeros.
    UnknownNameError (via the workspace) when no snapshot computed the scheme.
    """
    infos = series(ws, scheme, system_hash=system_hash)
    if not infos:
        from custseg.errors import UnknownNameError

        computed = {s for i in ws.snapshots() for s in i.computed_schemes}
        from custseg.i18n import Message

        where = (
            Message("unknown_where_any_snapshot_of", {"system": system_hash})
            if system_hash
            else Message("unknown_where_any_snapshot")
        )
        raise UnknownNameError(scheme, computed, what="scheme", where=where)
    snaps = [ws.snapshot(i.snapshot_id) for i in infos]
    counts = _counts(snaps, scheme)
    flows = _flows(snaps, scheme)
    versions = _versions(ws, infos)
    labels = _labels(snaps, scheme, lang)
    rows = []
    for snap in snaps:
        keys = _keys(snap, scheme, counts.get(snap.snapshot_id, {}))
        for key in keys:
            n, revenue = counts.get(snap.snapshot_id, {}).get(key, (0, 0.0))
            none: tuple[int | None, int | None] = (
                (None, None) if snap.snapshot_id not in flows else (0, 0)
            )
            entered, exited = flows.get(snap.snapshot_id, {}).get(key, none)
            rows.append(
                {
                    "as_of": snap.as_of,
                    "system_version": versions[snap.info.system_hash],
                    "class_key": key,
                    "label": labels.get(key, key),
                    "customers": n,
                    "revenue_12m": revenue,
                    "entered": entered,
                    "exited": exited,
                }
            )
    frame = pd.DataFrame(rows)
    return _changes(frame)[list(COLUMNS)]


def _counts(snaps: list[Snapshot], scheme: str) -> dict[str, dict[str, tuple[int, float]]]:
    """Snapshot id -> class -> (customers, revenue), in one database query.

    The summaries stored with the snapshots are read; a snapshot without one (kept on a
    compute engine) is counted from its assignments.
    """
    stored = stored_counts(connection(snaps[0]), [s.snapshot_id for s in snaps], [scheme])
    have = set(stored.snapshot_id)
    out: dict[str, dict[str, tuple[int, float]]] = {}
    for row in stored.itertuples():
        revenue = 0.0 if pd.isna(row.revenue) else float(row.revenue)
        out.setdefault(row.snapshot_id, {})[row.class_key] = (int(row.customers), revenue)
    missing = [snap for snap in snaps if snap.snapshot_id not in have]
    if not missing:
        return out
    parts: list[ir.Table] = []
    for snap in missing:
        a = assignment_table(snap, scheme)
        f = feature_table(snap, {"revenue_12m": "float64"}).rename(f_id="customer_id")
        j = a.join(f, a.customer_id == f.f_id, how="left")
        parts.append(
            j.group_by("class_key")
            .aggregate(customers=j.count(), revenue_12m=j.revenue_12m.fill_null(0.0).sum())
            .mutate(snapshot_id=ibis.literal(snap.snapshot_id))
        )
    frame = ibis.union(*parts).to_pandas() if len(parts) > 1 else parts[0].to_pandas()
    for row in frame.itertuples():
        revenue = 0.0 if pd.isna(row.revenue_12m) else float(row.revenue_12m)
        out.setdefault(row.snapshot_id, {})[row.class_key] = (int(row.customers), revenue)
    return out


def _flows(snaps: list[Snapshot], scheme: str) -> dict[str, dict[str, tuple[int, int]]]:
    """Snapshot id -> class -> (entered, exited) against the previous snapshot of the list.

    One query for every consecutive pair (their counts of moves, united): the counts the run
    stored for a pair when there are (:mod:`custseg.snapshots.moves`), else the join of the
    two snapshots' classes.
    """
    parts: list[ir.Table] = []
    consecutive = list(zip(snaps, snaps[1:], strict=False))
    con = connection(snaps[0])
    stored = stored_pairs(con, [(b.snapshot_id, a.snapshot_id) for b, a in consecutive])
    for before, after in consecutive:
        pair = (before.snapshot_id, after.snapshot_id)
        if pair in stored:
            rows = stored_matrix(con, pair, [scheme])
            pairs = rows.select("old_class", "new_class", n=rows.customers)
        else:
            joined = transitions(
                assignment_table(before, scheme), assignment_table(after, scheme)
            )
            pairs = joined.select("old_class", "new_class", n=ibis.literal(1, type="int64"))
        absent = pairs.old_class.isnull() | pairs.new_class.isnull()
        moved = pairs.filter(absent | (pairs.old_class != pairs.new_class))
        counted = moved.group_by(["old_class", "new_class"]).aggregate(n=moved.n.sum())
        parts.append(counted.mutate(snapshot_id=ibis.literal(after.snapshot_id)))
    if not parts:
        return {}
    frame = (ibis.union(*parts) if len(parts) > 1 else parts[0]).to_pandas()
    out: dict[str, dict[str, tuple[int, int]]] = {}
    for after in snaps[1:]:
        m = frame[frame.snapshot_id == after.snapshot_id]
        entered = m.dropna(subset=["new_class"]).groupby("new_class").n.sum()
        exited = m.dropna(subset=["old_class"]).groupby("old_class").n.sum()
        keys = set(entered.index) | set(exited.index)
        out[after.snapshot_id] = {k: (int(entered.get(k, 0)), int(exited.get(k, 0))) for k in keys}
    return out


def _versions(ws: Any, infos: list[SnapshotInfo]) -> dict[str, int]:
    """System hash -> version number (the workspace's, else order of first appearance)."""
    lookup = getattr(ws, "system_version", None)
    hashes = list(dict.fromkeys(i.system_hash for i in ws.snapshots()))
    if lookup is not None:
        found = {h: lookup(h) for h in hashes}
        if all(v is not None for v in found.values()):
            return {h: int(v) for h, v in found.items()}
    return {h: i + 1 for i, h in enumerate(hashes)}


def _labels(snaps: list[Snapshot], scheme: str, lang: Lang) -> dict[str, str]:
    """Class labels, the newest snapshot's winning."""
    labels: dict[str, str] = {}
    for snap in snaps:
        labels.update(snap.class_labels(scheme, lang))
    return labels


def _keys(snap: Snapshot, scheme: str, seen: dict[str, tuple[int, float]]) -> list[str]:
    """The snapshot's classes in class order, then any other class with customers."""
    defined = snap.scheme(scheme).class_keys
    ranked = snap.scheme(scheme).ranked_keys()
    keys = [*ranked, *defined]
    keys += sorted(k for k in seen if k not in keys)
    return list(dict.fromkeys(keys))


def _changes(frame: pd.DataFrame) -> pd.DataFrame:
    """Add period-on-period and year-on-year changes per class."""
    dates = sorted(frame.as_of.unique())
    previous = dict(zip(dates[1:], dates[:-1], strict=False))
    counts = frame.set_index(["as_of", "class_key"]).customers
    year_ago = {d: _year_before(d, dates) for d in dates}

    def lookup(day: date | None, key: str) -> float | None:
        if day is None:
            return None
        return float(counts.get((day, key), 0))

    before = [lookup(previous.get(d), k) for d, k in zip(frame.as_of, frame.class_key, strict=True)]
    last_year = [lookup(year_ago[d], k) for d, k in zip(frame.as_of, frame.class_key, strict=True)]
    frame["customers_change"] = pd.array(
        [None if b is None else int(n - b) for n, b in zip(frame.customers, before, strict=True)],
        dtype="Int64",
    )
    frame["customers_change_pct"] = _pct(frame.customers, before)
    frame["customers_last_year"] = pd.array(
        [None if v is None else int(v) for v in last_year], dtype="Int64"
    )
    frame["customers_yoy_pct"] = _pct(frame.customers, last_year)
    for column in ("entered", "exited"):
        frame[column] = pd.array(frame[column].tolist(), dtype="Int64")
    frame["customers"] = frame.customers.astype("int64")
    frame["revenue_12m"] = frame.revenue_12m.astype("float64")
    return frame


def _pct(now: pd.Series, before: list[float | None]) -> pd.Series:
    values = [
        None if b is None or b == 0 else (float(n) - b) / b
        for n, b in zip(now, before, strict=True)
    ]
    return pd.Series(pd.array(values, dtype="Float64"), index=now.index)


def _year_before(day: date, dates: list[date]) -> date | None:
    """The as-of date among ``dates`` closest to one year before ``day`` (+/- 3 days)."""
    try:
        target = day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        target = day.replace(year=day.year - 1, day=28)
    near = [d for d in dates if abs((d - target).days) <= YEAR_TOLERANCE_DAYS]
    if not near:
        return None
    return min(near, key=lambda d: (abs((d - target).days), d))


__all__ = ["COLUMNS", "YEAR_TOLERANCE_DAYS", "series", "trend"]
