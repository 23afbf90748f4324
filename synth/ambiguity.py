"""When programs that pass every example behave differently on other inputs, the examples are ambiguous: the
call that tells them apart, what each gives there, and the doctest that would settle it."""
from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Sequence

from seidr.runners.program import Program
from seidr.synth.variations import RAISES as ERROR, call_text


@dataclass(frozen=True)
class Behaviour:
    """One way of meeting the examples: a program, a short label for it, and its result on each probe."""

    program: Program
    label: str
    results: tuple[str, ...]


@dataclass(frozen=True)
class Ambiguity:
    """``call`` separates the behaviours: ``outcomes`` holds (result, label, program) for each, the chosen
    program's first."""

    name: str
    call: str
    outcomes: tuple[tuple[str, str, Program], ...]

    @property
    def count(self) -> int:
        return len(self.outcomes)

    def line(self) -> str:
        """``ambiguous: f([1, 2]) gives 2 (max(xs)) or 1 (xs[0])``"""
        shown = " or ".join(f"{result} ({label})" for result, label, _ in self.outcomes)
        return f"ambiguous: {self.call} gives {shown}"

    def doctests(self) -> list[str]:
        """The example that would pin each behaviour, as doctest lines (``>>> f([1, 2])`` then ``2``)."""
        return [f">>> {self.call}\n{result}" for result, _, _ in self.outcomes if result != ERROR]

    def summary(self) -> str:
        return f"{self.count} behaviours fit these examples"

    def as_dict(self) -> dict:
        return {"call": self.call, "outcomes": [{"result": r, "label": label, "program": p.id}
                                                for r, label, p in self.outcomes]}


@dataclass(frozen=True)
class Unpinned:
    """The program passes every example and no other program the search found behaves otherwise, yet the
    evidence is too thin to call it the function meant: ``why`` says what is missing. Read as ``Ambiguity`` is."""

    name: str
    why: str
    count = 1

    def line(self) -> str:
        return f"not pinned down: {self.why}"

    def doctests(self) -> list[str]:
        return []

    def summary(self) -> str:
        return "the examples do not pin it down"

    def as_dict(self) -> dict:
        return {"unpinned": self.why}


# literals a program may use that no example or description needs to explain
_PLAIN = {0, 1, 2, -1, "", " "}


def one_result(problem) -> Unpinned | None:
    """Examples that show fewer than two different results pin nothing down: a constant fits them."""
    if len({(e.expected or "").strip() for e in problem.checked_examples()}) < 2:
        return Unpinned(problem.short_name,
                        "the examples show one result, which a constant gives too; add one with another")
    return None


def unpinned(problem, program: Program, complete: bool) -> Unpinned | None:
    """Why the examples do not pin ``program`` down, or None when they do: a parameter the program never reads,
    a constant neither the description nor an example's input mentions (fitted to the outputs), or a search
    that ran out before it could rule out the next size."""
    examples = problem.checked_examples()
    name = problem.short_name
    try:
        tree = ast.parse(program.code)
    except SyntaxError:
        return None
    functions = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
    if functions:
        args = functions[0].args
        params = [a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs] if a.arg not in ("self", "cls")]
        read = {n.id for n in ast.walk(functions[0]) if isinstance(n, ast.Name)}
        unread = [p for p in params if p not in read]
        if unread:
            return Unpinned(name, f"the program never reads `{unread[0]}`; add an example where `{unread[0]}` "
                                  "changes the result")
        said = problem.description + " " + " ".join(e.source for e in examples)
        for node in ast.walk(functions[0]):
            if isinstance(node, ast.Constant) and type(node.value) in (int, float, str) and not isinstance(
                    node.value, bool) and node.value not in _PLAIN and node is not _docstring(functions[0]):
                if repr(node.value) not in said and str(node.value) not in said:
                    return Unpinned(name, f"the program uses {node.value!r}, which neither the description nor an "
                                          "example's input mentions; add an example that tests it")
    if not complete:
        return Unpinned(name, "the search ran out before it could rule out other programs; add an example")
    return None


def _docstring(function: ast.FunctionDef) -> ast.Constant | None:
    body = function.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        return body[0].value
    return None


def label_of(program: Program) -> str:
    """The program's one returned expression (``max(xs)``), or its first line of body."""
    lines = [line.strip() for line in program.code.strip().splitlines() if line.strip()]
    body = [line for line in lines if not line.startswith(("def ", "import ", "from ", "@", "#"))]
    text = body[0] if len(body) == 1 else (body[0] + " ..." if body else lines[-1])
    return text.removeprefix("return ").strip()


def separate(name: str, probes: Sequence[tuple], behaviours: Sequence[Behaviour]) -> Ambiguity | None:
    """The probe whose results split the behaviours into the most groups (ties: one where none raises, then
    the shortest call); None when they agree on every probe. One behaviour per result is kept, the first
    given (the chosen program) leading."""
    if len(behaviours) < 2:
        return None
    best = None
    for index, args in enumerate(probes):
        results = [b.results[index] for b in behaviours if index < len(b.results)]
        groups = len(set(results))
        if groups < 2:
            continue
        call = call_text(name, args)
        key = (-groups, ERROR in results, len(call))
        if best is None or key < best[0]:
            best = (key, index, call)
    if best is None:
        return None
    _, index, call = best
    outcomes, seen = [], set()
    for b in behaviours:
        result = b.results[index]
        if result not in seen:
            seen.add(result)
            outcomes.append((result, b.label, b.program))
    return Ambiguity(name, call, tuple(outcomes))
