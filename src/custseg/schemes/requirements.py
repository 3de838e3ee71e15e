"""Whether a scheme can run on the data at hand (``requires``): "no payments -> no credit grade"."""

from __future__ import annotations

from custseg.schemes.scheme_base import SchemeBase
from custseg.tables import TABLE_NAMES


def missing_requirements(
    scheme: SchemeBase, available_tables: set[str], non_null_features: set[str]
) -> list[str]:
    """Human reasons why ``scheme`` cannot run; empty when every requirement is met.

    A requirement naming an input table needs that table to exist; any other name is a feature
    that must be non-null for at least one customer.
    """
    reasons = []
    for name in scheme.requires:
        if name in TABLE_NAMES:
            if name not in available_tables:
                reasons.append(
                    f"needs the {name} table, which has not been ingested "
                    f"(custseg ingest {name} <file>)"
                )
        elif name not in non_null_features:
            reasons.append(f"needs feature {name!r}, which is empty for every customer")
    return [*reasons, *scheme.unmet_requirements()]
