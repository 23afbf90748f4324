import pytest

from shop.cart import Cart


@pytest.fixture
def base_price():
    return 60


@pytest.fixture
def cart():
    return Cart([20, 40])
