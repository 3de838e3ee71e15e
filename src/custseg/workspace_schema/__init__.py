"""The workspace's own tables and their schema versions.

:mod:`~custseg.workspace_schema.tables` declares the tables (Ibis schemas);
:mod:`~custseg.workspace_schema.migrations` holds the numbered migrations that
:func:`~custseg.workspace_schema.migrations.upgrade` applies when a workspace is opened
(how to add one: that module's docstring).
"""

from __future__ import annotations

from custseg.workspace_schema.migrations import latest_version, schema_version, upgrade
from custseg.workspace_schema.tables import TABLES

__all__ = ["TABLES", "latest_version", "schema_version", "upgrade"]
