"""Parser of the condition language: constructs, precedence, and rejection of hostile input."""

from __future__ import annotations

import pytest

from custseg.errors import ConfigError
from custseg.schemes.expr import (
    MAX_LENGTH,
    MAX_NESTING,
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
    Not,
    Null,
    Number,
    Or,
    String,
    names,
    parse,
)

a, b, c, x = Name("a"), Name("b"), Name("c"), Name("x")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3", Number(3)),
        ("0.25", Number(0.25)),
        ("1e3", Number(1000.0)),
        ("2.5E-2", Number(0.025)),
        ("'广东'", String("广东")),
        ('"double"', String("double")),
        ("'it''s'", String("it's")),
        ("'it\\'s'", String("it's")),
        ('"say ""hi"""', String('say "hi"')),
        ("'back\\\\slash'", String("back\\slash")),
        ("TRUE", Bool(True)),
        ("false", Bool(False)),
        ("Null", Null()),
        ("is_prospect", Name("is_prospect")),
        ("区域", Name("区域")),
        ("_x1", Name("_x1")),
        ("-x", Neg(x)),
        ("x = 1", Compare("=", x, Number(1))),
        ("x == 1", Compare("=", x, Number(1))),
        ("x <> 1", Compare("!=", x, Number(1))),
        ("x != 1", Compare("!=", x, Number(1))),
        ("x < 1", Compare("<", x, Number(1))),
        ("x <= 1", Compare("<=", x, Number(1))),
        ("x > 1", Compare(">", x, Number(1))),
        ("x >= 1", Compare(">=", x, Number(1))),
        ("x between 0.1 and 0.5", Between(x, Number(0.1), Number(0.5))),
        ("x NOT BETWEEN 1 and 2", Between(x, Number(1), Number(2), negated=True)),
        ("x in ('a', 'b')", In(x, (String("a"), String("b")))),
        ("x not in (1)", In(x, (Number(1),), negated=True)),
        ("x is null", IsNull(x)),
        ("x IS NOT NULL", IsNull(x, negated=True)),
        ("coalesce(x, 1)", Call("coalesce", (x, Number(1)))),
        ("COALESCE(x)", Call("coalesce", (x,))),
        ("abs(x)", Call("abs", (x,))),
        ("ln(x)", Call("ln", (x,))),
        ("log10(x)", Call("log10", (x,))),
        ("sqrt(x)", Call("sqrt", (x,))),
        ("least(a, b, c)", Call("least", (a, b, c))),
        ("greatest(a, b)", Call("greatest", (a, b))),
        ("abs", Name("abs")),
    ],
)
def test_parse_builds_each_construct(text: str, expected: object) -> None:
    assert parse(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a or b and c", Or((a, And((b, c))))),
        ("a and b or c", Or((And((a, b)), c))),
        ("a and b and c", And((a, b, c))),
        ("(a and b) and c", And((And((a, b)), c))),
        ("not a and b", And((Not(a), b))),
        ("not a = 1", Not(Compare("=", a, Number(1)))),
        ("not not a", Not(Not(a))),
        ("a + b * c", BinOp("+", a, BinOp("*", b, c))),
        ("(a + b) * c", BinOp("*", BinOp("+", a, b), c)),
        ("a - b - c", BinOp("-", BinOp("-", a, b), c)),
        ("a / b / c", BinOp("/", BinOp("/", a, b), c)),
        ("-a * b", BinOp("*", Neg(a), b)),
        ("a - -b", BinOp("-", a, Neg(b))),
        ("a + 1 > b * 2", Compare(">", BinOp("+", a, Number(1)), BinOp("*", b, Number(2)))),
        (
            "x between a + 1 and b and c",
            And((Between(x, BinOp("+", a, Number(1)), b), c)),
        ),
        ("-2 * x", BinOp("*", Neg(Number(2)), x)),
    ],
)
def test_parse_respects_precedence(text: str, expected: object) -> None:
    assert parse(text) == expected


def test_parse_spec_examples() -> None:
    tree = parse("recency_days <= 2 * gap_mean_days and orders_12m >= 3")
    assert tree == And(
        (
            Compare("<=", Name("recency_days"), BinOp("*", Number(2), Name("gap_mean_days"))),
            Compare(">=", Name("orders_12m"), Number(3)),
        )
    )
    tree = parse("margin is not null and not (discount_share > 0.2)")
    assert tree == And(
        (IsNull(Name("margin"), True), Not(Compare(">", Name("discount_share"), Number(0.2))))
    )


def test_names_lists_referenced_features() -> None:
    tree = parse("coalesce(on_time_share, 1) < 0.8 or r_score between f_score and 5 or 区域 = 'x'")
    assert names(tree) == {"on_time_share", "r_score", "f_score", "区域"}
    assert names(parse("1 < 2")) == set()


def test_whitespace_and_newlines_are_ignored() -> None:
    assert parse("  a\n  and\u3000b\t") == And((a, b))


HOSTILE = [
    "__import__('os').system('x')",
    "os.system",
    "os.system('rm -rf /')",
    "eval(1)",
    "exec('x')",
    "open('f')",
    "getattr(a, 'b')",
    "a.b",
    "a[0]",
    "a; b",
    "1; DROP TABLE x",
    "1 --",
    "a -- comment",
    "a /* c */",
    "x' or '1'='1",
    "x' OR '1'='1'",
    "drop table t",
    "`a`",
    "{}",
    "[]",
    "{'a': 1}",
    "lambda: 1",
    "lambda x: x",
    "a if b else c",
    "a ** 2",
    "a % 2",
    "a & b",
    "a | b",
    "!a",
    "a = 1 # comment",
    "'unterminated",
    "select * from t",
    "a, b",
    "f(x)",
    "sum(x)",
    "x in 1",
    "x in ()",
    "x is 1",
    "a < b < c",
    "a = b = c",
    "x between 1",
    "abs()",
    "abs(1, 2)",
    "least(1)",
    "coalesce()",
    "()",
    "a b",
    "1a",
    "1.5.2",
    ")",
    "a (",
    "not",
    "a and",
    "a = 1e999",
    "a（1）",
    "x = ‘广东’",
    "\\x",
    "$a",
    "@a",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_parse_rejects_hostile_or_invalid_input(text: str) -> None:
    with pytest.raises(ConditionSyntaxError) as info:
        parse(text)
    err = info.value
    assert isinstance(err, ConfigError)
    assert "invalid condition" in err.message
    assert f"column {err.column}" in err.message
    assert err.message.rstrip().endswith("^")
    assert 1 <= err.column <= len(text) + 1


@pytest.mark.parametrize(
    ("text", "column", "pattern"),
    [
        ("__import__('os')", 1, r"unknown function '__import__'; allowed functions are abs,"),
        ("eval(1)", 1, r"unknown function 'eval'"),
        ("os.system", 3, r"attribute access"),
        ("a; b", 2, r"';' is not allowed"),
        ("1 --", 3, r"comments"),
        ("x' or '1'='1", 2, r"expected 'and', 'or', an operator or the end"),
        ("a[0]", 2, r"indexing"),
        ("`a`", 1, r"backticks"),
        ("a +", 4, r"expected a feature name, a number.*got the end of the condition"),
        ("a < b < c", 7, r"cannot be chained"),
        ("x is 1", 6, r"expected 'null' after 'is'"),
        ("abs(1, 2)", 1, r"abs\(\) takes 1 argument, got 2"),
        ("least(1)", 1, r"least\(\) takes at least 2 arguments, got 1"),
        ("'abc", 1, r"unterminated string"),
        ("x between 1", 12, r"expected 'and' between the bounds"),
    ],
)
def test_syntax_error_points_at_the_problem(text: str, column: int, pattern: str) -> None:
    with pytest.raises(ConditionSyntaxError, match=pattern) as info:
        parse(text)
    assert info.value.column == column
    lines = info.value.message.splitlines()
    assert lines[-2] == f"  {text}"
    assert lines[-1] == "  " + " " * (column - 1) + "^"


def test_syntax_error_caret_accounts_for_wide_characters() -> None:
    with pytest.raises(ConditionSyntaxError) as info:
        parse("区域 = ;")
    assert info.value.column == 6
    assert info.value.message.splitlines()[-1] == "  " + " " * 7 + "^"


def test_syntax_error_names_line_in_multiline_text() -> None:
    with pytest.raises(ConditionSyntaxError, match=r"line 2, column 5") as info:
        parse("a = 1\nand ;")
    assert info.value.message.splitlines()[-2] == "  and ;"


def test_syntax_error_says_where() -> None:
    with pytest.raises(ConditionSyntaxError, match=r"in schemes\.life\.rules\[0\]\.when") as info:
        parse("a ==", where="schemes.life.rules[0].when")
    assert info.value.key_path == "schemes.life.rules[0].when"


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_parse_rejects_empty_text(text: str) -> None:
    with pytest.raises(ConditionSyntaxError, match="condition is empty"):
        parse(text)


def test_parse_limits_length() -> None:
    long_text = " or ".join(["a"] * 600)
    assert len(long_text) > MAX_LENGTH
    with pytest.raises(ConditionSyntaxError, match=rf"the limit is {MAX_LENGTH}"):
        parse(long_text)


def test_parse_limits_nesting() -> None:
    ok = "(" * MAX_NESTING + "a" + ")" * MAX_NESTING
    assert parse(ok) == a
    deep = "(" * (MAX_NESTING + 1) + "a" + ")" * (MAX_NESTING + 1)
    with pytest.raises(ConditionSyntaxError, match=r"nested more than 50 levels"):
        parse(deep)
    with pytest.raises(ConditionSyntaxError, match=r"nested more than 50 levels"):
        parse("not " * 60 + "a")
    with pytest.raises(ConditionSyntaxError, match=r"nested more than 50 levels"):
        parse("- " * 60 + "a")


def test_parse_limits_tree_depth() -> None:
    with pytest.raises(ConditionSyntaxError, match=r"too complex"):
        parse(" + ".join(["a"] * 300) + " > 0")


def test_keywords_cannot_be_names() -> None:
    with pytest.raises(ValueError, match="not a valid feature name"):
        Name("and")
    with pytest.raises(ConditionSyntaxError):
        parse("in = 1")
