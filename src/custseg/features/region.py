"""Region scope (地理位置): local, regional or national relative to the enterprise's home.

- ``local``: the customer's city is ``home_city``; without a home city, its region (province)
  is ``home_region``.
- ``regional``: otherwise, its province lies in the same macro-region (大区) as ``home_region``
  (mapping ``FeatureParameters.regions``).
- ``national``: otherwise, when both macro-regions are known and differ, or the customer's
  province is not in the mapping.
- null: no home configured, no region (and no matching city), or the home macro-region unknown.
Comparisons ignore case, surrounding spaces and administrative suffixes (省, 市, 自治区 …), but
not the language: ``Guangdong`` is not the same name as ``广东`` (both map to 华南, so such a
customer is ``regional``); write ``home_region``/``home_city`` as the data writes them.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from custseg.features._context import BuildContext
from custseg.features.params import REGION_SUFFIX_PATTERN, normalise_region


def _normalised(value: ir.StringValue) -> ir.StringValue:
    return value.strip().lower().re_replace(REGION_SUFFIX_PATTERN, "")


def finish(t: ir.Table, ctx: BuildContext) -> dict[str, ir.Value]:
    """The ``region_scope`` column."""
    params = ctx.parameters
    null = ibis.null("string")
    region = _normalised(t.region)
    if params.home_city is not None:
        is_local = _normalised(t.city) == normalise_region(params.home_city)
    elif params.home_region is not None:
        is_local = region == normalise_region(params.home_region)
    else:
        return {"region_scope": null}
    home_macro = params.home_macro_region()
    if home_macro is None:
        other = null
    else:
        macro = region.substitute(params.region_lookup(), else_=null)
        other = ibis.cases(
            (t.region.isnull(), null),
            (macro == home_macro, ibis.literal("regional")),
            else_=ibis.literal("national"),
        )
    return {"region_scope": is_local.fill_null(False).ifelse(ibis.literal("local"), other)}
