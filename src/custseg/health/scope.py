"""Which classes of a scheme are its designed split, and which only hold customers without data.

A scheme's **designed classes** are the ones it splits customers into: the bins of tiers and
pareto schemes, the grades of score schemes, the four cells of a matrix, the targets of rules
(except a rule that only says ``is_prospect``), the mapped classes of an attribute. The other
classes (``outside_class``, ``missing_class``, ``zero_class``, the prospect class) hold the
customers the split is not about; the health check leaves them out of its shares.
"""

from __future__ import annotations

from custseg.schemes.scheme_base import SchemeBase

PROSPECT_CONDITION = "is_prospect"


def designed_classes(scheme: SchemeBase) -> list[str]:
    """The classes ``scheme`` splits its customers into, in class order."""
    kind = scheme.kind
    if kind in ("tiers", "pareto"):
        return scheme.class_keys[: len(scheme.cuts) + 1]  # type: ignore[attr-defined]
    if kind == "score":
        return list(dict.fromkeys(g.class_ for g in scheme.grades))  # type: ignore[attr-defined]
    if kind == "matrix":
        return list(dict.fromkeys(scheme.cells.model_dump().values()))  # type: ignore[attr-defined]
    if kind == "rules":
        targets = [
            r.class_
            for r in scheme.rules  # type: ignore[attr-defined]
            if r.when.strip() != PROSPECT_CONDITION
        ]
        return [k for k in scheme.class_keys if k in {*targets, scheme.default}]  # type: ignore[attr-defined]
    if kind == "attribute":
        missing = getattr(scheme, "missing_class", None)
        return [k for k in scheme.class_keys if k != missing]
    return []


def rule_conditions(scheme: SchemeBase) -> dict[str, list[str]]:
    """Rules scheme: class -> the conditions of the rules that give it (prospect rule left out)."""
    out: dict[str, list[str]] = {}
    for rule in getattr(scheme, "rules", []):
        if rule.when.strip() != PROSPECT_CONDITION:
            out.setdefault(rule.class_, []).append(rule.when)
    return out
