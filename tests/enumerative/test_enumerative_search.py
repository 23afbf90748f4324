"""The built-in search finds small functions from their doctests, smallest first, within its budgets."""
import asyncio
import time

from seidr.runners.example import Example
from seidr.runners.problem import Problem
from seidr.synth.enumerative import enumerate_program
from seidr.synth.enumerative.spec import spec_of


def problem(signature, *pairs, description=""):
    name = signature.split()[1].split("(")[0]
    return Problem(language="python", name=name, signature=signature, description=description,
                   examples=tuple(Example(source=s, expected=e + "\n") for s, e in pairs))


def run_def(code, name):
    namespace = {}
    exec(code, namespace)
    return namespace[name]


async def test_square_is_found_as_the_smallest_expression():
    result = await enumerate_program(problem("def sq(x):", ("sq(3)", "9"), ("sq(-4)", "16")), seconds=5)
    assert result.reason == "found"
    assert result.program.origin == "enumerative"
    assert result.program.code == "def sq(x):\n    return x ** 2\n"


async def test_found_programs_compute_the_examples_and_are_deterministic():
    cases = [
        (problem("def add(a, b):", ("add(1, 2)", "3"), ("add(10, -4)", "6")), [((7, 8), 15)]),
        (problem("def shout(s):", ("shout('hi')", "'HI!'"), ("shout('ok')", "'OK!'"),
                 description='Upper-cases and adds "!"'), [(("yes",), "YES!")]),
        (problem("def total(xs):", ("total([1, 2, 3])", "6"), ("total([])", "0"), ("total([5])", "5")),
         [(([4, 4],), 8)]),
        (problem("def rev(s):", ("rev('abc')", "'cba'"), ("rev('xy')", "'yx'")), [(("hello",), "olleh")]),
    ]
    for prob, unseen in cases:
        first = await enumerate_program(prob, seconds=5)
        again = await enumerate_program(prob, seconds=5)
        assert first.program is not None, (prob.name, first.reason)
        assert first.program.code == again.program.code
        fn = run_def(first.program.code, prob.name)
        for args, want in unseen:
            assert fn(*args) == want, first.program.code


async def test_comprehension_with_filter_counts_vowels():
    prob = problem("def count_vowels(s):", ("count_vowels('hello')", "2"), ("count_vowels('sky')", "0"),
                   ("count_vowels('aeiou')", "5"), ("count_vowels('banana')", "3"), description='Counts "aeiou".')
    result = await enumerate_program(prob, seconds=10)
    assert result.program is not None, result.reason
    assert run_def(result.program.code, "count_vowels")("education") == 5


async def test_program_budget_stops_the_search_and_says_so():
    prob = problem("def f(x):", ("f(3)", "123456"), ("f(4)", "654321"))
    result = await enumerate_program(prob, seconds=30, max_programs=500)
    assert result.program is None
    assert "program budget" in result.reason
    assert result.examined == 500


async def test_time_budget_is_respected():
    prob = problem("def f(x, y):", ("f(3, 'a')", "'zzq'"), ("f(4, 'b')", "'qqz'"))
    start = time.monotonic()
    result = await enumerate_program(prob, seconds=1.0)
    assert result.program is None
    assert "time budget" in result.reason
    assert time.monotonic() - start < 4


async def test_cancelling_the_task_kills_the_search_quickly():
    prob = problem("def f(x, y):", ("f(3, 'a')", "'zzq'"), ("f(4, 'b')", "'qqz'"))
    task = asyncio.create_task(enumerate_program(prob, seconds=60))
    await asyncio.sleep(0.5)
    start = time.monotonic()
    task.cancel()
    try:
        await task
    except asyncio.CancelledError:
        pass
    assert task.cancelled()
    assert time.monotonic() - start < 1.5


async def test_examples_that_are_not_plain_calls_are_unsupported():
    prob = Problem(language="python", name="f", signature="def f(x):",
                   examples=(Example(source="y = f(2)", expected=""), Example(source="f(3)", expected="4\n")))
    result = await enumerate_program(prob)
    assert result.program is None
    assert result.reason.startswith("unsupported:")
    assert "is not a plain call of f()" in result.reason


async def test_other_languages_are_declined():
    result = await enumerate_program(Problem(language="cpp", name="f"))
    assert result.program is None and "Python only" in result.reason


async def test_assertions_of_plain_calls_are_examples_too():
    prob = Problem(language="python", name="half", signature="def half(n):", examples=(
        Example("assert half(10) == 5", kind="assert"), Example("assert half(7) == 3", kind="assert"),
        Example("assert half(0) == 0", kind="assert")))
    result = await enumerate_program(prob, seconds=5)
    assert result.program is not None, result.reason
    assert result.program.code == "def half(n):\n    return n // 2\n"


async def test_an_assertion_that_is_not_an_equality_of_a_call_is_unsupported():
    prob = Problem(language="python", name="f", signature="def f(x):",
                   examples=(Example("assert f(2) > 1", kind="assert"),))
    result = await enumerate_program(prob)
    assert result.unsupported and "is not a plain call of f()" in result.reason


async def test_of_the_smallest_programs_the_one_using_the_parameters_and_fewer_literals_wins():
    contains = problem("def contains(xs, x):", ("contains([1, 2, 3], 2)", "True"), ("contains([1, 2, 3], 5)", "False"))
    is_even = problem("def is_even(n):", ("is_even(4)", "True"), ("is_even(7)", "False"), ("is_even(0)", "True"))
    assert (await enumerate_program(contains, seconds=5)).program.code.endswith("return x in xs\n")  # not x == 2
    assert (await enumerate_program(is_even, seconds=5)).program.code.endswith("return n % 2 == 0\n")


async def test_doctests_of_an_equality_and_of_none_are_read_and_misprinted_values_are_explained():
    equal = problem("def total(xs):", ("total([1, 2]) == 3", "True"), ("total([]) == 0", "True"))
    assert (await enumerate_program(equal, seconds=5)).program.code.endswith("return sum(xs)\n")
    first = problem("def first(xs):", ("first([7, 8])", "7"), ("first([])", ""))
    assert spec_of(first).wants == ("7", "None")  # doctest shows nothing for None
    quoted = problem("def echo(s):", ("echo('ab')", '"ab"'))
    result = await enumerate_program(quoted, seconds=5)
    assert result.unsupported and "expects \"ab\", which is not how Python prints that value ('ab')" in result.reason


async def test_a_signature_with_imported_annotations_brings_its_import_along():
    prob = Problem(language="python", name="total", signature="def total(xs: List[int]) -> int:",
                   context="import os\nfrom typing import List\n\n\ndef total(xs: List[int]) -> int:\n    ...\n",
                   examples=(Example("total([1, 2])", "3\n"), Example("total([])", "0\n")))
    result = await enumerate_program(prob, seconds=5)
    assert result.program.code == "from typing import List\n\n\ndef total(xs: List[int]) -> int:\n    return sum(xs)\n"
