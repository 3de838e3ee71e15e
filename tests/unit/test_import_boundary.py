"""The CLI and the HTTP layer use the façade only: no import of custseg's internals.

The allowed surface is written down in :mod:`custseg.public` (its docstring); ``ALLOWED`` below
is the same list. Imports inside functions count too (a lazy import is still an import).
"""

from __future__ import annotations

import importlib

import pytest
from _imports import Import, imports, modules

ALLOWED = frozenset(
    {
        "custseg",  # the package's own lazy exports: open_workspace, Workspace, Snapshot...
        "custseg.workspace",
        "custseg.public",
        "custseg.errors",
        "custseg.i18n",
        "custseg.outputs",
        "custseg.spreadsheet",
        "custseg.terminal",
        "custseg.dates",
    }
)
FRONT_ENDS = ("custseg.cli", "custseg.api")
EXTRA = {"custseg.cli": frozenset({"custseg.api"})}  # `custseg serve` builds the app


def allowed(item: Import) -> bool:
    """Whether a front-end module may import ``item.target``."""
    front = next(f for f in FRONT_ENDS if item.importer == f or item.importer.startswith(f + "."))
    target = item.target
    if target == front or target.startswith(front + "."):
        return True
    if target in EXTRA.get(front, frozenset()):
        return True
    return target in ALLOWED or target.startswith("custseg.i18n.")


def front_end_imports() -> list[Import]:
    """Every custseg import of every CLI and API module."""
    found = modules()
    known = set(found)
    return [
        item
        for name, path in found.items()
        if any(name == f or name.startswith(f + ".") for f in FRONT_ENDS)
        for item in imports(path, known)
    ]


def test_cli_and_api_import_only_the_facade() -> None:
    found = front_end_imports()
    assert len({i.importer for i in found}) > 20  # the walk saw the routers and commands
    wrong = sorted(
        f"{i.importer}:{i.line} imports {i.target}" for i in found if not allowed(i)
    )
    assert wrong == [], "CLI/API modules reach past the façade:\n" + "\n".join(wrong)


def test_imports_inside_functions_are_seen(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import _imports

    source = tmp_path / "custseg" / "cli" / "x.py"
    source.parent.mkdir(parents=True)
    source.write_text(
        "from typing import TYPE_CHECKING\n"
        "from custseg.workspace import Workspace\n"
        "if TYPE_CHECKING:\n"
        "    from custseg.snapshots.store import SnapshotStore\n"
        "def f():\n"
        "    try:\n"
        "        from custseg.snapshots import store\n"
        "    finally:\n"
        "        import custseg.run\n",
        encoding="utf-8",
    )
    known = {"custseg.workspace", "custseg.snapshots", "custseg.snapshots.store", "custseg.run"}
    original = _imports.SRC
    _imports.SRC = tmp_path
    try:
        found = list(imports(source, known))
    finally:
        _imports.SRC = original
    seen = [(i.target, i.top_level) for i in found]
    assert seen == [
        ("custseg.workspace", True),
        ("custseg.snapshots.store", False),
        ("custseg.run", False),
    ]
    assert [allowed(i) for i in found] == [True, False, False]


def test_the_public_names_are_listed_once() -> None:
    public = importlib.import_module("custseg.public")
    assert public.__all__ == sorted(public._EXPORTS)


@pytest.mark.parametrize("name", __import__("custseg.public").public.__all__)
def test_every_public_name_resolves(name: str) -> None:
    public = importlib.import_module("custseg.public")
    assert getattr(public, name) is not None
