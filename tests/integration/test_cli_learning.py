"""`custseg clusters` and `custseg learn` in-process on the sample data."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from custseg import open_workspace
from custseg.cli.app import app
from custseg.sample import sample_data_dir
from custseg.tables import TABLE_NAMES

runner = CliRunner()


def invoke(ws: Path, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["--workspace", str(ws), *args], catch_exceptions=False)


@pytest.fixture(scope="module")
def ws_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli_learning") / "ws.duckdb"
    ws = open_workspace(path, clock=lambda: datetime(2026, 7, 1))
    for table in TABLE_NAMES:
        ws.ingest(table, sample_data_dir() / f"{table}.csv")
    ws.run(as_of=date(2026, 6, 30))
    ws.close()
    return path


def test_clusters_json_lists_the_groups(ws_path: Path) -> None:
    result = invoke(ws_path, "clusters", "--json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["scheme"] == "natural_groups" and 2 <= payload["k"] <= 8
    assert len(payload["groups"]) == payload["k"]
    for group in payload["groups"]:
        assert group["key"].startswith("g") and group["name"] == group["names"]["en"]
        assert group["size"] > 0 and group["traits"]
    assert sum(g["revenue_share"] for g in payload["groups"]) == pytest.approx(1.0)


def test_clusters_prints_chinese_names(ws_path: Path) -> None:
    payload = json.loads(invoke(ws_path, "clusters", "--json").stdout)
    result = invoke(ws_path, "--lang", "zh", "clusters")
    assert result.exit_code == 0, result.output
    assert payload["groups"][0]["names"]["zh_CN"] in result.stdout


def test_clusters_rejects_a_scheme_of_another_kind(ws_path: Path) -> None:
    result = invoke(ws_path, "clusters", "--scheme", "abc")
    assert result.exit_code == 1 and "not cluster" in result.stderr


def test_learn_recovers_a_threshold_rule_and_exports_it(ws_path: Path, tmp_path: Path) -> None:
    features = open_workspace(ws_path).snapshot().features()
    buyers = features[~features.is_prospect.astype(bool)]
    cut = float(buyers.recency_days.median())
    labels = pd.DataFrame({"customer_id": buyers.customer_id,
                           "class": (buyers.recency_days <= cut).map(
                               {True: "recent", False: "dormant"})})
    labels.iloc[::2].to_csv(tmp_path / "labels.csv", index=False)
    out = tmp_path / "rules.yaml"
    result = invoke(ws_path, "learn", "--labels", str(tmp_path / "labels.csv"),
                    "--scheme", "recency_learned", "--out", str(out), "--json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["report"]["accuracy"] >= 0.95
    assert payload["report"]["confusion"]["classes"] == ["dormant", "recent"]
    assert {r["class"] for r in payload["report"]["per_class"]} == {"dormant", "recent"}
    assert payload["low_confidence"] >= 0
    scheme = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert scheme["kind"] == "rules" and scheme["name"] == "recency_learned"
    assert any("recency_days" in r["when"] for r in scheme["rules"])
    text = invoke(ws_path, "learn", "--labels", str(tmp_path / "labels.csv"),
                  "--scheme", "recency_learned")
    assert text.exit_code == 0 and "precision" in text.stdout and "recency_days" in text.stdout


def _has_cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def test_clusters_speak_one_language_at_a_time(ws_path: Path) -> None:
    zh = invoke(ws_path, "--lang", "zh", "clusters")
    en = invoke(ws_path, "--lang", "en", "clusters")
    assert zh.exit_code == 0 and en.exit_code == 0, zh.output + en.output
    # headers, traits and notes in Chinese ...
    for word in ("组编号", "组名", "客户数", "收入占比", "特征", "组", "倍", "未参与聚类"):
        assert word in zh.stdout, word
    for english in ("Key", "Traits", " groups", "the median", "no purchase", "snapshot",
                    "imputed", "keys numbered", "matched to"):
        assert english not in zh.stdout, english
    # ... and in English, without a Chinese character
    for word in ("Key", "Name", "Customers", "Revenue share", "Traits", "the median",
                 "customers with no purchase are not clustered"):
        assert word in en.stdout, word
    assert not _has_cjk(en.stdout)
    payload = json.loads(invoke(ws_path, "--lang", "zh", "clusters", "--json").stdout)
    assert payload["notes"] and all(_has_cjk(n) for n in payload["notes"])
    assert all(_has_cjk(t) for g in payload["groups"] for t in g["traits"])


def test_run_prints_the_cluster_notes_in_the_chosen_language(ws_path: Path) -> None:
    zh = invoke(ws_path, "--lang", "zh", "run", "--as-of", "2026-06-30")
    en = invoke(ws_path, "--lang", "en", "run", "--as-of", "2026-06-30")
    assert zh.exit_code == 0 and en.exit_code == 0, zh.output + en.output
    assert "natural_groups: 325 位尚无购买的客户未参与聚类" in zh.stdout
    assert "natural_groups: 325 customers with no purchase are not clustered" in en.stdout


def test_clusters_refusal_is_in_the_chosen_language(ws_path: Path) -> None:
    result = invoke(ws_path, "--lang", "zh", "clusters", "--scheme", "abc")
    assert result.exit_code == 1 and "不是 cluster" in result.stderr


def test_learn_speaks_one_language_at_a_time(ws_path: Path, tmp_path: Path) -> None:
    features = open_workspace(ws_path).snapshot().features()
    buyers = features[~features.is_prospect.astype(bool)].head(300)
    labels = pd.DataFrame(
        {
            "customer_id": [*buyers.customer_id, "NOT-A-CUSTOMER"],
            "class": [*(buyers.recency_days <= 60).map({True: "recent", False: "dormant"}), "x"],
        }
    )
    labels.loc[labels.index[:2], "class"] = "rare"  # two examples: fewer folds than asked
    labels.to_csv(tmp_path / "labels.csv", index=False)
    args = ("learn", "--labels", str(tmp_path / "labels.csv"), "--scheme", "learned")
    zh = invoke(ws_path, "--lang", "zh", *args, "--out", str(tmp_path / "zh.yaml"))
    en = invoke(ws_path, "--lang", "en", *args, "--out", str(tmp_path / "en.yaml"))
    assert zh.exit_code == 0 and en.exit_code == 0, zh.output + en.output
    for word in ("交叉验证准确率", "已知 \\ 预测", "精确率", "召回率", "已预测", "提示", "折"):
        assert word in zh.stdout, word
    for english in ("labelled customers", "cross-validated", "precision", "predicted;",
                    "note ", "folds instead", "were ignored"):
        assert english not in zh.stdout, english
    assert "cross-validated accuracy" in en.stdout and "folds instead of 5" in en.stdout
    flat = " ".join(en.stdout.split())  # the terminal wraps long notes
    assert "were ignored (e.g. NOT-A-CUSTOMER)" in flat and not _has_cjk(en.stdout)
    assert "规则方案已写入" in zh.stdout and "rules scheme written to" in en.stdout
    payload = json.loads(invoke(ws_path, "--lang", "zh", *args, "--json").stdout)
    assert payload["notes"] and all(isinstance(n, str) and _has_cjk(n) for n in payload["notes"])
