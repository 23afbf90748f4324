"""Lines of a receipt."""

from shop.pricing import round_price


def line(name, price):
    return f"{name}: {round_price(price)}"
