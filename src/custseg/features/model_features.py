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
- Where it is computed: the per-purchaser statistics in the engine (DuckDB, PostgreSQL or
  Spark); only the distinct ``(x, t_x, T)`` rows with their number of customers come to Python,
  where MBG/NBD is fitted on them (the same fit as on one row per customer); above
  :data:`TRANSACTION_SAMPLE_SIZE` (1,000,000) purchasers, on a seeded simple random sample of
  that many of them (:func:`transaction_sample_rows`). Gamma-Gamma is
  fitted on the repeat buyers' ``(x, m)``, a seeded sample of :data:`SPEND_SAMPLE_SIZE`
  (200,000) of them, chosen by rank in customer id order, when there are more. Every customer
  is then scored in the engine: P(alive) and expected spend as expressions
  (:mod:`custseg.models.expressions`), the parts with a special function once per distinct
  ``(x, T)`` pair, joined back.
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

from custseg.errors import ConvergenceWarning, ModelError
from custseg.features._context import BuildContext
from custseg.features._orders import order_lines, order_totals, purchase_day_amounts
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
    statistics: ir.Table | None = None,
) -> tuple[ir.Table, dict[str, Any]]:
    """Return ``features`` with the model columns filled in, and the fitted models' record.

    The record (JSON-ready) holds the settings, each model's parameters, standard errors,
    log-likelihood and convergence, or ``status: "skipped"`` and a ``reason``.
    ``statistics``: :func:`purchase_statistics` of the same date when the caller has them
    (e.g. stored once: the fit and the scores read them several times).
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
    stats = purchase_statistics(con, as_of) if statistics is None else statistics
    rows = _distinct_rows(stats)
    purchasers = int(rows["n"].sum())
    record["purchasers"] = purchasers
    if purchasers < settings.min_purchasers:
        reason = (
            f"only {purchasers} customers have purchased; the models need at least "
            f"{settings.min_purchasers}"
        )
        return _with_scores(features, None), {**record, "status": "skipped", "reason": reason}
    bad = int(rows["non_finite"].sum())
    if bad:
        record["non_finite_spend"] = {
            "customers": bad,
            "note": "purchase amounts that are not finite: these customers were dropped from "
            "the spend model (expected_spend and clv_12m are null for them)",
        }
    try:
        scores, fitted = _score(stats, rows, features, settings)
    except _FIT_ERRORS as exc:
        reason = f"the purchase model could not be fitted: {exc}"
        return _with_scores(features, None), {**record, "status": "skipped", "reason": reason}
    return _with_scores(features, scores, settings), {**record, "status": "fitted", **fitted}


def purchase_statistics(
    con: ibis.BaseBackend, as_of: date, *, days: ir.Table | None = None
) -> ir.Table:
    """One row per purchaser: the models' sufficient statistics, computed in the engine.

    Columns: ``customer_id``; ``x`` (repeat purchase days), ``t_x_days`` and ``T_days`` (days
    from the first purchase to the last one and to as_of); ``m`` (mean value of the repeat
    purchase days, 0 without one, null when an amount or the total is not finite);
    ``finite``. Day amounts and the repeat total are rounded to 6 decimals, so the statistics
    do not depend on the order in which the engine adds the rows.

    ``days``: the purchase days of the same date with their amounts (the ``days`` of
    :class:`~custseg.features._orders.OrderTables`), read instead of the order lines.
    """
    ctx = BuildContext(as_of=as_of, parameters=FeatureParameters())
    if days is None:
        orders = order_totals(order_lines(con, ctx))
        days = purchase_day_amounts(orders.filter(orders.net > 0))
    if "gap" in days.columns:  # a day after the customer's first has a gap to the one before
        days = days.mutate(repeat=days.gap.notnull())
    else:
        first = days.order_date.min().over(ibis.window(group_by=days.customer_id))
        days = days.mutate(repeat=days.order_date > first)
    not_finite = days.amount.isinf() | days.amount.isnan()
    per = days.group_by("customer_id").aggregate(
        n_days=days.count(),
        first_day=days.order_date.min(),
        last_day=days.order_date.max(),
        total=days.amount.sum(),
        repeat_total=days.amount.sum(where=days.repeat),
        any_bad=not_finite.any(),
    )
    x = (per.n_days - 1).cast("int64")
    finite = ~(per.any_bad | per.total.isinf() | per.total.isnan())
    m = ibis.cases(
        (~finite, ibis.null("float64")),
        (x == 0, ibis.literal(0.0)),
        else_=per.repeat_total.round(6) / x.cast("float64"),
    )
    return per.select(
        "customer_id",
        x=x,
        t_x_days=per.last_day.delta(per.first_day, unit="day").cast("int64"),
        T_days=ctx.days_before_as_of(per.first_day).cast("int64"),
        m=m,
        finite=finite,
    )


def _distinct_rows(stats: ir.Table) -> pd.DataFrame:
    """The distinct ``(x, t_x_days, T_days)`` rows with their number of customers.

    In the order of their first customer id: the order a fit on one row per customer (sorted
    by id) would meet them in, so the collapsed fit is the same computation.
    """
    grouped = stats.group_by(["x", "t_x_days", "T_days"]).aggregate(
        n=stats.count(),
        non_finite=stats.count(where=~stats.finite),
        first_id=stats.customer_id.cast("string").min(),
    )
    arrow = grouped.order_by("first_id").drop("first_id").to_pyarrow()
    return pd.DataFrame(
        {
            c: arrow.column(c).to_numpy(zero_copy_only=False).astype(np.int64)
            for c in arrow.column_names
        }
    )


TRANSACTION_SAMPLE_SIZE = 1_000_000
"""The transaction model is fitted on at most this many purchasers (a seeded sample beyond)."""
TRANSACTION_SAMPLE_SEED = 20_261_202


def transaction_sample_rows(
    rows: pd.DataFrame, size: int | None = None, seed: int = TRANSACTION_SAMPLE_SEED
) -> tuple[pd.DataFrame, dict[str, Any] | None]:
    """The distinct ``(x, t_x_days, T_days)`` rows the transaction model is fitted on.

    ``rows`` as :func:`_distinct_rows` gives them (``n`` customers each, in a fixed order). Up
    to ``size`` (default :data:`TRANSACTION_SAMPLE_SIZE`) purchasers, all of them and None;
    beyond, a simple random sample of ``size`` purchasers without replacement, drawn with
    ``seed``: each row keeps the number of its customers that were drawn (a multivariate
    hypergeometric draw over the rows, which is what drawing customers one by one gives), rows
    with none are dropped; and the sample's record (customers, of, seed). The rows come from the
    engine in the same order on every engine, so the same data gives the same sample.
    """
    size = TRANSACTION_SAMPLE_SIZE if size is None else size
    counts = rows["n"].to_numpy(dtype=np.int64)
    total = int(counts.sum())
    if total <= size:
        return rows, None
    rng = np.random.default_rng(seed)
    drawn = rng.multivariate_hypergeometric(counts, size, method="marginals")
    kept = rows.assign(n=drawn.astype(np.int64))
    kept = kept[kept["n"] > 0].reset_index(drop=True)
    return kept, {"customers": size, "of": total, "seed": seed}


SPEND_SAMPLE_SIZE = 200_000
"""The spend model is fitted on at most this many repeat buyers (a seeded sample beyond)."""
SPEND_SAMPLE_SEED = 20_240_601


def _spend_data(stats: ir.Table) -> tuple[np.ndarray, np.ndarray, dict[str, Any] | None]:
    """``x, m`` of the repeat buyers the spend model is fitted on, in customer id order.

    All of them up to :data:`SPEND_SAMPLE_SIZE`; beyond, a sample of that many, drawn with a
    fixed seed by rank in customer id order (so DuckDB and Spark pick the same customers).
    """
    usable = stats.filter((stats.x > 0) & stats.finite & (stats.m > 0))
    usable = usable.select(customer_id=usable.customer_id.cast("string"), x=usable.x, m=usable.m)
    sample: dict[str, Any] | None = None
    count = int(usable.count().execute())
    if count > SPEND_SAMPLE_SIZE:
        rng = np.random.default_rng(SPEND_SAMPLE_SEED)
        picked = np.sort(rng.choice(count, SPEND_SAMPLE_SIZE, replace=False)).astype(np.int64)
        ranked = usable.mutate(_rank=ibis.row_number().over(order_by=usable.customer_id))
        keep = ibis.memtable(pd.DataFrame({"_picked": picked}), schema={"_picked": "int64"})
        usable = ranked.join(keep, ranked._rank == keep._picked).drop("_rank", "_picked")
        sample = {"customers": SPEND_SAMPLE_SIZE, "of": count, "seed": SPEND_SAMPLE_SEED}
    arrow = usable.order_by("customer_id").select("x", "m").to_pyarrow()
    x = arrow.column("x").to_numpy(zero_copy_only=False).astype(float)
    m = arrow.column("m").to_numpy(zero_copy_only=False).astype(float)
    return x, m, sample


def _margin_expr(table: ir.Table, settings: ModelSettings, median: float | None) -> ir.Value:
    """The margin applied to each purchaser's spend (see the module docstring)."""
    if settings.margin is not None:
        return ibis.literal(float(settings.margin))
    if "margin" not in table.columns:
        return ibis.literal(1.0)
    fallback = 1.0 if median is None or pd.isna(median) else float(median)
    return ibis.greatest(table.margin.cast("float64").fill_null(fallback), 0.0)


def _median_margin(features: ir.Table, settings: ModelSettings) -> float | None:
    """The median of the known margins (the margin of customers whose own is unknown)."""
    if settings.margin is not None or "margin" not in features.columns:
        return None
    value = features.margin.cast("float64").quantile(0.5).execute()
    return None if value is None or pd.isna(value) else float(value)


def _finite_rounded(value: ir.Value) -> ir.Value:
    """``value`` rounded to 6 decimals; null when it is not finite."""
    rounded = value.cast("float64").round(6)
    return ibis.ifelse(rounded.isinf() | rounded.isnan(), ibis.null("float64"), rounded)


def _score(
    stats: ir.Table, rows: pd.DataFrame, features: ir.Table, settings: ModelSettings
) -> tuple[ir.Table, dict[str, Any]]:
    """Fit on the collapsed statistics; return every purchaser's scores as an engine table.

    Columns: ``_model_customer_id``, :data:`MODEL_COLUMNS` before rounding, and ``_margin``
    (the margin factor of ``clv_12m``, joined from ``features``).
    """
    from custseg.models import GammaGamma, ModifiedBetaGeo
    from custseg.models.expressions import expected_spend_expr, probability_alive_expr

    fit_rows, transaction_sample = transaction_sample_rows(rows)
    x = fit_rows["x"].to_numpy(dtype=float)
    t_x = fit_rows["t_x_days"].to_numpy() / settings.freq_days
    age = fit_rows["T_days"].to_numpy() / settings.freq_days
    weeks_90, weeks_365 = 90 / settings.freq_days, 365 / settings.freq_days
    record: dict[str, Any] = {}
    if transaction_sample:
        record["transaction_sample"] = transaction_sample
    with thread_warnings(ConvergenceWarning, RuntimeWarning) as caught:
        model = ModifiedBetaGeo().fit(x, t_x, age, weights=fit_rows["n"].to_numpy(dtype=float))
        record["transaction"] = _describe(model, int(fit_rows["n"].sum()))
        # the parts of the scores that depend on (x, T) only, once per distinct pair
        pairs = rows[["x", "T_days"]].drop_duplicates().reset_index(drop=True)
        px = pairs["x"].to_numpy(dtype=float)
        pT = pairs["T_days"].to_numpy() / settings.freq_days
        times = np.arange(1, int(np.ceil(settings.horizon_weeks - 1e-9)) + 1, dtype=float)
        times[-1] = min(times[-1], float(settings.horizon_weeks))
        discounts = (1.0 + settings.weekly_discount_rate) ** (-times)
        parts = pd.DataFrame(
            {
                "_x": pairs["x"],
                "_T_days": pairs["T_days"],
                "_alive_90": model.expected_given_alive(weeks_90, px, pT),
                "_alive_365": model.expected_given_alive(weeks_365, px, pT),
                "_none_90": model.no_purchase_given_alive(weeks_90, px, pT),
                "_discounted": model.discounted_given_alive(times, discounts, px, pT),
            }
        )
        spend_model: GammaGamma | None = None
        try:
            spend_x, spend_m, sample = _spend_data(stats)
            if sample:
                record["spend_sample"] = sample
            spend_model = GammaGamma().fit(spend_x, spend_m)
            record["spend"] = _describe(spend_model, spend_x.size)
            # raises ModelError for q <= 1, before anything is scored
            expected_spend_expr(spend_model, ibis.literal(0), ibis.literal(0.0))
        except _FIT_ERRORS as exc:
            record["spend"] = {"status": "skipped", "reason": str(exc)}
            spend_model = None
    record["warnings"] = [str(w.message) for w in caught]

    table = ibis.memtable(
        parts,
        schema={
            "_x": "int64",
            "_T_days": "int64",
            **dict.fromkeys(["_alive_90", "_alive_365", "_none_90", "_discounted"], "float64"),
        },
    )
    s = stats.join(table, [stats.x == table._x, stats.T_days == table._T_days])
    t_x_weeks = s.t_x_days.cast("float64") / settings.freq_days
    T_weeks = s.T_days.cast("float64") / settings.freq_days
    p_alive = probability_alive_expr(model, s.x, t_x_weeks, T_weeks)
    spend: ir.Value = ibis.null("float64")
    if spend_model is not None:
        # repeat buyers whose mean spend is not positive count as one-time buyers (x = 0, m = 0)
        usable = (s.x > 0) & (s.m > 0)
        spend = expected_spend_expr(
            spend_model, ibis.ifelse(usable, s.x, 0), ibis.ifelse(usable, s.m, 0.0)
        )
        spend = ibis.ifelse(s.finite, spend, ibis.null("float64"))
    # P(alive) and the spend as named columns first: the scores below use them by name, so the
    # SQL does not repeat their expressions.
    s = s.select(
        "customer_id",
        "_alive_90",
        "_alive_365",
        "_none_90",
        "_discounted",
        _p_alive=ibis.least(ibis.greatest(p_alive, 0.0), 1.0),
        _spend=spend.cast("float64"),
    )
    p = s._p_alive
    columns: dict[str, ir.Value] = {
        "_model_customer_id": s.customer_id.cast("string"),
        "p_alive": p,
        "expected_purchases_90d": p * s._alive_90,
        "expected_purchases_365d": p * s._alive_365,
        "p_no_purchase_90d": ibis.least(ibis.greatest(1.0 - p + p * s._none_90, 0.0), 1.0),
        "expected_spend": s._spend,
        "_clv_unit": s._spend * (p * s._discounted),
    }
    return s.select(**columns), record


def _describe(model: Any, customers: int) -> dict[str, Any]:
    return {
        "model": type(model).__name__,
        "params": {k: _finite(v) for k, v in model.params_.items()},
        "standard_errors": {k: _finite(v) for k, v in model.standard_errors_.items()},
        "log_likelihood": _finite(model.log_likelihood_),
        "n_customers": customers,
        "converged": bool(model.converged_),
    }


def _finite(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


def _with_scores(
    features: ir.Table, scores: ir.Table | None, settings: ModelSettings | None = None
) -> ir.Table:
    """``features`` with its model columns replaced by ``scores`` (left join; null if None).

    ``clv_12m`` is the margin (:func:`_margin_expr`) times ``scores._clv_unit``; every model
    column is rounded to 6 decimals, and a value that is not finite becomes null.
    """
    order = list(features.columns)
    base = features.drop(*[c for c in MODEL_COLUMNS if c in features.columns])
    if scores is None:
        out = base.mutate(**{c: ibis.null("float64") for c in MODEL_COLUMNS})
    else:
        settings = settings or ModelSettings()
        median = _median_margin(base, settings)
        joined = base.left_join(
            scores, base.customer_id.cast("string") == scores._model_customer_id
        )
        values = {c: joined[c] for c in MODEL_COLUMNS if c != "clv_12m"}
        values["clv_12m"] = _margin_expr(joined, settings, median) * joined._clv_unit
        out = joined.mutate(**{c: _finite_rounded(v) for c, v in values.items()})
        out = out.drop(*[c for c in scores.columns if c.startswith("_")])
    wanted = [*order, *[c for c in MODEL_COLUMNS if c not in order]]
    return out.select(*[out[c].cast("float64") if c in MODEL_COLUMNS else out[c] for c in wanted])
