"""Gamma-Gamma spend model and the CLV built on it."""

from __future__ import annotations

import numpy as np
import pytest

from custseg.errors import ModelError, NotFittedError
from custseg.models import BetaGeo, GammaGamma, customer_lifetime_value
from custseg.models.simulate import simulate_mean_spend

TRUTH = {"p": 6.0, "q": 4.0, "v": 15.0}


def test_fit_recovers_simulated_parameters_and_ignores_non_repeaters() -> None:
    x = np.random.default_rng(0).integers(0, 8, 20_000).astype(float)
    m = simulate_mean_spend(x, **TRUTH, seed=1)
    m[x == 0] = np.nan  # anything goes for customers without repeat purchases
    model = GammaGamma().fit(x, m)
    assert model.converged_ and model.n_customers_ == int((x > 0).sum())
    for name, value in TRUTH.items():
        assert abs(model.params_[name] - value) < 4 * model.standard_errors_[name], name


def test_gradient_matches_finite_differences() -> None:
    model = GammaGamma()
    theta = np.array([5.0, 3.0, 12.0])
    x, m = np.array([1.0, 2, 7]), np.array([10.0, 35.5, 22.0])
    grad = np.column_stack(model._log_likelihood_grad(theta, x, m))
    for k in range(3):
        step = np.zeros(3)
        step[k] = 1e-6
        num = (model._log_likelihood(theta + step, x, m)
               - model._log_likelihood(theta - step, x, m)) / 2e-6  # fmt: skip
        np.testing.assert_allclose(grad[:, k], num, rtol=1e-5)


def test_expected_average_spend_shrinks_towards_population_mean() -> None:
    model = GammaGamma.from_params(TRUTH)
    population = TRUTH["p"] * TRUTH["v"] / (TRUTH["q"] - 1)
    spend = model.expected_average_spend([0, 1, 100], [0, 100.0, 100.0])
    assert spend[0] == pytest.approx(population)
    assert population < spend[1] < spend[2] < 100.0


@pytest.mark.parametrize(
    ("x", "m", "match"),
    [
        ([0, 0], [0, 0], "needs repeat buyers"),
        ([1, 2], [10.0, 0.0], "must be positive"),
        ([1, 2], [10.0, -3.0], "must be positive"),
        ([1, 2], [10.0, np.nan], "must be positive"),
        ([1.5], [10.0], "whole number"),
    ],
)
def test_bad_spend_data_raises_model_error(x: list, m: list, match: str) -> None:
    with pytest.raises(ModelError, match=match):
        GammaGamma().fit(x, m)


def test_unfitted_spend_model_says_to_call_fit() -> None:
    with pytest.raises(NotFittedError, match="call .fit"):
        GammaGamma().expected_average_spend([1], [10.0])


def test_clv_without_discount_is_margin_times_spend_times_expected_purchases() -> None:
    bg = BetaGeo.from_params({"r": 0.25, "alpha": 4.0, "a": 0.8, "b": 2.5})
    gg = GammaGamma.from_params(TRUTH)
    x, t_x, T, m = np.array([0, 2, 9]), np.array([0, 10, 35]), np.array([39] * 3), [0, 20, 40]
    clv = customer_lifetime_value(
        bg, gg, x, t_x, T, m, horizon_periods=52, discount_rate_per_period=0.0, margin=0.3
    )
    expected = 0.3 * gg.expected_average_spend(x, m) * bg.expected_purchases(52, x, t_x, T)
    np.testing.assert_allclose(clv, expected, rtol=1e-10)
    discounted = customer_lifetime_value(
        bg, gg, x, t_x, T, m, horizon_periods=52, discount_rate_per_period=0.01, margin=0.3
    )
    assert np.all(discounted < clv) and np.all(discounted > 0)
    coarse = customer_lifetime_value(
        bg, gg, x, t_x, T, m, horizon_periods=52, discount_rate_per_period=0.01, margin=0.3,
        step=52,
    )  # fmt: skip
    # one step discounts everything at the horizon: the lowest value
    np.testing.assert_allclose(coarse, clv / 1.01**52, rtol=1e-10)


def test_clv_rejects_bad_arguments() -> None:
    bg = BetaGeo.from_params({"r": 0.25, "alpha": 4.0, "a": 0.8, "b": 2.5})
    gg = GammaGamma.from_params(TRUTH)
    with pytest.raises(ModelError, match="horizon_periods"):
        customer_lifetime_value(
            bg, gg, [1], [1], [2], [10], horizon_periods=0, discount_rate_per_period=0, margin=1
        )
