"""What the health check of a system is told: exclusions between schemes and its settings.

An **exclusion** (互斥) names classes of two schemes that no customer may hold at once::

    exclusions:
      - key: churned_not_champion
        if: {scheme: lifecycle, classes: [churned]}
        then_not: {scheme: rfm_segments, classes: [champions, loyal]}

Every run counts the customers who break it (``custseg check``). The **health settings** are
``parameters.health`` of the system (all optional): ``dominant_share`` (a class holding at
least this share of the customers a scheme splits is reported; default 0.9) and ``tie_share``
(a quantile split at a value shared by at least this share of them is reported; default 0.1).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import Field, ValidationError

from custseg.i18n import Message
from custseg.schemes._model_base import (
    ClassKey,
    SchemeName,
    StrictModel,
    Text,
    located,
    pydantic_message,
)
from custseg.schemes.scheme_base import SchemeBase, unknown_class_message


class ClassSelector(StrictModel):
    """Some classes of one scheme."""

    scheme: SchemeName
    classes: list[ClassKey] = Field(min_length=1)


class Exclusion(StrictModel):
    """Customers in ``if`` must not be in ``then_not`` (a contradiction between two schemes)."""

    key: ClassKey
    if_: ClassSelector = Field(alias="if")
    then_not: ClassSelector
    description: Text | None = None


class HealthSettings(StrictModel):
    """``parameters.health``: thresholds of the health check."""

    dominant_share: float = Field(default=0.9, gt=0.5, le=1.0)
    tie_share: float = Field(default=0.1, gt=0.0, le=1.0)


def check_exclusions(exclusions: Sequence[Exclusion], schemes: Sequence[SchemeBase]) -> None:
    """Raise a located error for the first exclusion naming an unknown scheme or class."""
    by_name = {s.name: s for s in schemes}
    seen: dict[str, int] = {}
    for i, rule in enumerate(exclusions):
        if rule.key in seen:
            raise located(
                ["exclusions", i, "key"],
                Message(
                    "config_v_duplicate_exclusion", {"key": repr(rule.key), "other": seen[rule.key]}
                ),
            )
        seen[rule.key] = i
        for side, selector in (("if", rule.if_), ("then_not", rule.then_not)):
            scheme = by_name.get(selector.scheme)
            if scheme is None:
                raise located(
                    ["exclusions", i, side, "scheme"],
                    Message(
                        "config_v_exclusion_scheme",
                        {
                            "key": repr(rule.key),
                            "scheme": repr(selector.scheme),
                            "schemes": str(sorted(by_name)),
                        },
                    ),
                )
            if scheme.generates_classes and not scheme.classes:
                continue
            for j, key in enumerate(selector.classes):
                if key not in scheme.class_keys:
                    raise located(
                        ["exclusions", i, side, "classes", j],
                        Message(
                            "config_v_in_exclusion",
                            {
                                "key": repr(rule.key),
                                "msg": unknown_class_message(key, scheme.class_keys),
                            },
                        ),
                    )


def health_settings(parameters: Mapping[str, Any]) -> HealthSettings:
    """The validated ``parameters.health`` (defaults where not given); a located error if bad."""
    try:
        return HealthSettings.model_validate(parameters.get("health") or {})
    except ValidationError as exc:
        error = exc.errors()[0]
        inner, message = pydantic_message(error)
        path = ["parameters", "health", *(str(p) for p in error["loc"]), *(str(p) for p in inner)]
        raise located(path, message) from exc


__all__ = ["ClassSelector", "Exclusion", "HealthSettings", "check_exclusions", "health_settings"]
