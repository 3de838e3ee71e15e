"""Coercion of messy dates, amounts, integers, ids and vocabularies (engine expressions)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import ibis
import numpy as np
import pandas as pd
import pytest

from custseg.ingest import parse
from custseg.ingest.parse import SATISFACTION

_CON = ibis.duckdb.connect()


def _run(
    make: Callable[..., parse.Parsed], values: pd.Series, **options: object
) -> tuple[pd.Series, pd.Series]:
    """Parse ``values`` in the engine: (parsed values, bad flags; all False without a flag)."""
    source = ibis.memtable(pd.DataFrame({"v": values}))
    plan = make("v", source.v.type(), "out", **options)
    done = parse.apply(source, [plan])
    bad = done[plan.bad] if plan.bad else ibis.literal(False)
    result = _CON.execute(done.select(value=done[plan.value], bad=bad))
    return result["value"], result["bad"].astype(bool)


def parse_date(values: pd.Series, *, excel_serials: bool = False) -> tuple[pd.Series, pd.Series]:
    dates, bad = _run(parse.parse_date, values, excel_serials=excel_serials)
    return pd.to_datetime(dates), bad


def parse_number(values: pd.Series, **options: object) -> tuple[pd.Series, pd.Series]:
    return _run(parse.parse_number, values, **options)


def parse_int(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    return _run(parse.parse_int, values)


def parse_string(values: pd.Series, *, is_id: bool = False) -> pd.Series:
    return _run(parse.parse_string, values, is_id=is_id)[0]


def normalise_vocabulary(values: pd.Series, column: str) -> pd.Series:
    return _run(parse.parse_string, values, vocabulary=column)[0]


def _one_date(value: object, *, excel: bool = False) -> tuple[object, bool]:
    dates, bad = parse_date(pd.Series([value], dtype=object if not isinstance(value, str) else "str"),
                            excel_serials=excel)
    return dates.iloc[0], bool(bad.iloc[0])


@pytest.mark.parametrize(
    "text",
    ["2024-03-05", "2024/3/5", "2024.3.5", "2024年3月5日", "20240305", "2024-03-05 14:22:00",
     "2024/03/05 9:05", "２０２４－０３－０５", "2024年3月5日 14:22", " 2024-3-5 ", "2024-03-05T14:22:00Z"],
)
def test_parse_date_accepts_common_forms(text: str) -> None:
    value, bad = _one_date(text)
    assert not bad
    assert value == pd.Timestamp("2024-03-05")


@pytest.mark.parametrize("text", ["2024-13-01", "2024-02-30", "next week", "05/03/2024", "2024-3"])
def test_parse_date_flags_impossible_or_ambiguous_text(text: str) -> None:
    value, bad = _one_date(text)
    assert bad
    assert pd.isna(value)


def test_parse_date_treats_empty_as_missing_not_bad() -> None:
    dates, bad = parse_date(pd.Series(["", "  ", None], dtype="str"))
    assert dates.isna().all()
    assert not bad.any()


def test_parse_date_reads_excel_serials_only_for_excel() -> None:
    assert _one_date("45356", excel=True) == (pd.Timestamp("2024-03-05"), False)
    assert _one_date("45356", excel=False)[1] is True
    dates, bad = parse_date(pd.Series([45356.0, 20240305.0, np.nan]), excel_serials=True)
    assert list(dates[:2]) == [pd.Timestamp("2024-03-05")] * 2
    assert pd.isna(dates.iloc[2]) and not bad.any()


def test_parse_date_keeps_typed_dates_and_drops_time() -> None:
    typed = pd.Series(pd.to_datetime(["2024-03-05 14:22", None]))
    dates, bad = parse_date(typed)
    assert dates.iloc[0] == pd.Timestamp("2024-03-05") and pd.isna(dates.iloc[1])
    assert not bad.any()
    objects = pd.Series([dt.date(2024, 3, 5), None], dtype=object)
    assert parse_date(objects)[0].iloc[0] == pd.Timestamp("2024-03-05")


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1,234.50", 1234.5), ("¥1,234.50", 1234.5), ("￥1,234.50", 1234.5), ("$1,234.50", 1234.5),
     ("RMB 1234", 1234.0), ("CNY1234", 1234.0), ("(120.00)", -120.0), ("-120", -120.0),
     ("１２３．５０", 123.5), ("100元", 100.0), ("1,000 元", 1000.0), ("-¥5", -5.0),
     ("(¥5.00)", -5.0), ("+7", 7.0), (".5", 0.5), ("1e3", 1000.0)],
)
def test_parse_number_accepts_messy_amounts(text: str, expected: float) -> None:
    numbers, bad = parse_number(pd.Series([text], dtype="str"))
    assert not bad.iloc[0]
    assert numbers.iloc[0] == pytest.approx(expected)


@pytest.mark.parametrize("text", ["abc", "12,3O", "1.2.3", "nan", "inf", "¥"])
def test_parse_number_flags_garbage(text: str) -> None:
    numbers, bad = parse_number(pd.Series([text], dtype="str"))
    assert bad.iloc[0] and pd.isna(numbers.iloc[0])


def test_parse_number_keeps_typed_numbers_and_rejects_infinity() -> None:
    numbers, bad = parse_number(pd.Series([1.5, np.nan, np.inf]))
    assert numbers.iloc[0] == 1.5 and pd.isna(numbers.iloc[1])
    assert list(bad) == [False, False, True]


def test_parse_number_maps_satisfaction_words() -> None:
    numbers, bad = parse_number(pd.Series(["非常满意", "Satisfied", "3", "一般"], dtype="str"),
                                words=SATISFACTION)
    assert list(numbers) == [5.0, 4.0, 3.0, 3.0] and not bad.any()


def test_parse_int_accepts_whole_numbers_only() -> None:
    numbers, bad = parse_int(pd.Series(["35", "35岁", "35.0", "3.5", "x"], dtype="str"))
    assert list(numbers[:3]) == [35.0, 35.0, 35.0]
    assert list(bad) == [False, False, False, True, True]


def test_parse_string_cleans_ids() -> None:
    ids = parse_string(pd.Series([" C 001 ", "1001.0", "A1.0", "１００２", ""], dtype="str"), is_id=True)
    assert list(ids[:4]) == ["C001", "1001", "A1.0", "1002"]
    assert pd.isna(ids.iloc[4])


def test_parse_string_writes_numeric_ids_without_decimal() -> None:
    ids = parse_string(pd.Series([1001.0, 12345678901.0, np.nan]))
    assert list(ids[:2]) == ["1001", "12345678901"] and pd.isna(ids.iloc[2])
    assert list(parse_string(pd.Series([7, 8], dtype="int64"))) == ["7", "8"]


def test_normalise_vocabulary_maps_known_values_and_keeps_others() -> None:
    values = pd.Series(["政府", " Government ", "国企", "xyz", None], dtype="str")
    result = normalise_vocabulary(values.str.strip(), "nature")
    assert list(result[:4]) == ["government", "government", "special_company", "xyz"]
    assert pd.isna(result.iloc[4])
    assert list(normalise_vocabulary(pd.Series(["赢单", "Closed Won"], dtype="str"), "stage")) == [
        "won", "won"]


def test_nfkc_stable_characters_are_their_own_normal_form() -> None:
    """Text of these characters skips NFKC in the engine: each must be stable, and no two
    compose (every pair of the non-ideograph ones, and ideographs next to each of them)."""
    import unicodedata

    chars = [chr(c) for a, b in parse.NFKC_STABLE for c in range(a, b + 1)]
    assert all(unicodedata.normalize("NFKC", c) == c for c in chars)
    small = [c for c in chars if ord(c) < 0x3400]
    pairs = [a + b for a in small for b in small] + [a + "中" + b for a in small for b in "한ア"]
    assert all(unicodedata.normalize("NFKC", p) == p for p in pairs)


def test_text_outside_the_stable_set_is_normalised_and_stripped() -> None:
    values = pd.Series(["ＡＢＣ\u3000", "客户\u00a0", "ﬁle", "e\u0301", "plain"], dtype="str")
    assert list(parse_string(values)) == ["ABC", "客户", "file", "\u00e9", "plain"]
