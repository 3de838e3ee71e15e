"""Simulate customers from the buy-till-you-die models (vectorised, seeded).

Used by the tests (parameter recovery, Monte Carlo checks of the closed forms) and the
benchmark. Exact, without per-customer loops: the number of purchases while the customer is
observed is Poisson, and given ``n`` Poisson events in ``[0, L]`` the ``k``-th one is at
``L * Beta(k, n - k + 1)`` (order statistics of uniforms).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from custseg.models._special import FloatArray


def _last_purchase(
    rng: np.random.Generator, lam: FloatArray, window: FloatArray, max_repeats: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Return ``(x, t_x)``: purchases in ``[0, window]`` capped at ``max_repeats`` and the last time."""
    n = rng.poisson(lam * window).astype(float)
    x = np.minimum(n, max_repeats)
    t_x = np.zeros_like(window)
    buy = x > 0
    t_x[buy] = window[buy] * rng.beta(x[buy], n[buy] - x[buy] + 1.0)
    return x, t_x


def simulate_beta_geo(
    n: int,
    *,
    r: float,
    alpha: float,
    a: float,
    b: float,
    T: ArrayLike,
    modified: bool = False,
    seed: int = 0,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Return ``(frequency, recency, T)`` of ``n`` customers from BG/NBD (or MBG/NBD if ``modified``).

    BG/NBD: the customer drops out after repeat purchase ``K ~ Geometric(p)`` (``K >= 1``);
    MBG/NBD also at time 0, so ``K - 1`` repeat purchases at most.
    """
    rng = np.random.default_rng(seed)
    age = np.broadcast_to(np.asarray(T, dtype=float), (n,)).copy()
    lam = rng.gamma(r, 1.0 / alpha, n)
    p = rng.beta(a, b, n)
    k = rng.geometric(p).astype(float) - (1.0 if modified else 0.0)
    x, t_x = _last_purchase(rng, lam, age, k)
    return x, t_x, age


def simulate_pareto_nbd(
    n: int, *, r: float, alpha: float, s: float, beta: float, T: ArrayLike, seed: int = 0
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Return ``(frequency, recency, T)`` of ``n`` customers from Pareto/NBD."""
    rng = np.random.default_rng(seed)
    age = np.broadcast_to(np.asarray(T, dtype=float), (n,)).copy()
    lam = rng.gamma(r, 1.0 / alpha, n)
    mu = rng.gamma(s, 1.0 / beta, n)
    life = rng.exponential(1.0 / mu)
    x, t_x = _last_purchase(rng, lam, np.minimum(life, age), np.full(n, np.inf))
    return x, t_x, age


def simulate_mean_spend(
    frequency: ArrayLike, *, p: float, q: float, v: float, seed: int = 0
) -> FloatArray:
    """Return the mean spend of each customer's ``frequency`` transactions (Gamma-Gamma); 0 if none."""
    rng = np.random.default_rng(seed)
    x = np.asarray(frequency, dtype=float)
    nu = rng.gamma(q, 1.0 / v, x.size)
    out = np.zeros(x.size)
    buy = x > 0
    out[buy] = rng.gamma(p * x[buy], 1.0 / nu[buy]) / x[buy]
    return out
