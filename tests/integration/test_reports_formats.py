"""Reports in xlsx, html and pdf, in zh-CN and English, looked at as a user would."""

from __future__ import annotations

import base64
import io
import json
import re
import shutil
import zipfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from PIL import Image
from typer.testing import CliRunner

from custseg.cli.app import app
from custseg.errors import ConfigError
from custseg.i18n import label_of
from custseg.reports import charts, previous_snapshot, write_report
from custseg.reports.content import ReportContent, build_content
from custseg.reports.html import render_html
from custseg.reports.pdf import write_pdf
from custseg.reports.xlsx import sheet_names, write_xlsx

PDF_SCHEMES = ["abc", "sales_loyalty"]


@pytest.fixture(scope="module")
def ws(history_workspace_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    from custseg import open_workspace

    copy = tmp_path_factory.mktemp("reports") / "history.duckdb"
    shutil.copyfile(history_workspace_file, copy)
    workspace = open_workspace(copy, clock=lambda: datetime(2026, 7, 1, 9, 0, 0))
    yield workspace
    workspace.close()


@pytest.fixture(scope="module")
def pair(ws: object) -> tuple[object, object]:
    latest = ws.snapshot()  # type: ignore[attr-defined]
    return latest, previous_snapshot(ws, latest)


@pytest.fixture(scope="module")
def contents(pair: tuple[object, object]) -> dict[str, ReportContent]:
    """The full report model in each language (built once: it is the slow part); charts in zh."""
    latest, previous = pair
    return {
        "zh": build_content(latest, previous, lang="zh"),
        "en": build_content(latest, previous, lang="en", images=False),
    }


@pytest.fixture(scope="module")
def xlsx_zh(contents: dict[str, ReportContent], tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_xlsx(contents["zh"], tmp_path_factory.mktemp("xlsx") / "report.xlsx")


@pytest.fixture(scope="module", params=["zh", "en"])
def html_text(
    request: pytest.FixtureRequest, contents: dict[str, ReportContent]
) -> tuple[str, str]:
    return request.param, render_html(contents[request.param])


@pytest.fixture(scope="module", params=["zh", "en"])
def pdf_file(
    request: pytest.FixtureRequest,
    pair: tuple[object, object],
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[str, Path]:
    latest, previous = pair
    content = build_content(latest, previous, lang=request.param, schemes=PDF_SCHEMES)
    path = tmp_path_factory.mktemp("pdf") / f"report-{request.param}.pdf"
    return request.param, write_pdf(content, path)


def _scheme_labels(snapshot: object, lang: str, names: list[str] | None = None) -> list[str]:
    chosen = names or snapshot.info.computed_schemes  # type: ignore[attr-defined]
    return [label_of(snapshot.scheme(n).labels, lang) for n in chosen]  # type: ignore[attr-defined]


# -- xlsx ------------------------------------------------------------------------------------
def test_xlsx_sheets_and_numbers_equal_the_summary(
    xlsx_zh: Path, pair: tuple[object, object]
) -> None:
    latest, _ = pair
    book = openpyxl.load_workbook(xlsx_zh)
    computed = latest.info.computed_schemes  # type: ignore[attr-defined]
    assert book.sheetnames[0] == "概览"
    assert len(book.sheetnames) == 1 + len(computed)
    assert all(len(n) <= 31 for n in book.sheetnames)
    assert book["概览"].freeze_panes is not None
    for sheet in book.worksheets:  # prints on A4 landscape, one page wide
        assert sheet.page_setup.orientation == "landscape"
        assert sheet.page_setup.paperSize == 9
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert sheet.page_setup.fitToWidth in (None, 1)  # 1 is the default, left out
        assert sheet.page_setup.fitToHeight == 0
    by_title = {book[n]["A1"].value: book[n] for n in book.sheetnames[1:]}
    for name in computed:
        scheme = latest.scheme(name)  # type: ignore[attr-defined]
        sheet = by_title[f"{label_of(scheme.labels, 'zh')} ({name})"]
        assert sheet.freeze_panes == "B5"
        rows = list(sheet.iter_rows(min_row=5, max_col=6, values_only=True))
        end = next(i for i, r in enumerate(rows) if r[0] == "合计")  # the class table ends here
        table = {r[1]: r for r in rows[:end] if r[1]}
        summary = latest.summary(name, lang="zh")  # type: ignore[attr-defined]
        for row in summary.itertuples():
            if row.customers == 0 and row.class_key in ("none", "other"):
                continue
            got = table[row.class_key]
            assert got[0] == row.label
            assert got[2] == row.customers
            assert got[4] == pytest.approx(row.revenue)
            assert got[5] == pytest.approx(row.revenue_share)
        assert len(sheet._charts) == 2  # native bar + doughnut


def test_xlsx_charts_are_native_and_migration_matrix_present(
    xlsx_zh: Path, pair: tuple[object, object]
) -> None:
    latest, _ = pair
    with zipfile.ZipFile(xlsx_zh) as archive:
        charts_xml = [n for n in archive.namelist() if re.match(r"xl/charts/chart\d+\.xml", n)]
        kinds = " ".join(archive.read(n).decode("utf-8") for n in charts_xml)
    assert len(charts_xml) == 2 * len(latest.info.computed_schemes)  # type: ignore[attr-defined]
    assert "<c:barChart>" in kinds and "<c:doughnutChart>" in kinds
    book = openpyxl.load_workbook(xlsx_zh, read_only=True)
    abc = next(book[n] for n in book.sheetnames if str(book[n]["A1"].value).endswith("(abc)"))
    values = [v for row in abc.iter_rows(values_only=True) for v in row if v is not None]
    assert "迁移矩阵（客户数）" in values
    assert any(isinstance(v, str) and v.startswith("客户迁移 (2026-05-31") for v in values)


def test_sheet_names_are_valid_and_unique() -> None:
    names = sheet_names(["a" * 40, "a" * 40, "x[y]:z", "概览"], taken=["概览"])
    assert all(len(n) <= 31 for n in names)
    assert len(set(names)) == 4 and "概览" not in names
    assert names[2] == "x_y__z"


# -- html ------------------------------------------------------------------------------------
def test_html_has_every_scheme_label_and_inlined_pngs(
    html_text: tuple[str, str], pair: tuple[object, object]
) -> None:
    lang, html = html_text
    latest, _ = pair
    assert f'<html lang="{"zh-CN" if lang == "zh" else "en"}">' in html
    assert "Noto Sans CJK SC" in html
    assert "@media print" in html and "break-before: page" in html
    for label in _scheme_labels(latest, lang):
        assert label.replace("&", "&amp;") in html
    assert ("客户分类分级报告" in html) == (lang == "zh")
    sources = re.findall(r'<img[^>]+src="([^"]+)"', html)
    if lang == "en":
        assert sources == []  # built without charts to keep the test fast
        return
    assert len(sources) >= len(latest.info.computed_schemes)  # type: ignore[attr-defined]
    for src in sources:
        assert src.startswith("data:image/png;base64,")
        image = Image.open(io.BytesIO(base64.b64decode(src.split(",", 1)[1])))
        assert image.format == "PNG" and image.width > 300
    assert "http://" not in html and "https://" not in html


# -- pdf -------------------------------------------------------------------------------------
@pytest.mark.slow
def test_pdf_pages_are_drawn_and_carry_the_labels(
    pdf_file: tuple[str, Path], pair: tuple[object, object]
) -> None:
    import pypdfium2 as pdfium

    lang, path = pdf_file
    latest, _ = pair
    pdf = pdfium.PdfDocument(str(path))
    try:
        assert len(pdf) >= 1 + len(PDF_SCHEMES)
        words = []
        for i in range(len(pdf)):
            page = pdf[i]
            pixels = np.asarray(page.render(scale=0.5).to_pil().convert("L"), dtype=float)
            assert pixels.std() > 5, f"page {i + 1} looks blank"
            words.append(page.get_textpage().get_text_range())
        text = "\n".join(words)
    finally:
        pdf.close()
    for label in _scheme_labels(latest, lang, PDF_SCHEMES):
        assert label in text
    if lang == "zh":
        assert "客户分类分级报告" in text and "截至日期" in text
    else:
        assert "Customer classification report" in text and "客户分类分级报告" not in text


# -- charts ----------------------------------------------------------------------------------
def _png_size(data: bytes) -> tuple[int, int]:
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG"
    return image.size


def test_charts_are_png_images() -> None:
    summary = pd.DataFrame({
        "class_key": ["A", "B", "C"],
        "label": ["关键客户", "主要客户", "普通客户"],
        "customers": [10, 30, 60],
        "share": [0.1, 0.3, 0.6],
        "revenue": [800.0, 150.0, 50.0],
        "revenue_share": [0.8, 0.15, 0.05],
    })
    colours = ["#2E7D32", "#1565C0", "#F9A825"]
    for draw in (charts.class_sizes, charts.revenue_shares, charts.class_profile):
        width, height = _png_size(draw(summary, colours, "zh"))
        assert width > 500 and height > 100
    rng = np.random.default_rng(1)
    points = pd.DataFrame({
        "x": rng.lognormal(9, 1.5, 200),
        "y": rng.uniform(0, 100, 200),
        "class_key": rng.choice(["treasure", "drop"], 200),
    })
    matrix = charts.matrix_scatter(
        points, x_split=8000.0, y_split=50.0, labels={"treasure": "宝贵财富", "drop": "淘汰客户"},
        colours={"treasure": "#2E7D32", "drop": "#EF6C00"}, x_label="近12个月收入",
        y_label="忠诚度指数", lang="zh",
    )
    assert _png_size(matrix)[0] > 500
    pareto = charts.pareto_curve(
        pd.Series(rng.pareto(1.2, 300)), class_counts=[("A", 60, "#2E7D32"),
                                                        ("B", 90, "#1565C0"),
                                                        ("C", 150, "#F9A825")],
        cuts=[0.8, 0.95], lang="en",
    )
    assert _png_size(pareto)[0] > 500
    pivot = pd.DataFrame([[5, 1], [0, 7]], index=["高", "低"], columns=["高", "低"])
    assert _png_size(charts.migration_heatmap(pivot, lang="zh"))[1] > 100


def test_missing_cjk_font_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from matplotlib import font_manager

    from custseg.reports import fonts

    assert fonts.cjk_family() == "Noto Sans CJK SC"
    fonts.cjk_family.cache_clear()
    monkeypatch.setattr(font_manager.fontManager, "ttflist", [])
    monkeypatch.setattr(fonts, "rebuild_font_cache", lambda: None)  # no font on disk either
    try:
        with pytest.raises(fonts.FontMissingError, match="fonts-noto-cjk"):
            fonts.cjk_family()
    finally:
        fonts.cjk_family.cache_clear()


# -- errors and CLI --------------------------------------------------------------------------
def test_write_report_errors(pair: tuple[object, object], tmp_path: Path) -> None:
    latest, _ = pair
    with pytest.raises(ConfigError, match="format"):
        write_report(latest, tmp_path / "r.doc", format="doc", lang="en")  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="does not exist"):
        write_report(latest, tmp_path / "nope" / "r.html", format="html", lang="en")


def test_cli_report(
    history_workspace_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner = CliRunner()
    location = tmp_path / "cli.duckdb"
    shutil.copyfile(history_workspace_file, location)
    monkeypatch.chdir(tmp_path)
    base = ["--workspace", str(location), "--lang", "en", "report"]
    done = runner.invoke(app, [*base, "--format", "html", "--scheme", "abc", "--json"],
                         catch_exceptions=False)
    payload = json.loads(done.stdout)
    assert payload["out"] == "custseg-report-2026-06-30-en.html"
    assert payload["previous_as_of"] == "2026-05-31" and payload["schemes"] == ["abc"]
    assert (tmp_path / payload["out"]).stat().st_size == payload["bytes"]
    older = runner.invoke(
        app, [*base, "--format", "xlsx", "--snapshot", payload["previous_snapshot_id"],
              "--out", "old.xlsx"], catch_exceptions=False,
    )
    assert older.exit_code == 0 and "2026-05-31" in older.stdout and "2026-04-30" in older.stdout
    zh = runner.invoke(
        app, ["--workspace", str(location), "--lang", "zh", "report", "--format", "html",
              "--scheme", "abc", "--out", "zh.html"], catch_exceptions=False,
    )
    assert zh.exit_code == 0 and "已写出快照" in zh.stdout and "自 2026-05-31" in zh.stdout
    assert "Wrote" not in zh.stdout and "migrations" not in zh.stdout
    for bad, message in (
        (["--format", "docx"], "--format must be one of"),
        (["--format", "pdf", "--out", "r.html"], "must end in .pdf"),
        (["--format", "html", "--scheme", "abcd"], "did you mean 'abc'"),
        (["--format", "xlsx", "--out", str(tmp_path / "no" / "r.xlsx")], "does not exist"),
    ):
        failed = runner.invoke(app, [*base, *bad])
        assert failed.exit_code == 1, bad
        assert message in " ".join(failed.stderr.split()), (bad, failed.stderr)
