"""BG/NBD-family expectations when the fitted dropout Beta has very large a and b.

The fit of 10,000,000 generated customers (benchmarks/bench_scale.py, 2026-12-02) gave
a = 528,115 and b = 15,769,826: every customer drops out with nearly the same probability.
SciPy's 2F1 returns nan there (from a ~ 500 for some customers), which left the expected
purchases and the CLV of every customer null. The expectation is then integrated over the
dropout probability numerically; these tests hold that to the closed form where SciPy is finite
and to the point-mass limit where the Beta is very narrow.
"""

from __future__ import annotations

import numpy as np
import pytest

from custseg.models import BetaGeo, ModifiedBetaGeo
from custseg.models.bgnbd import alive_expected_purchases, beta_averaged_expected

FIT_10M = {"r": 0.5792156167183111, "alpha": 4.136673675050154, "a": 528115.3544358348,
           "b": 15769826.37925179}
CUSTOMERS = [(0, 10.0), (1, 50.0), (5, 100.0), (40, 150.0), (200, 300.0)]
HORIZONS = (1.0, 12.857, 52.0)


def _closed_and_averaged(a: float, b: float) -> tuple[np.ndarray, np.ndarray]:
    r, alpha = FIT_10M["r"], FIT_10M["alpha"]
    rows = [(t, r + x, alpha + T, b + x + 1) for x, T in CUSTOMERS for t in HORIZONS]
    t, r_post, alpha_post, b_post = (np.array(c) for c in zip(*rows, strict=True))
    closed = alive_expected_purchases(t, r_post, alpha_post, a, b_post)
    return closed, beta_averaged_expected(t, r_post, alpha_post, a, b_post)


@pytest.mark.parametrize("a", [4.5, 45.0, 450.0, 1350.0])
def test_the_average_over_p_equals_the_closed_form_where_scipy_is_finite(a: float) -> None:
    closed, averaged = _closed_and_averaged(a, a * 1361 / 45)
    finite = np.isfinite(closed)
    assert finite.sum() >= len(closed) - 1
    np.testing.assert_allclose(averaged[finite], closed[finite], rtol=1e-9)


def test_scipy_fails_for_large_a_and_the_result_stays_finite_and_smooth() -> None:
    from scipy import special

    assert not np.isfinite(special.hyp2f1(5.58 + 16e6, 528114.35, 16.3e6, 0.33))  # why
    values = []
    for a in np.geomspace(200, 2e6, 40):
        closed, _ = _closed_and_averaged(a, a * 1361 / 45)
        assert np.all(np.isfinite(closed))
        values.append(closed)
    # along a ray of fixed mean dropout the expectations decrease smoothly to their limit:
    # no jump where the closed form hands over to the integral
    steps = np.diff(np.array(values), axis=0)
    assert np.all(steps <= 1e-12)


def test_the_10m_fit_scores_every_customer_near_the_point_mass_limit() -> None:
    model = ModifiedBetaGeo.from_params(FIT_10M)
    x = np.array([c[0] for c in CUSTOMERS], dtype=float)
    T = np.array([c[1] for c in CUSTOMERS])
    expected = model.expected_given_alive(52.0, x, T)
    times = np.arange(1.0, 53.0)
    discounted = model.discounted_given_alive(times, 1.0018 ** -times, x, T)
    assert np.all(np.isfinite(expected)) and np.all(np.isfinite(discounted))
    assert np.all(discounted < expected) and np.all(discounted > 0.9 * expected)
    r, alpha, a, b = (FIT_10M[k] for k in ("r", "alpha", "a", "b"))
    p = a / (a + b + x + 1)  # the Beta(a, b + x + 1) is a point here
    limit = -np.expm1(-(r + x) * np.log1p(p * 52.0 / (alpha + T))) / p
    np.testing.assert_allclose(expected, limit, rtol=1e-5)


def test_bg_nbd_unconditional_expectation_is_finite_for_large_a_and_b() -> None:
    model = BetaGeo.from_params(FIT_10M)
    grown = model.expected_purchases_new_customer(np.array([10.0, 52.0]))
    assert np.all(np.isfinite(grown)) and grown[1] > grown[0] > 0
