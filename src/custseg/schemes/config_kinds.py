"""The model of each scheme kind: the keys a YAML scheme of that kind may have.

Conventions shared by the kinds that bin a value (tiers, pareto, matrix): the *first* classes are
the bins, best first; any further classes exist only to be named by ``missing_class``,
``outside_class`` or ``zero_class``. When ``missing_class`` is not given, a class ``none``
(无数据 / No data) is added and used for null values, so no customer is ever left without a
class.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator, model_validator

from custseg.i18n import Message
from custseg.schemes._model_base import (
    NO_DATA,
    OTHER,
    ClassDef,
    ClassKey,
    StrictModel,
    check_ascending,
    located,
)
from custseg.schemes.expr.ast import is_identifier
from custseg.schemes.scheme_base import Path, SchemeBase

Method = Literal["quantile", "fixed"]
Feature = str


def _check_feature_name(value: str) -> str:
    if not is_identifier(value):
        raise located([], Message("config_v_feature_name", {"got": repr(value)}))
    return value


def _unused_classes(scheme: SchemeBase, used: set[str]) -> None:
    for i, cls in enumerate(scheme.classes):
        if cls.key not in used:
            raise located(
                ["classes", i],
                Message("config_v_class_unused", {"cls": repr(cls.key)}),
            )


class _Population(StrictModel):
    """Mixin for an optional ``where`` condition; others get ``outside_class``."""

    where: str | None = None
    outside_class: ClassKey | None = None

    @model_validator(mode="after")
    def _check_outside(self) -> _Population:
        if self.where is not None and self.outside_class is None:
            raise located(
                ["outside_class"],
                Message("config_v_outside_class"),
            )
        return self


class Rule(StrictModel):
    """One rule: a condition and the class it gives."""

    when: str = Field(min_length=1)
    class_: ClassKey = Field(alias="class")


class RulesScheme(SchemeBase):
    """Ordered rules, first match wins; ``default`` for customers no rule matches."""

    kind: Literal["rules"] = "rules"
    rules: list[Rule] = Field(min_length=1)
    default: ClassKey

    def class_references(self) -> list[tuple[Path, str]]:
        """Rule targets and the default."""
        refs: list[tuple[Path, str]] = [
            (("rules", i, "class"), r.class_) for i, r in enumerate(self.rules)
        ]
        return [*refs, (("default",), self.default)]

    def condition_texts(self) -> list[tuple[Path, str]]:
        """Each rule's ``when``."""
        return [(("rules", i, "when"), r.when) for i, r in enumerate(self.rules)]


class TiersScheme(_Population, SchemeBase):
    """Quantile or fixed-threshold tiers of one feature; the highest tier is the first class."""

    kind: Literal["tiers"] = "tiers"
    feature: Feature
    method: Method = "quantile"
    cuts: list[float] = Field(min_length=1)
    missing_class: ClassKey | None = None

    _feature = field_validator("feature")(_check_feature_name)

    @field_validator("cuts")
    @classmethod
    def _check_cuts(cls, value: list[float]) -> list[float]:
        check_ascending(value)
        return value

    @model_validator(mode="after")
    def _check_tiers(self) -> TiersScheme:
        if self.method == "quantile" and any(not 0 < c < 1 for c in self.cuts):
            raise located(["cuts"], Message("config_v_quantile_cuts", {"got": str(self.cuts)}))
        bins = len(self.cuts) + 1
        if len(self.classes) < bins:
            raise located(
                ["classes"],
                Message(
                    "config_v_tier_classes",
                    {"cuts": len(self.cuts), "bins": bins, "got": len(self.classes)},
                ),
            )
        _unused_classes(
            self, {*self.class_keys[:bins], self.missing_class or "", self.outside_class or ""}
        )
        return self

    def added_classes(self) -> list[tuple[str, ClassDef]]:
        """``missing_class`` defaults to an added class ``none``."""
        return [("missing_class", NO_DATA)]

    def class_references(self) -> list[tuple[Path, str]]:
        """Missing / outside classes."""
        return _optional_refs(self, "missing_class", "outside_class")

    def condition_texts(self) -> list[tuple[Path, str]]:
        """The population condition."""
        return [(("where",), self.where)] if self.where else []

    def feature_fields(self) -> list[tuple[Path, str]]:
        """The tiered feature."""
        return [(("feature",), self.feature)]


class ParetoScheme(_Population, SchemeBase):
    """ABC by cumulative share of ``measure`` (sorted descending, ties by customer_id)."""

    kind: Literal["pareto"] = "pareto"
    measure: Feature
    cuts: list[float] = Field(default_factory=lambda: [0.8, 0.95], min_length=1)
    zero_class: ClassKey | None = None

    _measure = field_validator("measure")(_check_feature_name)

    @field_validator("cuts")
    @classmethod
    def _check_cuts(cls, value: list[float]) -> list[float]:
        check_ascending(value)
        if any(not 0 < c <= 1 for c in value):
            raise located([], Message("config_v_share_cuts", {"got": str(value)}))
        return value

    @model_validator(mode="after")
    def _check_pareto(self) -> ParetoScheme:
        bins = len(self.cuts) + 1
        if len(self.classes) < bins:
            raise located(
                ["classes"],
                Message(
                    "config_v_pareto_classes",
                    {"cuts": len(self.cuts), "bins": bins, "got": len(self.classes)},
                ),
            )
        if self.zero_class is None:
            self.zero_class = self.class_keys[bins - 1]
        _unused_classes(self, {*self.class_keys[:bins], self.zero_class, self.outside_class or ""})
        return self

    def class_references(self) -> list[tuple[Path, str]]:
        """Zero / outside classes."""
        return _optional_refs(self, "zero_class", "outside_class")

    def condition_texts(self) -> list[tuple[Path, str]]:
        """The population condition."""
        return [(("where",), self.where)] if self.where else []

    def feature_fields(self) -> list[tuple[Path, str]]:
        """The measure."""
        return [(("measure",), self.measure)]


class Axis(StrictModel):
    """One axis of a matrix: a feature split in two at a quantile or a fixed value."""

    feature: Feature
    split: float = 0.5
    method: Method = "quantile"

    _feature = field_validator("feature")(_check_feature_name)

    @model_validator(mode="after")
    def _check_split(self) -> Axis:
        if self.method == "quantile" and not 0 < self.split < 1:
            raise located(["split"], Message("config_v_quantile_split", {"got": str(self.split)}))
        return self


class Cells(StrictModel):
    """The class of each quadrant, x first: ``high_low`` = high x, low y."""

    high_high: ClassKey
    high_low: ClassKey
    low_high: ClassKey
    low_low: ClassKey


class MatrixScheme(_Population, SchemeBase):
    """Two features, each split in two: four quadrants (e.g. sales × loyalty)."""

    kind: Literal["matrix"] = "matrix"
    x: Axis
    y: Axis
    cells: Cells
    missing_class: ClassKey | None = None
    population: str | None = None
    """Within ``where``: the customers the measure is meaningful for (e.g. ``revenue_12m > 0``);
    the splits are computed among them and only they get a quadrant."""
    unplaced_class: ClassKey | None = None
    """The class of customers in ``where`` but outside ``population``."""

    @model_validator(mode="after")
    def _check_population(self) -> MatrixScheme:
        if self.population is not None and self.unplaced_class is None:
            raise located(
                ["unplaced_class"],
                Message("config_v_unplaced_class"),
            )
        return self

    def added_classes(self) -> list[tuple[str, ClassDef]]:
        """``missing_class`` defaults to an added class ``none``."""
        return [("missing_class", NO_DATA)]

    def class_references(self) -> list[tuple[Path, str]]:
        """The cells and missing / outside / unplaced classes."""
        cells = [(("cells", k), v) for k, v in self.cells.model_dump().items()]
        refs = _optional_refs(self, "missing_class", "outside_class", "unplaced_class")
        return [*cells, *refs]

    def condition_texts(self) -> list[tuple[Path, str]]:
        """The ``where`` and ``population`` conditions."""
        texts: list[tuple[Path, str]] = [(("where",), self.where)] if self.where else []
        return texts + ([(("population",), self.population)] if self.population else [])

    def feature_fields(self) -> list[tuple[Path, str]]:
        """Both axes' features."""
        return [(("x", "feature"), self.x.feature), (("y", "feature"), self.y.feature)]


class Indicator(StrictModel):
    """One indicator of a composite score, normalised to 0-100 (100 = best)."""

    feature: Feature
    weight: float = Field(gt=0)
    direction: Literal["higher_is_better", "lower_is_better"] = "higher_is_better"
    normalise: Literal["rank", "minmax", "fixed"] = "rank"
    min: float | None = None
    max: float | None = None
    missing: float | Literal["mean"] = "mean"

    _feature = field_validator("feature")(_check_feature_name)

    @model_validator(mode="after")
    def _check_range(self) -> Indicator:
        if self.normalise == "fixed" and (self.min is None or self.max is None):
            raise located(["normalise"], Message("config_v_fixed_bounds"))
        if self.min is not None and self.max is not None and self.min >= self.max:
            raise located(
                ["max"], Message("config_v_max_above_min", {"min": self.min, "got": self.max})
            )
        if isinstance(self.missing, float) and not 0 <= self.missing <= 100:
            raise located(["missing"], Message("config_v_missing_score", {"got": self.missing}))
        return self


class Grade(StrictModel):
    """Customers with a score >= ``min`` (and below the previous grade) get ``class``."""

    min: float = Field(ge=0, le=100)
    class_: ClassKey = Field(alias="class")


class Fallback(StrictModel):
    """Customers matching ``when`` are scored by ``score_feature`` (0-100) instead, when it is set."""

    when: str = Field(min_length=1)
    score_feature: Feature

    _feature = field_validator("score_feature")(_check_feature_name)


class ScoreScheme(SchemeBase):
    """Weighted composite of normalised indicators (weights scaled to sum 1), graded by thresholds."""

    kind: Literal["score"] = "score"
    indicators: list[Indicator] = Field(min_length=1)
    grades: list[Grade] = Field(min_length=1)
    fallback: Fallback | None = None

    @field_validator("grades")
    @classmethod
    def _check_grades(cls, value: list[Grade]) -> list[Grade]:
        mins = [g.min for g in value]
        if any(b >= a for a, b in zip(mins, mins[1:], strict=False)):
            raise located([], Message("config_v_grades_descending", {"got": str(mins)}))
        return value

    @property
    def weights(self) -> list[float]:
        """Indicator weights scaled to sum to 1."""
        total = sum(i.weight for i in self.indicators)
        return [i.weight / total for i in self.indicators]

    def class_references(self) -> list[tuple[Path, str]]:
        """Each grade's class."""
        return [(("grades", i, "class"), g.class_) for i, g in enumerate(self.grades)]

    def condition_texts(self) -> list[tuple[Path, str]]:
        """The fallback condition."""
        return [(("fallback", "when"), self.fallback.when)] if self.fallback else []

    def feature_fields(self) -> list[tuple[Path, str]]:
        """Indicator features and the fallback score feature."""
        out: list[tuple[Path, str]] = [
            (("indicators", i, "feature"), ind.feature) for i, ind in enumerate(self.indicators)
        ]
        if self.fallback:
            out.append((("fallback", "score_feature"), self.fallback.score_feature))
        return out


class AttributeScheme(SchemeBase):
    """Classes from a customer attribute: a mapping of values, or ``classes: auto``."""

    kind: Literal["attribute"] = "attribute"
    feature: Feature
    mapping: dict[ClassKey, list[str]] = Field(default_factory=dict)
    auto: bool = False
    max_classes: int = Field(default=30, ge=1, le=500)
    other_class: ClassKey | None = None
    missing_class: ClassKey | None = None

    _feature = field_validator("feature")(_check_feature_name)

    @model_validator(mode="before")
    @classmethod
    def _classes_auto(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("classes") == "auto":
            return {**data, "classes": [], "auto": True}
        return data

    @model_validator(mode="after")
    def _check_mapping(self) -> AttributeScheme:
        seen: dict[str, str] = {}
        for key, values in self.mapping.items():
            for value in values:
                norm = normalise_value(value)
                if seen.get(norm, key) != key:
                    raise located(
                        ["mapping", key],
                        Message(
                            "config_v_mapped_twice",
                            {"value": repr(value), "other": repr(seen[norm])},
                        ),
                    )
                seen[norm] = key
        if self.auto and self.mapping:
            raise located(["mapping"], Message("config_v_auto_and_mapping"))
        return self

    def added_classes(self) -> list[tuple[str, ClassDef]]:
        """``other_class`` -> ``other`` and ``missing_class`` -> ``none`` when unset."""
        return [("other_class", OTHER), ("missing_class", NO_DATA)]

    def class_references(self) -> list[tuple[Path, str]]:
        """Mapping keys, other and missing classes."""
        refs: list[tuple[Path, str]] = [(("mapping", k), k) for k in self.mapping]
        return [*refs, *_optional_refs(self, "other_class", "missing_class")]

    def feature_fields(self) -> list[tuple[Path, str]]:
        """The attribute."""
        return [(("feature",), self.feature)]


def normalise_value(value: object) -> str:
    """How attribute values are compared: as text, stripped and lower-cased."""
    return str(value).strip().lower()


def _optional_refs(model: BaseModel, *fields: str) -> list[tuple[Path, str]]:
    return [((f,), getattr(model, f)) for f in fields if getattr(model, f) is not None]
