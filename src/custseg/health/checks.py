"""The health check of every scheme of a run: is each classification meaningful on this data.

Checks (see :data:`custseg.health.finding.CHECKS`), each giving what, how many customers and
what to change:

- ``dominant_class``: one designed class holds at least ``dominant_share`` (0.9) of the
  customers the scheme splits. A warning for tiers, pareto, matrix and score schemes; for rules a
  warning when the class's rule takes customers that also meet another class's condition,
  otherwise a note (no other class's condition fits them: the data leaves no other class);
  for attributes a note unless the class is the ``other_class`` catch-all.
- ``empty_class``: a designed class is empty though the data could fill it (tiers, pareto,
  matrix, score with customers to split; a rules class whose own condition some customers meet
  but an earlier rule takes).
- ``tied_split``: a quantile split falls on a value shared by at least ``tie_share`` (0.1) of
  the customers split, at the end of their range, and the split failed (a class of the scheme
  is empty or holds nearly everyone): the tie is why.
- ``exclusion``: customers holding two classes the system's ``exclusions`` forbid together.
- ``missing_indicator`` / ``dropped_indicator``: a score indicator whose input is empty for
  every customer still carries weight (warning), or was dropped with the weights rescaled
  (note). ``skipped_scheme`` and ``scheme_note`` (the assigner's own diagnostics): notes.
- ``inactive_data``: nobody bought in the activity window; concentration and empty-class
  warnings are then explained by the data and become notes.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import ibis
import ibis.expr.types as ir

from custseg.health.finding import CHECKS, Finding
from custseg.health.notes import diagnostic_notes, exclusions, explained, inactivity, skipped
from custseg.health.scope import designed_classes, rule_conditions
from custseg.i18n import Message
from custseg.schemes import ClassificationSystem
from custseg.schemes.config_checks import HealthSettings, health_settings
from custseg.schemes.expr import compile_predicate
from custseg.schemes.scheme_base import SchemeBase
from custseg.snapshots.model import SchemeOutcome

MIN_CUSTOMERS = 20
"""Below this many customers to split, shares say nothing; no dominance or empty-class check."""
SPLIT_KINDS = ("tiers", "pareto", "matrix", "score")
Joined = Callable[[], ir.Table]
"""The run's features of one scheme's customers with their ``class_key``, built on demand."""


def check_health(
    system: ClassificationSystem,
    outcomes: Sequence[SchemeOutcome],
    assignments: ir.Table,
    features: ir.Table,
    *,
    counts: Mapping[str, Mapping[str, int]] | None = None,
) -> list[Finding]:
    """Every finding of the health check, warnings first.

    ``assignments`` has customer_id, scheme, class_key; ``features`` is the run's feature table;
    ``counts`` (:func:`scheme_class_counts` of ``assignments``) when the caller has them.
    """
    settings = health_settings(system.parameters)
    if counts is None:
        counts = scheme_class_counts(assignments)
    inactive = inactivity(features)
    findings: list[Finding] = [inactive] if inactive else []
    schemes = {s.name: s for s in system.schemes}
    for outcome in outcomes:
        scheme = schemes.get(outcome.name)
        if outcome.status != "computed" or scheme is None:
            findings.append(skipped(outcome))
            continue
        findings += diagnostic_notes(outcome)
        joined = _joined(features, assignments, scheme)
        findings += _scheme_findings(scheme, outcome, counts.get(scheme.name, {}), joined, settings)
    findings += exclusions(system, assignments, outcomes)
    if inactive:
        findings = [explained(f) for f in findings]
    order = {c: i for i, c in enumerate(CHECKS)}
    return sorted(findings, key=lambda f: (f.level != "warning", order.get(f.check, 99), f.scheme))


def _joined(features: ir.Table, assignments: ir.Table, scheme: SchemeBase) -> Joined:
    """The features of the customers of ``scheme`` with their class key, built when first asked
    for: most schemes' checks read the class counts only, and building the join of a wide
    feature table costs more than those checks."""

    @functools.cache
    def build() -> ir.Table:
        own = assignments.filter(assignments.scheme == scheme.name)
        return features.join(own.select("customer_id", "class_key"), "customer_id")

    return build


def _scheme_findings(
    scheme: SchemeBase,
    outcome: SchemeOutcome,
    counts: dict[str, int],
    join: Joined,
    settings: HealthSettings,
) -> list[Finding]:
    designed = designed_classes(scheme)
    if not designed:
        return []
    if scheme.kind == "pareto":
        joined = join()
        measure = joined[scheme.measure]  # type: ignore[attr-defined]
        counts = _class_counts_where(joined, measure > 0)
    scope = {k: counts.get(k, 0) for k in designed}
    found = _dominance(scheme, scope, join, settings)
    found += _empty(scheme, scope, join)
    if any(f.level == "warning" for f in found):
        # A tie at the end of the range explains a split that failed (a class empty or
        # holding nearly everyone); a tie that still leaves every class filled is no finding.
        found += _ties(scheme, outcome, join, designed, settings)
    if scheme.kind == "score":
        found += _indicators(scheme, outcome, join)
    if scheme.kind == "attribute":
        found += _missing_attribute(scheme, counts, settings)
    return found


def _missing_attribute(
    scheme: SchemeBase, counts: dict[str, int], settings: HealthSettings
) -> list[Finding]:
    """An attribute scheme whose input is missing for nearly everyone says nothing."""
    missing = getattr(scheme, "missing_class", None)
    total = sum(counts.values())
    n = counts.get(missing or "", 0)
    if total < MIN_CUSTOMERS or n / total < settings.dominant_share:
        return []
    feature = getattr(scheme, "feature", "")
    params = {"scheme": scheme.name, "feature": feature, "n": n, "share": _pct(n / total)}
    advice = Message("health_attribute_missing_advice", {"feature": feature})
    message = Message("health_attribute_missing", params)
    return [Finding("dominant_class", "warning", scheme.name, n, message, advice)]


def scheme_class_counts(assignments: ir.Table) -> dict[str, dict[str, int]]:
    """Customers per scheme and class key of ``assignments`` (one query)."""
    rows = (
        assignments.group_by(["scheme", "class_key"])
        .aggregate(n=assignments.count())
        .to_pyarrow()
        .to_pylist()
    )
    out: dict[str, dict[str, int]] = {}
    for row in rows:
        out.setdefault(row["scheme"], {})[row["class_key"]] = int(row["n"])
    return out


def _class_counts_where(joined: ir.Table, keep: ir.BooleanValue) -> dict[str, int]:
    part = joined.filter(keep.fill_null(False))
    rows = part.group_by("class_key").aggregate(n=part.count()).to_pyarrow().to_pylist()
    return {r["class_key"]: int(r["n"]) for r in rows}


def _pct(share: float) -> str:
    return f"{100 * share:.1f}%"


def _dominance(
    scheme: SchemeBase, scope: dict[str, int], join: Joined, settings: HealthSettings
) -> list[Finding]:
    total = sum(scope.values())
    if total < MIN_CUSTOMERS:
        return []
    top, n = max(scope.items(), key=lambda item: (item[1], item[0]))
    if n / total < settings.dominant_share:
        return []
    params = {"scheme": scheme.name, "cls": top, "n": n, "total": total, "share": _pct(n / total)}
    if scheme.kind in SPLIT_KINDS and getattr(scheme, "method", "quantile") != "fixed":
        advice = Message("health_dominant_split_advice")
        return [
            Finding(
                "dominant_class",
                "warning",
                scheme.name,
                n,
                Message("health_dominant", params),
                advice,
            )
        ]
    if scheme.kind == "rules":
        movable = _movable(scheme, top, join())
        if movable:
            message = Message("health_dominant_overlap", {**params, "moved": movable})
            advice = Message("health_dominant_overlap_advice", {"cls": top})
            return [Finding("dominant_class", "warning", scheme.name, n, message, advice)]
    elif top == getattr(scheme, "other_class", None):
        message = Message("health_dominant_other", params)
        advice = Message("health_dominant_other_advice")
        return [Finding("dominant_class", "warning", scheme.name, n, message, advice)]
    message = Message("health_dominant_forced", params)
    advice = Message("health_dominant_forced_advice")
    return [Finding("dominant_class", "note", scheme.name, n, message, advice)]


def _movable(scheme: SchemeBase, top: str, joined: ir.Table) -> int:
    """Customers of ``top`` who also meet the condition of a rule giving another class."""
    others = [
        compile_predicate(when, joined, where=f"{scheme.name}.rules")
        for cls, conditions in rule_conditions(scheme).items()
        if cls != top
        for when in conditions
    ]
    if not others:
        return 0
    meets = ibis.or_(*others)
    return int(
        joined.aggregate(n=joined.count(where=(joined.class_key == top) & meets))
        .execute()
        .iloc[0, 0]
    )


def _empty(scheme: SchemeBase, scope: dict[str, int], join: Joined) -> list[Finding]:
    empty = [k for k, n in scope.items() if n == 0]
    total = sum(scope.values())
    if not empty or total < MIN_CUSTOMERS:
        return []
    if scheme.kind in SPLIT_KINDS:
        # Fixed cuts the data never reaches: what the data says (a note), as for rules.
        level = "note" if getattr(scheme, "method", "") == "fixed" else "warning"
        return [
            Finding(
                "empty_class",
                level,
                scheme.name,
                0,
                Message("health_empty", {"scheme": scheme.name, "cls": k, "total": total}),
                Message("health_empty_advice"),
            )
            for k in empty
        ]
    if scheme.kind != "rules":
        return []
    found = _shadowed(scheme, empty, join())
    best = (scheme.ranking or [None])[0]
    if best in empty and not any(f.message.params.get("cls") == best for f in found):
        params = {"scheme": scheme.name, "cls": best, "total": total}
        advice = Message("health_empty_best_advice", {"cls": best})
        found.append(
            Finding(
                "empty_class",
                "warning",
                scheme.name,
                0,
                Message("health_empty_best", params),
                advice,
            )
        )
    return found


def _shadowed(scheme: SchemeBase, empty: list[str], joined: ir.Table) -> list[Finding]:
    conditions = rule_conditions(scheme)
    wanted = {
        k: ibis.or_(
            *(compile_predicate(w, joined, where=f"{scheme.name}.rules") for w in conditions[k])
        )
        for k in empty
        if k in conditions
    }
    if not wanted:
        return []
    row = (
        joined.aggregate(
            **{f"n{i}": joined.count(where=cond) for i, cond in enumerate(wanted.values())}
        )
        .to_pyarrow()
        .to_pylist()[0]
    )
    out = []
    for i, key in enumerate(wanted):
        n = int(row[f"n{i}"] or 0)
        if n:
            params = {"scheme": scheme.name, "cls": key, "n": n}
            advice = Message("health_empty_shadowed_advice", {"cls": key})
            out.append(
                Finding(
                    "empty_class",
                    "warning",
                    scheme.name,
                    n,
                    Message("health_empty_shadowed", params),
                    advice,
                )
            )
    return out


def _split_points(scheme: SchemeBase, outcome: SchemeOutcome) -> list[tuple[str, Any]]:
    """(feature, value) of every quantile split the assigner used."""
    t = outcome.thresholds
    if scheme.kind == "tiers" and t.get("method") == "quantile":
        return [(t.get("feature", ""), v) for v in t.get("values") or []]
    if scheme.kind == "matrix":
        axes = [t.get(a) or {} for a in ("x", "y")]
        return [
            (a.get("feature", ""), a.get("value")) for a in axes if a.get("method") == "quantile"
        ]
    return []


def _ties(
    scheme: SchemeBase,
    outcome: SchemeOutcome,
    join: Joined,
    designed: list[str],
    settings: HealthSettings,
) -> list[Finding]:
    joined = join()
    points = [
        (f, float(v))
        for f, v in _split_points(scheme, outcome)
        if f in joined.columns and isinstance(v, int | float) and v == v and abs(v) != float("inf")
    ]
    if not points:
        return []
    split = joined.filter(joined.class_key.isin(designed))
    row = (
        split.aggregate(
            total=split.count(),
            **{f"n{i}": split.count(where=split[f] == v) for i, (f, v) in enumerate(points)},
            **{f"lo{i}": split.count(where=split[f] < v) for i, (f, v) in enumerate(points)},
            **{f"hi{i}": split.count(where=split[f] > v) for i, (f, v) in enumerate(points)},
        )
        .to_pyarrow()
        .to_pylist()[0]
    )
    total = int(row["total"] or 0)
    out = []
    for i, (feature, value) in enumerate(points):
        n = int(row[f"n{i}"] or 0)
        one_sided = not row[f"lo{i}"] or not row[f"hi{i}"]
        if total and one_sided and n / total >= settings.tie_share:
            params = {
                "scheme": scheme.name,
                "feature": feature,
                "value": f"{value:g}",
                "n": n,
                "share": _pct(n / total),
            }
            advice = Message("health_tied_advice", {"feature": feature})
            out.append(
                Finding(
                    "tied_split", "warning", scheme.name, n, Message("health_tied", params), advice
                )
            )
    return out


def _indicators(scheme: SchemeBase, outcome: SchemeOutcome, join: Joined) -> list[Finding]:
    joined = join()
    features = [ind.feature for ind in scheme.indicators]  # type: ignore[attr-defined]
    present = [f for f in features if f in joined.columns]
    row = (
        joined.aggregate(**{f"n{i}": joined[f].count() for i, f in enumerate(present)})
        .to_pyarrow()
        .to_pylist()[0]
    )
    weights = outcome.thresholds.get("weights") or {}
    out = []
    for i, feature in enumerate(present):
        if int(row[f"n{i}"] or 0) > 0:
            continue
        weight = weights.get(feature)
        params = {"scheme": scheme.name, "feature": feature, "weight": f"{float(weight or 0):.2f}"}
        if weight:
            message, advice = (
                Message("health_missing_indicator", params),
                Message("health_missing_indicator_advice"),
            )
            out.append(Finding("missing_indicator", "warning", scheme.name, 0, message, advice))
        else:
            out.append(
                Finding(
                    "dropped_indicator",
                    "note",
                    scheme.name,
                    0,
                    Message("health_dropped_indicator", params),
                )
            )
    return out
