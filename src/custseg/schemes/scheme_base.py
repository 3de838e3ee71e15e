"""What every scheme has, whatever its kind, and the checks shared by all kinds."""

from __future__ import annotations

import difflib
from typing import ClassVar

from pydantic import Field, model_validator

from custseg.errors import ConfigError
from custseg.schemes._model_base import (
    NO_DATA,
    OTHER,
    ClassDef,
    SchemeName,
    StrictModel,
    Text,
    located,
    with_colours,
)
from custseg.schemes.expr import names, parse

Path = tuple[str | int, ...]


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
            raise located(["classes"], "a scheme needs at least one class")
        seen: dict[str, int] = {}
        for i, cls in enumerate(self.classes):
            if cls.key in seen:
                raise located(
                    ["classes", i, "key"],
                    f"duplicate class key {cls.key!r} "
                    f"(also classes[{seen[cls.key]}]); class keys must be unique",
                )
            seen[cls.key] = i
        for path, key in self.class_references():
            if key not in seen:
                raise located(path, unknown_class_message(key, self.class_keys))
        for path, text in self.condition_texts():
            try:
                parse(text, where=f"{self.name}.{render_path(path)}")
            except ConfigError as exc:
                raise located(path, str(exc)) from None
        self.classes = with_colours(self.classes)
        return self

    def _add_default_classes(self) -> None:
        for field, default in self.added_classes():
            if getattr(self, field) is None:
                if default.key not in self.class_keys:
                    self.classes = [*self.classes, default]
                setattr(self, field, default.key)


def unknown_class_message(key: str, known: list[str]) -> str:
    """``unknown class 'x'; did you mean 'y'? Classes of this scheme: [...]``."""
    close = difflib.get_close_matches(key, known, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    return f"unknown class {key!r}{hint} Classes of this scheme: {known}"


def render_path(path: Path) -> str:
    """``("rules", 0, "when")`` -> ``rules[0].when``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


__all__ = ["NO_DATA", "OTHER", "Path", "SchemeBase", "render_path", "unknown_class_message"]
