"""Export a Spark snapshot's classes to a Parquet folder, written by Spark itself.

One row per customer, one column per computed scheme (the effective class keys, overrides
included), like ``custseg export --format parquet``, but the rows never pass through the
driver: Spark pivots and writes them where it can write (HDFS, S3, a local folder).
"""

from __future__ import annotations

from ibis.backends import BaseBackend

from custseg.compute.reads import snapshot_storage
from custseg.compute.storage import spark_frame
from custseg.errors import WorkspaceError
from custseg.snapshots.store import SnapshotStore


def export_parquet(state: BaseBackend, snapshot_id: str, path: str) -> int:
    """Write the classes of Spark snapshot ``snapshot_id`` to the folder ``path``; return rows."""
    store = SnapshotStore(state)
    info = store.get(snapshot_id)
    storage = snapshot_storage(state, info.snapshot_id)
    if storage is None:
        raise WorkspaceError(
            f"snapshot {info.snapshot_id} was computed in the workspace, not on Spark: export it "
            "with `custseg export --format parquet --out FILE`."
        )
    overridden = bool(info.extra.get("overrides_applied"))
    long = store.effective_assignments(info.snapshot_id, overridden=overridden).select(
        "customer_id", "scheme", "class_key"
    )
    schemes = list(info.computed_schemes)
    wide = long.pivot_wider(names_from="scheme", names=schemes, values_from="class_key")
    wide = wide.select("customer_id", *schemes).order_by("customer_id")
    frame = spark_frame(storage.con, wide)
    frame.write.mode("overwrite").parquet(path)
    return int(storage.con._session.read.parquet(path).count())  # type: ignore[attr-defined]  # noqa: SLF001
