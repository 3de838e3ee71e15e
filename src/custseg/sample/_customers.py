"""Customers of the sample company: their attributes and their hidden behaviour.

The behaviour (order rate, size, growth, churn date, payment habit, category taste) is not
written to any file; it drives the orders, payments and opportunities.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from custseg.sample import _catalogue as cat

# payment habits: on time / occasionally late / chronically late / bad payer
PAY_HABITS = ("good", "occasional", "chronic", "bad")
_PAY_HABIT_SHARE = (0.72, 0.18, 0.08, 0.02)
PROSPECT_SHARE = 0.12
CHURN_SHARE = 0.22
GROWER_SHARE = 0.15


@dataclass(frozen=True)
class Profiles:
    """Hidden per-customer behaviour, aligned with the customers frame (days are epoch days)."""

    nature: np.ndarray  # str
    is_prospect: np.ndarray  # bool
    active_from: np.ndarray  # int64 epoch day of possible first order
    active_to: np.ndarray  # int64 epoch day after which the customer never orders
    rate: np.ndarray  # orders per year
    size: np.ndarray  # order size multiplier
    growth: np.ndarray  # log growth of order size per year
    taste_cdf: np.ndarray  # (n, n_categories) cumulative category preference
    pay_habit: np.ndarray  # index into PAY_HABITS
    terms: np.ndarray  # payment terms in days
    discount_prone: np.ndarray  # probability that a line carries a discount


def _day(d: date) -> int:
    return int(np.datetime64(d, "D").astype(np.int64))


def _choice(
    rng: np.random.Generator, values: tuple[str, ...], weights: np.ndarray, n: int
) -> np.ndarray:
    return np.asarray(values, dtype=object)[
        rng.choice(len(values), size=n, p=weights / weights.sum())
    ]


def _industries(rng: np.random.Generator, nature: np.ndarray) -> np.ndarray:
    n = nature.size
    names = tuple(cat.INDUSTRIES)
    out = _choice(rng, names, np.array([w for w, _ in cat.INDUSTRIES.values()]), n)
    gov = nature == "政府机构"
    gov_names = tuple(cat.GOVERNMENT_INDUSTRIES)
    out[gov] = _choice(
        rng, gov_names, np.array(list(cat.GOVERNMENT_INDUSTRIES.values())), int(gov.sum())
    )
    out[(nature == "个人") & (rng.random(n) < 0.8)] = None  # most individuals have no industry
    return out


def _person_name(rng: np.random.Generator) -> str:
    given = "".join(rng.choice(list(cat.GIVEN_CHARS), size=int(rng.integers(1, 3))))
    return str(rng.choice(list(cat.SURNAMES))) + given


def _names(
    rng: np.random.Generator, nature: np.ndarray, industry: np.ndarray, city: np.ndarray
) -> list[str]:
    brands = np.array(list(cat.BRAND_CHARS))
    out: list[str] = []
    for nat, ind, cty in zip(nature, industry, city, strict=True):
        brand = "".join(rng.choice(brands, size=2, replace=False))
        if nat == "个人":
            out.append(_person_name(rng))
        elif nat == "政府机构":
            district = str(rng.choice(cat.DISTRICTS)) if cty == cat.HOME_CITY else ""
            out.append(f"{cty}市{district}{rng.choice(cat.GOVERNMENT_AGENCIES)}")
        elif nat == "特殊公司":
            out.append(
                f"中{brand}集团{cty}分公司"
                if rng.random() < 0.5
                else f"{cty}市{brand}投资控股有限公司"
            )
        elif nat == "伙伴":
            out.append(f"{cty}{brand}贸易有限公司" if rng.random() < 0.7 else f"{cty}市{brand}商行")
        else:
            words = cat.INDUSTRIES[ind][1] if ind in cat.INDUSTRIES else ("科技",)
            out.append(f"{cty}{brand}{rng.choice(words)}{rng.choice(cat.COMPANY_SUFFIXES)}")
    return out


def _created_days(rng: np.random.Generator, n: int, start: int, end: int) -> np.ndarray:
    """About 40% existed before the window; the others arrive at a rising pace within it."""
    before = rng.random(n) < 0.4
    old = start - rng.integers(30, 5 * 365, size=n)
    new = start + ((end - start) * np.sqrt(rng.random(n)) * 0.97).astype(np.int64)
    return np.where(before, old, new)


def _taste_cdf(rng: np.random.Generator, nature: np.ndarray, industry: np.ndarray) -> np.ndarray:
    alpha = np.array([cat.CATEGORY_TASTE[x] for x in nature], dtype=float)
    for ind, extra in cat.INDUSTRY_TASTE.items():
        rows = industry == ind
        for col, value in extra.items():
            alpha[rows, col] += value
    investors = (nature == "个人") & (rng.random(nature.size) < 0.2)  # collectors / gold buyers
    alpha[investors, 6:] += 4.0
    taste = rng.gamma(alpha)
    cdf = np.cumsum(taste / taste.sum(axis=1, keepdims=True), axis=1)
    cdf[:, -1] = 1.0
    return cdf


def _survey(rng: np.random.Generator, n: int, quality: np.ndarray) -> tuple[np.ndarray, ...]:
    """Draw decision factor, satisfaction (score or word) and prospect score; often missing."""
    factor = np.asarray(cat.DECISION_FACTORS, dtype=object)[
        rng.choice(3, size=n, p=[0.35, 0.45, 0.2])
    ]
    factor[rng.random(n) > 0.45] = None
    score = np.clip(np.round(3.6 + 0.5 * quality + rng.normal(0, 0.9, n)), 1, 5).astype(int)
    as_word = rng.random(n) < 0.4
    words = np.asarray(cat.SATISFACTION_WORDS, dtype=object)[5 - score]
    satisfaction = np.where(as_word, words, score.astype(str)).astype(object)
    satisfaction[rng.random(n) > 0.35] = None
    prospect = pd.array(
        np.clip(np.round(55 + 15 * quality + rng.normal(0, 12, n)), 0, 100).astype(int),
        dtype="Int64",
    )
    prospect[rng.random(n) > 0.55] = pd.NA
    return factor, satisfaction, prospect


def generate_customers(
    rng: np.random.Generator, n: int, start: date, end: date
) -> tuple[pd.DataFrame, Profiles]:
    """Draw ``n`` customers and their hidden behaviour."""
    d0, d1 = _day(start), _day(end)
    natures = tuple(cat.NATURES)
    nature = _choice(rng, natures, np.array([s for s, _ in cat.NATURES.values()]), n)
    industry = _industries(rng, nature)
    place = rng.choice(len(cat.PLACES), size=n, p=_normalised([p.weight for p in cat.PLACES]))
    region = np.array([cat.PLACES[i].region for i in place], dtype=object)
    city = np.array([cat.PLACES[i].city for i in place], dtype=object)
    created = _created_days(rng, n, d0, d1)

    mean_rate, log_size, terms = (np.array([cat.BEHAVIOUR[x][k] for x in nature]) for k in range(3))
    quality = rng.normal(0, 1, n)  # latent customer quality, drives size, rate and survey answers
    is_prospect = rng.random(n) < PROSPECT_SHARE
    lag = np.where(
        created >= d0, rng.integers(0, 60, size=n), 0
    )  # new customers: first order later
    active_from = np.maximum(created, d0) + lag
    churns = (rng.random(n) < CHURN_SHARE) & ~is_prospect & (active_from < d1 - 200)
    churn_day = active_from + ((d1 - active_from) * rng.uniform(0.15, 0.8, n)).astype(np.int64)
    grower = rng.random(n) < GROWER_SHARE
    growth = np.where(grower, rng.uniform(0.15, 0.5, n), rng.normal(-0.02, 0.08, n))

    factor, satisfaction, prospect = _survey(rng, n, quality)
    price_focus = factor == "价格"
    pay_habit = rng.choice(4, size=n, p=_PAY_HABIT_SHARE)
    pay_habit[nature == "个人"] = 0  # individuals pay on delivery
    customers = pd.DataFrame(
        {
            "customer_id": [f"C{i:06d}" for i in range(1, n + 1)],
            "name": _names(rng, nature, industry, city),
            "created_date": pd.to_datetime(created.astype("datetime64[D]")),
            "nature": nature,
            "business_type": np.array([cat.NATURES[x][1] for x in nature], dtype=object),
            "industry": industry,
            "region": region,
            "city": city,
            "decision_factor": factor,
            "satisfaction": satisfaction,
            "prospect_score": prospect,
            "owner": np.asarray(cat.OWNERS, dtype=object)[
                rng.choice(10, size=n, p=_normalised(range(14, 4, -1)))
            ],
        }
    )
    profiles = Profiles(
        nature=nature,
        is_prospect=is_prospect,
        active_from=active_from,
        active_to=np.where(churns, churn_day, d1),
        rate=rng.gamma(1.5, mean_rate / 1.5) * np.exp(0.25 * quality),
        size=np.exp(log_size + 0.35 * quality + rng.normal(0, 0.7, n)),
        growth=growth,
        taste_cdf=_taste_cdf(rng, nature, industry),
        pay_habit=pay_habit,
        terms=np.where((nature == "普通公司") & (rng.random(n) < 0.3), 60, terms).astype(np.int64),
        discount_prone=np.where(price_focus, 0.7, 0.3) * rng.uniform(0.5, 1.2, n),
    )
    return customers, profiles


def _normalised(weights: object) -> np.ndarray:
    w = np.asarray(list(weights), dtype=float)  # type: ignore[call-overload]
    return w / w.sum()
