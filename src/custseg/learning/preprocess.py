"""Choose, impute, log-transform and robust-scale the numeric features used by learning.

The scaled space is defined by a :class:`ScalingParams` record (features, which are
log-transformed, imputation medians, robust centre and scale). It is plain data, so it can be
stored with a snapshot and a later run can map its own centroids into the *same* space.

Log transform: ``sign(x) * log1p(|x|)`` so that net amounts below zero (returns) stay defined.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from sklearn.preprocessing import RobustScaler

from custseg.errors import ConfigError, ModelError, UnknownNameError

FloatArray = NDArray[np.float64]

CLUSTER_FEATURES: tuple[str, ...] = (
    "recency_days",
    "orders_count",
    "monetary_total",
    "tenure_days",
    "margin",
    "gap_cv",
)
"""Default clustering features, in this order, when present in the feature table."""

LOG_FEATURES: frozenset[str] = frozenset(
    {
        "recency_days",
        "orders_count",
        "frequency",
        "monetary_total",
        "tenure_days",
        "revenue_12m",
        "orders_12m",
        "avg_order_value",
        "max_order_value",
        "profit_total",
        "relationship_days",
        "purchase_days",
        "gap_mean_days",
    }
)
"""Skewed counts, durations and amounts that are log1p-transformed before scaling."""

_ALIASES: dict[str, tuple[str, ...]] = {"orders_count": ("frequency",)}


@dataclass(frozen=True)
class ScalingParams:
    """The mapping from original feature units to the scaled space (serialisable)."""

    features: tuple[str, ...]
    log_features: tuple[str, ...]
    medians: tuple[float, ...]
    center: tuple[float, ...]
    scale: tuple[float, ...]

    def transform(self, values: pd.DataFrame) -> FloatArray:
        """Impute, log-transform and scale the columns ``features`` of ``values``."""
        missing = [f for f in self.features if f not in values.columns]
        if missing:
            raise UnknownNameError(
                missing[0], values.columns.astype(str), what="feature", where="the feature table"
            )
        raw = values.loc[:, list(self.features)].to_numpy(dtype=np.float64, na_value=np.nan)
        raw = np.where(np.isnan(raw), np.asarray(self.medians), raw)
        return (self._log(raw) - np.asarray(self.center)) / np.asarray(self.scale)

    def inverse_transform(self, scaled: FloatArray) -> FloatArray:
        """Map points of the scaled space back to original units."""
        logged = np.asarray(scaled, dtype=np.float64) * np.asarray(self.scale) + np.asarray(
            self.center
        )
        mask = self._log_mask()
        out = logged.copy()
        out[:, mask] = np.sign(logged[:, mask]) * np.expm1(np.abs(logged[:, mask]))
        return out

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable form (see :meth:`from_dict`)."""
        return {
            "features": list(self.features),
            "log_features": list(self.log_features),
            "medians": list(self.medians),
            "center": list(self.center),
            "scale": list(self.scale),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ScalingParams:
        """Rebuild from :meth:`to_dict` output."""
        return cls(
            **{
                k: tuple(data[k])
                for k in ("features", "log_features", "medians", "center", "scale")
            }
        )

    def _log_mask(self) -> NDArray[np.bool_]:
        return np.array([f in self.log_features for f in self.features], dtype=bool)

    def _log(self, raw: FloatArray) -> FloatArray:
        mask = self._log_mask()
        out = raw.copy()
        out[:, mask] = np.sign(raw[:, mask]) * np.log1p(np.abs(raw[:, mask]))
        return out


@dataclass(frozen=True)
class PreparedFeatures:
    """Scaled matrix plus what was done to get it (``notes`` are human readable, English)."""

    customer_ids: pd.Index
    scaled: FloatArray
    scaling: ScalingParams
    notes: list[str] = field(default_factory=list)


def resolve_features(
    table: pd.DataFrame, requested: Sequence[str] | None, defaults: Sequence[str] = CLUSTER_FEATURES
) -> tuple[list[str], list[str]]:
    """Return the usable numeric features and notes on what was dropped or substituted.

    ``requested`` names must exist (else :class:`UnknownNameError`); default features that are
    absent are skipped silently, ``orders_count`` falls back to ``frequency``. Columns that are
    entirely null are dropped with a note.
    """
    notes: list[str] = []
    if requested is not None:
        for name in requested:
            if name not in table.columns:
                raise UnknownNameError(
                    name, table.columns.astype(str), what="feature", where="the learning features"
                )
        chosen = list(dict.fromkeys(requested))
    else:
        chosen = []
        for name in defaults:
            found = [c for c in (name, *_ALIASES.get(name, ())) if c in table.columns]
            if found:
                chosen.append(found[0])
                if found[0] != name:
                    notes.append(f"feature {name!r} is absent; using {found[0]!r} instead")
    usable = []
    for name in chosen:
        column = table[name]
        if not (pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)):
            raise ConfigError(
                f"feature {name!r} is not numeric (dtype {column.dtype}); "
                "choose numeric features only"
            )
        if column.isna().all():
            notes.append(f"feature {name!r} is null for every customer and was dropped")
        else:
            usable.append(name)
    if not usable:
        raise ModelError(
            "no usable numeric feature: every candidate is absent or entirely "
            f"null (tried {chosen or list(defaults)}); pass features=[...]"
        )
    return usable, notes


def impute_medians(table: pd.DataFrame, features: Sequence[str]) -> tuple[FloatArray, list[str]]:
    """Median of each feature over non-null rows, with a note for each feature that has nulls."""
    medians = np.empty(len(features))
    notes: list[str] = []
    for i, name in enumerate(features):
        column = pd.to_numeric(table[name], errors="coerce").astype("float64")
        medians[i] = float(column.median())
        n_null = int(column.isna().sum())
        if n_null:
            notes.append(
                f"feature {name!r}: {n_null} null value(s) of {len(column)} "
                f"imputed with the median {medians[i]:.4g}"
            )
    return medians, notes


def prepare_features(
    table: pd.DataFrame,
    *,
    features: Sequence[str] | None = None,
    log_features: Sequence[str] | None = None,
) -> PreparedFeatures:
    """Select, impute (median), log1p-transform and robust-scale the clustering features.

    ``table`` is the feature table with a ``customer_id`` column. ``log_features`` defaults to the
    skewed features of :data:`LOG_FEATURES` among those chosen.
    """
    if "customer_id" not in table.columns:
        raise ConfigError(
            f"the feature table needs a 'customer_id' column; got columns {list(table.columns)}"
        )
    if len(table) == 0:
        raise ModelError("the feature table is empty; there are no customers to learn from")
    chosen, notes = resolve_features(table, features)
    logged = tuple(
        f for f in chosen if f in (LOG_FEATURES if log_features is None else set(log_features))
    )
    medians, impute_notes = impute_medians(table, chosen)
    partial = ScalingParams(
        tuple(chosen), logged, tuple(medians.tolist()), (0.0,) * len(chosen), (1.0,) * len(chosen)
    )
    logged_values = partial.transform(table)
    scaler = RobustScaler().fit(logged_values)
    scaling = ScalingParams(
        tuple(chosen),
        logged,
        tuple(medians.tolist()),
        tuple(float(c) for c in scaler.center_),
        tuple(float(s) for s in scaler.scale_),
    )
    scaled = (logged_values - scaler.center_) / scaler.scale_
    return PreparedFeatures(
        pd.Index(table["customer_id"]), scaled, scaling, [*notes, *impute_notes]
    )


__all__ = [
    "CLUSTER_FEATURES",
    "LOG_FEATURES",
    "PreparedFeatures",
    "ScalingParams",
    "impute_medians",
    "prepare_features",
    "resolve_features",
]
