"""Summaries and customer pages kept as encoded JSON (custseg.api.encoded): the same answers.

A server with its read cache answers a repeated summary or page from the bytes it kept; they
must be the bytes FastAPI sends for the route's response model, the answer of a server without
the cache, and never another owner scope's page.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from _api_support import SALES_OWNER, Api, build_api
from fastapi import FastAPI
from fastapi.testclient import TestClient

from custseg.api import ServerSettings
from custseg.api.encoded import snapshot_json
from custseg.api.schemas import CustomerRowPublic, Page, SummaryPublic

V1 = "/api/v1"
PAGE = {"class": ["abc:A", "lifecycle:active"], "sort": "revenue_12m", "desc": "true"}


@pytest.fixture(scope="module")
def servers(
    history_workspace_file: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Api, Api]]:
    cached, _ = build_api(history_workspace_file, tmp_path_factory.mktemp("cached"))
    plain, _ = build_api(
        history_workspace_file,
        tmp_path_factory.mktemp("plain"),
        ServerSettings(read_cache_entries=0),
    )
    yield cached, plain
    for api in (cached, plain):
        api.client.__exit__(None, None, None)


def _requests(api: Api) -> list[tuple[str, str, dict[str, Any]]]:
    latest = api.get(f"{V1}/snapshots/latest", "ann").json()["snapshot_id"]
    items = api.get(f"{V1}/snapshots", "ann").json()["items"]
    first = min(items, key=lambda i: i["as_of"])["snapshot_id"]
    return [
        (f"{V1}/snapshots/{latest}/schemes/abc/summary", "vic", {}),
        (f"{V1}/snapshots/{latest[:8]}/schemes/lifecycle/summary", "ann", {"lang": "zh"}),
        (f"{V1}/snapshots/{first}/schemes/abc/summary", "sam", {}),  # no previous snapshot
        (f"{V1}/customers", "ann", PAGE),
        (f"{V1}/customers", "sam", PAGE),
        (f"{V1}/customers", "ann", {**PAGE, "lang": "zh", "offset": 3, "limit": 7}),
        (f"{V1}/customers", "sam", {**PAGE, "snapshot": first[:10], "q": "c"}),
    ]


def _rounded(value: Any) -> Any:
    """``value`` with floats to 12 digits: sums may differ in the last bits between two
    servers (the engine adds in its own order)."""
    if isinstance(value, float):
        return float(f"{value:.12g}")
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_rounded(v) for v in value]
    return value


def test_kept_bodies_are_the_bytes_of_a_server_without_the_cache(
    servers: tuple[Api, Api],
) -> None:
    cached, plain = servers
    requests = _requests(cached)
    bodies = []
    for url, user, params in requests:
        first = cached.get(url, user, params=params)
        again = cached.get(url, user, params=params)  # from the kept bytes
        reference = plain.get(url, user, params=params)
        assert first.status_code == again.status_code == reference.status_code == 200, url
        assert first.content == again.content, (url, user, params)
        assert _rounded(first.json()) == _rounded(reference.json()), (url, user, params)
        assert again.headers["content-type"] == "application/json"
        bodies.append(first.json())
    everyone, theirs = bodies[3], bodies[4]
    assert theirs["total"] < everyone["total"]
    assert {r["owner"] for r in theirs["items"]} == {SALES_OWNER}
    assert bodies[2]["previous_snapshot_id"] is None and bodies[0]["previous_snapshot_id"]
    handle = cached.client.app.state.handle  # type: ignore[attr-defined]
    kept = [k for k in handle.cache._entries if k[0] == "snapshot" and k[2] == "json"]  # noqa: SLF001
    assert len(kept) == len(requests)


def test_an_unknown_scheme_or_sort_is_refused_each_time_not_kept(
    servers: tuple[Api, Api],
) -> None:
    cached, plain = servers
    latest = cached.get(f"{V1}/snapshots/latest", "ann").json()["snapshot_id"]
    for url, params in (
        (f"{V1}/snapshots/{latest}/schemes/nope/summary", {}),
        (f"{V1}/customers", {"sort": "nope"}),
        (f"{V1}/customers", {"class": "nope:A"}),
    ):
        expected = plain.get(url, "ann", params=params)
        assert expected.status_code == 422, expected.text
        for _ in range(2):
            reply = cached.get(url, "ann", params=params)
            assert (reply.status_code, reply.json()) == (422, expected.json())


def test_encoded_bytes_are_what_fastapi_sends_for_the_response_model(
    servers: tuple[Api, Api],
) -> None:
    cached, _ = servers
    page = cached.get(f"{V1}/customers", "ann", params={**PAGE, "lang": "zh"}).json()
    latest = cached.get(f"{V1}/snapshots/latest", "ann").json()["snapshot_id"]
    summary = cached.get(f"{V1}/snapshots/{latest}/schemes/abc/summary", "ann").json()
    page["items"][0]["revenue_12m"] = None  # a null where a number may be
    app = FastAPI()
    models: dict[str, tuple[Any, dict[str, Any]]] = {
        "page": (Page[CustomerRowPublic], page),
        "summary": (SummaryPublic, summary),
    }
    for name, (model, value) in models.items():
        app.add_api_route(f"/fastapi/{name}", lambda v=value: v, response_model=model)
        app.add_api_route(
            f"/encoded/{name}",
            lambda v=value, m=model: snapshot_json(None, "s", (), m, lambda: v),
            response_model=model,
        )
    with TestClient(app) as client:
        for name in models:
            expected = client.get(f"/fastapi/{name}")
            got = client.get(f"/encoded/{name}")
            assert got.content == expected.content, name
            assert got.headers["content-type"] == expected.headers["content-type"]
