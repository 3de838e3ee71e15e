"""Every user-facing word exists in zh-CN and English, in one language at a time.

Walks the whole i18n catalogue (every area's words) and the source: each key has a non-empty
zh and en text, zh texts are Chinese (CJK characters, allowing names, keys, format fields and
symbols), en texts hold no CJK, and every key the code names (``Message("...")``, ``t("...")``,
reason codes) exists.
"""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from custseg.i18n import all_words, has_word
from custseg.schemes.kinds.reasons import encode, render_reason

SRC = Path(__file__).resolve().parents[2] / "src" / "custseg"
CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]")
DOCSTRING = re.compile(r'"""[\s\S]*?"""')
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z_]*")

ALLOWED_IN_ZH = {
    # names of things the user types or reads as identifiers, units, notations
    "custseg", "ingest", "run", "override", "approve", "user", "json", "limit", "as", "of",
    "parameters", "home_region", "home_city", "ranking", "scheme", "id", "P", "RFM", "ABC",
    "CSV", "XLSX", "Excel", "UTF", "GBK", "YAML", "map", "force", "out", "lang", "zh", "en",
    "MBG", "NBD", "k", "means", "p_alive", "clv_m", "HTML", "PDF", "URL", "DuckDB",
}


def _text_outside_fields(template: str) -> str:
    """The literal text of a format template (fields removed)."""
    return "".join(literal for literal, *_ in string.Formatter().parse(template))


def test_every_key_has_both_languages() -> None:
    missing = [k for k, v in all_words().items() if not (v.get("zh") and v.get("en"))]
    assert missing == []


DATA_EXAMPLES_IN_EN = {
    "ingest_map_format": ("客户号",),  # an example of a Chinese header the user maps
    "ingest_reason_not_date": ("年", "月", "日"),  # a Chinese date format the parser accepts
    "expr_advice_types": ("广东",),  # a Chinese region value, quoted as a string
}
"""English texts that quote Chinese *data* on purpose, and the fragments they may quote."""


@pytest.mark.parametrize("key", sorted(all_words()))
def test_zh_is_chinese_and_en_is_not(key: str) -> None:
    entry = all_words()[key]
    english = entry["en"]
    for fragment in DATA_EXAMPLES_IN_EN.get(key, ()):
        english = english.replace(fragment, "")
    assert not CJK.search(english), f"{key}: CJK in the English text {entry['en']!r}"
    literal = _text_outside_fields(entry["zh"])
    words = set(LATIN_WORD.findall(literal)) - ALLOWED_IN_ZH
    if CJK.search(literal):
        return  # Chinese text; Latin words left are names (checked end to end on real output)
    assert not words, f"{key}: zh text {entry['zh']!r} has no Chinese but English words {words}"


def _keys_named_in_source() -> dict[str, set[str]]:
    patterns = {
        "Message": re.compile(r"Message\(\s*\"([a-z][a-z0-9_]*)\""),
        "t": re.compile(r"\bt\(\s*\"([a-z][a-z0-9_]*)\"\s*,"),
        "reason": re.compile(r"\b(?:code|encode)\(\s*\"(schemes_r_[a-z0-9_]*)\""),
        "word": re.compile(r"\"(schemes_[wd]_[a-z0-9_]*)\""),
    }
    found: dict[str, set[str]] = {}
    for path in SRC.rglob("*.py"):
        text = DOCSTRING.sub("", path.read_text(encoding="utf-8"))  # examples are not uses
        for name, pattern in patterns.items():
            for key in pattern.findall(text):
                found.setdefault(key, set()).add(f"{path.relative_to(SRC)} ({name})")
    return found


def test_every_key_the_code_names_exists() -> None:
    named = _keys_named_in_source()
    assert len(named) > 50  # the walk found the keys
    missing = {k: sorted(v) for k, v in named.items() if not has_word(k)}
    assert missing == {}


def test_reason_codes_render_in_each_language_and_plain_text_stays() -> None:
    stored = encode("schemes_r_matrix", "revenue_12m", "0.0", "<", "P50 12", "schemes_w_low",
                    "loyalty_score", "80.0", "≥", "P50 40", "schemes_w_high")
    zh, en = render_reason(stored, "zh"), render_reason(stored, "en")
    assert zh == "近12个月收入 0 < P50 12（低）；忠诚度指数 80 ≥ P50 40（高）"
    assert en == "Revenue (12m) 0 < P50 12 (low); Loyalty index 80 ≥ P50 40 (high)"
    old = "revenue_12m 0.0 >= P50 0 (high)"  # a snapshot stored before reasons were codes
    assert render_reason(old, "zh") == old and render_reason(None, "en") == ""
    assert render_reason(encode("schemes_r_attr_mapped", "industry", "制造业", "制造业"), "en") == (
        "Industry '制造业' -> 制造业"
    )


def _texts(node: object, path: str = "") -> list[tuple[str, str, str]]:
    """(path, language, text) of every zh_CN / en text in a catalogue document."""
    found: list[tuple[str, str, str]] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("zh_CN", "en") and isinstance(value, str):
                found.append((f"{path}.{key}", key, value))
            else:
                found += _texts(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found += _texts(value, f"{path}[{i}]")
    return found


def test_the_built_in_catalogue_speaks_one_language_per_text() -> None:
    import yaml

    document = yaml.safe_load((SRC / "schemes" / "catalogue" / "default.yaml").read_text("utf-8"))
    texts = _texts(document)
    assert len(texts) > 200
    mixed = [p for p, lang, text in texts if lang == "en" and CJK.search(text)]
    latin_only = [p for p, lang, text in texts if lang == "zh_CN" and not CJK.search(text)]
    assert mixed == [] and latin_only == []


def test_numbers_in_reasons_are_formatted_but_data_values_are_not() -> None:
    stored = encode("schemes_r_cmp", "revenue_12m", "1749256.72", ">", "P80 128,454.86")
    assert render_reason(stored, "en") == "Revenue (12m) 1,749,256.72 > P80 128,454.86"
    assert render_reason(encode("schemes_r_cmp", "x", "null", "<", "1"), "en") == "x null < 1"
    code_value = encode("schemes_r_attr_unmapped", "industry", "001")
    assert render_reason(code_value, "zh") == "行业“001”不在映射中"
