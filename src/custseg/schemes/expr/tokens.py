"""Tokenizer of the condition language, and the syntax error that points at a column.

Hand-written, character by character: nothing of the user's text is ever evaluated.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal, TypeAlias

from custseg.errors import ConfigError
from custseg.i18n import Message
from custseg.schemes.expr.ast import KEYWORDS, is_identifier_char

#: Longest condition accepted, in characters.
MAX_LENGTH = 2000
#: Longest number literal accepted, in characters.
MAX_NUMBER_LENGTH = 32
#: Largest integer literal accepted (int64); larger values overflow the backend.
MAX_INTEGER = 2**63 - 1

Kind: TypeAlias = Literal["number", "string", "name", "keyword", "op", "punct", "end"]

_OPERATORS = ("==", "!=", "<>", "<=", ">=", "=", "<", ">", "+", "-", "*", "/")
_PUNCT = "(),"
# Characters users type by mistake, with advice: the catalogue key and its parameters.
_HINTS: dict[str, tuple[str, dict[str, str]]] = {
    ".": ("expr_hint_dot", {}),
    ";": ("expr_hint_semicolon", {}),
    "[": ("expr_hint_index", {"char": "["}),
    "]": ("expr_hint_index", {"char": "]"}),
    "{": ("expr_hint_not_allowed", {"char": "{"}),
    "}": ("expr_hint_not_allowed", {"char": "}"}),
    "`": ("expr_hint_backtick", {}),
    "#": ("expr_hint_hash", {}),
    "!": ("expr_hint_bang", {}),
    "&": ("expr_hint_use_word", {"word": "and", "char": "&"}),
    "|": ("expr_hint_use_word", {"word": "or", "char": "|"}),
    "%": ("expr_hint_percent", {}),
    **{
        wide: ("expr_hint_fullwidth", {"char": wide, "ascii": narrow})
        for wide, narrow in zip("（），＝＜＞", "(),=<>", strict=True)
    },
    **{curly: ("expr_hint_curly_quote", {"char": curly}) for curly in "‘’“”"},
}


class ConditionSyntaxError(ConfigError):
    """A condition's text is not valid; ``position`` is the 0-based offset, ``column`` 1-based.

    The message repeats the offending line with a caret under the position.
    """

    def __init__(self, problem: Message, text: str, position: int, *, where: str = "") -> None:
        self.text = text
        self.position = max(0, min(position, len(text)))
        line_start = text.rfind("\n", 0, self.position) + 1
        line_end = text.find("\n", self.position)
        line_end = len(text) if line_end < 0 else line_end
        self.column = self.position - line_start + 1
        line_no = text.count("\n", 0, self.position) + 1
        at = (
            Message("expr_at_line_column", {"line": line_no, "column": self.column})
            if "\n" in text
            else Message("expr_at_column", {"column": self.column})
        )
        shown = text[line_start:line_end]
        if len(shown) > 120:  # keep the message short: the part around the position
            cut = max(0, self.position - line_start - 60)
            shown, line_start = shown[cut : cut + 120], line_start + cut
        caret = " " * _display_width(shown[: self.position - line_start]) + "^"
        message = Message(
            "config_condition_invalid",
            {
                "location": Message("expr_location", {"where": where}) if where else "",
                "at": at,
                "problem": problem,
                "shown": shown,
                "caret": caret,
            },
        )
        self.problem = problem.render("en")
        super().__init__(message, key_path=where or None)


def _display_width(text: str) -> int:
    """Return the terminal width of ``text`` (CJK and full-width characters count as two)."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


@dataclass(frozen=True, slots=True)
class Token:
    """One token: ``kind``, its ``value`` (decoded) and where it starts in the text."""

    kind: Kind
    value: str | int | float
    position: int
    text: str

    def describe(self) -> Message:
        """How the token is named in error messages."""
        if self.kind == "end":
            return Message("expr_token_end")
        if self.kind == "string":
            return Message("expr_token_string", {"text": self.text})
        if self.kind == "number":
            return Message("expr_token_number", {"text": self.text})
        return Message("expr_token_other", {"text": repr(self.text)})


def tokenize(text: str, *, where: str = "") -> list[Token]:
    """Split ``text`` into tokens; the last one has kind ``"end"``."""
    return list(iter_tokens(text, where=where))


def iter_tokens(text: str, *, where: str = "") -> Iterator[Token]:
    """Yield the tokens of ``text`` one by one, ending with a token of kind ``"end"``.

    Lazy, so that a parser reports the leftmost problem first.

    Raises
    ------
    ConditionSyntaxError
        on empty or too long text, unterminated strings, comments and any character outside the
        language (with a hint for common mistakes).
    """
    if len(text) > MAX_LENGTH:
        raise ConditionSyntaxError(
            Message("expr_too_long", {"length": len(text), "limit": MAX_LENGTH}),
            text[:80],
            0,
            where=where,
        )
    if not text.strip():
        raise ConditionSyntaxError(
            Message("expr_empty"),
            text,
            0,
            where=where,
        )
    pos = 0
    while pos < len(text):
        ch = text[pos]
        if ch.isspace():
            pos += 1
            continue
        token = _next_token(text, pos, where)
        yield token
        pos += len(token.text)
    yield Token("end", "", len(text), "")


def _next_token(text: str, pos: int, where: str) -> Token:
    ch = text[pos]
    if ch in "0123456789" or (ch == "." and text[pos + 1 : pos + 2].isdigit()):
        return _number(text, pos, where)
    if ch.isalpha() or ch == "_":
        end = pos
        while end < len(text) and is_identifier_char(text[end]):
            end += 1
        word = text[pos:end]
        if word.lower() in KEYWORDS:
            return Token("keyword", word.lower(), pos, word)
        return Token("name", word, pos, word)
    if ch in "'\"":
        return _string(text, pos, where)
    if text.startswith("--", pos) or text.startswith("/*", pos):
        raise ConditionSyntaxError(Message("expr_comment"), text, pos, where=where)
    for op in _OPERATORS:
        if text.startswith(op, pos):
            return Token("op", op, pos, op)
    if ch in _PUNCT:
        return Token("punct", ch, pos, ch)
    key, params = _HINTS.get(ch, ("expr_hint_unexpected", {"char": repr(ch)}))
    raise ConditionSyntaxError(
        Message("expr_bad_character", {"hint": Message(key, params)}),
        text,
        pos,
        where=where,
    )


def _number(text: str, pos: int, where: str) -> Token:
    end = pos
    while end < len(text) and text[end].isdigit() and text[end] in "0123456789":
        end += 1
    is_float = False
    if text[end : end + 1] == "." and text[end + 1 : end + 2] in tuple("0123456789"):
        end += 1
        is_float = True
        while end < len(text) and text[end] in "0123456789":
            end += 1
    if text[end : end + 1] in ("e", "E"):
        exp = end + 1
        if text[exp : exp + 1] in ("+", "-"):
            exp += 1
        if text[exp : exp + 1] in tuple("0123456789"):
            end = exp
            is_float = True
            while end < len(text) and text[end] in "0123456789":
                end += 1
    raw = text[pos:end]
    if end < len(text) and (is_identifier_char(text[end]) or text[end] == "."):
        raise ConditionSyntaxError(
            Message("expr_malformed_number", {"text": repr(text[pos : end + 1])}),
            text,
            pos,
            where=where,
        )
    if len(raw) > MAX_NUMBER_LENGTH:
        raise _too_large(raw, text, pos, where)
    value: int | float = float(raw) if is_float else int(raw)
    if (isinstance(value, float) and value in (float("inf"), float("-inf"))) or (
        isinstance(value, int) and value > MAX_INTEGER
    ):
        raise _too_large(raw, text, pos, where)
    return Token("number", value, pos, raw)


def _string(text: str, pos: int, where: str) -> Token:
    quote = text[pos]
    chars: list[str] = []
    i = pos + 1
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text) and text[i + 1] in (quote, "\\"):
            chars.append(text[i + 1])
            i += 2
        elif ch == quote and text[i + 1 : i + 2] == quote:
            chars.append(quote)
            i += 2
        elif ch == quote:
            return Token("string", "".join(chars), pos, text[pos : i + 1])
        else:
            chars.append(ch)
            i += 1
    raise ConditionSyntaxError(
        Message("expr_unterminated_string", {"quote": quote}),
        text,
        pos,
        where=where,
    )


def _too_large(raw: str, text: str, pos: int, where: str) -> ConditionSyntaxError:
    shown = raw if len(raw) <= 24 else f"{raw[:10]}…{raw[-6:]}"
    problem = Message(
        "config_number_too_large",
        {
            "number": shown,
            "length": len(raw),
            "chars": MAX_NUMBER_LENGTH,
            "largest": f"{MAX_INTEGER}",
        },
    )
    return ConditionSyntaxError(problem, text, pos, where=where)
