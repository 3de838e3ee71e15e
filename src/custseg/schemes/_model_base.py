"""Building blocks of the classification-system models: strict base model, texts, classes.

Validators that know a more precise place than the field they run on raise
:func:`located` errors; ``loader.py`` turns the embedded sub-path into a file line.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from custseg.i18n import Message

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
Path = tuple[str | int, ...]


class LocatedError(ValueError):
    """A validation error for the key ``path`` below the field being validated.

    Pydantic wraps it; ``loader.py`` finds it again in the error's context and reports the
    message (a :class:`~custseg.i18n.Message`, so it reads in zh-CN or en) at the full key path.
    """

    def __init__(self, path: Sequence[str | int], message: str | Message) -> None:
        self.path: Path = tuple(path)
        self.msg = message if isinstance(message, Message) else plain(message)
        super().__init__(f"@{'.'.join(str(p) for p in self.path)}| {self.msg.render('en')}")


def plain(text: str) -> Message:
    """A message with no translation (text from elsewhere, shown as it is)."""
    return Message("schemes_text", {"text": text})


def located(path: Sequence[str | int], message: str | Message) -> LocatedError:
    """An error for the key ``path`` below the field being validated (see ``loader.py``)."""
    return LocatedError(path, message)


def split_located(error: BaseException | str) -> tuple[Path, Message]:
    """The sub-path and message of a :func:`located` error (sub-path empty if none)."""
    if isinstance(error, LocatedError):
        return error.path, error.msg
    found = _LOCATED.match(str(error).removeprefix("Value error, "))
    if not found:
        return (), plain(str(error).removeprefix("Value error, "))
    parts = tuple(int(p) if p.isdigit() else p for p in found["path"].split(".") if p)
    return parts, plain(found["message"])


def error_cause(error: Any) -> BaseException | str:
    """The exception a Pydantic error dict was raised from, else its message."""
    return (error.get("ctx") or {}).get("error") or str(error["msg"])


_PYDANTIC_KINDS = {
    "missing": "config_p_missing",
    "int_parsing": "config_p_int",
    "int_type": "config_p_int",
    "int_from_float": "config_p_int",
    "float_parsing": "config_p_number",
    "float_type": "config_p_number",
    "finite_number": "config_p_number",
    "bool_parsing": "config_p_bool",
    "bool_type": "config_p_bool",
    "string_type": "config_p_text",
    "list_type": "config_p_list",
    "dict_type": "config_p_mapping",
    "model_type": "config_p_mapping",
    "model_attributes_type": "config_p_mapping",
    "greater_than": "config_p_gt",
    "greater_than_equal": "config_p_ge",
    "less_than": "config_p_lt",
    "less_than_equal": "config_p_le",
    "string_too_short": "config_p_text_short",
    "too_short": "config_p_list_short",
    "too_long": "config_p_list_long",
}


def pydantic_message(error: Any, kinds: Iterable[str] = ()) -> tuple[Path, Message]:
    """The sub-path and message of one Pydantic error dict (``kinds``: the scheme kinds)."""
    kind, ctx, value = error["type"], error.get("ctx") or {}, error.get("input")
    if kind == "value_error":
        return split_located(error_cause(error))
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        allowed = str(sorted(kinds))
        got = repr(ctx.get("tag", "nothing"))
        key = "config_p_kind_invalid" if kind == "union_tag_invalid" else "config_p_kind_missing"
        return ("kind",), Message(key, {"allowed": allowed, "got": got})
    if kind == "literal_error":
        return (), Message(
            "config_p_literal", {"expected": ctx.get("expected"), "got": repr(value)}
        )
    if kind == "string_pattern_mismatch":
        return (), Message("config_p_key_pattern", {"got": repr(value)})
    got = "" if isinstance(value, dict | list) else repr(value)
    if kind in _PYDANTIC_KINDS:
        return (), Message(
            _PYDANTIC_KINDS[kind], {**{k: str(v) for k, v in ctx.items()}, "got": got}
        )
    return (), Message(
        "config_p_other" if got else "config_p_other_nogot", {"msg": error["msg"], "got": got}
    )


class StrictModel(BaseModel):
    """A model that rejects unknown keys, naming the allowed ones and the closest."""

    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True, allow_inf_nan=False)

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
                raise located(
                    [str(key)],
                    Message(
                        "config_unknown_key_close" if close else "config_unknown_key",
                        {
                            "key": repr(key),
                            "close": repr(close[0]) if close else "",
                            "allowed": str(shown),
                        },
                    ),
                )
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
        raise located(
            [],
            Message(
                "config_not_ascending_strict" if strict else "config_not_ascending",
                {"values": str(list(values))},
            ),
        )
