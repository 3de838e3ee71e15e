"""Gamma-Gamma model of the average transaction value.

Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). RFM and CLV: using iso-value curves for
customer base analysis. *Journal of Marketing Research* 42(4), 415-430; and Fader & Hardie
(2013), "The Gamma-Gamma model of monetary value" (brucehardie.com/notes/025).

Story: a customer's transaction values are ``z_i ~ Gamma(p, nu)`` (shape ``p``, rate ``nu``),
independent of their purchase process, and ``nu ~ Gamma(q, v)`` across customers. ``v`` is the
scale called ``gamma`` in the papers (renamed so as not to clash with the gamma function). The
mean ``m_x`` of ``x`` repeat transactions has ``x m_x ~ Gamma(p x, nu)``, so its marginal density
(the note's eq. 3, the likelihood maximised here) is

    f(m_x | p, q, v; x) = Gamma(p x + q) / (Gamma(p x) Gamma(q))
                          * v^q m_x^(p x - 1) x^(p x) / (v + x m_x)^(p x + q)

Some software maximises the likelihood of the individual ``z_i`` or drops the ``x^(p x)``
factor; the maximiser is the same only for the ``m_x`` form, which gives the published CDNOW
estimates p = 6.25, q = 3.74, v = 15.44. The posterior mean spend (the note's eq. 5) is

    E[M | m_x, x] = p (v + x m_x) / (p x + q - 1)
                  = (q - 1)/(p x + q - 1) * p v/(q - 1) + p x/(p x + q - 1) * m_x

a weighted average of the population mean ``p v / (q - 1)`` and the customer's own mean.
"""

from __future__ import annotations

from typing import Self

import numpy as np
from numpy.typing import ArrayLike
from scipy import special

from custseg.errors import ModelError
from custseg.models._special import FloatArray
from custseg.models.base import MaximumLikelihoodModel, as_float_array, check_weights


def _check_spend(frequency: ArrayLike, monetary_value: ArrayLike) -> tuple[FloatArray, FloatArray]:
    x = as_float_array(frequency, "frequency")
    m = as_float_array(monetary_value, "monetary_value")
    if x.size != m.size:
        raise ModelError(
            f"frequency and monetary_value must have the same length; got {x.size} and {m.size}"
        )
    bad_x = ~np.isfinite(x) | (x < 0) | (x != np.round(x))
    if np.any(bad_x):
        i = int(np.flatnonzero(bad_x)[0])
        raise ModelError(
            f"frequency must be a non-negative whole number: {int(bad_x.sum())} customer(s), "
            f"first at position {i} (value {x[i]!r})"
        )
    repeat = x > 0
    bad_m = repeat & ~(np.isfinite(m) & (m > 0))
    if np.any(bad_m):
        i = int(np.flatnonzero(bad_m)[0])
        raise ModelError(
            f"monetary_value must be positive and finite for repeat buyers (the Gamma-Gamma "
            f"model has no zero or negative spend): {int(bad_m.sum())} customer(s), first at "
            f"position {i} (value {m[i]!r}). Drop them or net returns against purchases first."
        )
    return x, m


class GammaGamma(MaximumLikelihoodModel):
    """Gamma-Gamma model of average spend per transaction (Fader, Hardie & Lee 2005).

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
        ``p``, ``q``, ``v`` (``v`` is the scale the papers call gamma).
    log_likelihood_ : float
        Log-likelihood of the repeat buyers' mean spends (density of ``m_x``).
    standard_errors_ : dict
    n_customers_ : int
        Number of repeat buyers used (customers with frequency 0 carry no spend information
        and are ignored).
    converged_ : bool

    References
    ----------
    Fader, Hardie & Lee (2005), Journal of Marketing Research 42(4), 415-430.
    """

    param_names = ("p", "q", "v")
    has_gradient = True

    def fit(
        self,
        frequency: ArrayLike,
        monetary_value: ArrayLike,
        weights: ArrayLike | None = None,
    ) -> Self:
        """Fit on repeat buyers' number of repeat purchases and mean repeat spend.

        Rows with ``frequency == 0`` are ignored (their ``monetary_value`` may be anything).
        Raises ModelError if there is no repeat buyer or a repeat buyer's spend is not positive.
        """
        x, m = _check_spend(frequency, monetary_value)
        w = check_weights(weights, x.size)
        repeat = x > 0
        if not np.any(repeat):
            raise ModelError(
                "GammaGamma needs repeat buyers (frequency > 0) to learn spend; there are none."
            )
        self._fit_arrays((x[repeat], m[repeat]), w[repeat])
        return self

    def _initial_params(self, data: tuple[FloatArray, ...], w: FloatArray) -> FloatArray:
        m = data[1]
        mean = float(np.average(m, weights=w))
        var = float(np.average((m - mean) ** 2, weights=w)) + 1e-9
        p = max(mean**2 / var, 0.1)
        return np.array([p, 2.0, max(mean / p, 1e-3)])

    def _log_likelihood(self, theta: FloatArray, *data: FloatArray) -> FloatArray:
        p, q, v = theta
        x, m = data
        ((ux, ix),) = self._factorised(x)
        pu = p * ux
        per_x = (
            special.gammaln(pu + q) - special.gammaln(pu) - special.gammaln(q)
            + q * np.log(v) + pu * np.log(ux)
        )  # fmt: skip
        px = pu[ix]
        return np.asarray(
            per_x[ix] + (px - 1.0) * np.log(m) - (px + q) * np.log(v + x * m), dtype=float
        )  # note eq. (3)

    def _log_likelihood_grad(self, theta: FloatArray, *data: FloatArray) -> tuple[FloatArray, ...]:
        p, q, v = theta
        x, m = data
        ((ux, ix),) = self._factorised(x)
        pu = p * ux
        psi = special.digamma(pu + q)
        log_vxm = np.log(v + x * m)
        d_p = x * (np.log(m) - log_vxm) + (ux * (psi - special.digamma(pu) + np.log(ux)))[ix]
        d_q = (psi - special.digamma(q) + np.log(v))[ix] - log_vxm
        d_v = q / v - (pu[ix] + q) / (v + x * m)
        return d_p, d_q, d_v

    def expected_average_spend(self, frequency: ArrayLike, monetary_value: ArrayLike) -> FloatArray:
        """Return E[spend per transaction | x, m_x] for each customer.

        Customers with ``frequency == 0`` get the population mean ``p v / (q - 1)``; it is
        infinite when ``q <= 1``, which raises ModelError.
        """
        theta = self._theta()
        p, q, v = theta
        x = as_float_array(frequency, "frequency")
        m = as_float_array(monetary_value, "monetary_value")
        x, m = _check_spend(x, np.where(x > 0, m, 1.0))
        denom = p * x + q - 1.0
        if np.any(denom <= 0):
            raise ModelError(
                f"the fitted q = {q:.4g} <= 1 gives an infinite mean spend for customers with "
                "few purchases; fit on more repeat buyers or set penaliser > 0"
            )
        return np.asarray(p * (v + x * m) / denom, dtype=float)  # note eq. (5)
