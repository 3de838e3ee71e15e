"""No import cycles among custseg's modules.

Top-level imports (outside TYPE_CHECKING blocks) of every module must form no cycle. Imports
inside functions are counted too for the core (everything but the CLI and the HTTP layer, whose
command and router modules may import one another lazily): a lazy import that closes a cycle
only hides it.
"""

from __future__ import annotations

from collections.abc import Iterable

from _imports import imports, modules

FRONT_ENDS = ("custseg.cli", "custseg.api")


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(start: str) -> None:
        # iterative depth-first search: (node, iterator over its successors)
        work = [(start, iter(sorted(edges.get(start, ()))))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, successors = work[-1]
            advanced = False
            for nxt in successors:
                if nxt not in index:
                    index[nxt] = low[nxt] = len(index)
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(sorted(edges.get(nxt, ())))))
                    advanced = True
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))

    for name in sorted(edges):
        if name not in index:
            visit(name)
    return sorted(found)


def graph(*, lazy: bool, skip: Iterable[str] = ()) -> dict[str, set[str]]:
    """Module -> the custseg modules it imports (``lazy``: imports in functions too)."""
    found = modules()
    known = set(found)
    excluded = tuple(skip)

    def kept(name: str) -> bool:
        return not any(name == s or name.startswith(s + ".") for s in excluded)

    edges: dict[str, set[str]] = {name: set() for name in found if kept(name)}
    for name in edges:
        for item in imports(found[name], known):
            if (item.top_level or lazy) and item.target != name and kept(item.target):
                edges[name].add(item.target)
    return edges


def test_cycles_are_found() -> None:
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": {"e"}}
    assert cycles(edges) == [["a", "b", "c"]]


def test_no_cycle_among_top_level_imports() -> None:
    edges = graph(lazy=False)
    assert len(edges) > 150
    assert cycles(edges) == []


def test_no_cycle_in_the_core_even_through_lazy_imports() -> None:
    assert cycles(graph(lazy=True, skip=FRONT_ENDS)) == []
