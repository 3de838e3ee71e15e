"""Results of reads a server keeps in memory: bounded, thread-safe, each computed once.

A stored snapshot never changes, so what is read from one (a scheme's summary, a page of its
customers, how many customers match a filter) can be kept under a key that names the snapshot
and everything else the answer depends on (language, filter, the reader's owner scope). Only
two entries can go stale and are kept for a short time: the list of snapshots (a run in another
process adds one) and a verified login token (revoked by another process). Changes made in this
process drop them at once (:meth:`ReadCache.drop`).

The CLI and notebooks use no cache; :class:`custseg.api.deps.WorkspaceHandle` gives one to every
connection of a server.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, TypeVar

T = TypeVar("T")

SNAPSHOT_LIST_SECONDS = 2.0
"""How long the list of snapshots is kept: a run in another process shows within this time."""
TOKEN_SECONDS = 10.0
"""How long a verified token is trusted without asking the database again (see accounts)."""


@dataclass(slots=True)
class _Entry:
    value: Any
    expires: float | None


class ReadCache:
    """At most ``max_entries`` results, least recently used dropped first.

    Keys are tuples whose first item names the kind of result (``"summary"``, ``"token"``, …).
    While one thread computes a key, others asking for the same key wait for its result instead
    of computing it again.
    """

    def __init__(
        self,
        max_entries: int = 1024,
        *,
        snapshot_list_seconds: float = SNAPSHOT_LIST_SECONDS,
        token_seconds: float = TOKEN_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_entries = max(1, max_entries)
        self.snapshot_list_seconds = snapshot_list_seconds
        self.token_seconds = token_seconds
        self._clock = clock
        self._entries: OrderedDict[Hashable, _Entry] = OrderedDict()
        self._pending: dict[Hashable, threading.Event] = {}
        self._generations: dict[str, int] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def get(self, key: tuple[Any, ...], make: Callable[[], T], *, ttl: float | None = None) -> T:
        """The value kept for ``key``, else ``make()`` (kept for ``ttl`` seconds, None: ever)."""
        while True:
            with self._lock:
                found = self._fresh(key)
                if found is not None:
                    return found.value  # type: ignore[no-any-return]
                waiting = self._pending.get(key)
                if waiting is None:
                    self._pending[key] = threading.Event()
                    started = self._generations.get(key[0], 0)
                    break
            waiting.wait()
        try:
            value = make()
            self.put(key, value, ttl=ttl, generation=started)
            return value
        finally:
            with self._lock:
                self._pending.pop(key).set()

    def peek(self, key: tuple[Any, ...]) -> Any | None:
        """The value kept for ``key`` (None when there is none or it expired)."""
        with self._lock:
            found = self._fresh(key)
            return None if found is None else found.value

    def generation(self, kind: str) -> int:
        """How many times entries of ``kind`` were dropped (see :meth:`put`)."""
        with self._lock:
            return self._generations.get(kind, 0)

    def put(
        self,
        key: tuple[Any, ...],
        value: Any,
        *,
        ttl: float | None = None,
        generation: int | None = None,
    ) -> None:
        """Keep ``value`` under ``key``.

        With ``generation`` (what :meth:`generation` said before ``value`` was read), nothing
        is kept if entries of the key's kind were dropped since: the value may predate the
        change that dropped them (a token read just before its revocation).
        """
        expires = None if ttl is None else self._clock() + ttl
        with self._lock:
            if generation is not None and generation != self._generations.get(key[0], 0):
                return
            self._entries[key] = _Entry(value, expires)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def drop(self, kind: str) -> None:
        """Forget every entry of one kind (e.g. ``"token"`` after a revocation)."""
        with self._lock:
            self._generations[kind] = self._generations.get(kind, 0) + 1
            for key in [k for k in self._entries if k[0] == kind]:
                del self._entries[key]

    def _fresh(self, key: Hashable) -> _Entry | None:
        found = self._entries.get(key)
        if found is None:
            return None
        if found.expires is not None and found.expires <= self._clock():
            del self._entries[key]
            return None
        self._entries.move_to_end(key)
        return found
