"""Quantile cuts that respect ties and zero-inflated measures (tiers and matrix axes).

The rule, for a quantile ``q`` of a feature over a scheme's population:

1. **Base.** The cut is computed among the population's customers with a value (nulls go to
   the scheme's missing class).
2. **Zeros of a non-negative measure.** When no value is negative and some are 0 and some
   positive (revenue in a window, profit, counts), the quantile is taken among the *positive*
   values only: 0 means "not in the measure" (no purchase in the window) rather than "the
   smallest amount", and a median of 0 would otherwise put everybody ``>=`` it. The customers
   at 0 fall below every cut (the lowest tier, the low side of a matrix axis). A note
   (``schemes_d_zero_excluded``) says how many.
3. **Ties stay together, on the side nearest the design.** The threshold ``T`` is the exact
   quantile of the base. Customers whose value equals ``T`` all go to the same side: the high
   side (``value >= T``) when that leaves the share below the cut closest to ``q``, else the low
   side (``value > T`` is high). Equal values therefore never get different classes, and a
   mass of equal values lands where it distorts the designed shares least - except that a side
   which would leave a class empty (e.g. a cheapest price shared by 60 % of the customers sent
   above the 30 % cut, emptying "low") is taken only when the other side empties one too.
4. **Diagnostic.** When the tied group at ``T`` still moves the share below the cut more than
   5 percentage points away from ``q``, the cut gives a ``schemes_d_tied_split`` message with
   ``scheme``, ``feature``, ``value``, ``customers`` (the tied customers), ``side``,
   ``designed`` and ``actual`` (shares) - for the health check.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import ibis.expr.types as ir

from custseg.i18n import Message
from custseg.schemes.kinds.base import feature_message, fmt, share_text

TIE_TOLERANCE = 0.05
"""A cut whose achieved share is further than this from its quantile gets a diagnostic."""

ZERO_NOTE_SHARE = 0.05
"""Zeros left out of the base are noted when they are at least this share of the population."""


@dataclass(frozen=True)
class Cut:
    """One threshold: ``value`` (``inf`` when there is no value) and where ties at it go."""

    value: float
    ties_up: bool = True

    def high(self, x: ir.NumericValue) -> ir.BooleanValue:
        """Whether ``x`` is on the high side of the cut."""
        return x >= self.value if self.ties_up else x > self.value

    @property
    def op_high(self) -> str:
        """The comparison shown in reasons for the high side."""
        return "≥" if self.ties_up else ">"

    @property
    def op_low(self) -> str:
        """The comparison shown in reasons for the low side."""
        return "<" if self.ties_up else "≤"

    def to_json(self) -> float | None:
        """The threshold for ``thresholds`` (None when there is none)."""
        return None if self.value == float("inf") else self.value


@dataclass(frozen=True)
class Split:
    """The cuts of one feature, whether zeros were left out, and the notes."""

    cuts: list[Cut]
    zeros_excluded: bool
    notes: list[Message]


@dataclass(frozen=True)
class QuantileRequest:
    """The quantile cuts one scheme will ask :func:`quantile_cuts` for."""

    population: ir.BooleanValue
    feature: str
    qs: tuple[float, ...]
    scheme: str


_PREFETCHED: ContextVar[dict[tuple[Any, ...], Split] | None] = ContextVar(
    "custseg_prefetched_cuts", default=None
)


def _key(features: ir.Table, request: QuantileRequest) -> tuple[Any, ...]:
    return (features.op(), request.population.op(), request.feature, request.qs, request.scheme)


@contextmanager
def prefetched_cuts(features: ir.Table, requests: Sequence[QuantileRequest]) -> Iterator[None]:
    """Within the block, :func:`quantile_cuts` answers ``requests`` from three batched queries.

    The cuts of every request are computed together (statistics, quantiles, tie counts: one
    aggregate query each over ``features``) instead of three queries per request; each cut is
    the same as :func:`quantile_cuts` computes alone.
    """
    unique = list({_key(features, r): r for r in requests}.values())
    found = _batched_cuts(features, unique) if unique else []
    memo = {_key(features, r): split for r, split in zip(unique, found, strict=True)}
    token = _PREFETCHED.set(memo)
    try:
        yield
    finally:
        _PREFETCHED.reset(token)


def quantile_cuts(
    features: ir.Table,
    population: ir.BooleanValue,
    feature: str,
    qs: list[float],
    scheme: str,
) -> Split:
    """The cuts of ``feature`` at the quantiles ``qs`` (ascending) by the module's rule."""
    request = QuantileRequest(population, feature, tuple(qs), scheme)
    memo = _PREFETCHED.get()
    if memo is not None:
        found = memo.get(_key(features, request))
        if found is not None:
            return found
    return _batched_cuts(features, [request])[0]


def _batched_cuts(features: ir.Table, requests: Sequence[QuantileRequest]) -> list[Split]:
    """The :class:`Split` of each request, in three aggregate queries over ``features``."""
    values = [features[r.feature].cast("float64") for r in requests]
    bases = [r.population.fill_null(False) & v.notnull() for r, v in zip(requests, values)]
    stats = _one_row(
        features,
        {
            f"{name}{i}": agg
            for i, (v, b) in enumerate(zip(values, bases, strict=True))
            for name, agg in (
                ("n", v.count(where=b)),
                ("lo", v.min(where=b)),
                ("zeros", (v == 0).sum(where=b)),
                ("pos", (v > 0).sum(where=b)),
            )
        },
    )
    kept: dict[int, tuple[ir.NumericValue, ir.BooleanValue, int, bool, int]] = {}
    for i, (v, b) in enumerate(zip(values, bases, strict=True)):
        n_all = int(stats[f"n{i}"] or 0)
        zeros, positives = int(stats[f"zeros{i}"] or 0), int(stats[f"pos{i}"] or 0)
        if n_all == 0:
            continue
        drop_zeros = (stats[f"lo{i}"] or 0) >= 0 and zeros > 0 and positives > 0
        kept[i] = (v, b & (v > 0) if drop_zeros else b, n_all, drop_zeros, zeros)
    found = _one_row(
        features,
        {
            f"q{i}_{j}": v.quantile(q, where=b)
            for i, (v, b, *_rest) in kept.items()
            for j, q in enumerate(requests[i].qs)
        },
    )
    thresholds = {
        i: [float(found[f"q{i}_{j}"]) for j in range(len(requests[i].qs))] for i in kept
    }
    counts = _one_row(
        features,
        {
            name: agg
            for i, (v, b, *_rest) in kept.items()
            for name, agg in (
                (f"n{i}", v.count(where=b)),
                *((f"lt{i}_{j}", (v < t).sum(where=b)) for j, t in enumerate(thresholds[i])),
                *((f"le{i}_{j}", (v <= t).sum(where=b)) for j, t in enumerate(thresholds[i])),
            )
        },
    )
    out = []
    for i, request in enumerate(requests):
        if i not in kept:
            out.append(Split([Cut(float("inf")) for _ in request.qs], False, []))
            continue
        _v, _b, n_all, drop_zeros, zeros = kept[i]
        tie_counts = [
            (int(counts[f"lt{i}_{j}"] or 0), int(counts[f"le{i}_{j}"] or 0))
            for j in range(len(request.qs))
        ]
        out.append(
            _split_of(
                request, thresholds[i], tie_counts, int(counts[f"n{i}"]), n_all, drop_zeros, zeros
            )
        )
    return out


def _one_row(features: ir.Table, aggregates: dict[str, ir.Scalar]) -> dict[str, Any]:
    if not aggregates:
        return {}
    return dict(features.aggregate(**aggregates).to_pyarrow().to_pylist()[0])


def _split_of(
    request: QuantileRequest,
    values: list[float],
    tie_counts: list[tuple[int, int]],
    n: int,
    n_all: int,
    drop_zeros: bool,
    zeros: int,
) -> Split:
    """The cuts at the exact quantiles ``values``, ties placed by the module's rule."""
    scheme, feature, qs = request.scheme, request.feature, request.qs
    cuts: list[Cut] = []
    notes: list[Message] = []
    below_previous = 0
    for i, (q, t) in enumerate(zip(qs, values, strict=True)):
        lt, le = tie_counts[i]
        # A later cut at the same value may not send the ties up once an earlier one sent
        # them down: its threshold would fall below the earlier one.
        after_down = bool(cuts) and cuts[-1].value == t and not cuts[-1].ties_up
        up = not after_down and _ties_go_up(lt, le, q * n, n, below_previous)
        below_previous = lt if up else le
        cuts.append(Cut(t, ties_up=up))
        actual = below_previous / n
        tied = le - lt
        if tied > 1 and abs(actual - q) > TIE_TOLERANCE:
            notes.append(_tied_note(scheme, feature, t, tied, up, 1 - q, 1 - actual))
    if drop_zeros and zeros >= ZERO_NOTE_SHARE * n_all:
        params = {"scheme": scheme, "feature": feature, "customers": zeros}
        params["feature_label"] = feature_message(feature)
        notes.insert(0, Message("schemes_d_zero_excluded", params))
    return Split(cuts, drop_zeros, notes)


def _ties_go_up(lt: int, le: int, target: float, n: int, below_previous: int) -> bool:
    """Whether the customers tied at a cut go to its high side (rule 3 of the module).

    ``lt`` / ``le`` are the customers below the cut with the ties sent up / down. A side that
    would leave a class empty (nobody below the cut, nobody above it, or nobody between this
    cut and the previous one) is taken only when the other side does too.
    """
    up_empties = lt in (0, n) or lt <= below_previous
    down_empties = le in (0, n) or le <= below_previous
    if up_empties != down_empties:
        return not up_empties
    return abs(lt - target) <= abs(le - target)


def _tied_note(
    scheme: str, feature: str, value: float, tied: int, up: bool, designed: float, actual: float
) -> Message:
    """The diagnostic of a cut that lands on a value shared by ``tied`` customers."""
    return Message(
        "schemes_d_tied_split",
        {
            "scheme": scheme,
            "feature": feature,
            "feature_label": feature_message(feature),
            "value": fmt(value),
            "customers": tied,
            "side": Message("schemes_side_high" if up else "schemes_side_low"),
            "designed": share_text(designed),
            "actual": share_text(actual),
        },
    )


def fixed_cuts(values: list[float]) -> Split:
    """Fixed thresholds: a value equal to a threshold is on its high side."""
    return Split([Cut(float(c)) for c in values], False, [])


__all__ = [
    "Cut",
    "QuantileRequest",
    "Split",
    "fixed_cuts",
    "prefetched_cuts",
    "quantile_cuts",
]
