"""seidr (default): a beam tree -- drafts, then rounds of instruct + repair on the selected parents."""
from __future__ import annotations

import asyncio

from seidr.synth.strategies.base import run


async def search(problem, model, runner, budget, events, settings, seed=None):
    async def loop(s):
        p = s.search
        beam = await s.judge(await s.draft(p.drafts))
        for round_ in range(p.depth):
            if s.solved() or not beam:
                return

            async def expand(parent):
                programs = []
                for instruction in await s.instruct(parent, p.explanations):
                    programs += await s.repair(parent, instruction, p.repairs, salt=str(round_))
                return programs

            # parents are repaired concurrently (the model bounds requests); a Stop in one of them still
            # lets the repairs the others finished be judged, so the best so far includes them
            outcomes = await asyncio.gather(*(expand(a) for a in s.select(beam, p.beam_width)), return_exceptions=True)
            children = await s.judge([prog for o in outcomes if isinstance(o, list) for prog in o])
            stops = [o for o in outcomes if isinstance(o, BaseException)]
            if stops and not s.solved():
                raise stops[0]
            # parents stay in the beam so a round of bad repairs never loses the best program so far
            beam = list({c.program.id: c for c in [*beam, *children]}.values())

    return await run(problem, model, runner, budget, events, settings, loop, seed)
