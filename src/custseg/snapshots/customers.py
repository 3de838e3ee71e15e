"""Customer-level reads of one snapshot for a principal: pages, one customer, owner-scoped.

Every read goes through :func:`custseg.governance.access.restrict`, so a sales user's owner
filter is part of the query; a customer outside the scope is reported as not found.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

import ibis
import ibis.expr.types as ir
import pandas as pd

from custseg.errors import ConfigError, SnapshotNotFoundError
from custseg.governance.access import Permission, Principal, restrict
from custseg.i18n import Lang, Message
from custseg.snapshots.model import SnapshotInfo
from custseg.snapshots.store import SnapshotStore
from custseg.snapshots.view import Snapshot

LIST_COLUMNS = ("customer_id", "name", "owner", "region", "revenue_12m", "recency_days")
"""The feature columns of a customer-list row (those the snapshot has)."""
SORTABLE = (*LIST_COLUMNS, "orders_12m", "monetary_total", "clv_12m", "p_alive")
MODEL_SCORES = (
    "r_score",
    "f_score",
    "m_score",
    "rfm_score",
    "loyalty_score",
    "p_alive",
    "expected_purchases_90d",
    "expected_purchases_365d",
    "p_no_purchase_90d",
    "expected_spend",
    "clv_12m",
)


class CustomerNotFoundError(SnapshotNotFoundError):
    """No such customer in the snapshot, or not one the principal may see (same answer)."""


@dataclass(frozen=True, slots=True)
class CustomerQuery:
    """Filters, order and page of a customer list."""

    classes: Mapping[str, Sequence[str]] | None = None
    owner: str | None = None
    search: str | None = None
    sort: str = "customer_id"
    descending: bool = False
    offset: int = 0
    limit: int = 50

    def matching_key(self) -> tuple[Any, ...]:
        """What decides which customers match (classes, owner, search), as a hashable key."""
        classes = tuple(sorted((s, tuple(sorted(set(k)))) for s, k in (self.classes or {}).items()))
        return (classes, self.owner, self.search)

    def key(self) -> tuple[Any, ...]:
        """Every field, as a hashable key (equal for queries that give the same page)."""
        return (*self.matching_key(), self.sort, self.descending, self.offset, self.limit)


def scoped_features(snapshot: Snapshot, principal: Principal | None) -> ir.Table:
    """The snapshot's feature table limited to the customers the principal may see."""
    features = snapshot.features_table()
    return restrict(features, features, principal)


def scoped_ids(snapshot: Snapshot, principal: Principal | None) -> set[str] | None:
    """The customer ids the principal may see (None: every customer)."""
    if principal is not None:
        principal.require(Permission.READ_CUSTOMERS)
    if principal is None or principal.owner_scope is None:
        return None
    ids = scoped_features(snapshot, principal).customer_id.to_pyarrow().to_pylist()
    return {str(i) for i in ids}


def customer_page(
    snapshot: Snapshot, query: CustomerQuery, principal: Principal | None, *, lang: Lang = "en"
) -> tuple[pd.DataFrame, int]:
    """One page of customers (list columns + one class column per computed scheme) and the total.

    A server keeps pages and totals in its read cache, under the reader's owner scope: a page
    is never handed to a reader of another scope.
    """
    f = scoped_features(snapshot, principal)  # refuses a principal who may not read customers
    scope = None if principal is None else ("owner", principal.owner_scope)
    matching = (scope, *query.matching_key())
    frame, total = snapshot.cached(
        ("customer_page", scope, *query.key(), lang),
        lambda: _page(snapshot, f, query, lang, total_key=("customer_count", *matching)),
    )
    return frame.copy(), total


def _page(
    snapshot: Snapshot, f: ir.Table, query: CustomerQuery, lang: Lang, *, total_key: tuple[Any, ...]
) -> tuple[pd.DataFrame, int]:
    assignments = snapshot.assignments_table()
    for scheme, wanted in (query.classes or {}).items():
        snapshot.scheme(scheme)
        hit = assignments.filter(
            assignments.scheme == scheme, assignments.class_key.isin(list(wanted))
        )
        # IN, not chained semi joins (see custseg.governance.access.restrict)
        f = f.filter(f.customer_id.isin(hit.customer_id))
    if query.owner is not None and "owner" in f.columns:
        f = f.filter(f.owner == query.owner)
    if query.search:
        needle = query.search.strip().lower()
        match = f.customer_id.lower().contains(needle)
        if "name" in f.columns:
            match = match | f["name"].fill_null("").lower().contains(needle)
        f = f.filter(match)
    if query.sort not in SORTABLE or query.sort not in f.columns:
        known = [c for c in SORTABLE if c in f.columns]
        raise ConfigError(
            Message("server_sort_unknown", {"sort": query.sort, "known": ", ".join(known)}),
            key_path="sort",
        )
    total = snapshot.cached(total_key, lambda: int(f.count().execute()))
    key = ibis.desc(query.sort) if query.descending else ibis.asc(query.sort)
    tie = [] if query.sort == "customer_id" else ["customer_id"]
    columns = [c for c in LIST_COLUMNS if c in f.columns]
    page = (
        f.order_by([key, *tie]).select(columns).limit(query.limit, offset=query.offset).to_pandas()
    )
    return _with_classes(snapshot, page, assignments, lang), total


def _with_classes(
    snapshot: Snapshot, page: pd.DataFrame, assignments: ir.Table, lang: Lang
) -> pd.DataFrame:
    ids = [str(i) for i in page.customer_id]
    if not ids:
        return page.assign(classes=[])
    rows = (
        assignments.filter(assignments.customer_id.isin(ids))
        .select("customer_id", "scheme", "class_key")
        .to_pandas()
    )
    labels = {s: snapshot.class_labels(s, lang) for s in snapshot.info.computed_schemes}
    by_customer: dict[str, dict[str, dict[str, str]]] = {i: {} for i in ids}
    for r in rows.itertuples():
        label = labels.get(r.scheme, {}).get(r.class_key, r.class_key)
        by_customer[str(r.customer_id)][r.scheme] = {"key": r.class_key, "label": label}
    return page.assign(classes=[by_customer[i] for i in ids])


def customer_detail(
    snapshots: Sequence[SnapshotInfo],
    snapshot: Snapshot,
    customer_id: str,
    principal: Principal | None,
    *,
    store: SnapshotStore,
    lang: Lang = "en",
) -> dict[str, Any]:
    """One customer: features, model scores, every class with reason and strategy, and history.

    CustomerNotFoundError when the customer is not in ``snapshot`` or outside the scope.
    """
    scope = None if principal is None else principal.owner_scope
    if principal is not None:
        principal.require(Permission.READ_CUSTOMERS)

    def features_of(customer: ibis.Value) -> ir.Table:
        f = scoped_features(snapshot, principal)
        return f.filter(f.customer_id == customer)

    query = snapshot.customer_table(("features", scope), features_of)
    found = snapshot.customer_rows(query, str(customer_id))
    if not found:
        raise CustomerNotFoundError(
            Message(
                "server_customer_not_found",
                {
                    "id": str(customer_id),
                    "snapshot": snapshot.snapshot_id,
                    "as_of": snapshot.as_of.isoformat(),
                },
            )
        )
    row = {k: _plain(v) for k, v in found[0].items()}
    scores = {k: row[k] for k in MODEL_SCORES if k in row}
    features = {k: v for k, v in row.items() if k not in scores}
    # One query for the classes of this snapshot and the history: every snapshot's rows. Only
    # the snapshots listed are shown, so their overrides decide whether overrides are read.
    overridden = snapshot.has_overrides or any(_applied_overrides(i) for i in snapshots)
    rows = snapshot.history_rows(str(customer_id), overridden=overridden)
    mine = [r for r in rows if r["snapshot_id"] == snapshot.snapshot_id]
    explained = (
        snapshot.explain_rows(str(customer_id), mine, lang=lang)
        if mine
        else snapshot.explain(str(customer_id), lang=lang)  # stored elsewhere (Spark)
    )
    return {
        "customer_id": str(customer_id),
        "name": row.get("name"),
        "owner": row.get("owner"),
        "features": features,
        "scores": scores,
        "classes": [_explanation(e) for e in explained],
        "history": class_history(snapshots, str(customer_id), store, rows=rows),
    }


def class_history(
    snapshots: Sequence[SnapshotInfo],
    customer_id: str,
    store: SnapshotStore,
    *,
    rows: Sequence[Mapping[str, Any]] | None = None,
) -> list[dict[str, Any]]:
    """Per snapshot (as ordered in ``snapshots``) that holds the customer: date, id, classes.

    One query over every snapshot's assignments, overrides applied (``rows``: its result,
    already read; columns snapshot_id, scheme, class_key at least).
    """
    if rows is None:
        rows = store.customer_history(customer_id).to_pyarrow().to_pylist()
    classes: dict[str, dict[str, str]] = {}
    for r in rows:
        classes.setdefault(r["snapshot_id"], {})[r["scheme"]] = r["class_key"]
    return [
        {
            "snapshot_id": info.snapshot_id,
            "as_of": info.as_of.isoformat(),
            "classes": dict(sorted(classes[info.snapshot_id].items())),
        }
        for info in snapshots
        if info.snapshot_id in classes
    ]


def _applied_overrides(info: SnapshotInfo) -> bool:
    """Whether the run of ``info`` applied any manual override (as :class:`Snapshot` reads it)."""
    return int(info.extra.get("overrides_applied") or 0) > 0


def _explanation(e: Any) -> dict[str, Any]:
    return {
        "scheme": e.scheme,
        "scheme_label": e.scheme_label,
        "class_key": e.class_key,
        "class_label": e.class_label,
        "score": e.score,
        "reason": e.reason,
        "strategy": e.strategy,
        "computed_class_key": e.computed_class_key,
        "override_id": e.override_id,
    }


def _plain(value: Any) -> Any:
    if value is None or (not isinstance(value, str | list | dict) and pd.isna(value)):
        return None
    if isinstance(value, datetime):  # pandas Timestamps too; a date at midnight is a date
        midnight = value.time() == time() and not getattr(value, "nanosecond", 0)
        return value.date().isoformat() if midnight else pd.Timestamp(value).isoformat()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "item"):
        return value.item()
    return value
