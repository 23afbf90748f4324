"""Judging programs against the shop's own tests: per-test verdicts (passed, failed with pytest's message and the
assertion's line, error, timeout), with the program substituted in the sandboxed process and the workspace's pytest
configuration honoured, the files on disk left as they were."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from seidr.runners.limits import Limits
from seidr.runners.program import Program
from seidr.runners.verdict import Outcome
from seidr.synth.extract import extract
from seidr.synth.tests_discovery import with_related_tests

pytestmark = pytest.mark.asyncio(loop_scope="module")  # the module's runner lives on the module's loop

CAPPED = "def discount(price):\n    return min(price * RATE, 50)\n"


def problem(shop: Path, module: str, name: str):
    path = shop / "src" / "shop" / module
    found, messages = with_related_tests(extract(path.read_text(), str(path)).find(name))
    assert messages == []
    return found


def by_label(verdict) -> dict:
    return {(r.example.label or r.example.source): r for r in verdict.results}


async def test_the_users_own_code_fails_the_test_it_breaks_and_passes_the_others(shop, runner):
    discount = problem(shop, "pricing.py", "discount")
    [verdict] = await runner.judge(discount, [Program(discount.code)])
    results = by_label(verdict)
    assert results["discount(40)"].outcome is Outcome.PASSED
    assert results["TestCatalog::test_sale_price"].outcome is Outcome.PASSED
    assert results["test_rules_give_floats"].outcome is Outcome.PASSED
    assert results["test_discount_is_half"].outcome is Outcome.PASSED
    caps = results["test_discount_caps_at_50"]
    assert caps.outcome is Outcome.FAILED
    assert caps.message.splitlines()[0] == "assert 60.0 == 50"
    assert caps.summary().startswith("assert 60.0 == 50")
    assert caps.line == 6  # the assert in tests/test_pricing.py, 0-based
    assert not verdict.passed and verdict.error is None
    assert (verdict.n_passed, verdict.n_total) == (4, 5)


async def test_a_program_in_place_of_the_function_uses_the_module_as_the_user_has_it(shop, runner):
    discount = problem(shop, "pricing.py", "discount")
    [verdict] = await runner.judge(discount, [Program(CAPPED)])  # RATE comes from the user's module
    assert verdict.passed, [r.summary() for r in verdict.failures]
    assert all(r.outcome is Outcome.PASSED for r in verdict.results)


async def test_a_parametrized_test_names_its_first_failing_case(shop, runner):
    discount = problem(shop, "pricing.py", "discount")
    [verdict] = await runner.judge(discount, [Program("def discount(price):\n    return min(price * RATE, 19)\n")])
    half = by_label(verdict)["test_discount_is_half"]
    assert half.outcome is Outcome.FAILED
    assert half.message.splitlines()[0] == "assert 19 == 20 (case 40-20; 2 of 3 cases fail)"


async def test_an_exception_in_the_program_is_an_error_that_says_where(shop, runner):
    discount = problem(shop, "pricing.py", "discount")
    [verdict] = await runner.judge(discount, [Program("def discount(price):\n    return price / 0\n")])
    caps = by_label(verdict)["test_discount_caps_at_50"]
    assert caps.outcome is Outcome.ERROR
    assert caps.message.startswith("ZeroDivisionError: division by zero (the program, line 2, in discount")
    assert caps.line == 6


async def test_a_test_that_runs_too_long_times_out_and_the_rest_is_not_run(shop, runner):
    discount = problem(shop, "pricing.py", "discount")
    limits = Limits(example_seconds=1.0, program_seconds=60.0)
    looping = Program("def discount(price):\n    while price > 50:\n        pass\n    return price * RATE\n")
    [verdict] = await runner.judge(discount, [looping], limits=limits)
    results = by_label(verdict)
    assert results["TestCatalog::test_sale_price"].outcome is Outcome.TIMEOUT
    assert results["TestCatalog::test_sale_price"].message == "timed out after 1 s"
    later = results["test_discount_caps_at_50"]
    assert later.outcome is Outcome.ERROR and later.message == "not run: an earlier test timed out"
    assert results["discount(40)"].outcome is Outcome.PASSED


async def test_a_method_is_judged_against_the_tests_that_use_its_class(shop, runner):
    total = problem(shop, "cart.py", "Cart.total")
    [verdict] = await runner.judge(total, [Program("def total(self):\n    return len(self.prices)\n")])
    results = by_label(verdict)
    assert results["test_total"].outcome is Outcome.FAILED
    assert results["test_total"].message.splitlines()[0] == "assert 2 == 30"
    assert results["test_empty_cart_is_free"].outcome is Outcome.PASSED


async def test_judging_leaves_every_file_of_the_workspace_as_it_was(shop, runner):
    def files() -> dict[str, str]:
        return {str(p.relative_to(shop)): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted(shop.rglob("*")) if p.is_file()}

    before = files()
    discount = problem(shop, "pricing.py", "discount")
    programs = [Program(CAPPED), Program("def discount(price):\n    return 0\n"),
                Program("def discount(price):\n    open('src/shop/pricing.py', 'w').write('x')\n    return 0\n")]
    verdicts = await runner.judge(discount, programs)
    assert [v.passed for v in verdicts] == [True, False, False]
    assert files() == before  # no __pycache__, no .pytest_cache, the source as it was


async def test_a_changed_test_file_is_judged_again_not_taken_from_the_cache(shop, runner):
    discount = problem(shop, "pricing.py", "discount")
    [before] = await runner.judge(discount, [Program(discount.code)])
    assert not by_label(before)["test_discount_caps_at_50"].passed
    test_file = shop / "tests" / "test_pricing.py"
    test_file.write_text(test_file.read_text().replace("== 50\n", "== 60\n", 1))
    [after] = await runner.judge(discount, [Program(discount.code)])
    assert not after.cached
    assert by_label(after)["test_discount_caps_at_50"].passed


async def test_the_workspaces_marker_settings_apply_to_the_tests(shop, runner):
    pyproject = shop / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('markers = ["slow: takes a while"]\n', ""))
    discount = problem(shop, "pricing.py", "discount")
    [verdict] = await runner.judge(discount, [Program(CAPPED)])
    caps = by_label(verdict)["test_discount_caps_at_50"]
    assert caps.outcome is Outcome.ERROR  # --strict-markers from addopts: the unregistered 'slow' is an error
    assert "the test file did not load" in caps.message and "'slow' not found in `markers`" in caps.message
    assert by_label(verdict)["TestCatalog::test_sale_price"].passed


async def test_a_program_without_the_function_fails_to_load_for_every_test(shop, runner):
    discount = problem(shop, "pricing.py", "discount")
    [verdict] = await runner.judge(discount, [Program("def other(price):\n    return 0\n")])
    assert verdict.error == "the module did not load: the program does not define discount"
    assert all(not r.passed for r in verdict.results)


async def test_only_tests_no_doctests(shop, runner):
    line = problem(shop, "receipt.py", "line")
    assert [e.kind for e in line.examples] == ["test"]
    [ok] = await runner.judge(line, [Program(line.code)])
    [bad] = await runner.judge(line, [Program("def line(name, price):\n    return f'{name}: {price}'\n")])
    assert ok.passed and not bad.passed
    assert bad.results[0].message.splitlines()[0] == "AssertionError: assert 'tea: 2.499' == 'tea: 2.5'" or \
        bad.results[0].message.startswith("assert 'tea: 2.499' == 'tea: 2.5'")


async def test_a_unittest_testcase_is_judged_like_any_test(shop, runner):
    tax = problem(shop, "pricing.py", "price_with_tax")
    [verdict] = await runner.judge(tax, [Program("def price_with_tax(price):\n    return price * 1.3\n")])
    legacy = by_label(verdict)["TestTaxTheOldWay::test_tax_of_ten"]
    assert legacy.outcome is Outcome.FAILED and legacy.message == "13.0 != 12.0"
    [right] = await runner.judge(tax, [Program(tax.code)])
    assert by_label(right)["TestTaxTheOldWay::test_tax_of_ten"].passed
