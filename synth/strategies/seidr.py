"""seidr (default): a beam tree -- drafts, then rounds of instruct + repair on the selected parents."""
from __future__ import annotations

from seidr.synth.strategies.base import run


async def search(problem, model, runner, budget, events, settings):
    async def loop(s):
        p = s.search
        beam = await s.judge(await s.draft(p.drafts))
        for round_ in range(p.depth):
            if s.solved() or not beam:
                return
            children = []
            for parent in s.select(beam, p.beam_width):
                for instruction in await s.instruct(parent, p.explanations):
                    children += await s.judge(await s.repair(parent, instruction, p.repairs, salt=str(round_)))
                    if s.solved():
                        return
            # parents stay in the beam so a round of bad repairs never loses the best program so far
            beam = list({c.program.id: c for c in [*beam, *children]}.values())

    return await run(problem, model, runner, budget, events, settings, loop)
