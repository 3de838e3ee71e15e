"""Whether a scheme can run on the data at hand: "no payments -> no credit grade".

A scheme is skipped, with the reason, when its deciding input is absent or empty: a table
named in ``requires`` that has not been ingested, a feature named in ``requires`` that is null
for every customer, and - without being listed - the feature an ``attribute`` scheme classifies
by (no customer table, or the column empty: the scheme would otherwise put everybody in its
"missing" class). A ``score`` scheme is skipped only when none of its indicators has data; an
indicator without data is dropped by the scheme itself (see :mod:`custseg.schemes.kinds.score`).
"""

from __future__ import annotations

from custseg.i18n import Message
from custseg.schemes.scheme_base import SchemeBase
from custseg.tables import TABLE_NAMES


def missing_requirements(
    scheme: SchemeBase, available_tables: set[str], non_null_features: set[str]
) -> list[Message]:
    """Why ``scheme`` cannot run, as messages; empty when every requirement is met.

    A requirement naming an input table needs that table to exist; any other name is a feature
    that must be non-null for at least one customer.
    """
    names = list(dict.fromkeys([*scheme.requires, *_implicit_features(scheme)]))
    missing_tables = [n for n in names if n in TABLE_NAMES and n not in available_tables]
    reasons = [Message("schemes_skip_table", {"table": n}) for n in missing_tables]
    for name in names:
        if name in TABLE_NAMES or name in non_null_features:
            continue
        if _source_table(name) in missing_tables:
            continue  # the missing table already says why the feature is empty
        label = Message(f"schemes_feat_{name}") if _has_label(name) else name
        reasons.append(Message("schemes_skip_feature", {"feature": name, "label": label}))
    indicators = [i.feature for i in getattr(scheme, "indicators", None) or []]
    if indicators and not any(f in non_null_features for f in indicators):
        reasons.append(Message("schemes_skip_no_indicator", {"features": ", ".join(indicators)}))
    return [*reasons, *(Message("schemes_text", {"text": r}) for r in scheme.unmet_requirements())]


def _implicit_features(scheme: SchemeBase) -> list[str]:
    """Features a kind cannot do without, whether or not ``requires`` lists them."""
    if scheme.kind == "attribute":
        return [str(scheme.feature)]
    return []


def _has_label(name: str) -> bool:
    from custseg.i18n import has_word

    return has_word(f"schemes_feat_{name}")


def _source_table(feature: str) -> str | None:
    """The input table a feature is computed from (None: always present or unknown)."""
    from custseg.features.registry import FEATURES

    return next((f.requires for f in FEATURES if f.name == feature), None)
