"""Stopgap Python judge used only while ``seidr.runners.python`` is not in the tree: one confined process
per program (the sandbox's limits), all of its examples in it, results read after a per-run nonce."""
from __future__ import annotations

import asyncio
import json
import os
import secrets
import sys

from seidr.runners.limits import Limits
from seidr.runners.sandbox import run_process
from seidr.runners.verdict import ExampleResult, Outcome, Verdict

HARNESS = os.path.join(os.path.dirname(__file__), "fallback_harness.py")


class FallbackPythonRunner:
    language = "python"

    async def judge(self, problem, programs, *, hidden=False, limits: Limits | None = None):
        limits = limits or Limits()
        examples = problem.hidden_tests if hidden else problem.checked_examples()
        # one process per program, all at once: the sandbox's limits bound each of them
        return list(await asyncio.gather(*(self._one(problem, p, examples, limits) for p in programs)))

    async def _one(self, problem, program, examples, limits) -> Verdict:
        nonce = secrets.token_hex(16)
        job = {"nonce": nonce, "context": "", "code": program.code,
               "examples": [{"source": e.source, "expected": e.expected} for e in examples]}
        result = await run_process([sys.executable, "-I", HARNESS], stdin=json.dumps(job).encode(), limits=limits)
        if result.timed_out:
            return Verdict(error="timed out", seconds=result.seconds)
        text = result.stdout.decode(errors="replace")
        _, found, tail = text.rpartition("\n" + nonce + "\n")
        try:
            data = json.loads(tail) if found else None
        except json.JSONDecodeError:
            data = None
        if data is None:
            return Verdict(error=(result.stderr.decode(errors="replace").strip() or "the program ended early")[-300:],
                           seconds=result.seconds)
        if data["error"]:
            return Verdict(error=data["error"], seconds=result.seconds)
        results = tuple(
            ExampleResult(e, Outcome(r["outcome"]), expected=e.expected, actual=r.get("actual"), message=r.get("message"))
            for e, r in zip(examples, data["results"])
        )
        return Verdict(results, seconds=result.seconds)

    async def close(self) -> None:
        pass
