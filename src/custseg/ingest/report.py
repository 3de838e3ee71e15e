"""The outcome of one ingest, returned to the caller (CLI, API, notebook)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from custseg.errors import RejectedRow
from custseg.i18n import Message
from custseg.tables import TableName

Mode = Literal["replace", "upsert"]
MODES: tuple[Mode, ...] = ("replace", "upsert")


@dataclass
class IngestReport:
    """What an ingest read, kept and rejected, and how it understood the source's headers.

    ``column_mapping`` maps each used source header to its canonical column; ``ignored_columns``
    lists the headers that were not used. ``rows_read == rows_accepted + rows_rejected`` always
    holds (checked on construction); fully blank lines are not rows. ``flagged`` rows were
    accepted but look implausible; ``derived`` lists key columns ingest made up (``notes`` says
    how), ``detected`` how a text file was read.
    """

    table: TableName
    file: str
    mode: Mode
    rows_read: int
    rows_accepted: int
    rows_rejected: int
    rejected: list[RejectedRow]
    column_mapping: dict[str, str]
    ignored_columns: list[str] = field(default_factory=list)
    ingest_id: str = ""
    flagged: list[RejectedRow] = field(default_factory=list)  # accepted rows to check
    derived: list[str] = field(default_factory=list)  # key columns derived by ingest
    notes: list[Message] = field(default_factory=list)  # what the user should know (zh / en)
    detected: dict[str, object] = field(default_factory=dict)  # encoding, delimiter, header row

    def __post_init__(self) -> None:
        if self.rows_read != self.rows_accepted + self.rows_rejected:
            raise AssertionError(
                f"ingest of {self.file}: rows_read {self.rows_read} != accepted "
                f"{self.rows_accepted} + rejected {self.rows_rejected}"
            )
        if self.rows_rejected != len(self.rejected):
            raise AssertionError(
                f"ingest of {self.file}: {self.rows_rejected} rejected rows counted, "
                f"{len(self.rejected)} recorded"
            )

    def summary(self) -> str:
        """Return a one-line English summary of the ingest."""
        return (
            f"{self.file} -> {self.table} ({self.mode}): {self.rows_read} rows read, "
            f"{self.rows_accepted} accepted, {self.rows_rejected} rejected"
        )
