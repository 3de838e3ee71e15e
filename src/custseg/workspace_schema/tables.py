"""The workspace's own tables (not the input tables): names and columns, as Ibis schemas.

``TABLES_V1`` is what a workspace held when schema versions were introduced (migration 1 makes
sure every one of them exists). **Never edit it.** A migration that adds or changes a table puts
the table's new schema in ``TABLES`` (the latest state), which is what a workspace holds after
every migration; ``tests/integration/test_workspace_schema.py`` checks that both a new workspace
and an upgraded old one end up exactly so.

Not listed here: the input tables (``customers``, ``orders``, ``payments``, ``opportunities``,
columns in :mod:`custseg.tables`), which an ingest replaces whole, and each snapshot's feature
table ``snapshot_features_<id>``, whose columns follow the features of its run.
"""

from __future__ import annotations

from types import MappingProxyType

import ibis
import ibis.expr.schema as sch

SCHEMA_VERSIONS = "schema_versions"
SNAPSHOTS = "snapshots"
ASSIGNMENTS = "assignments"
SNAPSHOT_OVERRIDES = "snapshot_overrides"
SYSTEMS = "systems"
SYSTEM_VERSIONS = "system_versions"
ACTIVATIONS = "system_activations"
OVERRIDES = "overrides"
AUDIT_LOG = "audit_log"
SETTINGS = "settings"
USERS = "users"
TOKENS = "tokens"
INGESTS = "ingests"
REJECTS = "rejects"
JOBS = "jobs"
SNAPSHOT_SUMMARIES = "snapshot_summaries"
SNAPSHOT_MOVES = "snapshot_moves"
SNAPSHOT_MOVERS = "snapshot_movers"

VERSIONS_SCHEMA = ibis.schema(
    {"version": "int64", "name": "string", "applied_at": "timestamp", "custseg_version": "string"}
)
"""One row per applied migration; the workspace's version is the largest ``version``."""

TABLES_V1: MappingProxyType[str, sch.Schema] = MappingProxyType(
    {
        SNAPSHOTS: ibis.schema(
            {
                "snapshot_id": "string",
                "as_of": "date",
                "system_name": "string",
                "system_hash": "string",
                "data_hash": "string",
                "code_version": "string",
                "created_at": "timestamp",
                "customers": "int64",
                "input_counts": "string",
                "outcomes": "string",
                "extra": "string",
            }
        ),
        ASSIGNMENTS: ibis.schema(
            {
                "snapshot_id": "string",
                "customer_id": "string",
                "scheme": "string",
                "class_key": "string",
                "score": "float64",
                "reason": "string",
            }
        ),
        SNAPSHOT_OVERRIDES: ibis.schema(
            {
                "snapshot_id": "string",
                "customer_id": "string",
                "scheme": "string",
                "class_key": "string",
                "computed_class_key": "string",
                "override_id": "string",
                "reason": "string",
                "created_by": "string",
                "expires_on": "date",
            }
        ),
        SYSTEMS: ibis.schema({"system_hash": "string", "name": "string", "document": "string"}),
        SYSTEM_VERSIONS: ibis.schema(
            {
                "name": "string",
                "version": "int64",
                "system_hash": "string",
                "registered_at": "timestamp",
            }
        ),
        ACTIVATIONS: ibis.schema(
            {
                "seq": "int64",
                "system_hash": "string",
                "activated_at": "timestamp",
                "activated_by": "string",
            }
        ),
        OVERRIDES: ibis.schema(
            {
                "override_id": "string",
                "customer_id": "string",
                "scheme": "string",
                "class_key": "string",
                "reason": "string",
                "expires_on": "date",
                "created_by": "string",
                "created_at": "timestamp",
                "status": "string",
                "active_from": "timestamp",
                "decided_by": "string",
                "decided_at": "timestamp",
                "decision_note": "string",
                "removed_by": "string",
                "removed_at": "timestamp",
                "removal_reason": "string",
                "superseded_by": "string",
            }
        ),
        AUDIT_LOG: ibis.schema(
            {
                "seq": "int64",
                "at": "timestamp",
                "actor": "string",
                "action": "string",
                "subject": "string",
                "detail": "string",
                "prev_hash": "string",
                "hash": "string",
            }
        ),
        SETTINGS: ibis.schema(
            {"key": "string", "value": "string", "changed_at": "timestamp", "changed_by": "string"}
        ),
        USERS: ibis.schema(
            {
                "name": "string",
                "role": "string",
                "owner": "string",
                "password_hash": "string",
                "disabled": "boolean",
                "created_at": "timestamp",
                "created_by": "string",
                "changed_at": "timestamp",
            }
        ),
        TOKENS: ibis.schema(
            {
                "token_id": "string",
                "token_hash": "string",
                "user_name": "string",
                "kind": "string",
                "label": "string",
                "created_at": "timestamp",
                "expires_at": "timestamp",
                "revoked_at": "timestamp",
            }
        ),
        INGESTS: ibis.schema(
            {
                "ingest_id": "string",
                "table_name": "string",
                "file": "string",
                "mode": "string",
                "rows_read": "int64",
                "rows_accepted": "int64",
                "rows_rejected": "int64",
                "ingested_at": "timestamp",
            }
        ),
        REJECTS: ibis.schema(
            {
                "ingest_id": "string",
                "table_name": "string",
                "file": "string",
                "row": "int64",
                "column": "string",
                "code": "string",
                "value": "string",
                "message": "string",
            }
        ),
    }
)

JOBS_SCHEMA = ibis.schema(
    {
        "job_id": "string",
        "kind": "string",
        "started_by": "string",
        "status": "string",
        "step": "string",
        "done": "int64",
        "total": "int64",
        "result": "string",
        "error": "string",
        "started_at": "timestamp",
        "finished_at": "timestamp",
    }
)
"""Background jobs of the server (migration 2): what ran, for whom, how it ended."""

SUMMARIES_SCHEMA = ibis.schema(
    {
        "snapshot_id": "string",
        "scheme": "string",
        "class_key": "string",
        "customers": "int64",
        "revenue_12m": "float64",
    }
)
"""Per snapshot, scheme and effective class: customers and their 12-month revenue (migration 5).

Written with the snapshot, in its transaction (a snapshot never changes, nor do these rows), so
that reading a snapshot's summary does not count its assignments again."""

MOVES_SCHEMA = ibis.schema(
    {
        "old_snapshot_id": "string",
        "new_snapshot_id": "string",
        "scheme": "string",
        "old_class": "string",
        "new_class": "string",
        "customers": "int64",
        "revenue_12m": "float64",
    }
)
"""Per pair of snapshots, scheme and (old class, new class): customers and 12-month revenue
(migration 6). A class is null for customers absent from that snapshot.

Written by the run for the new snapshot and the one before it, in the snapshot's transaction
(:mod:`custseg.snapshots.moves`); two snapshots never change, nor do these rows."""

MOVERS_SCHEMA = ibis.schema(
    {
        "old_snapshot_id": "string",
        "new_snapshot_id": "string",
        "scheme": "string",
        "customer_id": "string",
        "name": "string",
        "old_class": "string",
        "new_class": "string",
        "revenue_12m": "float64",
        "override_id": "string",
    }
)
"""Per pair of snapshots and scheme, the customers whose class changed (migration 7): the old
and new class (null when absent from that snapshot), the customer's name and 12-month revenue
(the new snapshot's; the old one's for who left) and the override the new snapshot applied.

Written by the run with the pair's move counts, sorted by scheme and customer
(:mod:`custseg.snapshots.movers`); two snapshots never change, nor do these rows."""

TABLES: MappingProxyType[str, sch.Schema] = MappingProxyType(
    {
        **TABLES_V1,
        JOBS: JOBS_SCHEMA,
        SNAPSHOT_SUMMARIES: SUMMARIES_SCHEMA,
        SNAPSHOT_MOVES: MOVES_SCHEMA,
        SNAPSHOT_MOVERS: MOVERS_SCHEMA,
    }
)
"""Every table of the latest schema version, by name."""
