"""Synthesis with no model: a bottom-up search over small Python expressions that fit the doctests.

Entry point::

    result = await enumerate_program(problem, seconds=1.0, max_programs=None)
    result.program   # Program(origin="enumerative") confirmed by the Python runner, or None
    result.examined  # programs the search evaluated
    result.seconds   # wall time spent
    result.reason    # "found", or why nothing was returned (unsupported examples, budget spent, ...)

The search runs in a worker process; cancelling the awaiting task kills it.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

from seidr.runners.program import Program
from seidr.synth.enumerative.spec import Spec, Unsupported, spec_of
from seidr.synth.enumerative.worker import search_in_worker


@dataclass(frozen=True)
class EnumerationResult:
    program: Program | None
    examined: int
    seconds: float
    reason: str


def render(spec: Spec, signature: str, expression: str) -> str:
    """The full function as readable source: the user's signature and one return line."""
    head = signature.strip() if signature.strip() else f"def {spec.name}({', '.join(spec.params)}):"
    return f"{head}\n    return {expression}\n"


async def _confirm(problem, program: Program) -> str | None:
    """Judges the program with the real Python runner; None when it passes, else the reason."""
    try:
        from seidr.runners.python import PythonRunner
    except ImportError:
        return None  # no Python runner installed in this build: the search's own check stands
    verdict = (await PythonRunner().judge(problem, [program]))[0]
    return None if verdict.passed else "the runner rejected the searched program"


async def enumerate_program(problem, *, seconds: float = 1.0, max_programs: int | None = None) -> EnumerationResult:
    """Searches for the smallest expression that passes every example of a Python problem."""
    start = time.monotonic()
    if problem.language != "python":
        return EnumerationResult(None, 0, 0.0, f"the search handles Python only, not {problem.language}")
    try:
        spec = spec_of(problem)
    except Unsupported as err:
        return EnumerationResult(None, 0, time.monotonic() - start, f"unsupported: {err}")
    source, examined, reason = await search_in_worker(spec, seconds, max_programs)
    if source is None:
        return EnumerationResult(None, examined, time.monotonic() - start, reason)
    program = Program(render(spec, problem.signature, source), origin="enumerative")
    rejected = await _confirm(problem, program)
    if rejected:
        return EnumerationResult(None, examined, time.monotonic() - start, rejected)
    return EnumerationResult(program, examined, time.monotonic() - start, "found")


__all__ = ["EnumerationResult", "enumerate_program"]
