"""What every assigner returns, and the small Ibis pieces the kinds share."""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import ibis
import ibis.expr.types as ir

from custseg.i18n import Message
from custseg.schemes.expr import compile_predicate
from custseg.schemes.scheme_base import SchemeBase

OUTPUT_COLUMNS = ("customer_id", "class_key", "score", "reason")


@dataclass(frozen=True)
class EmptyClassCheck:
    """Which designed classes of a scheme the empty-class note looks at.

    Counting a scheme's classes executes the scheme's query; a run counts every scheme's classes
    at once from its staged assignments instead and hands the counts to
    :meth:`Assignment.notes`.
    """

    scheme: str
    classes: tuple[str, ...]

    def notes(self, counts: Mapping[str, int]) -> list[Message]:
        """The note listing the classes that received no customer (none when all did)."""
        empty = [k for k in self.classes if counts.get(k, 0) == 0]
        if not empty:
            return []
        params = {"scheme": self.scheme, "n": len(empty), "classes": ", ".join(empty)}
        return [Message("schemes_d_empty_classes", params)]


class Assignment:
    """The result of one scheme over a feature table.

    ``table`` has one row per input customer: ``customer_id``, ``class_key`` (string, never
    null), ``score`` (float64, may be null) and ``reason`` (a reason code, see
    :mod:`custseg.schemes.kinds.reasons`, rendered in the reader's language).
    ``diagnostics`` are notes as :class:`~custseg.i18n.Message` (ties at a cut, degenerate
    bins, empty classes, dropped indicators...; plain strings are accepted and wrapped);
    ``thresholds`` the cut values actually used (JSON-serialisable). ``empty_check`` names the
    classes whose emptiness is noted last: reading ``diagnostics`` counts them (one query),
    :meth:`notes` takes counts made elsewhere.
    """

    __slots__ = ("_counted", "_notes", "empty_check", "table", "thresholds")

    def __init__(
        self,
        table: ir.Table,
        diagnostics: Sequence[Message | str] = (),
        thresholds: dict[str, Any] | None = None,
        *,
        empty_check: EmptyClassCheck | None = None,
    ) -> None:
        self.table = table
        self._notes: list[Message | str] = list(diagnostics)
        self.thresholds: dict[str, Any] = dict(thresholds or {})
        self.empty_check = empty_check
        self._counted: list[Message | str] | None = None

    def on(self, table: ir.Table) -> Assignment:
        """The same assignment (notes, thresholds, empty-class check) with ``table``."""
        return Assignment(
            table,
            self._notes,
            copy.deepcopy(self.thresholds),
            empty_check=self.empty_check,
        )

    @property
    def diagnostics(self) -> list[Message | str]:
        """Every note, the empty-class note included (the classes are counted once here)."""
        if self._counted is None:
            counts = class_counts(self.table) if self.empty_check is not None else {}
            self._counted = self.notes(counts)
        return list(self._counted)

    def notes(self, counts: Mapping[str, int]) -> list[Message | str]:
        """Every note, the empty-class note made from ``counts`` (customers per class key)."""
        if self.empty_check is None:
            return list(self._notes)
        return [*self._notes, *self.empty_check.notes(counts)]


def finish(
    features: ir.Table, class_key: ir.Value, score: ir.Value | None, reason: ir.Value
) -> ir.Table:
    """Select the four output columns, with their contract types."""
    return features.select(
        customer_id=features.customer_id.cast("string"),
        class_key=class_key.cast("string"),
        score=(score if score is not None else ibis.null()).cast("float64"),
        reason=reason.cast("string"),
    )


def in_population(features: ir.Table, where: str | None, scheme: str) -> ir.BooleanValue:
    """The ``where`` condition as a never-null boolean (true for everyone when absent)."""
    if not where:
        return ibis.literal(True)
    return compile_predicate(where, features, where=f"{scheme}.where")


def number_text(value: ir.NumericValue) -> ir.StringValue:
    """A number as text for reasons: rounded to 2 decimals, ``null`` shown as ``null``.

    Rounded to 6 decimals first, so that float noise from summation order (1e-12) never flips
    the second decimal between two runs on the same data.
    """
    return value.cast("float64").round(6).round(2).cast("string").fill_null("null")


def fmt(value: float | None) -> str:
    """A threshold as text for reasons: ``1,234.5`` (at most 2 decimals)."""
    if value is None:
        return "null"
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return text if text not in ("-0", "") else "0"


def concat(*parts: str | ir.StringValue) -> ir.StringValue:
    """Concatenate literal text and string expressions."""
    out: ir.StringValue = ibis.literal("")
    for part in parts:
        out = out + (ibis.literal(part) if isinstance(part, str) else part)
    return out


def class_counts(table: ir.Table) -> dict[str, int]:
    """Customers per class key (one eager query)."""
    counts = table.group_by("class_key").aggregate(n=table.count()).to_pyarrow().to_pylist()
    return {row["class_key"]: int(row["n"]) for row in counts}


def empty_class_check(scheme: SchemeBase, keys: Sequence[str] | None = None) -> EmptyClassCheck:
    """The check for classes (of ``keys``, default all) that received no customer."""
    wanted = scheme.class_keys if keys is None else list(keys)
    return EmptyClassCheck(scheme.name, tuple(wanted))


def share_text(value: float) -> str:
    """A share as ``42.5%`` for notes."""
    return f"{value * 100:.1f}%".replace(".0%", "%")


def feature_message(name: str) -> Message | str:
    """A feature's name as a message that renders its label per language (or the name)."""
    from custseg.i18n import has_word

    key = f"schemes_feat_{name}"
    return Message(key) if has_word(key) else name
