"""Collect the warnings one thread raises, without touching other threads' warnings.

``warnings.catch_warnings(record=True)`` swaps the process-wide hook: in the server, where a
run's job thread fits models while request threads read, it would swallow the request threads'
warnings or re-emit them from the wrong module. :func:`thread_warnings` records only the given
categories raised by the calling thread and hands every other warning to the hook it replaced.
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


@contextmanager
def thread_warnings(*categories: type[Warning]) -> Iterator[list[warnings.WarningMessage]]:
    """Record every warning of ``categories`` that this thread raises inside the block."""
    caught: list[warnings.WarningMessage] = []
    me = threading.get_ident()
    with warnings.catch_warnings():
        for category in categories:
            warnings.filterwarnings("always", category=category)
        passed_on = warnings.showwarning

        def record(
            message: Warning | str,
            category: type[Warning],
            filename: str,
            lineno: int,
            file: Any = None,
            line: str | None = None,
        ) -> None:
            if threading.get_ident() == me and issubclass(category, categories):
                caught.append(warnings.WarningMessage(message, category, filename, lineno))
            else:
                passed_on(message, category, filename, lineno, file, line)

        warnings.showwarning = record
        yield caught
