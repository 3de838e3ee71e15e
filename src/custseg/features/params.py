"""Parameters of the feature table: the enterprise's home location and the activity window.

``regions`` maps a province (省/自治区/直辖市) to a macro-region (大区). The default covers
mainland China's 31 provinces in the seven traditional macro-regions 华北, 东北, 华东, 华中,
华南, 西南, 西北, by Chinese short name and by English (pinyin) name. Lookups ignore case,
surrounding spaces and the administrative suffix, so ``广东``, ``广东省`` and ``Guangdong`` are
the same province.
"""

from __future__ import annotations

import re
from types import MappingProxyType

from pydantic import BaseModel, ConfigDict, Field, field_validator

MACRO_REGIONS: tuple[str, ...] = ("华北", "东北", "华东", "华中", "华南", "西南", "西北")

_PROVINCES: dict[str, tuple[tuple[str, str], ...]] = {
    "华北": (
        ("北京", "Beijing"),
        ("天津", "Tianjin"),
        ("河北", "Hebei"),
        ("山西", "Shanxi"),
        ("内蒙古", "Inner Mongolia"),
    ),
    "东北": (("辽宁", "Liaoning"), ("吉林", "Jilin"), ("黑龙江", "Heilongjiang")),
    "华东": (
        ("上海", "Shanghai"),
        ("江苏", "Jiangsu"),
        ("浙江", "Zhejiang"),
        ("安徽", "Anhui"),
        ("福建", "Fujian"),
        ("江西", "Jiangxi"),
        ("山东", "Shandong"),
    ),
    "华中": (("河南", "Henan"), ("湖北", "Hubei"), ("湖南", "Hunan")),
    "华南": (("广东", "Guangdong"), ("广西", "Guangxi"), ("海南", "Hainan")),
    "西南": (
        ("重庆", "Chongqing"),
        ("四川", "Sichuan"),
        ("贵州", "Guizhou"),
        ("云南", "Yunnan"),
        ("西藏", "Tibet"),
    ),
    "西北": (
        ("陕西", "Shaanxi"),
        ("甘肃", "Gansu"),
        ("青海", "Qinghai"),
        ("宁夏", "Ningxia"),
        ("新疆", "Xinjiang"),
    ),
}
_EXTRA_ENGLISH: dict[str, str] = {"Nei Mongol": "华北", "Xizang": "西南"}


def _default_regions() -> dict[str, str]:
    mapping: dict[str, str] = {}
    for macro, provinces in _PROVINCES.items():
        for chinese, english in provinces:
            mapping[chinese] = macro
            mapping[english] = macro
    mapping.update(_EXTRA_ENGLISH)
    return mapping


DEFAULT_REGIONS: MappingProxyType[str, str] = MappingProxyType(_default_regions())

# Administrative suffixes removed before a province is looked up (longest first).
REGION_SUFFIX_PATTERN = (
    r"(壮族自治区|回族自治区|维吾尔自治区|特别行政区|自治区|省|市| province| municipality"
    r"| autonomous region)$"
)


def normalise_region(value: str) -> str:
    """Return the lookup key of a province name: trimmed, lower case, without its suffix."""
    return re.sub(REGION_SUFFIX_PATTERN, "", value.strip().lower())


class FeatureParameters(BaseModel):
    """How the feature table is computed (all optional; the defaults work with any data).

    Parameters
    ----------
    home_region:
        The enterprise's own province (or macro-region, e.g. ``华南``); decides ``region_scope``.
    home_city:
        The enterprise's own city; customers in it are ``local``.
    regions:
        Province → macro-region mapping used for ``regional`` (default: mainland China).
    active_window_days:
        Length of the "last 12 months" window of the ``*_12m`` features (default 365).
    rhythm_min_repeat_buyers:
        Customers with two or more purchase days needed to measure the base's purchase rhythm
        (``base_gap_*_days``); with fewer, the fixed fallbacks below are used (default 30).
    fallback_gap_median_days, fallback_gap_p75_days, fallback_gap_p90_days:
        The rhythm used when it cannot be measured (60, 120 and 180 days).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    home_region: str | None = None
    home_city: str | None = None
    regions: dict[str, str] = Field(default_factory=lambda: dict(DEFAULT_REGIONS))
    active_window_days: int = Field(default=365, gt=0, le=3660)
    rhythm_min_repeat_buyers: int = Field(default=30, ge=1)
    fallback_gap_median_days: float = Field(default=60.0, gt=0, le=3660)
    fallback_gap_p75_days: float = Field(default=120.0, gt=0, le=3660)
    fallback_gap_p90_days: float = Field(default=180.0, gt=0, le=3660)

    @field_validator("home_region", "home_city")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        return value.strip()

    def region_lookup(self) -> dict[str, str]:
        """Normalised province key → macro-region; macro-region names map to themselves."""
        lookup = {normalise_region(k): v for k, v in self.regions.items()}
        for macro in set(self.regions.values()):
            lookup.setdefault(normalise_region(macro), macro)
        return lookup

    def home_macro_region(self) -> str | None:
        """Macro-region of ``home_region``, or None if unknown or not configured."""
        if self.home_region is None:
            return None
        return self.region_lookup().get(normalise_region(self.home_region))
