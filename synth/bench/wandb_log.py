"""Optional Weights & Biases logging of a benchmark run: off unless asked for, and only when ``wandb`` is
installed (``pip install 'seidr[wandb]'``); seidr never needs it otherwise."""
from __future__ import annotations

import importlib


class WandbUnavailable(Exception):
    """``wandb`` is not installed; the message says how to get it."""


class WandbLog:
    """Logs each finished attempt's metrics and the running totals; ``finish`` adds the run's summary."""

    def __init__(self, project: str, run: str, config: dict):
        try:
            self.wandb = importlib.import_module("wandb")
        except ImportError:
            raise WandbUnavailable("--wandb needs the wandb package: pip install 'seidr[wandb]' "
                                   "(or leave --wandb out)") from None
        self.run = self.wandb.init(project=project, name=run, config=config)

    def __call__(self, record: dict, totals) -> None:
        self.run.log({
            "attempts": totals.done,
            "visible_passed": int(record["visible_passed"]),
            "hidden_passed": int(record["hidden_passed"]),
            "calls": record["calls"],
            "cost_usd": record["cost"],
            "seconds": record["seconds"],
            "programs_tried": len(record.get("programs") or ()),
            "solved_so_far": totals.solved / totals.done if totals.done else 0.0,
            "hidden_pass_rate_so_far": totals.hidden / totals.done if totals.done else 0.0,
            "calls_total": totals.calls,
            "cost_usd_total": totals.cost,
        })

    def finish(self, summary: dict) -> None:
        for key, value in summary.items():
            self.run.summary[key] = value
        self.run.finish()
