"""The CJK font is found, also when matplotlib cached its font list before it was installed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from matplotlib import font_manager

from custseg.reports import fonts


@pytest.fixture
def restored() -> Iterator[None]:
    original = font_manager.fontManager
    fonts.cjk_family.cache_clear()
    yield
    font_manager.fontManager = original
    fonts.cjk_family.cache_clear()


def test_the_cjk_font_of_the_charts_is_found(restored: None) -> None:
    assert fonts.cjk_family() in fonts.CJK_FAMILIES


@pytest.mark.slow  # rebuilds the font list from disk
def test_a_font_list_cached_before_the_font_was_installed_is_rebuilt(restored: None) -> None:
    stale = font_manager.FontManager.__new__(font_manager.FontManager)
    stale.__dict__.update(font_manager.fontManager.__dict__)
    stale.ttflist = [f for f in font_manager.fontManager.ttflist
                     if f.name not in fonts.CJK_FAMILIES]
    font_manager.fontManager = stale
    assert fonts._known_family() is None  # what a stale cache looks like
    assert fonts.cjk_family() in fonts.CJK_FAMILIES
    assert font_manager.fontManager is not stale


def test_no_cjk_font_at_all_is_a_message(restored: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fonts, "CJK_FAMILIES", ("No Such Family",))
    monkeypatch.setattr(fonts, "rebuild_font_cache", lambda: None)
    with pytest.raises(fonts.FontMissingError, match="fonts-noto-cjk"):
        fonts.cjk_family()
    assert fonts.check_main() == 1
