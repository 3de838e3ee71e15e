"""Action lists (管理措施): per owner role, the customers to act on and what to do."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import groupby
from pathlib import Path
from typing import Any, Literal

import pandas as pd
import xlsxwriter

from custseg.errors import ConfigError, UnknownNameError
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
from custseg.reports.xlsx import printable, sheet_names
from custseg.snapshots.view import REVENUE_FEATURE, Snapshot
from custseg.spreadsheet import new_workbook, write_csv

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

_KEYS = ("service_level_key", "credit_terms_key", "scheme_rank")
"""Working columns of the detail rows, used to merge them and dropped from the result."""

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
    """
    names = list(schemes) if schemes else snapshot.info.computed_schemes
    for name in names:
        snapshot.scheme(name)
    features = snapshot.features()
    current = snapshot.assignments()
    before = previous.assignments() if previous is not None else None
    parts = [
        _scheme_rows(snapshot, previous, name, current, before, features, lang)
        .assign(scheme_rank=rank)
        for rank, name in enumerate(names)
    ]
    filled = [p for p in parts if len(p)]
    rows = pd.concat(filled, ignore_index=True) if filled else _empty(current)
    if owner is not None:
        rows = _keep_owner(rows, owner, snapshot, names, features)
    if detail:
        frame = _sorted(rows.drop(columns=list(_KEYS)), ["customer_id", "scheme"])
        if not snapshot.has_overrides:  # as in the consolidated list: only when there are any
            frame = frame.drop(columns=["overridden", "computed_class"], errors="ignore")
    else:
        frame = _sorted(_consolidate(rows, lang, snapshot.has_overrides), ["customer_id"])
    frame.attrs["lang"] = lang
    frame.attrs["detail"] = detail
    return frame


def is_detail(frame: pd.DataFrame) -> bool:
    """Whether ``frame`` is a detailed action list (one row per customer and scheme)."""
    return "class_key" in frame.columns


def _empty(current: pd.DataFrame) -> pd.DataFrame:
    columns = list(COLUMNS)
    if "override_id" in current.columns:
        columns += ["overridden", "computed_class"]
    frame = pd.DataFrame({c: pd.Series(dtype=object) for c in [*columns, *_KEYS]})
    return frame.astype({"new_move": bool, "revenue_12m": float})


def _scheme_rows(
    snapshot: Snapshot,
    previous: Snapshot | None,
    name: str,
    current: pd.DataFrame,
    before: pd.DataFrame | None,
    features: pd.DataFrame,
    lang: Lang,
) -> pd.DataFrame:
    definition = snapshot.scheme(name)
    acting = {
        c.key: c for c in definition.classes
        if c.strategy is not None and c.strategy.actions.owner_role
    }
    rows = current[(current.scheme == name) & current.class_key.isin(list(acting))]
    if rows.empty:
        return pd.DataFrame()
    labels = snapshot.class_labels(name, lang)
    extra = [c for c in ("name", "owner", REVENUE_FEATURE) if c in features.columns]
    rows = rows.merge(features[["customer_id", *extra]], on="customer_id", how="left")
    out = pd.DataFrame({"customer_id": rows.customer_id.astype(str)})
    out["name"] = rows["name"] if "name" in rows else None
    out["owner"] = rows["owner"] if "owner" in rows else None
    out["scheme"] = name
    out["scheme_label"] = label_of(definition.labels, lang)
    out["class_key"] = rows.class_key.to_numpy()
    out["class_label"] = [labels.get(k, k) for k in rows.class_key]
    actions = [acting[k].strategy.actions for k in rows.class_key]  # type: ignore[union-attr]
    out["owner_role_key"] = [a.owner_role for a in actions]
    out["owner_role"] = [role_label(a.owner_role, lang) for a in actions]
    out["contact_every_days"] = pd.array([a.contact_every_days for a in actions], dtype="Int64")
    out["service_level"] = [service_label(a.service_level, lang) for a in actions]
    out["credit_terms"] = [credit_label(a.credit_terms, lang) for a in actions]
    out["service_level_key"] = [a.service_level for a in actions]
    out["credit_terms_key"] = [a.credit_terms for a in actions]
    out["strategy"] = [label_of(acting[k].strategy, lang) for k in rows.class_key]
    revenue = rows[REVENUE_FEATURE] if REVENUE_FEATURE in rows else 0.0
    out["revenue_12m"] = pd.to_numeric(revenue).fillna(0.0).astype(float)
    out["moved_from"], out["new_move"] = _moves(previous, name, rows, before, lang)
    if "override_id" in rows.columns:
        out["overridden"] = rows.override_id.notna().to_numpy()
        computed = rows.get("computed_class_key", rows.class_key)
        out["computed_class"] = [
            labels.get(k, k) if isinstance(k, str) else "" for k in computed
        ]
    extra_columns = [c for c in ("overridden", "computed_class") if c in out]
    return out[[*COLUMNS, *extra_columns, *_KEYS[:2]]]


def _moves(
    previous: Snapshot | None,
    name: str,
    rows: pd.DataFrame,
    before: pd.DataFrame | None,
    lang: Lang,
) -> tuple[list[str | None], list[bool]]:
    if previous is None or before is None or name not in previous.info.computed_schemes:
        return [None] * len(rows), [False] * len(rows)
    old = before[before.scheme == name].set_index("customer_id").class_key
    labels = previous.class_labels(name, lang)
    moved_from: list[str | None] = []
    flags: list[bool] = []
    for customer, key in zip(rows.customer_id, rows.class_key, strict=True):
        was = old.get(customer)
        if was is None:
            moved_from.append(text("not_in_snapshot", lang))
            flags.append(True)
        elif was != key:
            moved_from.append(labels.get(was, was))
            flags.append(True)
        else:
            moved_from.append(None)
            flags.append(False)
    return moved_from, flags


def _keep_owner(
    frame: pd.DataFrame,
    owner: str,
    snapshot: Snapshot,
    names: Sequence[str],
    features: pd.DataFrame,
) -> pd.DataFrame:
    wanted = owner.strip().casefold()
    role_keys = set(frame.owner_role_key.dropna()) | set(OWNER_ROLES)
    for name in names:
        for c in snapshot.scheme(name).classes:
            if c.strategy is not None and c.strategy.actions.owner_role:
                role_keys.add(c.strategy.actions.owner_role)
    matching = {
        key for key in role_keys
        if wanted in (key.casefold(), role_label(key, "zh").casefold(),
                      role_label(key, "en").casefold())
    }
    if matching:
        return frame[frame.owner_role_key.isin(matching)]
    people = set(features["owner"].dropna().astype(str)) if "owner" in features else set()
    found = {p for p in people if p.casefold() == wanted}
    if found:
        return frame[frame.owner.isin(found)]
    raise UnknownNameError(
        owner, sorted(role_keys) + sorted(people), what="owner role or salesperson",
        where="the action list",
    )


def _consolidate(rows: pd.DataFrame, lang: Lang, with_overrides: bool) -> pd.DataFrame:
    """One row per (owner role, customer) from the detail rows (labels already in a language)."""
    columns = [*CONSOLIDATED_COLUMNS, *(["overridden"] if with_overrides else [])]
    if rows.empty:
        empty = pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
        return empty.astype({"new_move": bool, "revenue_12m": float})
    ordered = rows.sort_values(["owner_role_key", "customer_id", "scheme_rank"], kind="stable")
    pairs = groupby(
        ordered.itertuples(index=False), key=lambda r: (r.owner_role_key, r.customer_id)
    )
    merged = [_merged(list(group), lang, with_overrides) for _, group in pairs]
    frame = pd.DataFrame.from_records(merged, columns=columns)
    frame["contact_every_days"] = pd.array(frame.contact_every_days, dtype="Int64")
    frame["schemes_count"] = frame.schemes_count.astype(int)
    frame["revenue_12m"] = frame.revenue_12m.astype(float)
    frame["new_move"] = frame.new_move.astype(bool)
    return frame


def _merged(group: list[Any], lang: Lang, with_overrides: bool) -> dict[str, Any]:
    """The consolidated row of one customer's detail rows for one owner role."""
    first = group[0]
    contacts = [int(r.contact_every_days) for r in group if not pd.isna(r.contact_every_days)]
    moves = [
        f"{r.scheme_label}: {r.moved_from} → {r.class_label}" for r in group if r.new_move
    ]
    row = {
        "owner_role": first.owner_role,
        "owner_role_key": first.owner_role_key,
        "owner": first.owner,
        "customer_id": first.customer_id,
        "name": first.name,
        "revenue_12m": first.revenue_12m,
        "new_move": bool(moves),
        "moves": MERGE_SEPARATOR.join(moves) if moves else None,
        "contact_every_days": min(contacts) if contacts else None,
        "service_level": highest_service([r.service_level_key for r in group], lang),
        "credit_terms": strictest_credit([r.credit_terms_key for r in group], lang),
        "schemes_count": len(group),
        "classes": MERGE_SEPARATOR.join(f"{r.scheme_label}: {r.class_label}" for r in group),
        "actions": "\n".join(dict.fromkeys(r.strategy for r in group if r.strategy)),
    }
    if with_overrides:
        row["overridden"] = any(bool(getattr(r, "overridden", False)) for r in group)
    return row


def _sorted(frame: pd.DataFrame, tie_breakers: list[str]) -> pd.DataFrame:
    order = {key: i for i, key in enumerate(OWNER_ROLES)}
    rank = frame.owner_role_key.map(lambda k: order.get(k, len(order)))
    keys = ["_rank", "owner_role_key", "new_move", "revenue_12m", *tie_breakers]
    return (
        frame.assign(_rank=rank)
        .sort_values(keys, ascending=[True, True, False, False, *[True] * len(tie_breakers)],
                     kind="stable")
        .drop(columns="_rank")
        .reset_index(drop=True)
    )


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
    if frame.empty:
        return []
    if by == "owner":
        keys = list(dict.fromkeys(frame.owner_role_key))
        return [(str(frame[frame.owner_role_key == k].owner_role.iloc[0]),
                 frame[frame.owner_role_key == k]) for k in keys]
    pairs = list(dict.fromkeys(zip(frame.scheme, frame.class_key, strict=True)))
    out = []
    for scheme, key in pairs:
        part = frame[(frame.scheme == scheme) & (frame.class_key == key)]
        out.append((f"{part.scheme_label.iloc[0]}-{part.class_label.iloc[0]}", part))
    return out


def _write_xlsx(frame: pd.DataFrame, path: Path, by: GroupBy, lang: Lang) -> None:
    groups = _groups(frame, by) or [(text("owner_role", lang), frame)]
    names = sheet_names([title for title, _ in groups])
    book = new_workbook(path)
    try:
        styles = _styles(book, lang)
        for (_, part), name in zip(groups, names, strict=True):
            _write_sheet(printable(book.add_worksheet(name)), part, lang, styles)
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


def _write_sheet(sheet: Any, part: pd.DataFrame, lang: Lang, styles: Styles) -> None:
    """One sheet: header row frozen with the customer columns, filter, new moves highlighted."""
    shown = _shown(part, lang)
    sheet.write_row(0, 0, list(shown.columns), styles[("header", False)])
    flags = list(part.new_move) if "new_move" in part else [False] * len(part)
    kinds = [
        "money" if c == "revenue_12m" else "wrap" if c in WRAPPED else "plain"
        for c in part.columns
    ]
    for i, (values, flag) in enumerate(zip(shown.itertuples(index=False), flags,
                                           strict=True), start=1):
        for j, (kind, value) in enumerate(zip(kinds, values, strict=True)):
            cell = _cell(value)
            style = styles[(kind, bool(flag))]
            if kind == "money":
                sheet.write_number(i, j, float(cell or 0.0), style)
            elif cell is None:
                sheet.write_blank(i, j, None, style)
            else:
                sheet.write(i, j, cell, style)
    sheet.freeze_panes(1, list(part.columns).index("name") + 1 if "name" in part else 0)
    sheet.autofilter(0, 0, max(len(part), 1), len(part.columns) - 1)
    for j, column in enumerate(part.columns):
        sheet.set_column(j, j, _width(column, shown.iloc[:, j], lang))


def _cell(value: Any) -> Any:
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and pd.isna(value):
        return None
    if hasattr(value, "item"):
        return value.item()
    return value


def _width(column: str, values: pd.Series, lang: Lang) -> float:
    if column in WRAPPED:
        return WRAPPED[column]
    sample = [str(v) for v in values.head(200) if v is not None and not pd.isna(v)]
    sample.append(text(_HEADER_KEYS.get(column, column), lang))
    longest = max(sum(2.0 if ord(ch) > 0x2E80 else 1.1 for ch in s) for s in sample)
    return min(max(longest + 2, 8), 40)
