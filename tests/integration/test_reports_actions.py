"""Action lists: who acts on which customers, moves first, written to xlsx and csv."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from custseg.cli.app import app
from custseg.errors import UnknownNameError
from custseg.reports import build_actions, previous_snapshot, write_actions
from custseg.reports.labels import OWNER_ROLES, role_label

SCHEMES = ["abc", "sales_loyalty", "credit"]


@pytest.fixture(scope="module")
def ws(history_workspace_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    from custseg import open_workspace

    copy = tmp_path_factory.mktemp("actions") / "history.duckdb"
    shutil.copyfile(history_workspace_file, copy)
    workspace = open_workspace(copy, clock=lambda: datetime(2026, 7, 1, 9, 0, 0))
    yield workspace
    workspace.close()


@pytest.fixture(scope="module")
def pair(ws: object) -> tuple[object, object]:
    latest = ws.snapshot()  # type: ignore[attr-defined]
    previous = previous_snapshot(ws, latest)
    assert previous is not None
    return latest, previous


@pytest.fixture(scope="module")
def zh_frame(pair: tuple[object, object]) -> pd.DataFrame:
    latest, previous = pair
    return build_actions(latest, previous, lang="zh")


def _expected(snapshot: object) -> set[tuple[str, str]]:
    """(customer, scheme) pairs whose class has an owner role, recomputed from the system."""
    roles = {
        (scheme.name, c.key)
        for scheme in snapshot.system.schemes  # type: ignore[attr-defined]
        for c in scheme.classes
        if c.strategy is not None and c.strategy.actions.owner_role
    }
    a = snapshot.assignments()  # type: ignore[attr-defined]
    keep = [(s, k) in roles for s, k in zip(a.scheme, a.class_key, strict=True)]
    return set(zip(a.customer_id[keep], a.scheme[keep], strict=True))


def test_rows_are_the_customers_with_an_owner_role(
    pair: tuple[object, object], zh_frame: pd.DataFrame
) -> None:
    latest, _ = pair
    got = list(zip(zh_frame.customer_id, zh_frame.scheme, strict=True))
    assert len(got) == len(set(got))
    assert set(got) == _expected(latest)


def test_new_moves_come_first_then_revenue(
    pair: tuple[object, object], zh_frame: pd.DataFrame
) -> None:
    latest, previous = pair
    old = previous.assignments().set_index(["customer_id", "scheme"]).class_key  # type: ignore[attr-defined]
    for (cid, scheme, key, flag) in zip(
        zh_frame.customer_id, zh_frame.scheme, zh_frame.class_key, zh_frame.new_move, strict=True
    ):
        assert flag == (old.get((cid, scheme)) != key)
    assert zh_frame.new_move.any() and not zh_frame.new_move.all()
    roles = list(dict.fromkeys(zh_frame.owner_role_key))
    assert len(roles) == zh_frame.owner_role_key.nunique()  # one block per role
    for role in roles:
        block = zh_frame[zh_frame.owner_role_key == role]
        flags = block.new_move.astype(int).tolist()
        assert flags == sorted(flags, reverse=True)
        for _, part in block.groupby("new_move"):
            assert part.revenue_12m.is_monotonic_decreasing
    moved = zh_frame[zh_frame.new_move]
    assert moved.moved_from.notna().all()
    assert zh_frame[~zh_frame.new_move].moved_from.isna().all()


def test_labels_are_in_the_chosen_language(zh_frame: pd.DataFrame, pair: tuple[object, object]) -> None:
    latest, _ = pair
    used = set(zh_frame.owner_role_key)
    assert used <= set(OWNER_ROLES), "every catalogue role has a zh/en label"
    assert set(zh_frame.owner_role) == {role_label(r, "zh") for r in used}
    assert "大客户经理" in set(zh_frame.owner_role)
    abc = zh_frame[zh_frame.scheme == "abc"]
    assert set(abc.class_label) == {"关键客户", "主要客户", "普通客户"}
    assert set(abc.scheme_label) == {"客户分级（ABC）"}
    en = build_actions(latest, None, lang="en", schemes=["abc"])
    assert set(en.owner_role) == {"Key account manager", "Account manager", "Inside sales"}
    assert not en.new_move.any() and en.moved_from.isna().all()
    assert en.owner.notna().all()  # the salesperson from the customer table


def test_owner_filter_by_key_label_or_salesperson(pair: tuple[object, object]) -> None:
    latest, previous = pair
    by_key = build_actions(latest, previous, lang="zh", schemes=SCHEMES, owner="finance")
    by_label = build_actions(latest, previous, lang="zh", schemes=SCHEMES, owner="财务")
    assert len(by_key) > 0 and by_key.equals(by_label)
    assert set(by_key.owner_role_key) == {"finance"}
    person = str(by_key.owner.iloc[0])
    mine = build_actions(latest, previous, lang="en", schemes=SCHEMES, owner=person)
    assert set(mine.owner) == {person}
    with pytest.raises(UnknownNameError, match="nobody"):
        build_actions(latest, previous, lang="en", schemes=SCHEMES, owner="nobody")


def test_xlsx_one_sheet_per_owner_with_row_counts(
    pair: tuple[object, object], tmp_path: Path
) -> None:
    latest, previous = pair
    frame = build_actions(latest, previous, lang="zh", schemes=SCHEMES)
    path = write_actions(frame, tmp_path / "actions.xlsx", by="owner")
    book = openpyxl.load_workbook(path, read_only=True)
    counts = frame.groupby("owner_role", sort=False).size()
    assert book.sheetnames == list(counts.index)
    for role, n in counts.items():
        rows = list(book[role].iter_rows(values_only=True))
        assert rows[0][:4] == ("负责岗位", "岗位代码", "负责销售", "客户编号")
        assert len(rows) == n + 1
        first = frame[frame.owner_role == role].iloc[0]
        assert rows[1][3] == first.customer_id


def test_xlsx_by_class_has_short_unique_sheet_names(
    pair: tuple[object, object], tmp_path: Path
) -> None:
    latest, previous = pair
    frame = build_actions(latest, previous, lang="en", schemes=SCHEMES)
    book = openpyxl.load_workbook(write_actions(frame, tmp_path / "c.xlsx", by="class"))
    pairs = frame.groupby(["scheme", "class_key"]).size()
    assert len(book.sheetnames) == len(pairs)
    assert all(len(n) <= 31 for n in book.sheetnames)
    assert len({n.lower() for n in book.sheetnames}) == len(book.sheetnames)
    assert sum(book[n].max_row - 1 for n in book.sheetnames) == len(frame)


def test_csv_has_bom_and_round_trips(pair: tuple[object, object], tmp_path: Path) -> None:
    latest, previous = pair
    frame = build_actions(latest, previous, lang="zh", schemes=SCHEMES)
    path = write_actions(frame, tmp_path / "actions.csv")
    assert path.read_bytes()[:3] == b"\xef\xbb\xbf"
    back = pd.read_csv(path, encoding="utf-8-sig", dtype=str)
    assert len(back) == len(frame)
    assert list(back["客户编号"]) == list(frame.customer_id)
    assert list(back["负责岗位"]) == list(frame.owner_role)
    assert pd.to_numeric(back["近12个月收入"]).round(2).tolist() == frame.revenue_12m.round(2).tolist()


def test_write_actions_rejects_unknown_extension(pair: tuple[object, object], tmp_path: Path) -> None:
    from custseg.errors import ConfigError

    latest, _ = pair
    frame = build_actions(latest, None, lang="en", schemes=["abc"])
    with pytest.raises(ConfigError, match=r"\.xlsx or \.csv"):
        write_actions(frame, tmp_path / "actions.txt")


def test_cli_actions(history_workspace_file: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    location = tmp_path / "cli.duckdb"
    shutil.copyfile(history_workspace_file, location)
    args = ["--workspace", str(location), "--lang", "zh", "actions", "--scheme", "abc"]
    unknown = runner.invoke(app, [*args, "--owner", "nobody"])
    assert unknown.exit_code == 1 and "nobody" in unknown.stderr
    payload = json.loads(runner.invoke(app, [*args, "--json"], catch_exceptions=False).stdout)
    assert payload["rows"] == len(payload["actions"]) > 0
    assert payload["actions"][0]["new_move"] is True
    assert payload["previous_as_of"] == "2026-05-31"
    screen = runner.invoke(app, [*args, "--limit", "2"], catch_exceptions=False)
    assert screen.exit_code == 0 and "大客户经理" in screen.stdout
    out = tmp_path / "a.xlsx"
    written = runner.invoke(app, [*args, "--out", str(out)], catch_exceptions=False)
    assert written.exit_code == 0 and out.exists()
    bad = runner.invoke(app, [*args, "--out", str(tmp_path / "a.txt")])
    assert bad.exit_code == 1 and ".xlsx or .csv" in bad.stderr
