"""API writes: overrides (propose/approve/reject/remove), system, ingest upload, users, jobs."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from _api_support import SALES_OWNER, Api, assert_error_shape, build_api

from custseg.api import ServerSettings
from custseg.sample import sample_data_dir

V1 = "/api/v1"


@pytest.fixture
def api(history_workspace_file: Path, tmp_path: Path):
    built, _ = build_api(history_workspace_file, tmp_path, approval=True)
    yield built
    built.client.__exit__(None, None, None)


def _customer(api: Api, owner: str | None = None) -> str:
    params = {"limit": 1, **({"owner": owner} if owner else {})}
    return api.get(f"{V1}/customers", "ann", params=params).json()["items"][0]["customer_id"]


def test_override_flow_records_the_authenticated_users(api: Api) -> None:
    customer = _customer(api, SALES_OWNER)
    body = {
        "customer_id": customer,
        "scheme": "abc",
        "class_key": "A",
        "reason": "framework contract",
        "created_by": "mia",
        "user": "mia",
    }
    assert_error_shape(api.post(f"{V1}/overrides", "sam", json=body), 403)
    made = api.post(f"{V1}/overrides", "ann", json=body)
    assert made.status_code == 201, made.text
    override = made.json()
    assert override["status"] == "pending" and override["created_by"] == "ann"
    oid = override["override_id"]
    assert_error_shape(api.post(f"{V1}/overrides/{oid}/approve", "ann"), 403)
    approved = api.post(f"{V1}/overrides/{oid}/approve", "mia").json()
    assert approved["status"] == "active" and approved["decided_by"] == "mia"
    mine = api.get(f"{V1}/overrides", "sam").json()
    assert [o["override_id"] for o in mine["items"]] == [oid]
    removed = api.post(f"{V1}/overrides/{oid}/remove", "ann", json={"reason": "contract ended"})
    assert removed.json()["status"] == "removed"
    audit = api.get(f"{V1}/audit", "root", params={"limit": 10}).json()["items"]
    actors = {(e["action"], e["actor"]) for e in audit if e["subject"] == oid}
    assert actors == {
        ("override_add", "ann"),
        ("override_approve", "mia"),
        ("override_remove", "ann"),
    }


def test_reject_needs_a_manager_and_a_reason(api: Api) -> None:
    body = {"customer_id": _customer(api), "scheme": "abc", "class_key": "C", "reason": "test"}
    oid = api.post(f"{V1}/overrides", "ann", json=body).json()["override_id"]
    assert_error_shape(api.post(f"{V1}/overrides/{oid}/reject", "mia", json={}), 422)
    rejected = api.post(f"{V1}/overrides/{oid}/reject", "mia", json={"reason": "no evidence"})
    assert rejected.json()["status"] == "rejected"


def test_override_of_an_unknown_customer_is_a_clear_400(api: Api) -> None:
    body = {"customer_id": "NOPE", "scheme": "abc", "class_key": "A", "reason": "x"}
    error = assert_error_shape(api.post(f"{V1}/overrides", "ann", json=body), 400)
    assert "NOPE" in error["message"]


def test_system_validate_and_activate(api: Api) -> None:
    current = api.get(f"{V1}/system", "vic").json()
    assert current["version"] is None and "schemes:" in current["yaml"]
    broken = current["yaml"].replace("name: custseg-default", "name: [unclosed", 1)
    result = api.post(f"{V1}/system/validate", "ann", json={"yaml": broken}).json()
    assert result["valid"] is False and result["errors"][0]["line"] is not None
    edited = current["yaml"].replace("name: custseg-default", "name: custseg-edited", 1)
    assert api.post(f"{V1}/system/validate", "ann", json={"yaml": edited}).json()["valid"]
    assert_error_shape(api.post(f"{V1}/system/activate", "mia", json={"yaml": edited}), 403)
    assert_error_shape(api.post(f"{V1}/system/activate", "ann", json={"yaml": broken}), 422)
    active = api.post(f"{V1}/system/activate", "ann", json={"yaml": edited}).json()
    assert active["name"] == "custseg-edited" and active["version"] == 1
    assert api.get(f"{V1}/system", "vic").json()["system_hash"] == active["system_hash"]


_SHADOWED = """\
name: t
schemes:
  - name: recent
    kind: rules
    labels: {zh_CN: 近期, en: Recent}
    rules:
      - when: "recency_days <= 30"
        class: a
      - when: "recency_days <= 10"
        class: b
    default: c
    classes:
      - {key: a, labels: {zh_CN: 甲, en: A}}
      - {key: b, labels: {zh_CN: 乙, en: B}}
      - {key: c, labels: {zh_CN: 丙, en: C}}
"""


def test_system_validation_speaks_the_requests_language(api: Api) -> None:
    url = f"{V1}/system/validate"
    zh = api.post(f"{url}?lang=zh", "ann", json={"yaml": _SHADOWED}).json()
    en = api.post(f"{url}?lang=en", "ann", json={"yaml": _SHADOWED}).json()
    assert zh["valid"] and en["valid"]
    assert any("被 rules[0]" in w and "遮蔽" in w for w in zh["warnings"]), zh
    assert any("is shadowed by rules[0]" in w for w in en["warnings"]), en
    broken = _SHADOWED.replace("    default: c\n", "    default: c\n    ranking: [a, a]\n")
    zh = api.post(f"{url}?lang=zh", "ann", json={"yaml": broken}).json()
    en = api.post(f"{url}?lang=en", "ann", json={"yaml": broken}).json()
    assert not zh["valid"] and zh["errors"][0]["line"] == en["errors"][0]["line"] is not None
    assert "在排序中出现了两次" in zh["errors"][0]["message"], zh
    assert "is ranked twice" in en["errors"][0]["message"], en
    refused = api.post(f"{V1}/system/activate?lang=zh", "ann", json={"yaml": broken})
    assert "在排序中出现了两次" in assert_error_shape(refused, 422)["message"]


def test_ingest_upload_returns_the_report_and_rejects(api: Api, tmp_path: Path) -> None:
    source = sample_data_dir() / "customers.csv"
    bad = tmp_path / "customers.csv"
    bad.write_text(source.read_text(encoding="utf-8") + "C999999,,not-a-date\n", encoding="utf-8")
    with bad.open("rb") as handle:
        files = {"file": ("customers.csv", handle, "text/csv")}
        assert_error_shape(api.post(f"{V1}/ingest/customers", "mia", files=files), 403)
    with bad.open("rb") as handle:
        files = {"file": ("customers.csv", handle, "text/csv")}
        reply = api.post(f"{V1}/ingest/customers", "ann", files=files, data={"mode": "replace"})
    assert reply.status_code == 200, reply.text
    report = reply.json()
    assert report["rows_read"] == report["rows_accepted"] + report["rows_rejected"]
    assert report["rows_rejected"] >= 1
    rejects = api.get(report["rejects_url"], "ann")
    assert rejects.status_code == 200 and "row.not_a_date" in rejects.content.decode("utf-8-sig")
    files = {"file": ("evil.exe", b"MZ", "application/octet-stream")}
    assert_error_shape(api.post(f"{V1}/ingest/customers", "ann", files=files), 422)
    assert_error_shape(api.post(f"{V1}/ingest/secrets", "ann", files=files), 404)


def test_upload_size_is_bounded(history_workspace_file: Path, tmp_path: Path) -> None:
    small, _ = build_api(history_workspace_file, tmp_path, ServerSettings(max_upload_bytes=1000))
    try:
        files = {"file": ("orders.csv", b"x" * 5000, "text/csv")}
        body = assert_error_shape(small.post(f"{V1}/ingest/orders", "ann", files=files), 413)
        assert "1,000" in body["message"]
    finally:
        small.client.__exit__(None, None, None)


def test_admin_manages_users_over_the_api(api: Api) -> None:
    body = {"name": "Zoe", "role": "sales", "owner": "王芳", "password": "zoe's passphrase"}
    assert_error_shape(api.post(f"{V1}/users", "mia", json=body), 403)
    made = api.post(f"{V1}/users", "root", json=body).json()
    assert made["name"] == "zoe" and "password" not in made
    short = {**body, "name": "yan", "password": "short"}
    error = assert_error_shape(api.post(f"{V1}/users", "root", json=short), 422)
    assert error["where"] == "password"
    session = api.client.post(
        f"{V1}/auth/token", data={"username": "zoe", "password": "zoe's passphrase"}
    ).json()["access_token"]
    as_zoe = {"Authorization": f"Bearer {session}"}
    assert api.client.get(f"{V1}/auth/me", headers=as_zoe).json()["name"] == "zoe"  # cached
    assert api.post(f"{V1}/users/zoe/disable", "root").json()["disabled"] is True
    assert_error_shape(api.client.get(f"{V1}/auth/me", headers=as_zoe), 401)  # at once
    login = api.client.post(
        f"{V1}/auth/token", data={"username": "zoe", "password": "zoe's passphrase"}
    )
    assert_error_shape(login, 401)


@pytest.mark.slow
def test_a_run_is_a_background_job_and_a_second_one_answers_409(api: Api) -> None:
    assert_error_shape(api.post(f"{V1}/runs", "mia", json={}), 403)
    started = api.post(f"{V1}/runs", "ann", json={"as_of": "2026-03-31"})
    assert started.status_code == 202, started.text
    job = started.json()
    busy = assert_error_shape(api.post(f"{V1}/runs", "ann", json={}), 409)
    assert job["job_id"] in busy["message"]
    body = {"customer_id": "C000015", "scheme": "abc", "class_key": "A", "reason": "while busy"}
    write = assert_error_shape(api.post(f"{V1}/overrides", "ann", json=body), 409)
    assert write["code"] == "job.busy"  # one writer at a time: the audit chain stays whole
    reads = api.get(f"{V1}/snapshots/latest", "vic")  # reads go on while the job writes
    assert reads.status_code == 200
    deadline = time.monotonic() + 240
    while job["status"] == "running" and time.monotonic() < deadline:
        time.sleep(0.5)
        job = api.get(f"{V1}/jobs/{job['job_id']}", "vic").json()
    assert job["status"] == "done", job
    assert job["result"]["as_of"] == "2026-03-31" and job["total"] > 0
    snapshots = api.get(f"{V1}/snapshots", "vic").json()
    assert snapshots["total"] == 5
    audit = api.get(f"{V1}/audit", "root", params={"action": "run"}).json()["items"]
    assert audit[0]["actor"] == "ann"
    assert_error_shape(api.get(f"{V1}/jobs/JOB-99999", "vic"), 404)


def test_cors_only_for_the_configured_origin(history_workspace_file: Path, tmp_path: Path) -> None:
    allowed = "https://dashboard.example"
    api, _ = build_api(history_workspace_file, tmp_path, ServerSettings(cors_origins=(allowed,)))
    try:
        ok = api.get(f"{V1}/snapshots/latest", "vic", headers={"Origin": allowed})
        assert ok.headers["access-control-allow-origin"] == allowed
        other = api.get(f"{V1}/snapshots/latest", "vic", headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in other.headers
    finally:
        api.client.__exit__(None, None, None)


@pytest.mark.slow
def test_report_download_for_full_readers(api: Api) -> None:
    reply = api.get(f"{V1}/reports/html", "mia", params={"lang": "zh"})
    assert reply.status_code == 200, reply.text
    assert reply.headers["content-type"].startswith("text/html")
    assert "attachment" in reply.headers["content-disposition"]
    assert "<html" in reply.text.lower() and "客户" in reply.text


@pytest.mark.slow
def test_a_series_job_keeps_existing_snapshots(api: Api) -> None:
    body = {"every": "month", "start": "2026-04-30", "end": "2026-06-30"}
    job = api.post(f"{V1}/series", "ann", json=body).json()
    deadline = time.monotonic() + 240
    while job["status"] == "running" and time.monotonic() < deadline:
        time.sleep(0.5)
        job = api.get(f"{V1}/jobs/{job['job_id']}", "ann").json()
    assert job["status"] == "done", job
    assert api.get(f"{V1}/snapshots", "vic").json()["total"] == 4
    assert [j["job_id"] for j in api.get(f"{V1}/jobs", "vic").json()] == [job["job_id"]]
