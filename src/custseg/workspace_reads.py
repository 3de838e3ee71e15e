"""The Workspace's principal-aware reads and server operations (mixed into :class:`Workspace`).

Every method that returns customer-level rows takes ``principal``: None means the local user
(CLI, notebook) who sees everything; a server user is limited by role and owner inside the query
(see :mod:`custseg.governance.access`).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd

from custseg.governance.access import Permission, Principal
from custseg.i18n import Lang
from custseg.read_cache import ReadCache
from custseg.snapshots.customers import (
    CustomerQuery,
    customer_detail,
    customer_page,
    scoped_features,
    scoped_ids,
)

if TYPE_CHECKING:
    from ibis.backends import BaseBackend

    from custseg.governance.accounts import AccountStore
    from custseg.governance.active_system import ActiveSystemStore
    from custseg.governance.overrides import ListFilter, OverrideStore
    from custseg.history.alerts import AlertOverview
    from custseg.history.migrations import Migration
    from custseg.reports.actions import ActionsCount
    from custseg.schemes import ClassificationSystem
    from custseg.snapshots.model import SnapshotInfo
    from custseg.snapshots.view import Snapshot

_VIEWS_PER_CONNECTION = 32
"""Snapshot readers kept per connection (each holds only table handles, no rows)."""


class ScopedReads:
    """Reads for a principal, previous/compare/alerts/trend/actions/report, accounts, the system."""

    _con: BaseBackend
    _clock: Callable[[], datetime]

    if TYPE_CHECKING:

        def snapshot(self, snapshot_id: str | None = None) -> Snapshot: ...  # noqa: D102
        def snapshots(self) -> list[SnapshotInfo]: ...  # noqa: D102
        @property
        def overrides(self) -> OverrideStore: ...  # noqa: D102

    _read_cache: ReadCache | None = None

    def use_read_cache(self, cache: ReadCache | None) -> None:
        """Keep read results in ``cache`` (a server shares one between its connections).

        Without one (CLI, notebooks) every read asks the database.
        """
        self._read_cache = cache
        self.__dict__.pop("_views", None)  # readers made before hold the previous cache

    @property
    def accounts(self) -> AccountStore:
        """Server users and tokens."""
        from custseg.governance.accounts import AccountStore

        return AccountStore(self._con, self._clock, cache=self._read_cache)

    def _snapshot_infos(self) -> list[SnapshotInfo]:
        """The stored snapshots, oldest first (kept briefly by a server's read cache)."""
        from custseg.snapshots.store import SnapshotStore

        cache = self._read_cache
        if cache is None:
            return SnapshotStore(self._con).list()
        return cache.get(
            ("snapshots",),
            lambda: SnapshotStore(self._con).list(),
            ttl=cache.snapshot_list_seconds,
        )

    def _snapshot_view(self, info: SnapshotInfo) -> Snapshot:
        """The reader of one stored snapshot, kept per connection (a snapshot never changes)."""
        from custseg.snapshots.view import Snapshot

        views: OrderedDict[str, Snapshot] = self.__dict__.setdefault("_views", OrderedDict())
        view = views.get(info.snapshot_id)
        if view is None:
            system = self.stored_system(info.system_hash)
            view = Snapshot(self._con, info, system, cache=self._read_cache)
            views[info.snapshot_id] = view
            while len(views) > _VIEWS_PER_CONNECTION:
                views.popitem(last=False)
        return view

    @contextmanager
    def _changing_snapshots(self) -> Iterator[None]:
        """Around a run or series: the cached list of snapshots is dropped when it ends."""
        try:
            yield
        finally:
            if self._read_cache is not None:
                self._read_cache.drop("snapshots")

    @property
    def active_system(self) -> ActiveSystemStore:
        """The classification system new runs use, and its activations."""
        from custseg.governance.active_system import ActiveSystemStore

        return ActiveSystemStore(self._con, self._clock)

    def stored_system(self, system_hash: str) -> ClassificationSystem:
        """A stored system by hash (kept once read: a hash always names the same system)."""
        from custseg.snapshots.systems import SystemStore

        cache: dict[str, ClassificationSystem] = self.__dict__.setdefault("_systems", {})
        if system_hash not in cache:
            cache[system_hash] = SystemStore(self._con).load(system_hash)
        return cache[system_hash]

    def system_version(self, system_hash: str) -> int | None:
        """The version number of a stored system (None if never registered)."""
        from custseg.snapshots.systems import SystemStore

        return SystemStore(self._con).version_of(system_hash)

    def previous(self, snapshot: Snapshot) -> Snapshot | None:
        """The snapshot to compare ``snapshot`` with (latest earlier as-of date), or None."""
        from custseg.history.migrations import previous_snapshot

        return previous_snapshot(self, snapshot)

    def customers(
        self,
        query: CustomerQuery,
        *,
        snapshot_id: str | None = None,
        principal: Principal | None = None,
        lang: Lang = "en",
    ) -> tuple[pd.DataFrame, int]:
        """A page of the customers of a snapshot the principal may see, and how many match."""
        return customer_page(self.snapshot(snapshot_id), query, principal, lang=lang)

    def customer(
        self,
        customer_id: str,
        *,
        snapshot_id: str | None = None,
        principal: Principal | None = None,
        lang: Lang = "en",
    ) -> dict[str, Any]:
        """One customer: features, scores, classes with reasons and strategies, class history."""
        snap = self.snapshot(snapshot_id)
        history = [i for i in self.snapshots() if i.as_of <= snap.as_of]
        from custseg.snapshots.store import SnapshotStore

        store = SnapshotStore(self._con)
        return customer_detail(history, snap, customer_id, principal, store=store, lang=lang)

    def compare(
        self,
        old: Snapshot,
        new: Snapshot,
        scheme: str,
        *,
        principal: Principal | None = None,
        movers: int | None = None,
    ) -> Migration:
        """Migrations of ``scheme`` from ``old`` to ``new``; movers limited to the principal's.

        ``movers``: read only the first ``movers`` of each direction (None: all); the matrix
        and the counts per direction still cover every customer.
        """
        from dataclasses import replace

        from custseg.history import compare

        if principal is not None:
            principal.require(Permission.READ_SUMMARY)
        if principal is None or principal.owner_scope is None:
            return compare(old, new, scheme, movers=movers)
        migration = compare(old, new, scheme)
        return replace(migration, movers=_keep(migration.movers, new, old, principal))

    def alerts(
        self,
        old: Snapshot | None,
        new: Snapshot,
        *,
        principal: Principal | None = None,
        lang: Lang = "en",
    ) -> pd.DataFrame:
        """Alerts that fired from ``old`` to ``new`` for the customers the principal may see."""
        from custseg.history import evaluate_alerts

        frame = evaluate_alerts(old, new, lang=lang)
        return _keep(frame, new, old, principal)

    def alert_overview(
        self, old: Snapshot, new: Snapshot, *, lang: Lang = "en", severity: str = "low",
        limit: int = 50,
    ) -> AlertOverview:
        """The first ``limit`` alerts down to ``severity`` and counts over all (a table's view).

        Only the rows shown are read (:func:`custseg.history.alerts.overview_alerts`).
        """
        from custseg.history.alerts import overview_alerts

        return overview_alerts(old, new, lang=lang, severity=severity, limit=limit)

    def direction_counts(self, old: Snapshot, new: Snapshot) -> pd.DataFrame:
        """Per scheme computed in both: movers per direction and unchanged (no customer rows)."""
        from custseg.history import direction_counts

        return direction_counts(old, new)

    def snapshot_notes(self, old: Snapshot, new: Snapshot) -> list[tuple[str, dict[str, Any]]]:
        """Notes about comparing the two snapshots (word key, parameters): order, systems."""
        from custseg.history.migrations import snapshot_notes

        return snapshot_notes(old, new)

    def system_text(self, snapshot: Snapshot) -> str:
        """``name v2 (1a2b3c4d5e)``: the snapshot's system, with its version when known."""
        from custseg.history.migrations import system_text

        return system_text(snapshot)

    def trend(
        self, scheme: str, *, lang: Lang = "en", system_hash: str | None = None
    ) -> pd.DataFrame:
        """Per as-of date and class of ``scheme``: counts, revenue, changes (no customer rows).

        ``system_hash`` (or a prefix) keeps the snapshots of one system only.
        """
        from custseg.history import trend

        return trend(self, scheme, lang=lang, system_hash=system_hash)

    def actions(
        self,
        snapshot: Snapshot,
        previous: Snapshot | None,
        *,
        principal: Principal | None = None,
        lang: Lang = "en",
        schemes: Sequence[str] | None = None,
        detail: bool = False,
        owner: str | None = None,
    ) -> pd.DataFrame:
        """The action list of ``snapshot`` limited to the principal's customers (and ``owner``)."""
        from custseg.reports import build_actions

        frame = build_actions(
            snapshot, previous, lang=lang, schemes=schemes, owner=owner, detail=detail
        )
        kept = _keep(frame, snapshot, None, principal)
        kept.attrs.update(frame.attrs)
        return kept

    def write_actions(
        self,
        snapshot: Snapshot,
        previous: Snapshot | None,
        path: Path,
        *,
        principal: Principal | None = None,
        lang: Lang = "en",
        schemes: Sequence[str] | None = None,
        owner: str | None = None,
    ) -> ActionsCount:
        """Write the action list (one sheet per owner role) to the .xlsx file ``path``.

        The same file as :meth:`actions` written by ``write_actions(..., by="owner")``. On
        DuckDB, for the local user (no ``principal``), rows go from the engine to the file in
        batches and the whole list is never held in memory. Returns what the list holds.
        """
        from custseg.reports.actions import (
            ActionsCount,
            actions_query,
            write_actions,
            write_actions_streamed,
        )

        if self._con.name == "duckdb" and principal is None:
            query = actions_query(snapshot, previous, lang=lang, schemes=schemes, owner=owner)
            return write_actions_streamed(query, path, lang=lang)
        frame = self.actions(
            snapshot, previous, principal=principal, lang=lang, schemes=schemes, owner=owner
        )
        write_actions(frame, path, by="owner", lang=lang)
        count = ActionsCount()
        count.add(frame)
        return count

    def export(
        self, snapshot: Snapshot, *, principal: Principal | None = None, lang: Lang | None = None
    ) -> pd.DataFrame:
        """One row per customer the principal may see, one class column per computed scheme."""
        frame = snapshot.to_frame(lang=lang)
        return _keep(frame, snapshot, None, principal)

    def report(
        self,
        snapshot: Snapshot,
        path: Path,
        *,
        format: str,
        lang: Lang,  # noqa: A002
        principal: Principal | None = None,
        previous: Snapshot | None | Literal["auto"] = "auto",
        schemes: Sequence[str] | None = None,
    ) -> Path:
        """Write the report of ``snapshot`` (it lists every owner's movers: full readers only).

        Migrations are against ``previous``: by default the one :meth:`previous` chooses.
        """
        from custseg.reports import write_report

        if principal is not None:
            principal.require(Permission.READ_ALL_CUSTOMERS)
        against = self.previous(snapshot) if previous == "auto" else previous
        return write_report(
            snapshot,
            path,
            format=format,
            lang=lang,  # type: ignore[arg-type]
            previous=against,  # type: ignore[arg-type]
            schemes=schemes,
        )

    def visible_overrides(
        self,
        status: ListFilter = "open",
        *,
        scheme: str | None = None,
        customer_id: str | None = None,
        principal: Principal | None = None,
    ) -> pd.DataFrame:
        """Overrides (see ``overrides.list``) of the customers the principal may see."""
        frame = self.overrides.list(status, scheme=scheme, customer_id=customer_id)
        if principal is None or principal.owner_scope is None:
            return frame
        ids: set[str] = set()
        if self.snapshots():
            ids = scoped_ids(self.snapshot(), principal) or set()
        return frame[frame.customer_id.astype(str).isin(ids)].reset_index(drop=True)

    def owners(self, snapshot: Snapshot, principal: Principal | None = None) -> list[str]:
        """The distinct owners of the customers the principal may see."""
        f = scoped_features(snapshot, principal)
        if "owner" not in f.columns:
            return []
        return sorted(str(o) for o in f.owner.dropna().distinct().to_pyarrow().to_pylist() if o)


def _keep(
    frame: pd.DataFrame, new: Snapshot, old: Snapshot | None, principal: Principal | None
) -> pd.DataFrame:
    """Rows of ``frame`` whose customer the principal may see (in the new or old snapshot)."""
    ids = scoped_ids(new, principal)
    if ids is None:
        return frame
    if old is not None:
        ids |= scoped_ids(old, principal) or set()
    kept = frame[frame.customer_id.astype(str).isin(ids)].reset_index(drop=True)
    kept.attrs.update(frame.attrs)
    return kept
