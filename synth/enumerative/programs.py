"""The bottom-up search for one program: ``enumerate_program`` and its ``EnumerationResult`` (see the
package's docstring)."""
from __future__ import annotations

import ast
import time
from dataclasses import dataclass

from seidr.runners.program import Program
from seidr.runners.verdict import Verdict
from seidr.synth.enumerative.spec import Spec, Unsupported, spec_of
from seidr.synth.enumerative.worker import search_in_worker


@dataclass(frozen=True)
class EnumerationResult:
    program: Program | None
    examined: int
    seconds: float
    reason: str
    verdict: Verdict | None = None
    searched: Program | None = None  # what the search produced, also when the runner rejected it
    # other programs the runner saw pass every example that behave otherwise on ``probes`` (argument tuples
    # near the examples'), each with its results there; the found program's results come first
    alternatives: tuple[tuple[Program, Verdict], ...] = ()
    behaviours: tuple[tuple[str, ...], ...] = ()
    probes: tuple[tuple, ...] = ()
    # the search looked past the found program through the next size before its time or look ran out: only then
    # does finding no program that behaves otherwise say the examples pin it down
    complete: bool = False

    @property
    def unsupported(self) -> bool:
        return self.reason.startswith("unsupported:")


def _imports_for(signature: str, context: str) -> list[str]:
    """The context's import lines that bind a name the signature uses (``List`` in ``xs: List[int]``), so
    the program stands on its own like a model's reply with its imports."""
    try:
        tree = ast.parse(context)
        used = {n.id for n in ast.walk(ast.parse(signature.strip() + "\n    pass\n")) if isinstance(n, ast.Name)}
    except (SyntaxError, ValueError):
        return []
    found = []
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            bound = {(a.asname or a.name).split(".")[0] for a in node.names}
            if bound & used:
                found.append(ast.get_source_segment(context, node))
    return [line for line in found if line]


def render(spec: Spec, signature: str, expression: str, context: str = "") -> str:
    """The full function as readable source: the user's signature and one return line (after the imports
    its annotations need)."""
    head = signature.strip() if signature.strip() else f"def {spec.name}({', '.join(spec.params)}):"
    imports = "".join(line + "\n" for line in _imports_for(head, context)) if context else ""
    return (imports + "\n\n" if imports else "") + f"{head}\n    return {expression}\n"


async def _judge(problem, programs: list[Program], runner, limits) -> list[Verdict]:
    """The programs' verdicts from the Python runner (the caller's, or one made and closed here): a found
    expression is offered only after the same runner and sandbox as any other program saw it pass."""
    if runner is not None:
        return await runner.judge(problem, programs, limits=limits)
    from seidr.synth.develop import runner_for

    owned = runner_for("python")
    try:
        return await owned.judge(problem, programs, limits=limits)
    finally:
        await owned.close()


async def enumerate_program(problem, *, seconds: float = 1.0, max_programs: int | None = None, runner=None,
                            limits=None) -> EnumerationResult:
    """Searches for the smallest expression that passes every example of a Python problem."""
    start = time.monotonic()
    if problem.language != "python":
        return EnumerationResult(None, 0, 0.0, f"the search handles Python only, not {problem.language}")
    try:
        spec = spec_of(problem)
    except Unsupported as err:
        return EnumerationResult(None, 0, time.monotonic() - start, f"unsupported: {err}")
    source, examined, reason, behaviours, complete = await search_in_worker(spec, seconds, max_programs)
    if source is None:
        return EnumerationResult(None, examined, time.monotonic() - start, reason)
    programs = [Program(render(spec, problem.signature, found, problem.context), origin="enumerative")
                for found, _ in behaviours] or [Program(render(spec, problem.signature, source, problem.context),
                                                        origin="enumerative")]
    verdicts = await _judge(problem, programs, runner, limits)
    program, verdict = programs[0], verdicts[0]
    if not verdict.passed:
        why = verdict.error or next((f"{r.example.describe()}: {r.summary()}" for r in verdict.failures), "failed")
        return EnumerationResult(None, examined, time.monotonic() - start,
                                 f"the runner rejected the searched program `{source}` ({why})", verdict, program)
    others = [(p, v, shown) for p, v, (_, shown) in zip(programs[1:], verdicts[1:], behaviours[1:]) if v.passed]
    return EnumerationResult(program, examined, time.monotonic() - start, "found", verdict, program,
                             tuple((p, v) for p, v, _ in others),
                             (behaviours[0][1], *(shown for _, _, shown in others)) if behaviours else (), spec.probes,
                             complete)
