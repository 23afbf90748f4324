import unittest

from shop.pricing import price_with_tax


class TestTaxTheOldWay(unittest.TestCase):
    def test_tax_of_ten(self):
        self.assertEqual(price_with_tax(10), 12.0)
