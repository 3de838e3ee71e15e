"""Reading one snapshot: assignments, the wide customer table, per-class summaries, explanations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import ibis
import pandas as pd
from ibis.backends import BaseBackend

from custseg.errors import UnknownNameError
from custseg.i18n import Lang, label_of
from custseg.schemes import ClassificationSystem
from custseg.snapshots.model import SnapshotInfo
from custseg.snapshots.store import SnapshotStore

REVENUE_FEATURE = "revenue_12m"


@dataclass(frozen=True, slots=True)
class ClassExplanation:
    """Why one customer got one class in one scheme."""

    scheme: str
    scheme_label: str
    class_key: str
    class_label: str
    score: float | None
    reason: str
    strategy: str


class Snapshot:
    """A stored classification run, read-only."""

    def __init__(self, con: BaseBackend, info: SnapshotInfo, system: ClassificationSystem) -> None:
        self._con = con
        self._store = SnapshotStore(con)
        self.info = info
        self.system = system

    @property
    def snapshot_id(self) -> str:
        """The snapshot's fingerprint id."""
        return self.info.snapshot_id

    @property
    def as_of(self) -> date:
        """The date the customers were classified as of."""
        return self.info.as_of

    def scheme(self, name: str) -> Any:
        """The definition of a computed scheme; UnknownNameError lists the computed ones."""
        computed = self.info.computed_schemes
        for scheme in self.system.schemes:
            if scheme.name == name and name in computed:
                return scheme
        raise UnknownNameError(name, computed, what="scheme", where="this snapshot")

    def assignments(self, scheme: str | None = None) -> pd.DataFrame:
        """Long table: customer_id, scheme, class_key, score, reason."""
        t = self._store.assignments(self.snapshot_id)
        if scheme is not None:
            self.scheme(scheme)
            t = t.filter(t.scheme == scheme)
        return t.order_by(["scheme", "customer_id"]).to_pandas()

    def features(self) -> pd.DataFrame:
        """The feature table the snapshot classified (one row per customer)."""
        return self._store.features(self.snapshot_id).order_by("customer_id").to_pandas()

    def to_frame(self, *, lang: Lang | None = None) -> pd.DataFrame:
        """One row per customer, one column per computed scheme (class keys, or labels in ``lang``)."""
        long = self._store.assignments(self.snapshot_id).select("customer_id", "scheme", "class_key")
        wide = long.pivot_wider(names_from="scheme", values_from="class_key").to_pandas()
        order = [s for s in self.info.computed_schemes if s in wide.columns]
        wide = wide[["customer_id", *order]].sort_values("customer_id", ignore_index=True)
        if lang is not None:
            for name in order:
                labels = {c.key: label_of(c.labels, lang) for c in self.scheme(name).classes}
                wide[name] = wide[name].map(lambda k, m=labels: m.get(k, k))
        return wide

    def summary(self, scheme: str, *, lang: Lang = "en") -> pd.DataFrame:
        """Per class of ``scheme``: customers, share of customers, revenue (12m) and revenue share."""
        definition = self.scheme(scheme)
        a = self._store.assignments(self.snapshot_id)
        a = a.filter(a.scheme == scheme)
        f = self._store.features(self.snapshot_id)
        revenue = f[REVENUE_FEATURE] if REVENUE_FEATURE in f.columns else ibis.literal(0.0)
        f = f.select("customer_id", revenue=revenue.fill_null(0.0))
        joined = a.join(f, "customer_id", how="left")
        counts = joined.group_by("class_key").aggregate(
            customers=joined.count(), revenue=joined.revenue.sum()
        ).to_pandas()
        by_key = counts.set_index("class_key")
        keys = [c.key for c in definition.classes]
        keys += [k for k in by_key.index if k not in keys]
        labels = {c.key: label_of(c.labels, lang) for c in definition.classes}
        rows = []
        for key in keys:
            n = int(by_key.loc[key, "customers"]) if key in by_key.index else 0
            rev = float(by_key.loc[key, "revenue"] or 0.0) if key in by_key.index else 0.0
            rows.append({"class_key": key, "label": labels.get(key, key), "customers": n,
                         "revenue": rev})
        out = pd.DataFrame(rows)
        total_n, total_rev = out.customers.sum(), out.revenue.clip(lower=0).sum()
        out["share"] = out.customers / total_n if total_n else 0.0
        out["revenue_share"] = out.revenue.clip(lower=0) / total_rev if total_rev else 0.0
        return out[["class_key", "label", "customers", "share", "revenue", "revenue_share"]]

    def explain(self, customer_id: str, *, lang: Lang = "en") -> list[ClassExplanation]:
        """Every class of one customer in this snapshot, with the reason and the strategy."""
        t = self._store.assignments(self.snapshot_id)
        rows = t.filter(t.customer_id == str(customer_id)).to_pandas()
        if rows.empty:
            from custseg.errors import CustsegError

            raise CustsegError(
                f"customer {customer_id!r} is not in snapshot {self.snapshot_id} "
                f"(as of {self.as_of}). Check the id with `custseg export` or ingest the customer."
            )
        by_scheme = {r.scheme: r for r in rows.itertuples()}
        out = []
        for scheme in self.system.schemes:
            row = by_scheme.get(scheme.name)
            if row is None:
                continue
            cls = next((c for c in scheme.classes if c.key == row.class_key), None)
            strategy = getattr(cls, "strategy", None) if cls else None
            out.append(
                ClassExplanation(
                    scheme=scheme.name,
                    scheme_label=label_of(scheme.labels, lang),
                    class_key=row.class_key,
                    class_label=label_of(cls.labels, lang) if cls else row.class_key,
                    score=None if pd.isna(row.score) else float(row.score),
                    reason=row.reason or "",
                    strategy=label_of(strategy, lang) if strategy else "",
                )
            )
        return out
