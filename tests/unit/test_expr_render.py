"""Rendering of condition trees: canonical text and the parse/render round trip."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from custseg.schemes.expr import (
    FUNCTIONS,
    And,
    Between,
    BinOp,
    Bool,
    Call,
    Compare,
    ConditionSyntaxError,
    In,
    IsNull,
    Name,
    Neg,
    Node,
    Not,
    Null,
    Number,
    Or,
    String,
    parse,
    render,
)
from custseg.schemes.expr.ast import depth, is_identifier

a, b, c = Name("a"), Name("b"), Name("c")


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("A == 1", "A = 1"),
        ("a <> 'x'", "a != 'x'"),
        ('a = "it\'s"', "a = 'it''s'"),
        ("a = 'back\\\\slash'", "a = 'back\\\\slash'"),
        ("a IS NOT NULL AND NOT (b > 0.2)", "a is not null and not b > 0.2"),
        ("(a or b) and c", "(a or b) and c"),
        ("a or (b and c)", "a or b and c"),
        ("(a and b) and c", "(a and b) and c"),
        ("a - (b - c)", "a - (b - c)"),
        ("(a - b) - c", "a - b - c"),
        ("-(a + b)", "-(a + b)"),
        ("- -a", "-(-a)"),
        ("a - -1", "a - -1"),
        ("x NOT IN (1,2.5, 1e3)", "x not in (1, 2.5, 1000.0)"),
        ("x between a+1 and (b or c)", "x between a + 1 and (b or c)"),
        ("COALESCE(x,1)<0.8", "coalesce(x, 1) < 0.8"),
        ("not (a = 1)", "not a = 1"),
        ("(a = 1) = true", "(a = 1) = true"),
        ("(not a) = b", "(not a) = b"),
        ("x in (a or b)", "x in (a or b)"),
        ("1e20", "1e+20"),
    ],
)
def test_render_is_canonical(text: str, canonical: str) -> None:
    tree = parse(text)
    assert render(tree) == canonical
    assert parse(canonical) == tree


def test_number_rejects_negatives_and_non_finite() -> None:
    for bad in (-1, -0.0, float("nan"), float("inf")):
        with pytest.raises(ValueError):
            Number(bad)
    with pytest.raises(TypeError):
        Number(True)


_identifiers = st.from_regex(
    r"[A-Za-z_\u4e00-\u9fa5][A-Za-z0-9_\u4e00-\u9fa5]{0,6}", fullmatch=True
)
_numbers = st.one_of(
    st.integers(min_value=0, max_value=2**63 - 1),  # the largest integer literal (tokens.MAX_INTEGER)
    st.floats(min_value=0.0, allow_nan=False, allow_infinity=False),
)
_leaves: st.SearchStrategy[Node] = st.one_of(
    _numbers.filter(lambda v: str(v)[0] != "-").map(Number),
    st.text(max_size=8).map(String),
    st.booleans().map(Bool),
    st.just(Null()),
    _identifiers.filter(is_identifier).map(Name),
)


def _calls(children: st.SearchStrategy[Node]) -> st.SearchStrategy[Node]:
    def build(func: str) -> st.SearchStrategy[Node]:
        low, high = FUNCTIONS[func]
        args = st.lists(children, min_size=low, max_size=high if high is not None else low + 2)
        return args.map(lambda xs: Call(func, tuple(xs)))

    return st.sampled_from(sorted(FUNCTIONS)).flatmap(build)


def _extend(children: st.SearchStrategy[Node]) -> st.SearchStrategy[Node]:
    several = st.lists(children, min_size=2, max_size=3).map(tuple)
    return st.one_of(
        children.map(Neg),
        children.map(Not),
        st.builds(BinOp, st.sampled_from(["+", "-", "*", "/"]), children, children),
        st.builds(Compare, st.sampled_from(["=", "!=", "<", "<=", ">", ">="]), children, children),
        several.map(And),
        several.map(Or),
        st.builds(Between, children, children, children, st.booleans()),
        st.builds(
            In, children, st.lists(children, min_size=1, max_size=3).map(tuple), st.booleans()
        ),
        st.builds(IsNull, children, st.booleans()),
        _calls(children),
    )


trees = st.recursive(_leaves, _extend, max_leaves=16).filter(lambda n: depth(n) <= 15)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(trees)
def test_parse_render_round_trip(tree: Node) -> None:
    text = render(tree)
    assert parse(text) == tree
    assert render(parse(text)) == text


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab1 .'\"()=<>!-+*/,;_xin广")), max_size=30))
def test_parse_either_succeeds_or_raises_syntax_error(text: str) -> None:
    try:
        tree = parse(text)
    except ConditionSyntaxError:
        return
    assert parse(render(tree)) == tree


def test_public_api_is_sorted_and_importable() -> None:
    import custseg.schemes.expr as expr

    assert expr.__all__ == sorted(expr.__all__)
    assert all(hasattr(expr, name) for name in expr.__all__)
