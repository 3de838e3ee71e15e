"""The Workspace's dashboard reads (mixed into :class:`Workspace`): summaries, never rows.

The overview of a snapshot and the chart data of one scheme are aggregates computed in the
database (or on one column at most), so they stay cheap on a 1,000,000-customer snapshot. A
snapshot never changes once stored, so the answers are kept per snapshot, scheme and language.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import ibis
import numpy as np
import pandas as pd

from custseg.governance.access import Permission, Principal
from custseg.i18n import Lang, Message, label_of

if TYPE_CHECKING:
    from custseg.governance import OverrideStore
    from custseg.snapshots.view import Snapshot

REVENUE = "revenue_12m"
PARETO_POINTS = 200
SCATTER_POINTS = 3000
HISTOGRAM_BINS = 40
_CACHE_SIZE = 64
_CACHE: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
_CACHE_LOCK = threading.Lock()


class ChartReads:
    """Overview figures and per-scheme chart data for the dashboard."""

    if TYPE_CHECKING:

        def snapshot(self, snapshot_id: str | None = None) -> Snapshot: ...  # noqa: D102
        def previous(self, snapshot: Snapshot) -> Snapshot | None: ...  # noqa: D102
        def customers(self, *args: Any, **kwargs: Any) -> tuple[pd.DataFrame, int]: ...  # noqa: D102

        @property
        def overrides(self) -> OverrideStore: ...  # noqa: D102

        @property
        def location(self) -> str: ...  # noqa: D102

    def _kept(self, key: tuple[Any, ...], make: Any) -> Any:
        """The value for ``key``, computed once for all connections to this workspace.

        A server's read pool holds several ``Workspace`` objects on the same database.
        """
        full = (self.location, *key)
        with _CACHE_LOCK:
            if full in _CACHE:
                _CACHE.move_to_end(full)
                return _CACHE[full]
        value = make()
        with _CACHE_LOCK:
            _CACHE[full] = value
            while len(_CACHE) > _CACHE_SIZE:
                _CACHE.popitem(last=False)
        return value

    def dashboard_cached(self, snapshot_id: str) -> bool:
        """Whether the overview figures of ``snapshot_id`` are already computed."""
        with _CACHE_LOCK:
            return (self.location, "overview", snapshot_id) in _CACHE

    def overview(
        self,
        snapshot_id: str | None = None,
        *,
        principal: Principal | None = None,
        lang: Lang = "en",
    ) -> dict[str, Any]:
        """Headline figures of a snapshot and every scheme's class counts (no customer rows).

        ``pending_overrides`` is None for a principal who may not read customer-level data;
        ``own_customers`` is the number of customers of an owner-scoped (sales) principal.
        """
        if principal is not None:
            principal.require(Permission.READ_SUMMARY)
        snap = self.snapshot(snapshot_id)
        counts = self._kept(("overview", snap.snapshot_id), lambda: _overview_counts(snap))
        body = _overview(snap, counts, lang)
        body["pending_overrides"] = None
        body["own_customers"] = None
        if principal is None or principal.can(Permission.READ_CUSTOMERS):
            body["pending_overrides"] = len(self.overrides.list("pending"))
        if (
            principal is not None
            and principal.can(Permission.READ_CUSTOMERS)
            and principal.owner_scope is not None
        ):
            from custseg.snapshots.customers import CustomerQuery

            _, mine = self.customers(
                CustomerQuery(limit=1), snapshot_id=snap.snapshot_id, principal=principal
            )
            body["own_customers"] = mine
        return body

    def warm_dashboard(self) -> None:
        """Compute the latest snapshot's overview figures now (a server does it when it starts)."""
        if self.snapshots():
            snap = self.snapshot()
            self._kept(("overview", snap.snapshot_id), lambda: _overview_counts(snap))

    def scheme_chart(
        self, scheme: str, snapshot_id: str | None = None, *, lang: Lang = "en"
    ) -> dict[str, Any]:
        """The chart that fits the scheme's kind (Pareto, quadrant, R×F grid, score, profiles).

        ``chart`` is None for kinds shown with class bars only.
        """
        snap = self.snapshot(snapshot_id)
        snap.scheme(scheme)
        return self._kept(
            ("chart", snap.snapshot_id, scheme, lang), lambda: _chart(snap, scheme, lang)
        )

    def customers_for_export(
        self,
        classes: Mapping[str, Sequence[str]],
        *,
        search: str | None = None,
        sort: str = "customer_id",
        descending: bool = False,
        snapshot_id: str | None = None,
        principal: Principal | None = None,
        lang: Lang = "en",
        limit: int = 1_000_000,
    ) -> pd.DataFrame:
        """Every customer of a filtered list (as in :meth:`customers`), one column per scheme."""
        from custseg.snapshots.customers import CustomerQuery

        query = CustomerQuery(
            classes=classes, search=search, sort=sort, descending=descending, limit=limit
        )
        frame, _ = self.customers(query, snapshot_id=snapshot_id, principal=principal, lang=lang)
        snap = self.snapshot(snapshot_id)
        out = frame.drop(columns=["classes"])
        titles = {s.name: label_of(s.labels, lang) for s in snap.system.schemes}
        for name in snap.info.computed_schemes:
            out[titles.get(name, name)] = [c.get(name, {}).get("label") for c in frame["classes"]]
        return out


def _ordered_labels(snap: Snapshot, scheme: str, lang: Lang, present: Sequence[str]) -> list[str]:
    keys = [c.key for c in snap.scheme(scheme).classes]
    return keys + [k for k in present if k not in keys]


def _overview_counts(snap: Snapshot) -> dict[str, Any]:
    """The language-independent figures of the overview (the costly part, kept per snapshot)."""
    f = snap.features_table()
    cols = set(f.columns)
    revenue = f[REVENUE].fill_null(0.0) if REVENUE in cols else ibis.literal(0.0)
    active = f["orders_12m"].fill_null(0) > 0 if "orders_12m" in cols else revenue > 0
    head = f.aggregate(
        customers=f.count(),
        buying=ibis.ifelse(active, 1, 0).sum(),
        revenue=revenue.sum(),
    ).to_pandas()
    a = snap.assignments_table()
    counts = a.group_by(["scheme", "class_key"]).aggregate(n=a.count()).to_pandas()
    by_scheme: dict[str, dict[str, int]] = {}
    for scheme, key, n in zip(counts.scheme, counts.class_key, counts.n, strict=True):
        by_scheme.setdefault(str(scheme), {})[str(key)] = int(n)
    row = head.iloc[0]
    return {
        "customers": int(row["customers"]),
        "buying_12m": int(row["buying"] or 0),
        "revenue_12m": float(row["revenue"] or 0.0),
        "a_revenue_share": _a_share(snap) if "abc" in snap.info.computed_schemes else None,
        "counts": by_scheme,
    }


def _overview(snap: Snapshot, figures: Mapping[str, Any], lang: Lang) -> dict[str, Any]:
    schemes = []
    for name in snap.info.computed_schemes:
        by_key = figures["counts"].get(name, {})
        total = sum(by_key.values()) or 1
        labels = snap.class_labels(name, lang)
        definition = snap.scheme(name)
        classes = [
            {
                "key": k,
                "label": labels.get(k, k),
                "customers": by_key.get(k, 0),
                "share": by_key.get(k, 0) / total,
            }
            for k in _ordered_labels(snap, name, lang, sorted(by_key, key=lambda x: -by_key[x]))
        ]
        schemes.append(
            {
                "name": name,
                "label": label_of(definition.labels, lang),
                "kind": str(getattr(definition, "kind", "")),
                "classes": classes,
            }
        )
    labels_of = {s.name: label_of(s.labels, lang) for s in snap.system.schemes}
    skipped = [
        {"name": n, "label": labels_of.get(n, n), "reason": r}
        for n, r in snap.info.skip_reasons(lang).items()
    ]
    findings = snap.findings
    levels: dict[str, int] = {}
    for finding in findings or []:
        levels[str(finding.level)] = levels.get(str(finding.level), 0) + 1
    return {
        "snapshot_id": snap.snapshot_id,
        "as_of": snap.as_of.isoformat(),
        "customers": figures["customers"],
        "buying_12m": figures["buying_12m"],
        "revenue_12m": figures["revenue_12m"],
        "a_revenue_share": figures["a_revenue_share"],
        "findings": None if findings is None else levels,
        "schemes": schemes,
        "skipped": skipped,
    }


def _a_share(snap: Snapshot) -> float | None:
    """Revenue share of ABC class A, as the scheme summary computes it (class totals >= 0)."""
    a = snap.assignments_table("abc")
    f = snap.features_table()
    f = f.select("customer_id", revenue=f[REVENUE].fill_null(0.0))
    j = a.join(f, "customer_id")
    by_class = j.group_by("class_key").aggregate(revenue=j.revenue.sum()).to_pandas()
    totals = dict(zip(by_class.class_key, by_class.revenue.fillna(0.0).clip(lower=0), strict=True))
    whole = float(sum(totals.values()))
    return float(totals.get("A", 0.0)) / whole if whole > 0 else None


def _chart(snap: Snapshot, scheme: str, lang: Lang) -> dict[str, Any]:
    definition = snap.scheme(scheme)
    kind = str(getattr(definition, "kind", ""))
    outcome = next(o for o in snap.info.outcomes if o.name == scheme)
    th = outcome.thresholds or {}
    labels = snap.class_labels(scheme, lang)
    chart: dict[str, Any] | None = None
    if kind == "pareto":
        chart = _pareto(snap, th)
    elif kind == "matrix":
        chart = _quadrant(snap, scheme, th, labels)
    elif kind == "score":
        chart = _score(snap, scheme, th)
    elif kind == "cluster":
        chart = _profiles(th, lang)
    elif kind == "tiers" and th.get("feature"):
        chart = _tiers(snap, th)
    elif {"r_score", "f_score"} <= set(snap.features_table().columns) and "rfm" in scheme:
        chart = _rf_grid(snap, scheme, labels)
    return {"scheme": scheme, "kind": kind, "chart": chart}


def _column(snap: Snapshot, feature: str) -> np.ndarray:
    f = snap.features_table()
    if feature not in f.columns:
        return np.array([], dtype=float)
    values = f.filter(f[feature].notnull())[feature].cast("float64").to_pyarrow()
    return np.asarray(values.to_numpy(zero_copy_only=False), dtype=float)


def _pareto(snap: Snapshot, th: Mapping[str, Any]) -> dict[str, Any]:
    measure = str(th.get("measure") or REVENUE)
    values = _column(snap, measure)
    positive = np.sort(values[values > 0])[::-1]
    total = float(positive.sum())
    points: list[list[float]] = [[0.0, 0.0]]
    if total > 0:
        cumulative = np.cumsum(positive) / total
        n = len(positive)
        picks = np.unique(np.linspace(0, n - 1, min(n, PARETO_POINTS)).round().astype(int))
        points += [[float((i + 1) / n), float(cumulative[i])] for i in picks]
    cuts = [float(c) for c in th.get("cuts") or []]
    return {"type": "pareto", "measure": measure, "points": points, "cuts": cuts}


def _quadrant(
    snap: Snapshot, scheme: str, th: Mapping[str, Any], labels: Mapping[str, str]
) -> dict[str, Any]:
    x, y = th.get("x") or {}, th.get("y") or {}
    fx, fy = str(x.get("feature")), str(y.get("feature"))
    f = snap.features_table()
    if fx not in f.columns or fy not in f.columns:
        return {"type": "quadrant", "x": fx, "y": fy, "series": [], "total": 0, "sampled": False}
    # Sample the customers first, then look up their class: the join stays small.
    base = f.filter(f[fx].notnull(), f[fy].notnull()).select("customer_id", fx, fy)
    n = int(base.count().execute())
    sampled = n > SCATTER_POINTS
    if sampled:
        base = base.sample(min(1.0, 1.2 * SCATTER_POINTS / n), seed=7)
    base = base.limit(SCATTER_POINTS)
    a = snap.assignments_table(scheme).select("customer_id", "class_key")
    rows = base.join(a, "customer_id").select("class_key", fx, fy).to_pandas()
    groups: dict[str, list[list[float]]] = {}
    for key, vx, vy in zip(rows.class_key, rows[fx], rows[fy], strict=True):
        groups.setdefault(str(key), []).append([float(vx), float(vy)])
    return {
        "type": "quadrant",
        "x": fx,
        "y": fy,
        "x_split": x.get("value"),
        "y_split": y.get("value"),
        "series": [
            {"key": k, "label": labels.get(k, k), "points": v} for k, v in sorted(groups.items())
        ],
        "total": n,
        "sampled": sampled,
    }


def _histogram(values: np.ndarray) -> list[list[float]]:
    if values.size == 0:
        return []
    top = float(np.quantile(values, 0.99)) if values.size > 100 else float(values.max())
    low = float(values.min())
    if top <= low:
        top = low + 1.0
    counts, edges = np.histogram(np.clip(values, low, top), bins=HISTOGRAM_BINS, range=(low, top))
    return [[float(edges[i]), float(edges[i + 1]), int(c)] for i, c in enumerate(counts)]


def _score(snap: Snapshot, scheme: str, th: Mapping[str, Any]) -> dict[str, Any]:
    a = snap.assignments_table(scheme)
    scores = a.filter(a.score.notnull()).score.cast("float64").to_pyarrow()
    values = np.asarray(scores.to_numpy(zero_copy_only=False), dtype=float)
    grades = th.get("grades") or {}
    cuts = [{"key": k, "value": float(v)} for k, v in grades.items() if float(v) > 0]
    return {"type": "histogram", "feature": "score", "bins": _histogram(values), "cuts": cuts}


def _tiers(snap: Snapshot, th: Mapping[str, Any]) -> dict[str, Any]:
    feature = str(th["feature"])
    values = _column(snap, feature)
    if th.get("zeros_excluded"):
        values = values[values != 0]
    cuts = [{"key": "", "value": float(v)} for v in th.get("values") or []]
    return {"type": "histogram", "feature": feature, "bins": _histogram(values), "cuts": cuts}


def _rf_grid(snap: Snapshot, scheme: str, labels: Mapping[str, str]) -> dict[str, Any]:
    f = snap.features_table()
    a = snap.assignments_table(scheme)
    j = a.join(f.select("customer_id", "r_score", "f_score"), "customer_id")
    j = j.filter(j.r_score.notnull(), j.f_score.notnull())
    g = j.group_by(["r_score", "f_score", "class_key"]).aggregate(n=j.count()).to_pandas()
    cells = []
    for (r, fr), part in g.groupby(["r_score", "f_score"]):
        top = part.sort_values("n", ascending=False).iloc[0]
        cells.append(
            {
                "r": int(r),
                "f": int(fr),
                "customers": int(part.n.sum()),
                "class_key": str(top.class_key),
                "class_label": labels.get(str(top.class_key), str(top.class_key)),
            }
        )
    return {"type": "rf_grid", "cells": cells}


def _profiles(th: Mapping[str, Any], lang: Lang) -> dict[str, Any]:
    groups = []
    for p in th.get("profiles") or []:
        groups.append(
            {
                "key": p.get("key"),
                "label": label_of(p.get("name"), lang),
                "customers": int(p.get("size") or 0),
                "share": float(p.get("customer_share") or 0.0),
                "revenue_share": float(p.get("revenue_share") or 0.0),
                "traits": [
                    Message.from_dict(t["text"]).render(lang) for t in p.get("traits") or []
                ],
            }
        )
    return {"type": "profiles", "groups": groups}
