"""Whole Python programs judged on standard input and output (code contests, Codex-Runner test cases): each
run is a script in seidr's sandbox, and it passes only on a clean exit with exactly the expected output."""
from __future__ import annotations

import ast
import asyncio
import os
import sys
import tempfile
from dataclasses import dataclass

from seidr.runners.limits import Limits
from seidr.runners.sandbox import run_process
from seidr.runners.verdict import ExampleResult, Outcome, Verdict


@dataclass(frozen=True)
class ScriptRun:
    ok: bool  # a clean exit
    stdout: str
    error: str | None  # why it did not end cleanly
    timed_out: bool = False


async def run_script(source: str, stdin: str, limits: Limits) -> ScriptRun:
    """Runs ``source`` as a script with ``stdin``, confined, in a fresh folder."""
    with tempfile.TemporaryDirectory(prefix="seidr-stdio-") as folder:
        script = os.path.join(folder, "program.py")
        with open(script, "w", encoding="utf-8") as fh:
            fh.write(source)
        result = await run_process([sys.executable, "-I", script], stdin=stdin.encode(), limits=limits,
                                   workdir=folder)
    stdout = result.stdout.decode(errors="replace")
    if result.timed_out:
        return ScriptRun(False, stdout, f"timed out after {limits.program_seconds:g} s", True)
    if result.returncode != 0:
        last = result.stderr.decode(errors="replace").strip().splitlines()[-1:] or [f"exit status {result.returncode}"]
        return ScriptRun(False, stdout, last[0][:300])
    return ScriptRun(True, stdout, None)


def as_script(code: str) -> str:
    """A program that defines ``main()`` and never calls it at the top level gets the call (the reply asked
    for a function); a plain script stays as it is."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return code  # the run reports the syntax error
    defines = any(isinstance(n, ast.FunctionDef) and n.name == "main" for n in tree.body)
    calls = any(isinstance(n, (ast.Expr, ast.If)) and "main()" in ast.unparse(n) for n in tree.body)
    return code + "\n\nmain()\n" if defines and not calls else code


class StdioRunner:
    """The ``Runner`` for Python problems whose examples are all stdin/stdout pairs (``kind="io"``)."""

    language = "python"

    def __init__(self, limits: Limits = Limits(), concurrency: int | None = None):
        self.limits = limits
        self._gate = asyncio.Semaphore(concurrency or os.cpu_count() or 2)

    async def _one(self, code: str, example, limits: Limits) -> ExampleResult:
        async with self._gate:
            run = await run_script(code, example.stdin or "", limits)
        if run.timed_out:
            return ExampleResult(example, Outcome.TIMEOUT, example.expected, run.stdout, run.error)
        if not run.ok:
            return ExampleResult(example, Outcome.ERROR, example.expected, run.stdout, run.error)
        ok = run.stdout.rstrip() == (example.expected or "").rstrip()
        return ExampleResult(example, Outcome.PASSED if ok else Outcome.FAILED, example.expected, run.stdout)

    async def judge(self, problem, programs, *, hidden: bool = False, limits: Limits | None = None) -> list[Verdict]:
        examples = problem.hidden_tests if hidden else problem.checked_examples()
        limits = limits or self.limits

        async def verdict(program) -> Verdict:
            code = as_script((problem.context + "\n" if problem.context else "") + program.code)
            return Verdict(tuple(await asyncio.gather(*(self._one(code, e, limits) for e in examples))))

        return list(await asyncio.gather(*(verdict(p) for p in programs)))

    async def close(self) -> None:
        pass


def is_stdio(problem) -> bool:
    """A Python problem judged only by stdin/stdout runs."""
    examples = problem.examples + problem.hidden_tests
    return problem.language == "python" and bool(examples) and all(e.kind == "io" for e in examples)
