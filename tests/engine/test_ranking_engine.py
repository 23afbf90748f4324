"""Ranking judged programs: passing first, test anchors, lexicase parents, ties to the simpler program."""
from __future__ import annotations

import random

from seidr.runners.example import Example
from seidr.runners.program import Program
from seidr.runners.verdict import ExampleResult, Outcome, Verdict
from seidr.synth.ranking import Candidate, broke_anchor, lexicase, rank

EXAMPLES = [Example(f"f({i})", str(i + 1), line=i) for i in range(3)]


def verdict(*passed: bool) -> Verdict:
    return Verdict(tuple(
        ExampleResult(e, Outcome.PASSED if ok else Outcome.FAILED, expected=e.expected, actual="0")
        for e, ok in zip(EXAMPLES, passed)
    ))


def test_a_repair_that_breaks_an_example_its_parent_passed_ranks_below_the_parent():
    parent = Candidate(Program("def f(x):\n    return 1\n"), verdict(True, True, False))
    child_verdict = verdict(False, True, True)  # same score, but the first example broke
    child = Candidate(Program("def f(x):\n    return x\n", origin="repair", parent=parent.program.id),
                      child_verdict, broke_anchor(child_verdict, parent.verdict))
    assert child.broke_anchor
    assert rank([child, parent]) == [parent, child]
    assert "breaks an example its parent passed" in child.explain()


def test_passing_programs_come_first_and_ties_go_to_the_shorter_program():
    long = Candidate(Program("def f(x):\n    y = x + 1\n    return y\n"), verdict(True, True, True))
    short = Candidate(Program("def f(x):\n    return x + 1\n"), verdict(True, True, True))
    partial = Candidate(Program("def f(x):\n    return 1\n"), verdict(True, False, False))
    assert rank([partial, long, short]) == [short, long, partial]


def test_lexicase_keeps_specialists_that_score_ranking_would_drop():
    generalist = Candidate(Program("def f(x):\n    return 1 if x == 0 else 2\n"), verdict(True, True, False))
    generalist2 = Candidate(Program("def f(x):\n    return 1 if x < 1 else 2 \n"), verdict(True, True, False))
    specialist = Candidate(Program("def f(x):\n    return 3\n"), verdict(False, False, True))
    picked = lexicase([generalist, generalist2, specialist], 2, random.Random(1))
    assert specialist in picked
    assert rank([generalist, generalist2, specialist])[:2] == [generalist, generalist2]


def test_explanations_name_the_first_failing_example():
    c = Candidate(Program("def f(x):\n    return 0\n"), verdict(True, False, False))
    assert c.explain() == "1/3 examples pass; f(1): expected 2, got 0"
