"""Turn what a caller passes as a system (object, YAML path, nothing) into a system."""

from __future__ import annotations

from pathlib import Path

from custseg.schemes.catalogue import load_default_system
from custseg.schemes.config import ClassificationSystem
from custseg.schemes.loader import load_system


def resolve_system(system: ClassificationSystem | str | Path | None) -> ClassificationSystem:
    """The system itself, the one in a YAML file, or the built-in one when ``system`` is None."""
    if system is None:
        return load_default_system()
    if isinstance(system, ClassificationSystem):
        return system
    return load_system(Path(system))
