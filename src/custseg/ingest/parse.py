"""Coercion of raw column values to canonical types, vectorised with pandas string methods.

Each ``parse_*`` function takes a column as read (text, or already typed) and returns the parsed
values plus a boolean mask of values that were present but could not be parsed. Empty text counts
as missing, never as bad. Typed columns (Parquet, databases, numeric Excel columns) skip the text
path entirely.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd

from custseg.tables import SATISFACTION_WORDS, VOCABULARIES

# Excel's day 0 is 1899-12-30 (its fictitious 1900-02-29 is before every date we accept).
EXCEL_EPOCH = pd.Timestamp("1899-12-30")
_SERIAL_MIN, _SERIAL_MAX = 1, 2_958_465  # 1900-01-01 .. 9999-12-31
_YMD_MIN, _YMD_MAX = 1000_01_01, 9999_12_31

_DATE_SEPARATORS = r"\s*[-/.年月\\]\s*"
_TIME_SUFFIX = r"(?:[ T]+|(?<=日))\d{1,2}(?::\d{1,2}){1,2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?$"
_DATE_YMD = r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})$"
_DATE_COMPACT = r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$"
_CURRENCY_PREFIX = r"(?i)^([+-]?)(?:rmb|cny|usd|eur|hkd|[¥$€£])+"
_CURRENCY_TEST = r"(?i)^[+-]?(?:rmb|cny|usd|eur|hkd|[¥$€£])"
_CURRENCY_SUFFIX = r"(?i)(?:rmb|cny|usd|eur|hkd|元|圆|[¥$€£])+$"
_PLAIN_NUMBER = r"[+-]?(?:\d+\.?\d*|\.\d+)"
_NUMBER = r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$"


def is_text(values: pd.Series) -> bool:
    """Return whether ``values`` holds text (rather than typed numbers or dates)."""
    return values.dtype == object or pd.api.types.is_string_dtype(values.dtype)


def clean_text(values: pd.Series) -> pd.Series:
    """Return text with NFKC normalisation (only where non-ASCII), stripped, empty -> missing."""
    text = values.astype("str") if values.dtype == object else values
    text = text.where(values.notna())
    non_ascii = ~text.str.isascii().fillna(True).astype(bool)
    if non_ascii.any():
        text = text.copy()
        text[non_ascii] = text[non_ascii].str.normalize("NFKC")
    text = text.str.strip()
    return text.where(text != "")


def parse_string(values: pd.Series, *, is_id: bool = False) -> pd.Series:
    """Return clean text; numbers are written without a trailing ``.0``.

    For identifiers (``is_id``) internal whitespace is removed too and ``1001.0`` becomes ``1001``.
    """
    if pd.api.types.is_bool_dtype(values.dtype):
        return values.map({True: "true", False: "false"}).astype("str")
    if pd.api.types.is_numeric_dtype(values.dtype):
        numbers = values.astype("float64")
        whole = numbers.notna() & np.isfinite(numbers) & (numbers == np.round(numbers))
        text = values.astype("str").where(values.notna())
        text[whole] = numbers[whole].astype("int64").astype("str")
        return text.astype("str")
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        return values.dt.strftime("%Y-%m-%d").astype("str")
    text = clean_text(values)
    if is_id:
        spaced = text.str.contains(" ", regex=False) | text.str.contains("\t", regex=False)
        text = _subset_replace(text, spaced, r"\s+", "")
        whole = text.str.endswith(".0") & text.str.fullmatch(r"\d+\.0+")
        text = _subset_replace(text, whole, r"\.0+$", "")
    return text


def _subset_replace(text: pd.Series, where: pd.Series, pattern: str, repl: str) -> pd.Series:
    """Regex-replace only where needed (full-column regex replacement is slow)."""
    where = where.fillna(False).astype(bool)
    if not where.any():
        return text
    text = text.copy()
    text[where] = text[where].str.replace(pattern, repl, regex=True)
    return text


def parse_date(values: pd.Series, *, excel_serials: bool = False) -> tuple[pd.Series, pd.Series]:
    """Return (dates as ``datetime64`` at midnight, bad mask).

    Text forms: ``2024-03-05``, ``2024/3/5``, ``2024.3.5``, ``2024年3月5日``, ``20240305``,
    ``2024-03-05 14:22:00`` (time dropped); full-width digits are accepted. Numbers are read as
    ``yyyymmdd`` when they have eight digits, otherwise (Excel sources only) as Excel serial days.
    """
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        dates = values.dt.tz_localize(None) if getattr(values.dt, "tz", None) else values
        return dates.dt.floor("D").astype("datetime64[s]"), pd.Series(False, index=values.index)
    if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype):
        return _dates_from_numbers(values.astype("float64"), excel_serials)
    if not is_text(values):
        parsed = pd.to_datetime(values, errors="coerce")
        return parsed.dt.floor("D").astype("datetime64[s]"), values.notna() & parsed.isna()
    text = clean_text(values)
    dates = pd.Series(pd.NaT, index=text.index, dtype="datetime64[s]")
    present = text.notna()
    if present.any():
        dates[present] = _on_uniques(text[present], lambda t: _dates_from_text(t, excel_serials))
    return dates, present & dates.isna()


def _on_uniques(text: pd.Series, parse: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """Apply ``parse`` to the distinct values of ``text`` only (dates and amounts repeat a lot)."""
    codes, uniques = pd.factorize(text)
    if len(uniques) > len(text) // 2:
        return parse(text)
    parsed = parse(pd.Series(uniques, dtype="str")).to_numpy()
    return pd.Series(parsed[codes], index=text.index)


def _dates_from_text(text: pd.Series, excel_serials: bool) -> pd.Series:
    """Parse dates written as text (and Excel serials written as text)."""
    dates = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce").astype("datetime64[s]")
    other = dates.isna()
    if other.any():
        dates[other] = _dates_from_other_text(text[other], excel_serials)
    return dates


def _dates_from_other_text(text: pd.Series, excel_serials: bool) -> pd.Series:
    unified = text.str.replace(_TIME_SUFFIX, "", regex=True).str.strip()
    unified = unified.str.replace(_DATE_SEPARATORS, "-", regex=True)
    unified = unified.str.replace(r"[日号]$", "", regex=True)
    parts = unified.str.extract(_DATE_YMD)
    parts = parts.fillna(unified.str.extract(_DATE_COMPACT))
    dates = _dates_from_parts(parts)
    if excel_serials:
        serial = text.str.fullmatch(r"\d{1,7}(?:\.\d+)?").fillna(False).astype(bool) & dates.isna()
        if serial.any():
            from_serial, _ = _dates_from_numbers(pd.to_numeric(text[serial]), True)
            dates[serial] = from_serial
    return dates


def _dates_from_parts(parts: pd.DataFrame) -> pd.Series:
    numbers = parts.apply(pd.to_numeric, errors="coerce")
    ok = numbers.notna().all(axis=1)
    result = pd.Series(pd.NaT, index=parts.index, dtype="datetime64[s]")
    if ok.any():
        chosen = numbers[ok].astype("int64").rename(columns={"y": "year", "m": "month", "d": "day"})
        result[ok] = pd.to_datetime(chosen, errors="coerce").astype("datetime64[s]")
    return result


def _dates_from_numbers(numbers: pd.Series, excel_serials: bool) -> tuple[pd.Series, pd.Series]:
    result = pd.Series(pd.NaT, index=numbers.index, dtype="datetime64[s]")
    whole = numbers.notna() & (numbers == np.floor(numbers))
    ymd = whole & numbers.between(_YMD_MIN, _YMD_MAX)
    if ymd.any():
        text = numbers[ymd].astype("int64").astype("str")
        result[ymd] = pd.to_datetime(text, format="%Y%m%d", errors="coerce").astype("datetime64[s]")
    if excel_serials:
        serial = ~ymd & numbers.between(_SERIAL_MIN, _SERIAL_MAX)
        if serial.any():
            days = pd.to_timedelta(np.floor(numbers[serial]), unit="D")
            result[serial] = (EXCEL_EPOCH + days).astype("datetime64[s]")
    return result, numbers.notna() & result.isna()


def parse_number(
    values: pd.Series, *, words: Mapping[str, float] | None = None
) -> tuple[pd.Series, pd.Series]:
    """Return (float64 numbers, bad mask).

    Accepts thousands separators, currency signs and codes (``¥ ￥ $ RMB CNY``, trailing ``元``),
    accounting negatives ``(120.00)``, full-width digits and punctuation. ``words`` maps
    case-insensitive text to a number first (e.g. satisfaction words).
    """
    if pd.api.types.is_bool_dtype(values.dtype):
        return values.astype("float64"), pd.Series(False, index=values.index)
    if pd.api.types.is_numeric_dtype(values.dtype):
        numbers = values.astype("float64")
        bad = numbers.notna() & ~np.isfinite(numbers)
        return numbers.where(~bad), bad
    text = clean_text(values)
    result = pd.Series(np.nan, index=values.index, dtype="float64")
    plain = text.str.fullmatch(_PLAIN_NUMBER).fillna(False).astype(bool)
    if plain.any():
        result[plain] = text[plain].astype("float64")
    pending = text.notna() & ~plain
    if words and pending.any():
        lookup = {k.casefold(): float(v) for k, v in words.items()}
        worded = text[pending].str.casefold().map(lookup)
        hit = worded.notna().reindex(text.index, fill_value=False).astype(bool)
        result[hit] = worded[hit[pending]].astype("float64")
        pending &= ~hit
    if pending.any():
        result[pending] = _on_uniques(text[pending], _messy_numbers)
    return result, text.notna() & result.isna()


def _messy_numbers(text: pd.Series) -> pd.Series:
    """Parse amounts with separators, currency, accounting brackets (NaN where impossible)."""
    candidate = text.str.replace(r"[,\s\u00a0]", "", regex=True)
    candidate = _strip_currency(candidate)
    negative = candidate.str.fullmatch(r"-?\(.*\)").fillna(False).astype(bool)
    if negative.any():
        candidate = candidate.copy()
        candidate[negative] = candidate[negative].str.replace(r"^-?\((.*)\)$", r"\1", regex=True)
        candidate = _strip_currency(candidate)
    valid = candidate.str.fullmatch(_NUMBER, flags=re.IGNORECASE).fillna(False).astype(bool)
    numbers = pd.to_numeric(candidate.where(valid), errors="coerce").astype("float64")
    numbers[negative] = -numbers[negative]
    return numbers.where(np.isfinite(numbers))


def _strip_currency(text: pd.Series) -> pd.Series:
    prefixed = text.str.contains(_CURRENCY_TEST, regex=True).fillna(False).astype(bool)
    if prefixed.any():
        text = text.copy()
        text[prefixed] = text[prefixed].str.replace(_CURRENCY_PREFIX, r"\1", regex=True)
    return text.str.replace(_CURRENCY_SUFFIX, "", regex=True)


def parse_int(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Return (float64 whole numbers, bad mask); fractions and words are bad. ``35岁`` is 35."""
    if is_text(values):
        values = clean_text(values).str.replace(r"岁$", "", regex=True)
    numbers, bad = parse_number(values)
    fraction = numbers.notna() & (numbers != np.round(numbers))
    return numbers.where(~fraction), bad | fraction


def normalise_vocabulary(values: pd.Series, column: str) -> pd.Series:
    """Map recognised values of a category-like column to their keys; keep others as given."""
    vocabulary = VOCABULARIES.get(column)
    if not vocabulary:
        return values
    lookup = {alias.casefold(): key for key, aliases in vocabulary.items() for alias in aliases}
    lookup.update({key.casefold(): key for key in vocabulary})
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    mapped = np.array([lookup.get(str(u).strip().casefold(), u) for u in uniques], dtype=object)
    result = pd.Series(
        np.where(codes >= 0, mapped[np.maximum(codes, 0)] if len(mapped) else None, None),
        index=values.index,
        dtype="str",
    )
    return result.where(codes >= 0)


SATISFACTION = {word: float(score) for word, score in SATISFACTION_WORDS.items()}
