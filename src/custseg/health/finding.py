"""One finding of the health check: what, how many customers, and what to change."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from custseg.i18n import Lang, Message

Level = Literal["warning", "note"]
"""``warning``: the scheme gives meaningless classes on this data, change something;
``note``: worth knowing, explained by the data (a dropped indicator, a skipped scheme, a class
that holds nearly everyone because the data leaves no other class for them)."""

CHECKS: tuple[str, ...] = (
    "inactive_data",
    "dominant_class",
    "empty_class",
    "tied_split",
    "exclusion",
    "missing_indicator",
    "dropped_indicator",
    "skipped_scheme",
    "scheme_note",
)
"""Every kind of finding, in report order."""


@dataclass(frozen=True)
class Finding:
    """A health finding about one scheme (or the data: ``scheme`` empty)."""

    check: str
    level: Level
    scheme: str
    customers: int
    message: Message
    advice: Message | None = None

    def render(self, lang: Lang) -> str:
        """What and how many, then what to change, in ``lang``."""
        text = self.message.render(lang)
        return f"{text} {self.advice.render(lang)}" if self.advice else text

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form (messages as key + parameters)."""
        return {
            "check": self.check,
            "level": self.level,
            "scheme": self.scheme,
            "customers": self.customers,
            "message": self.message.to_dict(),
            "advice": self.advice.to_dict() if self.advice else None,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Finding:
        """Inverse of :meth:`to_dict`."""
        advice = data.get("advice")
        return cls(
            check=str(data["check"]),
            level=data["level"],
            scheme=str(data.get("scheme") or ""),
            customers=int(data.get("customers") or 0),
            message=Message.from_dict(data["message"]),
            advice=Message.from_dict(advice) if advice else None,
        )

    def to_json(self, lang: Lang) -> dict[str, Any]:
        """The stored form plus the rendered text, for ``--json`` output."""
        return {**self.to_dict(), "text": self.render(lang)}
