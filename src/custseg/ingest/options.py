"""How to read a source when detection is not enough, and the bounds on what one ingest may cost.

Every bound is refused with a message that names the limit and the option that lifts it:

* ``max_bytes``: size of a source file (after gunzip) and the uncompressed size of a workbook's
  sheet XML (zip bombs), default 512 MiB (``--max-bytes``);
* ``max_rows``: data rows of one source, default 1,048,576 for workbooks (Excel's own limit) and
  20,000,000 for text files (``--max-rows``);
* ``max_cell_chars``: characters in one cell, default 32,767 (Excel's own limit,
  ``--max-cell-chars``);
* ``max_seconds``: time spent reading and checking one source, default 600 s (``--max-seconds``),
  checked between steps and every 10,000 workbook rows.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from typing import Any

from custseg.errors import ConfigError, InputDataError
from custseg.i18n import Lang, Message

MAX_BYTES = 512 * 1024 * 1024
EXCEL_MAX_ROWS = 1_048_576
TEXT_MAX_ROWS = 20_000_000
MAX_CELL_CHARS = 32_767
MAX_SECONDS = 600.0
DATE_FLOOR = dt.date(1900, 1, 1)
DELIMITERS = {",": ",", ";": ";", "tab": "\t", "\\t": "\t", "\t": "\t", "|": "|", "space": " ",
              "whitespace": " ", " ": " "}


def ingest_error(key: str, **params: Any) -> InputDataError:
    """An :class:`InputDataError` whose text is the catalogue entry ``key`` (English by default).

    The error keeps the :class:`Message` in ``words`` (and ``msg``, which the CLI's error boundary
    renders) so a caller can show it in another language (the CLI uses ``--lang``).
    """
    words = Message(key, params)
    error = InputDataError(words.render("en"))
    error.words = error.msg = words  # type: ignore[attr-defined]
    return error


def option_error(key: str, **params: Any) -> ConfigError:
    """A :class:`ConfigError` for a bad option, rendered like :func:`ingest_error`."""
    words = Message(key, params)
    error = ConfigError(words.render("en"))
    error.words = error.msg = words  # type: ignore[attr-defined]
    return error


def render_error(error: Exception, lang: Lang) -> None:
    """Re-render an error built by :func:`ingest_error` / :func:`option_error` in ``lang``."""
    words = getattr(error, "words", None)
    if isinstance(words, Message):
        error.message = words.render(lang)  # type: ignore[attr-defined]
        error.args = (error.message,)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class ReadOptions:
    """Reading options of one ingest (all optional) and its resource bounds."""

    delimiter: str | None = None
    header_row: int | None = None
    columns: tuple[str, ...] | None = None
    max_bytes: int = MAX_BYTES
    max_rows: int | None = None
    max_cell_chars: int = MAX_CELL_CHARS
    max_seconds: float = MAX_SECONDS
    date_floor: dt.date = DATE_FLOOR

    def checked(self) -> ReadOptions:
        """Return these options with the delimiter resolved, or raise :class:`ConfigError`."""
        for name, value in (("--max-bytes", self.max_bytes), ("--max-cell-chars",
                            self.max_cell_chars), ("--max-seconds", self.max_seconds)):
            if not value > 0:
                raise option_error("ingest_opt_positive", option=name, value=value)
        if self.max_rows is not None and self.max_rows < 1:
            raise option_error("ingest_opt_positive", option="--max-rows", value=self.max_rows)
        if self.header_row is not None and self.header_row < 1:
            raise option_error("ingest_opt_positive", option="--header-row", value=self.header_row)
        if self.header_row is not None and self.columns is not None:
            raise option_error("ingest_opt_header_and_columns")
        if self.columns is not None and not any(c.strip() for c in self.columns):
            raise option_error("ingest_opt_columns_empty")
        sep = self.delimiter
        if sep is not None:
            if sep not in DELIMITERS and len(sep) != 1:
                raise option_error("ingest_opt_delimiter", value=sep)
            sep = DELIMITERS.get(sep, sep)
        if sep is not None and sep in "\"\r\n":
            raise option_error("ingest_opt_delimiter", value=self.delimiter)
        return ReadOptions(sep, self.header_row, self.columns, self.max_bytes, self.max_rows,
                           self.max_cell_chars, self.max_seconds, self.date_floor)

    def row_limit(self, excel: bool) -> int:
        """The most data rows one source may hold."""
        if self.max_rows is not None:
            return self.max_rows
        return EXCEL_MAX_ROWS if excel else TEXT_MAX_ROWS


class Deadline:
    """The time budget of one ingest; :meth:`check` raises once it is spent."""

    def __init__(self, seconds: float, label: str = "") -> None:
        self.seconds = seconds
        self.label = label
        self._start = time.monotonic()

    def check(self) -> None:
        """Raise :class:`InputDataError` when more than the budget has passed."""
        if time.monotonic() - self._start > self.seconds:
            raise ingest_error("ingest_too_slow", file=self.label, seconds=f"{self.seconds:g}")
