"""Checks of a classification system that need the whole document or the feature registry.

Run by :func:`custseg.schemes.loader.parse_system` before any data is read; every problem names
the file, line and key path:

- :func:`check_document` (on the YAML data): only finite numbers anywhere (``.inf`` and
  ``.nan`` are refused, in ``parameters`` too), and the supported ``version`` only;
- :func:`check_features` (on the validated system): every feature a scheme or an alert names,
  directly or in a condition, exists (did-you-mean otherwise); a feature that is tiered,
  split, scored, used as a Pareto measure or clustered is a number; every condition type-checks
  against the feature types (compiled on an empty table of the registry's schema).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import ibis

from custseg.errors import ConfigError, UnknownNameError
from custseg.features.registry import FEATURES
from custseg.i18n import Lang, Message
from custseg.schemes.config import ClassificationSystem
from custseg.schemes.expr import compile_predicate, names, parse
from custseg.schemes.scheme_base import SchemeBase, render_path
from custseg.tables import TABLE_NAMES as _TABLES

SUPPORTED_VERSIONS: tuple[int, ...] = (1,)
"""The ``version`` values of the system format this custseg reads."""

NUMERIC_KINDS: frozenset[str] = frozenset({"tiers", "pareto", "matrix", "score", "cluster"})
"""Kinds whose named features (``feature``, ``measure``, axes, indicators) must be numbers."""

FEATURE_TYPES: dict[str, str] = {spec.name: spec.dtype for spec in FEATURES}
"""Feature name -> type, from the registry."""

KeyPath = tuple[str | int, ...]
Lines = dict[KeyPath, int]


@dataclass(frozen=True)
class MessageLines(Message):
    """Several messages shown one per line (``params["items"]`` is a list of Message)."""

    def render(self, lang: Lang) -> str:
        """Each item in ``lang``, indented on its own line after a count."""
        items = list(self.params["items"])
        if len(items) == 1:
            return str(items[0].render(lang))
        head = Message("config_problems", {"n": len(items), "file": self.params["file"]})
        return head.render(lang) + "\n  " + "\n  ".join(m.render(lang) for m in items)


def check_document(data: dict[str, Any], lines: Lines, source: str) -> None:
    """Refuse non-finite numbers anywhere and an unsupported ``version``; all problems at once."""
    problems: list[tuple[int | None, Message]] = []
    if "version" in data:
        value = data["version"]
        if isinstance(value, bool) or value not in SUPPORTED_VERSIONS:
            line = lines.get(("version",))
            shown = repr(value) if len(repr(value)) <= 40 else repr(value)[:37] + "..."
            problems.append(
                (
                    line,
                    Message(
                        "config_bad_version",
                        {
                            "at": _at(source, line),
                            "value": shown,
                            "supported": ", ".join(map(str, SUPPORTED_VERSIONS)),
                        },
                    ),
                )
            )
    for path, value in _non_finite(data):
        line = _line_of(path, lines)
        where = render_path(path) or "(top level)"
        problems.append(
            (
                line,
                Message(
                    "config_not_finite",
                    {"at": _at(source, line), "key": where, "value": str(value)},
                ),
            )
        )
    if problems:
        first_line = problems[0][0]
        raise ConfigError(
            MessageLines("config_problems", {"items": [m for _, m in problems], "file": source}),
            path=source,
            line=first_line,
        )


def check_features(system: ClassificationSystem, lines: Lines, source: str) -> None:
    """Raise for the first unknown feature, wrongly typed feature or ill-typed condition."""
    table = ibis.table(ibis.schema(FEATURE_TYPES), name="features")
    for i, scheme in enumerate(system.schemes):
        base: KeyPath = ("schemes", i)
        for path, feature in scheme.feature_fields():
            _check_feature(feature, (*base, *path), scheme, lines, source)
        for path, text in scheme.condition_texts():
            _check_condition(text, (*base, *path), scheme.name, table, lines, source)
        for j, name in enumerate(scheme.requires):
            if name not in FEATURE_TYPES and name not in _TABLES:
                _unknown(name, (*base, "requires", j), lines, source, [*FEATURE_TYPES, *_TABLES])
    for i, alert in enumerate(system.alerts or []):
        if alert.when is not None:
            _check_condition(alert.when, ("alerts", i, "when"), alert.key, table, lines, source)


# -- internals -------------------------------------------------------------------------------


def _check_feature(
    feature: str, path: KeyPath, scheme: SchemeBase, lines: Lines, source: str
) -> None:
    if feature not in FEATURE_TYPES:
        _unknown(feature, path, lines, source, FEATURE_TYPES)
    dtype = FEATURE_TYPES[feature]
    if scheme.kind in NUMERIC_KINDS and dtype not in ("int64", "float64"):
        line = _line_of(path, lines)
        numeric = sorted(n for n, t in FEATURE_TYPES.items() if t in ("int64", "float64"))
        raise ConfigError(
            Message(
                "config_feature_not_numeric",
                {
                    "at": _at(source, line),
                    "key": render_path(path),
                    "name": feature,
                    "dtype": dtype,
                    "kind": scheme.kind,
                    "examples": ", ".join(numeric[:6]),
                },
            ),
            path=source,
            line=line,
            key_path=render_path(path),
        )


def _check_condition(
    text: str, path: KeyPath, owner: str, table: ibis.Table, lines: Lines, source: str
) -> None:
    tree = parse(text, where=f"{owner}.{render_path(path[2:])}")
    for name in sorted(names(tree)):
        if name not in FEATURE_TYPES:
            _unknown(name, path, lines, source, FEATURE_TYPES)
    try:
        compile_predicate(tree, table, where=f"{owner}.{render_path(path[2:])}")
    except ConfigError as exc:
        line = _line_of(path, lines)
        raise ConfigError(
            f"{_at(source, line)} {render_path(path)}: {exc.message}",
            path=source,
            line=line,
            key_path=render_path(path),
        ) from None


def _unknown(name: str, path: KeyPath, lines: Lines, source: str, known: Any) -> None:
    line = _line_of(path, lines)
    err = UnknownNameError(name, known, what="feature", where=render_path(path))
    hint = Message("config_did_you_mean", {"names": ", ".join(repr(c) for c in err.close)})
    raise UnknownNameError(
        name,
        known,
        what="feature",
        where=render_path(path),
        path=source,
        line=line,
        message=Message(
            "config_unknown_feature",
            {
                "at": _at(source, line),
                "key": render_path(path),
                "name": name,
                "hint": hint if err.close else Message("config_see_features"),
            },
        ),
    )


def _non_finite(data: Any) -> Iterator[tuple[KeyPath, float]]:
    """(path, value) of every float in ``data`` that is inf or nan; shared parts visited once."""
    seen: set[int] = set()
    stack: list[tuple[Any, KeyPath]] = [(data, ())]
    while stack:
        value, path = stack.pop()
        if isinstance(value, float):
            if not math.isfinite(value):
                yield path, value
        elif isinstance(value, dict | list):
            if id(value) in seen:
                continue
            seen.add(id(value))
            children: list[tuple[Any, KeyPath]] = (
                [(v, (*path, str(k))) for k, v in value.items()]
                if isinstance(value, dict)
                else [(v, (*path, i)) for i, v in enumerate(value)]
            )
            stack.extend(reversed(children))


def _line_of(path: KeyPath, lines: Lines) -> int | None:
    for end in range(len(path), 0, -1):
        if path[:end] in lines:
            return lines[path[:end]]
    return None


def _at(source: str, line: int | None) -> str:
    return f"{source}:{line}" if line else source
