"""thread_warnings records the calling thread's warnings of the asked categories only."""

from __future__ import annotations

import threading
import warnings

import pytest

from custseg.warnings_capture import thread_warnings


class _Asked(UserWarning):
    pass


def test_records_this_threads_warnings_of_the_asked_categories() -> None:
    with thread_warnings(_Asked) as caught:
        warnings.warn("first", _Asked, stacklevel=1)
        warnings.warn("second", _Asked, stacklevel=1)
    assert [str(w.message) for w in caught] == ["first", "second"]
    assert all(w.category is _Asked for w in caught)


def test_other_categories_follow_the_filters_in_force() -> None:
    # The suite turns warnings into errors: a category not asked for still raises.
    with pytest.raises(DeprecationWarning, match="not mine"), thread_warnings(_Asked):
        warnings.warn("not mine", DeprecationWarning, stacklevel=1)


def test_another_threads_warning_goes_to_the_hook_in_place_not_to_the_record() -> None:
    passed_on: list[str] = []

    def outer_hook(message, category, filename, lineno, file=None, line=None) -> None:  # noqa: ANN001
        passed_on.append(str(message))

    def other() -> None:
        warnings.warn("from the other thread", _Asked, stacklevel=1)

    with warnings.catch_warnings():
        warnings.simplefilter("always")
        warnings.showwarning = outer_hook
        with thread_warnings(_Asked) as caught:
            thread = threading.Thread(target=other)
            thread.start()
            thread.join(5)
            warnings.warn("from this thread", _Asked, stacklevel=1)
    assert [str(w.message) for w in caught] == ["from this thread"]
    assert passed_on == ["from the other thread"]
