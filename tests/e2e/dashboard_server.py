"""What the dashboard tests share besides fixtures: the server handle, the sales owner."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

SALES_OWNER = "李娜"
"""The owner key of the sales test user."""


@dataclass
class Server:
    """A running dashboard server."""

    url: str
    path: Path
    stop: Any = None
