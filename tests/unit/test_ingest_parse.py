"""Coercion of messy dates, amounts, integers, ids and vocabularies."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from custseg.ingest.parse import (
    SATISFACTION,
    normalise_vocabulary,
    parse_date,
    parse_int,
    parse_number,
    parse_string,
)


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
