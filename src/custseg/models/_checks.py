"""Input checks and row grouping shared by the models (internal)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from custseg.errors import ModelError, NotFittedError

FloatArray = NDArray[np.float64]


def check_is_fitted(model: Any) -> None:
    """Raise :class:`NotFittedError` unless ``model`` has fitted parameters."""
    if getattr(model, "params_", None) is None:
        name = type(model).__name__
        raise NotFittedError(f"this {name} is not fitted yet; call .fit(...) first")


def as_float_array(values: ArrayLike, name: str) -> FloatArray:
    """Return ``values`` as a 1-D float array, or raise ModelError if it is not numeric."""
    try:
        arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ModelError(f"{name} must be numeric; got {type(values).__name__}") from exc
    if arr.ndim == 0:
        arr = arr.reshape(1)
    if arr.ndim != 1:
        raise ModelError(f"{name} must be one-dimensional; got shape {arr.shape}")
    return arr


def _fail(mask: NDArray[np.bool_], values: FloatArray, what: str, fix: str) -> None:
    if np.any(mask):
        idx = np.flatnonzero(mask)
        raise ModelError(
            f"{what}: {idx.size} customer(s), first at position {idx[0]} "
            f"(value {values[idx[0]]!r}). {fix}"
        )


def check_rfm(
    frequency: ArrayLike, recency: ArrayLike, T: ArrayLike
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Validate frequency, recency and T; return them as float arrays of one length."""
    x = as_float_array(frequency, "frequency")
    t_x = as_float_array(recency, "recency")
    age = as_float_array(T, "T")
    if not x.size == t_x.size == age.size:
        raise ModelError(
            "frequency, recency and T must have the same length; "
            f"got {x.size}, {t_x.size} and {age.size}"
        )
    if x.size == 0:
        raise ModelError("no customers: frequency, recency and T are empty")
    fix = "Drop or repair these customers before fitting or scoring."
    for arr, name in ((x, "frequency"), (t_x, "recency"), (age, "T")):
        _fail(~np.isfinite(arr), arr, f"{name} is NaN or infinite", fix)
        _fail(arr < 0, arr, f"{name} is negative", fix)
    _fail(x != np.round(x), x, "frequency is not a whole number of repeat purchases", fix)
    tol = 1e-9 * np.maximum(1.0, age)
    _fail(t_x > age + tol, t_x, "recency is greater than T (last purchase after the end)", fix)
    _fail((x == 0) & (t_x > 0), t_x, "frequency is 0 but recency is positive", fix)
    return x, np.minimum(t_x, age), age


def check_weights(weights: ArrayLike | None, n: int) -> FloatArray:
    """Return positive finite weights of length ``n`` (ones when ``weights`` is None)."""
    if weights is None:
        return np.ones(n)
    w = as_float_array(weights, "weights")
    if w.size != n:
        raise ModelError(f"weights must have one value per customer ({n}); got {w.size}")
    _fail(~np.isfinite(w) | (w <= 0), w, "weights must be positive and finite", "Fix the weights.")
    return w


def factorise(values: FloatArray) -> tuple[FloatArray, NDArray[np.intp]]:
    """Return ``(distinct values, index of each value among them)`` (hash-based, O(n))."""
    codes, uniques = pd.factorize(values, sort=False)
    return np.asarray(uniques, dtype=float), np.asarray(codes, dtype=np.intp)


def group_rows(*columns: FloatArray) -> tuple[list[FloatArray], NDArray[np.intp]]:
    """Return the distinct rows of equal-length columns and the inverse index.

    Same result as ``np.unique(np.column_stack(columns), axis=0, return_inverse=True)`` up to
    the order of the distinct rows, but hash-based and far faster on millions of rows.
    """
    n = columns[0].size
    key = np.zeros(n, dtype=np.int64)
    for col in columns:
        _, codes = factorise(col)
        key = key * (int(codes.max(initial=0)) + 1) + codes
        _, key = factorise(key)  # re-number: the key stays below n
    n_rows = int(key.max(initial=-1)) + 1
    first = np.empty(n_rows, dtype=np.intp)
    first[key[::-1]] = np.arange(n - 1, -1, -1)
    return [col[first] for col in columns], key
