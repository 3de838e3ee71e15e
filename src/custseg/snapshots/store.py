"""Where snapshots live: three kinds of tables in the workspace database, written once.

- ``snapshots``: one row per run (the :class:`SnapshotInfo` header).
- ``assignments``: per snapshot, customer and scheme the class key, score and reason.
- ``snapshot_features_<id>``: the feature table the run classified, one per snapshot (its
  columns may differ between code versions, so it is not one shared table).
- ``snapshot_summaries``: per snapshot, scheme and effective class the customers and their
  12-month revenue (:mod:`custseg.snapshots.summaries`), counted when the snapshot is written.
- ``snapshot_overrides``: the manual overrides a run applied (``customer_id, scheme`` -> the
  override's ``class_key`` beside the ``computed_class_key``). ``assignments`` keeps the computed
  classes; :meth:`SnapshotStore.effective_assignments` lays the overrides over them.

A snapshot is written inside one transaction and never updated; the ``snapshots`` row is
written last, so a reader never sees a snapshot whose assignments are incomplete.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any

import ibis
import pandas as pd
import sqlglot.expressions as sge
from ibis.backends import BaseBackend

from custseg.engine import insert_from, insert_rows, transaction
from custseg.errors import SnapshotNotFoundError
from custseg.snapshots.model import SchemeOutcome, SnapshotInfo, dumps
from custseg.snapshots.ordered_write import append_in_customer_order, stage
from custseg.snapshots.summaries import count_classes
from custseg.workspace_schema.tables import (
    ASSIGNMENTS,
    SNAPSHOT_OVERRIDES,
    SNAPSHOT_SUMMARIES,
    SNAPSHOTS,
    TABLES,
)


def features_table_name(snapshot_id: str) -> str:
    """Name of the table holding the feature table of ``snapshot_id``."""
    return f"snapshot_features_{snapshot_id}"


class SnapshotStore:
    """Reads and writes snapshots in a workspace database."""

    def __init__(self, con: BaseBackend) -> None:
        self._con = con
        self._storage: dict[str, Any] = {}
        """Snapshot id -> its engine storage (None: this database), looked up once."""

    def know(self, info: SnapshotInfo) -> None:
        """Take what ``info`` says about where the snapshot's rows are (no query to look it up).

        A snapshot whose ``extra`` names no compute engine is kept in this database.
        """
        if "engine" not in info.extra:  # custseg.compute.reads.ENGINE_KEY
            self._storage[info.snapshot_id] = None

    def _engine(self, snapshot_id: str) -> Any:
        """The engine storage of a snapshot (None: this database), queried once per store."""
        if snapshot_id not in self._storage:
            self._storage[snapshot_id] = _engine_storage(self._con, snapshot_id)
        return self._storage[snapshot_id]

    def exists(self, snapshot_id: str) -> bool:
        """Whether a snapshot with this id has been written."""
        t = self._con.table(SNAPSHOTS)
        return bool(t.filter(t.snapshot_id == snapshot_id).count().execute() > 0)

    def write(
        self,
        snapshot_id: str,
        *,
        features: ibis.Table,
        assignments: ibis.Table,
        finish: Callable[[ibis.Table], tuple[SnapshotInfo, pd.DataFrame | None]],
        within: Callable[[SnapshotInfo], object] | None = None,
        schemes: Sequence[str] | None = None,
    ) -> SnapshotInfo:
        """Write a whole snapshot in one transaction (all of it or nothing); return its header.

        ``assignments`` holds every scheme's rows (the columns of ``assignments``; a
        ``snapshot_id`` column, if any, is replaced by this one), computed by one statement.
        ``finish`` is then called with them as stored (customer_id, scheme, class_key, score,
        reason: the class counts and the health check read them) and returns the snapshot's
        header and the overrides the run applies (customer_id, scheme, class_key, override_id,
        reason, created_by, expires_on; their computed class is looked up in the assignments).
        The header row is written last, then ``within(info)`` is called in the same transaction
        (the run's audit entry).
        ``schemes`` names the schemes in ``assignments`` (otherwise they are looked up in it).
        """
        target = features_table_name(snapshot_id)
        staging = f"{target}_assigned"
        has_id = "snapshot_id" in assignments.columns
        rows = assignments.drop("snapshot_id") if has_id else assignments
        on_duckdb = self._con.name == "duckdb"
        try:
            if on_duckdb:
                # Computed into a temporary table before the transaction, so its row count is
                # committed: DuckDB's optimiser counts the rows a transaction inserted as none,
                # and joined to the feature table (the summary, the health check) it would
                # build its hash table on the 28 rows per customer instead of the one (at
                # 1,000,000 customers 7.6 s against 1.6 s). Temporary: nothing of it outlives
                # the connection. Without the snapshot's id, the same in every row: it is put
                # back as a constant when the rows are appended (copying it 28,000,000 times
                # into the staging cost 1-2 s of CPU).
                staged = stage(self._con, staging, rows)
            with transaction(self._con):
                if target not in self._con.list_tables():  # the run may have built it in place
                    self._con.create_table(target, features)
                index_by_customer(self._con, target)
                if on_duckdb:
                    # Read back from where they stay. The new rows are one contiguous run of
                    # row groups, which the engine's min/max statistics find without a scan; in
                    # customer order, one customer's rows share a few row groups. Appended
                    # sorted by ranges of customers, so the memory a run needs does not grow
                    # with the base (custseg.snapshots.ordered_write).
                    append_in_customer_order(
                        self._con,
                        ASSIGNMENTS,
                        _with_snapshot_id(staged, snapshot_id),
                        customers=self._con.table(target),
                        schemes=schemes,
                    )
                else:
                    # Elsewhere the stored table is indexed by customer first: read a staged
                    # copy.
                    staged = self._con.create_table(staging, rows, temp=True, overwrite=True)
                info, overrides = finish(staged)
                if not on_duckdb:
                    insert_from(self._con, ASSIGNMENTS, _with_snapshot_id(staged, snapshot_id))
                overridden = overrides is not None and len(overrides) > 0
                if overridden:
                    insert_rows(
                        self._con,
                        SNAPSHOT_OVERRIDES,
                        self._override_rows(info, overrides),
                        TABLES[SNAPSHOT_OVERRIDES],
                    )
                # The per-class summary, counted once here rather than by every reader.
                store_summary(self._con, snapshot_id, overridden=overridden, stored=staged)
                insert_rows(self._con, SNAPSHOTS, [_info_row(info)], TABLES[SNAPSHOTS])
                if within is not None:
                    within(info)
        finally:
            self._con.drop_table(staging, force=True)
        return info

    def _override_rows(self, info: SnapshotInfo, overrides: pd.DataFrame) -> pd.DataFrame:
        """The ``snapshot_overrides`` rows: each override beside the class the run computed."""
        a = self._con.table(ASSIGNMENTS)
        ids = sorted(set(overrides.customer_id.astype(str)))
        computed = (
            a.filter((a.snapshot_id == info.snapshot_id) & a.customer_id.isin(ids))
            .select("customer_id", "scheme", computed_class_key=a.class_key)
            .to_pandas()
        )
        rows = overrides.assign(customer_id=overrides.customer_id.astype(str)).merge(
            computed, on=["customer_id", "scheme"], how="left"
        )
        rows = rows.assign(snapshot_id=info.snapshot_id)[list(TABLES[SNAPSHOT_OVERRIDES].names)]
        rows["expires_on"] = [_as_date(v) for v in rows["expires_on"]]
        return rows.astype({n: "object" for n in TABLES[SNAPSHOT_OVERRIDES].names})

    def effective_assignments(self, snapshot_id: str, *, overridden: bool = True) -> ibis.Table:
        """Assignments with the overrides applied, the computed class kept beside the effective one.

        Columns: customer_id, scheme, class_key (effective), score, reason, computed_class_key,
        override_id (null when not overridden). ``overridden=False`` skips the join, for a
        snapshot known to have no overrides.
        """
        return self._overrides_laid_over(self.assignments(snapshot_id), snapshot_id, overridden)

    def _overrides_laid_over(
        self, a: ibis.Table, snapshot_id: str, overridden: bool
    ) -> ibis.Table:
        """``a`` (one snapshot's rows as stored) with that snapshot's overrides applied."""
        if not overridden:
            return a.mutate(computed_class_key=a.class_key, override_id=ibis.null("string"))
        o = self._con.table(SNAPSHOT_OVERRIDES)
        o = o.filter(o.snapshot_id == snapshot_id).select(
            "customer_id", "scheme", override_class=o.class_key, override_id=o.override_id
        )
        if self._engine(snapshot_id) is not None:  # join where the classes are
            o = ibis.memtable(o.to_pandas(), schema=o.schema())
        j = a.left_join(o, ["customer_id", "scheme"])
        return j.select(
            customer_id=j.customer_id,
            scheme=j.scheme,
            class_key=ibis.coalesce(j.override_class, j.class_key),
            score=j.score,
            reason=j.reason,
            computed_class_key=j.class_key,
            override_id=j.override_id,
        )

    def customer_history(self, customer_id: str | ibis.Value) -> ibis.Table:
        """One customer's effective class in every snapshot stored in the workspace.

        Columns: snapshot_id, scheme, class_key (effective), score, reason, computed_class_key,
        override_id (the columns of :meth:`effective_assignments` with the snapshot's id).
        """
        a = self._con.table(ASSIGNMENTS)
        a = a.filter(a.customer_id == customer_id)
        o = self._con.table(SNAPSHOT_OVERRIDES)
        o = o.filter(o.customer_id == customer_id).select(
            "snapshot_id", "scheme", override_class=o.class_key, override_id=o.override_id
        )
        j = a.left_join(o, ["snapshot_id", "scheme"])
        return j.select(
            snapshot_id=j.snapshot_id,
            customer_id=j.customer_id,
            scheme=j.scheme,
            class_key=ibis.coalesce(j.override_class, j.class_key),
            score=j.score,
            reason=j.reason,
            computed_class_key=j.class_key,
            override_id=j.override_id,
        )

    def overrides(self, snapshot_id: str) -> ibis.Table:
        """The overrides one snapshot applied."""
        t = self._con.table(SNAPSHOT_OVERRIDES)
        return t.filter(t.snapshot_id == snapshot_id).drop("snapshot_id")

    def list(self) -> list[SnapshotInfo]:
        """All snapshots, oldest as-of date first."""
        df = self._con.table(SNAPSHOTS).order_by(["as_of", "created_at"]).to_pandas()
        return [_info_from_row(row) for row in df.to_dict("records")]

    def get(self, snapshot_id: str | None = None) -> SnapshotInfo:
        """The snapshot with this id (a unique prefix is enough), or the latest one."""
        return pick_snapshot(self.list(), snapshot_id)

    def find(self, *, as_of: date, system_hash: str, data_hash: str) -> SnapshotInfo | None:
        """The snapshot already computed for these inputs, if any."""
        for info in self.list():
            if (info.as_of, info.system_hash, info.data_hash) == (as_of, system_hash, data_hash):
                return info
        return None

    def assignments(self, snapshot_id: str) -> ibis.Table:
        """Long table of one snapshot's assignments (on Spark for a snapshot computed there)."""
        storage = self._engine(snapshot_id)
        if storage is not None:
            return storage.assignments(snapshot_id)
        t = self._con.table(ASSIGNMENTS)
        return t.filter(t.snapshot_id == snapshot_id).drop("snapshot_id")

    def features(self, snapshot_id: str) -> ibis.Table:
        """The feature table one snapshot classified (on Spark for a snapshot computed there)."""
        storage = self._engine(snapshot_id)
        if storage is not None:
            return storage.features(snapshot_id)
        return self._con.table(features_table_name(snapshot_id))


def store_summary(
    con: BaseBackend,
    snapshot_id: str,
    *,
    overridden: bool = True,
    stored: ibis.Table | None = None,
) -> None:
    """Count the effective classes of a snapshot kept in this database; store the rows.

    The rows of ``snapshot_summaries`` (see :mod:`custseg.snapshots.summaries`).
    ``overridden=False`` when the snapshot applied no override (the overrides are not joined).
    ``stored``: the snapshot's assignments as stored (customer_id, scheme, class_key, score,
    reason), counted instead of reading them back from ``assignments``.
    """
    store = SnapshotStore(con)
    computed = store.assignments(snapshot_id) if stored is None else stored
    counted = count_classes(
        store._overrides_laid_over(computed, snapshot_id, overridden),
        store.features(snapshot_id),
    )
    rows = counted.select(
        snapshot_id=ibis.literal(snapshot_id, type="string"),
        scheme=counted.scheme,
        class_key=counted.class_key,
        customers=counted.customers.cast("int64"),
        revenue_12m=counted.revenue.cast("float64"),
    )
    insert_from(con, SNAPSHOT_SUMMARIES, rows)


def summarise_stored_snapshots(con: BaseBackend) -> list[str]:
    """Store the summary of every snapshot kept in this database that has none; their ids.

    For migration 5: the snapshots written before summaries were stored. A snapshot kept on a
    compute engine (its feature table is not here) is left to be counted when read.
    """
    tables = set(con.list_tables())
    if SNAPSHOTS not in tables:
        return []
    ids = con.table(SNAPSHOTS).snapshot_id.to_pyarrow().to_pylist()
    done = set(con.table(SNAPSHOT_SUMMARIES).snapshot_id.to_pyarrow().to_pylist())
    written = []
    for snapshot_id in ids:
        if snapshot_id in done or features_table_name(snapshot_id) not in tables:
            continue
        store_summary(con, snapshot_id)
        written.append(snapshot_id)
    return written


def _with_snapshot_id(rows: ibis.Table, snapshot_id: str) -> ibis.Table:
    """``rows`` with the snapshot's id as a constant column, as ``assignments`` stores them."""
    return rows.mutate(snapshot_id=ibis.literal(snapshot_id, "string"))


def pick_snapshot(snapshots: Sequence[SnapshotInfo], snapshot_id: str | None) -> SnapshotInfo:
    """The snapshot of ``snapshots`` (as :meth:`SnapshotStore.list` orders them) with this id.

    A unique prefix is enough; None: the latest. SnapshotNotFoundError otherwise.
    """
    if not snapshots:
        raise SnapshotNotFoundError(
            "the workspace has no snapshot yet. Run `custseg run` (or `custseg demo`) first."
        )
    if snapshot_id is None:
        return max(snapshots, key=lambda s: (s.as_of, s.created_at))
    matches = [s for s in snapshots if s.snapshot_id.startswith(snapshot_id)]
    if len(matches) == 1:
        return matches[0]
    known = ", ".join(f"{s.snapshot_id} ({s.as_of})" for s in snapshots[-10:])
    what = "matches several snapshots" if matches else "matches no snapshot"
    raise SnapshotNotFoundError(f"snapshot id {snapshot_id!r} {what}. Recent: {known}")


def index_by_customer(con: BaseBackend, table: str) -> None:
    """On PostgreSQL, index ``table`` by customer_id: one customer's features without a scan.

    DuckDB finds the row from its zone maps (a feature table is written in customer order).
    Ibis has no index DDL: sqlglot builds the statement.
    """
    if getattr(con, "name", "") != "postgres":
        return
    statement = sge.Create(
        this=sge.Index(
            this=sge.to_identifier(f"{table}_customer"),
            table=sge.to_table(table),
            params=sge.IndexParameters(columns=[sge.Ordered(this=sge.column("customer_id"))]),
        ),
        kind="INDEX",
        exists=True,
    )
    cursor = con.raw_sql(statement.sql(dialect=con.name))
    if hasattr(cursor, "close"):
        cursor.close()


def _engine_storage(con: BaseBackend, snapshot_id: str) -> Any:
    """The Spark storage of a snapshot computed on Spark (see custseg.compute), else None."""
    from custseg.compute.reads import snapshot_storage

    return snapshot_storage(con, snapshot_id)


def _as_date(value: Any) -> date | None:
    if value is None or (not isinstance(value, str | date) and pd.isna(value)):
        return None
    if isinstance(value, str):
        return date.fromisoformat(value)
    if hasattr(value, "to_pydatetime"):
        return value.to_pydatetime().date()  # type: ignore[no-any-return]
    return value.date() if isinstance(value, datetime) else value


def _info_row(info: SnapshotInfo) -> dict[str, Any]:
    return {
        "snapshot_id": info.snapshot_id,
        "as_of": pd.Timestamp(info.as_of),
        "system_name": info.system_name,
        "system_hash": info.system_hash,
        "data_hash": info.data_hash,
        "code_version": info.code_version,
        "created_at": pd.Timestamp(info.created_at),
        "customers": info.customers,
        "input_counts": dumps(info.input_counts),
        "outcomes": dumps([o.to_dict() for o in info.outcomes]),
        "extra": dumps(info.extra),
    }


def _info_from_row(row: dict[str, Any]) -> SnapshotInfo:
    as_of = row["as_of"]
    created = row["created_at"]
    return SnapshotInfo(
        snapshot_id=row["snapshot_id"],
        as_of=as_of.date() if isinstance(as_of, datetime) else as_of,
        system_name=row["system_name"],
        system_hash=row["system_hash"],
        data_hash=row["data_hash"],
        code_version=row["code_version"],
        created_at=created.to_pydatetime() if hasattr(created, "to_pydatetime") else created,
        customers=int(row["customers"]),
        input_counts=json.loads(row["input_counts"]),
        outcomes=tuple(SchemeOutcome.from_dict(o) for o in json.loads(row["outcomes"])),
        extra=json.loads(row["extra"]),
    )
