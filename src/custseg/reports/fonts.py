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
    """The name of an installed CJK font family known to matplotlib; FontMissingError if none."""
    from matplotlib import font_manager

    installed = {entry.name for entry in font_manager.fontManager.ttflist}
    for family in CJK_FAMILIES:
        if family in installed:
            return family
    raise FontMissingError(
        "no Chinese font found for the report charts (looked for "
        f"{', '.join(CJK_FAMILIES)}). Install Noto Sans CJK, e.g. `apt-get install "
        "fonts-noto-cjk` on Debian/Ubuntu, then remove matplotlib's font cache "
        "(~/.cache/matplotlib) so it is found."
    )


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
