"""Choose, clip, impute, log-transform and scale the numeric features used by learning.

The scaled space is defined by a :class:`ScalingParams` record (features, which are
log-transformed, imputation medians, centre and scale). It is plain data, so it can be
stored with a snapshot and a later run can map its own centroids into the *same* space.

Why this space (the rule, for the natural groups):

- **Log units for amounts, counts and durations.** ``sign(x) * log1p(|x| / unit)``, centred on
  the median and *not* rescaled (``unit`` is 1, except for recency: the base's median gap
  between purchases, so that recency is measured against the base's rhythm): one unit is a
  factor e in recency, orders or order value alike, so
  these features are already commensurate. Dividing each by its own spread (IQR or standard
  deviation) would shrink exactly the features that separate groups (their spread includes the
  gaps between the groups) and blow up narrow, noisy ones (a count that is 5-7 for everyone),
  which is how groups that differ only in recency got lost.
- **Other features** (margin, ratios) are robust-scaled: median centre, IQR scale.
- **No double counting.** Spend enters as ``avg_order_value``, not ``monetary_total``:
  ``log(monetary_total) = log(orders_count) + log(avg_order_value)``, so total spend next to the
  order count would count frequency twice and let "size" drown every other difference.
  ``gap_cv`` is not a default: it is undefined below three purchase days (often half the
  buyers), and imputing it makes a point mass that k-means then splits on.
- **Finite values only.** ``±inf`` (e.g. two order amounts of 1e308 summing to infinity) is
  *clipped* to the largest (smallest) finite value of that feature among the customers, with a
  note; nulls (and NaN) are imputed with the median, with a note.

Notes are :class:`custseg.i18n.Message` objects (keys ``clusters_note_*``) so a snapshot can
show them in either language.
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
from custseg.i18n import Message

FloatArray = NDArray[np.float64]

CLUSTER_FEATURES: tuple[str, ...] = (
    "recency_days",
    "orders_count",
    "avg_order_value",
    "tenure_days",
    "margin",
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
"""Skewed counts, durations and amounts: log1p-transformed, measured in log units (not rescaled)."""

SCALED_LIMIT = 1e15
"""Scaled values are clipped to ±this, so squared distances stay finite even in float32."""

_ALIASES: dict[str, tuple[str, ...]] = {"orders_count": ("frequency",)}


@dataclass(frozen=True)
class ScalingParams:
    """The mapping from original feature units to the scaled space (serialisable)."""

    features: tuple[str, ...]
    log_features: tuple[str, ...]
    medians: tuple[float, ...]
    center: tuple[float, ...]
    scale: tuple[float, ...]
    units: tuple[float, ...] = ()  # per feature; log features use log1p(|x| / unit); () = all 1

    def _units(self) -> NDArray[np.float64]:
        return np.asarray(self.units or (1.0,) * len(self.features), dtype=np.float64)

    def transform(self, values: pd.DataFrame) -> FloatArray:
        """Impute, log-transform and scale the columns ``features`` of ``values``."""
        missing = [f for f in self.features if f not in values.columns]
        if missing:
            raise UnknownNameError(
                missing[0], values.columns.astype(str), what="feature", where="the feature table"
            )
        raw = values.loc[:, list(self.features)].to_numpy(dtype=np.float64, na_value=np.nan)
        raw = np.where(np.isnan(raw), np.asarray(self.medians), raw)
        big = np.finfo(np.float64).max
        raw = np.nan_to_num(raw, posinf=big, neginf=-big)
        scaled = (self._log(raw) - np.asarray(self.center)) / np.asarray(self.scale)
        # Extreme finite inputs (a margin of 1e300) must not overflow distances downstream.
        return np.clip(scaled, -SCALED_LIMIT, SCALED_LIMIT)

    def inverse_transform(self, scaled: FloatArray) -> FloatArray:
        """Map points of the scaled space back to original units."""
        logged = np.asarray(scaled, dtype=np.float64) * np.asarray(self.scale) + np.asarray(
            self.center
        )
        mask = self._log_mask()
        out = logged.copy()
        units = self._units()[mask]
        out[:, mask] = np.sign(logged[:, mask]) * np.expm1(np.abs(logged[:, mask])) * units
        return out

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable form (see :meth:`from_dict`)."""
        return {
            "features": list(self.features),
            "log_features": list(self.log_features),
            "medians": list(self.medians),
            "center": list(self.center),
            "scale": list(self.scale),
            "units": list(self._units()),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ScalingParams:
        """Rebuild from :meth:`to_dict` output."""
        fields = ("features", "log_features", "medians", "center", "scale")
        return cls(**{k: tuple(data[k]) for k in fields}, units=tuple(data.get("units") or ()))

    def _log_mask(self) -> NDArray[np.bool_]:
        return np.array([f in self.log_features for f in self.features], dtype=bool)

    def _log(self, raw: FloatArray) -> FloatArray:
        mask = self._log_mask()
        out = raw.copy()
        units = self._units()[mask]
        out[:, mask] = np.sign(raw[:, mask]) * np.log1p(np.abs(raw[:, mask]) / units)
        return out


@dataclass(frozen=True)
class PreparedFeatures:
    """Scaled matrix plus what was done to get it (``notes``: messages in either language)."""

    customer_ids: pd.Index
    scaled: FloatArray
    scaling: ScalingParams
    notes: list[Message] = field(default_factory=list)


def resolve_features(
    table: pd.DataFrame, requested: Sequence[str] | None, defaults: Sequence[str] = CLUSTER_FEATURES
) -> tuple[list[str], list[Message]]:
    """Return the usable numeric features and notes on what was dropped or substituted.

    ``requested`` names must exist (else :class:`UnknownNameError`); default features that are
    absent are skipped silently, ``orders_count`` falls back to ``frequency``. Columns that are
    entirely null are dropped with a note.
    """
    notes: list[Message] = []
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
                    notes.append(
                        Message("clusters_note_substituted", {"feature": name, "used": found[0]})
                    )
    usable = []
    for name in chosen:
        column = table[name]
        if not (pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)):
            raise ConfigError(
                f"feature {name!r} is not numeric (dtype {column.dtype}); "
                "choose numeric features only"
            )
        if column.isna().all():
            notes.append(Message("clusters_note_all_null", {"feature": name}))
        else:
            usable.append(name)
    if not usable:
        raise ModelError(
            "no usable numeric feature: every candidate is absent or entirely "
            f"null (tried {chosen or list(defaults)}); pass features=[...]"
        )
    return usable, notes


def impute_medians(
    table: pd.DataFrame, features: Sequence[str]
) -> tuple[FloatArray, list[Message]]:
    """Median of each feature over non-null rows, with a note for each feature that has nulls."""
    medians = np.empty(len(features))
    notes: list[Message] = []
    for i, name in enumerate(features):
        column = pd.to_numeric(table[name], errors="coerce").astype("float64")
        medians[i] = float(column.median())
        n_null = int(column.isna().sum())
        if n_null:
            notes.append(
                Message(
                    "clusters_note_imputed",
                    {
                        "feature": name,
                        "n": n_null,
                        "total": len(column),
                        "median": f"{medians[i]:.4g}",
                    },
                )
            )
    return medians, notes


def prepare_features(
    table: pd.DataFrame,
    *,
    features: Sequence[str] | None = None,
    log_features: Sequence[str] | None = None,
) -> PreparedFeatures:
    """Select, clip, impute (median), log1p-transform and scale the clustering features.

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
    table, clip_notes = clip_non_finite(table, chosen)
    if clip_notes:  # a feature with no finite value is now null: drop it like one
        chosen, dropped = resolve_features(table, chosen)
        notes += [*clip_notes, *dropped]
    logged = tuple(
        f for f in chosen if f in (LOG_FEATURES if log_features is None else set(log_features))
    )
    medians, impute_notes = impute_medians(table, chosen)
    units = tuple(_unit(table, name) for name in chosen)
    partial = ScalingParams(
        tuple(chosen),
        logged,
        tuple(medians.tolist()),
        (0.0,) * len(chosen),
        (1.0,) * len(chosen),
        units,
    )
    logged_values = partial.transform(table)
    scaler = RobustScaler().fit(logged_values)
    in_log_units = partial._log_mask()
    scale = np.where(in_log_units, 1.0, scaler.scale_)
    scaling = ScalingParams(
        tuple(chosen),
        logged,
        tuple(medians.tolist()),
        tuple(float(c) for c in scaler.center_),
        tuple(float(s) for s in scale),
        units,
    )
    scaled = np.clip((logged_values - scaler.center_) / scale, -SCALED_LIMIT, SCALED_LIMIT)
    return PreparedFeatures(
        pd.Index(table["customer_id"]), scaled, scaling, [*notes, *impute_notes]
    )


def _unit(table: pd.DataFrame, name: str) -> float:
    """The unit of a log feature: the base's usual gap between purchases for recency, else 1.

    Recency within one usual gap is "current": with ``log1p(recency / gap)``, 3 and 30 days are
    close in a base that buys monthly while 30 and 300 days are far apart. With plain
    ``log1p(recency)`` 3 vs 30 days would be as far apart as 30 vs 300, and active customers
    would split (and flip groups every month) on where they are in their buying cycle. The gap
    is the median over buyers of ``gap_mean_days`` (1 when unknown).
    """
    if name != "recency_days" or "gap_mean_days" not in table.columns:
        return 1.0
    gaps = pd.to_numeric(table["gap_mean_days"], errors="coerce").astype("float64")
    gaps = gaps[np.isfinite(gaps) & (gaps > 0)]
    gap = float(gaps.median()) if len(gaps) else 1.0
    return round(gap, 6) if gap >= 1.0 else 1.0


def clip_non_finite(
    table: pd.DataFrame, features: Sequence[str]
) -> tuple[pd.DataFrame, list[Message]]:
    """``table`` with ``±inf`` in ``features`` clipped to each feature's finite range, and notes.

    A feature with no finite value at all becomes null (the caller drops or imputes it).
    Columns are converted to float when clipped.
    """
    notes: list[Message] = []
    out = table
    for name in features:
        values = pd.to_numeric(table[name], errors="coerce").astype("float64")
        infinite = np.isinf(values.to_numpy())
        if not infinite.any():
            continue
        finite = values[np.isfinite(values)]
        if out is table:
            out = table.copy()
        if finite.empty:
            out[name] = values.where(~infinite)
            notes.append(Message("clusters_note_no_finite", {"feature": name}))
            continue
        out[name] = values.clip(lower=float(finite.min()), upper=float(finite.max()))
        notes.append(
            Message(
                "clusters_note_clipped",
                {
                    "feature": name,
                    "n": int(infinite.sum()),
                    "low": f"{finite.min():.4g}",
                    "high": f"{finite.max():.4g}",
                },
            )
        )
    return out, notes


__all__ = [
    "CLUSTER_FEATURES",
    "LOG_FEATURES",
    "PreparedFeatures",
    "ScalingParams",
    "clip_non_finite",
    "impute_medians",
    "prepare_features",
    "resolve_features",
]
