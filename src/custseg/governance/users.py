"""Who is acting: an explicit user, else $CUSTSEG_USER, else the login name, else ``system``."""

from __future__ import annotations

import getpass
import os

SYSTEM_USER = "system"


def current_user(explicit: str | None = None) -> str:
    """The acting user's name (``explicit`` when given and not blank)."""
    for candidate in (explicit, os.environ.get("CUSTSEG_USER")):
        if candidate and candidate.strip():
            return candidate.strip()
    try:
        name = getpass.getuser()
    except Exception:  # no login name in some containers and services
        return SYSTEM_USER
    return name.strip() or SYSTEM_USER
