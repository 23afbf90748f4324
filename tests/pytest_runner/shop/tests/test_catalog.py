import pytest

from shop import pricing


class TestCatalog:
    def test_sale_price(self):
        assert 80 - pricing.discount(80) == 40


@pytest.mark.parametrize("rule", [pricing.discount, pricing.price_with_tax])
def test_rules_give_floats(rule):
    assert isinstance(rule(10), float)
