"""Prices in the shop."""

RATE = 0.5


def discount(price):
    """How much comes off a price: half of it, but never more than 50.

    >>> discount(40)
    20.0
    """
    return price * RATE


def price_with_tax(price):
    """
    >>> price_with_tax(100)
    120.0
    """
    return price * 1.2


def round_price(price):
    """A price in whole cents.

    seidr: tests tests/test_receipt.py::test_receipt_rounds
    """
    return round(price, 2)
