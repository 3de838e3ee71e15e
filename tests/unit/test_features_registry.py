"""The feature catalogue, its generated documentation, the public API and the parameters."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

import custseg.features as features
from custseg.errors import UnknownNameError
from custseg.features import (
    DEFAULT_REGIONS, FEATURE_NAMES, FEATURES, MACRO_REGIONS, FeatureParameters, get_feature,
    render_feature_docs,
)
from custseg.features.params import normalise_region
from custseg.tables import TABLE_NAMES

DOCS = Path(__file__).resolve().parents[2] / "docs" / "features.md"

# docs/contracts.md section 2: other packages rely on exactly these names.
CONTRACT_NAMES = """
customer_id name created_date nature business_type industry region city age gender occupation
decision_factor satisfaction prospect_score owner has_purchase is_prospect first_purchase_date
last_purchase_date recency_days tenure_days relationship_days orders_count purchase_days
orders_12m purchase_days_12m active_months_12m monetary_total revenue_12m revenue_prev_12m
revenue_growth avg_order_value max_order_value return_amount return_share profit_total
profit_12m margin gap_mean_days gap_cv overdue_ratio top_category top_category_share
category_count discount_share invoices_12m on_time_share mean_days_late max_days_late
overdue_balance overdue_invoices open_opportunities open_opportunity_amount open_orders
region_scope r_score f_score m_score rfm_score loyalty_score
base_gap_median_days base_gap_p75_days base_gap_p90_days history_days
p_alive expected_purchases_90d expected_purchases_365d p_no_purchase_90d expected_spend clv_12m
""".split()


def test_registry_holds_exactly_the_contract_names() -> None:
    assert sorted(FEATURE_NAMES) == sorted(CONTRACT_NAMES)
    assert len(set(FEATURE_NAMES)) == len(FEATURE_NAMES)
    assert FEATURE_NAMES[0] == "customer_id"


def test_every_spec_has_a_type_unit_meaning_and_known_input() -> None:
    for spec in FEATURES:
        assert spec.dtype in {"string", "date", "int64", "float64", "boolean"}, spec.name
        assert spec.unit and spec.meaning, spec.name
        assert spec.requires is None or spec.requires in TABLE_NAMES, spec.name


def test_get_feature_suggests_close_names() -> None:
    assert get_feature("recency_days").unit == "days"
    with pytest.raises(UnknownNameError, match="did you mean 'recency_days'"):
        get_feature("recency_day")


def test_committed_feature_docs_are_current() -> None:
    assert DOCS.read_text(encoding="utf-8") == render_feature_docs(), (
        "docs/features.md is stale; regenerate it with render_feature_docs() (see its header)"
    )


def test_feature_docs_list_every_feature() -> None:
    text = render_feature_docs()
    for spec in FEATURES:
        assert f"| `{spec.name}` |" in text


def test_public_api_is_sorted_and_importable() -> None:
    assert features.__all__ == sorted(features.__all__)
    for name in features.__all__:
        assert hasattr(features, name)


def test_default_regions_cover_mainland_provinces_in_seven_macro_regions() -> None:
    chinese = [k for k in DEFAULT_REGIONS if not k.isascii()]
    assert len(chinese) == 31
    assert set(DEFAULT_REGIONS.values()) == set(MACRO_REGIONS)
    assert DEFAULT_REGIONS["广东"] == DEFAULT_REGIONS["Guangdong"] == "华南"
    assert DEFAULT_REGIONS["内蒙古"] == "华北" and DEFAULT_REGIONS["新疆"] == "西北"


@pytest.mark.parametrize(
    ("raw", "key"),
    [("广东省", "广东"), (" 北京市 ", "北京"), ("广西壮族自治区", "广西"),
     ("新疆维吾尔自治区", "新疆"), ("Guangdong Province", "guangdong"), ("SHANGHAI", "shanghai")],
)
def test_normalise_region_drops_case_spaces_and_suffixes(raw: str, key: str) -> None:
    assert normalise_region(raw) == key


def test_home_macro_region_from_province_or_macro_name() -> None:
    assert FeatureParameters(home_region="广东省").home_macro_region() == "华南"
    assert FeatureParameters(home_region="zhejiang").home_macro_region() == "华东"
    assert FeatureParameters(home_region="华北").home_macro_region() == "华北"
    assert FeatureParameters(home_region="Atlantis").home_macro_region() is None
    assert FeatureParameters().home_macro_region() is None


def test_parameters_are_validated() -> None:
    assert FeatureParameters(home_city="  ").home_city is None
    assert FeatureParameters().active_window_days == 365
    with pytest.raises(ValidationError):
        FeatureParameters(active_window_days=0)
    with pytest.raises(ValidationError):
        FeatureParameters(home_town="x")  # type: ignore[call-arg]
