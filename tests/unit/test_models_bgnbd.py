"""BG/NBD and MBG/NBD: likelihood values, closed forms against simulation, checks, fitting."""

from __future__ import annotations

import numpy as np
import pytest

from custseg.errors import ConvergenceWarning, ModelError, NotFittedError
from custseg.models import BetaGeo, ModifiedBetaGeo
from custseg.models.simulate import simulate_beta_geo

PARAMS = {"r": 0.25, "alpha": 4.0, "a": 0.8, "b": 2.5}


def test_unfitted_model_says_to_call_fit() -> None:
    with pytest.raises(NotFittedError, match=r"call \.fit\(\.\.\.\) first"):
        BetaGeo().probability_alive([1], [1], [2])


@pytest.mark.parametrize(("x", "t_x", "expected"), [(0, 0, -0.59947382), (200, 38, 100.7957)])
def test_bgnbd_individual_log_likelihood_is_stable_for_large_x(
    x: int, t_x: float, expected: float
) -> None:
    # Hardie's note "Overcoming the BG/NBD model's #NUM! error problem": log of eq. (6).
    ll = BetaGeo.from_params(PARAMS).log_likelihood([x], [t_x], [40.0])
    np.testing.assert_allclose(ll, [expected], rtol=1e-6)


def test_bgnbd_log_likelihood_gradient_matches_finite_differences() -> None:
    model = BetaGeo()
    theta = np.array([0.3, 5.0, 0.9, 2.0])
    x, t_x, age = np.array([0.0, 1, 4, 30]), np.array([0.0, 3, 20, 35]), np.array([39.0] * 4)
    for m in (model, ModifiedBetaGeo()):
        grad = np.column_stack(m._log_likelihood_grad(theta, x, t_x, age))
        for k in range(4):
            step = np.zeros(4)
            step[k] = 1e-6
            num = (m._log_likelihood(theta + step, x, t_x, age)
                   - m._log_likelihood(theta - step, x, t_x, age)) / 2e-6  # fmt: skip
            np.testing.assert_allclose(grad[:, k], num, rtol=1e-5, atol=1e-7)


def test_one_time_buyers_alive_under_bgnbd_but_not_under_mbgnbd() -> None:
    bg = BetaGeo.from_params(PARAMS)
    mbg = ModifiedBetaGeo.from_params(PARAMS)
    assert bg.probability_alive([0, 0], [0, 0], [5, 50]).tolist() == [1.0, 1.0]
    p = mbg.probability_alive([0, 0], [0, 0], [5, 50])
    assert 0 < p[1] < p[0] < 1


@pytest.mark.parametrize("model_cls", [BetaGeo, ModifiedBetaGeo])
def test_expected_purchases_new_customer_matches_simulation(model_cls: type[BetaGeo]) -> None:
    n, t = 200_000, 30.0
    x, _, _ = simulate_beta_geo(
        n, **PARAMS, T=t, modified=model_cls is ModifiedBetaGeo, seed=3
    )
    expected = model_cls.from_params(PARAMS).expected_purchases_new_customer(t)
    assert abs(x.mean() - expected) < 4 * x.std() / np.sqrt(n)


@pytest.mark.parametrize("model_cls", [BetaGeo, ModifiedBetaGeo])
def test_conditional_predictions_match_simulation(model_cls: type[BetaGeo]) -> None:
    # Simulate to T + t, then keep customers whose history at T is (x, t_x) in a small cell.
    n, T, t = 400_000, 20.0, 15.0
    modified = model_cls is ModifiedBetaGeo
    x_all, t_all, _ = simulate_beta_geo(n, **PARAMS, T=T + t, modified=modified, seed=5)
    x_cal, tx_cal, _ = simulate_beta_geo(n, **PARAMS, T=T, modified=modified, seed=5)
    # same seed -> same customers: purchases by T are a prefix of those by T + t only in law,
    # so check the aggregate identity instead: E[X(T+t)] = E[X(T)] + E[E[Y(t) | history at T]].
    model = model_cls.from_params(PARAMS)
    cond = model.expected_purchases(t, x_cal, tx_cal, np.full(n, T)).mean()
    gap = model.expected_purchases_new_customer(T + t) - model.expected_purchases_new_customer(T)
    assert cond == pytest.approx(float(gap), rel=0.02)
    none = model.probability_no_purchase(t, x_cal, tx_cal, np.full(n, T))
    assert np.all((none >= 0) & (none <= 1))
    del x_all, t_all


@pytest.mark.parametrize("model_cls", [BetaGeo, ModifiedBetaGeo])
def test_fit_recovers_simulated_parameters(model_cls: type[BetaGeo]) -> None:
    rng = np.random.default_rng(0)
    T = rng.uniform(20, 52, 30_000)
    truth = {"r": 0.5, "alpha": 6.0, "a": 0.7, "b": 2.0}
    data = simulate_beta_geo(30_000, **truth, T=T, modified=model_cls is ModifiedBetaGeo, seed=1)
    model = model_cls().fit(*data)
    assert model.converged_
    for name, value in truth.items():
        assert abs(model.params_[name] - value) < 4 * model.standard_errors_[name], name


def test_weights_equal_repeated_rows() -> None:
    # Whole weeks make many customers share a (frequency, recency, T) row, as in real summaries.
    T_weeks = np.random.default_rng(2).integers(30, 40, 3_000).astype(float)
    x, t_x, T = simulate_beta_geo(3_000, r=0.5, alpha=6.0, a=0.7, b=2.0, T=T_weeks, seed=3)
    rows, counts = np.unique(np.column_stack([x, np.floor(t_x), T]), axis=0, return_counts=True)
    x, t_x, T = rows[:, 0], rows[:, 1], rows[:, 2]
    assert len(x) < 1_500  # the weights really compress the data (3,000 customers)
    weighted = BetaGeo().fit(x, t_x, T, weights=counts)
    repeated = BetaGeo().fit(np.repeat(x, counts), np.repeat(t_x, counts), np.repeat(T, counts))
    for name in weighted.params_:
        assert weighted.params_[name] == pytest.approx(repeated.params_[name], rel=1e-5)
    assert weighted.log_likelihood_ == pytest.approx(repeated.log_likelihood_)
    assert weighted.n_customers_ == len(x) and repeated.n_customers_ == 3_000
    assert weighted.converged_ and repeated.converged_


@pytest.mark.parametrize(
    ("x", "t_x", "T", "match"),
    [
        ([-1], [0], [5], "frequency is negative"),
        ([1.5], [2], [5], "not a whole number"),
        ([2], [6], [5], "recency is greater than T"),
        ([0], [1], [5], "frequency is 0 but recency is positive"),
        ([1, np.nan], [1, 1], [5, 5], r"frequency is NaN.*position 1"),
        ([1], [1], [-5], "T is negative"),
        ([1, 2], [1], [5, 5], "same length"),
    ],
)
def test_bad_data_raises_model_error_with_message(x: list, t_x: list, T: list, match: str) -> None:
    with pytest.raises(ModelError, match=match):
        BetaGeo().fit(x, t_x, T)


def test_data_without_dropout_information_warns_and_flags_not_converged() -> None:
    # Everyone bought in the last instant: nothing identifies a dropout process.
    x = np.array([3.0, 5.0, 2.0, 4.0] * 20)
    with pytest.warns(ConvergenceWarning, match="did not converge"):
        model = BetaGeo().fit(x, np.full(x.size, 10.0), np.full(x.size, 10.0))
    assert model.converged_ is False
    assert all(np.isfinite(v) for v in model.params_.values())


def test_predictions_are_vectorised_and_bounded() -> None:
    model = BetaGeo.from_params(PARAMS)
    x, t_x, T = np.array([0, 1, 10, 200]), np.array([0, 5, 30, 38]), np.array([40] * 4)
    p = model.probability_alive(x, t_x, T)
    e1, e2 = model.expected_purchases(10, x, t_x, T), model.expected_purchases(20, x, t_x, T)
    none = model.probability_no_purchase(10, x, t_x, T)
    assert p.shape == e1.shape == none.shape == (4,)
    assert np.all((0 <= p) & (p <= 1)) and np.all(e2 >= e1) and np.all(np.isfinite(e2))
    assert np.all((0 <= none) & (none <= 1))
    per_customer_t = model.expected_purchases(np.array([10, 10, 20, 20]), x, t_x, T)
    np.testing.assert_allclose(per_customer_t, [e1[0], e1[1], e2[2], e2[3]])
    with pytest.raises(ModelError, match="t must be"):
        model.expected_purchases(-1, x, t_x, T)


def test_from_params_rejects_unknown_or_bad_parameters() -> None:
    with pytest.raises(ModelError, match="missing"):
        BetaGeo.from_params({"r": 1.0})
    with pytest.raises(ModelError, match="positive"):
        BetaGeo.from_params({**PARAMS, "a": -1.0})


@pytest.mark.parametrize("model_cls", [BetaGeo, ModifiedBetaGeo])
def test_fit_computes_the_pieces_of_each_point_once_with_the_same_result(
    model_cls: type[BetaGeo], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The likelihood and its gradient at one point share their pieces while fitting."""
    x, t_x, age = simulate_beta_geo(3000, **PARAMS, T=52.0, seed=11)
    calls = {"n": 0}
    compute = model_cls._compute_parts

    def counted(self: BetaGeo, *args: np.ndarray) -> dict[str, np.ndarray]:
        calls["n"] += 1
        return compute(self, *args)

    monkeypatch.setattr(model_cls, "_compute_parts", counted)
    shared = model_cls().fit(x, t_x, age)
    with_cache = calls["n"]
    calls["n"] = 0
    monkeypatch.setattr(model_cls, "_parts", lambda self, theta, *data: counted(self, theta, *data))
    alone = model_cls().fit(x, t_x, age)
    assert shared.params_ == alone.params_
    assert shared.log_likelihood_ == alone.log_likelihood_
    assert shared.standard_errors_ == alone.standard_errors_
    assert with_cache < calls["n"]
    assert "_parts_cache" not in shared.__dict__  # nothing kept once fitted
