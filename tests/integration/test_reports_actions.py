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
from custseg.reports.actions import CONSOLIDATED_COLUMNS
from custseg.reports.labels import (
    CREDIT_TERMS,
    CREDIT_TERMS_ORDER,
    MERGE_SEPARATOR,
    OWNER_ROLES,
    SERVICE_LEVEL_ORDER,
    SERVICE_LEVELS,
    highest_service,
    role_label,
    strictest_credit,
)

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
    """The detailed list: one row per (customer, scheme)."""
    latest, previous = pair
    return build_actions(latest, previous, lang="zh", detail=True)


@pytest.fixture(scope="module")
def zh_merged(pair: tuple[object, object]) -> pd.DataFrame:
    """The consolidated list (the default): one row per (owner role, customer)."""
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


def test_detail_rows_are_the_customers_with_an_owner_role(
    pair: tuple[object, object], zh_frame: pd.DataFrame
) -> None:
    latest, _ = pair
    got = list(zip(zh_frame.customer_id, zh_frame.scheme, strict=True))
    assert len(got) == len(set(got))
    assert set(got) == _expected(latest)


def test_detail_new_moves_come_first_then_revenue(
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
    en = build_actions(latest, None, lang="en", schemes=["abc"], detail=True)
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
    detail = build_actions(latest, previous, lang="en", schemes=SCHEMES, owner=person, detail=True)
    assert set(detail.owner) == {person}
    assert set(zip(detail.owner_role_key, detail.customer_id, strict=True)) == set(
        zip(mine.owner_role_key, mine.customer_id, strict=True)
    )
    with pytest.raises(UnknownNameError, match="nobody"):
        build_actions(latest, previous, lang="en", schemes=SCHEMES, owner="nobody")


def test_xlsx_one_sheet_per_owner_with_row_counts(
    pair: tuple[object, object], tmp_path: Path
) -> None:
    latest, previous = pair
    frame = build_actions(latest, previous, lang="zh", schemes=SCHEMES)
    path = write_actions(frame, tmp_path / "actions.xlsx", by="owner")
    book = openpyxl.load_workbook(path)
    counts = frame.groupby("owner_role", sort=False).size()
    assert book.sheetnames == list(counts.index) == [role_label(r, "zh") for r in
                                                     dict.fromkeys(frame.owner_role_key)]
    for role, n in counts.items():
        sheet = book[role]
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0][:5] == ("负责岗位", "岗位代码", "负责销售", "客户编号", "客户名称")
        assert {"所属类别", "本期变动", "管理措施", "联系周期（天）"} <= set(rows[0])
        assert len(rows) == n + 1
        part = frame[frame.owner_role == role]
        assert [r[3] for r in rows[1:]] == list(part.customer_id)
        assert sheet.freeze_panes == "F2"
        assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, len(rows[0])).column_letter}{n + 1}"
        classes = rows[0].index("所属类别") + 1
        assert sheet.cell(2, classes).alignment.wrap_text
        assert sheet.column_dimensions[sheet.cell(1, classes).column_letter].width >= 40
        moved = rows[0].index("新变动")
        for i, row in enumerate(rows[1:], start=2):
            fill = sheet.cell(i, 1).fill.fgColor.rgb
            assert (row[moved] == "是") == (fill == "FFFFF3E0")


def test_xlsx_by_class_has_short_unique_sheet_names(
    pair: tuple[object, object], tmp_path: Path
) -> None:
    latest, previous = pair
    frame = build_actions(latest, previous, lang="en", schemes=SCHEMES, detail=True)
    book = openpyxl.load_workbook(write_actions(frame, tmp_path / "c.xlsx", by="class"))
    pairs = frame.groupby(["scheme", "class_key"]).size()
    assert len(book.sheetnames) == len(pairs)
    assert all(len(n) <= 31 for n in book.sheetnames)
    assert len({n.lower() for n in book.sheetnames}) == len(book.sheetnames)
    assert sum(book[n].max_row - 1 for n in book.sheetnames) == len(frame)


def test_sheets_per_class_need_the_detail_rows(
    pair: tuple[object, object], tmp_path: Path
) -> None:
    from custseg.errors import ConfigError

    latest, previous = pair
    frame = build_actions(latest, previous, lang="en", schemes=SCHEMES)
    with pytest.raises(ConfigError, match=r"consolidated.*detail=True"):
        write_actions(frame, tmp_path / "c.xlsx", by="class")
    assert not (tmp_path / "c.xlsx").exists()


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
    assert list(back["所属类别"]) == list(frame.classes)
    detail = build_actions(latest, previous, lang="en", schemes=SCHEMES, detail=True)
    path = write_actions(detail, tmp_path / "detail.csv")
    assert path.read_bytes()[:3] == b"\xef\xbb\xbf"
    assert len(pd.read_csv(path, encoding="utf-8-sig")) == len(detail)


def test_write_actions_rejects_unknown_extension(pair: tuple[object, object], tmp_path: Path) -> None:
    from custseg.errors import ConfigError

    latest, _ = pair
    frame = build_actions(latest, None, lang="en", schemes=["abc"])
    with pytest.raises(ConfigError, match=r"\.xlsx or \.csv"):
        write_actions(frame, tmp_path / "actions.txt")


def test_consolidated_rows_are_the_role_customer_pairs(
    zh_frame: pd.DataFrame, zh_merged: pd.DataFrame
) -> None:
    pairs = set(zip(zh_frame.owner_role_key, zh_frame.customer_id, strict=True))
    got = list(zip(zh_merged.owner_role_key, zh_merged.customer_id, strict=True))
    assert len(got) == len(set(got)) == len(pairs)
    assert set(got) == pairs
    assert len(zh_merged) < len(zh_frame)
    assert zh_merged.attrs == {"lang": "zh", "detail": False}
    assert list(zh_merged.columns) == list(CONSOLIDATED_COLUMNS)  # no overrides in the sample


def test_consolidated_values_merge_the_detail_rows(
    zh_frame: pd.DataFrame, zh_merged: pd.DataFrame
) -> None:
    detail = zh_frame.groupby(["owner_role_key", "customer_id"], sort=False)
    merged = zh_merged.set_index(["owner_role_key", "customer_id"])
    expected = detail.agg(
        contact=("contact_every_days", "min"),
        count=("scheme", "size"),
        moves=("new_move", "sum"),
        revenue=("revenue_12m", "first"),
    )
    got = merged.loc[expected.index]
    assert got.contact_every_days.astype(float).tolist() == expected.contact.astype(float).tolist()
    assert got.schemes_count.tolist() == expected["count"].tolist()
    assert got.new_move.tolist() == (expected.moves > 0).tolist()
    assert got.revenue_12m.tolist() == expected.revenue.tolist()
    assert got.moves.isna().tolist() == (expected.moves == 0).tolist()
    moved = got[got.new_move]
    assert (moved.moves.str.count("→") >= expected.moves[moved.index]).all()
    assert zh_merged.service_level.isin(["", *(v["zh"] for v in SERVICE_LEVELS.values())]).all()


def test_consolidated_classes_follow_scheme_order_and_actions_are_unique(
    pair: tuple[object, object], zh_frame: pd.DataFrame, zh_merged: pd.DataFrame
) -> None:
    latest, _ = pair
    names = latest.info.computed_schemes  # type: ignore[attr-defined]
    order = {name: i for i, name in enumerate(names)}
    row = zh_merged.sort_values("schemes_count", ascending=False).iloc[0]
    part = zh_frame[(zh_frame.owner_role_key == row.owner_role_key)
                    & (zh_frame.customer_id == row.customer_id)]
    part = part.assign(rank=part.scheme.map(order)).sort_values("rank")
    assert row.classes == MERGE_SEPARATOR.join(
        f"{s}: {c}" for s, c in zip(part.scheme_label, part.class_label, strict=True)
    )
    texts = row.actions.split("\n")
    assert texts == list(dict.fromkeys(part.strategy))
    assert len(texts) == len(set(texts))


def test_consolidated_service_and_credit_follow_the_documented_order(
    zh_frame: pd.DataFrame, zh_merged: pd.DataFrame
) -> None:
    service_key = {v["zh"]: k for k, v in SERVICE_LEVELS.items()}
    credit_key = {v["zh"]: k for k, v in CREDIT_TERMS.items()}
    detail = zh_frame.groupby(["owner_role_key", "customer_id"], sort=False)
    mixed = 0
    for (role, customer), part in detail:
        got = zh_merged[(zh_merged.owner_role_key == role) & (zh_merged.customer_id == customer)]
        levels = {service_key[v] for v in part.service_level if v}
        terms = {credit_key[v] for v in part.credit_terms if v}
        best = next((k for k in SERVICE_LEVEL_ORDER if k in levels), None)
        strictest = next((k for k in CREDIT_TERMS_ORDER if k in terms), None)
        assert got.service_level.iloc[0] == (SERVICE_LEVELS[best]["zh"] if best else "")
        assert got.credit_terms.iloc[0] == (CREDIT_TERMS[strictest]["zh"] if strictest else "")
        mixed += len(levels) > 1 or len(terms) > 1
    assert mixed > 0, "the sample has customers whose merged classes disagree"


def test_service_level_and_credit_order_on_a_small_case() -> None:
    assert set(SERVICE_LEVEL_ORDER) == set(SERVICE_LEVELS)
    assert set(CREDIT_TERMS_ORDER) == set(CREDIT_TERMS)
    assert highest_service(["basic", None, "premium", "standard"], "en") == "Premium"
    assert highest_service(["basic", "standard"], "zh") == "标准服务"
    assert highest_service([None, ""], "en") == ""
    assert strictest_credit(["net 60", "net 15", "net 30"], "en") == "Net 15"
    assert strictest_credit(["net 60", "prepayment"], "zh") == "预付款"
    assert strictest_credit(["per contract", "net 90"], "en") == "Net 90"
    assert strictest_credit(["per contract"], "en") == "Per contract"
    assert strictest_credit(["net 30", "net 7", "net 7"], "en") == "Net 30; net 7 (unknown level)"
    assert highest_service(["gold"], "zh") == "gold（未知等级）"


def test_catalogue_levels_are_all_ordered() -> None:
    """Every service level and credit term in the built-in catalogue has a rank."""
    from custseg.workspace import resolve_system

    system = resolve_system(None)
    actions = [
        c.strategy.actions for scheme in system.schemes for c in scheme.classes
        if c.strategy is not None
    ]
    assert {a.service_level for a in actions} - {None} <= set(SERVICE_LEVEL_ORDER)
    assert {a.credit_terms for a in actions} - {None} <= set(CREDIT_TERMS_ORDER)


def test_consolidated_new_moves_first_then_revenue(zh_merged: pd.DataFrame) -> None:
    assert zh_merged.new_move.any() and not zh_merged.new_move.all()
    roles = list(dict.fromkeys(zh_merged.owner_role_key))
    assert len(roles) == zh_merged.owner_role_key.nunique()
    for role in roles:
        block = zh_merged[zh_merged.owner_role_key == role]
        flags = block.new_move.astype(int).tolist()
        assert flags == sorted(flags, reverse=True)
        for _, part in block.groupby("new_move"):
            assert part.revenue_12m.is_monotonic_decreasing


def test_overridden_column_only_with_overrides(history_workspace: object) -> None:
    ws = history_workspace
    latest = ws.snapshot()  # type: ignore[attr-defined]
    for detail in (False, True):
        plain = build_actions(latest, None, lang="en", schemes=SCHEMES, detail=detail)
        assert "overridden" not in plain.columns and "computed_class" not in plain.columns
    customer = str(latest.assignments("abc").customer_id.iloc[0])
    current = latest.assignments("abc").set_index("customer_id").class_key[customer]
    target = "C" if current != "C" else "A"
    ws.overrides.add(  # type: ignore[attr-defined]
        customer, scheme="abc", class_key=target, reason="test", user="alice"
    )
    snap = ws.run(as_of=latest.as_of, user="alice")  # type: ignore[attr-defined]
    assert snap.has_overrides
    frame = build_actions(snap, latest, lang="en", schemes=SCHEMES)
    assert list(frame.columns) == [*CONSOLIDATED_COLUMNS, "overridden"]
    flagged = frame[frame.overridden]
    assert set(flagged.customer_id) == {customer}
    role = next(
        c.strategy.actions.owner_role for c in snap.scheme("abc").classes if c.key == target
    )
    assert flagged.owner_role_key.tolist() == [role]
    assert "ABC" in flagged.moves.iloc[0]
    detailed = build_actions(snap, latest, lang="en", schemes=SCHEMES, detail=True)
    overridden = detailed[detailed.overridden]
    assert overridden[["customer_id", "scheme"]].values.tolist() == [[customer, "abc"]]
    assert overridden.computed_class.iloc[0] != overridden.class_label.iloc[0]


def test_cli_actions(history_workspace_file: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    location = tmp_path / "cli.duckdb"
    shutil.copyfile(history_workspace_file, location)
    args = ["--workspace", str(location), "--lang", "zh", "actions", "--scheme", "abc"]
    unknown = runner.invoke(app, [*args, "--owner", "nobody"])
    assert unknown.exit_code == 1 and "nobody" in unknown.stderr
    payload = json.loads(runner.invoke(app, [*args, "--json"], catch_exceptions=False).stdout)
    assert payload["rows"] == len(payload["actions"]) > 0
    assert payload["detail"] is False and payload["customers"] == payload["rows"]
    assert payload["actions"][0]["new_move"] is True
    assert "classes" in payload["actions"][0] and "scheme" not in payload["actions"][0]
    assert payload["previous_as_of"] == "2026-05-31"
    detail = json.loads(
        runner.invoke(app, [*args, "--detail", "--json"], catch_exceptions=False).stdout
    )
    assert detail["detail"] is True and detail["actions"][0]["scheme"] == "abc"
    screen = runner.invoke(app, [*args, "--limit", "2"], catch_exceptions=False)
    assert screen.exit_code == 0 and "大客户经理" in screen.stdout
    assert "所属类别" in screen.stdout and "个负责岗位" in screen.stdout
    out = tmp_path / "a.xlsx"
    written = runner.invoke(app, [*args, "--out", str(out)], catch_exceptions=False)
    assert written.exit_code == 0 and out.exists()
    bad = runner.invoke(app, [*args, "--out", str(tmp_path / "a.txt")])
    assert bad.exit_code == 1 and ".xlsx 或 .csv" in bad.stderr  # --lang zh


def test_cli_actions_en_default_detail_and_by_class(
    history_workspace_file: Path, tmp_path: Path
) -> None:
    runner = CliRunner()
    location = tmp_path / "cli.duckdb"
    shutil.copyfile(history_workspace_file, location)
    args = ["--workspace", str(location), "--lang", "en", "actions", *sum(
        (["--scheme", s] for s in SCHEMES), [])]
    merged = json.loads(runner.invoke(app, [*args, "--json"], catch_exceptions=False).stdout)
    detail = json.loads(
        runner.invoke(app, [*args, "--detail", "--json"], catch_exceptions=False).stdout
    )
    pairs = {(r["owner_role_key"], r["customer_id"]) for r in detail["actions"]}
    assert merged["rows"] == len(pairs) < detail["rows"]
    assert merged["customers"] == detail["customers"]
    assert sum(merged["owner_roles"].values()) == merged["rows"]
    screen = runner.invoke(app, [*args, "--limit", "1"], catch_exceptions=False)
    assert "Classes" in screen.stdout and "owner roles" in screen.stdout
    assert "Key account manager" in screen.stdout
    screen = runner.invoke(app, [*args, "--detail", "--limit", "1"], catch_exceptions=False)
    assert "Moved from" in screen.stdout and "Classes" not in screen.stdout
    out = tmp_path / "by-class.xlsx"
    written = runner.invoke(app, [*args, "--by", "class", "--out", str(out)],
                            catch_exceptions=False)
    assert written.exit_code == 0 and "detailed" in written.stdout
    book = openpyxl.load_workbook(out, read_only=True)
    assert sum(book[n].max_row - 1 for n in book.sheetnames) == detail["rows"]
    csv = tmp_path / "a.csv"
    runner.invoke(app, [*args, "--out", str(csv)], catch_exceptions=False)
    assert csv.read_bytes()[:3] == b"\xef\xbb\xbf"
    assert len(pd.read_csv(csv, encoding="utf-8-sig")) == merged["rows"]


def _cells(path: Path) -> list[tuple[str, list[list[object]], object, object, dict[str, object]]]:
    """Every sheet of a workbook: name, cell values, frozen panes, filter, column widths."""
    book = openpyxl.load_workbook(path)
    out = []
    for sheet in book.worksheets:
        values = [[c.value for c in row] for row in sheet.iter_rows()]
        styles = [[(c.fill.fgColor.rgb, c.number_format) for c in row] for row in sheet.iter_rows()]
        widths = {k: v.width for k, v in sheet.column_dimensions.items()}
        out.append((sheet.title, values + styles, sheet.freeze_panes, sheet.auto_filter.ref, widths))
    return out


@pytest.mark.parametrize(("sheet_rows", "batch_rows"), [(1_048_575, 50_000), (40, 7)])
def test_streamed_xlsx_is_the_file_of_the_whole_list(
    ws: object, pair: tuple[object, object], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    sheet_rows: int, batch_rows: int,
) -> None:
    # Small sheets and batches: sheets are cut inside a batch and batches inside a role.
    import custseg.reports.actions as actions

    monkeypatch.setattr(actions, "MAX_SHEET_ROWS", sheet_rows)
    monkeypatch.setattr(actions, "WRITE_BATCH_ROWS", batch_rows)
    new, old = pair
    frame = build_actions(new, old, lang="zh", schemes=["abc", "lifecycle", "credit"])
    whole = write_actions(frame, tmp_path / "whole.xlsx", by="owner")
    count = ws.write_actions(  # type: ignore[attr-defined]
        new, old, tmp_path / "streamed.xlsx", lang="zh", schemes=["abc", "lifecycle", "credit"]
    )
    assert _cells(tmp_path / "streamed.xlsx") == _cells(whole)
    assert len(_cells(whole)) > (1 if sheet_rows > 1000 else 3)
    assert (count.rows, count.customers, count.new_moves) == (
        len(frame), frame.customer_id.nunique(), int(frame.new_move.sum())
    )
    assert count.owner_roles == frame.owner_role_key.value_counts(sort=False).to_dict()


def test_streamed_xlsx_of_an_empty_list_has_the_header(
    pair: tuple[object, object], tmp_path: Path
) -> None:
    from custseg.reports.actions import ActionsQuery, actions_query, write_actions_streamed

    new, old = pair
    listed = build_actions(new, old, lang="en", schemes=["abc"])
    empty = listed.iloc[:0]
    empty.attrs.update(listed.attrs)
    whole = write_actions(empty, tmp_path / "whole.xlsx", by="owner")
    query = actions_query(new, old, lang="en", schemes=["abc"])
    nothing = ActionsQuery(query.table.limit(0), query.finish)
    count = write_actions_streamed(nothing, tmp_path / "streamed.xlsx", lang="en")
    assert (count.rows, count.customers, count.new_moves) == (0, 0, 0)
    assert _cells(tmp_path / "streamed.xlsx") == _cells(whole)


def _written_cell_by_cell(frame: pd.DataFrame, path: Path, by: str, lang: str) -> Path:
    """The action list as xlsxwriter wrote it cell by cell before the columnar writer."""
    import custseg.reports.actions as actions
    from custseg.reports.xlsx import printable, sheet_names
    from custseg.spreadsheet import new_workbook

    book = new_workbook(path, constant_memory=True)
    styles = actions._styles(book, lang)  # type: ignore[arg-type]
    groups = actions._groups(frame, by) or [(actions.text("owner_role", lang), frame)]  # type: ignore[arg-type]
    for (_, part), name in zip(groups, sheet_names([t for t, _ in groups]), strict=True):
        sheet = printable(book.add_worksheet(name))
        sheet.write_row(0, 0, actions.headers(list(part.columns), lang), styles[("header", False)])
        shown = actions._shown(part, lang)  # type: ignore[arg-type]
        looks = ["money" if c == "revenue_12m" else "wrap" if c in actions.WRAPPED else "plain"
                 for c in part.columns]
        for i, row in enumerate(shown.itertuples(index=False), start=1):
            flag = bool(part.new_move.iloc[i - 1])
            for j, value in enumerate(row):
                style = styles[(looks[j], flag)]
                if looks[j] == "money":
                    sheet.write_number(i, j, float(0.0 if pd.isna(value) else value), style)
                elif value is None or value is pd.NA or value == "":
                    sheet.write_blank(i, j, None, style)
                elif isinstance(value, str):
                    sheet.write_string(i, j, value, style)
                else:
                    sheet.write_number(i, j, value, style)
        actions._finish_sheet(sheet, part.head(actions._WIDTH_SAMPLE), len(part), lang)  # type: ignore[arg-type]
    book.close()
    return path


@pytest.mark.parametrize(("lang", "detail", "by"), [("zh", False, "owner"), ("en", False, "owner"),
                                                    ("en", True, "class")])
def test_columnar_xlsx_is_the_file_xlsxwriter_wrote_cell_by_cell(
    ws: object, pair: tuple[object, object], tmp_path: Path, lang: str, detail: bool, by: str
) -> None:
    new, old = pair
    frame = build_actions(new, old, lang=lang, detail=detail)  # type: ignore[arg-type]
    assert frame.new_move.any() and not frame.new_move.all()
    written = write_actions(frame, tmp_path / "columnar.xlsx", by=by)  # type: ignore[arg-type]
    before = _written_cell_by_cell(frame, tmp_path / "before.xlsx", by, lang)
    assert _cells(written) == _cells(before)
    if not detail:
        streamed = tmp_path / "streamed.xlsx"
        ws.write_actions(new, old, streamed, lang=lang)  # type: ignore[attr-defined]
        assert _cells(streamed) == _cells(before)
