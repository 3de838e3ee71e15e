"""Reading system files with bounded resources (issue 10, case 3 and part of 5)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from custseg.errors import ConfigError
from custseg.schemes import load_system, parse_system
from custseg.schemes.yaml_bounded import (
    DEFAULT_MAX_BYTES,
    MAX_ALIASES,
    MAX_BYTES_ENV,
    MAX_DEPTH,
    compose,
    key_lines,
)

SYSTEM = """\
name: t
schemes:
  - name: val
    kind: tiers
    labels: &labels {zh_CN: 价值, en: Value}
    feature: revenue_12m
    cuts: [0.5]
    classes:
      - {key: high, labels: *labels}
      - {key: low, labels: *labels}
"""


def billion_laughs(levels: int = 9) -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    previous = "a"
    for name in "bcdefghijklmnop"[: levels - 1]:
        lines.append(f"{name}: &{name} [{', '.join(['*' + previous] * 9)}]")
        previous = name
    return "\n".join([*lines, "name: x", f"schemes: [*{previous}]"]) + "\n"


def test_normal_anchors_and_aliases_still_work() -> None:
    system = parse_system(SYSTEM, source_name="s.yaml")
    assert [c.labels.en for c in system.schemes[0].classes[:2]] == ["Value", "Value"]


def test_billion_laughs_is_refused_quickly_with_a_message() -> None:
    started = time.perf_counter()
    with pytest.raises(
        ConfigError,
        match=r"bomb.yaml: with its aliases expanded .* more than "
        r"200,000 values",
    ) as info:
        parse_system(billion_laughs(9), source_name="bomb.yaml")
    assert time.perf_counter() - started < 2.0
    assert "alias bomb" in info.value.render("en") and "别名炸弹" in info.value.render("zh")


def test_line_tracking_does_not_expand_aliases() -> None:
    # 6 levels expand to 9**6 = 531,441 strings; the tracked lines stay a few dozen
    node = compose(billion_laughs(5), "b.yaml")
    lines = key_lines(node)
    assert len(lines) < 100
    assert lines[("name",)] == 6


def test_too_many_aliases_are_refused() -> None:
    text = "x: &x 1\nname: y\nlist: [" + ", ".join(["*x"] * (MAX_ALIASES + 1)) + "]\n"
    with pytest.raises(ConfigError, match=rf"a.yaml:3: more than {MAX_ALIASES:,} aliases"):
        parse_system(text, source_name="a.yaml")


def test_recursive_alias_is_refused() -> None:
    with pytest.raises(ConfigError, match=r"r.yaml:2: an alias refers to the node that contains"):
        parse_system("name: x\nschemes: &s [*s]\n", source_name="r.yaml")


def test_5000_deep_nesting_gives_a_message_not_recursion_error() -> None:
    text = "name: x\nschemes: " + "[" * 5000 + "]" * 5000 + "\n"
    with pytest.raises(ConfigError, match=rf"d.yaml:2: nested more than {MAX_DEPTH} levels"):
        parse_system(text, source_name="d.yaml")
    block = "name: x\nschemes:\n" + "".join("  " * i + "- \n" for i in range(1, 200))
    with pytest.raises(ConfigError, match="nested more than"):
        parse_system(block, source_name="d.yaml")


def test_aliases_cannot_nest_deeper_than_the_limit() -> None:
    deep = "[" * 40 + "1" + "]" * 40
    text = f"a: &a {deep}\nb: &b [{'[' * 30}*a{']' * 30}]\nname: x\n"
    with pytest.raises(ConfigError, match="nested more than"):
        parse_system(text, source_name="n.yaml")


def test_5000_digit_integer_is_a_message() -> None:
    with pytest.raises(
        ConfigError,
        match=r"v.yaml:1: the number 9999999999…999999 has 5000 "
        r"digits; at most 30",
    ):
        parse_system("version: " + "9" * 5000 + "\nname: x\n", source_name="v.yaml")


def test_not_utf8_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_bytes(b"name: x\nschemes:\n  - \xff\xfe\n")
    with pytest.raises(ConfigError, match=r"s.yaml:3: byte 21 is not UTF-8"):
        load_system(path)


def test_dev_zero_fifo_and_folder_are_refused_without_reading(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)  # opening it would block: the check must not open it
    for path, kind in (
        (Path("/dev/zero"), "character device"),
        (fifo, "FIFO"),
        (tmp_path, "folder"),
    ):
        started = time.perf_counter()
        with pytest.raises(ConfigError, match=rf"is not a regular file \(it is a {kind}\)"):
            load_system(path)
        assert time.perf_counter() - started < 1.0


def test_size_limit_refuses_a_50_mb_file_fast_and_the_variable_lifts_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = tmp_path / "big.yaml"
    with big.open("w") as handle:
        handle.write("name: x\n")
        handle.write(("#" + "y" * 99 + "\n") * 500_000)
    started = time.perf_counter()
    with pytest.raises(
        ConfigError,
        match=rf"big.yaml is 50,500,008 bytes, more than the limit "
        rf"of {DEFAULT_MAX_BYTES:,} bytes.*{MAX_BYTES_ENV}",
    ):
        load_system(big)
    assert time.perf_counter() - started < 1.0
    padded = tmp_path / "padded.yaml"
    padded.write_text(SYSTEM + "#" * (DEFAULT_MAX_BYTES + 10) + "\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="more than the limit"):
        load_system(padded)
    monkeypatch.setenv(MAX_BYTES_ENV, str(3 * DEFAULT_MAX_BYTES))
    assert load_system(padded).schemes[0].name == "val"
    monkeypatch.setenv(MAX_BYTES_ENV, "lots")
    with pytest.raises(ConfigError, match=rf"{MAX_BYTES_ENV}='lots' is not a positive whole"):
        load_system(padded)


def test_text_systems_are_bounded_too() -> None:
    with pytest.raises(ConfigError, match="more than the limit"):
        parse_system(SYSTEM + "#" * (DEFAULT_MAX_BYTES + 1), source_name="t.yaml")


def test_duplicate_keys_still_name_their_line() -> None:
    with pytest.raises(ConfigError, match=r"s.yaml:2 name: duplicate key 'name'"):
        parse_system("name: a\nname: b\n", source_name="s.yaml")
