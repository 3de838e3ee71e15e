"""Property test: random system files and conditions never crash `custseg run --system`.

Random YAML structures, random bytes and random condition strings go through the CLI runner on
a small workspace. For every case: no traceback, exit 0 or a message with exit 1 (exit 2 would be
an internal error), the workspace unchanged after a refusal, and a bounded time per case. The CI
version takes about 20 s; ``python scripts/fuzz_config.py`` runs many more examples
(``CUSTSEG_FUZZ_EXAMPLES`` scales every test here).
"""

from __future__ import annotations

import itertools
import os
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from _config_cases import ONE_RULE_SYSTEM, invoke, record_counts, small_workspace
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from custseg.errors import ConfigError
from custseg.schemes.expr import parse

SCALE = max(1, int(os.environ.get("CUSTSEG_FUZZ_EXAMPLES", "1")))
CASE_SECONDS = 30.0
"""Longest a single case may take (a valid system runs the classification on 20 customers)."""

FUZZ = settings(
    max_examples=8 * SCALE,
    deadline=None,  # timed by hand below: the first case pays for imports
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=SCALE == 1,  # CI runs the same examples every time
)
_counter = itertools.count()

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**40), max_value=10**40),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.sampled_from(["rules", "tiers", "score", "matrix", "pareto", "cluster", "auto", ".inf"]),
)
keys = st.one_of(
    st.sampled_from(
        ["name", "schemes", "kind", "classes", "key", "labels", "feature", "cuts", "rules",
         "when", "class", "default", "version", "weight", "indicators", "alerts", "parameters"]
    ),
    st.text(max_size=8),
)
structures = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(keys, inner, max_size=5)
    ),
    max_leaves=25,
)

VALID = yaml.safe_load(ONE_RULE_SYSTEM.format(when='"orders_count >= 2"'))
PATHS: list[tuple[Any, ...]] = [
    ("name",),
    ("version",),
    ("schemes",),
    ("schemes", 0, "kind"),
    ("schemes", 0, "rules"),
    ("schemes", 0, "rules", 0, "when"),
    ("schemes", 0, "classes"),
    ("schemes", 0, "classes", 0, "key"),
    ("schemes", 0, "default"),
    ("parameters",),
]

condition_alphabet = st.sampled_from(
    ["recency_days", "orders_count", "monetary_total", "region", "has_purchase", "and", "or",
     "not", "in", "between", "is", "null", "(", ")", ",", "*", "/", "+", "-", "<", ">=", "=",
     "!=", "'a'", "1", "0", "9223372036854775807", "1e308", "9" * 40, "ln(", "coalesce(",
     ".", ";", "__import__", "'", '"', "\\", "\n", "区域"]
)
conditions = st.one_of(
    st.text(max_size=60),
    st.lists(condition_alphabet, min_size=1, max_size=12).map(" ".join),
)


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return small_workspace(tmp_path_factory.mktemp("fuzz"))


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("systems")


def check_run(ws: Path, system: Path) -> None:
    """Run the CLI on ``system`` and check the properties of the outcome."""
    before = record_counts(ws)
    started = time.perf_counter()
    result = invoke(ws, "run", "--system", str(system), "--json")
    elapsed = time.perf_counter() - started
    output = result.output
    assert "Traceback" not in output
    assert result.exit_code in (0, 1), (result.exit_code, output, result.exception)
    if result.exit_code == 1:
        assert result.stderr.startswith(("Error:", "\nError:")), output
        assert len(result.stderr.strip()) > len("Error:")
        assert record_counts(ws) == before  # a refused command changes nothing
    assert elapsed < CASE_SECONDS


def put(data: Any, path: tuple[Any, ...], value: Any) -> Any:
    """A copy of ``data`` with the value at ``path`` replaced (when the path exists)."""
    import copy

    out = copy.deepcopy(data)
    target = out
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    return out


def _write(folder: Path, content: bytes) -> Path:
    path = folder / f"case{next(_counter)}.yaml"
    path.write_bytes(content)
    return path


@FUZZ
@given(data=structures)
def test_random_yaml_structures(ws: Path, folder: Path, data: Any) -> None:
    check_run(ws, _write(folder, yaml.safe_dump(data, allow_unicode=True).encode("utf-8")))


@FUZZ
@given(path=st.sampled_from(PATHS), value=structures)
def test_a_valid_system_with_one_random_value(
    ws: Path, folder: Path, path: tuple[Any, ...], value: Any
) -> None:
    text = yaml.safe_dump(put(VALID, path, value), allow_unicode=True)
    check_run(ws, _write(folder, text.encode("utf-8")))


@FUZZ
@given(content=st.binary(max_size=300))
def test_random_bytes(ws: Path, folder: Path, content: bytes) -> None:
    check_run(ws, _write(folder, content))


@FUZZ
@given(when=conditions)
def test_random_conditions_through_the_cli(ws: Path, folder: Path, when: str) -> None:
    text = yaml.safe_dump(put(VALID, ("schemes", 0, "rules", 0, "when"), when))
    check_run(ws, _write(folder, text.encode("utf-8")))


@settings(max_examples=300 * SCALE, deadline=1000, derandomize=SCALE == 1)
@given(text=conditions)
def test_random_conditions_through_the_parser(text: str) -> None:
    try:
        parse(text, where="fuzz.when")
    except ConfigError as exc:
        assert exc.render("en") and exc.render("zh")
