"""``rules``: ordered conditions, first match wins, ``default`` for the rest.

The class is one ``CASE`` chain (``ibis.cases``), so every customer gets exactly one class:
the first rule whose condition is true (a condition that is null - e.g. on a null feature - is
false) or the default. There is no score. Diagnostics carry the static lint of the rules
(shadowed rules, unreachable classes) and the classes that received no customer.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from custseg.i18n import Message
from custseg.schemes.config_kinds import RulesScheme
from custseg.schemes.expr import compile_predicate, parse, render
from custseg.schemes.kinds.base import Assignment, empty_class_check, finish
from custseg.schemes.kinds.reasons import code
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
            (m, code("schemes_r_rule", str(i + 1), render(parse(r.when))))
            for i, (m, r) in enumerate(zip(matches, scheme.rules, strict=True))
        ],
        else_=code("schemes_r_default", scheme.default),
    )
    table = finish(features, class_key, None, reason)
    notes: list[Message | str] = list(rule_warnings(scheme))
    thresholds = {
        "rules": [{"when": r.when, "class": r.class_} for r in scheme.rules],
        "default": scheme.default,
    }
    return Assignment(
        table=table,
        diagnostics=notes,
        thresholds=thresholds,
        empty_check=empty_class_check(scheme),
    )
