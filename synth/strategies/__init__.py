"""Search strategies by name; each is ``async search(problem, model, runner, budget, events, settings) -> Ranking``."""
from __future__ import annotations

import importlib
from typing import Protocol

from seidr.synth.ranking import Ranking

STRATEGIES = {
    "seidr": "seidr",
    "best-of-n": "best_of_n",
    "mbr": "mbr",
    "refine": "refine",
    "treefinement": "treefinement",
}


class Strategy(Protocol):
    async def __call__(self, problem, model, runner, budget, events, settings, seed=None) -> Ranking: ...


def get_strategy(name: str) -> Strategy:
    try:
        module = STRATEGIES[name]
    except KeyError:
        raise ValueError(f"unknown strategy {name!r}; choose one of {', '.join(STRATEGIES)}") from None
    return importlib.import_module(f"seidr.synth.strategies.{module}").search
