"""Models and clusters scored in the engine: the sampled fits of large bases, on small data.

The sample sizes (200,000 in production) are lowered so the bundled sample takes the paths a
large base takes: the Gamma-Gamma fit on a seeded sample by rank, the clusters fitted on a
seeded sample of buyers and every customer assigned to the nearest centre as an expression.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import ibis
import numpy as np
import pandas as pd
import pytest
from sample_dates import FIXED_NOW
from sklearn.cluster import KMeans
from sklearn.mixture import GaussianMixture

from custseg import open_workspace
from custseg.features import model_features
from custseg.learning.cluster_expr import model_group
from custseg.schemes import load_default_system
from custseg.schemes.kinds import cluster

AS_OF = date(2026, 6, 30)


@pytest.fixture(scope="module")
def workspace(sample_duckdb_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    path = tmp_path_factory.mktemp("engine_scoring") / "sample.duckdb"
    shutil.copyfile(sample_duckdb_file, path)
    ws = open_workspace(path, clock=lambda: FIXED_NOW)
    yield ws
    ws.close()


@pytest.fixture(scope="module")
def features(workspace: Any) -> ibis.Table:
    from custseg.snapshots.store import SnapshotStore

    info = next(s for s in workspace.snapshots() if s.as_of == AS_OF)
    return SnapshotStore(workspace._con).features(info.snapshot_id)


def test_spend_model_on_a_seeded_sample_by_rank(
    workspace: Any, features: ibis.Table, monkeypatch: pytest.MonkeyPatch
) -> None:
    from custseg.models import GammaGamma

    monkeypatch.setattr(model_features, "SPEND_SAMPLE_SIZE", 300)
    con = workspace._con
    _, record = model_features.add_model_features(con, features, AS_OF)
    stats = model_features.purchase_statistics(con, AS_OF).to_pandas()
    usable = stats[(stats.x > 0) & stats.finite & (stats.m > 0)].sort_values("customer_id")
    assert record["spend_sample"] == {
        "customers": 300,
        "of": len(usable),
        "seed": model_features.SPEND_SAMPLE_SEED,
    }
    assert record["spend"]["n_customers"] == 300
    # the same 300 customers, drawn in Python from the ranks, give the same fit
    rng = np.random.default_rng(model_features.SPEND_SAMPLE_SEED)
    picked = usable.iloc[np.sort(rng.choice(len(usable), 300, replace=False))]
    expected = GammaGamma().fit(picked.x.to_numpy(float), picked.m.to_numpy(float))
    assert record["spend"]["params"] == pytest.approx(expected.params_, rel=1e-12)


def test_clusters_fitted_on_a_sample_assign_everyone_in_the_engine(
    features: ibis.Table, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cluster, "CLUSTER_SAMPLE_SIZE", 600)
    scheme = next(s for s in load_default_system().schemes if s.kind == "cluster")
    result = cluster.assign(features, scheme)
    rows = result.table.to_pandas()
    frame = features.select("customer_id", "is_prospect").to_pandas()
    assert len(rows) == len(frame) and set(rows.customer_id) == set(frame.customer_id)
    buyers = set(frame.customer_id[~frame.is_prospect.astype(bool)])
    assert result.thresholds["sample"] == {"customers": 600, "of": len(buyers), "seed": scheme.seed}
    assert any(m.key == "clusters_note_sampled" for m in result.diagnostics)
    groups = rows[rows.customer_id.isin(buyers)]
    assert set(groups.class_key) == set(result.thresholds["classes"]) - {"prospect"}
    assert groups.score.notna().all() and (groups.score >= 0).all()
    sizes = groups.class_key.value_counts()
    assert sizes.min() > 0.05 * len(buyers)  # groups of everyone, not only of the 600
    others = rows[~rows.customer_id.isin(buyers)]
    assert (others.class_key == "prospect").all() and others.score.isna().all()


@pytest.mark.parametrize("kind", ["kmeans", "gmm"])
def test_assignment_expression_equals_predict(kind: str) -> None:
    rng = np.random.default_rng(5)
    centres = rng.normal(0, 3, (4, 3))
    x = np.vstack([c + rng.normal(0, 1, (300, 3)) for c in centres])
    if kind == "kmeans":
        model = KMeans(n_clusters=4, n_init=2, random_state=0).fit(x)
    else:
        model = GaussianMixture(n_components=4, random_state=0).fit(x)
    frame = pd.DataFrame(x, columns=["a", "b", "c"])
    con = ibis.duckdb.connect()
    t = con.create_table("points", frame)
    got = t.select(g=model_group(model, [t.a, t.b, t.c])).to_pandas()["g"].to_numpy()
    np.testing.assert_array_equal(got, model.predict(x))


def test_transaction_model_on_a_seeded_sample_scores_every_purchaser(
    workspace: Any, features: ibis.Table, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(model_features, "TRANSACTION_SAMPLE_SIZE", 800)
    con = workspace._con
    scored, record = model_features.add_model_features(con, features, AS_OF)
    purchasers = record["purchasers"]
    assert purchasers > 800
    assert record["transaction_sample"] == {
        "customers": 800, "of": purchasers, "seed": model_features.TRANSACTION_SAMPLE_SEED}
    assert record["transaction"]["n_customers"] == 800
    frame = scored.select("customer_id", "p_alive", "clv_12m").to_pandas()
    assert frame.p_alive.notna().sum() == purchasers  # everyone scored, not only the 800
    again, record_again = model_features.add_model_features(con, features, AS_OF)
    assert record_again["transaction"]["params"] == record["transaction"]["params"]  # seeded
    pd.testing.assert_frame_equal(
        frame.sort_values("customer_id").reset_index(drop=True),
        again.select("customer_id", "p_alive", "clv_12m").to_pandas()
        .sort_values("customer_id").reset_index(drop=True),
    )


def test_transaction_sample_below_the_size_is_every_row() -> None:
    rows = pd.DataFrame({"x": [0, 1], "t_x_days": [0, 7], "T_days": [30, 60], "n": [3, 4],
                         "non_finite": [0, 0]})
    kept, sample = model_features.transaction_sample_rows(rows, size=7)
    assert sample is None and kept is rows


def _collapsed(n: int, seed: int) -> pd.DataFrame:
    """``n`` simulated MBG/NBD purchasers as distinct (x, t_x_days, T_days) rows with counts."""
    from custseg.models.simulate import simulate_beta_geo

    rng = np.random.default_rng(seed)
    weeks = rng.integers(4, 105, n).astype(float)  # ages of 4 to 104 weeks
    x, t_x, age = simulate_beta_geo(n, r=0.3, alpha=6.0, a=0.6, b=2.4, T=weeks, modified=True,
                                    seed=seed)
    frame = pd.DataFrame({"x": x.astype(np.int64), "t_x_days": (np.round(t_x) * 7).astype(np.int64),
                          "T_days": (age * 7).astype(np.int64)})
    return frame.groupby(["x", "t_x_days", "T_days"], sort=True).size().rename("n").reset_index()


def test_the_sampled_fit_lies_within_its_standard_errors_of_the_full_fit() -> None:
    """500,000 simulated purchasers; the fit on a seeded sample of 100,000 against all of them.

    Every parameter of the sampled fit lies within two of its standard errors of the full fit's
    (the sample's own uncertainty, so about sqrt(5) times the full fit's), and the standard
    errors grow as the square root of the fewer customers.
    """
    from custseg.models import ModifiedBetaGeo

    rows = _collapsed(500_000, seed=11)

    def fit(table: pd.DataFrame) -> ModifiedBetaGeo:
        return ModifiedBetaGeo().fit(table.x.to_numpy(float), table.t_x_days.to_numpy() / 7,
                                     table.T_days.to_numpy() / 7, weights=table.n.to_numpy(float))

    full = fit(rows)
    kept, sample = model_features.transaction_sample_rows(rows, size=100_000)
    assert sample == {"customers": 100_000, "of": 500_000,
                      "seed": model_features.TRANSACTION_SAMPLE_SEED}
    assert int(kept.n.sum()) == 100_000 and (kept.n <= rows.set_index(
        ["x", "t_x_days", "T_days"]).loc[list(zip(kept.x, kept.t_x_days, kept.T_days,
                                                   strict=True)), "n"].to_numpy()).all()
    sampled = fit(kept)
    for name, value in full.params_.items():
        error = sampled.standard_errors_[name]
        assert abs(sampled.params_[name] - value) <= 2 * error, (name, value, sampled.params_)
        assert 1.8 < error / full.standard_errors_[name] < 2.8  # ~ sqrt(500,000 / 100,000)
    again, _ = model_features.transaction_sample_rows(rows, size=100_000)
    pd.testing.assert_frame_equal(kept, again)  # seeded: the same draw
