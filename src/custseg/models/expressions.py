"""Fitted models' closed-form scores as Ibis expressions, computed where the customers are.

A run scores every customer in the engine (DuckDB, PostgreSQL or Spark) instead of pulling the
customers to Python:

* ``P(alive | x, t_x, T)`` of BG/NBD and MBG/NBD is closed form (exp and log only):
  :func:`probability_alive_expr`.
* The parts that need a special function (the hypergeometric ``2F1`` of the expected purchases,
  the discounted purchases of CLV) depend on ``(x, T)`` only; they are computed with NumPy/SciPy
  once per distinct ``(x, T)`` pair (:meth:`~custseg.models.TransactionModel.expected_given_alive`,
  :meth:`~custseg.models.TransactionModel.discounted_given_alive`) and joined back; a customer's
  score is ``P(alive)`` times that part.
* Gamma-Gamma's expected spend is arithmetic: :func:`expected_spend_expr`.

Pareto/NBD's P(alive) needs ``2F1`` of ``(x, t_x, T)`` when ``alpha != beta``; it has no
expression here (score it per distinct ``(x, t_x, T)`` row with ``probability_alive``).

The expressions give the NumPy methods' values up to the last bits of a double (``exp`` and
``ln`` of the engine instead of NumPy's); tests compare them within 1e-12.
"""

from __future__ import annotations

import math

import ibis
import ibis.expr.types as ir

from custseg.errors import ModelError
from custseg.models.base import TransactionModel
from custseg.models.bgnbd import _BetaGeoFamily
from custseg.models.gamma_gamma import GammaGamma


def probability_alive_expr(
    model: TransactionModel, x: ir.NumericValue, t_x: ir.NumericValue, T: ir.NumericValue
) -> ir.FloatingValue:
    """``P(alive | x, t_x, T)`` of a fitted BG/NBD or MBG/NBD model as an Ibis expression.

    ``1 / (1 + a / (b + x + shift - 1) ((alpha + T)/(alpha + t_x))^(r + x))`` when the customer
    can have dropped out (``x > 0``, or always for MBG/NBD), else 1. Written as
    ``exp(-m) / (exp(-m) + exp(lo - m))`` with ``m = max(lo, 0)`` so no ``exp`` overflows.
    """
    if not isinstance(model, _BetaGeoFamily):
        raise ModelError(
            f"{type(model).__name__} has no closed-form P(alive) expression; score it per "
            "distinct (x, t_x, T) row with probability_alive()"
        )
    r, alpha, a, b = (model.params_[n] for n in ("r", "alpha", "a", "b"))
    shift = model._shift
    xf = x.cast("float64")
    # b + x + shift - 1 > 0 wherever it is used; the floor keeps ln() defined elsewhere (BG, x = 0)
    d = ibis.greatest(xf + (b + shift - 1.0), 1e-300)
    log_odds = (
        math.log(a)
        - d.ln()
        + (xf + r) * ((T.cast("float64") + alpha).ln() - (t_x.cast("float64") + alpha).ln())
    )
    top = ibis.greatest(log_odds, 0.0)
    p = (-top).exp() / ((-top).exp() + (log_odds - top).exp())
    if shift > 0:
        return p
    return ibis.ifelse(x > 0, p, 1.0)


def expected_spend_expr(
    model: GammaGamma, x: ir.NumericValue, m: ir.NumericValue
) -> ir.FloatingValue:
    """Gamma-Gamma's ``E[spend | x, m_x] = p (v + x m_x) / (p x + q - 1)`` as an Ibis expression.

    Customers with ``x = 0`` get the population mean ``p v / (q - 1)`` (pass ``m = 0`` for
    them). Raises ModelError when ``q <= 1`` (the mean spend is infinite).
    """
    p, q, v = (model.params_[n] for n in ("p", "q", "v"))
    if q - 1.0 <= 0:
        raise ModelError(
            f"the fitted q = {q:.4g} <= 1 gives an infinite mean spend for customers with "
            "few purchases; fit on more repeat buyers or set penaliser > 0"
        )
    xf = x.cast("float64")
    return ((xf * m.cast("float64") + v) * p) / ((xf * p + q) - 1.0)
