"""A throw-away PostgreSQL server for the tests, started the way CI starts it (no Docker).

``PgServer.start`` finds the server programs (``pg_config --bindir``,
``/usr/lib/postgresql/<version>/bin``, ``PATH``), runs ``initdb`` into a fresh temporary folder
and starts ``postgres`` on a free loopback port, with password authentication and a random
password. As root the programs run as the ``postgres`` system user (initdb refuses root), the
folder being handed over to that user. ``stop`` stops the server and deletes the folder.

``CUSTSEG_TEST_PG_URL`` (a ``postgresql://user:password@host:port/db`` URL of a role that may
create databases) makes the tests use that server instead of starting one.
"""

from __future__ import annotations

import atexit
import contextlib
import glob
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

ENV_URL = "CUSTSEG_TEST_PG_URL"
ENV_OPT_OUT = "CUSTSEG_TEST_NO_PG"
SUPERUSER = "custseg_test"


class PgUnavailable(RuntimeError):
    """No PostgreSQL server could be started or reached; the message says how to fix it."""


def find_bindir() -> Path:
    """The folder holding ``initdb``, ``pg_ctl`` and ``postgres``."""
    candidates: list[Path] = []
    pg_config = shutil.which("pg_config")
    if pg_config:
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            out = subprocess.run(  # noqa: S603 - our own pg_config
                [pg_config, "--bindir"], capture_output=True, text=True, check=True, timeout=30
            ).stdout.strip()
            candidates.append(Path(out))

    def version(path: str) -> float:
        try:
            return float(Path(path).parent.name)
        except ValueError:
            return 0.0

    candidates += [Path(p) for p in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=version,
                                           reverse=True)]
    initdb = shutil.which("initdb")
    if initdb:
        candidates.append(Path(initdb).resolve().parent)
    for folder in candidates:
        if all((folder / name).is_file() for name in ("initdb", "pg_ctl", "postgres")):
            return folder
    raise PgUnavailable(
        "no PostgreSQL server programs (initdb, pg_ctl, postgres) found in `pg_config --bindir`, "
        "/usr/lib/postgresql/*/bin or PATH. Install the Debian package `postgresql` "
        "(scripts/system-deps.sh does it as root), or point the tests at a server with "
        f"{ENV_URL}=postgresql://user:password@host:port/db, or opt out with {ENV_OPT_OUT}=1 "
        "(the PostgreSQL tests are then skipped)."
    )


def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class PgServer:
    """A PostgreSQL server the tests may create and drop databases on."""

    admin_url: str
    """URL of a role that may create databases, on its maintenance database."""
    folder: Path | None = None
    """The cluster's folder when this process started the server (None: an external one)."""
    _run_as: list[str] = field(default_factory=list)
    _bindir: Path | None = None

    @classmethod
    def from_env_or_start(cls) -> PgServer:
        """The server of ``CUSTSEG_TEST_PG_URL``, or a new throw-away one."""
        url = os.environ.get(ENV_URL, "").strip()
        if url:
            server = cls(admin_url=url)
            server.check()
            return server
        return cls.start()

    @classmethod
    def start(cls) -> PgServer:
        """initdb into a new temporary folder and start the server on a free port."""
        bindir = find_bindir()
        run_as: list[str] = []
        folder = Path(tempfile.mkdtemp(prefix="custseg-pg-"))
        if os.geteuid() == 0:
            run_as = _system_user_prefix()
            shutil.chown(folder, user="postgres", group="postgres")
        password = secrets.token_urlsafe(16)
        pwfile = folder / "pw"
        pwfile.write_text(password + "\n", encoding="utf-8")
        if run_as:
            shutil.chown(pwfile, user="postgres", group="postgres")
        data = folder / "data"
        port = free_port()
        server = cls(
            admin_url=f"postgresql://{SUPERUSER}:{quote(password)}@127.0.0.1:{port}/postgres",
            folder=folder,
            _run_as=run_as,
            _bindir=bindir,
        )
        try:
            server._run(
                "initdb", "-D", str(data), "-U", SUPERUSER, f"--pwfile={pwfile}",
                "--auth=scram-sha-256", "-E", "UTF8", "--locale=C", "--no-sync",
            )
            options = (
                f"-p {port} -c listen_addresses=127.0.0.1 -k {folder} "
                "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
                "-c max_connections=200"
            )
            server._run(
                "pg_ctl", "-D", str(data), "-l", str(folder / "server.log"), "-o", options,
                "-w", "-t", "60", "start",
            )
        except PgUnavailable:
            server.stop()
            raise
        atexit.register(server.stop)  # also when the session ends without its teardown
        server.check()
        return server

    def _run(self, program: str, *args: str) -> None:
        assert self._bindir is not None
        command = [*self._run_as, str(self._bindir / program), *args]
        result = subprocess.run(  # noqa: S603 - the server programs found above
            command, capture_output=True, text=True, timeout=120, cwd=self.folder, check=False
        )
        if result.returncode != 0:
            log = ""
            if self.folder is not None and (self.folder / "server.log").exists():
                log = (self.folder / "server.log").read_text(encoding="utf-8", errors="replace")
            raise PgUnavailable(
                f"`{' '.join(command)}` failed ({result.returncode}):\n{result.stdout}\n"
                f"{result.stderr}\n{log[-3000:]}"
            )

    def check(self) -> None:
        """Connect once; raise PgUnavailable with the reason when the server does not answer."""
        import psycopg

        deadline = time.monotonic() + 30
        while True:
            try:
                with psycopg.connect(self.admin_url, connect_timeout=5) as con:
                    con.execute("SELECT 1")
                return
            except psycopg.OperationalError as exc:
                if time.monotonic() > deadline:
                    raise PgUnavailable(f"PostgreSQL at {_redact(self.admin_url)}: {exc}") from exc
                time.sleep(0.3)

    def create_database(self, name: str) -> str:
        """Create an empty database; returns its URL."""
        import psycopg
        from psycopg import sql

        with psycopg.connect(self.admin_url, autocommit=True) as con:
            con.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return self.database_url(name)

    def copy_database(self, template: str, name: str) -> str:
        """Create database ``name`` as a copy of ``template`` (nobody may be connected to it)."""
        import psycopg
        from psycopg import sql

        with psycopg.connect(self.admin_url, autocommit=True) as con:
            con.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                    sql.Identifier(name), sql.Identifier(template)
                )
            )
        return self.database_url(name)

    def drop_database(self, name: str) -> None:
        """Drop a database, closing the connections still open on it."""
        import psycopg
        from psycopg import sql

        with psycopg.connect(self.admin_url, autocommit=True) as con:
            con.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )

    def database_url(self, name: str) -> str:
        """The URL of database ``name`` on this server."""
        parts = urlsplit(self.admin_url)
        return urlunsplit(parts._replace(path="/" + name))

    def stop(self) -> None:
        """Stop a server this process started and delete its folder."""
        if self.folder is None:
            return
        data = self.folder / "data"
        if (data / "postmaster.pid").exists():
            with contextlib.suppress(PgUnavailable, subprocess.SubprocessError):
                self._run("pg_ctl", "-D", str(data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder = None


def _system_user_prefix() -> list[str]:
    """The command prefix that runs a program as the ``postgres`` system user (we are root)."""
    import pwd

    try:
        pwd.getpwnam("postgres")
    except KeyError as exc:
        raise PgUnavailable(
            "running as root, but there is no `postgres` system user to run the test server as "
            "(initdb refuses root). Install the Debian package `postgresql`, which creates it, "
            f"or set {ENV_URL}."
        ) from exc
    runuser = shutil.which("runuser")
    if runuser:
        return [runuser, "-u", "postgres", "--"]
    setpriv = shutil.which("setpriv")
    if setpriv:
        return [setpriv, "--reuid=postgres", "--regid=postgres", "--init-groups"]
    raise PgUnavailable("running as root, and neither runuser nor setpriv is available "
                        "to start the test server as the `postgres` user")


def _redact(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(":" + parts.password + "@", ":***@")
        return urlunsplit(parts._replace(netloc=netloc))
    return url
