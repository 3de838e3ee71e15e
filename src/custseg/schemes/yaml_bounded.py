"""Read classification-system YAML with bounded resources.

Limits (each refusal is a :class:`~custseg.errors.ConfigError` with the file and line):

- the file must be a regular file (``/dev/zero``, a FIFO or a folder is refused before it is
  opened) of at most :data:`DEFAULT_MAX_BYTES` bytes; ``$CUSTSEG_MAX_SYSTEM_BYTES`` lifts it;
- nesting at most :data:`MAX_DEPTH` levels (checked while composing, so 5,000-deep nesting
  never reaches Python's recursion limit);
- at most :data:`MAX_ALIASES` alias uses (``*name``), and the document with its aliases
  expanded at most :data:`MAX_NODES` values: a "billion laughs" file is refused after reading
  its few hundred bytes, never expanded (sizes are counted per shared node);
- integers of at most :data:`MAX_INT_DIGITS` digits (Python refuses to convert very long ones).

The document is composed once; :func:`key_lines` maps key paths to lines without expanding
aliases (a node reached a second time through an alias is not walked again).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

from custseg.errors import ConfigError
from custseg.i18n import Message

DEFAULT_MAX_BYTES = 1_000_000
"""Largest system file read by default (the built-in catalogue is about 67 kB)."""
MAX_BYTES_ENV = "CUSTSEG_MAX_SYSTEM_BYTES"
"""Environment variable that sets another size limit, in bytes."""
MAX_DEPTH = 64
"""Deepest nesting of mappings and lists (the catalogue needs 8)."""
MAX_ALIASES = 1_000
"""Most alias uses (``*name``) in one document."""
MAX_NODES = 200_000
"""Most values in the document once aliases are expanded."""
MAX_INT_DIGITS = 30
"""Longest integer literal, in digits."""

KeyPath = tuple[str | int, ...]


def max_bytes() -> int:
    """The size limit for system files: ``$CUSTSEG_MAX_SYSTEM_BYTES`` or the default."""
    raw = os.environ.get(MAX_BYTES_ENV, "").strip()
    if not raw:
        return DEFAULT_MAX_BYTES
    if not raw.isdigit() or int(raw) <= 0 or len(raw) > 15:
        raise ConfigError(
            Message("config_bad_env_limit", {"name": MAX_BYTES_ENV, "value": raw}),
            key_path=MAX_BYTES_ENV,
        )
    return int(raw)


def read_system_file(path: Path) -> str:
    """The text of a system file: a regular, UTF-8 file within the size limit."""
    shown = str(path)
    try:
        info = os.stat(path)
    except OSError as exc:
        raise ConfigError(
            Message("config_cannot_read", {"file": shown, "reason": exc.strerror or str(exc)}),
            path=shown,
        ) from None
    if not stat.S_ISREG(info.st_mode):
        raise ConfigError(
            Message("config_not_regular_file", {"file": shown, "kind": _file_kind(info.st_mode)}),
            path=shown,
        )
    limit = max_bytes()
    if info.st_size > limit:
        raise _too_large(shown, info.st_size, limit)
    try:
        with open(path, "rb") as handle:
            raw = handle.read(limit + 1)
    except OSError as exc:
        raise ConfigError(
            Message("config_cannot_read", {"file": shown, "reason": exc.strerror or str(exc)}),
            path=shown,
        ) from None
    if len(raw) > limit:  # the file grew after stat
        raise _too_large(shown, len(raw), limit)
    return decode(raw, shown)


def decode(raw: bytes, shown: str) -> str:
    """``raw`` as UTF-8 text (a BOM is dropped); ConfigError with the line of a bad byte."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise ConfigError(
            Message("config_not_utf8", {"file": shown, "line": line, "byte": exc.start}),
            path=shown,
            line=line,
        ) from None


def check_text_size(text: str, shown: str) -> None:
    """Refuse YAML text longer than the size limit (for systems given as text)."""
    limit = max_bytes()
    if len(text) > limit or len(text.encode("utf-8", "surrogatepass")) > limit:
        raise _too_large(shown, len(text.encode("utf-8", "surrogatepass")), limit)


def compose(text: str, shown: str) -> yaml.Node | None:
    """The YAML node tree of ``text`` within the limits; ConfigError (file:line) otherwise."""
    loader = _BoundedLoader(text, shown)
    try:
        node = loader.get_single_node()
    finally:
        loader.dispose()
    if node is not None:
        _Measure(shown).check(node)
    return node


def construct(node: yaml.Node | None, shown: str) -> Any:
    """The Python data of a composed (and measured) node."""
    if node is None:
        return None
    loader = _BoundedLoader("", shown)
    try:
        return loader.construct_document(node)
    finally:
        loader.dispose()


class DuplicateKeyError(Exception):
    """A mapping repeats a key (YAML would silently keep the last one)."""

    def __init__(self, key: str, key_path: KeyPath, line: int) -> None:
        super().__init__(key)
        self.key, self.key_path, self.line = key, key_path, line


def key_lines(node: yaml.Node | None) -> dict[KeyPath, int]:
    """Map each key path (``("schemes", 2, "cuts")``) to its 1-based line; aliases not expanded."""
    out: dict[KeyPath, int] = {}
    seen: set[int] = set()
    stack: list[tuple[yaml.Node | None, KeyPath]] = [(node, ())]
    while stack:
        current, path = stack.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, yaml.MappingNode):
            for key_node, value_node in current.value:
                child = (*path, str(key_node.value))
                if child in out:
                    raise DuplicateKeyError(
                        str(key_node.value), child, key_node.start_mark.line + 1
                    )
                out[child] = key_node.start_mark.line + 1
                stack.append((value_node, child))
        elif isinstance(current, yaml.SequenceNode):
            for i, item in enumerate(current.value):
                out[(*path, i)] = item.start_mark.line + 1
                stack.append((item, (*path, i)))
    return out


# -- internals -------------------------------------------------------------------------------
class _LimitError(yaml.YAMLError):
    """A limit was exceeded while composing; carries the message and line."""

    def __init__(self, message: Message, line: int | None) -> None:
        super().__init__(message.render("en"))
        self.message, self.line = message, line


def _base_loader() -> type:
    """The parser of libyaml (about 5x faster) under PyYAML's composer, else PyYAML's SafeLoader.

    Composing stays in Python either way, so nesting and aliases are counted as they are read.
    """
    try:
        from yaml._yaml import CParser
    except ImportError:  # PyYAML built without libyaml
        return yaml.SafeLoader

    class _FastSafeLoader(Composer, SafeConstructor, Resolver, CParser):  # type: ignore[misc]
        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)
            Composer.__init__(self)

    return _FastSafeLoader


class _BoundedLoader(_base_loader()):  # type: ignore[misc]
    """A safe loader that counts aliases and nesting while composing, and bounds integers."""

    def __init__(self, stream: str, shown: str) -> None:
        super().__init__(stream)
        self._shown = shown
        self._depth = 0
        self._aliases = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:
        line = self.peek_event().start_mark.line + 1
        if self.check_event(yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                raise _LimitError(
                    _limit("config_yaml_aliases", self._shown, line, MAX_ALIASES), line
                )
            return super().compose_node(parent, index)  # type: ignore[no-any-return]
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _LimitError(_limit("config_yaml_depth", self._shown, line, MAX_DEPTH), line)
            return super().compose_node(parent, index)  # type: ignore[no-any-return]
        finally:
            self._depth -= 1

    def construct_bounded_int(self, node: yaml.ScalarNode) -> int:
        text = str(node.value)
        digits = sum(ch.isdigit() for ch in text)
        if digits > MAX_INT_DIGITS:
            line = node.start_mark.line + 1
            shown = text if len(text) <= 24 else f"{text[:10]}…{text[-6:]}"
            raise _LimitError(
                Message(
                    "config_yaml_big_int",
                    {
                        "file": self._shown,
                        "line": line,
                        "shown": shown,
                        "digits": digits,
                        "limit": MAX_INT_DIGITS,
                    },
                ),
                line,
            )
        return super().construct_yaml_int(node)  # type: ignore[no-any-return]


_BoundedLoader.add_constructor("tag:yaml.org,2002:int", _BoundedLoader.construct_bounded_int)


class _Measure:
    """Counts the values of a node tree with aliases expanded, without expanding them."""

    def __init__(self, shown: str) -> None:
        self.shown = shown
        self.sizes: dict[int, int] = {}
        self.heights: dict[int, int] = {}
        self.open: set[int] = set()

    def check(self, root: yaml.Node) -> None:
        total = self.size(root, 1)
        if total > MAX_NODES:
            raise _LimitError(_limit("config_yaml_expands", self.shown, 1, MAX_NODES), 1)

    def size(self, node: yaml.Node, depth: int) -> int:
        key = id(node)
        line = node.start_mark.line + 1
        if key in self.sizes:
            if depth + self.heights[key] - 1 > MAX_DEPTH:  # an alias nests a deep node deeper
                raise _LimitError(_limit("config_yaml_depth", self.shown, line, MAX_DEPTH), line)
            return self.sizes[key]
        if key in self.open:
            raise _LimitError(
                Message("config_yaml_recursive", {"file": self.shown, "line": line}), line
            )
        if depth > MAX_DEPTH:
            raise _LimitError(_limit("config_yaml_depth", self.shown, line, MAX_DEPTH), line)
        self.open.add(key)
        children: list[yaml.Node] = []
        if isinstance(node, yaml.MappingNode):
            children = [n for pair in node.value for n in pair]
        elif isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        total, height = 1, 1
        for child in children:
            total += self.size(child, depth + 1)
            height = max(height, 1 + self.heights[id(child)])
            if total > MAX_NODES:  # stop early: the sum can grow exponentially
                total = MAX_NODES + 1
                break
        self.open.discard(key)
        self.sizes[key], self.heights[key] = total, height
        return total


def limit_error(exc: yaml.YAMLError, shown: str) -> ConfigError | None:
    """The ConfigError of a limit exceeded while reading, or None for another YAML error."""
    if isinstance(exc, _LimitError):
        return ConfigError(exc.message, path=shown, line=exc.line)
    return None


def _limit(key: str, shown: str, line: int, limit: int) -> Message:
    return Message(key, {"file": shown, "line": line, "limit": f"{limit:,}"})


def _too_large(shown: str, size: int, limit: int) -> ConfigError:
    return ConfigError(
        Message(
            "config_yaml_too_large",
            {"file": shown, "size": f"{size:,}", "limit": f"{limit:,}", "env": MAX_BYTES_ENV},
        ),
        path=shown,
    )


def _file_kind(mode: int) -> str:
    for test, name in (
        (stat.S_ISDIR, "folder"),
        (stat.S_ISFIFO, "FIFO"),
        (stat.S_ISCHR, "character device"),
        (stat.S_ISBLK, "block device"),
        (stat.S_ISSOCK, "socket"),
    ):
        if test(mode):
            return name
    return "special file"
