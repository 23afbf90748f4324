"""Which of the shop's tests exercise a function: found by what they import and reference (directly, through a
module attribute, through parametrize, through a conftest fixture), and named in the docstring or a setting."""

from __future__ import annotations

import os
from pathlib import Path

from seidr.synth.extract import extract
from seidr.synth.tests_discovery import related_tests, with_related_tests


def problem(shop: Path, module: str, name: str):
    path = shop / "src" / "shop" / module
    found = extract(path.read_text(), str(path)).find(name)
    assert found is not None, name
    return found


def ids(discovery) -> list[str]:
    return [e.source for e in discovery.examples]


def test_a_function_is_exercised_by_direct_imports_module_attributes_and_parametrize(shop):
    found = related_tests(problem(shop, "pricing.py", "discount"))
    assert ids(found) == [
        "tests/test_catalog.py::TestCatalog::test_sale_price",
        "tests/test_catalog.py::test_rules_give_floats",
        "tests/test_pricing.py::test_discount_caps_at_50",
        "tests/test_pricing.py::test_discount_is_half",
    ]
    assert found.messages == []


def test_each_test_keeps_its_file_its_line_and_its_code(shop):
    found = related_tests(problem(shop, "pricing.py", "discount"))
    caps = next(e for e in found.examples if e.label == "test_discount_caps_at_50")
    assert caps.kind == "test"
    assert caps.file == str(shop / "tests" / "test_pricing.py")
    assert caps.line == 5  # the def, 0-based
    assert caps.expected.startswith("def test_discount_caps_at_50(base_price):")
    half = next(e for e in found.examples if e.label == "test_discount_is_half")
    assert half.expected.startswith("@pytest.mark.parametrize")


def test_another_function_of_the_module_has_its_own_tests(shop):
    found = related_tests(problem(shop, "pricing.py", "price_with_tax"))
    assert ids(found) == ["tests/test_catalog.py::test_rules_give_floats",
                          "tests/test_legacy.py::TestTaxTheOldWay::test_tax_of_ten", "tests/test_tax.py::test_tax"]


def test_a_method_is_exercised_through_a_conftest_fixture_that_builds_its_class(shop):
    found = related_tests(problem(shop, "cart.py", "Cart.total"))
    assert ids(found) == ["tests/test_cart.py::test_total", "tests/test_cart.py::test_empty_cart_is_free"]


def test_a_seidr_tests_line_in_the_docstring_names_a_test_the_scan_cannot_see(shop):
    found = related_tests(problem(shop, "pricing.py", "round_price"))
    assert ids(found) == ["tests/test_receipt.py::test_receipt_rounds"]


def test_the_setting_names_tests_by_id_file_or_bare_name(shop):
    target = problem(shop, "receipt.py", "line")
    assert ids(related_tests(target)) == ["tests/test_receipt.py::test_receipt_rounds"]
    named = {"shop.receipt.line": ["tests/test_tax.py", "test_total"]}
    assert ids(related_tests(target, named)) == [
        "tests/test_cart.py::test_total",
        "tests/test_receipt.py::test_receipt_rounds",
        "tests/test_tax.py::test_tax",
    ]
    by_path = {"src/shop/receipt.py::line": "tests/test_pricing.py::test_discount_is_half[10-5]"}
    [case] = [e for e in related_tests(target, by_path).examples if "pricing" in e.source]
    assert case.source == "tests/test_pricing.py::test_discount_is_half[10-5]"


def test_a_name_that_matches_no_test_is_reported_not_dropped_silently(shop):
    found = related_tests(problem(shop, "receipt.py", "line"), {"shop.receipt.line": ["tests/test_gone.py::test_x"]})
    assert ids(found) == ["tests/test_receipt.py::test_receipt_rounds"]
    [message] = found.messages
    assert "no test tests/test_gone.py::test_x" in message


def test_a_new_test_is_found_after_the_test_file_changes(shop):
    target = problem(shop, "pricing.py", "price_with_tax")
    assert "tests/test_tax.py::test_tax_of_zero" not in ids(related_tests(target))
    test_file = shop / "tests" / "test_tax.py"
    test_file.write_text(test_file.read_text() + "\n\ndef test_tax_of_zero():\n    assert shop.pricing.price_with_tax(0) == 0\n")
    stat = test_file.stat()
    os.utime(test_file, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))  # a coarse clock must see it change
    assert "tests/test_tax.py::test_tax_of_zero" in ids(related_tests(target))


def test_testpaths_bound_the_search(shop):
    stray = shop / "scripts"
    stray.mkdir()
    (stray / "test_stray.py").write_text("from shop.pricing import discount\n\ndef test_stray():\n    discount(1)\n")
    assert not any("stray" in i for i in ids(related_tests(problem(shop, "pricing.py", "discount"))))


def test_tests_are_added_after_the_doctests_and_only_when_enabled(shop):
    target = problem(shop, "pricing.py", "discount")
    with_tests, messages = with_related_tests(target)
    assert [e.kind for e in with_tests.examples] == ["doctest"] + ["test"] * 4 and messages == []
    assert with_related_tests(with_tests)[0] == with_tests  # already there: not added twice
    assert with_related_tests(target, enabled=False)[0] == target


def test_functions_of_test_files_and_conftests_have_no_related_tests(shop):
    conftest = shop / "tests" / "conftest.py"
    fixture = extract(conftest.read_text(), str(conftest)).find("base_price")
    assert related_tests(fixture).examples == ()


def test_an_unchanged_test_file_is_parsed_once_and_again_after_it_changes(shop):
    from seidr.runners.pytest_config import locate
    from seidr.synth.tests_discovery import parse_file

    test_file = str(shop / "tests" / "test_pricing.py")
    config = locate(str(shop / "tests"))
    first = parse_file(test_file, config)
    assert parse_file(test_file, config) is first
    stat = os.stat(test_file)
    os.utime(test_file, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert parse_file(test_file, config) is not first
