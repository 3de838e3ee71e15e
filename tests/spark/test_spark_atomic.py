"""A Spark run whose data write fails leaves no snapshot (and no data folders) behind."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.spark.conftest import AS_OF, FIXED_NOW

pytestmark = pytest.mark.slow


def test_failed_assignment_write_commits_no_snapshot(
    spark_engine: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from custseg import open_workspace
    from custseg.compute.run import classify_on_spark
    from custseg.compute.spark import session_of
    from custseg.compute.storage import SparkStorage
    from custseg.schemes import load_default_system

    written: list[str] = []
    real_write = SparkStorage._write

    def failing_write(self: SparkStorage, table: Any, path: str) -> None:
        written.append(path)
        if "/assignments/" in path:
            real_write(self, table.limit(10), path)  # a partial write, then the failure
            raise OSError("disk quota exceeded while writing assignments")
        real_write(self, table, path)

    monkeypatch.setattr(SparkStorage, "_write", failing_write)
    full = load_default_system()
    # Two schemes keep the test short; the write path is the same for every scheme.
    system = full.model_copy(
        update={"schemes": [s for s in full.schemes if s.name in ("lifecycle", "abc")]}
    )
    assert len(system.schemes) == 2
    state = open_workspace(tmp_path / "state.duckdb", clock=lambda: FIXED_NOW)
    with pytest.raises(OSError, match="disk quota"):
        classify_on_spark(
            state._con,
            spark_engine,
            system=system,
            as_of=AS_OF,
            created_at=FIXED_NOW,
        )
    kinds = [p.split("/snapshot_id=")[0].rsplit("/", 1)[-1] for p in written]
    # the order tables and the purchase statistics are computed once into the scratch folder
    assert kinds == ["rejects"] * 4 + ["scratch"] * 4 + ["features", "assignments"]
    assert state.snapshots() == []
    assert state._con.table("snapshots").count().execute() == 0
    assert state._con.table("audit_log").count().execute() == 0
    for path in written:
        assert not Path(path).exists(), path
    # the run's views of its scratch tables went with them
    views = [t.name for t in session_of(spark_engine.con).catalog.listTables()]
    assert not [v for v in views if v.startswith("custseg_scratch_")], views
    state.close()
