"""Immutable records describing a snapshot: one classification run as of a date."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

from custseg.i18n import Lang, Message

SchemeStatus = Literal["computed", "skipped", "failed"]


@dataclass(frozen=True, slots=True)
class SchemeOutcome:
    """What happened to one scheme in a run: computed (with diagnostics) or skipped (with why).

    ``reason`` (why skipped or failed) and each of ``diagnostics`` are :class:`Message` objects
    (key + parameters; render with ``.render(lang)``). Plain strings given here (older
    snapshots, kinds that still return text) are wrapped as ``Message("schemes_text")``, so
    readers always get messages. Diagnostics about splits carry ``scheme``, ``feature``,
    ``value`` and ``customers`` in their parameters for the health check.
    """

    name: str
    kind: str
    status: SchemeStatus
    reason: Message | None = None
    diagnostics: tuple[Message, ...] = ()
    thresholds: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "reason", as_message(self.reason))
        notes = tuple(as_message(d) for d in self.diagnostics)
        object.__setattr__(self, "diagnostics", tuple(n for n in notes if n is not None))

    def reason_text(self, lang: Lang = "en") -> str:
        """Why the scheme was skipped or failed, in ``lang`` ("" when computed)."""
        return self.reason.render(lang) if self.reason is not None else ""

    def diagnostic_texts(self, lang: Lang = "en") -> list[str]:
        """The diagnostics as sentences in ``lang``."""
        return [d.render(lang) for d in self.diagnostics]

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-serialisable dict (messages as ``{"key", "params"}``)."""
        return {
            "name": self.name,
            "kind": self.kind,
            "status": self.status,
            "reason": self.reason.to_dict() if self.reason is not None else None,
            "diagnostics": [d.to_dict() for d in self.diagnostics],
            "thresholds": self.thresholds,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SchemeOutcome:
        """Rebuild from :meth:`to_dict` output (also the older form with plain strings)."""
        return cls(
            name=data["name"],
            kind=data["kind"],
            status=data["status"],
            reason=as_message(data.get("reason")),
            diagnostics=tuple(data.get("diagnostics", ())),
            thresholds=dict(data.get("thresholds", {})),
        )


def as_message(value: Message | str | dict[str, Any] | None) -> Message | None:
    """A stored or given note as a :class:`Message`: strings wrapped, dicts decoded."""
    if value is None or isinstance(value, Message):
        return value
    if isinstance(value, dict) and "key" in value:
        return Message.from_dict(value)
    return Message("schemes_text", {"text": str(value)})


def join_messages(messages: list[Message]) -> Message | None:
    """Several messages as one (``a; b; c``), None for none."""
    if not messages:
        return None
    out = messages[0]
    for item in messages[1:]:
        out = Message("schemes_join", {"a": out, "b": item})
    return out


@dataclass(frozen=True, slots=True)
class SnapshotInfo:
    """The header of a snapshot: when, under which system, on which data, and what was computed.

    ``snapshot_id`` is a fingerprint of (as_of, system_hash, data_hash, code_version): the same
    inputs always give the same id, which makes re-running idempotent.
    """

    snapshot_id: str
    as_of: date
    system_name: str
    system_hash: str
    data_hash: str
    code_version: str
    created_at: datetime
    customers: int
    input_counts: dict[str, int]
    outcomes: tuple[SchemeOutcome, ...]
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def computed_schemes(self) -> list[str]:
        """Names of the schemes that were computed, in system order."""
        return [o.name for o in self.outcomes if o.status == "computed"]

    @property
    def skipped_schemes(self) -> dict[str, str]:
        """Skipped scheme name -> the reason it was skipped (English; see :meth:`skip_reasons`)."""
        return self.skip_reasons("en")

    def skip_reasons(self, lang: Lang) -> dict[str, str]:
        """Skipped or failed scheme name -> the reason, in ``lang``."""
        return {o.name: o.reason_text(lang) for o in self.outcomes if o.status != "computed"}

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-serialisable dict."""
        return {
            "snapshot_id": self.snapshot_id,
            "as_of": self.as_of.isoformat(),
            "system_name": self.system_name,
            "system_hash": self.system_hash,
            "data_hash": self.data_hash,
            "code_version": self.code_version,
            "created_at": self.created_at.isoformat(),
            "customers": self.customers,
            "input_counts": self.input_counts,
            "outcomes": [o.to_dict() for o in self.outcomes],
            "extra": self.extra,
        }


def dumps(value: Any) -> str:
    """Canonical JSON used for stored fields and fingerprints."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
