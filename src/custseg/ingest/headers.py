"""What the headers of a file say: which line is the header, what a wrong header should be.

``header_scorer`` tells whether a header is recognised (used to find the header row below report
titles); ``missing_columns_error`` suggests a ``--map`` per unknown header that resembles a known
field (difflib's ratio on the normalised aliases), never the whole header line.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Sequence

from custseg.errors import ErrorCode, InputDataError
from custseg.i18n import Message
from custseg.ingest.aliases import ALIASES, alias_index, header_keys, normalise_header, quote_all
from custseg.tables import TableName


def header_scorer(table: TableName) -> Callable[[str], bool]:
    """Return a test of whether a header is recognised for ``table`` (to find the header row)."""
    index = alias_index(table)
    extra = {normalise_header(a) for a in ALIASES["order_id"]} if table == "payments" else set()

    def known(header: str) -> bool:
        return any(key in index or key in extra for key in header_keys(header))

    return known


def suggest_mappings(
    headers: Iterable[str], table: TableName, used: Iterable[str], wanted: Sequence[str]
) -> list[str]:
    """Return ``--map 'HEADER=FIELD'`` suggestions: each unused header's closest known field.

    Closeness is difflib's ratio between the normalised header and the normalised aliases;
    suggestions for the ``wanted`` (missing) fields come first.
    """
    index = alias_index(table)
    keys = list(index)
    taken = set(used)
    found: list[tuple[int, str]] = []
    for header in headers:
        if header in taken:
            continue
        key = normalise_header(header)
        close = difflib.get_close_matches(key, keys, n=1, cutoff=0.6) if key else []
        if close:
            column = index[close[0]][0]
            found.append((0 if column in wanted else 1, f"--map '{header}={column}'"))
    return [text for _, text in sorted(found, key=lambda item: item[0])]


def missing_columns_error(
    file: str, table: TableName, headers: Sequence[str], missing: Sequence[str],
    used: Iterable[str] = (),
) -> InputDataError:
    """Build the error for a file that lacks required columns.

    It lists every missing column and the headers found, and suggests a ``--map`` per unknown
    header that resembles a known field.
    """
    examples = []
    for column in missing:
        aliases = [a for a in ALIASES.get(column, ()) if a != column][:3]
        examples.append(f"{column} ({' / '.join(aliases)})" if aliases else column)
    suggestions = suggest_mappings(headers, table, used, missing)
    if suggestions:
        hint = Message("ingest_map_suggestion", {"suggestions": " ".join(suggestions),
                                                 "howto": Message("ingest_map_howto")})
    elif len(headers) == 1:
        hint = Message("ingest_one_header_hint", {"header": headers[0][:80]})
    else:
        example = next((h for h in headers if h not in set(used)), "Datum")
        hint = Message("ingest_map_generic", {"example": example[:40], "column": missing[0]})
    words = Message("ingest_missing_columns", {
        "file": file, "table": table, "missing": "; ".join(examples),
        "headers": quote_all(headers), "hint": hint})
    error = InputDataError(words.render("en"))
    error.words = error.msg = words  # type: ignore[attr-defined]
    error.code = ErrorCode.INPUT_MISSING_COLUMNS
    return error
