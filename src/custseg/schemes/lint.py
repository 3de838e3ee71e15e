"""Checks of a classification system against the feature list, before any data is read.

:func:`lint_system` raises :class:`~custseg.errors.UnknownNameError` for a feature (or required
table) that does not exist, and returns warnings: shadowed rules, rules that can never match,
classes no rule can give (see :mod:`custseg.schemes.shadowing`).
"""

from __future__ import annotations

from collections.abc import Iterable

from custseg.errors import UnknownNameError
from custseg.i18n import Message
from custseg.schemes.config import ClassificationSystem
from custseg.schemes.config_kinds import RulesScheme
from custseg.schemes.scheme_base import SchemeBase
from custseg.schemes.shadowing import rule_warnings
from custseg.tables import TABLE_NAMES


def lint_system(system: ClassificationSystem, feature_names: Iterable[str]) -> list[Message]:
    """Raise UnknownNameError for unknown names; return the warnings (each names its scheme)."""
    known = set(feature_names)
    warnings: list[Message] = []
    for scheme in system.schemes:
        check_names(scheme, known)
        if isinstance(scheme, RulesScheme):
            warnings += rule_warnings(scheme)
    return warnings


def check_names(scheme: SchemeBase, known: set[str]) -> None:
    """Raise UnknownNameError for the first feature or required name ``scheme`` uses that is unknown."""
    for path, used in scheme.features_used().items():
        for name in sorted(used - known):
            raise UnknownNameError(
                name, known, what="feature", where=f"schemes.{scheme.name}.{path}"
            )
    for i, name in enumerate(scheme.requires):
        if name not in known and name not in TABLE_NAMES:
            raise UnknownNameError(
                name,
                [*known, *TABLE_NAMES],
                what="table or feature",
                where=f"schemes.{scheme.name}.requires[{i}]",
            )
