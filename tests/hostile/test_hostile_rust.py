"""Hostile Rust programs against the verdict, judged through the runner API: each returns 41 (or nothing) for
examples that expect 42 and tries to make the judge report a pass anyway (calling the harness's own report,
writing the report file from code that runs before main, exiting early, silencing panics). Every one fails
every example, and the judge still passes a correct program afterwards."""

from __future__ import annotations

import asyncio
import shutil

import pytest

from seidr.runners.limits import Limits
from seidr.runners.program import Program
from seidr.runners.runner import get_runner
from seidr.runners.verdict import Outcome
from seidr.synth.extract import extract
from tests.hostile.programs import RUST, rust_source
from tests.sandbox.support import CONFINED_REASON, confined

pytestmark = [
    pytest.mark.skipif(shutil.which("rustc") is None, reason="rustc not installed"),
    pytest.mark.skipif(not confined(), reason=CONFINED_REASON),
]
LIMITS = Limits(example_seconds=5, program_seconds=10, memory_mb=512, file_size_mb=4)


def answer(source: str):
    (problem,) = [p for p in extract(source, "/src/answer.rs", "rust").problems if p.name == "answer"]
    return problem, Program(source[source.index("pub fn answer()"):])


@pytest.fixture(scope="module")
def verdicts():
    """Every hostile Rust program judged at once, then an honest one, by one runner."""
    runner = get_runner("rust", limits=LIMITS)

    async def everything():
        judged = await asyncio.gather(*(runner.judge(*answer(source)[:1], [answer(source)[1]])
                                        for _, source in RUST.values()))
        problem, program = answer(rust_source("42"))
        return {**dict(zip(RUST, (v for (v,) in judged))), "honest": (await runner.judge(problem, [program]))[0]}

    return asyncio.run(everything())


@pytest.mark.parametrize("name", sorted(RUST))
def test_a_hostile_rust_program_fails_every_example(name, verdicts):
    verdict = verdicts[name]
    assert verdict.error is None, verdict.error
    assert len(verdict.results) == 3 and not verdict.passed
    assert not any(r.outcome is Outcome.PASSED for r in verdict.results), verdict.results


def test_a_forged_record_is_named_as_such(verdicts):
    messages = [r.message or "" for r in verdicts["rust_forge_before_main"].results]
    assert all("wrote to seidr's report itself" in m for m in messages), messages


def test_the_rust_runner_still_passes_a_correct_program_after_the_hostile_ones(verdicts):
    assert verdicts["honest"].passed, verdicts["honest"]
