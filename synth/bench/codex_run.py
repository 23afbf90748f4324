"""Running Codex Runner test cases as the reference runs them, in seidr's sandbox: the completion, then the test
case's code, fed its stdin, with ``input()`` echoing what it read (as a terminal shows it), standard error in
the output, the question's support files in the working folder, and ``*** TIMEOUT ***`` for a run out of time."""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from typing import Sequence

from seidr.runners.limits import Limits
from seidr.synth.bench.codex_batch import Completion, Question, Testcase, TestResult

TIMEOUT_TEXT = "*** TIMEOUT ***"
# what the reference puts before every program (``sys`` imported, which test cases use): input() prints what it
# read, so prompts and answers interleave in the output as on a terminal; errors go to the same stream, in order
_PRELUDE = """import sys
sys.stderr = sys.stdout
__saved_input__ = input
def input(prompt=""):
    s = __saved_input__(prompt)
    print(s)
    return s

"""


def program_text(code: str, testcase: Testcase) -> str:
    return f"{_PRELUDE}{code}\n\n{testcase.code}\n"


def _safe_name(name: str) -> str | None:
    """A support file's name as a path inside the run's folder; None for one that would leave it."""
    parts = [p for p in name.replace("\\", "/").split("/") if p not in ("", ".")]
    if not parts or ".." in parts or os.path.isabs(name):
        return None
    return os.path.join(*parts)


async def run_testcase(question: Question, completion: Completion, testcase: Testcase,
                       limits: Limits) -> TestResult:
    """One test case of one completion, confined, in a fresh folder holding the question's support files."""
    from seidr.runners.sandbox import run_process

    with tempfile.TemporaryDirectory(prefix="seidr-batch-") as folder:
        for support in question.support_files:
            relative = _safe_name(support.name)
            if relative is None:
                return TestResult(testcase, f"support file {support.name!r} is not a name inside the folder")
            target = os.path.join(folder, relative)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, "w", encoding="utf-8") as fh:
                fh.write(support.text)
        script = os.path.join(folder, "__seidr_program__.py")
        with open(script, "w", encoding="utf-8") as fh:
            fh.write(program_text(completion.code, testcase))
        result = await run_process([sys.executable, "-I", script], stdin=testcase.stdin.encode(), limits=limits,
                                   workdir=folder)
    if result.timed_out:
        return TestResult(testcase, TIMEOUT_TEXT)
    got = result.stdout.decode(errors="replace") + result.stderr.decode(errors="replace")
    return TestResult(testcase, got)


async def test_questions(questions: Sequence[Question], limits: Limits = Limits(), concurrency: int | None = None) -> None:
    """Run every completion against its question's test cases (concurrently up to the core count), keeping
    what each printed and whether it matched exactly (both sides stripped, as the reference compares)."""
    gate = asyncio.Semaphore(concurrency or os.cpu_count() or 2)

    async def one(q: Question, c: Completion, t: Testcase) -> TestResult:
        async with gate:
            return await run_testcase(q, c, t, limits)

    for q in questions:
        for c in q.completions:
            c.runs = list(await asyncio.gather(*(one(q, c, t) for t in q.testcases)))
            c.results = [r.got.strip() == r.testcase.expect.strip() for r in c.runs]
