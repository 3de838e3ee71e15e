"""Who is acting, and how user names are compared.

:func:`current_user` is the one place that decides the acting user: ``--user`` when given,
else ``$CUSTSEG_USER``, else the login name, else ``system``. (When workspaces get real users
with passwords, this is the function to replace: it should return the authenticated user.)

Every name goes through :func:`normalise_user` before it is stored or compared:

- Unicode NFKC, then case-folded, then NFKC again (so ``Alice``, ``ALICE`` and full-width
  ``Ａｌｉｃｅ`` are one user, ``alice``), surrounding spaces removed, inner runs of spaces
  made one;
- refused: an empty name, a name over :data:`MAX_USER_LENGTH` characters, control or invisible
  characters, and a name whose letters come from more than one script (a Cyrillic ``о`` in a
  Latin ``bob`` is a homoglyph, not another user). Han, Hiragana, Katakana and Hangul count as
  one script, so Chinese, Japanese and Korean names work; digits and ``. _ - @ '`` and spaces go
  with any script.
"""

from __future__ import annotations

import getpass
import os
import re
import unicodedata

from custseg.errors import GovernanceError
from custseg.i18n import Message

SYSTEM_USER = "system"
USER_ENV = "CUSTSEG_USER"
MAX_USER_LENGTH = 64
"""Longest user name, in characters after normalisation."""

_CJK_SCRIPTS = frozenset({"CJK", "HIRAGANA", "KATAKANA", "HANGUL", "IDEOGRAPHIC"})
_ALLOWED_MARKS = frozenset(".-_@' ")
_SPACES = re.compile(r"\s+")


def current_user(explicit: str | None = None) -> str:
    """The acting user's normalised name: ``explicit``, else $CUSTSEG_USER, else the login name.

    GovernanceError when the chosen name is not acceptable (see :func:`normalise_user`).
    """
    for source, candidate in (("--user", explicit), (USER_ENV, os.environ.get(USER_ENV))):
        if candidate is not None and candidate.strip():
            return normalise_user(candidate, source=source)
    try:
        name = getpass.getuser()
    except Exception:  # no login name in some containers and services
        return SYSTEM_USER
    if not name.strip():
        return SYSTEM_USER
    return normalise_user(name, source="login name")


def normalise_user(name: str, *, source: str = "user") -> str:
    """``name`` in the form used for storing and comparing; GovernanceError if it is refused."""
    text = fold_user(name)
    if not text:
        raise _refused(name, source, Message("config_user_empty"))
    if len(text) > MAX_USER_LENGTH:
        raise _refused(name, source, Message("config_user_too_long", {"limit": MAX_USER_LENGTH}))
    for ch in text:
        if unicodedata.category(ch)[0] in ("C", "Z") and ch != " ":
            code = f"U+{ord(ch):04X}"
            raise _refused(name, source, Message("config_user_control", {"code": code}))
    scripts = sorted(scripts_of(text))
    if len(scripts) > 1:
        shown = ", ".join(s.title() for s in scripts)
        raise _refused(name, source, Message("config_user_mixed", {"scripts": shown}))
    return text


def fold_user(name: str) -> str:
    """NFKC, case-folded, NFKC; spaces trimmed and collapsed (no checks: for stored names)."""
    text = unicodedata.normalize("NFKC", str(name))
    text = unicodedata.normalize("NFKC", text.casefold())
    return _SPACES.sub(" ", text).strip()


def same_user(a: str | None, b: str | None) -> bool:
    """Whether two names (stored or given) are the same user after folding."""
    if a is None or b is None:
        return False
    return fold_user(a) == fold_user(b)


def scripts_of(text: str) -> set[str]:
    """The scripts of the letters of ``text`` (from their Unicode names; CJK scripts as one)."""
    found: set[str] = set()
    for ch in text:
        if ch.isdigit() or ch in _ALLOWED_MARKS or not unicodedata.category(ch).startswith("L"):
            continue
        script = unicodedata.name(ch, "UNKNOWN").split()[0]
        found.add("CJK" if script in _CJK_SCRIPTS else script)
    return found


def _refused(name: str, source: str, reason: Message) -> GovernanceError:
    shown = name if len(name) <= 40 else name[:37] + "..."
    return GovernanceError(
        Message("config_user_refused", {"source": source, "name": shown, "reason": reason})
    )
