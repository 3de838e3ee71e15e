"""Building blocks of the classification-system models: strict base model, texts, classes.

Validators that know a more precise place than the field they run on raise
:func:`located` errors; ``loader.py`` turns the embedded sub-path into a file line.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

SLUG_PATTERN = r"^[A-Za-z][A-Za-z0-9_]*$"
NAME_PATTERN = r"^[a-z][a-z0-9_]*$"
HEX_COLOUR = r"^#[0-9A-Fa-f]{6}$"

ClassKey = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, max_length=64)]
SchemeName = Annotated[str, StringConstraints(pattern=NAME_PATTERN, max_length=64)]

PALETTE: tuple[str, ...] = (
    "#2E7D32",
    "#1565C0",
    "#F9A825",
    "#EF6C00",
    "#C62828",
    "#6A1B9A",
    "#00838F",
    "#5D4037",
    "#AD1457",
    "#9E9D24",
    "#455A64",
    "#78909C",
)
"""Default class colours, given in class order (best class first) when none is set."""

_LOCATED = re.compile(r"^@(?P<path>[^|]*)\| (?P<message>.*)$", re.DOTALL)


def located(path: Sequence[str | int], message: str) -> ValueError:
    """An error for the key ``path`` below the field being validated (see ``loader.py``)."""
    return ValueError(f"@{'.'.join(str(p) for p in path)}| {message}")


def split_located(message: str) -> tuple[tuple[str | int, ...], str]:
    """Split a :func:`located` message into (sub-path, message); sub-path is empty if none."""
    found = _LOCATED.match(message)
    if not found:
        return (), message
    parts = tuple(int(p) if p.isdigit() else p for p in found["path"].split(".") if p)
    return parts, found["message"]


class StrictModel(BaseModel):
    """A model that rejects unknown keys, naming the allowed ones and the closest."""

    model_config = ConfigDict(
        populate_by_name=True, serialize_by_alias=True, allow_inf_nan=False
    )

    @model_validator(mode="before")
    @classmethod
    def _reject_unknown_keys(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        allowed = set()
        for name, field in cls.model_fields.items():
            allowed.add(field.alias or name)
            allowed.add(name)
        shown = sorted(field.alias or name for name, field in cls.model_fields.items())
        for key in data:
            if key not in allowed:
                close = difflib.get_close_matches(str(key), shown, n=1)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                raise located([str(key)], f"unknown key {key!r}{hint} Allowed keys: {shown}")
        return data


class Text(StrictModel):
    """A text in Simplified Chinese and English (both required)."""

    zh_CN: str = Field(min_length=1)
    en: str = Field(min_length=1)


class Actions(StrictModel):
    """Concrete measures attached to a class (管理措施); every field is optional."""

    owner_role: str | None = None
    contact_every_days: int | None = Field(default=None, ge=1)
    service_level: str | None = None
    credit_terms: str | None = None


class Strategy(StrictModel):
    """What to do with the customers of a class: text in both languages plus actions."""

    zh_CN: str = Field(min_length=1)
    en: str = Field(min_length=1)
    actions: Actions = Actions()


class ClassDef(StrictModel):
    """One class of a scheme: stable ASCII key, labels, colour and strategy."""

    key: ClassKey
    labels: Text
    colour: Annotated[str, StringConstraints(pattern=HEX_COLOUR)] | None = None
    strategy: Strategy | None = None


NO_DATA = ClassDef(key="none", labels=Text(zh_CN="无数据", en="No data"), colour="#9E9E9E")
"""Class added when a scheme gives no ``missing_class`` for customers whose value is null."""

OTHER = ClassDef(key="other", labels=Text(zh_CN="其他", en="Other"), colour="#BDBDBD")
"""Class added when an attribute scheme gives no ``other_class`` for unmapped values."""


def with_colours(classes: Sequence[ClassDef]) -> list[ClassDef]:
    """Give each class without a colour the palette colour of its position."""
    return [
        c if c.colour else c.model_copy(update={"colour": PALETTE[i % len(PALETTE)]})
        for i, c in enumerate(classes)
    ]


def check_ascending(values: Sequence[float], *, strict: bool = True) -> None:
    """Raise ValueError unless ``values`` are (strictly) ascending."""
    pairs = zip(values, values[1:], strict=False)
    if any(b < a or (strict and b == a) for a, b in pairs):
        raise ValueError(f"must be {'strictly ' if strict else ''}ascending, got {list(values)}")
