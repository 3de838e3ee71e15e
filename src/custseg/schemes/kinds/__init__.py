"""Scheme kinds: each module has ``assign(features, scheme) -> Assignment``.

:data:`ASSIGNERS` maps a scheme's ``kind`` to its assigner; a new kind is a new module plus an
entry here (and its model in :data:`custseg.schemes.config.SCHEME_MODELS`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ibis.expr.types as ir

from custseg.schemes.kinds import attribute, matrix, pareto, rules, score, tiers
from custseg.schemes.kinds.base import Assignment

Assigner = Callable[[ir.Table, Any], Assignment]

ASSIGNERS: dict[str, Assigner] = {
    "attribute": attribute.assign,
    "matrix": matrix.assign,
    "pareto": pareto.assign,
    "rules": rules.assign,
    "score": score.assign,
    "tiers": tiers.assign,
}

__all__ = ["ASSIGNERS", "Assigner", "Assignment"]
