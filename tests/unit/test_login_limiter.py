"""The login rate limiter: per user and client, per user across clients, bounded memory."""

from __future__ import annotations

from custseg.api.security import LoginLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_failures_per_user_and_client_then_the_window_passes() -> None:
    clock = Clock()
    limiter = LoginLimiter(3, 60, clock)
    for _ in range(3):
        assert limiter.retry_after("ann", "10.0.0.1") == 0
        limiter.failed("ann", "10.0.0.1")
    assert limiter.retry_after("ann", "10.0.0.1") == 60
    assert limiter.retry_after("ann", "10.0.0.2") == 0  # another client is not blocked yet
    assert limiter.retry_after("bob", "10.0.0.1") == 0  # nor another user
    clock.now += 61
    assert limiter.retry_after("ann", "10.0.0.1") == 0


def test_one_user_guessed_from_many_clients_is_limited_too() -> None:
    clock = Clock()
    limiter = LoginLimiter(3, 60, clock)
    for i in range(3 * LoginLimiter.USER_FACTOR):
        assert limiter.retry_after("ann", f"10.0.{i}.1") == 0
        limiter.failed("ann", f"10.0.{i}.1")
    assert limiter.retry_after("ann", "192.168.9.9") > 0
    assert limiter.retry_after("bob", "192.168.9.9") == 0


def test_success_clears_that_client_only() -> None:
    clock = Clock()
    limiter = LoginLimiter(2, 60, clock)
    limiter.failed("ann", "a")
    limiter.failed("ann", "a")
    limiter.failed("ann", "b")
    limiter.succeeded("ann", "a")
    assert limiter.retry_after("ann", "a") == 0
    limiter.failed("ann", "b")
    assert limiter.retry_after("ann", "b") == 60


def test_reads_keep_nothing_and_memory_is_bounded() -> None:
    clock = Clock()
    limiter = LoginLimiter(3, 60, clock, max_keys=10)
    for i in range(1000):
        limiter.retry_after(f"user{i}", "x")
    assert len(limiter._failures) == 0  # noqa: SLF001
    for i in range(1000):
        limiter.failed(f"user{i}", "x")
    assert len(limiter._failures) <= 10  # noqa: SLF001
    limiter.failed("user999", "x")
    limiter.failed("user999", "x")
    assert limiter.retry_after("user999", "x") == 60  # the newest keys are the ones kept
