"""Compute engines: where the data of a run is computed (DuckDB by default, or Apache Spark).

State (systems, snapshots' metadata, overrides, audit, users, jobs) stays in the workspace
database; with ``--engine spark`` (``CUSTSEG_ENGINE=spark``) the inputs, the feature table and
the assignments live in Spark. See docs/spark.md.

>>> ws = open_workspace("state.duckdb")                                  # doctest: +SKIP
>>> snap = ws.run(as_of=date(2026, 6, 30), engine="spark")               # doctest: +SKIP
>>> snap = ws.run(engine=SparkSettings(master="local[4]", storage="/data/custseg",
...                                    inputs={"orders": "parquet:/data/orders"}))  # doctest: +SKIP
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from custseg.compute.settings import EngineSettings, SparkSettings, engine_settings
from custseg.errors import WorkspaceError

if TYPE_CHECKING:
    from ibis.backends import BaseBackend

    from custseg.compute.engine import SparkEngine
    from custseg.history.series import SeriesProgress, SeriesReport
    from custseg.run import ProgressCallback
    from custseg.schemes import ClassificationSystem
    from custseg.snapshots.view import Snapshot
    from custseg.workspace import Workspace

__all__ = [
    "EngineSettings",
    "SparkSettings",
    "engine_settings",
    "open_spark_engine",
    "run_on_spark",
    "run_series_on_spark",
    "spark_default_as_of",
]

_LOCK = threading.Lock()
_ENGINES: dict[tuple[str | None, str | None, str], SparkEngine] = {}


def open_spark_engine(settings: SparkSettings, workspace: str | Path | None = None) -> SparkEngine:
    """The Spark engine of these settings (one per process; its inputs registered again)."""
    from custseg.compute.engine import SparkEngine
    from custseg.compute.reads import use_spark

    key = (settings.master, settings.remote, settings.storage or str(workspace))
    with _LOCK:
        engine = _ENGINES.get(key)
        if engine is None:
            engine = SparkEngine.open(settings, workspace)
            _ENGINES[key] = engine
        else:
            engine.refresh_inputs()
    use_spark(engine.con)
    return engine


def spark_default_as_of(engine: SparkEngine) -> date:
    """The latest order date on Spark (the as-of date when none is given)."""
    for name, column in (("orders", "order_date"), ("customers", "created_date")):
        if name in engine.inputs:
            value = engine.con.table(name)[column].max().execute()
            if value is not None and not pd.isna(value):
                return pd.Timestamp(value).date()
    raise WorkspaceError(
        "cannot choose an as-of date: Spark has no dated orders or customers input. "
        "Set the inputs (docs/spark.md) or pass --as-of YYYY-MM-DD."
    )


def run_on_spark(
    state: BaseBackend,
    *,
    clock: Callable[[], datetime],
    location: str | Path | None = None,
    as_of: date | None = None,
    system: ClassificationSystem | str | Path | None = None,
    settings: SparkSettings | None = None,
    progress: ProgressCallback | None = None,
    user: str | None = None,
) -> Snapshot:
    """Classify on Spark with ``state`` (a workspace database) as the state; return the snapshot.

    Called by :meth:`custseg.workspace.Workspace.run` with ``engine="spark"``. ``settings``
    default to the environment (``CUSTSEG_SPARK_*``); ``location`` (the workspace's file) gives
    the default storage root ``<file>.spark``.
    """
    from custseg.compute.run import classify_on_spark
    from custseg.schemes.resolve import resolve_system
    from custseg.snapshots.systems import SystemStore
    from custseg.snapshots.view import Snapshot

    resolved = resolve_system(system)
    spark = settings or engine_settings("spark").spark
    engine = open_spark_engine(spark, location)
    SystemStore(state).save(resolved, at=clock())
    info = classify_on_spark(
        state,
        engine,
        system=resolved,
        as_of=as_of or spark_default_as_of(engine),
        created_at=clock(),
        progress=progress,
        user=user,
    )
    return Snapshot(state, info, resolved)


def run_series_on_spark(
    ws: Workspace,
    every: str,
    start: date,
    end: date | None = None,
    *,
    settings: SparkSettings,
    system: ClassificationSystem | str | Path | None = None,
    refresh: bool = False,
    progress: SeriesProgress | None = None,
    user: str | None = None,
) -> SeriesReport:
    """A series of period ends (week, month, quarter) computed on Spark; state in ``ws``.

    The same rules as :func:`custseg.history.series.run_series` (a period end that already has
    a current snapshot is kept unless ``refresh``; only complete periods run), with the end
    date defaulting to the latest order date *on Spark*. The runs are sequential: each one's
    key lineage (cluster groups, lifecycle transitions) reads its predecessor's classes.
    """
    from custseg.history.series import SeriesItem, SeriesReport, _current_snapshot, period_ends
    from custseg.schemes import system_hash
    from custseg.schemes.resolve import resolve_system

    resolved = resolve_system(system)
    digest = system_hash(resolved)
    engine = open_spark_engine(settings, ws.location)
    last = min(end or spark_default_as_of(engine), ws.clock().date())
    dates = period_ends(every, start, last)
    items: list[SeriesItem] = []
    for i, as_of in enumerate(dates):
        known = _current_snapshot(ws.snapshots(), as_of, digest, resolved)
        if known is not None and not refresh:
            items.append(SeriesItem(as_of, known, "kept"))
            if progress:
                progress(as_of, i + 1, len(dates), "kept")
            continue

        def report(step: str, _done: int, _total: int, *, _d: date = as_of, _i: int = i) -> None:
            if progress:
                progress(_d, _i, len(dates), step)

        snapshot = ws.run(as_of=as_of, system=resolved, progress=report, user=user, engine=settings)
        status = "kept" if snapshot.snapshot_id == known else "computed"
        items.append(SeriesItem(as_of, snapshot.snapshot_id, status))  # type: ignore[arg-type]
        if progress:
            progress(as_of, i + 1, len(dates), status)
    return SeriesReport(every, start, last, tuple(items))  # type: ignore[arg-type]
