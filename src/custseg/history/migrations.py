"""Migrations (客户迁移): how customers moved between the classes of two snapshots.

>>> old, new = ws.snapshot(previous.snapshot_id), ws.snapshot()      # doctest: +SKIP
>>> m = compare(old, new, "abc")                                     # doctest: +SKIP
>>> m.counts_by_direction()                                          # doctest: +SKIP
{'up': 12, 'down': 31, 'changed': 0, 'entered': 40, 'left': 0}
>>> m.pivot("customers")                                             # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import ibis
import ibis.expr.types as ir
import pandas as pd

from custseg.history._moves import (
    DIRECTIONS,
    UNCHANGED,
    matrix,
    moves,
    pair_counts,
    rank_table,
    with_direction,
)
from custseg.history._source import OVERRIDE_COLUMNS, connection
from custseg.i18n import Lang, t
from custseg.snapshots.model import SnapshotInfo
from custseg.snapshots.view import Snapshot

ABSENT = "-"
"""Row / column key of :meth:`Migration.pivot` for customers absent from one snapshot."""

Note = tuple[str, dict[str, str]]
"""A note as an i18n key and its parameters."""


@dataclass(frozen=True, eq=False)
class Migration:
    """The moves of one scheme's customers from an old snapshot to a new one.

    ``movers``: customer_id, name, old_class, new_class, direction (up / down / changed /
    entered / left), revenue_12m (the new snapshot's; the old one's for ``left``), plus
    ``override_id`` / ``overridden`` when the new classes carry manual overrides. Customers
    whose class did not change are not movers. ``matrix``: old_class, new_class, customers,
    revenue_12m for every pair, unchanged ones included (a class is None for entered / left).
    """

    scheme: str
    old_info: SnapshotInfo
    new_info: SnapshotInfo
    movers: pd.DataFrame
    matrix: pd.DataFrame
    notes: list[str]
    ranking: list[str]
    class_order: list[str]
    note_items: list[Note] = field(default_factory=list)
    label_sets: dict[str, dict[str, str]] = field(default_factory=dict)
    direction_totals: dict[str, int] | None = None
    """Movers per direction over all customers (from the matrix); None: count ``movers``."""

    def labels(self, lang: Lang) -> dict[str, str]:
        """Class key -> label in ``lang`` (the new snapshot's labels win)."""
        return dict(self.label_sets.get(lang, {}))

    def notes_in(self, lang: Lang) -> list[str]:
        """The notes in ``lang``."""
        return [t(key, lang).format(**params) for key, params in self.note_items]

    def counts_by_direction(self) -> dict[str, int]:
        """Number of movers per direction (every direction, zeros included).

        Over all customers, also when ``movers`` holds only the first few of each direction
        (``compare(..., movers=n)``).
        """
        if self.direction_totals is not None:
            return dict(self.direction_totals)
        counts = self.movers["direction"].value_counts()
        return {d: int(counts.get(d, 0)) for d in DIRECTIONS}

    @property
    def movers_total(self) -> int:
        """Number of movers over all customers (``movers`` may hold fewer)."""
        return sum(self.counts_by_direction().values())

    def pivot(self, values: Literal["customers", "revenue_12m"] = "customers") -> pd.DataFrame:
        """Old classes as rows x new classes as columns, zeros where nobody made that move.

        Classes in ranking / class order; ``ABSENT`` for customers not in that snapshot.
        """
        if values not in ("customers", "revenue_12m"):
            raise ValueError(f"values must be 'customers' or 'revenue_12m', got {values!r}")
        m = self.matrix.assign(
            old_class=self.matrix.old_class.fillna(ABSENT).astype(object),
            new_class=self.matrix.new_class.fillna(ABSENT).astype(object),
        )
        rows = [k for k in [*self.class_order, ABSENT] if k in set(m.old_class)]
        cols = [k for k in [*self.class_order, ABSENT] if k in set(m.new_class)]
        wide = m.pivot_table(
            index="old_class", columns="new_class", values=values, aggfunc="sum", fill_value=0
        )
        wide = wide.reindex(index=rows, columns=cols, fill_value=0)
        wide.index.name, wide.columns.name = "old_class", "new_class"
        return wide.astype("int64") if values == "customers" else wide.astype("float64")


def compare(old: Snapshot, new: Snapshot, scheme: str, *, movers: int | None = None) -> Migration:
    """How the customers of ``scheme`` moved from snapshot ``old`` to snapshot ``new``.

    Up / down follow the ranking of the scheme in the new snapshot's system. With ``movers``
    only the first ``movers`` of each direction (in the order of :attr:`Migration.movers`) are
    read from the database; the matrix and :meth:`Migration.counts_by_direction` still cover
    every customer. UnknownNameError when the scheme was not computed in either snapshot.
    """
    if movers is not None and movers < 1:
        raise ValueError(f"movers must be at least 1 (None for all), got {movers}")
    old.scheme(scheme)
    new.scheme(scheme)
    return _compare_many(old, new, [scheme], movers)[scheme]


def compare_all(
    old: Snapshot, new: Snapshot, schemes: Sequence[str] | None = None
) -> dict[str, Migration]:
    """:func:`compare` for every scheme computed in both snapshots (or those of ``schemes``).

    In the new system's order; all schemes in two queries.
    """
    both = set(old.info.computed_schemes)
    wanted = set(schemes) if schemes is not None else None
    names = [s for s in new.info.computed_schemes if s in both and (wanted is None or s in wanted)]
    return _compare_many(old, new, names)


def direction_counts(old: Snapshot, new: Snapshot) -> pd.DataFrame:
    """Per scheme computed in both: movers per direction and unchanged customers, in one query.

    Columns: scheme, up, down, changed, entered, left, unchanged (rows in the new system's
    order). The same counts as :meth:`Migration.counts_by_direction` without pulling movers.
    """
    both = set(old.info.computed_schemes)
    schemes = [s for s in new.info.computed_schemes if s in both]
    columns = ["scheme", *DIRECTIONS, "unchanged"]
    if not schemes:
        return pd.DataFrame(columns=columns)
    # Count the (old, new) class pairs first (or read the counts the run stored): the ranks
    # are then joined to a few hundred rows, not to one row per customer and scheme.
    kinds = pair_counts(old, new, schemes)
    kinds = with_direction(kinds, rank_table(new, schemes))
    counted = kinds.group_by(["scheme", "direction"]).aggregate(n=kinds.n.sum()).to_pandas()
    wide = counted.pivot_table(index="scheme", columns="direction", values="n", aggfunc="sum")
    wide = wide.rename(columns={UNCHANGED: "unchanged"}).reindex(schemes).fillna(0)
    wide.columns.name = None
    for column in columns[1:]:
        wide[column] = wide[column].astype("int64") if column in wide else 0
    return wide.reset_index()[columns]


def snapshot_notes(old: Snapshot, new: Snapshot) -> list[Note]:
    """Notes about the two snapshots themselves: dates out of order, different systems."""
    notes: list[Note] = []
    if old.as_of >= new.as_of:
        notes.append(("hist_note_not_earlier", {"old": str(old.as_of), "new": str(new.as_of)}))
    if old.info.system_hash != new.info.system_hash:
        notes.append(("hist_note_system", {"old": system_text(old), "new": system_text(new)}))
    return notes


def previous_snapshot(ws: Any, snapshot: Snapshot) -> Snapshot | None:
    """The snapshot to compare ``snapshot`` with, or None.

    It has the latest earlier as-of date; on that date, the one under the same classification
    system if any, else the latest created.
    """
    best = predecessor(ws.snapshots(), snapshot.info)
    return None if best is None else ws.snapshot(best.snapshot_id)


def predecessor(infos: Sequence[SnapshotInfo], info: SnapshotInfo) -> SnapshotInfo | None:
    """Of ``infos``, the one :func:`previous_snapshot` picks for the snapshot ``info``."""
    earlier = [i for i in infos if i.as_of < info.as_of]
    if not earlier:
        return None
    day = max(i.as_of for i in earlier)
    same_day = [i for i in earlier if i.as_of == day]
    return max(same_day, key=lambda i: (i.system_hash == info.system_hash, i.created_at))


# -- helpers ---------------------------------------------------------------------------------
def _compare_many(
    old: Snapshot, new: Snapshot, schemes: list[str], limit: int | None = None
) -> dict[str, Migration]:
    """:func:`compare` for each of ``schemes`` (computed in both), from two queries in all.

    ``limit``: at most this many movers per scheme and direction are read (None: all).
    """
    if not schemes:
        return {}
    pairs_expr = matrix(old, new, schemes)
    if limit is not None:  # the movers read are not all of them: count them from the matrix
        pairs_expr = with_direction(pairs_expr, rank_table(new, schemes))
    raw_pairs = pairs_expr.to_pandas()
    pairs = _tidy_matrix(raw_pairs)
    moved = moves(old, new, schemes, movers_only=True)
    if limit is not None:
        moved = _first_of_each_direction(moved, limit)
    moved_frame = _tidy_movers(_in_order(moved).to_pandas())
    matrices, movers = _by_scheme(pairs, schemes), _by_scheme(moved_frame, schemes)
    out = {s: _migration(old, new, s, movers[s], matrices[s]) for s in schemes}
    if limit is None:
        return out
    totals = _direction_totals(raw_pairs, schemes)
    return {s: replace(m, direction_totals=totals[s]) for s, m in out.items()}


def _first_of_each_direction(moved: ir.Table, limit: int) -> ir.Table:
    """The first ``limit`` moves of each scheme and direction, in the order of :func:`_in_order`."""
    place = ibis.row_number().over(
        group_by=[moved.scheme, moved.direction], order_by=_order_keys(moved)[2:]
    )
    ranked = moved.mutate(mover_place=place)
    return ranked.filter(ranked.mover_place < limit).drop("mover_place")


def _direction_totals(directed: pd.DataFrame, schemes: list[str]) -> dict[str, dict[str, int]]:
    """Movers per scheme and direction from the matrix rows with their ``direction``."""
    totals = {s: dict.fromkeys(DIRECTIONS, 0) for s in schemes}
    counted = directed.groupby(["scheme", "direction"])["customers"].sum()
    for (scheme, direction), n in counted.items():
        if direction in DIRECTIONS:  # not the unchanged
            totals[scheme][direction] = int(n)
    return totals


def _by_scheme(frame: pd.DataFrame, schemes: list[str]) -> dict[str, pd.DataFrame]:
    """The rows of each scheme in their order, without ``scheme`` (none for a scheme without)."""
    rest = frame.drop(columns="scheme")
    rows = frame.groupby("scheme", sort=False).indices
    return {s: rest.take(rows.get(s, [])).reset_index(drop=True) for s in schemes}


def _migration(
    old: Snapshot, new: Snapshot, scheme: str, movers: pd.DataFrame, pairs: pd.DataFrame
) -> Migration:
    """The :class:`Migration` of one scheme from its (tidy) movers and matrix."""
    ranking = new.scheme(scheme).ranked_keys()
    order = _class_order(old, new, scheme, ranking, pairs)
    items = _notes(old, new, scheme, ranking, movers)
    return Migration(
        scheme=scheme,
        old_info=old.info,
        new_info=new.info,
        movers=movers,
        matrix=pairs,
        notes=[t(key, "en").format(**params) for key, params in items],
        ranking=ranking,
        class_order=order,
        note_items=items,
        label_sets={lang: _labels(old, new, scheme, lang) for lang in ("zh", "en")},
    )


def _in_order(moved: ir.Table) -> ir.Table:
    """Movers by scheme, direction, revenue (largest first, NaN last) and customer id.

    Directions come in ``DIRECTIONS`` order.
    """
    return moved.order_by(_order_keys(moved))


def _order_keys(moved: ir.Table) -> list[Any]:
    """Sort keys of movers: scheme, direction, revenue (largest first, NaN last), customer id."""
    rank = moved.direction.substitute(
        {d: i for i, d in enumerate(DIRECTIONS)}, else_=len(DIRECTIONS)
    )
    return [
        moved.scheme,
        rank,
        moved.revenue_12m.isnan(),
        ibis.desc(moved.revenue_12m),
        moved.customer_id,
    ]


def _tidy_movers(movers: pd.DataFrame) -> pd.DataFrame:
    """Movers (already in order) with Python values (None for null) and ``overridden``."""
    movers = movers.astype({"revenue_12m": "float64"})
    text = ["customer_id", "name", "old_class", "new_class", "direction"]
    for column in [*text, *[c for c in OVERRIDE_COLUMNS if c in movers.columns]]:
        movers[column] = movers[column].astype(object).where(movers[column].notna(), None)
    if "override_id" in movers.columns:
        movers["overridden"] = movers["override_id"].notna()
    return movers


def _tidy_matrix(matrix: pd.DataFrame) -> pd.DataFrame:
    """Matrix rows with Python values (None for null), by old class then new class."""
    matrix = matrix.astype({"customers": "int64", "revenue_12m": "float64"})
    for column in ("old_class", "new_class"):
        matrix[column] = matrix[column].astype(object).where(matrix[column].notna(), None)
    key = matrix[["old_class", "new_class"]].fillna("~")
    order = key.sort_values(["old_class", "new_class"]).index
    columns = ["scheme", "old_class", "new_class", "customers", "revenue_12m"]
    return matrix.loc[order, columns].reset_index(drop=True)


def _class_order(
    old: Snapshot, new: Snapshot, scheme: str, ranking: list[str], matrix: pd.DataFrame
) -> list[str]:
    keys = [*ranking, *new.scheme(scheme).class_keys, *old.scheme(scheme).class_keys]
    keys += sorted(set(new.class_labels(scheme, "en")) | set(old.class_labels(scheme, "en")))
    seen = [*matrix.old_class.dropna(), *matrix.new_class.dropna()]
    keys += sorted(set(seen))
    return list(dict.fromkeys(keys))


def _labels(old: Snapshot, new: Snapshot, scheme: str, lang: Lang) -> dict[str, str]:
    return {**old.class_labels(scheme, lang), **new.class_labels(scheme, lang)}


def system_text(snapshot: Snapshot) -> str:
    """``name v2 (1a2b3c4d5e)``: the snapshot's system, with its version when known."""
    info = snapshot.info
    version = system_version(snapshot)
    shown = f" v{version}" if version is not None else ""
    return f"{info.system_name}{shown} ({info.system_hash[:10]})"


def system_version(snapshot: Snapshot) -> int | None:
    """The version number of the snapshot's system, when the workspace records versions."""
    from custseg.snapshots.systems import SystemStore

    return SystemStore(connection(snapshot)).version_of(snapshot.info.system_hash)


def _notes(
    old: Snapshot, new: Snapshot, scheme: str, ranking: list[str], movers: pd.DataFrame
) -> list[Note]:
    notes = snapshot_notes(old, new)
    if old.info.system_hash != new.info.system_hash:
        before = old.scheme(scheme).model_dump(mode="json")
        after = new.scheme(scheme).model_dump(mode="json")
        if before != after:
            notes.append(("hist_note_scheme_changed", {"scheme": scheme}))
    old_keys = set(old.class_labels(scheme, "en"))
    new_keys = set(new.class_labels(scheme, "en"))
    if old_keys - new_keys:
        notes.append(("hist_note_only_old", {"keys": ", ".join(sorted(old_keys - new_keys))}))
    if new_keys - old_keys:
        notes.append(("hist_note_only_new", {"keys": ", ".join(sorted(new_keys - old_keys))}))
    if not ranking and (movers.direction == "changed").any():
        notes.append(("hist_note_unranked", {"scheme": scheme}))
    return notes


__all__ = [
    "ABSENT",
    "Migration",
    "compare",
    "compare_all",
    "direction_counts",
    "predecessor",
    "previous_snapshot",
    "snapshot_notes",
    "system_text",
]
