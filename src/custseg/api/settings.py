"""Limits and options of the HTTP server, with safe defaults (all configurable)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta


@dataclass(frozen=True, slots=True)
class ServerSettings:
    """What the server allows: token lifetime, body, upload, page sizes, login rate, CORS, reads."""

    token_ttl: timedelta = timedelta(hours=8)
    max_body_bytes: int = 1_000_000
    max_upload_bytes: int = 50_000_000
    max_page_size: int = 500
    login_attempts: int = 5
    login_window_seconds: float = 300.0
    cors_origins: tuple[str, ...] = field(default_factory=tuple)
    docs: bool = True
    read_connections: int = 8
    """Connections of the read pool: how many GET requests run at once (0: one at a time)."""
    read_cache_entries: int = 1024
    """Results kept in memory (summaries, pages, verified tokens; 0: none), see read_cache."""
    switch_interval_ms: float = 0.2
    """How long a Python thread of the server may hold the interpreter lock before another
    thread gets it (``sys.setswitchinterval``), set while the server runs and restored when it
    stops (0: Python's default, 5 ms). The event loop answering cached pages and the threads
    explaining a customer take turns; with the default a waiting request can sit out several
    5 ms turns (README, *Server* benchmark: p95 of the detail 266 ms with 5 ms, 180 ms with
    0.2 ms, 1,000,000 customers, 20 clients)."""
    read_threads: int = 1
    """DuckDB: threads each query may use while nothing writes (0: DuckDB's default, one per
    core). One customer's detail costs less CPU on one thread, so more requests are answered
    at once; a run, a series, an ingest and the start-up warming get every thread back while
    they work. No effect on PostgreSQL."""
