"""Coercion of source columns to canonical types, as engine expressions over the whole column.

Each ``parse_*`` function takes the name of a column as read (text, or already typed by the
source) and returns a :class:`Parsed`: the steps that compute the parsed value and a flag that is
true where a value was present but could not be parsed. Empty text counts as missing, never as
bad. Typed columns (Parquet, databases, numeric Excel columns) skip the text path entirely.

The steps are layers of one projection after another (:func:`apply`): a value computed in one
step is a column of the next, so no expression is repeated inside another one (a nested
expression that used its input several times would grow exponentially).

Forms accepted (also in the README, "Data in"):

* dates ``2024-03-05``, ``2024/3/5``, ``2024.3.5``, ``2024年3月5日``, ``20240305``,
  ``2024-03-05 14:22:00`` (time dropped), full-width digits; numbers of eight digits are
  ``yyyymmdd``; Excel sources also take serial day numbers;
* amounts with thousands separators, currency signs and codes (``¥ ￥ $ € £ RMB CNY USD EUR HKD``,
  a trailing ``元``), accounting negatives ``(120.00)``, full-width digits and punctuation.

Text is normalised with Unicode NFKC where it holds a non-ASCII character (DuckDB has only NFC
built in, so NFKC is one vectorised Arrow function called by the engine on those values only),
then stripped of whitespace as Python's ``str.strip`` defines it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir
import pyarrow.compute as pc

from custseg.tables import SATISFACTION_WORDS, VOCABULARIES

EXCEL_EPOCH = "1899-12-30"  # Excel's day 0 (its fictitious 1900-02-29 precedes every date taken)
_SERIAL_MIN, _SERIAL_MAX = 1, 2_958_465  # 1900-01-01 .. 9999-12-31
_YMD_MIN, _YMD_MAX = 1000_01_01, 9999_12_31

# Python's str.isspace() characters (what str.strip removes), for the engine.
WHITESPACE = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680"
              + "".join(chr(c) for c in range(0x2000, 0x200B)) + "\u2028\u2029\u202f\u205f\u3000")
WS_CLASS = "[" + "".join(f"\\x{{{ord(c):x}}}" for c in WHITESPACE) + "]"

# Text made only of these characters is its own NFKC form (each is, and no two compose): ASCII,
# Latin-1 letters, CJK ideographs, kana, Hangul syllables, 、。 (checked in the unit tests).
NFKC_STABLE = ((0x20, 0x7E), (0xC0, 0xFF), (0x3001, 0x3002), (0x3040, 0x3096), (0x30A1, 0x30FA),
               (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xAC00, 0xD7A3))
_UNSTABLE = "[^" + "".join(f"\\x{{{a:x}}}-\\x{{{b:x}}}" for a, b in NFKC_STABLE) + "]"
_TIME_SUFFIX = (r"(?:[ T]+|(日))\d{1,2}(?::\d{1,2}){1,2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?$")
_DATE_SEPARATORS = WS_CLASS + r"*[-/.年月\\]" + WS_CLASS + "*"
_DATE_YMD = r"^(\d{4})-(\d{1,2})-(\d{1,2})$"
_DATE_COMPACT = r"^(\d{4})(\d{2})(\d{2})$"
_ISO_DATE = r"^\d{4}-\d{2}-\d{2}$"
_CURRENCY_PREFIX = r"(?i)^([+-]?)(?:rmb|cny|usd|eur|hkd|[¥$€£])+"
_CURRENCY_SUFFIX = r"(?i)(?:rmb|cny|usd|eur|hkd|元|圆|[¥$€£])+$"
_PLAIN_NUMBER = r"^[+-]?(?:\d+\.?\d*|\.\d+)$"
_NUMBER = r"(?i)^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$"
_SEPARATORS = r"[,\s\x{a0}" + WS_CLASS[1:-1] + "]"
_BRACKETED = r"^-?\((.*)\)$"


@ibis.udf.scalar.builtin
def trim(value: str, characters: str) -> str:  # type: ignore[empty-body]
    """DuckDB's ``trim(value, characters)``."""


@ibis.udf.scalar.builtin
def strlen(value: str) -> int:  # type: ignore[empty-body]
    """DuckDB's ``strlen``: the length in bytes (more than the characters: non-ASCII text)."""


@ibis.udf.scalar.pyarrow
def nfkc(value: str) -> str:
    """Unicode NFKC normalisation (Arrow's, vectorised; the engine has only NFC)."""
    return pc.utf8_normalize(value, form="NFKC")


def _strip(text: ir.StringValue) -> ir.StringValue:
    return trim(text, WHITESPACE)


Get = Callable[[str], ir.Value]
Step = dict[str, Callable[[Get], ir.Value]]


@dataclass
class Parsed:
    """How to compute one parsed column: steps (one projection each), result and flag columns."""

    steps: list[Step]
    value: str
    bad: str | None = None


def apply(table: ir.Table, plans: list[Parsed]) -> ir.Table:
    """Add every plan's columns to ``table``, step by step (one projection per step)."""
    depth = max((len(p.steps) for p in plans), default=0)
    for level in range(depth):
        current = table
        added = {name: make(lambda n, c=current: c[n])  # type: ignore[misc]
                 for p in plans if level < len(p.steps) for name, make in p.steps[level].items()}
        if added:
            table = table.mutate(**added)
    return table


def as_text(values: ir.Value) -> ir.StringValue:
    """Return ``values`` as text however they are typed (null stays null)."""
    if values.type().is_string():
        return values  # type: ignore[return-value]
    if values.type().is_null():
        return ibis.null(dt.string)
    return values.cast(dt.string)


def normalised(values: ir.Value) -> ir.StringValue:
    """Text in NFKC where it holds a character outside ``NFKC_STABLE`` (else as it is)."""
    text = as_text(values)
    unstable = ibis.ifelse(text.re_search(_UNSTABLE), nfkc(text), text)
    return ibis.ifelse(strlen(text) != text.length(), unstable, text)  # type: ignore


def stripped(text: ir.StringValue) -> ir.StringValue:
    """Text stripped of whitespace (only where it starts or ends with some), empty -> missing."""
    edge = text.re_search(f"^{WS_CLASS}|{WS_CLASS}$")
    return ibis.ifelse(edge, _strip(text), text).nullif("")  # type: ignore[no-any-return]


def clean_text(values: ir.Value) -> ir.StringValue:
    """Return text with NFKC normalisation (only where non-ASCII), stripped, empty -> missing.

    One expression (for small uses); :func:`clean_steps` computes it in two projections.
    """
    return stripped(normalised(values))


def clean_steps(column: str, out: str) -> list[Step]:
    """The steps of :func:`clean_text` of ``column`` into ``out``."""
    return [{out: lambda g: normalised(g(column))}, {out: lambda g: stripped(g(out))}]


def parse_string(column: str, kind: dt.DataType, out: str, *, is_id: bool = False,
                 vocabulary: str | None = None) -> Parsed:
    """Clean text; numbers are written without a trailing ``.0``.

    For identifiers (``is_id``) internal whitespace is removed too and ``1001.0`` becomes
    ``1001``; ``vocabulary`` names the column whose known values are mapped to their keys.
    """
    if kind.is_boolean():
        steps: list[Step] = [{out: lambda g: ibis.ifelse(g(column), "true", "false")}]
    elif kind.is_numeric():
        steps = [{out: lambda g: _number_text(g(column).cast(dt.float64), g(column))}]
    elif kind.is_temporal():
        steps = [{out: lambda g: g(column).cast(dt.date).strftime("%Y-%m-%d")}]
    else:
        steps = clean_steps(column, out)
        if is_id:
            steps.append({out: lambda g: _id_spaces(g(out))})
            steps.append({out: lambda g: _id_decimals(g(out))})
    if vocabulary and VOCABULARIES.get(vocabulary):
        steps.append({out: lambda g: normalise_vocabulary(g(out), vocabulary)})
    return Parsed(steps, out)


def _number_text(numbers: ir.FloatingValue, values: ir.Value) -> ir.StringValue:
    whole = ~numbers.isinf() & (numbers == numbers.floor()) & (numbers.abs() < 9.2e18)
    return ibis.ifelse(whole, numbers.cast(dt.int64).cast(dt.string),
                       values.cast(dt.string))  # type: ignore[return-value]


def _id_spaces(text: ir.StringValue) -> ir.StringValue:
    spaced = text.contains(" ") | text.contains("\t")
    return ibis.ifelse(spaced, text.re_replace(WS_CLASS + "+", ""), text)  # type: ignore


def _id_decimals(text: ir.StringValue) -> ir.StringValue:
    whole = text.endswith(".0") & text.re_search(r"^\d+\.0+$")
    return ibis.ifelse(whole, text.re_replace(r"\.0+$", ""), text)  # type: ignore


def parse_date(column: str, kind: dt.DataType, out: str, *, excel_serials: bool = False
               ) -> Parsed:
    """Dates (and the bad flag ``out + "_bad"``).

    Text forms: ``2024-03-05``, ``2024/3/5``, ``2024.3.5``, ``2024年3月5日``, ``20240305``,
    ``2024-03-05 14:22:00`` (time dropped); full-width digits are accepted. Numbers are read as
    ``yyyymmdd`` when they have eight digits, otherwise (Excel sources only) as Excel serial days.
    """
    bad = out + "_bad"
    if kind.is_temporal():
        same: Step = {out: lambda g: g(column).cast(dt.date), bad: lambda g: ibis.literal(False)}
        return Parsed([same], out, bad)
    if kind.is_numeric() and not kind.is_boolean():
        return Parsed([{out: lambda g: _dates_from_numbers(g(column).cast(dt.float64),
                                                           excel_serials)},
                       {bad: lambda g: g(column).notnull() & g(out).isnull()}], out, bad)
    text, unified, iso = out + "_t", out + "_u", out + "_i"
    steps: list[Step] = [
        *clean_steps(column, text),
        {iso: lambda g: g(text).re_search(_ISO_DATE)},
        {unified: lambda g: ibis.ifelse(g(iso), ibis.null(dt.string), _unified_date(g(text)))},
        {out: lambda g: _dates_from_text(g(text), g(iso), g(unified))},
    ]
    if excel_serials:
        steps.append({out: lambda g: _serial_text(g(text), g(out))})
    steps.append({bad: lambda g: g(text).notnull() & g(out).isnull()})
    return Parsed(steps, out, bad)


def _unified_date(text: ir.StringValue) -> ir.StringValue:
    unified = _strip(text.re_replace(_TIME_SUFFIX, r"\1"))
    return unified.re_replace(_DATE_SEPARATORS, "-").re_replace(r"[日号]$", "")  # type: ignore


def _ymd(year: ir.StringValue, month: ir.StringValue, day: ir.StringValue) -> ir.DateValue:
    joined = year + "-" + month.lpad(2, "0") + "-" + day.lpad(2, "0")
    return joined.try_cast(dt.date)  # type: ignore[return-value]


def _dates_from_text(text: ir.StringValue, iso: ir.BooleanValue, unified: ir.StringValue
                     ) -> ir.Value:
    return ibis.cases(
        (iso, text.try_cast(dt.date)),
        (unified.re_search(_DATE_YMD), _ymd(unified.re_extract(_DATE_YMD, 1),
                                            unified.re_extract(_DATE_YMD, 2),
                                            unified.re_extract(_DATE_YMD, 3))),
        (unified.re_search(_DATE_COMPACT), _ymd(unified.re_extract(_DATE_COMPACT, 1),
                                                unified.re_extract(_DATE_COMPACT, 2),
                                                unified.re_extract(_DATE_COMPACT, 3))),
        else_=ibis.null(dt.date),
    )


def _serial_text(text: ir.StringValue, dates: ir.Value) -> ir.Value:
    serial = text.re_search(r"^\d{1,7}(?:\.\d+)?$") & dates.isnull()
    return ibis.ifelse(serial, _dates_from_numbers(text.try_cast(dt.float64), True), dates)


def _dates_from_numbers(numbers: ir.FloatingValue, excel_serials: bool) -> ir.Value:
    whole = numbers.notnull() & ~numbers.isinf() & (numbers == numbers.floor())
    ymd = whole & numbers.between(_YMD_MIN, _YMD_MAX)
    from_ymd = (numbers.cast(dt.int64).cast(dt.string)
                .re_replace(r"^(\d{4})(\d{2})(\d{2})$", r"\1-\2-\3").try_cast(dt.date))
    if not excel_serials:
        return ibis.ifelse(ymd, from_ymd, ibis.null(dt.date))
    serial = numbers.between(_SERIAL_MIN, _SERIAL_MAX)
    days = numbers.floor().cast(dt.int32).as_interval("D")
    return ibis.cases((ymd, from_ymd),
                      (serial, (ibis.date(EXCEL_EPOCH) + days).cast(dt.date)),
                      else_=ibis.null(dt.date))


def parse_number(column: str, kind: dt.DataType, out: str, *,
                 words: Mapping[str, float] | None = None, whole: bool = False) -> Parsed:
    """float64 numbers (and the bad flag ``out + "_bad"``).

    Accepts thousands separators, currency signs and codes (``¥ ￥ $ RMB CNY``, trailing ``元``),
    accounting negatives ``(120.00)``, full-width digits and punctuation. ``words`` maps
    case-insensitive text to a number first (e.g. satisfaction words). ``whole``: only whole
    numbers (fractions and words are bad; ``35岁`` is 35).
    """
    bad = out + "_bad"
    if kind.is_boolean():
        steps: list[Step] = [{out: lambda g: g(column).cast(dt.float64),
                              bad: lambda g: ibis.literal(False)}]
    elif kind.is_numeric():
        steps = [{out: lambda g: g(column).cast(dt.float64)},
                 {bad: lambda g: g(out).notnull() & (g(out).isinf() | g(out).isnan())},
                 {out: lambda g: ibis.ifelse(g(bad), ibis.null(dt.float64), g(out))}]
    else:
        text, plain, candidate, negative, worded = (out + "_t", out + "_p", out + "_c",
                                                    out + "_n", out + "_w")
        lookup = {k.casefold(): float(v) for k, v in (words or {}).items()}
        steps = clean_steps(column, text)
        if whole:
            steps += [{text: lambda g: g(text).re_replace("岁$", "")},
                      {text: lambda g: stripped(g(text))}]
        steps += [
            {plain: lambda g: g(text).re_search(_PLAIN_NUMBER)},
            {candidate: lambda g: ibis.ifelse(  # the messy forms, only where not plain
                g(plain), ibis.null(dt.string),
                _strip_currency(g(text).re_replace(_SEPARATORS, ""))),
             worded: lambda g: (ibis.ifelse(g(plain), ibis.null(dt.float64), g(text).lower()
                                            .substitute(lookup, else_=ibis.null(dt.float64)))
                                if lookup else ibis.null(dt.float64))},
            {negative: lambda g: g(candidate).re_search(r"^-?\(.*\)$")},
            {candidate: lambda g: ibis.ifelse(
                g(negative), _strip_currency(g(candidate).re_replace(_BRACKETED, r"\1")),
                g(candidate))},
            {out: lambda g: _number(g(text), g(plain), g(worded), g(candidate), g(negative))},
            {bad: lambda g: g(text).notnull() & g(out).isnull()},
        ]
    if whole:
        steps.append({bad: lambda g: g(bad) | (g(out).notnull() & (g(out) != g(out).round()))})
        steps.append({out: lambda g: ibis.ifelse(g(bad), ibis.null(dt.float64), g(out))})
    return Parsed(steps, out, bad)


def _number(text: ir.StringValue, plain: ir.BooleanValue, worded: ir.FloatingValue,
            candidate: ir.StringValue, negative: ir.BooleanValue) -> ir.FloatingValue:
    messy = candidate.try_cast(dt.float64)
    finite = ~(messy.isinf() | messy.isnan())
    return ibis.cases(  # type: ignore[no-any-return]
        (plain, text.try_cast(dt.float64)),
        (worded.notnull(), worded),
        (candidate.re_search(_NUMBER) & finite, ibis.ifelse(negative, -messy, messy)),
        else_=ibis.null(dt.float64),
    )


def _strip_currency(text: ir.StringValue) -> ir.StringValue:
    return text.re_replace(_CURRENCY_PREFIX, r"\1").re_replace(_CURRENCY_SUFFIX, "")


def parse_int(column: str, kind: dt.DataType, out: str) -> Parsed:
    """Whole numbers as float64 (and the bad flag); fractions and words are bad. ``35岁`` is 35."""
    return parse_number(column, kind, out, whole=True)


def normalise_vocabulary(values: ir.StringValue, column: str) -> ir.StringValue:
    """Map recognised values of a category-like column to their keys; keep others as given."""
    vocabulary = VOCABULARIES.get(column)
    if not vocabulary:
        return values
    lookup = {alias.casefold(): key for key, aliases in vocabulary.items() for alias in aliases}
    lookup.update({key.casefold(): key for key in vocabulary})
    return _strip(values).lower().substitute(lookup, else_=values)  # type: ignore[return-value]


SATISFACTION = {word: float(score) for word, score in SATISFACTION_WORDS.items()}
