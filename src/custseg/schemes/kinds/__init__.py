"""Scheme kinds: each module has ``assign(features, scheme) -> Assignment``.

:data:`ASSIGNERS` maps a scheme's ``kind`` to its assigner; a new kind is a new module plus an
entry here (and its model in :data:`custseg.schemes.config.SCHEME_MODELS`). An assigner with
the attribute ``wants_context = True`` also gets ``context=`` a :class:`~.context.RunContext`
(the workspace and earlier snapshots), see :func:`wants_context`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ibis.expr.types as ir

from custseg.schemes.kinds import attribute, cluster, learned, matrix, pareto, rules, score, tiers
from custseg.schemes.kinds.base import Assignment

Assigner = Callable[[ir.Table, Any], Assignment]

ASSIGNERS: dict[str, Assigner] = {
    "attribute": attribute.assign,
    "cluster": cluster.assign,
    "learned": learned.assign,
    "matrix": matrix.assign,
    "pareto": pareto.assign,
    "rules": rules.assign,
    "score": score.assign,
    "tiers": tiers.assign,
}


def wants_context(assigner: Assigner) -> bool:
    """Whether ``assigner`` takes a ``context`` keyword (the learning kinds)."""
    return bool(getattr(assigner, "wants_context", False))


__all__ = ["ASSIGNERS", "Assigner", "Assignment", "wants_context"]
