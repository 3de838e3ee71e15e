"""The models' scores as engine expressions equal the NumPy methods (DuckDB, in memory)."""

from __future__ import annotations

import ibis
import numpy as np
import pandas as pd
import pytest

from custseg.errors import ModelError
from custseg.models import BetaGeo, GammaGamma, ModifiedBetaGeo, ParetoNBD
from custseg.models.expressions import expected_spend_expr, probability_alive_expr

PARAMS = {"r": 0.24, "alpha": 4.41, "a": 0.79, "b": 2.43}


@pytest.fixture(scope="module")
def rows() -> pd.DataFrame:
    rng = np.random.default_rng(3)
    n = 2_000
    T = rng.uniform(0, 80, n)
    x = rng.poisson(2, n).astype(float)
    x[:5] = [0, 0, 150, 400, 1]  # one-time buyers and heavy buyers (large r + x)
    t_x = np.where(x > 0, rng.uniform(0, 1, n) * T, 0.0)
    t_x[3] = 0.0  # 400 purchases long ago: P(alive) ~ 0 (the exp must not overflow)
    m = np.where(x > 0, rng.gamma(3, 20, n), 0.0)
    return pd.DataFrame({"x": x, "t_x": t_x, "T": T, "m": m})


def _evaluate(frame: pd.DataFrame, build) -> np.ndarray:  # type: ignore[no-untyped-def]
    con = ibis.duckdb.connect()
    t = con.create_table("rows", frame)
    return t.select(v=build(t)).to_pandas()["v"].to_numpy(dtype=float)


@pytest.mark.parametrize("model_class", [BetaGeo, ModifiedBetaGeo])
def test_probability_alive_expression_equals_numpy(rows: pd.DataFrame, model_class) -> None:  # type: ignore[no-untyped-def]
    model = model_class.from_params(PARAMS)
    expected = model.probability_alive(rows.x, rows.t_x, rows["T"])
    got = _evaluate(rows, lambda t: probability_alive_expr(model, t.x, t.t_x, t["T"]))
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-300)
    assert got[3] < 1e-100 and np.isfinite(got).all()
    if model_class is BetaGeo:
        assert (got[rows.x.to_numpy() == 0] == 1.0).all()


def test_scores_are_p_alive_times_the_parts_of_x_and_T(rows: pd.DataFrame) -> None:
    model = ModifiedBetaGeo.from_params(PARAMS)
    x, t_x, T = rows.x, rows.t_x, rows["T"]
    p = model.probability_alive(x, t_x, T)
    np.testing.assert_array_equal(
        model.expected_purchases(13.0, x, t_x, T), p * model.expected_given_alive(13.0, x, T)
    )
    none = 1.0 - p + p * model.no_purchase_given_alive(13.0, x, T)
    np.testing.assert_array_equal(model.probability_no_purchase(13.0, x, t_x, T), none)
    times, discounts = np.arange(1.0, 53.0), 0.998 ** np.arange(1.0, 53.0)
    np.testing.assert_array_equal(
        model.discounted_expected_purchases(times, discounts, x, t_x, T),
        p * model.discounted_given_alive(times, discounts, x, T),
    )


def test_pareto_nbd_has_no_closed_form_expression(rows: pd.DataFrame) -> None:
    model = ParetoNBD.from_params({"r": 0.55, "alpha": 10.6, "s": 0.61, "beta": 11.7})
    t = ibis.table({"x": "float64", "t_x": "float64", "T": "float64"}, name="rows")
    with pytest.raises(ModelError, match="per distinct"):
        probability_alive_expr(model, t.x, t.t_x, t["T"])


def test_expected_spend_expression_equals_numpy(rows: pd.DataFrame) -> None:
    model = GammaGamma.from_params({"p": 6.25, "q": 3.74, "v": 15.44})
    expected = model.expected_average_spend(rows.x, rows.m)
    got = _evaluate(rows, lambda t: expected_spend_expr(model, t.x, t.m))
    np.testing.assert_array_equal(got, expected)  # the same arithmetic, in the same order
    with pytest.raises(ModelError, match="q = 0.9"):
        expected_spend_expr(
            GammaGamma.from_params({"p": 6.25, "q": 0.9, "v": 15.44}),
            ibis.literal(1),
            ibis.literal(2.0),
        )
