"""treefinement: REBASE-style tree search; each round expands nodes sampled by a softmax over scores."""
from __future__ import annotations

import math

from seidr.synth.strategies.base import run

TEMPERATURE = 0.2  # softmax temperature over scores in [0, 1]: low favours the best nodes strongly


async def search(problem, model, runner, budget, events, settings, seed=None):
    async def loop(s):
        p = s.search
        tree = await s.judge(await s.draft(p.drafts))
        for round_ in range(p.depth):
            if s.solved() or not tree:
                return
            weights = [math.exp(c.score / TEMPERATURE) * (0.5 if c.broke_anchor else 1.0) for c in tree]
            picks = s.rng.choices(tree, weights=weights, k=p.beam_width)
            for parent in {c.program.id: c for c in picks}.values():
                [instruction] = (await s.instruct(parent, 1))[:1]
                tree += await s.judge(await s.repair(parent, instruction, p.repairs, salt=str(round_)))
                if s.solved():
                    return

    return await run(problem, model, runner, budget, events, settings, loop, seed)
