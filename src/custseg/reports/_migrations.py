"""Migrations between two snapshots, as reports need them.

Uses ``custseg.history.migrations`` (contract 7b) when it is installed; otherwise a small
equivalent computed here from the two snapshots' assignments.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from weakref import WeakKeyDictionary

import pandas as pd

from custseg.i18n import Lang
from custseg.snapshots.view import REVENUE_FEATURE, Snapshot

RANKED_KINDS = ("tiers", "pareto", "score")
"""Kinds whose class order is a ranking (best first) when a scheme gives none."""


@dataclass(frozen=True)
class MigrationData:
    """Movers and the long old × new matrix of one scheme between two snapshots."""

    movers: pd.DataFrame
    matrix: pd.DataFrame
    notes: list[str] = field(default_factory=list)


def compare(
    old: Snapshot, new: Snapshot, scheme: str, lang: Lang = "en"
) -> MigrationData | None:
    """Migrations of ``scheme`` from ``old`` to ``new`` (notes in ``lang``).

    None when either snapshot did not compute the scheme.
    """
    if scheme not in old.info.computed_schemes or scheme not in new.info.computed_schemes:
        return None
    try:
        from custseg.history import migrations
    except ImportError:
        return _compare_here(old, new, scheme)
    found = migrations.compare(old, new, scheme)
    localised = getattr(found, "notes_in", None)
    notes = localised(lang) if callable(localised) else getattr(found, "notes", [])
    return MigrationData(movers=found.movers, matrix=found.matrix, notes=list(notes))


def system_version(snapshot: Snapshot) -> int | None:
    """The version number of the snapshot's system when the workspace records it, else None."""
    try:
        from custseg.history.migrations import system_version as recorded
    except ImportError:
        return None
    return recorded(snapshot)


def previous_snapshot(ws: Any, snapshot: Snapshot) -> Snapshot | None:
    """The latest snapshot before ``snapshot``'s as-of date (same system preferred), or None."""
    try:
        from custseg.history import migrations
    except ImportError:
        earlier = [i for i in ws.snapshots() if i.as_of < snapshot.as_of]
        if not earlier:
            return None
        same = [i for i in earlier if i.system_hash == snapshot.info.system_hash]
        chosen = max(same or earlier, key=lambda i: (i.as_of, i.created_at))
        return ws.snapshot(chosen.snapshot_id)  # type: ignore[no-any-return]
    return migrations.previous_snapshot(ws, snapshot)  # type: ignore[no-any-return]


def _ranking(snapshot: Snapshot, scheme: str) -> list[str]:
    definition = snapshot.scheme(scheme)
    ranked = getattr(definition, "ranked_keys", None)
    if callable(ranked):
        return list(ranked())
    if definition.kind in RANKED_KINDS:
        return [c.key for c in definition.classes]
    return []


def _direction(old: Any, new: Any, rank: dict[str, int]) -> str:
    if pd.isna(old):
        return "entered"
    if pd.isna(new):
        return "left"
    if old in rank and new in rank:
        return "up" if rank[new] < rank[old] else "down"
    return "changed"


def _compare_here(old: Snapshot, new: Snapshot, scheme: str) -> MigrationData:
    before = old.assignments(scheme)[["customer_id", "class_key"]]
    after = new.assignments(scheme)[["customer_id", "class_key"]]
    both = before.merge(after, on="customer_id", how="outer", suffixes=("_old", "_new"))
    both = both.rename(columns={"class_key_old": "old_class", "class_key_new": "new_class"})
    revenue = pd.concat([_revenue(new), _revenue(old)]).groupby(level=0).first()
    names = pd.concat([_names(new), _names(old)]).groupby(level=0).first()
    both["revenue_12m"] = both.customer_id.map(revenue).fillna(0.0).astype(float)
    both["name"] = both.customer_id.map(names)
    rank = {key: i for i, key in enumerate(_ranking(new, scheme))}
    moved = both[both.old_class.fillna("\0") != both.new_class.fillna("\0")].copy()
    moved["direction"] = [
        _direction(o, n, rank) for o, n in zip(moved.old_class, moved.new_class, strict=True)
    ]
    movers = moved[["customer_id", "name", "old_class", "new_class", "direction", "revenue_12m"]]
    keyed = both.astype({"old_class": object, "new_class": object})
    matrix = (
        keyed.groupby(["old_class", "new_class"], dropna=False)
        .agg(customers=("customer_id", "size"), revenue_12m=("revenue_12m", "sum"))
        .reset_index()
    )
    matrix = matrix.astype({"old_class": object, "new_class": object})
    matrix = matrix.where(matrix.notna(), None)
    return MigrationData(movers=movers.reset_index(drop=True), matrix=matrix)


_FEATURES: WeakKeyDictionary[Snapshot, pd.DataFrame] = WeakKeyDictionary()


def _features(snapshot: Snapshot) -> pd.DataFrame:
    if snapshot not in _FEATURES:
        _FEATURES[snapshot] = snapshot.features()
    return _FEATURES[snapshot]


def _revenue(snapshot: Snapshot) -> pd.Series:
    features = _features(snapshot)
    if REVENUE_FEATURE not in features.columns:
        return pd.Series(dtype=float)
    return features.set_index("customer_id")[REVENUE_FEATURE].fillna(0.0)


def _names(snapshot: Snapshot) -> pd.Series:
    features = _features(snapshot)
    if "name" not in features.columns:
        return pd.Series(dtype=object)
    return features.set_index("customer_id")["name"]
