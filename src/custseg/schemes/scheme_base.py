"""What every scheme has, whatever its kind, and the checks shared by all kinds."""

from __future__ import annotations

import difflib
from typing import ClassVar

from pydantic import Field, model_validator

from custseg.errors import ConfigError
from custseg.i18n import Message
from custseg.schemes._model_base import (
    NO_DATA,
    OTHER,
    ClassDef,
    ClassKey,
    SchemeName,
    StrictModel,
    Text,
    located,
    with_colours,
)
from custseg.schemes.expr import names, parse

Path = tuple[str | int, ...]

DEFAULT_RANKED_KINDS: frozenset[str] = frozenset({"tiers", "pareto", "score"})
"""Kinds whose class order is a ranking (best first) unless ``ranking`` says otherwise."""

CATCH_ALL_KEYS: frozenset[str] = frozenset(
    {
        "none",
        "other",
        "unknown",
        "no_data",
        "no_purchase",
        "no_history",
        "no_revenue",
        "no_survey",
        "no_business",
        "prospect",
    }
)
"""Class keys the catalogue uses for missing data or for customers outside a population; they
are left out of a default ranking (a move to or from them is a change, neither up nor down)."""


class SchemeBase(StrictModel):
    """Fields common to every kind; subclasses add theirs and a ``kind`` literal.

    ``classes`` are ordered best -> worst where an order exists. ``requires`` lists input tables
    or features that must be present (tables) / non-null for someone (features) for the scheme
    to run; see :func:`custseg.schemes.missing_requirements`.
    """

    generates_classes: ClassVar[bool] = False
    """Kinds whose classes come from the data (cluster, learned) may list no class."""

    name: SchemeName
    kind: str
    labels: Text
    description: Text | None = None
    requires: list[str] = Field(default_factory=list)
    classes: list[ClassDef] = Field(default_factory=list)
    ranking: list[ClassKey] | None = None
    """Classes best first, for up / down moves between snapshots; ``[]`` = unranked."""

    # -- hooks for subclasses -------------------------------------------------------------
    def class_references(self) -> list[tuple[Path, str]]:
        """Every (key path, class key) the scheme refers to; each must be a class."""
        return []

    def condition_texts(self) -> list[tuple[Path, str]]:
        """Every (key path, condition text) of the scheme."""
        return []

    def feature_fields(self) -> list[tuple[Path, str]]:
        """Every (key path, feature name) named directly (not inside a condition)."""
        return []

    def added_classes(self) -> list[tuple[str, ClassDef]]:
        """(field, class) pairs to add when the field is unset: e.g. ``missing_class`` -> none."""
        return []

    def unmet_requirements(self) -> list[str]:
        """Reasons the scheme cannot run beyond ``requires`` (e.g. a missing labels file)."""
        return []

    # -- derived --------------------------------------------------------------------------
    @property
    def class_keys(self) -> list[str]:
        """Class keys in order."""
        return [c.key for c in self.classes]

    def ranked_keys(self) -> list[str]:
        """Class keys best first, for up / down moves; ``[]`` when the classes have no order.

        ``ranking`` if given, else the bins of tiers / pareto / score schemes (without
        missing-data classes), else ``[]``.
        """
        if self.ranking is not None:
            return list(self.ranking)
        if self.kind not in DEFAULT_RANKED_KINDS:
            return []
        return [k for k in self._graded_keys() if k not in CATCH_ALL_KEYS]

    def _graded_keys(self) -> list[str]:
        """The classes that are grades, in order: tier / pareto bins, or the score grades."""
        cuts = getattr(self, "cuts", None)
        if cuts is not None:
            return self.class_keys[: len(cuts) + 1]
        grades = getattr(self, "grades", None)
        if grades is not None:
            return list(dict.fromkeys(g.class_ for g in grades))
        return self.class_keys

    def features_used(self) -> dict[str, set[str]]:
        """Key path (``rules[0].when``) -> feature names it uses, for linting."""
        out: dict[str, set[str]] = {}
        for path, text in self.condition_texts():
            out[render_path(path)] = names(parse(text))
        for path, feature in self.feature_fields():
            out.setdefault(render_path(path), set()).add(feature)
        return out

    # -- validation -----------------------------------------------------------------------
    @model_validator(mode="after")
    def _check_common(self) -> SchemeBase:
        self._add_default_classes()
        if not self.classes and not self.generates_classes:
            raise located(["classes"], Message("config_v_no_classes"))
        seen: dict[str, int] = {}
        for i, cls in enumerate(self.classes):
            if cls.key in seen:
                raise located(
                    ["classes", i, "key"],
                    Message(
                        "config_v_duplicate_class", {"key": repr(cls.key), "other": seen[cls.key]}
                    ),
                )
            seen[cls.key] = i
        for path, key in self.class_references():
            if key not in seen:
                raise located(path, unknown_class_message(key, self.class_keys))
        self._check_ranking(seen)
        for path, text in self.condition_texts():
            try:
                parse(text, where=f"{self.name}.{render_path(path)}")
            except ConfigError as exc:
                raise located(path, exc.msg or exc.message) from None
        self.classes = with_colours(self.classes)
        return self

    def _check_ranking(self, classes: dict[str, int]) -> None:
        if self.ranking is None:
            return
        placed: dict[str, int] = {}
        for i, key in enumerate(self.ranking):
            if key in placed:
                raise located(
                    ["ranking", i],
                    Message("config_v_ranked_twice", {"cls": repr(key), "other": placed[key]}),
                )
            placed[key] = i
            if key not in classes and not (self.generates_classes and not self.classes):
                raise located(["ranking", i], unknown_class_message(key, self.class_keys))

    def _add_default_classes(self) -> None:
        for field, default in self.added_classes():
            if getattr(self, field) is None:
                if default.key not in self.class_keys:
                    self.classes = [*self.classes, default]
                setattr(self, field, default.key)


def unknown_class_message(key: str, known: list[str]) -> Message:
    """``unknown class 'x'; did you mean 'y'? Classes of this scheme: [...]``."""
    close = difflib.get_close_matches(key, known, n=1)
    return Message(
        "config_v_unknown_class_close" if close else "config_v_unknown_class",
        {"cls": repr(key), "close": repr(close[0]) if close else "", "known": str(known)},
    )


def render_path(path: Path) -> str:
    """``("rules", 0, "when")`` -> ``rules[0].when``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


__all__ = [
    "CATCH_ALL_KEYS",
    "DEFAULT_RANKED_KINDS",
    "NO_DATA",
    "OTHER",
    "Path",
    "SchemeBase",
    "render_path",
    "unknown_class_message",
]
