"""Dates the shared sample workspaces are built with (imported by fixtures and tests)."""

from __future__ import annotations

from datetime import datetime

FIXED_NOW = datetime(2026, 7, 1, 9, 0, 0)
"""The workspace clock of the shared fixtures."""

SAMPLE_AS_OFS = ("2026-05-31", "2026-06-30")
"""The snapshots of the shared sample workspaces."""
