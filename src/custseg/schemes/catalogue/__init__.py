"""The built-in classification system: every scheme of the domain with zero-config defaults."""

from __future__ import annotations

from functools import cache
from importlib import resources

from custseg.schemes.config import ClassificationSystem
from custseg.schemes.loader import parse_system

DEFAULT_FILE = "default.yaml"


def default_catalogue_text() -> str:
    """The YAML text of the built-in catalogue (a starting point to customise)."""
    return resources.files(__package__).joinpath(DEFAULT_FILE).read_text(encoding="utf-8")


@cache
def _load() -> ClassificationSystem:
    return parse_system(default_catalogue_text(), source_name=DEFAULT_FILE)


def load_default_system() -> ClassificationSystem:
    """The built-in classification system (a fresh copy each call)."""
    return _load().model_copy(deep=True)


__all__ = ["default_catalogue_text", "load_default_system"]
