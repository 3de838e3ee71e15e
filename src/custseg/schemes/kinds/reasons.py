r"""Reasons as codes: a template key plus parameters, stored compactly and rendered on read.

A stored reason is ``RS key US p0 US p1 ...`` (RS = ``\x1e``, US = ``\x1f``): the key of a
template in the i18n catalogue (``schemes_r_*``) and its positional parameters as text. The
assigners build it inside Ibis expressions with :func:`code`; readers turn it into a sentence
in the chosen language with :func:`render_reason`. Text that does not start with RS (snapshots
stored before reasons were codes) is shown as it is.

Templates use positional fields ``{0}``, ``{1}`` ... with two conversions of their own:
``{0!f}`` shows a feature name as its label in the language (``revenue_12m`` -> 近12个月收入),
``{0!n}`` shows a stored number with thousands separators and at most 2 decimals,
``{0!w}`` looks a word key up in the catalogue (``schemes_w_high`` -> 高), ``{0!c}`` shows a
class key as its label when the reader passes the labels, ``{0!F}`` a comma-separated list of
feature names as labels. A template with a
``{terms}`` field takes the parameters after its numbered ones in pairs (feature, value) and
shows them joined by `` + `` (the indicators of a score).
"""

from __future__ import annotations

import string
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any

import ibis
import ibis.expr.types as ir

from custseg.i18n import Lang, has_word, t

RS = "\x1e"
US = "\x1f"

Part = str | ir.StringValue


def code(key: str, *params: Part) -> ir.StringValue:
    """The stored form of reason ``key`` with ``params`` (literal text or string expressions).

    One concatenation of all the parts: the SQL of ``a + b + c`` chained pairwise, built with
    fewer expression nodes (assigners build one such code per class every run).
    """
    head: ir.StringValue = ibis.literal(RS + key)
    separator = ibis.literal(US)
    rest: list[ir.StringValue] = []
    for param in params:
        value = ibis.literal(_clean(param)) if isinstance(param, str) else _clean_expr(param)
        rest += [separator, value]
    return head.concat(*rest) if rest else head


def encode(key: str, *params: Any) -> str:
    """The stored form of a reason built in Python (same format as :func:`code`)."""
    return RS + key + "".join(US + _clean(str(p)) for p in params)


def is_code(text: str | None) -> bool:
    """Whether ``text`` is a reason code (not a plain stored sentence)."""
    return bool(text) and str(text).startswith(RS)


def render_reason(text: str | None, lang: Lang, classes: Mapping[str, str] | None = None) -> str:
    """The sentence of a stored reason in ``lang``; plain text is returned unchanged.

    ``classes`` (class key -> label in ``lang``) shows class keys in reasons as their labels.
    """
    if text is None or (not isinstance(text, str) and text != text):  # None or NaN
        return ""
    text = str(text)
    if not text.startswith(RS):
        return text
    key, *params = text[1:].split(US)
    if not has_word(key):
        return " ".join([key, *params])
    return _ReasonFormatter(lang, classes or {}).render(t(key, lang), params)


def reason_renderer(lang: Lang, classes: Mapping[str, str] | None = None) -> Callable[[Any], str]:
    """A cached ``render_reason`` for many rows of one scheme (reasons repeat a lot)."""

    @lru_cache(maxsize=65536)
    def render(text: str) -> str:
        return render_reason(text, lang, classes)

    return lambda text: render(text) if isinstance(text, str) else render_reason(text, lang)


def feature_label(name: str, lang: Lang) -> str:
    """A feature's name in ``lang`` (``schemes_feat_<name>``), or the name itself."""
    key = f"schemes_feat_{name}"
    return t(key, lang) if has_word(key) else name


class _ReasonFormatter(string.Formatter):
    """``str.format`` with ``!f`` (feature label) and ``!w`` (catalogue word) conversions."""

    def __init__(self, lang: Lang, classes: Mapping[str, str]) -> None:
        super().__init__()
        self.lang = lang
        self.classes = classes

    def render(self, template: str, params: list[str]) -> str:
        parsed = _parsed(template)
        if parsed is None:  # a field this fast path does not know: str.format's own rules
            return self._render_generic(template, params)
        parts, fixed = parsed
        padded = params + [""] * max(0, fixed - len(params))
        out: list[str] = []
        for literal, field, spec, conversion in parts:
            out.append(literal)
            if field is None:
                continue
            value = self._terms(params[fixed:]) if field == "terms" else padded[int(field)]
            value = self.convert_field(value, conversion)
            out.append(format(value, spec) if spec else str(value))
        return "".join(out)

    def _render_generic(self, template: str, params: list[str]) -> str:
        numbered = [int(f) for _, f, _, _ in self.parse(template) if f and f.isdigit()]
        fixed = max(numbered) + 1 if numbered else 0
        padded = params + [""] * max(0, fixed - len(params))
        return self.format(template, *padded[:fixed], terms=self._terms(params[fixed:]))

    def _terms(self, rest: list[str]) -> str:
        """The parameters after the numbered ones, in (feature, value) pairs, joined by `` + ``."""
        pairs = [
            (rest[i], rest[i + 1] if i + 1 < len(rest) else "") for i in range(0, len(rest), 2)
        ]
        return " + ".join(f"{feature_label(f, self.lang)} {number(v)}" for f, v in pairs)

    def convert_field(self, value: Any, conversion: str | None) -> Any:
        if conversion == "f":
            return feature_label(str(value), self.lang)
        if conversion == "F":
            sep = "、" if self.lang == "zh" else ", "
            return sep.join(feature_label(v, self.lang) for v in str(value).split(",") if v)
        if conversion == "n":
            return number(str(value))
        if conversion == "c":
            return self.classes.get(str(value)) or value
        if conversion == "w":
            return t(str(value), self.lang) if has_word(str(value)) else value
        return super().convert_field(value, conversion)


Parsed = tuple[tuple[tuple[str, str | None, str | None, str | None], ...], int]


@lru_cache(maxsize=4096)
def _parsed(template: str) -> Parsed | None:
    """A template's parts (as ``string.Formatter.parse`` gives them) and its numbered fields' count.

    None when a field is neither a number nor ``terms`` or its format spec has fields of its
    own: such a template goes through ``str.format``'s general rules.
    """
    parts = tuple(string.Formatter().parse(template))
    fields = [(f, spec) for _, f, spec, _ in parts if f is not None]
    if any(not (f.isdigit() or f == "terms") or "{" in (spec or "") for f, spec in fields):
        return None
    numbered = [int(f) for f, _ in fields if f.isdigit()]
    return parts, (max(numbered) + 1 if numbered else 0)


def number(text: str) -> str:
    """A stored number as shown: ``1749256.7`` -> ``1,749,256.7``, ``7.0`` -> ``7``."""
    try:
        value = float(text)
    except ValueError:
        return text  # "null" or text
    if value != value or value in (float("inf"), float("-inf")):
        return text
    shown = f"{value:,.2f}".rstrip("0").rstrip(".")
    return "0" if shown in ("-0", "") else shown


def _clean(text: str) -> str:
    return text.replace(RS, " ").replace(US, " ")


def _clean_expr(value: ir.StringValue) -> ir.StringValue:
    return value.replace(RS, " ").replace(US, " ")


__all__ = [
    "RS",
    "US",
    "code",
    "encode",
    "feature_label",
    "is_code",
    "reason_renderer",
    "render_reason",
]
