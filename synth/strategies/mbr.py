"""mbr: sample ``drafts`` programs, run them on extra model-written inputs, prefer the majority behaviour."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace

from seidr.runners.example import Example
from seidr.synth.ranking import Candidate, rank, simplicity
from seidr.synth.steps import Stop
from seidr.synth.strategies.base import run


def extra_inputs(text: str, name: str, limit: int) -> list[str]:
    """Calls of the entry point, one a line, from the ``tests`` step's reply (``>>>`` and bullets allowed)."""
    found = []
    for line in text.splitlines():
        line = re.sub(r"^\s*(>>>|[-*]|\d+[.)])\s*", "", line).strip().strip("`")
        if re.match(rf"{re.escape(name)}\s*\(", line) and line not in found:
            found.append(line)
    return found[:limit]


def behaviour(verdict) -> tuple:
    """What a program did on each extra input: its output, or its error."""
    if verdict.error:
        return ("error",)
    return tuple((r.actual or "").strip() if r.actual is not None else f"!{r.message}" for r in verdict.results)


async def search(problem, model, runner, budget, events, settings):
    votes: dict[str, tuple] = {}

    async def loop(s):
        drafts = await s.judge(await s.draft(s.search.drafts))
        if len(drafts) < 2 or not s.search.extra_inputs:
            return
        try:
            [reply] = (await s._sample("tests", 1, 0.0, count=s.search.extra_inputs))[:1]
        except Stop:
            return  # the drafts are judged; agreement is a refinement, not a requirement
        inputs = extra_inputs(reply.text, problem.short_name, s.search.extra_inputs)
        if not inputs:
            return
        probe = replace(problem, examples=tuple(Example(source=i, expected="", line=problem.line) for i in inputs))
        programs = [c.program for c in drafts]
        for program, verdict in zip(programs, await runner.judge(probe, programs, limits=s.limits)):
            votes[program.id] = behaviour(verdict)

    ranking = await run(problem, model, runner, budget, events, settings, loop)
    if votes:
        counts = Counter(votes.values())

        def key(c: Candidate):
            return (not c.passed, -c.score, -counts.get(votes.get(c.program.id), 0), simplicity(c.program))

        ranking.candidates = sorted(ranking.candidates, key=key)
        ranking.agreement = {c.program.id: counts.get(votes.get(c.program.id), 0) for c in ranking.candidates}
    else:
        ranking.candidates = rank(ranking.candidates)
    return ranking
