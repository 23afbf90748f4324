from shop.cart import Cart


def test_total(cart):
    assert cart.total() == 30


def test_empty_cart_is_free():
    assert Cart([]).total() == 0
