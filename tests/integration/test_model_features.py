"""Model features in a run: P(alive), expected purchases, CLV; fitted params in the snapshot."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest

from custseg import open_workspace
from custseg.features.model_features import MODEL_COLUMNS
from custseg.sample import sample_data_dir

AS_OF = date(2026, 3, 31)
FIXED_NOW = datetime(2026, 7, 1, 9, 0, 0)


def _workspace(path: Path) -> object:
    ws = open_workspace(path, clock=lambda: FIXED_NOW)
    for table in ("customers", "orders"):
        ws.ingest(table, sample_data_dir() / f"{table}.csv")
    return ws


@pytest.fixture(scope="module")
def sample_snapshot(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    ws = _workspace(tmp_path_factory.mktemp("models") / "ws.duckdb")
    return ws.run(as_of=AS_OF)  # type: ignore[attr-defined]


def test_model_features_are_sensible(sample_snapshot) -> None:  # type: ignore[no-untyped-def]
    features = sample_snapshot.features()
    buyers = features[~features.is_prospect.astype(bool)]
    prospects = features[features.is_prospect.astype(bool)]
    assert len(prospects) > 0 and len(buyers) > 50
    assert prospects[list(MODEL_COLUMNS)].isna().all().all()
    assert buyers[list(MODEL_COLUMNS)].notna().all().all()
    assert buyers.p_alive.between(0, 1).all()
    assert buyers.p_no_purchase_90d.between(0, 1).all()
    assert (buyers.clv_12m >= 0).all() and (buyers.expected_spend > 0).all()
    assert (buyers.expected_purchases_365d >= buyers.expected_purchases_90d).all()


def test_fitted_parameters_are_stored_with_the_snapshot(sample_snapshot) -> None:  # type: ignore[no-untyped-def]
    models = sample_snapshot.info.extra["models"]
    assert models["status"] == "fitted"
    assert models["transaction"]["model"] == "ModifiedBetaGeo"
    assert set(models["transaction"]["params"]) == {"r", "alpha", "a", "b"}
    assert set(models["spend"]["params"]) == {"p", "q", "v"}
    assert models["settings"]["horizon_weeks"] == 52


def test_model_features_are_deterministic(sample_snapshot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    again = _workspace(tmp_path / "again.duckdb").run(as_of=AS_OF)  # type: ignore[attr-defined]
    assert again.info.extra["models"] == sample_snapshot.info.extra["models"]
    cols = ["customer_id", *MODEL_COLUMNS]
    pd.testing.assert_frame_equal(again.features()[cols], sample_snapshot.features()[cols])


def test_a_tiny_workspace_gets_null_model_features_and_a_reason(tmp_path: Path) -> None:
    orders = pd.read_csv(sample_data_dir() / "orders.csv", encoding="utf-8-sig")
    customer_col = orders.columns[2]
    keep = sorted(orders[customer_col].unique())[:10]
    small = tmp_path / "orders.csv"
    orders[orders[customer_col].isin(keep)].to_csv(small, index=False, encoding="utf-8-sig")
    ws = open_workspace(tmp_path / "tiny.duckdb", clock=lambda: FIXED_NOW)
    ws.ingest("orders", small)
    snap = ws.run(as_of=AS_OF)
    models = snap.info.extra["models"]
    assert models["status"] == "skipped" and "at least 50" in models["reason"]
    features = snap.features()
    assert 0 < len(features) <= 10  # some of them may only buy after AS_OF
    assert features[list(MODEL_COLUMNS)].isna().all().all()
    lifecycle = snap.assignments().query("scheme == 'lifecycle'")
    assert lifecycle.class_key.notna().all() and len(lifecycle) == len(features)
    assert snap.info.skipped_schemes.keys().isdisjoint({"lifecycle", "growth_potential"})
    # value ranks clv_12m: without the models it is skipped with the reason, not all "low"
    assert "clv_12m" in snap.info.skipped_schemes["value"]


def test_model_parameters_in_the_system_change_clv(tmp_path: Path) -> None:
    from custseg.schemes import load_default_system

    ws = _workspace(tmp_path / "params.duckdb")
    base = load_default_system()

    def run_with(models: dict[str, float]) -> pd.DataFrame:
        system = base.model_copy(update={"parameters": {**base.parameters, "models": models}})
        snap = ws.run(as_of=AS_OF, system=system)  # type: ignore[attr-defined]
        assert snap.info.extra["models"]["settings"]["margin"] == models["margin"]
        return snap.features().set_index("customer_id").clv_12m.dropna()

    half, quarter = run_with({"margin": 0.5}), run_with({"margin": 0.25})
    positive = quarter[quarter > 1.0].index
    assert len(positive) > 100
    # clv_12m = margin x expected spend x discounted expected purchases: a fixed margin scales it.
    ratio = half[positive] / quarter[positive]
    assert ratio.to_numpy() == pytest.approx(2.0, rel=1e-4)
    undiscounted = run_with({"margin": 0.5, "annual_discount_rate": 0.0})
    assert (undiscounted[positive] > half[positive]).all()
