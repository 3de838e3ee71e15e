"""Connect to the database engine that holds a workspace (DuckDB by default, any Ibis backend)."""

from __future__ import annotations

import contextlib
import hashlib
import os
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import ibis
import pandas as pd
import sqlglot as sg
import sqlglot.expressions as sge
from ibis.backends import BaseBackend

from custseg.dated_sql import RenderedQuery
from custseg.errors import WorkspaceError
from custseg.i18n import Message
from custseg.resources import EngineResources, current, duckdb_statements

DEFAULT_WORKSPACE = "custseg.duckdb"


def connect(location: str | Path, *, resources: EngineResources | None = None) -> BaseBackend:
    """Open the workspace database at ``location``.

    ``location`` is a DuckDB file path (created if missing), ``:memory:``, or a URL that
    Ibis understands (``duckdb:///path.db``, ``postgres://user@host/db``). A DuckDB database is
    given its memory limit, spill folder and threads (:mod:`custseg.resources`: ``resources``,
    then the command line's options, then the environment), checked before anything is opened.
    """
    text = str(location)
    is_duckdb = "://" not in text or text.startswith("duckdb://")
    chosen = current(resources) if is_duckdb else None
    try:
        if text == ":memory:":
            con = ibis.duckdb.connect()
        elif "://" in text:
            con = ibis.connect(text)
        else:
            path = Path(text)
            if path.parent and not path.parent.exists():
                raise WorkspaceError(
                    f"cannot create workspace {text!r}: folder {str(path.parent)!r} does not "
                    "exist. Create the folder or choose another path with --workspace."
                )
            con = ibis.duckdb.connect(str(path))
    except WorkspaceError:
        raise
    except Exception as exc:
        if _is_lock_conflict(exc):
            raise WorkspaceError(
                f"workspace {text!r} is in use by another custseg process (DuckDB lets one "
                "process write a file at a time). Wait for the other command to finish or stop "
                "it; to share a workspace between several users run `custseg serve` on it, "
                "or use a PostgreSQL workspace."
            ) from exc
        raise _cannot_open(text, exc) from exc
    if chosen is not None and con.name == "duckdb":
        give_resources(con, chosen)
    return con


def scratch_duckdb(resources: EngineResources | None = None) -> BaseBackend:
    """An in-memory DuckDB for intermediate work (an ingest's checks), with the resources."""
    con = ibis.duckdb.connect()
    give_resources(con, current(resources))
    return con


def give_resources(con: BaseBackend, resources: EngineResources) -> None:
    """Tell the DuckDB connection ``con`` its memory limit, spill folder and threads.

    A value DuckDB refuses closes ``con`` and raises a WorkspaceError naming the setting.
    """
    for statement in duckdb_statements(resources):
        try:
            con.raw_sql(statement)  # DuckDB returns its connection: nothing to close
        except Exception as exc:
            with contextlib.suppress(Exception):
                con.disconnect()
            setting = statement.removeprefix("SET ")
            field = setting.split(" ", 1)[0]
            detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            where = resources.where("temp_directory" if field == "temp_directory" else
                                     "threads" if field == "threads" else "memory_limit")
            raise WorkspaceError(Message("resources_refused", {
                "setting": setting, "where": where, "detail": detail})) from exc


def _is_lock_conflict(exc: Exception) -> bool:
    """Whether ``exc`` is DuckDB refusing a file another process holds the lock on."""
    text = str(exc)
    return type(exc).__name__ == "IOException" and "lock" in text.lower()


def _cannot_open(text: str, exc: Exception) -> WorkspaceError:
    return WorkspaceError(
        f"cannot open workspace {text!r}: {exc}. Check the path or URL "
        "(--workspace or CUSTSEG_WORKSPACE)."
    )


@contextmanager
def transaction(con: BaseBackend, *, serialised: bool = True) -> Iterator[None]:
    """Run the enclosed writes in one database transaction; roll back on any exception.

    ``serialised``: on PostgreSQL the transaction first takes the workspace's writer lock (see
    :func:`exclusive_writer`), so writers that read before they write (the audit chain's next
    entry, the next override id) never interleave; False for bookkeeping that neither appends
    to the audit log nor numbers anything (login sessions, the server's job records), which then
    need not wait for a run in progress.
    """
    con.raw_sql("BEGIN TRANSACTION")
    try:
        if serialised and _is_postgres(con):
            _wait_for_lock(con, "pg_try_advisory_xact_lock", "write")
        yield
    except BaseException:
        con.raw_sql("ROLLBACK")
        raise
    con.raw_sql("COMMIT")


WRITER_WAIT_ENV = "CUSTSEG_WRITER_WAIT"
DEFAULT_WRITER_WAIT_SECONDS = 600.0
_WRITER_KEY = int.from_bytes(hashlib.sha256(b"custseg workspace writer").digest()[:8], "big",
                             signed=True)
"""The PostgreSQL advisory lock key of the workspace writer (advisory locks are per database)."""
_held: dict[int, int] = {}
"""How deep each connection (by id: Ibis backends compare equal per database) holds the lock."""
_held_guard = threading.Lock()


@contextmanager
def exclusive_writer(con: BaseBackend, what: str) -> Iterator[None]:
    """Hold the workspace's writer lock for a whole operation that reads and writes (a run).

    On PostgreSQL this is a session advisory lock: a second run, an ingest, or any serialised
    transaction (override, setting, user change) from another connection or process waits for
    it, up to $CUSTSEG_WRITER_WAIT seconds (default 600), then fails with a WorkspaceError that
    says so. Re-entrant on one connection. On DuckDB one process holds the file and the server
    serialises its own writers, so nothing is locked here.
    """
    if not _is_postgres(con):
        yield
        return
    key = id(con)
    with _held_guard:
        depth = _held.get(key, 0)
        _held[key] = depth + 1
    try:
        if depth == 0:
            _wait_for_lock(con, "pg_try_advisory_lock", what)
        try:
            yield
        finally:
            if depth == 0:
                with contextlib.suppress(Exception):  # a closed connection released it already
                    _select(con, "pg_advisory_unlock")
    finally:
        with _held_guard:
            _held[key] -= 1
            if not _held[key]:
                del _held[key]


def _is_postgres(con: BaseBackend) -> bool:
    return getattr(con, "name", "") == "postgres"


def _select(con: BaseBackend, function: str) -> Any:
    """``SELECT function(writer key)`` through the backend; its single value."""
    call = sge.Anonymous(this=function, expressions=[sge.convert(_WRITER_KEY)])
    with contextlib.closing(con.raw_sql(sge.select(call))) as cursor:
        return cursor.fetchone()[0]


def _wait_for_lock(con: BaseBackend, function: str, what: str) -> None:
    """Poll ``function`` (a pg_try_advisory_* lock) until it is granted or the wait is over."""
    try:
        wait = float(os.environ.get(WRITER_WAIT_ENV, DEFAULT_WRITER_WAIT_SECONDS))
    except ValueError:
        wait = DEFAULT_WRITER_WAIT_SECONDS
    deadline = time.monotonic() + max(wait, 0.0)
    pause = 0.05
    while not _select(con, function):
        if time.monotonic() >= deadline:
            raise WorkspaceError(
                f"cannot {what}: another custseg process or server has been writing to this "
                f"workspace for more than {wait:g} s (a run, a series or an ingest: one writer "
                "at a time). Try again when it has finished, or wait longer with "
                f"{WRITER_WAIT_ENV}=SECONDS."
            )
        time.sleep(pause)
        pause = min(pause * 2, 1.0)


@contextmanager
def insertion_order_relaxed(con: BaseBackend) -> Iterator[None]:
    """On DuckDB, let the enclosed statements produce rows in any order; restored afterwards.

    With ``preserve_insertion_order`` off DuckDB need not keep a statement's rows in their
    input order, so large inserts and CREATE TABLE AS spill instead of holding rows in memory.
    Only for statements whose row order does not matter (an explicit ORDER BY still holds).
    Elsewhere nothing is changed.
    """
    if con.name != "duckdb":
        yield
        return
    before = con.raw_sql("SELECT current_setting('preserve_insertion_order')").fetchone()[0]  # type: ignore[attr-defined]
    con.raw_sql("SET preserve_insertion_order = false")  # type: ignore[attr-defined]
    try:
        yield
    finally:
        # an aborted transaction may refuse the SET; the connection is then rolled back anyway
        with contextlib.suppress(Exception):
            con.raw_sql(f"SET preserve_insertion_order = {str(bool(before)).lower()}")  # type: ignore[attr-defined]


@contextmanager
def fsst_disabled(con: BaseBackend) -> Iterator[None]:
    """On DuckDB, write the enclosed statements' strings without FSST compression; restored after.

    For many distinct, short strings (the assignments' reason codes) DuckDB's FSST costs more
    time than it saves space: 28,000,000 assignment rows were written with 4 s less CPU and
    into a 2 % smaller file with dictionary compression alone. The setting is the database's
    (DuckDB has no per-table one): other connections' writes meanwhile also skip FSST, which
    changes their file size, never their data. Elsewhere nothing is changed.
    """
    if con.name != "duckdb":
        yield
        return
    run = con.raw_sql  # type: ignore[attr-defined]
    setting = "disabled_compression_methods"
    before = run(f"SELECT current_setting('{setting}')").fetchone()[0]
    methods = {m.strip().lower() for m in str(before or "").split(",") if m.strip()}
    run(f"SET {setting} = '{','.join(sorted(methods | {'fsst'}))}'")
    try:
        yield
    finally:
        with contextlib.suppress(Exception):  # as in insertion_order_relaxed
            run(f"SET {setting} = '{','.join(sorted(methods))}'")


def insert_from(con: BaseBackend, table: str, source: ibis.Table) -> None:
    """Append the rows of ``source`` to ``table``, columns matched by name.

    Ibis's ``insert`` renders the query to text and parses it back with sqlglot before running
    it; for the large statements of a run (the assignments of every scheme) that round trip
    cost more CPU than the engine's work on small data, so the statement is built once here.
    """
    compiler = con.compiler  # type: ignore[attr-defined]
    quoted = compiler.quoted
    con._run_pre_execute_hooks(source)  # type: ignore[attr-defined]  # registers in-memory tables
    statement = sge.insert(
        expression=compiler.to_sqlglot(source),
        into=sg.table(table, quoted=quoted),
        columns=[sg.to_identifier(name, quoted=quoted) for name in source.columns],
        dialect=compiler.dialect,
        copy=False,  # the compiled tree is built for this statement alone
    )
    # copy=False: rendering the tree does not copy it first (a large statement's copy cost as
    # much as its rendering)
    sql = statement.sql(dialect=compiler.dialect, copy=False)
    result = con.raw_sql(sql)  # type: ignore[attr-defined]
    if con.name != "duckdb" and hasattr(result, "close"):
        result.close()  # a PostgreSQL cursor; DuckDB hands back its connection itself


def create_table_from(
    con: BaseBackend, name: str, source: ibis.Table | RenderedQuery, *, temp: bool = False
) -> ibis.Table:
    """``source`` computed into table ``name`` (a table of that name is replaced); the new table.

    On DuckDB the table is created with ``source``'s column types and filled by one statement
    compiled once, not re-copied: Ibis's ``create_table`` asks the engine for its current
    database twice, copies the compiled tree before rendering it, and with ``overwrite`` fills
    a table under another name and copies it again. Same table, same types. ``source`` may be
    SQL already rendered (:mod:`custseg.dated_sql`), DuckDB only. Elsewhere it is Ibis's
    ``create_table(..., overwrite=True)``.
    """
    if con.name != "duckdb":
        if isinstance(source, RenderedQuery):
            raise TypeError("rendered SQL is written by the DuckDB backend only")
        return con.create_table(name, source, temp=temp, overwrite=True)
    compiler = con.compiler  # type: ignore[attr-defined]
    quoted, dialect = compiler.quoted, compiler.dialect
    if isinstance(source, RenderedQuery):
        schema, query = source.schema, source.sql
    else:
        con._run_pre_execute_hooks(source)  # type: ignore[attr-defined]  # in-memory tables
        schema = source.schema()
        # the backend's compile: a series swaps it for one that reuses compiled SQL
        # (custseg.sql_templates)
        query = con.compile(source)
    catalog, database = ("temp", "main") if temp else (None, None)
    table = sg.table(name, catalog=catalog, db=database, quoted=quoted)
    create = sge.Create(
        kind="TABLE",
        this=sge.Schema(this=table, expressions=schema.to_sqlglot_column_defs(dialect)),
        replace=True,
        properties=sge.Properties(expressions=[sge.TemporaryProperty()] if temp else []),
    )
    columns = ", ".join(sg.to_identifier(c, quoted=quoted).sql(dialect) for c in schema.names)
    raw = con.con  # type: ignore[attr-defined]
    raw.execute(create.sql(dialect=dialect, copy=False))
    raw.execute(f"INSERT INTO {table.sql(dialect)} ({columns}) {query}")
    return con.table(name, database=(catalog, database) if temp else None)


def insert_rows(
    con: BaseBackend,
    table: str,
    rows: pd.DataFrame | Sequence[Mapping[str, Any]],
    schema: ibis.Schema,
) -> None:
    """Append ``rows`` to ``table`` with the column types of ``schema``.

    Typed on the way in: a column that is null in every row (a pending override's decision)
    has no type of its own, and PostgreSQL refuses such a column.
    """
    frame = rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(list(rows))
    frame = frame.reindex(columns=list(schema.names))
    con.insert(table, ibis.memtable(frame, schema=schema))
