"""Sheet names and print set-up shared by the workbooks custseg writes (reports, action lists)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from xlsxwriter.worksheet import Worksheet

MAX_SHEET_NAME = 31
_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def sheet_names(wanted: Iterable[str], taken: Iterable[str] = ()) -> list[str]:
    """Valid, unique Excel sheet names for ``wanted`` (at most 31 characters, none of []:*?/)."""
    used = {name.lower() for name in taken}
    out: list[str] = []
    for raw in wanted:
        base = _FORBIDDEN.sub("_", raw).strip("'") or "sheet"
        name = base[:MAX_SHEET_NAME]
        n = 2
        while name.lower() in used:
            suffix = f" ({n})"
            name = base[: MAX_SHEET_NAME - len(suffix)] + suffix
            n += 1
        used.add(name.lower())
        out.append(name)
    return out



def printable(sheet: Worksheet) -> Worksheet:
    """Set ``sheet`` to print on A4 landscape, one page wide (as many pages tall as needed)."""
    sheet.set_paper(9)
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)
    return sheet
