"""The report as one self-contained HTML file: images inlined, CSS for screen and print."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from custseg.reports._template import STYLE, TEMPLATE
from custseg.reports.charts import DPI
from custseg.reports.content import ReportContent, SchemeSection
from custseg.reports.fonts import CSS_FONT_STACK
from custseg.reports.labels import text, words

HTML_LANG = {"zh": "zh-CN", "en": "en"}


def _money(value: float) -> str:
    return f"{value:,.0f}"


def _pct(value: float) -> str:
    return f"{value:.1%}"


def _data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _width_in(png: bytes) -> str:
    """The width of a chart in inches at the DPI charts are drawn with (from the PNG header)."""
    pixels = int.from_bytes(png[16:20], "big")
    return f"{pixels / DPI:.2f}"


def _largest(section: SchemeSection) -> Any:
    summary = section.summary
    return summary.loc[summary.customers.idxmax()] if len(summary) else {"label": "", "share": 0}


def _css_string(value: str) -> str:
    """``value`` safe inside a double-quoted CSS string of a <style> element (no way out)."""
    return "".join(
        ch if ch.isalnum() or ch in " ·-_.,:;()/'" or ord(ch) > 0x7F else f"\\{ord(ch):x} "
        for ch in value
    )


def render_html(content: ReportContent) -> str:
    """The HTML text of ``content``."""
    lang = content.lang
    vocabulary = words(lang)
    style = jinja2.Template(STYLE).render(
        font_stack=CSS_FONT_STACK,
        title=_css_string(content.title),
        as_of=content.as_of,
    )
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)  # noqa: S701
    template = env.from_string(TEMPLATE)
    return template.render(
        c=content,
        t=vocabulary,
        html_lang=HTML_LANG[lang],
        style=Markup(style),  # noqa: S704 - our own stylesheet, no user input but the title
        money=_money,
        pct=_pct,
        data_uri=_data_uri,
        width_in=_width_in,
        largest=_largest,
        direction=lambda key: text(key, lang),
    )


def write_html(content: ReportContent, path: Path) -> Path:
    """Write the HTML report of ``content`` to ``path`` (UTF-8)."""
    path.write_text(render_html(content), encoding="utf-8")
    return path
