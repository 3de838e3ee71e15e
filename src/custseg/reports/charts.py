"""Report charts drawn with matplotlib (Agg), returned as PNG bytes."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import LogNorm
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, PercentFormatter

from custseg.i18n import Lang
from custseg.reports.fonts import chart_rc
from custseg.reports.labels import text

DPI = 144
"""Pixels per inch of chart images: sharp in print, moderate in size."""

WIDTH = 7.2
"""Width of a chart in inches (fits an A4 page with margins)."""

NEUTRAL = "#9E9E9E"


@contextmanager
def _figure(height: float, width: float = WIDTH) -> Iterator[Figure]:
    with matplotlib.rc_context(chart_rc()):
        fig = Figure(figsize=(width, height), dpi=DPI, layout="constrained")
        FigureCanvasAgg(fig)
        yield fig


def _png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, facecolor="white")
    return buffer.getvalue()


def _render(height: float, draw: Callable[[Figure], None], width: float = WIDTH) -> bytes:
    with _figure(height, width) as fig:
        draw(fig)
        return _png(fig)


def _bar_height(n: int) -> float:
    return min(1.0 + 0.27 * max(n, 1), 9.0)


def _money(value: float, _pos: object = None) -> str:
    magnitude = abs(value)
    if magnitude >= 1e8:
        return f"{value / 1e6:,.0f}M"
    if magnitude >= 1e6:
        return f"{value / 1e6:,.1f}M"
    if magnitude >= 1e3:
        return f"{value / 1e3:,.0f}k"
    return f"{value:,.0f}"


def _colours(summary: pd.DataFrame, colours: Sequence[str] | None) -> list[str]:
    if colours is None or len(colours) != len(summary):
        return [NEUTRAL] * len(summary)
    return list(colours)


def _hbars(
    ax: Axes,
    labels: Sequence[str],
    values: Sequence[float],
    colours: Sequence[str],
    fmt: Callable[[float], str],
    title: str,
    *,
    invert: bool = True,
) -> None:
    y = np.arange(len(labels))
    ax.barh(y, values, color=colours, height=0.7)
    ax.set_yticks(y, labels)
    if invert:
        ax.invert_yaxis()
    ax.set_title(title, loc="left")
    top = max([float(v) for v in values] + [0.0]) or 1.0
    ax.set_xlim(0, top * 1.22)
    for yi, value in zip(y, values, strict=True):
        ax.text(float(value) + top * 0.01, yi, fmt(float(value)), va="center", fontsize=7.5)
    ax.tick_params(axis="y", length=0)
    ax.grid(axis="x", color="#E0E0E0", linewidth=0.6)
    ax.set_axisbelow(True)


def class_sizes(summary: pd.DataFrame, colours: Sequence[str] | None, lang: Lang) -> bytes:
    """Horizontal bars: customers per class (``summary`` as from ``Snapshot.summary``)."""

    def draw(fig: Figure) -> None:
        ax = fig.add_subplot()
        _hbars(
            ax,
            list(summary.label),
            list(summary.customers),
            _colours(summary, colours),
            lambda v: f"{v:,.0f}",
            text("chart_sizes", lang),
        )

    return _render(_bar_height(len(summary)), draw)


def revenue_shares(summary: pd.DataFrame, colours: Sequence[str] | None, lang: Lang) -> bytes:
    """Horizontal bars: share of 12-month revenue per class."""

    def draw(fig: Figure) -> None:
        ax = fig.add_subplot()
        _hbars(
            ax,
            list(summary.label),
            list(summary.revenue_share * 100),
            _colours(summary, colours),
            lambda v: f"{v:.1f}%",
            text("chart_revenue", lang),
        )
        ax.xaxis.set_major_formatter(PercentFormatter(decimals=0))

    return _render(_bar_height(len(summary)), draw)


def class_profile(summary: pd.DataFrame, colours: Sequence[str] | None, lang: Lang) -> bytes:
    """Two panels side by side: customers per class and revenue share per class."""
    shown = _colours(summary, colours)

    def draw(fig: Figure) -> None:
        left, right = fig.subplots(1, 2, sharey=True)
        labels = list(summary.label)
        _hbars(left, labels, list(summary.customers), shown, lambda v: f"{v:,.0f}",
               text("chart_sizes", lang))
        _hbars(right, labels, list(summary.revenue_share * 100), shown,
               lambda v: f"{v:.1f}%", text("chart_revenue", lang), invert=False)
        right.xaxis.set_major_formatter(PercentFormatter(decimals=0))
        right.tick_params(axis="y", labelleft=False)

    return _render(_bar_height(len(summary)), draw)


def matrix_scatter(
    points: pd.DataFrame,
    *,
    x_split: float,
    y_split: float,
    labels: dict[str, str],
    colours: dict[str, str],
    x_label: str,
    y_label: str,
    lang: Lang,
    total: int | None = None,
) -> bytes:
    """Scatter of ``points`` [x, y, class_key] coloured by class, with the split lines.

    The x axis is logarithmic (revenue is skewed; values at or below zero are drawn at the
    smallest positive one); each class's label, count and share of points is written in its
    quadrant (shares of ``total`` customers, default: of the points).
    """
    data = points.dropna(subset=["x", "y"]).copy()
    positive = data.x[data.x > 0]
    log_x = len(positive) > 0 and x_split > 0
    if log_x:
        data["x"] = data.x.clip(lower=float(positive.min()))

    def draw(fig: Figure) -> None:
        ax = fig.add_subplot()
        for key, group in data.groupby("class_key", sort=False):
            ax.scatter(group.x, group.y, s=7, alpha=0.55, linewidths=0,
                       color=colours.get(str(key), NEUTRAL), label=labels.get(str(key), key))
        if log_x:
            ax.set_xscale("log")
        ax.xaxis.set_major_formatter(FuncFormatter(_money))
        ax.axvline(x_split, color="#424242", linestyle="--", linewidth=1)
        ax.axhline(y_split, color="#424242", linestyle="--", linewidth=1)
        ax.set_xlabel(f"{x_label}  ({text('threshold_x', lang)} {_money(x_split)})")
        ax.set_ylabel(f"{y_label}  ({text('threshold_y', lang)} {y_split:,.1f})")
        ax.set_title(text("chart_matrix", lang), loc="left")
        base = max(total or len(data), 1)
        for key, group in data.groupby("class_key", sort=False):
            right = float(group.x.median()) >= x_split
            top = float(group.y.median()) >= y_split
            ax.text(
                0.98 if right else 0.02,
                0.97 if top else 0.03,
                f"{labels.get(str(key), key)}\n{len(group):,} · {len(group) / base:.1%}",
                transform=ax.transAxes,
                ha="right" if right else "left",
                va="top" if top else "bottom",
                fontsize=8.5,
                fontweight="bold",
                color=colours.get(str(key), "#212121"),
                bbox={"boxstyle": "round,pad=0.3", "facecolor": "white", "alpha": 0.85,
                      "edgecolor": "none"},
            )

    return _render(4.0, draw)


def pareto_curve(
    values: pd.Series,
    *,
    class_counts: Sequence[tuple[str, int, str]],
    cuts: Sequence[float],
    lang: Lang,
) -> bytes:
    """Cumulative share of the measure against the share of customers, ranked descending.

    ``class_counts`` are (label, customers, colour) in class order; their boundaries are drawn
    as vertical lines, ``cuts`` (e.g. 0.8, 0.95) as horizontal ones.
    """
    ranked = np.sort(np.clip(values.fillna(0.0).to_numpy(dtype=float), 0, None))[::-1]
    total = ranked.sum()
    n = len(ranked)
    y = np.concatenate([[0.0], np.cumsum(ranked) / total if total else np.zeros(n)])
    x = np.linspace(0.0, 1.0, n + 1)

    def draw(fig: Figure) -> None:
        ax = fig.add_subplot()
        start = 0
        for label, count, colour in class_counts:
            if count <= 0:
                continue
            end = min(start + count, n)
            ax.fill_between(x[start:end + 1], 0, y[start:end + 1], color=colour, alpha=0.25,
                            linewidth=0, label=label)
            if end < n:
                ax.axvline(end / n, color=colour, linestyle="--", linewidth=1)
                ax.annotate(f"{end / n:.0%}", (end / n, 0.02), xytext=(3, 0),
                            textcoords="offset points", fontsize=7.5, color="#424242")
            start = end
        ax.plot(x, y, color="#212121", linewidth=1.6)
        for cut in cuts:
            ax.axhline(cut, color="#757575", linestyle=":", linewidth=1)
            ax.annotate(f"{cut:.0%}", (1.0, cut), xytext=(-22, 2), textcoords="offset points",
                        fontsize=7.5, color="#424242")
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1.02)
        ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        ax.set_xlabel(text("customer_share_axis", lang))
        ax.set_ylabel(text("revenue_share_axis", lang))
        ax.set_title(text("chart_pareto", lang), loc="left")
        ax.legend(loc="lower right", frameon=False)
        ax.grid(color="#EEEEEE", linewidth=0.6)

    return _render(3.0, draw)


def migration_heatmap(
    pivot: pd.DataFrame,
    *,
    lang: Lang,
) -> bytes:
    """Heatmap of customers per (previous class row, current class column), counts written in."""
    counts = pivot.to_numpy(dtype=float)
    rows, cols = counts.shape
    height = min(1.3 + 0.27 * rows, 8.0)
    width = min(max(4.2, 2.4 + 0.62 * cols), WIDTH)

    def draw(fig: Figure) -> None:
        ax = fig.add_subplot()
        shown = np.where(counts > 0, counts, np.nan)
        top = np.nanmax(shown) if np.isfinite(shown).any() else 1.0
        ax.imshow(shown, cmap="Blues", norm=LogNorm(vmin=1, vmax=max(top, 2.0)), aspect="auto")
        for i in range(rows):
            for j in range(cols):
                value = counts[i, j]
                if value <= 0:
                    continue
                dark = np.log(value) > 0.6 * np.log(max(top, 2.0))
                ax.text(j, i, f"{value:,.0f}", ha="center", va="center", fontsize=7.5,
                        color="white" if dark else "#212121",
                        fontweight="bold" if i == j else "normal")
        ax.set_xticks(range(cols), list(pivot.columns), rotation=30, ha="right")
        ax.set_yticks(range(rows), list(pivot.index))
        ax.set_xlabel(text("current_class", lang))
        ax.set_ylabel(text("previous_class", lang))
        ax.set_title(text("chart_migration", lang), loc="left")
        ax.tick_params(length=0)
        for side in ("top", "right", "left", "bottom"):
            ax.spines[side].set_visible(False)

    return _render(height, draw, width)
