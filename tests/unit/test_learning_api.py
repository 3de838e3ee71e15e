"""The public API of custseg.learning is sorted and complete."""

from __future__ import annotations

import custseg.learning as learning


def test_learning_all_is_sorted_and_importable() -> None:
    assert learning.__all__ == sorted(learning.__all__)
    for name in learning.__all__:
        assert hasattr(learning, name), name
