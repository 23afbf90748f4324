"""What a customer buys."""

from shop.pricing import discount


class Cart:
    def __init__(self, prices):
        self.prices = list(prices)

    def total(self):
        """What the customer pays, every item discounted."""
        return sum(price - discount(price) for price in self.prices)
