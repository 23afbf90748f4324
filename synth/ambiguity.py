"""When programs that pass every example behave differently on other inputs, the examples are ambiguous: the
call that tells them apart, what each gives there, and the doctest that would settle it."""
from __future__ import annotations

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
