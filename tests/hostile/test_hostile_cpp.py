"""Hostile C++ programs, judged through the public paths, all at once: the runner API
(``get_runner("cpp").judge``) and ``seidr check`` on a folder of them. Each fails its example, and together
they leave no trace: nothing written outside the sandbox, nothing sent to the loopback server, no process
running, and the judge still passes a correct program afterwards."""

from __future__ import annotations

import asyncio
import os
import shutil

import pytest

from seidr.runners.limits import Limits
from seidr.runners.program import Program
from seidr.runners.runner import get_runner
from seidr.synth.extract import extract
from tests.hostile.check import check_folder, honest_source
from tests.hostile.programs import CPP
from tests.hostile.scene import SECRET, Scene
from tests.sandbox.support import CONFINED_REASON, canary_folder, confined, remove

pytestmark = [
    pytest.mark.skipif(shutil.which("g++") is None, reason="g++ not installed"),
    pytest.mark.skipif(not confined(), reason=CONFINED_REASON),
]
LIMITS = Limits(example_seconds=1.5, program_seconds=3.0, memory_mb=256, file_size_mb=4)


def judged(runner, source: str, name: str):
    (problem,) = [p for p in extract(source, f"/src/{name}.cpp", "cpp").problems if p.name == "answer"]
    code = source[source.index("int answer()"):]
    return runner.judge(problem, [Program(code)])


@pytest.fixture(scope="module")
def batch():
    """Every hostile C++ program judged at once, with the world they ran in and the traces they left."""
    scene = Scene()
    canary = canary_folder()
    os.environ["OPENAI_API_KEY"] = SECRET
    runner = get_runner("cpp", limits=LIMITS)
    programs = {name: scene.program(source, canary) for name, (_, source) in CPP.items()}
    hits = scene.listener.hits

    async def everything():
        verdicts = await asyncio.gather(*(judged(runner, source, name) for name, (source, _) in programs.items()))
        honest = await judged(runner, honest_source("cpp"), "honest")
        return dict(zip(programs, (v for (v,) in verdicts))), honest[0]

    try:
        verdicts, honest = asyncio.run(everything())
        traces = {name: scene.traces(marker, canary, hits) for name, (_, marker) in programs.items()}
        # the same sources (the binaries are cached) through seidr check
        checked = check_folder(scene, canary, {f"{name}.cpp": program for name, program in programs.items()},
                               LIMITS)
        yield verdicts, traces, honest, checked
    finally:
        os.environ.pop("OPENAI_API_KEY", None)
        remove(canary)
        scene.close()


@pytest.mark.parametrize("name", sorted(CPP))
def test_a_hostile_cpp_program_fails_and_leaves_no_trace(name, batch):
    verdicts, traces, _, _ = batch
    assert not (verdicts[name].error or "").startswith("did not compile"), verdicts[name].error
    assert not verdicts[name].passed, verdicts[name]
    assert traces[name] == []


def test_the_cpp_runner_still_passes_a_correct_program_after_the_hostile_ones(batch):
    _, _, honest, _ = batch
    assert honest.passed, honest


def test_seidr_check_fails_every_hostile_cpp_program_and_nothing_escapes(batch):
    statuses, traces, honest = batch[3]
    assert sorted(statuses) == sorted(f"{name}.cpp" for name in CPP)
    assert {name: status for name, status in statuses.items() if status != "failed"} == {}
    assert traces == [] and honest == "passed"
