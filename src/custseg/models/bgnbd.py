"""BG/NBD: the beta-geometric / negative binomial distribution model.

Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). "Counting your customers" the easy way: an
alternative to the Pareto/NBD model. *Marketing Science* 24(2), 275-284. Equation numbers below
are the paper's.

Story: while active, a customer buys at Poisson rate ``lam ~ Gamma(r, alpha)`` (shape ``r``,
rate ``alpha``); after each *repeat* purchase they drop out with probability
``p ~ Beta(a, b)``. Everything is written for the whole BG/NBD family through one parameter
``shift``: the number of extra dropout opportunities before the first repeat purchase. BG/NBD has
``shift = 0``; MBG/NBD (:mod:`custseg.models.mbgnbd`) adds one at time 0 (``shift = 1``).
With ``b_x = b + x + shift`` and ``d_x = b + x + shift - 1``:

    L(r, alpha, a, b | x, t_x, T) =                                                   (eq. 6)
        Gamma(r + x) alpha^r / Gamma(r) * B(a, b_x) / B(a, b)
        * [ (alpha + T)^-(r+x) + 1{x > 0 or shift} * a / d_x * (alpha + t_x)^-(r+x) ]

(``B(a + 1, b_x - 1) / B(a, b_x) = a / d_x``). It is evaluated in log space with ``logaddexp``,
which is the numerically stable form of Hardie's note "Overcoming the BG/NBD model's #NUM!
error problem" (2013): the per-customer value at r=0.25, alpha=4, a=0.8, b=2.5, T=40 is
-0.59947382 for (x=0, t_x=0) and +100.7957 for (x=200, t_x=38) — a positive number, because
the likelihood is a density in the purchase times.

Posterior of a customer alive at T: ``lam ~ Gamma(r + x, alpha + T)``, ``p ~ Beta(a, b_x)``,
independent, so with ``z = t / (alpha + T + t)``:

    P(alive | x, t_x, T) = 1 / (1 + 1{x > 0 or shift} a / d_x ((alpha+T)/(alpha+t_x))^(r+x))
                                                      (FHL note "Computing P(alive)", 2008)
    E[Y(t) | alive] = (a + b_x - 1)/(a - 1) [1 - ((alpha+T)/(alpha+T+t))^(r+x)
                         2F1(r + x, b_x; a + b_x - 1; z)]                            (eq. 10)
    P(Y(t) = 0 | alive) = ((alpha + T) / (alpha + T + t))^(r + x)

The last line is the gamma mixture of Poisson zero counts: a customer alive at T can only drop
out *after* a purchase, so they make no purchase in (T, T + t] iff their Poisson clock does not
tick, ``E[exp(-lam t)]``. Hence the derived

    P(no purchase in (T, T+t] | x, t_x, T) = 1 - P(alive) + P(alive) ((alpha+T)/(alpha+T+t))^(r+x)

The ``2F1`` of eq. (10) grows like ``(1 - z)^-(r + x + 1 - a)`` for large ``x``; it is used in the
Euler-transformed form ``(1 - z)^(r+x) 2F1(r+x, b_x; c; z) = (1 - z)^(a-1) 2F1(c - r - x, a - 1;
c; z)`` with ``c = a + b_x - 1``, whose series is bounded. For large ``a`` and ``b`` (a base
whose dropout probability hardly varies between customers: the fit of 10,000,000 generated
customers gave a = 528,115, b = 15,769,826) SciPy's ``2F1`` returns nan; there the same
expectation is integrated over the Beta dropout probability numerically
(:func:`beta_averaged_expected`). Unconditionally (eq. 9),
``E[X(t)] = (a + b - 1)/(a - 1) [1 - (alpha/(alpha+t))^r 2F1(r, b; a + b - 1; t/(alpha+t))]``.
"""

from __future__ import annotations

import numpy as np
from scipy import special

from custseg.models._special import FloatArray, logaddexp
from custseg.models.base import TransactionModel


def alive_expected_purchases(
    t: FloatArray, r_post: FloatArray, alpha_post: FloatArray, a: float, b_post: FloatArray
) -> FloatArray:
    """Return ``E[Y(t)]`` for a customer alive now with posterior ``Gamma(r_post, alpha_post)``, ``Beta(a, b_post)``.

    ``(a + b_post - 1)/(a - 1) [1 - (1 - z)^(a - 1) 2F1(a + b_post - 1 - r_post, a - 1;
    a + b_post - 1; z)]`` with ``z = t / (alpha_post + t)`` (eq. 10 after Euler's transformation).
    """
    c = a + b_post - 1.0
    z = t / (alpha_post + t)
    with np.errstate(all="ignore"):
        f = special.hyp2f1(c - r_post, a - 1.0, c, z)
        tail = np.exp((a - 1.0) * np.log1p(-z)) * f
    out = np.asarray(np.where(t > 0, c / (a - 1.0) * (1.0 - tail), 0.0), dtype=float)
    failed = ~np.isfinite(out)
    if a > 1.0 and failed.any():
        # SciPy's 2F1 gives nan for large a and b (from a ~ 500 for some customers): the
        # same expectation, integrated over the dropout probability numerically.
        t_, r_, alpha_, b_ = np.broadcast_arrays(t, r_post, alpha_post, b_post)
        out[failed] = beta_averaged_expected(
            t_[failed], r_[failed], alpha_[failed], a, b_[failed]
        )
    return out


_NODES = np.polynomial.legendre.leggauss(64)
"""Gauss-Legendre nodes and weights on [-1, 1] for :func:`beta_averaged_expected`."""

_WINDOW_SDS = 12.0
"""Half-width, in standard deviations of the dropout probability, of the integration window."""


def beta_averaged_expected(
    t: FloatArray, r_post: FloatArray, alpha_post: FloatArray, a: float, b_post: FloatArray
) -> FloatArray:
    """``E[Y(t)]`` of :func:`alive_expected_purchases` as an average over ``p ~ Beta(a, b_post)``.

    Given the dropout probability ``p`` the gamma-mixed count has ``E[Y(t) | p] = (1 - (1 + p t
    / alpha_post)^-r_post) / p`` (FHL 2005, the step before eq. 10); its Beta average is
    taken by 64-point Gauss-Legendre quadrature over ``mean +- 12 sd`` of ``p``, weighted by the
    Beta density and normalised by the quadrature of the density itself. Agrees with the
    closed form to 1e-9 relative for ``a`` from 4.5 up to where SciPy's ``2F1`` fails (tests);
    not meant for small ``a``, where the density's peak near 0 needs more nodes.
    """
    t, r_post, alpha_post, b_post = (
        np.asarray(v, dtype=float) for v in np.broadcast_arrays(t, r_post, alpha_post, b_post)
    )
    n = a + b_post
    mean = a / n
    sd = np.sqrt(a * b_post / (n * n * (n + 1.0)))
    lo = np.maximum(mean - _WINDOW_SDS * sd, 0.0)[:, None]
    hi = np.minimum(mean + _WINDOW_SDS * sd, 1.0)[:, None]
    nodes, weights = _NODES
    p = lo + (hi - lo) * (nodes[None, :] + 1.0) / 2.0
    with np.errstate(all="ignore"):
        log_density = (a - 1.0) * np.log(p) + (b_post[:, None] - 1.0) * np.log1p(-p)
        w = weights[None, :] * np.exp(log_density - log_density.max(axis=1, keepdims=True))
        given_p = -np.expm1(-r_post[:, None] * np.log1p(p * (t / alpha_post)[:, None])) / p
        out = (w * given_p).sum(axis=1) / w.sum(axis=1)
    return np.asarray(np.where(t > 0, out, 0.0), dtype=float)


class _BetaGeoFamily(TransactionModel):
    """BG/NBD and MBG/NBD: the same equations with ``shift`` dropout chances before buying."""

    param_names = ("r", "alpha", "a", "b")
    has_gradient = True
    _shift = 0

    def _initial_params(self, data: tuple[FloatArray, ...], w: FloatArray) -> FloatArray:
        x, _, age = data
        alpha = max(float(np.average(age, weights=w)), 1e-3) / max(
            float(np.average(x, weights=w)), 0.1
        )
        return np.array([1.0, alpha, 1.0, 1.0])

    def _has_death_term(self, x: FloatArray) -> FloatArray:
        return (x > 0) | (self._shift > 0)

    def _parts(
        self, theta: FloatArray, x: FloatArray, t_x: FloatArray, T: FloatArray
    ) -> dict[str, FloatArray]:
        """Return the pieces of eq. (6) per customer (``log_a12``, ``log_a3``, ``log_a4``, ...).

        Terms in ``x``, ``t_x`` or ``T`` alone are computed once per distinct value. While
        fitting, the pieces of the last ``theta`` are kept: the optimiser asks for the
        likelihood and then its gradient at the same point, and both read the same pieces.
        """
        cached = self.__dict__.get("_parts_cache")
        key = theta.tobytes()
        if cached is not None and cached[0] == key and all(
            u is v for u, v in zip(cached[1], (x, t_x, T), strict=True)
        ):
            return cached[2]  # type: ignore[no-any-return]
        parts = self._compute_parts(theta, x, t_x, T)
        if self.__dict__.get("_fitting"):
            self.__dict__["_parts_cache"] = (key, (x, t_x, T), parts)
        return parts

    def _compute_parts(
        self, theta: FloatArray, x: FloatArray, t_x: FloatArray, T: FloatArray
    ) -> dict[str, FloatArray]:
        r, alpha, a, b = theta
        (ux, ix), (ut, it), (uT, iT) = self._factorised(x, t_x, T)
        bx = b + ux + self._shift
        dead = self._has_death_term(ux)
        safe_d = np.where(dead, bx - 1.0, 1.0)
        log_a12 = (
            special.gammaln(r + ux) - special.gammaln(r) + r * np.log(alpha)
            + special.betaln(a, bx) - special.betaln(a, b)
        )  # fmt: skip
        rx = (r + ux)[ix]
        log_t, log_tx = np.log(alpha + uT)[iT], np.log(alpha + ut)[it]
        log_a3 = -rx * log_t
        log_a4 = np.where(dead, np.log(a) - np.log(safe_d), -np.inf)[ix] - rx * log_tx
        return {
            "log_a12": log_a12[ix], "log_a3": log_a3, "log_a4": log_a4, "rx": rx,
            "log_a34": logaddexp(log_a3, log_a4),
            "log_t": log_t, "log_tx": log_tx, "ix": ix, "bx": bx, "safe_d": safe_d,
            "dead": dead, "inv_t": (1.0 / (alpha + uT))[iT], "inv_tx": (1.0 / (alpha + ut))[it],
        }  # fmt: skip

    def _log_likelihood(self, theta: FloatArray, *data: FloatArray) -> FloatArray:
        p = self._parts(theta, *data)
        return np.asarray(p["log_a12"] + p["log_a34"])  # eq. (6)

    def _log_likelihood_grad(self, theta: FloatArray, *data: FloatArray) -> tuple[FloatArray, ...]:
        r, alpha, a, b = theta
        p = self._parts(theta, *data)
        ix, bx = p["ix"], p["bx"]
        w4 = np.exp(p["log_a4"] - p["log_a34"])  # "dropped out" share
        w3 = 1.0 - w4
        psi_r = (special.digamma(r + (bx - b - self._shift)) - special.digamma(r))[ix]
        d_r = psi_r + np.log(alpha) - w3 * p["log_t"] - w4 * p["log_tx"]
        d_alpha = r / alpha - p["rx"] * (w3 * p["inv_t"] + w4 * p["inv_tx"])
        psi_ab = special.digamma(a + b) - special.digamma(a + bx)
        d_a = psi_ab[ix] + w4 / a
        d_b = (psi_ab + special.digamma(bx) - special.digamma(b))[ix] - w4 / p["safe_d"][ix]
        return d_r, d_alpha, d_a, d_b

    def _log_p_alive(
        self, theta: FloatArray, x: FloatArray, t_x: FloatArray, T: FloatArray
    ) -> FloatArray:
        r, alpha, a, b = theta
        dead = self._has_death_term(x)
        safe_d = np.where(dead, b + x + self._shift - 1.0, 1.0)
        log_odds_dead = (
            np.log(a) - np.log(safe_d) + (r + x) * (np.log(alpha + T) - np.log(alpha + t_x))
        )
        return np.asarray(-np.logaddexp(0.0, np.where(dead, log_odds_dead, -np.inf)), dtype=float)

    def _expected_given_alive(
        self, theta: FloatArray, t: FloatArray, x: FloatArray, T: FloatArray
    ) -> FloatArray:
        r, alpha, a, b = theta
        return alive_expected_purchases(t, r + x, alpha + T, a, b + x + self._shift)  # eq. (10)

    def _no_purchase_given_alive(
        self, theta: FloatArray, t: FloatArray, x: FloatArray, T: FloatArray
    ) -> FloatArray:
        r, alpha, _, _ = theta
        return np.asarray(np.exp(-(r + x) * np.log1p(t / (alpha + T))), dtype=float)

    def _expected_new(self, theta: FloatArray, t: FloatArray) -> FloatArray:
        r, alpha, a, b = theta
        # P(still active after the `shift` dropout chances at time 0) * E[X(t) | alive]  (eq. 9)
        survive = np.exp(special.betaln(a, b + self._shift) - special.betaln(a, b))
        return survive * alive_expected_purchases(t, r, alpha, a, b + self._shift)


class BetaGeo(_BetaGeoFamily):
    """BG/NBD model of repeat purchasing (Fader, Hardie & Lee 2005).

    Parameters
    ----------
    penaliser : float, default 0.0
        L2 penalty on the log-parameters (0 = maximum likelihood).
    tol : float, default 1e-12
        Relative tolerance of the optimiser on the objective.
    max_iter : int, default 2000
        Maximum number of optimiser iterations.

    Attributes
    ----------
    params_ : dict
        ``r``, ``alpha`` (purchase rate ``Gamma(r, alpha)``), ``a``, ``b`` (dropout ``Beta(a, b)``).
    log_likelihood_ : float
        Total log-likelihood at ``params_``.
    standard_errors_ : dict
        Asymptotic standard errors from the numerical Hessian.
    n_customers_ : int
    converged_ : bool

    Notes
    -----
    A customer with no repeat purchase has P(alive) = 1 under BG/NBD (they cannot have dropped
    out without a repeat purchase); :class:`~custseg.models.ModifiedBetaGeo` removes that.

    References
    ----------
    Fader, Hardie & Lee (2005), Marketing Science 24(2), 275-284.
    """

    _shift = 0
