"""Static checks of ``rules`` schemes: rules that can never match, classes that can never be given.

A rule is *shadowed* when every customer it matches is matched by an earlier rule (first match
wins). The check is sound but incomplete: each condition is read as a conjunction of
single-feature constraints (intervals from ``< <= > >= = between``, value sets from ``= in`` and
bare boolean features, ``is not null``) plus opaque conjuncts compared by their canonical text.
Rule *j* is reported shadowed by an earlier rule *i* when every constraint of *i* is implied by
a constraint of *j* on the same feature and every opaque conjunct of *i* is also one of *j*. So
``r_score >= 4`` before ``r_score >= 5 and f_score >= 4`` is reported; a rule covered only by the
union of several earlier rules is not.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from custseg.i18n import Message
from custseg.schemes.config_kinds import RulesScheme
from custseg.schemes.expr import (
    And,
    Between,
    Bool,
    Compare,
    In,
    IsNull,
    Name,
    Neg,
    Node,
    Not,
    Number,
    String,
    parse,
    render,
)

_FLIP = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "=": "="}


@dataclass(frozen=True)
class Interval:
    """A numeric interval; bounds may be infinite."""

    lo: float = -math.inf
    hi: float = math.inf
    lo_closed: bool = False
    hi_closed: bool = False

    def is_empty(self) -> bool:
        """No number lies in the interval."""
        return self.lo > self.hi or (self.lo == self.hi and not (self.lo_closed and self.hi_closed))

    def within(self, other: Interval) -> bool:
        """Every number of ``self`` is in ``other``."""
        low_ok = self.lo > other.lo or (
            self.lo == other.lo and (other.lo_closed or not self.lo_closed)
        )
        high_ok = self.hi < other.hi or (
            self.hi == other.hi and (other.hi_closed or not self.hi_closed)
        )
        return self.is_empty() or (low_ok and high_ok)

    def meet(self, other: Interval) -> Interval:
        """The intersection."""
        lo, lo_c = max((self.lo, not self.lo_closed), (other.lo, not other.lo_closed))
        hi, hi_c = min((self.hi, self.hi_closed), (other.hi, other.hi_closed))
        return Interval(lo, hi, not lo_c, hi_c)

    def contains(self, value: float) -> bool:
        """``value`` lies in the interval."""
        return Interval(value, value, True, True).within(self)


NOT_NULL = Interval()  # stands for "any non-null value" when used on its own (see _within)
Constraint = Interval | frozenset[object]


@dataclass
class Conjunction:
    """A condition read as ``feature constraints AND opaque conjuncts``."""

    constraints: dict[str, Constraint] = field(default_factory=dict)
    opaque: set[str] = field(default_factory=set)
    never: bool = False

    def add(self, feature: str, constraint: Constraint) -> None:
        """Intersect ``constraint`` into the feature's constraint."""
        old = self.constraints.get(feature)
        new = constraint if old is None else _meet(old, constraint)
        if new is None:
            self.opaque.add(f"{feature}:{constraint!r}")
            return
        self.constraints[feature] = new
        if (isinstance(new, Interval) and new.is_empty()) or new == frozenset():
            self.never = True

    def implies(self, other: Conjunction) -> bool:
        """Every customer matching ``self`` matches ``other`` (sound, incomplete)."""
        if other.never:
            return self.never
        if not other.opaque <= self.opaque:
            return False
        for feature, wanted in other.constraints.items():
            have = self.constraints.get(feature)
            if have is None or not _within(have, wanted):
                return False
        return True


def read(node: Node) -> Conjunction:
    """Read a parsed condition as a :class:`Conjunction`."""
    out = Conjunction()
    for term in _conjuncts(node):
        found = _constraint(term)
        if found is None:
            if term == Bool(False):
                out.never = True
            elif term != Bool(True):
                out.opaque.add(render(term))
        else:
            out.add(*found)
    return out


def rule_warnings(scheme: RulesScheme) -> list[Message]:
    """Shadowed / never-matching rules and classes no rule can give, as messages."""
    read_rules = [read(parse(r.when)) for r in scheme.rules]
    live: set[str] = set()
    notes: list[Message] = []
    default_reachable = True
    for j, (rule, conj) in enumerate(zip(scheme.rules, read_rules, strict=True)):
        this = {"scheme": scheme.name, "rule": j, "when": rule.when, "cls": rule.class_}
        if conj.never:
            notes.append(Message("schemes_d_rule_never", this))
            continue
        earlier = next(
            (i for i in range(j) if conj.implies(read_rules[i]) and not read_rules[i].never), None
        )
        if earlier is not None:
            first = scheme.rules[earlier]
            notes.append(
                Message(
                    "schemes_d_rule_shadowed",
                    {
                        **this,
                        "earlier": earlier,
                        "earlier_when": first.when,
                        "earlier_cls": first.class_,
                    },
                )
            )
            continue
        live.add(rule.class_)
        if not conj.constraints and not conj.opaque:
            default_reachable = False
    if default_reachable:
        live.add(scheme.default)
    key = "schemes_d_class_unreachable" if default_reachable else "schemes_d_class_unreachable_all"
    notes += [
        Message(key, {"scheme": scheme.name, "cls": cls})
        for cls in scheme.class_keys
        if cls not in live
    ]
    return notes


def _conjuncts(node: Node) -> list[Node]:
    if isinstance(node, And):
        return [t for op in node.operands for t in _conjuncts(op)]
    return [node]


def _number(node: Node) -> float | None:
    if isinstance(node, Number):
        return float(node.value)
    if isinstance(node, Neg) and isinstance(node.operand, Number):
        return -float(node.operand.value)
    return None


def _literal(node: Node) -> object | None:
    number = _number(node)
    if number is not None:
        return number
    if isinstance(node, String | Bool):
        return node.value
    return None


def _constraint(node: Node) -> tuple[str, Constraint] | None:
    match node:
        case Name(name):
            return name, frozenset({True})
        case Not(Name(name)):
            return name, frozenset({False})
        case IsNull(Name(name), negated=True):
            return name, NOT_NULL
        case Compare(op, Name(name), right) if op in _FLIP:
            return _compare(name, op, right)
        case Compare(op, left, Name(name)) if op in _FLIP:
            return _compare(name, _FLIP[op], left)
        case Between(Name(name), low, high, negated=False):
            lo, hi = _number(low), _number(high)
            if lo is not None and hi is not None:
                return name, Interval(lo, hi, True, True)
        case In(Name(name), options, negated=False):
            values = [_literal(o) for o in options]
            if all(v is not None for v in values):
                return name, frozenset(values)
    return None


def _compare(name: str, op: str, other: Node) -> tuple[str, Constraint] | None:
    value = _number(other)
    if value is None:
        literal = _literal(other)
        return (name, frozenset({literal})) if op == "=" and literal is not None else None
    bounds = {
        "<": Interval(hi=value),
        "<=": Interval(hi=value, hi_closed=True),
        ">": Interval(lo=value),
        ">=": Interval(lo=value, lo_closed=True),
        "=": Interval(value, value, True, True),
    }
    return name, bounds[op]


def _within(have: Constraint, wanted: Constraint) -> bool:
    if wanted is NOT_NULL:
        return True  # every constraint implies a non-null value
    if have is NOT_NULL:
        return False
    if isinstance(have, frozenset):
        if isinstance(wanted, frozenset):
            return have <= wanted
        return all(isinstance(v, float) and wanted.contains(v) for v in have)
    if isinstance(wanted, frozenset):
        return have.lo == have.hi and have.lo_closed and have.hi_closed and have.lo in wanted
    return have.within(wanted)


def _meet(a: Constraint, b: Constraint) -> Constraint | None:
    if a is NOT_NULL:
        return b
    if b is NOT_NULL:
        return a
    if isinstance(a, Interval) and isinstance(b, Interval):
        return a.meet(b)
    if isinstance(a, frozenset) and isinstance(b, frozenset):
        return a & b
    values, interval = (a, b) if isinstance(a, frozenset) else (b, a)
    assert isinstance(values, frozenset) and isinstance(interval, Interval)
    if all(isinstance(v, float) for v in values):
        return frozenset(v for v in values if interval.contains(v))  # type: ignore[arg-type]
    return None
