"""The same classes on Spark (local[2]) as on DuckDB, for every customer and scheme.

Both engines compute the bundled sample as of 2026-05-31 and 2026-06-30 with the built-in
catalogue. Classes must be identical. Scores must agree within SCORE_TOLERANCE (absolute, or
relative for large values): the feature table is rounded to 6 decimals on both engines, and
floating-point sums may differ in their last bits with the order an engine adds rows in.
Quantiles are exact on both (DuckDB ``quantile_cont``, Spark ``percentile``), so thresholds
must agree to 1e-9 and no approximation tolerance is needed.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from tests.spark.conftest import AS_OF, FIXED_NOW, PREVIOUS

pytestmark = pytest.mark.slow

SCORE_TOLERANCE = 1e-6


def _assignments(path: Any, snapshot_id: str) -> pd.DataFrame:
    from custseg import open_workspace
    from custseg.snapshots.store import SnapshotStore

    ws = open_workspace(path, clock=lambda: FIXED_NOW)
    frame = SnapshotStore(ws._con).assignments(snapshot_id).to_pandas()
    ws.close()
    return frame


@pytest.mark.parametrize("as_of", [PREVIOUS, AS_OF], ids=str)
def test_spark_gives_duckdb_classes(both_engines: dict[str, Any], as_of: Any) -> None:
    duck_info = both_engines["duckdb_infos"][as_of]
    info = both_engines["spark_infos"][as_of]
    duck = _assignments(both_engines["duckdb"], duck_info.snapshot_id)
    spark = _assignments(both_engines["state"], info.snapshot_id)  # read back from Spark

    # Same schemes computed, skipped and failed, same customers.
    assert [(o.name, o.status) for o in info.outcomes] == [
        (o.name, o.status) for o in duck_info.outcomes
    ]
    assert info.customers == duck_info.customers == 2500
    assert len(info.computed_schemes) >= 20
    key = ["scheme", "customer_id"]
    both = duck.merge(spark, on=key, how="outer", suffixes=("_duck", "_spark"), indicator=True)
    assert (both["_merge"] == "both").all(), both[both["_merge"] != "both"].head()
    assert len(both) == len(duck) == len(spark) == 2500 * len(info.computed_schemes)

    differ = both[both.class_key_duck.fillna("~") != both.class_key_spark.fillna("~")]
    assert differ.empty, differ[[*key, "class_key_duck", "class_key_spark"]].head(20)

    a = both.score_duck.to_numpy(dtype=float)
    b = both.score_spark.to_numpy(dtype=float)
    close = np.isclose(a, b, rtol=SCORE_TOLERANCE, atol=SCORE_TOLERANCE, equal_nan=True)
    assert close.all(), both.loc[~close, [*key, "score_duck", "score_spark"]].head(20)
    assert (both.reason_duck.fillna("") == both.reason_spark.fillna("")).all()

    # Quantile thresholds are exact on both engines.
    duck_cuts = {o.name: o.thresholds for o in duck_info.outcomes}
    compared = 0
    for outcome in info.outcomes:
        values = outcome.thresholds.get("values")
        if values is not None:
            expected = np.array(duck_cuts[outcome.name]["values"], dtype=float)
            assert np.allclose(np.array(values, dtype=float), expected, rtol=1e-9, equal_nan=True)
            compared += 1
    assert compared >= 3


def test_state_in_the_workspace_data_on_spark(
    both_engines: dict[str, Any], spark_engine: Any
) -> None:
    from custseg import open_workspace
    from custseg.compute.run import classify_on_spark, engine_of
    from custseg.schemes import load_default_system

    infos = both_engines["spark_infos"]
    state = open_workspace(both_engines["state"], clock=lambda: FIXED_NOW)
    stored = state.snapshots()
    assert [s.snapshot_id for s in stored] == [
        infos[PREVIOUS].snapshot_id,
        infos[AS_OF].snapshot_id,
    ]
    for info in stored:
        assert engine_of(info) == {"name": "spark", "storage": spark_engine.storage.root}
        assert info.extra["rejects"] == dict.fromkeys(spark_engine.inputs, 0)
        assert f"snapshot_features_{info.snapshot_id}" not in state._con.list_tables()
        assert spark_engine.storage.features(info.snapshot_id).count().execute() == 2500
    assert state._con.table("assignments").count().execute() == 0  # nothing copied to the state
    entries = state._con.table("audit_log").to_pandas()
    assert sorted(entries.action) == ["run", "run"]

    # The same inputs again: the stored snapshot, nothing written but a run_reused entry.
    again = classify_on_spark(
        state._con, spark_engine, system=load_default_system(), as_of=AS_OF, created_at=FIXED_NOW
    )
    assert again.snapshot_id == infos[AS_OF].snapshot_id
    assert len(state.snapshots()) == 2
    assert sorted(state._con.table("audit_log").to_pandas().action) == ["run", "run", "run_reused"]
    state.close()
