"""Bottom-up enumeration of Python expressions, pruned by what they compute on the example inputs."""
from __future__ import annotations

import time
from dataclasses import dataclass

from seidr.synth.enumerative.spec import Spec

# Templates: {0}, {1}, {2} are children; "a" marks a child that must be an atom (parenthesised if compound).
UNARY = [
    ("len({0})", (list, str, tuple, dict)), ("sum({0})", (list,)), ("min({0})", (list, str)),
    ("max({0})", (list, str)), ("sorted({0})", (list, str)), ("abs({0})", (int, float)),
    ("-{0a}", (int, float)), ("not {0a}", (bool,)), ("{0a}.lower()", (str,)), ("{0a}.upper()", (str,)),
    ("{0a}.strip()", (str,)), ("{0a}[::-1]", (str, list)), ("{0a}[0]", (str, list)), ("{0a}[-1]", (str, list)),
    ("{0a}[1:]", (str, list)), ("{0a}[:-1]", (str, list)), ("str({0})", (int,)), ("int({0})", (str, float)),
    ("{0a}.split()", (str,)), ("{0a}.title()", (str,)), ("{0a}.capitalize()", (str,)), ("any({0})", (list,)),
    ("all({0})", (list,)), ("list(range({0}))", (int,)), ("set({0})", (list, str)), ("sorted(set({0}))", (list, str)),
    ("{0a}.isdigit()", (str,)), ("{0a}.isupper()", (str,)), ("{0a}.isalpha()", (str,)), ("list({0})", (str,)),
    ("bool({0})", (int, str, list)), ("float({0})", (int,)), ("{0a} ** 2", (int, float)),
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
    ("round({0}, {1})", (float,), int), ("{0a}[::{1}]", SEQ, int), ("list(range({0}, {1}))", (int,), "same"),
]
TERNARY = [("{1a} if {0} else {2a}", (bool,)), ("{0a}.replace({1}, {2})", (str,)), ("{0a}[{1}:{2}]", SEQ)]
_ATOM_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")


@dataclass(frozen=True)
class Expr:
    source: str
    atom: bool
    size: int
    values: tuple
    kind: type


class Budget(Exception):
    """The time or program budget ran out."""


class Bank:
    """Expressions by size, one per distinct behaviour on the inputs (observational equivalence)."""

    def __init__(self, envs, deadline: float, max_programs: int | None):
        self.envs, self.deadline, self.max_programs = envs, deadline, max_programs
        self.by_size: dict[int, list[Expr]] = {}
        self.seen: set = set()
        self.examined = 0

    def _tick(self):
        self.examined += 1
        if self.max_programs is not None and self.examined >= self.max_programs:
            raise Budget("program budget")
        if self.examined % 256 == 0 and time.monotonic() > self.deadline:
            raise Budget("time budget")

    def add(self, source: str, atom: bool, size: int, values: tuple) -> Expr | None:
        kind = _kind(values)
        if kind is None:
            return None
        key = tuple((type(v).__name__, repr(v)) for v in values)
        if key in self.seen:
            return None
        self.seen.add(key)
        expr = Expr(source, atom, size, values, kind)
        self.by_size.setdefault(size, []).append(expr)
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


def _render(template: str, kids: list[Expr]) -> str:
    out = template
    for i, kid in enumerate(kids):
        out = out.replace("{%da}" % i, kid.source if kid.atom else f"({kid.source})")
        out = out.replace("{%d}" % i, kid.source)
    return out


def _apply(bank: Bank, template: str, kids: list[Expr], size: int, goal) -> Expr | None:
    bank._tick()
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
    # Calls, names, subscripts and literals bind tighter than any operator; everything else gets parens.
    atom = (" " not in source or source[0] in "'\"") and not source.startswith("-")
    expr = bank.add(source, atom, size, values)
    if expr is not None and goal is not None and goal(expr):
        raise Found(expr)
    return expr


class Found(Exception):
    def __init__(self, expr: Expr):
        self.expr = expr


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


def grow(bank: Bank, size: int, goal=None) -> None:
    """Adds every distinct expression of exactly ``size`` nodes built from smaller ones."""
    for template, kinds in UNARY:
        for a in list(bank.of(size - 1)):
            if _fits(a.kind, kinds):
                _apply(bank, template, [a], size, goal)
    for template, kinds, other in BINARY:
        for sa in range(1, size - 1):
            for a in list(bank.of(sa)):
                if not _fits(a.kind, kinds):
                    continue
                for b in list(bank.of(size - 1 - sa)):
                    if other == "same" and b.kind is not a.kind and not (a.kind in NUM and b.kind in NUM):
                        continue
                    if isinstance(other, type) and b.kind is not other:
                        continue
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


def _seed(bank: Bank, names, constants, goal) -> None:
    for name in names:
        _apply(bank, name, [], 1, goal)
    for const in (0, 1, 2, "", " ", True, False) + tuple(constants):
        _apply(bank, repr(const), [], 1, goal)


def _comprehensions(bank: Bank, spec: Spec, size_limit: int, goal) -> None:
    """``[e(v) for v in xs if p(v)]`` and ``sum``/``len``/``any``/``all`` of it, for list and str parameters."""
    for pos, name in enumerate(spec.params):
        groups = [env[name] for env in bank.envs]
        if not all(isinstance(g, (list, str)) for g in groups) or not any(groups):
            continue
        element_envs = [dict(env, v=v) for env, g in zip(bank.envs, groups) for v in g]
        inner = Bank(element_envs, bank.deadline, None)
        inner.examined = 0
        _seed(inner, ["v"] + [p for p in spec.params if p != name], spec.constants, None)
        for size in range(2, size_limit + 1):
            grow(inner, size)
        bank.examined += inner.examined
        maps = [e for s in sorted(inner.by_size) for e in inner.of(s) if "v" in e.source]
        preds = [None] + [e for e in maps if e.kind is bool]
        for pred in preds:
            for body in [e for e in maps]:
                cond = "" if pred is None else f" if {pred.source}"
                inner_size = body.size + (0 if pred is None else pred.size)
                comp = f"[{body.source} for v in {name}{cond}]"
                for wrap in ("{0}", "sum({0})", "len({0})", "any({0})", "all({0})", "''.join({0})", "max({0})", "min({0})"):
                    _apply(bank, wrap.replace("{0}", comp), [], 2 + inner_size, goal)


def search(spec: Spec, seconds: float, max_programs: int | None, max_size: int = 12):
    """Returns (source of the smallest passing expression or None, programs examined, reason)."""
    envs = [dict(zip(spec.params, args)) for args in spec.inputs]
    bank = Bank(envs, time.monotonic() + seconds, max_programs)

    def goal(expr: Expr) -> bool:
        return all(repr(v) == w for v, w in zip(expr.values, spec.wants))

    try:
        _seed(bank, spec.params, spec.constants, goal)
        for size in range(2, max_size + 1):
            grow(bank, size, goal)
            if size == 4:
                _comprehensions(bank, spec, 3, goal)
    except Found as hit:
        return hit.expr.source, bank.examined, "found"
    except Budget as stop:
        return None, bank.examined, f"{stop} spent after {bank.examined:,} programs"
    return None, bank.examined, f"no expression up to size {max_size} fits the examples"
