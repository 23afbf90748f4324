"""The ``seidr/status`` notification: idle, checking or synthesizing (with what has been spent), and once the
sandbox's isolation line."""
from __future__ import annotations

STATUS = "seidr/status"


class Status:
    """Counts the checks and syntheses under way and tells the editor whenever the summary changes."""

    def __init__(self, ls):
        self._ls = ls
        self.checking: dict[str, int] = {}  # document name -> checks running
        self.spend: dict[object, dict] = {}  # synthesis job -> {"calls", "costUsd", "function"}
        self._last: dict | None = None

    def _send(self, payload: dict) -> None:
        if payload != self._last:
            self._last = payload
            self._ls.protocol.notify(STATUS, payload)

    def announce(self, isolation: str) -> None:
        self._last = None
        self._send({"state": "idle", "isolation": isolation})
        self.update()

    def update(self) -> None:
        if self.spend:
            calls = sum(s["calls"] for s in self.spend.values())
            cost = round(sum(s["costUsd"] for s in self.spend.values()), 6)
            names = ", ".join(s["function"] for s in self.spend.values())
            self._send({"state": "synthesizing", "detail": names, "spend": {"calls": calls, "costUsd": cost}})
        elif self.checking:
            self._send({"state": "checking", "detail": ", ".join(sorted(self.checking))})
        else:
            self._send({"state": "idle"})

    def check_started(self, name: str) -> None:
        self.checking[name] = self.checking.get(name, 0) + 1
        self.update()

    def check_ended(self, name: str) -> None:
        left = self.checking.get(name, 1) - 1
        if left > 0:
            self.checking[name] = left
        else:
            self.checking.pop(name, None)
        self.update()

    def synthesis(self, job, function: str, calls: int = 0, cost: float = 0.0) -> None:
        self.spend[job] = {"function": function, "calls": calls, "costUsd": cost}
        self.update()

    def synthesis_ended(self, job) -> None:
        self.spend.pop(job, None)
        self.update()
