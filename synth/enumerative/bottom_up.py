"""Bottom-up enumeration of Python expressions, pruned by what they compute on the example inputs."""
from __future__ import annotations

import time
from dataclasses import dataclass

from seidr.synth.enumerative.spec import Spec
from seidr.synth.variations import RAISES

# Templates: {0}, {1}, {2} are children; "a" marks a child that gets parentheses when it binds more loosely
# than the template needs (``_needs_parens``).
# A last number in an entry is the template's own size where it reads as two steps (default 1).
UNARY = [
    ("len({0})", (list, str, tuple, dict)), ("sum({0})", (list,)), ("min({0})", (list, str)),
    ("max({0})", (list, str)), ("sorted({0})", (list, str)), ("abs({0})", (int, float)),
    ("-{0a}", (int, float)), ("not {0a}", (bool,)), ("{0a}.lower()", (str,)), ("{0a}.upper()", (str,)),
    ("{0a}.strip()", (str,)), ("{0a}[::-1]", (str, list)), ("{0a}[0]", (str, list)), ("{0a}[-1]", (str, list)),
    ("{0a}[1:]", (str, list)), ("{0a}[:-1]", (str, list)), ("str({0})", (int,)), ("int({0})", (str, float)),
    ("{0a}.split()", (str,)), ("{0a}.title()", (str,)), ("{0a}.capitalize()", (str,)), ("any({0})", (list,)),
    ("all({0})", (list,)), ("list(range({0}))", (int,), 2), ("set({0})", (list, str)), ("sorted(set({0}))", (list, str), 2),
    ("{0a}.isdigit()", (str,)), ("{0a}.isupper()", (str,)), ("{0a}.isalpha()", (str,)), ("list({0})", (str,)),
    ("bool({0})", (int, str, list), 2), ("float({0})", (int,), 2), ("{0a} ** 2", (int, float)),
]
NUM = (int, float)
SEQ = (str, list)
BINARY = [
    ("{0a} + {1a}", NUM + SEQ, "same"), ("{0a} - {1a}", NUM, "same"), ("{0a} * {1a}", NUM, "same"),
    ("{0a} * {1a}", SEQ, int), ("{0a} // {1a}", NUM, "same"), ("{0a} % {1a}", (int,), "same"),
    ("{0a} / {1a}", NUM, "same"),
    ("{0a} == {1a}", None, "same"), ("{0a} != {1a}", None, "same"), ("{0a} < {1a}", NUM + (str,), "same"),
    ("{0a} <= {1a}", NUM, "same"), ("{0a} > {1a}", NUM, "same"), ("{0a} >= {1a}", NUM, "same"),
    ("{0a} and {1a}", (bool,), "same"), ("{0a} or {1a}", (bool,), "same"),
    ("{0a}.count({1})", SEQ, "any"), ("{1a} in {0a}", SEQ + (dict,), "any"), ("{0a}[{1}]", SEQ, int),
    ("{0a}[:{1}]", SEQ, int), ("{0a}[{1}:]", SEQ, int), ("max({0}, {1})", NUM, "same"),
    ("min({0}, {1})", NUM, "same"), ("{0a}.startswith({1})", (str,), "same"), ("{0a}.endswith({1})", (str,), "same"),
    ("{1a}.join({0})", (list,), str), ("{0a}.split({1})", (str,), "same"), ("{0a}.index({1})", SEQ, "any"),
    ("round({0}, {1})", (float,), int, 2), ("{0a}[::{1}]", SEQ, int, 2), ("list(range({0}, {1}))", (int,), "same", 2),
]
TERNARY = [("{1a} if {0} else {2a}", (bool,)), ("{0a}.replace({1}, {2})", (str,)), ("{0a}[{1}:{2}]", SEQ)]
_ATOM_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")


@dataclass(frozen=True)
class Expr:
    source: str
    prec: int  # how tightly it binds, as Python's operator precedence (higher binds tighter)
    size: int
    values: tuple
    kind: type
    consts: int = 0  # literal leaves: fewer is a more general program
    names: frozenset = frozenset()  # the parameters (or the loop variable) it reads


class Budget(Exception):
    """The time or program budget ran out."""


# Once one program fits, the rest of its size is searched for a more general one of the same size, up to
# this many more programs.
SAME_SIZE_LOOK = 300_000


def preference(expr: Expr) -> tuple:
    """Among programs of one size that fit: fewer literals, then more of the parameters used."""
    return (expr.consts, -len(expr.names))


class Bank:
    """Expressions by size, one per distinct behaviour on the inputs (observational equivalence), and the
    programs that fit the examples."""

    def __init__(self, envs, deadline: float, max_programs: int | None):
        self.envs, self.deadline, self.max_programs = envs, deadline, max_programs
        self.by_size: dict[int, list[Expr]] = {}
        self.seen: set = set()
        self.examined = 0
        self.hits: list[Expr] = []
        self.hit_at = 0

    def _tick(self):
        self.examined += 1
        if self.max_programs is not None and self.examined >= self.max_programs:
            raise Budget("program budget")
        if self.hits and self.examined - self.hit_at >= SAME_SIZE_LOOK:
            raise Budget("enough looked at")
        if self.examined % 256 == 0 and time.monotonic() > self.deadline:
            raise Budget("time budget")

    def hit(self, expr: Expr) -> None:
        if not self.hits:
            self.hit_at = self.examined
        self.hits.append(expr)

    def best_hit(self) -> Expr | None:
        return min(self.hits, key=lambda e: (e.size, preference(e))) if self.hits else None

    def add(self, expr: Expr) -> Expr | None:
        key = tuple((type(v).__name__, repr(v)) for v in expr.values)
        if key in self.seen:
            return None
        self.seen.add(key)
        self.by_size.setdefault(expr.size, []).append(expr)
        return expr

    def of(self, size: int) -> list[Expr]:
        return self.by_size.get(size, [])


def _kind(values: tuple):
    kinds = {type(v) for v in values}
    if len(kinds) != 1:
        return None
    kind = kinds.pop()
    if kind not in (int, float, bool, str, list, tuple, dict):
        return None
    if kind is list and any(len(v) > 1000 for v in values) or kind is str and any(len(v) > 1000 for v in values):
        return None
    if kind is int and any(abs(v) > 10**12 for v in values):
        return None
    return kind


# Python's precedence, loosest first: conditional, or, and, not, comparisons, + -, * / // %, unary -, **.
ATOM = 16
_BINARY_PREC = {" or ": 2, " and ": 3, " == ": 5, " != ": 5, " < ": 5, " <= ": 5, " > ": 5, " >= ": 5,
                " in ": 5, " + ": 10, " - ": 10, " * ": 11, " // ": 11, " % ": 11, " / ": 11, " ** ": 14}


def precedence(template: str) -> int:
    """How tightly the expression a template makes binds."""
    if " if " in template:
        return 1
    if template.startswith("not "):
        return 4
    if template.startswith("-{"):
        return 12
    for op, prec in _BINARY_PREC.items():
        if template.startswith("{") and op in template and template.count("{") <= 2:
            return prec
    return ATOM


def _needs_parens(template: str, index: int, kid: Expr) -> bool:
    prec = precedence(template)
    if prec == ATOM:  # a call's receiver, a subscripted value: only an atom goes bare
        return kid.prec < ATOM
    if prec in (1, 4, 12):  # conditional branches, `not x`, `-x`
        return kid.prec <= prec if prec == 1 else kid.prec < prec
    if prec == 5:  # comparisons chain: `a < b == c` means something else
        return kid.prec <= prec
    left = template.startswith("{%da}" % index)
    if prec == 14:  # ** groups to the right
        return kid.prec <= prec if left else kid.prec < prec
    return kid.prec < prec if left else kid.prec <= prec


def _render(template: str, kids: list[Expr]) -> str:
    out = template
    for i, kid in enumerate(kids):
        out = out.replace("{%da}" % i, f"({kid.source})" if _needs_parens(template, i, kid) else kid.source)
        out = out.replace("{%d}" % i, kid.source)
    return out


def _leaf_precedence(source: str) -> int:
    return 12 if source.startswith("-") else ATOM


def _apply(bank: Bank, template: str, kids: list[Expr], size: int, goal, consts: int = 0,
           names: frozenset = frozenset()) -> Expr | None:
    """Evaluates ``template`` over ``kids`` on every input; records it when it fits the examples and adds
    it to the bank when it computes something new. ``consts`` and ``names`` describe a leaf (no kids)."""
    bank._tick()
    if kids:
        consts = sum(k.consts for k in kids)
        names = frozenset().union(*(k.names for k in kids))
        if not names:
            return None  # a constant computed from constants: the seeds hold the ones worth having
    if template == "{0a} * {1a}" and kids[0].kind in SEQ and any(abs(n) > 1000 for n in kids[1].values):
        return None  # a huge repeated sequence costs time and never fits a doctest
    source = _render(template, kids)
    try:
        code = compile(source, "<enum>", "eval")
    except SyntaxError:  # e.g. a method call on an int literal
        return None
    try:
        values = tuple(eval(code, {"__builtins__": _BUILTINS}, env) for env in bank.envs)
    except Exception:
        return None
    kind = _kind(values)
    if kind is None:
        return None
    prec = precedence(template) if kids else _leaf_precedence(source)
    expr = Expr(source, prec, size, values, kind, consts, names)
    if goal is not None and goal(expr):
        bank.hit(expr)
    return bank.add(expr)


def _small_range(*args):
    """``range`` that refuses sizes no doctest shows, so a stray ``range(year)`` stays cheap."""
    r = range(*args)
    if len(r) > 10000:
        raise OverflowError("range too long")
    return r


_BUILTINS = {n: __builtins__[n] if isinstance(__builtins__, dict) else getattr(__builtins__, n)
             for n in ("len", "sum", "min", "max", "sorted", "abs", "str", "int", "float", "any", "all", "range",
                       "list", "set", "bool", "round")} | {"range": _small_range}


def _fits(kind, kinds) -> bool:
    return kinds is None or kind in kinds


_SYMMETRIC = {"{0a} == {1a}", "{0a} != {1a}", "{0a} and {1a}", "{0a} or {1a}", "max({0}, {1})", "min({0}, {1})"}


def _symmetric(template: str, a: Expr) -> bool:
    return template in _SYMMETRIC or template in ("{0a} + {1a}", "{0a} * {1a}") and a.kind in NUM


def _entry(item: tuple, arity: int) -> tuple:
    """A template entry with its own size filled in."""
    return item if len(item) > arity else item + (1,)


def grow(bank: Bank, size: int, goal=None) -> None:
    """Adds every distinct expression of exactly ``size`` nodes built from smaller ones."""
    for template, kinds, own in (_entry(u, 2) for u in UNARY):
        for a in list(bank.of(size - own)):
            if _fits(a.kind, kinds):
                _apply(bank, template, [a], size, goal)
    for template, kinds, other, own in (_entry(b, 3) for b in BINARY):
        for sa in range(1, size - own):
            for a in list(bank.of(sa)):
                if not _fits(a.kind, kinds):
                    continue
                for b in list(bank.of(size - own - sa)):
                    if other == "same" and b.kind is not a.kind and not (a.kind in NUM and b.kind in NUM):
                        continue
                    if isinstance(other, type) and b.kind is not other:
                        continue
                    if not a.names and b.names and _symmetric(template, a):
                        continue  # `n % 2 == 0`, not `0 == n % 2`: the constant goes on the right
                    _apply(bank, template, [a, b], size, goal)
    for template, kinds in TERNARY:
        for sa in range(1, size - 2):
            for sb in range(1, size - 1 - sa):
                sc = size - 1 - sa - sb
                for a in list(bank.of(sa)):
                    if not _fits(a.kind, kinds):
                        continue
                    for b in list(bank.of(sb)):
                        for c in list(bank.of(sc)):
                            _apply(bank, template, [a, b, c], size, goal)


DEFAULT_CONSTANTS = (0, 1, 2, -1, "", " ", True, False)


def _seed(bank: Bank, names, constants, goal) -> None:
    for name in names:
        _apply(bank, name, [], 1, goal, names=frozenset([name]))
    for const in DEFAULT_CONSTANTS + tuple(c for c in constants if c not in DEFAULT_CONSTANTS):
        _apply(bank, repr(const), [], 1, goal, consts=1)


COMPREHENSION_WRAPS = ("{0}", "sum({0})", "len({0})", "any({0})", "all({0})", "''.join({0})", "max({0})", "min({0})")


class Comprehensions:
    """``[e(v) for v in xs if p(v)]`` and ``sum``/``len``/``any``/``all``/... of it, for each list or str
    parameter ``xs``: bodies ``e`` up to ``BODY`` nodes, filters ``p`` up to ``FILTER`` (``v % 2 == 0``),
    built from the elements the examples hold, each size of them only once the search needs it; ``of(size)``
    gives the comprehensions of one size as (source, consts, names)."""

    BODY, FILTER = 3, 5

    def __init__(self, bank: Bank, spec: Spec):
        self.bank = bank
        self.parts = []  # (parameter, bank over its elements)
        for name in spec.params:
            groups = [env[name] for env in bank.envs]
            if not all(isinstance(g, (list, str)) for g in groups) or not any(groups):
                continue
            element_envs = [dict(env, v=v) for env, g in zip(bank.envs, groups) for v in g]
            inner = Bank(element_envs, bank.deadline, None)
            _seed(inner, ["v"] + [p for p in spec.params if p != name], spec.constants, None)
            self.parts.append((name, inner))
        self.built = 1

    def _grow_to(self, size: int) -> None:
        while self.built < min(size, self.FILTER):
            self.built += 1
            for _, inner in self.parts:
                before = inner.examined
                grow(inner, self.built)
                self.bank.examined += inner.examined - before

    def _uses_v(self, inner: Bank, size: int, bool_only: bool) -> list[Expr]:
        return [e for e in inner.of(size) if "v" in e.names and (not bool_only or e.kind is bool)]

    def of(self, size: int):
        self._grow_to(size - 2)  # the largest part a comprehension of this size can hold
        for name, inner in self.parts:
            for wrap in COMPREHENSION_WRAPS:
                room = size - 2 - (0 if wrap == "{0}" else 1)  # the brackets and `for`, and the wrapping call
                for body_size in range(1, min(self.BODY, room) + 1):
                    rest = room - body_size
                    if rest > self.built:
                        continue
                    for pred in [None] if rest == 0 else self._uses_v(inner, rest, True):
                        for body in self._uses_v(inner, body_size, False):
                            cond = "" if pred is None else f" if {pred.source}"
                            consts = body.consts + (pred.consts if pred else 0)
                            names = (body.names | (pred.names if pred else frozenset()) | {name}) - {"v"}
                            yield wrap.replace("{0}", f"[{body.source} for v in {name}{cond}]"), consts, names


# behaviours told apart after a fit: the chosen program's and up to this many others
ALTERNATIVES = 3


def behaviour(source: str, spec: Spec) -> tuple[str, ...]:
    """What an expression gives on the spec's probes: each result's repr, or the exception it raises."""
    code = compile(source, "<enum>", "eval")
    out = []
    for args in spec.probes:
        try:
            out.append(repr(eval(code, {"__builtins__": _BUILTINS}, dict(zip(spec.params, args)))))
        except Exception:  # an input the program does not handle is a behaviour too, whatever it raises
            out.append(RAISES)
    return tuple(out)


def _behaviours(bank: Bank, spec: Spec) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(source, behaviour on the probes) of the chosen program, then of fitting programs that behave otherwise,
    smallest and most general first."""
    out: list[tuple[str, tuple[str, ...]]] = []
    seen: set = set()
    ranked = sorted(bank.hits, key=lambda e: (e.size, preference(e)))
    for expr in ranked:
        if expr is not ranked[0] and expr.size > ranked[0].size and ranked[0].source in expr.source:
            continue  # the chosen program wrapped in more (``abs(x + 1)``): no likelier than the smaller rule
        try:
            shown = behaviour(expr.source, spec)
        except (SyntaxError, ValueError):
            continue
        if shown not in seen:
            seen.add(shown)
            out.append((expr.source, shown))
            if len(out) > ALTERNATIVES:
                break
    return tuple(out)


def search(spec: Spec, seconds: float, max_programs: int | None, max_size: int = 12):
    """Returns (source of the smallest passing expression or None, programs examined, reason, behaviours,
    complete: whether the look past the first fit went through the sizes it meant to, unhurried). Of
    the passing expressions of that size, the most general one (``preference``) wins. Once one fits, the search
    goes on through the next size (within ``SAME_SIZE_LOOK``), and ``behaviours`` holds the winner's and other
    fitting programs' results on ``spec.probes``, one program per distinct behaviour: more than one means the
    examples do not pin the function down."""
    envs = [dict(zip(spec.params, args)) for args in spec.inputs]
    bank = Bank(envs, time.monotonic() + seconds, max_programs)

    def goal(expr: Expr) -> bool:
        return all(repr(v) == w for v, w in zip(expr.values, spec.wants))

    def found(complete: bool):
        return bank.best_hit().source, bank.examined, "found", _behaviours(bank, spec), complete

    fit_at = None
    try:
        _seed(bank, spec.params, spec.constants, goal)
        fit_at = 1 if bank.hits else None
        comprehensions = Comprehensions(bank, spec)
        for size in range(2, max_size + 1):
            # a fit that ignores a parameter (a constant) is a guess: look two sizes further for the rule
            if fit_at is not None and size > fit_at + (2 if len(bank.best_hit().names) < len(spec.params) else 1):
                break
            for source, consts, names in comprehensions.of(size):
                _apply(bank, source, [], size, goal, consts, names)
            grow(bank, size, goal)
            if bank.hits and fit_at is None:
                fit_at = size
    except Budget as stop:
        if bank.hits:
            return found(False)
        return None, bank.examined, f"{stop} spent after {bank.examined:,} programs", (), False
    if bank.hits:
        return found(True)
    return None, bank.examined, f"no expression up to size {max_size} fits the examples", (), False
