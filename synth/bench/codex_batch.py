"""Codex-Runner-compatible batches: ``[[questions]]`` TOML in, completions and per-test results written back.

A question has ``id``, ``prompt``, optional ``answer_preload`` (code placed before each completion) and
``[[questions.testcases]]`` with ``code`` (appended after the answer), ``stdin`` and ``expect`` (the exact
standard output, compared without trailing white space). ``[[questions.completions]]`` hold ``completion``
and ``results`` (one boolean per test case).
"""

from __future__ import annotations

import asyncio
import csv
import os
import re
import statistics
import tempfile
from dataclasses import dataclass, field
from typing import Sequence

try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

from seidr.runners.limits import Limits


class BatchError(Exception):
    """A batch file that cannot be used; the message names the file and the fix."""


@dataclass
class Testcase:
    code: str = ""
    stdin: str = ""
    expect: str = ""


@dataclass
class Completion:
    completion: str
    results: list[bool] = field(default_factory=list)

    @property
    def pass_ratio(self) -> float:
        return sum(self.results) / len(self.results) if self.results else 0.0


@dataclass
class Question:
    id: str
    prompt: str
    answer_preload: str | None = None
    testcases: list[Testcase] = field(default_factory=list)
    completions: list[Completion] = field(default_factory=list)

    def program(self, completion: Completion, testcase: Testcase) -> str:
        return f"{self.answer_preload or ''}{completion.completion}\n{testcase.code}\n"


_FENCE = re.compile(r"```[\w+-]*[ \t]*\n(.*?)```", re.S)


def completion_text(reply: str) -> str:
    """The code of a model's reply: its first fenced block, or the whole reply when it has none (a plain
    completion, as Codex-style models give)."""
    match = _FENCE.search(reply)
    return match.group(1) if match else reply


def load_questions(path: str) -> list[Question]:
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        raise BatchError(f"{path}: no such file") from None
    except tomllib.TOMLDecodeError as exc:
        raise BatchError(f"{path}: not valid TOML ({exc})") from None
    rows = data.get("questions")
    if not isinstance(rows, list):
        raise BatchError(f"{path}: no [[questions]] tables")
    questions = []
    for number, row in enumerate(rows, 1):
        if "id" not in row or "prompt" not in row:
            raise BatchError(f"{path}: question {number} needs an id and a prompt")
        questions.append(
            Question(
                id=str(row["id"]),
                prompt=row["prompt"],
                answer_preload=row.get("answer_preload"),
                testcases=[Testcase(**{k: str(v) for k, v in t.items() if k in ("code", "stdin", "expect")})
                           for t in row.get("testcases", [])],
                completions=[Completion(c.get("completion", ""), [bool(r) for r in c.get("results", [])])
                             for c in row.get("completions", [])],
            )
        )
    return questions


def dump_questions(questions: Sequence[Question], path: str) -> None:
    import tomli_w

    rows = []
    for q in questions:
        row: dict = {"id": q.id, "prompt": q.prompt}
        if q.answer_preload is not None:
            row["answer_preload"] = q.answer_preload
        row["testcases"] = [{"code": t.code, "stdin": t.stdin, "expect": t.expect} for t in q.testcases]
        if q.completions:
            row["completions"] = [{"completion": c.completion, "results": list(c.results)} for c in q.completions]
        rows.append(row)
    text = tomli_w.dumps({"questions": rows}, multiline_strings=True)
    folder = os.path.dirname(os.path.abspath(path))
    with tempfile.NamedTemporaryFile("w", dir=folder, delete=False, suffix=".tmp", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(fh.name, path)


async def run_testcase(question: Question, completion: Completion, testcase: Testcase, limits: Limits) -> bool:
    """One test case of one completion, as a script in the sandbox; passes on the exact expected output."""
    from seidr.synth.bench.stdio import run_script

    run = await run_script(question.program(completion, testcase), testcase.stdin, limits)
    return run.ok and run.stdout.rstrip() == testcase.expect.rstrip()


async def test_questions(questions: Sequence[Question], limits: Limits = Limits(), concurrency: int | None = None) -> None:
    """Fill every completion's ``results``, running test cases concurrently up to the core count."""
    gate = asyncio.Semaphore(concurrency or os.cpu_count() or 2)

    async def one(q: Question, c: Completion, t: Testcase) -> bool:
        async with gate:
            return await run_testcase(q, c, t, limits)

    for q in questions:
        for c in q.completions:
            c.results = list(await asyncio.gather(*(one(q, c, t) for t in q.testcases)))


def summary_rows(questions: Sequence[Question]) -> list[dict]:
    """A row per completion (its pass ratio) and per question the mean, median, stdev, min and max."""
    rows = []
    for q in questions:
        ratios = [c.pass_ratio for c in q.completions]
        stats = {
            "mean": statistics.fmean(ratios) if ratios else 0.0,
            "median": statistics.median(ratios) if ratios else 0.0,
            "stdev": statistics.stdev(ratios) if len(ratios) > 1 else 0.0,
            "min": min(ratios, default=0.0),
            "max": max(ratios, default=0.0),
        }
        for index, ratio in enumerate(ratios):
            rows.append({"id": q.id, "completion": index, "pass_ratio": round(ratio, 4),
                         **{k: round(v, 4) for k, v in stats.items()}})
        if not ratios:
            rows.append({"id": q.id, "completion": "", "pass_ratio": "", **stats})
    return rows


def write_report(questions: Sequence[Question], path: str) -> list[dict]:
    rows = summary_rows(questions)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=["id", "completion", "pass_ratio", "mean", "median", "stdev", "min", "max"])
        writer.writeheader()
        writer.writerows(rows)
    return rows
