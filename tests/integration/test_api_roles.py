"""The REST API per resource and per role, on a copy of the four-snapshot history workspace.

The sales user (owner 李娜) must never see another owner's customer through any endpoint; the
viewer gets no customer rows; tokens expire and are revoked; every error has one shape.
"""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import pandas as pd
import pytest
from _api_support import (
    PASSWORD,
    SALES_OWNER,
    Api,
    assert_error_shape,
    build_api,
    owners_by_snapshot,
)

V1 = "/api/v1"


@pytest.fixture(scope="module")
def api(history_workspace_file: Path, tmp_path_factory: pytest.TempPathFactory):
    built, _ = build_api(history_workspace_file, tmp_path_factory.mktemp("api"))
    yield built
    built.client.__exit__(None, None, None)


@pytest.fixture(scope="module")
def owners(api: Api) -> dict[str, dict[str, str]]:
    return owners_by_snapshot(api.path)


@pytest.fixture(scope="module")
def mine(owners: dict[str, dict[str, str]]) -> set[str]:
    """Customers owned by the sales user in any snapshot."""
    return {c for snap in owners.values() for c, o in snap.items() if o == SALES_OWNER}


def _ids(rows: list[dict]) -> set[str]:
    return {str(r["customer_id"]) for r in rows}


# -- sales: only their own customers, everywhere -----------------------------------------------
def test_sales_customer_list_holds_only_their_customers(api: Api, mine: set[str]) -> None:
    reply = api.get(f"{V1}/customers", "sam", params={"limit": 500})
    body = reply.json()
    assert reply.status_code == 200 and body["total"] > 0
    assert _ids(body["items"]) <= mine
    assert {r["owner"] for r in body["items"]} == {SALES_OWNER}
    everyone = api.get(f"{V1}/customers", "ann", params={"limit": 1}).json()["total"]
    assert body["total"] < everyone


def test_sales_cannot_widen_the_scope_with_the_owner_filter(api: Api) -> None:
    reply = api.get(f"{V1}/customers", "sam", params={"owner": "王芳"})
    assert reply.status_code == 200 and reply.json()["total"] == 0


def test_another_owners_customer_is_404_like_a_missing_one(
    api: Api, owners: dict[str, dict[str, str]]
) -> None:
    latest = api.get(f"{V1}/snapshots/latest", "sam").json()["snapshot_id"]
    theirs = next(c for c, o in owners[latest].items() if o != SALES_OWNER)
    own = next(c for c, o in owners[latest].items() if o == SALES_OWNER)
    hidden = assert_error_shape(api.get(f"{V1}/customers/{theirs}", "sam"), 404)
    missing = assert_error_shape(api.get(f"{V1}/customers/NO-SUCH-ID", "sam"), 404)
    assert hidden["code"] == missing["code"]
    assert api.get(f"{V1}/customers/{theirs}", "ann").status_code == 200
    detail = api.get(f"{V1}/customers/{own}", "sam").json()
    assert detail["owner"] == SALES_OWNER and len(detail["history"]) == 4


def test_cached_pages_never_cross_owner_scopes(
    api: Api, mine: set[str], owners: dict[str, dict[str, str]]
) -> None:
    params = {"class": ["abc:A", "abc:B"], "sort": "revenue_12m", "desc": "true", "limit": 500}
    everyone = api.get(f"{V1}/customers", "ann", params=params).json()  # kept by the server
    theirs = api.get(f"{V1}/customers", "sam", params=params).json()
    assert theirs["total"] > 0 and _ids(theirs["items"]) <= mine
    assert theirs["total"] < everyone["total"]
    assert api.get(f"{V1}/customers", "sam", params=params).json() == theirs
    assert api.get(f"{V1}/customers", "ann", params=params).json() == everyone
    latest = api.get(f"{V1}/snapshots/latest", "sam").json()["snapshot_id"]
    theirs_id = next(c for c, o in owners[latest].items() if o != SALES_OWNER)
    assert api.get(f"{V1}/customers/{theirs_id}", "ann").status_code == 200
    assert api.get(f"{V1}/customers/{theirs_id}", "sam").status_code == 404


@pytest.mark.parametrize(
    ("url", "rows"),
    [
        (f"{V1}/migrations/abc/movers?limit=500", "items"),
        (f"{V1}/alerts?limit=500", "rows"),
        pytest.param(f"{V1}/actions?limit=500", "rows", marks=pytest.mark.slow),
        (f"{V1}/overrides?status=all&limit=500", "items"),
    ],
)
def test_sales_sees_only_their_movers_alerts_actions(
    api: Api, mine: set[str], url: str, rows: str
) -> None:
    theirs = api.get(url, "sam").json()
    everyone = api.get(url, "ann").json()
    assert _ids(theirs[rows]) <= mine
    assert _ids(everyone[rows]) - mine or not everyone[rows]  # the others' rows exist
    assert theirs["total"] <= everyone["total"]


@pytest.mark.slow
def test_sales_export_holds_only_their_customers(api: Api, mine: set[str]) -> None:
    reply = api.get(f"{V1}/exports/customers", "sam")
    assert reply.status_code == 200
    assert "attachment" in reply.headers["content-disposition"]
    frame = pd.read_csv(io.BytesIO(reply.content), dtype=str)
    assert len(frame) > 0 and set(frame.customer_id) <= mine
    xlsx = api.get(f"{V1}/exports/actions", "sam")
    sheets = pd.read_excel(io.BytesIO(xlsx.content), sheet_name=None, dtype=str)
    ids = {
        v
        for s in sheets.values()
        for col in s.columns
        for v in s[col].dropna()
        if v.startswith("C0")
    }
    assert ids and ids <= mine


def test_sales_gets_no_report(api: Api) -> None:
    assert_error_shape(api.get(f"{V1}/reports/html", "sam"), 403)


# -- viewer: summaries only -------------------------------------------------------------------
@pytest.mark.parametrize(
    "url",
    [
        f"{V1}/customers",
        f"{V1}/customers/C000001",
        f"{V1}/migrations/abc/movers",
        f"{V1}/alerts",
        f"{V1}/actions",
        f"{V1}/exports/customers",
        f"{V1}/exports/actions",
        f"{V1}/overrides",
        f"{V1}/reports/html",
    ],
)
def test_viewer_gets_no_customer_rows(api: Api, url: str) -> None:
    body = assert_error_shape(api.get(url, "vic"), 403)
    assert body["code"] == "auth.forbidden"


def test_viewer_reads_summaries_schemes_trend_and_matrix(api: Api) -> None:
    latest = api.get(f"{V1}/snapshots/latest", "vic").json()
    sid = latest["snapshot_id"]
    summary = api.get(f"{V1}/snapshots/{sid}/schemes/abc/summary", "vic").json()
    assert sum(r["customers"] for r in summary["rows"]) == latest["customers"]
    assert summary["previous_snapshot_id"] is not None
    assert all(r["customers_change"] is not None for r in summary["rows"])
    schemes = api.get(f"{V1}/snapshots/{sid}/schemes", "vic").json()
    abc = next(s for s in schemes if s["name"] == "abc")
    assert [c["key"] for c in abc["classes"]][:3] == ["A", "B", "C"]
    assert any(c["strategy"] for c in abc["classes"])
    trend = api.get(f"{V1}/trend/abc", "vic").json()
    assert trend["total"] > 0 and "customers" in trend["columns"]
    matrix = api.get(f"{V1}/migrations/abc", "vic").json()
    assert sum(c["customers"] for c in matrix["matrix"]) > 0


# -- other roles ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("user", "status"), [("root", 200), ("ann", 403), ("mia", 403), ("sam", 403), ("vic", 403)]
)
def test_only_admin_reads_the_audit_log_and_users(api: Api, user: str, status: int) -> None:
    assert api.get(f"{V1}/audit", user).status_code == status
    assert api.get(f"{V1}/users", user).status_code == status


def test_snapshots_list_latest_one(api: Api) -> None:
    page = api.get(f"{V1}/snapshots", "vic", params={"limit": 2}).json()
    assert page["total"] == 4 and len(page["items"]) == 2
    latest = api.get(f"{V1}/snapshots/latest", "vic").json()
    assert page["items"][0] == latest
    one = api.get(f"{V1}/snapshots/{latest['snapshot_id'][:8]}", "vic").json()
    assert one == latest
    assert_error_shape(api.get(f"{V1}/snapshots/ffffffff", "vic"), 404)


def test_customer_list_filters_sorts_searches_and_pages(api: Api) -> None:
    a = api.get(
        f"{V1}/customers",
        "ann",
        params={
            "class": ["abc:A", "lifecycle:active"],
            "sort": "revenue_12m",
            "desc": True,
            "limit": 20,
        },
    ).json()
    assert a["total"] > 0
    assert all(r["classes"]["abc"]["key"] == "A" for r in a["items"])
    assert all(r["classes"]["lifecycle"]["key"] == "active" for r in a["items"])
    revenue = [r["revenue_12m"] for r in a["items"]]
    assert revenue == sorted(revenue, reverse=True)
    one = a["items"][0]
    found = api.get(f"{V1}/customers", "ann", params={"q": one["customer_id"].lower()}).json()
    assert one["customer_id"] in _ids(found["items"])
    page2 = api.get(f"{V1}/customers", "ann", params={"offset": 20, "limit": 20}).json()
    page1 = api.get(f"{V1}/customers", "ann", params={"limit": 20}).json()
    assert not _ids(page1["items"]) & _ids(page2["items"])


def test_customer_detail_has_classes_reasons_strategies_scores_history(api: Api) -> None:
    detail = api.get(f"{V1}/customers/C000015", "mia").json()
    assert {"p_alive", "clv_12m"} <= set(detail["scores"])
    assert all(c["reason"] for c in detail["classes"])
    assert any(c["strategy"] for c in detail["classes"])
    assert [h["as_of"] for h in detail["history"]] == sorted(h["as_of"] for h in detail["history"])


def test_language_from_query_or_accept_language(api: Api) -> None:
    sid = api.get(f"{V1}/snapshots/latest", "vic").json()["snapshot_id"]
    url = f"{V1}/snapshots/{sid}/schemes/abc/summary"
    en = api.get(url, "vic").json()["rows"][0]["label"]
    zh = api.get(url, "vic", headers={"Accept-Language": "zh-CN,zh;q=0.9"}).json()["rows"][0]
    assert en != zh["label"] and any("\u4e00" <= ch <= "\u9fff" for ch in zh["label"])
    message = api.get(f"{V1}/nowhere?lang=zh", "vic").json()["message"]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in message)


# -- tokens, login, errors, limits ------------------------------------------------------------
def test_expired_token_is_refused(api: Api) -> None:
    api.clock.now += timedelta(hours=9)
    try:
        body = assert_error_shape(api.get(f"{V1}/auth/me", "vic"), 401)
        assert body["code"] == "auth.failed"
    finally:
        api.clock.now -= timedelta(hours=9)
    assert api.get(f"{V1}/auth/me", "vic").status_code == 200


def test_revoked_token_is_refused(api: Api) -> None:
    login = api.client.post(f"{V1}/auth/token", data={"username": "mia", "password": PASSWORD})
    headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
    assert api.client.get(f"{V1}/auth/me", headers=headers).json()["name"] == "mia"
    assert api.client.post(f"{V1}/auth/logout", headers=headers).status_code == 204
    assert_error_shape(api.client.get(f"{V1}/auth/me", headers=headers), 401)


def test_no_token_or_a_forged_one_is_refused(api: Api) -> None:
    assert_error_shape(api.client.get(f"{V1}/customers"), 401)
    forged = {"Authorization": "Bearer cst_not-a-real-token"}
    assert_error_shape(api.client.get(f"{V1}/customers", headers=forged), 401)


def test_login_attempts_are_rate_limited_per_user_and_client(api: Api) -> None:
    url = f"{V1}/auth/token"
    for _ in range(5):
        reply = api.client.post(url, data={"username": "Vic", "password": "wrong password"})
        assert_error_shape(reply, 401)
    limited = api.client.post(url, data={"username": "vic", "password": PASSWORD})
    body = assert_error_shape(limited, 429)
    assert body["code"] == "auth.rate_limited" and int(limited.headers["retry-after"]) > 0
    other = api.client.post(url, data={"username": "mia", "password": PASSWORD})
    assert other.status_code == 200


def test_errors_have_one_shape(api: Api) -> None:
    assert_error_shape(api.get(f"{V1}/customers", "ann", params={"limit": 0}), 422)
    too_big = assert_error_shape(api.get(f"{V1}/customers", "ann", params={"limit": 5000}), 422)
    assert too_big["where"] == "limit"
    assert_error_shape(api.get(f"{V1}/customers", "ann", params={"sort": "secret"}), 422)
    assert_error_shape(api.get(f"{V1}/customers", "ann", params={"class": "abc"}), 422)
    assert_error_shape(api.get(f"{V1}/trend/no_such_scheme", "ann"), 422)
    assert_error_shape(api.client.delete(f"{V1}/snapshots"), 405)


def test_request_bodies_are_bounded(api: Api) -> None:
    huge = {"customer_id": "C000015", "scheme": "abc", "class_key": "A", "reason": "x" * 2_000_000}
    body = assert_error_shape(api.post(f"{V1}/overrides", "ann", json=huge), 413)
    assert body["code"] == "request.too_large"


def test_security_headers_and_no_cors_by_default(api: Api) -> None:
    reply = api.get(f"{V1}/snapshots/latest", "vic", headers={"Origin": "http://evil.example"})
    assert reply.headers["x-content-type-options"] == "nosniff"
    assert reply.headers["x-frame-options"] == "DENY"
    assert reply.headers["referrer-policy"] == "no-referrer"
    assert "frame-ancestors 'none'" in reply.headers["content-security-policy"]
    assert "access-control-allow-origin" not in reply.headers


def test_api_docs_work_offline(api: Api) -> None:
    page = api.client.get("/api/docs")
    assert page.status_code == 200
    assert "http" not in page.text.replace("http-equiv", "")  # nothing from another host
    assert "script-src 'self'" in page.headers["content-security-policy"]
    for asset in (
        "/api/docs/assets/swagger-ui-bundle.js",
        "/api/docs/assets/swagger-ui.css",
        "/api/docs/init.js",
    ):
        assert api.client.get(asset).status_code == 200
    spec = api.client.get("/api/openapi.json").json()
    assert "/api/v1/customers" in spec["paths"]


def test_an_unexpected_failure_answers_500_without_internals(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    from custseg.workspace import Workspace

    def broken(self: Workspace) -> list:
        raise RuntimeError("secret internals at /srv/custseg/db")

    monkeypatch.setattr(Workspace, "snapshots", broken)
    reply = api.get(f"{V1}/snapshots", "vic")
    body = assert_error_shape(reply, 500)
    assert body["code"] == "internal" and "secret" not in reply.text


def test_profile_and_health_check_of_a_snapshot(api: Api) -> None:
    sid = api.get(f"{V1}/snapshots/latest", "vic").json()["snapshot_id"]
    profile = api.get(f"{V1}/snapshots/{sid}/profile", "vic")
    assert profile.status_code == 200, profile.text
    body = profile.json()
    assert body["as_of"] == "2026-06-30" and body["inputs"]
    check = api.get(f"{V1}/snapshots/{sid}/check", "vic", params={"lang": "zh"}).json()
    assert check["snapshot_id"] == sid and isinstance(check["stored"], bool)
    english = api.get(f"{V1}/snapshots/{sid}/check", "vic", params={"lang": "en"}).json()
    assert len(check["findings"]) == len(english["findings"]) > 0
    assert all(f["level"] in ("warning", "note") for f in check["findings"])
    pairs = zip(check["findings"], english["findings"], strict=True)
    assert any(zh["message"] != en["message"] for zh, en in pairs)  # rendered per language
    assert_error_shape(api.get(f"{V1}/snapshots/ffffffff/check", "vic"), 404)
