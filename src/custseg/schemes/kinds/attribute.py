"""``attribute``: classes from a customer attribute (nature, business type, industry, region).

Values are compared as text, stripped and lower-cased. With a ``mapping`` (class -> values), a
value in no list gets ``other_class``; a null or blank value gets ``missing_class``. With
``classes: auto`` each distinct value becomes a class (the ``max_classes`` most frequent; the
rest -> ``other_class``), keyed by :func:`slugify` and labelled with the value; the key -> label
map is returned in ``Assignment.thresholds["classes"]``. There is no score.
"""

from __future__ import annotations

import hashlib
import re

import ibis
import ibis.expr.types as ir

from custseg.schemes.config_kinds import AttributeScheme, normalise_value
from custseg.schemes.kinds.base import Assignment, class_counts, concat, empty_class_notes, finish


def assign(features: ir.Table, scheme: AttributeScheme) -> Assignment:
    """Classify each customer of ``features`` by the value of ``scheme.feature``."""
    norm = features[scheme.feature].cast("string").strip().lower()
    blank = norm.isnull() | (norm == "")
    labels: dict[str, str] = {}
    if scheme.auto:
        labels, groups = _auto_classes(features, scheme, norm, blank)
    else:
        groups = {
            key: sorted({normalise_value(v) for v in values})
            for key, values in scheme.mapping.items()
        }
    other, missing = scheme.other_class or "", scheme.missing_class or ""
    cases = [(norm.isin(values), key) for key, values in groups.items() if values]
    class_key = ibis.cases((blank, missing), *cases, else_=other)
    shown = concat(f"{scheme.feature} '", features[scheme.feature].cast("string").strip(), "'")
    reason = ibis.cases(
        (blank, concat(f"{scheme.feature} is empty")),
        *[(c, concat(shown, f" -> {key}")) for c, key in cases],
        else_=concat(
            shown,
            " is not mapped"
            if not scheme.auto
            else f" is not among the {scheme.max_classes} most frequent values",
        ),
    )
    table = finish(features, class_key, None, reason)
    counts = class_counts(table)
    notes = [] if scheme.auto else empty_class_notes(counts, scheme, list(groups))
    if not scheme.auto and not scheme.mapping:
        notes.append(f"the mapping is empty: every non-empty {scheme.feature} is {other!r}")
    thresholds = {"classes": labels} if scheme.auto else {}
    return Assignment(table=table, diagnostics=notes, thresholds=thresholds)


def _auto_classes(
    features: ir.Table, scheme: AttributeScheme, norm: ir.StringValue, blank: ir.BooleanValue
) -> tuple[dict[str, str], dict[str, list[str]]]:
    """One class per frequent value: (key -> label, key -> [normalised value]). One query."""
    t = features.filter(~blank).mutate(
        _v=norm, _raw=features[scheme.feature].cast("string").strip()
    )
    rows = (
        t.group_by("_v")
        .aggregate(n=t.count(), label=t._raw.min())
        .order_by([ibis.desc("n"), "_v"])
        .limit(scheme.max_classes)
        .to_pyarrow()
        .to_pylist()
    )
    labels: dict[str, str] = {}
    groups: dict[str, list[str]] = {}
    taken = set(scheme.class_keys)
    for row in sorted(rows, key=lambda r: r["_v"]):
        key = _unique(slugify(row["_v"]), taken)
        taken.add(key)
        labels[key], groups[key] = row["label"], [row["_v"]]
    return labels, groups


def slugify(value: str) -> str:
    """An ASCII class key for any value: ``'IT 服务'`` -> ``'it_u670d_u52a1'`` (reversible)."""
    parts: list[str] = []
    for ch in value.strip().lower():
        if ch.isascii() and ch.isalnum():
            parts.append(ch)
        elif not ch.isascii() and not ch.isspace():
            parts.append(f"_u{ord(ch):04x}_")
        else:
            parts.append("_")
    key = re.sub(r"_+", "_", "".join(parts)).strip("_") or "blank"
    if not key[0].isalpha():
        key = f"v_{key}"
    if len(key) > 64:
        key = f"{key[:55]}_{hashlib.sha256(value.encode()).hexdigest()[:8]}"
    return key


def _unique(key: str, taken: set[str]) -> str:
    candidate, n = key, 2
    while candidate in taken:
        candidate, n = f"{key[:60]}_{n}", n + 1
    return candidate
