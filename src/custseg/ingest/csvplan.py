"""How the engine reads a delimited text file itself, and when it cannot.

Detection (encoding, delimiter, header line: :mod:`custseg.ingest.text`) runs in Python on the
first lines only. One streamed pass over the bytes (C-speed ``bytes.count``, nothing kept)
measures the file: its size (unpacked for ``.gz``), its line ends, NUL bytes and the number of
lines. The engine then reads the whole file with ``read_csv``, every column as text, and numbers
the records in file order.

The engine reads the file when it is UTF-8 (or ASCII), split by one character, with LF or CR LF
line ends. Everything else is read in Python (:func:`custseg.ingest.text.read_text`) and handed to
the engine as an Arrow table: files in UTF-16 or GB18030, split by runs of whitespace (CDNOW),
with a lone CR line end or a NUL byte, and files whose records do not all lie on one line each
(a quoted line break, a blank line, a record with more or fewer fields than the header) — only
there can the record number and the physical line differ. The engine's own refusal of a file
(invalid UTF-8 after the first lines, a malformed quote) also sends it to Python, which reports
the record or the encoding the same way as before.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.types as ir

from custseg.ingest.options import ReadOptions, ingest_error
from custseg.ingest.text import (
    HEADER_SEARCH,
    SAMPLE_LINES,
    WHITESPACE,
    HeaderScore,
    _mode_score,
    choose_header,
    detect_delimiter,
    first_lines,
    split_records,
    unique_names,
)

HEAD_BYTES = 1 << 20  # detection looks at the first lines of at most this many bytes
CHUNK = 8 << 20
ROW = "__row__"


@dataclass(frozen=True)
class Measure:
    """What one pass over a text file's bytes found."""

    size: int
    lines: int  # physical lines (a last line without a line end counts)
    trailing_blank: int  # empty lines at the very end
    lone_cr: bool
    nul: bool


@dataclass(frozen=True)
class CsvPlan:
    """How the engine reads a text file: delimiter, lines to skip, names and first row number."""

    path: str
    compressed: bool
    delimiter: str
    skip: int  # physical lines before the first data record
    names: tuple[str, ...]  # column names (unique), in file order
    expected: int  # records the file holds if each lies on one line
    encoding: str = "utf-8"  # as detected: utf-8, or utf-8-sig with a byte-order mark

    def table(self, engine: ibis.BaseBackend, made: list[str]) -> ir.Table:
        """The file as the engine reads it: text columns named ``names`` plus ``ROW``.

        ``made`` receives the name of the view this creates.
        """
        positional = {f"c{i}": "VARCHAR" for i in range(len(self.names))}
        options: dict[str, Any] = {
            "header": False, "skip": self.skip, "all_varchar": True, "auto_detect": False,
            "columns": positional, "delim": self.delimiter, "quote": '"', "escape": '"',
            "strict_mode": True, "null_padding": False, "encoding": "utf-8",
            "compression": "gzip" if self.compressed else "none",
        }
        raw = engine.read_csv(self.path, **options)
        made.append(raw.get_name())
        first = self.skip + 1
        renamed = raw.rename({name: f"c{i}" for i, name in enumerate(self.names)})
        return renamed.mutate(**{ROW: ibis.row_number() + first})


def measure(path: Path, compressed: bool, label: str, max_bytes: int) -> Measure:
    """Stream the file once (gunzipped), refusing more than ``max_bytes``."""
    if not compressed and path.stat().st_size > max_bytes:
        raise ingest_error("ingest_too_big", file=label, limit=f"{max_bytes:,}")
    size = newlines = crs = crlfs = 0
    nul = False
    last = b""
    tail = b""
    try:
        with (gzip.open(path, "rb") if compressed else path.open("rb")) as handle:
            while chunk := handle.read(CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise ingest_error("ingest_too_big", file=label, limit=f"{max_bytes:,}")
                newlines += chunk.count(b"\n")
                crs += chunk.count(b"\r")
                crlfs += chunk.count(b"\r\n") + (last == b"\r" and chunk[:1] == b"\n")
                nul = nul or b"\x00" in chunk
                last = chunk[-1:]
                tail = (tail + chunk)[-4096:]
    except (OSError, EOFError) as exc:
        raise ingest_error("ingest_unreadable_gzip", file=label, reason=str(exc)) from exc
    stripped = tail.rstrip(b"\r\n")
    trailing = tail[len(stripped):].count(b"\n") - 1 if tail.endswith(b"\n") else 0
    lines = newlines + (0 if tail.endswith(b"\n") or not size else 1)
    return Measure(size, lines, max(trailing, 0), crs != crlfs, nul)


def head_text(path: Path, compressed: bool) -> tuple[str, str] | None:
    """The first lines of the file as text and its encoding (``utf-8`` or ``utf-8-sig``).

    None when they are not UTF-8, or a byte-order mark says UTF-16.
    """
    with (gzip.open(path, "rb") if compressed else path.open("rb")) as handle:
        data = handle.read(HEAD_BYTES)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None
    if len(data) == HEAD_BYTES and b"\n" in data:
        data = data[: data.rfind(b"\n") + 1]
    encoding = "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8"
    try:
        return data.decode(encoding), encoding
    except UnicodeDecodeError:
        return None


def plan(
    path: Path,
    compressed: bool,
    label: str,
    options: ReadOptions,
    known: HeaderScore,
) -> CsvPlan | None:
    """Return how the engine reads the file, or None when it must be read in Python.

    Raises the same refusals as the Python reader for what the first lines already show
    (empty file, no header, a ``--columns`` count that does not match, too many lines).
    """
    found = measure(path, compressed, label, options.max_bytes)
    limit = options.row_limit(excel=False)
    if found.lines > limit + HEADER_SEARCH:
        raise ingest_error("ingest_too_many_rows", file=label, limit=f"{limit:,}")
    read = head_text(path, compressed)
    if read is None or found.lone_cr or found.nul or not read[0].strip():
        return None
    head, encoding = read[0].lstrip("\ufeff").replace("\r\n", "\n"), read[1]
    sep = options.delimiter or detect_delimiter(head)
    if sep == WHITESPACE:
        return None
    sample = first_lines(head, SAMPLE_LINES + HEADER_SEARCH)
    records = split_records(sample, sep)
    if options.columns is not None:
        if len(options.columns) != (_mode_score(records)[1] or 1):
            return None  # the Python reader words the refusal
        names, skip = list(options.columns), 0
    else:
        if options.header_row is not None:
            header = [r for r in records if r[0] == options.header_row]
            if not header:
                return None
            line, fields = header[0]
        else:
            line = choose_header(records, known, label)
            fields = next(f for n, f in records if n == line)
        names, skip = [f.lstrip("\ufeff") for f in fields], line
    expected = found.lines - skip - found.trailing_blank
    return CsvPlan(str(path), compressed, sep, skip, tuple(unique_names(names)), expected,
                   encoding)
