"""What every strategy does around its own loop: start a search, stop on success or a ``Stop``, then make the
final pick by agreement on extra inputs (``seidr.synth.agreement``), and report."""
from __future__ import annotations

from typing import Awaitable, Callable

from seidr.synth.agreement import agree, by_agreement, model_calls
from seidr.synth.ranking import Candidate, Ranking
from seidr.synth.steps import Search, Stop


async def run(problem, model, runner, budget, events, settings, loop: Callable[[Search], Awaitable[None]],
              seed: list[Candidate] | None = None) -> Ranking:
    search = Search(problem, model, runner, budget, events, settings)
    for c in seed or ():  # the built-in search's programs: candidates like any other
        search.pool.setdefault(c.program.id, c)
    try:
        await loop(search)
    except Stop as stop:
        return await final_pick(search, search.result(stop.reason))
    if search.solved():
        return await final_pick(search, search.result("solved"))
    return await final_pick(search, search.result("search finished without a passing program"))


async def _model_calls(search: Search) -> list[str]:
    """Test inputs the model writes for the description, one request; none when the budget is spent."""
    count = search.search.extra_inputs
    if count <= 0 or search.model_failed:
        return []
    try:
        replies = await search._sample("tests", 1, 0.0, count=count)
    except Stop:
        return []  # agreement on the derived inputs alone still ranks
    return model_calls(replies[0].text, search.problem.short_name, count) if replies else []


def _contested(candidates: list[Candidate]) -> bool:
    """More than one program at the top: the same pass status and score as the best."""
    if len(candidates) < 2:
        return False
    top = candidates[0]
    return sum(c.passed == top.passed and c.score == top.score for c in candidates) > 1


async def final_pick(search: Search, ranking: Ranking) -> Ranking:
    """Among programs that pass the same examples, the behaviour most of them share on extra inputs first."""
    if not _contested(ranking.candidates):
        return ranking
    search.events.emit("stage", stage="agree")
    extra = await _model_calls(search)
    found = await agree(search.problem, ranking.candidates, search.runner, search.limits, extra)
    if found.votes:
        ranking.candidates = by_agreement(ranking.candidates, found.votes)
        ranking.agreement = found.votes
    return ranking
