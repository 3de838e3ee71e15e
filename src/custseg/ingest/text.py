"""Reading delimited text files as they come: encoding, line ends, delimiter and header row.

Rules (also in the README, "Data in"):

* **Encoding**: a byte-order mark decides (UTF-8, UTF-16 LE/BE as Excel's "Unicode Text" saves
  it); without one, UTF-8, then GB18030 (a superset of GBK). A file whose first 8 KB are more than
  1 % NUL bytes is binary and refused; NUL bytes elsewhere reach the row checks (row rejected).
* **Line ends**: CR LF, LF and a lone CR (old Mac, some exports) all end a line.
* **Delimiter**: among ``,`` ``;`` tab ``|``, the one that splits the most of the first 50
  non-blank lines into the same number (≥ 2) of fields (ties: more fields, then that order); when
  none splits at least half of them, runs of whitespace (CDNOW's layout); else one column.
* **Header row**: among the first 20 non-blank lines, the one with the most recognised headers;
  when none is recognised, the first line with at least half as many filled fields as the data.
  Lines above it (report titles, blank lines) are skipped. ``--header-row N`` names the line,
  ``--columns a,b,c`` says the file has no header.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
import warnings
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from custseg.ingest.options import Deadline, ReadOptions, ingest_error

SAMPLE_LINES = 50
HEADER_SEARCH = 20
CANDIDATES = (",", ";", "\t", "|")
WHITESPACE = " "
EXTRA_FIELDS = "__extra_fields__"
_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))
_DATA_LIKE = re.compile(r"^[\d\s.,:/+\-]+$")

HeaderScore = Callable[[str], bool]


def read_bytes(path: Path, compressed: bool, label: str, max_bytes: int) -> bytes:
    """Return the file's bytes (gunzipped), refusing more than ``max_bytes``."""
    if not compressed and path.stat().st_size > max_bytes:
        raise ingest_error("ingest_too_big", file=label, limit=f"{max_bytes:,}")
    try:
        with (gzip.open(path, "rb") if compressed else path.open("rb")) as handle:
            data = handle.read(max_bytes + 1)
    except (OSError, EOFError) as exc:
        raise ingest_error("ingest_unreadable_gzip", file=label, reason=str(exc)) from exc
    if len(data) > max_bytes:
        raise ingest_error("ingest_too_big", file=label, limit=f"{max_bytes:,}")
    return data


def decode(data: bytes, label: str) -> tuple[str, str]:
    """Return the text of ``data`` (the module's encoding rule), every line end made LF."""
    text, used = None, ""
    bom = next((enc for mark, enc in _BOMS if data.startswith(mark)), None)
    if bom is not None:
        try:
            text, used = data.decode(bom), bom
        except UnicodeDecodeError as exc:
            raise ingest_error("ingest_bad_encoding", file=label) from exc
    else:
        head = data[:8192]
        if head.count(0) > max(1, len(head) // 100):
            raise ingest_error("ingest_binary", file=label)
        for encoding in ("utf-8", "gb18030"):
            try:
                text, used = data.decode(encoding), encoding
                break
            except UnicodeDecodeError:
                continue
    if text is None:
        raise ingest_error("ingest_bad_encoding", file=label)
    text = text.lstrip("\ufeff")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text, used


def first_lines(text: str, lines: int) -> str:
    """The first ``lines`` lines of ``text`` (with their line ends)."""
    pos = 0
    for _ in range(lines):
        found = text.find("\n", pos)
        if found < 0:
            return text
        pos = found + 1
    return text[:pos]


def split_records(head: str, sep: str) -> list[tuple[int, list[str]]]:
    """Return (physical line, fields) of each non-blank record of ``head``."""
    if sep == WHITESPACE:
        return [(i, line.split()) for i, line in enumerate(head.split("\n"), 1) if line.strip()]
    reader = csv.reader(io.StringIO(head), delimiter=sep)
    records, start = [], 1
    try:
        for record in reader:
            if any(field.strip() for field in record):
                records.append((start, record))
            start = reader.line_num + 1
    except csv.Error:
        pass
    return records


def _mode_score(records: Sequence[tuple[int, list[str]]]) -> tuple[int, int]:
    counts = Counter(len(fields) for _, fields in records if len(fields) >= 2)
    if not counts:
        return 0, 0
    width, hits = max(counts.items(), key=lambda item: (item[1], item[0]))
    return hits, width


def detect_delimiter(text: str) -> str:
    """Return the delimiter of ``text`` by the module's rule (``" "``: runs of whitespace)."""
    head = first_lines(text, SAMPLE_LINES)
    lines = sum(1 for line in head.split("\n") if line.strip())
    need = max(1, (lines + 1) // 2)
    best, best_score = ",", (0, 0)
    for sep in CANDIDATES:
        score = _mode_score(split_records(head, sep))
        if score > best_score:
            best, best_score = sep, score
    if best_score[0] >= need:
        return best
    if _mode_score(split_records(head, WHITESPACE))[0] >= need:
        return WHITESPACE
    return best if best_score[0] else ","


def choose_header(
    records: Sequence[tuple[int, list[str]]], known: HeaderScore, label: str
) -> int:
    """Return the physical line of the header row among ``records`` (the module's rule)."""
    candidates = list(records[:HEADER_SEARCH])
    if not candidates:
        raise ingest_error("ingest_empty", file=label)
    scores = [sum(1 for f in fields if f.strip() and known(f)) for _, fields in candidates]
    best = max(scores)
    if best > 0:
        return candidates[scores.index(best)][0]
    width = _mode_score(records)[1]
    for line, fields in candidates:
        if sum(1 for f in fields if f.strip()) >= max(1, (width + 1) // 2):
            chosen_line, chosen = line, fields
            break
    else:
        chosen_line, chosen = candidates[0]
    filled = [f for f in chosen if f.strip()]
    if len(filled) >= 2 and all(_DATA_LIKE.match(f) for f in filled):
        raise ingest_error("ingest_no_header", file=label, line=chosen_line,
                           fields=len(chosen))
    return chosen_line


def _offset_of_line(text: str, line: int) -> int:
    pos = 0
    for _ in range(line - 1):
        found = text.find("\n", pos)
        if found < 0:
            return len(text)
        pos = found + 1
    return pos


def read_text(
    text: str, options: ReadOptions, known: HeaderScore, label: str, deadline: Deadline
) -> tuple[pd.DataFrame, np.ndarray, str, int]:
    """Return the columns of ``text`` as text, each record's physical line, delimiter, header line.

    The header line is 0 when ``options.columns`` names the columns.
    """
    if not text.strip():
        raise ingest_error("ingest_empty", file=label)
    sep = options.delimiter or detect_delimiter(text)
    limit = options.row_limit(excel=False)
    if text.count("\n") > limit + HEADER_SEARCH:
        raise ingest_error("ingest_too_many_rows", file=label, limit=f"{limit:,}")
    if options.columns is not None:
        first_line, names = 1, list(options.columns)
        width = _mode_score(split_records(first_lines(text, SAMPLE_LINES), sep))[1] or 1
        if width != len(names):
            raise ingest_error("ingest_columns_count", file=label, given=len(names), width=width)
    else:
        records = split_records(first_lines(text, SAMPLE_LINES + HEADER_SEARCH), sep)
        if options.header_row is not None:
            header = [r for r in records if r[0] == options.header_row]
            if not header:
                raise ingest_error("ingest_header_row_blank", file=label, line=options.header_row)
            first_line = options.header_row
        else:
            first_line = choose_header(records, known, label)
        names = None
    body = text[_offset_of_line(text, first_line):]
    deadline.check()
    frame, rows = _parse_body(body, sep, names, label)
    offset = first_line - 1
    return frame, rows + offset, sep, 0 if names is not None else first_line


def _parse_body(
    body: str, sep: str, names: list[str] | None, label: str
) -> tuple[pd.DataFrame, np.ndarray]:
    """Parse ``body`` (header line first unless ``names``); rows are 1-based lines of ``body``."""
    physical = body.count("\n") + (0 if body.endswith("\n") else 1)
    first_data = 1 if names is not None else 2
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", pd.errors.ParserWarning)
            frame = pd.read_csv(
                io.StringIO(body),
                sep=r"\s+" if sep == WHITESPACE else sep,
                header=None if names is not None else 0,
                names=names,
                dtype=str,
                keep_default_na=False,
                na_filter=False,
                skip_blank_lines=False,
                index_col=False,
            )
        simple = len(frame) + first_data - 1 == physical
    except (pd.errors.ParserError, pd.errors.ParserWarning, ValueError, csv.Error):
        simple = False
    if simple:
        return frame, np.arange(first_data, len(frame) + first_data, dtype=np.int64)
    return _parse_records(body, sep, names, label)


def _parse_records(
    body: str, sep: str, names: list[str] | None, label: str
) -> tuple[pd.DataFrame, np.ndarray]:
    """Read record by record, remembering each record's first line (ragged or multi-line rows).

    Records with more fields than the header keep the surplus in ``EXTRA_FIELDS`` (validation
    rejects them); shorter records are padded with empty values.
    """
    if sep == WHITESPACE:
        reader = iter(line.split() for line in body.split("\n"))
        line_of = None
    else:
        csv_reader = csv.reader(io.StringIO(body), delimiter=sep)
        reader, line_of = csv_reader, csv_reader
    try:
        header = list(names) if names is not None else next(reader)
    except StopIteration:
        raise ingest_error("ingest_empty", file=label) from None
    width = len(header)
    records: list[list[str]] = []
    rows: list[int] = []
    extra: list[str] = []
    start = 1 if names is not None else 2
    try:
        for record in reader:
            records.append((record + [""] * width)[:width])
            extra.append(sep.join(record[width:]) if len(record) > width else "")
            rows.append(start)
            start = (line_of.line_num if line_of is not None else start) + 1
    except csv.Error as exc:
        raise ingest_error("ingest_bad_csv", file=label, line=start, reason=str(exc)) from exc
    frame = pd.DataFrame(records, columns=header, dtype=str)
    if any(extra):
        frame[EXTRA_FIELDS] = pd.Series(extra, dtype=str)
    return frame, np.asarray(rows, dtype=np.int64)


def unique_names(names: Sequence[Any]) -> list[str]:
    """Column names as text, blanks named ``column_N``, repeats suffixed ``.1``, ``.2``..."""
    seen: dict[str, int] = {}
    result = []
    for i, name in enumerate(names):
        text = str(name).strip() if name is not None and str(name).strip() else f"column_{i + 1}"
        if text in seen:
            seen[text] += 1
            text = f"{text}.{seen[text]}"
        else:
            seen[text] = 0
        result.append(text)
    return result
