"""What the embedded DuckDB engine may use: memory, a spill folder and threads.

A DuckDB workspace (and the scratch DuckDB of an ingest) is told these when it is opened, so a
large base (10 million customers, 100 million order lines) stays within the machine's memory:
what does not fit is written to the spill folder instead of failing or swapping.

Each setting comes from, in order: the argument given to
:func:`custseg.open_workspace` (``resources=``), the command line's global options, the
environment, then the default:

=====================  ========================  =================  =================================
command line           environment               default            meaning
=====================  ========================  =================  =================================
``--memory-limit``     ``CUSTSEG_MEMORY_LIMIT``  DuckDB's: 80 % of  most memory DuckDB's own buffers
                                                 the machine's RAM  use, e.g. ``8GB``, ``6GiB``,
                                                                    ``500MB`` or ``60%`` (of RAM)
``--temp-dir``         ``CUSTSEG_TEMP_DIR``      DuckDB's: beside   folder where DuckDB spills what
                                                 the file           does not fit (created if
                                                 (``<file>.tmp``)   missing)
``--threads``          ``CUSTSEG_THREADS``       DuckDB's: one per  threads each query may use
                                                 core
=====================  ========================  =================  =================================

The memory limit bounds DuckDB's buffers, not the Python process: model fits and clustering
work on samples of bounded size (see :mod:`custseg.features.model_features` and
:mod:`custseg.schemes.kinds.cluster`), so the process stays a little above the limit. Nothing
changes on other backends (PostgreSQL).

This module imports nothing heavy: the command line resolves the settings before any engine
is loaded.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from custseg.errors import WorkspaceError
from custseg.i18n import Message

MEMORY_ENV = "CUSTSEG_MEMORY_LIMIT"
TEMP_DIR_ENV = "CUSTSEG_TEMP_DIR"
THREADS_ENV = "CUSTSEG_THREADS"

_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(B|KB|MB|GB|TB|KIB|MIB|GIB|TIB)\s*$", re.IGNORECASE)
_PERCENT = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*%\s*$")
_UNITS = {"B": 1, "KB": 10**3, "MB": 10**6, "GB": 10**9, "TB": 10**12,
          "KIB": 2**10, "MIB": 2**20, "GIB": 2**30, "TIB": 2**40}


@dataclass(frozen=True, slots=True)
class EngineResources:
    """DuckDB's memory limit, spill folder and threads; None leaves DuckDB's default.

    ``memory_limit`` is a size (``8GB``, ``6GiB``, ``500MB``) or a share of the machine's
    memory (``60%``); ``temp_directory`` a folder (created when the workspace opens);
    ``threads`` at least 1. ``source`` names where each value came from, for messages.
    """

    memory_limit: str | None = None
    temp_directory: str | None = None
    threads: int | None = None
    source: str = "resources="
    """Where the values came from: ``resources=``, ``command line``, ``environment``, ``merged``."""

    def memory_bytes(self) -> int | None:
        """The memory limit in bytes (None: DuckDB's default); WorkspaceError if malformed."""
        if self.memory_limit is None:
            return None
        text = self.memory_limit
        size, percent = _SIZE.match(text), _PERCENT.match(text)
        if size:
            value = int(float(size.group(1)) * _UNITS[size.group(2).upper()])
        elif percent and 0 < float(percent.group(1)) <= 100:
            value = int(physical_memory() * float(percent.group(1)) / 100)
        else:
            value = 0
        if value < 2**20:  # below 1 MiB DuckDB cannot run a query at all
            raise WorkspaceError(Message("resources_bad_memory", {
                "value": text, "where": self.where("memory_limit")}))
        return value

    def checked(self) -> EngineResources:
        """These settings, each checked (WorkspaceError: what is wrong, where, how to fix).

        The spill folder is created here when it is missing.
        """
        self.memory_bytes()
        if self.threads is not None and (isinstance(self.threads, bool) or self.threads < 1):
            raise WorkspaceError(Message("resources_bad_threads", {
                "value": str(self.threads), "where": self.where("threads")}))
        self.spill_folder()
        return self

    def spill_folder(self) -> Path | None:
        """The spill folder, created if missing (WorkspaceError when it cannot be)."""
        if self.temp_directory is None:
            return None
        folder = Path(self.temp_directory).expanduser()
        try:
            folder.mkdir(parents=True, exist_ok=True)
            if not os.access(folder, os.W_OK | os.X_OK):
                raise PermissionError("not writable")
        except OSError as exc:
            raise WorkspaceError(Message("resources_bad_temp_dir", {
                "value": self.temp_directory, "where": self.where("temp_directory"),
                "detail": exc.strerror or str(exc)})) from exc
        return folder.resolve()

    def where(self, field: str) -> str:
        """Where ``field`` was set, as the user wrote it (option and variable, or argument)."""
        names = {"memory_limit": ("--memory-limit", MEMORY_ENV),
                 "temp_directory": ("--temp-dir", TEMP_DIR_ENV),
                 "threads": ("--threads", THREADS_ENV)}[field]
        if self.source == "resources=":
            return f"resources={field}"
        if self.source == "merged":
            return f"resources={field}, {names[0]} / {names[1]}"
        return f"{names[0]} / {names[1]}"

    def merged(self, other: EngineResources) -> EngineResources:
        """These settings, each one missing here taken from ``other``."""
        return EngineResources(
            memory_limit=self.memory_limit if self.memory_limit is not None else other.memory_limit,
            temp_directory=(self.temp_directory if self.temp_directory is not None
                            else other.temp_directory),
            threads=self.threads if self.threads is not None else other.threads,
            source="merged",
        )


def from_environment(environ: Mapping[str, str] | None = None) -> EngineResources:
    """The settings of ``CUSTSEG_MEMORY_LIMIT``, ``CUSTSEG_TEMP_DIR`` and ``CUSTSEG_THREADS``."""
    env = os.environ if environ is None else environ
    threads_text = (env.get(THREADS_ENV) or "").strip()
    threads: int | None = None
    if threads_text:
        try:
            threads = int(threads_text)
        except ValueError:
            raise WorkspaceError(Message("resources_bad_threads", {
                "value": threads_text, "where": f"--threads / {THREADS_ENV}"})) from None
    return EngineResources(
        memory_limit=(env.get(MEMORY_ENV) or "").strip() or None,
        temp_directory=(env.get(TEMP_DIR_ENV) or "").strip() or None,
        threads=threads,
        source="environment",
    )


_chosen: EngineResources | None = None


def choose(resources: EngineResources | None) -> None:
    """Make ``resources`` this process's settings (the command line's options); None: unset."""
    global _chosen
    _chosen = resources


def current(explicit: EngineResources | None = None) -> EngineResources:
    """The settings in force: ``explicit``, then the chosen ones, then the environment."""
    layers = [explicit, _chosen, from_environment()]
    found = EngineResources()
    for layer in layers:
        if layer is not None:
            found = found.merged(layer.checked())
    return found


def physical_memory() -> int:
    """The machine's physical memory in bytes."""
    return int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))


def duckdb_statements(resources: EngineResources) -> list[str]:
    """The ``SET`` statements that give a DuckDB connection ``resources``."""
    statements: list[str] = []
    memory = resources.memory_bytes()
    if memory is not None:
        statements.append(f"SET memory_limit = '{memory // 2**20}MiB'")
    folder = resources.spill_folder()
    if folder is not None:
        quoted = str(folder).replace("'", "''")
        statements.append(f"SET temp_directory = '{quoted}'")
    if resources.threads is not None:
        statements.append(f"SET threads = {int(resources.threads)}")
    return statements
