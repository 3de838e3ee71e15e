"""Pareto/NBD: Poisson purchasing with an exponential lifetime.

Schmittlein, D. C., Morrison, D. G. & Colombo, R. (1987). Counting your customers: who are they
and what will they do next? *Management Science* 33(1), 1-24; likelihood and expressions as
derived in Fader, P. S. & Hardie, B. G. S. (2005). A note on deriving the Pareto/NBD model and
related expressions (brucehardie.com/notes/009). Equation numbers below are the note's.

Story: while alive, purchases at Poisson rate ``lam ~ Gamma(r, alpha)``; lifetime
``tau ~ Exp(mu)`` with ``mu ~ Gamma(s, beta)`` (shape, rate). Likelihood (eq. 19 of the note),
with ``I(y) = int_y^inf (alpha + u)^-(r+x) (beta + u)^-(s+1) du``:

    L = Gamma(r + x) alpha^r beta^s / Gamma(r)
        * [ (alpha + T)^-(r+x) (beta + T)^-s  +  s (I(t_x) - I(T)) ]

Fader & Hardie write ``(r + s + x) I(y)`` with ``2F1(r+s+x, s+1; r+s+x+1; (alpha-beta)/(alpha+y))
/ (alpha+y)^(r+s+x)`` when alpha >= beta and ``2F1(r+s+x, r+x; r+s+x+1; (beta-alpha)/(beta+y)) /
(beta+y)^(r+s+x)`` otherwise (eq. 22). That ``2F1`` diverges like ``(1 - z)^-s`` as ``z -> 1``
and overflows for large ``x``. Euler's transformation turns it into series with first parameter
1, which are bounded (between 1 and ``(r+s+x)/s`` in the first branch):

    alpha >= beta: (r+s+x) I(y) = 2F1(1, r+x;  r+s+x+1; (alpha-beta)/(alpha+y)) (alpha+y)^-(r+x) (beta+y)^-s
    alpha <  beta: (r+s+x) I(y) = 2F1(1, s+1; r+s+x+1; (beta-alpha)/(beta+y)) (alpha+y)^(1-r-x) (beta+y)^-(s+1)

and ``I(t_x) - I(T)`` is taken in log space (``log I(t_x) + log(1 - exp(log I(T) - log I(t_x)))``).

Posterior of a customer alive at T: ``lam ~ Gamma(r + x, alpha + T)``, ``mu ~ Gamma(s, beta + T)``:

    P(alive | x, t_x, T) = alive term / (alive term + dead term)                   (eq. 18)
    E[Y(t) | alive]      = (r + x)/(alpha + T) (beta + T)/(s - 1) [1 - ((beta+T)/(beta+T+t))^(s-1)]
    E[X(t)]              = r beta / (alpha (s - 1)) [1 - (beta / (beta + t))^(s - 1)]   (eq. 17)

Both expectations are evaluated through their ``s -> 1`` limit where needed. No purchase in
(T, T + t] (derived here): a customer alive at T with remaining lifetime ``tau`` makes none with
probability ``exp(-lam min(tau, t))``; averaging over ``tau ~ Exp(mu)`` gives
``mu/(lam+mu) + lam/(lam+mu) exp(-(lam+mu) t)``, and over the posterior

    P(Y(t) = 0 | alive) = 1 - S(alpha+T, beta+T) + ((alpha+T)/(alpha+T+t))^(r+x)
                          ((beta+T)/(beta+T+t))^s S(alpha+T+t, beta+T+t)

with ``S(A, B) = E[lam/(lam+mu)]`` for ``lam ~ Gamma(r+x, A)``, ``mu ~ Gamma(s, B)``
(:func:`custseg.models._special.expected_share`). ``P(no purchase) = 1 - P(alive) + P(alive) *
P(Y(t) = 0 | alive)``. (Using only the Poisson zero term ``E[exp(-lam t)]`` would ignore that a
customer who dies in the window makes no purchase after death.)
"""

from __future__ import annotations

import numpy as np
from scipy import special

from custseg.models._special import (
    FloatArray,
    expected_share,
    expm1_ratio,
    log1mexp,
    log_hyp2f1,
)
from custseg.models.base import TransactionModel


class ParetoNBD(TransactionModel):
    """Pareto/NBD model of repeat purchasing (Schmittlein, Morrison & Colombo 1987).

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
        ``r``, ``alpha`` (purchase rate ``Gamma(r, alpha)``), ``s``, ``beta`` (dropout rate
        ``Gamma(s, beta)``).
    log_likelihood_, standard_errors_, n_customers_, converged_
        As for :class:`~custseg.models.BetaGeo`.

    References
    ----------
    Schmittlein, Morrison & Colombo (1987), Management Science 33(1), 1-24.
    Fader & Hardie (2005), "A note on deriving the Pareto/NBD model and related expressions".
    """

    param_names = ("r", "alpha", "s", "beta")

    def _initial_params(self, data: tuple[FloatArray, ...], w: FloatArray) -> FloatArray:
        x, _, age = data
        mean_t = max(float(np.average(age, weights=w)), 1e-3)
        mean_x = max(float(np.average(x, weights=w)), 0.1)
        return np.array([1.0, mean_t / mean_x, 1.0, mean_t])

    @staticmethod
    def _log_integral(theta: FloatArray, x: FloatArray, y: FloatArray) -> FloatArray:
        """Return ``log((r + s + x) I(y))`` in the Euler-transformed form (module docstring)."""
        r, alpha, s, beta = theta
        c = r + s + x + 1.0
        if alpha >= beta:
            f = log_hyp2f1(1.0, r + x, c, (alpha - beta) / (alpha + y))
            return f - (r + x) * np.log(alpha + y) - s * np.log(beta + y)
        f = log_hyp2f1(1.0, s + 1.0, c, (beta - alpha) / (beta + y))
        return f + (1.0 - r - x) * np.log(alpha + y) - (s + 1.0) * np.log(beta + y)

    def _log_terms(
        self, theta: FloatArray, x: FloatArray, t_x: FloatArray, T: FloatArray
    ) -> tuple[FloatArray, FloatArray]:
        """Return the logs of the "alive at T" and "died in (t_x, T]" terms of the likelihood."""
        r, alpha, s, beta = theta
        log_alive = -(r + x) * np.log(alpha + T) - s * np.log(beta + T)
        log_i_tx = self._log_integral(theta, x, t_x)
        log_i_t = self._log_integral(theta, x, T)
        gap = np.minimum(log_i_t - log_i_tx, 0.0)
        log_dead = np.log(s) - np.log(r + s + x) + log_i_tx + log1mexp(gap)
        return log_alive, log_dead

    def _log_likelihood(
        self, theta: FloatArray, x: FloatArray, t_x: FloatArray, T: FloatArray
    ) -> FloatArray:
        r, alpha, s, beta = theta
        log_alive, log_dead = self._log_terms(theta, x, t_x, T)
        head = special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha) + s * np.log(beta)
        return np.asarray(head + np.logaddexp(log_alive, log_dead), dtype=float)  # eq. (19)

    def _log_p_alive(
        self, theta: FloatArray, x: FloatArray, t_x: FloatArray, T: FloatArray
    ) -> FloatArray:
        log_alive, log_dead = self._log_terms(theta, x, t_x, T)
        return np.asarray(log_alive - np.logaddexp(log_alive, log_dead), dtype=float)  # eq. (18)

    def _expected_given_alive(
        self, theta: FloatArray, t: FloatArray, x: FloatArray, T: FloatArray
    ) -> FloatArray:
        r, alpha, s, beta = theta
        life = (beta + T) * expm1_ratio(s - 1.0, np.log1p(t / (beta + T)))
        return np.asarray((r + x) / (alpha + T) * life, dtype=float)

    def _no_purchase_given_alive(
        self, theta: FloatArray, t: FloatArray, x: FloatArray, T: FloatArray
    ) -> FloatArray:
        r, alpha, s, beta = theta
        share_now = expected_share(r + x, alpha + T, s, beta + T)
        share_later = expected_share(r + x, alpha + T + t, s, beta + T + t)
        log_d = -(r + x) * np.log1p(t / (alpha + T)) - s * np.log1p(t / (beta + T))
        return np.asarray(np.clip(1.0 - share_now + np.exp(log_d) * share_later, 0, 1))

    def _expected_new(self, theta: FloatArray, t: FloatArray) -> FloatArray:
        r, alpha, s, beta = theta
        return np.asarray(r / alpha * beta * expm1_ratio(s - 1.0, np.log1p(t / beta)))  # eq. (17)
