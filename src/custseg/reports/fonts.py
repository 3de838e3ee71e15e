"""The CJK font charts and documents are drawn with (Noto Sans CJK)."""

from __future__ import annotations

import functools
from typing import Any

from custseg.errors import CustsegError

CJK_FAMILIES: tuple[str, ...] = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
)
"""Families that draw Simplified Chinese, preferred first."""

CSS_FONT_STACK = (
    '"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN", '
    '"Microsoft YaHei", "PingFang SC", sans-serif'
)
"""The ``font-family`` value of HTML and PDF reports."""


class FontMissingError(CustsegError):
    """No font able to draw Chinese labels is installed."""


@functools.cache
def cjk_family() -> str:
    """The name of an installed CJK font family known to matplotlib; FontMissingError if none.

    When matplotlib's font list was cached before the font was installed (a fresh machine: the
    set-up installs fonts-noto-cjk after the virtualenv), the list is rebuilt once from the fonts
    on disk, and the rebuilt cache is saved for later runs.
    """
    family = _known_family()
    if family is None:
        rebuild_font_cache()
        family = _known_family()
    if family is None:
        raise FontMissingError(
            "no Chinese font found for the report charts (looked for "
            f"{', '.join(CJK_FAMILIES)}). Install Noto Sans CJK, e.g. `apt-get install "
            "fonts-noto-cjk` on Debian/Ubuntu (scripts/system-deps.sh does it), then run "
            "scripts/setup.sh again."
        )
    return family


def _known_family() -> str | None:
    from matplotlib import font_manager

    installed = {entry.name for entry in font_manager.fontManager.ttflist}
    return next((family for family in CJK_FAMILIES if family in installed), None)


def rebuild_font_cache() -> None:
    """Rebuild matplotlib's font list from the fonts on disk (and rewrite its cache file)."""
    from matplotlib import font_manager

    font_manager.fontManager = font_manager._load_fontmanager(try_read_cache=False)
    cjk_family.cache_clear()


def chart_rc() -> dict[str, Any]:
    """Matplotlib settings for report charts: the CJK family first, DejaVu Sans as fallback."""
    return {
        "font.family": "sans-serif",
        "font.sans-serif": [cjk_family(), "DejaVu Sans"],
        "axes.unicode_minus": False,
        "font.size": 9,
        "axes.titlesize": 10,
        "axes.labelsize": 9,
        "xtick.labelsize": 8,
        "ytick.labelsize": 8,
        "legend.fontsize": 8,
        "axes.spines.top": False,
        "axes.spines.right": False,
    }



def check_main() -> int:
    """The set-up's font check: say which CJK family charts use; 1 (and why) when none."""
    import sys

    try:
        sys.stdout.write(f"custseg: report charts draw Chinese with {cjk_family()}\n")
    except FontMissingError as exc:
        sys.stderr.write(f"custseg: {exc.message}\n")
        return 1
    return 0
