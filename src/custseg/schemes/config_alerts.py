"""Alerts (预警): which moves between two snapshots a manager must hear about.

An alert rule names one scheme and the moves it watches: from some classes (``from``), to some
classes (``to``), in a direction (``up`` / ``down`` by the scheme's ranking, ``entered`` = a
customer who was not in the previous snapshot, ``any`` = every change of class) and, optionally,
only for customers whose features in the new snapshot satisfy ``when``. A system without an
``alerts`` key gets the built-in alerts of the catalogue that fit its schemes
(:func:`custseg.schemes.alerts_in_force.effective_alerts`); ``alerts: []`` turns alerts off.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from pydantic import Field, model_validator

from custseg.errors import ConfigError
from custseg.i18n import Message
from custseg.schemes._model_base import ClassKey, SchemeName, StrictModel, Text, located
from custseg.schemes.expr import parse
from custseg.schemes.scheme_base import SchemeBase, unknown_class_message

Severity = Literal["high", "medium", "low"]
Direction = Literal["up", "down", "any", "entered"]
SEVERITY_ORDER: dict[str, int] = {"high": 0, "medium": 1, "low": 2}
"""Most severe first."""


class AlertRule(StrictModel):
    """One alert: a kind of move in one scheme, with a label, a severity and the reason shown."""

    key: ClassKey
    labels: Text
    severity: Severity = "medium"
    scheme: SchemeName
    from_: list[ClassKey] | None = Field(default=None, alias="from", min_length=1)
    to: list[ClassKey] | None = Field(default=None, min_length=1)
    direction: Direction = "any"
    when: str | None = Field(default=None, min_length=1)
    description: Text | None = None

    @model_validator(mode="after")
    def _check_rule(self) -> AlertRule:
        if self.direction == "entered" and self.from_ is not None:
            raise located(
                ["from"],
                Message("config_v_entered_from"),
            )
        if self.when is not None:
            try:
                parse(self.when, where=f"alert {self.key}.when")
            except ConfigError as exc:
                raise located(["when"], exc.msg or exc.message) from None
        return self

    def class_references(self) -> list[tuple[tuple[str | int, ...], str]]:
        """Every (key path, class key) the rule names."""
        refs: list[tuple[tuple[str | int, ...], str]] = []
        for field, keys in (("from", self.from_), ("to", self.to)):
            refs += [((field, i), key) for i, key in enumerate(keys or [])]
        return refs


def check_alerts(alerts: Sequence[AlertRule], schemes: Sequence[SchemeBase]) -> None:
    """Raise a located error for the first invalid alert.

    Invalid: an unknown scheme or class, a duplicate key, or up / down moves watched in a
    scheme without a ranking.
    """
    by_name = {s.name: s for s in schemes}
    seen: dict[str, int] = {}
    for i, alert in enumerate(alerts):
        if alert.key in seen:
            raise located(
                ["alerts", i, "key"],
                Message(
                    "config_v_duplicate_alert", {"key": repr(alert.key), "other": seen[alert.key]}
                ),
            )
        seen[alert.key] = i
        scheme = by_name.get(alert.scheme)
        if scheme is None:
            raise located(
                ["alerts", i, "scheme"],
                Message(
                    "config_v_alert_scheme",
                    {
                        "key": repr(alert.key),
                        "scheme": repr(alert.scheme),
                        "schemes": str(sorted(by_name)),
                    },
                ),
            )
        generated = scheme.generates_classes and not scheme.classes
        for path, key in alert.class_references():
            if key not in scheme.class_keys and not generated:
                raise located(
                    ["alerts", i, *path],
                    Message(
                        "config_v_in_alert",
                        {
                            "key": repr(alert.key),
                            "msg": unknown_class_message(key, scheme.class_keys),
                        },
                    ),
                )
        if alert.direction in ("up", "down") and not scheme.ranked_keys():
            raise located(
                ["alerts", i, "direction"],
                Message(
                    "config_v_alert_unranked",
                    {
                        "key": repr(alert.key),
                        "direction": repr(alert.direction),
                        "scheme": repr(scheme.name),
                    },
                ),
            )


def fits(alert: AlertRule, schemes: Sequence[SchemeBase]) -> bool:
    """Whether ``alert`` can be used with these schemes (its scheme and classes exist)."""
    try:
        check_alerts([alert], schemes)
    except ValueError:
        return False
    return True


__all__ = [
    "SEVERITY_ORDER",
    "AlertRule",
    "Direction",
    "Severity",
    "check_alerts",
    "fits",
]
