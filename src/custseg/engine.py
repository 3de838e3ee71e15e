"""Connect to the database engine that holds a workspace (DuckDB by default, any Ibis backend)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import ibis
import pandas as pd
from ibis.backends import BaseBackend

from custseg.errors import WorkspaceError

DEFAULT_WORKSPACE = "custseg.duckdb"


def connect(location: str | Path) -> BaseBackend:
    """Open the workspace database at ``location``.

    ``location`` is a DuckDB file path (created if missing), ``:memory:``, or a URL that
    Ibis understands (``duckdb:///path.db``, ``postgres://user@host/db``).
    """
    text = str(location)
    try:
        if text == ":memory:":
            return ibis.duckdb.connect()
        if "://" in text:
            return ibis.connect(text)
        path = Path(text)
        if path.parent and not path.parent.exists():
            raise WorkspaceError(
                f"cannot create workspace {text!r}: folder {str(path.parent)!r} does not exist. "
                "Create the folder or choose another path with --workspace."
            )
        return ibis.duckdb.connect(str(path))
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
def transaction(con: BaseBackend) -> Iterator[None]:
    """Run the enclosed writes in one database transaction; roll back on any exception."""
    con.raw_sql("BEGIN TRANSACTION")
    try:
        yield
    except BaseException:
        con.raw_sql("ROLLBACK")
        raise
    con.raw_sql("COMMIT")


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
