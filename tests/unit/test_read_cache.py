"""The server's read cache: bounded, computed once per key, short-lived entries expire."""

from __future__ import annotations

import threading
import time

from custseg.read_cache import ReadCache


class Tick:
    """A monotonic clock tests move by hand."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_the_cache_is_bounded_and_drops_the_least_recently_used() -> None:
    cache = ReadCache(max_entries=3)
    for n in range(3):
        cache.put(("page", n), n)
    assert cache.get(("page", 0), lambda: -1) == 0  # used: now the most recent
    cache.put(("page", 3), 3)
    assert len(cache) == 3
    assert cache.peek(("page", 1)) is None  # the least recently used went
    assert [cache.peek(("page", n)) for n in (0, 2, 3)] == [0, 2, 3]


def test_a_result_is_computed_once_while_threads_ask_for_it_together() -> None:
    cache = ReadCache()
    calls: list[int] = []
    started = threading.Event()

    def slow() -> str:
        calls.append(1)
        started.set()
        time.sleep(0.05)
        return "summary"

    threads = [threading.Thread(target=cache.get, args=(("summary",), slow)) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert calls == [1]
    assert cache.peek(("summary",)) == "summary"


def test_a_failure_is_not_kept_and_the_next_call_computes_again() -> None:
    cache = ReadCache()

    def broken() -> int:
        raise ValueError("database went away")

    try:
        cache.get(("x",), broken)
    except ValueError:
        pass
    assert cache.get(("x",), lambda: 7) == 7


def test_short_lived_entries_expire() -> None:
    tick = Tick()
    cache = ReadCache(clock=tick)
    cache.put(("snapshots",), ["a"], ttl=2.0)
    tick.now += 1.9
    assert cache.peek(("snapshots",)) == ["a"]
    tick.now += 0.2
    assert cache.peek(("snapshots",)) is None


def test_a_value_read_before_a_drop_is_not_kept_after_it() -> None:
    cache = ReadCache()
    before = cache.generation("token")
    cache.drop("token")  # e.g. a revocation committed while the value was being read
    cache.put(("token", "digest"), "principal", generation=before)
    assert cache.peek(("token", "digest")) is None
    cache.put(("token", "digest"), "principal", generation=cache.generation("token"))
    assert cache.peek(("token", "digest")) == "principal"
    cache.put(("summary", 1), "kept")
    cache.drop("token")
    assert cache.peek(("token", "digest")) is None and cache.peek(("summary", 1)) == "kept"
