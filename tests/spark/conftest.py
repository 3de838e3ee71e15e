"""One local Spark session per test session, and the bundled sample in DuckDB and on Spark."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

FIXED_NOW = datetime(2026, 7, 1, 9, 0, 0)
AS_OF = date(2026, 6, 30)
PREVIOUS = date(2026, 5, 31)

SPARK_CONF = {
    "spark.sql.shuffle.partitions": "4",
    "spark.default.parallelism": "2",
    "spark.ui.enabled": "false",
    "spark.driver.memory": "1g",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Py4J leaves a socket of the gateway start-up unclosed; Spark tests ignore that warning.

    The socket is collected (and its warning raised) while the session fixture is set up, see
    ``spark_engine``, so the filter covers it and no later test sees it.
    """
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).parent == here:
            item.add_marker(
                pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
            )


@pytest.fixture(scope="session")
def sample_inputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The bundled sample ingested into a DuckDB workspace, and its tables as Parquet files."""
    from custseg import open_workspace
    from custseg.sample import sample_data_dir
    from custseg.tables import TABLE_NAMES

    root = tmp_path_factory.mktemp("spark_sample")
    ws = open_workspace(root / "duckdb.duckdb", clock=lambda: FIXED_NOW)
    parquet: dict[str, str] = {}
    for table in TABLE_NAMES:
        source = sample_data_dir() / f"{table}.csv"
        if source.exists():
            ws.ingest(table, source)
            path = root / f"{table}.parquet"
            ws._con.table(table).to_parquet(path)
            parquet[table] = f"parquet:{path}"
    ws.close()
    return {"root": root, "duckdb": root / "duckdb.duckdb", "inputs": parquet}


@pytest.fixture(scope="session")
def spark_engine(sample_inputs: dict[str, Any]) -> Iterator[Any]:
    """A local[2] Spark engine reading the sample's Parquet files (one per test session)."""
    from custseg.compute.engine import SparkEngine
    from custseg.compute.reads import use_spark
    from custseg.compute.settings import SparkSettings

    root: Path = sample_inputs["root"]
    settings = SparkSettings(
        master="local[2]",
        conf={**SPARK_CONF, "spark.sql.warehouse.dir": str(root / "warehouse")},
        inputs=sample_inputs["inputs"],
        storage=str(root / "storage"),
    )
    engine = SparkEngine.open(settings)
    use_spark(engine.con)  # reads of Spark snapshots use this session
    gc.collect()  # the gateway's start-up socket, while the warning filter applies
    yield engine
    engine.con.disconnect()


@pytest.fixture(scope="session")
def both_engines(
    sample_inputs: dict[str, Any], spark_engine: Any, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Any]:
    """Snapshots of PREVIOUS and AS_OF on DuckDB and on Spark (state in a DuckDB file).

    Returns the workspace paths and the SnapshotInfo of each run, by engine and date.
    """
    import shutil

    from custseg import open_workspace

    root = tmp_path_factory.mktemp("both_engines")
    duck_path = root / "duckdb.duckdb"
    shutil.copyfile(sample_inputs["duckdb"], duck_path)
    duck = open_workspace(duck_path, clock=lambda: FIXED_NOW)
    duck_infos = {d: duck.run(as_of=d).info for d in (PREVIOUS, AS_OF)}
    duck.close()
    state_path = root / "state.duckdb"
    state = open_workspace(state_path, clock=lambda: FIXED_NOW)
    # Both month ends as one series on Spark (Workspace.run_series -> Workspace.run per date);
    # test_spark_equality runs classify_on_spark straight on the same state.
    series = state.run_series("month", PREVIOUS, AS_OF, engine=spark_engine.settings)
    assert [i.as_of for i in series.items] == [PREVIOUS, AS_OF]
    assert [i.status for i in series.items] == ["computed", "computed"]
    by_id = {s.snapshot_id: s for s in state.snapshots()}
    spark_infos = {i.as_of: by_id[i.snapshot_id] for i in series.items}
    state.close()
    return {
        "duckdb": duck_path,
        "state": state_path,
        "duckdb_infos": duck_infos,
        "spark_infos": spark_infos,
    }
