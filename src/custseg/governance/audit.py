"""The audit log: an append-only, hash-chained record of who did what, when and why.

Table ``audit_log`` (one row per event, never updated or deleted):

=========  =========  ==========================================================
column     type       meaning
=========  =========  ==========================================================
seq        int64      1, 2, 3, ... without gaps
at         timestamp  the workspace clock when the event was recorded
actor      string     the user who did it (``system`` when unknown)
action     string     one of :class:`AuditAction`
subject    string     what it was done to: an override id, a snapshot id, a setting
detail     string     canonical JSON with the rest (reason, class, counts, ...)
prev_hash  string     ``hash`` of the previous entry (64 zeros for the first)
hash       string     SHA-256 of the canonical entry, ``prev_hash`` included
=========  =========  ==========================================================

Choices:

- :meth:`AuditLog.append` never opens a transaction: the caller writes the change and its
  entry in one transaction of its own (``engine.transaction``), so a failure leaves neither.
- :meth:`AuditLog.verify` finds edited entries (hash mismatch), removed or re-ordered entries
  (gap in ``seq``, broken chain). Removing the *newest* entries cannot be detected from the log
  alone; that is the known limit of a hash chain without an outside anchor.
- Timestamps are stored naive; an aware clock value is converted to UTC first.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

import ibis
import pandas as pd
from ibis.backends import BaseBackend

from custseg.engine import insert_rows
from custseg.snapshots.model import dumps
from custseg.workspace_schema.tables import AUDIT_LOG, TABLES

GENESIS_HASH = "0" * 64


Clock = Callable[[], datetime]


class AuditAction(StrEnum):
    """The kinds of event the audit log records."""

    RUN = "run"
    RUN_REUSED = "run_reused"
    OVERRIDE_ADD = "override_add"
    OVERRIDE_APPROVE = "override_approve"
    OVERRIDE_REJECT = "override_reject"
    OVERRIDE_REMOVE = "override_remove"
    OVERRIDE_SUPERSEDE = "override_supersede"
    OVERRIDE_REFUSED = "override_refused"
    """An attempt that was refused (a creator approving or rejecting their own override)."""
    SETTING_CHANGE = "setting_change"


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One recorded event."""

    seq: int
    at: datetime
    actor: str
    action: str
    subject: str
    detail: dict[str, Any]
    prev_hash: str
    hash: str

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-serialisable dict."""
        return {
            "seq": self.seq,
            "at": self.at.isoformat(),
            "actor": self.actor,
            "action": self.action,
            "subject": self.subject,
            "detail": self.detail,
            "prev_hash": self.prev_hash,
            "hash": self.hash,
        }


def entry_hash(
    seq: int, at: datetime, actor: str, action: str, subject: str, detail: str, prev_hash: str
) -> str:
    """SHA-256 (hex) of the canonical form of one entry, its ``prev_hash`` included."""
    canonical = json.dumps(
        {
            "seq": seq,
            "at": at.isoformat(sep=" ", timespec="microseconds"),
            "actor": actor,
            "action": action,
            "subject": subject,
            "detail": detail,
            "prev_hash": prev_hash,
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


class AuditLog:
    """Appends to and reads the workspace's audit log; never changes a written entry."""

    def __init__(self, con: BaseBackend, clock: Clock | None = None) -> None:
        self._con = con
        self._clock = clock or datetime.now

    def append(
        self, actor: str, action: str, subject: str, detail: dict[str, Any] | None = None
    ) -> AuditEntry:
        """Record one event; call it inside the transaction that makes the change it records."""
        last = (
            self._table()
            .order_by(ibis.desc("seq"))
            .limit(1)
            .select("seq", "hash")
            .to_pyarrow()
            .to_pylist()
        )
        seq = int(last[0]["seq"]) + 1 if last else 1
        prev = str(last[0]["hash"]) if last else GENESIS_HASH
        at = naive(self._clock())
        text = dumps(detail or {})
        digest = entry_hash(seq, at, actor, str(action), subject, text, prev)
        row = {
            "seq": seq,
            "at": pd.Timestamp(at),
            "actor": actor,
            "action": str(action),
            "subject": subject,
            "detail": text,
            "prev_hash": prev,
            "hash": digest,
        }
        insert_rows(self._con, AUDIT_LOG, [row], TABLES[AUDIT_LOG])
        return AuditEntry(seq, at, actor, str(action), subject, json.loads(text), prev, digest)

    def entries(
        self,
        *,
        action: str | None = None,
        subject: str | None = None,
        since: date | datetime | None = None,
        limit: int | None = None,
    ) -> pd.DataFrame:
        """Entries in ``seq`` order, optionally filtered; ``limit`` keeps the newest N.

        Columns: seq, at, actor, action, subject, detail (a dict), prev_hash, hash.
        """
        t = self._table()
        if action is not None:
            t = t.filter(t.action == str(action))
        if subject is not None:
            t = t.filter(t.subject == subject)
        if since is not None:
            start = (
                since
                if isinstance(since, datetime)
                else datetime.combine(since, datetime.min.time())
            )
            t = t.filter(t.at >= naive(start))
        t = t.order_by(ibis.desc("seq"))
        if limit is not None:
            t = t.limit(limit)
        df = t.to_pandas().sort_values("seq", ignore_index=True)
        df["detail"] = [json.loads(d) for d in df["detail"]]
        return df

    def last(self) -> AuditEntry | None:
        """The newest entry, if any."""
        df = self.entries(limit=1)
        return _entry(df.iloc[0].to_dict()) if len(df) else None

    def verify(self) -> list[str]:
        """Problems found in the log (empty when intact): edited entries, gaps, a broken chain."""
        df = self._table().order_by("seq").to_pandas()
        problems: list[str] = []
        expected_seq, prev = 1, GENESIS_HASH
        for row in df.to_dict("records"):
            seq = int(row["seq"])
            if seq != expected_seq:
                if seq == expected_seq + 1:
                    what = f"entry {expected_seq} is missing"
                elif seq > expected_seq:
                    what = f"entries {expected_seq}-{seq - 1} are missing"
                else:
                    what = "seq repeats or goes back"
                problems.append(f"entry {seq}: expected seq {expected_seq} ({what})")
            if row["prev_hash"] != prev:
                problems.append(
                    f"entry {seq}: prev_hash does not match the entry before it "
                    "(the chain is broken: an entry was removed, inserted or re-hashed)"
                )
            at = _as_datetime(row["at"])
            digest = entry_hash(
                seq,
                at,
                row["actor"],
                row["action"],
                row["subject"],
                row["detail"],
                row["prev_hash"],
            )
            if digest != row["hash"]:
                problems.append(
                    f"entry {seq} ({row['action']} {row['subject']}): its content does not match "
                    "its hash (the entry was edited after it was written)"
                )
            expected_seq, prev = seq + 1, row["hash"]
        return problems

    def _table(self) -> ibis.Table:
        return self._con.table(AUDIT_LOG)


def naive(value: datetime) -> datetime:
    """``value`` without a time zone: aware values are converted to UTC first."""
    if value.tzinfo is not None:
        return value.astimezone(UTC).replace(tzinfo=None)
    return value


def _as_datetime(value: Any) -> datetime:
    if hasattr(value, "to_pydatetime"):
        return value.to_pydatetime()  # type: ignore[no-any-return]
    return value  # type: ignore[no-any-return]


def _entry(row: dict[str, Any]) -> AuditEntry:
    return AuditEntry(
        seq=int(row["seq"]),
        at=_as_datetime(row["at"]),
        actor=row["actor"],
        action=row["action"],
        subject=row["subject"],
        detail=row["detail"],
        prev_hash=row["prev_hash"],
        hash=row["hash"],
    )
