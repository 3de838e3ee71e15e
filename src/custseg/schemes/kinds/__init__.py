"""Scheme kinds: each module has ``assign(features, scheme) -> Assignment``.

:data:`ASSIGNERS` maps a scheme's ``kind`` to its assigner; a new kind is a new module plus an
entry here (and its model in :data:`custseg.schemes.config.SCHEME_MODELS`). An assigner with
the attribute ``wants_context = True`` also gets ``context=`` a :class:`~.context.RunContext`
(the workspace and earlier snapshots), see :func:`wants_context`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import ibis.expr.types as ir

from custseg.schemes.kinds import attribute, cluster, learned, matrix, pareto, rules, score, tiers
from custseg.schemes.kinds.base import Assignment
from custseg.schemes.kinds.splits import QuantileRequest

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


QUANTILE_REQUESTS: dict[str, Callable[[ir.Table, Any], list[QuantileRequest]]] = {
    "matrix": matrix.quantile_requests,
    "tiers": tiers.quantile_requests,
}
"""The kinds whose assigner cuts features at quantiles, and the cuts a scheme will ask for."""


def quantile_requests(features: ir.Table, schemes: Sequence[Any]) -> list[QuantileRequest]:
    """The quantile cuts ``schemes`` will ask for (to compute them together, see
    :func:`~custseg.schemes.kinds.splits.prefetched_cuts`)."""
    found: list[QuantileRequest] = []
    for scheme in schemes:
        ask = QUANTILE_REQUESTS.get(scheme.kind)
        if ask is None:
            continue
        try:
            found += ask(features, scheme)
        except Exception:  # noqa: BLE001 - the scheme's own assigner meets and reports it
            continue
    return found


def table_only(scheme: Any) -> bool:
    """Whether the assignment of ``scheme`` depends on the data only through the feature table
    its expression is built on: the assigner reads nothing from the data (no cut, no value
    list), so on another feature table with the same columns it builds the same expression
    on that table. A series builds such an assignment once and re-points it at each run's
    feature table (:func:`custseg.run.assign_every_scheme`)."""
    if scheme.kind in ("rules", "pareto"):  # conditions; cumulative shares in the engine
        return True
    if scheme.kind == "attribute":  # the distinct values of ``classes: auto`` are read
        return not scheme.auto
    if scheme.kind == "tiers":  # quantile cuts are read
        return scheme.method == "fixed"
    if scheme.kind == "matrix":
        return scheme.x.method == "fixed" and scheme.y.method == "fixed"
    return False


def wants_context(assigner: Assigner) -> bool:
    """Whether ``assigner`` takes a ``context`` keyword (the learning kinds)."""
    return bool(getattr(assigner, "wants_context", False))


__all__ = [
    "ASSIGNERS",
    "QUANTILE_REQUESTS",
    "Assigner",
    "Assignment",
    "quantile_requests",
    "table_only",
    "wants_context",
]
