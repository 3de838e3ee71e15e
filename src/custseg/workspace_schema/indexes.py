"""Indexes that find one customer's row of a snapshot's feature table without a scan.

Each snapshot's feature table (``snapshot_features_<id>``) gets an index on ``customer_id``
named ``<table>_customer``, on DuckDB (an ART index, kept in the database file) and on
PostgreSQL (a B-tree) alike. One customer's detail (the server's ``customers/{id}``) reads that
row; without the index DuckDB compares the id with a whole row group of ids (122,880 of them)
that its min-max statistics cannot rule out.

A run indexes the table it writes, in the snapshot's transaction; migration 4 indexes the
tables of snapshots stored before. ``assignments`` keeps no such index on DuckDB (see
migration 3): every run would pay for it on its bulk insert.
"""

from __future__ import annotations

import sqlglot.expressions as sge
from ibis.backends import BaseBackend

INDEXED_BACKENDS = ("duckdb", "postgres")
"""The backends whose feature tables are indexed (elsewhere, e.g. PySpark, nothing is done)."""


def features_index_name(table: str) -> str:
    """The name of the customer index of the feature table ``table``."""
    return f"{table}_customer"


def index_features(con: BaseBackend, table: str) -> bool:
    """Index the feature table ``table`` by customer_id unless it is already; whether it exists.

    Returns False (and does nothing) when the table is not in this database (a snapshot stored
    by a compute engine elsewhere) or the backend is not one that is indexed.
    """
    if getattr(con, "name", "") not in INDEXED_BACKENDS or table not in con.list_tables():
        return False
    # Ibis has no index DDL: sqlglot builds the statement.
    statement = sge.Create(
        this=sge.Index(
            this=sge.to_identifier(features_index_name(table)),
            table=sge.to_table(table),
            params=sge.IndexParameters(columns=[sge.Ordered(this=sge.column("customer_id"))]),
        ),
        kind="INDEX",
        exists=True,
    )
    result = con.raw_sql(statement.sql(dialect=con.name))
    if con.name == "postgres":  # a psycopg cursor; DuckDB returns its connection: keep it open
        result.close()
    return True


def index_every_features_table(con: BaseBackend) -> list[str]:
    """Index the feature table of every stored snapshot; the tables indexed (or already so)."""
    from custseg.snapshots.store import features_table_name  # store imports this package
    from custseg.workspace_schema.tables import SNAPSHOTS

    if SNAPSHOTS not in con.list_tables():
        return []
    ids = con.table(SNAPSHOTS).snapshot_id.to_pyarrow().to_pylist()
    tables = [features_table_name(str(i)) for i in ids]
    return [table for table in tables if index_features(con, table)]
