"""The dashboard's API: overview, chart data of each kind, and the filtered export, per role."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from _api_support import SALES_OWNER, Api, assert_error_shape, build_api, owners_by_snapshot

V1 = "/api/v1"


@pytest.fixture(scope="module")
def api(history_workspace_file: Path, tmp_path_factory: pytest.TempPathFactory):
    built, _ = build_api(history_workspace_file, tmp_path_factory.mktemp("dash-api"))
    yield built
    built.client.__exit__(None, None, None)


@pytest.fixture(scope="module")
def latest(api: Api) -> str:
    return api.get(f"{V1}/snapshots/latest", "ann").json()["snapshot_id"]


def test_overview_headline_agrees_with_the_summaries(api: Api, latest: str) -> None:
    body = api.get(f"{V1}/overview", "ann").json()
    assert body["snapshot_id"] == latest
    abc = api.get(f"{V1}/snapshots/{latest}/schemes/abc/summary", "ann").json()["rows"]
    assert body["customers"] == sum(r["customers"] for r in abc)
    a_share = next(r["revenue_share"] for r in abc if r["class_key"] == "A")
    assert body["a_revenue_share"] == pytest.approx(a_share)
    assert body["revenue_12m"] == pytest.approx(sum(r["revenue"] for r in abc))
    assert 0 < body["buying_12m"] < body["customers"]
    cards = {s["name"]: s for s in body["schemes"]}
    assert {c["key"]: c["customers"] for c in cards["abc"]["classes"]} == {
        r["class_key"]: r["customers"] for r in abc
    }
    assert body["pending_overrides"] == 0


def test_overview_labels_follow_the_language(api: Api) -> None:
    en = api.get(f"{V1}/overview", "ann", params={"lang": "en"}).json()
    zh = api.get(f"{V1}/overview", "ann", params={"lang": "zh"}).json()
    label = {s["name"]: s["label"] for s in en["schemes"]}["abc"]
    label_zh = {s["name"]: s["label"] for s in zh["schemes"]}["abc"]
    assert label != label_zh and any("\u4e00" <= ch <= "\u9fff" for ch in label_zh)


def test_overview_of_an_older_snapshot(api: Api) -> None:
    items = api.get(f"{V1}/snapshots", "vic").json()["items"]
    oldest = items[-1]
    body = api.get(f"{V1}/overview", "vic", params={"snapshot": oldest["snapshot_id"]}).json()
    assert body["as_of"] == str(oldest["as_of"]) and body["customers"] == oldest["customers"]


def test_viewer_gets_the_overview_without_customer_level_counts(api: Api) -> None:
    body = api.get(f"{V1}/overview", "vic").json()
    assert body["pending_overrides"] is None and body["customers"] > 0
    assert body["own_customers"] is None


def test_sales_overview_counts_their_own_customers(api: Api) -> None:
    owners = owners_by_snapshot(api.path)
    latest = api.get(f"{V1}/snapshots/latest", "sam").json()["snapshot_id"]
    mine = sum(1 for o in owners[latest].values() if o == SALES_OWNER)
    body = api.get(f"{V1}/overview", "sam").json()
    assert body["own_customers"] == mine and 0 < mine < body["customers"]
    assert api.get(f"{V1}/overview", "ann").json()["own_customers"] is None


def test_overview_needs_a_login(api: Api) -> None:
    assert_error_shape(api.client.get(f"{V1}/overview"), 401)


@pytest.mark.parametrize(
    ("scheme", "kind"),
    [
        ("abc", "pareto"),
        ("sales_loyalty", "quadrant"),
        ("composite", "histogram"),
        ("rfm_segments", "rf_grid"),
        ("natural_groups", "profiles"),
        ("purchasing_power", "histogram"),
    ],
)
def test_chart_data_fits_the_kind(api: Api, latest: str, scheme: str, kind: str) -> None:
    reply = api.get(f"{V1}/snapshots/{latest}/schemes/{scheme}/chart", "vic")
    assert reply.status_code == 200, reply.text
    chart = reply.json()["chart"]
    assert chart["type"] == kind
    if kind == "pareto":
        xs = [p[0] for p in chart["points"]]
        ys = [p[1] for p in chart["points"]]
        assert xs == sorted(xs) and ys == sorted(ys) and ys[-1] == pytest.approx(1.0)
        assert chart["cuts"] == [0.8, 0.95] and len(xs) <= 201
    if kind == "quadrant":
        points = sum(len(s["points"]) for s in chart["series"])
        assert 0 < points <= 3000 and chart["x_split"] is not None
    if kind == "histogram":
        assert sum(b[2] for b in chart["bins"]) > 0 and chart["cuts"]
    if kind == "rf_grid":
        cells = chart["cells"]
        assert {(c["r"], c["f"]) for c in cells} <= {
            (r, f) for r in range(1, 6) for f in range(1, 6)
        }
        assert sum(c["customers"] for c in cells) > 0
    if kind == "profiles":
        assert chart["groups"] and all(g["traits"] for g in chart["groups"])


def test_chart_is_none_for_plain_rules(api: Api, latest: str) -> None:
    body = api.get(f"{V1}/snapshots/{latest}/schemes/lifecycle/chart", "ann").json()
    assert body["chart"] is None and body["kind"] == "rules"


def test_chart_of_an_unknown_scheme_names_the_known_ones(api: Api, latest: str) -> None:
    body = assert_error_shape(api.get(f"{V1}/snapshots/{latest}/schemes/nope/chart", "ann"), 422)
    assert "nope" in body["message"] and "abc" in body["message"]


def _rows(reply) -> list[dict[str, str]]:
    assert reply.status_code == 200, reply.text
    return list(csv.DictReader(io.StringIO(reply.content.decode("utf-8-sig"))))


def test_filtered_export_matches_the_filtered_list(api: Api) -> None:
    params = {"class": ["abc:A", "lifecycle:active"], "limit": 500}
    listed = api.get(f"{V1}/customers", "ann", params=params).json()
    rows = _rows(
        api.get(
            f"{V1}/exports/customers/filtered",
            "ann",
            params={"class": ["abc:A", "lifecycle:active"], "format": "csv"},
        )
    )
    assert sorted(r["customer_id"] for r in rows) == sorted(
        i["customer_id"] for i in listed["items"]
    )
    assert len(rows) == listed["total"] > 0
    assert {r["ABC grading"] for r in rows} == {"A - key customers"}


def test_sales_filtered_export_holds_only_their_customers(api: Api) -> None:
    owners = owners_by_snapshot(api.path)
    latest = api.get(f"{V1}/snapshots/latest", "sam").json()["snapshot_id"]
    mine = {c for c, o in owners[latest].items() if o == SALES_OWNER}
    rows = _rows(api.get(f"{V1}/exports/customers/filtered", "sam", params={"format": "csv"}))
    assert rows and {r["customer_id"] for r in rows} == mine
    widened = _rows(
        api.get(f"{V1}/exports/customers/filtered", "sam", params={"q": "C00", "format": "csv"})
    )
    assert {r["customer_id"] for r in widened} <= mine


def test_viewer_cannot_export_customers(api: Api) -> None:
    assert_error_shape(api.get(f"{V1}/exports/customers/filtered", "vic"), 403)


def test_filtered_export_as_xlsx(api: Api) -> None:
    reply = api.get(
        f"{V1}/exports/customers/filtered", "ann", params={"class": "abc:B", "format": "xlsx"}
    )
    assert reply.status_code == 200 and reply.content[:2] == b"PK"


def test_dashboard_page_is_served_with_its_own_csp(api: Api) -> None:
    page = api.client.get("/")
    assert page.status_code == 200 and '<div id="app"' in page.text
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-eval" not in csp
    assert "script-src 'self' 'unsafe-inline'" not in csp
    asset = api.client.get("/static/app.js")
    assert asset.status_code == 200 and "javascript" in asset.headers["content-type"]
    api_csp = api.client.get(f"{V1}/health").headers["content-security-policy"]
    assert api_csp.startswith("default-src 'none'")


def test_server_start_computes_the_latest_overview(
    history_workspace_file: Path, tmp_path: Path
) -> None:
    """The first visitor of a large snapshot does not wait for the overview's figures."""
    import time

    built, app = build_api(history_workspace_file, tmp_path)
    try:
        ws = app.state.handle.workspace
        latest = built.get(f"{V1}/snapshots/latest", "vic").json()["snapshot_id"]
        deadline = time.monotonic() + 30
        while not ws.dashboard_cached(latest):
            assert time.monotonic() < deadline, "the overview was not computed at start"
            time.sleep(0.05)
        assert built.get(f"{V1}/overview", "vic").json()["snapshot_id"] == latest
    finally:
        built.client.__exit__(None, None, None)
