"""Action lists (管理措施): per owner role, the customers to act on and what to do."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd
import pyarrow as pa
import xlsxwriter

from custseg.errors import ConfigError, UnknownNameError
from custseg.history._source import assignments_long, raw_features
from custseg.i18n import Lang, label_of
from custseg.reports.labels import (
    MERGE_SEPARATOR,
    OWNER_ROLES,
    credit_label,
    highest_service,
    role_label,
    service_label,
    strictest_credit,
    text,
)
from custseg.reports.sheets import printable, sheet_names
from custseg.reports.xlsx_rows import ColumnarBook, Kind
from custseg.snapshots.view import REVENUE_FEATURE, Snapshot
from custseg.spreadsheet import MAX_SHEET_ROWS, write_csv

GroupBy = Literal["owner", "class"]

COLUMNS: tuple[str, ...] = (
    "owner_role",
    "owner_role_key",
    "owner",
    "customer_id",
    "name",
    "scheme",
    "scheme_label",
    "class_key",
    "class_label",
    "moved_from",
    "new_move",
    "contact_every_days",
    "service_level",
    "credit_terms",
    "strategy",
    "revenue_12m",
)
"""Columns of the detailed action list, in order (``overridden`` and ``computed_class`` follow
when the snapshot's assignments carry override ids)."""

CONSOLIDATED_COLUMNS: tuple[str, ...] = (
    "owner_role",
    "owner_role_key",
    "owner",
    "customer_id",
    "name",
    "revenue_12m",
    "new_move",
    "moves",
    "contact_every_days",
    "service_level",
    "credit_terms",
    "schemes_count",
    "classes",
    "actions",
)
"""Columns of the consolidated action list, in order (``overridden`` follows when the snapshot
has manual overrides)."""

WRAPPED = {"classes": 50, "actions": 70, "moves": 40, "strategy": 60}
"""Long text columns: wrapped in Excel, with these widths."""

_HEADER_KEYS = {
    "owner_role_key": "owner_role_key",
    "scheme": "scheme_key",
    "class_key": "class_key",
}


def build_actions(
    snapshot: Snapshot,
    previous: Snapshot | None = None,
    *,
    lang: Lang = "en",
    schemes: Sequence[str] | None = None,
    owner: str | None = None,
    detail: bool = False,
) -> pd.DataFrame:
    """The action list of ``snapshot``: per owner role, the customers to act on and what to do.

    By default one row per (owner role, customer), merging every scheme whose class routes the
    customer to that role (see CONSOLIDATED_COLUMNS). ``detail=True`` gives one row per
    (customer, scheme) instead (see COLUMNS). ``owner`` keeps one owner role (its key or label)
    or one salesperson. Rows are grouped by owner role; within a role new moves (class changed
    since ``previous``) come first, then revenue descending. ``frame.attrs["lang"]`` records
    the language of the labels and ``frame.attrs["detail"]`` which kind of list it is.

    The rows are joined, merged and sorted in the database; only the list itself is read.
    """
    query = actions_query(
        snapshot, previous, lang=lang, schemes=schemes, owner=owner, detail=detail
    )
    return query.finish(query.table.to_pandas())


@dataclass(frozen=True)
class ActionsQuery:
    """An action list as a query: ``table`` gives its rows in order, ``finish`` completes them.

    ``finish`` turns any consecutive slice of the query's rows (read as a frame) into the same
    rows of :func:`build_actions`: the whole result at once, or batch by batch when the list
    is streamed to a file (:func:`write_actions_streamed`).
    """

    table: ir.Table
    finish: Callable[[pd.DataFrame], pd.DataFrame]


def actions_query(
    snapshot: Snapshot,
    previous: Snapshot | None = None,
    *,
    lang: Lang = "en",
    schemes: Sequence[str] | None = None,
    owner: str | None = None,
    detail: bool = False,
) -> ActionsQuery:
    """The query of :func:`build_actions` (same arguments), not yet run."""
    names = list(schemes) if schemes else snapshot.info.computed_schemes
    for name in names:
        snapshot.scheme(name)
    acting = _acting(snapshot, previous, names, lang)
    rows = _rows(snapshot, previous, names, acting, lang)
    if owner is not None:
        rows = _keep_owner(rows, owner, snapshot, acting)
    with_overrides = snapshot.has_overrides
    if detail:
        table = _detail(rows, snapshot, names, lang, with_overrides)
        finished: Callable[[pd.DataFrame], pd.DataFrame] = _typed
    else:
        table = _consolidated(rows, snapshot, acting)
        finished = _ConsolidatedRows(acting, lang, with_overrides)

    def finish(frame: pd.DataFrame) -> pd.DataFrame:
        out = finished(frame)
        out.attrs["lang"] = lang
        out.attrs["detail"] = detail
        return out

    return ActionsQuery(table, finish)


def is_detail(frame: pd.DataFrame) -> bool:
    """Whether ``frame`` is a detailed action list (one row per customer and scheme)."""
    return "class_key" in frame.columns


_ACTING = ibis.schema(
    {
        "scheme": "string",
        "class_key": "string",
        "acting_id": "int64",
        "scheme_rank": "int64",
        "scheme_label": "string",
        "class_label": "string",
        "owner_role_key": "string",
        "owner_role": "string",
        "role_rank": "int64",
        "contact_every_days": "int64",
        "service_level": "string",
        "credit_terms": "string",
        "service_level_key": "string",
        "credit_terms_key": "string",
        "strategy": "string",
        "in_previous": "boolean",
    }
)
"""One row per class that routes customers to an owner role, with everything the list shows."""

_LABELS = ibis.schema({"l_scheme": "string", "l_key": "string", "l_label": "string"})


def _acting(
    snapshot: Snapshot, previous: Snapshot | None, names: Sequence[str], lang: Lang
) -> pd.DataFrame:
    """The acting classes of ``names`` (see _ACTING), in scheme order."""
    order = {key: i for i, key in enumerate(OWNER_ROLES)}
    before = set(previous.info.computed_schemes) if previous is not None else set()
    rows: list[dict[str, Any]] = []
    for rank, name in enumerate(names):
        definition = snapshot.scheme(name)
        labels = snapshot.class_labels(name, lang)
        for c in definition.classes:
            if c.strategy is None or not c.strategy.actions.owner_role:
                continue
            a = c.strategy.actions
            rows.append(
                {
                    "scheme": name,
                    "class_key": c.key,
                    "acting_id": len(rows),
                    "scheme_rank": rank,
                    "scheme_label": label_of(definition.labels, lang),
                    "class_label": labels.get(c.key, c.key),
                    "owner_role_key": a.owner_role,
                    "owner_role": role_label(a.owner_role, lang),
                    "role_rank": order.get(a.owner_role, len(order)),
                    "contact_every_days": a.contact_every_days,
                    "service_level": service_label(a.service_level, lang),
                    "credit_terms": credit_label(a.credit_terms, lang),
                    "service_level_key": a.service_level,
                    "credit_terms_key": a.credit_terms,
                    "strategy": label_of(c.strategy, lang),
                    "in_previous": name in before,
                }
            )
    frame = pd.DataFrame(rows, columns=list(_ACTING.names))
    return frame.astype({"contact_every_days": "Int64"})


def _memtable(frame: pd.DataFrame, schema: ibis.Schema) -> ir.Table:
    columns = {name: frame[name].astype(object).where(frame[name].notna(), None).tolist()
               for name in schema.names}
    return ibis.memtable(columns, schema=schema)


_BITS = 62
"""Acting classes per ``bit_<k>`` column: the classes of a merged row are summed as bits."""


def _bit_columns(acting: pd.DataFrame) -> list[str]:
    return [f"bit_{k}" for k in range(max(1, -(-len(acting) // _BITS)))]


def _roles(acting: pd.DataFrame) -> ir.Table:
    """The acting classes as a table, each with its bit in one of the ``bit_<k>`` columns.

    A customer has one class per scheme, so the sum of the bits of the rows merged into one
    consolidated row tells which classes they are, without an ordered text aggregate.
    """
    table = _memtable(acting, _ACTING)
    ids = acting.acting_id.tolist()
    bits = {
        name: [1 << (i % _BITS) if i // _BITS == k else 0 for i in ids]
        for k, name in enumerate(_bit_columns(acting))
    }
    schema = ibis.schema({"b_id": "int64", **dict.fromkeys(bits, "int64")})
    flags = ibis.memtable({"b_id": ids, **bits}, schema=schema)
    return table.join(flags, table.acting_id == flags.b_id).drop("b_id")


def _labels(snapshot: Snapshot, names: Sequence[str], lang: Lang) -> ir.Table:
    """``l_scheme, l_key, l_label``: every class label of ``names`` in ``snapshot``."""
    rows = [
        (name, key, label)
        for name in names
        for key, label in snapshot.class_labels(name, lang).items()
    ]
    columns = {
        field: [row[i] for row in rows] for i, field in enumerate(_LABELS.names)
    }
    return ibis.memtable(columns, schema=_LABELS)


def _rows(
    snapshot: Snapshot,
    previous: Snapshot | None,
    names: Sequence[str],
    acting: pd.DataFrame,
    lang: Lang,
) -> ir.Table:
    """One row per (customer, scheme) whose class has an owner role: the detail rows, lazily.

    Without the customer's name, salesperson and revenue (:func:`_with_people` adds them): the
    consolidated list merges the rows first and joins those once per merged row.
    """
    a = snapshot.assignments_table()
    current = a.filter(a.scheme.isin(list(names))).select(
        customer_id=a.customer_id.cast("string"),
        scheme=a.scheme,
        class_key=a.class_key,
        computed_class_key=a.computed_class_key,
        override_id=a.override_id,
    )
    rows = current.join(_roles(acting), ["scheme", "class_key"])
    earlier = [n for n in names if previous is not None and n in previous.info.computed_schemes]
    if previous is None or not earlier:
        return rows.mutate(moved_from=ibis.null("string"), new_move=ibis.literal(False))
    old = assignments_long(previous, earlier)
    old = old.select(p_id=old.customer_id, p_scheme=old.scheme, old_class=old.class_key)
    rows = rows.left_join(
        old, [rows.customer_id == old.p_id, rows.scheme == old.p_scheme]
    ).drop("p_id", "p_scheme")
    labels = _labels(previous, earlier, lang)
    rows = rows.left_join(
        labels, [rows.scheme == labels.l_scheme, rows.old_class == labels.l_key]
    ).drop("l_scheme", "l_key")
    moved = rows.in_previous & (rows.old_class.isnull() | (rows.old_class != rows.class_key))
    moved_from = ibis.cases(
        (~moved, ibis.null("string")),
        (rows.old_class.isnull(), ibis.literal(text("not_in_snapshot", lang))),
        else_=ibis.coalesce(rows.l_label, rows.old_class),
    )
    return rows.mutate(moved_from=moved_from, new_move=moved).drop("old_class", "l_label")


def _with_people(rows: ir.Table, snapshot: Snapshot) -> ir.Table:
    """``rows`` with the customer's name, salesperson and 12-month revenue (0 when unknown)."""
    people = _people(snapshot)
    joined = rows.left_join(people, rows.customer_id == people.f_id).drop("f_id")
    return joined.mutate(revenue_12m=joined.revenue_12m.fill_null(0.0))  # not in the features


def _people(snapshot: Snapshot) -> ir.Table:
    """``f_id`` and the customer's name, salesperson and 12-month revenue (0 when unknown)."""
    f = raw_features(snapshot)
    present = set(f.columns)
    return f.select(
        f_id=f.customer_id.cast("string"),
        name=f["name"].cast("string") if "name" in present else ibis.null("string"),
        owner=f["owner"].cast("string") if "owner" in present else ibis.null("string"),
        revenue_12m=(
            f[REVENUE_FEATURE].cast("float64").fill_null(0.0)
            if REVENUE_FEATURE in present
            else ibis.literal(0.0)
        ),
    )


def _keep_owner(
    rows: ir.Table, owner: str, snapshot: Snapshot, acting: pd.DataFrame
) -> ir.Table:
    """The rows of one owner role (key or label, either language) or of one salesperson."""
    wanted = owner.strip().casefold()
    role_keys = set(acting.owner_role_key) | set(OWNER_ROLES)
    matching = {
        key
        for key in role_keys
        if wanted
        in (key.casefold(), role_label(key, "zh").casefold(), role_label(key, "en").casefold())
    }
    if matching:
        return rows.filter(rows.owner_role_key.isin(sorted(matching)))
    f = raw_features(snapshot)
    people: set[str] = set()
    if "owner" in f.columns:
        found = f.select(owner=f["owner"].cast("string")).distinct().to_pandas()
        people = set(found.owner.dropna())
    chosen = sorted(p for p in people if p.casefold() == wanted)
    if chosen:
        theirs = f.filter(f["owner"].cast("string").isin(chosen))
        return rows.filter(rows.customer_id.isin(theirs.customer_id.cast("string")))
    raise UnknownNameError(
        owner,
        sorted(role_keys) + sorted(people),
        what="owner role or salesperson",
        where="the action list",
    )


def _order(rows: ir.Table, tie_breakers: list[str]) -> ir.Table:
    """Owner roles in catalogue order; within one, new moves first, then revenue descending."""
    keys = [
        rows.role_rank,
        rows.owner_role_key,
        rows.new_move.desc(),
        rows.revenue_12m.desc(),
        *[rows[c] for c in tie_breakers],
    ]
    return rows.order_by(keys)


def _detail(
    rows: ir.Table, snapshot: Snapshot, names: Sequence[str], lang: Lang, with_overrides: bool
) -> ir.Table:
    """One row per (customer, scheme), COLUMNS (and the override columns when there are any)."""
    extra: list[str] = []
    rows = _with_people(rows, snapshot)
    if with_overrides:
        labels = _labels(snapshot, names, lang)
        rows = rows.left_join(
            labels,
            [rows.scheme == labels.l_scheme, rows.computed_class_key == labels.l_key],
        )
        rows = rows.mutate(
            overridden=rows.override_id.notnull(),
            computed_class=ibis.coalesce(rows.l_label, rows.computed_class_key, ""),
        )
        extra = ["overridden", "computed_class"]
    ordered = _order(rows, ["customer_id", "scheme"])
    return ordered.select(*COLUMNS, *extra)


def _consolidated(rows: ir.Table, snapshot: Snapshot, acting: pd.DataFrame) -> ir.Table:
    """One row per (owner role, customer) merging its detail rows, in list order.

    One pass over the detail rows: the merge keeps little per row (numbers, bits and the text
    of the rows that moved), and the customer's name, salesperson and revenue are joined to the
    merged rows. The columns that depend on the merged classes are added by
    :class:`_ConsolidatedRows`.
    """
    keys = ["owner_role_key", "customer_id"]
    bits = _bit_columns(acting)
    merged: dict[str, Any] = {
        "role_rank": rows.role_rank.max(),
        "new_move": rows.new_move.any(),
        **{name: rows[name].sum() for name in bits},
    }
    if snapshot.has_overrides:
        merged["overridden"] = rows.override_id.notnull().any()
    move = rows.scheme_label + ": " + rows.moved_from + " → " + rows.class_label
    merged["moves"] = move.group_concat(
        MERGE_SEPARATOR, where=rows.new_move, order_by=rows.scheme_rank
    )
    joined = _with_people(rows.group_by(keys).aggregate(**merged), snapshot)
    return _order(joined, ["customer_id"]).drop("role_rank")


class _ConsolidatedRows:
    """Rows of :func:`_consolidated` (any consecutive slice) as CONSOLIDATED_COLUMNS.

    The role's label and the columns that depend only on which classes route the row are
    added here, once per distinct set of classes (kept between slices).
    """

    def __init__(self, acting: pd.DataFrame, lang: Lang, with_overrides: bool) -> None:
        self._roles = dict(zip(acting.owner_role_key, acting.owner_role, strict=True))
        self._bits = _bit_columns(acting)
        self._merge = _ClassMerger(acting, lang)
        self._columns = [*CONSOLIDATED_COLUMNS, *(["overridden"] if with_overrides else [])]
        self._values: dict[tuple[int, ...], tuple[Any, ...]] = {}

    def __call__(self, frame: pd.DataFrame) -> pd.DataFrame:
        bits = self._bits
        frame["owner_role"] = frame.owner_role_key.map(self._roles)
        if len(frame):
            codes = frame.groupby(bits, sort=False).ngroup().to_numpy()
            distinct = frame[bits].drop_duplicates().astype("int64").itertuples(index=False)
            values = [self._of(tuple(masks)) for masks in distinct]
            for i, column in enumerate(_FROM_CLASSES):
                column_values = pd.Series([v[i] for v in values], dtype=object)
                frame[column] = column_values.take(codes).to_numpy()
        else:
            for column in _FROM_CLASSES:
                frame[column] = pd.Series(dtype=object)
        return _typed(frame[self._columns])

    def _of(self, masks: tuple[int, ...]) -> tuple[Any, ...]:
        found = self._values.get(masks)
        if found is None:
            found = self._values[masks] = self._merge(_ids(masks))
        return found


def _ids(masks: Sequence[int]) -> list[int]:
    """The acting ids whose bits are set in ``masks`` (one per bit column), in scheme order."""
    ids: list[int] = []
    for k, mask in enumerate(masks):
        while mask:
            lowest = mask & -mask
            ids.append(k * _BITS + lowest.bit_length() - 1)
            mask ^= lowest
    return ids


_FROM_CLASSES = (
    "contact_every_days",
    "service_level",
    "credit_terms",
    "schemes_count",
    "classes",
    "actions",
)
"""Consolidated columns that depend only on which classes (in scheme order) route the row."""


class _ClassMerger:
    """The _FROM_CLASSES values of a list of acting classes (their ids, in scheme order)."""

    def __init__(self, acting: pd.DataFrame, lang: Lang) -> None:
        rows = acting.astype(object).where(acting.notna(), None).to_dict("records")
        self._contact = [int(r["contact_every_days"]) if r["contact_every_days"] else None
                         for r in rows]
        self._service_key = [r["service_level_key"] for r in rows]
        self._credit_key = [r["credit_terms_key"] for r in rows]
        self._class = [f"{r['scheme_label']}: {r['class_label']}" for r in rows]
        self._strategy = [r["strategy"] for r in rows]
        self._lang = lang
        self._service: dict[tuple[Any, ...], str] = {}
        self._credit: dict[tuple[Any, ...], str] = {}

    def __call__(self, ids: Sequence[int]) -> tuple[Any, ...]:
        contacts = [c for c in (self._contact[i] for i in ids) if c]
        service = tuple(self._service_key[i] for i in ids)
        credit = tuple(self._credit_key[i] for i in ids)
        if service not in self._service:
            self._service[service] = highest_service(service, self._lang)
        if credit not in self._credit:
            self._credit[credit] = strictest_credit(credit, self._lang)
        strategies = (self._strategy[i] for i in ids)
        return (
            min(contacts) if contacts else None,
            self._service[service],
            self._credit[credit],
            len(ids),
            MERGE_SEPARATOR.join(self._class[i] for i in ids),
            "\n".join(dict.fromkeys(s for s in strategies if s)),
        )


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    """Column types of an action list, the same for every backend and for an empty list."""
    types: dict[str, Any] = {"new_move": bool, "revenue_12m": float}
    if "contact_every_days" in frame:
        types["contact_every_days"] = "Int64"
    if "schemes_count" in frame:
        types["schemes_count"] = int
    if "overridden" in frame:
        types["overridden"] = bool
    out = frame.astype(types)
    for column in out.columns:
        if column not in types:  # text: plain Python strings and None, as on every backend
            out[column] = out[column].astype(object).where(out[column].notna(), None)
    return out.reset_index(drop=True)


def headers(columns: Sequence[str], lang: Lang) -> list[str]:
    """Column headers of an action list in ``lang``."""
    return [text(_HEADER_KEYS.get(c, c), lang) for c in columns]


def _shown(frame: pd.DataFrame, lang: Lang) -> pd.DataFrame:
    """The frame as written to files: yes/no flags in ``lang``, headers translated."""
    out = frame.copy()
    for flag in ("new_move", "overridden"):
        if flag in out:
            out[flag] = out[flag].map(lambda v: text("yes", lang) if v else "")
    out.columns = headers(list(frame.columns), lang)
    return out


def write_actions(
    frame: pd.DataFrame, path: str | Path, *, by: GroupBy = "owner", lang: Lang | None = None
) -> Path:
    """Write an action list to .xlsx (one sheet per owner role or per scheme and class) or .csv.

    Sheets per class (``by="class"``) need the detailed list (``build_actions(...,
    detail=True)``). CSV is UTF-8 with a byte-order mark so that Excel shows Chinese correctly.
    """
    target = Path(path)
    chosen: Lang = lang or frame.attrs.get("lang", "en")
    if by not in ("owner", "class"):
        raise ConfigError(f"by must be 'owner' or 'class'; got {by!r}")
    if by == "class" and not is_detail(frame):
        raise ConfigError(
            f"cannot write {target} with one sheet per class: the action list is consolidated "
            "(one row per owner role and customer, several classes per row). Build it with "
            "build_actions(..., detail=True) (CLI: --detail), or write by='owner'."
        )
    suffix = target.suffix.lower()
    if suffix == ".csv":
        write_csv(_shown(frame, chosen), target)
        return target
    if suffix != ".xlsx":
        raise ConfigError(
            f"cannot write an action list to {target}: unknown extension {suffix!r}. "
            "Use a file name ending in .xlsx or .csv."
        )
    _write_xlsx(frame, target, by, chosen)
    return target


def _groups(frame: pd.DataFrame, by: GroupBy) -> list[tuple[str, pd.DataFrame]]:
    """Sheets (title, rows) in the order of the list; a sheet longer than Excel's limit is cut."""
    if frame.empty:
        return []
    keys = ["owner_role_key"] if by == "owner" else ["scheme", "class_key"]
    out = []
    for _, part in frame.groupby(keys, sort=False):
        first = part.iloc[0]
        title = (
            str(first.owner_role)
            if by == "owner"
            else f"{first.scheme_label}-{first.class_label}"
        )
        for start in range(0, len(part), MAX_SHEET_ROWS):
            out.append((title, part.iloc[start : start + MAX_SHEET_ROWS]))
    return out


def _write_xlsx(frame: pd.DataFrame, path: Path, by: GroupBy, lang: Lang) -> None:
    groups = _groups(frame, by) or [(text("owner_role", lang), frame)]
    names = sheet_names([title for title, _ in groups])
    book = ColumnarBook(path)  # rows go to disk as they are written
    try:
        styles = _styles(book.book, lang)
        for (_, part), name in zip(groups, names, strict=True):
            _write_sheet(book, printable(book.book.add_worksheet(name)), part, lang, styles)
    finally:
        book.close()


Styles = dict[tuple[str, bool], Any]
"""Cell formats by (kind: "header" | "plain" | "money" | "wrap", new move)."""


def _styles(book: xlsxwriter.Workbook, lang: Lang) -> Styles:
    font = "Microsoft YaHei" if lang == "zh" else "Calibri"
    base: dict[str, Any] = {"font_name": font, "font_size": 10, "valign": "top"}
    kinds: dict[str, dict[str, Any]] = {
        "plain": {},
        "money": {"num_format": "#,##0"},
        "wrap": {"text_wrap": True},
    }
    styles: Styles = {
        ("header", False): book.add_format(
            {**base, "bold": True, "bg_color": "#EEEEEE", "bottom": 1, "text_wrap": True}
        )
    }
    for kind, extra in kinds.items():
        styles[(kind, False)] = book.add_format({**base, **extra})
        styles[(kind, True)] = book.add_format({**base, **extra, "bg_color": "#FFF3E0"})
    return styles


def _write_sheet(
    book: ColumnarBook, sheet: Any, part: pd.DataFrame, lang: Lang, styles: Styles
) -> None:
    """One sheet: header row frozen with the customer columns, filter, new moves highlighted."""
    _write_header(book, sheet, list(part.columns), lang, styles)
    for start in range(0, len(part), WRITE_BATCH_ROWS):
        _write_rows(
            book, sheet, part.iloc[start : start + WRITE_BATCH_ROWS], start + 1, lang, styles
        )
    _finish_sheet(sheet, part.head(_WIDTH_SAMPLE), len(part), lang)


WRITE_BATCH_ROWS = 50_000
"""Rows turned into cells at a time: the cells of a whole sheet are never all in memory."""

_WIDTH_SAMPLE = 200
"""A column's width follows its longest value among a sheet's first rows."""


def _write_header(
    book: ColumnarBook, sheet: Any, columns: list[str], lang: Lang, styles: Styles
) -> None:
    book.write_header(sheet, headers(columns, lang), styles[("header", False)])


def _write_rows(
    book: ColumnarBook, sheet: Any, part: pd.DataFrame, first: int, lang: Lang, styles: Styles
) -> None:
    """The rows of ``part`` from sheet row ``first`` on (the header is row 0), column by column.

    Text stays text (never a formula); numbers are the numeric columns (``revenue_12m`` always a
    number, 0 when missing); yes/no flags are shown as "yes" or a blank cell; a missing value or
    empty text is a blank cell. Rows of new moves are highlighted.
    """
    kinds: list[Kind] = []
    columns: list[pd.Series] = []
    for name in part.columns:
        values = part[name]
        if name in ("new_move", "overridden"):
            yes = np.where(values.to_numpy(dtype=bool), text("yes", lang), None)
            values, kind = pd.Series(yes, dtype=object), "text"
        elif name == "revenue_12m":
            values, kind = pd.to_numeric(values).fillna(0.0).astype(float), "number"
        elif pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
            kind = "number"
        else:
            kind = "text"
        kinds.append(kind)  # type: ignore[arg-type]
        columns.append(values)
    looks = ["money" if c == "revenue_12m" else "wrap" if c in WRAPPED else "plain"
             for c in part.columns]
    formats = [(styles[(look, False)], styles[(look, True)]) for look in looks]
    flags = part.new_move.to_numpy(dtype=bool) if "new_move" in part else None
    book.write_rows(sheet, first, columns, kinds, formats, flags)


def _finish_sheet(sheet: Any, head: pd.DataFrame, rows: int, lang: Lang) -> None:
    """Freeze the header and customer columns, filter, widths from the sheet's first rows."""
    columns = list(head.columns)
    sheet.freeze_panes(1, columns.index("name") + 1 if "name" in columns else 0)
    sheet.autofilter(0, 0, max(rows, 1), len(columns) - 1)
    shown = _shown(head, lang)
    for j, column in enumerate(columns):
        sheet.set_column(j, j, _width(column, shown.iloc[:, j], lang))


def write_actions_streamed(query: ActionsQuery, path: str | Path, *, lang: Lang) -> ActionsCount:
    """Write the action list of ``query`` to .xlsx, one sheet per owner role, batch by batch.

    The same file as ``write_actions(build_actions(...), path, by="owner")``, without holding
    the whole list: rows come from the engine in batches, each is completed and written, and
    only the counts are kept. Returns them.
    """
    target = Path(path)
    if target.suffix.lower() != ".xlsx":
        raise ConfigError(f"cannot stream an action list to {target}: only .xlsx is streamed")
    count = ActionsCount()
    book = ColumnarBook(target)
    try:
        sheets = _StreamedSheets(book, lang)
        for batch in _batches(query):
            count.add(batch)
            sheets.add(batch)
        sheets.close(query.finish(_empty(query.table)))
    finally:
        book.close()
    return count


def _batches(query: ActionsQuery) -> Iterator[pd.DataFrame]:
    """The rows of ``query``, completed, a batch at a time, in order.

    Each batch is read into pandas as the DuckDB backend reads a whole result
    (``Table.to_pandas``), so a batch holds the values the whole list would.
    """
    from ibis.backends.duckdb.converter import DuckDBPandasData

    schema = query.table.schema()
    reader = query.table.to_pyarrow_batches(chunk_size=WRITE_BATCH_ROWS)
    try:
        for batch in reader:
            if not batch.num_rows:
                continue
            frame = pd.DataFrame(
                {
                    name: _column_values(column)
                    for name, column in zip(batch.schema.names, batch.columns, strict=True)
                }
            )
            yield query.finish(DuckDBPandasData.convert_table(frame, schema))
    finally:
        reader.close()


def _column_values(column: pa.Array) -> Any:
    """An Arrow column as ``Table.to_pandas`` of the DuckDB backend starts from it.

    Text with missing values becomes Python strings and None (NumPy's object array: about
    twice as fast as a list); other columns with missing values, nested and dictionary columns
    become lists; the rest is Arrow's own conversion.
    """
    import pyarrow.types as pat

    if not column.null_count:
        if pat.is_nested(column.type) or pat.is_dictionary(column.type):
            return column.to_pylist()
        return column.to_pandas()
    if pat.is_string(column.type) or pat.is_large_string(column.type):
        return column.to_numpy(zero_copy_only=False)
    return column.to_pylist()


def _empty(table: ir.Table) -> pd.DataFrame:
    """No row, the columns (and types) of ``table`` read as a frame."""
    return table.schema().to_pyarrow().empty_table().to_pandas()


@dataclass
class ActionsCount:
    """What an action list holds: rows, distinct customers, new moves, rows per owner role."""

    rows: int = 0
    new_moves: int = 0
    owner_roles: dict[str, int] | None = None
    _customers: set[str] | None = None

    def add(self, frame: pd.DataFrame) -> None:
        """Count the rows of ``frame`` too."""
        self.rows += len(frame)
        self.new_moves += int(frame.new_move.sum()) if len(frame) else 0
        roles = self.owner_roles if self.owner_roles is not None else {}
        for key, n in frame.owner_role_key.value_counts(sort=False).items():
            roles[key] = roles.get(key, 0) + int(n)
        self.owner_roles = roles
        seen = self._customers if self._customers is not None else set()
        seen.update(frame.customer_id)
        self._customers = seen

    @property
    def customers(self) -> int:
        """Distinct customers counted."""
        return len(self._customers or ())


class _StreamedSheets:
    """Sheets of a workbook filled in list order: a new one per owner role and every
    MAX_SHEET_ROWS rows, as :func:`_groups` cuts a whole list."""

    def __init__(self, book: ColumnarBook, lang: Lang) -> None:
        self._book, self._lang = book, lang
        self._styles = _styles(book.book, lang)
        self._names: list[str] = []
        self._sheet: Any = None
        self._role: Any = None
        self._rows = 0
        self._head: pd.DataFrame | None = None

    def add(self, batch: pd.DataFrame) -> None:
        """Write the rows of ``batch`` (the next rows of the list)."""
        keys = batch.owner_role_key.to_numpy()
        # where each run of one role ends (the rows are grouped by role)
        ends = [*(np.flatnonzero(keys[1:] != keys[:-1]) + 1).tolist(), len(batch)]
        start = 0
        while start < len(batch):
            role = keys[start]
            if self._sheet is None or role != self._role or self._rows == MAX_SHEET_ROWS:
                self._finish()
                self._open(str(batch.owner_role.iloc[start]), role, list(batch.columns))
            end = next(e for e in ends if e > start)
            end = min(end, start + MAX_SHEET_ROWS - self._rows)
            part = batch.iloc[start:end]
            _write_rows(self._book, self._sheet, part, self._rows + 1, self._lang, self._styles)
            if self._head is None:
                self._head = part.head(_WIDTH_SAMPLE)
            elif len(self._head) < _WIDTH_SAMPLE:
                more = part.head(_WIDTH_SAMPLE - len(self._head))
                self._head = pd.concat([self._head, more])
            self._rows += len(part)
            start = end

    def close(self, empty: pd.DataFrame) -> None:
        """Finish the last sheet; with no row at all, one sheet of the header (``empty``)."""
        if self._sheet is None:
            self._open(text("owner_role", self._lang), None, list(empty.columns))
            self._head = empty
        self._finish()

    def _open(self, title: str, role: Any, columns: list[str]) -> None:
        name = sheet_names([title], taken=self._names)[0]
        self._names.append(name)
        self._sheet = printable(self._book.book.add_worksheet(name))
        self._role, self._rows, self._head = role, 0, None
        _write_header(self._book, self._sheet, columns, self._lang, self._styles)

    def _finish(self) -> None:
        if self._sheet is not None and self._head is not None:
            _finish_sheet(self._sheet, self._head, self._rows, self._lang)
        self._sheet, self._head = None, None


def _width(column: str, values: pd.Series, lang: Lang) -> float:
    if column in WRAPPED:
        return WRAPPED[column]
    sample = [str(v) for v in values.head(200) if v is not None and not pd.isna(v)]
    sample.append(text(_HEADER_KEYS.get(column, column), lang))
    longest = max(sum(2.0 if ord(ch) > 0x2E80 else 1.1 for ch in s) for s in sample)
    return min(max(longest + 2, 8), 40)
