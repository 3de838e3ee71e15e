"""``attribute``: classes from a customer attribute (nature, business type, industry, region).

Values are compared as text, stripped and lower-cased. With a ``mapping`` (class -> values), a
value in no list gets ``other_class``; a null or blank value gets ``missing_class``. With
``classes: auto`` each distinct value becomes a class (the ``max_classes`` most frequent; the
rest -> ``other_class``), keyed by :func:`slugify` (the value itself when it is a clean key,
Chinese included) and labelled with the value; the key -> label map is returned in
``Assignment.thresholds["classes"]``. There is no score.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

import ibis
import ibis.expr.types as ir

from custseg.i18n import Message
from custseg.schemes.config_kinds import AttributeScheme, normalise_value
from custseg.schemes.kinds.base import Assignment, empty_class_check, finish
from custseg.schemes.kinds.reasons import code


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
    raw = features[scheme.feature].cast("string").strip()
    feat = scheme.feature
    unplaced = (
        code("schemes_r_attr_rare", feat, raw, str(scheme.max_classes))
        if scheme.auto
        else code("schemes_r_attr_unmapped", feat, raw)
    )
    reason = ibis.cases(
        (blank, code("schemes_r_attr_empty", feat)),
        *[(c, code("schemes_r_attr_mapped", feat, raw, key)) for c, key in cases],
        else_=unplaced,
    )
    table = finish(features, class_key, None, reason)
    notes: list[Message | str] = []
    check = None if scheme.auto else empty_class_check(scheme, list(groups))
    if not scheme.auto and not scheme.mapping:
        notes.append(
            Message(
                "schemes_d_empty_mapping",
                {"scheme": scheme.name, "feature": scheme.feature, "cls": other},
            )
        )
    thresholds = {"classes": labels} if scheme.auto else {}
    return Assignment(table=table, diagnostics=notes, thresholds=thresholds, empty_check=check)


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
    """A readable class key for any value.

    The value itself when it is already a clean key (``manufacturing``, ``制造业``: letters,
    digits and ``_``, starting with a letter); otherwise a slug: lower-cased, every run of
    other characters (spaces, punctuation) turned into one ``_``, a leading ``v_`` when it would
    start with a digit (``'IT 服务'`` -> ``'it_服务'``, ``'2 级'`` -> ``'v_2_级'``). Longer than 64
    characters: cut, with 8 hex digits of its hash for uniqueness.
    """
    text = unicodedata.normalize("NFKC", value).strip().lower()
    key = re.sub(r"[\W]+", "_", text, flags=re.UNICODE).strip("_") or "blank"
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
