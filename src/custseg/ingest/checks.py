"""Row checks beyond types: total rows, plausible dates and amounts, control characters in ids.

Rules (also in the README, "Data in"); each is an engine expression over the whole table:

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

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import ibis
import ibis.expr.datatypes as dtypes
import ibis.expr.types as ir

from custseg.errors import ErrorCode
from custseg.i18n import Lang, t
from custseg.tables import SCHEMAS, TableName

TOTAL_WORDS = ("合计", "总计", "小计", "总合计", "本页小计", "合计金额", "total", "totals",
               "grandtotal", "subtotal", "sum")
_TOTAL_STARTS = sorted({ord(c) for w in TOTAL_WORDS for c in (w[0], w[0].upper()) if c.isascii()}
                       | {ord(":")})
"""The visible ASCII characters a total key may begin with (as the cell's first character)."""
PAST_ONLY = {"orders": ("order_date",), "customers": ("created_date",),
             "opportunities": ("created_date",), "payments": ("paid_date",)}
FUTURE_YEARS = 10
MAX_MAGNITUDE = 1e15
OUTLIER_FACTOR = 1000.0
OUTLIER_MIN_VALUES = 100
CONTROL = r"[\x00-\x1f\x7f-\x{9f}]"


@dataclass(frozen=True)
class Rule:
    """One reason for rejecting rows: which rows (an expression), where, why.

    ``message`` is the reason in the user's language; ``{first}`` in it is replaced by the row
    number of the row kept (duplicates). ``shown`` is the value to report.
    """

    mask: ir.BooleanValue
    code: ErrorCode
    column: str | None
    message: str
    shown: ir.Value | None = None


def flag(condition: ir.BooleanValue) -> ir.BooleanValue:
    """Return ``condition`` with null read as false."""
    return condition.fill_null(False)


def _total_key(text: ir.StringValue) -> ir.StringValue:
    """Lower case, without whitespace (tab, line ends, form feed, space) and colons."""
    return text.lower().translate(" \t\n\f\r:：", "")  # type: ignore[no-any-return]


def total_rows(source: ir.Table, headers: list[str], customer: str | None) -> ir.BooleanValue:
    """Return whether each row of ``source`` is a total row (the module's rule).

    The cells are looked at only in rows whose customer id allows a total row (empty, or a
    total word): in every other row one look at the id decides.
    """
    texts = [source[h] for h in headers if source[h].type().is_string()]
    if not texts:
        return ibis.literal(False)
    words = "^(?:" + "|".join(TOTAL_WORDS) + ")$"
    hit = ibis.literal(False)
    for text in texts:
        hit |= flag(_total_key(text).re_search(words))
    if customer is None:
        return hit
    ids = source[customer]
    if ids.type().is_string():
        # the key is empty or a total word only where the id's first character may begin one
        # (a space, a colon, t, s, g, a non-ASCII character...): one look at it rules out the
        # rest, and the key is computed (once) only where it is not ruled out
        code = ids.ascii_str()
        ruled_out = (code > 32) & (code < 127)
        for start in _TOTAL_STARTS:  # comparisons, not isin (a join in the engine)
            ruled_out &= code != start
        empty_or_word = "^(?:" + "|".join(TOTAL_WORDS) + ")?$"
        possible = ids.isnull() | ibis.ifelse(
            flag(ruled_out), False, flag(_total_key(ids).re_search(empty_or_word)))
    else:
        possible = ids.isnull()
    return ibis.ifelse(possible, hit, False)  # type: ignore[no-any-return]


def total_word(source: ir.Table, headers: list[str]) -> ir.StringValue:
    """The first non-blank text cell of a row, stripped (what a total row is reported by)."""
    from custseg.ingest.parse import WHITESPACE, trim

    cells = []
    for h in headers:
        if source[h].type().is_string():
            text = trim(source[h], WHITESPACE)
            cells.append(ibis.ifelse(text == "", ibis.null(dtypes.string), text))
    return ibis.coalesce(*cells, ibis.literal("")) if cells else ibis.literal("")


def date_checks(
    table: TableName,
    columns: Mapping[str, ir.Value],
    header_of: Mapping[str, str],
    today: dt.date,
    floor: dt.date,
    lang: Lang,
) -> list[Rule]:
    """Dates after today (or far in the future) and before the floor."""
    rules = []
    try:
        far = today.replace(year=today.year + FUTURE_YEARS)
    except ValueError:  # 29 February
        far = today.replace(year=today.year + FUTURE_YEARS, day=28)
    for col in SCHEMAS[table]:
        if col.type != "date" or col.name not in header_of:
            continue
        dates = columns[col.name]
        shown = dates.strftime("%Y-%m-%d")  # type: ignore[attr-defined]
        past_only = col.name in PAST_ONLY.get(table, ())
        key = "ingest_reason_future" if past_only else "ingest_reason_far_future"
        text = t(key, lang).format(column=col.name, today=today.isoformat(), years=FUTURE_YEARS)
        late = flag(dates > ibis.date(today if past_only else far))
        rules.append(Rule(late, ErrorCode.FUTURE_DATE, header_of[col.name], text, shown))
        text = t("ingest_reason_before_floor", lang).format(column=col.name,
                                                             floor=floor.isoformat())
        early = flag(dates < ibis.date(floor))
        rules.append(Rule(early, ErrorCode.DATE_BEFORE_FLOOR, header_of[col.name], text, shown))
    return rules


def magnitude_checks(
    table: TableName, columns: Mapping[str, ir.Value], header_of: Mapping[str, str], lang: Lang
) -> list[Rule]:
    """Numbers whose magnitude is ``MAX_MAGNITUDE`` or more (they would overflow in sums)."""
    rules = []
    for col in SCHEMAS[table]:
        if col.type not in ("float", "int") or col.name not in header_of:
            continue
        values = columns[col.name]
        huge = flag(values.abs() >= MAX_MAGNITUDE)  # type: ignore[attr-defined]
        text = t("ingest_reason_huge", lang).format(column=col.name, limit="10^15")
        rules.append(Rule(huge, ErrorCode.IMPLAUSIBLE_AMOUNT, header_of[col.name], text,
                          values.cast(dtypes.string)))
    return rules


def outlier_limit(table: ir.Table, column: str) -> float | None:
    """``OUTLIER_FACTOR`` × the 99th percentile of the usable magnitudes of ``table[column]``.

    None when fewer than ``OUTLIER_MIN_VALUES`` are usable (non-zero, below the maximum).
    """
    values = table.select(m=table[column].abs())
    kept = values.filter((values.m > 0) & (values.m < MAX_MAGNITUDE))
    found = kept.aggregate(n=kept.m.count(), q=kept.m.quantile(0.99)).to_pyarrow().to_pylist()
    n, q = found[0]["n"], found[0]["q"]
    if not n or n < OUTLIER_MIN_VALUES or q is None:
        return None
    return float(q) * OUTLIER_FACTOR


def control_checks(
    table: TableName, columns: Mapping[str, ir.Value], header_of: Mapping[str, str], lang: Lang
) -> list[Rule]:
    """NUL bytes in any text value; control characters in identifiers."""
    rules = []
    for col in SCHEMAS[table]:
        if col.type != "string" or col.name not in header_of:
            continue
        values = columns[col.name]
        is_id = col.name.endswith("_id")
        found = flag(values.re_search(CONTROL) if is_id else values.re_search(r"\x00"))
        key = "ingest_reason_control_id" if is_id else "ingest_reason_nul"
        shown = values.re_replace(CONTROL, "\N{REPLACEMENT CHARACTER}")
        rules.append(Rule(found, ErrorCode.CONTROL_CHARACTER, header_of[col.name],
                          t(key, lang).format(column=col.name), shown))
    return rules
