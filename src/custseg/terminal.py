"""Terminal safety: data reaches the console as plain, visible text.

Customer names, ids, owners, industries, labels, notes and file names come from users' files;
printed through Rich they must never be read as markup (``[/]`` would crash the command) and
must never carry control characters or escape sequences (ANSI colours, OSC-8 links, cursor
moves) to the terminal. :func:`shown` is the one door for data into console output.
"""

from __future__ import annotations

import math
import sys
from typing import Any

from rich.markup import escape

_VISIBLE: dict[int, str] = {code: chr(0x2400 + code) for code in range(0x20)}
"""C0 control characters shown as their Unicode control pictures (ESC as ␛, NUL as ␀)."""
_VISIBLE[0x7F] = "\u2421"  # DEL as ␡
for _code in range(0x80, 0xA0):  # C1 controls (CSI, OSC, ...) as their escaped form
    _VISIBLE[_code] = f"\\x{_code:02x}"
for _code in (*range(0x200E, 0x2010), *range(0x202A, 0x202F), *range(0x2066, 0x206A)):
    _VISIBLE[_code] = f"\\u{_code:04x}"  # bidirectional overrides: shown, not obeyed


_KEEP_LINES = {**_VISIBLE, 0x0A: "\n"}


def visible(value: Any, *, keep_newlines: bool = False) -> str:
    """``value`` as text, every control character and bidi override shown; missing as empty."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or _is_pandas_na(value):
        return ""
    return str(value).translate(_KEEP_LINES if keep_newlines else _VISIBLE)


def _is_pandas_na(value: Any) -> bool:
    # pd.NA can only exist once pandas is loaded; the console must not load it for a check.
    pandas = sys.modules.get("pandas")
    return pandas is not None and value is pandas.NA


def shown(value: Any, *, keep_newlines: bool = False) -> str:
    """``value`` as text to put in Rich markup (f-strings, table cells): escaped and visible.

    Missing values (``None``, NaN, ``pd.NA``) are shown as an empty string. ``keep_newlines``
    keeps line breaks (for messages of several lines, e.g. an error that quotes data).
    """
    return escape(visible(value, keep_newlines=keep_newlines))
