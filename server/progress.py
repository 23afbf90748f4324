"""A synthesis's ``window/workDoneProgress`` (stage, best score, calls and cost, share of the budget) and its
``window/logMessage`` lines, both fed by the engine's events."""
from __future__ import annotations

import asyncio
import logging
import uuid
from typing import Callable

from lsprotocol import types

from seidr.synth.events import Event

log = logging.getLogger(__name__)

STAGES = {
    "enumerate": "searching small programs", "draft": "drafting", "explain": "explaining failures",
    "repair": "repairing", "judge": "judging", "tests": "writing extra inputs",
}


def spent(summary) -> tuple[int, float]:
    """(calls, US dollars) from a budget summary, whichever spelling the budget uses."""
    if not isinstance(summary, dict):
        return 0, 0.0
    cost = summary.get("cost_usd", summary.get("costUsd", summary.get("cost", 0.0)))
    return int(summary.get("calls", 0) or 0), float(cost or 0.0)


class Progress:
    """An ``Events`` sink for one synthesis. ``on_spend(calls, cost)`` hears every change of spend."""

    def __init__(self, ls, title: str, function: str, on_spend: Callable[[int, float], None]):
        self.ls, self.title, self.function, self.on_spend = ls, title, function, on_spend
        self.token: str | None = None
        self.stage = "starting"
        self.best = ""
        self.calls, self.cost, self.percent = 0, 0.0, 0

    async def begin(self) -> None:
        window = self.ls.client_capabilities.window
        if window and window.work_done_progress:
            token = f"seidr-{uuid.uuid4().hex[:12]}"
            try:
                await asyncio.wait_for(self.ls.work_done_progress.create_async(token), 10)
                self.token = token
            except Exception as exc:  # no progress bar: the log lines and the status still tell the story
                log.warning("window/workDoneProgress/create failed: %s", exc)
        if self.token:
            self.ls.work_done_progress.begin(self.token, types.WorkDoneProgressBegin(
                title=self.title, cancellable=True, message=self.message(), percentage=0))

    def message(self) -> str:
        parts = [self.stage]
        if self.best:
            parts.append(f"best {self.best}")
        parts.append(f"{self.calls} call{'' if self.calls == 1 else 's'} · ${self.cost:.4f}")
        return " · ".join(parts)

    def report(self) -> None:
        if self.token:
            self.ls.work_done_progress.report(self.token, types.WorkDoneProgressReport(
                message=self.message(), percentage=self.percent, cancellable=True))

    def end(self, message: str) -> None:
        if self.token:
            self.ls.work_done_progress.end(self.token, types.WorkDoneProgressEnd(message=message))
            self.token = None

    def __call__(self, event: Event) -> None:
        data = event.data
        if event.kind == "stage":
            stage = data.get("stage")
            if stage not in STAGES or STAGES[stage] == self.stage:
                return
            self.stage = STAGES[stage]
            self.ls.log(f"seidr: {self.function}: {self.stage}")
        elif event.kind == "judged":
            self.ls.log(f"seidr: {self.function}: judged {data.get('count', 0)} programs, "
                        f"{data.get('passed', 0)} pass")
            return
        elif event.kind == "best":
            self.best = f"{data.get('passed', 0)}/{data.get('total', 0)}"
            self.ls.log(f"seidr: {self.function}: best so far {self.best} examples")
        elif event.kind == "spent":
            self.calls, self.cost = spent(data.get("summary"))
            self.percent = max(self.percent, min(100, int(100 * float(data.get("fraction", 0.0) or 0.0))))
            self.on_spend(self.calls, self.cost)
        elif event.kind == "done":
            self.ls.log(f"seidr: {self.function}: {data.get('reason', 'done')}")
            return
        else:
            return
        self.report()
