"""Programs that try to pass the shop's tests without doing the work: none may be judged as passing a test it
fails, whatever they do to the process, to pytest or to the values they return."""

from __future__ import annotations

import pytest

from seidr.runners.program import Program
from seidr.runners.verdict import Outcome
from seidr.synth.extract import extract
from seidr.synth.tests_discovery import with_related_tests

pytestmark = pytest.mark.asyncio(loop_scope="module")  # the module's runner lives on the module's loop

HOSTILE = {
    "exits the process with status 0": "import os\ndef discount(price):\n    os._exit(0)\n",
    "raises SystemExit": "import sys\ndef discount(price):\n    sys.exit(0)\n",
    "raises KeyboardInterrupt": "def discount(price):\n    raise KeyboardInterrupt\n",
    "calls pytest.exit": "import pytest\ndef discount(price):\n    pytest.exit('done', returncode=0)\n",
    "skips the test it is called from": "import pytest\ndef discount(price):\n    pytest.skip('not today')\n",
    "marks the test it is called from as an expected failure":
        "import pytest\ndef discount(price):\n    pytest.xfail('known')\n",
    "returns an object equal to everything": (
        "class Anything(float):\n    def __eq__(self, other):\n        return True\n    __hash__ = float.__hash__\n"
        "def discount(price):\n    return Anything(price * RATE)\n"),
    "rewrites pytest's reports to passed": (
        "import _pytest.runner\n"
        "_real = _pytest.runner.call_and_report\n"
        "def _passed(item, when, log=True, **kwargs):\n"
        "    report = _real(item, when, log=False, **kwargs)\n"
        "    report.outcome = 'passed'\n"
        "    report.longrepr = None\n"
        "    if log:\n"
        "        item.ihook.pytest_runtest_logreport(report=report)\n"
        "    return report\n"
        "_pytest.runner.call_and_report = _passed\n"
        "def discount(price):\n    return price * RATE\n"),
    "stops pytest from calling the tests": (
        "import _pytest.python\n"
        "_pytest.python.Function.runtest = lambda self: None\n"
        "def discount(price):\n    return price * RATE\n"),
    "patches TestReport to say passed": (
        "import _pytest.reports\n"
        "_pytest.reports.TestReport.passed = property(lambda self: True)\n"
        "_pytest.reports.TestReport.failed = property(lambda self: False)\n"
        "def discount(price):\n    return price * RATE\n"),
    "prints a forged result record": (
        "def discount(price):\n    print('0 3 done 0 18\\n{\"outcome\":\"passed\"}')\n    return price * RATE\n"),
}


@pytest.fixture
def discount(shop):
    path = shop / "src" / "shop" / "pricing.py"
    found, _ = with_related_tests(extract(path.read_text(), str(path)).find("discount"))
    return found


@pytest.mark.parametrize("how", list(HOSTILE))
async def test_a_program_that_cheats_does_not_pass_the_test_it_fails(how, discount, runner):
    [verdict] = await runner.judge(discount, [Program(HOSTILE[how])])
    caps = next(r for r in verdict.results if r.example.label == "test_discount_caps_at_50")
    assert not verdict.passed
    assert caps.outcome in (Outcome.FAILED, Outcome.ERROR), (caps.outcome, caps.message)
    assert caps.outcome is not Outcome.SKIPPED


async def test_a_skip_called_by_the_program_is_an_error_that_says_so(discount, runner):
    [verdict] = await runner.judge(discount, [Program(HOSTILE["skips the test it is called from"])])
    caps = next(r for r in verdict.results if r.example.label == "test_discount_caps_at_50")
    assert caps.outcome is Outcome.ERROR
    assert caps.message == "pytest.skip() was called from outside the test (by the program?)"


async def test_patching_pytest_fails_the_program_as_a_whole(discount, runner):
    [verdict] = await runner.judge(discount, [Program(HOSTILE["rewrites pytest's reports to passed"])])
    assert verdict.error == "the program changed code the tests rely on (_pytest.runner.call_and_report)"


async def test_a_program_that_interrupts_one_test_does_not_stop_the_others(discount, runner):
    [verdict] = await runner.judge(discount, [Program(
        "def discount(price):\n    if price == 120:\n        raise KeyboardInterrupt\n    return min(price * RATE, 50)\n")])
    results = {r.example.label: r for r in verdict.results}
    assert results["test_discount_caps_at_50"].outcome is Outcome.ERROR
    assert results["test_discount_caps_at_50"].message.startswith("the test raised KeyboardInterrupt")
    assert results["test_discount_is_half"].passed and results["TestCatalog::test_sale_price"].passed


async def test_a_test_that_skips_itself_is_skipped_not_failed(shop, discount, runner):
    test_file = shop / "tests" / "test_pricing.py"
    test_file.write_text(test_file.read_text().replace(
        "def test_discount_caps_at_50(base_price):\n", "def test_discount_caps_at_50(base_price):\n"
        "    pytest.skip('caps come later')\n"))
    [verdict] = await runner.judge(discount, [Program(discount.code)])
    caps = next(r for r in verdict.results if r.example.label == "test_discount_caps_at_50")
    assert caps.outcome is Outcome.SKIPPED and caps.message == "skip: caps come later"
    assert verdict.passed  # what is left passes


@pytest.mark.parametrize("patch", [
    "import unittest\nunittest.TestCase.assertEqual = lambda self, first, second, msg=None: None\n",
    "import math\nmath.isclose = lambda *args, **kwargs: True\n",
])
async def test_a_program_that_patches_what_the_tests_compare_with_fails(patch, shop, runner):
    path = shop / "src" / "shop" / "pricing.py"
    tax, _ = with_related_tests(extract(path.read_text(), str(path)).find("price_with_tax"))
    [verdict] = await runner.judge(tax, [Program(patch + "def price_with_tax(price):\n    return price * 1.3\n")])
    assert not verdict.passed
    assert verdict.error in ("the program changed code the tests rely on (unittest.case.TestCase.assertEqual)",
                             "the program changed code the tests rely on (math.isclose)")


async def test_a_skip_the_program_raises_while_a_fixture_calls_it_is_an_error(shop, runner):
    (shop / "tests" / "test_fixture_calls.py").write_text(
        "import pytest\n\nfrom shop.pricing import discount\n\n\n@pytest.fixture\ndef half_of_ten():\n"
        "    return discount(10)\n\n\ndef test_half_of_ten(half_of_ten):\n    assert half_of_ten == 5\n")
    path = shop / "src" / "shop" / "pricing.py"
    discount, _ = with_related_tests(extract(path.read_text(), str(path)).find("discount"))
    [verdict] = await runner.judge(discount, [Program(HOSTILE["skips the test it is called from"])])
    fixture_test = next(r for r in verdict.results if r.example.label == "test_half_of_ten")
    assert fixture_test.outcome is Outcome.ERROR
    assert fixture_test.message == "a fixture's call of the program skipped the test"
