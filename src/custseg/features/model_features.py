"""Model-based features: P(alive), expected purchases, expected spend and 12-month CLV.

The buy-till-you-die models of :mod:`custseg.models` are fitted inside every run on the data as
of the as-of date, so each snapshot carries its own fitted parameters (``extra["models"]``).

- Per purchaser, from the purchase days (days with a purchase, i.e. an order with net total
  > 0, on or before as_of; same-day purchases are merged): ``x`` = purchase_days - 1 (repeat
  purchase days), ``t_x`` = (last_purchase_date - first_purchase_date) in weeks, ``T`` =
  (as_of - first_purchase_date) in weeks, and the mean value of the repeat purchase days
  (the first purchase excluded, as the Gamma-Gamma model defines it).
- Transaction model: MBG/NBD (:class:`~custseg.models.ModifiedBetaGeo`). It is preferred to
  BG/NBD because BG/NBD gives every one-time buyer P(alive) = 1 however long ago the purchase
  was; MBG/NBD lets a customer drop out right after the first purchase, so a one-time buyer's
  P(alive) falls with time since that purchase.
- Spend model: Gamma-Gamma (:class:`~custseg.models.GammaGamma`), fitted on repeat buyers with
  positive spend. `expected_spend` is the expected value of one future purchase (a weighted
  average of the customer's own mean and the base's mean; one-time buyers get the base's mean).
- `clv_12m` = margin x expected spend x expected purchases in the next 52 weeks, each week
  discounted at an annual rate of 10 % converted to weekly ((1.10)^(7/365.25) - 1). The margin is
  the customer's own `margin` feature when known, else the median margin of the base, else 1.0
  (CLV is then expected revenue); a negative margin is floored at 0, so `clv_12m` is never
  negative (losses show in the profit features).
- Finite inputs only: a purchaser whose purchase amounts are not finite (two order amounts of
  1e308 sum to infinity) is *dropped* from the spend model (its ``expected_spend`` and
  ``clv_12m`` are null; the transaction model, which uses dates only, keeps it); the record
  counts them under ``non_finite_spend`` with a note.
- Prospects (no purchase) get nulls. When fewer than 50 customers have purchased, or a model
  cannot be fitted, the model features are null for everyone and the snapshot records why; a
  run never fails because of the models. Spend features alone are null when only the spend
  model fails.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from custseg.errors import ConvergenceWarning, ModelError
from custseg.features._context import BuildContext
from custseg.features._orders import order_lines, order_totals
from custseg.features.params import FeatureParameters
from custseg.warnings_capture import thread_warnings

MODEL_COLUMNS: tuple[str, ...] = (
    "p_alive",
    "expected_purchases_90d",
    "expected_purchases_365d",
    "p_no_purchase_90d",
    "expected_spend",
    "clv_12m",
)

_FIT_ERRORS = (ModelError, ValueError, ArithmeticError, np.linalg.LinAlgError)


@dataclass(frozen=True)
class ModelSettings:
    """Settings of the model features (defaults: see the module docstring)."""

    freq_days: float = 7.0
    horizon_weeks: float = 52.0
    annual_discount_rate: float = 0.10
    margin: float | None = None  # None: the customer's margin, else the base median, else 1.0
    min_purchasers: int = 50

    @property
    def weekly_discount_rate(self) -> float:
        """The annual discount rate converted to a weekly one."""
        return float((1.0 + self.annual_discount_rate) ** (self.freq_days / 365.25) - 1.0)


def add_model_features(
    con: ibis.BaseBackend,
    features: ir.Table,
    as_of: date,
    *,
    settings: ModelSettings | None = None,
) -> tuple[ir.Table, dict[str, Any]]:
    """Return ``features`` with the model columns filled in, and the fitted models' record.

    The record (JSON-ready) holds the settings, each model's parameters, standard errors,
    log-likelihood and convergence, or ``status: "skipped"`` and a ``reason``.
    """
    settings = settings or ModelSettings()
    record: dict[str, Any] = {
        "settings": {
            **asdict(settings),
            "weekly_discount_rate": settings.weekly_discount_rate,
            "transaction_model": "mbgnbd",
            "spend_model": "gamma_gamma",
        }
    }
    if "orders" not in set(con.list_tables()):
        return _with_scores(features, None), {
            **record,
            "status": "skipped",
            "reason": "no orders table",
        }
    summary = _summary(con, as_of, settings.freq_days)
    record["purchasers"] = int(len(summary))
    if len(summary) < settings.min_purchasers:
        reason = (
            f"only {len(summary)} customers have purchased; the models need at least "
            f"{settings.min_purchasers}"
        )
        return _with_scores(features, None), {**record, "status": "skipped", "reason": reason}
    bad = ~np.isfinite(summary["monetary_value"].to_numpy(dtype=float))
    if bad.any():
        record["non_finite_spend"] = {
            "customers": int(bad.sum()),
            "note": "purchase amounts that are not finite: these customers were dropped from "
            "the spend model (expected_spend and clv_12m are null for them)",
        }
    try:
        scores, fitted = _score(summary, _margins(features, summary.index, settings), settings)
    except _FIT_ERRORS as exc:
        reason = f"the purchase model could not be fitted: {exc}"
        return _with_scores(features, None), {**record, "status": "skipped", "reason": reason}
    return _with_scores(features, scores), {**record, "status": "fitted", **fitted}


def _summary(con: ibis.BaseBackend, as_of: date, freq_days: float) -> pd.DataFrame:
    """frequency, recency, T, monetary_value per purchaser, sorted by customer id."""
    ctx = BuildContext(as_of=as_of, parameters=FeatureParameters())
    orders = order_totals(order_lines(con, ctx))
    purchases = orders.filter(orders.net > 0)
    days = purchases.group_by(["customer_id", "order_date"]).aggregate(amount=purchases.net.sum())
    arrow = days.order_by(["customer_id", "order_date"]).to_pyarrow()
    if arrow.num_rows == 0:
        return pd.DataFrame(columns=["frequency", "recency", "T", "monetary_value"])
    id_column = arrow.column("customer_id").cast(pa.string())
    day_numbers = arrow.column("order_date").cast("int32").to_numpy().astype(np.int64)
    # Sums of floats depend on the order rows were added in: round so the fit is reproducible.
    raw = arrow.column("amount").to_numpy(zero_copy_only=False).astype(float)
    with np.errstate(over="ignore", invalid="ignore"):
        rounded = np.round(raw, 6)  # overflows (inf) for amounts near the float limit
    amounts = np.where(np.isfinite(rounded), rounded, raw)
    # the rows are sorted by customer: a customer's rows start where the id changes
    changed = pc.not_equal(id_column.slice(1), id_column.slice(0, arrow.num_rows - 1))
    starts = np.flatnonzero(np.r_[True, changed.to_numpy(zero_copy_only=False)])
    counts = np.diff(np.r_[starts, arrow.num_rows])
    first_day = day_numbers[starts]
    last_day = day_numbers[starts + counts - 1]
    with np.errstate(over="ignore", invalid="ignore"):
        totals = np.add.reduceat(amounts, starts)
        finite = np.logical_and.reduceat(np.isfinite(amounts), starts) & np.isfinite(totals)
        frequency = counts - 1
        repeat_total = totals - amounts[starts]
        monetary = np.where(frequency > 0, repeat_total / np.maximum(frequency, 1), 0.0)
    monetary = np.where(finite, monetary, np.nan)
    end_day = (as_of - date(1970, 1, 1)).days
    return pd.DataFrame(
        {
            "frequency": frequency.astype(float),
            "recency": (last_day - first_day) / freq_days,
            "T": (end_day - first_day) / freq_days,
            "monetary_value": monetary,
        },
        index=pd.Index(id_column.take(starts).to_numpy(zero_copy_only=False), name="customer_id"),
    )


def _margins(features: ir.Table, ids: pd.Index, settings: ModelSettings) -> np.ndarray:
    """The margin applied to each purchaser's spend (see the module docstring)."""
    if settings.margin is not None:
        return np.full(len(ids), float(settings.margin))
    if "margin" not in features.columns:
        return np.ones(len(ids))
    table = features.select("customer_id", "margin").to_pyarrow()
    known = pd.Series(
        table.column("margin").to_numpy(zero_copy_only=False).astype(float),
        index=table.column("customer_id").cast(pa.string()).to_numpy(zero_copy_only=False),
    ).dropna()
    fallback = float(known.median()) if len(known) else 1.0
    margins = known.reindex(ids).fillna(fallback).to_numpy(dtype=float)
    return np.clip(margins, 0.0, None)


def _score(
    summary: pd.DataFrame, margins: np.ndarray, settings: ModelSettings
) -> tuple[pd.DataFrame, dict[str, Any]]:
    from custseg.models import GammaGamma, ModifiedBetaGeo, customer_lifetime_value

    x, t_x, age, m = (
        summary[c].to_numpy(dtype=float) for c in ("frequency", "recency", "T", "monetary_value")
    )
    weeks_90, weeks_365 = 90 / settings.freq_days, 365 / settings.freq_days
    record: dict[str, Any] = {}
    with thread_warnings(ConvergenceWarning, RuntimeWarning) as caught:
        model = ModifiedBetaGeo().fit(x, t_x, age)
        record["transaction"] = _describe(model)
        scores = pd.DataFrame(
            {
                "p_alive": model.probability_alive(x, t_x, age),
                "expected_purchases_90d": model.expected_purchases(weeks_90, x, t_x, age),
                "expected_purchases_365d": model.expected_purchases(weeks_365, x, t_x, age),
                "p_no_purchase_90d": model.probability_no_purchase(weeks_90, x, t_x, age),
            },
            index=summary.index,
        )
        usable = (x > 0) & np.isfinite(m) & (m > 0)
        x_spend = np.where(usable, x, 0.0)
        m_spend = np.where(usable, m, 0.0)  # non-finite spend must not reach the models
        try:
            spend_model = GammaGamma().fit(x_spend, m_spend)
            record["spend"] = _describe(spend_model)
            ok = np.isfinite(m)  # purchasers with non-finite spend are dropped (null)
            spend = np.full(len(m), np.nan)
            spend[ok] = spend_model.expected_average_spend(x_spend[ok], m_spend[ok])
            discounted = np.full(len(m), np.nan)
            discounted[ok] = customer_lifetime_value(
                model,
                spend_model,
                x_spend[ok],
                t_x[ok],
                age[ok],
                m_spend[ok],
                horizon_periods=settings.horizon_weeks,
                discount_rate_per_period=settings.weekly_discount_rate,
                margin=1.0,
            )
            scores["expected_spend"] = spend
            scores["clv_12m"] = margins * discounted
        except _FIT_ERRORS as exc:
            record["spend"] = {"status": "skipped", "reason": str(exc)}
            scores["expected_spend"] = np.nan
            scores["clv_12m"] = np.nan
    record["warnings"] = [str(w.message) for w in caught]
    scores = scores.astype(float).round(6)
    scores[~np.isfinite(scores)] = np.nan
    return scores, record


def _describe(model: Any) -> dict[str, Any]:
    return {
        "model": type(model).__name__,
        "params": {k: _finite(v) for k, v in model.params_.items()},
        "standard_errors": {k: _finite(v) for k, v in model.standard_errors_.items()},
        "log_likelihood": _finite(model.log_likelihood_),
        "n_customers": int(model.n_customers_),
        "converged": bool(model.converged_),
    }


def _finite(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


def _with_scores(features: ir.Table, scores: pd.DataFrame | None) -> ir.Table:
    """``features`` with its model columns replaced by ``scores`` (left join; null if None)."""
    order = list(features.columns)
    base = features.drop(*[c for c in MODEL_COLUMNS if c in features.columns])
    if scores is None:
        out = base.mutate(**{c: ibis.null("float64") for c in MODEL_COLUMNS})
    else:
        frame = scores.reset_index().rename(columns={"customer_id": "_model_customer_id"})
        table = ibis.memtable(
            frame,
            schema={"_model_customer_id": "string", **dict.fromkeys(MODEL_COLUMNS, "float64")},
        )
        joined = base.left_join(table, base.customer_id.cast("string") == table._model_customer_id)
        out = joined.drop("_model_customer_id")
    wanted = [*order, *[c for c in MODEL_COLUMNS if c not in order]]
    return out.select(*[out[c].cast("float64") if c in MODEL_COLUMNS else out[c] for c in wanted])
