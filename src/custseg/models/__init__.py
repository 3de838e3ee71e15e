"""Buy-till-you-die customer models: who is still active, how much they will buy, and CLV.

Scikit-learn-style estimators fitted by maximum likelihood on per-customer sufficient statistics
(``frequency``, ``recency``, ``T``, ``monetary_value``; see :func:`summary_from_transactions`):

* :class:`BetaGeo` (BG/NBD), :class:`ModifiedBetaGeo` (MBG/NBD), :class:`ParetoNBD`:
  ``probability_alive``, ``expected_purchases``, ``probability_no_purchase``,
  ``expected_purchases_new_customer``;
* :class:`GammaGamma`: ``expected_average_spend``;
* :func:`customer_lifetime_value`: discounted CLV from one of each;
* :func:`holdout_evaluation`: calibration/holdout validation with tracking and conditional
  expectation tables (:func:`plot_tracking`, :func:`plot_conditional_expectation`).
"""

from custseg.models.base import TransactionModel
from custseg.models.bgnbd import BetaGeo
from custseg.models.clv import customer_lifetime_value
from custseg.models.evaluation import (
    HoldoutReport,
    holdout_evaluation,
    plot_conditional_expectation,
    plot_tracking,
)
from custseg.models.gamma_gamma import GammaGamma
from custseg.models.mbgnbd import ModifiedBetaGeo
from custseg.models.pareto_nbd import ParetoNBD
from custseg.models.summary import summary_from_transactions

__all__ = [
    "BetaGeo",
    "GammaGamma",
    "HoldoutReport",
    "ModifiedBetaGeo",
    "ParetoNBD",
    "TransactionModel",
    "customer_lifetime_value",
    "holdout_evaluation",
    "plot_conditional_expectation",
    "plot_tracking",
    "summary_from_transactions",
]
