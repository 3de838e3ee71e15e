"""Learn given classes (分类) from customers whose class is known, then classify everyone.

A decision tree (default; readable, exportable as rules) or gradient boosting
(``HistGradientBoostingClassifier``) is trained on numeric features; nulls are imputed with the
training median. Quality is estimated by seeded stratified k-fold cross-validation on the
labelled customers: out-of-fold accuracy per fold, confusion matrix, per-class precision/recall.
Every customer gets a class and a confidence (largest predicted probability); predictions
below ``low_confidence`` are flagged.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Self

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, clone
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import accuracy_score, confusion_matrix, precision_recall_fscore_support
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.tree import DecisionTreeClassifier

from custseg.errors import ConfigError, ModelError, NotFittedError
from custseg.i18n import Message
from custseg.learning._threads import limited_threads
from custseg.learning.preprocess import resolve_features
from custseg.learning.rules_export import Rule, Text, rules_scheme, tree_rules

MODELS: tuple[str, ...] = ("tree", "boosting")
"""Valid values of ``model``."""

LEARN_FEATURES: tuple[str, ...] = (
    "recency_days",
    "tenure_days",
    "orders_count",
    "orders_12m",
    "active_months_12m",
    "monetary_total",
    "revenue_12m",
    "revenue_growth",
    "avg_order_value",
    "margin",
    "gap_cv",
    "overdue_ratio",
    "return_share",
    "discount_share",
    "category_count",
    "on_time_share",
)
"""Default features (those present and not entirely null are used)."""


@dataclass(frozen=True)
class CVReport:
    """Cross-validated quality on the labelled customers (out-of-fold predictions).

    ``confusion``: rows are the known class, columns the predicted class. ``per_class``:
    precision, recall, f1 and support per class.
    """

    accuracy: float
    accuracy_std: float
    fold_accuracy: tuple[float, ...]
    n_splits: int
    n_labelled: int
    confusion: pd.DataFrame
    per_class: pd.DataFrame
    notes: list[Message] = field(default_factory=list)


class LearnedClassifier(BaseEstimator):  # type: ignore[misc]
    """Learn known classes; see the module docstring.

    Parameters
    ----------
    model : {"tree", "boosting"}
    features : feature names, or None for those of :data:`LEARN_FEATURES` present.
    max_depth : depth of the tree (tree) / of each boosting tree (None = unlimited).
    min_samples_leaf : smallest leaf; None = max(5, 1% of the labelled customers).
    class_weight : None or "balanced".
    cv : number of cross-validation folds (lowered to the smallest class size, at least 2).
    random_state : seed of the folds and the models.
    low_confidence : predictions with a confidence below this are flagged.
    n_threads : OpenMP threads; None = one (see ``_threads.limited_threads``).
    """

    def __init__(
        self,
        model: str = "tree",
        *,
        features: Sequence[str] | None = None,
        max_depth: int | None = 4,
        min_samples_leaf: int | None = None,
        class_weight: str | None = None,
        cv: int = 5,
        random_state: int = 0,
        low_confidence: float = 0.6,
        n_threads: int | None = None,
    ) -> None:
        self.model = model
        self.features = features
        self.max_depth = max_depth
        self.min_samples_leaf = min_samples_leaf
        self.class_weight = class_weight
        self.cv = cv
        self.random_state = random_state
        self.low_confidence = low_confidence
        self.n_threads = n_threads

    def fit(self, table: pd.DataFrame, known: pd.Series) -> Self:
        """Learn the classes ``known`` (customer_id -> class) from the feature ``table``."""
        self._check_params()
        features, notes = resolve_features(table, self.features, LEARN_FEATURES)
        labelled, y, more = _labelled(table, known)
        notes += more
        x_raw = labelled[features].apply(pd.to_numeric, errors="coerce").astype("float64")
        self.medians_ = {f: _round4(float(x_raw[f].median())) for f in features}
        for f in [f for f, m in self.medians_.items() if np.isnan(m)]:
            self.medians_[f] = 0.0
            notes.append(Message("learn_note_all_null", {"feature": repr(f)}))
        self.imputed_features_ = tuple(f for f in features if x_raw[f].isna().any())
        x = x_raw.fillna(self.medians_).to_numpy()
        self.features_ = tuple(features)
        self.classes_ = sorted({str(c) for c in y})
        counts = pd.Series(y).value_counts()
        self.default_class_ = str(counts.sort_index().idxmax())
        estimator = self._estimator(len(y))
        with limited_threads(self.n_threads):
            self.report_ = self._cross_validate(estimator, x, y, counts, notes)
            self.estimator_ = clone(estimator).fit(x, y)
        self.rules_: list[Rule] | None = None
        if self.model == "tree":
            fills = {f: self.medians_[f] for f in self.imputed_features_}
            self.rules_ = tree_rules(self.estimator_, x, y, features, fills=fills)
        self.notes_ = notes
        return self

    def predict(self, table: pd.DataFrame) -> pd.DataFrame:
        """``customer_id, class, confidence, low_confidence`` for every row of ``table``."""
        self._check_fitted()
        x = self._matrix(table)
        with limited_threads(self.n_threads):
            proba = self.estimator_.predict_proba(x)
        best = proba.argmax(axis=1)
        confidence = proba[np.arange(len(best)), best]
        return pd.DataFrame(
            {
                "customer_id": table["customer_id"].to_numpy(),
                "class": np.asarray(self.estimator_.classes_, dtype=object)[best],
                "confidence": confidence,
                "low_confidence": confidence < self.low_confidence,
            }
        )

    def to_scheme(
        self,
        *,
        name: str = "learned",
        labels: Text | None = None,
        class_labels: Mapping[str, Text] | None = None,
    ) -> dict[str, Any]:
        """The tree as a ``kind: rules`` scheme dict (tree model only)."""
        self._check_fitted()
        if self.rules_ is None:
            raise ModelError(
                "only model='tree' can be exported as rules; gradient boosting "
                "has no readable rule list. Refit with model='tree'"
            )
        return rules_scheme(
            self.rules_,
            classes=self.classes_,
            default=self.default_class_,
            name=name,
            labels=labels,
            class_labels=class_labels,
        )

    # -- steps -----------------------------------------------------------------------------
    def _check_params(self) -> None:
        if self.model not in MODELS:
            raise ConfigError(f"model must be one of {list(MODELS)}; got {self.model!r}")
        if self.class_weight not in (None, "balanced"):
            raise ConfigError(
                f"class_weight must be one of [None, 'balanced']; got {self.class_weight!r}"
            )
        if not 0.0 <= self.low_confidence <= 1.0:
            raise ConfigError(f"low_confidence must be within [0, 1]; got {self.low_confidence}")
        if self.cv < 2:
            raise ConfigError(f"cv must be at least 2 folds; got {self.cv}")

    def _check_fitted(self) -> None:
        if getattr(self, "estimator_", None) is None:
            raise NotFittedError(
                "this LearnedClassifier is not fitted yet; call .fit(table, known) first"
            )

    def _matrix(self, table: pd.DataFrame) -> np.ndarray:
        missing = [f for f in self.features_ if f not in table.columns]
        if missing:
            raise ConfigError(
                f"the feature table lacks {missing}, used when the classes were "
                "learned; rebuild the features or refit"
            )
        frame = table[list(self.features_)].apply(pd.to_numeric, errors="coerce")
        return frame.astype("float64").fillna(self.medians_).to_numpy()

    def _estimator(self, n: int) -> Any:
        if self.model == "boosting":
            return HistGradientBoostingClassifier(
                max_depth=self.max_depth,
                max_iter=200,
                learning_rate=0.1,
                early_stopping=False,
                min_samples_leaf=self.min_samples_leaf or 20,
                class_weight=self.class_weight,
                random_state=self.random_state,
            )
        leaf = self.min_samples_leaf or max(5, n // 100)
        return DecisionTreeClassifier(
            max_depth=self.max_depth,
            min_samples_leaf=leaf,
            class_weight=self.class_weight,
            random_state=self.random_state,
        )

    def _cross_validate(
        self, estimator: Any, x: np.ndarray, y: np.ndarray, counts: pd.Series, notes: list[Message]
    ) -> CVReport:
        splits = min(self.cv, int(counts.min()))
        if splits < self.cv:
            notes.append(
                Message(
                    "learn_note_fewer_folds",
                    {
                        "splits": splits,
                        "cv": self.cv,
                        "cls": repr(counts.idxmin()),
                        "n": int(counts.min()),
                    },
                )
            )
        folds = StratifiedKFold(n_splits=splits, shuffle=True, random_state=self.random_state)
        oof = cross_val_predict(estimator, x, y, cv=folds)
        fold_acc = tuple(float(accuracy_score(y[test], oof[test])) for _, test in folds.split(x, y))
        labels = self.classes_
        matrix = confusion_matrix(y, oof, labels=labels)
        precision, recall, f1, support = precision_recall_fscore_support(
            y, oof, labels=labels, zero_division=0
        )
        return CVReport(
            accuracy=float(np.mean(fold_acc)),
            accuracy_std=float(np.std(fold_acc)),
            fold_accuracy=fold_acc,
            n_splits=splits,
            n_labelled=len(y),
            confusion=pd.DataFrame(
                matrix,
                index=pd.Index(labels, name="known"),
                columns=pd.Index(labels, name="predicted"),
            ),
            per_class=pd.DataFrame(
                {"precision": precision, "recall": recall, "f1": f1, "support": support},
                index=pd.Index(labels, name="class"),
            ),
            notes=list(notes),
        )


def _round4(value: float) -> float:
    """``value`` to 4 significant digits (imputation values then read well in rules)."""
    return float(np.format_float_positional(value, precision=4, unique=False, fractional=False))


def _labelled(
    table: pd.DataFrame, known: pd.Series
) -> tuple[pd.DataFrame, np.ndarray, list[Message]]:
    """Rows of ``table`` with a known class, the classes as strings (object array), notes."""
    if "customer_id" not in table.columns:
        raise ConfigError("the feature table needs a 'customer_id' column")
    known = known.dropna()
    known = known[~known.index.duplicated(keep="last")].astype(str)
    ids = pd.Index(table["customer_id"])
    present = known.index.isin(ids)
    notes: list[Message] = []
    if (~present).any():
        sample = ", ".join(map(str, known.index[~present][:5]))
        notes.append(
            Message("learn_note_not_in_features", {"n": int((~present).sum()), "sample": sample})
        )
    mask = ids.isin(known.index)
    labelled = table.loc[np.asarray(mask)]
    y = np.array([str(v) for v in known.reindex(pd.Index(labelled["customer_id"]))], dtype=object)
    counts = pd.Series(y).value_counts()
    if len(counts) < 2:
        raise ModelError(
            f"need known customers of at least 2 classes to learn from; got "
            f"{dict(counts)}. Label more customers"
        )
    if counts.min() < 2:
        lonely = sorted(counts[counts < 2].index)
        raise ModelError(
            f"classes {lonely} have a single known customer; give at least 2 "
            "examples of each class (or drop the class)"
        )
    return labelled, y, notes


__all__ = ["LEARN_FEATURES", "MODELS", "CVReport", "LearnedClassifier"]
