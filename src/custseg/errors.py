"""Exceptions raised by custseg, and the record of a rejected input row.

Exception tree::

    CustsegError
     ├── ConfigError                 a classification system or option is invalid
     │    └── UnknownNameError       a name (feature, scheme, class) does not exist
     ├── InputDataError              an input file cannot be used at all
     ├── WorkspaceError              the workspace cannot be opened or is inconsistent
     ├── SnapshotNotFoundError       no snapshot matches the request
     ├── GovernanceError             an override, approval or setting change is not allowed
     ├── ModelError                  a statistical model cannot be fitted or used
     │    └── NotFittedError         a model was used before ``fit``
     └── (subclasses carry a stable ``code`` used by the API and translations)

Rejected rows are data, not exceptions: ingestion records them as :class:`RejectedRow`.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from custseg.i18n import Lang, Message


class ErrorCode(StrEnum):
    """Stable machine-readable codes for errors and rejected rows."""

    CONFIG_INVALID = "config.invalid"
    CONFIG_UNKNOWN_NAME = "config.unknown_name"
    INPUT_UNREADABLE = "input.unreadable"
    INPUT_MISSING_COLUMNS = "input.missing_columns"
    WORKSPACE = "workspace.error"
    SNAPSHOT_NOT_FOUND = "snapshot.not_found"
    MODEL = "model.error"
    MODEL_NOT_FITTED = "model.not_fitted"
    GOVERNANCE = "governance.error"
    OUTPUT_REFUSED = "output.refused"
    # reasons for rejected rows
    MISSING_VALUE = "row.missing_value"
    NOT_A_DATE = "row.not_a_date"
    NOT_A_NUMBER = "row.not_a_number"
    DUPLICATE = "row.duplicate"
    UNKNOWN_CUSTOMER = "row.unknown_customer"
    IMPOSSIBLE_VALUE = "row.impossible_value"
    TOTAL_ROW = "row.total"
    FUTURE_DATE = "row.future_date"
    DATE_BEFORE_FLOOR = "row.date_before_floor"
    IMPLAUSIBLE_AMOUNT = "row.implausible_amount"
    CONTROL_CHARACTER = "row.control_character"


class CustsegError(Exception):
    """Root of every error custseg raises on purpose.

    ``message`` is English text, or a :class:`~custseg.i18n.Message` (catalogue key plus
    parameters) that :meth:`render` shows in the user's language; ``.message`` is always the
    English text.
    """

    code: ErrorCode = ErrorCode.CONFIG_INVALID

    def __init__(self, message: str | Message) -> None:
        self.msg: Message | None = None
        if not isinstance(message, str):
            self.msg = message
            message = message.render("en")
        super().__init__(message)
        self.message = message

    def render(self, lang: Lang) -> str:
        """The message in ``lang`` (English when it was raised as plain text)."""
        return self.msg.render(lang) if self.msg is not None else self.message


class ConfigError(CustsegError):
    """A classification system, option or argument is invalid.

    ``path`` is the file, ``line`` the 1-based line and ``key_path`` the dotted key, where known.
    """

    code = ErrorCode.CONFIG_INVALID

    def __init__(
        self,
        message: str | Message,
        *,
        path: str | None = None,
        line: int | None = None,
        key_path: str | None = None,
    ) -> None:
        super().__init__(message)
        self.path = path
        self.line = line
        self.key_path = key_path


class UnknownNameError(ConfigError):
    """A name that does not exist was used; the message suggests the closest known names.

    ``what`` is one of name, scheme, class, feature, setting (shown in the reader's language);
    ``where`` is a config key path or a :class:`~custseg.i18n.Message` naming the place.
    """

    code = ErrorCode.CONFIG_UNKNOWN_NAME

    def __init__(
        self,
        name: str,
        known: Iterable[str],
        *,
        what: str = "name",
        where: str | Message | None = None,
        path: str | None = None,
        line: int | None = None,
        message: Message | None = None,
    ) -> None:
        from custseg.i18n import Message, has_word

        self.name = name
        self.known = sorted(set(known))
        self.close = difflib.get_close_matches(name, self.known, n=3)
        if message is None:
            what_key = f"unknown_what_{what}"
            message = Message(
                "unknown_name",
                {
                    "what": Message(what_key) if has_word(what_key) else what,
                    "name": repr(name),
                    "location": Message("unknown_name_location", {"where": where})
                    if where
                    else "",
                    "hint": Message(
                        "unknown_name_close", {"close": ", ".join(repr(c) for c in self.close)}
                    )
                    if self.close
                    else Message("unknown_name_none_close"),
                    "known": ", ".join(self.known),
                },
            )
        key_path = where.render("en") if isinstance(where, Message) else where
        super().__init__(message, path=path, line=line, key_path=key_path)


class InputDataError(CustsegError):
    """An input file or table cannot be used at all (unreadable, wrong format, missing columns)."""

    code = ErrorCode.INPUT_UNREADABLE

    def __init__(self, message: str, *, rejected: Sequence[RejectedRow] = ()) -> None:
        super().__init__(message)
        self.rejected = list(rejected)


class WorkspaceError(CustsegError):
    """The workspace cannot be opened, or holds no data for the request."""

    code = ErrorCode.WORKSPACE


class SnapshotNotFoundError(CustsegError):
    """No snapshot matches the request."""

    code = ErrorCode.SNAPSHOT_NOT_FOUND


class GovernanceError(CustsegError):
    """An override, approval, removal or setting change is not allowed (or names nothing)."""

    code = ErrorCode.GOVERNANCE


class OutputError(CustsegError):
    """An output file cannot or must not be written (exists, is the workspace, bad folder)."""

    code = ErrorCode.OUTPUT_REFUSED


class ModelError(CustsegError, ValueError):
    """A statistical model cannot be fitted on the data given, or did not converge."""

    code = ErrorCode.MODEL


class NotFittedError(ModelError):
    """A model was used before it was fitted."""

    code = ErrorCode.MODEL_NOT_FITTED


class DataQualityWarning(UserWarning):
    """The data is usable but suspicious (ties, degenerate bins, tiny groups)."""


class ConvergenceWarning(UserWarning):
    """An optimiser stopped before converging."""


@dataclass(frozen=True, slots=True)
class RejectedRow:
    """One input row that was not accepted, and why.

    ``row`` is the number the user sees: the header is row 1, the first data row is row 2.
    """

    file: str
    row: int
    column: str | None
    code: ErrorCode
    value: str | None
    message: str

    def describe(self) -> str:
        """Return a one-line human description: file, row, column, value and reason."""
        where = f"{self.file}, row {self.row}"
        if self.column:
            where += f", column {self.column!r}"
        shown = f" {self.value!r}:" if self.value not in (None, "") else ""
        return f"{where}:{shown} {self.message}"
