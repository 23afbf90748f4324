"""HumanEval's prompts as a corpus of how people write examples: nearly every prompt yields one, and the
reference solution passes every example read from its prompt (a misread example is worse than none)."""
from __future__ import annotations

import asyncio
from dataclasses import replace

from seidr.runners.program import Program
from seidr.synth.bench.datasets import load
from seidr.synth.develop import runner_for

# the two prompts whose own docstring examples contradict the reference solution
WRONG_IN_THE_DATA = {"HumanEval/47", "HumanEval/116"}


def test_at_least_150_of_164_prompts_yield_an_example():
    problems = load("humaneval")
    assert sum(bool(p.checked_examples()) for p in problems) >= 150
    forms = {e.form for p in problems for e in p.examples}
    assert {"doctest", "==>", "➞", "=>", "Input/Output", ">>> =="} <= forms


def test_reference_solutions_pass_what_is_read_from_prose_prompts():
    problems = [p for p in load("humaneval") if any(e.form != "doctest" for e in p.examples)
                and p.meta["task_id"] not in WRONG_IN_THE_DATA][::4]
    assert len(problems) >= 12

    async def judge():
        runner = runner_for("python")
        try:
            return await asyncio.gather(*(runner.judge(p, [Program(p.meta["canonical"])]) for p in problems))
        finally:
            await runner.close()

    failing = [(p.meta["task_id"], v.failures[0].summary() if v.failures else v.error)
               for p, [v] in zip(problems, asyncio.run(judge())) if not v.passed]
    assert failing == []


def test_a_doctest_value_wrapped_over_lines_reads_as_its_value():
    """HumanEval/113 wraps a two-item list over two lines, in double quotes: doctest can only mean it under
    NORMALIZE_WHITESPACE. The same value crammed onto one line without its spaces still fails, as under doctest."""
    [problem] = [p for p in load("humaneval") if p.meta["task_id"] == "HumanEval/113"]
    wrapped = [e for e in problem.examples if "\n" in e.expected.strip()]
    assert wrapped and all(e.form == "doctest" for e in wrapped)
    crammed = replace(problem, examples=[replace(e, expected=e.expected.replace(",\n ", ",")) for e in wrapped])

    async def judge():
        runner = runner_for("python")
        try:
            return [await runner.judge(p, [Program(problem.meta["canonical"])]) for p in (problem, crammed)]
        finally:
            await runner.close()

    [[as_written], [without_spaces]] = asyncio.run(judge())
    assert as_written.passed, as_written.failures[0].summary() if as_written.failures else as_written.error
    assert not without_spaces.passed
