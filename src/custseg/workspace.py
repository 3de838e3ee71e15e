"""The Workspace: the one object the CLI, notebooks and other programs use.

>>> ws = open_workspace(":memory:")
>>> ws.ingest("orders", "orders.csv")                       # doctest: +SKIP
>>> snap = ws.run(as_of=date(2026, 6, 30))                  # doctest: +SKIP
>>> snap.to_frame(lang="zh")                                # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Literal
from urllib.parse import urlsplit, urlunsplit

import pandas as pd
from ibis.backends import BaseBackend

from custseg.engine import DEFAULT_WORKSPACE, connect, exclusive_writer
from custseg.errors import WorkspaceError
from custseg.i18n import Lang
from custseg.resources import EngineResources
from custseg.schemes import ClassificationSystem
from custseg.schemes.resolve import resolve_system
from custseg.snapshots.model import SnapshotInfo
from custseg.snapshots.store import SnapshotStore, pick_snapshot
from custseg.snapshots.view import Snapshot
from custseg.workspace_charts import ChartReads
from custseg.workspace_reads import ScopedReads
from custseg.workspace_schema import migrations

# What only writing commands need (ingest, run, governance) is imported by the method that
# uses it: a command that reads a snapshot starts without the readers, the feature registry,
# the run or xlsxwriter (issue 13: interactive commands within 1.5 s).
if TYPE_CHECKING:
    from custseg.compute.settings import SparkSettings
    from custseg.governance import AuditLog, OverrideStore, Settings
    from custseg.governance.jobs import JobStore
    from custseg.health import Finding
    from custseg.ingest import IngestReport, PreparedSource, ReadOptions
    from custseg.run import ProgressCallback
    from custseg.tables import TableName
    from custseg.history.series import SeriesProgress, SeriesReport
    from custseg.learning.known_classes import LearnedClasses
    from custseg.models import HoldoutReport
    from custseg.profile import DataProfile

__all__ = ["DEFAULT_WORKSPACE", "Workspace", "open_workspace", "resolve_system"]

Clock = Callable[[], datetime]


def open_workspace(
    location: str | Path = DEFAULT_WORKSPACE,
    *,
    clock: Clock | None = None,
    resources: EngineResources | None = None,
) -> Workspace:
    """Open (or create) the workspace at ``location``: a DuckDB file, ``:memory:`` or an Ibis URL.

    Its tables are brought to the schema version of this code first
    (:mod:`custseg.workspace_schema.migrations`); a workspace written by a newer custseg is
    refused with a WorkspaceError. ``resources``: DuckDB's memory limit, spill folder and
    threads (unset ones from the command line's options or the environment, see
    :mod:`custseg.resources`); a bad value is refused before anything is opened.
    """
    con = connect(location, resources=resources)
    try:
        return Workspace(con, clock=clock, location=str(location))
    except BaseException:
        _disconnect(con)
        raise


class Workspace(ScopedReads, ChartReads):
    """A workspace database: input tables, rejected rows, classification systems and snapshots.

    The database connection is private: every operation is a method here (or of an object a
    method returns), so the CLI, the server and notebooks do the same things the same way.
    """

    def __init__(
        self, con: BaseBackend, *, clock: Clock | None = None, location: str | None = None
    ) -> None:
        self._con = con
        self._clock = clock or datetime.now
        self._location = location or f"<{con.name} connection>"
        # While a series runs, the input data cannot change: its fingerprint is computed once.
        self._data_memo: dict[str, object] | None = None
        self._threads = _configured_threads(con)
        migrations.upgrade(con, location=repr(_without_password(self._location)), now=self._clock())

    @property
    def location(self) -> str:
        """Where the workspace is (file, ``:memory:`` or URL), as it was opened."""
        return self._location

    def schema_version(self) -> int:
        """The schema version of the workspace's own tables."""
        return migrations.schema_version(self._con)

    def schema_history(self) -> pd.DataFrame:
        """The migrations applied to this workspace: version, name, applied_at, custseg_version."""
        return migrations.applied(self._con)

    def ingest(
        self,
        table: TableName,
        source: str | Path | PreparedSource,
        *,
        mapping: Mapping[str, str] | None = None,
        mode: Literal["replace", "upsert"] = "replace",
        sheet: str | None = None,
        source_table: str | None = None,
        options: ReadOptions | None = None,
        rejects_out: Path | None = None,
        lang: Lang = "en",
        progress: ProgressCallback | None = None,
    ) -> IngestReport:
        """Validate and load one source into ``table``; bad rows go to the rejects table.

        ``source`` may be a :class:`custseg.ingest.PreparedSource` (read and mapped by
        ``custseg.ingest.prepare`` before the workspace was opened).
        ``options`` overrides delimiter / header detection and sets the resource bounds;
        ``rejects_out`` (a path already checked with ``custseg.outputs.check_output_path``) gets
        the rejected rows, written before the table is committed. Dates after the workspace
        clock's today are implausible. Row reasons are written in ``lang``. ``progress(step,
        done, total)`` is told each step: reading, checking, storing.
        """
        from custseg.ingest import ingest

        self._data_memo = None
        with exclusive_writer(self._con, f"ingest {table}"):
            return ingest(
                self._con,
                table,
                source,
                mapping=mapping,
                mode=mode,
                sheet=sheet,
                source_table=source_table,
                ingested_at=self._clock(),
                options=options,
                rejects_out=rejects_out,
                lang=lang,
                progress=progress,
            )

    def tables(self) -> set[str]:
        """The input tables that hold data."""
        from custseg.features import available_tables

        return available_tables(self._con)

    def rejects(self, table: str | None = None) -> pd.DataFrame:
        """Rejected rows of the latest ingest of each table (or of one table)."""
        from custseg.ingest import read_rejects

        return read_rejects(self._con, table)

    def default_as_of(self) -> date:
        """The as-of date used when none is given: the date of the latest order in the data."""
        tables = self.tables()
        for name, column in (("orders", "order_date"), ("customers", "created_date")):
            if name in tables:
                value = self._con.table(name)[column].max().execute()
                if value is not None and not pd.isna(value):
                    return pd.Timestamp(value).date()
        raise WorkspaceError(
            "cannot choose an as-of date: the workspace has no dated orders or customers. "
            "Ingest data first or pass --as-of YYYY-MM-DD."
        )

    def run(
        self,
        *,
        as_of: date | None = None,
        system: ClassificationSystem | str | Path | None = None,
        progress: ProgressCallback | None = None,
        user: str | None = None,
        engine: str | SparkSettings | None = None,
        engine_config: str | Path | None = None,
    ) -> Snapshot:
        """Classify every customer as of ``as_of`` (default: latest order date); store a snapshot.

        ``user`` is who the audit log records (default: $CUSTSEG_USER or the login name).
        ``engine`` is where the data is computed: ``"duckdb"`` (this database), ``"spark"``
        (settings from ``engine_config`` / ``CUSTSEG_SPARK_*``) or :class:`SparkSettings`;
        default ``CUSTSEG_ENGINE``, else duckdb. On Spark the data stays in Spark and this
        database keeps the state (docs/spark.md).
        """
        spark = _spark_settings(engine, engine_config)
        if spark is not None:
            from custseg.compute import run_on_spark

            with exclusive_writer(self._con, "run"), self._changing_snapshots():
                return run_on_spark(
                    self._con,
                    clock=self._clock,
                    location=self._location,
                    as_of=as_of,
                    system=system,
                    settings=spark,
                    progress=progress,
                    user=user,
                )
        from custseg.run import classify
        from custseg.snapshots.cleanup import sweep_orphans
        from custseg.snapshots.systems import SystemStore

        resolved = resolve_system(system)
        # One writer at a time from the first read to the stored snapshot: another run's sweep
        # would drop this run's tables, an ingest would change its inputs half-way.
        with exclusive_writer(self._con, "run"), self._changing_snapshots():
            sweep_orphans(self._con)
            SystemStore(self._con).save(resolved, at=self._clock())
            info = classify(
                self._con,
                system=resolved,
                as_of=as_of or self.default_as_of(),
                created_at=self._clock(),
                progress=progress,
                user=user,
                data_memo=self._data_memo,
            )
        return Snapshot(self._con, info, resolved)

    def run_series(
        self,
        every: str,
        start: date,
        end: date | None = None,
        *,
        system: ClassificationSystem | str | Path | None = None,
        refresh: bool = False,
        progress: SeriesProgress | None = None,
        user: str | None = None,
        engine: str | SparkSettings | None = None,
        engine_config: str | Path | None = None,
    ) -> SeriesReport:
        """One snapshot per week, month or quarter end in [start, end]; existing ones are kept.

        ``engine`` / ``engine_config``: where each run is computed, as for :meth:`run`.
        """
        from custseg.history.series import run_series

        spark = _spark_settings(engine, engine_config)
        if spark is not None:
            from custseg.compute import run_series_on_spark

            with exclusive_writer(self._con, "run a series"), self._changing_snapshots():
                return run_series_on_spark(
                    self,
                    every,
                    start,
                    end,
                    settings=spark,
                    system=system,
                    refresh=refresh,
                    progress=progress,
                    user=user,
                )

        self._data_memo = {}
        try:
            with exclusive_writer(self._con, "run a series"), self._changing_snapshots():
                return run_series(
                    self,
                    every,
                    start,
                    end,
                    system=system,
                    refresh=refresh,
                    progress=progress,
                    user=user,
                )
        finally:
            self._data_memo = None

    def profile(
        self,
        *,
        as_of: date | None = None,
        system: ClassificationSystem | str | Path | None = None,
    ) -> DataProfile:
        """The data profile as of ``as_of`` (default: latest order): inputs, rhythm, history."""
        from custseg.profile import profile_data
        from custseg.run import feature_parameters

        resolved = resolve_system(system)
        parameters, _ = feature_parameters(self._con, resolved, self.tables())
        return profile_data(self._con, as_of or self.default_as_of(), parameters=parameters)

    def check(self, snapshot_id: str | None = None) -> tuple[list[Finding], bool]:
        """The health check of a snapshot (default: latest), and whether it was stored with it.

        Snapshots written before the health check existed are checked now, from their stored
        features and computed classes.
        """
        from custseg.health import Finding, check_health

        snap = self.snapshot(snapshot_id)
        stored = snap.info.extra.get("health")
        if stored is not None:
            return [Finding.from_dict(item) for item in stored], True
        store = SnapshotStore(self._con)
        assignments, features = (
            store.assignments(snap.snapshot_id),
            store.features(snap.snapshot_id),
        )
        return check_health(snap.system, snap.info.outcomes, assignments, features), False

    def evaluate(
        self,
        calibration_end: date,
        holdout_end: date,
        *,
        models: tuple[str, ...] = ("mbgnbd", "bgnbd"),
    ) -> HoldoutReport:
        """Fit purchase models on orders up to ``calibration_end``; compare with the holdout."""
        from custseg.features._orders import purchases
        from custseg.models import holdout_evaluation

        if "orders" not in self.tables():
            raise WorkspaceError(
                "the workspace holds no orders; ingest them first "
                "(custseg ingest orders orders.csv)"
            )
        return holdout_evaluation(
            purchases(self._con, holdout_end),
            customer_col="customer_id",
            date_col="order_date",
            amount_col="amount",
            calibration_end=calibration_end,
            holdout_end=holdout_end,
            models=models,
        )

    def learn(
        self,
        labels: Path,
        *,
        scheme: str,
        model: str = "tree",
        max_depth: int = 4,
        snapshot_id: str | None = None,
    ) -> LearnedClasses:
        """Learn the known classes in ``labels`` from a snapshot's features (default: latest)."""
        from custseg.learning.known_classes import learn_known_classes

        snap = self.snapshot(snapshot_id)
        return learn_known_classes(snap, labels, scheme=scheme, model=model, max_depth=max_depth)

    def clock(self) -> datetime:
        """The workspace's current time (injectable for tests and replays)."""
        return self._clock()

    def snapshots(self) -> list[SnapshotInfo]:
        """Every stored snapshot, oldest as-of date first."""
        return list(self._snapshot_infos())

    def snapshot(self, snapshot_id: str | None = None) -> Snapshot:
        """A stored snapshot by id (or unique prefix), or the latest one."""
        return self._snapshot_view(pick_snapshot(self._snapshot_infos(), snapshot_id))

    def export_on_engine(self, path: str, snapshot_id: str | None = None) -> int:
        """Write a Spark snapshot's classes to the Parquet folder ``path`` from Spark; rows.

        One row per customer, one column per scheme (effective classes), as ``custseg export``
        writes, without passing through this process. Only for snapshots computed on Spark.
        """
        from custseg.compute.export import export_parquet

        return export_parquet(self._con, self.snapshot(snapshot_id).snapshot_id, path)

    # -- governance: overrides, audit log, settings (custseg.governance) ----------------------
    @property
    def overrides(self) -> OverrideStore:
        """Manual class overrides: add, approve, reject, remove, list, in_force."""
        from custseg.governance import OverrideStore

        return OverrideStore(self._con, self._clock)

    @property
    def audit(self) -> AuditLog:
        """The append-only audit log of runs, overrides and setting changes."""
        from custseg.governance import AuditLog

        return AuditLog(self._con, self._clock)

    @property
    def settings(self) -> Settings:
        """Workspace settings (e.g. ``require_override_approval``)."""
        from custseg.governance import Settings

        return Settings(self._con, self._clock)

    @property
    def jobs(self) -> JobStore:
        """The record of the server's background jobs (runs, series)."""
        from custseg.governance.jobs import JobStore

        return JobStore(self._con, self._clock)

    def set_query_threads(self, threads: int | None) -> bool:
        """How many threads the embedded DuckDB engine gives each query; whether it applies.

        ``None`` restores the threads the workspace was opened with (``--threads`` /
        ``CUSTSEG_THREADS``, else DuckDB's default: one per core). The setting belongs to the
        database the process has open, so it holds for every connection to it in this process.
        On other backends nothing changes (False).
        """
        if self._con.name != "duckdb":
            return False
        if threads is not None and threads < 1:
            raise ValueError(f"threads must be at least 1, not {threads}")
        threads = self._threads if threads is None else threads
        statement = f"SET threads = {int(threads)}"
        self._con.raw_sql(statement)  # DuckDB returns its connection: nothing to close
        return True

    def close(self) -> None:
        """Close the database connection."""
        _disconnect(self._con)


def _without_password(location: str) -> str:
    """``location`` with the password of a database URL replaced by ``***`` (for messages)."""
    parts = urlsplit(location)
    if not parts.scheme or parts.password is None:
        return location
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


def _spark_settings(
    engine: str | SparkSettings | None, config: str | Path | None
) -> SparkSettings | None:
    """The Spark settings when the run is to be computed on Spark, else None (DuckDB)."""
    from custseg.compute.settings import SparkSettings, engine_settings

    if isinstance(engine, SparkSettings):
        return engine
    chosen = engine_settings(engine, config)
    return chosen.spark if chosen.name == "spark" else None


def _configured_threads(con: BaseBackend) -> int:
    """The threads a DuckDB connection was opened with (0 on other backends)."""
    if con.name != "duckdb":
        return 0
    return int(con.raw_sql("SELECT current_setting('threads')").fetchone()[0])


def _disconnect(con: BaseBackend) -> None:
    disconnect = getattr(con, "disconnect", None)
    if disconnect is not None:
        disconnect()
