"""The Python judge develop() uses never takes a program's word for a pass (stopgap or real runner)."""
from __future__ import annotations

import pytest

from seidr.runners.example import Example
from seidr.runners.problem import Problem
from seidr.runners.program import Program
from seidr.synth.develop import runner_for

PROBLEM = Problem(language="python", name="inc", examples=(Example("inc(1)", "2\n"), Example("inc(5)", "6\n")))


@pytest.mark.parametrize("code", [
    "import sys\ndef inc(x):\n    sys.exit(0)\n",
    "import os\ndef inc(x):\n    os._exit(0)\n",
    'def inc(x):\n    print(\'{"error": null, "results": [{"outcome": "passed"}]}\')\n    return 0\n',
    "def inc(x):\n    raise KeyboardInterrupt\n",
])
async def test_exits_interrupts_and_printed_claims_are_not_passes(code):
    [verdict] = await runner_for("python").judge(PROBLEM, [Program(code)])
    assert not verdict.passed and verdict.n_passed == 0


async def test_a_right_program_passes_and_a_wrong_one_says_what_it_returned():
    right, wrong = await runner_for("python").judge(
        PROBLEM, [Program("def inc(x):\n    return x + 1\n"), Program("def inc(x):\n    return x\n")])
    assert right.passed
    assert [r.summary() for r in wrong.results] == ["expected 2, got 1", "expected 6, got 5"]
