"""Shared machinery of the buy-till-you-die transaction models.

:class:`TransactionModel` holds what BG/NBD, MBG/NBD and Pareto/NBD have in common:

* input checks (every bad value becomes a :class:`~custseg.errors.ModelError` that says which
  customers and how to fix them);
* collapsing identical ``(x, t_x, T)`` rows into weighted sufficient statistics;
* maximum likelihood with L-BFGS-B on log-parameters, convergence checks (a
  :class:`~custseg.errors.ConvergenceWarning` and ``converged_ = False``), standard errors from a
  numerical Hessian;
* the predictions, written once from three model-specific pieces: ``log P(alive)``, the
  expected number of purchases of a customer known to be alive, and the probability that a
  customer known to be alive makes no purchase. For every model::

      E[Y(t) | x, t_x, T]      = P(alive | x, t_x, T) * E[Y(t) | alive, x, T]
      P(Y(t) = 0 | x, t_x, T)  = 1 - P(alive | ...) + P(alive | ...) * P(Y(t) = 0 | alive, x, T)

  and the "given alive" parts depend on ``(x, T)`` only, so they are computed once per distinct
  ``(x, T)`` pair and broadcast back, which keeps scoring millions of customers cheap.

Conventions: ``frequency`` is the number of repeat purchases ``x``, ``recency`` is the age of the
customer at the last purchase ``t_x`` and ``T`` the age at the end of the calibration period, all
in the same time unit (weeks in the papers).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping
from typing import Any, Self

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import optimize
from sklearn.base import BaseEstimator

from custseg.errors import ConvergenceWarning, ModelError
from custseg.models._checks import (
    as_float_array,
    check_is_fitted,
    check_rfm,
    check_weights,
    factorise,
    group_rows,
)

__all__ = [
    "MaximumLikelihoodModel",
    "TransactionModel",
    "as_float_array",
    "check_is_fitted",
    "check_rfm",
    "check_weights",
    "group_rows",
]

FloatArray = NDArray[np.float64]

_LOG_BOUND = 18.0  # parameters are searched in [exp(-18), exp(18)]


class MaximumLikelihoodModel(BaseEstimator):  # type: ignore[misc]
    """Maximum likelihood on collapsed data, shared by the transaction and spend models.

    Subclasses define ``param_names``, ``_initial_params(data, weights)``,
    ``_log_likelihood(theta, *data)`` (per row) and, when ``has_gradient``,
    ``_log_likelihood_grad(theta, *data)`` (one per-row array per natural parameter); without
    it the optimiser uses central finite differences.
    """

    param_names: tuple[str, ...] = ()
    has_gradient: bool = False

    def __init__(self, *, penaliser: float = 0.0, tol: float = 1e-12, max_iter: int = 2000):
        self.penaliser = penaliser
        self.tol = tol
        self.max_iter = max_iter

    def _initial_params(self, data: tuple[FloatArray, ...], w: FloatArray) -> FloatArray:
        raise NotImplementedError

    def _log_likelihood(self, theta: FloatArray, *data: FloatArray) -> FloatArray:
        raise NotImplementedError

    def _log_likelihood_grad(self, theta: FloatArray, *data: FloatArray) -> tuple[FloatArray, ...]:
        """Per-row derivatives of the log-likelihood, one array per parameter."""
        raise NotImplementedError

    def _weighted_grad(
        self, theta: FloatArray, data: tuple[FloatArray, ...], w: FloatArray
    ) -> FloatArray:
        return np.array([np.dot(w, g) for g in self._log_likelihood_grad(theta, *data)])

    def _factorised(self, *columns: FloatArray) -> tuple[tuple[FloatArray, NDArray[np.intp]], ...]:
        """Factorise columns (distinct values + index); cached while fitting on the same arrays.

        Lets likelihoods compute terms that depend on one variable once per distinct value.
        """
        cache = self.__dict__.get("_factor_cache")
        if cache is not None and all(a is b for a, b in zip(cache[0], columns, strict=False)):
            if len(cache[0]) == len(columns):
                return cache[1]  # type: ignore[no-any-return]
        out = tuple(factorise(col) for col in columns)
        if self.__dict__.get("_fitting"):
            self.__dict__["_factor_cache"] = (columns, out)
        return out

    def _fit_arrays(self, data: tuple[FloatArray, ...], weights: FloatArray) -> None:
        self.__dict__["_fitting"] = True
        try:
            self._fit_collapsed(data, weights)
        finally:
            self.__dict__.pop("_fitting", None)
            self.__dict__.pop("_factor_cache", None)
            self.__dict__.pop("_parts_cache", None)

    def _fit_collapsed(self, data: tuple[FloatArray, ...], weights: FloatArray) -> None:
        """Collapse identical rows, maximise the likelihood, set the fitted attributes."""
        if not (np.isfinite(self.penaliser) and self.penaliser >= 0):
            raise ModelError(f"penaliser must be a non-negative number; got {self.penaliser!r}")
        if not (isinstance(self.max_iter, int) and self.max_iter > 0):
            raise ModelError(f"max_iter must be a positive integer; got {self.max_iter!r}")
        if not (np.isfinite(self.tol) and self.tol > 0):
            raise ModelError(f"tol must be a positive number; got {self.tol!r}")
        uniq, inv = group_rows(*data)
        uw = np.bincount(inv, weights=weights, minlength=uniq[0].size)
        udata = tuple(uniq)
        res = self._minimise(self._initial_params(udata, uw), udata, uw)
        theta = np.exp(res.x)
        with np.errstate(all="ignore"):
            ll = float(np.dot(uw, self._log_likelihood(theta, *udata)))
        if not (np.all(np.isfinite(theta)) and np.isfinite(ll)):
            raise ModelError(
                f"{type(self).__name__} fit produced non-finite parameters or log-likelihood "
                f"({dict(zip(self.param_names, theta, strict=True))}, LL={ll}); the data may be "
                "degenerate (e.g. nobody or everybody repeats). Try penaliser=0.01."
            )
        self.params_ = dict(zip(self.param_names, (float(v) for v in theta), strict=True))
        self.log_likelihood_ = ll
        self.n_customers_ = int(data[0].size)
        self.converged_ = self._check_convergence(res, theta)
        self.standard_errors_ = self._standard_errors(res.x, udata, uw, warn=self.converged_)

    def _objective(
        self, u: FloatArray, data: tuple[FloatArray, ...], w: FloatArray
    ) -> float | tuple[float, FloatArray]:
        theta = np.exp(u)
        total = w.sum()
        with np.errstate(all="ignore"):
            ll = self._log_likelihood(theta, *data)
            value = -np.dot(w, ll) / total + self.penaliser * np.sum(u**2)
            if not np.isfinite(value):
                value = 1e100
            if not self.has_gradient:
                return float(value)
            grad_theta = -self._weighted_grad(theta, data, w) / total
            grad = grad_theta * theta + 2.0 * self.penaliser * u
        grad = np.where(np.isfinite(grad), grad, 0.0)
        return float(value), grad

    def _minimise(
        self, theta0: FloatArray, data: tuple[FloatArray, ...], w: FloatArray
    ) -> optimize.OptimizeResult:
        u0 = np.clip(np.log(theta0), -_LOG_BOUND + 1, _LOG_BOUND - 1)
        return optimize.minimize(
            self._objective,
            u0,
            args=(data, w),
            jac=True if self.has_gradient else "3-point",
            method="L-BFGS-B",
            bounds=[(-_LOG_BOUND, _LOG_BOUND)] * u0.size,
            options={"maxiter": self.max_iter, "ftol": self.tol, "gtol": 1e-9, "maxcor": 20},
        )

    def _check_convergence(self, res: optimize.OptimizeResult, theta: FloatArray) -> bool:
        grad = np.asarray(getattr(res, "jac", np.zeros(1)), dtype=float)
        small_grad = bool(np.all(np.abs(grad) < 1e-5))
        at_bound = np.abs(res.x) >= _LOG_BOUND - 1e-6
        converged = (bool(res.success) or small_grad) and not np.any(at_bound)
        if not converged:
            names = [n for n, b in zip(self.param_names, at_bound, strict=True) if b]
            reason = (
                f"parameter(s) {names} ran to the search bound (the data do not identify them)"
                if names
                else f"the optimiser stopped: {res.message}"
            )
            shown = ", ".join(f"{n}={v:.6g}" for n, v in zip(self.param_names, theta, strict=True))
            warnings.warn(  # stacklevel 4: the caller of fit()
                f"{type(self).__name__} did not converge: {reason}. Parameters {shown}. "
                "Try more data, a larger max_iter, or penaliser > 0.",
                ConvergenceWarning,
                stacklevel=4,
            )
        return converged

    def _standard_errors(
        self, u: FloatArray, data: tuple[FloatArray, ...], w: FloatArray, *, warn: bool
    ) -> dict[str, float]:
        """Standard errors from the numerical Hessian of the total negative log-likelihood.

        The Hessian ``H_u`` is taken w.r.t. the log-parameters by central differences; at the
        optimum ``cov(theta) = diag(theta) H_u^{-1} diag(theta)`` (delta method).
        """
        k, h = u.size, 1e-4

        def nll(v: FloatArray) -> float:
            with np.errstate(all="ignore"):
                return float(-np.dot(w, self._log_likelihood(np.exp(v), *data)))

        hess = self._hessian(nll, u, data, w, h)
        variances = np.full(k, -1.0)
        if np.all(np.isfinite(hess)):
            try:
                variances = np.diag(np.linalg.inv(hess))
            except np.linalg.LinAlgError:
                pass
        if not np.all(variances > 0):
            if warn:  # a fit that did not converge has already warned
                warnings.warn(
                    f"{type(self).__name__}: the Hessian of the log-likelihood is not positive "
                    "definite at the optimum; standard errors are set to inf.",
                    ConvergenceWarning,
                    stacklevel=4,
                )
            return dict.fromkeys(self.param_names, float("inf"))
        se = np.exp(u) * np.sqrt(variances)
        return dict(zip(self.param_names, (float(v) for v in se), strict=True))

    def _hessian(
        self,
        nll: Callable[[FloatArray], float],
        u: FloatArray,
        data: tuple[FloatArray, ...],
        w: FloatArray,
        h: float,
    ) -> FloatArray:
        """Central-difference Hessian of ``nll`` in ``u`` (from the gradient when there is one)."""
        k = u.size
        eye = np.eye(k) * h
        if self.has_gradient:

            def grad(v: FloatArray) -> FloatArray:
                with np.errstate(all="ignore"):
                    g = -self._weighted_grad(np.exp(v), data, w)
                return np.asarray(g * np.exp(v), dtype=float)

            # d/du of (dNLL/dtheta * theta); at the optimum dNLL/dtheta ~ 0, so this is H_u.
            rows = [(grad(u + eye[i]) - grad(u - eye[i])) / (2 * h) for i in range(k)]
            hess = np.array(rows)
            return np.asarray((hess + hess.T) / 2, dtype=float)
        hess = np.empty((k, k))
        f0 = nll(u)
        for i in range(k):
            for j in range(i, k):
                if i == j:
                    val = (nll(u + eye[i]) - 2 * f0 + nll(u - eye[i])) / h**2
                else:
                    val = (
                        nll(u + eye[i] + eye[j])
                        - nll(u + eye[i] - eye[j])
                        - nll(u - eye[i] + eye[j])
                        + nll(u - eye[i] - eye[j])
                    ) / (4 * h**2)
                hess[i, j] = hess[j, i] = val
        return hess

    # ---- construction from known parameters ----------------------------------------------
    @classmethod
    def from_params(cls, params: Mapping[str, float], **init: Any) -> Self:
        """Return a model that scores with known ``params`` (no fit; only ``params_`` is set)."""
        missing = set(cls.param_names) - set(params)
        extra = set(params) - set(cls.param_names)
        if missing or extra:
            raise ModelError(
                f"{cls.__name__} needs parameters {list(cls.param_names)}; "
                f"missing {sorted(missing)}, unknown {sorted(extra)}"
            )
        bad = {k: v for k, v in params.items() if not (np.isfinite(v) and v > 0)}
        if bad:
            raise ModelError(f"{cls.__name__} parameters must be positive and finite; got {bad}")
        model = cls(**init)
        model.params_ = {name: float(params[name]) for name in cls.param_names}
        return model

    def _theta(self) -> FloatArray:
        check_is_fitted(self)
        return np.array([self.params_[n] for n in self.param_names])


class TransactionModel(MaximumLikelihoodModel):
    """Base class of the BG/NBD-family estimators (see the module docstring).

    Parameters
    ----------
    penaliser : float, default 0.0
        L2 penalty on the log-parameters, added to the mean negative log-likelihood per
        customer: ``penaliser * sum(log(theta) ** 2)``. It shrinks every parameter towards 1 and
        helps when the data barely identify a parameter. 0 gives the maximum likelihood fit.
    tol : float, default 1e-12
        Relative tolerance on the objective (``ftol`` of L-BFGS-B).
    max_iter : int, default 2000
        Maximum number of optimiser iterations.
    """

    def _log_p_alive(
        self, theta: FloatArray, x: FloatArray, t_x: FloatArray, T: FloatArray
    ) -> FloatArray:
        raise NotImplementedError

    def _expected_given_alive(
        self, theta: FloatArray, t: FloatArray, x: FloatArray, T: FloatArray
    ) -> FloatArray:
        raise NotImplementedError

    def _no_purchase_given_alive(
        self, theta: FloatArray, t: FloatArray, x: FloatArray, T: FloatArray
    ) -> FloatArray:
        raise NotImplementedError

    def _expected_new(self, theta: FloatArray, t: FloatArray) -> FloatArray:
        raise NotImplementedError

    def fit(
        self,
        frequency: ArrayLike,
        recency: ArrayLike,
        T: ArrayLike,
        weights: ArrayLike | None = None,
    ) -> Self:
        """Fit the model by maximum likelihood.

        Parameters
        ----------
        frequency, recency, T : array-like of shape (n_customers,)
            Repeat purchases ``x``, age at last purchase ``t_x`` and age at the end of the
            calibration period ``T``, in one time unit.
        weights : array-like of shape (n_customers,), optional
            Number of customers each row stands for (for pre-aggregated data).

        Returns
        -------
        self
        """
        x, t_x, age = check_rfm(frequency, recency, T)
        self._fit_arrays((x, t_x, age), check_weights(weights, x.size))
        return self

    # ---- predictions ---------------------------------------------------------------------
    def log_likelihood(self, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike) -> FloatArray:
        """Per-customer log-likelihood at the fitted parameters."""
        theta = self._theta()
        x, t_x, age = check_rfm(frequency, recency, T)
        with np.errstate(all="ignore"):
            return self._log_likelihood(theta, x, t_x, age)

    def probability_alive(
        self, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike
    ) -> FloatArray:
        """Return P(alive at T | x, t_x, T) for each customer."""
        theta = self._theta()
        x, t_x, age = check_rfm(frequency, recency, T)
        with np.errstate(all="ignore"):
            return np.clip(np.exp(self._log_p_alive(theta, x, t_x, age)), 0.0, 1.0)

    def expected_purchases(
        self, t: ArrayLike, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike
    ) -> FloatArray:
        """Return E[number of purchases in (T, T + t] | x, t_x, T] for each customer."""
        theta = self._theta()
        p_alive = self.probability_alive(frequency, recency, T)
        x, _, age = check_rfm(frequency, recency, T)
        horizon = _check_t(t, x.size)
        given_alive = _on_distinct(
            lambda tt, xx, TT: self._expected_given_alive(theta, tt, xx, TT), horizon, x, age
        )
        return p_alive * given_alive

    def probability_no_purchase(
        self, t: ArrayLike, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike
    ) -> FloatArray:
        """Return P(no purchase in (T, T + t] | x, t_x, T) = P(dead) + P(alive) P(none | alive)."""
        theta = self._theta()
        p_alive = self.probability_alive(frequency, recency, T)
        x, _, age = check_rfm(frequency, recency, T)
        horizon = _check_t(t, x.size)
        none_alive = _on_distinct(
            lambda tt, xx, TT: self._no_purchase_given_alive(theta, tt, xx, TT), horizon, x, age
        )
        return np.clip(1.0 - p_alive + p_alive * none_alive, 0.0, 1.0)

    def expected_purchases_new_customer(self, t: ArrayLike) -> FloatArray:
        """Return the unconditional E[X(t)] for a customer just acquired (age 0)."""
        theta = self._theta()
        horizon = np.asarray(t, dtype=float)
        if not np.all(np.isfinite(horizon)) or np.any(horizon < 0):
            raise ModelError("t must be finite and non-negative")
        with np.errstate(all="ignore"):
            return np.asarray(self._expected_new(theta, horizon), dtype=float)

    def discounted_expected_purchases(
        self,
        times: ArrayLike,
        discounts: ArrayLike,
        frequency: ArrayLike,
        recency: ArrayLike,
        T: ArrayLike,
    ) -> FloatArray:
        """Return ``sum_k discounts[k] * (E[Y(times[k])] - E[Y(times[k-1])])`` per customer.

        ``times`` must be increasing (``times[-1]`` taken as 0 before the first). Used by
        :func:`custseg.models.clv.customer_lifetime_value`; computed per distinct ``(x, T)``.
        """
        p_alive = self.probability_alive(frequency, recency, T)
        x, _, age = check_rfm(frequency, recency, T)
        (ux, uT), inv = group_rows(x, age)
        return p_alive * self.discounted_given_alive(times, discounts, ux, uT)[inv]

    # ---- the parts that depend on (x, T) only ---------------------------------------------
    # A customer's scores are P(alive | x, t_x, T) times one of these. An engine scoring
    # millions of customers computes P(alive) as an expression (custseg.models.expressions)
    # and these once per distinct (x, T) pair, joined back.
    def expected_given_alive(self, t: float, frequency: ArrayLike, T: ArrayLike) -> FloatArray:
        """Return E[purchases in (T, T + t] | alive at T, x, T] for each row."""
        theta = self._theta()
        x, age = _check_x_T(frequency, T)
        horizon = _check_t(t, x.size)
        with np.errstate(all="ignore"):
            return np.asarray(self._expected_given_alive(theta, horizon, x, age), dtype=float)

    def no_purchase_given_alive(self, t: float, frequency: ArrayLike, T: ArrayLike) -> FloatArray:
        """Return P(no purchase in (T, T + t] | alive at T, x, T) for each row."""
        theta = self._theta()
        x, age = _check_x_T(frequency, T)
        horizon = _check_t(t, x.size)
        with np.errstate(all="ignore"):
            return np.asarray(self._no_purchase_given_alive(theta, horizon, x, age), dtype=float)

    def discounted_given_alive(
        self, times: ArrayLike, discounts: ArrayLike, frequency: ArrayLike, T: ArrayLike
    ) -> FloatArray:
        """Return ``sum_k discounts[k] * (E[Y(times[k]) | alive] - E[Y(times[k-1]) | alive])``."""
        theta = self._theta()
        x, age = _check_x_T(frequency, T)
        grid = np.asarray(times, dtype=float)
        disc = np.asarray(discounts, dtype=float)
        acc = np.zeros(x.size)
        previous = np.zeros(x.size)
        with np.errstate(all="ignore"):
            for time, d in zip(grid, disc, strict=True):
                current = self._expected_given_alive(theta, np.full(x.size, time), x, age)
                acc += d * (current - previous)
                previous = current
        return acc


def _check_x_T(frequency: ArrayLike, T: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """``x`` and ``T`` checked as in :func:`check_rfm` (with ``t_x = 0``, always valid)."""
    x, _, age = check_rfm(frequency, np.zeros(np.size(frequency)), T)
    return x, age


def _check_t(t: ArrayLike, n: int) -> FloatArray:
    horizon = np.asarray(t, dtype=float)
    if horizon.ndim > 1 or (horizon.ndim == 1 and horizon.size not in (1, n)):
        raise ModelError(f"t must be a scalar or have one value per customer ({n})")
    if not np.all(np.isfinite(horizon)) or np.any(horizon < 0):
        raise ModelError("t must be finite and non-negative (a number of periods)")
    return np.broadcast_to(horizon.reshape(-1) if horizon.ndim else horizon, (n,)).astype(float)


def _on_distinct(
    func: Callable[[FloatArray, FloatArray, FloatArray], FloatArray],
    t: FloatArray,
    x: FloatArray,
    T: FloatArray,
) -> FloatArray:
    """Evaluate ``func(t, x, T)`` once per distinct ``(t, x, T)`` row and broadcast back."""
    (ut, ux, uT), inv = group_rows(t, x, T)
    with np.errstate(all="ignore"):
        return np.asarray(func(ut, ux, uT), dtype=float)[inv]
