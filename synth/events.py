"""Search events (stage, drafted, judged, best, spent, done) and the sinks that consume them."""
from __future__ import annotations

import json
import os
import time
import uuid
from dataclasses import dataclass, field
from typing import Callable, Iterable

KINDS = ("stage", "drafted", "judged", "best", "spent", "done")


@dataclass(frozen=True)
class Event:
    kind: str
    data: dict = field(default_factory=dict)
    time: float = field(default_factory=time.time)

    def to_json(self) -> str:
        return json.dumps({"kind": self.kind, "time": round(self.time, 3), **self.data}, default=str)


Sink = Callable[[Event], None]


class Events:
    """Fans each event out to every sink; a failing sink is dropped rather than stopping the search."""

    def __init__(self, sinks: Iterable[Sink] = ()):
        self.sinks = [s for s in sinks if s is not None]

    def emit(self, kind: str, **data) -> Event:
        if kind not in KINDS:
            raise ValueError(f"unknown event kind {kind!r}")
        event = Event(kind, data)
        for sink in list(self.sinks):
            try:
                sink(event)
            except Exception:  # a broken progress display must never lose a search
                self.sinks.remove(sink)
        return event


def traces_folder(cache_folder: str) -> str:
    return os.path.join(cache_folder, "traces")


class TraceWriter:
    """Writes one JSONL file per run under ``<cache>/traces``; ``run_id`` names it."""

    def __init__(self, cache_folder: str, run_id: str | None = None):
        self.run_id = run_id or time.strftime("%Y%m%d-%H%M%S") + "-" + uuid.uuid4().hex[:6]
        folder = traces_folder(cache_folder)
        os.makedirs(folder, exist_ok=True)
        self.path = os.path.join(folder, self.run_id + ".jsonl")
        self._fh = open(self.path, "a", encoding="utf-8")

    def __call__(self, event: Event) -> None:
        self._fh.write(event.to_json() + "\n")
        self._fh.flush()

    def close(self) -> None:
        self._fh.close()


def find_trace(cache_folder: str, run: str) -> str | None:
    """A trace by path, by run id, or by a unique prefix of one; ``last`` is the newest."""
    if os.path.isfile(run):
        return run
    folder = traces_folder(cache_folder)
    names = sorted(n for n in os.listdir(folder) if n.endswith(".jsonl")) if os.path.isdir(folder) else []
    if run == "last" and names:
        return os.path.join(folder, max(names, key=lambda n: os.path.getmtime(os.path.join(folder, n))))
    matches = [n for n in names if n.startswith(run)]
    return os.path.join(folder, matches[0]) if len(matches) == 1 else None


class ProgressBar:
    """A rich progress bar driven by ``spent`` events (budget fraction) and ``best`` events (score)."""

    def __init__(self, label: str, console=None):
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        self._progress = Progress(
            TextColumn("[bold]{task.description}"), BarColumn(), TextColumn("{task.fields[status]}"),
            TimeElapsedColumn(), console=console, transient=True,
        )
        self._task = self._progress.add_task(label, total=1.0, status="")
        self._best = ""

    def __enter__(self):
        self._progress.start()
        return self

    def __exit__(self, *exc):
        self._progress.stop()

    def __call__(self, event: Event) -> None:
        if event.kind == "spent":
            self._progress.update(self._task, completed=min(1.0, float(event.data.get("fraction", 0.0))))
        elif event.kind == "best":
            self._best = f"best {event.data.get('passed', 0)}/{event.data.get('total', 0)}"
        elif event.kind == "stage":
            self._progress.update(self._task, status=f"{event.data.get('stage', '')} {self._best}".strip())
        elif event.kind == "done":
            self._progress.update(self._task, completed=1.0, status=str(event.data.get("reason", "")))
