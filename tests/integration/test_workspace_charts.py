"""The dashboard's chart data through the façade: bounded samples that keep each point's class."""

from __future__ import annotations

from typing import Any

import custseg.workspace_charts as charts


def test_quadrant_sample_is_bounded_and_keeps_the_classes(
    history_workspace: Any, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(charts, "SCATTER_POINTS", 200)
    chart = history_workspace.scheme_chart("sales_loyalty")["chart"]
    points = {s["key"]: s["points"] for s in chart["series"]}
    shown = sum(len(p) for p in points.values())
    assert chart["sampled"] and 100 < shown <= 200 < chart["total"]
    xs, ys = chart["x_split"], chart["y_split"]
    assert points["treasure"] and all(x >= xs and y >= ys for x, y in points["treasure"])
    assert points["drop"] and all(x < xs and y < ys for x, y in points["drop"])


def test_overview_counts_are_shared_by_both_languages(history_workspace: Any) -> None:
    en = history_workspace.overview(lang="en")
    zh = history_workspace.overview(lang="zh")
    assert [c["customers"] for s in en["schemes"] for c in s["classes"]] == [
        c["customers"] for s in zh["schemes"] for c in s["classes"]
    ]
    assert en["schemes"][0]["label"] != zh["schemes"][0]["label"]
    assert history_workspace.dashboard_cached(en["snapshot_id"])
    cached = [k for k in charts._CACHE if k[0] == history_workspace.location and k[1] == "overview"]
    assert len(cached) == 1
