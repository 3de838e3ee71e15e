"""``attribute`` on DuckDB: mapping after strip/lower, other and missing classes, ``classes: auto``."""

from __future__ import annotations

import ibis
import pandas as pd

from custseg.schemes import AttributeScheme
from custseg.schemes.kinds import ASSIGNERS
from custseg.schemes.kinds.attribute import slugify
from custseg.schemes.kinds.reasons import render_reason


def test_mapping_other_and_missing() -> None:
    s = AttributeScheme.model_validate({
        "name": "nature", "kind": "attribute", "labels": {"zh_CN": "性质", "en": "Nature"},
        "feature": "nature", "mapping": {"government": ["Government", "政府机构"], "partner": ["伙伴"]},
        "classes": [{"key": k, "labels": {"zh_CN": k, "en": k}} for k in ("government", "partner")],
    })
    assert s.class_keys == ["government", "partner", "other", "none"]
    frame = pd.DataFrame({"customer_id": list("abcdef"),
                          "nature": [" GOVERNMENT ", "政府机构", "伙伴", "个人", None, "  "]})
    result = ASSIGNERS["attribute"](ibis.memtable(frame), s)
    out = result.table.to_pandas().set_index("customer_id").sort_index()
    assert out.class_key.tolist() == ["government", "government", "partner", "other", "none", "none"]
    assert render_reason(out.loc["d", "reason"], "en") == "Nature '个人' is not mapped"
    assert render_reason(out.loc["d", "reason"], "zh") == "客户性质“个人”不在映射中"
    labels = {"government": "Government"}
    assert render_reason(out.loc["a", "reason"], "en", labels) == (
        "Nature 'GOVERNMENT' -> Government")


def test_auto_classes_one_per_value_with_labels() -> None:
    s = AttributeScheme.model_validate({
        "name": "industry", "kind": "attribute", "labels": {"zh_CN": "行业", "en": "Industry"},
        "feature": "industry", "classes": "auto", "max_classes": 2,
    })
    frame = pd.DataFrame({"customer_id": list("abcdef"),
                          "industry": ["制造业", "制造业", "IT 服务", "it 服务", "零售", None]})
    result = ASSIGNERS["attribute"](ibis.memtable(frame), s)
    out = result.table.to_pandas().set_index("customer_id").sort_index()
    assert result.thresholds["classes"] == {"it_服务": "IT 服务", "制造业": "制造业"}
    assert out.class_key.tolist() == ["制造业"] * 2 + ["it_服务"] * 2 + ["other", "none"]


def test_slugify_is_readable_and_stable() -> None:
    assert slugify("manufacturing") == "manufacturing"
    assert slugify("Retail & Wholesale") == "retail_wholesale"
    assert slugify("2024 plan") == "v_2024_plan"
    assert slugify("广东") == "广东"
    assert slugify("制造业") == "制造业"
    assert slugify("Ｂ２Ｂ（华南）") == "b2b_华南"
    assert "_u" not in slugify("批发 / 零售")
    assert len(slugify("x" * 100)) <= 64 and slugify("x" * 100) == slugify("x" * 100)
