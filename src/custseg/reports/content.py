"""The report model: what a report says about one snapshot, in one language, for any format."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd

from custseg.history.migrations import Migration, compare_all, system_version
from custseg.i18n import Lang, label_of
from custseg.reports import charts
from custseg.reports.labels import text
from custseg.schemes._model_base import PALETTE
from custseg.snapshots.view import REVENUE_FEATURE, Snapshot

DIRECTIONS: tuple[str, ...] = ("up", "down", "changed", "entered", "left")
"""Migration directions in the order reports show them."""

MAX_HEATMAP_CLASSES = 14
"""Schemes with more classes on either side get no heatmap (it would be unreadable)."""

TOP_MOVERS = 5
"""How many movers (highest revenue first) a scheme section lists."""

SYSTEM_ADDED = ("none", "other")
"""Class keys the system adds by itself; hidden from tables when empty."""


@dataclass(frozen=True)
class Chart:
    """One chart image and its caption."""

    kind: str
    caption: str
    png: bytes


@dataclass(frozen=True)
class MigrationSection:
    """How the customers of one scheme moved since the previous snapshot."""

    previous_as_of: date
    directions: dict[str, int]
    movers: int
    pivot: pd.DataFrame
    top_movers: pd.DataFrame
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class SchemeSection:
    """Everything a report shows about one computed scheme."""

    name: str
    kind: str
    label: str
    description: str
    summary: pd.DataFrame
    colours: list[str]
    charts: list[Chart]
    migration: MigrationSection | None


@dataclass(frozen=True)
class ReportContent:
    """A whole report in one language; formats only lay it out."""

    lang: Lang
    title: str
    as_of: date
    snapshot_id: str
    system_name: str
    system_version: int | None
    customers: int
    total_revenue: float
    previous_as_of: date | None
    previous_id: str | None
    sections: list[SchemeSection]
    skipped: list[tuple[str, str, str]]
    """(scheme name, label, reason) of schemes the run did not compute."""


def build_content(
    snapshot: Snapshot,
    previous: Snapshot | None = None,
    *,
    lang: Lang,
    schemes: Sequence[str] | None = None,
    images: bool = True,
) -> ReportContent:
    """The report model of ``snapshot`` (migrations against ``previous``); charts if ``images``."""
    names = list(schemes) if schemes else snapshot.info.computed_schemes
    for name in names:
        snapshot.scheme(name)  # UnknownNameError lists the computed schemes
    features = snapshot.features()
    migrations = compare_all(previous, snapshot, names) if previous is not None else {}
    sections = [
        _section(snapshot, previous, name, migrations.get(name), features, lang=lang, images=images)
        for name in names
    ]
    revenue = features[REVENUE_FEATURE] if REVENUE_FEATURE in features else pd.Series(dtype=float)
    skipped = [
        (name, _scheme_label(snapshot, name, lang), reason)
        for name, reason in snapshot.info.skip_reasons(lang).items()
        if not schemes or name in schemes
    ]
    return ReportContent(
        lang=lang,
        title=text("report_title", lang),
        as_of=snapshot.as_of,
        snapshot_id=snapshot.snapshot_id,
        system_name=snapshot.system.name,
        system_version=_system_version(snapshot),
        customers=snapshot.info.customers,
        total_revenue=float(revenue.fillna(0.0).sum()),
        previous_as_of=previous.as_of if previous is not None else None,
        previous_id=previous.snapshot_id if previous is not None else None,
        sections=sections,
        skipped=skipped,
    )


def _system_version(snapshot: Snapshot) -> int | None:
    recorded = system_version(snapshot)
    if recorded is not None:
        return recorded
    declared = getattr(snapshot.system, "version", None)
    return declared if isinstance(declared, int) else None


def _scheme_label(snapshot: Snapshot, name: str, lang: Lang) -> str:
    for scheme in snapshot.system.schemes:
        if scheme.name == name:
            return label_of(scheme.labels, lang)
    return name


def class_colours(snapshot: Snapshot, name: str, keys: Sequence[str]) -> dict[str, str]:
    """Class key -> colour: the scheme's colour, else the palette colour of the key's position."""
    definition = snapshot.scheme(name)
    given = {c.key: c.colour for c in definition.classes if c.colour}
    return {key: given.get(key) or PALETTE[i % len(PALETTE)] for i, key in enumerate(keys)}


def _summary(snapshot: Snapshot, name: str, lang: Lang) -> pd.DataFrame:
    frame = snapshot.summary(name, lang=lang)
    hidden = frame.class_key.isin(SYSTEM_ADDED) & (frame.customers == 0)
    return frame[~hidden].reset_index(drop=True)


def _section(
    snapshot: Snapshot,
    previous: Snapshot | None,
    name: str,
    found: Migration | None,
    features: pd.DataFrame,
    *,
    lang: Lang,
    images: bool,
) -> SchemeSection:
    definition = snapshot.scheme(name)
    summary = _summary(snapshot, name, lang)
    by_key = class_colours(snapshot, name, list(summary.class_key))
    colours = [by_key[k] for k in summary.class_key]
    migration = _migration(snapshot, previous, name, found, lang)
    shown: list[Chart] = []
    if images:
        shown.append(Chart("classes", text("chart_sizes", lang),
                           charts.class_profile(summary, colours, lang)))
        special = _special_chart(snapshot, name, summary, by_key, features, lang)
        if special is not None:
            shown.append(special)
        if migration is not None and migration.movers and _heatmap_fits(migration.pivot):
            shown.append(Chart("migration", text("chart_migration", lang),
                               charts.migration_heatmap(migration.pivot, lang=lang)))
    return SchemeSection(
        name=name,
        kind=str(definition.kind),
        label=label_of(definition.labels, lang),
        description=label_of(getattr(definition, "description", None), lang),
        summary=summary,
        colours=colours,
        charts=shown,
        migration=migration,
    )


def _heatmap_fits(pivot: pd.DataFrame) -> bool:
    return max(pivot.shape) <= MAX_HEATMAP_CLASSES


def _thresholds(snapshot: Snapshot, name: str) -> dict[str, Any]:
    outcome = next(o for o in snapshot.info.outcomes if o.name == name)
    return dict(outcome.thresholds)


def _special_chart(
    snapshot: Snapshot,
    name: str,
    summary: pd.DataFrame,
    colours: dict[str, str],
    features: pd.DataFrame,
    lang: Lang,
) -> Chart | None:
    definition = snapshot.scheme(name)
    if definition.kind == "matrix":
        return _matrix_chart(snapshot, name, colours, features, lang)
    if definition.kind == "pareto":
        measure = _thresholds(snapshot, name).get("measure") or getattr(definition, "measure", None)
        if measure not in features:
            return None
        counts = [
            (str(r.label), int(r.customers), colours[r.class_key])
            for r in summary.itertuples()
        ]
        cuts = _thresholds(snapshot, name).get("cuts") or getattr(definition, "cuts", [])
        png = charts.pareto_curve(features[measure], class_counts=counts, cuts=cuts, lang=lang)
        return Chart("pareto", text("chart_pareto", lang), png)
    return None


def _matrix_chart(
    snapshot: Snapshot, name: str, colours: dict[str, str], features: pd.DataFrame, lang: Lang
) -> Chart | None:
    limits = _thresholds(snapshot, name)
    x, y = limits.get("x") or {}, limits.get("y") or {}
    x_feature, y_feature = x.get("feature"), y.get("feature")
    if x_feature not in features or y_feature not in features or "value" not in x:
        return None
    definition = snapshot.scheme(name)
    outside = getattr(definition, "outside_class", None)
    classes = snapshot.assignments(name)[["customer_id", "class_key"]]
    points = classes.merge(features[["customer_id", x_feature, y_feature]], on="customer_id")
    points = points[points.class_key != outside].rename(columns={x_feature: "x", y_feature: "y"})
    png = charts.matrix_scatter(
        points,
        x_split=float(x["value"]),
        y_split=float(y["value"]),
        labels=snapshot.class_labels(name, lang),
        colours=colours,
        x_label=text(str(x_feature), lang),
        y_label=text(str(y_feature), lang),
        lang=lang,
        total=len(classes),
    )
    return Chart("matrix", text("chart_matrix", lang), png)


def _migration(
    snapshot: Snapshot, previous: Snapshot | None, name: str, found: Migration | None, lang: Lang
) -> MigrationSection | None:
    """The migration part of a scheme's section; None without a previous snapshot or scheme."""
    if previous is None or found is None:
        return None
    labels = dict(snapshot.class_labels(name, lang))
    if name in previous.info.computed_schemes:
        for key, label in previous.class_labels(name, lang).items():
            labels.setdefault(key, label)
    outside = text("not_in_snapshot", lang)
    order = list(labels)
    matrix = found.matrix.copy()
    matrix["old"] = matrix.old_class.map(lambda k: outside if _absent(k) else labels.get(k, k))
    matrix["new"] = matrix.new_class.map(lambda k: outside if _absent(k) else labels.get(k, k))
    pivot = matrix.pivot_table(index="old", columns="new", values="customers", aggfunc="sum",
                               fill_value=0)
    ranked = [labels[k] for k in order] + [outside]
    pivot = pivot.reindex(index=[r for r in ranked if r in pivot.index],
                          columns=[c for c in ranked if c in pivot.columns], fill_value=0)
    pivot.index.name, pivot.columns.name = None, None
    movers = found.movers
    directions = {d: int((movers.direction == d).sum()) for d in DIRECTIONS}
    top = movers.sort_values("revenue_12m", ascending=False).head(TOP_MOVERS)
    top_movers = pd.DataFrame({
        "customer_id": top.customer_id.astype(str),
        "name": top["name"].fillna("").astype(str),
        "old": [outside if _absent(k) else labels.get(k, k) for k in top.old_class],
        "new": [outside if _absent(k) else labels.get(k, k) for k in top.new_class],
        "direction": [text(str(d), lang) for d in top.direction],
        "revenue_12m": top.revenue_12m.astype(float),
    })
    return MigrationSection(
        previous_as_of=previous.as_of,
        directions=directions,
        movers=len(movers),
        pivot=pivot.astype(int),
        top_movers=top_movers.reset_index(drop=True),
        notes=found.notes_in(lang),
    )


def _absent(key: Any) -> bool:
    return key is None or (isinstance(key, float) and pd.isna(key))
