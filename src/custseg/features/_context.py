"""What every feature family needs to know about one build: the as-of date and its windows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import ibis
import ibis.expr.types as ir

from custseg.features.params import FeatureParameters


@dataclass(frozen=True)
class BuildContext:
    """The as-of date, the activity windows derived from it, and the parameters.

    The window ``*_12m`` covers ``window_start < date <= as_of`` (``active_window_days`` days
    ending on ``as_of``); the previous window covers ``prev_window_start < date <= window_start``.
    """

    as_of: date
    parameters: FeatureParameters

    @property
    def window_days(self) -> int:
        """Length of the activity window in days."""
        return self.parameters.active_window_days

    @property
    def window_start(self) -> date:
        """Exclusive start of the activity window."""
        return self.as_of - timedelta(days=self.window_days)

    @property
    def prev_window_start(self) -> date:
        """Exclusive start of the window before the activity window."""
        return self.as_of - timedelta(days=2 * self.window_days)

    def as_of_literal(self) -> ir.DateScalar:
        """The as-of date as an Ibis date literal."""
        return ibis.literal(self.as_of, type="date")

    def days_before_as_of(self, value: ir.DateValue) -> ir.IntegerValue:
        """Whole days from ``value`` to the as-of date (positive for past dates)."""
        return self.as_of_literal().delta(value, unit="day").cast("int64")

    def in_window(self, value: ir.DateValue) -> ir.BooleanValue:
        """True when ``value`` lies in the activity window (dates are already ≤ as_of)."""
        return value > ibis.literal(self.window_start, type="date")

    def in_prev_window(self, value: ir.DateValue) -> ir.BooleanValue:
        """True when ``value`` lies in the window before the activity window."""
        return (value > ibis.literal(self.prev_window_start, type="date")) & (
            value <= ibis.literal(self.window_start, type="date")
        )
