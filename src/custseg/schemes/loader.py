"""Read a classification system from YAML; report every problem with its file line and key.

This is the one place where Pydantic's ``ValidationError`` is caught: each error becomes a line
``system.yaml:23 schemes[2].cuts: must be strictly ascending, got [0.8, 0.5]`` and all of them
are raised together as one :class:`~custseg.errors.ConfigError`. Line numbers come from the YAML
node marks; reading is bounded (:mod:`custseg.schemes.yaml_bounded`).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from custseg.errors import ConfigError
from custseg.i18n import Message
from custseg.schemes._model_base import pydantic_message
from custseg.schemes.config import SCHEME_MODELS, ClassificationSystem
from custseg.schemes.scheme_base import render_path
from custseg.schemes.validate import MessageLines, check_document, check_features
from custseg.schemes.yaml_bounded import (
    DuplicateKeyError,
    check_text_size,
    compose,
    construct,
    key_lines,
    limit_error,
    read_system_file,
)

KeyPath = tuple[str | int, ...]


def load_system(source: str | Path, *, name: str | None = None) -> ClassificationSystem:
    """Load and validate a classification system from a YAML file or YAML text.

    ``source`` is a :class:`~pathlib.Path`, a path string ending in ``.yaml``/``.yml`` or naming
    an existing file, or the YAML text itself. ``name`` is how the source is shown in errors.
    """
    text, shown = _read(source)
    return parse_system(text, source_name=name or shown)


def parse_system(text: str, *, source_name: str = "<system>") -> ClassificationSystem:
    """Validate YAML ``text``; raise ConfigError listing every problem with ``file:line key``.

    Checked before any data is read: the YAML's size, nesting and aliases
    (:mod:`~custseg.schemes.yaml_bounded`), the models, finite numbers, the supported
    ``version``, and every feature name and type against the feature registry
    (:mod:`~custseg.schemes.validate`).
    """
    check_text_size(text, source_name)
    try:
        node = compose(text, source_name)
        lines = key_lines(node)
        data = construct(node, source_name)
    except yaml.YAMLError as exc:
        raise limit_error(exc, source_name) or _yaml_error(exc, source_name) from None
    except DuplicateKeyError as exc:
        where = render_path(exc.key_path)
        raise ConfigError(
            f"{source_name}:{exc.line} {where}: duplicate key {exc.key!r}",
            path=source_name,
            line=exc.line,
            key_path=render_path(exc.key_path),
        ) from None
    if not isinstance(data, dict):
        raise ConfigError(
            f"{source_name}:1: a classification system is a mapping with `name` "
            f"and `schemes`; got {type(data).__name__}",
            path=source_name,
            line=1,
        )
    check_document(data, lines, source_name)
    try:
        system = ClassificationSystem.model_validate(data)
    except ValidationError as exc:
        raise _config_error(exc, data, lines, source_name) from None
    check_features(system, lines, source_name)
    return system


def _yaml_error(exc: yaml.YAMLError, source_name: str) -> ConfigError:
    mark = getattr(exc, "problem_mark", None)
    line = mark.line + 1 if mark is not None else None
    where = f"{source_name}:{line}" if line else source_name
    problem = getattr(exc, "problem", None) or str(exc)
    return ConfigError(f"{where}: not valid YAML: {problem}", path=source_name, line=line)


def system_hash(system: ClassificationSystem) -> str:
    """SHA-256 of the canonical JSON of the validated system (stable, key-order independent)."""
    # None means "not set": leaving it out keeps hashes stable when optional keys are added.
    payload = system.model_dump(mode="json", by_alias=True, exclude_none=True)
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def dump_system(system: ClassificationSystem) -> str:
    """The system as YAML text (keys in model order, unset defaults left out)."""
    payload = system.model_dump(mode="json", by_alias=True, exclude_none=True)
    return yaml.safe_dump(payload, allow_unicode=True, sort_keys=False, width=100)


# -- reading ---------------------------------------------------------------------------------
def _read(source: str | Path) -> tuple[str, str]:
    if isinstance(source, Path) or (
        "\n" not in source
        and len(source) < 4096
        and (source.endswith((".yaml", ".yml")) or _exists(source))
    ):
        path = Path(source)
        return read_system_file(path), path.name
    return source, "<system>"


def _exists(source: str) -> bool:
    try:
        return Path(source).exists()
    except (OSError, ValueError):
        return False


# -- rewriting validation errors -------------------------------------------------------------
def _config_error(
    exc: ValidationError, data: dict[str, Any], lines: dict[KeyPath, int], source: str
) -> ConfigError:
    problems: dict[tuple[int | None, str], Message] = {}
    for error in exc.errors(include_url=False):
        loc = _data_path(tuple(error["loc"]), data)
        sub, message = pydantic_message(error, SCHEME_MODELS)
        loc = (*loc, *sub)
        problems.setdefault((_line_of(loc, lines), render_path(loc)), message)
    rendered = [
        Message(
            "config_problem",
            {"source": source, "line": line or "?", "where": where or _TOP, "msg": msg},
        )
        for (line, where), msg in problems.items()
    ]
    text = MessageLines("config_problems", {"items": rendered, "file": source})
    (first_line, first_path), _ = next(iter(problems.items()))
    return ConfigError(text, path=source, line=first_line, key_path=first_path or "(top level)")


_TOP = Message("config_top_level")


def _data_path(loc: KeyPath, data: Any) -> KeyPath:
    """Drop the union tag Pydantic puts after ``schemes[i]`` (it is not a key of the data)."""
    if len(loc) > 2 and loc[0] == "schemes" and isinstance(loc[1], int) and loc[2] in SCHEME_MODELS:
        return (*loc[:2], *loc[3:])
    return loc


def _line_of(loc: KeyPath, lines: dict[KeyPath, int]) -> int | None:
    for end in range(len(loc), 0, -1):
        if loc[:end] in lines:
            return lines[loc[:end]]
    return None


__all__ = ["dump_system", "key_lines", "load_system", "parse_system", "system_hash"]
