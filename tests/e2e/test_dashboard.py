"""The dashboard in a real browser: roles, languages, every page, filters and export,
the override approval in two browser contexts, and the sales user's owner scope."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from _pages import assert_clean, latest_facts, number, settle
from dashboard_server import SALES_OWNER, Server

NAV = ("overview", "customers", "movement", "work", "governance", "data")
ROLE_NAV = {
    "root": set(NAV),
    "mia": set(NAV),
    "ann": set(NAV),
    "sam": {"overview", "customers", "movement", "work"},
    "vic": {"overview", "movement"},
}


@pytest.fixture(scope="module")
def facts(users_workspace_file: Path) -> dict[str, Any]:
    return latest_facts(users_workspace_file)


def nav_routes(page: Any) -> set[str]:
    return {
        h.removeprefix("#/")
        for h in page.eval_on_selector_all("nav a", "els => els.map(e => e.getAttribute('href'))")
    }


@pytest.mark.parametrize("user", sorted(ROLE_NAV))
def test_login_shows_what_the_role_allows(open_session: Any, user: str, facts: dict) -> None:
    s = open_session()
    s.login(user)
    settle(s.page)
    assert nav_routes(s.page) == ROLE_NAV[user]
    assert number(s.page.inner_text("[data-testid=fig-customers]")) == facts["customers"]
    own = s.page.locator("[data-testid=fig-own]")
    if user == "sam":
        mine = sum(1 for o in facts["owner"].values() if o == SALES_OWNER)
        assert number(own.inner_text()) == mine
    else:
        assert own.count() == 0
    cards = s.page.locator("[data-testid=scheme-card]")
    assert cards.count() > 5
    # Class bars link to the customer list only for roles that read customers.
    links = s.page.locator("[data-testid=scheme-card] a.bar-row").count()
    assert (links > 0) == ("customers" in ROLE_NAV[user])
    assert_clean(s.page)


def test_login_works_with_the_keyboard_and_a_wrong_password_says_so(open_session: Any) -> None:
    s = open_session()
    s.allowed.append("status of 401")
    s.page.goto(s.base + "/")
    s.page.keyboard.type("ann")
    s.page.keyboard.press("Tab")
    s.page.keyboard.type("wrong password!")
    s.page.keyboard.press("Enter")
    alert = s.page.wait_for_selector("[role=alert]")
    assert "password" in alert.inner_text().lower()
    s.page.fill("[data-testid=login-password]", "correct horse battery")
    s.page.keyboard.press("Enter")
    s.page.wait_for_selector("[data-testid=logout]")


def test_language_switch_is_remembered_per_user(open_session: Any) -> None:
    s = open_session(locale="en-US")
    s.login("ann")
    settle(s.page)
    assert s.page.inner_text("nav a[href='#/overview']") == "Overview"
    assert "Jun 30, 2026" in s.page.inner_text("main header")
    s.page.click("[data-testid=lang]")
    settle(s.page)
    assert s.page.inner_text("nav a[href='#/overview']") == "概览"
    assert "2026年6月30日" in s.page.inner_text("main header")
    assert s.page.evaluate("document.documentElement.lang") == "zh-CN"
    assert_clean(s.page)
    # Another user on the same browser keeps their own language; ann gets hers back.
    s.logout()
    s.page.click("[data-testid=lang]")  # the login page in English
    s.login("mia")
    settle(s.page)
    assert s.page.inner_text("nav a[href='#/overview']") == "Overview"
    s.logout()
    s.login("ann")
    settle(s.page)
    assert s.page.inner_text("nav a[href='#/overview']") == "概览"


PAGES = [
    "overview",
    "scheme/abc",
    "scheme/sales_loyalty",
    "scheme/rfm_segments",
    "scheme/composite",
    "scheme/natural_groups",
    "scheme/lifecycle",
    "customers",
    "customer/C000001",
    "movement",
    "work",
    "governance",
    "data",
]


@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
def test_every_page_renders_with_data_and_no_console_error(open_session: Any, locale: str) -> None:
    s = open_session(locale=locale)
    s.login("root")
    for route in PAGES:
        s.go(route)
        settle(s.page)
        assert_clean(s.page)
        if route.startswith("scheme/") and route != "scheme/natural_groups":
            s.page.wait_for_selector(".chart canvas")
    s.go("movement")
    settle(s.page)
    assert s.page.locator("[data-testid=movers] tbody tr").count() > 0


def test_pages_fit_a_phone_screen(open_session: Any) -> None:
    s = open_session(width=390, height=844)
    s.login("ann")
    for route in ("overview", "scheme/abc", "customers", "customer/C000001", "movement"):
        s.go(route)
        settle(s.page)
        overflow = s.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"{route} is {overflow}px wider than the phone"


def test_filter_by_two_schemes_and_export(open_session: Any, facts: dict, tmp_path: Path) -> None:
    expected = sorted(
        c for c, k in facts["classes"].items() if k["abc"] == "A" and k["lifecycle"] == "active"
    )
    assert 0 < len(expected) < facts["customers"]
    s = open_session()
    s.login("ann")
    s.go("customers")
    settle(s.page)
    for scheme, cls in (("abc", "A"), ("lifecycle", "active")):
        s.page.select_option("[data-testid=filter-scheme]", scheme)
        s.page.select_option("[data-testid=filter-class]", cls)
        s.page.click("[data-testid=filter-add]")
        settle(s.page)
    assert s.page.locator("[data-testid=filter-chip]").count() == 2
    assert number(s.page.inner_text("[data-testid=result-count]")) == len(expected)
    with s.page.expect_download() as info:
        s.page.click("[data-testid=export-csv]")
    path = tmp_path / "export.csv"
    info.value.save_as(path)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert sorted(r["customer_id"] for r in rows) == expected
    assert {r[facts["abc_title"]] for r in rows} == {facts["abc_label"]["A"]}
    with s.page.expect_download() as info:
        s.page.click("[data-testid=export-xlsx]")
    assert info.value.suggested_filename.endswith(".xlsx")


def test_override_proposed_then_approved_in_another_context(
    open_session: Any, facts: dict, server: Server
) -> None:
    target = next(c for c, k in sorted(facts["classes"].items()) if k["abc"] == "C")
    analyst = open_session()
    analyst.login("ann")
    analyst.go(f"customer/{target}")
    settle(analyst.page)
    analyst.page.select_option("[data-testid=override-scheme]", "abc")
    analyst.page.select_option("[data-testid=override-class]", "A")
    analyst.page.fill("[data-testid=override-reason]", "Signed a three-year framework contract")
    analyst.page.fill("[data-testid=override-expires]", "2027-06-30")
    analyst.page.click("[data-testid=override-submit]")
    analyst.page.wait_for_selector("text=waiting for a manager")
    analyst.page.wait_for_selector("[data-testid=customer-overrides] tbody tr")
    row = analyst.page.locator("[data-testid=customer-overrides] tbody tr")
    assert row.count() == 1 and "Pending" in row.inner_text()

    manager = open_session()
    manager.login("mia")
    manager.go("governance")
    settle(manager.page)
    queued = manager.page.locator("[data-testid=override-queue] tbody tr", has_text=target)
    assert queued.count() == 1
    queued.locator("button[data-testid^=approve-]").click()
    manager.page.wait_for_selector("text=Approved; the next run applies it.")

    analyst.page.reload()
    settle(analyst.page)
    analyst.page.wait_for_selector("[data-testid=customer-overrides] tbody tr")
    row = analyst.page.locator("[data-testid=customer-overrides] tbody tr")
    assert "Active" in row.inner_text() and "mia" in row.inner_text()

    admin = open_session()
    admin.login("root")
    admin.go("governance")
    settle(admin.page)
    admin.page.select_option("[data-testid=audit-filter]", "override_approve")
    admin.page.wait_for_selector("[data-testid=audit] tbody tr")
    entry = admin.page.locator("[data-testid=audit] tbody tr").first.inner_text()
    assert "mia" in entry and "Override approved" in entry


def test_sales_user_cannot_reach_another_owners_customer(open_session: Any, facts: dict) -> None:
    theirs = next(c for c, o in sorted(facts["owner"].items()) if o != SALES_OWNER)
    own = next(c for c, o in sorted(facts["owner"].items()) if o == SALES_OWNER)
    s = open_session()
    s.allowed.append("status of 404")  # the browser logs the API's answer for the hidden one
    s.login("sam")
    s.go(f"customer/{theirs}")
    settle(s.page)
    body = s.page.inner_text("main")
    assert "was not found" in body and facts["name"][theirs] not in body
    s.go(f"customer/{own}")
    settle(s.page)
    assert s.page.inner_text("main h1") == facts["name"][own]
    s.go("customers")
    settle(s.page)
    owners = s.page.eval_on_selector_all(
        "[data-testid=customer-table] tbody tr td:nth-child(3)",
        "els => els.map(e => e.textContent)",
    )
    assert owners and set(owners) == {SALES_OWNER}
    # No governance or data page by URL either.
    s.go("data")
    settle(s.page)
    assert "no such page" in s.page.inner_text("main").lower()
    assert s.page.locator("[data-testid=upload-file]").count() == 0


def test_system_yaml_is_validated_with_line_and_key(open_session: Any) -> None:
    s = open_session()
    s.login("ann")
    s.go("data")
    settle(s.page)
    s.page.wait_for_selector("[data-testid=profile-inputs]")
    editor = s.page.locator("[data-testid=system-yaml]")
    text = editor.input_value()
    assert "schemes:" in text
    broken = text.replace("schemes:", "schemes:\n  - name: 12\n    kind: nonsense", 1)
    editor.fill(broken)
    s.page.click("[data-testid=system-validate]")
    rows = s.page.locator("[data-testid=system-errors] tbody tr")
    rows.first.wait_for()
    first = rows.first.inner_text()
    assert any(ch.isdigit() for ch in first.split("\t")[0]), first
    editor.fill(text)
    s.page.click("[data-testid=system-validate]")
    s.page.wait_for_selector("text=Valid.")
