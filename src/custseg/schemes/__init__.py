"""The classification system (客户分类体系): YAML models, loading, linting and the scheme kinds.

Public API::

    load_system(path_or_text) -> ClassificationSystem     # ConfigError with file:line per problem
    load_default_system() -> ClassificationSystem         # the built-in catalogue
    system_hash(system) -> str                            # sha256 of the canonical JSON
    lint_system(system, feature_names) -> list[str]       # UnknownNameError / warnings
    missing_requirements(scheme, tables, non_null) -> list[Message]
    kinds.ASSIGNERS[kind](features, scheme) -> Assignment
"""

from __future__ import annotations

from custseg.schemes._model_base import ClassDef, Strategy, Text
from custseg.schemes.catalogue import default_catalogue_text, load_default_system
from custseg.schemes.config import SCHEME_MODELS, ClassificationSystem, Scheme
from custseg.schemes.config_kinds import (
    AttributeScheme,
    MatrixScheme,
    ParetoScheme,
    RulesScheme,
    ScoreScheme,
    TiersScheme,
)
from custseg.schemes.kinds import ASSIGNERS, Assignment
from custseg.schemes.lint import lint_system
from custseg.schemes.loader import dump_system, load_system, parse_system, system_hash
from custseg.schemes.requirements import missing_requirements
from custseg.schemes.scheme_base import SchemeBase

__all__ = [
    "ASSIGNERS",
    "SCHEME_MODELS",
    "Assignment",
    "AttributeScheme",
    "ClassDef",
    "ClassificationSystem",
    "MatrixScheme",
    "ParetoScheme",
    "RulesScheme",
    "Scheme",
    "SchemeBase",
    "ScoreScheme",
    "Strategy",
    "Text",
    "TiersScheme",
    "default_catalogue_text",
    "dump_system",
    "lint_system",
    "load_default_system",
    "load_system",
    "missing_requirements",
    "parse_system",
    "system_hash",
]
