"""Learn known classes from a snapshot's features: the quality report and the exported rules."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from custseg.errors import ConfigError
from custseg.learning.classifier import MODELS, LearnedClassifier
from custseg.learning.rules_export import scheme_yaml


@dataclass(frozen=True, slots=True)
class LearnedClasses:
    """What `custseg learn` reports: the payload (JSON-ready) and the fitted classifier."""

    payload: dict[str, Any]
    classifier: LearnedClassifier

    @property
    def rules_yaml(self) -> str | None:
        """The rules scheme as YAML (None for a model that cannot be exported as rules)."""
        return self.payload["rules_yaml"]  # type: ignore[no-any-return]


def learn_known_classes(
    snapshot: Any, labels: Path, *, scheme: str, model: str = "tree", max_depth: int = 4
) -> LearnedClasses:
    """Fit ``model`` on the customers of ``labels`` (CSV customer_id,class) in ``snapshot``.

    A tree is exported as a rules scheme named ``scheme`` (checked to load as a system).
    """
    from custseg.schemes import ClassificationSystem
    from custseg.schemes.kinds.learned import cv_summary, read_labels_file

    if model not in MODELS:
        raise ConfigError(f"--model must be one of {list(MODELS)}; got {model!r}")
    known = read_labels_file(labels)
    features = snapshot.features()
    features["customer_id"] = features["customer_id"].astype(str)
    clf = LearnedClassifier(model, max_depth=max_depth).fit(features, known)
    pred = clf.predict(features)
    text = None
    if model == "tree":
        exported = clf.to_scheme(name=scheme)
        text = scheme_yaml(exported)
        ClassificationSystem.model_validate({"name": "check", "schemes": [exported]})  # must load
    payload: dict[str, Any] = {
        "snapshot_id": snapshot.snapshot_id,
        "as_of": str(snapshot.as_of),
        "scheme": scheme,
        "model": model,
        "features": list(clf.features_),
        "report": cv_summary(clf.report_),
        "predicted": int(len(pred)),
        "low_confidence": int(pred["low_confidence"].sum()),
        "low_confidence_threshold": clf.low_confidence,
        "notes": list(clf.notes_),
        "out": None,
        "rules_yaml": text,
    }
    return LearnedClasses(payload, clf)
