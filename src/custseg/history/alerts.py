"""Alerts (预警): the customers whose move since the previous snapshot matches an alert rule.

The rules are the new snapshot's system's (:func:`custseg.schemes.alerts_in_force.effective_alerts`:
its own ``alerts``, or the built-in ones that fit its schemes). A rule is matched in the
database, all rules in one query: the moves of their schemes (:func:`custseg.history._moves.moves`)
matched by scheme, direction, ``from`` / ``to`` classes and the ``when`` condition over the new
snapshot's features.
"""

from __future__ import annotations

from collections.abc import Sequence

import ibis
import ibis.expr.types as ir
import pandas as pd

from custseg.errors import ConfigError
from custseg.history._moves import moves
from custseg.history._source import raw_features
from custseg.i18n import Lang, label_of
from custseg.schemes.alerts_in_force import effective_alerts
from custseg.schemes.config_alerts import SEVERITY_ORDER, AlertRule
from custseg.schemes.expr import compile_predicate
from custseg.snapshots.view import Snapshot

COLUMNS: tuple[str, ...] = (
    "customer_id",
    "name",
    "alert",
    "label",
    "severity",
    "scheme",
    "old_class",
    "new_class",
    "old_label",
    "new_label",
    "reason",
    "direction",
    "revenue_12m",
)
"""Columns of :func:`evaluate_alerts` (``direction`` and ``revenue_12m`` come last)."""


def evaluate_alerts(
    old: Snapshot | None,
    new: Snapshot,
    *,
    lang: Lang = "en",
    rules: Sequence[AlertRule] | None = None,
) -> pd.DataFrame:
    """One row per (customer, alert) that fired from ``old`` to ``new``.

    Most severe first, then by 12-month revenue, largest first. Empty when there is no
    previous snapshot.

    ``rules`` defaults to the alerts in force for the new snapshot's system. A rule whose scheme
    was not computed in both snapshots is left out. ConfigError names the alert whose ``when``
    uses a feature the new snapshot does not have.
    """
    if old is None:
        return _empty()
    chosen = list(effective_alerts(new.system) if rules is None else rules)
    both = set(old.info.computed_schemes) & set(new.info.computed_schemes)
    active = [rule for rule in chosen if rule.scheme in both]
    if not active:
        return _empty()
    fired = _fired(active, old, new).to_pandas()
    frames = []
    for i, rule in enumerate(active):
        hits = fired[fired[_flag(i)].astype(bool)].reset_index(drop=True)
        if not hits.empty:
            frames.append(_describe(rule, hits, old, new, lang))
    if not frames:
        return _empty()
    out = pd.concat(frames, ignore_index=True)
    for column in COLUMNS:
        if column != "revenue_12m":
            out[column] = out[column].astype(object).where(out[column].notna(), None)
    out = out.assign(_s=out.severity.map(SEVERITY_ORDER))
    out = out.sort_values(
        ["_s", "revenue_12m", "customer_id", "alert"],
        ascending=[True, False, True, True],
        ignore_index=True,
    )
    return out[list(COLUMNS)]


def _empty() -> pd.DataFrame:
    """No alert: the columns of :func:`evaluate_alerts` and no row."""
    return pd.DataFrame({c: pd.Series(dtype=object) for c in COLUMNS})


def _flag(i: int) -> str:
    """The column telling whether rule number ``i`` fired on a move."""
    return f"fired_{i}"


def _fired(rules: Sequence[AlertRule], old: Snapshot, new: Snapshot) -> ir.Table:
    """The moves on which at least one of ``rules`` fires, one ``fired_<i>`` flag per rule."""
    schemes = list(dict.fromkeys(rule.scheme for rule in rules))
    moved = moves(old, new, schemes, movers_only=True)
    moved = moved.filter(moved.direction != "left")
    conditions = _conditions(rules, new)
    if conditions is not None:
        moved = moved.left_join(conditions, moved.customer_id == conditions.hit_id)
    flags = {_flag(i): _matches(rule, i, moved, conditions) for i, rule in enumerate(rules)}
    marked = moved.mutate(**flags)
    return marked.filter(ibis.or_(*[marked[name] for name in flags]))


def _matches(
    rule: AlertRule, i: int, moved: ir.Table, conditions: ir.Table | None
) -> ir.BooleanValue:
    """Whether ``rule`` (number ``i``) fires on each move of ``moved`` (never null)."""
    hit = moved.scheme == rule.scheme
    if rule.direction != "any":
        hit &= moved.direction == rule.direction
    if rule.from_ is not None:
        hit &= moved.old_class.isin(rule.from_)
    if rule.to is not None:
        hit &= moved.new_class.isin(rule.to)
    if conditions is not None and _when(i) in conditions.columns:
        hit &= moved[_when(i)]
    return hit.fill_null(False)


def _when(i: int) -> str:
    """The column holding whether rule number ``i``'s ``when`` holds for a customer."""
    return f"when_{i}"


def _conditions(rules: Sequence[AlertRule], new: Snapshot) -> ir.Table | None:
    """``hit_id`` and one ``when_<i>`` flag per rule with a ``when`` (None when no rule has one).

    ConfigError names the first alert whose condition cannot be evaluated on ``new``.
    """
    features = raw_features(new)
    flags: dict[str, ir.BooleanValue] = {}
    for i, rule in enumerate(rules):
        if rule.when is None:
            continue
        where = f"alerts[{rule.key}].when"
        try:
            predicate = compile_predicate(rule.when, features, where=where)
        except ConfigError as exc:
            raise ConfigError(
                f"alert {rule.key!r}: its condition {rule.when!r} cannot be evaluated on snapshot "
                f"{new.snapshot_id}: {exc.message}. Fix `when` of the alert in the system.",
                key_path=where,
            ) from None
        flags[_when(i)] = predicate.fill_null(False)
    if not flags:
        return None
    return features.select(hit_id=features.customer_id.cast("string"), **flags)


def _describe(
    rule: AlertRule, fired: pd.DataFrame, old: Snapshot, new: Snapshot, lang: Lang
) -> pd.DataFrame:
    old_labels = old.class_labels(rule.scheme, lang)
    new_labels = {**old_labels, **new.class_labels(rule.scheme, lang)}
    scheme_label = label_of(new.scheme(rule.scheme).labels, lang)
    out = pd.DataFrame(
        {
            "customer_id": fired.customer_id.astype(object),
            "name": fired.name.astype(object).where(fired.name.notna(), None),
            "alert": rule.key,
            "label": label_of(rule.labels, lang),
            "severity": rule.severity,
            "scheme": rule.scheme,
            "old_class": fired.old_class.astype(object).where(fired.old_class.notna(), None),
            "new_class": fired.new_class.astype(object),
            "direction": fired.direction.astype(object),
            "revenue_12m": fired.revenue_12m.astype("float64"),
        }
    )
    out["old_label"] = out.old_class.map(lambda k: old_labels.get(k, k) if k else None)
    out["new_label"] = out.new_class.map(lambda k: new_labels.get(k, k))
    if rule.description is not None:
        out["reason"] = label_of(rule.description, lang)
    else:
        arrow = out.old_label.fillna("∅") + " → " + out.new_label
        out["reason"] = scheme_label + ": " + arrow
    return out


__all__ = ["COLUMNS", "evaluate_alerts"]
