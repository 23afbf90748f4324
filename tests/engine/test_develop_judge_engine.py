"""The runner develop() judges with: the real Python runner, which never takes a program's word for a pass."""
from __future__ import annotations

import pytest

from seidr.runners.example import Example
from seidr.runners.problem import Problem
from seidr.runners.program import Program
from seidr.runners.python import PythonRunner
from seidr.synth.develop import ConfigError, runner_for

PROBLEM = Problem(language="python", name="inc", examples=(Example("inc(1)", "2\n"), Example("inc(5)", "6\n")))


@pytest.fixture
async def judge():
    runner = runner_for("python")
    yield runner
    await runner.close()


def test_develop_judges_python_with_the_python_runner_and_a_missing_runner_is_a_config_error():
    assert isinstance(runner_for("python"), PythonRunner)
    with pytest.raises(ConfigError, match="the cobol runner is not installed"):
        runner_for("cobol")


@pytest.mark.parametrize("code", [
    "import sys\ndef inc(x):\n    sys.exit(0)\n",
    "import os\ndef inc(x):\n    os._exit(0)\n",
    'def inc(x):\n    print(\'{"error": null, "results": [{"outcome": "passed"}]}\')\n    return 0\n',
    "def inc(x):\n    raise KeyboardInterrupt\n",
])
async def test_exits_interrupts_and_printed_claims_are_not_passes(code, judge):
    [verdict] = await judge.judge(PROBLEM, [Program(code)])
    assert not verdict.passed and verdict.n_passed == 0


async def test_a_right_program_passes_and_a_wrong_one_says_what_it_returned(judge):
    right, wrong = await judge.judge(
        PROBLEM, [Program("def inc(x):\n    return x + 1\n"), Program("def inc(x):\n    return x\n")])
    assert right.passed
    assert [r.summary() for r in wrong.results] == ["expected 2, got 1", "expected 6, got 5"]
