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
# Characters users type by mistake, with advice.
_HINTS = {
    ".": "attribute access ('.') is not allowed; refer to features by name",
    ";": "';' is not allowed: a condition is a single expression",
    "[": "indexing ('[') is not allowed",
    "]": "indexing (']') is not allowed",
    "{": "'{' is not allowed",
    "}": "'}' is not allowed",
    "`": "backticks are not allowed; quote strings with ' or \"",
    "#": "comments are not allowed",
    "!": "'!' is only valid in '!='; use 'not' for negation",
    "&": "use 'and' instead of '&'",
    "|": "use 'or' instead of '|'",
    "%": "'%' is not allowed; operators are + - * /",
    "（": "full-width '（'; use ASCII '('",
    "）": "full-width '）'; use ASCII ')'",
    "，": "full-width '，'; use ASCII ','",
    "＝": "full-width '＝'; use ASCII '='",
    "＜": "full-width '＜'; use ASCII '<'",
    "＞": "full-width '＞'; use ASCII '>'",
    "‘": "curly quote '‘'; use ASCII ' or \"",
    "’": "curly quote '’'; use ASCII ' or \"",
    "“": "curly quote '“'; use ASCII ' or \"",
    "”": "curly quote '”'; use ASCII ' or \"",
}


class ConditionSyntaxError(ConfigError):
    """A condition's text is not valid; ``position`` is the 0-based offset, ``column`` 1-based.

    The message repeats the offending line with a caret under the position.
    """

    def __init__(
        self, problem: str | Message, text: str, position: int, *, where: str = ""
    ) -> None:
        self.text = text
        self.position = max(0, min(position, len(text)))
        line_start = text.rfind("\n", 0, self.position) + 1
        line_end = text.find("\n", self.position)
        line_end = len(text) if line_end < 0 else line_end
        self.column = self.position - line_start + 1
        line_no = text.count("\n", 0, self.position) + 1
        at = f"line {line_no}, column {self.column}" if "\n" in text else f"column {self.column}"
        location = f" in {where}" if where else ""
        shown = text[line_start:line_end]
        if len(shown) > 120:  # keep the message short: the part around the position
            cut = max(0, self.position - line_start - 60)
            shown, line_start = shown[cut : cut + 120], line_start + cut
        caret = " " * _display_width(shown[: self.position - line_start]) + "^"
        if isinstance(problem, Message):
            message: str | Message = Message(
                "config_condition_invalid",
                {
                    "where": where or "-",
                    "line": line_no,
                    "column": self.column,
                    "problem": problem,
                    "shown": shown,
                    "caret": caret,
                },
            )
            self.problem = problem.render("en")
        else:
            message = f"invalid condition{location} at {at}: {problem}\n  {shown}\n  {caret}"
            self.problem = problem
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

    def describe(self) -> str:
        """Return how the token is named in error messages."""
        if self.kind == "end":
            return "the end of the condition"
        if self.kind == "string":
            return f"string {self.text}"
        if self.kind == "number":
            return f"number {self.text}"
        return repr(self.text)


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
            f"condition is {len(text)} characters long; the limit is {MAX_LENGTH}. "
            "Split it into several rules or add a feature.",
            text[:80],
            0,
            where=where,
        )
    if not text.strip():
        raise ConditionSyntaxError(
            "condition is empty; write an expression such as 'orders_12m >= 3'",
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
        raise ConditionSyntaxError("comments ('--', '/*') are not allowed", text, pos, where=where)
    for op in _OPERATORS:
        if text.startswith(op, pos):
            return Token("op", op, pos, op)
    if ch in _PUNCT:
        return Token("punct", ch, pos, ch)
    hint = _HINTS.get(ch, f"unexpected character {ch!r}")
    raise ConditionSyntaxError(
        f"{hint}. Expected a feature name, a number, a 'quoted string', an operator "
        "(= != < <= > >= + - * /), 'and', 'or', 'not', parentheses or a function call",
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
            f"malformed number {text[pos : end + 1]!r}; a number is like 3, 0.25 or 1e3 and a "
            "feature name cannot start with a digit",
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
        f"unterminated string: no closing {quote} (write {quote}{quote} or \\{quote} for a "
        "quote inside a string)",
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
