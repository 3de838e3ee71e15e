"""Thread limits for the compiled parts of scikit-learn (OpenMP, BLAS)."""

from __future__ import annotations

from contextlib import AbstractContextManager

from threadpoolctl import threadpool_limits

PARALLEL_THRESHOLD = 100_000
"""Below this many rows one thread is used: threads only add overhead on small data, and a lot
of it (busy-waiting) when the CPU is shared with other processes."""


def limited_threads(n_rows: int, n_threads: int | None) -> AbstractContextManager[object]:
    """Limit threads to ``n_threads``, or to 1 below :data:`PARALLEL_THRESHOLD` rows if None."""
    limit = n_threads or (1 if n_rows < PARALLEL_THRESHOLD else None)
    return threadpool_limits(limits=limit)
