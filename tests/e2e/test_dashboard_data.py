"""Data and runs in a real browser: an upload with rejected rows, a run started from the page
that then shows on the overview, and a customer named like a script shown as plain text."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from _pages import assert_clean, number, settle

XSS = "<script>alert(1)</script>"
HEADER = (
    "客户编号,客户名称,创建日期,性质,业务类型,行业,地区,城市,购买决策因素,满意度,发展前景,负责人"
)
ROWS = [
    f"C009001,{XSS},2024-01-10,普通公司,企业,零售,广东,广州,,,,李娜",
    "C009002,坏日期客户,2024-13-45,普通公司,企业,零售,广东,广州,,,,李娜",
    ",没有编号,2024-01-10,普通公司,企业,零售,广东,广州,,,,李娜",
]


def test_upload_with_rejects_then_run_from_the_page(open_session: Any, tmp_path: Path) -> None:
    upload = tmp_path / "new-customers.csv"
    upload.write_text("\n".join([HEADER, *ROWS]) + "\n", encoding="utf-8-sig")
    s = open_session()
    s.login("ann")
    s.go("overview")
    settle(s.page)
    before = number(s.page.inner_text("[data-testid=fig-customers]"))
    snapshots_before = s.page.locator("[data-testid=snapshot-picker] option").count()

    s.go("data")
    settle(s.page)
    s.page.select_option("[data-testid=upload-table]", "customers")
    s.page.select_option("[data-testid=upload-mode]", "upsert")
    s.page.set_input_files("[data-testid=upload-file]", str(upload))
    s.page.click("[data-testid=upload-submit]")
    s.page.wait_for_selector("[data-testid=ingest-report]")
    assert number(s.page.inner_text("[data-testid=rows-accepted]")) == 1
    assert number(s.page.inner_text("[data-testid=rows-rejected]")) == 2
    rejected = s.page.locator("[data-testid=rejected-rows] tbody tr")
    assert rejected.count() == 2
    assert "2024-13-45" in rejected.nth(0).inner_text()

    s.page.click("[data-testid=run-start]")
    s.page.wait_for_selector("[data-testid=jobs] .badge.done", timeout=180_000)
    result = s.page.inner_text("[data-testid=jobs] tbody tr")
    assert f"{before + 1:,}" in result

    s.go("overview")
    settle(s.page)
    assert number(s.page.inner_text("[data-testid=fig-customers]")) == before + 1
    assert s.page.locator("[data-testid=snapshot-picker] option").count() == snapshots_before + 1
    assert_clean(s.page)

    # The customer named like a script is text everywhere: list, detail, no dialog.
    s.go("customers?q=C009001")
    settle(s.page)
    cell = s.page.locator("[data-testid=customer-table] tbody tr td:nth-child(2)")
    assert cell.inner_text() == XSS
    s.go("customer/C009001")
    settle(s.page)
    assert s.page.inner_text("main h1") == XSS
    assert s.page.locator("main script").count() == 0
    assert not s.dialogs
