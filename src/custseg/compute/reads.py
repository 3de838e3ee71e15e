"""Reading the data of snapshots computed on Spark, from wherever the state database is read.

A Spark snapshot's row in the state database records its storage root
(``extra["engine"]``); its features and assignments are read from there, in Spark, with the
session of this process (opened from ``CUSTSEG_SPARK_*`` when the process has none). Small
state the data is joined with (the overrides a snapshot applied) is handed to Spark as an
in-memory table.
"""

from __future__ import annotations

import json
import threading
from typing import Any

import ibis
import ibis.expr.types as ir
from ibis.backends import BaseBackend

from custseg.compute.settings import engine_settings
from custseg.compute.storage import SparkStorage
from custseg.workspace_schema.tables import SNAPSHOTS

ENGINE_KEY = "engine"
"""Key of ``SnapshotInfo.extra`` naming where a snapshot's data lives (absent: the workspace)."""

_LOCK = threading.Lock()
_CON: list[BaseBackend] = []


def use_spark(con: BaseBackend) -> None:
    """Read Spark snapshots with ``con`` (the engine a run in this process opened)."""
    with _LOCK:
        _CON[:] = [con]


def spark_con() -> BaseBackend:
    """The Spark connection of this process (opened from the environment on first use)."""
    with _LOCK:
        if not _CON:
            from custseg.compute.spark import connect_spark

            _CON.append(connect_spark(engine_settings("spark").spark))
        return _CON[0]


def engine_record(state: BaseBackend, snapshot_id: str) -> dict[str, Any] | None:
    """``extra["engine"]`` of a stored snapshot (None for a snapshot stored in the workspace)."""
    t = state.table(SNAPSHOTS)
    # Only rows that name an engine come back: a workspace snapshot costs one empty query.
    marked = (t.snapshot_id == snapshot_id) & t.extra.contains(f'"{ENGINE_KEY}"')
    rows = t.filter(marked).select("extra").to_pyarrow().to_pylist()
    if not rows or not rows[0]["extra"]:
        return None
    found = json.loads(rows[0]["extra"]).get(ENGINE_KEY)
    return found if isinstance(found, dict) and found.get("name") == "spark" else None


def snapshot_storage(state: BaseBackend, snapshot_id: str) -> SparkStorage | None:
    """The Spark storage holding a snapshot's data, or None when the workspace holds it."""
    record = engine_record(state, snapshot_id)
    if record is None:
        return None
    return SparkStorage(spark_con(), str(record["storage"]))


def as_engine_table(frame: Any, schema: dict[str, str]) -> ir.Table:
    """A small frame of state (e.g. overrides) as an in-memory table for a Spark join."""
    return ibis.memtable(frame, schema=schema)
