"""The models of the learning kinds: ``cluster`` (natural groups) and ``learned`` (known classes).

Both generate their classes from the data, so ``classes`` may be empty (or ``auto``):

- ``cluster``: groups found by k-means / a Gaussian mixture, keyed ``g1, g2, ...`` and kept
  stable from one snapshot to the next (see :mod:`custseg.learning.matching`); customers with
  no purchase get ``prospect_class`` (default: an added class ``prospect``). ``names`` renames
  generated groups by key. Classes listed explicitly only add labels / colours / strategies.
- ``learned``: a model trained on customers whose class is known, from a customer attribute
  (``labels_column``) or a CSV file ``customer_id,class`` (``labels_file``); every customer gets
  the predicted class. Without labels the scheme is skipped (see :meth:`unmet_requirements`).
"""

from __future__ import annotations

from pathlib import Path as FilePath
from typing import Any, ClassVar, Literal

from pydantic import Field, field_validator, model_validator

from custseg.i18n import Message
from custseg.schemes._model_base import ClassDef, ClassKey, Text, located
from custseg.schemes.config_kinds import _check_feature_name
from custseg.schemes.scheme_base import Path, SchemeBase

PROSPECT = ClassDef(
    key="prospect", labels=Text(zh_CN="未购买", en="No purchase yet"), colour="#9E9E9E"
)
"""Class added to a cluster scheme for customers with no purchase (they are not clustered)."""

DEFAULT_MAX_DISTANCE = 0.5
"""Same as :data:`custseg.learning.DEFAULT_MAX_DISTANCE` (not imported: keeps sklearn lazy)."""


def _auto_classes(data: Any) -> Any:
    if isinstance(data, dict) and data.get("classes") == "auto":
        return {**data, "classes": []}
    return data


def _check_features(value: list[str] | None) -> list[str] | None:
    if value is not None:
        if not value:
            raise located([], Message("config_v_no_features"))
        for name in value:
            _check_feature_name(name)
    return value


class ClusterScheme(SchemeBase):
    """Natural groups of the buying customers, with stable keys and generated names."""

    generates_classes: ClassVar[bool] = True

    kind: Literal["cluster"] = "cluster"
    features: list[str] | None = None
    method: Literal["kmeans", "gmm"] = "kmeans"
    k: int | None = Field(default=None, ge=2, le=30)
    k_min: int = Field(default=2, ge=2, le=30)
    k_max: int = Field(default=8, ge=2, le=30)
    seed: int = Field(default=0, ge=0)
    max_distance: float = Field(default=DEFAULT_MAX_DISTANCE, gt=0)
    names: dict[ClassKey, Text] = Field(default_factory=dict)
    prospect_class: ClassKey | None = None

    _features = field_validator("features")(_check_features)
    _auto = model_validator(mode="before")(_auto_classes)

    @model_validator(mode="after")
    def _check_range(self) -> ClusterScheme:
        if self.k_min > self.k_max:
            raise located(
                ["k_max"], Message("config_v_k_max", {"k_min": self.k_min, "got": self.k_max})
            )
        return self

    def added_classes(self) -> list[tuple[str, ClassDef]]:
        """``prospect_class`` defaults to an added class ``prospect``."""
        return [("prospect_class", PROSPECT)]

    def class_references(self) -> list[tuple[Path, str]]:
        """The prospect class."""
        return [(("prospect_class",), self.prospect_class)] if self.prospect_class else []

    def feature_fields(self) -> list[tuple[Path, str]]:
        """The clustering features, when given."""
        return [(("features", i), f) for i, f in enumerate(self.features or [])]


class LearnedScheme(SchemeBase):
    """Classes learned from customers whose class is known; every customer gets a prediction."""

    generates_classes: ClassVar[bool] = True

    kind: Literal["learned"] = "learned"
    labels_column: str | None = None
    labels_file: str | None = None
    model: Literal["tree", "boosting"] = "tree"
    max_depth: int | None = Field(default=4, ge=1, le=30)
    low_confidence: float = Field(default=0.6, gt=0, lt=1)
    features: list[str] | None = None
    seed: int = Field(default=0, ge=0)

    _features = field_validator("features")(_check_features)
    _auto = model_validator(mode="before")(_auto_classes)

    @field_validator("labels_column")
    @classmethod
    def _check_column(cls, value: str | None) -> str | None:
        return None if value is None else _check_feature_name(value)

    @model_validator(mode="after")
    def _check_labels(self) -> LearnedScheme:
        if (self.labels_column is None) == (self.labels_file is None):
            raise located(
                ["labels_column"],
                Message("config_v_labels_source"),
            )
        if self.labels_column and self.labels_column not in self.requires:
            self.requires = [*self.requires, self.labels_column]
        return self

    def unmet_requirements(self) -> list[str]:
        """The labels file must exist."""
        if self.labels_file and not FilePath(self.labels_file).is_file():
            return [f"needs the labels file {self.labels_file!r}, which does not exist"]
        return []

    def feature_fields(self) -> list[tuple[Path, str]]:
        """The labels column and the features, when given."""
        out: list[tuple[Path, str]] = [
            (("features", i), f) for i, f in enumerate(self.features or [])
        ]
        if self.labels_column:
            out.append((("labels_column",), self.labels_column))
        return out


__all__ = ["DEFAULT_MAX_DISTANCE", "PROSPECT", "ClusterScheme", "LearnedScheme"]
