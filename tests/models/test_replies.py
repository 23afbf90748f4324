"""The reply parser on a corpus of messy model replies (tests/data/replies): chatter, fences, several blocks,
whole modules, bare bodies, replies cut off, wrong names and signatures, and the C++/Rust/Verus forms."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib

from seidr.runners.problem import Problem
from seidr.synth.replies import code_from_reply, parse_reply

CORPUS = Path(__file__).resolve().parent.parent / "data" / "replies"
CASES = tomllib.loads((CORPUS / "cases.toml").read_text())["case"]


def problem_for(case: dict) -> Problem:
    return Problem(language=case.get("language", "python"), name=case.get("name", "inc"),
                   signature=case["signature"], context=case.get("context", ""))


@pytest.mark.parametrize("case", CASES, ids=[c["reply"] for c in CASES])
def test_the_parser_makes_each_reply_of_the_corpus_what_it_should(case):
    reply = parse_reply((CORPUS / case["reply"]).read_text(), problem_for(case))
    if "reason" in case:
        assert reply.code is None and case["reason"] in reply.reason
        return
    assert reply.code, reply.reason
    for text in case.get("keeps", []):
        assert text in reply.code
    for text in case.get("drops", []):
        assert text not in reply.code
    if case.get("language", "python") == "python":
        ast.parse(reply.code)
    if "call" in case:
        scope: dict = {}
        exec(case.get("context", "") + "\n" + reply.code, scope)
        value = eval(case["call"], scope)
        if "expect_repr" in case:
            assert repr(value) == case["expect_repr"]
        else:
            assert value == case["expect"]


def test_the_program_is_the_function_with_what_it_needs_above_it():
    reply = parse_reply((CORPUS / "several_blocks.md").read_text(), problem_for({"signature": "def inc(x):"}))
    assert reply.code.index("def _step") < reply.code.index("STEP = 1") < reply.code.index("def inc")  # as written


def test_a_method_comes_back_as_the_method_alone_dedented():
    case = next(c for c in CASES if c["reply"] == "method_in_class.md")
    code = parse_reply((CORPUS / case["reply"]).read_text(), problem_for(case)).code
    assert code.startswith("import math\n") and "\ndef area(self) -> float:\n    " in code


def test_an_empty_reply_is_rejected_with_its_reason():
    assert parse_reply("   \n", problem_for({"signature": "def inc(x):"})).reason == "the reply is empty"


def test_a_problem_without_a_signature_checks_the_name_only():
    reply = parse_reply("```python\ndef inc(a, b=2):\n    return a + b\n```", Problem(language="python", name="inc"))
    assert reply.code == "def inc(a, b=2):\n    return a + b\n"


def test_code_from_reply_takes_the_first_block_or_the_whole_text():
    assert code_from_reply("Here:\n```python\nx = 1\n```\n```python\ny = 2\n```") == "x = 1\n"
    assert code_from_reply("print('hi')") == "print('hi')\n"


ADD = Problem(language="python", name="add", signature="def add(a, b):")


def test_a_complete_definition_wins_over_a_later_scaffold():
    reply = ("Here it is:\n```python\ndef add(a, b):\n    return a + b\n```\nor, to fill in yourself:\n"
             '```python\ndef add(a, b):\n    """Add."""\n    raise NotImplementedError\n```\n')
    assert parse_reply(reply, ADD).code == "def add(a, b):\n    return a + b\n"
    same_block = "```python\ndef add(a, b):\n    return a + b\n\n\ndef add(a, b):\n    ...\n```"
    assert parse_reply(same_block, ADD).code.strip().endswith("return a + b")


def test_a_definition_that_only_names_its_parameters_differently_gets_the_users_names():
    reply = "```python\ndef add(x, y):\n    total = x + y\n    return total\n```"
    assert parse_reply(reply, ADD).code == "def add(a, b):\n    total = a + b\n    return total\n"
    clash = "```python\ndef add(x, y):\n    a = x\n    return a + y\n```"  # renaming x to a would clash
    assert parse_reply(clash, ADD).code is None
