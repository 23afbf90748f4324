"""refine: one program, repaired in sequence with the judge's feedback for ``depth`` rounds."""
from __future__ import annotations

from seidr.synth.strategies.base import run


async def search(problem, model, runner, budget, events, settings, seed=None):
    async def loop(s):
        [current] = (await s.judge(await s.draft(1)))[:1] or [None]
        for round_ in range(s.search.depth):
            if current is None or s.solved():
                return
            [instruction] = (await s.instruct(current, 1))[:1]
            children = await s.judge(await s.repair(current, instruction, 1, salt=str(round_)))
            if children:
                current = s.select([current, *children], 1)[0] if s.search.ranking == "score" else children[0]

    return await run(problem, model, runner, budget, events, settings, loop, seed)
