"""Action lists (管理措施): per owner role, the customers to act on and what to do."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

import pandas as pd
import xlsxwriter

from custseg.errors import ConfigError, UnknownNameError
from custseg.i18n import Lang, label_of
from custseg.reports.labels import (
    OWNER_ROLES,
    credit_label,
    role_label,
    service_label,
    text,
)
from custseg.reports.xlsx import sheet_names
from custseg.snapshots.view import REVENUE_FEATURE, Snapshot

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
"""Columns of an action list, in order (``overridden`` and ``computed_class`` follow when the
snapshot records manual overrides)."""

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
) -> pd.DataFrame:
    """One row per (customer, scheme) whose class has an owner role; newly moved customers first.

    ``owner`` keeps one owner role (its key or label) or one salesperson. Rows are grouped by
    owner role; within a role new moves (class changed since ``previous``) come first, then
    revenue descending. ``frame.attrs["lang"]`` records the language of the labels.
    """
    names = list(schemes) if schemes else snapshot.info.computed_schemes
    for name in names:
        snapshot.scheme(name)
    features = snapshot.features()
    current = snapshot.assignments()
    before = previous.assignments() if previous is not None else None
    parts = [
        _scheme_rows(snapshot, previous, name, current, before, features, lang) for name in names
    ]
    frame = pd.concat([p for p in parts if len(p)], ignore_index=True) if any(
        len(p) for p in parts) else _empty(current)
    if owner is not None:
        frame = _keep_owner(frame, owner, snapshot, names, features)
    frame = _sorted(frame)
    frame.attrs["lang"] = lang
    return frame


def _empty(current: pd.DataFrame) -> pd.DataFrame:
    columns = list(COLUMNS)
    if "override_id" in current.columns:
        columns += ["overridden", "computed_class"]
    return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})


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
        return rows.iloc[0:0]
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
    return out[[*COLUMNS, *[c for c in ("overridden", "computed_class") if c in out]]]


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


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    order = {key: i for i, key in enumerate(OWNER_ROLES)}
    rank = frame.owner_role_key.map(lambda k: order.get(k, len(order)))
    return (
        frame.assign(_rank=rank)
        .sort_values(
            ["_rank", "owner_role_key", "new_move", "revenue_12m", "customer_id", "scheme"],
            ascending=[True, True, False, False, True, True],
            kind="stable",
        )
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

    CSV is UTF-8 with a byte-order mark so that Excel shows Chinese correctly.
    """
    target = Path(path)
    chosen: Lang = lang or frame.attrs.get("lang", "en")
    if by not in ("owner", "class"):
        raise ConfigError(f"by must be 'owner' or 'class'; got {by!r}")
    suffix = target.suffix.lower()
    if suffix == ".csv":
        _shown(frame, chosen).to_csv(target, index=False, encoding="utf-8-sig")
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
    book = xlsxwriter.Workbook(str(path))
    font = "Microsoft YaHei" if lang == "zh" else "Calibri"
    base: dict[str, Any] = {"font_name": font, "font_size": 10}
    header = book.add_format({**base, "bold": True, "bg_color": "#EEEEEE", "bottom": 1,
                              "text_wrap": True, "valign": "top"})
    plain = book.add_format(base)
    money = book.add_format({**base, "num_format": "#,##0"})
    moved = book.add_format({**base, "bg_color": "#FFF3E0"})
    moved_money = book.add_format({**base, "bg_color": "#FFF3E0", "num_format": "#,##0"})
    try:
        for (_, part), name in zip(groups, names, strict=True):
            shown = _shown(part, lang)
            sheet = book.add_worksheet(name)
            sheet.write_row(0, 0, list(shown.columns), header)
            flags = list(part.new_move) if "new_move" in part else [False] * len(part)
            for i, (values, flag) in enumerate(zip(shown.itertuples(index=False), flags,
                                                   strict=True), start=1):
                for j, (column, value) in enumerate(zip(part.columns, values, strict=True)):
                    cell = _cell(value)
                    if column == "revenue_12m":
                        sheet.write_number(i, j, float(cell or 0.0), moved_money if flag else money)
                    elif cell is None:
                        sheet.write_blank(i, j, None, moved if flag else plain)
                    else:
                        sheet.write(i, j, cell, moved if flag else plain)
            sheet.freeze_panes(1, 5)
            sheet.autofilter(0, 0, max(len(part), 1), len(part.columns) - 1)
            for j, column in enumerate(part.columns):
                sheet.set_column(j, j, _width(column, shown.iloc[:, j], lang))
    finally:
        book.close()


def _cell(value: Any) -> Any:
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and pd.isna(value):
        return None
    if hasattr(value, "item"):
        return value.item()
    return value


def _width(column: str, values: pd.Series, lang: Lang) -> float:
    if column == "strategy":
        return 60
    sample = [str(v) for v in values.head(200) if v is not None and not pd.isna(v)]
    sample.append(text(_HEADER_KEYS.get(column, column), lang))
    longest = max(sum(2.0 if ord(ch) > 0x2E80 else 1.1 for ch in s) for s in sample)
    return min(max(longest + 2, 8), 40)
