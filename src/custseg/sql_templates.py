"""SQL compiled once per expression shape and rendered with each run's values (a series).

The runs of a series build the same Ibis expressions every period but for their values: the
quantile cuts and model parameters (float literals), the snapshot id and class labels (string
literals), the dates (date literals) and the snapshot's table names. Compiling an expression
(Ibis's rewrites, then sqlglot's rendering) costs far more CPU than DuckDB's work on small data.

:class:`SqlTemplates` keys each expression by its *shape*: the expression graph with those
values left out (every other literal, every column name, type and operation stays in the key).
The first expression of a shape is compiled once with a unique placeholder value in place of
each left-out value (a placeholder per distinct literal node, of the same type and sign); later
expressions of that shape take the compiled text with each placeholder's text replaced by the
SQL of their own value, which is what the compiler writes for that literal wherever it stands
(``visit_Literal`` does not look at its surroundings). Two expressions share a template only if
their graphs are equal once the left-out values are swapped for placeholders in the same order
(breadth-first from the root), so each value lands where the compiler would have put it; the
tests compare the rendered text with a direct compile of every expression of a series.

Left out, and so shared: finite float literals, string literals, date literals, the names of
database tables. Kept in the key (a change is a new shape, compiled afresh): integers (the
compiler reads some of them: slice bounds, ``nth``), booleans, nulls, non-finite floats and
every other type. On DuckDB only; :func:`compiled_once` routes the backend's compiles through
the templates while a series runs.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any

import ibis
import ibis.expr.operations as ops
import ibis.expr.types as ir
from ibis.backends import BaseBackend
from ibis.common.graph import Graph, Node

_NAME = re.compile(r"[A-Za-z0-9_]+")
_FLOAT_TOKEN = "float"
_STRING_TOKEN = "string"
_DATE_TOKEN = "date"
_TABLE_TOKEN = "table"


def _hole(node: Node) -> tuple[str, Any] | None:
    """Which kind of left-out value ``node`` is (and what of it the key keeps); None: kept."""
    if isinstance(node, ops.Literal):
        value, dtype = node.value, node.dtype
        if value is None:
            return None
        if dtype.is_floating() and isinstance(value, float) and math.isfinite(value):
            return _FLOAT_TOKEN, (dtype, math.copysign(1.0, value) < 0)
        if dtype.is_string() and isinstance(value, str):
            return _STRING_TOKEN, dtype
        if dtype.is_date() and type(value) is date:
            return _DATE_TOKEN, dtype
        return None
    if isinstance(node, ops.DatabaseTable | ops.InMemoryTable) and _NAME.fullmatch(node.name):
        return _TABLE_TOKEN, None
    return None


def _placeholder(node: Node, kind: str, index: int) -> Node:
    """The node with its left-out value replaced by placeholder number ``index``."""
    if kind == _TABLE_TOKEN:
        return node.copy(name=f"__custseg_table_{index}__")
    literal: ops.Literal = node  # type: ignore[assignment]
    if kind == _FLOAT_TOKEN:
        magnitude = float(f"1.{index:06d}123456789e-250")
        value: Any = -magnitude if math.copysign(1.0, literal.value) < 0 else magnitude
    elif kind == _STRING_TOKEN:
        value = f"__custseg_value_{index}__"
    else:
        value = date(1001, 1, 1) + timedelta(days=index)
    return ops.Literal(value, literal.dtype)


def _flat(value: Any, index: dict[Node, int]) -> Any:
    """``value`` (an argument of a node) with every node replaced by its position."""
    if isinstance(value, Node):
        return index[value]
    if isinstance(value, dict):  # FrozenOrderedDict: its order is part of the expression
        return ("dict", tuple((k, _flat(v, index)) for k, v in value.items()))
    if isinstance(value, tuple | list | frozenset):
        return (type(value).__name__, tuple(_flat(v, index) for v in value))
    return value


def _table_key(node: Node, index: dict[Node, int]) -> Any:
    """What the key keeps of a table: all but its name (and an in-memory table's rows, which
    are handed to the engine under that name before the query runs); () for a literal."""
    if isinstance(node, ops.InMemoryTable):
        return (node.schema,)
    if isinstance(node, ops.DatabaseTable):
        return tuple(_flat(a, index) for n, a in zip(node.__argnames__, node.__args__, strict=True)
                     if n != "name")
    return ()


_EXCLUDE = re.compile(r'EXCLUDE \(("[^"]*"(?:, "[^"]*")*)\)')


def _canonical(sql: str) -> str:
    """``sql`` with the columns of each ``EXCLUDE (...)`` in sorted order.

    Ibis writes the columns a ``drop`` removes in the order a set of column nodes iterates,
    which two equal sets of different nodes need not share: the same query either way.
    """
    return _EXCLUDE.sub(lambda m: f"EXCLUDE ({', '.join(sorted(m.group(1).split(', ')))})", sql)


def _union_parts(node: Node) -> list[Node]:
    """The inputs of a chain of ``UNION ALL`` (``ibis.union(..., distinct=False)``), in order."""
    if isinstance(node, ops.Union) and not node.distinct:
        return [*_union_parts(node.left), *_union_parts(node.right)]
    return [node]


class _Template:
    """A shape's compiled SQL: its text and how to find each placeholder in it."""

    def __init__(self, sql: str, texts: list[str]) -> None:
        self.sql = sql
        self.texts = texts
        self.pattern = re.compile(
            "|".join(re.escape(t) for t in sorted(set(texts), key=len, reverse=True))
        )


class SqlTemplates:
    """Compiled SQL kept per expression shape for the runs of a series (DuckDB)."""

    def __init__(self, con: BaseBackend, *, check: bool = False) -> None:
        """``check``: also compile every expression directly and fail if the texts differ
        (for the tests)."""
        self._con = con
        self._templates: dict[tuple[Any, ...], _Template | None] = {}
        self._check = check
        self._texts: dict[Node, str] = {}
        self.compiled = 0
        """Shapes compiled (a template each, or none when its placeholders could not be told
        apart in its text: such a shape is compiled directly every time)."""
        self.rendered = 0
        """Expressions whose SQL was rendered from a template."""

    def sql(self, expr: ir.Expr, compile_directly: Any) -> str:
        """The SQL of ``expr`` (a table expression); ``compile_directly(expr)`` compiles it."""
        root = expr.op()
        parts = _union_parts(root)
        if len(parts) > 1:
            # Each input on its own: the schemes' assignments are one UNION ALL whose inputs
            # change shape apart (a cluster scheme's clusters), and a shape shared by all of
            # them would be compiled afresh whenever one changes.
            return " UNION ALL ".join(
                f"({self.sql(part.to_expr(), compile_directly)})" for part in parts
            )
        graph = Graph.from_bfs(root)
        index: dict[Node, int] = {}
        holes: list[tuple[Node, str]] = []
        key: list[Any] = []
        for position, node in enumerate(graph):
            index[node] = position
        for node in graph:
            hole = _hole(node)
            if hole is not None:
                holes.append((node, hole[0]))
                key.append((type(node), hole, _table_key(node, index)))
            else:
                key.append((type(node), tuple(_flat(a, index) for a in node.__args__)))
        shape = tuple(key)
        template = self._templates.get(shape, False)
        if template is False:
            template = self._compile(root, holes, compile_directly)
            self._templates[shape] = template
        if template is None:  # a shape whose placeholders could not be found in its text
            return str(compile_directly(expr))
        texts = [self._text(node, kind) for node, kind in holes]
        swaps = dict(zip(template.texts, texts, strict=True))
        sql = template.pattern.sub(lambda m: swaps[m.group(0)], template.sql) if swaps else (
            template.sql
        )
        self.rendered += 1
        if self._check:
            direct = compile_directly(expr)
            if _canonical(direct) != _canonical(sql):
                raise AssertionError(f"rendered SQL differs from its compile:\n{sql}\n{direct}")
        return sql

    def _compile(
        self, root: Node, holes: list[tuple[Node, str]], compile_directly: Any
    ) -> _Template | None:
        """The shape's template; None if some placeholder's text is missing from the compiled
        text or found inside another's."""
        self.compiled += 1
        replaced = {
            node: _placeholder(node, kind, i) for i, (node, kind) in enumerate(holes)
        }
        try:
            shaped = root.replace(replaced) if replaced else root
        except Exception:  # noqa: BLE001  a placeholder an operation refuses: no template
            return None
        sql = str(compile_directly(shaped.to_expr()))
        texts = [self._text(replaced[node], kind) for node, kind in holes]
        if len(set(texts)) != len(texts):
            return None
        for text in texts:
            # found in the compiled text, and alone: not inside another placeholder's text
            if text not in sql or any(t != text and text in t for t in texts):
                return None
        return _Template(sql, texts)

    def _text(self, node: Node, kind: str) -> str:
        """How the compiler writes ``node``'s value (a literal, or a table's bare name)."""
        if kind == _TABLE_TOKEN:
            return str(node.name)  # type: ignore[attr-defined]
        known = self._texts.get(node)
        if known is not None:
            return known
        compiler = self._con.compiler  # type: ignore[attr-defined]
        literal: ops.Literal = node  # type: ignore[assignment]
        expr = compiler.visit_Literal(literal, value=literal.value, dtype=literal.dtype)
        text = str(expr.sql(dialect=compiler.dialect))
        if literal.value != 0:  # 0.0 and -0.0 are equal nodes, written apart
            self._texts[node] = text
        return text


@contextmanager
def compiled_once(con: BaseBackend, templates: SqlTemplates) -> Iterator[None]:
    """While open, the backend's compiles of whole expressions go through ``templates``.

    Ibis's ``to_pyarrow``/``execute`` and :func:`custseg.engine.create_table_from` compile with
    ``con.compile``; that method is swapped on this connection object alone for one that
    renders a template (a compile with a row limit or parameters is left as it was; ``execute``'s
    ``"default"`` limit is Ibis's default, none unless set).
    """
    if con.name != "duckdb":
        yield
        return
    original = type(con).compile.__get__(con)  # the backend's own, whatever encloses this

    def compile(  # noqa: A001  the backend's method name
        expr: ir.Expr,
        /,
        *,
        limit: Any = None,
        params: Any = None,
        pretty: bool = False,
        **kwargs: Any,
    ) -> str:
        if limit == "default":  # what ``execute`` asks for: Ibis's default row limit
            limit = ibis.options.sql.default_limit
        if limit is not None or params or pretty or kwargs:
            return str(original(expr, limit=limit, params=params, pretty=pretty, **kwargs))
        return templates.sql(expr.as_table(), lambda e: original(e))

    own = vars(con).get("compile")  # set by an enclosing compiled_once, if any
    con.compile = compile  # type: ignore[method-assign]
    try:
        yield
    finally:
        if own is None:
            del con.compile
        else:
            con.compile = own  # type: ignore[method-assign]
