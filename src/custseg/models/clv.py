"""Customer lifetime value from a transaction model and a spend model.

Fader, Hardie & Lee (2005), "RFM and CLV", discounted expected residual transactions times
expected spend, computed here in discrete steps::

    CLV_i = margin * E[spend_i] * sum_{k=1..K} (E[Y_i(t_k)] - E[Y_i(t_{k-1})]) / (1 + d)^{t_k}

with ``t_k = k * step`` (the last one capped at ``horizon_periods``), ``t_0 = 0``, ``d`` the
discount rate per period, ``E[Y_i(t)]`` the transaction model's conditional expected purchases
in the next ``t`` periods and ``E[spend_i]`` the spend model's expected average spend. The
purchases expected during step ``k`` are discounted as if made at its end; a smaller ``step``
approaches continuous discounting. Spend is assumed independent of the purchase process (the
Gamma-Gamma assumption).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from custseg.errors import ModelError
from custseg.models._special import FloatArray
from custseg.models.base import TransactionModel
from custseg.models.gamma_gamma import GammaGamma


def customer_lifetime_value(
    transaction_model: TransactionModel,
    spend_model: GammaGamma,
    frequency: ArrayLike,
    recency: ArrayLike,
    T: ArrayLike,
    monetary_value: ArrayLike,
    *,
    horizon_periods: float,
    discount_rate_per_period: float,
    margin: float,
    step: float = 1,
) -> FloatArray:
    """Return the discounted expected margin of each customer over the next ``horizon_periods``.

    Parameters
    ----------
    transaction_model : BetaGeo, ModifiedBetaGeo or ParetoNBD
        A fitted transaction model (time unit = one period).
    spend_model : GammaGamma
        A fitted spend model.
    frequency, recency, T, monetary_value : array-like of shape (n_customers,)
        The customers' summary statistics (see :func:`custseg.models.summary_from_transactions`).
    horizon_periods : float
        How far ahead, in periods (e.g. 52 weeks).
    discount_rate_per_period : float
        Discount rate per period (e.g. ``0.10 ** (1 / 52)``-style weekly rate); 0 = none.
    margin : float
        Profit margin applied to spend (1.0 = revenue).
    step : float, default 1
        Width of the discounting steps, in periods.

    Returns
    -------
    ndarray of shape (n_customers,)
    """
    if not (np.isfinite(horizon_periods) and horizon_periods > 0):
        raise ModelError(f"horizon_periods must be a positive number; got {horizon_periods!r}")
    if not (np.isfinite(step) and step > 0):
        raise ModelError(f"step must be a positive number of periods; got {step!r}")
    if not (np.isfinite(discount_rate_per_period) and discount_rate_per_period > -1):
        raise ModelError(
            f"discount_rate_per_period must be > -1 (0.01 = 1% per period); "
            f"got {discount_rate_per_period!r}"
        )
    if not np.isfinite(margin):
        raise ModelError(f"margin must be a finite number; got {margin!r}")
    times = np.arange(1, int(np.ceil(horizon_periods / step - 1e-9)) + 1) * float(step)
    times[-1] = min(times[-1], float(horizon_periods))
    discounts = (1.0 + discount_rate_per_period) ** (-times)
    purchases = transaction_model.discounted_expected_purchases(
        times, discounts, frequency, recency, T
    )
    spend = spend_model.expected_average_spend(frequency, monetary_value)
    return np.asarray(margin * spend * purchases, dtype=float)
