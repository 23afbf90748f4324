"""What every strategy does around its own loop: start a search, stop on success or a ``Stop``, report."""
from __future__ import annotations

from typing import Awaitable, Callable

from seidr.synth.ranking import Ranking
from seidr.synth.steps import Search, Stop


async def run(problem, model, runner, budget, events, settings, loop: Callable[[Search], Awaitable[None]]) -> Ranking:
    search = Search(problem, model, runner, budget, events, settings)
    try:
        await loop(search)
    except Stop as stop:
        return search.result(stop.reason)
    if search.solved():
        return search.result("solved")
    return search.result("search finished without a passing program")
