"""The feature table: one row per customer, as of a date, computed as Ibis expressions.

Public API: :func:`build_feature_table`, :func:`build_category_shares`,
:func:`available_tables`, :class:`FeatureParameters`, :data:`FEATURES` (:class:`FeatureSpec`),
:func:`get_feature`, :func:`render_feature_docs`.
"""

from __future__ import annotations

from custseg.features.docs import render_feature_docs
from custseg.features.mix import build_category_shares
from custseg.features.params import DEFAULT_REGIONS, MACRO_REGIONS, FeatureParameters
from custseg.features.registry import FEATURE_NAMES, FEATURES, FeatureSpec, get_feature
from custseg.features.table import available_tables, build_feature_table

__all__ = [
    "DEFAULT_REGIONS",
    "FEATURES",
    "FEATURE_NAMES",
    "FeatureParameters",
    "FeatureSpec",
    "MACRO_REGIONS",
    "available_tables",
    "build_category_shares",
    "build_feature_table",
    "get_feature",
    "render_feature_docs",
]
