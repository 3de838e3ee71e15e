"""Lazy row checks: canonical typed columns from a source's columns, every row accepted or not.

All reasons a row fails are gathered (pandera's ``lazy=True``). Checks, in the order that decides
a row's reported reason: a malformed CSV record, a required value that is empty, a control
character in an id, a value that is not a date / number, an impossible value (outside the
column's bounds, due date before invoice date, paid date more than 10 years from the invoice),
an implausible date or magnitude (:mod:`custseg.ingest.checks`), an unknown customer, a duplicate
key. The first failing check gives the rejected row's column,
code and value; the message lists the other reasons too.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from custseg.errors import ErrorCode, RejectedRow
from custseg.i18n import Lang, t
from custseg.ingest import checks as plausible
from custseg.ingest import derive, parse
from custseg.ingest.checks import Check
from custseg.ingest.duplicates import duplicate_checks, number_lines
from custseg.ingest.sources import EXTRA_FIELDS, RawTable
from custseg.tables import KEYS, SCHEMAS, Column, TableName

PAID_DATE_MAX_DAYS = 3653  # "more than 10 years" away from the invoice (or due) date


@dataclass
class Validated:
    """The outcome of validating a source: canonical accepted rows and the rejected ones."""

    frame: pd.DataFrame
    rows: np.ndarray
    rejected: list[RejectedRow] = field(default_factory=list)
    flagged: list[RejectedRow] = field(default_factory=list)  # accepted, but to be checked
    repeated: int = 0  # orders with a derived order id: lines repeating another line, kept


def coerce_columns(
    raw: RawTable, table: TableName, mapping: Mapping[str, str], lang: Lang = "en"
) -> tuple[dict[str, pd.Series], list[Check]]:
    """Return the canonical columns of ``table`` parsed from ``raw`` and the parse failures."""
    header_of = {canonical: header for header, canonical in mapping.items()}
    index = raw.frame.index
    columns: dict[str, pd.Series] = {}
    failures: list[Check] = []
    for col in SCHEMAS[table]:
        header = header_of.get(col.name)
        if header is None:
            columns[col.name] = _empty(col, index)
            continue
        values, bad = _parse_column(raw.frame[header], col, raw.kind == "excel")
        columns[col.name] = values
        if bad.any():
            code = ErrorCode.NOT_A_DATE if col.type == "date" else ErrorCode.NOT_A_NUMBER
            failures.append(
                Check(bad.to_numpy(), code, header, _parse_message(col, lang), raw.frame[header])
            )
    return columns, failures


def _empty(col: Column, index: pd.Index) -> pd.Series:
    dtype = {"string": "str", "date": "datetime64[s]", "float": "float64", "int": "float64"}
    return pd.Series(None if col.type == "string" else np.nan, index=index, dtype=dtype[col.type])


def _parse_column(values: pd.Series, col: Column, excel: bool) -> tuple[pd.Series, pd.Series]:
    no_bad = pd.Series(False, index=values.index)
    if col.type == "string":
        text = parse.parse_string(values, is_id=col.name.endswith("_id"))
        return parse.normalise_vocabulary(text, col.name), no_bad
    if col.type == "date":
        return parse.parse_date(values, excel_serials=excel)
    if col.type == "int":
        return parse.parse_int(values)
    words = parse.SATISFACTION if col.name == "satisfaction" else None
    return parse.parse_number(values, words=words)


def _say(key: str, lang: Lang, **params: object) -> str:
    return t(key, lang).format(**params)


def _parse_message(col: Column, lang: Lang) -> str:
    if col.type == "date":
        return _say("ingest_reason_not_date", lang, column=col.name)
    if col.type == "int":
        return _say("ingest_reason_not_int", lang, column=col.name)
    worded = col.name == "satisfaction"
    return _say("ingest_reason_not_satisfaction" if worded else "ingest_reason_not_number", lang,
                column=col.name)


@dataclass(frozen=True)
class Plausibility:
    """What the plausibility checks compare against: today, the date floor, the language."""

    today: pd.Timestamp | None = None
    floor: pd.Timestamp | None = None
    lang: Lang = "en"


def validate(
    raw: RawTable,
    table: TableName,
    mapping: Mapping[str, str],
    *,
    known_customers: pd.Series | None = None,
    derived: Mapping[str, str | None] | None = None,
    plausibility: Plausibility | None = None,
) -> Validated:
    """Return the canonical accepted rows of ``raw`` and a :class:`RejectedRow` per rejected row.

    ``known_customers`` (customer ids already in the workspace) turns on the unknown-customer
    check for tables other than ``customers``. ``derived`` names the key columns to derive
    (:mod:`custseg.ingest.derive`; for ``invoice_id`` the order-number header or None).
    """
    derived = derived or {}
    rules = plausibility or Plausibility()
    header_of = {canonical: header for header, canonical in mapping.items()}
    lang = rules.lang
    columns, parse_failures = coerce_columns(raw, table, mapping, lang)
    derive.derive_keys(raw.frame, columns, derived)
    checks: list[Check] = []
    if EXTRA_FIELDS in raw.frame.columns:
        extra = raw.frame[EXTRA_FIELDS]
        checks.append(
            Check(
                (extra.notna() & (extra != "")).to_numpy(),
                ErrorCode.IMPOSSIBLE_VALUE,
                None,
                _say("ingest_reason_extra_fields", lang),
                extra,
            )
        )
    parse_bad = {f.column: f.mask for f in parse_failures}
    checks += _missing_checks(table, columns, header_of, parse_bad, derived, lang)
    checks += plausible.control_checks(table, columns, header_of, rules.lang)
    checks += parse_failures
    checks += _bound_checks(table, columns, header_of, lang)
    if table == "payments":
        checks += _payment_checks(columns, header_of, lang)
    if table == "orders":
        checks += _order_sign_checks(columns, header_of, lang)
    if rules.today is not None and rules.floor is not None:
        checks += plausible.date_checks(table, columns, header_of, rules.today, rules.floor,
                                        rules.lang)
    checks += plausible.magnitude_checks(table, columns, header_of, rules.lang)
    if known_customers is not None and table != "customers":
        checks.append(_customer_check(columns["customer_id"], known_customers, header_of, lang))
    if table == "orders":
        _fix_return_costs(columns)
    frame = pd.DataFrame(columns)
    failed = _any(checks, len(frame))
    repeated = 0
    if "order_id" in derived:
        used = [c for c in frame.columns if c in header_of or c == "order_id"]
        repeated = derive.repeated_lines(frame, used, ~failed)
        duplicates: list[Check] = []
    else:
        duplicates = duplicate_checks(table, frame, raw.rows, failed, header_of, lang)
    checks += duplicates
    if table == "orders" and "line_no" not in header_of:
        number_lines(frame, duplicates[0].mask if duplicates else None)
    rejected_mask = _any(checks, len(frame))
    rejected = _rejected_rows(raw, checks, rejected_mask, lang)
    keep = ~rejected_mask
    flagged = _outliers(raw, table, frame, header_of, keep, rules.lang)
    return Validated(frame[keep].reset_index(drop=True), raw.rows[keep], rejected, flagged,
                     repeated)


def _outliers(
    raw: RawTable,
    table: TableName,
    frame: pd.DataFrame,
    header_of: Mapping[str, str],
    keep: np.ndarray,
    lang: Lang,
) -> list[RejectedRow]:
    """Accepted amounts far above the file's own distribution, flagged (not rejected)."""
    name = "expected_amount" if table == "opportunities" else "amount"
    if name not in header_of or name not in frame.columns:
        return []
    values = frame[name].where(keep)
    mask, limit = plausible.amount_outliers(values)
    result = []
    for pos in np.flatnonzero(mask & keep):
        value = float(values.iloc[pos])
        message = t("ingest_flag_outlier", lang).format(value=f"{value:,.2f}",
                                                         limit=f"{limit:,.2f}")
        result.append(RejectedRow(raw.label, int(raw.rows[pos]), header_of[name],
                                  ErrorCode.IMPLAUSIBLE_AMOUNT, f"{value:g}", message))
    return result


def _any(checks: list[Check], n: int) -> np.ndarray:
    mask = np.zeros(n, dtype=bool)
    for check in checks:
        mask |= check.mask
    return mask


def _missing_checks(
    table: TableName,
    columns: dict[str, pd.Series],
    header_of: Mapping[str, str],
    parse_bad: Mapping[str | None, np.ndarray],
    derived: Mapping[str, str | None],
    lang: Lang,
) -> list[Check]:
    """Required values (and present key columns) that are empty; derived keys excepted."""
    needed = [c.name for c in SCHEMAS[table] if c.required and c.name not in derived]
    needed += [k for k in KEYS[table] if k not in needed and k in header_of]
    checks = []
    for name in needed:
        missing = columns[name].isna().to_numpy().copy()
        header = header_of.get(name)
        if header in parse_bad:
            missing &= ~parse_bad[header]
        if missing.any():
            checks.append(
                Check(
                    missing,
                    ErrorCode.MISSING_VALUE,
                    header_of.get(name, name),
                    _say("ingest_reason_missing", lang, column=name),
                )
            )
    return checks


def _bound_checks(
    table: TableName, columns: dict[str, pd.Series], header_of: Mapping[str, str], lang: Lang
) -> list[Check]:
    """Values outside a column's minimum / maximum."""
    checks = []
    for col in SCHEMAS[table]:
        values = columns[col.name]
        for bound, word in ((col.minimum, "at least"), (col.maximum, "at most")):
            if bound is None:
                continue
            outside = values < bound if word == "at least" else values > bound
            mask = outside.fillna(False).to_numpy(dtype=bool)
            if mask.any():
                checks.append(
                    Check(
                        mask,
                        ErrorCode.IMPOSSIBLE_VALUE,
                        header_of.get(col.name),
                        _say(f"ingest_reason_{word.replace(' ', '_')}", lang, column=col.name,
                             bound=f"{bound:g}"),
                        values,
                    )
                )
    return checks


def _customer_check(
    ids: pd.Series, known: pd.Series, header_of: Mapping[str, str], lang: Lang
) -> Check:
    """Customer ids that are not in the workspace's customers table."""
    value_set = pa.array(known.dropna().astype(str).to_numpy(dtype=object), pa.large_string())
    found = pc.is_in(pa.array(ids, pa.large_string(), from_pandas=True), value_set=value_set)
    unknown = ids.notna().to_numpy() & ~found.to_numpy(zero_copy_only=False)
    return Check(
        unknown,
        ErrorCode.UNKNOWN_CUSTOMER,
        header_of.get("customer_id"),
        _say("ingest_reason_unknown_customer", lang),
        ids,
    )


def _order_sign_checks(
    columns: dict[str, pd.Series], header_of: Mapping[str, str], lang: Lang
) -> list[Check]:
    """A negative quantity with a positive amount (a returned item cannot earn money).

    A positive quantity with a negative amount is accepted: ERPs write credit notes and
    returns that way.
    """
    quantity, amount = columns["quantity"], columns["amount"]
    mixed = ((quantity < 0) & (amount > 0)).fillna(False)
    mask = mixed.to_numpy(dtype=bool)
    if not mask.any():
        return []
    return [
        Check(
            mask,
            ErrorCode.IMPOSSIBLE_VALUE,
            header_of.get("quantity"),
            _say("ingest_reason_negative_quantity", lang),
            quantity.astype("string"),
        )
    ]


def _payment_checks(
    columns: dict[str, pd.Series], header_of: Mapping[str, str], lang: Lang
) -> list[Check]:
    """Due date before invoice date; paid date more than 10 years from the invoice."""
    invoice, due, paid = columns["invoice_date"], columns["due_date"], columns["paid_date"]
    checks = []
    early = (due < invoice).fillna(False).to_numpy(dtype=bool)
    if early.any():
        checks.append(
            Check(
                early,
                ErrorCode.IMPOSSIBLE_VALUE,
                header_of.get("due_date"),
                _say("ingest_reason_due_before_invoice", lang),
                _shown(due),
            )
        )
    reference = invoice.fillna(due)
    far = ((paid - reference).abs() > pd.Timedelta(days=PAID_DATE_MAX_DAYS)).fillna(False)
    if far.to_numpy(dtype=bool).any():
        checks.append(
            Check(
                far.to_numpy(dtype=bool),
                ErrorCode.IMPOSSIBLE_VALUE,
                header_of.get("paid_date"),
                _say("ingest_reason_paid_far", lang),
                _shown(paid),
            )
        )
    return checks


def _shown(dates: pd.Series) -> pd.Series:
    return dates.dt.strftime("%Y-%m-%d")


def _fix_return_costs(columns: dict[str, pd.Series]) -> None:
    """A return line (negative amount) with a positive cost gets the cost negated."""
    amount, cost = columns["amount"], columns["cost"]
    flip = (amount < 0) & (cost > 0)
    if flip.any():
        columns["cost"] = cost.where(~flip, -cost)


def _rejected_rows(
    raw: RawTable, checks: list[Check], rejected: np.ndarray, lang: Lang
) -> list[RejectedRow]:
    """One :class:`RejectedRow` per rejected row: first reason, others appended to the message."""
    positions = np.flatnonzero(rejected)
    reasons: dict[int, list[tuple[Check, int]]] = {int(p): [] for p in positions}
    for check in checks:
        for pos in np.flatnonzero(check.mask & rejected):
            reasons[int(pos)].append((check, int(pos)))
    result = []
    for pos in positions:
        found = reasons[int(pos)]
        first, _ = found[0]
        others = [_describe(check, p, lang, located=True) for check, p in found[1:]]
        message = _describe(first, int(pos), lang, located=False) + "".join(
            _say("ingest_reason_also", lang, text=other) for other in others)
        result.append(
            RejectedRow(
                raw.label,
                int(raw.rows[pos]),
                first.column,
                first.code,
                _value(first, int(pos)),
                message,
            )
        )
    return result


def _describe(check: Check, pos: int, lang: Lang, *, located: bool) -> str:
    """Return the reason; ``located`` prefixes the column and value (for the extra reasons)."""
    text = check.message
    if check.firsts is not None:
        text = text.replace("{first}", str(check.firsts[pos]))
    if not located:
        return text
    where = _say("ingest_reason_column", lang, column=check.column) + " " if check.column else ""
    value = _value(check, pos)
    shown = f"{value!r}" if value not in (None, "") else ""
    return f"{where}{shown}".strip() + f": {text}"


def _value(check: Check, pos: int) -> str | None:
    if check.shown is None:
        return None
    value = check.shown.iloc[pos]
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return str(value)
