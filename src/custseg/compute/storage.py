"""Where a Spark run keeps its data: Parquet folders under one storage root.

::

    <root>/features/snapshot_id=<id>/      the feature table the run classified
    <root>/assignments/snapshot_id=<id>/   customer_id, scheme, class_key, score, reason
    <root>/rejects/snapshot_id=<id>/table=<name>/   input rows left out, with the reason
    <root>/scratch/snapshot_id=<id>/<name>/   intermediate tables of a run, removed after it

``assignments`` is one dataset partitioned by snapshot (readable as a whole with partition
discovery); ``features`` has one folder per snapshot because its columns may change between code
versions. Folders are plain paths (local, HDFS, S3, ABFS…), so no metastore is needed and a
snapshot's data is readable by any Parquet reader.

A folder is only ever read for a snapshot id the state database lists. The run writes both
folders *before* it commits the snapshot's row, so a run whose write failed leaves at most an
orphan folder that nothing reads (it is removed on the way out when the file system allows,
and overwritten by a later run of the same snapshot id).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import ibis.expr.types as ir
from ibis.backends import BaseBackend

from custseg.compute.spark import session_of
from custseg.errors import SnapshotNotFoundError

_SAFE_ID = re.compile(r"^[0-9a-f]{1,64}$")


@dataclass(frozen=True)
class SparkStorage:
    """The Parquet folders of Spark runs under ``root``."""

    con: BaseBackend
    root: str

    def _folder(self, kind: str, snapshot_id: str) -> str:
        if not _SAFE_ID.match(snapshot_id):
            raise SnapshotNotFoundError(f"not a snapshot id: {snapshot_id!r}")
        return f"{self.root.rstrip('/')}/{kind}/snapshot_id={snapshot_id}"

    def write_features(self, snapshot_id: str, features: ir.Table) -> None:
        """Write the feature table of ``snapshot_id`` (replacing a failed earlier attempt)."""
        self._write(features, self._folder("features", snapshot_id))

    def write_assignments(self, snapshot_id: str, assignments: ir.Table) -> None:
        """Write the assignments of ``snapshot_id`` into its partition."""
        rows = (
            assignments.drop("snapshot_id") if "snapshot_id" in assignments.columns else assignments
        )
        self._write(rows, self._folder("assignments", snapshot_id))

    def write_rejects(self, snapshot_id: str, table: str, rows: ir.Table) -> int:
        """Write the rejected rows of one input table for ``snapshot_id``; return how many."""
        path = f"{self._folder('rejects', snapshot_id)}/table={table}"
        self._write(rows, path)
        return int(session_of(self.con).read.parquet(path).count())

    def scratch(self, snapshot_id: str, name: str, table: ir.Table) -> ir.Table:
        """``table`` computed once into the run's scratch folder and read back from there.

        Later queries read the stored rows instead of computing ``table`` again, and their
        Spark plans start from the files (see :meth:`remove_scratch`).
        """
        path = f"{self._folder('scratch', snapshot_id)}/{name}"
        self._write(table, path)
        frame = session_of(self.con).read.parquet(path)
        view = f"custseg_scratch_{snapshot_id}_{name}"
        frame.createOrReplaceTempView(view)
        return self.con.table(view)

    def remove_scratch(self, snapshot_id: str) -> None:
        """Remove the run's scratch folder and the session's views of it (see :meth:`scratch`)."""
        catalog = session_of(self.con).catalog
        prefix = f"custseg_scratch_{snapshot_id}_"
        for table in catalog.listTables():
            if table.isTemporary and table.name.startswith(prefix):
                catalog.dropTempView(table.name)
        _delete(self.con, self._folder("scratch", snapshot_id))

    def _write(self, table: ir.Table, path: str) -> None:
        frame = spark_frame(self.con, table)
        frame.write.mode("overwrite").parquet(path)

    def features(self, snapshot_id: str) -> ir.Table:
        """The feature table of ``snapshot_id``."""
        return self._read("features", snapshot_id)

    def assignments(self, snapshot_id: str) -> ir.Table:
        """``customer_id, scheme, class_key, score, reason`` of ``snapshot_id``."""
        return self._read("assignments", snapshot_id)

    def _read(self, kind: str, snapshot_id: str) -> ir.Table:
        path = self._folder(kind, snapshot_id)
        try:
            frame = session_of(self.con).read.parquet(path)
        except Exception as exc:
            raise SnapshotNotFoundError(
                f"the {kind} of snapshot {snapshot_id} are not in the Spark storage {path!r}: "
                f"{exc}. Check CUSTSEG_SPARK_STORAGE points where the run wrote them."
            ) from exc
        name = f"custseg_{kind}_{snapshot_id}"
        frame.createOrReplaceTempView(name)
        return self.con.table(name)

    def remove(self, snapshot_id: str) -> None:
        """Remove both folders of ``snapshot_id`` where the file system can be reached."""
        for kind in ("features", "assignments", "rejects", "scratch"):
            _delete(self.con, self._folder(kind, snapshot_id))


def spark_frame(con: BaseBackend, table: ir.Table) -> Any:
    """The Spark DataFrame of an Ibis expression (in-memory tables it uses registered first)."""
    con._run_pre_execute_hooks(table)  # type: ignore[attr-defined]  # noqa: SLF001
    return session_of(con).sql(con.compile(table))


def _delete(con: BaseBackend, path: str) -> bool:
    """Delete ``path`` recursively through Hadoop's file system (classic sessions only)."""
    session = session_of(con)
    jvm = getattr(getattr(session, "sparkContext", None), "_jvm", None)
    if jvm is None:  # Spark Connect: no JVM in this process; the orphan folder stays, unread
        return False
    try:
        hadoop_path = jvm.org.apache.hadoop.fs.Path(path)
        fs = hadoop_path.getFileSystem(session.sparkContext._jsc.hadoopConfiguration())
        return bool(fs.delete(hadoop_path, True))
    except Exception:  # noqa: BLE001 - cleanup is best effort; nothing reads the folder
        return False
