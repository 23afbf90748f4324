"""Prompts come from the template files per language and step, filled with the problem as the user wrote it."""
from __future__ import annotations

import re

import pytest

from seidr.runners.example import Example
from seidr.runners.problem import Problem
from seidr.runners.verdict import ExampleResult, Outcome, Verdict
from seidr.synth.prompting import STEPS, render

PYTHON = Problem(
    language="python", name="Stack.push_all", signature="    def push_all(self, items: list) -> int:",
    description="Push every item; return the new size.",
    examples=(Example("s = Stack()", "", line=4), Example("s.push_all([1, 2])", "2\n", line=5),
              Example("s.push_all(None)", None, line=7, exception="TypeError: no items")),
)
CPP = Problem(language="cpp", name="count_vowels", signature="int count_vowels(const std::string& s)",
              description="Count the vowels.", examples=(Example('count_vowels("hello")', "2", kind="expr"),),
              context="#include <string>\n/* seidr:program */\n")
RUST = Problem(language="rust", name="add_two", signature="pub fn add_two(x: i32) -> i32",
               examples=(Example("assert_eq!(add_two(1), 3);", kind="assert"),))
VERUS = Problem(language="verus", name="max_of", signature="fn max_of(a: u64, b: u64) -> (r: u64)",
                examples=(Example("ensures r >= a", kind="spec"),))


def user(messages) -> str:
    return messages[-1]["content"]


@pytest.mark.parametrize("problem", [PYTHON, CPP, RUST, VERUS], ids=lambda p: p.language)
@pytest.mark.parametrize("step", STEPS)
def test_every_language_has_every_step_filled_in(problem, step):
    messages = render(step, problem, context="", code="broken()", feedback="it fails", instruction="Fix it.", count=7)
    assert [m["role"] for m in messages] == ["system", "user"]
    text = user(messages)
    assert problem.signature.strip() in text and f"`{problem.short_name}`" in text
    assert not re.search(r"\$\{?\w", text)  # no field left unfilled
    assert ("broken()" in text) == (step in ("repair", "explain"))
    assert ("7 new calls" in text) == (step == "tests")


def test_examples_are_shown_in_the_language_s_own_syntax():
    assert ">>> s.push_all([1, 2])\n2\n>>> s.push_all(None)\nTraceback (most recent call last):\n    ...\n" \
           "TypeError: no items" in user(render("draft", PYTHON, context=""))
    assert '>>> count_vowels("hello")\n2' in user(render("draft", CPP))
    assert "assert_eq!(add_two(1), 3);" in user(render("draft", RUST))


def test_a_method_is_asked_for_as_a_method_of_its_class():
    assert "It is a method of class `Stack`" in user(render("draft", PYTHON, context=""))


def test_what_the_problem_does_not_have_gets_no_empty_heading():
    bare = Problem(language="python", name="inc", examples=(Example("inc(1)", "2\n"),))
    text = user(render("draft", bare, context=""))
    assert "What it does" not in text and "Code around it" not in text and "method" not in text
    assert "```python\n\n```" not in text and text.startswith("Write the Python function `inc`.")


def test_the_file_around_a_native_function_marks_its_place():
    assert "#include <string>\n/* the function goes here */" in user(render("draft", CPP))


def test_a_repair_prompt_lists_what_failed_and_what_passed_and_the_instruction():
    verdict = Verdict((ExampleResult(PYTHON.examples[1], Outcome.PASSED),
                       ExampleResult(PYTHON.examples[2], Outcome.FAILED, "TypeError: no items", "0")))
    text = user(render("repair", PYTHON, context="", code="def push_all(self, items):\n    return 0",
                       verdict=verdict, instruction="Raise TypeError for None."))
    assert "passes: s.push_all([1, 2])\nFAILS:  s.push_all(None): expected TypeError: no items, got 0" in text
    assert text.index("def push_all(self, items):") < text.index("FAILS:") < text.index("Raise TypeError for None.")


def test_long_context_is_cut_and_says_so():
    text = user(render("draft", PYTHON, context="\n".join(f"X{i} = {i}" for i in range(5000))))
    assert "more characters left out" in text and len(text) < 8000
