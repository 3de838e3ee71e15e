"""Immutable records describing a snapshot: one classification run as of a date."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any, Literal

SchemeStatus = Literal["computed", "skipped", "failed"]


@dataclass(frozen=True, slots=True)
class SchemeOutcome:
    """What happened to one scheme in a run: computed (with diagnostics) or skipped (with why)."""

    name: str
    kind: str
    status: SchemeStatus
    reason: str | None = None
    diagnostics: tuple[str, ...] = ()
    thresholds: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-serialisable dict."""
        data = asdict(self)
        data["diagnostics"] = list(self.diagnostics)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SchemeOutcome:
        """Rebuild from :meth:`to_dict` output."""
        return cls(
            name=data["name"],
            kind=data["kind"],
            status=data["status"],
            reason=data.get("reason"),
            diagnostics=tuple(data.get("diagnostics", ())),
            thresholds=dict(data.get("thresholds", {})),
        )


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
        """Skipped scheme name -> the reason it was skipped."""
        return {o.name: o.reason or "" for o in self.outcomes if o.status != "computed"}

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
