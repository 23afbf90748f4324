"""The Verus judge: the verifier decides; its summary and error spans become a graded verdict, after
filters that reject programs which skip proof (assume, admit, external bodies, weakened ensures, or a body
that still verifies with `assert(false)` at its start)."""

from __future__ import annotations

import asyncio
import hashlib
import os
import re
import shutil
import tempfile
import time
from typing import Sequence

from seidr.runners.example import Example
from seidr.runners.limits import Limits
from seidr.runners.native import place_program
from seidr.runners.problem import Problem
from seidr.runners.program import Program
from seidr.runners.sandbox import run_process
from seidr.runners.verdict import ExampleResult, Outcome, Verdict

NOT_INSTALLED = ("Verus is not installed: download a release from https://github.com/verus-lang/verus/releases "
                 "and set the verusPath setting (or VERUS_PATH) to its verus binary")
_SUMMARY = re.compile(r"verification results::\s*(\d+)\s+verified,\s*(\d+)\s+errors?")
_BLOCK = re.compile(r"^(error|note)(?:\[[^\]]*\])?:\s*(.*)$")
_SPAN = re.compile(r"-->\s*(\S+?):(\d+):(\d+)")
_CHEATS = [
    (re.compile(r"\bassume\s*\("), "uses assume(...)"),
    (re.compile(r"\badmit\s*\("), "uses admit()"),
    (re.compile(r"#\[verifier::external_body\]|#\[verifier\(external_body\)\]"), "marks a body external_body"),
    (re.compile(r"#\[verifier::external\]|#\[verifier\(external\)\]"), "marks code external"),
]
ERROR_PENALTY = 0.1


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", text)


def verus_binary(option: str | None = None) -> str | None:
    for candidate in (option, os.environ.get("VERUS_PATH")):
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return shutil.which("verus")


def parse_output(text: str) -> tuple[int | None, int | None, list[tuple[str, str, int | None]]]:
    """(verified, errors, blocks); blocks are (kind, message, 0-based line of the first span)."""
    m = _SUMMARY.search(text)
    blocks: list[tuple[str, str, int | None]] = []
    current: list | None = None
    for line in text.splitlines():
        head = _BLOCK.match(line)
        if head and not head.group(2).startswith("aborting due to"):
            current = [head.group(1), head.group(2), None]
            blocks.append(current)
            continue
        span = _SPAN.search(line)
        if span and current is not None and current[2] is None:
            current[2] = int(span.group(2)) - 1
    return (int(m.group(1)) if m else None, int(m.group(2)) if m else None,
            [tuple(b) for b in blocks])


def reject_reason(problem: Problem, program: Program) -> str | None:
    for pattern, why in _CHEATS:
        if pattern.search(program.code):
            return f"rejected: the program {why}, which skips the proof"
    code = _norm(program.code)
    for e in problem.examples:
        if e.kind == "spec" and "ensures" in e.options and _norm(e.source) not in code:
            return f"rejected: the program drops or weakens `ensures {e.source}`"
    return None


def with_false_assert(code: str) -> str | None:
    """The program with `assert(false);` as the first statement of its body."""
    header_end = code.find("{")
    return None if header_end < 0 else code[:header_end + 1] + " assert(false); " + code[header_end + 1:]


class VerusRunner:
    language = "verus"

    def __init__(self, limits: Limits = Limits(), cache: bool = True, verus_path: str | None = None,
                 multiple_errors: int = 10, **options) -> None:
        self.limits = limits
        self.cache = cache
        self.verus_path = verus_path or options.get("verusPath")
        self.multiple_errors = multiple_errors
        self._cache: dict[str, tuple[str, float]] = {}

    def source(self, problem: Problem, code: str) -> str:
        return place_program(problem.context or "", code)

    async def verify(self, binary: str, source: str, limits: Limits) -> tuple[str, bool]:
        key = hashlib.sha256(source.encode()).hexdigest()
        if self.cache and key in self._cache:
            return self._cache[key][0], False
        with tempfile.TemporaryDirectory(prefix="seidr-verus-") as tmp:
            path = os.path.join(tmp, "program.rs")
            with open(path, "w") as fh:
                fh.write(source)
            # the verifier is trusted but slow: give it the whole program's time, not one example's
            proc = await run_process([binary, path, "--multiple-errors", str(self.multiple_errors)],
                                     limits=limits, workdir=tmp, timeout=limits.program_seconds * 6)
        text = (proc.stdout + proc.stderr).decode(errors="replace").replace(path, "program.rs")
        if proc.timed_out:
            return text + "\nverus timed out", True
        if self.cache:
            self._cache[key] = (text, time.monotonic())
        return text, False

    async def _judge_one(self, binary: str, problem: Problem, program: Program, examples: Sequence[Example],
                         limits: Limits) -> Verdict:
        started = time.monotonic()
        reason = reject_reason(problem, program)
        if reason:
            return Verdict(tuple(ExampleResult(e, Outcome.FAILED, message=reason) for e in examples),
                           error=reason, graded=0.0, seconds=time.monotonic() - started)
        text, timed_out = await self.verify(binary, self.source(problem, program.code), limits)
        verified, errors, blocks = parse_output(text)
        if timed_out:
            return Verdict(tuple(ExampleResult(e, Outcome.TIMEOUT, message="the verifier timed out")
                                 for e in examples), error="the verifier timed out", output=text, graded=0.0)
        if verified is None:
            first = next((m for k, m, _ in blocks if k == "error"), "the verifier gave no summary")
            return Verdict(tuple(ExampleResult(e, Outcome.ERROR, message=first) for e in examples),
                           error=f"did not verify: {first}", output=text, graded=0.0,
                           seconds=time.monotonic() - started)
        if errors == 0:
            hacked = with_false_assert(program.code)
            probe = await self.verify(binary, self.source(problem, hacked), limits) if hacked else ("", False)
            v2, e2, _ = parse_output(probe[0])
            if v2 is not None and e2 == 0:
                reason = "rejected: the body still verifies with assert(false) at its start, so it proves nothing"
                return Verdict(tuple(ExampleResult(e, Outcome.FAILED, message=reason) for e in examples),
                               error=reason, output=probe[0], graded=0.0, seconds=time.monotonic() - started)
        lines = {line: message for kind, message, line in blocks if line is not None}
        error_blocks = sum(1 for kind, _, _ in blocks if kind == "error")
        results = []
        for e in examples:
            if e.kind != "spec":
                # Verus code does not build with plain rustc, so doc examples are not run yet; say so
                results.append(ExampleResult(e, Outcome.SKIPPED, message="doc examples in Verus files are not run"))
            elif errors == 0:
                results.append(ExampleResult(e, Outcome.PASSED))
            elif e.line in lines or not any(x.line in lines for x in examples if x.kind == "spec"):
                results.append(ExampleResult(e, Outcome.FAILED, message=lines.get(e.line)
                                             or next((m for k, m, _ in blocks if k == "error"), "did not verify")))
            else:
                results.append(ExampleResult(e, Outcome.PASSED))
        total = verified + errors
        score = (verified / total if total else 0.0) - ERROR_PENALTY * error_blocks
        return Verdict(tuple(results), output=text, graded=max(0.0, min(1.0, score)) if errors else 1.0,
                       seconds=time.monotonic() - started)

    async def judge(self, problem: Problem, programs: Sequence[Program], *, hidden: bool = False,
                    limits: Limits | None = None) -> list[Verdict]:
        examples = problem.hidden_tests if hidden else problem.examples
        binary = verus_binary(self.verus_path)
        if binary is None:
            return [Verdict(tuple(ExampleResult(e, Outcome.ERROR, message=NOT_INSTALLED) for e in examples),
                            error=NOT_INSTALLED, graded=0.0) for _ in programs]
        return list(await asyncio.gather(*(self._judge_one(binary, problem, p, examples, limits or self.limits)
                                           for p in programs)))

    async def close(self) -> None:
        self._cache.clear()
