"""Weights & Biases logging, when asked for: a metrics row per finished attempt, the run's summary at the end.
wandb is optional and not installed for the tests, so a stand-in module records what seidr hands it."""
from __future__ import annotations

import sys
import types

from seidr.synth.bench.run import Totals
from seidr.synth.bench.wandb_log import WandbLog


class StandInRun:
    def __init__(self, **init):
        self.init, self.rows, self.summary, self.finished = init, [], {}, False

    def log(self, row):
        self.rows.append(row)

    def finish(self):
        self.finished = True


def test_each_attempt_is_a_row_and_the_summary_lands_at_finish(monkeypatch):
    runs = []
    stand_in = types.ModuleType("wandb")
    stand_in.init = lambda **kw: runs.append(StandInRun(**kw)) or runs[-1]
    monkeypatch.setitem(sys.modules, "wandb", stand_in)
    log = WandbLog("seidr-bench", "best-of-1", {"model": "openai/scripted"})
    record = {"visible_passed": True, "hidden_passed": False, "calls": 3, "cost": 0.002, "seconds": 1.5,
              "programs": [{}, {}]}
    log(record, Totals(done=2, solved=2, hidden=1, calls=5, cost=0.003))
    log.finish({"pass@1": 0.5})
    [run] = runs
    assert run.init == {"project": "seidr-bench", "name": "best-of-1", "config": {"model": "openai/scripted"}}
    assert run.rows == [{"attempts": 2, "visible_passed": 1, "hidden_passed": 0, "calls": 3, "cost_usd": 0.002,
                         "seconds": 1.5, "programs_tried": 2, "solved_so_far": 1.0, "hidden_pass_rate_so_far": 0.5,
                         "calls_total": 5, "cost_usd_total": 0.003}]
    assert run.summary == {"pass@1": 0.5} and run.finished
