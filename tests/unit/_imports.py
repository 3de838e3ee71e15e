"""Read the imports of custseg's modules with ``ast`` (for the boundary and cycle tests)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"
PACKAGE = SRC / "custseg"


@dataclass(frozen=True, slots=True)
class Import:
    """One imported module (or package) named in one module's source."""

    importer: str
    target: str
    line: int
    top_level: bool


def module_name(path: Path) -> str:
    """``src/custseg/a/b.py`` -> ``custseg.a.b``; a package's ``__init__`` is the package."""
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def modules() -> dict[str, Path]:
    """Every module of custseg, by dotted name."""
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imports(path: Path, known: set[str]) -> Iterator[Import]:
    """The custseg modules ``path`` imports, anywhere in the file (TYPE_CHECKING blocks skipped).

    ``from package import name`` counts as importing the submodule ``package.name`` when it is
    one, and the package otherwise. ``top_level`` is False for imports inside a function.
    """
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    yield from _walk(tree.body, name, package, known, top_level=True)


def _walk(
    body: list[ast.stmt], name: str, package: str, known: set[str], *, top_level: bool
) -> Iterator[Import]:
    for node in body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            yield from _walk(node.orelse, name, package, known, top_level=top_level)
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "custseg":
                    yield Import(name, alias.name, node.lineno, top_level)
            continue
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            if base.split(".")[0] != "custseg":
                continue
            for alias in node.names:
                full = f"{base}.{alias.name}"
                yield Import(name, full if full in known else base, node.lineno, top_level)
            continue
        # a function body runs when called; a class body runs at import time like the module
        nested = isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        for field in ("body", "orelse", "finalbody", "handlers"):
            children = getattr(node, field, None)
            if isinstance(children, list):
                stmts = [c for c in children if isinstance(c, ast.stmt)]
                for handler in children:
                    if isinstance(handler, ast.ExceptHandler):
                        stmts.extend(handler.body)
                yield from _walk(
                    stmts, name, package, known, top_level=top_level and not nested
                )
