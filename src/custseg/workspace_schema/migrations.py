"""Numbered migrations of the workspace's own tables, applied when a workspace is opened.

A workspace records each migration it went through in ``schema_versions`` (version, name,
applied_at, custseg_version); its schema version is the largest one. :func:`upgrade` applies the
missing ones in order, each in its own transaction together with its ``schema_versions`` row,
so a failure leaves the workspace at the previous version and the next open tries again.
Applying them again does nothing. A workspace whose version is newer than this code knows is
refused (:class:`~custseg.errors.WorkspaceError`): an older custseg must not write to it.

Adding a migration is one function at the end of this module::

    @migration(3, "assignments stored as ...")
    def _assignments_as_(con: BaseBackend) -> None:
        ...  # Ibis calls only (DuckDB and PostgreSQL), no SQL strings

and, when it adds or changes a table, the table's new schema in ``tables.TABLES`` (never in
``tables.TABLES_V1``). The number is the next integer; the function sees the workspace at the
previous version, whether it was just created or made by an older release (the stored workspace
in ``tests/data/workspaces`` checks the second case). Keep it backend-neutral. To change a
table's columns, replace it by an expression over itself:
``con.create_table(name, converted, overwrite=True)`` (inside the migration's transaction on
DuckDB and PostgreSQL alike; Ibis has no ``rename_table`` for DuckDB).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

import ibis.expr.schema as sch
import pandas as pd
import sqlglot.expressions as sge
from ibis.backends import BaseBackend

from custseg.engine import transaction
from custseg.errors import WorkspaceError
from custseg.i18n import Message
from custseg.workspace_schema.indexes import index_every_features_table
from custseg.workspace_schema.tables import (
    ASSIGNMENTS,
    JOBS,
    JOBS_SCHEMA,
    MOVERS_SCHEMA,
    MOVES_SCHEMA,
    SCHEMA_VERSIONS,
    SNAPSHOT_MOVERS,
    SNAPSHOT_MOVES,
    SNAPSHOT_SUMMARIES,
    SUMMARIES_SCHEMA,
    TABLES_V1,
    VERSIONS_SCHEMA,
)

MigrationStep = Callable[[BaseBackend], None]
ASSIGNMENTS_INDEX = "assignments_customer_snapshot"
"""The PostgreSQL index of one customer's rows of ``assignments`` (migration 3)."""
MOVERS_INDEX = "snapshot_movers_pair_scheme"
"""The PostgreSQL index of one pair's movers of a scheme in ``snapshot_movers`` (migration 7)."""


@dataclass(frozen=True, slots=True)
class Migration:
    """One numbered change of the workspace schema."""

    version: int
    name: str
    apply: MigrationStep


MIGRATIONS: list[Migration] = []
"""Every migration, in version order (filled by :func:`migration`)."""


def migration(version: int, name: str) -> Callable[[MigrationStep], MigrationStep]:
    """Register the decorated function as migration ``version`` (the next number)."""

    def register(step: MigrationStep) -> MigrationStep:
        expected = len(MIGRATIONS) + 1
        if version != expected:
            raise RuntimeError(f"migration {name!r} is numbered {version}; the next is {expected}")
        MIGRATIONS.append(Migration(version, name, step))
        return step

    return register


def latest_version() -> int:
    """The schema version this code writes."""
    return MIGRATIONS[-1].version


def schema_version(con: BaseBackend) -> int:
    """The workspace's schema version: 0 for a new workspace or one made before versions."""
    if SCHEMA_VERSIONS not in con.list_tables():
        return 0
    value = con.table(SCHEMA_VERSIONS).version.max().execute()
    return 0 if value is None or pd.isna(value) else int(value)


def applied(con: BaseBackend) -> pd.DataFrame:
    """The ``schema_versions`` rows, oldest first (empty before the first upgrade)."""
    if SCHEMA_VERSIONS not in con.list_tables():
        return pd.DataFrame(columns=list(VERSIONS_SCHEMA.names))
    return con.table(SCHEMA_VERSIONS).order_by("version").to_pandas()


def upgrade(
    con: BaseBackend, *, location: str = "the workspace", now: datetime | None = None
) -> list[int]:
    """Apply the migrations the workspace has not had; return their versions.

    ``location`` names the workspace in the error for one newer than this code.
    """
    from custseg import __version__

    current = schema_version(con)
    latest = latest_version()
    if current > latest:
        params = {"location": location, "version": current, "latest": latest}
        raise WorkspaceError(
            Message("workspace_schema_newer", {**params, "release": __version__})
        )
    done: list[int] = []
    for step in MIGRATIONS[current:]:
        try:
            with transaction(con):
                if SCHEMA_VERSIONS not in con.list_tables():
                    con.create_table(SCHEMA_VERSIONS, schema=VERSIONS_SCHEMA)
                step.apply(con)
                row = {
                    "version": step.version,
                    "name": step.name,
                    "applied_at": pd.Timestamp(now or datetime.now()),
                    "custseg_version": __version__,
                }
                con.insert(SCHEMA_VERSIONS, pd.DataFrame([row]))
        except Exception:
            if schema_version(con) >= step.version:  # another process applied it meanwhile
                continue
            raise
        done.append(step.version)
    return done


def _create_missing(con: BaseBackend, tables: Mapping[str, sch.Schema]) -> None:
    existing = set(con.list_tables())
    for name, schema in tables.items():
        if name not in existing:
            con.create_table(name, schema=schema)


# -- the migrations, oldest first ------------------------------------------------------------
@migration(1, "baseline: the tables of the release before schema versions")
def _baseline(con: BaseBackend) -> None:
    # Older workspaces created these tables on first use, so any of them may be missing.
    _create_missing(con, TABLES_V1)


@migration(2, "jobs: background jobs of the server")
def _jobs(con: BaseBackend) -> None:
    _create_missing(con, {JOBS: JOBS_SCHEMA})


@migration(3, "assignments indexed by customer and snapshot (PostgreSQL)")
def _assignments_index(con: BaseBackend) -> None:
    # One customer's classes and history (the API's detail page) must not scan every snapshot's
    # rows. DuckDB answers them from its zone maps and would pay for an index on every bulk
    # insert, so only PostgreSQL gets it. Ibis has no index DDL: sqlglot builds the statement.
    if con.name != "postgres":
        return
    _postgres_index(con, ASSIGNMENTS_INDEX, ASSIGNMENTS, ("customer_id", "snapshot_id"))


def _postgres_index(con: BaseBackend, name: str, table: str, columns: tuple[str, ...]) -> None:
    """Create the index ``name`` of ``table`` on ``columns`` unless it exists (sqlglot DDL)."""
    statement = sge.Create(
        this=sge.Index(
            this=sge.to_identifier(name),
            table=sge.to_table(table),
            params=sge.IndexParameters(columns=[sge.Ordered(this=sge.column(c)) for c in columns]),
        ),
        kind="INDEX",
        exists=True,
    )
    cursor = con.raw_sql(statement.sql(dialect=con.name))
    if hasattr(cursor, "close"):
        cursor.close()


@migration(4, "feature tables indexed by customer (DuckDB; PostgreSQL had it)")
def _features_index(con: BaseBackend) -> None:
    # One customer's detail reads one row of the snapshot's feature table: an index lookup
    # instead of comparing a row group of ids. Runs index the tables they write from now on.
    index_every_features_table(con)


@migration(5, "per-class summaries of each snapshot, stored with it")
def _snapshot_summaries(con: BaseBackend) -> None:
    # Reading a snapshot's summary (`show`, the API, the trend) counted every customer's classes
    # joined to the feature table, tens of millions of rows at a million customers. A snapshot
    # never changes: its counts are stored once, by the run from now on, here for the older ones.
    from custseg.snapshots.store import summarise_stored_snapshots  # the store imports this package

    _create_missing(con, {SNAPSHOT_SUMMARIES: SUMMARIES_SCHEMA})
    summarise_stored_snapshots(con)


@migration(6, "class-to-class move counts of each snapshot against the one before it")
def _snapshot_moves(con: BaseBackend) -> None:
    # `diff`, `alerts` and `trend` joined two snapshots' classes of every scheme (56 million rows
    # at a million customers) to count the moves. Runs store the counts against the snapshot
    # before them from now on; older pairs are still counted when read (not here: at a million
    # customers each pair is a join of several seconds, too long for opening a workspace).
    _create_missing(con, {SNAPSHOT_MOVES: MOVES_SCHEMA})


@migration(7, "the movers of each snapshot against the one before it")
def _snapshot_movers(con: BaseBackend) -> None:
    # `diff --scheme` and `alerts` read one or a few schemes' movers from the join of two
    # snapshots' classes, stored by customer then scheme: every scheme's rows were scanned. Runs
    # store the movers with their move counts from now on; older pairs are still read from the
    # join (not here, for the reason of migration 6). DuckDB finds one pair's scheme from its
    # zone maps (the rows are written sorted by scheme); PostgreSQL gets an index.
    _create_missing(con, {SNAPSHOT_MOVERS: MOVERS_SCHEMA})
    if con.name == "postgres":
        columns = ("old_snapshot_id", "new_snapshot_id", "scheme")
        _postgres_index(con, MOVERS_INDEX, SNAPSHOT_MOVERS, columns)
