"""Reason templates rendered through the parsed-template path equal ``str.format``'s own rules."""

from __future__ import annotations

import pytest

from custseg.i18n import LANGS, all_words
from custseg.schemes.kinds.reasons import _parsed, _ReasonFormatter, encode, render_reason

TEMPLATES = sorted(k for k in all_words() if k.startswith("schemes_r_"))
PARAMS = ["1749256.7", "revenue_12m", "high_value", "schemes_w_high", "orders_12m,recency_days",
          "7.0", "null", "monetary_total", "12.345", "p_alive", "0.5", "x"]


def test_there_are_reason_templates_and_each_takes_the_fast_path() -> None:
    assert len(TEMPLATES) >= 15
    slow = [k for k in TEMPLATES for lang in LANGS if _parsed(all_words()[k][lang]) is None]
    assert slow == []


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("count", [0, 2, 5, 8, 12])
def test_every_template_renders_as_str_format_does(lang: str, count: int) -> None:
    formatter = _ReasonFormatter(lang, {"high_value": "VIP"})  # type: ignore[arg-type]
    for key in TEMPLATES:
        template = all_words()[key][lang]  # type: ignore[index]
        params = PARAMS[:count]
        assert formatter.render(template, list(params)) == formatter._render_generic(
            template, list(params)
        ), key


def test_a_template_with_fields_of_other_shapes_uses_str_format() -> None:
    assert _parsed("{1:>{0}}") is None and _parsed("{0[1]}") is None and _parsed("{x}") is None
    formatter = _ReasonFormatter("en", {})
    assert formatter.render("{0[1]} {1}", ["ab", "c"]) == "b c"
    assert _parsed("{0!n} of {1:>6}") is not None
    assert formatter.render("{0!n} of {1:>6}", ["1234.5", "b"]) == "1,234.5 of      b"


def test_a_stored_reason_renders_with_labels_and_terms() -> None:
    stored = encode("schemes_r_score", "62.5", "x", "y", "revenue_12m", "1500")
    shown = render_reason(stored, "zh")
    assert shown == "得分 62.5 x y；加权：近12个月收入 1,500"


def test_a_code_compiles_to_the_pairwise_concatenation_it_replaced() -> None:
    """``code`` builds one concatenation; its SQL is the chain ``a || b || ...`` of before."""
    import ibis

    from custseg.schemes.kinds.reasons import RS, US, code

    t = ibis.table({"a": "string", "b": "string"}, name="t")
    chained = ibis.literal(RS + "k") + ibis.literal(US) + ibis.literal("x") + ibis.literal(US)
    chained = chained + t.a.replace(RS, " ").replace(US, " ")
    for dialect in ("duckdb", "postgres"):
        built = ibis.to_sql(t.select(r=code("k", "x", t.a)), dialect=dialect)
        assert built == ibis.to_sql(t.select(r=chained), dialect=dialect)
    # Spark's CONCAT takes any number of arguments, null if any is: one call, not nested ones
    spark = ibis.to_sql(t.select(r=code("k", "x", t.a)), dialect="pyspark")
    assert spark.count("CONCAT(") == 1
    assert ibis.to_sql(t.select(r=code("k")), dialect="duckdb") == ibis.to_sql(
        t.select(r=ibis.literal(RS + "k")), dialect="duckdb"
    )
