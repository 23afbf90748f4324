"""``seidr check`` and ``seidr synth`` on the shop as a user runs them: related tests are included and counted
apart from the doctests, ``--no-tests`` (or ``tests = false``) leaves them out, and a failing test is repaired."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.conftest import seidr_command

PRICING = "src/shop/pricing.py"
UNCAPPED = "```python\ndef discount(price):\n    return price * RATE\n```"
CAPPED = "```python\ndef discount(price):\n    return min(price * RATE, 50)\n```"


def seidr(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([*seidr_command(), *args], cwd=cwd, capture_output=True, text=True, timeout=170)


def test_check_counts_examples_and_tests_apart_and_prints_the_failing_test_where_it_failed(shop):
    done = seidr("check", "src", cwd=shop)
    assert done.returncode == 1, done.stderr
    assert done.stdout.splitlines() == [
        "src/shop/cart.py:10 Cart.total 2/2 tests pass",
        "src/shop/pricing.py:6 discount 1/1 examples pass, 3/4 tests pass",
        "tests/test_pricing.py:7: test_discount_caps_at_50 fails: assert 60.0 == 50",
        "    +  where 60.0 = discount((60 * 2))",
        "src/shop/pricing.py:15 price_with_tax 1/1 examples pass, 3/3 tests pass",
        "src/shop/pricing.py:23 round_price 1/1 tests pass",
        "src/shop/receipt.py:6 line 1/1 tests pass",
        "5 functions with examples in 4 files: 4 pass, 1 fail",
    ]
    assert done.stderr == ""


def test_check_no_tests_runs_only_the_doctests(shop):
    done = seidr("check", "--no-tests", "src", cwd=shop)
    assert (done.returncode, done.stdout.splitlines()) == (0, [
        "src/shop/pricing.py:6 discount 1/1 examples pass",
        "src/shop/pricing.py:15 price_with_tax 1/1 examples pass",
        "2 functions with examples in 4 files: 2 pass, 0 fail",
    ])


def test_the_tests_setting_turns_them_off_for_the_workspace(shop):
    pyproject = shop / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + "\n[tool.seidr]\ntests = false\n")
    done = seidr("check", PRICING, cwd=shop)
    assert done.returncode == 0 and "tests pass" not in done.stdout, done.stdout + done.stderr


def test_check_json_reports_tests_with_their_files_and_the_line_that_failed(shop):
    done = seidr("check", "--json", PRICING, cwd=shop)
    report = json.loads(done.stdout)
    assert report["summary"]["examples"] == 2 and report["summary"]["examples_passed"] == 2
    assert (report["summary"]["tests"], report["summary"]["tests_passed"]) == (8, 7)
    discount = report["files"][0]["functions"][0]
    assert discount["tests"] == {"passed": 3, "total": 4, "skipped": 0}
    (caps,) = [e for e in discount["examples"] if e.get("name") == "test_discount_caps_at_50"]
    assert caps == {"line": 6, "source": "tests/test_pricing.py::test_discount_caps_at_50", "expected": None,
                    "outcome": "failed", "kind": "test", "name": "test_discount_caps_at_50",
                    "file": str(shop / "tests" / "test_pricing.py"), "actual": None,
                    "message": "assert 60.0 == 50\n +  where 60.0 = discount((60 * 2))", "failed_line": 7}


def test_a_test_named_in_the_docstring_that_does_not_exist_is_a_warning(shop):
    pricing = shop / PRICING
    pricing.write_text(pricing.read_text().replace("tests/test_receipt.py::test_receipt_rounds",
                                                   "tests/test_receipt.py::test_gone"))
    done = seidr("check", PRICING, cwd=shop)
    assert (f"{PRICING}:23: round_price: no test tests/test_receipt.py::test_gone under {shop}; check the name (a "
            "test id such as tests/test_x.py::test_y, a test file, or a test's name)") in done.stdout.splitlines()


def test_synth_repairs_a_function_that_fails_a_related_test(shop, scripted_server):
    scripted_server.answer("Write the Python function", UNCAPPED).answer("The current code:", CAPPED)
    done = seidr("synth", f"{PRICING}::discount", "--model", "openai/scripted", "--api-base",
                 scripted_server.api_base, "--no-cache", "--write", cwd=shop)
    assert done.returncode == 0, done.stderr
    assert "-    return price * RATE\n+    return min(price * RATE, 50)\n" in done.stdout
    assert "discount: solved" in done.stderr
    assert seidr("check", PRICING, cwd=shop).returncode == 0


def test_synth_no_tests_calls_the_doctest_enough(shop, scripted_server):
    pyproject = shop / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + "\n[tool.seidr]\nenumerateFirst = false\n")
    scripted_server.answer("Write the Python function", UNCAPPED)
    done = seidr("synth", f"{PRICING}::discount", "--model", "openai/scripted", "--api-base",
                 scripted_server.api_base, "--no-cache", "--no-tests", cwd=shop)
    assert done.returncode == 0, done.stderr
    assert "discount: solved" in done.stderr
    prompt = scripted_server.requests[0]["messages"][-1]["content"]
    assert "test_discount_caps_at_50" not in prompt
