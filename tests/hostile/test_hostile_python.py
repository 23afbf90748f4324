"""Hostile Python programs fail their example and leave no trace: nothing written outside the sandbox, nothing
sent to the loopback server, no process left running, and the judge keeps working for the next program.

Every program goes through the public paths: the runner API (``get_runner("python").judge``, one program
after another, the traces of each checked before the next) and ``seidr check`` on a folder of them all."""

from __future__ import annotations

import asyncio
import os

import pytest

from seidr.runners.limits import Limits
from seidr.runners.program import Program
from seidr.runners.runner import get_runner
from seidr.runners.sandbox import isolation
from seidr.synth.extract import extract
from tests.hostile.check import check_folder, honest_source
from tests.hostile.programs import PYTHON
from tests.hostile.scene import SECRET, Scene
from tests.sandbox.support import CONFINED_REASON, canary_folder, confined, remove

pytestmark = pytest.mark.skipif(not confined(), reason=CONFINED_REASON)
LIMITS = Limits(example_seconds=1.0, program_seconds=2.0, memory_mb=256, file_size_mb=4)


@pytest.fixture(scope="module")
def scene():
    world = Scene()
    os.environ["OPENAI_API_KEY"] = SECRET  # the judge holds a key, as the server does
    yield world
    os.environ.pop("OPENAI_API_KEY", None)
    world.close()


def answer_of(source: str, path: str):
    (problem,) = [p for p in extract(source, path, "python").problems if p.name == "answer"]
    return problem


@pytest.fixture(scope="module")
def judged_by_the_runner(scene):
    """Every hostile program judged by one Python runner, one after another, with the traces each left; then a
    correct program."""

    async def everything():
        runner = get_runner("python", limits=LIMITS)
        found = {}
        try:
            for name, (_, template) in PYTHON.items():
                canary = canary_folder()
                source, marker = scene.program(template, canary)
                hits = scene.listener.hits
                (verdict,) = await runner.judge(answer_of(source, f"{scene.project}/{name}.py"), [Program(source)])
                found[name] = (verdict, scene.traces(marker, canary, hits))
                remove(canary)
            honest = answer_of(honest_source(), f"{scene.project}/honest.py")
            (found["honest"],) = await runner.judge(honest, [Program(honest.code)])
        finally:
            await runner.close()
        return found

    return asyncio.run(everything())


@pytest.mark.parametrize("name", sorted(PYTHON))
def test_a_hostile_program_judged_by_the_python_runner_fails_and_leaves_no_trace(name, judged_by_the_runner):
    verdict, traces = judged_by_the_runner[name]
    assert not verdict.passed, verdict
    assert traces == []


def test_the_python_runner_still_passes_a_correct_program_after_the_hostile_ones(judged_by_the_runner):
    assert judged_by_the_runner["honest"].passed, judged_by_the_runner["honest"]


@pytest.fixture(scope="module")
def checked(scene):
    canary = canary_folder()
    try:
        programs = {f"{name}.py": scene.program(template, canary) for name, (_, template) in PYTHON.items()}
        yield check_folder(scene, canary, programs, LIMITS)
    finally:
        remove(canary)


def test_seidr_check_fails_every_hostile_program_and_nothing_escapes(checked):
    statuses, traces, _ = checked
    assert sorted(statuses) == sorted(f"{name}.py" for name in PYTHON)
    # under bubblewrap the user's own code gets a loopback of its own (a project's tests serve on it): listening
    # there, or sending into it, reaches nothing outside, as the traces show; a candidate gets none (above)
    contained = {"tcp_listen.py", "udp_send.py"} if isolation().level == "bwrap" else set()
    assert {name: status for name, status in statuses.items() if status != "failed" and name not in contained} == {}
    assert traces == []


def test_seidr_check_still_passes_a_correct_program_after_the_hostile_ones(checked):
    _, _, honest = checked
    assert honest == "passed"
