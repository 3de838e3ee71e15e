"""Row checks beyond types: total rows, plausible dates and amounts, control characters in ids.

Rules (also in the README, "Data in"); all vectorised over whole columns:

* **Total rows** (rejected, code ``row.total``): a row with a cell that reads 合计, 总计, 小计,
  Total, Grand total, Subtotal or Sum (spaces, case and a trailing colon ignored) and whose
  customer id is empty or is that word. (A customer *named* "Total" with an id is a customer.)
* **Dates** (rejected, ``row.future_date`` / ``row.date_before_floor``): an order date, a
  customer's or an opportunity's created date or a paid date after today (the workspace clock);
  an invoice, due or expected close date more than 10 years after today; any date before the
  floor (``--date-floor``, default 1900-01-01). A date from the future never becomes the default
  as-of date.
* **Amounts** (``row.implausible_amount``): a number whose magnitude is 10^15 or more is
  rejected (sums of such values overflow later); an amount above 1,000 times the 99th percentile
  of the file's own absolute amounts (files of 100 amounts or more) is accepted but flagged in
  the ingest report, because a real very large order is possible.
* **Control characters** (rejected, ``row.control_character``): a NUL byte in any text value, or
  any control character (C0, DEL, C1) inside an identifier.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from custseg.errors import ErrorCode
from custseg.i18n import Lang, t
from custseg.tables import SCHEMAS, TableName

TOTAL_WORDS = ("合计", "总计", "小计", "总合计", "本页小计", "合计金额", "total", "totals",
               "grandtotal", "subtotal", "sum")
PAST_ONLY = {"orders": ("order_date",), "customers": ("created_date",),
             "opportunities": ("created_date",), "payments": ("paid_date",)}
FUTURE_YEARS = 10
MAX_MAGNITUDE = 1e15
OUTLIER_FACTOR = 1000.0
OUTLIER_MIN_VALUES = 100
_CONTROL = r"[\x00-\x1f\x7f-\x9f]"


@dataclass
class Check:
    """One reason for rejecting rows: which rows, where, why."""

    mask: np.ndarray
    code: ErrorCode
    column: str | None
    message: str
    shown: pd.Series | None = None  # the values to report, aligned with the rows
    firsts: np.ndarray | None = None  # duplicates: the row number of the kept row


def _text_array(values: pd.Series) -> pa.Array:
    try:
        return pa.array(values, pa.large_string(), from_pandas=True)
    except (pa.ArrowException, TypeError):  # mixed Python objects: go through text
        text = values.astype(object).where(values.notna(), None).map(
            lambda v: v if v is None else str(v))
        return pa.array(text.to_numpy(dtype=object), pa.large_string(), from_pandas=True)


def total_rows(frame: pd.DataFrame, customer_header: str | None) -> np.ndarray:
    """Return the mask of total rows of a source frame (the module's rule)."""
    words = pa.array(TOTAL_WORDS, pa.large_string())
    hit = np.zeros(len(frame), dtype=bool)
    for name in frame.columns:
        values = frame[name]
        if values.dtype != object and not pd.api.types.is_string_dtype(values.dtype):
            continue
        text = pc.utf8_lower(_text_array(values))
        text = pc.replace_substring_regex(text, r"[\s:：]+", "")
        hit |= pc.fill_null(pc.is_in(text, value_set=words), False).to_numpy(zero_copy_only=False)
    if not hit.any() or customer_header is None:
        return hit
    ids = frame[customer_header]
    if ids.dtype == object or pd.api.types.is_string_dtype(ids.dtype):
        id_text = pc.replace_substring_regex(pc.utf8_lower(_text_array(ids)), r"[\s:：]+", "")
        empty = pc.fill_null(pc.equal(id_text, ""), True).to_numpy(zero_copy_only=False)
        word = pc.fill_null(pc.is_in(id_text, value_set=words), False)
        return hit & (empty | word.to_numpy(zero_copy_only=False))
    return hit & ids.isna().to_numpy()


def date_checks(
    table: TableName,
    columns: Mapping[str, pd.Series],
    header_of: Mapping[str, str],
    today: pd.Timestamp,
    floor: pd.Timestamp,
    lang: Lang,
) -> list[Check]:
    """Dates after today (or far in the future) and before the floor."""
    checks = []
    far = today + pd.DateOffset(years=FUTURE_YEARS)
    for col in SCHEMAS[table]:
        if col.type != "date" or col.name not in header_of:
            continue
        dates = columns[col.name]
        shown = dates.dt.strftime("%Y-%m-%d")
        past_only = col.name in PAST_ONLY.get(table, ())
        late = (dates > (today if past_only else far)).fillna(False).to_numpy(dtype=bool)
        if late.any():
            key = "ingest_reason_future" if past_only else "ingest_reason_far_future"
            text = t(key, lang).format(column=col.name, today=today.strftime("%Y-%m-%d"),
                                       years=FUTURE_YEARS)
            checks.append(Check(late, ErrorCode.FUTURE_DATE, header_of[col.name], text, shown))
        early = (dates < floor).fillna(False).to_numpy(dtype=bool)
        if early.any():
            text = t("ingest_reason_before_floor", lang).format(
                column=col.name, floor=floor.strftime("%Y-%m-%d"))
            checks.append(Check(early, ErrorCode.DATE_BEFORE_FLOOR, header_of[col.name], text,
                                shown))
    return checks


def magnitude_checks(
    table: TableName, columns: Mapping[str, pd.Series], header_of: Mapping[str, str], lang: Lang
) -> list[Check]:
    """Numbers whose magnitude is ``MAX_MAGNITUDE`` or more (they would overflow in sums)."""
    checks = []
    for col in SCHEMAS[table]:
        if col.type not in ("float", "int") or col.name not in header_of:
            continue
        values = columns[col.name]
        huge = (values.abs() >= MAX_MAGNITUDE).fillna(False).to_numpy(dtype=bool)
        if huge.any():
            text = t("ingest_reason_huge", lang).format(column=col.name, limit="10^15")
            checks.append(Check(huge, ErrorCode.IMPLAUSIBLE_AMOUNT, header_of[col.name], text,
                                values.astype("string")))
    return checks


def amount_outliers(values: pd.Series) -> tuple[np.ndarray, float | None]:
    """Return the mask of amounts above ``OUTLIER_FACTOR`` × the 99th percentile, and the limit."""
    magnitude = values.abs()
    usable = magnitude[(magnitude > 0) & (magnitude < MAX_MAGNITUDE)]
    if len(usable) < OUTLIER_MIN_VALUES:
        return np.zeros(len(values), dtype=bool), None
    limit = float(usable.quantile(0.99)) * OUTLIER_FACTOR
    mask = ((magnitude > limit) & (magnitude < MAX_MAGNITUDE)).fillna(False)
    return mask.to_numpy(dtype=bool), limit


def control_checks(
    table: TableName, columns: Mapping[str, pd.Series], header_of: Mapping[str, str], lang: Lang
) -> list[Check]:
    """NUL bytes in any text value; control characters in identifiers."""
    checks = []
    for col in SCHEMAS[table]:
        if col.type != "string" or col.name not in header_of:
            continue
        values = columns[col.name]
        is_id = col.name.endswith("_id")
        pattern = _CONTROL if is_id else "\x00"
        array = _text_array(values)
        found = (pc.match_substring_regex(array, pattern) if is_id
                 else pc.match_substring(array, pattern))
        mask = pc.fill_null(found, False).to_numpy(zero_copy_only=False)
        if mask.any():
            key = "ingest_reason_control_id" if is_id else "ingest_reason_nul"
            shown = values.str.replace(_CONTROL, "\N{REPLACEMENT CHARACTER}", regex=True)
            checks.append(Check(mask, ErrorCode.CONTROL_CHARACTER, header_of[col.name],
                                t(key, lang).format(column=col.name), shown))
    return checks
