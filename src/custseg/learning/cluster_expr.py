"""A fitted clustering applied to every customer as Ibis expressions, in the engine.

The clustering is fitted in Python on (a seeded sample of) the buyers; this module writes its
assignment rule as expressions, so the whole base is classified where it is (DuckDB,
PostgreSQL, Spark) with the fitted parameters as literals:

- the scaled space of :class:`~custseg.learning.preprocess.ScalingParams`: ``±inf`` clipped to
  the fitted rows' finite range, nulls imputed with the median, ``sign(x) ln(1 + |x| / unit)``
  for log features, then ``(v - centre) / scale`` clipped to ``±SCALED_LIMIT``;
- the raw group of the fitted model: the nearest centre for k-means (``KMeans`` and
  ``MiniBatchKMeans`` predict so), the largest weighted log density for a Gaussian mixture
  (full covariances, through the Cholesky factors of the precisions, as scikit-learn does);
- ties go to the lowest group number, as ``argmin``/``argmax`` do.

Results equal scikit-learn's ``predict`` except for a customer within rounding error of two
groups (the engine's ``ln`` and sums differ from NumPy's in the last bits).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import ibis
import ibis.expr.types as ir
import numpy as np

from custseg.errors import ModelError
from custseg.learning.preprocess import SCALED_LIMIT, ScalingParams


def scaled_columns(
    table: ir.Table,
    scaling: ScalingParams,
    bounds: Mapping[str, tuple[float, float]] | None = None,
) -> list[ir.FloatingValue]:
    """The columns of ``table`` mapped into the scaled space, one expression per feature.

    ``bounds`` (feature -> finite min, max of the fitted rows) replace ``-inf`` / ``+inf``.
    """
    bounds = bounds or {}
    units = scaling._units()
    big = float(np.finfo(np.float64).max)
    out: list[ir.FloatingValue] = []
    for i, name in enumerate(scaling.features):
        value = table[name].cast("float64")
        low, high = bounds.get(name, (-big, big))
        value = ibis.cases(
            (value.isnull() | value.isnan(), scaling.medians[i]),
            (value == math.inf, high),
            (value == -math.inf, low),
            else_=value,
        )
        if name in scaling.log_features:
            value = value.sign() * (value.abs() / float(units[i]) + 1.0).ln()
        scaled = (value - scaling.center[i]) / scaling.scale[i]
        out.append(ibis.least(ibis.greatest(scaled, -SCALED_LIMIT), SCALED_LIMIT))
    return out


def argmin(values: Sequence[ir.NumericValue]) -> ir.IntegerValue:
    """The position of the smallest value (the first one on ties)."""
    low = ibis.least(*values) if len(values) > 1 else values[0]
    return ibis.cases(*[(v == low, i) for i, v in enumerate(values)], else_=0)


def squared_distances(
    scaled: Sequence[ir.FloatingValue], centres: np.ndarray
) -> list[ir.FloatingValue]:
    """Squared Euclidean distance of each customer to each centre (rows of ``centres``)."""
    out = []
    for centre in np.asarray(centres, dtype=float):
        terms = [(s - float(c)) * (s - float(c)) for s, c in zip(scaled, centre, strict=True)]
        total = terms[0]
        for term in terms[1:]:
            total = total + term
        out.append(total)
    return out


def model_group(model: Any, scaled: Sequence[ir.FloatingValue]) -> ir.IntegerValue:
    """The raw group number ``model.predict`` gives, as an expression."""
    centres = getattr(model, "cluster_centers_", None)
    if centres is not None:  # KMeans, MiniBatchKMeans
        return argmin(squared_distances(scaled, centres))
    if hasattr(model, "precisions_cholesky_") and model.covariance_type == "full":
        return argmin([-v for v in _gmm_log_densities(model, scaled)])
    raise ModelError(f"no engine expression for the assignment rule of {type(model).__name__}")


def _gmm_log_densities(model: Any, scaled: Sequence[ir.FloatingValue]) -> list[ir.FloatingValue]:
    """``log weight_k + log N(x | mean_k, cov_k)`` up to a constant shared by every ``k``."""
    out = []
    for mean, chol, weight in zip(
        model.means_, model.precisions_cholesky_, model.weights_, strict=True
    ):
        log_det = float(np.sum(np.log(np.diag(chol))))
        shift = np.asarray(mean, dtype=float) @ chol  # y = x @ chol - mean @ chol
        quad: ir.FloatingValue = ibis.literal(0.0)
        for g in range(chol.shape[1]):
            y: ir.FloatingValue = ibis.literal(-float(shift[g]))
            for f, s in enumerate(scaled):
                if chol[f, g] != 0.0:
                    y = s * float(chol[f, g]) + y
            quad = quad + y * y
        out.append(quad * -0.5 + (log_det + math.log(float(weight))))
    return out


def rms_distances(
    scaled: Sequence[ir.FloatingValue], centres: np.ndarray
) -> list[ir.FloatingValue]:
    """Root mean square distance of each customer to each centre (the cluster score)."""
    n = len(scaled)
    return [(d / float(n)).sqrt() for d in squared_distances(scaled, centres)]


def pick(index: ir.IntegerValue, values: Sequence[Any]) -> ir.Value:
    """``values[index]`` as an expression (``values`` are literals or expressions)."""
    return ibis.cases(*[(index == i, v) for i, v in enumerate(values)], else_=ibis.null())
