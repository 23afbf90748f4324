import shop.pricing


def test_tax():
    assert shop.pricing.price_with_tax(10) == 12.0
