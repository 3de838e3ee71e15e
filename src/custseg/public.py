"""The public value types and helpers the front ends use beside the :class:`Workspace`.

The command line (:mod:`custseg.cli`) and the HTTP layer (:mod:`custseg.api`) may import only
these custseg modules (``tests/unit/test_import_boundary.py`` enforces it, imports inside
functions included):

- :mod:`custseg.workspace` (and the names :mod:`custseg` itself exports) — ``open_workspace``,
  :class:`Workspace` and what its methods return: every operation a user can do (ingest, run,
  previous, compare, alerts, trend, actions, report, evaluate, learn, profile, check,
  overrides, audit, settings, accounts (users and tokens), the active system, jobs);
- :mod:`custseg.public` (this module) — value types those operations take or return, and
  helpers that need no workspace (read a source before opening one, write a frame the
  workspace returned, the built-in catalogue and feature list, the bundled sample);
- :mod:`custseg.errors`, :mod:`custseg.i18n` (and its word modules) — errors and words;
- :mod:`custseg.outputs`, :mod:`custseg.spreadsheet`, :mod:`custseg.terminal`,
  :mod:`custseg.dates` — writing files, cells and terminal text; parsing dates;
- the CLI may also import :mod:`custseg.api` (``custseg serve`` builds the app).

Names here are imported lazily, so ``from custseg.public import Permission`` does not load the
reports, the models or the ingest readers.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from custseg.features import FEATURES
    from custseg.governance import AuditAction, Override, current_user
    from custseg.governance.access import (
        ROLE_PERMISSIONS,
        AccessDeniedError,
        Permission,
        Principal,
        Role,
    )
    from custseg.governance.accounts import AuthenticationError, normalise_name
    from custseg.governance.jobs import JobRecord, job_error
    from custseg.governance.targets import Targets
    from custseg.health import Finding
    from custseg.history.migrations import ABSENT, Migration
    from custseg.ingest import (
        IngestReport,
        PreparedSource,
        ReadOptions,
        prepare,
        render_error,
        write_rejects_frame,
    )
    from custseg.ingest.options import (
        DATE_FLOOR,
        MAX_BYTES,
        MAX_CELL_CHARS,
        MAX_SECONDS,
        option_error,
    )
    from custseg.ingest.pipeline import INGEST_STEPS, IngestProgress
    from custseg.learning.classifier import MODELS as LEARNING_MODELS
    from custseg.learning.known_classes import LearnedClasses
    from custseg.models import HoldoutReport, plot_conditional_expectation, plot_tracking
    from custseg.models.evaluation import MODELS as PURCHASE_MODELS
    from custseg.profile import DataProfile
    from custseg.read_cache import ReadCache
    from custseg.resources import EngineResources
    from custseg.resources import choose as choose_resources
    from custseg.reports import FORMATS as REPORT_FORMATS
    from custseg.reports import write_actions
    from custseg.reports.labels import MERGE_SEPARATOR
    from custseg.reports.labels import text as report_text
    from custseg.sample import sample_data_dir
    from custseg.schemes import ClassificationSystem, default_catalogue_text
    from custseg.schemes.config_alerts import SEVERITY_ORDER
    from custseg.snapshots.customers import SORTABLE, CustomerQuery
    from custseg.snapshots.model import SnapshotInfo
    from custseg.snapshots.view import Snapshot
    from custseg.tables import SCHEMAS, TABLE_NAMES, TableName

_EXPORTS: dict[str, tuple[str, str]] = {
    # access: roles, permissions, the authenticated principal
    "AccessDeniedError": ("custseg.governance.access", "AccessDeniedError"),
    "AuthenticationError": ("custseg.governance.accounts", "AuthenticationError"),
    "Permission": ("custseg.governance.access", "Permission"),
    "Principal": ("custseg.governance.access", "Principal"),
    "ROLE_PERMISSIONS": ("custseg.governance.access", "ROLE_PERMISSIONS"),
    "Role": ("custseg.governance.access", "Role"),
    "normalise_name": ("custseg.governance.accounts", "normalise_name"),
    "current_user": ("custseg.governance", "current_user"),
    # governance values
    "AuditAction": ("custseg.governance", "AuditAction"),
    "JobRecord": ("custseg.governance.jobs", "JobRecord"),
    "job_error": ("custseg.governance.jobs", "job_error"),
    "Override": ("custseg.governance", "Override"),
    "Targets": ("custseg.governance.targets", "Targets"),
    # snapshots and history
    "ABSENT": ("custseg.history.migrations", "ABSENT"),
    "CustomerQuery": ("custseg.snapshots.customers", "CustomerQuery"),
    "Migration": ("custseg.history.migrations", "Migration"),
    "SEVERITY_ORDER": ("custseg.schemes.config_alerts", "SEVERITY_ORDER"),
    "SORTABLE": ("custseg.snapshots.customers", "SORTABLE"),
    "Snapshot": ("custseg.snapshots.view", "Snapshot"),
    "SnapshotInfo": ("custseg.snapshots.model", "SnapshotInfo"),
    # health, profile, models, learning
    "DataProfile": ("custseg.profile", "DataProfile"),
    "Finding": ("custseg.health", "Finding"),
    "HoldoutReport": ("custseg.models", "HoldoutReport"),
    "LEARNING_MODELS": ("custseg.learning.classifier", "MODELS"),
    "LearnedClasses": ("custseg.learning.known_classes", "LearnedClasses"),
    "PURCHASE_MODELS": ("custseg.models.evaluation", "MODELS"),
    "plot_conditional_expectation": ("custseg.models", "plot_conditional_expectation"),
    "plot_tracking": ("custseg.models", "plot_tracking"),
    # input tables and reading sources (before a workspace is opened)
    "DATE_FLOOR": ("custseg.ingest.options", "DATE_FLOOR"),
    "INGEST_STEPS": ("custseg.ingest.pipeline", "INGEST_STEPS"),
    "IngestProgress": ("custseg.ingest.pipeline", "IngestProgress"),
    "IngestReport": ("custseg.ingest", "IngestReport"),
    "MAX_BYTES": ("custseg.ingest.options", "MAX_BYTES"),
    "MAX_CELL_CHARS": ("custseg.ingest.options", "MAX_CELL_CHARS"),
    "MAX_SECONDS": ("custseg.ingest.options", "MAX_SECONDS"),
    "PreparedSource": ("custseg.ingest", "PreparedSource"),
    "ReadOptions": ("custseg.ingest", "ReadOptions"),
    "SCHEMAS": ("custseg.tables", "SCHEMAS"),
    "TABLE_NAMES": ("custseg.tables", "TABLE_NAMES"),
    "TableName": ("custseg.tables", "TableName"),
    "option_error": ("custseg.ingest.options", "option_error"),
    "prepare": ("custseg.ingest", "prepare"),
    "render_error": ("custseg.ingest", "render_error"),
    "write_rejects_frame": ("custseg.ingest", "write_rejects_frame"),
    # reports: formats and writers of frames the workspace returned
    "MERGE_SEPARATOR": ("custseg.reports.labels", "MERGE_SEPARATOR"),
    "REPORT_FORMATS": ("custseg.reports", "FORMATS"),
    "report_text": ("custseg.reports.labels", "text"),
    "write_actions": ("custseg.reports", "write_actions"),
    # the system, the feature list and the bundled sample
    "ClassificationSystem": ("custseg.schemes", "ClassificationSystem"),
    "FEATURES": ("custseg.features", "FEATURES"),
    "default_catalogue_text": ("custseg.schemes", "default_catalogue_text"),
    "sample_data_dir": ("custseg.sample", "sample_data_dir"),
    # the engine's memory limit, spill folder and threads (the command line's global options)
    "EngineResources": ("custseg.resources", "EngineResources"),
    "choose_resources": ("custseg.resources", "choose"),
    # a server's read cache, given to each of its connections
    "ReadCache": ("custseg.read_cache", "ReadCache"),
}

__all__ = [
    "ABSENT",
    "AccessDeniedError",
    "AuditAction",
    "AuthenticationError",
    "ClassificationSystem",
    "CustomerQuery",
    "DATE_FLOOR",
    "DataProfile",
    "EngineResources",
    "FEATURES",
    "Finding",
    "HoldoutReport",
    "INGEST_STEPS",
    "IngestProgress",
    "IngestReport",
    "JobRecord",
    "LEARNING_MODELS",
    "LearnedClasses",
    "MAX_BYTES",
    "MAX_CELL_CHARS",
    "MAX_SECONDS",
    "MERGE_SEPARATOR",
    "Migration",
    "Override",
    "PURCHASE_MODELS",
    "Permission",
    "PreparedSource",
    "Principal",
    "REPORT_FORMATS",
    "ROLE_PERMISSIONS",
    "ReadCache",
    "ReadOptions",
    "Role",
    "SCHEMAS",
    "SEVERITY_ORDER",
    "SORTABLE",
    "Snapshot",
    "SnapshotInfo",
    "TABLE_NAMES",
    "TableName",
    "Targets",
    "choose_resources",
    "current_user",
    "default_catalogue_text",
    "job_error",
    "normalise_name",
    "option_error",
    "plot_conditional_expectation",
    "plot_tracking",
    "prepare",
    "render_error",
    "report_text",
    "sample_data_dir",
    "write_actions",
    "write_rejects_frame",
]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        module, attribute = _EXPORTS[name]
        value = getattr(importlib.import_module(module), attribute)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'custseg.public' has no attribute {name!r}")


def __dir__() -> list[str]:
    return __all__
