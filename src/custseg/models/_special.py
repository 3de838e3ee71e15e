"""Numerically stable special-function pieces shared by the buy-till-you-die models.

Everything here works on NumPy arrays and in log space where a quantity can over- or
underflow. The Gauss hypergeometric function ``2F1`` is the delicate part:

* ``scipy.special.hyp2f1`` is accurate for the arguments the models use after an Euler
  transformation (``2F1(a, b; c; z) = (1 - z)**(c - a - b) * 2F1(c - a, c - b; c; z)``), which
  turns the divergent-looking terms of the Pareto/NBD likelihood and of the BG/NBD
  conditional expectation into bounded series;
* it can still return ``inf``/``nan`` (or lose all precision) for extreme arguments, so
  :func:`log_hyp2f1` checks every value and recomputes the bad ones by direct summation of the
  series in log space.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import special

FloatArray = NDArray[np.float64]

_SERIES_TERMS = 20_000


def log_hyp2f1(a: ArrayLike, b: ArrayLike, c: ArrayLike, z: ArrayLike) -> FloatArray:
    """Return ``log 2F1(a, b; c; z)`` for ``a, b, c > 0`` and ``0 <= z < 1``.

    Values that ``scipy.special.hyp2f1`` cannot give as a finite positive number (it returns
    ``inf`` past 1e308 and ``nan`` for some large parameters) are summed directly: the terms
    ``(a)_k (b)_k / ((c)_k k!) z**k`` are positive under these conditions, so their log-sum is
    computed with ``logsumexp`` without overflow. The sum stops when the terms are negligible;
    after 20,000 terms the rest is estimated as a geometric tail with the last term ratio (an
    approximation, relative error of order ``(1 - z) / (c - b)``, reached only for ``z`` very close
    to 1 with large parameters, e.g. a Pareto/NBD fit drifting to ``s, beta -> inf``).
    """
    a_, b_, c_, z_ = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (a, b, c, z)))
    with np.errstate(all="ignore"):
        value = special.hyp2f1(a_, b_, c_, z_)
        out = np.log(value)
    bad = ~np.isfinite(out) | ~(value > 0)
    if np.any(bad):
        out = np.array(out, dtype=float, copy=True)
        out[bad] = _log_hyp2f1_series(a_[bad], b_[bad], c_[bad], z_[bad])
    return np.asarray(out, dtype=float)


def _log_hyp2f1_series(a: FloatArray, b: FloatArray, c: FloatArray, z: FloatArray) -> FloatArray:
    """Sum the hypergeometric series in log space (positive terms), vectorised in row chunks."""
    out = np.empty(a.size, dtype=float)
    for start in range(0, a.size, 256):
        part = slice(start, start + 256)
        out[part] = _log_series_chunk(a[part], b[part], c[part], z[part])
    return out


def _log_series_chunk(a: FloatArray, b: FloatArray, c: FloatArray, z: FloatArray) -> FloatArray:
    block = 2_000
    log_z = np.log(np.where(z > 0, z, 1.0))[:, None]
    a_, b_, c_ = a[:, None], b[:, None], c[:, None]
    total = np.zeros(a.size)  # log of the sum so far; term 0 is 1
    last = np.zeros(a.size)  # log of the last term added
    done = z <= 0
    start = 0
    while start < _SERIES_TERMS and not np.all(done):
        k = np.arange(start, start + block, dtype=float)[None, :]
        # log of t_{k+1} / t_k
        ratio = np.log(a_ + k) + np.log(b_ + k) - np.log(c_ + k) - np.log(k + 1.0) + log_z
        terms = last[:, None] + np.cumsum(ratio, axis=1)
        total = np.where(done, total, np.logaddexp(total, special.logsumexp(terms, axis=1)))
        last = terms[:, -1]
        # geometric bound on the tail once the term ratio is below 1
        r_last = np.minimum(ratio[:, -1], -1e-12)
        tail = last + r_last - np.log(-np.expm1(r_last))
        done |= (ratio[:, -1] < 0) & (tail < total - 37.0)
        start += block
    if not np.all(done):  # geometric tail estimate for series that converge too slowly
        total = np.where(done, total, np.logaddexp(total, tail))
    return total


def log1mexp(x: ArrayLike) -> FloatArray:
    """Return ``log(1 - exp(x))`` for ``x <= 0`` accurately (``-inf`` at ``x == 0``)."""
    x_ = np.asarray(x, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(x_ > -0.693, np.log(-np.expm1(x_)), np.log1p(-np.exp(x_)))


def log_beta_ratio(a: ArrayLike, b: ArrayLike, a2: ArrayLike, b2: ArrayLike) -> FloatArray:
    """Return ``log(B(a2, b2) / B(a, b))``."""
    return np.asarray(special.betaln(a2, b2) - special.betaln(a, b), dtype=float)


def expm1_ratio(k: ArrayLike, log_ratio: ArrayLike) -> FloatArray:
    """Return ``(1 - exp(-k * L)) / k`` with its limit ``L`` at ``k == 0``.

    Used for ``(1 - (B / (B + t))**(s - 1)) / (s - 1)`` with ``k = s - 1`` and
    ``L = log((B + t) / B)``, which is finite and smooth through ``s = 1``.
    """
    k_ = np.asarray(k, dtype=float)
    lr = np.asarray(log_ratio, dtype=float)
    small = np.abs(k_) < 1e-8
    safe_k = np.where(small, 1.0, k_)
    return np.where(small, lr * (1.0 - k_ * lr / 2.0), -np.expm1(-safe_k * lr) / safe_k)


def expected_share(
    shape1: ArrayLike, rate1: ArrayLike, shape2: ArrayLike, rate2: ArrayLike
) -> FloatArray:
    """Return ``E[lam / (lam + mu)]`` for independent ``lam ~ Gamma(shape1, rate1)``, ``mu ~ Gamma(shape2, rate2)``.

    With ``U = X / (X + Y) ~ Beta(shape1, shape2)`` and ``c = rate1 / rate2``,
    ``lam / (lam + mu) = U / (U + c (1 - U))``; Euler's integral gives

    * ``c >= 1``: ``(1 / c) * shape1 / (shape1 + shape2) * 2F1(1, shape1 + 1; shape1 + shape2 + 1; 1 - 1/c)``
    * ``c < 1`` (Pfaff transformation): ``shape1 / (shape1 + shape2) * 2F1(1, shape2; shape1 + shape2 + 1; 1 - c)``

    so the argument of ``2F1`` always lies in ``[0, 1)`` and the series has positive terms.
    """
    r, a_rate, s, b_rate = np.broadcast_arrays(
        *(np.asarray(v, dtype=float) for v in (shape1, rate1, shape2, rate2))
    )
    c = a_rate / b_rate
    big = c >= 1.0
    base = np.log(r) - np.log(r + s)
    z = np.where(big, 1.0 - 1.0 / c, 1.0 - c)
    second = np.where(big, r + 1.0, s)
    log_f = log_hyp2f1(1.0, second, r + s + 1.0, z)
    out = base + log_f - np.where(big, np.log(c), 0.0)
    return np.asarray(np.clip(np.exp(out), 0.0, 1.0), dtype=float)


def logaddexp(a: FloatArray, b: FloatArray) -> FloatArray:
    """Return ``log(exp(a) + exp(b))`` for finite ``a`` and ``b <= +inf`` or ``-inf``.

    Same as ``numpy.logaddexp`` where ``a`` is finite, about twice as fast on large arrays.
    """
    hi = np.maximum(a, b)
    return np.asarray(hi + np.log1p(np.exp(-np.abs(a - b))), dtype=float)
