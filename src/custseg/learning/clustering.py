"""Cluster customers (聚类): k-means or a Gaussian mixture, with the number of groups chosen.

The number of groups ``k`` is fixed by the user or chosen in ``[k_min, k_max]``: for k-means
the mean silhouette on a seeded sample (default 10,000 rows), for the mixture the lowest BIC.
Candidates are fitted on a seeded selection sample (default 100,000 rows); the final k-means
fit uses every customer (MiniBatchKMeans above ``minibatch_threshold`` customers). Everything is
seeded, and group numbers are canonical: group 0 has the highest mean ``monetary_total`` (or
``revenue_12m``), so the same data and seed always give the same labels.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Self

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from sklearn.base import BaseEstimator
from sklearn.cluster import KMeans, MiniBatchKMeans
from sklearn.exceptions import ConvergenceWarning as SklearnConvergenceWarning
from sklearn.metrics.pairwise import euclidean_distances
from sklearn.mixture import GaussianMixture

from custseg.errors import ConfigError, ConvergenceWarning, ModelError, NotFittedError
from custseg.i18n import Message
from custseg.learning._threads import limited_threads
from custseg.learning.preprocess import FloatArray, ScalingParams, prepare_features
from custseg.warnings_capture import thread_warnings

METHODS: tuple[str, ...] = ("kmeans", "gmm")
"""Valid values of ``method``."""

_ORDER_FEATURES: tuple[str, ...] = ("monetary_total", "revenue_12m")


@dataclass(frozen=True)
class ClusterResult:
    """The outcome of clustering the customers.

    ``labels`` maps customer_id -> group number ``0..k-1`` (0 = highest mean monetary).
    ``scores`` maps each k tried to its silhouette (higher is better) or BIC (lower is better),
    as told by ``criterion`` (``"silhouette"``, ``"bic"`` or ``"fixed"``). ``centroids`` are in
    original units (one row per group), ``centroids_scaled`` in the space of ``scaling``.
    """

    labels: pd.Series
    k: int
    method: str
    criterion: str
    scores: dict[int, float]
    centroids: pd.DataFrame
    centroids_scaled: pd.DataFrame
    features: tuple[str, ...]
    scaling: ScalingParams
    sizes: tuple[int, ...]
    notes: list[Message] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)


class CustomerClusterer(BaseEstimator):  # type: ignore[misc]
    """Group customers without known classes; see the module docstring.

    Parameters
    ----------
    method : {"kmeans", "gmm"}
    n_clusters : fixed number of groups, or None to choose it in ``[k_min, k_max]``.
    k_min, k_max : range searched when ``n_clusters`` is None.
    features : feature names, or None for the defaults of ``preprocess.CLUSTER_FEATURES``.
    random_state : seed of every random choice.
    sample_size : rows used for the silhouette.
    selection_size : rows on which the candidate k are fitted.
    minibatch_threshold : above this many customers, k-means uses MiniBatchKMeans.
    n_threads : OpenMP/BLAS threads; None = one (see ``_threads.limited_threads``).
    """

    def __init__(
        self,
        method: str = "kmeans",
        *,
        n_clusters: int | None = None,
        k_min: int = 2,
        k_max: int = 8,
        features: Sequence[str] | None = None,
        random_state: int = 0,
        sample_size: int = 10_000,
        selection_size: int = 100_000,
        minibatch_threshold: int = 50_000,
        n_threads: int | None = None,
    ) -> None:
        self.method = method
        self.n_clusters = n_clusters
        self.k_min = k_min
        self.k_max = k_max
        self.features = features
        self.random_state = random_state
        self.sample_size = sample_size
        self.selection_size = selection_size
        self.minibatch_threshold = minibatch_threshold
        self.n_threads = n_threads

    def fit(self, table: pd.DataFrame) -> Self:
        """Cluster the customers of ``table`` (feature table with ``customer_id``)."""
        self._check_params()
        with limited_threads(self.n_threads):
            return self._fit(table)

    def _fit(self, table: pd.DataFrame) -> Self:
        started = time.perf_counter()
        prepared = prepare_features(table, features=self.features)
        x = prepared.scaled
        candidates = self._candidate_ks(x)
        rng = np.random.default_rng(self.random_state)
        selection = _sample_rows(len(x), self.selection_size, rng)
        notes = list(prepared.notes)
        if len(candidates) == 1:
            k, scores, criterion, model = candidates[0], {}, "fixed", None
        else:
            k, scores, criterion, model = self._choose_k(x, selection, candidates, rng, notes)
        chose = time.perf_counter()
        if model is None or (self.method == "kmeans" and len(selection) < len(x)):
            # k-means: final fit on everyone; the mixture is fitted on the selection sample
            model = self._final_fit(x if self.method == "kmeans" else x[selection], k, notes)
        raw = model.predict(x)
        self.model_ = model
        self.result_ = _build_result(
            table,
            prepared.customer_ids,
            x,
            raw,
            prepared.scaling,
            method=self.method,
            criterion=criterion,
            scores=scores,
            notes=notes,
        )
        self.relabel_ = self._relabel_map(table, x, raw)
        done = time.perf_counter()
        self.result_.timings.update(choose_k_s=chose - started, final_fit_s=done - chose)
        return self

    def predict(self, table: pd.DataFrame) -> pd.Series:
        """Group numbers (canonical) of the customers of ``table``, indexed by customer_id."""
        if getattr(self, "result_", None) is None:
            raise NotFittedError("this CustomerClusterer is not fitted yet; call .fit(table) first")
        x = self.result_.scaling.transform(table)
        with limited_threads(self.n_threads):
            raw = self.model_.predict(x)
        lookup = np.full(max(self.relabel_.keys() | {int(raw.max())}) + 1, -1)
        for old, new in self.relabel_.items():
            lookup[old] = new
        labels = lookup[raw]
        return pd.Series(
            labels, index=pd.Index(table["customer_id"], name="customer_id"), name="group"
        )

    # -- steps -----------------------------------------------------------------------------
    def _check_params(self) -> None:
        if self.method not in METHODS:
            raise ConfigError(f"method must be one of {list(METHODS)}; got {self.method!r}")
        if self.n_clusters is not None and self.n_clusters < 2:
            raise ConfigError(
                f"n_clusters must be at least 2 (or None to choose); got {self.n_clusters}"
            )
        if not 2 <= self.k_min <= self.k_max:
            raise ConfigError(
                f"need 2 <= k_min <= k_max; got k_min={self.k_min}, k_max={self.k_max}"
            )

    def _candidate_ks(self, x: FloatArray) -> list[int]:
        ks = (
            [self.n_clusters]
            if self.n_clusters is not None
            else list(range(self.k_min, self.k_max + 1))
        )
        distinct = len(np.unique(x[:10_000], axis=0))
        if distinct <= max(ks) and len(x) > 10_000:
            distinct = len(np.unique(x, axis=0))
        usable = [k for k in ks if k < distinct]
        if not usable:
            raise ModelError(
                f"cannot make {ks[0]} groups from {distinct} distinct customer "
                "profiles; lower the number of groups or add customers"
            )
        return usable

    def _choose_k(
        self,
        x: FloatArray,
        selection: NDArray[np.intp],
        ks: list[int],
        rng: np.random.Generator,
        notes: list[Message],
    ) -> tuple[int, dict[int, float], str, Any]:
        x_sel = x[selection]
        scores: dict[int, float] = {}
        models: dict[int, Any] = {}
        if self.method == "gmm":
            for k in ks:
                models[k] = _quietly(lambda k=k: self._gmm(k).fit(x_sel), notes, f"k={k}")
                scores[k] = float(models[k].bic(x_sel))
            best = min(ks, key=lambda k: (scores[k], k))
            return best, scores, "bic", models[best]
        sample = x_sel[_sample_rows(len(x_sel), self.sample_size, rng)]
        for k in ks:
            models[k] = _quietly(
                lambda k=k: self._kmeans(k, len(x_sel)).fit(x_sel), notes, f"k={k}"
            )
        scores = silhouettes(sample, {k: models[k].predict(sample) for k in ks})
        best = max(ks, key=lambda k: (scores[k], -k))
        return best, scores, "silhouette", models[best]

    def _final_fit(self, x: FloatArray, k: int, notes: list[Message]) -> Any:
        factory = (
            (lambda: self._gmm(k).fit(x))
            if self.method == "gmm"
            else (lambda: self._kmeans(k, len(x)).fit(x))
        )
        before = len(notes)
        model = _quietly(factory, notes, f"final k={k}")
        if len(notes) > before:
            warnings.warn(notes[-1].render("en"), ConvergenceWarning, stacklevel=3)
        return model

    def _kmeans(self, k: int, n: int) -> KMeans | MiniBatchKMeans:
        if n > self.minibatch_threshold:
            return MiniBatchKMeans(
                n_clusters=k,
                n_init=3,
                batch_size=4096,
                max_iter=100,
                random_state=self.random_state,
            )
        return KMeans(n_clusters=k, n_init=4, random_state=self.random_state)

    def _gmm(self, k: int) -> GaussianMixture:
        return GaussianMixture(
            n_components=k,
            covariance_type="full",
            n_init=2,
            reg_covar=1e-4,
            random_state=self.random_state,
        )

    def _relabel_map(self, table: pd.DataFrame, x: FloatArray, raw: NDArray[Any]) -> dict[int, int]:
        order = _canonical_order(table, x, raw)
        return {int(r): i for i, r in enumerate(order)}


def cluster_customers(table: pd.DataFrame, **params: Any) -> ClusterResult:
    """Fit a :class:`CustomerClusterer` with ``params`` and return its result."""
    result: ClusterResult = CustomerClusterer(**params).fit(table).result_
    return result


def silhouettes(
    x: FloatArray, labelings: dict[int, NDArray[Any]], *, chunk: int = 2048
) -> dict[int, float]:
    """Mean silhouette (Euclidean) of each labeling of the rows of ``x``.

    Same definition as ``sklearn.metrics.silhouette_score`` (0 for members of singleton groups;
    -1 when a labeling has a single group), but the pairwise distances are computed once, in
    chunks and in float32, for all labelings together.
    """
    parts = {k: _onehot(labels) for k, labels in labelings.items()}
    usable = [k for k in labelings if len(parts[k][1]) > 1]
    if not usable:
        return dict.fromkeys(labelings, -1.0)
    stacked = np.hstack([parts[k][2] for k in usable])
    offsets = np.cumsum([0, *(len(parts[k][1]) for k in usable)])
    xf = x.astype(np.float32)
    totals = dict.fromkeys(usable, 0.0)
    for start in range(0, len(x), chunk):
        sums_all = euclidean_distances(xf[start : start + chunk], xf) @ stacked
        for i, k in enumerate(usable):
            codes, counts, _ = parts[k]
            sums = sums_all[:, offsets[i] : offsets[i + 1]].astype(np.float64)
            totals[k] += _silhouette_sum(sums, codes[start : start + chunk], counts)
    return {k: totals[k] / len(x) if k in totals else -1.0 for k in labelings}


def _silhouette_sum(sums: FloatArray, own: NDArray[np.intp], counts: FloatArray) -> float:
    """Sum of silhouettes of rows with distance sums ``sums`` (rows x groups) to each group."""
    rows = np.arange(len(own))
    own_count = counts[own]
    a = sums[rows, own] / np.maximum(own_count - 1, 1)
    means = sums / counts
    means[rows, own] = np.inf
    b = means.min(axis=1)
    denominator = np.maximum(np.maximum(a, b), 1e-12)
    return float(np.where(own_count > 1, (b - a) / denominator, 0.0).sum())


def _onehot(labels: NDArray[Any]) -> tuple[NDArray[np.intp], FloatArray, NDArray[np.float32]]:
    _, codes = np.unique(labels, return_inverse=True)
    counts = np.bincount(codes).astype(np.float64)
    onehot = np.zeros((len(codes), len(counts)), dtype=np.float32)
    onehot[np.arange(len(codes)), codes] = 1.0
    return codes, counts, onehot


# -- helpers --------------------------------------------------------------------------------
def _sample_rows(n: int, size: int, rng: np.random.Generator) -> NDArray[np.intp]:
    if n <= size:
        return np.arange(n)
    return np.sort(rng.choice(n, size=size, replace=False))


def _quietly(fit: Callable[[], Any], notes: list[Message], what: str) -> Any:
    """Run ``fit``; turn sklearn convergence warnings into notes."""
    with thread_warnings(SklearnConvergenceWarning) as caught:
        model = fit()
    if caught:
        notes.append(Message("clusters_note_not_converged", {"what": what}))
    return model


def _order_values(table: pd.DataFrame, x: FloatArray) -> FloatArray:
    for name in _ORDER_FEATURES:
        if name in table.columns and table[name].notna().any():
            return pd.to_numeric(table[name], errors="coerce").fillna(0.0).to_numpy(np.float64)
    return x[:, 0]


def _canonical_order(table: pd.DataFrame, x: FloatArray, raw: NDArray[Any]) -> list[int]:
    """Raw labels present, by mean monetary descending, then size descending, then label."""
    values = _order_values(table, x)
    present = np.unique(raw)
    sums = np.bincount(raw, weights=values, minlength=present.max() + 1)
    counts = np.bincount(raw, minlength=present.max() + 1)
    return sorted((int(r) for r in present), key=lambda r: (-sums[r] / counts[r], -counts[r], r))


def _build_result(
    table: pd.DataFrame,
    ids: pd.Index,
    x: FloatArray,
    raw: NDArray[Any],
    scaling: ScalingParams,
    *,
    method: str,
    criterion: str,
    scores: dict[int, float],
    notes: list[Message],
) -> ClusterResult:
    order = _canonical_order(table, x, raw)
    lookup = np.full(int(raw.max()) + 1, -1)
    lookup[order] = np.arange(len(order))
    labels = lookup[raw]
    k = len(order)
    counts = np.bincount(labels, minlength=k)
    scaled = (
        np.column_stack(
            [np.bincount(labels, weights=x[:, j], minlength=k) for j in range(x.shape[1])]
        )
        / counts[:, None]
    )
    features = list(scaling.features)
    index = pd.RangeIndex(k, name="group")
    return ClusterResult(
        labels=pd.Series(labels, index=pd.Index(ids, name="customer_id"), name="group"),
        k=k,
        method=method,
        criterion=criterion,
        scores=scores,
        centroids=pd.DataFrame(scaling.inverse_transform(scaled), index=index, columns=features),
        centroids_scaled=pd.DataFrame(scaled, index=index, columns=features),
        features=scaling.features,
        scaling=scaling,
        sizes=tuple(int(c) for c in counts),
        notes=notes,
    )


__all__ = ["METHODS", "ClusterResult", "CustomerClusterer", "cluster_customers", "silhouettes"]
