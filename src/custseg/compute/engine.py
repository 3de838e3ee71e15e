"""The compute engine of a run: Spark (through Ibis), beside the workspace's state database."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ibis.backends import BaseBackend

from custseg.compute.inputs import InputTable, register_inputs
from custseg.compute.settings import SparkSettings
from custseg.compute.spark import connect_spark
from custseg.compute.storage import SparkStorage
from custseg.errors import WorkspaceError


@dataclass
class SparkEngine:
    """A Spark session with custseg's inputs registered and its storage folders."""

    settings: SparkSettings
    con: BaseBackend
    storage: SparkStorage
    inputs: dict[str, InputTable] = field(default_factory=dict)

    @classmethod
    def open(cls, settings: SparkSettings, workspace: str | Path | None = None) -> SparkEngine:
        """Connect to Spark, register the inputs, and choose the storage root.

        The storage root is ``settings.storage``, or ``<workspace file>.spark`` beside a DuckDB
        workspace file.
        """
        root = settings.storage or _default_storage(workspace)
        con = connect_spark(settings)
        engine = cls(settings, con, SparkStorage(con, root))
        engine.refresh_inputs()
        return engine

    def refresh_inputs(self) -> None:
        """Register (again) the input tables: a new run sees the data as it is now."""
        self.inputs = register_inputs(self.con, self.settings)


def _default_storage(workspace: str | Path | None) -> str:
    text = str(workspace) if workspace is not None else ""
    if not text or text == ":memory:" or "://" in text:
        raise WorkspaceError(
            "the Spark engine needs a storage folder for features and assignments: set "
            "CUSTSEG_SPARK_STORAGE (or storage: in the Spark settings file), e.g. "
            "hdfs:///custseg or s3a://bucket/custseg"
        )
    return str(Path(text).resolve()) + ".spark"
