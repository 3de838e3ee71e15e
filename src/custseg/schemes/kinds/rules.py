"""``rules``: ordered conditions, first match wins, ``default`` for the rest.

The class is one ``CASE`` chain (``ibis.cases``), so every customer gets exactly one class:
the first rule whose condition is true (a condition that is null - e.g. on a null feature - is
false) or the default. There is no score. Diagnostics carry the static lint of the rules
(shadowed rules, unreachable classes) and the classes that received no customer.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from custseg.schemes.config_kinds import RulesScheme
from custseg.schemes.expr import compile_predicate, parse, render
from custseg.schemes.kinds.base import Assignment, class_counts, concat, finish
from custseg.schemes.shadowing import rule_warnings


def assign(features: ir.Table, scheme: RulesScheme) -> Assignment:
    """Give each customer of ``features`` the class of the first rule it matches."""
    matches = [
        compile_predicate(rule.when, features, where=f"{scheme.name}.rules[{i}].when")
        for i, rule in enumerate(scheme.rules)
    ]
    class_key = ibis.cases(
        *[(m, r.class_) for m, r in zip(matches, scheme.rules, strict=True)], else_=scheme.default
    )
    reason = ibis.cases(
        *[
            (m, concat(f'rule {i + 1} "{render(parse(r.when))}" matched'))
            for i, (m, r) in enumerate(zip(matches, scheme.rules, strict=True))
        ],
        else_=concat(f"no rule matched; default {scheme.default!r}"),
    )
    table = finish(features, class_key, None, reason)
    counts = class_counts(table)
    notes = rule_warnings(scheme)
    empty = [k for k in scheme.class_keys if counts.get(k, 0) == 0]
    if empty:
        notes.append(f"{len(empty)} class(es) received no customer on this data: {empty}")
    thresholds = {
        "rules": [{"when": r.when, "class": r.class_} for r in scheme.rules],
        "default": scheme.default,
    }
    return Assignment(table=table, diagnostics=notes, thresholds=thresholds)
