import pytest

from shop.pricing import discount


def test_discount_caps_at_50(base_price):
    assert discount(base_price * 2) == 50


@pytest.mark.parametrize("price, off", [(10, 5), (40, 20), (100, 50)])
def test_discount_is_half(price, off):
    assert discount(price) == off


@pytest.mark.slow
def test_arithmetic_is_unrelated():
    assert 1 + 1 == 2
