"""The search as a strategy tier: tried before any model call, and the whole synthesis when no model is set.

``develop_problem`` finds ``search`` through its ``_enumerate_first`` hook. The tier reports like any other
step (``stage``/``spent``/``judged``/``best``, then ``done`` with the count of programs searched when it ends
the run), so progress bars and traces show it.
"""
from __future__ import annotations

import asyncio
import re
import time

from seidr.synth.events import Events
from seidr.synth.ranking import Candidate, Ranking

# With no model the search is all there is, so it gets longer than the tier's default second.
ALONE_SECONDS = 10.0
CONFIGURE = "set seidr.model (--model openai/gpt-4o-mini, model in [tool.seidr], or the editor's seidr.model setting)"


def no_model_reason(result) -> str:
    """What the user reads when no model is configured: what was searched, and how to get further."""
    searched = f"searched {result.examined:,} programs locally"
    if result.program is not None:
        return f"no model configured: {searched}; set seidr.model for harder functions"
    if result.unsupported:
        why = result.reason.removeprefix("unsupported: ")
        return f"no model configured, and the built-in search cannot use these examples ({why}); {CONFIGURE}"
    cause = re.sub(r" after [\d,]+ programs$", "", result.reason)
    return (f"no model configured: {searched} in {result.seconds:.1f} s and none passes every example "
            f"({cause}); {CONFIGURE} for harder functions")


async def _ticking(events: Events, seconds: float, work):
    """Awaits ``work`` while reporting the share of the time budget used, so a progress bar moves."""
    task = asyncio.ensure_future(work)
    start = time.monotonic()
    try:
        while True:
            done, _ = await asyncio.wait({task}, timeout=0.5)
            if done:
                return task.result()
            elapsed = time.monotonic() - start
            events.emit("spent", fraction=min(1.0, elapsed / seconds) if seconds else 1.0,
                        summary={"calls": 0, "seconds": round(elapsed, 3)})
    finally:
        if not task.done():
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)


def _ambiguity(problem, result, candidates):
    """What separates the programs the search found that pass every example, when they behave differently."""
    from seidr.synth.ambiguity import Behaviour, label_of, separate

    if len(candidates) < 2 or len(result.behaviours) != len(candidates):
        return None
    behaviours = [Behaviour(c.program, label_of(c.program), shown) for c, shown in zip(candidates, result.behaviours)]
    return separate(problem.short_name, result.probes, behaviours)


async def search(problem, runner, settings, events: Events | None = None, *, alone: bool = False) -> Ranking | None:
    """Searches ``problem`` within ``settings.enumerate_seconds`` (when ``alone``, with no model to follow:
    ``ALONE_SECONDS`` at least, and at most the budget's seconds). A found program is judged by ``runner``. Returns a Ranking (solved when the search
    found a program the runner passed), or None when the tier does not apply (switched off, not Python)."""
    from seidr.synth.enumerative.programs import enumerate_program

    if problem.language != "python" or not settings.enumerate_first:
        return None
    seconds = settings.enumerate_seconds
    if alone:  # the search is the whole synthesis: its own minimum, within the synthesis's time budget
        seconds = min(max(seconds, ALONE_SECONDS), settings.budget.seconds or ALONE_SECONDS)
    if seconds <= 0:
        return None
    events = events or Events()
    result = await _ticking(events, seconds, enumerate_program(
        problem, seconds=seconds, runner=runner, limits=settings.limits.to_limits()))
    candidates = []
    program, verdict = result.searched, result.verdict
    if program is not None and verdict is not None:
        candidates = [Candidate(program, verdict), *(Candidate(p, v) for p, v in result.alternatives)]
        events.emit("drafted", count=len(candidates), replies=[], origin="enumerative", programs=[
            {"id": c.program.id, "origin": "enumerative", "parent": None, "code": c.program.code, "tokens": 0,
             "cost": 0.0} for c in candidates])
        events.emit("judged", count=len(candidates), passed=sum(c.passed for c in candidates), verdicts=[
            {"id": c.program.id, "passed": c.passed, "score": round(c.score, 4),
             "seconds": round(c.verdict.seconds, 3), "explanation": c.explain()} for c in candidates])
        events.emit("best", program=program.id, passed=verdict.n_passed, total=verdict.n_total,
                    score=round(verdict.score, 4), explanation=candidates[0].explain())
    ambiguity = _ambiguity(problem, result, candidates)
    if alone and result.program is not None:  # "solved" is a promise: is the program pinned down?
        from seidr.synth.ambiguity import one_result, unpinned

        ambiguity = ambiguity or one_result(problem) or unpinned(problem, result.program, result.complete)
    if alone:
        reason = no_model_reason(result)
    elif result.program is not None:  # a candidate for the model's search, which ends the run
        reason = f"found by the built-in search ({result.examined:,} programs, {result.seconds:.1f} s)"
    else:
        reason = f"built-in search: {result.reason}"
    ranking = Ranking(candidates, reason, {"calls": 0, "tokens": 0, "cost_usd": 0.0,
                                           "seconds": round(result.seconds, 3), "searched": result.examined},
                      ambiguity=ambiguity)
    if alone:
        events.emit("done", reason=reason, solved=ranking.solved, judged=len(candidates), searched=result.examined,
                    tier="enumerate")
    else:  # a model takes over; its strategy reports the run's end
        events.emit("stage", stage="enumerate", found=ranking.solved, searched=result.examined, reason=result.reason)
    return ranking
