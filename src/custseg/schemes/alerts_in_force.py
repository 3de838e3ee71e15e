"""The alerts in force for a system: its own, or the built-in catalogue's that fit its schemes.

This sits above both :mod:`custseg.schemes.config_alerts` (the alert model) and the catalogue
(which is parsed with that model), so neither needs the other at import time.
"""

from __future__ import annotations

from custseg.schemes.catalogue import load_default_system
from custseg.schemes.config_alerts import AlertRule, fits


def effective_alerts(system: object) -> list[AlertRule]:
    """The alerts in force for ``system``.

    Its own list, or (without an ``alerts`` key) the catalogue's built-in alerts whose scheme
    and classes exist in it.
    """
    own = getattr(system, "alerts", None)
    if own is not None:
        return list(own)
    return [a for a in builtin_alerts() if fits(a, getattr(system, "schemes", []))]


def builtin_alerts() -> list[AlertRule]:
    """The alerts defined in the built-in catalogue."""
    return list(load_default_system().alerts or [])
