"""best-of-n: sample ``drafts`` programs at once and keep the best-ranked one."""
from __future__ import annotations

from seidr.synth.strategies.base import run


async def search(problem, model, runner, budget, events, settings, seed=None):
    async def loop(s):
        await s.judge(await s.draft(s.search.drafts))

    return await run(problem, model, runner, budget, events, settings, loop, seed)
