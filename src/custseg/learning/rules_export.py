"""Turn a fitted decision tree into readable rules and into a ``rules`` scheme for the YAML.

One rule per leaf: the conjunction of the splits on the path (tightest bound per feature and
direction) -> the leaf's class, with its support (labelled customers in the leaf) and purity
(share of them that have the leaf's class). Thresholds are rounded to 4 significant digits, or
more when needed so that the rounded value still separates the training values exactly as the
tree does (the tree compares float32 values; the rounded threshold lies in ``[lo, hi)`` where
``lo`` is the largest training value sent left and ``hi`` the smallest sent right). Features
that had nulls during training were imputed with their median, so their conditions read
``coalesce(feature, median) <= t`` and reproduce the tree on null values too.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import yaml
from numpy.typing import NDArray
from sklearn.tree import DecisionTreeClassifier

Text = dict[str, str]
_SLUG = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_SIGNIFICANT = 4


@dataclass(frozen=True)
class Condition:
    """``feature <= threshold`` or ``feature > threshold`` (nulls filled with ``fill`` if set)."""

    feature: str
    op: str  # "<=" or ">"
    threshold: float
    fill: float | None = None

    def render(self) -> str:
        """The condition in custseg's condition language."""
        left = (
            self.feature
            if self.fill is None
            else f"coalesce({self.feature}, {format_number(self.fill)})"
        )
        return f"{left} {self.op} {format_number(self.threshold)}"

    def mask(self, table: pd.DataFrame) -> NDArray[np.bool_]:
        """Rows of ``table`` satisfying the condition (a null value satisfies nothing)."""
        values = pd.to_numeric(table[self.feature], errors="coerce").astype("float64")
        if self.fill is not None:
            values = values.fillna(self.fill)
        array = values.to_numpy()
        with np.errstate(invalid="ignore"):
            out = array <= self.threshold if self.op == "<=" else array > self.threshold
        return np.asarray(out & ~np.isnan(array), dtype=bool)


@dataclass(frozen=True)
class Rule:
    """One leaf of the tree as a rule."""

    conditions: tuple[Condition, ...]
    class_: str
    support: int
    purity: float
    leaf: int

    @property
    def when(self) -> str:
        """The rule's condition text (``true`` for a tree without splits)."""
        return " and ".join(c.render() for c in self.conditions) or "true"

    def describe(self) -> str:
        """``when -> class (support n, purity p%)``."""
        return f"{self.when} -> {self.class_} (support {self.support}, purity {self.purity:.0%})"


def format_number(value: float) -> str:
    """Plain positional decimal text (never scientific notation), shortest exact form."""
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(np.format_float_positional(float(value), trim="-"))


def round_threshold(threshold: float, lo: float, hi: float) -> float:
    """``threshold`` rounded to 4 significant digits, or more, staying within ``[lo, hi)``."""
    for digits in range(_SIGNIFICANT, 18):
        text = np.format_float_positional(
            threshold, precision=digits, unique=False, fractional=False, trim="-"
        )
        candidate = float(text)
        if lo <= candidate < hi:
            return candidate
    return threshold if lo <= threshold < hi else lo


def tree_rules(
    tree: DecisionTreeClassifier,
    x: NDArray[np.float64],
    y: NDArray[Any],
    features: Sequence[str],
    *,
    fills: Mapping[str, float] | None = None,
) -> list[Rule]:
    """One :class:`Rule` per leaf of ``tree``, fitted on ``x`` (float64, imputed) and ``y``."""
    fills = dict(fills or {})
    t = tree.tree_
    leaves = tree.apply(x.astype(np.float32))
    uniques = [np.unique(x[:, j]) for j in range(x.shape[1])]
    rules: list[Rule] = []

    def walk(node: int, path: list[Condition]) -> None:
        if t.children_left[node] == -1:
            rules.append(_leaf_rule(tree, node, path, leaves, y))
            return
        j = int(t.feature[node])
        thr = _exact_threshold(uniques[j], float(t.threshold[node]))
        name = features[j]
        fill = fills.get(name)
        walk(int(t.children_left[node]), [*path, Condition(name, "<=", thr, fill)])
        walk(int(t.children_right[node]), [*path, Condition(name, ">", thr, fill)])

    walk(0, [])
    return rules


def _exact_threshold(values: NDArray[np.float64], threshold: float) -> float:
    as32 = values.astype(np.float32).astype(np.float64)
    k = int(np.searchsorted(as32, threshold, side="right"))
    lo = float(values[k - 1]) if k > 0 else -np.inf
    hi = float(values[k]) if k < len(values) else np.inf
    return round_threshold(threshold, lo, hi)


def _leaf_rule(
    tree: DecisionTreeClassifier,
    node: int,
    path: list[Condition],
    leaves: NDArray[np.intp],
    y: NDArray[Any],
) -> Rule:
    klass = tree.classes_[int(np.argmax(tree.tree_.value[node][0]))]
    members = y[leaves == node]
    purity = float((members == klass).mean()) if len(members) else 0.0
    return Rule(_simplify(path), str(klass), int(len(members)), purity, node)


def _simplify(path: list[Condition]) -> tuple[Condition, ...]:
    """Keep the tightest ``<=`` and ``>`` bound per feature, in order of first appearance."""
    best: dict[tuple[str, str], Condition] = {}
    for c in path:
        key = (c.feature, c.op)
        old = best.get(key)
        if old is None or (
            c.threshold < old.threshold if c.op == "<=" else c.threshold > old.threshold
        ):
            best[key] = c
    order = list(dict.fromkeys((c.feature, c.op) for c in path))
    return tuple(best[k] for k in order)


def apply_rules(rules: Sequence[Rule], table: pd.DataFrame, default: str) -> pd.Series:
    """The class of each row of ``table``: the first rule that matches, else ``default``."""
    out = np.full(len(table), default, dtype=object)
    for rule in reversed(rules):
        mask = np.ones(len(table), dtype=bool)
        for c in rule.conditions:
            mask &= c.mask(table)
        out[mask] = rule.class_
    return pd.Series(out, index=table.index, name="class")


def class_keys(classes: Sequence[str]) -> dict[str, str]:
    """Map each class to a valid class key (ASCII slug); other values become ``class_N``."""
    keys: dict[str, str] = {}
    for i, value in enumerate(classes, start=1):
        text = str(value)
        slug = re.sub(r"[^A-Za-z0-9_]+", "_", text).strip("_")
        key = (
            text
            if _SLUG.match(text)
            else (slug if _SLUG.match(slug) and slug.isascii() else f"class_{i}")
        )
        while key in keys.values() or len(key) > 64:
            key = f"class_{i}" if len(key) > 64 else f"{key}_{i}"
        keys[text] = key
    return keys


def rules_scheme(
    rules: Sequence[Rule],
    *,
    classes: Sequence[str],
    default: str,
    name: str = "learned",
    labels: Text | None = None,
    class_labels: Mapping[str, Text] | None = None,
) -> dict[str, Any]:
    """A ``kind: rules`` scheme dict for the classification YAML (see ``docs/contracts.md``)."""
    keys = class_keys(classes)
    return {
        "name": name,
        "kind": "rules",
        "labels": dict(labels or {"zh_CN": "学习所得分类", "en": "Learned classes"}),
        "classes": [
            {"key": keys[c], "labels": dict((class_labels or {}).get(c) or {"zh_CN": c, "en": c})}
            for c in classes
        ],
        "rules": [{"when": r.when, "class": keys[r.class_]} for r in rules],
        "default": keys[default],
    }


def scheme_yaml(scheme: Mapping[str, Any]) -> str:
    """YAML text of a scheme dict (UTF-8 labels kept readable)."""
    return str(yaml.safe_dump(dict(scheme), allow_unicode=True, sort_keys=False, width=10_000))


__all__ = [
    "Condition",
    "Rule",
    "apply_rules",
    "class_keys",
    "format_number",
    "round_threshold",
    "rules_scheme",
    "scheme_yaml",
    "tree_rules",
]
