"""Keep group keys stable from one run to the next.

A run's groups are stored as a :class:`GroupSet`: centroids by key *plus* the scaling that
defines the space they live in. A new run's centroids (original units) are mapped into the
previous run's space, compared by root-mean-square distance per feature (IQR units of the
log-scaled features; log units for amounts, counts and durations), and paired with the
previous groups by a minimum-cost (Hungarian)
assignment. A pair farther apart than ``max_distance`` is not a match: the new group really is
new and gets the next unused key ``gN``. Names given to a key (renames) carry over with it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment

from custseg.errors import ModelError
from custseg.i18n import Message
from custseg.learning.clustering import ClusterResult
from custseg.learning.preprocess import ScalingParams

Text = dict[str, str]

DEFAULT_MAX_DISTANCE = 0.5
"""Largest RMS distance (IQR units of the scaled features) at which groups still match."""

_KEY = re.compile(r"^g(\d+)$")


@dataclass(frozen=True)
class GroupSet:
    """One run's groups: centroids (scaled space of ``scaling``) by key, names and sizes."""

    centroids_scaled: pd.DataFrame  # index: key; columns: scaling.features
    scaling: ScalingParams
    names: dict[str, Text] = field(default_factory=dict)
    sizes: dict[str, int] = field(default_factory=dict)

    @property
    def keys(self) -> list[str]:
        """Group keys in stored order."""
        return [str(k) for k in self.centroids_scaled.index]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable form (see :meth:`from_dict`)."""
        return {
            "keys": self.keys,
            "centroids_scaled": self.centroids_scaled.to_numpy().tolist(),
            "scaling": self.scaling.to_dict(),
            "names": self.names,
            "sizes": self.sizes,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> GroupSet:
        """Rebuild from :meth:`to_dict` output."""
        scaling = ScalingParams.from_dict(data["scaling"])
        frame = pd.DataFrame(
            data["centroids_scaled"],
            index=pd.Index(data["keys"], name="key"),
            columns=list(scaling.features),
            dtype="float64",
        )
        return cls(frame, scaling, dict(data.get("names", {})), dict(data.get("sizes", {})))


@dataclass(frozen=True)
class GroupMatch:
    """How one new group was keyed: matched to ``previous_key`` at ``distance``, or new."""

    group: int
    key: str
    previous_key: str | None
    distance: float | None  # to the nearest previous group (whether matched or not)
    is_new: bool


@dataclass(frozen=True)
class GroupMatching:
    """The keys of the new groups and how well they matched the previous run.

    ``kept_share`` is the share of customers present in both runs whose group key was kept
    (None unless both assignments were given); ``retired`` lists previous keys with no match.
    """

    keys: dict[int, str]
    matches: tuple[GroupMatch, ...]
    retired: tuple[str, ...]
    names: dict[str, Text]
    kept_share: float | None = None
    n_common: int | None = None
    notes: list[Message] = field(default_factory=list)


def group_set(
    result: ClusterResult,
    keys: Mapping[int, str] | None = None,
    *,
    names: Mapping[str, Text] | None = None,
) -> GroupSet:
    """The :class:`GroupSet` to store for ``result`` (keys default to ``g1..gk``)."""
    keyed = [(keys or {}).get(g, f"g{g + 1}") for g in range(result.k)]
    frame = pd.DataFrame(
        result.centroids_scaled.to_numpy(),
        columns=list(result.features),
        index=pd.Index(keyed, name="key"),
    )
    sizes = dict(zip(keyed, result.sizes, strict=True))
    return GroupSet(frame, result.scaling, dict(names or {}), sizes)


def match_groups(
    previous: GroupSet | None,
    new_centroids: pd.DataFrame,
    *,
    max_distance: float = DEFAULT_MAX_DISTANCE,
    used_keys: Iterable[str] = (),
    previous_assignment: pd.Series | None = None,
    new_labels: pd.Series | None = None,
) -> GroupMatching:
    """Key the new groups (rows of ``new_centroids``, original units) against ``previous``.

    ``used_keys`` are keys used by older runs that must not be reused. ``previous_assignment``
    (customer_id -> key) and ``new_labels`` (customer_id -> new group number) give the share of
    customers whose key was kept.
    """
    groups = [int(g) for g in new_centroids.index]
    if previous is None or previous.centroids_scaled.empty:
        keys = _fresh_keys(groups, used_keys)
        matches = tuple(GroupMatch(g, keys[g], None, None, True) for g in groups)
        return _finish(keys, matches, (), {}, previous_assignment, new_labels, [])
    distances, notes = _distances(previous, new_centroids)
    cost = np.where(distances <= max_distance, distances, max_distance * 1e3 + distances)
    rows, cols = linear_sum_assignment(cost)
    prev_keys = previous.keys
    paired = {
        groups[r]: prev_keys[c]
        for r, c in zip(rows, cols, strict=True)
        if distances[r, c] <= max_distance
    }
    unmatched = [g for g in groups if g not in paired]
    fresh = _fresh_keys(unmatched, [*used_keys, *prev_keys])
    keys = {g: paired.get(g) or fresh[g] for g in groups}
    matches = tuple(
        GroupMatch(g, keys[g], paired.get(g), float(distances[i].min()), g not in paired)
        for i, g in enumerate(groups)
    )
    retired = tuple(k for k in prev_keys if k not in paired.values())
    names = {k: dict(v) for k, v in previous.names.items() if k in paired.values()}
    return _finish(keys, matches, retired, names, previous_assignment, new_labels, notes)


def _distances(
    previous: GroupSet, new_centroids: pd.DataFrame
) -> tuple[np.ndarray, list[Message]]:
    """RMS distance matrix (new x previous) in the previous run's scaled space."""
    features = [f for f in previous.scaling.features if f in new_centroids.columns]
    if not features:
        raise ModelError(
            "cannot match groups: the new run shares no feature with the previous "
            f"one (previous: {list(previous.scaling.features)}, new: "
            f"{list(new_centroids.columns)}); match only runs on the same features"
        )
    notes: list[Message] = []
    if len(features) < len(previous.scaling.features):
        dropped = sorted(set(previous.scaling.features) - set(features))
        notes.append(Message("clusters_note_common_features", {"missing": ", ".join(dropped)}))
    filled = new_centroids.reindex(columns=list(previous.scaling.features))
    mapped = previous.scaling.transform(filled.assign(customer_id=0))
    idx = [previous.scaling.features.index(f) for f in features]
    diff = mapped[:, None, idx] - previous.centroids_scaled.to_numpy()[None, :, idx]
    return np.sqrt((diff**2).mean(axis=2)), notes


def _fresh_keys(groups: list[int], used: Iterable[str]) -> dict[int, str]:
    numbers = [int(m.group(1)) for k in used if (m := _KEY.match(str(k)))]
    start = max(numbers, default=0) + 1
    return {g: f"g{start + i}" for i, g in enumerate(groups)}


def _finish(
    keys: dict[int, str],
    matches: tuple[GroupMatch, ...],
    retired: tuple[str, ...],
    names: dict[str, Text],
    previous_assignment: pd.Series | None,
    new_labels: pd.Series | None,
    notes: list[Message],
) -> GroupMatching:
    kept, common = None, None
    if previous_assignment is not None and new_labels is not None:
        both = previous_assignment.index.intersection(new_labels.index)
        common = len(both)
        if common:
            new_keys = new_labels.loc[both].map(keys)
            kept = float((new_keys.to_numpy() == previous_assignment.loc[both].to_numpy()).mean())
    return GroupMatching(keys, matches, retired, names, kept, common, notes)


__all__ = [
    "DEFAULT_MAX_DISTANCE",
    "GroupMatch",
    "GroupMatching",
    "GroupSet",
    "group_set",
    "match_groups",
]
