"""``learned``: classes learned from customers whose class is known (分类学习).

The known classes come from a customer attribute (``labels_column``: non-blank values) or a
CSV file (``labels_file``: ``customer_id,class``). A :class:`custseg.learning.LearnedClassifier`
is trained on the labelled customers and predicts every customer; the score is the confidence
(0-1) and the reason gives the class, the confidence and a low-confidence flag.
``Assignment.thresholds`` holds ``classes`` (key -> label, like the attribute kind), the
cross-validation summary under ``cv`` and the number of low-confidence predictions.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import ibis.expr.types as ir
import pandas as pd

from custseg.errors import ConfigError
from custseg.i18n import Message
from custseg.schemes.config_learning import LearnedScheme
from custseg.schemes.kinds.base import Assignment
from custseg.schemes.kinds.reasons import encode


def read_labels_file(path: str | Path) -> pd.Series:
    """customer_id -> class from a CSV ``customer_id,class`` (other column names: first two)."""
    try:
        frame = pd.read_csv(path, dtype=str, encoding="utf-8-sig", keep_default_na=False)
    except FileNotFoundError as exc:
        raise ConfigError(f"labels file {str(path)!r} does not exist") from exc
    if frame.shape[1] < 2:
        raise ConfigError(f"labels file {str(path)!r} needs two columns: customer_id,class")
    cols = list(frame.columns)
    id_col = "customer_id" if "customer_id" in cols else cols[0]
    class_col = "class" if "class" in cols else next(c for c in cols if c != id_col)
    frame = frame[[id_col, class_col]].map(lambda v: str(v).strip())
    frame = frame[(frame[id_col] != "") & (frame[class_col] != "")]
    return pd.Series(frame[class_col].to_numpy(), index=frame[id_col].to_numpy(), name="class")


def known_labels(df: pd.DataFrame, scheme: LearnedScheme) -> pd.Series:
    """The known classes for ``scheme``: customer_id -> class."""
    if scheme.labels_file:
        return read_labels_file(scheme.labels_file)
    values = df[scheme.labels_column].astype("string").str.strip()
    present = values.notna() & (values != "")
    return pd.Series(
        values[present].astype(str).to_numpy(),
        index=df.loc[present, "customer_id"].to_numpy(),
        name="class",
    )


def cv_summary(report: Any) -> dict[str, Any]:
    """The cross-validation report as plain JSON data."""
    per_class = report.per_class.reset_index().rename(columns={"index": "class"})
    return {
        "accuracy": float(report.accuracy),
        "accuracy_std": float(report.accuracy_std),
        "fold_accuracy": [float(a) for a in report.fold_accuracy],
        "n_splits": int(report.n_splits),
        "n_labelled": int(report.n_labelled),
        "confusion": {
            "classes": [str(c) for c in report.confusion.columns],
            "matrix": report.confusion.to_numpy().astype(int).tolist(),
        },
        "per_class": [
            {str(k): (v if isinstance(v, str) else float(v)) for k, v in row.items()}
            for row in per_class.to_dict("records")
        ],
    }


def assign(features: ir.Table, scheme: LearnedScheme) -> Assignment:
    """Train on the labelled customers of ``features`` and classify every customer."""
    from custseg.learning import LearnedClassifier, class_keys

    df = features.order_by("customer_id").to_pandas()  # a fixed order on every engine
    df["customer_id"] = df["customer_id"].astype(str)
    # Training depends on the row order, which no engine promises (see cluster._numeric_frame).
    df = df.sort_values("customer_id", ignore_index=True)
    known = known_labels(df, scheme)
    clf = LearnedClassifier(
        scheme.model,
        features=scheme.features,
        max_depth=scheme.max_depth,
        random_state=scheme.seed,
        low_confidence=scheme.low_confidence,
    )
    clf.fit(df, known)
    pred = clf.predict(df)
    keys = class_keys(clf.classes_)
    pred["class_key"] = pred["class"].map(lambda c: keys[str(c)])
    flag = pred["low_confidence"].map(
        lambda low: "schemes_w_low_confidence" if low else ""
    )
    pct = (pred["confidence"] * 100).round(0).astype(int).astype(str) + "%"
    pred["reason"] = [
        encode("schemes_r_learned", c, p, f)
        for c, p, f in zip(pred["class"].astype(str), pct, flag, strict=True)
    ]
    frame = pd.DataFrame(
        {
            "customer_id": pred["customer_id"].astype("string"),
            "class_key": pred["class_key"].astype("string"),
            "score": pred["confidence"].round(6).astype("float64"),
            "reason": pred["reason"].astype("string"),
        }
    )
    defined = {c.key: c.labels.model_dump() for c in scheme.classes}
    classes = {keys[c]: defined.get(keys[c], c) for c in clf.classes_}
    low = int(pred["low_confidence"].sum())
    notes: list[Message | str] = list(clf.notes_)
    if low:
        params = {"scheme": scheme.name, "customers": low, "limit": scheme.low_confidence}
        notes.append(Message("schemes_d_low_confidence", params))
    thresholds = {
        "classes": classes,
        "model": scheme.model,
        "features": list(clf.features_),
        "cv": cv_summary(clf.report_),
        "low_confidence": low,
    }
    from custseg.schemes.kinds.cluster import _to_table

    return Assignment(table=_to_table(features, frame), diagnostics=notes, thresholds=thresholds)


__all__ = ["assign", "cv_summary", "known_labels", "read_labels_file"]
