"""The range of dates custseg accepts as as-of dates, series bounds and expiry dates."""

from __future__ import annotations

from datetime import date

from custseg.errors import ConfigError
from custseg.i18n import Message

EARLIEST_DATE = date(1900, 1, 1)
"""The earliest date accepted (as-of dates, series bounds, expiry dates)."""
LATEST_DATE = date(2199, 12, 31)
"""The latest date accepted; later dates overflow date arithmetic (windows, periods)."""


def check_date(value: date, option: str) -> date:
    """``value`` if it lies in [EARLIEST_DATE, LATEST_DATE]; ConfigError naming ``option``."""
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise ConfigError(
            Message(
                "config_date_out_of_range",
                {
                    "option": option,
                    "value": value.isoformat(),
                    "low": EARLIEST_DATE.isoformat(),
                    "high": LATEST_DATE.isoformat(),
                },
            ),
            key_path=option,
        )
    return value
