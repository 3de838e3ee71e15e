"""Reading one snapshot: assignments, the wide customer table, per-class summaries, explanations.

Every reader sees *effective* classes: the computed class, or the manual override the run
applied (``snapshot_overrides``). The computed class stays visible beside it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import ibis
import pandas as pd
from ibis.backends import BaseBackend

from custseg.errors import CustsegError, UnknownNameError
from custseg.i18n import Lang, Message, label_of
from custseg.schemes import ClassificationSystem
from custseg.schemes.kinds.reasons import reason_renderer, render_reason
from custseg.snapshots.bound import BoundQuery
from custseg.snapshots.model import SnapshotInfo
from custseg.snapshots.store import SnapshotStore
from custseg.snapshots.summaries import REVENUE_FEATURE, count_classes, stored_counts
from custseg.workspace_schema.tables import ASSIGNMENTS

if TYPE_CHECKING:
    from custseg.health.finding import Finding
    from custseg.profile import DataProfile
    from custseg.read_cache import ReadCache

T = TypeVar("T")



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
    computed_class_key: str = ""
    computed_class_label: str = ""
    override_id: str | None = None
    override_by: str | None = None
    override_reason: str | None = None
    override_expires_on: str | None = None

    @property
    def overridden(self) -> bool:
        """Whether a manual override set this class."""
        return self.override_id is not None


class Snapshot:
    """A stored classification run, read-only.

    With a ``cache`` (a server's :class:`custseg.read_cache.ReadCache`) results that do not
    depend on who reads them (summaries) are kept there under the snapshot's id; the table
    handles are kept by the object itself, which belongs to one connection.
    """

    def __init__(
        self,
        con: BaseBackend,
        info: SnapshotInfo,
        system: ClassificationSystem,
        *,
        cache: ReadCache | None = None,
    ) -> None:
        self._con = con
        self._store = SnapshotStore(con)
        self._store.know(info)
        self.info = info
        self.system = system
        self._cache = cache
        self._tables: dict[Any, ibis.Table] = {}
        self._labels: dict[tuple[str, Lang], dict[str, str]] = {}
        self._customer = ibis.param("string")
        self._bound: dict[Any, BoundQuery] = {}

    def cached(self, key: tuple[Any, ...], make: Callable[[], T]) -> T:
        """``make()``, kept in the server's read cache under this snapshot and ``key``.

        ``key`` must name everything the result depends on besides the snapshot (language,
        filters, the reader's owner scope). Without a cache ``make()`` runs every time.
        """
        if self._cache is None:
            return make()
        return self._cache.get(("snapshot", self.snapshot_id, *key), make)

    def customer_table(self, name: Any, make: Callable[[ibis.Value], ibis.Table]) -> ibis.Table:
        """The rows of ``make(customer)`` for one customer, the expression built once.

        ``make`` gets a parameter standing for the customer id and builds a query of it (kept
        under ``name`` by this reader); :meth:`customer_rows` runs it for one id.
        """
        return self._table(("customer", name), lambda: make(self._customer))

    def customer_rows(self, query: ibis.Table, customer_id: str) -> list[dict[str, Any]]:
        """The rows of a query from :meth:`customer_table` for ``customer_id``.

        The query is compiled to SQL on its first use by this reader; later calls bind only
        the id (see :mod:`custseg.snapshots.bound`).
        """
        bound = self._bound.get(id(query))
        if bound is None or bound.expr is not query:
            bound = self._bound[id(query)] = BoundQuery(self._con, query, self._customer)
        return bound.rows(str(customer_id))

    def history_rows(self, customer_id: str, *, overridden: bool = True) -> list[dict[str, Any]]:
        """The customer's effective rows in every snapshot the workspace stores.

        Columns: snapshot_id, customer_id, scheme, class_key, score, reason (null but in this
        snapshot), computed_class_key, override_id. ``overridden=False`` is for a reader who knows that
        none of the snapshots it uses applied an override: the computed classes are read
        without looking for overrides (a join fewer), override_id is null.
        """
        history = self._store.customer_history if overridden else _computed_history(self._con)

        def make(customer: ibis.Value) -> ibis.Table:
            t = history(customer)
            # Only this snapshot's reasons are shown: the others' are not read (on DuckDB,
            # fetching the reason text of every snapshot's rows is most of the lookup).
            mine = t.snapshot_id == self.snapshot_id
            return t.mutate(reason=ibis.ifelse(mine, t.reason, ibis.null("string")))

        query = self.customer_table(("history", overridden), make)
        return self.customer_rows(query, customer_id)

    def _table(self, name: Any, make: Callable[[], ibis.Table]) -> ibis.Table:
        found = self._tables.get(name)
        if found is None:
            found = self._tables[name] = make()
        return found

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
        raise UnknownNameError(
            name, computed, what="scheme", where=Message("unknown_where_this_snapshot")
        )

    def class_labels(self, scheme: str, lang: Lang) -> dict[str, str]:
        """Class key -> label in ``lang``, with the classes the run generated (auto, clusters)."""
        found = self._labels.get((scheme, lang))
        if found is None:
            found = self._labels[(scheme, lang)] = self._class_labels(scheme, lang)
        return dict(found)

    def _class_labels(self, scheme: str, lang: Lang) -> dict[str, str]:
        definition = self.scheme(scheme)
        labels = {c.key: label_of(c.labels, lang) for c in definition.classes}
        outcome = next(o for o in self.info.outcomes if o.name == scheme)
        generated = outcome.thresholds.get("classes") or {}
        for key, value in generated.items():
            labels.setdefault(key, value if isinstance(value, str) else label_of(value, lang))
        return labels

    @property
    def has_overrides(self) -> bool:
        """Whether the run applied any manual override."""
        return int(self.info.extra.get("overrides_applied") or 0) > 0

    def _effective(self) -> ibis.Table:
        """Assignments with the applied overrides laid over the computed classes."""
        return self._table(
            "effective",
            lambda: self._store.effective_assignments(
                self.snapshot_id, overridden=self.has_overrides
            ),
        )

    def overrides(self) -> pd.DataFrame:
        """The overrides this run applied, beside the classes it computed.

        Columns: customer_id, scheme, class_key, computed_class_key, override_id, reason,
        created_by, expires_on.
        """
        stored = self._store.overrides(self.snapshot_id)
        return stored.order_by(["scheme", "customer_id"]).to_pandas()

    @property
    def profile(self) -> DataProfile | None:
        """The data profile the run computed before classifying (None for older snapshots)."""
        from custseg.profile import DataProfile

        stored = self.info.extra.get("profile")
        return DataProfile.from_dict(stored) if stored else None

    @property
    def findings(self) -> list[Finding] | None:
        """The run's health-check findings (None for snapshots older than the health check)."""
        from custseg.health.finding import Finding

        stored = self.info.extra.get("health")
        return None if stored is None else [Finding.from_dict(item) for item in stored]

    @property
    def overrides_ignored(self) -> list[dict[str, Any]]:
        """Overrides in force that the run could not apply, each with ``why``."""
        return list(self.info.extra.get("overrides_ignored") or [])

    def assignments_table(self, scheme: str | None = None) -> ibis.Table:
        """The effective assignments as a lazy Ibis table (same columns as :meth:`assignments`).

        For joins of large snapshots that should run in the database.
        """
        t = self._effective()
        if scheme is not None:
            self.scheme(scheme)
            t = t.filter(t.scheme == scheme)
        return t

    def assignments(self, scheme: str | None = None, *, lang: Lang | None = None) -> pd.DataFrame:
        """Long table of effective classes, with the computed class beside each.

        Columns: customer_id, scheme, class_key (effective), score, reason, computed_class_key,
        override_id (null when not overridden). ``reason`` is the stored reason code; with
        ``lang`` it is the sentence in that language.
        """
        frame = self.assignments_table(scheme).order_by(["scheme", "customer_id"]).to_pandas()
        if lang is not None:
            renderers = {
                name: reason_renderer(lang, self.class_labels(name, lang))
                for name in frame["scheme"].unique()
            }
            frame["reason"] = [
                renderers[s](r) for s, r in zip(frame["scheme"], frame["reason"], strict=True)
            ]
        return frame

    def features_table(self) -> ibis.Table:
        """The feature table as a lazy Ibis table (for filters and joins in the database)."""
        return self._table("features", lambda: self._store.features(self.snapshot_id))

    def features(self) -> pd.DataFrame:
        """The feature table the snapshot classified (one row per customer)."""
        return self.features_table().order_by("customer_id").to_pandas()

    def to_frame(self, *, lang: Lang | None = None) -> pd.DataFrame:
        """One row per customer, one column per scheme (class keys, or labels in ``lang``)."""
        long = self._effective().select("customer_id", "scheme", "class_key")
        # One class per customer and scheme, so max picks it; "first" does not exist on PostgreSQL.
        wide = long.pivot_wider(
            names_from="scheme", values_from="class_key", values_agg="max"
        ).to_pandas()
        order = [s for s in self.info.computed_schemes if s in wide.columns]
        wide = wide[["customer_id", *order]].sort_values("customer_id", ignore_index=True)
        if lang is not None:
            for name in order:
                labels = self.class_labels(name, lang)
                wide[name] = wide[name].map(lambda k, m=labels: m.get(k, k))
        return wide

    def wide_table(self, *, lang: Lang | None = None, features: bool = False) -> ibis.Table:
        """:meth:`to_frame` as a lazy table, computed in the engine (for exports of any size).

        With ``features`` the feature columns follow, a feature named like a scheme with the
        suffix ``_feature`` (as ``pandas.merge`` names it). Ordered by customer id.
        """
        long = self._effective().select("customer_id", "scheme", "class_key")
        found = set(long.select("scheme").distinct().to_pyarrow().column("scheme").to_pylist())
        order = [s for s in self.info.computed_schemes if s in found]
        wide = long.pivot_wider(
            names_from="scheme", names=order, values_from="class_key", values_agg="max"
        )
        columns: dict[str, ibis.Value] = {"customer_id": wide.customer_id}
        for name in order:
            column = wide[name]
            if lang is not None:
                column = column.substitute(self.class_labels(name, lang), else_=column)
            columns[name] = column
        wide = wide.select(**columns)
        if features:
            feats = self.features_table()
            taken = set(order)
            renamed = {(f"{c}_feature" if c in taken else c): feats[c]
                       for c in feats.columns if c != "customer_id"}
            feats = feats.select(_key=feats.customer_id, **renamed)
            wide = wide.left_join(feats, wide.customer_id == feats._key).drop("_key")
        return wide.order_by("customer_id")

    def write_parquet(
        self, path: str | Path, *, lang: Lang | None = None, features: bool = False
    ) -> tuple[int, list[str]]:
        """Write :meth:`wide_table` to the Parquet file ``path`` from the engine; rows, columns.

        The rows never pass through pandas: DuckDB writes the file itself (other backends
        stream it in batches), so a base of millions of customers exports within the engine's
        memory limit.
        """
        import pyarrow.parquet as pq

        table = self.wide_table(lang=lang, features=features)
        self._con.to_parquet(table, str(path))
        return int(pq.ParquetFile(str(path)).metadata.num_rows), list(table.columns)

    def summary(self, scheme: str, *, lang: Lang = "en") -> pd.DataFrame:
        """Per class of ``scheme``: customers, share of customers, revenue (12m), revenue share."""
        return self.cached(("summary", scheme, lang), lambda: self._summary(scheme, lang)).copy()

    def summaries(self, schemes: Sequence[str], *, lang: Lang = "en") -> dict[str, pd.DataFrame]:
        """:meth:`summary` of each of ``schemes``, counted by one query (``show`` lists them all).

        With a read cache each summary is read (or counted and kept) one by one, as by
        :meth:`summary`.
        """
        if self._cache is not None:
            return {name: self.summary(name, lang=lang) for name in schemes}
        for name in schemes:
            self.scheme(name)
        counted = self._counts(schemes) if schemes else pd.DataFrame()
        parts = counted.groupby("scheme").indices if len(counted) else {}
        return {
            name: self._summary_frame(name, lang, counted.take(parts.get(name, [])))
            for name in schemes
        }

    def _counts(self, schemes: Sequence[str]) -> pd.DataFrame:
        """scheme, class_key, customers, revenue of ``schemes`` (effective classes).

        Read from the summary stored with the snapshot; counted from its assignments when it
        has none (a snapshot kept on a compute engine).
        """
        stored = stored_counts(self._con, [self.snapshot_id], schemes)
        if len(stored):
            return stored.drop(columns="snapshot_id")
        return count_classes(self._effective(), self.features_table(), schemes).to_pandas()

    def _summary(self, scheme: str, lang: Lang) -> pd.DataFrame:
        return self._summary_frame(scheme, lang, None)

    def _summary_frame(self, scheme: str, lang: Lang, counts: pd.DataFrame | None) -> pd.DataFrame:
        """The summary of ``scheme`` from its counted rows (counted here when None)."""
        definition = self.scheme(scheme)
        if counts is None:
            counts = self._counts([scheme])
        # Plain dicts: a pandas lookup per class cost ~50 ms per scheme, `show` has 28 of them.
        by_key = {
            key: (n, rev)
            for key, n, rev in zip(counts.class_key, counts.customers, counts.revenue, strict=True)
        }
        keys = [c.key for c in definition.classes]
        # Classes outside the definition by size, largest first; equal sizes by key (the rows
        # come from the engine in no fixed order).
        by_size = sorted(by_key, key=lambda k: (-int(by_key[k][0]), k))
        keys += [k for k in by_size if k not in keys]
        labels = self.class_labels(scheme, lang)
        rows = []
        for key in keys:
            n, rev = by_key.get(key, (0, 0.0))
            rows.append(
                {
                    "class_key": key,
                    "label": labels.get(key, key),
                    "customers": int(n),
                    "revenue": float(rev or 0.0),
                }
            )
        out = pd.DataFrame(rows)
        total_n, total_rev = out.customers.sum(), out.revenue.clip(lower=0).sum()
        out["share"] = out.customers / total_n if total_n else 0.0
        out["revenue_share"] = out.revenue.clip(lower=0) / total_rev if total_rev else 0.0
        return out[["class_key", "label", "customers", "share", "revenue", "revenue_share"]]

    def explain(self, customer_id: str, *, lang: Lang = "en") -> list[ClassExplanation]:
        """Every class of one customer in this snapshot, with the reason and the strategy."""
        t = self._effective()
        rows = t.filter(t.customer_id == str(customer_id)).to_pyarrow().to_pylist()
        return self.explain_rows(customer_id, rows, lang=lang)

    def explain_rows(
        self, customer_id: str, rows: Sequence[Mapping[str, Any]], *, lang: Lang = "en"
    ) -> list[ClassExplanation]:
        """:meth:`explain` from the customer's effective rows of this snapshot, already read.

        ``rows`` have the columns of :meth:`assignments` (any others are ignored).
        """
        if not rows:
            raise CustsegError(
                f"customer {customer_id!r} is not in snapshot {self.snapshot_id} "
                f"(as of {self.as_of}). Check the id with `custseg export` or ingest the customer."
            )
        by_scheme = {r["scheme"]: r for r in rows}
        applied: dict[str, dict[str, Any]] = {}
        if self.has_overrides:
            o = self._store.overrides(self.snapshot_id)
            found = o.filter(o.customer_id == str(customer_id)).to_pandas()
            applied = {r["scheme"]: r for r in found.to_dict("records")}
        out = []
        for scheme in self.system.schemes:
            row = by_scheme.get(scheme.name)
            if row is None:
                continue
            key, computed, score = row["class_key"], row["computed_class_key"], row["score"]
            cls = next((c for c in scheme.classes if c.key == key), None)
            strategy = getattr(cls, "strategy", None) if cls else None
            labels = self.class_labels(scheme.name, lang)
            out.append(
                ClassExplanation(
                    scheme=scheme.name,
                    scheme_label=label_of(scheme.labels, lang),
                    class_key=key,
                    class_label=labels.get(key, key),
                    score=None if score is None or pd.isna(score) else float(score),
                    reason=render_reason(row["reason"], lang, labels),
                    strategy=label_of(strategy, lang) if strategy else "",
                    computed_class_key=computed,
                    computed_class_label=labels.get(computed, computed),
                    **_override_fields(applied.get(scheme.name)),
                )
            )
        return out


def _computed_history(con: BaseBackend) -> Callable[[ibis.Value], ibis.Table]:
    """One customer's computed classes in every stored snapshot, no override looked up.

    The columns of :meth:`SnapshotStore.customer_history`, with ``computed_class_key`` equal to
    ``class_key`` and a null ``override_id``.
    """

    def make(customer: ibis.Value) -> ibis.Table:
        a = con.table(ASSIGNMENTS)
        a = a.filter(a.customer_id == customer)
        return a.select(
            snapshot_id=a.snapshot_id,
            customer_id=a.customer_id,
            scheme=a.scheme,
            class_key=a.class_key,
            score=a.score,
            reason=a.reason,
            computed_class_key=a.class_key,
            override_id=ibis.null("string"),
        )

    return make


def _override_fields(row: dict[str, Any] | None) -> dict[str, Any]:
    """The override columns of a :class:`ClassExplanation` (empty when not overridden)."""
    if row is None:
        return {}
    expires = row.get("expires_on")
    missing = expires is None or (not isinstance(expires, date) and pd.isna(expires))
    return {
        "override_id": row["override_id"],
        "override_by": row["created_by"],
        "override_reason": row["reason"],
        "override_expires_on": None if missing else pd.Timestamp(expires).date().isoformat(),
    }
