"""Prices in a small shop: read what a customer typed, total a basket, take a discount off.

Run `seidr check examples/` (or open this file in an editor with seidr): `basket_total` and
`parse_price` pass their examples, `discount` fails one, and `cheapest` is a stub for `seidr synth`.
"""


def basket_total(prices):
    """The sum of a basket's prices, rounded to cents.

    >>> basket_total([1.25, 2.5, 0.1])
    3.85
    >>> basket_total([])
    0
    """
    return round(sum(prices), 2)


def parse_price(text):
    """The amount in a price as a customer types it, with or without the euro sign.

    >>> parse_price("€4.50")
    4.5
    >>> parse_price(" 12 ")
    12.0
    >>> parse_price("four")
    Traceback (most recent call last):
      ...
    ValueError: not a price: 'four'
    """
    try:
        return float(text.strip().lstrip("€"))
    except ValueError:
        raise ValueError(f"not a price: {text!r}") from None


def discount(price, percent):
    """The price with ``percent`` per cent taken off, rounded to cents.

    >>> discount(20, 25)
    15.0
    >>> discount(9.99, 10)
    8.99
    """
    return round(price * (100 - percent) / 100, 1)


def cheapest(basket):
    """The name of the cheapest item in a basket of (name, price) pairs; a tie goes to the first.

    >>> cheapest([("tea", 3.2), ("milk", 1.1), ("bread", 2.4)])
    'milk'
    >>> cheapest([("salt", 0.9), ("rice", 0.9)])
    'salt'
    """
    raise NotImplementedError
