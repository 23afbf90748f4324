"""Judging Python functions against their doctests and checks: the verdict of each example, doctest's own
rules (directives, expected exceptions, a docstring's shared namespace), the user's module around the function,
drafts that replace a function or a method."""

from __future__ import annotations

import tempfile
from pathlib import Path

from seidr.runners.example import Example
from seidr.runners.problem import Problem
from seidr.runners.program import Program
from seidr.runners.verdict import Outcome
from tests.runners.problems import problem_in, write

CALC = '''\
"""A tiny calculator."""
import math

SCALE = 10


def _round(x):
    return math.floor(x * SCALE) / SCALE


def add(a, b):
    """
    >>> add(2, 3)
    5
    >>> add(-1, 1)
    0
    """
    return a + b


def shout(word):
    """
    >>> shout("hi")
    'HI!'
    >>> shout("ok")
    'OK!'
    """
    return word.upper() + "?"


def ratio(a, b):
    """
    >>> ratio(1, 4)
    0.2
    >>> ratio(1, 0)
    0.0
    """
    return _round(a / b)
'''


async def test_a_right_function_passes_every_example(tmp_path, runner):
    problem = problem_in(write(tmp_path, "calc.py", CALC), "add")
    (verdict,) = await runner.judge(problem, [Program(problem.code)])
    assert verdict.passed and verdict.error is None
    assert [r.outcome for r in verdict.results] == [Outcome.PASSED, Outcome.PASSED]
    assert verdict.score == 1.0 and not verdict.cached


async def test_a_wrong_function_fails_with_what_was_expected_and_what_came_back(tmp_path, runner):
    problem = problem_in(write(tmp_path, "calc.py", CALC), "shout")
    (verdict,) = await runner.judge(problem, [Program(problem.code)])
    assert not verdict.passed
    assert [r.summary() for r in verdict.results] == ["expected 'HI!', got 'HI?'", "expected 'OK!', got 'OK?'"]
    assert verdict.results[0].expected.strip() == "'HI!'" and verdict.results[0].actual.strip() == "'HI?'"


async def test_an_exception_is_an_error_naming_it_and_the_line_of_the_file_that_raised_it(tmp_path, runner):
    path = write(tmp_path, "calc.py", CALC)
    problem = problem_in(path, "ratio")
    (verdict,) = await runner.judge(problem, [Program(problem.code)])
    first, second = verdict.results
    assert first.outcome is Outcome.PASSED
    assert second.outcome is Outcome.ERROR
    assert second.message.startswith("ZeroDivisionError: division by zero")
    raising = CALC.splitlines().index("    return _round(a / b)") + 1
    assert f"calc.py, line {raising}, in ratio: return _round(a / b)" in second.message


async def test_a_draft_replaces_the_function_and_keeps_the_module_around_it(tmp_path, runner):
    problem = problem_in(write(tmp_path, "calc.py", CALC), "ratio")
    draft = "def ratio(a, b):\n    return _round(a / b) if b else 0.0\n"
    (verdict,) = await runner.judge(problem, [Program(draft, origin="draft")])
    assert verdict.passed


async def test_a_draft_that_imports_what_its_module_imports_is_judged_by_a_fresh_worker(tmp_path, runner):
    # HumanEval's shape: the prompt and the completed program both start with the same imports
    module = write(tmp_path, "bank.py", '''\
from typing import List
import collections.abc


def below_zero(operations: List[int]) -> bool:
    """
    >>> below_zero([1, 2, -4, 5])
    True
    >>> below_zero([1, 2])
    False
    """
''')
    draft = ("from typing import List\nimport collections.abc, typing\n\n\n"
             "def below_zero(operations: List[int]) -> bool:\n"
             "    balance = 0\n    for op in operations:\n        balance += op\n"
             "        if balance < 0:\n            return True\n    return False\n")
    (verdict,) = await runner.judge(problem_in(module, "below_zero"), [Program(draft, origin="draft")])
    assert verdict.passed, verdict


async def test_an_error_in_a_draft_points_into_the_draft(tmp_path, runner):
    problem = problem_in(write(tmp_path, "calc.py", CALC), "add")
    (verdict,) = await runner.judge(problem, [Program("def add(a, b):\n    total = a + b\n    return total / 0\n")])
    assert verdict.results[0].message == (
        "ZeroDivisionError: division by zero (the program, line 3, in add: return total / 0)")


DIRECTIVES = '''\
def numbers(n):
    """
    >>> numbers(30)  # doctest: +ELLIPSIS
    [0, 1, 2, ..., 29]
    >>> numbers(12)  # doctest: +NORMALIZE_WHITESPACE
    [0, 1, 2, 3,
     4, 5, 6, 7,
     8, 9, 10, 11]
    >>> numbers(10 ** 12)  # doctest: +SKIP
    []
    >>> numbers(-1)
    Traceback (most recent call last):
      ...
    ValueError: n must not be negative
    >>> numbers("x")  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    TypeError: something else entirely
    >>> print("a"); print(); print("b")
    a
    <BLANKLINE>
    b
    """
    if isinstance(n, int) and n < 0:
        raise ValueError("n must not be negative")
    return list(range(n))
'''


async def test_doctest_directives_and_expected_exceptions_mean_what_they_mean_in_doctest(tmp_path, runner):
    problem = problem_in(write(tmp_path, "nums.py", DIRECTIVES), "numbers")
    (verdict,) = await runner.judge(problem, [Program(problem.code)])
    assert [r.outcome for r in verdict.results] == [
        Outcome.PASSED, Outcome.PASSED, Outcome.SKIPPED, Outcome.PASSED, Outcome.PASSED, Outcome.PASSED]
    assert verdict.passed and verdict.n_total == 5


async def test_without_the_directives_the_same_outputs_fail_but_a_value_wrapped_over_lines(tmp_path, runner):
    """Without NORMALIZE_WHITESPACE doctest fails the wrapped list; its value is right, so it passes with a note
    saying that doctest, comparing text, would fail it."""
    plain = (DIRECTIVES.replace("  # doctest: +ELLIPSIS", "").replace("  # doctest: +NORMALIZE_WHITESPACE", "")
             .replace("  # doctest: +IGNORE_EXCEPTION_DETAIL", ""))
    problem = problem_in(write(tmp_path, "nums.py", plain), "numbers")
    (verdict,) = await runner.judge(problem, [Program(problem.code)])
    outcomes = [r.outcome for r in verdict.results]
    assert outcomes[:2] == [Outcome.FAILED, Outcome.PASSED]
    assert verdict.results[1].message == (
        "passes as a value, but doctest compares text and fails it: printed [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]")
    assert verdict.results[3].message is None  # the exception, read as doctest reads it
    assert outcomes[4] is Outcome.FAILED
    assert verdict.results[4].summary() == (
        "expected TypeError: something else entirely, got TypeError: 'str' object cannot be interpreted as an integer")


async def test_a_missing_exception_and_a_different_exception_both_fail(tmp_path, runner):
    problem = problem_in(write(tmp_path, "nums.py", DIRECTIVES), "numbers")
    lenient = "def numbers(n):\n    return list(range(max(n, 0))) if isinstance(n, int) else None\n"
    (verdict,) = await runner.judge(problem, [Program(lenient)])
    raising, wrong_type = verdict.results[3], verdict.results[4]
    assert raising.outcome is Outcome.FAILED and raising.actual.strip() == "[]"
    assert wrong_type.outcome is Outcome.FAILED and wrong_type.actual == "nothing raised"


SESSION = '''\
def total(items):
    """
    >>> cart = [3, 4]
    >>> cart.append(5)
    >>> total(cart)
    12
    >>> print("sum:", total(cart))
    sum: 12
    >>> _ + 1
    13
    >>> for n in (1, 2):
    ...     total([n])
    1
    2
    """
    return sum(items)
'''


async def test_examples_of_one_docstring_share_a_namespace_and_run_in_order(tmp_path, runner):
    problem = problem_in(write(tmp_path, "cart.py", SESSION), "total")
    (verdict,) = await runner.judge(problem, [Program(problem.code)])
    assert verdict.passed, [r.summary() for r in verdict.results]


async def test_printed_output_is_what_a_doctest_compares(tmp_path, runner):
    problem = problem_in(write(tmp_path, "cart.py", SESSION), "total")
    (verdict,) = await runner.judge(problem, [Program("def total(items):\n    print('adding')\n    return sum(items)\n")])
    assert verdict.results[2].summary() == "expected 12, got adding\n12"


SHOP = '''\
from pricing import TAX_RATE, net

CURRENCY = "EUR"


def price(amount):
    """
    >>> price(100)
    '121.00 EUR'
    """
    return f"{net(amount) * (1 + TAX_RATE):.2f} {CURRENCY}"
'''


async def test_the_module_context_gives_helpers_constants_and_sibling_imports(runner):
    # programs run as a uid of their own and read the project as other users do: a project folder is
    # readable by them (0755), pytest's tmp_path (0700, below a 0700 folder) is not
    with tempfile.TemporaryDirectory() as name:
        project = Path(name)
        project.chmod(0o755)
        write(project, "pricing.py", "TAX_RATE = 0.21\n\ndef net(amount):\n    return amount\n")
        problem = problem_in(write(project, "shop.py", SHOP), "price")
        (current,) = await runner.judge(problem, [Program(problem.code)])
        assert current.passed
        draft = "def price(amount):\n    gross = net(amount) + net(amount) * TAX_RATE\n    return f'{gross:.2f} {CURRENCY}'\n"
        (drafted,) = await runner.judge(problem, [Program(draft)])
        assert drafted.passed


async def test_the_module_is_named_after_its_file_and_is_not_main(tmp_path, runner):
    text = ('def where():\n    """\n    >>> where()\n    \'shop\'\n    """\n    return __name__\n\n'
            'if __name__ == "__main__":\n    raise SystemExit("ran as a script")\n')
    problem = problem_in(write(tmp_path, "shop.py", text), "where")
    (verdict,) = await runner.judge(problem, [Program(problem.code)])
    assert verdict.passed


STACK = '''\
class Base:
    def __init__(self):
        self.created = True


class Stack(Base):
    def __init__(self):
        super().__init__()
        self.__items = []

    def push(self, item):
        """
        >>> s = Stack()
        >>> s.push(1)
        >>> s.push(2)
        >>> s.size()
        2
        >>> s.created
        True
        """

    def size(self):
        return len(self.__items)
'''


async def test_a_method_draft_replaces_the_method_on_its_class(tmp_path, runner):
    problem = problem_in(write(tmp_path, "stack.py", STACK), "Stack.push")
    (stub,) = await runner.judge(problem, [Program(problem.code)])
    assert not stub.passed and stub.results[3].summary() == "expected 2, got 0"
    draft = "def push(self, item):\n    self.__items.append(item)\n"
    (verdict,) = await runner.judge(problem, [Program(draft)])
    assert verdict.passed, [r.summary() for r in verdict.results]


async def test_a_method_draft_can_call_super_and_keeps_staticmethod(tmp_path, runner):
    text = STACK + '''
    @staticmethod
    def describe(n):
        """
        >>> Stack.describe(2)
        '2 items'
        >>> Stack().describe(1)
        '1 items'
        """
'''
    problem = problem_in(write(tmp_path, "stack.py", text), "Stack.describe")
    (verdict,) = await runner.judge(problem, [Program("def describe(n):\n    return f'{n} items'\n")])
    assert verdict.passed, [r.summary() for r in verdict.results]
    init = problem_in(write(tmp_path, "stack2.py", STACK), "Stack.push")
    new_init = Problem(**{**init.__dict__, "name": "Stack.__init__"})
    (verdict,) = await runner.judge(new_init, [Program(
        "def __init__(self):\n    super().__init__()\n    self.__items = [0]\n")])
    assert verdict.results[3].summary() == "expected 2, got 1"  # super() reached Base; the private list was used


async def test_assert_examples_pass_when_they_complete_and_say_what_came_back_when_not(runner):
    problem = Problem(language="python", name="inc", examples=(
        Example("assert inc(1) == 2", kind="assert", line=1), Example("assert inc(5) == 6", kind="assert", line=2)))
    right, wrong, broken = await runner.judge(problem, [
        Program("def inc(x):\n    return x + 1\n"), Program("def inc(x):\n    return x * 2\n"),
        Program("def inc(x):\n    return x.missing\n")])
    assert right.passed
    assert [r.summary() for r in wrong.results] == ["passed", "expected 6, got 10"]
    assert wrong.results[1].message == "assert inc(5) == 6"
    assert broken.results[0].outcome is Outcome.ERROR
    assert broken.results[0].message.startswith("AttributeError: 'int' object has no attribute 'missing'")


HIDDEN = '''
def check(candidate):
    assert candidate([1, 2, 3]) == 6
    assert candidate([]) == 0
    assert abs(candidate([0.5, 0.25]) - 0.75) < 1e-9
'''


async def test_hidden_checks_are_judged_when_asked_for(runner):
    problem = Problem(language="python", name="total", examples=(Example("total([1])", "1\n"),),
                      hidden_tests=(Example(HIDDEN + "\ncheck(total)\n", kind="assert", label="hidden tests"),))
    visible_only = "def total(xs):\n    return 1\n"
    (shown,) = await runner.judge(problem, [Program(visible_only)])
    (hidden,) = await runner.judge(problem, [Program(visible_only)], hidden=True)
    assert shown.passed and not hidden.passed
    assert hidden.results[0].summary() == "expected 6, got 1"
    assert hidden.results[0].message == "assert candidate([1, 2, 3]) == 6"
    (good,) = await runner.judge(problem, [Program("def total(xs):\n    return sum(xs)\n")], hidden=True)
    assert good.passed


async def test_an_example_the_python_runner_cannot_run_is_an_error_naming_its_kind(runner):
    problem = Problem(language="python", name="f", examples=(
        Example("f(1)", "1\n"), Example("", "out\n", kind="io", stdin="in")))
    (verdict,) = await runner.judge(problem, [Program("def f(x):\n    return x\n")])
    assert verdict.results[0].passed
    assert verdict.results[1].outcome is Outcome.ERROR and "'io'" in verdict.results[1].message
    assert not verdict.passed


async def test_a_module_that_does_not_load_fails_every_example_with_the_reason(tmp_path, runner):
    problem = problem_in(write(tmp_path, "calc.py", CALC), "add")
    broken, missing, nameless = await runner.judge(problem, [
        Program("def add(a, b)\n    return a + b\n"),
        Program("import no_such_module_here\ndef add(a, b):\n    return a + b\n"),
        Program("def plus(a, b):\n    return a + b\n")])
    assert broken.error.startswith("the module did not load: SyntaxError: expected ':'")
    assert missing.error.startswith("the module did not load: ModuleNotFoundError: No module named 'no_such_module_here'")
    assert nameless.error == "the module did not load: the program does not define add"
    for verdict in (broken, missing, nameless):
        assert [r.outcome for r in verdict.results] == [Outcome.ERROR, Outcome.ERROR] and verdict.score == 0


async def test_programs_are_judged_in_order_one_verdict_each(tmp_path, runner):
    problem = problem_in(write(tmp_path, "calc.py", CALC), "add")
    codes = [f"def add(a, b):\n    return a + b + {k}\n" for k in range(6)]
    verdicts = await runner.judge(problem, [Program(code) for code in codes])
    assert [v.passed for v in verdicts] == [True, False, False, False, False, False]
    assert [v.results[0].actual.strip() for v in verdicts] == ["5", "6", "7", "8", "9", "10"]
