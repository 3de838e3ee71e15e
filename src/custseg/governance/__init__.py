"""Governance: manual class overrides, their approval, workspace settings and the audit log."""

from __future__ import annotations

from custseg.governance.audit import AuditAction, AuditEntry, AuditLog
from custseg.governance.overrides import Override, OverrideStore, normalise_id
from custseg.governance.settings import KNOWN_SETTINGS, Settings
from custseg.governance.users import current_user

__all__ = [
    "KNOWN_SETTINGS",
    "AuditAction",
    "AuditEntry",
    "AuditLog",
    "Override",
    "OverrideStore",
    "Settings",
    "current_user",
    "normalise_id",
]
