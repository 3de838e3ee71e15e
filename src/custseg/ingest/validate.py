"""Row checks as engine expressions: canonical typed columns, every row accepted or not.

All reasons a row fails are gathered (pandera's ``lazy=True``). Checks, in the order that decides
a row's reported reason: a malformed CSV record, a required value that is empty, a control
character in an id, a value that is not a date / number, an impossible value (outside the
column's bounds, due date before invoice date, paid date more than 10 years from the invoice),
an implausible date or magnitude (:mod:`custseg.ingest.checks`), an unknown customer, a duplicate
key. The first failing check gives the rejected row's column, code and value; the message lists
the other reasons too.

Two passes run in the engine over the whole table: :func:`checked_rows` parses every column and
evaluates every row check into one staged table (each rejected row's code, column, value and
message included); :func:`split` then finds duplicate keys among the valid rows, numbers order
lines, and gives the accepted rows (an expression, stored by the engine) and the rejected rows
(fetched: the report lists them).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import ibis
import ibis.expr.datatypes as dtypes
import ibis.expr.types as ir

from custseg.errors import ErrorCode, RejectedRow
from custseg.i18n import Lang, t
from custseg.ingest import checks as plausible
from custseg.ingest import derive, parse
from custseg.ingest.checks import Rule, flag
from custseg.ingest.duplicates import FIRST, duplicate_rows, number_lines
from custseg.ingest.sources import EXTRA_FIELDS, ROW, RawTable
from custseg.tables import KEYS, SCHEMAS, Column, TableName

PAID_DATE_MAX_DAYS = 3653  # "more than 10 years" away from the invoice (or due) date
BLANK, TOTAL, WORD = "__blank", "__total", "__total_word"
LONG, LONG_SIZE = "__long", "__long_size"
FAILED = "__failed"
BITS, BITS_PREFIX, SHOWN = 62, "__bits", "__shown"  # a row's failed rules (see _reasons)
_TYPES = {"string": dtypes.string, "date": dtypes.date, "float": dtypes.float64,
          "int": dtypes.float64}
STORED_TYPES = {"string": dtypes.string, "date": dtypes.date, "float": dtypes.float64,
                "int": dtypes.int64}


@dataclass(frozen=True)
class Plausibility:
    """What the plausibility checks compare against: today, the date floor, the language."""

    today: dt.date | None = None
    floor: dt.date | None = None
    lang: Lang = "en"


@dataclass
class Validated:
    """The outcome of validating a source: the accepted rows (an expression) and the rest."""

    accepted: ir.Table
    rows_read: int
    rows_accepted: int
    rejected: list[RejectedRow] = field(default_factory=list)
    flagged: list[RejectedRow] = field(default_factory=list)  # accepted, but to be checked
    repeated: int = 0  # orders with a derived order id: lines repeating another line, kept
    example: str | None = None  # the first accepted row's derived key


def _say(key: str, lang: Lang, **params: object) -> str:
    return t(key, lang).format(**params)


def _plan(header: str, kind: dtypes.DataType, col: Column, out: str, excel: bool
          ) -> parse.Parsed:
    if col.type == "string":
        return parse.parse_string(header, kind, out, is_id=col.name.endswith("_id"),
                                  vocabulary=col.name)
    if col.type == "date":
        return parse.parse_date(header, kind, out, excel_serials=excel)
    if col.type == "int":
        return parse.parse_int(header, kind, out)
    words = parse.SATISFACTION if col.name == "satisfaction" else None
    return parse.parse_number(header, kind, out, words=words)


def _parse_message(col: Column, lang: Lang) -> str:
    if col.type == "date":
        return _say("ingest_reason_not_date", lang, column=col.name)
    if col.type == "int":
        return _say("ingest_reason_not_int", lang, column=col.name)
    worded = col.name == "satisfaction"
    return _say("ingest_reason_not_satisfaction" if worded else "ingest_reason_not_number", lang,
                column=col.name)


def coerce_columns(
    source: ir.Table, table: TableName, header_of: Mapping[str, str], excel: bool, lang: Lang
) -> tuple[ir.Table, dict[str, ir.Value], list[Rule]]:
    """Parse the canonical columns of ``table`` from ``source``.

    Returns ``source`` with the parsed columns added, those columns, and the parse failures.
    """
    plans = {}
    for col in SCHEMAS[table]:
        header = header_of.get(col.name)
        if header is not None:
            plans[col.name] = _plan(header, source[header].type(), col, f"__c_{col.name}", excel)
    parsed = parse.apply(source, list(plans.values()))
    values = {}
    for col in SCHEMAS[table]:
        plan = plans.get(col.name)
        values[f"__d_{col.name}"] = (ibis.null(_TYPES[col.type]) if plan is None
                                     else parsed[plan.value].cast(_TYPES[col.type]))
    parsed = parsed.mutate(**values)  # every later expression refers to this table only
    columns = {c.name: parsed[f"__d_{c.name}"] for c in SCHEMAS[table]}
    failures: list[Rule] = []
    for col in SCHEMAS[table]:
        plan = plans.get(col.name)
        if plan is not None and plan.bad is not None:
            header = header_of[col.name]
            code = ErrorCode.NOT_A_DATE if col.type == "date" else ErrorCode.NOT_A_NUMBER
            failures.append(Rule(flag(parsed[plan.bad]), code, header, _parse_message(col, lang),
                                 parse.as_text(parsed[header])))
    return parsed, columns, failures


def _missing_rules(
    table: TableName,
    columns: Mapping[str, ir.Value],
    header_of: Mapping[str, str],
    parse_bad: Mapping[str | None, ir.BooleanValue],
    derived: Mapping[str, str | None],
    lang: Lang,
) -> list[Rule]:
    """Required values (and present key columns) that are empty; derived keys excepted."""
    needed = [c.name for c in SCHEMAS[table] if c.required and c.name not in derived]
    needed += [k for k in KEYS[table] if k not in needed and k in header_of]
    rules = []
    for name in needed:
        missing = columns[name].isnull()
        header = header_of.get(name)
        if header in parse_bad:
            missing &= ~parse_bad[header]
        rules.append(Rule(missing, ErrorCode.MISSING_VALUE, header_of.get(name, name),
                          _say("ingest_reason_missing", lang, column=name)))
    return rules


def _bound_rules(
    table: TableName, columns: Mapping[str, ir.Value], header_of: Mapping[str, str], lang: Lang
) -> list[Rule]:
    """Values outside a column's minimum / maximum."""
    rules = []
    for col in SCHEMAS[table]:
        if col.name not in header_of:
            continue
        values = columns[col.name]
        for bound, word in ((col.minimum, "at_least"), (col.maximum, "at_most")):
            if bound is None:
                continue
            outside = values < bound if word == "at_least" else values > bound
            rules.append(Rule(flag(outside), ErrorCode.IMPOSSIBLE_VALUE, header_of.get(col.name),
                              _say(f"ingest_reason_{word}", lang, column=col.name,
                                   bound=f"{bound:g}"),
                              values.cast(dtypes.string)))
    return rules


def _order_sign_rules(
    columns: Mapping[str, ir.Value], header_of: Mapping[str, str], lang: Lang
) -> list[Rule]:
    """A negative quantity with a positive amount (a returned item cannot earn money).

    A positive quantity with a negative amount is accepted: ERPs write credit notes and
    returns that way.
    """
    if "quantity" not in header_of:
        return []
    quantity, amount = columns["quantity"], columns["amount"]
    mixed = flag((quantity < 0) & (amount > 0))
    return [Rule(mixed, ErrorCode.IMPOSSIBLE_VALUE, header_of.get("quantity"),
                 _say("ingest_reason_negative_quantity", lang), quantity.cast(dtypes.string))]


def _payment_rules(
    columns: Mapping[str, ir.Value], header_of: Mapping[str, str], lang: Lang
) -> list[Rule]:
    """Due date before invoice date; paid date more than 10 years from the invoice."""
    invoice, due, paid = columns["invoice_date"], columns["due_date"], columns["paid_date"]
    rules = []
    if "invoice_date" in header_of:
        rules.append(Rule(flag(due < invoice), ErrorCode.IMPOSSIBLE_VALUE,
                          header_of.get("due_date"), _say("ingest_reason_due_before_invoice", lang),
                          due.strftime("%Y-%m-%d")))  # type: ignore[attr-defined]
    if "paid_date" in header_of:
        reference = invoice.coalesce(due)
        days = paid.delta(reference, unit="day").abs()  # type: ignore[attr-defined]
        rules.append(Rule(flag(days > PAID_DATE_MAX_DAYS), ErrorCode.IMPOSSIBLE_VALUE,
                          header_of.get("paid_date"), _say("ingest_reason_paid_far", lang),
                          paid.strftime("%Y-%m-%d")))  # type: ignore[attr-defined]
    return rules


def _blank(source: ir.Table, headers: Sequence[str]) -> ir.BooleanValue:
    """Whether every value of the row is empty (blank lines and empty sheet rows are not rows)."""
    blank_text = f"^{parse.WS_CLASS}*$"
    cells = []
    for h in headers:
        values = source[h]
        filled = values.notnull()
        if values.type().is_string():  # a visible ASCII first character settles it at once
            code = values.ascii_str()
            filled &= ibis.ifelse((code > 32) & (code < 127), True, ~values.re_search(blank_text))
        cells.append((flag(filled), False))
    if not cells:
        return ibis.literal(True)
    return ibis.cases(*cells, else_=True)  # the first filled cell decides


def _long_cells(
    source: ir.Table, headers: Sequence[str], limit: int
) -> tuple[ir.Value, ir.Value]:
    """The index (into ``headers``) of the row's first cell longer than ``limit``, its length."""
    texts = [(i, source[h]) for i, h in enumerate(headers) if source[h].type().is_string()]
    if not texts:
        return ibis.null(dtypes.int64), ibis.null(dtypes.int64)
    # characters never outnumber bytes: the byte lengths (stored) rule most rows out at once
    longest = ibis.greatest(*[parse.strlen(v).fill_null(0) for _, v in texts], ibis.literal(0))
    index = ibis.cases(*[(flag(v.length() > limit), i) for i, v in texts],
                       else_=ibis.null(dtypes.int64))
    size = ibis.cases(*[(flag(v.length() > limit), v.length()) for _, v in texts],
                      else_=ibis.null(dtypes.int64))
    nothing = ibis.null(dtypes.int64)
    return (ibis.ifelse(longest > limit, index.cast(dtypes.int64), nothing),
            ibis.ifelse(longest > limit, size.cast(dtypes.int64), nothing))


def bounds(
    source: ir.Table, raw: RawTable, scanned: Sequence[str], max_cell_chars: int,
    *, keep: bool = False,
) -> ir.Table:
    """Each row's number, whether it is blank and its first over-long cell (nothing parsed).

    ``keep`` keeps the source's columns too.
    """
    blank = _blank(source, scanned) if raw.blank_rows_dropped else ibis.literal(False)
    long, long_size = (_long_cells(source, scanned, max_cell_chars) if raw.blank_rows_dropped
                       else (ibis.null(dtypes.int64), ibis.null(dtypes.int64)))
    added = {BLANK: blank, LONG: long, LONG_SIZE: long_size}
    return source.mutate(**added) if keep else source.select(ROW, **added)


def checked_rows(
    source: ir.Table,
    raw: RawTable,
    table: TableName,
    mapping: Mapping[str, str],
    *,
    scanned: Sequence[str],
    max_cell_chars: int,
    known_customers: ir.Column | None = None,
    derived: Mapping[str, str | None] | None = None,
    plausibility: Plausibility | None = None,
) -> Checked:
    """Every row of ``source`` parsed and checked: the rows :func:`split` reads, once staged.

    ``scanned`` are the headers looked at for blank rows, total rows and over-long cells.
    ``known_customers`` (customer ids already in the workspace, no nulls) turns on the
    unknown-customer check for tables other than ``customers``. ``derived`` names the key
    columns to derive (for ``invoice_id`` the order-number header or None).
    """
    derived = derived or {}
    rules_of = plausibility or Plausibility()
    lang = rules_of.lang
    header_of = {canonical: header for header, canonical in mapping.items()}
    source = bounds(source, raw, scanned, max_cell_chars, keep=True)
    customer = header_of.get("customer_id")
    source = source.mutate(**{TOTAL: plausible.total_rows(source, list(scanned), customer)})
    word = plausible.total_word(source, list(scanned))
    source = source.mutate(**{WORD: ibis.ifelse(source[TOTAL], word, ibis.null(dtypes.string))})
    key_header = derived.get("invoice_id")
    if key_header is not None:
        key_plan = parse.parse_string(key_header, source[key_header].type(), "__order_key",
                                      is_id=True)
        source = parse.apply(source, [key_plan])
    source, columns, parse_failures = coerce_columns(source, table, header_of,
                                                     raw.kind == "excel", lang)
    derive.derive_keys(source, columns, derived, source[ROW],
                       apart=[source[TOTAL], source[BLANK]])
    rules: list[Rule] = []
    if EXTRA_FIELDS in source.columns:
        extra = source[EXTRA_FIELDS]
        rules.append(Rule(flag(extra.notnull() & (extra != "")), ErrorCode.IMPOSSIBLE_VALUE, None,
                          _say("ingest_reason_extra_fields", lang), extra))
    parse_bad = {r.column: r.mask for r in parse_failures}
    rules += _missing_rules(table, columns, header_of, parse_bad, derived, lang)
    rules += plausible.control_checks(table, columns, header_of, lang)
    rules += parse_failures
    rules += _bound_rules(table, columns, header_of, lang)
    if table == "payments":
        rules += _payment_rules(columns, header_of, lang)
    if table == "orders":
        rules += _order_sign_rules(columns, header_of, lang)
    if rules_of.today is not None and rules_of.floor is not None:
        rules += plausible.date_checks(table, columns, header_of, rules_of.today, rules_of.floor,
                                       lang)
    rules += plausible.magnitude_checks(table, columns, header_of, lang)
    if known_customers is not None and table != "customers":
        ids = columns["customer_id"]
        rules.append(Rule(flag(ids.notnull() & ~ids.isin(known_customers)),
                          ErrorCode.UNKNOWN_CUSTOMER, header_of.get("customer_id"),
                          _say("ingest_reason_unknown_customer", lang), ids))
    if table == "orders":
        amount, cost = columns["amount"], columns["cost"]
        columns["cost"] = ibis.ifelse(flag((amount < 0) & (cost > 0)), -cost, cost)
    masks = {f"__m{i}": r.mask for i, r in enumerate(rules)}
    marked = source.mutate(**masks)
    failed = ibis.literal(False)
    for name in masks:
        failed |= marked[name]
    marked = marked.mutate(**{FAILED: failed})
    staged = marked.select(ROW, BLANK, TOTAL, WORD, LONG, LONG_SIZE,
                           *[c.name(n) for n, c in columns.items()],
                           **_reasons(marked, rules), **{FAILED: marked[FAILED]})
    return Checked(staged, [replace(r, mask=ibis.literal(False)) for r in rules])


def _reasons(marked: ir.Table, rules: Sequence[Rule]) -> dict[str, ir.Value]:
    """The failed rules of each row as bit masks, their shown values as one list (failed rows).

    Rule ``i`` is bit ``i % BITS`` of ``__bits<i // BITS>``; item ``i`` of ``SHOWN`` its value
    shown (null where the rule passes or shows nothing). A row that fails nothing stores zeros
    and a null list: the staged table stays narrow, whatever the number of rules.
    """
    bits: dict[str, ir.Value] = {}
    for start in range(0, len(rules), BITS):
        word = ibis.literal(0, dtypes.int64)
        for i in range(start, min(start + BITS, len(rules))):
            word += ibis.ifelse(marked[f"__m{i}"], ibis.literal(1 << (i - start), dtypes.int64),
                                ibis.literal(0, dtypes.int64))
        bits[f"{BITS_PREFIX}{start // BITS}"] = word
    nothing = ibis.null(dtypes.string)
    values = [nothing if r.shown is None
              else ibis.ifelse(marked[f"__m{i}"], parse.as_text(r.shown), nothing)
              for i, r in enumerate(rules)]
    shown = (ibis.ifelse(marked[FAILED], ibis.array(values), ibis.null(dtypes.Array(dtypes.string)))
             if values else ibis.null(dtypes.Array(dtypes.string)))
    return {**bits, SHOWN: shown}


def _unpacked(item: Mapping[str, object], count: int) -> dict[str, object]:
    """A fetched failed row's ``__m<i>`` (failed) and ``__s<i>`` (shown) for rules 0..count-1."""
    shown = item.get(SHOWN) or []
    found: dict[str, object] = {}
    for i in range(count):
        word = int(item[f"{BITS_PREFIX}{i // BITS}"] or 0)  # type: ignore[call-overload]
        found[f"__m{i}"] = bool((word >> (i % BITS)) & 1)
        found[f"__s{i}"] = shown[i] if i < len(shown) else None  # type: ignore[arg-type]
    return found


@dataclass(frozen=True)
class Checked:
    """The checked rows (an expression to stage) and the rules each row carries.

    Rule ``i`` is bit ``i % BITS`` of the row's ``__bits<i // BITS>`` (failed) and item ``i`` of
    its ``__shown`` list (the value shown); see :func:`_reasons`.
    """

    table: ir.Table
    rules: list[Rule]


def _reason(rules: Sequence[Rule], item: Mapping[str, object], lang: Lang) -> tuple[
        Rule, str | None, str]:
    """The first failing rule of a fetched row, its shown value and the full message."""
    found = [(i, r) for i, r in enumerate(rules) if item[f"__m{i}"]]
    before, after = t("ingest_reason_also", lang).split("{text}")
    i, first = found[0]
    message = first.message
    for j, rule in found[1:]:
        message += before + _located(rule, item.get(f"__s{j}"), lang) + after  # type: ignore
    return first, item.get(f"__s{i}"), message  # type: ignore[return-value]


def _located(rule: Rule, value: str | None, lang: Lang) -> str:
    """The reason prefixed by its column and value (for the reasons after the first)."""
    where = _say("ingest_reason_column", lang, column=rule.column) + " " if rule.column else ""
    shown = f"{value!r}" if value not in (None, "") else ""
    return f"{where}{shown}".strip() + f": {rule.message}"


def split(
    engine: ibis.BaseBackend,
    staged: ir.Table,
    rules: Sequence[Rule],
    raw: RawTable,
    table: TableName,
    mapping: Mapping[str, str],
    derived: Mapping[str, str | None],
    lang: Lang,
    keep: list[str],
) -> Validated:
    """Duplicates, line numbers, the accepted rows and the rejected ones, from the staged rows.

    ``keep`` receives the names of temporary tables made on the way (the caller drops them).
    """
    header_of = {canonical: header for header, canonical in mapping.items()}
    rows = staged.filter(~staged[BLANK])
    body = rows.filter(~rows[TOTAL])
    valid = body.filter(~body[FAILED])
    canonical = [c.name for c in SCHEMAS[table]]
    repeated = 0
    dups: ir.Table | None = None
    if "order_id" in derived:
        used = [c for c in canonical if c in header_of or c == "order_id"]
        repeated = int(valid.count().execute()) - int(valid.select(*used).distinct().count()
                                                       .execute())
    else:
        if table == "orders" and "line_no" not in header_of:
            key = [c for c in canonical if c in header_of]
        else:
            key = list(KEYS[table])
        candidates = valid.filter(valid[KEYS[table][0]].notnull())
        found = duplicate_rows(candidates.select(ROW, *key), key, ROW)
        name = f"_custseg_dups_{ibis.util.guid()[:12]}"
        dups = engine.create_table(name, found, temp=True)
        keep.append(name)
    copies = 0 if dups is None else int(dups.count().execute())
    body_kept = body.anti_join(dups, ROW) if dups is not None and copies else body
    if table == "orders" and "line_no" not in header_of:
        counted = body_kept.filter(body_kept.order_id.notnull())
        numbered = counted.mutate(line_no=number_lines(counted, "order_id", ROW)
                                  .cast(dtypes.float64))
        accepted = numbered.filter(~numbered[FAILED])
    else:
        accepted = body_kept.filter(~body_kept[FAILED])
    rejected = _rejected(rows, body, dups, rules, raw, table, header_of, lang)
    counts = rows.aggregate(
        n=rows.count(), totals=rows[TOTAL].sum(), failed=(~rows[TOTAL] & rows[FAILED]).sum()
    ).to_pyarrow().to_pylist()[0]
    rows_read = int(counts["n"])
    rows_accepted = rows_read - int(counts["totals"] or 0) - int(counts["failed"] or 0) - copies
    flagged = _outliers(accepted, raw, table, header_of, lang)
    example = None
    if derived and rows_accepted:
        first_key = next(iter(derived))
        found_key = accepted.order_by(ROW).select(first_key).limit(1).to_pyarrow()
        example = str(found_key.column(0)[0].as_py())
    return Validated(_stored(accepted, table, raw.label), rows_read, rows_accepted, rejected,
                     flagged, repeated, example)


def _stored(accepted: ir.Table, table: TableName, label: str) -> ir.Table:
    """The accepted rows in the stored layout: canonical columns, source_file, source_row."""
    values = {c.name: accepted[c.name].cast(STORED_TYPES[c.type]) for c in SCHEMAS[table]}
    return accepted.select(**values, source_file=ibis.literal(label, dtypes.string),
                           source_row=accepted[ROW].cast(dtypes.int64))


def _rejected(
    rows: ir.Table,
    body: ir.Table,
    dups: ir.Table | None,
    rules: Sequence[Rule],
    raw: RawTable,
    table: TableName,
    header_of: Mapping[str, str],
    lang: Lang,
) -> list[RejectedRow]:
    """Every rejected row, in row order: total rows, failed checks, duplicates."""
    found: list[RejectedRow] = []
    customer = header_of.get("customer_id")
    totals = rows.filter(rows[TOTAL]).select(ROW, WORD).to_pyarrow().to_pylist()
    for item in totals:
        word = item[WORD] or ""
        found.append(RejectedRow(raw.label, int(item[ROW]), customer, ErrorCode.TOTAL_ROW, word,
                                 _say("ingest_reason_total", lang, word=word)))
    reasons = [c for c in body.columns if c.startswith(BITS_PREFIX) or c == SHOWN]
    failed = body.filter(body[FAILED]).select(ROW, *reasons)
    for fetched in failed.to_pyarrow().to_pylist():
        item = {ROW: fetched[ROW], **_unpacked(fetched, len(rules))}
        rule, value, message = _reason(rules, item, lang)
        found.append(RejectedRow(raw.label, int(item[ROW]), rule.column, rule.code, value,
                                 message))
    if dups is not None:
        key = KEYS[table][0]
        copies = dups.join(body.select(ROW, key), ROW).to_pyarrow().to_pylist()
        if table == "orders" and "line_no" not in header_of:
            what = _say("ingest_reason_copy", lang, first="{first}")
        else:
            what = t("ingest_reason_same_key", lang).replace("{key}", ", ".join(KEYS[table]))
        for item in copies:
            message = what.replace("{first}", str(item[FIRST]))
            found.append(RejectedRow(raw.label, int(item[ROW]), header_of.get(key),
                                     ErrorCode.DUPLICATE, item[key], message))
    return sorted(found, key=lambda r: r.row)


def _outliers(
    accepted: ir.Table,
    raw: RawTable,
    table: TableName,
    header_of: Mapping[str, str],
    lang: Lang,
) -> list[RejectedRow]:
    """Accepted amounts far above the file's own distribution, flagged (not rejected)."""
    name = "expected_amount" if table == "opportunities" else "amount"
    if name not in header_of:
        return []
    limit = plausible.outlier_limit(accepted, name)
    if limit is None:
        return []
    magnitude = accepted[name].abs()
    far = accepted.filter((magnitude > limit) & (magnitude < plausible.MAX_MAGNITUDE))
    result = []
    for item in far.select(ROW, name).order_by(ROW).to_pyarrow().to_pylist():
        value = float(item[name])
        message = _say("ingest_flag_outlier", lang, value=f"{value:,.2f}", limit=f"{limit:,.2f}")
        result.append(RejectedRow(raw.label, int(item[ROW]), header_of[name],
                                  ErrorCode.IMPLAUSIBLE_AMOUNT, f"{value:g}", message))
    return result
